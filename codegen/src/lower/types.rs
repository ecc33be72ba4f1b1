//! The set of named types as a whole: which ones a selection reaches, and their final ids
//! (sorted by name, so that emission order never depends on spec order).

use crate::ir::{Operation, ResponseKind, TypeDef, TypeId, TypeKind, TypeRef};
use crate::pointer::unescape_token;
use std::collections::BTreeMap;

/// Every type reference held directly by a type.
pub(super) fn children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.additional.as_ref().map(|a| &a.ty))
            .collect(),
        TypeKind::StringEnum { .. } => Vec::new(),
        TypeKind::Untagged { variants } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::Responses { variants } => variants.iter().filter_map(|v| v.ty.as_ref()).collect(),
    }
}

/// Every type reference held directly by a type, to change.
pub(super) fn children_mut(kind: &mut TypeKind) -> Vec<&mut TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter_mut()
            .map(|f| &mut f.ty)
            .chain(s.additional.as_mut().map(|a| &mut a.ty))
            .collect(),
        TypeKind::StringEnum { .. } => Vec::new(),
        TypeKind::Untagged { variants } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Tagged { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::Responses { variants } => {
            variants.iter_mut().filter_map(|v| v.ty.as_mut()).collect()
        }
    }
}

/// The named types inside a reference.
fn named(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) | TypeRef::Nullable(t) => {
            named(t, out)
        }
        _ => {}
    }
}

/// Every type reference an operation holds.
fn operation_refs_mut(op: &mut Operation) -> Vec<&mut TypeRef> {
    let mut out: Vec<&mut TypeRef> = op.params.iter_mut().map(|p| &mut p.ty).collect();
    if let Some(body) = &mut op.body {
        out.push(&mut body.ty);
    }
    out.extend(op.inputs.iter_mut().map(|i| &mut i.ty));
    if let ResponseKind::Json(ty) | ResponseKind::Items { item: ty, .. } = &mut op.response.kind {
        out.push(ty);
    }
    out.extend(op.error_model.as_mut());
    out
}

/// The types that the operations and the webhooks' payloads reach (for a selected subset of
/// the API), by id.
pub(super) fn reachable(
    types: &[Option<TypeDef>],
    operations: &[Operation],
    payloads: &[TypeRef],
) -> Vec<bool> {
    let mut pending: Vec<TypeId> = Vec::new();
    for payload in payloads {
        named(payload, &mut pending);
    }
    for op in operations {
        for p in &op.params {
            named(&p.ty, &mut pending);
        }
        if let Some(body) = &op.body {
            named(&body.ty, &mut pending);
        }
        match &op.response.kind {
            ResponseKind::Json(ty) | ResponseKind::Items { item: ty, .. } => {
                named(ty, &mut pending)
            }
            ResponseKind::ByStatus(id) => pending.push(*id),
            _ => {}
        }
        if let Some(ty) = &op.error_model {
            named(ty, &mut pending);
        }
    }
    let mut reached = vec![false; types.len()];
    while let Some(id) = pending.pop() {
        if std::mem::replace(&mut reached[id.0], true) {
            continue;
        }
        if let Some(def) = &types[id.0] {
            for ty in children(&def.kind) {
                named(ty, &mut pending);
            }
        }
    }
    reached
}

/// Whether a note's place belongs to what a selection generates: a component schema that
/// was kept, a selected operation, or a place outside schemas and paths.
pub(super) fn selected(
    pointer: &str,
    components: &BTreeMap<String, TypeId>,
    keep: &[bool],
    operations: &[Operation],
) -> bool {
    if let Some(rest) = pointer.strip_prefix("#/components/schemas/") {
        let key = unescape_token(rest.split('/').next().unwrap_or_default());
        components.get(&key).is_some_and(|id| keep[id.0])
    } else if pointer.starts_with("#/paths/") {
        operations
            .iter()
            .any(|op| pointer.starts_with(&op.pointer) || op.pointer.starts_with(pointer))
    } else {
        true
    }
}

/// The defined types that `keep` says to keep, sorted by name, as the final list; every
/// reference (in the types, the operations, the component map and `others`, the webhooks'
/// payloads) is renumbered to match.
/// A reference to a type that was not kept cannot remain after a successful lowering; if
/// one did, it would become `serde_json::Value` rather than a dangling id.
pub(super) fn renumber<'a>(
    arena: Vec<Option<TypeDef>>,
    keep: &[bool],
    operations: &mut [Operation],
    components: &mut BTreeMap<String, TypeId>,
    others: impl IntoIterator<Item = &'a mut TypeRef>,
) -> Vec<TypeDef> {
    let mut kept: Vec<(usize, TypeDef)> = arena
        .into_iter()
        .enumerate()
        .filter_map(|(i, def)| def.filter(|_| keep[i]).map(|def| (i, def)))
        .collect();
    kept.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut new_id: Vec<Option<TypeId>> = vec![None; keep.len()];
    for (position, (old, _)) in kept.iter().enumerate() {
        new_id[*old] = Some(TypeId(position));
    }
    let remap = |ty: &mut TypeRef| remap(ty, &new_id);
    let mut types: Vec<TypeDef> = kept.into_iter().map(|(_, def)| def).collect();
    for def in &mut types {
        children_mut(&mut def.kind).into_iter().for_each(remap);
    }
    others.into_iter().for_each(remap);
    for op in operations.iter_mut() {
        operation_refs_mut(op).into_iter().for_each(remap);
        if let ResponseKind::ByStatus(id) = &mut op.response.kind {
            match new_id[id.0] {
                Some(new) => *id = new,
                None => op.response.kind = ResponseKind::Json(TypeRef::Json),
            }
        }
    }
    components.retain(|_, id| match new_id[id.0] {
        Some(new) => {
            *id = new;
            true
        }
        None => false,
    });
    types
}

fn remap(ty: &mut TypeRef, new_id: &[Option<TypeId>]) {
    match ty {
        TypeRef::Named(id) => match new_id[id.0] {
            Some(new) => *id = new,
            None => *ty = TypeRef::Json,
        },
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) | TypeRef::Nullable(t) => {
            remap(t, new_id)
        }
        _ => {}
    }
}
