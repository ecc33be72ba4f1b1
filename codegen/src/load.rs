//! Spec text (YAML or JSON) → `openapiv3::OpenAPI`, with errors that say where.

use crate::error::{Diagnostic, Error};
use openapiv3::OpenAPI;

/// Parses an OpenAPI document from YAML or JSON text (JSON is YAML, but the JSON parser
/// gives better positions, so text that starts with `{` is read as JSON).
pub fn parse_spec(text: &str) -> Result<OpenAPI, Error> {
    let value = parse_value(text)?;
    check_version(&value)?;
    serde_json::from_value(value).map_err(|e| {
        Error::single(Diagnostic::new(
            "#",
            format!("the document is not a valid OpenAPI 3.0 description: {e}"),
            "fix the document so that it follows the OpenAPI 3.0 schema",
        ))
    })
}

/// Parses YAML or JSON text into a JSON value.
pub fn parse_value(text: &str) -> Result<serde_json::Value, Error> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
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
        serde_yaml::from_str(trimmed).map_err(|e| {
            // serde_yaml's message already says where.
            Error::single(Diagnostic::new(
                "#",
                format!("invalid YAML: {e}"),
                "fix the YAML syntax",
            ))
        })
    }
}

fn check_version(value: &serde_json::Value) -> Result<(), Error> {
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) => Err(Error::single(Diagnostic::new(
            "#/openapi",
            format!("OpenAPI version `{v}` is not supported"),
            "use an OpenAPI 3.0.x document",
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
