//! Parameters → IR parameters: where each goes, how it is written (`style`/`explode` or
//! `content`), its type, and its Rust name.

use super::Cx;
use super::media::json_media;
use super::schemas::{is_primitive, non_null, string_variants};
use super::shapes::{Shape, schema_doc, shape};
use crate::error::Diagnostic;
use crate::ir::{Param, ParamLocation, ParamStyle, TypeId, TypeKind, TypeRef};
use crate::names::{self, Namespace};
use crate::pointer::Pointer;
use openapiv3::{Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, Schema};

impl<'a> Cx<'a> {
    /// (wire name, location, parameter, pointer) of a declared parameter, following a `$ref`
    /// to find the name; unresolvable refs are reported here.
    pub(super) fn param_key(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
    ) -> (String, String, &'a ReferenceOr<Parameter>, Pointer) {
        match self.resolve(param, pointer) {
            Some((p, at)) => {
                let data = p.parameter_data_ref();
                let location = match p {
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Path { .. } => "path",
                    Parameter::Cookie { .. } => "cookie",
                };
                (data.name.clone(), location.to_owned(), param, at)
            }
            None => (String::new(), String::new(), param, pointer.clone()),
        }
    }

    pub(super) fn lower_param(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
        builder: &str,
        scope: &mut names::Scope,
    ) -> Option<Param> {
        let (param, pointer) = self.resolve(param, pointer)?;
        let data = param.parameter_data_ref();
        if data.name.is_empty() {
            self.error(Diagnostic::new(
                pointer.as_str(),
                "parameter has an empty name",
                "give the parameter a name",
            ));
            return None;
        }
        let explode_default = |default: bool| data.explode.unwrap_or(default);
        let (location, style) = match param {
            Parameter::Path { style, .. } => (
                ParamLocation::Path,
                match style {
                    PathStyle::Simple => ParamStyle::Plain { explode: false },
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Matrix => ParamStyle::Matrix,
                },
            ),
            Parameter::Query { style, .. } => (
                ParamLocation::Query,
                match style {
                    QueryStyle::Form => ParamStyle::Plain {
                        explode: explode_default(true),
                    },
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Header { .. } => {
                (ParamLocation::Header, ParamStyle::Plain { explode: false })
            }
            Parameter::Cookie { .. } => {
                (ParamLocation::Cookie, ParamStyle::Plain { explode: false })
            }
        };
        let (ty, style) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let ty = self.param_type(schema, &data.name, builder, &pointer.join("schema"));
                (ty, style)
            }
            ParameterSchemaOrContent::Content(content) => {
                // A parameter described by a media type: JSON text of its schema.
                let Some((media, media_type)) = json_media(content) else {
                    let types: Vec<&str> = content.keys().map(String::as_str).collect();
                    self.error(Diagnostic::new(
                        pointer.as_str(),
                        format!(
                            "parameter `{}` is described by media type(s) {types:?}",
                            data.name
                        ),
                        "describe it with a `schema`, or with `content: application/json`",
                    ));
                    return None;
                };
                let ty = match &media_type.schema {
                    Some(schema) => self.type_of(
                        schema,
                        &names::join_type_names(builder, &names::type_name(&data.name)),
                        &pointer.join("content").join(media).join("schema"),
                    ),
                    None => TypeRef::Json,
                };
                (ty, ParamStyle::Json)
            }
        };
        let ty = non_null(&ty).clone();
        let scalar = |t: &TypeRef| self.is_scalar(t);
        let style = match (&ty, location, style) {
            (_, _, ParamStyle::Json) => ParamStyle::Json,
            (t, _, style) if scalar(t) => match style {
                ParamStyle::DeepObject | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited => {
                    ParamStyle::Plain { explode: true }
                }
                other => other,
            },
            (TypeRef::Vec(item), ParamLocation::Path, ParamStyle::Plain { .. }) if scalar(item) => {
                ParamStyle::Plain { explode: false }
            }
            (TypeRef::Vec(item), _, style) if scalar(item) && location != ParamLocation::Path => {
                match style {
                    ParamStyle::DeepObject => ParamStyle::Plain { explode: true },
                    other => other,
                }
            }
            (t, ParamLocation::Query, ParamStyle::DeepObject) if self.is_object(t) => {
                ParamStyle::DeepObject
            }
            (t, ParamLocation::Query, ParamStyle::Plain { explode: true }) if self.is_object(t) => {
                ParamStyle::FormObject
            }
            _ => {
                // Nothing standard fits: send the value as JSON text, and say so.
                self.note(
                    &pointer,
                    format!(
                        "parameter `{}` of `{builder}` has a type its style cannot write; its \
                         scalar values are sent as text (comma-joined), objects as JSON",
                        data.name
                    ),
                );
                ParamStyle::Text
            }
        };
        let mut doc = data
            .description
            .clone()
            .unwrap_or_default()
            .trim()
            .to_owned();
        if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format
            && let Some(default) = &schema.schema_data.default
        {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(&format!("Defaults to `{default}`."));
        }
        let required = data.required || location == ParamLocation::Path;
        let name = self.param_name(&data.name, required, scope, &pointer, builder);
        Some(Param {
            name,
            wire_name: data.name.clone(),
            location,
            ty,
            required,
            doc: (!doc.is_empty()).then_some(doc),
            style,
        })
    }

    /// The Rust name of parameter `wire`: its own, unless the builder or another parameter
    /// has it (then numbered, with a note).
    pub(super) fn param_name(
        &mut self,
        wire: &str,
        required: bool,
        scope: &mut names::Scope,
        pointer: &Pointer,
        builder: &str,
    ) -> String {
        let wanted = names::value_name(wire);
        // An optional parameter is also a setter: a method of the builder.
        let methods = names::reserved(Namespace::RequestBuilderMethods);
        if !required && methods.contains(&wanted.as_str()) {
            scope.reserve(&wanted);
        }
        let name = scope.claim(&wanted);
        if name != wanted {
            let why = if names::reserved(Namespace::RequestBuilder).contains(&wanted.as_str())
                || methods.contains(&wanted.as_str())
            {
                format!("every request builder has its own `{wanted}`")
            } else {
                format!("another parameter is `{wanted}`")
            };
            self.note(
                pointer,
                format!("parameter `{wire}` of `{builder}` is `{name}`: {why}"),
            );
        }
        name
    }

    /// Scalars and string enums: what a path segment, header or plain query pair can hold.
    fn is_scalar(&self, t: &TypeRef) -> bool {
        is_primitive(t)
            || matches!(t, TypeRef::Named(id) if self.is_string_enum(*id))
            || matches!(t, TypeRef::Named(id) if matches!(self.def(*id).map(|d| &d.kind), Some(TypeKind::Alias(inner)) if self.is_scalar(inner)))
    }

    /// Structs and maps: what `deepObject` and exploded `form` objects can hold.
    fn is_object(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::Map(_) | TypeRef::Json => true,
            TypeRef::Named(id) => match self.def(*id).map(|d| &d.kind) {
                Some(TypeKind::Struct(_)) => true,
                Some(TypeKind::Alias(inner)) => self.is_object(inner),
                _ => false,
            },
            _ => false,
        }
    }

    fn is_string_enum(&self, id: TypeId) -> bool {
        matches!(
            self.def(id).map(|t| &t.kind),
            Some(TypeKind::StringEnum { .. })
        )
    }

    /// The type of a parameter. Inline string enums are named after the parameter alone
    /// (`Order`) and shared by every parameter with the same values; when that name is taken
    /// by something else, they are named after the operation too (`ListPetsOrder`).
    fn param_type(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        name: &str,
        builder: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        let ReferenceOr::Item(s) = schema else {
            return self.type_of(
                schema,
                &names::join_type_names(builder, &names::type_name(name)),
                pointer,
            );
        };
        match shape(s) {
            Shape::String { values, .. } if !values.is_empty() => {
                self.param_enum(values, s, name, builder, pointer)
            }
            Shape::Array {
                items: Some(ReferenceOr::Item(item)),
            } => match shape(item) {
                Shape::String { values, .. } if !values.is_empty() => TypeRef::Vec(Box::new(
                    self.param_enum(values, item, name, builder, &pointer.join("items")),
                )),
                _ => self.type_of(
                    schema,
                    &names::join_type_names(builder, &names::type_name(name)),
                    pointer,
                ),
            },
            _ => self.type_of(
                schema,
                &names::join_type_names(builder, &names::type_name(name)),
                pointer,
            ),
        }
    }

    fn param_enum(
        &mut self,
        values: Vec<String>,
        schema: &Schema,
        name: &str,
        builder: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        if let Some(&existing) = self.param_enums.get(&values) {
            return TypeRef::Named(existing);
        }
        let short = names::type_name(name);
        let id = if self.type_names.contains(&short) {
            self.new_type(&names::join_type_names(builder, &short))
        } else {
            self.new_type(&short)
        };
        let doc = schema_doc(schema).or_else(|| Some(format!("Values of the `{name}` parameter.")));
        let kind = TypeKind::StringEnum {
            variants: string_variants(&self.names[id.0], &values),
        };
        self.set_type(id, doc, pointer, kind);
        self.param_enums.insert(values, id);
        TypeRef::Named(id)
    }
}
