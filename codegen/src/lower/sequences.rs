//! Sequential media types with an `itemSchema` (OpenAPI 3.2) → responses read item by item:
//! server-sent events (`text/event-stream`), JSON Lines (`application/jsonl`,
//! `application/x-ndjson`) and JSON text sequences (`application/json-seq`).
//!
//! Loading keeps each `itemSchema` as the `x-oas32-item-schema` extension of its media type
//! (`load::v32`). They are read into schemas once, before lowering, and looked up by the
//! extension value's address, so that they live as long as the spec they came from.

use super::Cx;
use super::media::essence;
use super::operations::ExtraOperations;
use crate::ir::{Framing, ResponseKind, TypeKind, TypeRef};
use crate::pointer::Pointer;
use openapiv3::{MediaType, ReferenceOr, Schema};
use serde_json::Value;
use std::collections::HashMap;

const EXTENSION: &str = "x-oas32-item-schema";

/// The item schemas of the responses' media types, by the address of their extension value.
#[derive(Default)]
pub(super) struct ItemSchemas {
    by_address: HashMap<usize, Result<ReferenceOr<Schema>, String>>,
}

fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

impl ItemSchemas {
    /// Reads the item schemas of every response (of the paths' operations, the 3.2
    /// operations in `extras`, and `components/responses`).
    pub(super) fn read(spec: &openapiv3::OpenAPI, extras: &ExtraOperations) -> Self {
        let mut out = ItemSchemas::default();
        let mut add_response = |response: &openapiv3::Response| {
            for media_type in response.content.values() {
                if let Some(value) = media_type.extensions.get(EXTENSION) {
                    let schema = serde_json::from_value(value.clone()).map_err(|e| e.to_string());
                    out.by_address.insert(address(value), schema);
                }
            }
        };
        let mut operations: Vec<&openapiv3::Operation> = extras.operations().collect();
        for item in spec.paths.paths.values() {
            if let ReferenceOr::Item(item) = item {
                operations.extend(item.iter().map(|(_, op)| op));
            }
        }
        for op in operations {
            for response in op.responses.responses.values().chain(&op.responses.default) {
                if let ReferenceOr::Item(response) = response {
                    add_response(response);
                }
            }
        }
        for response in spec.components.iter().flat_map(|c| c.responses.values()) {
            if let ReferenceOr::Item(response) = response {
                add_response(response);
            }
        }
        out
    }
}

/// How a sequential media type splits into items, when it is one the runtime reads.
fn framing_of(media: &str) -> Option<Framing> {
    match media {
        "text/event-stream" => Some(Framing::EventData),
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" => {
            Some(Framing::JsonLines)
        }
        "application/json-seq" => Some(Framing::JsonSeq),
        _ => None,
    }
}

impl<'a> Cx<'a> {
    /// The response read item by item, when `content` has a sequential media type with an
    /// `itemSchema` that the runtime reads.
    pub(super) fn item_response(
        &mut self,
        content: &'a indexmap::IndexMap<String, MediaType>,
        at: &Pointer,
        builder: &str,
    ) -> Option<ResponseKind> {
        let schemas: &'a ItemSchemas = self.item_schemas;
        for (media, media_type) in content {
            let essence = essence(media);
            let Some(framing) = framing_of(&essence) else {
                continue;
            };
            let Some(value) = media_type.extensions.get(EXTENSION) else {
                continue;
            };
            let at = at.join("content").join(media).join("itemSchema");
            let schema = match schemas.by_address.get(&address(value)) {
                Some(Ok(schema)) => schema,
                Some(Err(e)) => {
                    self.error(crate::error::Diagnostic::new(
                        at.as_str(),
                        format!("`itemSchema` is not a valid schema: {e}"),
                        "fix the schema so that it follows the OpenAPI schema",
                    ));
                    return None;
                }
                None => continue,
            };
            let item = self.type_of(schema, &format!("{builder}Item"), &at);
            let framing = match framing {
                Framing::EventData => self.event_framing(&item),
                other => other,
            };
            return Some(ResponseKind::Items {
                framing,
                item,
                media: essence,
            });
        }
        None
    }

    /// An event stream's items: the events themselves when the item type is an object with
    /// a `data` property (its `data` decoded from JSON unless it is a string), else each
    /// event's data.
    fn event_framing(&self, item: &TypeRef) -> Framing {
        let TypeRef::Named(id) = super::schemas::non_null(item) else {
            return Framing::EventData;
        };
        let Some(def) = self.def(*id) else {
            return Framing::EventData;
        };
        let TypeKind::Struct(s) = &def.kind else {
            return Framing::EventData;
        };
        let Some(data) = s.fields.iter().find(|f| f.wire_name == "data") else {
            return Framing::EventData;
        };
        let text = match super::schemas::non_null(&data.ty) {
            TypeRef::String => true,
            TypeRef::Named(id) => matches!(
                self.def(*id).map(|d| &d.kind),
                Some(TypeKind::StringEnum { .. })
            ),
            _ => false,
        };
        Framing::Events { data_json: !text }
    }
}
