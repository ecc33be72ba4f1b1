//! The spec's `example`/`examples` values, each paired with the Rust type that must hold
//! it, so that they can be emitted as round-trip tests.
//!
//! Examples are found on component schemas and their properties, on parameters, and on the
//! JSON request and response bodies of operations. One whose type was not generated (an
//! error response's body, a type outside the selection) is skipped with a note.

use crate::error::{Note, escape_pointer_token};
use crate::ir::{Example, Operation, ParamLocation, ResponseKind, TypeDef, TypeKind, TypeRef};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) fn collect(
    spec: &openapiv3::OpenAPI,
    components: &BTreeMap<String, String>,
    types: &BTreeMap<String, TypeDef>,
    operations: &[Operation],
    notes: &mut Vec<Note>,
) -> Vec<Example> {
    let Ok(doc) = serde_json::to_value(spec) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (key, schema) in schemas {
            let Some(name) = components.get(key).filter(|n| types.contains_key(*n)) else {
                continue;
            };
            let pointer = format!("#/components/schemas/{}", escape_pointer_token(key));
            let ty = TypeRef::Named(name.clone());
            schema_examples(schema, &pointer, &ty, &mut out);
            let fields = match types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields, .. }) => fields,
                _ => continue,
            };
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for (wire, property) in properties {
                if let Some(field) = fields.iter().find(|f| &f.wire_name == wire) {
                    let pointer = format!("{pointer}/properties/{}", escape_pointer_token(wire));
                    schema_examples(property, &pointer, &field.ty, &mut out);
                }
            }
        }
    }
    for op in operations {
        let op_pointer = op.pointer.trim_start_matches('#');
        let Some(item) = doc.pointer(op_pointer) else {
            continue;
        };
        // Parameters of the operation and of its path item, matched by name and place.
        let path_item = op_pointer.rsplit_once('/').map_or("", |(p, _)| p);
        let declared = [
            (op.pointer.clone(), item.get("parameters")),
            (
                format!("#{path_item}"),
                doc.pointer(path_item).and_then(|p| p.get("parameters")),
            ),
        ];
        for (base, list) in declared {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let (param, pointer) = resolve(&doc, param, format!("{base}/parameters/{i}"));
                let location = match param.get("in").and_then(Value::as_str) {
                    Some("path") => ParamLocation::Path,
                    Some("query") => ParamLocation::Query,
                    Some("header") => ParamLocation::Header,
                    Some("cookie") => ParamLocation::Cookie,
                    _ => continue,
                };
                let name = param.get("name").and_then(Value::as_str);
                let Some(p) = op
                    .params
                    .iter()
                    .find(|p| Some(p.wire_name.as_str()) == name && p.location == location)
                else {
                    continue;
                };
                media_examples(param, &pointer, &p.ty, &doc, &mut out);
            }
        }
        if let (Some(body), Some(spec_body)) = (&op.body, item.get("requestBody")) {
            let (spec_body, pointer) =
                resolve(&doc, spec_body, format!("{}/requestBody", op.pointer));
            json_content(spec_body, &pointer, &body.ty, &doc, &mut out);
        }
        let Some(responses) = item.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses {
            let (response, pointer) = resolve(
                &doc,
                response,
                format!("{}/responses/{}", op.pointer, escape_pointer_token(status)),
            );
            match success_type(op, status, types)
                .or_else(|| component_type(response, components, types))
            {
                Some(ty) => json_content(response, &pointer, &ty, &doc, &mut out),
                None => {
                    let mut skipped = Vec::new();
                    json_content(response, &pointer, &TypeRef::Json, &doc, &mut skipped);
                    for example in skipped {
                        notes.push(Note {
                            pointer: example.pointer,
                            message: "example not checked: no generated type decodes this \
                                      response (its schema is not a generated component)"
                                .into(),
                        });
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    out.dedup_by(|a, b| a.pointer == b.pointer);
    out.retain(|example| {
        let binary = holds_binary(&example.ty, types, &mut Vec::new());
        if binary {
            notes.push(Note {
                pointer: example.pointer.clone(),
                message: "example not checked: its type holds binary data (a file upload or \
                          raw bytes), which has no JSON form"
                    .into(),
            });
        }
        !binary
    });
    out
}

/// Whether a value of `ty` can hold a file upload or raw bytes (which have no JSON form).
fn holds_binary<'t>(
    ty: &'t TypeRef,
    types: &'t BTreeMap<String, TypeDef>,
    seen: &mut Vec<&'t str>,
) -> bool {
    match ty {
        TypeRef::File | TypeRef::Bytes => true,
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) | TypeRef::Nullable(t) => {
            holds_binary(t, types, seen)
        }
        TypeRef::Named(name) => {
            if seen.contains(&name.as_str()) {
                return false;
            }
            seen.push(name);
            match types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields, additional }) => {
                    fields.iter().any(|f| holds_binary(&f.ty, types, seen))
                        || additional
                            .as_ref()
                            .is_some_and(|a| holds_binary(a, types, seen))
                }
                Some(TypeKind::Untagged { variants }) => {
                    variants.iter().any(|v| holds_binary(&v.ty, types, seen))
                }
                Some(TypeKind::Tagged { variants, .. }) => {
                    variants.iter().any(|v| holds_binary(&v.ty, types, seen))
                }
                Some(TypeKind::Alias(t) | TypeKind::Newtype(t)) => holds_binary(t, types, seen),
                Some(TypeKind::Responses { .. }) => true,
                Some(TypeKind::StringEnum { .. }) | None => false,
            }
        }
        _ => false,
    }
}

/// The type a response with this status decodes into, if the operation types it.
fn success_type(
    op: &Operation,
    status: &str,
    types: &BTreeMap<String, TypeDef>,
) -> Option<TypeRef> {
    match &op.response.kind {
        ResponseKind::Json(ty) if op.response.status == status => Some(ty.clone()),
        ResponseKind::ByStatus { name, .. } => match types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Responses { variants }) => variants
                .iter()
                .find(|v| v.status.to_string() == status)
                .and_then(|v| v.ty.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The generated type of a response whose JSON schema is a component `$ref` (error bodies).
fn component_type(
    response: &Value,
    components: &BTreeMap<String, String>,
    types: &BTreeMap<String, TypeDef>,
) -> Option<TypeRef> {
    let content = response.get("content")?.as_object()?;
    let schema = content
        .iter()
        .find(|(media, _)| media.starts_with("application/json"))?
        .1
        .get("schema")?;
    let key = schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    let key = crate::lower::types::unescape_pointer_token(key);
    let name = components.get(&key).filter(|n| types.contains_key(*n))?;
    Some(TypeRef::Named(name.clone()))
}

/// Follows a local `$ref` (once per hop, at most a few hops), returning the target and its
/// pointer.
fn resolve<'d>(doc: &'d Value, mut value: &'d Value, mut pointer: String) -> (&'d Value, String) {
    for _ in 0..8 {
        let Some(target) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(found) = target.strip_prefix('#').and_then(|p| doc.pointer(p)) else {
            break;
        };
        value = found;
        pointer = target.to_owned();
    }
    (value, pointer)
}

/// `example` and each `examples` entry of a schema (3.1 lowered `examples` arrays become
/// `example`).
fn schema_examples(schema: &Value, pointer: &str, ty: &TypeRef, out: &mut Vec<Example>) {
    if let Some(value) = schema.get("example") {
        out.push(Example {
            pointer: format!("{pointer}/example"),
            ty: ty.clone(),
            value: value.clone(),
        });
    }
}

/// `example` and `examples.<name>.value` of a parameter or media type object.
fn media_examples(media: &Value, pointer: &str, ty: &TypeRef, doc: &Value, out: &mut Vec<Example>) {
    if let Some(value) = media.get("example") {
        out.push(Example {
            pointer: format!("{pointer}/example"),
            ty: ty.clone(),
            value: value.clone(),
        });
    }
    if let Some(examples) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            let (example, base) = resolve(
                doc,
                example,
                format!("{pointer}/examples/{}", escape_pointer_token(name)),
            );
            if let Some(value) = example.get("value") {
                out.push(Example {
                    pointer: format!("{base}/value"),
                    ty: ty.clone(),
                    value: value.clone(),
                });
            }
        }
    }
    if let Some(schema) = media.get("schema") {
        // An inline schema's own example (a `$ref`'d one is checked with its component).
        if schema.get("$ref").is_none() {
            schema_examples(schema, &format!("{pointer}/schema"), ty, out);
        }
    }
}

/// The examples of the JSON media types of a request body or response.
fn json_content(holder: &Value, pointer: &str, ty: &TypeRef, doc: &Value, out: &mut Vec<Example>) {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return;
    };
    for (media, value) in content {
        let essence = media.split(';').next().unwrap_or_default().trim();
        if essence == "application/json" || essence.ends_with("+json") {
            let pointer = format!("{pointer}/content/{}", escape_pointer_token(media));
            media_examples(value, &pointer, ty, doc, out);
        }
    }
}
