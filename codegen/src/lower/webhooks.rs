//! Webhooks → typed events: the requests the API sends to the user's endpoint (3.1's
//! `webhooks`, kept by loading in the extension `x-oas31-webhooks`, or a 3.0 document's
//! `x-webhooks`).
//!
//! Each operation of a webhook's path item (normally one `post`) is an event whose payload
//! is its JSON request body's type, a model like any other (a root of the selection, always
//! deserialized). The events are told apart by one property of the payload: the one that is
//! a constant (`const`, or a one-value `enum`) in every event's payload, with a different
//! value in each (`type: batch.completed`); `type`, `event`, `event_type`, `eventType` and
//! `kind` are preferred in that order, then the first by name. The `webhooks` module then
//! has an enum of the events decoded by that value, with a variant for values the document
//! does not name.
//!
//! When no property tells the events apart, there is no enum: trying the payload types one
//! after the other would pick the first that happens to fit, so the module is left out,
//! with a note, and the payload types stay in `models`, for
//! `apigen_runtime::webhooks::Webhook::unwrap::<models::T>`. A webhook without a JSON body,
//! or one the 3.0 model cannot read, is left out with a note.

use super::Cx;
use super::media::json_media;
use super::schemas::non_null;
use crate::Config;
use crate::error::Note;
use crate::ir::{TypeDef, TypeKind, TypeRef, WebhookEvent, Webhooks};
use crate::names::{self, Scope};
use crate::pointer::Pointer;
use openapiv3::{OpenAPI, ReferenceOr, RequestBody};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The cargo feature of the `webhooks` module.
pub(super) const FEATURE: &str = "webhooks";

/// Properties preferred as the events' tag, in order.
const PREFERRED_TAGS: &[&str] = &["type", "event", "event_type", "eventType", "kind"];

/// What an event needs of a webhook's operation (the 3.0 model's `Operation` requires
/// `responses`, which a webhook may leave out).
#[derive(Deserialize)]
pub(super) struct HookOperation {
    #[serde(rename = "operationId")]
    operation_id: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(rename = "requestBody")]
    request_body: Option<ReferenceOr<RequestBody>>,
}

/// One operation of a webhook, as read from the document.
pub(super) struct Hook {
    /// The webhook's key.
    key: String,
    /// The name its variant is made from: the key, or for a path item with several
    /// operations, the operationId (or the key and the method).
    base_name: String,
    operation: HookOperation,
    pointer: Pointer,
}

/// A webhook whose payload was lowered, before the events are decided.
pub(super) struct Payload {
    /// An index into the hooks.
    hook: usize,
    /// The payload's type, as lowering named it (renumbered with the other types).
    pub(super) ty: TypeRef,
}

/// The webhooks of the document that the selection takes, in key order; what cannot be
/// read is left out, with a note.
pub(super) fn read(spec: &OpenAPI, config: &Config, notes: &mut Vec<Note>) -> Vec<Hook> {
    let (section, webhooks) = match (
        spec.extensions.get(crate::load::WEBHOOKS),
        spec.extensions.get("x-webhooks"),
    ) {
        (Some(webhooks), _) => ("webhooks", webhooks),
        (None, Some(webhooks)) => ("x-webhooks", webhooks),
        (None, None) => return Vec::new(),
    };
    let root = Pointer::root().join(section);
    let Value::Object(webhooks) = webhooks else {
        notes.push(note(
            &root,
            "`webhooks` is not a map of path items; ignored",
        ));
        return Vec::new();
    };
    let mut keys: Vec<&String> = webhooks.keys().collect();
    keys.sort();
    let mut hooks = Vec::new();
    // Extensions beside the webhooks (`x-sdk-exclude`) are no webhooks.
    for key in keys.into_iter().filter(|k| !k.starts_with("x-")) {
        let at = root.join(key);
        let Value::Object(item) = &webhooks[key] else {
            notes.push(note(
                &at,
                format!("webhook `{key}` is not a path item; ignored"),
            ));
            continue;
        };
        let methods: Vec<&str> = crate::load::METHODS
            .iter()
            .copied()
            .filter(|m| item.get(*m).is_some_and(Value::is_object))
            .collect();
        for method in &methods {
            let pointer = at.join(method);
            let operation = match HookOperation::deserialize(&item[*method]) {
                Ok(operation) => operation,
                Err(e) => {
                    notes.push(note(
                        &pointer,
                        format!("webhook `{key}` is not a valid operation ({e}); ignored"),
                    ));
                    continue;
                }
            };
            if !config.selects(operation.operation_id.as_deref(), &operation.tags, key) {
                continue;
            }
            let base_name = match (&operation.operation_id, methods.len()) {
                (_, 1) => key.clone(),
                (Some(id), _) => id.clone(),
                (None, _) => format!("{key} {method}"),
            };
            hooks.push(Hook {
                key: key.clone(),
                base_name,
                operation,
                pointer,
            });
        }
    }
    hooks
}

fn note(pointer: &Pointer, message: impl Into<String>) -> Note {
    Note {
        pointer: pointer.to_string(),
        message: message.into(),
    }
}

impl<'a> Cx<'a> {
    /// The payload type of every webhook with a JSON body.
    pub(super) fn lower_webhooks(&mut self, hooks: &'a [Hook]) -> Vec<Payload> {
        let mut payloads = Vec::new();
        for (i, hook) in hooks.iter().enumerate() {
            let Some(body) = &hook.operation.request_body else {
                self.note(
                    &hook.pointer,
                    format!("webhook `{}` has no request body; ignored", hook.key),
                );
                continue;
            };
            let Some((body, at)) = self.resolve(body, &hook.pointer.join("requestBody")) else {
                continue;
            };
            let Some((media, media_type)) = json_media(&body.content) else {
                self.note(
                    &at,
                    format!(
                        "webhook `{}` sends no JSON body; not a typed event",
                        hook.key
                    ),
                );
                continue;
            };
            let Some(schema) = &media_type.schema else {
                self.note(
                    &at.join("content").join(media),
                    format!("webhook `{}` has no schema; not a typed event", hook.key),
                );
                continue;
            };
            let hint = format!("{}Event", names::type_name(&hook.base_name));
            let pointer = at.join("content").join(media).join("schema");
            let ty = non_null(&self.type_of(schema, &hint, &pointer)).clone();
            if matches!(ty, TypeRef::Bytes | TypeRef::File) {
                self.note(
                    &pointer,
                    format!(
                        "webhook `{}` sends binary data; not a typed event",
                        hook.key
                    ),
                );
                continue;
            }
            payloads.push(Payload { hook: i, ty });
        }
        payloads
    }
}

/// The events, when one property of the payloads tells them apart (see the module docs);
/// `types` is the arena of named types the payloads refer to.
pub(super) fn events(
    hooks: &[Hook],
    payloads: &[Payload],
    types: &[Option<TypeDef>],
    notes: &mut Vec<Note>,
) -> Option<Webhooks> {
    let first = payloads.first()?;
    let constants: Vec<BTreeMap<String, String>> =
        payloads.iter().map(|p| constants(types, &p.ty)).collect();
    let tells_apart = |tag: &&String| {
        let mut values: Vec<Option<&String>> = constants.iter().map(|c| c.get(*tag)).collect();
        let all = values.iter().all(Option::is_some);
        values.sort();
        values.dedup();
        all && values.len() == payloads.len()
    };
    let mut candidates: Vec<&String> = constants[0].keys().filter(tells_apart).collect();
    candidates.sort_by_key(|tag| {
        (
            PREFERRED_TAGS
                .iter()
                .position(|p| p == tag)
                .unwrap_or(PREFERRED_TAGS.len()),
            tag.to_string(),
        )
    });
    let Some(tag) = candidates.first().map(|t| t.to_string()) else {
        let keys: Vec<String> = payloads
            .iter()
            .map(|p| format!("`{}`", hooks[p.hook].key))
            .collect();
        notes.push(note(
            &hooks[first.hook].pointer,
            format!(
                "webhook(s) {} are not generated as typed events: no property of their \
                 payloads has one constant value in each, different in every one (such as \
                 `type: batch.completed`), so a delivery cannot be told apart; their payload \
                 types are in `models` (verify and decode one with \
                 `apigen_runtime::webhooks::Webhook::unwrap::<models::T>`)",
                keys.join(", ")
            ),
        ));
        return None;
    };
    let unknown_variant = "Unknown".to_owned();
    let mut scope = Scope::default();
    scope.reserve(&unknown_variant);
    let events = payloads
        .iter()
        .zip(&constants)
        .map(|(payload, constants)| {
            let hook = &hooks[payload.hook];
            let op = &hook.operation;
            let doc = match (
                super::shapes::doc_text(op.summary.as_deref()),
                super::shapes::doc_text(op.description.as_deref()),
            ) {
                (Some(summary), Some(description)) => Some(format!("{summary}\n\n{description}")),
                (one, other) => one.or(other),
            };
            WebhookEvent {
                key: hook.key.clone(),
                variant: scope.claim(&names::type_name(&hook.base_name)),
                doc,
                payload: payload.ty.clone(),
                tag_value: constants[&tag].clone(),
                pointer: hook.pointer.to_string(),
            }
        })
        .collect();
    Some(Webhooks {
        tag,
        events,
        feature: FEATURE.to_owned(),
        enum_name: "Event".to_owned(),
        unknown_variant,
    })
}

/// The definition a type reference names, through aliases, boxes and nullability.
fn definition<'t>(types: &'t [Option<TypeDef>], ty: &TypeRef) -> Option<&'t TypeDef> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => ty = inner,
            TypeRef::Named(id) => {
                let def = types.get(id.0)?.as_ref()?;
                match &def.kind {
                    TypeKind::Alias(inner) => ty = inner,
                    _ => return Some(def),
                }
            }
            _ => return None,
        }
    }
    None
}

/// The properties of a payload that hold one constant string (a one-value enum), by wire
/// name.
fn constants(types: &[Option<TypeDef>], payload: &TypeRef) -> BTreeMap<String, String> {
    let Some(TypeKind::Struct(payload)) = definition(types, payload).map(|d| &d.kind) else {
        return BTreeMap::new();
    };
    payload
        .fields
        .iter()
        .filter_map(|field| match &definition(types, &field.ty)?.kind {
            TypeKind::StringEnum { variants } if variants.len() == 1 => {
                Some((field.wire_name.clone(), variants[0].wire.clone()))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{Config, Selection};

    /// A 3.1 document whose webhooks `a` and `b` send the payloads `A` and `B`, with these
    /// properties (YAML flow maps), and `c` (tag `Extra`) sends `A` too when `shared`.
    fn spec(a: &str, b: &str, shared: bool) -> String {
        let c = if shared {
            "  c: {post: {tags: [Extra], requestBody: {content: {application/json: {schema: \
             {$ref: '#/components/schemas/A'}}}}}}\n"
        } else {
            ""
        };
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\nwebhooks:\n\
             \x20 a: {{post: {{requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/A'}}}}}}}}}}}}\n\
             \x20 b: {{post: {{requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/B'}}}}}}}}}}}}\n\
             {c}components:\n  schemas:\n\
             \x20   A: {{type: object, properties: {a}}}\n\
             \x20   B: {{type: object, properties: {b}}}\n"
        )
    }

    fn lower(text: &str, config: &Config) -> crate::ir::Api {
        let loaded = crate::load_spec(text).unwrap();
        crate::lower_to_ir(&loaded.spec, config).unwrap()
    }

    #[test]
    fn the_tag_is_a_constant_that_differs_in_every_event_preferring_type() {
        let both = spec(
            "{kind: {const: x}, object: {const: event}, type: {const: a.done}}",
            "{kind: {const: y}, object: {const: event}, type: {const: b.done}}",
            false,
        );
        let webhooks = lower(&both, &Config::default()).webhooks.unwrap();
        assert_eq!(webhooks.tag, "type");
        let values: Vec<(&str, &str)> = webhooks
            .events
            .iter()
            .map(|e| (e.variant.as_str(), e.tag_value.as_str()))
            .collect();
        assert_eq!(values, [("A", "a.done"), ("B", "b.done")]);

        // `type` the same in both: `kind` tells them apart; `object` never does.
        let kind = spec(
            "{kind: {const: x}, object: {const: event}, type: {const: done}}",
            "{kind: {const: y}, object: {const: event}, type: {const: done}}",
            false,
        );
        assert_eq!(
            lower(&kind, &Config::default()).webhooks.unwrap().tag,
            "kind"
        );
    }

    #[test]
    fn events_no_constant_tells_apart_have_no_module() {
        for text in [
            // The same constant in both.
            spec("{type: {const: done}}", "{type: {const: done}}", false),
            // A constant in one only, or an enum of two values.
            spec("{type: {const: a}}", "{type: {type: string}}", false),
            spec("{type: {enum: [a, b]}}", "{type: {const: b}}", false),
            // Two webhooks with one payload.
            spec("{type: {const: a}}", "{type: {const: b}}", true),
        ] {
            let loaded = crate::load_spec(&text).unwrap();
            let generation = crate::generate_with_notes(&loaded.spec, &Config::default()).unwrap();
            assert!(
                !generation.files.iter().any(|f| f.path == "webhooks.rs"),
                "{text}"
            );
            assert!(
                generation
                    .notes
                    .iter()
                    .any(|n| n.message.contains("not generated as typed events")),
                "{text}"
            );
            // The payload types are kept.
            let api = lower(&text, &Config::default());
            assert!(api.types.iter().any(|t| t.name == "A"), "{text}");
        }
    }

    #[test]
    fn a_selection_takes_the_webhooks_it_names() {
        let text = spec("{type: {const: a}}", "{type: {const: b}}", true);
        let config = Config {
            selection: Selection {
                tags: vec!["Extra".into()],
                ..Selection::default()
            },
            ..Config::default()
        };
        let api = lower(&text, &config);
        let webhooks = api.webhooks.unwrap();
        let keys: Vec<&str> = webhooks.events.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["c"]);
        // `B` is reached by no selected webhook.
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert!(names.contains(&"A") && !names.contains(&"B"), "{names:?}");
    }
}
