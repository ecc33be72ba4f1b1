//! Objects given by `$ref` where the 3.0 model holds no reference: path items (`paths` values
//! with `$ref`, usually to 3.1's `#/components/pathItems/…`) and, in 3.2, media types
//! (`content` entries with `$ref`, usually to `#/components/mediaTypes/…`). Each becomes a
//! copy of what its chain of references ends at, so lowering never meets such a `$ref`.
//!
//! A path item's own fields beside its `$ref` (3.1 leaves the combination undefined) win over
//! the target's. A reference that points into another document, at nothing, or round a cycle
//! is an error at the place it is written.

use super::{Minor, local_target, operations_mut};
use crate::error::{Diagnostic, Error, Note};
use crate::pointer::escape_token;
use serde_json::{Map, Value};

/// Why a chain of references does not end in an object.
enum Broken {
    External(String),
    Dangling(String),
    Cycle(String),
    NotAnObject(String),
}

/// Follows `reference` (and the references its targets are) to an object.
fn follow(doc: &Value, reference: &str) -> Result<Map<String, Value>, Broken> {
    let mut reference = reference.to_owned();
    let mut seen: Vec<String> = Vec::new();
    loop {
        if !reference.starts_with('#') {
            return Err(Broken::External(reference));
        }
        if seen.contains(&reference) {
            return Err(Broken::Cycle(reference));
        }
        seen.push(reference.clone());
        let Some(target) = local_target(doc, &reference) else {
            return Err(Broken::Dangling(reference));
        };
        let Value::Object(map) = target else {
            return Err(Broken::NotAnObject(reference));
        };
        match map.get("$ref") {
            Some(Value::String(next)) => reference = next.clone(),
            _ => return Ok(map.clone()),
        }
    }
}

fn diagnostic(pointer: &str, what: &str, broken: Broken) -> Diagnostic {
    match broken {
        Broken::External(r) => Diagnostic::new(
            pointer,
            format!(
                "{what} `$ref: {r}` points into another document; references to other \
                 documents are not supported (README: Limits)"
            ),
            format!(
                "bundle the description into one document first (for example with `npx \
                 @redocly/cli bundle`), or write the {what} inline"
            ),
        ),
        Broken::Dangling(r) => Diagnostic::new(
            pointer,
            format!("{what} `$ref: {r}` points at nothing in this document"),
            "fix the reference",
        ),
        Broken::Cycle(r) => Diagnostic::new(
            pointer,
            format!("{what} `$ref: {r}` is part of a cycle of references"),
            format!("make one of the {what}s in the cycle a real {what}"),
        ),
        Broken::NotAnObject(r) => Diagnostic::new(
            pointer,
            format!("{what} `$ref: {r}` does not point at an object"),
            "fix the reference",
        ),
    }
}

pub(crate) fn resolve(doc: &mut Value, minor: Minor, notes: &mut Vec<Note>) -> Result<(), Error> {
    let mut errors = Vec::new();
    resolve_path_items(doc, notes, &mut errors);
    if minor >= Minor::V32 {
        resolve_media_types(doc, &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::from_diagnostics(errors))
    }
}

/// Path items given by `$ref`, under `paths` and the webhooks (`super::PATH_ITEM_SECTIONS`).
fn resolve_path_items(doc: &mut Value, notes: &mut Vec<Note>, errors: &mut Vec<Diagnostic>) {
    for section in super::PATH_ITEM_SECTIONS {
        resolve_section(doc, section, notes, errors);
    }
}

fn resolve_section(
    doc: &mut Value,
    section: &str,
    notes: &mut Vec<Note>,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(Value::Object(paths)) = doc.get(section) else {
        return;
    };
    let mut copies: Vec<(String, Map<String, Value>)> = Vec::new();
    for (path, item) in paths {
        let Some(Value::String(reference)) = item.get("$ref") else {
            continue;
        };
        let pointer = format!("#/{section}/{}", escape_token(path));
        match follow(doc, reference) {
            Ok(mut target) => {
                if let Value::Object(own) = item {
                    for (key, value) in own {
                        if key != "$ref" {
                            target.insert(key.clone(), value.clone());
                        }
                    }
                }
                let what = if section == "paths" {
                    "path item"
                } else {
                    "webhook"
                };
                notes.push(Note {
                    pointer,
                    message: format!(
                        "{what} `{path}` is `$ref: {reference}`; its operations are read from \
                         there"
                    ),
                });
                copies.push((path.clone(), target));
            }
            Err(broken) => errors.push(diagnostic(&pointer, "path item", broken)),
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut(section) {
        for (path, copy) in copies {
            paths.insert(path, Value::Object(copy));
        }
    }
}

/// Pointers (without `#`) of the `content` maps the client reads or sends: of parameters,
/// request bodies, responses and their headers, in operations and in components.
fn content_maps(doc: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let at = format!("/paths/{}", escape_token(path));
            parameters_content(item.get("parameters"), &at, &mut out);
            for (token, op) in operations_mut(item) {
                let at = format!("{at}/{token}");
                parameters_content(op.get("parameters"), &at, &mut out);
                if let Some(body) = op.get("requestBody") {
                    owned_content(body, &format!("{at}/requestBody"), &mut out);
                }
                if let Some(Value::Object(responses)) = op.get("responses") {
                    for (code, response) in responses {
                        response_content(
                            response,
                            &format!("{at}/responses/{}", escape_token(code)),
                            &mut out,
                        );
                    }
                }
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get("components") {
        let section = |name: &str| components.get(name).and_then(Value::as_object);
        for (name, param) in section("parameters").into_iter().flatten() {
            owned_content(
                param,
                &format!("/components/parameters/{}", escape_token(name)),
                &mut out,
            );
        }
        for (name, body) in section("requestBodies").into_iter().flatten() {
            owned_content(
                body,
                &format!("/components/requestBodies/{}", escape_token(name)),
                &mut out,
            );
        }
        for (name, header) in section("headers").into_iter().flatten() {
            owned_content(
                header,
                &format!("/components/headers/{}", escape_token(name)),
                &mut out,
            );
        }
        for (name, response) in section("responses").into_iter().flatten() {
            response_content(
                response,
                &format!("/components/responses/{}", escape_token(name)),
                &mut out,
            );
        }
    }
    out
}

fn parameters_content(list: Option<&Value>, at: &str, out: &mut Vec<String>) {
    if let Some(Value::Array(list)) = list {
        for (i, param) in list.iter().enumerate() {
            owned_content(param, &format!("{at}/parameters/{i}"), out);
        }
    }
}

fn owned_content(owner: &Value, at: &str, out: &mut Vec<String>) {
    if owner.get("content").is_some_and(Value::is_object) {
        out.push(format!("{at}/content"));
    }
}

fn response_content(response: &Value, at: &str, out: &mut Vec<String>) {
    owned_content(response, at, out);
    if let Some(Value::Object(headers)) = response.get("headers") {
        for (name, header) in headers {
            owned_content(header, &format!("{at}/headers/{}", escape_token(name)), out);
        }
    }
}

fn resolve_media_types(doc: &mut Value, errors: &mut Vec<Diagnostic>) {
    let maps = content_maps(doc);
    let mut copies: Vec<(String, Map<String, Value>)> = Vec::new();
    for map_pointer in maps {
        let Some(Value::Object(content)) = doc.pointer(&map_pointer) else {
            continue;
        };
        for (media, entry) in content {
            let Some(Value::String(reference)) = entry.get("$ref") else {
                continue;
            };
            let at = format!("{map_pointer}/{}", escape_token(media));
            match follow(doc, reference) {
                Ok(target) => copies.push((at, target)),
                Err(broken) => errors.push(diagnostic(&format!("#{at}"), "media type", broken)),
            }
        }
    }
    for (at, copy) in copies {
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = Value::Object(copy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_items_by_ref_become_copies() {
        let mut doc = json!({
            "paths": {
                "/a": {"$ref": "#/components/pathItems/A", "summary": "mine"},
                "/b": {"$ref": "#/paths/~1a"},
                "/c": {"$ref": "#/components/pathItems/Missing"},
                "/d": {"$ref": "other.yaml#/paths/~1d"},
                "/e": {"$ref": "#/paths/~1f"},
                "/f": {"$ref": "#/paths/~1e"}
            },
            "components": {"pathItems": {"A": {"summary": "theirs", "get": {"operationId": "getA"}}}}
        });
        let mut notes = Vec::new();
        let error = resolve(&mut doc, Minor::V31, &mut notes).unwrap_err();
        let messages: Vec<String> = error.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with(
            "#/paths/~1c: path item `$ref: #/components/pathItems/Missing` points at nothing"
        ));
        assert!(messages[1].contains("points into another document"));
        assert!(messages[2].contains("cycle"));
        assert_eq!(
            doc.pointer("/paths/~1a/get/operationId"),
            Some(&json!("getA"))
        );
        assert_eq!(doc.pointer("/paths/~1a/summary"), Some(&json!("mine")));
        // A chain: `/b` → `/a` as written → the component.
        assert_eq!(
            doc.pointer("/paths/~1b/get/operationId"),
            Some(&json!("getA"))
        );
    }

    #[test]
    fn media_types_by_ref_become_copies_in_3_2() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"$ref": "#/components/mediaTypes/Pet"}}
            }}}}},
            "components": {"mediaTypes": {"Pet": {"schema": {"type": "string"}}}}
        });
        let mut notes = Vec::new();
        resolve(&mut doc, Minor::V32, &mut notes).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/type"),
            Some(&json!("string"))
        );
    }
}
