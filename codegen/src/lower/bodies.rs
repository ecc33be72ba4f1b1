//! Request bodies → IR bodies: the media type sent, the body's type, and whether its fields
//! are set one by one on the builder.

use super::Cx;
use super::media::pick_body_media;
use super::schemas::{non_null, struct_of};
use crate::error::Diagnostic;
use crate::ir::{Body, BodyKind, Field, FieldInit, Param, Struct, TypeKind, TypeRef};
use crate::names::{self, Namespace};
use crate::pointer::Pointer;
use openapiv3::{ReferenceOr, RequestBody};

impl<'a> Cx<'a> {
    pub(super) fn lower_body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        pointer: &Pointer,
        builder: &str,
        params: &[Param],
    ) -> Option<Body> {
        let (body, at) = self.resolve(body, pointer)?;
        let Some((media, media_type, kind)) = pick_body_media(&body.content) else {
            self.error(Diagnostic::new(
                at.as_str(),
                "request body lists no media type",
                "add a `content` entry such as `application/json`",
            ));
            return None;
        };
        if body.content.len() > 1 {
            let others: Vec<&str> = body
                .content
                .keys()
                .filter(|k| *k != media)
                .map(String::as_str)
                .collect();
            self.note(
                &at,
                format!("`{builder}` sends its body as `{media}`; also listed: {others:?}"),
            );
        }
        let schema_pointer = at.join("content").join(media).join("schema");
        let ty = match (&kind, &media_type.schema) {
            (BodyKind::Raw(_), _) => TypeRef::Bytes,
            // A body that may be `null` is one the caller can leave out: the builder holds
            // an `Option` either way, so the nullability itself adds nothing.
            (_, Some(schema)) => {
                non_null(&self.type_of(schema, &format!("{builder}Body"), &schema_pointer)).clone()
            }
            (_, None) => TypeRef::Json,
        };
        let mut ty = ty;
        let multipart = matches!(kind, BodyKind::Multipart(_));
        if multipart && ty == TypeRef::File {
            // One binary and no field names (Jira's attachments): send it as one part named
            // `file`, the name such APIs expect, and say so.
            let id = self.new_type(&format!("{builder}Body"));
            let file = Field {
                name: "file".into(),
                wire_name: "file".into(),
                doc: Some("The file, sent as the form part `file`.".into()),
                ty: TypeRef::File,
                required: true,
                optional: false,
                slot: String::new(),
                init: FieldInit::Argument,
            };
            self.set_type(
                id,
                Some(format!("The form `{builder}` sends: one file.")),
                &schema_pointer,
                TypeKind::Struct(struct_of(vec![file], None)),
            );
            self.note(
                &schema_pointer,
                format!(
                    "the multipart body of `{builder}` is one binary with no field name; it is \
                     sent as a form part named `file`"
                ),
            );
            ty = TypeRef::Named(id);
        }
        let fields = match &ty {
            TypeRef::Named(id) => match self.def(*id).map(|t| &t.kind) {
                Some(TypeKind::Struct(Struct {
                    fields,
                    additional: None,
                    ..
                })) => Some(fields),
                _ => None,
            },
            _ => None,
        };
        if multipart && fields.is_none() {
            self.error(Diagnostic::new(
                schema_pointer.as_str(),
                format!("the multipart body of `{builder}` is not an object with properties"),
                "describe the form's fields as the properties of an object schema",
            ));
            return None;
        }
        // A required object body whose fields can all be setters of the builder (none named
        // like a parameter or like the builder's own methods) is set field by field.
        // An optional field is also a setter: a method of the builder.
        let inputs = names::reserved(Namespace::RequestBuilder);
        let methods = names::reserved(Namespace::RequestBuilderMethods);
        let taken = fields.and_then(|fields| {
            fields
                .iter()
                .find(|f| {
                    let name = f.name.as_str();
                    params.iter().any(|p| p.name == f.name)
                        || inputs.contains(&name)
                        || (f.optional && methods.contains(&name))
                })
                .map(|f| f.name.clone())
        });
        let flattened = body.required && fields.is_some() && taken.is_none();
        if body.required
            && let Some(field) = taken
        {
            self.note(
                &schema_pointer,
                format!(
                    "the body of `{builder}` is one argument, not set field by field: its field \
                     `{field}` would clash with a parameter or a method of the request builder"
                ),
            );
        }
        Some(Body {
            kind,
            ty,
            optional: !(body.required || flattened),
            doc: super::shapes::doc_text(body.description.as_deref()),
            flattened,
        })
    }
}
