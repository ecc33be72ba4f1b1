//! OpenAPI 3.1 → the 3.0 model that `openapiv3` reads, on the JSON value, keeping meaning:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branches, `nullable: true` |
//! | `type: "null"` alone | any value, `nullable: true` |
//! | `const: X` | `enum: [X]` |
//! | `$ref` with sibling keys | `allOf: [{$ref}]` beside the siblings (`description` stays docs) |
//! | `examples: [a, …]` in a schema | `example: a` |
//! | `exclusiveMinimum: n` / `exclusiveMaximum: n` | `minimum: n, exclusiveMinimum: true` / … |
//! | `webhooks`, `jsonSchemaDialect`, `components/pathItems` | removed, with a note |
//!
//! Every rule has a fixture in `codegen/tests/fixtures/openapi31.yaml`.

use crate::error::Note;
use serde_json::{Map, Value, json};

/// Rewrites a 3.1 document in place into 3.0 form and says what it dropped.
pub fn lower(doc: &mut Value, notes: &mut Vec<Note>) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["webhooks", "jsonSchemaDialect"] {
        if let Some(removed) = root.remove(key) {
            let what = match &removed {
                Value::Object(m) => format!("{} webhook(s)", m.len()),
                _ => key.to_owned(),
            };
            notes.push(Note {
                pointer: format!("#/{key}"),
                message: format!("`{key}` is not part of OpenAPI 3.0; {what} ignored"),
            });
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components")
        && components.remove("pathItems").is_some()
    {
        notes.push(Note {
            pointer: "#/components/pathItems".into(),
            message: "`components/pathItems` is not part of OpenAPI 3.0; ignored".into(),
        });
    }
    if let Some(Value::Object(info)) = root.get_mut("info")
        && let Some(Value::Object(license)) = info.get_mut("license")
        && !license.contains_key("name")
    {
        license.insert("name".into(), Value::String(String::new()));
    }
    // Every schema position: components/schemas and every `schema` below paths/components.
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for schema in schemas.values_mut() {
                lower_schema(schema);
            }
        }
        for (key, section) in components.iter_mut() {
            if key != "schemas" {
                lower_schema_slots(section);
            }
        }
    }
    if let Some(paths) = root.get_mut("paths") {
        lower_schema_slots(paths);
    }
}

/// Finds `schema` values anywhere below `value` (parameters, media types, headers) and
/// lowers them.
fn lower_schema_slots(value: &mut Value) {
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "schema" {
                        lower_schema(child);
                    } else if key != "example" && key != "examples" && key != "x-oaiMeta" {
                        pending.push(child);
                    }
                }
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        && v.as_object()
            .is_some_and(|m| m.keys().all(|k| k == "type" || k == "description"))
}

/// Lowers one schema and, with an explicit stack, every schema inside it.
fn lower_schema(schema: &mut Value) {
    let mut pending = vec![schema];
    while let Some(schema) = pending.pop() {
        let Value::Object(map) = schema else { continue };
        lower_keywords(map);
        for (key, child) in map.iter_mut() {
            match key.as_str() {
                "items" | "not" | "additionalProperties" | "contains" | "propertyNames" => {
                    pending.push(child)
                }
                "properties" | "patternProperties" | "$defs" | "definitions" => {
                    if let Value::Object(props) = child {
                        pending.extend(props.values_mut());
                    }
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = child {
                        pending.extend(items.iter_mut());
                    }
                }
                _ => {}
            }
        }
    }
}

/// The 3.1 keywords of one schema object, rewritten in place.
fn lower_keywords(map: &mut Map<String, Value>) {
    // `$ref` with siblings: 3.0 ignores the siblings, so wrap the reference.
    if map.contains_key("$ref") && map.len() > 1 {
        let reference = map.remove("$ref").expect("checked above");
        let wrapped = json!({ "$ref": reference });
        match map.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.insert(0, wrapped),
            _ => {
                map.insert("allOf".into(), Value::Array(vec![wrapped]));
            }
        }
    }
    // `type: [T, "null"]`.
    if let Some(Value::Array(types)) = map.get("type") {
        let mut types: Vec<Value> = types.clone();
        let nullable = types.iter().any(|t| t == "null");
        types.retain(|t| t != "null");
        map.remove("type");
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match types.len() {
            0 => {}
            1 => {
                map.insert("type".into(), types.remove(0));
            }
            _ => {
                let branches = types.into_iter().map(|t| json!({ "type": t })).collect();
                map.insert("anyOf".into(), Value::Array(branches));
            }
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
    }
    // `anyOf`/`oneOf` with a null branch.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() < before {
            map.insert("nullable".into(), Value::Bool(true));
            if let Some(Value::Array(branches)) = map.get(key)
                && branches.len() == 1
            {
                // One branch left: it is the type (`allOf` of one keeps a `$ref` with the
                // schema's own description and nullability).
                let only = branches[0].clone();
                map.remove(key);
                match only {
                    Value::Object(only) if !only.contains_key("$ref") => {
                        for (k, v) in only {
                            // The outer description wins over the branch's.
                            if !(k == "description" && map.contains_key("description")) {
                                map.insert(k, v);
                            }
                        }
                    }
                    other => {
                        map.insert("allOf".into(), Value::Array(vec![other]));
                    }
                }
            }
        }
    }
    // `const`.
    if let Some(value) = map.remove("const") {
        if !map.contains_key("type") {
            let ty = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(ty) = ty {
                map.insert("type".into(), Value::String(ty.into()));
            }
        }
        map.insert("enum".into(), Value::Array(vec![value]));
    }
    // `examples: [..]` in a schema.
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first
            && !map.contains_key("example")
        {
            map.insert("example".into(), first);
        }
    }
    // Numeric exclusive bounds.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    // Keywords 3.0 does not have and that change no type.
    for key in [
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "contentMediaType",
        "contentEncoding",
        "unevaluatedProperties",
        "$defs",
    ] {
        map.remove(key);
    }
    // `items: false` / `prefixItems` tuples: an array of any value.
    if let Some(Value::Bool(_)) = map.get("items") {
        map.remove("items");
    }
    if let Some(Value::Array(_)) = map.get("prefixItems") {
        map.remove("prefixItems");
    }
}
