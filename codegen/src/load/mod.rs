//! Spec text (YAML or JSON, OpenAPI 3.0, 3.1 or 3.2) → `openapiv3::OpenAPI`, with errors
//! that say where.
//!
//! The text is read into a JSON value, which is rewritten step by step into what the 3.0
//! model holds, then deserialized:
//!
//! 1. `ids` (3.1+): `$ref`s written against a schema's `$id`, an `$anchor`, a `$dynamicRef`
//!    or the document's `$self` become `#/…` pointers.
//! 2. `path_items`: path items given by `$ref` (and, in 3.2, media types given by `$ref`)
//!    become copies of their targets; one that cannot be followed is an error here.
//! 3. `callbacks` of operations are removed, with a note (requests the API makes).
//!    Webhooks (3.1's `webhooks`, 3.0's extension `x-webhooks`) are kept: step 2 follows
//!    their path items' `$ref`s too, step 4 rewrites their schemas, and step 7 moves 3.1's
//!    into the extension [`WEBHOOKS`], where lowering reads them.
//! 4. `v31` (3.1+): schemas into the 3.0 form, `paths` and `responses` where they are
//!    missing, the dialect, mutual TLS.
//! 5. `refs`: `$ref`s that point inside things (`…/properties/a`, `$defs`) become components.
//! 6. `v32` (3.2): what the 3.0 model cannot hold is kept in `x-oas32-*` extensions (listed in
//!    that module) for lowering to pick up, with a note.
//! 7. What no client needs is dropped (`components/pathItems`, `mediaTypes`, `callbacks`)
//!    and the document is read as OpenAPI 3.0.3.

mod ids;
mod path_items;
mod refs;
mod v31;
mod v32;
pub mod yaml;

use crate::error::{Diagnostic, Error, Note};
use openapiv3::OpenAPI;
use serde_json::{Map, Value};

/// A parsed spec and what loading it changed (3.1 and 3.2 constructs lowered or ignored).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec in the 3.0 model.
    pub spec: OpenAPI,
    /// The `openapi` version the document declared.
    pub version: String,
    /// What was ignored or rewritten on the way, sorted by place.
    pub notes: Vec<Note>,
}

/// The minor version of OpenAPI 3 a document declares, which decides the rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Minor {
    V30,
    V31,
    V32,
}

/// Parses an OpenAPI 3.0, 3.1 or 3.2 document from YAML or JSON text.
pub fn load_spec(text: &str) -> Result<Loaded, Error> {
    let mut value = parse_value(text)?;
    let (version, minor) = check_version(&value)?;
    let mut notes = Vec::new();
    if minor >= Minor::V31 {
        ids::resolve(&mut value, &mut notes);
    }
    path_items::resolve(&mut value, minor, &mut notes)?;
    remove_callbacks(&mut value, &mut notes);
    if minor >= Minor::V32 {
        v32::event_data_schemas(&mut value);
    }
    if minor >= Minor::V31 {
        v31::lower(&mut value, &mut notes);
    }
    refs::hoist_schema_refs(&mut value, &mut notes);
    if minor >= Minor::V32 {
        v32::lower(&mut value, &mut notes);
    }
    if minor >= Minor::V31 {
        v31::finish(&mut value);
    }
    check_security_lists(&value)?;
    let spec = deserialize(value)?;
    notes.sort();
    notes.dedup();
    Ok(Loaded {
        spec,
        version,
        notes,
    })
}

/// Parses an OpenAPI 3.0, 3.1 or 3.2 document from YAML or JSON text.
pub fn parse_spec(text: &str) -> Result<OpenAPI, Error> {
    load_spec(text).map(|l| l.spec)
}

/// The root extension that holds a 3.1+ document's `webhooks` (the 3.0 model has no such
/// field) once loaded; a 3.0 document's own `x-webhooks` stays where it is.
pub(crate) const WEBHOOKS: &str = "x-oas31-webhooks";

/// The sections of path items: `paths`, and the webhooks of 3.1 (`webhooks`) and 3.0
/// (the extension `x-webhooks`, as Redocly and others write them).
pub(crate) const PATH_ITEM_SECTIONS: &[&str] = &["paths", "webhooks", "x-webhooks"];

/// The methods a path item holds as fixed fields, in the 3.0 model.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of a path item, with the pointer token(s) that lead to it from the path
/// item: the fixed methods, 3.2's `query` and the entries of its `additionalOperations`.
pub(crate) fn operations_mut(item: &mut Map<String, Value>) -> Vec<(String, &mut Value)> {
    let mut out = Vec::new();
    for (key, value) in item.iter_mut() {
        if METHODS.contains(&key.as_str()) || key == "query" {
            if value.is_object() {
                out.push((crate::pointer::escape_token(key), value));
            }
        } else if key == "additionalOperations"
            && let Value::Object(extra) = value
        {
            for (method, op) in extra.iter_mut() {
                if op.is_object() {
                    let token = format!(
                        "additionalOperations/{}",
                        crate::pointer::escape_token(method)
                    );
                    out.push((token, op));
                }
            }
        }
    }
    out
}

/// `#/a/b~1c` → the value there, for a local reference (a URI fragment, so percent-decoded).
pub(crate) fn local_target<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(doc);
    }
    doc.pointer(&refs::percent_decode(fragment))
}

/// Operations' `callbacks` describe requests the API makes to the caller, which a client does
/// not send; they are removed (the 3.0 model cannot hold a callback given by `$ref`).
fn remove_callbacks(doc: &mut Value, notes: &mut Vec<Note>) {
    for section in PATH_ITEM_SECTIONS {
        let Some(Value::Object(paths)) = doc.get_mut(*section) else {
            continue;
        };
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (token, op) in operations_mut(item) {
                let Some(Value::Object(callbacks)) =
                    op.as_object_mut().and_then(|o| o.remove("callbacks"))
                else {
                    continue;
                };
                let names: Vec<String> = callbacks.keys().map(|k| format!("`{k}`")).collect();
                if names.is_empty() {
                    continue;
                }
                notes.push(Note {
                    pointer: format!(
                        "#/{section}/{}/{token}/callbacks",
                        crate::pointer::escape_token(path)
                    ),
                    message: format!(
                        "callback(s) {} describe requests the API makes to a URL the caller \
                         gives; not generated (their payloads are typed only when they are \
                         also webhooks or components)",
                        names.join(", ")
                    ),
                });
            }
        }
    }
}

fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Parses YAML or JSON text into a JSON value. JSON is read by serde_json (text that starts
/// with `{`), everything else by the YAML reader.
pub fn parse_value(text: &str) -> Result<serde_json::Value, Error> {
    let trimmed = text.trim_start_matches('\u{feff}');
    if is_json(trimmed) {
        serde_json::from_str(trimmed).map_err(|e| {
            Error::single(Diagnostic::new(
                "#",
                format!(
                    "invalid JSON at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ),
                "fix the JSON syntax",
            ))
        })
    } else {
        yaml::to_value(trimmed).map_err(|e| {
            Error::single(Diagnostic::new(
                "#",
                format!(
                    "invalid YAML at line {}, column {}: {}",
                    e.line, e.column, e.message
                ),
                "fix the YAML syntax",
            ))
        })
    }
}

/// The 1-based line and column of the value at `pointer` in the spec's text, when it can be
/// found: exactly for YAML (from the parser's positions), by indentation for JSON. A place
/// that loading made (a path item copied from the target of its `$ref`, a 3.2 operation kept
/// in an `x-oas32-*` extension) is found where it is written.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    locate_all(text, &[pointer.to_owned()]).remove(pointer)
}

/// Like [`locate`] for many pointers at once (one pass over the text for YAML).
pub fn locate_all(
    text: &str,
    pointers: &[String],
) -> std::collections::HashMap<String, (usize, usize)> {
    let mut found = locate_exact(text, pointers);
    let missing: Vec<&String> = pointers
        .iter()
        .filter(|p| !found.contains_key(*p))
        .collect();
    if missing.is_empty() {
        return found;
    }
    let Ok(doc) = parse_value(text) else {
        return found;
    };
    let written: Vec<(String, String)> = missing
        .into_iter()
        .filter_map(|p| written_at(&doc, p).map(|w| (p.clone(), w)))
        .collect();
    let targets: Vec<String> = written.iter().map(|(_, w)| w.clone()).collect();
    let positions = locate_exact(text, &targets);
    for (pointer, at) in written {
        if let Some(position) = positions.get(&at) {
            found.insert(pointer, *position);
        }
    }
    found
}

fn locate_exact(
    text: &str,
    pointers: &[String],
) -> std::collections::HashMap<String, (usize, usize)> {
    if is_json(text) {
        pointers
            .iter()
            .filter_map(|p| crate::locate::locate(text, p).map(|at| (p.clone(), at)))
            .collect()
    } else {
        yaml::positions(text, pointers)
    }
}

/// Where the text writes what loading put at `pointer`: through `$ref`s (a path item copied
/// from its target) and the `x-oas32-*` extensions (named after the field they hold).
fn written_at(doc: &Value, pointer: &str) -> Option<String> {
    let mut node = doc;
    let mut at = String::from("#");
    let mut hops = 0;
    for token in crate::pointer::tokens(pointer) {
        let token = match token.as_str() {
            "x-oas32-query" => "query".to_owned(),
            "x-oas32-additional-operations" => "additionalOperations".to_owned(),
            "x-oas32-item-schema" => "itemSchema".to_owned(),
            _ => token,
        };
        loop {
            let next = match node {
                Value::Object(map) => map.get(&token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            if let Some(next) = next {
                node = next;
                at.push('/');
                at.push_str(&crate::pointer::escape_token(&token));
                break;
            }
            let reference = node.get("$ref").and_then(Value::as_str)?;
            hops += 1;
            if hops > 16 || !reference.starts_with('#') {
                return None;
            }
            node = local_target(doc, reference)?;
            at = format!("#{}", refs::percent_decode(&reference[1..]));
        }
    }
    (at != pointer).then_some(at)
}

fn check_version(value: &serde_json::Value) -> Result<(String, Minor), Error> {
    if !value.is_object() {
        return Err(Error::single(Diagnostic::new(
            "#",
            "the document is not a mapping of OpenAPI fields",
            "start the document with `openapi: 3.0.3` (or 3.1.1, 3.2.0), `info` and `paths`",
        )));
    }
    let minor = |v: &str| {
        let mut parts = v.trim().split('.');
        match (parts.next(), parts.next()) {
            (Some("3"), Some("0")) => Some(Minor::V30),
            (Some("3"), Some("1")) => Some(Minor::V31),
            (Some("3"), Some("2")) => Some(Minor::V32),
            _ => None,
        }
    };
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) => match minor(v) {
            Some(m) => Ok((v.to_owned(), m)),
            None => Err(Error::single(Diagnostic::new(
                "#/openapi",
                format!("OpenAPI version `{v}` is not supported"),
                "use an OpenAPI 3.0.x, 3.1.x or 3.2.x document",
            ))),
        },
        None if value.get("swagger").is_some() => Err(Error::single(Diagnostic::new(
            "#/swagger",
            "Swagger 2.0 documents are not supported",
            "convert the document to OpenAPI 3 first (for example with `npx swagger2openapi`)",
        ))),
        None => Err(Error::single(Diagnostic::new(
            "#/openapi",
            "the document has no `openapi` version string",
            "add `openapi: 3.0.3` at the top level",
        ))),
    }
}

/// `security` (of the document and of each operation) is a list of requirements; one written
/// as a map is refused here, where it is written (the 3.0 model's own error would only name
/// `#/paths`).
fn check_security_lists(doc: &Value) -> Result<(), Error> {
    let mut places = Vec::new();
    if doc.get("security").is_some_and(|s| !s.is_array()) {
        places.push("#/security".to_owned());
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item {
                if METHODS.contains(&method.as_str())
                    && op.get("security").is_some_and(|s| !s.is_array())
                {
                    places.push(format!(
                        "#/paths/{}/{method}/security",
                        crate::pointer::escape_token(path)
                    ));
                }
            }
        }
    }
    if places.is_empty() {
        return Ok(());
    }
    Err(Error::from_diagnostics(
        places
            .iter()
            .map(|at| {
                Diagnostic::new(
                    at,
                    "`security` is written as a map; it is a list of security requirements",
                    "write each requirement as a list item (`- apiKey: []`)",
                )
            })
            .collect(),
    ))
}

/// Deserializes into `openapiv3`'s model; a mismatch names the place (as far as serde can
/// follow it: untagged and flattened types hide the last steps).
fn deserialize(value: serde_json::Value) -> Result<OpenAPI, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = String::from("#");
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                }
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&crate::pointer::escape_token(key));
                }
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => break,
            }
        }
        Error::single(Diagnostic::new(
            &pointer,
            format!("not a valid OpenAPI document here: {}", e.inner()),
            "fix this part of the document so that it follows the OpenAPI schema",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_made_by_loading_are_found_where_they_are_written() {
        let text = "\
openapi: 3.2.0
info: {title: t, version: '1'}
paths:
  /pets:
    $ref: '#/components/pathItems/Pets'
  /search:
    query:
      responses: {}
components:
  pathItems:
    Pets:
      get:
        responses: {}
";
        let found = locate_all(
            text,
            &[
                "#/paths/~1pets/get/responses".to_owned(),
                "#/paths/~1search/x-oas32-query/responses".to_owned(),
                "#/paths/~1nowhere".to_owned(),
            ],
        );
        assert_eq!(found.get("#/paths/~1pets/get/responses"), Some(&(13, 9)));
        assert_eq!(
            found.get("#/paths/~1search/x-oas32-query/responses"),
            Some(&(8, 7))
        );
        assert_eq!(found.get("#/paths/~1nowhere"), None);
        let json = serde_json::to_string_pretty(&parse_value(text).unwrap()).unwrap();
        assert!(locate(&json, "#/paths/~1pets/get/responses").is_some());
    }

    #[test]
    fn versions() {
        for (text, minor) in [
            ("openapi: 3.0.3", Minor::V30),
            ("openapi: 3.1.1", Minor::V31),
            ("openapi: 3.2.0", Minor::V32),
        ] {
            assert_eq!(check_version(&parse_value(text).unwrap()).unwrap().1, minor);
        }
        for text in ["openapi: 3.3.0", "openapi: 4.0.0", "openapi: '3'"] {
            assert!(
                check_version(&parse_value(text).unwrap()).is_err(),
                "{text}"
            );
        }
    }
}
