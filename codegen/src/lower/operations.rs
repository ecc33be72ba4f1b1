//! Paths and operations → IR operations: names, parameters, bodies, responses, pagination.

use super::Cx;
use super::types::{Shape, schema_doc, shape, string_variants, unescape_pointer_token};
use crate::error::{Diagnostic, Pointer};
use crate::ir::{
    Body, BodyKind, Operation, Pagination, Param, ParamLocation, ParamStyle, PathSegment, Response,
    ResponseKind, StatusVariant, TypeDef, TypeKind, TypeRef,
};
use crate::names;
use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr,
    RequestBody, Schema, StatusCode,
};
use std::collections::BTreeMap;

const METHOD_ORDER: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Names the builder's own methods use; a flattened body field may not take one.
const BUILDER_METHODS: &[&str] = &["send", "send_with_meta", "into_stream", "body", "client"];

impl<'a> Cx<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut paths: Vec<(&'a String, &'a ReferenceOr<openapiv3::PathItem>)> =
            spec.paths.paths.iter().collect();
        paths.sort_by_key(|(path, _)| *path);

        let mut operations = Vec::new();
        let mut method_owner: BTreeMap<String, String> = BTreeMap::new();
        let mut builder_owner: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in paths {
            let path_pointer = Pointer::root().join("paths").join(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.error(Diagnostic::new(
                        path_pointer.as_str(),
                        format!("path item `$ref: {reference}` is not supported"),
                        "write the path item inline",
                    ));
                    continue;
                }
            };
            let mut ops: Vec<(&'a str, &'a openapiv3::Operation)> = item.iter().collect();
            ops.sort_by_key(|(method, _)| METHOD_ORDER.iter().position(|m| m == method));
            for (method, op) in ops {
                let pointer = path_pointer.join(method);
                if !self
                    .config
                    .selects(op.operation_id.as_deref(), &op.tags, path)
                {
                    continue;
                }
                let Some(mut operation) = self.lower_operation(path, method, op, item, &pointer)
                else {
                    continue;
                };
                let clash = method_owner
                    .get(&operation.method_name)
                    .or_else(|| builder_owner.get(&operation.builder_name))
                    .cloned();
                match clash {
                    // The same operationId twice: the spec is inconsistent.
                    Some(first) if first == operation.id => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                pointer.as_str(),
                                format!("operationId `{first}` is used by another operation too"),
                                "give every operation its own operationId",
                            )
                            .subject(format!("operation {}", operation.id)),
                        );
                        continue;
                    }
                    // Different ids with one Rust name (`getThing`, `get_thing`): number it.
                    Some(first) => {
                        let n = (2..)
                            .find(|n| {
                                !method_owner
                                    .contains_key(&format!("{}_{n}", operation.method_name))
                                    && !builder_owner
                                        .contains_key(&format!("{}{n}", operation.builder_name))
                            })
                            .unwrap_or(2);
                        let (method_name, builder_name) = (
                            format!("{}_{n}", operation.method_name),
                            format!("{}{n}", operation.builder_name),
                        );
                        self.note(
                            &pointer,
                            format!(
                                "operations `{first}` and `{}` would both become `{}`; `{}` is \
                                 `{method_name}` (builder `{builder_name}`)",
                                operation.id, operation.method_name, operation.id
                            ),
                        );
                        operation.method_name = method_name;
                        operation.builder_name = builder_name;
                    }
                    None => {}
                }
                method_owner.insert(operation.method_name.clone(), operation.id.clone());
                builder_owner.insert(operation.builder_name.clone(), operation.id.clone());
                operations.push(operation);
            }
        }
        operations
    }

    fn lower_operation(
        &mut self,
        path: &'a str,
        method: &str,
        op: &'a openapiv3::Operation,
        item: &'a openapiv3::PathItem,
        pointer: &Pointer,
    ) -> Option<Operation> {
        let id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let derived = names::value_name(&format!("{method} {path}"));
                self.note(
                    pointer,
                    format!("operation has no operationId; its method is named `{derived}`"),
                );
                derived
            }
        };
        let method_name = names::value_name(&id);
        let builder_name = names::type_name(&id);
        let subject = format!("operation {id}");
        let errors_before = self.diagnostics.len();

        let mut param_scope = names::Scope::default();
        for reserved in BUILDER_METHODS {
            param_scope.reserve(reserved);
        }
        let mut params = Vec::new();
        let mut declared: Vec<(String, String, &'a ReferenceOr<Parameter>, Pointer)> = Vec::new();
        for (i, p) in item.parameters.iter().enumerate() {
            declared.push(
                self.param_key(
                    p,
                    &Pointer::root()
                        .join("paths")
                        .join(path)
                        .join("parameters")
                        .join(i),
                ),
            );
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let key = self.param_key(p, &pointer.join("parameters").join(i));
            // An operation's parameter overrides the path item's one with the same name and place.
            declared.retain(|(name, location, _, _)| !(name == &key.0 && location == &key.1));
            declared.push(key);
        }
        for (_, _, param, at) in &declared {
            if let Some(p) = self.lower_param(param, at, &builder_name, &mut param_scope) {
                params.push(p);
            }
        }

        let declared_path: Vec<&str> = declared
            .iter()
            .filter(|(_, location, _, _)| location == "path")
            .map(|(name, _, _, _)| name.as_str())
            .collect();
        // A path key may carry a query string (`/responses?beta=true`): fixed pairs.
        let (path, fixed_query) = match path.split_once('?') {
            Some((template, query)) => (
                template,
                query
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| match pair.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (pair.to_owned(), String::new()),
                    })
                    .collect(),
            ),
            None => (path, Vec::new()),
        };
        let path_segments = self.path_segments(path, &params, &declared_path, pointer);
        // Path parameters first, in template order; then the rest in spec order.
        let mut ordered: Vec<Param> = Vec::with_capacity(params.len());
        for segment in &path_segments {
            if let PathSegment::Param(name) = segment
                && let Some(p) = params.iter().find(|p| &p.name == name)
                && !ordered.iter().any(|o: &Param| &o.name == name)
            {
                ordered.push(p.clone());
            }
        }
        ordered.extend(
            params
                .into_iter()
                .filter(|p| p.location != ParamLocation::Path),
        );

        let body = match &op.request_body {
            Some(body) => {
                self.lower_body(body, &pointer.join("requestBody"), &builder_name, &ordered)
            }
            None => None,
        };
        let response = self.lower_response(op, pointer, &builder_name);

        for d in &mut self.diagnostics[errors_before..] {
            if d.subject.is_none() {
                d.subject = Some(subject.clone());
            }
        }
        if self.diagnostics.len() > errors_before {
            return None;
        }

        let pagination = self.pagination(method, &ordered, &response);
        let doc = operation_doc(op);
        Some(Operation {
            id,
            method_name,
            builder_name,
            http_method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            path_segments,
            doc,
            tags: op.tags.clone(),
            params: ordered,
            body,
            response,
            pagination,
            fixed_query,
            pointer: pointer.to_string(),
        })
    }

    /// (wire name, location, parameter, pointer) of a declared parameter, following a `$ref`
    /// to find the name; unresolvable refs are reported here.
    fn param_key(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
    ) -> (String, String, &'a ReferenceOr<Parameter>, Pointer) {
        match self.resolve_param(param, pointer) {
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

    fn resolve_param(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
    ) -> Option<(&'a Parameter, Pointer)> {
        const PREFIX: &str = "#/components/parameters/";
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut current = param;
        let mut at = pointer.clone();
        let mut seen: Vec<&str> = Vec::new();
        loop {
            match current {
                ReferenceOr::Item(p) => return Some((p, at)),
                ReferenceOr::Reference { reference } => {
                    let target = reference.strip_prefix(PREFIX).and_then(|key| {
                        let key = unescape_pointer_token(key);
                        spec.components.as_ref()?.parameters.get_key_value(&key)
                    });
                    let cyclic = seen.contains(&reference.as_str());
                    seen.push(reference);
                    match target {
                        Some((key, target)) if !cyclic => {
                            at = Pointer::root()
                                .join("components")
                                .join("parameters")
                                .join(key);
                            current = target;
                        }
                        _ => {
                            self.error(Diagnostic::new(
                                pointer.as_str(),
                                if cyclic {
                                    format!("`$ref: {reference}` is part of a cycle of references")
                                } else {
                                    format!(
                                        "`$ref: {reference}` does not point at a parameter under \
                                         #/components/parameters"
                                    )
                                },
                                "fix the reference",
                            ));
                            return None;
                        }
                    }
                }
            }
        }
    }

    fn lower_param(
        &mut self,
        param: &'a ReferenceOr<Parameter>,
        pointer: &Pointer,
        builder: &str,
        scope: &mut names::Scope,
    ) -> Option<Param> {
        let (param, pointer) = self.resolve_param(param, pointer)?;
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
        let ty = ty.non_null().clone();
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
        Some(Param {
            name: scope.claim(&names::value_name(&data.name)),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            doc: (!doc.is_empty()).then_some(doc),
            style,
        })
    }

    /// Scalars and string enums: what a path segment, header or plain query pair can hold.
    fn is_scalar(&self, t: &TypeRef) -> bool {
        t.is_primitive()
            || matches!(t, TypeRef::Named(n) if self.is_string_enum(n))
            || matches!(t, TypeRef::Named(n) if matches!(self.types.get(n).map(|d| &d.kind), Some(TypeKind::Alias(inner)) if self.is_scalar(inner)))
    }

    /// Structs and maps: what `deepObject` and exploded `form` objects can hold.
    fn is_object(&self, t: &TypeRef) -> bool {
        match t {
            TypeRef::Map(_) | TypeRef::Json => true,
            TypeRef::Named(n) => match self.types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Struct { .. }) => true,
                Some(TypeKind::Alias(inner)) => self.is_object(inner),
                _ => false,
            },
            _ => false,
        }
    }

    fn is_string_enum(&self, name: &str) -> bool {
        matches!(
            self.types.get(name).map(|t| &t.kind),
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
        if let Some(existing) = self.param_enums.get(&values) {
            return TypeRef::Named(existing.clone());
        }
        let short = names::type_name(name);
        let type_name = if self.type_names.contains(&short) {
            self.type_names
                .claim(&names::join_type_names(builder, &short))
        } else {
            self.type_names.claim(&short)
        };
        let def = TypeDef {
            name: type_name.clone(),
            doc: schema_doc(schema).or_else(|| Some(format!("Values of the `{name}` parameter."))),
            pointer: pointer.to_string(),
            kind: TypeKind::StringEnum {
                variants: string_variants(&values),
            },
            examples: Vec::new(),
        };
        self.types.insert(type_name.clone(), def);
        self.param_enums.insert(values, type_name.clone());
        TypeRef::Named(type_name)
    }

    /// Splits a path template into literals and parameters; every `{name}` must be a declared
    /// path parameter and every path parameter must appear.
    fn path_segments(
        &mut self,
        path: &str,
        params: &[Param],
        declared: &[&str],
        pointer: &Pointer,
    ) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut rest = path;
        let mut used = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("path template `{path}` has a `{{` without a matching `}}`"),
                    "close the parameter name with `}`",
                ));
                return segments;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let wire = &rest[open + 1..close];
            match params
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
            {
                Some(p) => {
                    used.push(p.wire_name.clone());
                    segments.push(PathSegment::Param(p.name.clone()));
                }
                // Declared, but it could not be lowered: that is reported already.
                None if declared.contains(&wire) => {}
                None => self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("path template `{path}` names `{{{wire}}}`, but no path parameter `{wire}` is declared"),
                    format!("declare `{wire}` under parameters with `in: path`, or fix the template"),
                )),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !used.contains(&p.wire_name) {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!(
                        "path parameter `{}` does not appear in the template `{path}`",
                        p.wire_name
                    ),
                    format!(
                        "add `{{{}}}` to the path, or make the parameter `in: query`",
                        p.wire_name
                    ),
                ));
            }
        }
        segments
    }

    fn lower_body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        pointer: &Pointer,
        builder: &str,
        params: &[Param],
    ) -> Option<Body> {
        let (body, at) = self.resolve_body(body, pointer)?;
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
            (_, Some(schema)) => self
                .type_of(schema, &format!("{builder}Body"), &schema_pointer)
                .non_null()
                .clone(),
            (_, None) => TypeRef::Json,
        };
        let mut ty = ty;
        if kind == BodyKind::Multipart && ty == TypeRef::File {
            // One binary and no field names (Jira's attachments): send it as one part named
            // `file`, the name such APIs expect, and say so.
            let name = self.type_names.claim(&format!("{builder}Body"));
            self.types.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    doc: Some(format!("The form `{builder}` sends: one file.")),
                    pointer: schema_pointer.to_string(),
                    kind: TypeKind::Struct {
                        fields: vec![crate::ir::Field {
                            name: "file".into(),
                            wire_name: "file".into(),
                            doc: Some("The file, sent as the form part `file`.".into()),
                            ty: TypeRef::File,
                            required: true,
                        }],
                        additional: None,
                    },
                    examples: Vec::new(),
                },
            );
            self.note(
                &schema_pointer,
                format!(
                    "the multipart body of `{builder}` is one binary with no field name; it is \
                     sent as a form part named `file`"
                ),
            );
            ty = TypeRef::Named(name);
        }
        let struct_fields = |cx: &Self| match &ty {
            TypeRef::Named(name) => match cx.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct {
                    fields,
                    additional: None,
                }) => Some(fields.clone()),
                _ => None,
            },
            _ => None,
        };
        if kind == BodyKind::Multipart && struct_fields(self).is_none() {
            self.error(Diagnostic::new(
                schema_pointer.as_str(),
                format!("the multipart body of `{builder}` is not an object with properties"),
                "describe the form's fields as the properties of an object schema",
            ));
            return None;
        }
        let flattened = if body.required {
            struct_fields(self).filter(|fields| {
                fields.iter().all(|f| {
                    !params.iter().any(|p| p.name == f.name)
                        && !BUILDER_METHODS.contains(&f.name.as_str())
                })
            })
        } else {
            None
        };
        Some(Body {
            kind,
            ty,
            required: body.required,
            doc: body.description.clone(),
            flattened,
        })
    }

    fn resolve_body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        pointer: &Pointer,
    ) -> Option<(&'a RequestBody, Pointer)> {
        const PREFIX: &str = "#/components/requestBodies/";
        match body {
            ReferenceOr::Item(b) => Some((b, pointer.clone())),
            ReferenceOr::Reference { reference } => {
                let spec: &'a openapiv3::OpenAPI = self.spec;
                let found = reference.strip_prefix(PREFIX).and_then(|key| {
                    let key = unescape_pointer_token(key);
                    spec.components.as_ref()?.request_bodies.get_key_value(&key)
                });
                match found {
                    Some((key, ReferenceOr::Item(b))) => Some((
                        b,
                        Pointer::root()
                            .join("components")
                            .join("requestBodies")
                            .join(key),
                    )),
                    _ => {
                        self.error(Diagnostic::new(
                            pointer.as_str(),
                            format!("`$ref: {reference}` does not point at a request body under #/components/requestBodies"),
                            "fix the reference",
                        ));
                        None
                    }
                }
            }
        }
    }

    /// The success response: the `2XX` codes that the spec lists. One, or several with the
    /// same body, decode as that body; several with different bodies become an enum.
    fn lower_response(
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
            if let Some((response, at)) = self.resolve_response(default, &at) {
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
                    doc: Some(response.description.trim().to_owned()).filter(|d| !d.is_empty()),
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
            if let Some((response, at)) = self.resolve_response(response, &at) {
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
        let doc = Some(first.description.trim().to_owned()).filter(|d| !d.is_empty());
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
        let name = self.type_names.claim(&format!("{builder}Response"));
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                doc: Some(format!("What `{builder}` returns, by status.")),
                pointer: pointer.join("responses").to_string(),
                kind: TypeKind::Responses {
                    variants: variants.clone(),
                },
                examples: Vec::new(),
            },
        );
        Response {
            status: code.to_string(),
            kind: ResponseKind::ByStatus { name, variants },
            doc,
            also_stream: false,
        }
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
            return (kind, stream);
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

    fn resolve_response(
        &mut self,
        response: &'a ReferenceOr<openapiv3::Response>,
        pointer: &Pointer,
    ) -> Option<(&'a openapiv3::Response, Pointer)> {
        const PREFIX: &str = "#/components/responses/";
        match response {
            ReferenceOr::Item(r) => Some((r, pointer.clone())),
            ReferenceOr::Reference { reference } => {
                let spec: &'a openapiv3::OpenAPI = self.spec;
                let found = reference.strip_prefix(PREFIX).and_then(|key| {
                    let key = unescape_pointer_token(key);
                    spec.components.as_ref()?.responses.get_key_value(&key)
                });
                match found {
                    Some((key, ReferenceOr::Item(r))) => Some((
                        r,
                        Pointer::root()
                            .join("components")
                            .join("responses")
                            .join(key),
                    )),
                    _ => {
                        self.error(Diagnostic::new(
                            pointer.as_str(),
                            format!("`$ref: {reference}` does not point at a response under #/components/responses"),
                            "fix the reference",
                        ));
                        None
                    }
                }
            }
        }
    }

    /// A GET with an optional `after` cursor whose response holds `data: [T]`, `has_more`
    /// and `last_id` is walked page by page.
    fn pagination(
        &self,
        method: &str,
        params: &[Param],
        response: &Response,
    ) -> Option<Pagination> {
        if method != "get" {
            return None;
        }
        let cursor = params.iter().find(|p| {
            p.location == ParamLocation::Query
                && p.wire_name == "after"
                && !p.required
                && p.ty == TypeRef::String
        })?;
        let ResponseKind::Json(TypeRef::Named(page)) = &response.kind else {
            return None;
        };
        let TypeKind::Struct { fields, .. } = &self.types.get(page)?.kind else {
            return None;
        };
        let field = |wire: &str| fields.iter().find(|f| f.wire_name == wire);
        let data = field("data").filter(|f| f.required)?;
        let TypeRef::Vec(item) = &data.ty else {
            return None;
        };
        let has_more = field("has_more").filter(|f| f.ty.non_null() == &TypeRef::Bool)?;
        let last_id = field("last_id").filter(|f| f.ty.non_null() == &TypeRef::String)?;
        Some(Pagination {
            cursor_param: cursor.name.clone(),
            page_type: page.clone(),
            items_field: data.name.clone(),
            item_type: (**item).clone(),
            has_more_field: has_more.name.clone(),
            has_more_optional: has_more.optional(),
            next_cursor_field: last_id.name.clone(),
            next_cursor_optional: last_id.optional(),
        })
    }
}

/// A media type without parameters, lowercase: `Application/JSON; charset=utf-8` →
/// `application/json`.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The JSON media type of a content map (`application/json`, `…+json`, or `*/*` with a
/// schema), if any.
fn json_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .find(|(media, _)| {
            let essence = essence(media);
            essence == "application/json" || essence.ends_with("+json")
        })
        .or_else(|| {
            content
                .iter()
                .find(|(media, m)| essence(media) == "*/*" && m.schema.is_some())
        })
}

/// The media type a request body is sent as: JSON first, then multipart, then form, then
/// the first listed, as raw bytes.
fn pick_body_media(
    content: &indexmap::IndexMap<String, MediaType>,
) -> Option<(&String, &MediaType, BodyKind)> {
    if let Some((media, m)) = json_media(content) {
        let sent = match essence(media).as_str() {
            "*/*" => "application/json".to_owned(),
            other => other.to_owned(),
        };
        return Some((media, m, BodyKind::Json(sent)));
    }
    for (want, kind) in [
        ("multipart/form-data", BodyKind::Multipart),
        ("application/x-www-form-urlencoded", BodyKind::Form),
    ] {
        if let Some((media, m)) = content.iter().find(|(media, _)| essence(media) == want) {
            return Some((media, m, kind));
        }
    }
    content
        .iter()
        .next()
        .map(|(media, m)| (media, m, BodyKind::Raw(essence(media))))
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

fn operation_doc(op: &openapiv3::Operation) -> Option<String> {
    let parts: Vec<&str> = [op.summary.as_deref(), op.description.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut doc = parts.join("\n\n");
    if op.deprecated {
        doc.push_str("\n\nDeprecated.");
    }
    (!doc.trim().is_empty()).then(|| doc.trim().to_owned())
}
