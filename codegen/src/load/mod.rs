//! Spec text (YAML or JSON, OpenAPI 3.0 or 3.1) → `openapiv3::OpenAPI`, with errors that
//! say where.

mod refs;
mod v31;
pub mod yaml;

use crate::error::{Diagnostic, Error, Note};
use openapiv3::OpenAPI;

/// A parsed spec and what loading it changed (3.1 constructs lowered or ignored).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec in the 3.0 model.
    pub spec: OpenAPI,
    /// The `openapi` version the document declared.
    pub version: String,
    /// What was ignored or rewritten on the way.
    pub notes: Vec<Note>,
}

/// Parses an OpenAPI 3.0 or 3.1 document from YAML or JSON text.
pub fn load_spec(text: &str) -> Result<Loaded, Error> {
    let mut value = parse_value(text)?;
    let version = check_version(&value)?;
    let mut notes = Vec::new();
    if version.starts_with("3.1") {
        v31::lower(&mut value, &mut notes);
    }
    refs::hoist_schema_refs(&mut value, &mut notes);
    let spec = deserialize(value)?;
    Ok(Loaded {
        spec,
        version,
        notes,
    })
}

/// Parses an OpenAPI 3.0 or 3.1 document from YAML or JSON text.
pub fn parse_spec(text: &str) -> Result<OpenAPI, Error> {
    load_spec(text).map(|l| l.spec)
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
/// found: exactly for YAML (from the parser's positions), by indentation for JSON.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    if is_json(text) {
        crate::locate::locate(text, pointer)
    } else {
        yaml::positions(text, &[pointer.to_owned()]).remove(pointer)
    }
}

/// Like [`locate`] for many pointers at once (one pass over the text for YAML).
pub fn locate_all(
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

fn check_version(value: &serde_json::Value) -> Result<String, Error> {
    if !value.is_object() {
        return Err(Error::single(Diagnostic::new(
            "#",
            "the document is not a mapping of OpenAPI fields",
            "start the document with `openapi: 3.0.3` (or 3.1.0), `info` and `paths`",
        )));
    }
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(v.to_owned()),
        Some(v) => Err(Error::single(Diagnostic::new(
            "#/openapi",
            format!("OpenAPI version `{v}` is not supported"),
            "use an OpenAPI 3.0.x or 3.1.x document",
        ))),
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
