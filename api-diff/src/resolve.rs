//! Paths as the surface writes them: resolved through the `use` items of the module that
//! spells them, `self::`/`super::`/`crate::` made relative to the generated modules, and
//! the caller's path aliases, so that two spellings of one item compare equal.
//!
//! What a path resolves to:
//!
//! - an item of the generated modules: written `module::Name` from their root
//!   (`super::models::Certificate` in `builders.rs`, or `models::Certificate` after
//!   `use super::models;`, are both `models::Certificate`; `Certificate` in `models.rs` too);
//! - an item of another crate: its absolute path, after the aliases (`serde::Serialize`,
//!   `crate::runtime::Result` is `apigen_runtime::Result` when `crate::runtime` is an alias
//!   of `apigen_runtime`);
//! - an item of a runtime crate ([`Options::runtime_crates`]), or one that an item macro of
//!   a runtime crate defines in a generated module (`Client`, `MockServer`): its name alone
//!   (`Result`, `ApiResponse`; `apigen_runtime::mock::MockOperation` is `MockOperation`),
//!   since the runtime is versioned on its own and generated code may reach it by
//!   different paths;
//! - a single name that nothing in the files defines or imports (the prelude's `String`,
//!   `Option`, primitives, glob imports, a macro's items): as written.

use crate::{Options, segments};
use proc_macro2::{Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use syn::visit_mut::{self, VisitMut};

/// What a name in a module is, as far as the items of the files say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Def {
    Module,
    /// A struct, enum, union or type alias; `true` when public and not `#[doc(hidden)]`.
    Type(bool),
    /// Anything else that has a name: function, constant, static, trait, …
    Other,
}

/// The names each module defines and imports.
#[derive(Debug, Default)]
struct Scope {
    defined: BTreeMap<String, Def>,
    /// `use` items: name → the path it stands for, as written.
    uses: BTreeMap<String, Vec<String>>,
    /// Whether an item macro of a runtime crate defines items here (`client!`, `mock!`): the
    /// names that nothing else defines in this module are then the runtime's.
    runtime_items: bool,
}

/// A path, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Absolute, before aliases: as the module's `use` items and `self`/`super` spell it out
    /// (`crate::runtime::DecodeMap`, `apigen_runtime::__private::DecodeMap`).
    pub written: Vec<String>,
    /// After the caller's aliases (`apigen_runtime::DecodeMap`).
    pub full: Vec<String>,
    /// What the surface shows and compares: `full`, or the name alone for the runtime's
    /// items (`DecodeMap`).
    pub shown: Vec<String>,
    /// For an item of the generated modules: what the files say it is, `None` when they do
    /// not define it (a macro does).
    pub local: Option<Option<Def>>,
    /// Whether it is an item of a runtime crate, or one that a runtime macro defines.
    pub runtime: bool,
}

impl Resolved {
    fn as_written(idents: &[String]) -> Resolved {
        Resolved {
            written: idents.to_vec(),
            full: idents.to_vec(),
            shown: idents.to_vec(),
            local: None,
            runtime: false,
        }
    }

    /// Whether it names a type the files define.
    pub fn is_local_type(&self) -> bool {
        matches!(self.local, Some(Some(Def::Type(_))))
    }

    /// Whether it names a type the files define without making it public API.
    pub fn is_private_type(&self) -> bool {
        self.local == Some(Some(Def::Type(false)))
    }
}

enum Target {
    Local {
        module: Vec<String>,
        item: Vec<String>,
        def: Option<Def>,
    },
    External(Vec<String>),
    Unresolved,
}

/// The modules of a set of files, with what each defines and imports.
pub(crate) struct Scopes<'o> {
    options: &'o Options,
    modules: BTreeMap<Vec<String>, Scope>,
}

impl<'o> Scopes<'o> {
    pub fn new(options: &'o Options, files: &[(Vec<String>, syn::File)]) -> Scopes<'o> {
        let mut scopes = Scopes {
            options,
            modules: BTreeMap::new(),
        };
        for (module, file) in files {
            scopes.modules.entry(module.clone()).or_default();
            // `a/b.rs` is module `b` of module `a`, declared there or not.
            for n in 1..=module.len() {
                let parent = scopes.modules.entry(module[..n - 1].to_vec()).or_default();
                parent
                    .defined
                    .entry(module[n - 1].clone())
                    .or_insert(Def::Module);
            }
            scopes.scan(module, &file.items);
        }
        for (module, file) in files {
            scopes.mark_runtime_macros(module, &file.items);
        }
        scopes
    }

    fn scan(&mut self, module: &[String], items: &[syn::Item]) {
        let mut defined: Vec<(String, Def)> = Vec::new();
        let mut uses = BTreeMap::new();
        let ty = |vis: &syn::Visibility, attrs: &[syn::Attribute]| {
            let public = matches!(vis, syn::Visibility::Public(_));
            Def::Type(public && !crate::collect::doc_hidden(attrs))
        };
        for item in items {
            let (ident, def) = match item {
                syn::Item::Struct(i) => (&i.ident, ty(&i.vis, &i.attrs)),
                syn::Item::Enum(i) => (&i.ident, ty(&i.vis, &i.attrs)),
                syn::Item::Union(i) => (&i.ident, ty(&i.vis, &i.attrs)),
                syn::Item::Type(i) => (&i.ident, ty(&i.vis, &i.attrs)),
                syn::Item::Fn(i) => (&i.sig.ident, Def::Other),
                syn::Item::Const(i) => (&i.ident, Def::Other),
                syn::Item::Static(i) => (&i.ident, Def::Other),
                syn::Item::Trait(i) => (&i.ident, Def::Other),
                syn::Item::TraitAlias(i) => (&i.ident, Def::Other),
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        let mut sub = module.to_vec();
                        sub.push(m.ident.to_string());
                        self.scan(&sub, inner);
                    }
                    (&m.ident, Def::Module)
                }
                syn::Item::ExternCrate(i) => {
                    let name = i.rename.as_ref().map_or(&i.ident, |(_, alias)| alias);
                    uses.insert(name.to_string(), vec![i.ident.to_string()]);
                    continue;
                }
                syn::Item::Use(u) => {
                    use_tree(&mut Vec::new(), &u.tree, &mut |name, path| {
                        uses.insert(name, path);
                    });
                    continue;
                }
                _ => continue,
            };
            defined.push((ident.to_string(), def));
        }
        let scope = self.modules.entry(module.to_vec()).or_default();
        scope.defined.extend(defined);
        scope.uses.extend(uses);
    }

    fn mark_runtime_macros(&mut self, module: &[String], items: &[syn::Item]) {
        let mut runtime_items = false;
        for item in items {
            match item {
                syn::Item::Macro(m) if self.defines_runtime_items(module, &m.mac) => {
                    runtime_items = true;
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        let mut sub = module.to_vec();
                        sub.push(m.ident.to_string());
                        self.mark_runtime_macros(&sub, inner);
                    }
                }
                _ => {}
            }
        }
        if runtime_items {
            self.modules
                .entry(module.to_vec())
                .or_default()
                .runtime_items = true;
        }
    }

    /// Whether `mac`, called in `module`, is an item macro of a runtime crate that defines
    /// the runtime's items there (`client!(API, …)`, `mock!(super::Client, …)`) rather than
    /// implementing something for a type of the files (`string_enum!(Include)`,
    /// `into_future!(GetCertificate => …)`, whose first argument names that type).
    pub fn defines_runtime_items(&self, module: &[String], mac: &syn::Macro) -> bool {
        let (leading, idents) = path_idents(&mac.path);
        self.resolve(module, leading, &idents).runtime
            && !self
                .macro_subject(module, mac)
                .is_some_and(|subject| subject.is_local_type())
    }

    /// The path the macro's arguments start with (`GetCertificate` in
    /// `into_future!(GetCertificate => models::Certificate)`), resolved.
    pub fn macro_subject(&self, module: &[String], mac: &syn::Macro) -> Option<Resolved> {
        let trees: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
        let (leading, idents, _) = read_path(&trees, 0);
        if idents.is_empty() {
            return None;
        }
        Some(self.resolve(module, leading, &idents))
    }

    /// `idents` (a path without generic arguments, `::`-rooted when `leading`), written in
    /// `module`.
    pub fn resolve(&self, module: &[String], leading: bool, idents: &[String]) -> Resolved {
        let target = if leading {
            Target::External(idents.to_vec())
        } else {
            self.target(module, idents)
        };
        match target {
            Target::Unresolved => Resolved::as_written(idents),
            Target::Local { module, item, def } => {
                // A name that a runtime macro defines here, not the files.
                let runtime = def.is_none() && self.scope(&module).is_some_and(|s| s.runtime_items);
                let mut full = module;
                full.extend(item.iter().cloned());
                Resolved {
                    written: full.clone(),
                    shown: if runtime { item } else { full.clone() },
                    full,
                    local: Some(def),
                    runtime,
                }
            }
            Target::External(written) => {
                let full = self.alias(&written);
                let runtime = self.is_runtime(&full);
                let shown = match full.last() {
                    Some(last) if runtime => vec![last.clone()],
                    _ => full.clone(),
                };
                Resolved {
                    written,
                    full,
                    shown,
                    local: None,
                    runtime,
                }
            }
        }
    }

    fn scope(&self, module: &[String]) -> Option<&Scope> {
        self.modules.get(module)
    }

    fn target(&self, module: &[String], idents: &[String]) -> Target {
        let mut module = module.to_vec();
        let mut segs = idents.to_vec();
        // Inside the generated modules: after `self`, `super` or a module of theirs.
        let mut anchored = false;
        // `use a as b; use b as a;` must not loop.
        let mut followed: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
        loop {
            let Some(first) = segs.first().cloned() else {
                // `self` or `super` alone: a module, not an item.
                return Target::Unresolved;
            };
            match first.as_str() {
                "crate" if !anchored => return self.crate_path(&segs),
                "self" if !anchored => {
                    anchored = true;
                    segs.remove(0);
                }
                "super" if segs.len() > 1 => {
                    if module.pop().is_none() {
                        // Above the generated modules.
                        return Target::External(idents.to_vec());
                    }
                    anchored = true;
                    segs.remove(0);
                }
                "Self" | "crate" | "self" | "super" => return Target::Unresolved,
                _ => {
                    let scope = self.scope(&module);
                    if let Some(path) = scope.and_then(|s| s.uses.get(&first)) {
                        let mut expanded = path.clone();
                        expanded.extend(segs.drain(1..));
                        // `use serde;` or `extern crate serde;`: the crate itself.
                        if path.first() == Some(&first) {
                            return Target::External(expanded);
                        }
                        if !followed.insert((module.clone(), first.clone())) {
                            return Target::Unresolved;
                        }
                        segs = expanded;
                        anchored = false;
                        continue;
                    }
                    match scope.and_then(|s| s.defined.get(&first)) {
                        Some(Def::Module) if segs.len() > 1 => {
                            module.push(first);
                            segs.remove(0);
                            anchored = true;
                        }
                        Some(def) => {
                            return Target::Local {
                                module,
                                item: segs,
                                def: Some(*def),
                            };
                        }
                        None if anchored => {
                            return Target::Local {
                                module,
                                item: segs,
                                def: None,
                            };
                        }
                        None if segs.len() == 1 => return Target::Unresolved,
                        None => return Target::External(segs),
                    }
                }
            }
        }
    }

    /// `crate::…`: the generated modules may be the crate's root or a module of it
    /// (`crate::generated::models::X`), so the longest tail of the path that the files define
    /// is theirs; otherwise it is an item of the crate outside them (`crate::runtime::X`), to
    /// which the aliases may apply.
    fn crate_path(&self, segs: &[String]) -> Target {
        if self.alias_for(segs).is_none() {
            for start in 1..segs.len() {
                if let Some(target) = self.defined_from_root(&segs[start..]) {
                    return target;
                }
            }
        }
        Target::External(segs.to_vec())
    }

    /// `segs` from the root of the generated modules, when every segment is defined there.
    fn defined_from_root(&self, segs: &[String]) -> Option<Target> {
        let mut module: Vec<String> = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let def = *self.scope(&module)?.defined.get(seg)?;
            if def == Def::Module && i + 1 < segs.len() {
                module.push(seg.clone());
                continue;
            }
            return Some(Target::Local {
                module,
                item: segs[i..].to_vec(),
                def: Some(def),
            });
        }
        None
    }

    /// The alias that applies to `path`: the longest `from` it starts with, whole segments,
    /// whose `items` (when any) list the segment after it.
    fn alias_for(&self, path: &[String]) -> Option<(usize, Vec<String>)> {
        self.options
            .path_aliases
            .iter()
            .filter_map(|alias| {
                let from = segments(&alias.from);
                if from.is_empty() || !starts_with(path, &from) {
                    return None;
                }
                let applies = alias.items.is_empty()
                    || path
                        .get(from.len())
                        .is_some_and(|item| alias.items.iter().any(|i| i.trim() == item));
                applies.then(|| {
                    let to: Vec<String> =
                        segments(&alias.to).into_iter().map(str::to_owned).collect();
                    (from.len(), to)
                })
            })
            .max_by_key(|(len, _)| *len)
    }

    /// `path` after the aliases (each applied at most a few times: they may chain).
    fn alias(&self, path: &[String]) -> Vec<String> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let Some((len, to)) = self.alias_for(&path) else {
                break;
            };
            let mut aliased = to;
            aliased.extend(path.drain(len..));
            if aliased == path {
                break;
            }
            path = aliased;
        }
        path
    }

    /// Whether `path` (after aliases) names an item of a runtime crate.
    fn is_runtime(&self, path: &[String]) -> bool {
        self.options.runtime_crates.iter().any(|krate| {
            let krate = segments(krate);
            !krate.is_empty() && path.len() > krate.len() && starts_with(path, &krate)
        })
    }

    /// Paths in `tokens` (the arguments of an item macro), resolved and shown as in types.
    pub fn canonical_tokens(&self, module: &[String], tokens: TokenStream) -> TokenStream {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => {
                    let mut group = proc_macro2::Group::new(
                        g.delimiter(),
                        self.canonical_tokens(module, g.stream()),
                    );
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                    i += 1;
                }
                // A lifetime: `'a` is not a path.
                TokenTree::Punct(p) if p.as_char() == '\'' => {
                    out.extend(trees[i..(i + 2).min(trees.len())].iter().cloned());
                    i += 2;
                }
                _ => {
                    let (leading, idents, end) = read_path(&trees, i);
                    if idents.is_empty() {
                        out.push(trees[i].clone());
                        i += 1;
                        continue;
                    }
                    let shown = self.resolve(module, leading, &idents).shown;
                    match shown.join("::").parse::<TokenStream>() {
                        Ok(tokens) if !shown.is_empty() => out.extend(tokens),
                        _ => out.extend(trees[i..end].iter().cloned()),
                    }
                    i = end;
                }
            }
        }
        out.into_iter().collect()
    }
}

/// Whether `path` starts with the segments of `prefix`.
fn starts_with(path: &[String], prefix: &[&str]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a == b)
}

/// The names a `use` tree brings into scope, each with the path it stands for:
/// `use crate::runtime::{self as rt, DecodeMap};` gives `rt` → `crate::runtime` and
/// `DecodeMap` → `crate::runtime::DecodeMap`. Globs bring no names this can know, nor does
/// `as _`.
pub(crate) fn use_tree(
    prefix: &mut Vec<String>,
    tree: &syn::UseTree,
    add: &mut dyn FnMut(String, Vec<String>),
) {
    let mut leaf = |prefix: &[String], ident: &proc_macro2::Ident, name: &proc_macro2::Ident| {
        let mut path = prefix.to_vec();
        // `use a::b::{self}` imports the module `b`.
        let name = if name == "self" {
            prefix.last().cloned()
        } else {
            Some(name.to_string())
        };
        if ident != "self" {
            path.push(ident.to_string());
        }
        if let Some(name) = name.filter(|n| n != "_")
            && !path.is_empty()
        {
            add(name, path);
        }
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_tree(prefix, &p.tree, add);
            prefix.pop();
        }
        syn::UseTree::Name(n) => leaf(prefix, &n.ident, &n.ident),
        syn::UseTree::Rename(r) => leaf(prefix, &r.ident, &r.rename),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_tree(prefix, tree, add);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

/// A path's identifiers, without generic arguments, and whether it starts with `::`.
pub(crate) fn path_idents(path: &syn::Path) -> (bool, Vec<String>) {
    (
        path.leading_colon.is_some(),
        path.segments.iter().map(|s| s.ident.to_string()).collect(),
    )
}

/// The path at `trees[start..]`: `[::] ident (:: ident)*`, as (leading `::`, identifiers,
/// index after it); no identifiers when none starts there.
fn read_path(trees: &[TokenTree], start: usize) -> (bool, Vec<String>, usize) {
    let colons = |i: usize| {
        matches!((trees.get(i), trees.get(i + 1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
    };
    let mut i = start;
    let leading = colons(i);
    if leading {
        i += 2;
    }
    let mut idents = Vec::new();
    while let Some(TokenTree::Ident(ident)) = trees.get(i) {
        idents.push(ident.to_string());
        i += 1;
        if colons(i) && matches!(trees.get(i + 2), Some(TokenTree::Ident(_))) {
            i += 2;
        } else {
            break;
        }
    }
    if idents.is_empty() {
        return (false, idents, start);
    }
    (leading, idents, i)
}

/// Rewrites the paths of types and trait bounds in a syntax tree to their resolved form
/// ([`Resolved::shown`]), keeping generic arguments (resolved too), and drops trailing commas
/// in argument and parameter lists, which formatting adds or not.
pub(crate) struct Canon<'a> {
    pub scopes: &'a Scopes<'a>,
    pub module: &'a [String],
    /// Generic parameters in scope, which are not paths to resolve.
    pub params: BTreeSet<String>,
}

impl<'a> Canon<'a> {
    pub fn new(scopes: &'a Scopes<'a>, module: &'a [String]) -> Canon<'a> {
        Canon {
            scopes,
            module,
            params: BTreeSet::new(),
        }
    }

    /// With the type parameters of `generics` in scope too.
    pub fn with(mut self, generics: Option<&syn::Generics>) -> Canon<'a> {
        if let Some(generics) = generics {
            self.params.extend(type_params(generics));
        }
        self
    }

    pub fn path(&mut self, path: &mut syn::Path) {
        visit_mut::visit_path_mut(self, path);
        self.rewrite(path);
    }

    fn rewrite(&self, path: &mut syn::Path) {
        let Some(first) = path.segments.first() else {
            return;
        };
        if path.leading_colon.is_none()
            && (first.ident == "Self" || self.params.contains(&first.ident.to_string()))
        {
            return;
        }
        // Up to the first segment with generic arguments: what follows it (`Foo<T>::Bar`)
        // is kept as written.
        let consumed = path
            .segments
            .iter()
            .position(|s| !matches!(s.arguments, syn::PathArguments::None))
            .map_or(path.segments.len(), |i| i + 1);
        let idents: Vec<String> = path
            .segments
            .iter()
            .take(consumed)
            .map(|s| s.ident.to_string())
            .collect();
        let shown = self
            .scopes
            .resolve(self.module, path.leading_colon.is_some(), &idents)
            .shown;
        if shown.is_empty() {
            return;
        }
        let Ok(mut new) = syn::parse_str::<syn::Path>(&shown.join("::")) else {
            return;
        };
        if let Some(last) = new.segments.last_mut() {
            last.arguments = path.segments[consumed - 1].arguments.clone();
        }
        for segment in path.segments.iter().skip(consumed) {
            new.segments.push(segment.clone());
        }
        *path = new;
    }
}

impl VisitMut for Canon<'_> {
    fn visit_type_path_mut(&mut self, node: &mut syn::TypePath) {
        visit_mut::visit_type_path_mut(self, node);
        if node.qself.is_none() {
            self.rewrite(&mut node.path);
        }
    }

    fn visit_trait_bound_mut(&mut self, node: &mut syn::TraitBound) {
        visit_mut::visit_trait_bound_mut(self, node);
        self.rewrite(&mut node.path);
    }

    fn visit_signature_mut(&mut self, node: &mut syn::Signature) {
        let saved = self.params.clone();
        self.params.extend(type_params(&node.generics));
        visit_mut::visit_signature_mut(self, node);
        self.params = saved;
    }

    fn visit_angle_bracketed_generic_arguments_mut(
        &mut self,
        node: &mut syn::AngleBracketedGenericArguments,
    ) {
        visit_mut::visit_angle_bracketed_generic_arguments_mut(self, node);
        node.args.pop_punct();
    }

    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        node: &mut syn::ParenthesizedGenericArguments,
    ) {
        visit_mut::visit_parenthesized_generic_arguments_mut(self, node);
        node.inputs.pop_punct();
    }

    fn visit_generics_mut(&mut self, node: &mut syn::Generics) {
        visit_mut::visit_generics_mut(self, node);
        node.params.pop_punct();
        if let Some(w) = &mut node.where_clause {
            w.predicates.pop_punct();
        }
    }

    // Expressions (array lengths, const arguments) and attributes are left as written.
    fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}

    fn visit_attribute_mut(&mut self, _: &mut syn::Attribute) {}
}

fn type_params(generics: &syn::Generics) -> impl Iterator<Item = String> + '_ {
    generics.params.iter().filter_map(|p| match p {
        syn::GenericParam::Type(t) => Some(t.ident.to_string()),
        syn::GenericParam::Const(c) => Some(c.ident.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use crate::{Options, PathAlias, Surface, public_api};

    /// The runtime was `crate::runtime` and is `apigen_runtime`, whose `__private` re-exports
    /// `Result` from the root.
    fn aliased() -> Options {
        Options {
            path_aliases: vec![
                PathAlias::new("crate::runtime", "apigen_runtime"),
                PathAlias::new("apigen_runtime::__private", "apigen_runtime").only(["Result"]),
            ],
            ..Options::default()
        }
    }

    /// Like xtask's: the aliases, the rule for internal traits, and `apigen_runtime` as the
    /// runtime.
    fn runtime() -> Options {
        Options {
            internal_trait_paths: vec!["crate::runtime".to_owned()],
            private_modules: vec!["__private".to_owned()],
            public_traits: vec!["mock::MockOperation".to_owned()],
            runtime_crates: vec!["apigen_runtime".to_owned()],
            ..aliased()
        }
    }

    fn api(files: &[(&str, &str)], options: &Options) -> Surface {
        public_api(files, options)
    }

    const MODELS: &str = "pub struct Thing; pub enum Kind { A }";

    const SPELLINGS: [&str; 4] = [
        "impl crate::runtime::Client {
             pub fn get(&self, k: super::models::Kind,) -> crate::runtime::Result<super::models::Thing,> { todo!() }
         }",
        "use super::models;
         use apigen_runtime::Result;
         impl super::Client {
             pub fn get(&self, k: models::Kind) -> Result<models::Thing> { todo!() }
         }",
        "use super::{models::{self as m, Kind}};
         use apigen_runtime::__private as rt;
         impl self::super::Client {
             pub fn get(&self, k: Kind) -> rt::Result<m::Thing> { todo!() }
         }",
        "use crate::generated::models::Thing;
         impl crate::runtime::Client {
             pub fn get(&self, k: crate::models::Kind) -> ::apigen_runtime::Result<Thing> { todo!() }
         }",
    ];

    #[test]
    fn spellings_of_one_path_are_the_same() {
        for builders in SPELLINGS {
            let surface = api(
                &[("builders.rs", builders), ("models.rs", MODELS)],
                &aliased(),
            );
            assert_eq!(
                surface.functions["Client::get"].signature(),
                "fn get(&self, k: models::Kind) -> apigen_runtime::Result<models::Thing>",
                "{builders}"
            );
        }
        // With the runtime crate, its items are shown by name.
        for builders in SPELLINGS {
            let surface = api(
                &[("builders.rs", builders), ("models.rs", MODELS)],
                &runtime(),
            );
            assert_eq!(
                surface.functions["Client::get"].signature(),
                "fn get(&self, k: models::Kind) -> Result<models::Thing>",
                "{builders}"
            );
        }
        // Without aliases, paths out of the generated modules are kept whole (theirs are
        // still resolved).
        let surface = api(
            &[("builders.rs", SPELLINGS[2]), ("models.rs", MODELS)],
            &Options::default(),
        );
        assert_eq!(
            surface.functions["Client::get"].output,
            "apigen_runtime::__private::Result<models::Thing>"
        );
        // An alias limited to some items leaves the others alone.
        let other = "use apigen_runtime::__private as rt;
             impl super::Client { pub fn req(&self) -> rt::Request { todo!() } }";
        let surface = api(&[("builders.rs", other)], &aliased());
        assert_eq!(
            surface.functions["Client::req"].output,
            "apigen_runtime::__private::Request"
        );
    }
    #[test]
    fn generic_parameters_and_self_are_not_paths() {
        let models = "pub struct T; pub struct U;
             pub struct Wrap<T: Into<U>> { pub inner: T, pub other: U }
             impl<T: Into<U>> Wrap<T> { pub fn map<U>(self, f: impl Fn(T) -> U) -> Self { self } }";
        let surface = api(&[("models.rs", models)], &Options::default());
        let wrap = &surface.types["models::Wrap"];
        assert_eq!(wrap.generics, "<T: Into<models::U>>");
        assert_eq!(
            wrap.fields,
            [
                ("inner".to_owned(), "T".to_owned()),
                ("other".to_owned(), "models::U".to_owned())
            ]
        );
        assert_eq!(
            surface.functions["models::Wrap::map"].signature(),
            "fn map<U>(self, f: impl Fn(T) -> U) -> Self"
        );
    }

    #[test]
    fn the_runtimes_items_are_not_the_specs() {
        let root = "pub mod models; pub mod mock;
             pub use apigen_runtime::{Error, Result};
             pub use self::models::Thing as Widget;
             pub use models::Kind;
             pub use apigen_runtime::mock::*;
             pub use self::mock::*;
             const API: u8 = 1;
             apigen_runtime::client!(API, \"KEY\");";
        let models = "use apigen_runtime::__private as runtime;
             pub struct Thing; pub enum Kind { A }
             runtime::string_enum!(Kind);
             runtime::into_future!(Thing<'static> => super::models::Thing);
             other::thing!(Thing);";
        let mock = "use super::models;
             pub use apigen_runtime::mock::MockOperation;
             apigen_runtime::mock!(super::Client, super::ClientBuilder);
             pub enum GetThing {}
             impl MockServer { pub fn get_thing(&self) -> Expectation<'_, GetThing> { todo!() } }
             impl MockOperation for GetThing { type Response = models::Thing; }
             impl apigen_runtime::__private::DecodeMap for GetThing {}";
        let builders = "impl super::Client {
                 pub fn mock(&self) -> super::mock::MockServer { todo!() }
                 pub fn client(&self) -> super::Client { todo!() }
             }";
        let files = [
            ("mod.rs", root),
            ("models.rs", models),
            ("mock.rs", mock),
            ("builders.rs", builders),
        ];
        let surface = api(&files, &runtime());
        let others: Vec<(&str, &str)> = surface
            .others
            .iter()
            .map(|(k, o)| (k.as_str(), o.signature.as_str()))
            .collect();
        assert_eq!(
            others,
            [
                ("Kind", "use models::Kind"),
                ("Widget", "use models::Thing as Widget"),
                ("mock", "mod mock"),
                ("mock::*", "use mock::*"),
                ("models", "mod models")
            ]
        );
        let impls: Vec<(&str, &str)> = surface
            .impls
            .iter()
            .map(|(k, i)| (k.as_str(), i.detail.as_str()))
            .collect();
        assert_eq!(
            impls,
            [
                (
                    "MockOperation for mock::GetThing",
                    "type Response = models::Thing"
                ),
                (
                    "into_future!(models::Thing)",
                    "models::Thing<'static> => models::Thing"
                ),
                ("string_enum!(models::Kind)", "models::Kind"),
                ("thing!(models::Thing)", "models::Thing"),
            ]
        );
        // The types `client!` and `mock!` define are the runtime's, by name.
        assert_eq!(
            surface.functions["MockServer::get_thing"].output,
            "Expectation<'_, mock::GetThing>"
        );
        assert_eq!(surface.functions["Client::mock"].output, "MockServer");
        assert_eq!(surface.functions["Client::client"].output, "Client");

        // Without the options, the runtime's re-exports and macros are items like others.
        let every = api(&files, &Options::default());
        for k in ["Error", "Result", "mock::MockOperation"] {
            assert!(every.others.contains_key(k), "{k}: {:#?}", every.others);
        }
        assert!(every.impls.contains_key("client!(API)"));
        assert!(every.impls.contains_key("mock!(Client)"));
        assert!(
            every
                .impls
                .contains_key("apigen_runtime::__private::DecodeMap for mock::GetThing")
        );
    }

    #[test]
    fn macro_arguments_keep_what_is_not_a_path() {
        let models = "pub struct Thing;
             m!(Thing, 'a, ::std::string::String, \"super::Thing\", 1 + x::y, self, super);";
        let surface = api(&[("models.rs", models)], &Options::default());
        assert_eq!(
            surface.impls["m!(models::Thing)"].detail,
            "models::Thing, 'a, std::string::String, \"super::Thing\", 1 + x::y, self, super"
        );
    }
}
