//! `$ref`s to things that are not components (`#/paths/…/schema/properties/items`,
//! `#/components/schemas/A/properties/b`, `#/paths/~1a/get/parameters/0`, a 3.1 schema's
//! `#/components/schemas/A/$defs/b`, a bundler's `#/$defs/b`) are valid OpenAPI, and
//! bundlers write them (the DigitalOcean spec has a thousand). The generator
//! resolves references to components only, so each such target is copied into
//! `components/schemas` (or `parameters`, `responses`, `requestBodies`) under a derived name
//! and the references are pointed at the copy, with a note.

use crate::error::Note;
use crate::pointer::{escape_token as escape_pointer_token, unescape_token};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Segments of a pointer that say where a schema sits rather than what it is.
const STRUCTURAL: &[&str] = &[
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "schema",
    "content",
    "responses",
    "requestBody",
    "parameters",
    "paths",
    "components",
    "schemas",
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "query",
    "additionalOperations",
    "$defs",
    "definitions",
    "prefixItems",
    "patternProperties",
    "webhooks",
    "pathItems",
    "mediaTypes",
    "itemSchema",
];

pub(crate) fn hoist_schema_refs(doc: &mut Value, notes: &mut Vec<Note>) {
    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    refs.sort();
    refs.dedup();
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: std::collections::BTreeSet<(Kind, String)> = Default::default();
    for kind in [
        Kind::Schema,
        Kind::Parameter,
        Kind::Response,
        Kind::RequestBody,
    ] {
        if let Some(existing) = doc
            .pointer(&format!("/components/{}", kind.section()))
            .and_then(Value::as_object)
        {
            taken.extend(existing.keys().map(|k| (kind, k.clone())));
        }
    }
    let mut copies: Vec<(Kind, String, Value)> = Vec::new();
    for reference in refs {
        let Some((kind, tokens)) = deep_ref(&reference) else {
            continue;
        };
        let pointer: String = tokens
            .iter()
            .map(|t| format!("/{}", escape_pointer_token(t)))
            .collect();
        let Some(target) = doc.pointer(&pointer).filter(|t| t.is_object()) else {
            continue;
        };
        // A target that is itself only a reference: point straight at what it names (so
        // that a problem with that reference is reported where it is written).
        if let Some(Value::String(next)) = target.get("$ref")
            && target.as_object().is_some_and(|t| t.len() == 1)
        {
            targets.insert(reference, next.clone());
            continue;
        }
        let base = match (kind, target.get("name").and_then(Value::as_str)) {
            (Kind::Parameter, Some(name)) => name.to_owned(),
            _ => derived_name(&tokens),
        };
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}_{n}")
                }
            })
            .find(|candidate| !taken.contains(&(kind, candidate.clone())))
            .expect("an unbounded range always yields a free name");
        taken.insert((kind, name.clone()));
        notes.push(Note {
            pointer: format!("#{pointer}"),
            message: format!(
                "`$ref`s point here, which is not a component; it is used as \
                 `#/components/{}/{name}`",
                kind.section()
            ),
        });
        copies.push((kind, name.clone(), target.clone()));
        targets.insert(
            reference,
            format!(
                "#/components/{}/{}",
                kind.section(),
                escape_pointer_token(&name)
            ),
        );
    }
    if targets.is_empty() {
        return;
    }
    // An alias may name another deep target: follow such chains (a few hops at most).
    let resolved: Vec<(String, String)> = targets
        .keys()
        .map(|reference| {
            let mut target = &targets[reference];
            for _ in 0..8 {
                match targets.get(target) {
                    Some(next) if next != target => target = next,
                    _ => break,
                }
            }
            (reference.clone(), target.clone())
        })
        .collect();
    targets.extend(resolved);
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        for (kind, name, copy) in copies {
            let section = components
                .entry(kind.section())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(section) = section.as_object_mut() {
                section.insert(name, copy);
            }
        }
    }
    rewrite_refs(doc, &targets);
}

/// What a reference points at, by where it points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Schema,
    Parameter,
    Response,
    RequestBody,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Response => "responses",
            Kind::RequestBody => "requestBodies",
        }
    }
}

/// Every `$ref` string in the document.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference.clone());
            }
            for v in map.values() {
                collect_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn rewrite_refs(value: &mut Value, targets: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(target) = targets.get(reference.as_str())
            {
                *reference = target.clone();
            }
            for v in map.values_mut() {
                rewrite_refs(v, targets);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, targets)),
        _ => {}
    }
}

/// What a local reference that is not to a whole component points at, and the unescaped
/// tokens of its pointer: a schema (inside a component schema, or under any `schema`), a
/// parameter (`…/parameters/0`), a response (`…/responses/200`) or a request body.
fn deep_ref(reference: &str) -> Option<(Kind, Vec<String>)> {
    let fragment = reference.strip_prefix("#/")?;
    let fragment = percent_decode(fragment);
    let tokens: Vec<String> = fragment.split('/').map(unescape_token).collect();
    let n = tokens.len();
    if tokens[0] == "components" && n <= 3 {
        return None; // a whole component: resolved as it is
    }
    let inside_component_schema = tokens[0] == "components" && tokens[1] == "schemas";
    let in_defs = tokens[0] == "$defs" || tokens[0] == "definitions";
    let kind = if inside_component_schema
        || in_defs
        || tokens.iter().any(|t| t == "schema" || t == "itemSchema")
    {
        Kind::Schema
    } else if n >= 2 && tokens[n - 2] == "parameters" {
        Kind::Parameter
    } else if n >= 2 && tokens[n - 2] == "responses" {
        Kind::Response
    } else if tokens[n - 1] == "requestBody" {
        Kind::RequestBody
    } else {
        return None;
    };
    Some((kind, tokens))
}

/// A component name from the meaningful end of the pointer: `…/properties/ssh_keys/items`
/// → `ssh_keys_items`, `…/responses/200/content/application/json/schema` → the operation's
/// path words.
fn derived_name(tokens: &[String]) -> String {
    let mut meaningful: Vec<String> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        // A status code names a response only when the pointer ends with it.
        let after_responses = i > 0 && tokens[i - 1] == "responses" && i == tokens.len() - 1;
        let words: String = token
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let words = words.trim_matches('_').to_owned();
        let media_type = token.contains('/') && !token.starts_with('/');
        let index = token.chars().all(|c| c.is_ascii_digit());
        if STRUCTURAL.contains(&token.as_str())
            || media_type
            || words.is_empty()
            || (index && !after_responses)
        {
            continue;
        }
        meaningful.push(words);
    }
    let tail = &meaningful[meaningful.len().saturating_sub(2)..];
    let mut name = tail.join("_");
    if tokens.last().is_some_and(|t| t == "items") {
        name.push_str("_item");
    }
    if name.is_empty() {
        name = "InlineSchema".to_owned();
    }
    name
}

/// `%7B` → `{`: a reference is a URI fragment, so its pointer may be percent-encoded.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deep_refs_become_components() {
        let mut doc = json!({
            "paths": {"/keys": {
                "get": {"responses": {"200": {"content": {"application/json": {"schema": {
                    "properties": {"ssh_keys": {"items": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
                }}}}}},
                "post": {"requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/paths/~1keys/get/responses/200/content/application~1json/schema/properties/ssh_keys/items"
                }}}}}
            }},
            "components": {"schemas": {
                "A": {"properties": {"b": {"type": "string"}}},
                "C": {"$ref": "#/components/schemas/A/properties/b"},
                "D": {"$ref": "#/components/schemas/A"}
            }}
        });
        let mut notes = Vec::new();
        hoist_schema_refs(&mut doc, &mut notes);
        assert_eq!(
            doc.pointer("/paths/~1keys/post/requestBody/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/keys_ssh_keys_item"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/keys_ssh_keys_item/properties/id/type"),
            Some(&json!("integer"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/C/$ref"),
            Some(&json!("#/components/schemas/A_b"))
        );
        assert_eq!(
            doc.pointer("/components/schemas/A_b/type"),
            Some(&json!("string"))
        );
        // A whole component stays as it is.
        assert_eq!(
            doc.pointer("/components/schemas/D/$ref"),
            Some(&json!("#/components/schemas/A"))
        );
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn parameters_and_responses_in_paths_become_components() {
        let mut doc = json!({
            "paths": {
                "/a": {"get": {
                    "parameters": [{"name": "id", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}}
                }},
                "/b": {"get": {
                    "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                    "responses": {"200": {"$ref": "#/paths/~1a/get/responses/200"}}
                }}
            }
        });
        let mut notes = Vec::new();
        hoist_schema_refs(&mut doc, &mut notes);
        assert_eq!(
            doc.pointer("/paths/~1b/get/parameters/0/$ref"),
            Some(&json!("#/components/parameters/id"))
        );
        assert_eq!(
            doc.pointer("/components/parameters/id/in"),
            Some(&json!("query"))
        );
        assert_eq!(
            doc.pointer("/paths/~1b/get/responses/200/$ref"),
            Some(&json!("#/components/responses/a_200"))
        );
    }

    #[test]
    fn percent_encoded_pointers_resolve() {
        assert_eq!(percent_decode("~1a~1%7Bid%7D/get"), "~1a~1{id}/get");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
