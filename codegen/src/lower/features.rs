//! What compiles when: the crate's cargo features and the serde directions of each type.
//!
//! **Features.** A large API's operations are split into groups, one cargo feature each, so
//! that a user compiles only the operations they call and the types those reach. A group is
//! the operation's first tag, or the outermost tag that one is nested under (3.2's tag
//! `parent`: `international` under `flights` is in the `flights` feature); an operation
//! without tags goes by the first segment of its path (`/containers/{id}/files` → `containers`). When one tag holds more than half of a
//! large document's operations, tags say too little and every operation goes by its path.
//! A type is compiled when any feature whose operations reach it is enabled (a type every
//! group reaches is always compiled; one no operation reaches has a feature of its own), so
//! every feature compiles alone and every combination compiles: whatever an enabled item
//! refers to is reached by the same feature. Documents with fewer than
//! [`MIN_OPERATIONS`] operations, or with one group, get no features (`FeatureMode::Auto`).
//!
//! The webhooks' events are a group of their own, with the feature of the `webhooks` module:
//! their payload types are compiled with it (or with a group of operations that reaches
//! them).
//!
//! **Serde directions.** A type that requests carry implements `Serialize`, one that
//! responses or webhooks carry implements `Deserialize`; the other direction is compiled
//! with the serde feature (and in tests), which the mock feature enables.

use super::types::children;
use crate::FeatureMode;
use crate::ir::{
    Example, Feature, Gate, Operation, OperationId, Resources, ResponseKind, TypeDef, TypeId,
    TypeRef, Webhooks,
};
use crate::names::{self, Namespace};
use std::collections::{BTreeMap, BTreeSet};

/// The fewest operations for which `FeatureMode::Auto` splits an API into features.
pub(crate) const MIN_OPERATIONS: usize = 40;

/// The serde feature's name.
pub(super) const SERDE_FEATURE: &str = "serde-both";
/// The feature of the types no operation reaches.
const OTHER_TYPES_FEATURE: &str = "other-types";

/// How operations are grouped into features: the mode asked for, and each tag's parent tag
/// (an operation whose first tag is nested joins the feature of the outermost tag above it).
pub(super) struct Grouping<'a> {
    pub(super) mode: FeatureMode,
    pub(super) parents: &'a BTreeMap<String, String>,
}

/// Decides the features and the directions, and the gate of every item.
pub(super) fn decide(
    Grouping { mode, parents }: Grouping<'_>,
    types: &mut [TypeDef],
    operations: &mut [Operation],
    resources: &mut Resources,
    examples: &mut [Example],
    webhooks: Option<&Webhooks>,
    payloads: &[TypeRef],
) -> (Vec<Feature>, Option<String>) {
    directions(types, operations, payloads);
    let groups = groups(mode, parents, operations);
    if groups.is_empty() {
        return (Vec::new(), None);
    }
    let features = name_features(&groups);
    // Which features reach each type: the groups', then the webhooks'.
    let mut names: Vec<String> = features.iter().map(|f| f.name.clone()).collect();
    let mut roots: Vec<Vec<TypeId>> = groups
        .iter()
        .map(|group| {
            let mut pending: Vec<TypeId> = Vec::new();
            for op in &group.operations {
                let op = &operations[op.0];
                request_roots(op, &mut pending);
                response_roots(op, &mut pending);
            }
            pending
        })
        .collect();
    if let Some(webhooks) = webhooks {
        let mut pending = Vec::new();
        for event in &webhooks.events {
            named(&event.payload, &mut pending);
        }
        names.push(webhooks.feature.clone());
        roots.push(pending);
    }
    let mut reached: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); types.len()];
    for (feature, mut pending) in roots.into_iter().enumerate() {
        while let Some(id) = pending.pop() {
            if reached[id.0].insert(feature) {
                for ty in children(&types[id.0].kind) {
                    named(ty, &mut pending);
                }
            }
        }
    }
    let all = names.len();
    for (def, by) in types.iter_mut().zip(&reached) {
        def.gate = if by.len() == all {
            Gate::Always
        } else if by.is_empty() {
            Gate::Features(vec![OTHER_TYPES_FEATURE.to_owned()])
        } else {
            gate(by.iter().map(|&f| names[f].clone()))
        };
    }
    for feature in &features {
        for op in &feature.operations {
            operations[op.0].gate = Gate::Features(vec![feature.name.clone()]);
        }
    }
    resource_gates(resources, operations);
    for example in examples.iter_mut() {
        example.gate = type_gate(&example.ty, types);
    }
    (features, Some(OTHER_TYPES_FEATURE.to_owned()))
}

/// One group of operations before it has a feature name.
struct Group {
    title: String,
    slug: String,
    operations: Vec<OperationId>,
}

fn groups(
    mode: FeatureMode,
    parents: &BTreeMap<String, String>,
    operations: &[Operation],
) -> Vec<Group> {
    if mode == FeatureMode::Off || operations.is_empty() {
        return Vec::new();
    }
    let by_tag = group_by(operations, |op| match op.tags.first() {
        Some(tag) => {
            let tag = outermost(parents, tag);
            (tag.to_owned(), slug(tag))
        }
        None => path_group(op),
    });
    let largest = by_tag.iter().map(|g| g.operations.len()).max().unwrap_or(0);
    let groups = if operations.len() > 100 && largest * 2 > operations.len() {
        group_by(operations, path_group)
    } else {
        by_tag
    };
    let enough = match mode {
        FeatureMode::On => true,
        FeatureMode::Auto => groups.len() >= 2 && operations.len() >= MIN_OPERATIONS,
        FeatureMode::Off => false,
    };
    if enough { groups } else { Vec::new() }
}

/// The outermost tag that `tag` is nested under (itself when it has no parent); a cycle of
/// parents stops where it comes round.
fn outermost<'t>(parents: &'t BTreeMap<String, String>, mut tag: &'t str) -> &'t str {
    let mut seen = BTreeSet::new();
    while let Some(parent) = parents.get(tag) {
        if !seen.insert(tag) {
            break;
        }
        tag = parent;
    }
    tag
}

/// Groups operations by a key, in the order each key is first met; groups whose slugs
/// collide are one group.
fn group_by(operations: &[Operation], key: impl Fn(&Operation) -> (String, String)) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        let (title, slug) = key(op);
        let g = *index.entry(slug.clone()).or_insert_with(|| {
            groups.push(Group {
                title,
                slug,
                operations: Vec::new(),
            });
            groups.len() - 1
        });
        groups[g].operations.push(OperationId(i));
    }
    groups
}

/// The group of an operation by its path: the first literal segment.
fn path_group(op: &Operation) -> (String, String) {
    let first = op
        .path
        .template
        .split('/')
        .find(|s| !s.is_empty() && !s.contains('{'))
        .unwrap_or("");
    (format!("/{first}"), slug(first))
}

/// A cargo feature name from text: lowercase ASCII words joined by `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "operations".to_owned()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("tag-{out}")
    } else {
        out.to_owned()
    }
}

/// Unique feature names, clear of the features every generated crate has.
fn name_features(groups: &[Group]) -> Vec<Feature> {
    let mut scope = names::scope(Namespace::CrateFeatures);
    groups
        .iter()
        .map(|g| Feature {
            name: scope.claim(&g.slug).replace('_', "-"),
            title: g.title.clone(),
            operations: g.operations.clone(),
        })
        .collect()
}

fn gate(features: impl IntoIterator<Item = String>) -> Gate {
    let set: BTreeSet<String> = features.into_iter().collect();
    if set.is_empty() {
        Gate::Always
    } else {
        Gate::Features(set.into_iter().collect())
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

/// What an operation sends: its parameters' and body's types.
fn request_roots(op: &Operation, out: &mut Vec<TypeId>) {
    for p in &op.params {
        named(&p.ty, out);
    }
    if let Some(body) = &op.body {
        named(&body.ty, out);
    }
}

/// What an operation receives.
fn response_roots(op: &Operation, out: &mut Vec<TypeId>) {
    match &op.response.kind {
        ResponseKind::Json(ty) | ResponseKind::Items { item: ty, .. } => named(ty, out),
        ResponseKind::ByStatus(id) => out.push(*id),
        _ => {}
    }
    if let Some(ty) = &op.error_model {
        named(ty, out);
    }
}

/// Both (kept as one call so that a new kind of root is added in one place).
fn roots(op: &Operation, sent: &mut Vec<TypeId>, received: &mut Vec<TypeId>) {
    request_roots(op, sent);
    response_roots(op, received);
}

/// Marks what requests carry as sent and what responses and webhooks carry as received.
fn directions(types: &mut [TypeDef], operations: &[Operation], payloads: &[TypeRef]) {
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for payload in payloads {
        named(payload, &mut received);
    }
    for op in operations {
        roots(op, &mut sent, &mut received);
    }
    for (mut pending, is_sent) in [(sent, true), (received, false)] {
        let mut seen = vec![false; types.len()];
        while let Some(id) = pending.pop() {
            if std::mem::replace(&mut seen[id.0], true) {
                continue;
            }
            let def = &mut types[id.0];
            if is_sent {
                def.sent = true;
            } else {
                def.received = true;
            }
            for ty in children(&def.kind) {
                named(ty, &mut pending);
            }
        }
    }
}

/// A type reference's gate: its named types' (always, for a built-in type).
fn type_gate(ty: &TypeRef, types: &[TypeDef]) -> Gate {
    let mut ids = Vec::new();
    named(ty, &mut ids);
    ids.iter()
        .map(|id| types[id.0].gate.clone())
        .reduce(|a, b| a.union(&b))
        .unwrap_or(Gate::Always)
}

/// A resource is compiled when an operation below it is (its methods' and its children's;
/// the types it captures are those operations' parameters, so they are compiled then too).
fn resource_gates(resources: &mut Resources, operations: &[Operation]) {
    // Children come after their parents: compute from the last node back.
    for i in (0..resources.nodes.len()).rev() {
        let node = &resources.nodes[i];
        let mut gates: Vec<Gate> = node
            .methods
            .iter()
            .map(|m| operations[m.operation.0].gate.clone())
            .collect();
        gates.extend(
            node.accessors
                .iter()
                .map(|a| resources.nodes[a.target.0].gate.clone()),
        );
        let gate = gates.into_iter().reduce(|a, b| a.union(&b));
        resources.nodes[i].gate = gate.unwrap_or(Gate::Always);
    }
}
