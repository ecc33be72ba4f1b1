//! The spec's `example`/`examples` values, each paired with the Rust type that must hold
//! it, so that they can be emitted as round-trip tests.
//!
//! Examples are found on component schemas and their properties, on parameters, and on the
//! JSON request and response bodies of operations. One whose type was not generated (an
//! error response's body, a type outside the selection) is skipped with a note.

use super::refs::{Step, follow};
use crate::error::Note;
use crate::ir::{
    Example, Gate, Operation, ParamLocation, ResponseKind, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::names::{Scope, value_name};
use crate::pointer::{escape_token as escape_pointer_token, unescape_token};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn collect(
    spec: &openapiv3::OpenAPI,
    components: &BTreeMap<String, TypeId>,
    types: &[TypeDef],
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
            let Some(&id) = components.get(key) else {
                continue;
            };
            let pointer = format!("#/components/schemas/{}", escape_pointer_token(key));
            let ty = TypeRef::Named(id);
            schema_examples(schema, &pointer, &ty, &mut out);
            let fields = match types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => &s.fields,
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
        let stored = stored_pointer(&op.pointer);
        let op_pointer = stored.trim_start_matches('#');
        let Some(item) = doc.pointer(op_pointer) else {
            continue;
        };
        // Parameters of the operation and of its path item, matched by name and place.
        let path_item = op_pointer
            .splitn(4, '/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        let path_item = path_item.as_str();
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
            match success_type(op, status, types).or_else(|| component_type(response, components)) {
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
    let mut tests = Scope::default();
    for example in &mut out {
        let words: String = example
            .pointer
            .trim_start_matches("#/")
            .replace("~1", "_")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        example.test_name = tests.claim(&value_name(&words).replace("r#", ""));
    }
    out
}

/// Whether a value of `ty` can hold a file upload or raw bytes (which have no JSON form).
fn holds_binary<'t>(ty: &'t TypeRef, types: &'t [TypeDef], seen: &mut Vec<TypeId>) -> bool {
    match ty {
        TypeRef::File | TypeRef::Bytes => true,
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) | TypeRef::Nullable(t) => {
            holds_binary(t, types, seen)
        }
        TypeRef::Named(id) => {
            if seen.contains(id) {
                return false;
            }
            seen.push(*id);
            match types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => {
                    s.fields.iter().any(|f| holds_binary(&f.ty, types, seen))
                        || s.additional
                            .as_ref()
                            .is_some_and(|a| holds_binary(&a.ty, types, seen))
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
fn success_type(op: &Operation, status: &str, types: &[TypeDef]) -> Option<TypeRef> {
    match &op.response.kind {
        ResponseKind::Json(ty) if op.response.status == status => Some(ty.clone()),
        ResponseKind::ByStatus(id) => match types.get(id.0).map(|t| &t.kind) {
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
fn component_type(response: &Value, components: &BTreeMap<String, TypeId>) -> Option<TypeRef> {
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
    let id = components.get(&unescape_token(key))?;
    Some(TypeRef::Named(*id))
}

/// Where the loaded spec keeps an operation written at `pointer`: 3.2's `query` and
/// `additionalOperations` are in extensions of the path item (`load::v32`).
fn stored_pointer(pointer: &str) -> String {
    let tokens: Vec<&str> = pointer.splitn(5, '/').collect();
    match tokens.as_slice() {
        ["#", "paths", path, "query"] => format!("#/paths/{path}/x-oas32-query"),
        ["#", "paths", path, "additionalOperations", method] => {
            format!("#/paths/{path}/x-oas32-additional-operations/{method}")
        }
        _ => pointer.to_owned(),
    }
}

/// Follows local `$ref`s to what they name, returning it and its pointer; a reference that
/// names nothing (reported where lowering met it) leaves the value as it is.
fn resolve<'d>(doc: &'d Value, value: &'d Value, pointer: String) -> (&'d Value, String) {
    let step = |v: &'d Value| match v.get("$ref").and_then(Value::as_str) {
        Some(reference) => Step::Ref(reference),
        None => Step::Item(v),
    };
    let lookup = |reference: &'d str| {
        let found = doc.pointer(reference.strip_prefix('#')?)?;
        Some((step(found), reference.to_owned()))
    };
    follow(step(value), pointer.clone(), lookup).unwrap_or((value, pointer))
}

/// `example` and each `examples` entry of a schema (3.1 lowered `examples` arrays become
/// `example`).
fn schema_examples(schema: &Value, pointer: &str, ty: &TypeRef, out: &mut Vec<Example>) {
    if let Some(value) = schema.get("example") {
        out.push(Example {
            pointer: format!("{pointer}/example"),
            test_name: String::new(),
            ty: ty.clone(),
            value: value.clone(),
            gate: Gate::Always,
        });
    }
}

/// `example` and `examples.<name>.value` of a parameter or media type object.
fn media_examples(media: &Value, pointer: &str, ty: &TypeRef, doc: &Value, out: &mut Vec<Example>) {
    if let Some(value) = media.get("example") {
        out.push(Example {
            pointer: format!("{pointer}/example"),
            test_name: String::new(),
            ty: ty.clone(),
            value: value.clone(),
            gate: Gate::Always,
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
                    test_name: String::new(),
                    ty: ty.clone(),
                    value: value.clone(),
                    gate: Gate::Always,
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
