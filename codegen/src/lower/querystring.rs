//! OpenAPI 3.2's `in: querystring` parameter → a parameter that is the whole query string,
//! written by its one media type:
//!
//! - `application/x-www-form-urlencoded`: an object's fields as `name=value` pairs (lists
//!   as repeated pairs, nested objects in brackets), as a form body is written;
//! - JSON (`application/json`, `…+json`): the value's JSON text, percent-encoded;
//! - any other media type whose schema is a string (`application/jsonpath`, `text/plain`):
//!   the string, percent-encoded.
//!
//! Anything else cannot be written and is refused where the parameter is written. Loading
//! keeps the parameter as the operation's `x-oas32-querystring` extension (`load::v32`),
//! with `x-oas32-at`, the place it is written; it is read once, before lowering, like the
//! other 3.2 extensions.

use super::Cx;
use super::media::essence;
use super::operations::ExtraOperations;
use super::schemas::non_null;
use crate::error::Diagnostic;
use crate::ir::{Param, ParamLocation, ParamStyle, TypeKind, TypeRef};
use crate::names;
use crate::pointer::Pointer;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;
use std::collections::HashMap;

const EXTENSION: &str = "x-oas32-querystring";

/// A querystring parameter as read from its extension.
struct QueryString {
    name: String,
    required: bool,
    description: Option<String>,
    deprecated: bool,
    /// Where it is written.
    at: String,
    /// Its media type as written, and the schema (if any).
    content: Option<(String, Option<ReferenceOr<Schema>>)>,
    /// Why its schema could not be read.
    invalid: Option<String>,
}

/// The querystring parameters of the operations, by the address of their extension value.
#[derive(Default)]
pub(super) struct QueryStrings {
    by_address: HashMap<usize, QueryString>,
}

fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

impl QueryStrings {
    pub(super) fn read(spec: &openapiv3::OpenAPI, extras: &ExtraOperations) -> Self {
        let mut out = QueryStrings::default();
        let mut operations: Vec<&openapiv3::Operation> = extras.operations().collect();
        for item in spec.paths.paths.values() {
            if let ReferenceOr::Item(item) = item {
                operations.extend(item.iter().map(|(_, op)| op));
            }
        }
        for op in operations {
            if let Some(value) = op.extensions.get(EXTENSION) {
                out.by_address.insert(address(value), read_one(value));
            }
        }
        out
    }
}

fn read_one(value: &Value) -> QueryString {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut invalid = None;
    let content = value
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().next())
        .map(|(media, media_type)| {
            let schema = media_type.get("schema").and_then(|s| {
                serde_json::from_value(s.clone())
                    .map_err(|e| invalid = Some(e.to_string()))
                    .ok()
            });
            (media.clone(), schema)
        });
    QueryString {
        name: text("name").unwrap_or_default(),
        required: value.get("required").and_then(Value::as_bool) == Some(true),
        description: text("description"),
        deprecated: value.get("deprecated").and_then(Value::as_bool) == Some(true),
        at: text("x-oas32-at").unwrap_or_else(|| "#".to_owned()),
        content,
        invalid,
    }
}

impl<'a> Cx<'a> {
    /// The operation's querystring parameter, if it has one.
    pub(super) fn lower_querystring(
        &mut self,
        op: &'a openapiv3::Operation,
        builder: &str,
        scope: &mut names::Scope,
    ) -> Option<Param> {
        let value = op.extensions.get(EXTENSION)?;
        let table: &'a QueryStrings = self.querystrings;
        let q = table.by_address.get(&address(value))?;
        let at = Pointer::from_written(&q.at);
        if let Some(e) = &q.invalid {
            self.error(Diagnostic::new(
                at.as_str(),
                format!(
                    "the schema of querystring parameter `{}` is not valid: {e}",
                    q.name
                ),
                "fix the schema so that it follows the OpenAPI schema",
            ));
            return None;
        }
        let Some((media, schema)) = &q.content else {
            self.error(Diagnostic::new(
                at.as_str(),
                format!("querystring parameter `{}` has no media type", q.name),
                "describe it with `content` and one media type, such as \
                 `application/x-www-form-urlencoded`",
            ));
            return None;
        };
        let schema_at = at.join("content").join(media).join("schema");
        let hint = names::join_type_names(builder, &names::type_name(&q.name));
        let ty = match schema {
            Some(schema) => self.type_of(schema, &hint, &schema_at),
            None => TypeRef::Json,
        };
        let ty = non_null(&ty).clone();
        let essence = essence(media);
        let style = if essence == "application/x-www-form-urlencoded" {
            self.is_form_object(&ty).then_some(ParamStyle::FormObject)
        } else if essence == "application/json" || essence.ends_with("+json") {
            Some(ParamStyle::Json)
        } else {
            (ty == TypeRef::String).then_some(ParamStyle::Text)
        };
        let Some(style) = style else {
            self.error(Diagnostic::new(
                at.as_str(),
                format!(
                    "querystring parameter `{}` is described by `{media}` with a schema the \
                     client cannot write as a query string",
                    q.name
                ),
                "use `application/x-www-form-urlencoded` with an object schema, JSON, or a \
                 string schema",
            ));
            return None;
        };
        let mut doc = q.description.clone().unwrap_or_default();
        if q.deprecated {
            doc.push_str("\n\nDeprecated.");
        }
        let wire = if q.name.trim().is_empty() {
            "query"
        } else {
            q.name.as_str()
        };
        let name = self.param_name(wire, q.required, scope, &at, builder);
        Some(Param {
            name,
            wire_name: q.name.clone(),
            location: ParamLocation::QueryString,
            ty,
            required: q.required,
            doc: (!doc.trim().is_empty()).then(|| doc.trim().to_owned()),
            style,
        })
    }

    /// Whether the type is an object whose fields can be written as form pairs (a struct or
    /// a map).
    fn is_form_object(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Map(_) | TypeRef::Json => true,
            TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Struct(_)) => true,
                Some(TypeKind::Alias(inner) | TypeKind::Newtype(inner)) => {
                    self.is_form_object(non_null(inner))
                }
                _ => false,
            },
            _ => false,
        }
    }
}
