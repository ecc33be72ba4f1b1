//! Collecting the surface: the public items of a set of Rust files, read with `syn`.

use crate::resolve::{Canon, Resolved, Scopes, path_idents, use_tree};
use crate::text::{norm, render_tokens};
use crate::{Function, Impl, Options, Other, Surface, TypeDef, TypeKind, What};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use syn::visit_mut::VisitMut;

/// The public API of generated files, given as (path relative to the generated module's
/// directory, contents): `models.rs` is module `models`, `mod.rs` the root, `a/b.rs` module
/// `a::b`. Files that are not `.rs` or do not parse are skipped. `options` says which
/// traits are internal (their impls are left out), which paths name the same items and
/// which crates are the runtime's (see [`Options`]).
pub fn public_api(files: &[(&str, &str)], options: &Options) -> Surface {
    let mut parsed: Vec<(Vec<String>, syn::File)> = Vec::new();
    for (path, text) in files {
        let Some(module) = module_of(path) else {
            continue;
        };
        if let Ok(file) = syn::parse_file(text) {
            parsed.push((module, file));
        }
    }
    parsed.sort_by(|a, b| a.0.cmp(&b.0));

    // Modules declared without `pub` or with `#[doc(hidden)]` (`mod x;`), or that say
    // `#![doc(hidden)]` themselves, hide their files. A private module's items are out of
    // reach, but not its trait impls (`impl Deserialize for models::X` in a private
    // `decode` module is as public as the type): those still count, unless hidden.
    let mut hidden: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut private: BTreeSet<Vec<String>> = BTreeSet::new();
    for (module, file) in &parsed {
        if doc_hidden(&file.attrs) {
            hidden.insert(module.clone());
        }
        for item in &file.items {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let mut path = module.clone();
                path.push(m.ident.to_string());
                if doc_hidden(&m.attrs) {
                    hidden.insert(path);
                } else if !is_pub(&m.vis) {
                    private.insert(path);
                }
            }
        }
    }
    let within = |set: &BTreeSet<Vec<String>>, module: &[String]| {
        (0..=module.len()).any(|n| set.contains(&module[..n]))
    };
    let visible = |module: &[String]| !within(&hidden, module) && !within(&private, module);
    let impls_visible = |module: &[String]| !within(&hidden, module);

    let scopes = Scopes::new(options, &parsed);
    let mut cx = Collector {
        options,
        scopes: &scopes,
        surface: Surface::default(),
    };
    for (module, file) in &parsed {
        if visible(module) {
            cx.types(module, &file.items);
        }
    }
    for (module, file) in &parsed {
        if visible(module) {
            cx.rest(module, &file.items);
        } else if impls_visible(module) {
            cx.trait_impls(module, &file.items);
        }
    }
    let mut surface = cx.surface;
    let builders: BTreeSet<String> = surface
        .functions
        .values()
        .filter(|f| f.name == "send")
        .filter_map(|f| f.owner.clone())
        .collect();
    for f in surface.functions.values_mut() {
        f.operation = f.returns.as_ref().is_some_and(|r| builders.contains(r));
    }
    surface
}

fn module_of(path: &str) -> Option<Vec<String>> {
    let path = path.replace('\\', "/");
    let stem = path.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_owned)
        .collect();
    if parts
        .last()
        .is_some_and(|last| last == "mod" || (last == "lib" && parts.len() == 1))
    {
        parts.pop();
    }
    Some(parts)
}

fn key(module: &[String], name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{}::{name}", module.join("::"))
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Whether the attributes say `#[doc(hidden)]`: the item, and everything in it, is not
/// public API.
pub(crate) fn doc_hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(list) if list.path.is_ident("doc") => list
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(t, TokenTree::Ident(ident) if ident == "hidden")),
        _ => false,
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

/// `#[cfg(...)]` attributes, which decide whether an item exists at all.
fn cfgs(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| format!("{} ", norm(a)))
        .collect()
}

struct Collector<'o> {
    options: &'o Options,
    scopes: &'o Scopes<'o>,
    surface: Surface,
}

impl Collector<'_> {
    /// Pass 1: the types, so that pass 2 knows them (the owners of methods and impls).
    fn types(&mut self, module: &[String], items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(s) => {
                    if !is_pub(&s.vis) || doc_hidden(&s.attrs) {
                        continue;
                    }
                    let k = key(module, &s.ident.to_string());
                    let mut canon = self.canon(module, &[&s.generics]);
                    let (fields, private_fields) = public_fields(s.fields.iter(), &mut canon);
                    let generics = generics(&s.generics, &mut canon);
                    self.add_type(
                        module,
                        k,
                        &s.attrs,
                        TypeDef {
                            kind: TypeKind::Struct,
                            generics,
                            non_exhaustive: has_attr(&s.attrs, "non_exhaustive"),
                            fields,
                            private_fields,
                            variants: Vec::new(),
                        },
                    );
                }
                syn::Item::Union(u) => {
                    if !is_pub(&u.vis) || doc_hidden(&u.attrs) {
                        continue;
                    }
                    let k = key(module, &u.ident.to_string());
                    let mut canon = self.canon(module, &[&u.generics]);
                    let (fields, private_fields) = public_fields(u.fields.named.iter(), &mut canon);
                    let generics = generics(&u.generics, &mut canon);
                    self.add_type(
                        module,
                        k,
                        &u.attrs,
                        TypeDef {
                            kind: TypeKind::Union,
                            generics,
                            non_exhaustive: has_attr(&u.attrs, "non_exhaustive"),
                            fields,
                            private_fields,
                            variants: Vec::new(),
                        },
                    );
                }
                syn::Item::Enum(e) => {
                    if !is_pub(&e.vis) || doc_hidden(&e.attrs) {
                        continue;
                    }
                    let k = key(module, &e.ident.to_string());
                    let mut canon = self.canon(module, &[&e.generics]);
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let mut payload = payload(&v.fields, &mut canon);
                            if let Some((_, expr)) = &v.discriminant {
                                let _ = write!(payload, " = {}", norm(expr));
                            }
                            (v.ident.to_string(), payload)
                        })
                        .collect();
                    let generics = generics(&e.generics, &mut canon);
                    self.add_type(
                        module,
                        k,
                        &e.attrs,
                        TypeDef {
                            kind: TypeKind::Enum,
                            generics,
                            non_exhaustive: has_attr(&e.attrs, "non_exhaustive"),
                            fields: Vec::new(),
                            private_fields: 0,
                            variants,
                        },
                    );
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content
                        && is_pub(&m.vis)
                        && !doc_hidden(&m.attrs)
                    {
                        let mut sub = module.to_vec();
                        sub.push(m.ident.to_string());
                        self.types(&sub, inner);
                    }
                }
                _ => {}
            }
        }
    }

    fn add_type(&mut self, module: &[String], k: String, attrs: &[syn::Attribute], def: TypeDef) {
        for (derive, cfg) in derives(attrs) {
            if self.internal_trait(module, &derive) {
                continue;
            }
            self.surface.impls.insert(
                format!("{} for {k}", self.trait_key(module, &[], &derive)),
                Impl {
                    owner: Some(k.clone()),
                    detail: String::new(),
                    how: "derive",
                    cfg,
                },
            );
        }
        self.surface.types.insert(k, def);
    }

    /// Pass 2: functions, impls and everything else.
    /// The trait impls of a private module's items (its other items are out of reach).
    fn trait_impls(&mut self, module: &[String], items: &[syn::Item]) {
        for item in items {
            if let syn::Item::Impl(imp) = item
                && imp.trait_.is_some()
                && !doc_hidden(&imp.attrs)
            {
                self.item_impl(module, imp);
            }
        }
    }

    fn rest(&mut self, module: &[String], items: &[syn::Item]) {
        for item in items {
            if doc_hidden(item_attrs(item)) {
                continue;
            }
            match item {
                syn::Item::Impl(imp) => self.item_impl(module, imp),
                syn::Item::Fn(f) if is_pub(&f.vis) => {
                    let func = self.function(module, None, None, &f.sig);
                    self.surface.functions.insert(key(module, &func.name), func);
                }
                syn::Item::Macro(m) => self.item_macro(module, m),
                syn::Item::Const(c) if is_pub(&c.vis) => {
                    let mut canon = self.canon(module, &[&c.generics]);
                    let sig = format!(
                        "{}const {}{}: {}",
                        cfgs(&c.attrs),
                        c.ident,
                        generics(&c.generics, &mut canon),
                        canon.ty(&c.ty)
                    );
                    self.other(key(module, &c.ident.to_string()), What::Const, None, sig);
                }
                syn::Item::Static(s) if is_pub(&s.vis) => {
                    let mutability = match s.mutability {
                        syn::StaticMutability::Mut(_) => "mut ",
                        _ => "",
                    };
                    let sig = format!(
                        "{}static {mutability}{}: {}",
                        cfgs(&s.attrs),
                        s.ident,
                        self.canon(module, &[]).ty(&s.ty)
                    );
                    self.other(key(module, &s.ident.to_string()), What::Static, None, sig);
                }
                syn::Item::Type(t) if is_pub(&t.vis) => {
                    let mut canon = self.canon(module, &[&t.generics]);
                    let sig = format!(
                        "{}type {}{} = {}",
                        cfgs(&t.attrs),
                        t.ident,
                        generics(&t.generics, &mut canon),
                        canon.ty(&t.ty)
                    );
                    self.other(
                        key(module, &t.ident.to_string()),
                        What::TypeAlias,
                        None,
                        sig,
                    );
                }
                syn::Item::Trait(t) if is_pub(&t.vis) => {
                    let k = key(module, &t.ident.to_string());
                    let mut t = t.clone();
                    self.canon(module, &[&t.generics])
                        .visit_item_trait_mut(&mut t);
                    self.other(k, What::Trait, None, without_docs(&t));
                }
                syn::Item::TraitAlias(t) if is_pub(&t.vis) => {
                    let k = key(module, &t.ident.to_string());
                    let mut t = t.clone();
                    self.canon(module, &[&t.generics])
                        .visit_item_trait_alias_mut(&mut t);
                    self.other(k, What::Trait, None, without_docs(&t));
                }
                syn::Item::Use(u) if is_pub(&u.vis) => self.reexport(module, u),
                syn::Item::ExternCrate(e) if is_pub(&e.vis) => {
                    let name = match &e.rename {
                        Some((_, alias)) => alias.to_string(),
                        None => e.ident.to_string(),
                    };
                    self.other(key(module, &name), What::Reexport, None, without_docs(e));
                }
                syn::Item::Mod(m) if is_pub(&m.vis) => {
                    let sig = format!("{}mod {}", cfgs(&m.attrs), m.ident);
                    self.other(key(module, &m.ident.to_string()), What::Module, None, sig);
                    if let Some((_, inner)) = &m.content {
                        let mut sub = module.to_vec();
                        sub.push(m.ident.to_string());
                        self.rest(&sub, inner);
                    }
                }
                // Private items, foreign blocks, verbatim tokens and item kinds a newer
                // `syn` may add are not public API this report can describe.
                _ => {}
            }
        }
    }

    /// A rewriter of the paths written in `module`, with the type parameters of `generics`
    /// in scope.
    fn canon<'a>(&'a self, module: &'a [String], generics: &[&syn::Generics]) -> Canon<'a> {
        let mut canon = Canon::new(self.scopes, module);
        for g in generics {
            canon = canon.with(Some(g));
        }
        canon
    }

    fn resolve(&self, module: &[String], path: &syn::Path) -> Resolved {
        let (leading, idents) = path_idents(path);
        self.scopes.resolve(module, leading, &idents)
    }

    /// Whether `path`, written in `module`, names an internal trait: as spelled out there, or
    /// after the aliases.
    fn internal_trait(&self, module: &[String], path: &syn::Path) -> bool {
        let resolved = self.resolve(module, path);
        self.options.is_internal_trait(&resolved.written.join("::"))
            || self.options.is_internal_trait(&resolved.full.join("::"))
    }

    /// A trait's key: its resolved path with generic arguments but no lifetimes, so that
    /// `#[derive(serde::Deserialize)]` and `impl<'de> serde::Deserialize<'de> for X` are the
    /// same trait.
    fn trait_key(
        &self,
        module: &[String],
        generics: &[&syn::Generics],
        path: &syn::Path,
    ) -> String {
        let mut path = path.clone();
        self.canon(module, generics).path(&mut path);
        trait_key(&path)
    }

    /// `pub use` items: one re-export per name they bring, keyed by that name in the module
    /// (`*` for a glob), except the runtime's items, which are its API (see
    /// [`Options::runtime_crates`]).
    fn reexport(&mut self, module: &[String], u: &syn::ItemUse) {
        let mut leaves: Vec<(String, Vec<String>)> = Vec::new();
        use_tree(&mut Vec::new(), &u.tree, &mut |name, path| {
            leaves.push((name, path))
        });
        collect_globs(&mut Vec::new(), &u.tree, &mut |mut path| {
            path.push("*".to_owned());
            leaves.push(("*".to_owned(), path))
        });
        for (name, path) in leaves {
            let resolved = self.scopes.resolve(module, false, &path);
            let glob = name == "*";
            // A glob of a generated module is not one of the runtime's items, whatever
            // else its module holds.
            let local_glob = glob && resolved.local.is_some();
            if resolved.runtime && !local_glob {
                continue;
            }
            let target = if local_glob {
                &resolved.full
            } else {
                &resolved.shown
            }
            .join("::");
            let cfg = cfgs(&u.attrs);
            let (k, sig) = if glob {
                (key(module, &target), format!("{cfg}use {target}"))
            } else if resolved.shown.last() == Some(&name) {
                (key(module, &name), format!("{cfg}use {target}"))
            } else {
                (key(module, &name), format!("{cfg}use {target} as {name}"))
            };
            self.other(k, What::Reexport, None, sig);
        }
    }

    fn other(&mut self, k: String, what: What, owner: Option<String>, signature: String) {
        self.surface.others.insert(
            k,
            Other {
                what,
                owner,
                signature,
            },
        );
    }

    fn item_impl(&mut self, module: &[String], imp: &syn::ItemImpl) {
        let Some(owner) = self.type_key(module, &imp.generics, &imp.self_ty) else {
            return;
        };
        match &imp.trait_ {
            None => {
                for item in &imp.items {
                    match item {
                        syn::ImplItem::Fn(f) if is_pub(&f.vis) && !doc_hidden(&f.attrs) => {
                            let func =
                                self.function(module, Some(&owner), Some(&imp.generics), &f.sig);
                            self.surface
                                .functions
                                .insert(format!("{owner}::{}", func.name), func);
                        }
                        syn::ImplItem::Const(c) if is_pub(&c.vis) && !doc_hidden(&c.attrs) => {
                            let ty = self.canon(module, &[&imp.generics]).ty(&c.ty);
                            let sig = format!("const {}: {ty}", c.ident);
                            self.other(
                                format!("{owner}::{}", c.ident),
                                What::Const,
                                Some(owner.clone()),
                                sig,
                            );
                        }
                        _ => {}
                    }
                }
            }
            // Users cannot name an internal trait: its impls are not API.
            Some((path, _)) if self.internal_trait(module, path) => {}
            Some((path, _)) => {
                let mut canon = self.canon(module, &[&imp.generics]);
                let negative = if imp.modifiers.polarity.is_some() {
                    "!"
                } else {
                    ""
                };
                let mut assoc = Vec::new();
                for item in &imp.items {
                    match item {
                        syn::ImplItem::Type(t) => {
                            let mut canon = self.canon(module, &[&imp.generics, &t.generics]);
                            assoc.push(format!(
                                "type {}{} = {}",
                                t.ident,
                                generics(&t.generics, &mut canon),
                                canon.ty(&t.ty)
                            ));
                        }
                        syn::ImplItem::Const(c) => {
                            assoc.push(format!("const {}: {}", c.ident, canon.ty(&c.ty)));
                        }
                        _ => {}
                    }
                }
                self.surface.impls.insert(
                    format!(
                        "{negative}{} for {owner}",
                        self.trait_key(module, &[&imp.generics], path)
                    ),
                    Impl {
                        owner: Some(owner),
                        detail: assoc.join("; "),
                        how: "impl",
                        cfg: cfg_condition(&imp.attrs),
                    },
                );
            }
        }
    }

    /// `string_enum!(Name)`, `into_future!(Builder => Output)` and other item macros: an
    /// impl-like item keyed by the macro's name and the path its arguments start with (the
    /// type it implements something for), its arguments resolved. An item macro of a runtime
    /// crate that defines the runtime's items (`client!`, `mock!`) is not the spec's surface.
    fn item_macro(&mut self, module: &[String], m: &syn::ItemMacro) {
        let Some(name) = m.mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if name == "macro_rules" {
            if let Some(ident) = &m.ident
                && has_attr(&m.attrs, "macro_export")
            {
                let k = format!("{ident}!");
                self.other(k.clone(), What::Macro, None, format!("macro {k}"));
            }
            return;
        }
        if self.scopes.defines_runtime_items(module, &m.mac) {
            return;
        }
        let detail = render_tokens(self.scopes.canonical_tokens(module, m.mac.tokens.clone()));
        let (k, owner) = match self.scopes.macro_subject(module, &m.mac) {
            // A private type's impls are not public API.
            Some(subject) if subject.is_private_type() => return,
            Some(subject) => {
                let owner = subject.shown.join("::");
                (format!("{name}!({owner})"), Some(owner))
            }
            None => (format!("{name}!({detail})"), None),
        };
        self.surface.impls.insert(
            k,
            Impl {
                owner,
                detail,
                how: "macro",
                cfg: cfg_condition(&m.attrs),
            },
        );
    }

    fn function(
        &self,
        module: &[String],
        owner: Option<&str>,
        impl_generics: Option<&syn::Generics>,
        sig: &syn::Signature,
    ) -> Function {
        let mut canon = self
            .canon(module, &[])
            .with(impl_generics)
            .with(Some(&sig.generics));
        let mut qualifiers = String::new();
        if sig.constness.is_some() {
            qualifiers.push_str("const ");
        }
        if sig.asyncness.is_some() {
            qualifiers.push_str("async ");
        }
        if let syn::Safety::Unsafe(_) = sig.safety {
            qualifiers.push_str("unsafe ");
        }
        if let Some(abi) = &sig.abi {
            let _ = write!(qualifiers, "{} ", norm(abi));
        }
        let mut receiver = None;
        let mut params = Vec::new();
        for (i, arg) in sig.inputs.iter().enumerate() {
            match arg {
                syn::FnArg::Receiver(r) => receiver = Some(receiver_str(r)),
                syn::FnArg::Typed(pt) => {
                    let name = match &*pt.pat {
                        syn::Pat::Ident(p) => p.ident.to_string(),
                        syn::Pat::Wild(_) => format!("_{i}"),
                        other => norm(other),
                    };
                    params.push((name, canon.ty(&pt.ty)));
                }
            }
        }
        if sig.variadic.is_some() {
            params.push(("...".to_owned(), String::new()));
        }
        let (output, returns) = match &sig.output {
            syn::ReturnType::Default => ("()".to_owned(), None),
            syn::ReturnType::Type(_, ty) => {
                let returns = match &**ty {
                    syn::Type::Path(tp) if tp.qself.is_none() => {
                        let resolved = self.resolve(module, &tp.path);
                        resolved.is_local_type().then(|| resolved.full.join("::"))
                    }
                    _ => None,
                };
                (canon.ty(ty), returns)
            }
        };
        Function {
            owner: owner.map(str::to_owned),
            operation: false,
            name: sig.ident.to_string(),
            qualifiers,
            generics: generics(&sig.generics, &mut canon),
            receiver,
            params,
            output,
            returns,
        }
    }

    /// The key of an impl's self type: the surface's key for a type the files define
    /// (`builders::Organization` for `impl<'a> Organization<'a>`), the name with its generic
    /// arguments for one defined elsewhere (`crate::runtime::Client` and `super::Client`,
    /// which `client!` defines, are `Client`; `Expectation<'_, GetThing>` in `mock.rs` is
    /// `Expectation<'_, mock::GetThing>`), `None` for a private type.
    fn type_key(
        &self,
        module: &[String],
        generics: &syn::Generics,
        ty: &syn::Type,
    ) -> Option<String> {
        let mut canon = self.canon(module, &[generics]);
        match ty {
            syn::Type::Path(tp) if tp.qself.is_none() => {
                let resolved = self.resolve(module, &tp.path);
                if resolved.is_private_type() {
                    return None;
                }
                if resolved.is_local_type() {
                    return Some(resolved.full.join("::"));
                }
                let mut path = tp.path.clone();
                canon.path(&mut path);
                match path.segments.last() {
                    Some(last) => Some(norm(last)),
                    None => Some(norm(&path)),
                }
            }
            other => Some(canon.ty(other)),
        }
    }
}

impl Canon<'_> {
    /// A type as the surface shows it: paths resolved, compact.
    fn ty(&mut self, ty: &syn::Type) -> String {
        let mut ty = ty.clone();
        self.visit_type_mut(&mut ty);
        norm(&ty)
    }
}

/// The paths of the glob imports of a `use` tree (`use a::b::*` → `a::b`).
fn collect_globs(prefix: &mut Vec<String>, tree: &syn::UseTree, add: &mut dyn FnMut(Vec<String>)) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            collect_globs(prefix, &p.tree, add);
            prefix.pop();
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                collect_globs(prefix, tree, add);
            }
        }
        syn::UseTree::Glob(_) if !prefix.is_empty() => add(prefix.clone()),
        _ => {}
    }
}

fn public_fields<'a>(
    fields: impl Iterator<Item = &'a syn::Field>,
    canon: &mut Canon<'_>,
) -> (Vec<(String, String)>, usize) {
    let mut public = Vec::new();
    let mut private = 0;
    for (i, field) in fields.enumerate() {
        // A `#[doc(hidden)]` field is not API: as with a private one, struct literals from
        // outside are not supported.
        if is_pub(&field.vis) && !doc_hidden(&field.attrs) {
            let name = match &field.ident {
                Some(ident) => ident.to_string(),
                None => i.to_string(),
            };
            public.push((name, canon.ty(&field.ty)));
        } else {
            private += 1;
        }
    }
    (public, private)
}

fn payload(fields: &syn::Fields, canon: &mut Canon<'_>) -> String {
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(u) => {
            let types: Vec<String> = u.unnamed.iter().map(|f| canon.ty(&f.ty)).collect();
            format!("({})", types.join(", "))
        }
        syn::Fields::Named(n) => {
            let fields: Vec<String> = n
                .named
                .iter()
                .map(|f| {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    format!("{name}: {}", canon.ty(&f.ty))
                })
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

fn generics(g: &syn::Generics, canon: &mut Canon<'_>) -> String {
    let mut g = g.clone();
    canon.visit_generics_mut(&mut g);
    let mut out = if g.params.is_empty() {
        String::new()
    } else {
        norm(&g)
    };
    if let Some(w) = &g.where_clause
        && !w.predicates.is_empty()
    {
        let _ = write!(out, " {}", norm(w));
    }
    out
}

fn receiver_str(r: &syn::Receiver) -> String {
    match &r.kind {
        // `mut self` binds mutably; callers see `self`.
        syn::ReceiverKind::Value => "self".to_owned(),
        syn::ReceiverKind::Reference(_, lifetime, mutability) => {
            let mut out = "&".to_owned();
            if let Some(lt) = lifetime {
                let _ = write!(out, "{} ", norm(lt));
            }
            if mutability.is_some() {
                out.push_str("mut ");
            }
            out.push_str("self");
            out
        }
        syn::ReceiverKind::Typed(_, ty) => format!("self: {}", norm(ty)),
        _ => norm(r),
    }
}

/// The derived traits, each with the `cfg` condition it is derived under: `#[derive(…)]`
/// always (empty), `#[cfg_attr(COND, derive(…))]` under `COND`.
fn derives(attrs: &[syn::Attribute]) -> Vec<(syn::Path, String)> {
    let list = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
    let mut out = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("derive") {
            if let Ok(paths) = attr.parse_args_with(list) {
                out.extend(paths.into_iter().map(|p| (p, String::new())));
            }
        } else if attr.path().is_ident("cfg_attr")
            && let Ok(args) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            && let Some(condition) = args.first()
        {
            for meta in args.iter().skip(1) {
                if let syn::Meta::List(inner) = meta
                    && inner.path.is_ident("derive")
                    && let Ok(paths) = inner.parse_args_with(list)
                {
                    let cfg = norm(condition);
                    out.extend(paths.into_iter().map(|p| (p, cfg.clone())));
                }
            }
        }
    }
    out
}

/// The condition of an item's `#[cfg(…)]` attributes (joined with `all` when several), or
/// empty.
fn cfg_condition(attrs: &[syn::Attribute]) -> String {
    let conditions: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| a.parse_args::<syn::Meta>().ok())
        .map(|m| norm(&m))
        .collect();
    match conditions.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => format!("all({})", many.join(", ")),
    }
}

/// A trait path without lifetime arguments, so that `#[derive(serde::Deserialize)]` and
/// `impl<'de> serde::Deserialize<'de> for X` are the same trait.
fn trait_key(path: &syn::Path) -> String {
    let mut out = String::new();
    if path.leading_colon.is_some() {
        out.push_str("::");
    }
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(&segment.ident.to_string());
        match &segment.arguments {
            syn::PathArguments::None => {}
            syn::PathArguments::AngleBracketed(args) => {
                let kept: Vec<String> = args
                    .args
                    .iter()
                    .filter(|a| !matches!(a, syn::GenericArgument::Lifetime(_)))
                    .map(norm)
                    .collect();
                if !kept.is_empty() {
                    let _ = write!(out, "<{}>", kept.join(", "));
                }
            }
            syn::PathArguments::Parenthesized(args) => out.push_str(&norm(args)),
        }
    }
    out
}

/// An item's text without its doc comments (`#[doc = ...]`, at any depth).
fn without_docs<T: ToTokens + ?Sized>(t: &T) -> String {
    render_tokens(strip_doc_tokens(t.to_token_stream()))
}

fn strip_doc_tokens(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut i = 0;
    while i < trees.len() {
        let is_doc = |tree: &TokenTree| {
            matches!(tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket
                && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc"))
        };
        match &trees[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#[doc …]` or `#![doc …]`.
                let bang =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
                let at = if bang { i + 2 } else { i + 1 };
                if trees.get(at).is_some_and(is_doc) {
                    i = at + 1;
                    continue;
                }
                out.push(trees[i].clone());
            }
            TokenTree::Group(g) => {
                let mut inner =
                    proc_macro2::Group::new(g.delimiter(), strip_doc_tokens(g.stream()));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChangeKind;

    #[test]
    fn unparseable_and_unknown_input_is_skipped() {
        assert!(public_api(&[("models.rs", "pub struct {")], &Options::default()).is_empty());
        assert!(public_api(&[("notes.txt", "pub struct A;")], &Options::default()).is_empty());
        let surface = public_api(
            &[(
                "mod.rs",
                "pub mod models; mod hidden; pub trait T { fn f(&self); }
             #[cfg(feature = \"mock\")] pub mod mock { pub struct Server { inner: u8 } }
             some_macro! { whatever tokens }
             pub(crate) const API: u8 = 1;
             pub use self::models::A as B;",
            )],
            &Options::default(),
        );
        assert!(surface.others.contains_key("models"));
        assert!(surface.others.contains_key("T"));
        assert!(surface.others.contains_key("mock"));
        assert!(surface.types.contains_key("mock::Server"));
        assert!(!surface.others.contains_key("API"));
        // A re-export is keyed by the name it exports, its target resolved.
        assert_eq!(surface.others["B"].signature, "use models::A as B");
        assert!(surface.impls.contains_key("some_macro!(whatever)"));
        // `mod hidden;` hides hidden.rs.
        let hidden = public_api(
            &[("mod.rs", "mod hidden;"), ("hidden.rs", "pub struct X;")],
            &Options::default(),
        );
        assert!(hidden.types.is_empty());
    }

    #[test]
    fn accessors_and_builders() {
        let surface = public_api(&[
            (
                "builders.rs",
                "impl crate::runtime::Client {
                     pub fn organization(&self) -> Organization<'_> { todo!() }
                     pub fn get_thing(&self, id: impl Into<String>) -> GetThing { todo!() }
                 }
                 pub struct Organization<'a> { client: &'a crate::runtime::Client }
                 impl<'a> Organization<'a> {
                     pub fn list(&self) -> ListThings { todo!() }
                 }
                 pub struct GetThing { id: String }
                 impl GetThing {
                     pub fn verbose(mut self, on: bool) -> Self { self }
                     pub async fn send(self) -> crate::runtime::Result<super::models::Thing> { todo!() }
                     fn request(&self) {}
                 }
                 pub struct ListThings;
                 impl ListThings { pub async fn send(self) {} }
                 crate::runtime::into_future!(GetThing => super::models::Thing);",
            ),
                ("models.rs", "pub struct Thing { pub id: String }"),
            ],
            &Options::default(),
        );
        let op = &surface.functions["Client::get_thing"];
        assert!(op.operation);
        assert_eq!(
            op.signature(),
            "fn get_thing(&self, id: impl Into<String>) -> builders::GetThing"
        );
        assert!(!surface.functions["Client::organization"].operation);
        assert!(surface.functions["builders::Organization::list"].operation);
        assert_eq!(
            surface.functions["builders::GetThing::verbose"].signature(),
            "fn verbose(self, on: bool) -> Self"
        );
        assert!(
            !surface
                .functions
                .contains_key("builders::GetThing::request")
        );
        assert_eq!(
            surface.impls["into_future!(builders::GetThing)"].detail,
            "builders::GetThing => models::Thing"
        );
        assert_eq!(surface.types["builders::Organization"].generics, "<'a>");
    }

    #[test]
    fn methods_on_instances_of_outside_generic_types_stay_apart() {
        let surface = public_api(&[(
            "mock.rs",
            "pub enum GetThing {} pub enum ListThings {}
             impl crate::runtime::mock::Expectation<'_, GetThing> { pub fn id(self, id: &str) -> Self { self } }
             impl crate::runtime::mock::Expectation<'_, ListThings> { pub fn id(self, id: u8) -> Self { self } }",
            )],
            &Options::default(),
        );
        assert_eq!(
            surface.functions["Expectation<'_, mock::GetThing>::id"].params,
            [("id".to_owned(), "&str".to_owned())]
        );
        assert!(
            surface
                .functions
                .contains_key("Expectation<'_, mock::ListThings>::id")
        );
    }

    /// The internal-trait rule `cargo xtask codegen` passes.
    fn runtime_rule() -> Options {
        Options {
            internal_trait_paths: vec!["crate::runtime".to_owned()],
            private_modules: vec!["__private".to_owned()],
            public_traits: vec!["crate::runtime::mock::MockOperation".to_owned()],
            ..Options::default()
        }
    }

    fn changes(old: &str, new: &str, options: &Options) -> Vec<crate::Change> {
        crate::diff(
            &public_api(&[("models.rs", old)], options),
            &public_api(&[("models.rs", new)], options),
        )
    }

    #[test]
    fn impls_of_internal_traits_are_not_api() {
        let plain = "pub struct A { pub x: i64 } pub struct B;";
        let with = "pub struct A { pub x: i64 }
             #[derive(Debug, crate::runtime::Internal)] pub struct B;
             impl<'de> crate::runtime::DecodeMap<'de> for A { fn decode() {} }
             impl crate::runtime::Page for A { type Item = i64; }
             impl crate::runtime::Paginated for B {}
             impl<'de> openapi_client_runtime::__private::DecodeMap<'de> for B {}";
        let rule = runtime_rule();
        let added = changes(plain, with, &rule);
        let items: Vec<&str> = added.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(items, ["Debug for models::B"], "added: {added:#?}");
        let removed = changes(with, plain, &rule);
        let items: Vec<&str> = removed.iter().map(|c| c.item.as_str()).collect();
        assert_eq!(items, ["Debug for models::B"], "removed: {removed:#?}");
        // Without the rule they are impls like any other.
        let every = changes(plain, with, &Options::default());
        assert_eq!(every.len(), 6, "{every:#?}");
        assert!(
            every
                .iter()
                .all(|c| c.what == What::Impl && c.kind == ChangeKind::Added)
        );
    }

    #[test]
    fn impls_of_public_exceptions_are_api() {
        let plain = "pub enum GetThing {}";
        let with = "pub enum GetThing {}
             impl crate::runtime::mock::MockOperation for GetThing { const ID: &str = \"getThing\"; }";
        let rule = runtime_rule();
        let item = "crate::runtime::mock::MockOperation for models::GetThing";
        let added = changes(plain, with, &rule);
        assert_eq!(added.len(), 1, "{added:#?}");
        assert_eq!(
            (added[0].kind, added[0].what, added[0].item.as_str()),
            (ChangeKind::Added, What::Impl, item)
        );
        assert!(!added[0].breaking);
        let removed = changes(with, plain, &rule);
        assert_eq!(removed.len(), 1, "{removed:#?}");
        assert_eq!(
            (removed[0].kind, removed[0].item.as_str()),
            (ChangeKind::Removed, item)
        );
        assert!(removed[0].breaking);
    }

    #[test]
    fn use_imported_internal_traits_are_recognised() {
        let plain = "pub struct A; pub struct B; pub struct C; pub struct D; pub struct E;";
        let with = format!(
            "{plain}
             use crate::runtime::DecodeMap;
             use crate::runtime::{{self as rt, mock::MockOperation}};
             use openapi_client_runtime::__private::Page as P;
             use openapi_client_runtime::__private;
             use self::Internal as _;
             impl<'de> DecodeMap<'de> for A {{}}
             impl rt::Paginated for B {{}}
             impl P for C {{}}
             impl __private::Page for D {{}}
             #[derive(Clone, rt::Derived)] pub struct F;
             impl MockOperation for E {{}}"
        );
        let rule = runtime_rule();
        let c = changes(plain, &with, &rule);
        let items: Vec<&str> = c.iter().map(|c| c.item.as_str()).collect();
        // `F` is a new type (its derives are not listed); the one impl is the exception's,
        // keyed by the trait's resolved path.
        assert_eq!(
            items,
            [
                "crate::runtime::mock::MockOperation for models::E",
                "models::F"
            ],
            "{c:#?}"
        );
        let surface = public_api(&[("models.rs", &with)], &rule);
        assert!(surface.impls.contains_key("Clone for models::F"));
        assert!(!surface.impls.contains_key("rt::Derived for models::F"));

        // A `use` in another module does not name the trait here.
        let elsewhere = "pub struct A;
             mod inner { use crate::runtime::DecodeMap; }
             impl DecodeMap<'static> for A {}";
        let surface = public_api(&[("models.rs", elsewhere)], &rule);
        assert!(surface.impls.contains_key("DecodeMap for models::A"));
        // Imports that name each other do not loop.
        let cycle = "pub struct A; use a as b; use b as a; impl a::T for A {}";
        let surface = public_api(&[("models.rs", cycle)], &rule);
        assert!(surface.impls.contains_key("a::T for models::A"));
    }

    #[test]
    fn doc_hidden_items_are_not_api() {
        let added = "
             impl S { pub fn f(&self) {} }
             impl Clone for S { fn clone(&self) -> S { todo!() } }
             crate::runtime::string_enum!(S);
             impl V { pub fn g(&self) {} pub const C: u8 = 1; }
             impl Copy for V {}
             pub fn h() {}
             pub const K: u8 = 1;
             pub trait T {}
             pub mod m { pub struct Inner; }
             #[macro_export] macro_rules! mac { () => {} }";
        let none = Options::default();
        // Without `#[doc(hidden)]`, each is reported.
        let base = "pub struct V { pub x: i64 } pub struct S { pub x: i64 }";
        let shown = changes(base, &format!("{base} {added}"), &none);
        assert_eq!(shown.len(), 12, "{shown:#?}");
        // The members of a hidden type, and hidden items.
        let base = "pub struct V { pub x: i64 } #[doc(hidden)] pub struct S { pub x: i64 }";
        let hidden = "
             impl S { pub fn f(&self) {} }
             impl Clone for S { fn clone(&self) -> S { todo!() } }
             crate::runtime::string_enum!(S);
             impl V { #[doc(hidden)] pub fn g(&self) {} #[doc(hidden)] pub const C: u8 = 1; }
             #[doc(hidden)] impl Copy for V {}
             #[doc(hidden)] pub fn h() {}
             #[doc(hidden)] pub const K: u8 = 1;
             #[doc(hidden)] pub trait T {}
             #[doc(hidden)] pub mod m { pub struct Inner; }
             #[doc(hidden)] #[macro_export] macro_rules! mac { () => {} }";
        let with = format!("{base} {hidden}");
        assert_eq!(changes(base, &with, &none), [], "added");
        assert_eq!(changes(&with, base, &none), [], "removed");
        let surface = public_api(&[("models.rs", &with)], &none);
        assert_eq!(surface.types.keys().collect::<Vec<_>>(), ["models::V"]);
        // A type that becomes hidden is gone from the API.
        let c = changes(
            "pub struct V { pub x: i64 } pub struct S { pub x: i64 }",
            base,
            &none,
        );
        let items: Vec<(ChangeKind, &str)> = c.iter().map(|c| (c.kind, c.item.as_str())).collect();
        assert_eq!(items, [(ChangeKind::Removed, "models::S")]);

        // Files: a hidden `mod x;` and a file that hides itself.
        let files = public_api(
            &[
                ("mod.rs", "#[doc(hidden)] pub mod a; pub mod b;"),
                ("a.rs", "pub struct A;"),
                ("b.rs", "#![doc(hidden)] pub struct B;"),
            ],
            &none,
        );
        assert!(files.types.is_empty(), "{files:#?}");
        assert!(!files.others.contains_key("a"));
    }

    #[test]
    fn doc_hidden_fields_are_like_private_ones() {
        let none = Options::default();
        let c = changes(
            "pub struct A { pub x: i64 }",
            "pub struct A { pub x: i64, #[doc(hidden)] pub internal: u8 }",
            &none,
        );
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!((c[0].kind, c[0].breaking), (ChangeKind::Changed, true));
        assert!(c[0].detail.contains("private field"), "{}", c[0].detail);
        let c = changes(
            "pub struct A { pub x: i64, #[doc(hidden)] pub internal: u8 }",
            "pub struct A { pub x: i64, #[doc(hidden)] pub internal: u16, pub y: u8 }",
            &none,
        );
        let items: Vec<(&str, bool)> = c.iter().map(|c| (c.item.as_str(), c.breaking)).collect();
        assert_eq!(items, [("models::A.y", false)]);
        // `#[doc(alias = "hidden")]` and other `doc` attributes hide nothing.
        let shown = public_api(
            &[(
                "models.rs",
                "#[doc(alias = \"hidden\")] #[doc = \"hidden\"] pub struct A;",
            )],
            &none,
        );
        assert!(shown.types.contains_key("models::A"));
    }
}
