//! OpenAPI 3.1 (and 3.2, whose schemas are 3.1's) → the 3.0 model that `openapiv3` reads,
//! on the JSON value, keeping meaning where the types need it:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | no `paths` (only `webhooks` or `components`) | `paths: {}` |
//! | an operation without `responses` | `responses: {}` (lowering returns the raw body, with a note) |
//! | `true` / `false` as a schema | `{}` / `{not: {}}`; a `false` property is left out, with a note; a `false` branch of `anyOf`/`oneOf` is dropped |
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `oneOf: [{type: A, …}, {type: B, …}]`, each with the keywords of its type (`integer` merges into `number`) |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branches, `nullable: true` |
//! | `type: "null"` alone | any value, `nullable: true` |
//! | `const: X` | `enum: [X]` (and its type, when none is written) |
//! | `$ref` with keywords that shape the type (`properties`, `required`, `additionalProperties`, `items`, `allOf`/`anyOf`/`oneOf`, `not`, `discriminator`) | `allOf: [{$ref}, {those keywords}]` (with `type: object` beside object keywords) |
//! | `$ref` with doc keywords (`description`, `title`, `default`, `deprecated`, `example`) or `nullable` | `allOf: [{$ref}]` beside them, as 3.0 writes it, where lowering reads them: a property's doc, a body's or parameter's schema, a `oneOf`/`anyOf` variant's `title` (its name); elsewhere (the top of a component, which stays an alias; an `allOf` part; a variant's other doc keywords) they are dropped |
//! | `$ref` with any other keyword (`readOnly`, `writeOnly`, validation keywords, a lone `type`, `x-…`) | the bare `$ref`: the keywords are dropped, silently |
//! | `examples: [a, …]` in a schema | `example: a` |
//! | `exclusiveMinimum: n` / `exclusiveMaximum: n` | `minimum: n, exclusiveMinimum: true` / … |
//! | `contentEncoding: base64` (or `base64url`) on a string | `format: byte` |
//! | `contentMediaType` of a binary type (not text, JSON, XML, form), no `contentEncoding` | `type: string, format: binary` |
//! | `unevaluatedProperties: S` | `additionalProperties: S` when there is none |
//! | `patternProperties` | `additionalProperties`: the pattern's schema (`anyOf` of them), when there is none (or it is `false`) |
//! | `prefixItems: [A, B]` (and `items` beside it) | `items: A` when all are one schema, else `items: {oneOf: [A, B, …]}`, with a note |
//! | `$dynamicRef` that `ids` could not resolve | removed (any value), with a note |
//! | `$schema`, `$id`, `$anchor`, `$dynamicAnchor`, `$vocabulary`, `$comment`, `contentSchema`, `if`/`then`/`else`, `dependentSchemas`, `dependentRequired`, `contains`, `minContains`, `maxContains`, `propertyNames`, `unevaluatedItems`, `items: false` | removed: they validate and change no type |
//! | `jsonSchemaDialect` | removed, with a note (another dialect is read as the OpenAPI one) |
//! | `mutualTLS` security schemes | removed, with a note |
//! | `webhooks` | the extension `x-oas31-webhooks` (`finish`), which lowering reads |
//! | `$defs` at the top, `components/pathItems`, `mediaTypes`, `callbacks` | removed (`finish`, after the `$ref`s into them were followed) |
//!
//! `$defs` stay until `refs` has copied the ones that `$ref`s name into components. Every
//! rule has a fixture: `openapi31.yaml` and `oas31_*.yaml` under `codegen/tests/fixtures/`.

use super::operations_mut;
use crate::error::Note;
use crate::pointer::escape_token;
use serde_json::{Map, Value, json};

/// Rewrites a 3.1 document in place into 3.0 form and says what it dropped.
pub(crate) fn lower(doc: &mut Value, notes: &mut Vec<Note>) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(dialect) = root.remove("jsonSchemaDialect") {
        let message = match dialect.as_str() {
            Some(d) if d.starts_with("https://spec.openapis.org/oas/3.") => {
                "`jsonSchemaDialect` names the OpenAPI dialect, which is how schemas are read"
                    .to_owned()
            }
            Some(d) => {
                format!("`jsonSchemaDialect` is `{d}`; schemas are read as the OpenAPI 3.1 dialect")
            }
            None => "`jsonSchemaDialect` is not a URI; schemas are read as the OpenAPI 3.1 \
                     dialect"
                .to_owned(),
        };
        notes.push(Note {
            pointer: "#/jsonSchemaDialect".into(),
            message,
        });
    }
    if let Some(Value::Object(info)) = root.get_mut("info")
        && let Some(Value::Object(license)) = info.get_mut("license")
        && !license.contains_key("name")
    {
        license.insert("name".into(), Value::String(String::new()));
    }
    // A 3.1 document may describe only webhooks or components; operations may leave out
    // their responses.
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (_, op) in operations_mut(item) {
                if let Value::Object(op) = op
                    && !op.contains_key("responses")
                {
                    op.insert("responses".into(), Value::Object(Map::new()));
                }
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components")
        && let Some(Value::Object(schemes)) = components.get_mut("securitySchemes")
    {
        let mutual: Vec<String> = schemes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        for name in mutual {
            schemes.remove(&name);
            notes.push(Note {
                pointer: format!("#/components/securitySchemes/{}", escape_token(&name)),
                message: format!(
                    "security scheme `{name}` is mutual TLS (a client certificate), which the \
                     runtime does not configure; requests are sent without one"
                ),
            });
        }
    }
    let mut cx = Cx {
        notes,
        moves: Vec::new(),
    };
    // Every schema position: components/schemas, `$defs` at the top (bundlers), and every
    // `schema` (or 3.2 `itemSchema`) below paths, webhooks and the other components.
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (key, section) in components.iter_mut() {
            if key == "schemas" {
                if let Value::Object(schemas) = section {
                    for (name, schema) in schemas.iter_mut() {
                        let at = format!("#/components/schemas/{}", escape_token(name));
                        lower_schema(schema, at, true, &mut cx);
                    }
                }
            } else {
                lower_schema_slots(
                    section,
                    &format!("#/components/{}", escape_token(key)),
                    &mut cx,
                );
            }
        }
    }
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(defs)) = root.get_mut(key) {
            for (name, schema) in defs.iter_mut() {
                lower_schema(
                    schema,
                    format!("#/{key}/{}", escape_token(name)),
                    true,
                    &mut cx,
                );
            }
        }
    }
    for key in ["paths", "webhooks"] {
        if let Some(section) = root.get_mut(key) {
            lower_schema_slots(section, &format!("#/{key}"), &mut cx);
        }
    }
    let moves = std::mem::take(&mut cx.moves);
    if !moves.is_empty() {
        follow_moves(doc, &moves);
    }
}

/// Points every `$ref` into a schema that a rewrite moved at its new place (a bundler's
/// `$ref` into the `properties` beside another `$ref`, which now sit in an `allOf` part).
fn follow_moves(value: &mut Value, moves: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && reference.starts_with("#/")
            {
                let mut target = super::refs::percent_decode(reference);
                for (from, to) in moves {
                    if let Some(rest) = target.strip_prefix(from.as_str())
                        && (rest.is_empty() || rest.starts_with('/'))
                    {
                        target = format!("{to}{rest}");
                    }
                }
                if target != super::refs::percent_decode(reference) {
                    *reference = target;
                }
            }
            map.values_mut().for_each(|v| follow_moves(v, moves));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| follow_moves(v, moves)),
        _ => {}
    }
}

/// What no client needs, once `$ref`s into it were followed: the top-level `$defs`,
/// `components/pathItems`, `mediaTypes` and `callbacks`; webhooks move into the extension
/// [`super::WEBHOOKS`], which the 3.0 model keeps. The document is then read as 3.0.3.
pub(crate) fn finish(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    // Webhooks are kept, in 3.0 form, for lowering (`super::WEBHOOKS`).
    if let Some(webhooks) = root.remove("webhooks") {
        root.insert(super::WEBHOOKS.into(), webhooks);
    }
    root.remove("$defs");
    root.remove("definitions");
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for key in ["pathItems", "mediaTypes", "callbacks"] {
            components.remove(key);
        }
    }
}

struct Cx<'a> {
    notes: &'a mut Vec<Note>,
    /// Schemas moved by the rewrites: (old pointer, new pointer), outer ones first.
    moves: Vec<(String, String)>,
}

impl Cx<'_> {
    fn moved(&mut self, from: String, to: String) {
        self.moves.push((from, to));
    }

    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }
}

/// Finds `schema` (and `itemSchema`) values anywhere below `value` (parameters, media types,
/// headers) and lowers them.
fn lower_schema_slots(value: &mut Value, pointer: &str, cx: &mut Cx<'_>) {
    let mut pending: Vec<(&mut Value, String)> = vec![(value, pointer.to_owned())];
    while let Some((v, at)) = pending.pop() {
        match v {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    let child_at = format!("{at}/{}", escape_token(key));
                    if key == "schema" || key == "itemSchema" {
                        lower_schema(child, child_at, false, cx);
                    } else if key != "example" && key != "examples" && key != "x-oaiMeta" {
                        pending.push((child, child_at));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    pending.push((item, format!("{at}/{i}")));
                }
            }
            _ => {}
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    let Some(map) = v.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "null",
        _ => false,
    };
    let null_value = |key: &str| match map.get(key) {
        Some(Value::Array(values)) => values.len() == 1 && values[0].is_null(),
        Some(Value::Null) => key == "const",
        _ => false,
    };
    (null_type || null_value("const") || null_value("enum"))
        && map.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "description" | "title" | "const" | "enum"
            )
        })
}

/// A boolean schema as an object: `true` accepts anything, `false` nothing.
fn boolean_schema(accepts: bool) -> Value {
    if accepts {
        json!({})
    } else {
        json!({ "not": {} })
    }
}

/// Where a schema sits, which decides what the documenting keywords beside a `$ref` are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A component schema (or a top-level `$defs` entry) itself: an alias needs no doc.
    Component,
    /// A property: the doc keywords document the field.
    Property,
    /// A branch of `anyOf`/`oneOf`: only `title` is read (the variant's name).
    Variant,
    /// A part of `allOf`: no doc keyword is read.
    Part,
    /// Anything else (`items`, a body's or parameter's `schema`): as 3.0 reads it.
    Other,
}

/// Lowers one schema and, with an explicit stack, every schema inside it.
fn lower_schema(schema: &mut Value, pointer: String, top: bool, cx: &mut Cx<'_>) {
    let place = if top { Place::Component } else { Place::Other };
    let mut pending: Vec<(&mut Value, String, Place)> = vec![(schema, pointer, place)];
    while let Some((schema, at, place)) = pending.pop() {
        if let Value::Bool(accepts) = schema {
            *schema = boolean_schema(*accepts);
        }
        let Value::Object(map) = schema else { continue };
        // Keywords merged in from a lone non-null branch are 3.1 too: a second pass.
        if lower_keywords(map, &at, place, cx) {
            lower_keywords(map, &at, place, cx);
        }
        for (key, child) in map.iter_mut() {
            let child_at = format!("{at}/{}", escape_token(key));
            let (inner, place) = match key.as_str() {
                "properties" => (true, Place::Property),
                "$defs" | "definitions" => (true, Place::Component),
                "anyOf" | "oneOf" => (true, Place::Variant),
                "allOf" => (true, Place::Part),
                "items" | "not" => (false, Place::Other),
                "additionalProperties" if child.is_object() => (false, Place::Other),
                _ => continue,
            };
            if !inner {
                pending.push((child, child_at, place));
                continue;
            }
            match child {
                Value::Object(named) => {
                    for (name, schema) in named.iter_mut() {
                        let at = format!("{child_at}/{}", escape_token(name));
                        pending.push((schema, at, place));
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        pending.push((item, format!("{child_at}/{i}"), place));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Keywords that only validate, or identify, and change no type.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "contentSchema",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "unevaluatedItems",
];

/// The keywords of one type, which a `type: [A, B]` hands to the branch of that type.
fn keywords_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "string" => &[
            "minLength",
            "maxLength",
            "pattern",
            "contentEncoding",
            "contentMediaType",
        ],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
        ],
        "array" => &[
            "items",
            "prefixItems",
            "additionalItems",
            "minItems",
            "maxItems",
            "uniqueItems",
        ],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "unevaluatedProperties",
            "minProperties",
            "maxProperties",
        ],
        _ => &[],
    }
}

/// Whether a value is of a JSON Schema type.
fn is_of(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// The type a format belongs to (`int32` → integer), for `type: [A, B]`.
fn format_kind(format: &str) -> &'static str {
    match format {
        "int32" | "int64" | "uint64" | "uint32" | "int8" | "int16" | "uint8" | "uint16" => {
            "integer"
        }
        "float" | "double" | "decimal" => "number",
        _ => "string",
    }
}

/// Whether data of this media type is text (JSON, XML, forms…) rather than bytes.
fn is_text_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.starts_with("multipart/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || essence.ends_with("+yaml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/xml"
                | "application/yaml"
                | "application/x-yaml"
                | "application/x-www-form-urlencoded"
                | "application/javascript"
                | "application/jsonl"
                | "application/x-ndjson"
                | "application/json-seq"
        )
}

/// The 3.1 keywords of one schema object, rewritten in place. Returns whether a lone branch
/// was merged into it (its keywords are then not rewritten yet).
fn lower_keywords(map: &mut Map<String, Value>, at: &str, place: Place, cx: &mut Cx<'_>) -> bool {
    for key in DROPPED {
        map.remove(*key);
    }
    if map.remove("$dynamicRef").is_some() && !map.contains_key("$ref") {
        cx.note(
            at,
            "`$dynamicRef` names no `$dynamicAnchor` of this document; the schema is read as \
             any value",
        );
    }
    // Boolean subschemas where a choice among them is made.
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        let forbidden: Vec<String> = props
            .iter()
            .filter(|(_, p)| **p == Value::Bool(false))
            .map(|(name, _)| name.clone())
            .collect();
        for name in forbidden {
            props.remove(&name);
            cx.note(
                &format!("{at}/properties/{}", escape_token(&name)),
                format!("property `{name}` is `false` (it must be absent); it is left out"),
            );
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            branches.retain(|b| *b != Value::Bool(false));
        }
    }
    if let Some(Value::Bool(accepts)) = map.get("not") {
        let accepts = *accepts;
        map.insert("not".into(), boolean_schema(accepts));
    }
    // `const`: a one-value enum (its type is inferred below, when none is written).
    let constant = map.remove("const");
    if let Some(value) = &constant {
        map.insert("enum".into(), Value::Array(vec![value.clone()]));
    }
    lower_type_array(map);
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
    }
    let merged = lower_null_branches(map);
    if let Some(value) = constant
        && !map.contains_key("type")
        && !map.contains_key("oneOf")
    {
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
    lower_content(map);
    lower_additional(map);
    lower_tuple(map, at, cx);
    if let Some(Value::Bool(_)) = map.get("items") {
        // `items: false`: no items (an empty array); `true`: any. An array of any value.
        map.remove("items");
    }
    lower_ref_siblings(map, at, place, cx);
    merged
}

/// `type: [A, "null"]` → `nullable`; several types → a `oneOf` with a branch per type.
fn lower_type_array(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let types: Vec<String> = types
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    map.remove("type");
    if types.iter().any(|t| t == "null") {
        map.insert("nullable".into(), Value::Bool(true));
    }
    let mut kinds: Vec<String> = Vec::new();
    for t in types {
        if t != "null" && !kinds.contains(&t) {
            kinds.push(t);
        }
    }
    if kinds.iter().any(|k| k == "number") {
        kinds.retain(|k| k != "integer");
    }
    if kinds.len() <= 1 {
        if let Some(kind) = kinds.pop() {
            map.insert("type".into(), Value::String(kind));
        }
        return;
    }
    let values = match map.remove("enum") {
        Some(Value::Array(values)) => Some(values),
        _ => None,
    };
    let format = map.remove("format");
    let mut branches: Vec<Value> = Vec::new();
    for kind in &kinds {
        let mut branch = Map::new();
        branch.insert("type".into(), Value::String(kind.clone()));
        for keyword in keywords_of(kind) {
            if let Some(v) = map.get(*keyword) {
                branch.insert((*keyword).into(), v.clone());
            }
        }
        if let Some(Value::String(f)) = &format
            && (format_kind(f) == kind || (kind == "number" && format_kind(f) == "integer"))
        {
            branch.insert("format".into(), Value::String(f.clone()));
        }
        if let Some(values) = &values {
            let mine: Vec<Value> = values
                .iter()
                .filter(|v| is_of(v, kind) || (kind == "number" && is_of(v, "integer")))
                .cloned()
                .collect();
            if mine.is_empty() {
                continue; // no value of this type is allowed
            }
            branch.insert("enum".into(), Value::Array(mine));
        }
        branches.push(Value::Object(branch));
    }
    for kind in &kinds {
        for keyword in keywords_of(kind) {
            map.remove(*keyword);
        }
    }
    if branches.len() == 1 {
        if let Some(Value::Object(only)) = branches.pop() {
            map.extend(only);
        }
        return;
    }
    if !map.contains_key("oneOf") {
        map.insert("oneOf".into(), Value::Array(branches));
    } else if !map.contains_key("anyOf") {
        map.insert("anyOf".into(), Value::Array(branches));
    } else {
        let part = json!({ "oneOf": branches });
        match map.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.push(part),
            _ => {
                map.insert("allOf".into(), Value::Array(vec![part]));
            }
        }
    }
}

/// `anyOf`/`oneOf` with a null branch: the other branches, nullable. Returns whether a lone
/// branch's keywords were merged into the schema.
fn lower_null_branches(map: &mut Map<String, Value>) -> bool {
    let mut merged = false;
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() == before {
            continue;
        }
        map.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        if branches.len() != 1 {
            continue;
        }
        // One branch left: it is the type (`allOf` of one keeps a `$ref` with the schema's
        // own description and nullability).
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
                merged = true;
            }
            other => {
                map.insert("allOf".into(), Value::Array(vec![other]));
            }
        }
    }
    merged
}

/// `contentEncoding`/`contentMediaType` → the 3.0 formats of encoded and raw binary.
fn lower_content(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    let ty = map.get("type").and_then(Value::as_str);
    let shaped = [
        "properties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "$ref",
        "enum",
    ]
    .iter()
    .any(|k| map.contains_key(*k));
    if !(ty == Some("string") || (ty.is_none() && !shaped)) {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => {
            "byte"
        }
        (None, Some(m)) if !is_text_media(m) => "binary",
        _ => return,
    };
    map.insert("type".into(), Value::String("string".into()));
    if !map.contains_key("format") {
        map.insert("format".into(), Value::String(format.into()));
    }
}

/// `unevaluatedProperties` and `patternProperties` → `additionalProperties`, where they say
/// what the values of keys beyond the properties are.
fn lower_additional(map: &mut Map<String, Value>) {
    if let Some(unevaluated) = map.remove("unevaluatedProperties")
        && !map.contains_key("additionalProperties")
    {
        map.insert("additionalProperties".into(), unevaluated);
    }
    let Some(Value::Object(patterns)) = map.remove("patternProperties") else {
        return;
    };
    if !matches!(
        map.get("additionalProperties"),
        None | Some(Value::Bool(false))
    ) {
        return;
    }
    // In pattern order, so that the order the map is written in does not matter.
    let mut schemas: Vec<(String, Value)> = patterns.into_iter().collect();
    schemas.sort_by(|a, b| a.0.cmp(&b.0));
    let mut values: Vec<Value> = Vec::new();
    for (_, schema) in schemas {
        let schema = match schema {
            Value::Bool(false) => continue,
            Value::Bool(true) => json!({}),
            other => other,
        };
        if !values.contains(&schema) {
            values.push(schema);
        }
    }
    let value = match values.len() {
        0 => return,
        1 => values.remove(0),
        _ => json!({ "anyOf": values }),
    };
    map.insert("additionalProperties".into(), value);
}

/// `prefixItems` (and a draft-4 `items: [..]`) → an array of the one item type, or of a
/// `oneOf` of them.
fn lower_tuple(map: &mut Map<String, Value>, at: &str, cx: &mut Cx<'_>) {
    let (prefix, rest, keyword) = match map.remove("prefixItems") {
        Some(Value::Array(prefix)) => (prefix, map.remove("items"), "prefixItems"),
        Some(_) => return,
        None => match map.get("items") {
            Some(Value::Array(_)) => match map.remove("items") {
                Some(Value::Array(prefix)) => (prefix, map.remove("additionalItems"), "items"),
                _ => return,
            },
            _ => return,
        },
    };
    map.remove("additionalItems");
    let n = prefix.len();
    let mut variants: Vec<Value> = Vec::new();
    for schema in prefix.into_iter().chain(rest) {
        let schema = match schema {
            Value::Bool(false) => continue,
            Value::Bool(true) => json!({}),
            other => other,
        };
        if !variants.contains(&schema) {
            variants.push(schema);
        }
    }
    if !map.contains_key("type") {
        map.insert("type".into(), Value::String("array".into()));
    }
    let how = match variants.len() {
        0 => "an array of any value".to_owned(),
        1 => {
            map.insert("items".into(), variants.remove(0));
            "an array of its one item type".to_owned()
        }
        k => {
            map.insert("items".into(), json!({ "oneOf": variants }));
            format!("an array whose items are any of its {k} item types")
        }
    };
    cx.note(
        &format!("{at}/{keyword}"),
        format!("`{keyword}` (a tuple of {n}) is read as {how}; positions are not checked"),
    );
}

/// Keywords beside a `$ref` that shape the type (they go into an `allOf` part).
const SHAPING: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "discriminator",
];

/// Keywords beside a `$ref` that document it (kept on the outer schema, where lowering reads
/// them as a field's doc or a variant's name).
const DOCUMENTING: &[&str] = &["description", "title", "default", "deprecated", "example"];

/// Whether a keyword beside a `$ref` documents something at this place.
fn documents(place: Place, key: &str) -> bool {
    match place {
        Place::Property | Place::Other => DOCUMENTING.contains(&key),
        Place::Variant => key == "title",
        Place::Component | Place::Part => false,
    }
}

/// `$ref` with siblings (3.0 ignores the siblings; 3.1 applies both). What moves into the
/// `allOf` is recorded, so that `$ref`s into it still find it.
fn lower_ref_siblings(map: &mut Map<String, Value>, at: &str, place: Place, cx: &mut Cx<'_>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let mut shaping = Map::new();
    let mut outer = Map::new();
    for (key, value) in std::mem::take(map) {
        if SHAPING.contains(&key.as_str()) {
            shaping.insert(key, value);
        } else if key == "nullable" || documents(place, &key) {
            outer.insert(key, value);
        } else if key == "type" {
            shaping.insert(key, value);
        }
        // Anything else (annotations, validation keywords, extensions) is dropped.
    }
    // A lone `type` says nothing the reference does not: drop it.
    if shaping.len() == 1 && shaping.contains_key("type") {
        shaping.clear();
    }
    if shaping.is_empty() && outer.is_empty() {
        map.insert("$ref".into(), reference);
        return;
    }
    let mut parts = vec![json!({ "$ref": reference })];
    if let Some(Value::Array(all_of)) = shaping.remove("allOf") {
        for i in 0..all_of.len() {
            cx.moved(format!("{at}/allOf/{i}"), format!("{at}/allOf/{}", i + 1));
        }
        parts.extend(all_of);
    }
    if !shaping.is_empty() {
        let object_keywords = ["properties", "required", "additionalProperties"];
        if !shaping.contains_key("type") && object_keywords.iter().any(|k| shaping.contains_key(*k))
        {
            shaping.insert("type".into(), Value::String("object".into()));
        }
        let part = parts.len();
        for key in shaping.keys() {
            let key = escape_token(key);
            cx.moved(format!("{at}/{key}"), format!("{at}/allOf/{part}/{key}"));
        }
        parts.push(Value::Object(shaping));
    }
    map.extend(outer);
    map.insert("allOf".into(), Value::Array(parts));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema lowered where a component schema sits, with its notes.
    fn lowered(schema: Value) -> (Value, Vec<Note>) {
        let mut doc = json!({ "components": { "schemas": { "S": schema } } });
        let mut notes = Vec::new();
        lower(&mut doc, &mut notes);
        (doc["components"]["schemas"]["S"].take(), notes)
    }

    #[test]
    fn type_arrays_split_by_type() {
        let (s, _) = lowered(json!({
            "type": ["string", "integer", "null"],
            "minLength": 1, "minimum": 0, "format": "int32",
            "enum": ["a", 1, null]
        }));
        assert_eq!(
            s,
            json!({
                "nullable": true,
                "oneOf": [
                    {"type": "string", "minLength": 1, "enum": ["a"]},
                    {"type": "integer", "minimum": 0, "format": "int32", "enum": [1]}
                ]
            })
        );
        let (s, _) = lowered(json!({"type": ["integer", "number"]}));
        assert_eq!(s, json!({"type": "number"}));
        // A type no enum value has is no branch; one branch left is the type.
        let (s, _) = lowered(json!({"type": ["string", "boolean"], "enum": ["x"]}));
        assert_eq!(s, json!({"type": "string", "enum": ["x"]}));
    }

    #[test]
    fn ref_siblings_by_place() {
        let r = "#/components/schemas/T";
        let (s, _) = lowered(json!({
            "type": "object",
            "properties": {
                "documented": {"$ref": r, "description": "d", "readOnly": true},
                "shaped": {"$ref": r, "required": ["a"], "x-y": 1},
                "typed": {"$ref": r, "type": "object", "maxLength": 3},
                "union": {"oneOf": [{"$ref": r, "title": "T1", "description": "d"}, {"$ref": r, "deprecated": true}]}
            }
        }));
        let p = &s["properties"];
        assert_eq!(
            p["documented"],
            json!({"description": "d", "allOf": [{"$ref": r}]})
        );
        assert_eq!(
            p["shaped"],
            json!({"allOf": [{"$ref": r}, {"required": ["a"], "type": "object"}]})
        );
        assert_eq!(p["typed"], json!({"$ref": r}));
        assert_eq!(
            p["union"]["oneOf"],
            json!([{"title": "T1", "allOf": [{"$ref": r}]}, {"$ref": r}])
        );
        // A component that is a `$ref` stays an alias.
        let (s, _) = lowered(json!({"$ref": r, "description": "d", "nullable": true}));
        assert_eq!(s, json!({"nullable": true, "allOf": [{"$ref": r}]}));
        let (s, _) = lowered(json!({"$ref": r, "description": "d", "examples": ["x"]}));
        assert_eq!(s, json!({"$ref": r}));
    }

    #[test]
    fn boolean_schemas() {
        let (s, notes) = lowered(json!({
            "type": "object",
            "properties": {"any": true, "never": false},
            "additionalProperties": true,
            "not": false,
            "oneOf": [false, {"type": "string"}, true]
        }));
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {"any": {}},
                "additionalProperties": true,
                "not": {"not": {}},
                "oneOf": [{"type": "string"}, {}]
            })
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(lowered(json!(false)).0, json!({"not": {}}));
    }

    #[test]
    fn content_and_additional_keywords() {
        let (s, _) = lowered(json!({"type": "string", "contentEncoding": "base64"}));
        assert_eq!(s, json!({"type": "string", "format": "byte"}));
        let (s, _) = lowered(json!({"contentMediaType": "image/png"}));
        assert_eq!(s, json!({"type": "string", "format": "binary"}));
        let (s, _) = lowered(json!({"type": "string", "contentMediaType": "application/json"}));
        assert_eq!(s, json!({"type": "string"}));
        let (s, _) = lowered(json!({
            "type": "object",
            "patternProperties": {"^b": {"type": "integer"}, "^a": {"type": "string"}}
        }));
        assert_eq!(
            s["additionalProperties"],
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        let (s, _) =
            lowered(json!({"type": "object", "unevaluatedProperties": {"type": "string"}}));
        assert_eq!(s["additionalProperties"], json!({"type": "string"}));
    }

    #[test]
    fn tuples_become_arrays() {
        let (s, notes) = lowered(
            json!({"prefixItems": [{"type": "number"}, {"type": "number"}], "items": false}),
        );
        assert_eq!(s, json!({"type": "array", "items": {"type": "number"}}));
        assert_eq!(notes.len(), 1);
        let (s, _) = lowered(
            json!({"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "integer"}}),
        );
        assert_eq!(
            s,
            json!({"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}})
        );
    }
}
