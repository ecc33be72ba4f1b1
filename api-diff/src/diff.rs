//! Comparing two surfaces: what was removed, changed or added, and whether it breaks code
//! written against the old version (the rules are in the crate docs).

use crate::{Change, ChangeKind, Function, Surface, TypeDef, TypeKind, What};
use std::collections::{BTreeMap, BTreeSet};

/// What changed from `old` to `new`, breaking changes first, then by kind (removed, changed,
/// added) and item. Members of a type that was added or removed as a whole are not listed
/// one by one.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Vec::new();
    let removed_types: BTreeSet<&str> = old
        .types
        .keys()
        .filter(|k| !new.types.contains_key(*k))
        .map(String::as_str)
        .collect();
    let added_types: BTreeSet<&str> = new
        .types
        .keys()
        .filter(|k| !old.types.contains_key(*k))
        .map(String::as_str)
        .collect();
    let gone = |owner: &Option<String>| owner.as_deref().is_some_and(|o| removed_types.contains(o));
    let fresh = |owner: &Option<String>| owner.as_deref().is_some_and(|o| added_types.contains(o));

    for (k, o) in &old.types {
        match new.types.get(k) {
            None => out.push(change(ChangeKind::Removed, type_what(o.kind), k, "", true)),
            Some(n) => diff_type(k, o, n, &mut out),
        }
    }
    for (k, n) in &new.types {
        if !old.types.contains_key(k) {
            out.push(change(ChangeKind::Added, type_what(n.kind), k, "", false));
        }
    }

    for (k, o) in &old.functions {
        if gone(&o.owner) {
            continue;
        }
        match new.functions.get(k) {
            None => out.push(change(ChangeKind::Removed, fn_what(o), k, "", true)),
            Some(n) if n.signature() != o.signature() => out.push(change(
                ChangeKind::Changed,
                fn_what(n),
                k,
                &fn_change(o, n),
                true,
            )),
            Some(_) => {}
        }
    }
    for (k, n) in &new.functions {
        if !old.functions.contains_key(k) && !fresh(&n.owner) {
            out.push(change(
                ChangeKind::Added,
                fn_what(n),
                k,
                &n.signature(),
                false,
            ));
        }
    }

    for (k, o) in &old.impls {
        if gone(&o.owner) {
            continue;
        }
        match new.impls.get(k) {
            None => out.push(change(ChangeKind::Removed, What::Impl, k, "", true)),
            Some(n) if n.detail != o.detail => out.push(change(
                ChangeKind::Changed,
                What::Impl,
                k,
                &format!("`{}` → `{}`", o.detail, n.detail),
                true,
            )),
            // Compiled under a condition now: users without it lose the impl (a serde
            // direction a type no longer needs is behind the serde feature, say).
            Some(n) if n.cfg != o.cfg => {
                let (detail, breaking) = match (o.cfg.is_empty(), n.cfg.is_empty()) {
                    (true, false) => (format!("now only with `cfg({})`", n.cfg), true),
                    (false, true) => (
                        format!("now always (was only with `cfg({})`)", o.cfg),
                        false,
                    ),
                    _ => (
                        format!("now with `cfg({})` (was `cfg({})`)", n.cfg, o.cfg),
                        true,
                    ),
                };
                out.push(change(
                    ChangeKind::Changed,
                    What::Impl,
                    k,
                    &detail,
                    breaking,
                ));
            }
            Some(_) => {}
        }
    }
    for (k, n) in &new.impls {
        if !old.impls.contains_key(k) && !fresh(&n.owner) {
            out.push(change(ChangeKind::Added, What::Impl, k, "", false));
        }
    }

    for (k, o) in &old.others {
        if gone(&o.owner) {
            continue;
        }
        match new.others.get(k) {
            None => out.push(change(ChangeKind::Removed, o.what, k, "", true)),
            Some(n) if n.signature != o.signature || n.what != o.what => out.push(change(
                ChangeKind::Changed,
                n.what,
                k,
                &format!("`{}` → `{}`", o.signature, n.signature),
                true,
            )),
            Some(_) => {}
        }
    }
    for (k, n) in &new.others {
        if !old.others.contains_key(k) && !fresh(&n.owner) {
            // `mod resources` says nothing that "added module resources" does not.
            let plain_module = n.what == What::Module
                && n.signature == format!("mod {}", k.rsplit("::").next().unwrap_or(k));
            let detail = if plain_module { "" } else { &n.signature };
            out.push(change(ChangeKind::Added, n.what, k, detail, false));
        }
    }

    out.sort_by(|a, b| {
        (!a.breaking, a.kind, &a.item, a.what, &a.detail).cmp(&(
            !b.breaking,
            b.kind,
            &b.item,
            b.what,
            &b.detail,
        ))
    });
    out.dedup();
    out
}

fn change(kind: ChangeKind, what: What, item: &str, detail: &str, breaking: bool) -> Change {
    Change {
        kind,
        what,
        item: item.to_owned(),
        detail: detail.to_owned(),
        breaking,
    }
}

fn type_what(kind: TypeKind) -> What {
    match kind {
        TypeKind::Struct => What::Struct,
        TypeKind::Enum => What::Enum,
        TypeKind::Union => What::Union,
    }
}

fn fn_what(f: &Function) -> What {
    if f.operation {
        What::Operation
    } else if f.owner.is_some() {
        What::Method
    } else {
        What::Function
    }
}

fn diff_type(k: &str, o: &TypeDef, n: &TypeDef, out: &mut Vec<Change>) {
    let what = type_what(n.kind);
    if o.kind != n.kind {
        out.push(change(
            ChangeKind::Changed,
            what,
            k,
            &format!("was {}, is {}", type_what(o.kind), what),
            true,
        ));
        return;
    }
    if o.generics != n.generics {
        out.push(change(
            ChangeKind::Changed,
            what,
            k,
            &format!("generics `{}` → `{}`", o.generics, n.generics),
            true,
        ));
    }
    let newly_non_exhaustive = !o.non_exhaustive && n.non_exhaustive;
    if newly_non_exhaustive {
        let detail = match o.kind {
            TypeKind::Enum => "now `#[non_exhaustive]`: `match`es need a `_` arm",
            _ => "now `#[non_exhaustive]`: no struct literals or exhaustive patterns",
        };
        out.push(change(ChangeKind::Changed, what, k, detail, true));
    } else if o.non_exhaustive && !n.non_exhaustive {
        out.push(change(
            ChangeKind::Changed,
            what,
            k,
            "no longer `#[non_exhaustive]`",
            false,
        ));
    }
    if o.literal_constructible() && n.private_fields > 0 && !newly_non_exhaustive {
        out.push(change(
            ChangeKind::Changed,
            what,
            k,
            "gained a private field: can no longer be built with a struct literal",
            true,
        ));
    }

    let old_fields: BTreeMap<&str, &str> = o
        .fields
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let new_fields: BTreeMap<&str, &str> = n
        .fields
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    for (name, old_ty) in &old_fields {
        let item = format!("{k}.{name}");
        match new_fields.get(name) {
            None => out.push(change(
                ChangeKind::Removed,
                What::Field,
                &item,
                old_ty,
                true,
            )),
            Some(new_ty) if new_ty != old_ty => out.push(change(
                ChangeKind::Changed,
                What::Field,
                &item,
                &type_change(old_ty, new_ty),
                true,
            )),
            Some(_) => {}
        }
    }
    for (name, new_ty) in &new_fields {
        if old_fields.contains_key(name) {
            continue;
        }
        let breaking = o.literal_constructible();
        let detail = if breaking {
            let short = k.rsplit("::").next().unwrap_or(k);
            format!("{new_ty} (struct literals of `{short}` must now set it)")
        } else {
            (*new_ty).to_owned()
        };
        out.push(change(
            ChangeKind::Added,
            What::Field,
            &format!("{k}.{name}"),
            &detail,
            breaking,
        ));
    }

    let old_variants: BTreeMap<&str, &str> = o
        .variants
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_str()))
        .collect();
    let new_variants: BTreeMap<&str, &str> = n
        .variants
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_str()))
        .collect();
    for (name, old_payload) in &old_variants {
        let item = format!("{k}::{name}");
        match new_variants.get(name) {
            None => out.push(change(ChangeKind::Removed, What::Variant, &item, "", true)),
            Some(new_payload) if new_payload != old_payload => out.push(change(
                ChangeKind::Changed,
                What::Variant,
                &item,
                &format!("`{name}{old_payload}` → `{name}{new_payload}`"),
                true,
            )),
            Some(_) => {}
        }
    }
    for (name, new_payload) in &new_variants {
        if old_variants.contains_key(name) {
            continue;
        }
        let breaking = o.kind == TypeKind::Enum && !o.non_exhaustive;
        let mut notes = Vec::new();
        if !new_payload.is_empty() {
            notes.push(format!("`{name}{new_payload}`"));
        }
        if breaking {
            notes.push("exhaustive enum: `match`es without a `_` arm stop compiling".to_owned());
        }
        if o.has_catch_all() {
            notes.push("the value used to arrive as `Other(..)`".to_owned());
        }
        out.push(change(
            ChangeKind::Added,
            What::Variant,
            &format!("{k}::{name}"),
            &notes.join("; "),
            breaking,
        ));
    }
}

fn option_inner(ty: &str) -> Option<&str> {
    ["Option<", "std::option::Option<", "core::option::Option<"]
        .iter()
        .find_map(|prefix| ty.strip_prefix(prefix))
        .and_then(|rest| rest.strip_suffix('>'))
}

fn type_change(old: &str, new: &str) -> String {
    let why = if option_inner(old) == Some(new) {
        " (became required)"
    } else if option_inner(new) == Some(old) {
        " (became optional)"
    } else {
        ""
    };
    format!("{old} → {new}{why}")
}

fn fn_change(o: &Function, n: &Function) -> String {
    let mut parts = Vec::new();
    if o.head() != n.head() {
        parts.push(format!("`{}` → `{}`", o.head(), n.head()));
    }
    if o.receiver != n.receiver {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "no self".to_owned());
        parts.push(format!(
            "receiver `{}` → `{}`",
            show(&o.receiver),
            show(&n.receiver)
        ));
    }
    let old_params: BTreeMap<&str, &str> = o
        .params
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let new_params: BTreeMap<&str, &str> = n
        .params
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    for (name, ty) in &n.params {
        if !old_params.contains_key(name.as_str()) {
            parts.push(format!("new required argument `{name}: {ty}`"));
        }
    }
    for (name, ty) in &o.params {
        match new_params.get(name.as_str()) {
            None => parts.push(format!("argument `{name}` removed")),
            Some(new_ty) if new_ty != ty => {
                parts.push(format!("argument `{name}`: `{ty}` → `{new_ty}`"));
            }
            Some(_) => {}
        }
    }
    let common = |params: &[(String, String)], other: &BTreeMap<&str, &str>| -> Vec<String> {
        params
            .iter()
            .filter(|(name, _)| other.contains_key(name.as_str()))
            .map(|(name, _)| name.clone())
            .collect()
    };
    if common(&o.params, &new_params) != common(&n.params, &old_params) {
        parts.push("arguments reordered".to_owned());
    }
    if o.output != n.output {
        parts.push(format!("returns `{}` (was `{}`)", n.output, o.output));
    }
    if parts.is_empty() {
        parts.push(format!("`{}` → `{}`", o.signature(), n.signature()));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_api;

    fn api(src: &str) -> Surface {
        public_api(&[("models.rs", src)], &crate::Options::default())
    }

    fn changes(old: &str, new: &str) -> Vec<Change> {
        diff(&api(old), &api(new))
    }

    #[test]
    fn field_rules() {
        let old = "#[derive(Default)] pub struct A { pub x: Option<String>, pub y: i64 }";
        let c = changes(old, "pub struct A { pub x: String, pub y: Option<i64> }");
        assert_eq!(c.len(), 3, "{c:#?}");
        assert!(c.iter().all(|c| c.breaking));
        assert!(
            c.iter().any(|c| c.item == "models::A.x"
                && c.detail == "Option<String> → String (became required)")
        );
        assert!(
            c.iter()
                .any(|c| c.item == "models::A.y"
                    && c.detail == "i64 → Option<i64> (became optional)")
        );
        assert!(
            c.iter()
                .any(|c| c.item == "Default for models::A" && c.kind == ChangeKind::Removed)
        );

        // A new field breaks struct literals, unless there were private fields or
        // `#[non_exhaustive]` already.
        let added = changes(
            "pub struct A { pub x: i64 }",
            "pub struct A { pub x: i64, pub z: u8 }",
        );
        assert!(added[0].breaking && added[0].kind == ChangeKind::Added);
        let added = changes(
            "pub struct A { pub x: i64, hidden: u8 }",
            "pub struct A { pub x: i64, pub z: u8, hidden: u8 }",
        );
        assert!(!added[0].breaking);
        let added = changes(
            "#[non_exhaustive] pub struct A { pub x: i64 }",
            "#[non_exhaustive] pub struct A { pub x: i64, pub z: u8 }",
        );
        assert!(!added[0].breaking);
        let private = changes(
            "pub struct A { pub x: i64 }",
            "pub struct A { pub x: i64, y: u8 }",
        );
        assert!(private[0].breaking && private[0].kind == ChangeKind::Changed);
    }

    #[test]
    fn variant_rules() {
        let old = "pub enum E { A, Other(String) }";
        let c = changes(old, "pub enum E { A, B, Other(String) }");
        assert_eq!(c.len(), 1);
        assert!(c[0].breaking, "exhaustive enums break on new variants");
        assert!(c[0].detail.contains("Other(..)"), "{}", c[0].detail);
        let c = changes(
            "#[non_exhaustive] pub enum E { A }",
            "#[non_exhaustive] pub enum E { A, B }",
        );
        assert!(!c[0].breaking);
        let c = changes("pub enum E { A(i64) }", "pub enum E { A(String) }");
        assert!(c[0].breaking && c[0].detail == "`A(i64)` → `A(String)`");
        let c = changes("pub enum E { A, B }", "pub enum E { A }");
        assert!(c[0].breaking && c[0].kind == ChangeKind::Removed);
    }

    #[test]
    fn signature_rules() {
        let old = "pub struct C; impl C { pub fn f(&self, a: i64) -> C { C } }";
        let c = changes(
            old,
            "pub struct C; impl C { pub fn f(&self, a: i64, b: String) -> C { C } }",
        );
        assert!(c[0].breaking);
        assert_eq!(c[0].detail, "new required argument `b: String`");
        let c = changes(
            old,
            "pub struct C; impl C { pub fn f(&self, a: i64) -> C { C } pub fn g(&self) {} }",
        );
        assert_eq!(c.len(), 1);
        assert!(!c[0].breaking && c[0].kind == ChangeKind::Added);
        let c = changes(old, "pub struct C;");
        assert!(c[0].breaking && c[0].kind == ChangeKind::Removed);
        // Binding `mut` is not API.
        assert!(
            changes(
                old,
                "pub struct C; impl C { pub fn f(&self, mut a: i64) -> C { C } }"
            )
            .is_empty()
        );
    }

    #[test]
    fn members_of_added_and_removed_types_are_not_listed() {
        let c = changes(
            "pub struct A { pub x: i64 } impl A { pub fn f(&self) {} } impl Clone for A { fn clone(&self) -> A { todo!() } }",
            "#[derive(Debug)] pub struct B { pub x: i64 } impl B { pub fn f(&self) {} }",
        );
        let items: Vec<_> = c.iter().map(|c| (c.kind, c.item.as_str())).collect();
        assert_eq!(
            items,
            [
                (ChangeKind::Removed, "models::A"),
                (ChangeKind::Added, "models::B")
            ]
        );
    }
}
