//! Responses → the success response of an operation: which statuses count, and how each
//! body is read.

use super::Cx;
use super::media::{essence, json_media};
use crate::ir::{Response, ResponseKind, StatusVariant, TypeKind, TypeRef, UnionVariant};
use crate::names;
use crate::pointer::Pointer;
use openapiv3::{ReferenceOr, StatusCode};

impl<'a> Cx<'a> {
    /// The success response: the `2XX` codes that the spec lists. One, or several with the
    /// same body, decode as that body; several with different bodies become an enum.
    pub(super) fn lower_response(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &Pointer,
        builder: &str,
    ) -> Response {
        let mut success: Vec<(&'a StatusCode, &'a ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            })
            .collect();
        success.sort_by_key(|(code, _)| match code {
            StatusCode::Code(c) => *c,
            StatusCode::Range(_) => 299,
        });
        if success.is_empty()
            && let Some(default) = &op.responses.default
        {
            // Only `default`: it describes every status, successes included.
            let at = pointer.join("responses").join("default");
            if let Some((response, at)) = self.resolve(default, &at) {
                let (kind, also_stream) = self.response_kind(response, &at, builder);
                self.note(
                    &pointer.join("responses"),
                    format!(
                        "`{builder}` lists no 2XX response, only `default`; a success is decoded \
                         as the `default` body"
                    ),
                );
                return Response {
                    status: "default".into(),
                    kind,
                    doc: super::shapes::doc_text(Some(&response.description)),
                    also_stream,
                };
            }
        }
        let redirects = op.responses.responses.keys().any(|code| match code {
            StatusCode::Code(c) => (300..400).contains(c),
            StatusCode::Range(r) => *r == 3,
        });
        if success.is_empty() && redirects {
            // A download that answers with a redirect: the HTTP client follows it, and the
            // body at the end is what the caller wants.
            self.note(
                &pointer.join("responses"),
                format!(
                    "`{builder}` lists only redirects; the redirect is followed and the final \
                     body is returned as bytes"
                ),
            );
            return Response {
                status: "3XX".into(),
                kind: ResponseKind::Bytes,
                doc: None,
                also_stream: false,
            };
        }
        if op.responses.responses.is_empty() && op.responses.default.is_none() {
            // No responses at all (3.1 makes them optional): nothing says what comes back,
            // so the caller gets it as it came.
            self.note(
                &pointer.join("responses"),
                format!(
                    "`{builder}` describes no responses; a success is returned as its raw body \
                     (bytes; `send_with_meta` adds the status and headers)"
                ),
            );
            return Response {
                status: "2XX".into(),
                kind: ResponseKind::Bytes,
                doc: None,
                also_stream: false,
            };
        }
        if success.is_empty() {
            self.note(
                &pointer.join("responses"),
                format!("`{builder}` lists no 2XX response; a success is returned as `()`"),
            );
            return Response {
                status: "2XX".into(),
                kind: ResponseKind::Empty,
                doc: None,
                also_stream: false,
            };
        }
        let mut lowered = Vec::new();
        for (code, response) in &success {
            let at = pointer.join("responses").join(code);
            if let Some((response, at)) = self.resolve(response, &at) {
                let (kind, also_stream) = self.response_kind(response, &at, builder);
                lowered.push((code, response, kind, also_stream));
            }
        }
        let Some((code, first, kind, also_stream)) = lowered.first().cloned() else {
            return Response {
                status: "2XX".into(),
                kind: ResponseKind::Empty,
                doc: None,
                also_stream: false,
            };
        };
        let doc = super::shapes::doc_text(Some(&first.description));
        let all_same = lowered.iter().all(|(_, _, k, _)| *k == kind);
        let all_json_or_empty = lowered
            .iter()
            .all(|(_, _, k, _)| matches!(k, ResponseKind::Json(_) | ResponseKind::Empty));
        if all_same || !all_json_or_empty {
            if !all_same {
                self.note(
                    &pointer.join("responses"),
                    format!("`{builder}` has several 2XX responses of different kinds; it decodes the {code} one"),
                );
            }
            return Response {
                status: code.to_string(),
                kind,
                doc,
                also_stream,
            };
        }
        // Different JSON bodies per status: an enum with a variant per status.
        let mut scope = names::Scope::default();
        let variants: Vec<StatusVariant> = lowered
            .iter()
            .filter_map(|(code, _, kind, _)| {
                let status = match code {
                    StatusCode::Code(c) => *c,
                    StatusCode::Range(_) => return None,
                };
                Some(StatusVariant {
                    name: scope.claim(&status_variant_name(status)),
                    status,
                    ty: match kind {
                        ResponseKind::Json(ty) => Some(ty.clone()),
                        _ => None,
                    },
                })
            })
            .collect();
        let id = self.new_type(&format!("{builder}Response"));
        self.set_type(
            id,
            Some(format!("What `{builder}` returns, by status.")),
            &pointer.join("responses"),
            TypeKind::Responses { variants },
        );
        Response {
            status: code.to_string(),
            kind: ResponseKind::ByStatus(id),
            doc,
            also_stream: false,
        }
    }

    /// The model of the operation's error responses: the JSON schema its 4XX, 5XX and
    /// `default` responses declare (`default` only when it is not the success); when they
    /// declare several, an enum of them ([`Self::error_union`]).
    pub(super) fn lower_error_model(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &Pointer,
        builder: &str,
        success: &Response,
    ) -> Option<TypeRef> {
        let mut errors: Vec<(String, &'a ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .filter(|(code, _)| match code {
                StatusCode::Code(c) => (400..600).contains(c),
                StatusCode::Range(r) => *r == 4 || *r == 5,
            })
            .map(|(code, response)| (code.to_string(), response))
            .collect();
        // In status order (a range after its codes), whatever the document's order.
        errors.sort_by_key(|(code, _)| code.replace('X', "9"));
        if success.status != "default"
            && let Some(default) = &op.responses.default
        {
            errors.push(("default".to_owned(), default));
        }
        // The schemas, each once: a `$ref` by its target, an inline schema by its place.
        // Only the one schema of an operation is lowered, so that a discarded one leaves no
        // type behind.
        let mut schemas: Vec<(String, &'a ReferenceOr<openapiv3::Schema>, Pointer)> = Vec::new();
        for (code, response) in errors {
            let at = pointer.join("responses").join(&code);
            // An error response only types the error: one that cannot be read leaves it
            // untyped, with a note, rather than refusing an operation that sends fine.
            let (response, at) = match super::refs::peek(self.spec, response, &at) {
                Ok(found) => found,
                Err(broken) => {
                    let why = match broken {
                        super::refs::Broken::Cycle(r) => format!("`$ref: {r}` is part of a cycle"),
                        super::refs::Broken::Dangling(r) => {
                            format!("`$ref: {r}` names no response under #/components/responses")
                        }
                    };
                    self.note(
                        &at,
                        format!("{why}; the error body of this status is not typed"),
                    );
                    continue;
                }
            };
            let Some((media, media_type)) = json_media(&response.content) else {
                continue;
            };
            let Some(schema) = &media_type.schema else {
                continue;
            };
            let at = at.join("content").join(media).join("schema");
            let key = match schema {
                ReferenceOr::Reference { reference } => reference.clone(),
                ReferenceOr::Item(_) => at.to_string(),
            };
            if !schemas.iter().any(|(k, _, _)| *k == key) {
                schemas.push((key, schema, at));
            }
        }
        match schemas.as_slice() {
            [] => None,
            [(_, schema, at)] => Some(self.type_of(schema, &format!("{builder}Error"), at)),
            _ => Some(self.error_union(&schemas, pointer, builder)),
        }
    }

    /// The enum of an operation's several error schemas, one variant per schema (tried in
    /// order when decoding); one enum per distinct list of schemas, shared by every
    /// operation that declares the same list.
    fn error_union(
        &mut self,
        schemas: &[(String, &'a ReferenceOr<openapiv3::Schema>, Pointer)],
        pointer: &Pointer,
        builder: &str,
    ) -> TypeRef {
        let key: Vec<String> = schemas.iter().map(|(k, _, _)| k.clone()).collect();
        if let Some(id) = self.error_unions.get(&key) {
            return TypeRef::Named(*id);
        }
        let mut scope = names::Scope::default();
        let mut variants = Vec::new();
        for (i, (_, schema, at)) in schemas.iter().enumerate() {
            let ty = self.type_of(schema, &format!("{builder}Error{}", i + 1), at);
            let base = match &ty {
                TypeRef::Named(id) => self.names[id.0].clone(),
                _ => format!("V{}", i + 1),
            };
            variants.push(UnionVariant {
                name: scope.claim(&base),
                ty,
            });
        }
        let all_named = schemas
            .iter()
            .all(|(_, s, _)| matches!(s, ReferenceOr::Reference { .. }));
        let wanted = if all_named {
            variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join("Or")
        } else {
            format!("{builder}Error")
        };
        let id = self.new_type(&wanted);
        let names: Vec<String> = variants.iter().map(|v| format!("`{}`", v.name)).collect();
        self.set_type(
            id,
            Some(format!(
                "The body of an error response of the operations that declare {}: the first \
                 that decodes.",
                names.join(" or ")
            )),
            &pointer.join("responses"),
            TypeKind::Untagged { variants },
        );
        self.error_unions.insert(key, id);
        TypeRef::Named(id)
    }

    /// How one response's body is read, and whether it can also be streamed.
    fn response_kind(
        &mut self,
        response: &'a openapiv3::Response,
        at: &Pointer,
        builder: &str,
    ) -> (ResponseKind, bool) {
        if response.content.is_empty() {
            return (ResponseKind::Empty, false);
        }
        let stream = response
            .content
            .keys()
            .any(|m| essence(m) == "text/event-stream");
        if let Some((media, media_type)) = json_media(&response.content) {
            let kind = match &media_type.schema {
                Some(schema) => ResponseKind::Json(self.type_of(
                    schema,
                    &format!("{builder}Response"),
                    &at.join("content").join(media).join("schema"),
                )),
                None => ResponseKind::Json(TypeRef::Json),
            };
            for (other, m) in &response.content {
                if m.extensions.contains_key("x-oas32-item-schema") {
                    self.note(
                        &at.join("content").join(other).join("itemSchema"),
                        format!(
                            "the items of `{other}` are not read: the `{media}` body is \
                             decoded instead"
                        ),
                    );
                }
            }
            return (kind, stream);
        }
        if let Some(items) = self.item_response(&response.content, at, builder) {
            return (items, false);
        }
        if stream {
            return (ResponseKind::EventStream, false);
        }
        let media = response
            .content
            .keys()
            .next()
            .map(|m| essence(m))
            .unwrap_or_default();
        if media.starts_with("text/") {
            (ResponseKind::Text, false)
        } else {
            (ResponseKind::Bytes, false)
        }
    }
}

/// The variant name of a status: `200` → `Ok`, `201` → `Created`, others `Status207`.
fn status_variant_name(status: u16) -> String {
    match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritative",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        _ => return format!("Status{status}"),
    }
    .to_owned()
}
