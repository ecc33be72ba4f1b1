//! OpenAPI 3.2 → the 3.0 model. 3.2's schemas are 3.1's (`v31` rewrote them already); this
//! module handles what 3.2 adds to the other objects.
//!
//! What changes what a client sends or receives, and that the 3.0 model cannot hold, is kept
//! in an extension of the object that held it, for lowering to read (with a note where
//! lowering does not generate it yet). The extensions, exactly:
//!
//! | on | extension | value |
//! |---|---|---|
//! | Path Item | `x-oas32-query` | the path item's `query` operation (HTTP `QUERY`): an Operation Object in the 3.0 form (schemas rewritten by `v31`, `responses` present, `$ref`s pointing at `#/components/…`, no `callbacks`) |
//! | Path Item | `x-oas32-additional-operations` | the path item's `additionalOperations` as written: an object whose keys are the HTTP methods exactly as they are to be sent (`COPY`, `PURGE`) and whose values are Operation Objects in the same 3.0 form |
//! | Operation (also those inside the two above) | `x-oas32-querystring` | the operation's `in: querystring` Parameter Object (its own, else its path item's): `{name, in: "querystring", required?, description?, deprecated?, content: {<one media type>: Media Type Object}}`, a copy when it was a `$ref` to `#/components/parameters/…`, with `x-oas32-at`: the JSON pointer where it is written; it is no longer in `parameters` |
//! | Media Type | `x-oas32-item-schema` | `itemSchema`: the Schema of each item of a sequential media type (`text/event-stream`, `application/jsonl`, `application/x-ndjson`, `application/json-seq`, `multipart/mixed`), in the 3.0 form; lowering reads those of responses (`lower::sequences`), others are noted |
//! | Tag | `x-oas32-parent` | `parent`: the name of the tag this tag is nested under |
//! | Parameter (`in: cookie`) | `x-oas32-style` | `"cookie"` where `style: cookie` was written; `style` itself is removed, so the 3.0 model reads `form` |
//!
//! `in: querystring` parameters under `#/components/parameters` are removed once copied into
//! the operations that use them.
//!
//! Noted and otherwise left to the 3.0 model, which ignores them: `$self` (used by `ids` to
//! resolve references), tags' `kind` and `summary`, a discriminator's `defaultMapping`, media
//! types' `prefixEncoding` and `itemEncoding`. Read without a note: an Example Object's
//! `dataValue` (its `value` when it has none), a Response Object without `description` (given
//! an empty one), a Media Type Object given by `$ref` (`path_items` copies it).

use super::operations_mut;
use crate::error::Note;
use crate::pointer::escape_token;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(crate) fn lower(doc: &mut Value, notes: &mut Vec<Note>) {
    let querystring = querystring_components(doc);
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let mut cx = Cx {
        notes,
        querystring,
        in_response: false,
    };
    if let Some(Value::String(uri)) = root.remove("$self") {
        cx.note(
            "#/$self",
            format!(
                "`$self` (`{uri}`) is this document's URI: references that start with it are \
                 read as references into this document"
            ),
        );
    }
    if let Some(Value::Array(tags)) = root.get_mut("tags") {
        for (i, tag) in tags.iter_mut().enumerate() {
            if let Value::Object(tag) = tag {
                cx.tag(tag, &format!("#/tags/{i}"));
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if let Value::Object(item) = item {
                cx.path_item(path, item);
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        cx.components(components);
    }
    // Discriminators anywhere (in schemas, at any depth).
    let mut found = Vec::new();
    default_mappings(doc, "#", &mut found);
    for at in found {
        cx.note(
            &at,
            "`defaultMapping` of this discriminator is not used: a payload whose tag no \
             variant names is decoded by trying the variants",
        );
    }
}

/// The `data` of a server-sent event is text; an `itemSchema` that says it is JSON
/// (`contentMediaType: application/json` and a `contentSchema`) describes the decoded data
/// with the `contentSchema`, which becomes the property's schema here (before `v31` removes
/// `contentSchema`), so that each event's data is decoded into its type.
pub(crate) fn event_data_schemas(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(content)) = map.get_mut("content") {
                for (media, media_type) in content.iter_mut() {
                    let essence = media.split(';').next().unwrap_or("").trim();
                    if !essence.eq_ignore_ascii_case("text/event-stream") {
                        continue;
                    }
                    let Some(Value::Object(data)) =
                        media_type.pointer_mut("/itemSchema/properties/data")
                    else {
                        continue;
                    };
                    let json = data
                        .get("contentMediaType")
                        .and_then(Value::as_str)
                        .map(|m| {
                            m.split(';')
                                .next()
                                .unwrap_or("")
                                .trim()
                                .to_ascii_lowercase()
                        })
                        .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
                    if json && let Some(schema) = data.remove("contentSchema") {
                        let description = data.remove("description");
                        let mut schema = schema;
                        if let (Value::Object(s), Some(d)) = (&mut schema, description) {
                            s.entry("description").or_insert(d);
                        }
                        *data = match schema {
                            Value::Object(s) => s,
                            other => {
                                let mut m = Map::new();
                                m.insert("allOf".into(), Value::Array(vec![other]));
                                m
                            }
                        };
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if !matches!(key.as_str(), "example" | "examples" | "default" | "enum") {
                    event_data_schemas(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(event_data_schemas),
        _ => {}
    }
}

struct Cx<'a> {
    notes: &'a mut Vec<Note>,
    /// The `in: querystring` parameters of `#/components/parameters`, by their reference.
    querystring: BTreeMap<String, Value>,
    /// Whether the media types being read are a response's.
    in_response: bool,
}

/// `#/components/parameters/<name>` → the parameter, for each `in: querystring` one
/// (following chains of references among components).
fn querystring_components(doc: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(Value::Object(params)) = doc.pointer("/components/parameters") else {
        return out;
    };
    for name in params.keys() {
        let reference = format!("#/components/parameters/{}", escape_token(name));
        let mut target = params.get(name);
        for _ in 0..8 {
            match target.and_then(|t| t.get("$ref")).and_then(Value::as_str) {
                Some(next) => target = super::local_target(doc, next),
                None => break,
            }
        }
        if let Some(param) = target
            && param.get("in").and_then(Value::as_str) == Some("querystring")
        {
            out.insert(reference, param.clone());
        }
    }
    out
}

fn default_mappings(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(d)) = map.get("discriminator")
                && d.contains_key("defaultMapping")
            {
                found.push(format!("{at}/discriminator"));
            }
            for (key, child) in map {
                if !matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "value"
                ) {
                    default_mappings(child, &format!("{at}/{}", escape_token(key)), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                default_mappings(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

impl Cx<'_> {
    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }

    fn tag(&mut self, tag: &mut Map<String, Value>, at: &str) {
        let name = tag
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(parent) = tag.remove("parent") {
            self.note(
                at,
                format!(
                    "tag `{name}` is nested under `{}`: when the crate is split into cargo \
                     features, its operations are in the feature of its outermost parent",
                    parent.as_str().unwrap_or_default()
                ),
            );
            tag.insert("x-oas32-parent".into(), parent);
        }
        let unused: Vec<&str> = ["kind", "summary"]
            .into_iter()
            .filter(|k| tag.contains_key(*k))
            .collect();
        if !unused.is_empty() {
            let list: Vec<String> = unused.iter().map(|k| format!("`{k}`")).collect();
            let verb = if list.len() == 1 { "is" } else { "are" };
            self.note(
                at,
                format!("{} of tag `{name}` {verb} not used", list.join(" and ")),
            );
        }
    }

    fn path_item(&mut self, path: &str, item: &mut Map<String, Value>) {
        let at = format!("#/paths/{}", escape_token(path));
        // A path item's querystring parameter applies to each operation without its own.
        let shared = self.take_querystring(item, &at);
        self.parameters(item.get_mut("parameters"), &format!("{at}/parameters"));
        for (token, op) in operations_mut(item) {
            let Value::Object(op) = op else { continue };
            let op_at = format!("{at}/{token}");
            let own = self.take_querystring(op, &op_at);
            // Lowering (`lower::querystring`) reads it, and reports problems where it is
            // written (`x-oas32-at`).
            if let Some((mut param, from)) = own.or_else(|| shared.clone()) {
                if let Value::Object(map) = &mut param {
                    map.insert("x-oas32-at".into(), Value::String(from));
                }
                op.insert("x-oas32-querystring".into(), param);
            }
            self.operation(op, &op_at);
        }
        // Lowering reads these two (`lower::operations::ExtraOperations`) and generates them
        // like the fixed methods' operations.
        if let Some(query) = item.remove("query") {
            item.insert("x-oas32-query".into(), query);
        }
        if let Some(extra) = item.remove("additionalOperations") {
            item.insert("x-oas32-additional-operations".into(), extra);
        }
    }

    /// Removes the `in: querystring` parameter from `owner.parameters`, returning it (a copy
    /// when it was a reference) and where it was written.
    fn take_querystring(
        &mut self,
        owner: &mut Map<String, Value>,
        at: &str,
    ) -> Option<(Value, String)> {
        let Some(Value::Array(params)) = owner.get_mut("parameters") else {
            return None;
        };
        let index = params.iter().position(|p| {
            p.get("in").and_then(Value::as_str) == Some("querystring")
                || p.get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| self.querystring.contains_key(r))
        })?;
        let param = params.remove(index);
        let param = match param.get("$ref").and_then(Value::as_str) {
            Some(r) => self.querystring.get(r).cloned().unwrap_or(param),
            None => param,
        };
        // Any other `querystring` parameter is invalid (one per operation); drop it too.
        params.retain(|p| p.get("in").and_then(Value::as_str) != Some("querystring"));
        Some((param, format!("{at}/parameters/{index}")))
    }

    fn operation(&mut self, op: &mut Map<String, Value>, at: &str) {
        self.parameters(op.get_mut("parameters"), &format!("{at}/parameters"));
        if let Some(param) = op.get_mut("x-oas32-querystring") {
            self.content_of(param, &format!("{at}/parameters"));
        }
        if let Some(body) = op.get_mut("requestBody") {
            self.content_of(body, &format!("{at}/requestBody"));
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (code, response) in responses.iter_mut() {
                self.response(response, &format!("{at}/responses/{}", escape_token(code)));
            }
        }
    }

    fn parameters(&mut self, list: Option<&mut Value>, at: &str) {
        if let Some(Value::Array(list)) = list {
            for (i, param) in list.iter_mut().enumerate() {
                self.parameter(param, &format!("{at}/{i}"));
            }
        }
    }

    fn parameter(&mut self, param: &mut Value, at: &str) {
        let Value::Object(map) = param else { return };
        if map.get("in").and_then(Value::as_str) == Some("cookie")
            && map.get("style").and_then(Value::as_str) == Some("cookie")
        {
            let name = map
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            map.remove("style");
            map.insert("x-oas32-style".into(), Value::String("cookie".into()));
            self.note(
                at,
                format!(
                    "cookie parameter `{name}` has `style: cookie`, which is sent as `style: form` \
                     (kept as `x-oas32-style`)"
                ),
            );
        }
        examples(map);
        self.content_of(param, at);
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        let Value::Object(map) = response else { return };
        if map.contains_key("$ref") {
            return;
        }
        if !map.contains_key("description") {
            map.insert("description".into(), Value::String(String::new()));
        }
        if let Some(Value::Object(headers)) = map.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                if let Value::Object(h) = header {
                    examples(h);
                }
                self.content_of(header, &format!("{at}/headers/{}", escape_token(name)));
            }
        }
        self.in_response = true;
        self.content_of(response, at);
        self.in_response = false;
    }

    /// The media types of `owner.content`.
    fn content_of(&mut self, owner: &mut Value, at: &str) {
        let Some(Value::Object(content)) = owner.get_mut("content") else {
            return;
        };
        for (media, media_type) in content.iter_mut() {
            let Value::Object(media_type) = media_type else {
                continue;
            };
            let media_at = format!("{at}/content/{}", escape_token(media));
            if let Some(item) = media_type.remove("itemSchema") {
                // Lowering reads the items of these responses as a stream of them.
                let essence = media
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                let read = self.in_response
                    && matches!(
                        essence.as_str(),
                        "text/event-stream"
                            | "application/jsonl"
                            | "application/x-ndjson"
                            | "application/x-jsonlines"
                            | "application/json-seq"
                    );
                if !read {
                    let place = if self.in_response {
                        "of this media type"
                    } else {
                        "outside a response"
                    };
                    self.note(
                        &format!("{media_at}/itemSchema"),
                        format!(
                            "the items of `{media}` are not typed: an `itemSchema` {place} is \
                             not read (kept as `x-oas32-item-schema`)"
                        ),
                    );
                }
                media_type.insert("x-oas32-item-schema".into(), item);
            }
            for key in ["prefixEncoding", "itemEncoding"] {
                if media_type.contains_key(key) {
                    self.note(
                        &format!("{media_at}/{key}"),
                        format!("`{key}` of `{media}` is not used"),
                    );
                }
            }
            examples(media_type);
        }
    }

    fn components(&mut self, components: &mut Map<String, Value>) {
        if let Some(Value::Object(params)) = components.get_mut("parameters") {
            let querystring: Vec<String> = params
                .iter()
                .filter(|(name, _)| {
                    self.querystring
                        .contains_key(&format!("#/components/parameters/{}", escape_token(name)))
                })
                .map(|(name, _)| name.clone())
                .collect();
            for name in querystring {
                params.remove(&name);
            }
            for (name, param) in params.iter_mut() {
                self.parameter(
                    param,
                    &format!("#/components/parameters/{}", escape_token(name)),
                );
            }
        }
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            for (name, response) in responses.iter_mut() {
                self.response(
                    response,
                    &format!("#/components/responses/{}", escape_token(name)),
                );
            }
        }
        if let Some(Value::Object(bodies)) = components.get_mut("requestBodies") {
            for (name, body) in bodies.iter_mut() {
                self.content_of(
                    body,
                    &format!("#/components/requestBodies/{}", escape_token(name)),
                );
            }
        }
        if let Some(Value::Object(headers)) = components.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                if let Value::Object(h) = header {
                    examples(h);
                }
                self.content_of(
                    header,
                    &format!("#/components/headers/{}", escape_token(name)),
                );
            }
        }
        if let Some(Value::Object(all)) = components.get_mut("examples") {
            for example in all.values_mut() {
                if let Value::Object(example) = example {
                    data_value(example);
                }
            }
        }
    }
}

/// An Example Object's `dataValue` is its data: the `value` that 3.0 reads.
fn data_value(example: &mut Map<String, Value>) {
    if !example.contains_key("value")
        && let Some(data) = example.get("dataValue").cloned()
    {
        example.insert("value".into(), data);
    }
}

/// The Example Objects of a parameter, header or media type.
fn examples(owner: &mut Map<String, Value>) {
    if let Some(Value::Object(all)) = owner.get_mut("examples") {
        for example in all.values_mut() {
            if let Value::Object(example) = example {
                data_value(example);
            }
        }
    }
}
