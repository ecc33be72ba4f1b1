//! Operations → `builders.rs`: one method on `Client` per operation, and its request builder.

use super::models::is_constant;
use super::{From, doc_attrs, type_tokens};
use crate::ir::{
    Api, BodyKind, Operation, Pagination, ParamLocation, ParamStyle, PathSegment, ResponseKind,
    TypeRef,
};
use crate::names::ident;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub(crate) fn builders(api: &Api) -> TokenStream {
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| client_method(op, api))
        .collect();
    let client_impl = (!methods.is_empty()).then(|| {
        quote! {
            impl crate::runtime::Client {
                #(#methods)*
            }
        }
    });
    let builders = api.operations.iter().map(|op| builder(op, api));
    let mut seen_pages = BTreeSet::new();
    let pages = api
        .operations
        .iter()
        .filter_map(|op| op.pagination.as_ref())
        .filter(|p| seen_pages.insert(p.page_type.clone()))
        .map(page_impl);
    quote! {
        #![doc = " One request builder per operation."]
        #![doc = ""]
        #![doc = " `Client` has a method per operation that takes the required inputs and returns"]
        #![doc = " the operation's builder; optional inputs are builder methods. Finish with"]
        #![doc = " `.send().await` (or `.await` the builder itself), or `.send_with_meta().await` for"]
        #![doc = " the status, request id and headers as well."]
        #![allow(clippy::doc_markdown, clippy::too_many_arguments, clippy::doc_lazy_continuation)]

        #client_impl

        #(#builders)*

        #(#pages)*
    }
}

/// One input of an operation, wherever it is stored.
struct Input<'o> {
    name: &'o str,
    ty: &'o TypeRef,
    doc: Option<&'o str>,
    /// `self.<target>` is where the value goes.
    target: TokenStream,
    /// Whether the stored value is an `Option` that the setter fills.
    optional: bool,
    /// Required inputs are arguments of the client method.
    argument: bool,
    /// A one-value enum: filled in with its only value, never asked for.
    constant: bool,
}

fn inputs<'o>(op: &'o Operation, api: &Api) -> Vec<Input<'o>> {
    let mut out = Vec::new();
    for p in &op.params {
        let id = ident(&p.name);
        out.push(Input {
            name: &p.name,
            ty: &p.ty,
            doc: p.doc.as_deref(),
            target: quote!(#id),
            optional: !p.required,
            argument: p.required,
            constant: false,
        });
    }
    if let Some(body) = &op.body {
        match &body.flattened {
            Some(fields) => {
                for f in fields {
                    let id = ident(&f.name);
                    let constant = f.required && is_constant(&f.ty, api);
                    out.push(Input {
                        name: &f.name,
                        ty: &f.ty,
                        doc: f.doc.as_deref(),
                        target: quote!(body.#id),
                        optional: f.optional(),
                        argument: f.required && !constant,
                        constant,
                    });
                }
            }
            None => out.push(Input {
                name: "body",
                ty: &body.ty,
                doc: body.doc.as_deref(),
                target: quote!(body),
                optional: !body.required,
                argument: body.required,
                constant: false,
            }),
        }
    }
    out
}

/// The required inputs of an operation, in the order its `Client` method takes them.
pub(crate) fn argument_inputs(op: &Operation, api: &Api) -> Vec<(String, TypeRef)> {
    inputs(op, api)
        .into_iter()
        .filter(|i| i.argument)
        .map(|i| (i.name.to_owned(), i.ty.clone()))
        .collect()
}

/// The type a method takes for a value of `ty`, and how to turn the argument into the value.
pub(crate) fn argument(ty: &TypeRef, value: &Ident) -> (TokenStream, TokenStream) {
    match ty.non_null() {
        TypeRef::String => (quote!(impl Into<String>), quote!(#value.into())),
        TypeRef::Vec(item) if **item == TypeRef::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#value.into_iter().map(Into::into).collect()),
        ),
        TypeRef::Vec(item) => {
            let item = type_tokens(item, From::Builders);
            (
                quote!(impl IntoIterator<Item = #item>),
                quote!(#value.into_iter().collect()),
            )
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, From::Builders);
            (quote!(#inner), quote!(Box::new(#value)))
        }
        TypeRef::Bytes => (
            quote!(impl Into<crate::runtime::Bytes>),
            quote!(#value.into()),
        ),
        other => (type_tokens(other, From::Builders), quote!(#value)),
    }
}

fn stored_type(input: &Input<'_>) -> TokenStream {
    let ty = type_tokens(input.ty.non_null(), From::Builders);
    if input.optional {
        quote!(Option<#ty>)
    } else {
        type_tokens(input.ty, From::Builders)
    }
}

fn response_type(op: &Operation) -> TokenStream {
    match &op.response.kind {
        ResponseKind::Empty => quote!(()),
        ResponseKind::Json(ty) => type_tokens(ty, From::Builders),
        ResponseKind::Text => quote!(String),
        ResponseKind::Bytes => quote!(crate::runtime::Bytes),
        ResponseKind::EventStream => quote!(crate::runtime::ByteStream),
        ResponseKind::ByStatus { name, .. } => {
            type_tokens(&TypeRef::Named(name.clone()), From::Builders)
        }
    }
}

fn client_method(op: &Operation, api: &Api) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let inputs = inputs(op, api);
    let mut doc = op
        .doc
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", op.id));
    doc.push_str(&format!(
        "\n\n`{} {}` (operationId `{}`). Returns the `{}` request builder: set optional \
         inputs on it, then `.send().await`.",
        op.http_method, op.path, op.id, op.builder_name
    ));
    let doc = doc_attrs(Some(&doc));
    let args = inputs.iter().filter(|i| i.argument).map(|i| {
        let id = ident(i.name);
        let (ty, _) = argument(i.ty, &id);
        quote!(#id: #ty)
    });
    let params = op.params.iter().map(|p| {
        let id = ident(&p.name);
        if p.required {
            let (_, convert) = argument(&p.ty, &id);
            field_init(&id, convert)
        } else {
            quote!(#id: None,)
        }
    });
    let body = op.body.as_ref().map(|body| match &body.flattened {
        Some(fields) => {
            let values = fields.iter().map(|f| {
                let id = ident(&f.name);
                let input = inputs.iter().find(|i| i.name == f.name);
                if input.is_some_and(|i| i.constant) {
                    quote!(#id: Default::default(),)
                } else if f.required && !f.optional() {
                    let (_, convert) = argument(&f.ty, &id);
                    field_init(&id, convert)
                } else if f.required {
                    let (_, convert) = argument(&f.ty, &id);
                    quote!(#id: Some(#convert),)
                } else {
                    quote!(#id: None,)
                }
            });
            let ty = type_tokens(&body.ty, From::Builders);
            quote!(body: #ty { #(#values)* },)
        }
        None if body.required => {
            let id = format_ident!("body");
            let (_, convert) = argument(&body.ty, &id);
            field_init(&id, convert)
        }
        None => quote!(body: None,),
    });
    quote! {
        #doc
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.clone(),
                #(#params)*
                #body
            }
        }
    }
}

/// `field: value,`, or the shorthand `field,` when the value is the variable of that name.
pub(crate) fn field_init(field: &Ident, value: TokenStream) -> TokenStream {
    if *field == value.to_string() {
        quote!(#field,)
    } else {
        quote!(#field: #value,)
    }
}

fn builder(op: &Operation, api: &Api) -> TokenStream {
    let name = ident(&op.builder_name);
    let inputs = inputs(op, api);
    let doc = format!(
        "Request builder for `Client::{}`: `{} {}`.\n\nSet optional inputs with its methods, then \
         `.send().await` (or `.await` the builder).",
        op.method_name.trim_start_matches("r#"),
        op.http_method,
        op.path
    );
    let doc = doc_attrs(Some(&doc));
    let fields = op
        .params
        .iter()
        .map(|p| {
            let id = ident(&p.name);
            let input = inputs
                .iter()
                .find(|i| i.name == p.name)
                .expect("every param is an input");
            let ty = stored_type(input);
            quote!(#id: #ty,)
        })
        .chain(op.body.as_ref().map(|body| {
            let ty = type_tokens(&body.ty, From::Builders);
            if body.flattened.is_some() || body.required {
                quote!(body: #ty,)
            } else {
                quote!(body: Option<#ty>,)
            }
        }));
    let setters = inputs
        .iter()
        .filter(|i| !i.argument && !i.constant)
        .map(setter);
    let send = send(op, api);
    let response = response_type(op);
    let stream = op.pagination.as_ref().map(|p| stream_methods(op, p));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until it is sent with `.send().await`"]
        pub struct #name {
            client: crate::runtime::Client,
            #(#fields)*
        }

        impl #name {
            #(#setters)*
            #send
        }

        crate::runtime::into_future!(#name => #response);

        #stream
    }
}

fn setter(input: &Input<'_>) -> TokenStream {
    let id = ident(input.name);
    let fallback = format!("Sets `{}`.", input.name.trim_start_matches("r#"));
    let doc = doc_attrs(Some(input.doc.unwrap_or(&fallback)));
    let (ty, convert) = argument(input.ty, &id);
    let target = &input.target;
    let value = if input.optional {
        quote!(Some(#convert))
    } else {
        convert
    };
    quote! {
        #doc
        pub fn #id(mut self, #id: #ty) -> Self {
            self.#target = #value;
            self
        }
    }
}

fn send(op: &Operation, api: &Api) -> TokenStream {
    let response = response_type(op);
    let http_method = format_ident!("{}", op.http_method);
    let operation_id = &op.id;
    let template = &op.path;
    let path = path_expr(op);
    let mut steps = Vec::new();
    for (name, value) in &op.fixed_query {
        steps.push(quote!(request.query(#name, #value);));
    }
    for p in &op.params {
        let id = ident(&p.name);
        let wire = &p.wire_name;
        let step = match (p.location, p.style) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::Query, ParamStyle::Plain { explode: false }) => {
                quote!(request.query_joined(#wire, &self.#id, ",");)
            }
            (ParamLocation::Query, ParamStyle::SpaceDelimited) => {
                quote!(request.query_joined(#wire, &self.#id, " ");)
            }
            (ParamLocation::Query, ParamStyle::PipeDelimited) => {
                quote!(request.query_joined(#wire, &self.#id, "|");)
            }
            (ParamLocation::Query, ParamStyle::FormObject) => {
                quote!(request.query_object(&self.#id)?;)
            }
            (ParamLocation::Query, ParamStyle::DeepObject) => {
                quote!(request.query_deep(#wire, &self.#id)?;)
            }
            (ParamLocation::Query, ParamStyle::Json) => {
                quote!(request.query_json(#wire, &self.#id)?;)
            }
            (ParamLocation::Query, ParamStyle::Text) => quote! {
                if let Some(text) = crate::runtime::plain_text(&self.#id)? {
                    request.query(#wire, &text);
                }
            },
            (ParamLocation::Header, ParamStyle::Text) => quote! {
                if let Some(text) = crate::runtime::plain_text(&self.#id)? {
                    request.header(#wire, &text)?;
                }
            },
            (ParamLocation::Cookie, ParamStyle::Text) => quote! {
                if let Some(text) = crate::runtime::plain_text(&self.#id)? {
                    request.cookie(#wire, &text);
                }
            },
            (ParamLocation::Query, _) => quote!(request.query(#wire, &self.#id);),
            (ParamLocation::Header, ParamStyle::Json) => {
                quote!(request.header_json(#wire, &self.#id)?;)
            }
            (ParamLocation::Header, _) => quote!(request.header(#wire, &self.#id)?;),
            (ParamLocation::Cookie, ParamStyle::Json) => {
                quote!(request.cookie(#wire, &crate::runtime::json_text(&self.#id)?);)
            }
            (ParamLocation::Cookie, _) => quote!(request.cookie(#wire, &self.#id);),
        };
        steps.push(step);
    }
    if let Some(body) = &op.body {
        steps.push(body_step(body, api));
    }
    let execute = match &op.response.kind {
        ResponseKind::Empty => quote!(self.client.execute_empty(request).await),
        ResponseKind::Json(_) => quote!(self.client.execute_json(request).await),
        ResponseKind::Text => quote!(self.client.execute_text(request).await),
        ResponseKind::Bytes => quote!(self.client.execute_bytes(request).await),
        ResponseKind::EventStream => quote!(self.client.execute_stream(request).await),
        ResponseKind::ByStatus { name, variants } => {
            let ty = type_tokens(&TypeRef::Named(name.clone()), From::Builders);
            let arms = variants.iter().map(|v| {
                let status = v.status;
                let variant = ident(&v.name);
                match &v.ty {
                    Some(_) => quote!(#status => serde_json::from_slice(body).map(#ty::#variant),),
                    None => quote!(#status => Ok(#ty::#variant),),
                }
            });
            // Another 2XX status: decoded as the first variant's body.
            let fallback = variants.first().map(|v| {
                let variant = ident(&v.name);
                match &v.ty {
                    Some(_) => quote!(_ => serde_json::from_slice(body).map(#ty::#variant),),
                    None => quote!(_ => Ok(#ty::#variant),),
                }
            });
            quote!(self.client.execute_decode(request, |status, body| match status { #(#arms)* #fallback }).await)
        }
    };
    let mutable = (!steps.is_empty()).then(|| quote!(mut));
    let stream = op.response.also_stream.then(|| {
        quote! {
            /// Sends the request asking for a `text/event-stream` response, and returns its
            /// body as a stream of byte chunks as they arrive. (Set the body's `stream` field
            /// where the API asks for one.)
            pub async fn send_stream(self) -> crate::runtime::Result<crate::runtime::ByteStream> {
                let mut request = self.request()?;
                request.accept_event_stream();
                self.client.execute_stream(request).await.map(crate::runtime::ApiResponse::into_inner)
            }
        }
    });
    quote! {
        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> crate::runtime::Result<#response> {
            self.send_with_meta().await.map(crate::runtime::ApiResponse::into_inner)
        }

        /// Sends the request and returns the decoded response with its status, request id
        /// and headers.
        pub async fn send_with_meta(self) -> crate::runtime::Result<crate::runtime::ApiResponse<#response>> {
            let request = self.request()?;
            #execute
        }

        #stream

        fn request(&self) -> crate::runtime::Result<crate::runtime::Request> {
            let #mutable request = crate::runtime::Request::new(
                crate::runtime::Method::#http_method,
                #operation_id,
                #template,
                #path,
            );
            #(#steps)*
            Ok(request)
        }
    }
}

/// The statement that puts the body into the request.
fn body_step(body: &crate::ir::Body, api: &Api) -> TokenStream {
    match &body.kind {
        BodyKind::Json(media) if media == "application/json" => {
            if body.required || body.flattened.is_some() {
                quote!(request.json(&self.body)?;)
            } else {
                quote!(if let Some(body) = &self.body {
                    request.json(body)?;
                })
            }
        }
        BodyKind::Json(media) => {
            if body.required || body.flattened.is_some() {
                quote!(request.json_as(#media, &self.body)?;)
            } else {
                quote!(if let Some(body) = &self.body { request.json_as(#media, body)?; })
            }
        }
        BodyKind::Form => {
            if body.required || body.flattened.is_some() {
                quote!(request.form(&self.body)?;)
            } else {
                quote!(if let Some(body) = &self.body {
                    request.form(body)?;
                })
            }
        }
        BodyKind::Raw(media) => {
            if body.required {
                quote!(request.raw(#media, self.body.clone());)
            } else {
                quote!(if let Some(body) = &self.body { request.raw(#media, body.clone()); })
            }
        }
        BodyKind::Multipart => {
            let fields = match &body.ty {
                TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
                    Some(crate::ir::TypeKind::Struct { fields, .. }) => fields.clone(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let parts = fields.iter().map(|f| {
                let id = ident(&f.name);
                let wire = &f.wire_name;
                if api.is_file(&f.ty) {
                    quote!(form.file(#wire, &body.#id);)
                } else if api.is_text(&f.ty) {
                    quote!(form.text(#wire, &body.#id);)
                } else {
                    quote!(form.json(#wire, &body.#id)?;)
                }
            });
            let build = quote! {
                let mut form = crate::runtime::Multipart::new();
                #(#parts)*
                request.multipart(form);
            };
            if body.required || body.flattened.is_some() {
                quote!({ let body = &self.body; #build })
            } else {
                quote!(if let Some(body) = &self.body { #build })
            }
        }
    }
}

/// The request path: the template's literals with each parameter percent-encoded as one
/// path segment (`label` style prefixes a `.`, `matrix` style `;name=`).
fn path_expr(op: &Operation) -> TokenStream {
    let mut parts = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => parts.push(quote!(#text)),
            PathSegment::Param(name) => {
                let id = ident(name);
                let param = op.params.iter().find(|p| &p.name == name);
                let wire = param.map_or(name.as_str(), |p| p.wire_name.as_str());
                match param.map(|p| p.style) {
                    Some(ParamStyle::Label) => parts.push(quote!(".")),
                    Some(ParamStyle::Matrix) => {
                        let prefix = format!(";{wire}=");
                        parts.push(quote!(#prefix));
                    }
                    _ => {}
                }
                if param.is_some_and(|p| p.style == ParamStyle::Json) {
                    parts.push(quote!(&crate::runtime::encode_path(#wire, &crate::runtime::json_text(&self.#id)?)?));
                } else if param.is_some_and(|p| p.style == ParamStyle::Text) {
                    parts.push(quote!(&crate::runtime::encode_path(#wire, &crate::runtime::plain_text(&self.#id)?.unwrap_or_default())?));
                } else {
                    parts.push(quote!(&crate::runtime::encode_path(#wire, &self.#id)?));
                }
            }
        }
    }
    match parts.as_slice() {
        [] => quote!(String::new()),
        [only]
            if !op
                .path_segments
                .iter()
                .any(|s| matches!(s, PathSegment::Param(_))) =>
        {
            quote!(String::from(#only))
        }
        _ => quote!([#(#parts),*].concat()),
    }
}

fn stream_methods(op: &Operation, p: &Pagination) -> TokenStream {
    let name = ident(&op.builder_name);
    let item = type_tokens(&p.item_type, From::Builders);
    let page = type_tokens(&TypeRef::Named(p.page_type.clone()), From::Builders);
    let cursor = ident(&p.cursor_param);
    quote! {
        impl #name {
            /// Walks every page, following the cursor, as a stream of items. Only one page
            /// is held in memory at a time; `limit` sets the page size and the other inputs
            /// apply to every page.
            pub fn into_stream(self) -> impl crate::runtime::Stream<Item = crate::runtime::Result<#item>> + Send + Unpin + 'static {
                crate::runtime::paginate(self)
            }
        }

        impl crate::runtime::Paginated for #name {
            type Page = #page;

            fn set_cursor(&mut self, cursor: String) {
                self.#cursor = Some(cursor);
            }

            fn fetch(self) -> crate::runtime::BoxFuture<crate::runtime::Result<Self::Page>> {
                Box::pin(self.send())
            }
        }
    }
}

fn page_impl(p: &Pagination) -> TokenStream {
    let page = type_tokens(&TypeRef::Named(p.page_type.clone()), From::Builders);
    let item = type_tokens(&p.item_type, From::Builders);
    let items = ident(&p.items_field);
    let has_more = ident(&p.has_more_field);
    let next = ident(&p.next_cursor_field);
    let has_more = if p.has_more_optional {
        quote!(self.#has_more.unwrap_or(false))
    } else {
        quote!(self.#has_more)
    };
    let next = if p.next_cursor_optional {
        quote!(self.#next)
    } else {
        quote!(Some(self.#next))
    };
    quote! {
        impl crate::runtime::Page for #page {
            type Item = #item;

            fn into_parts(self) -> (Vec<Self::Item>, Option<String>) {
                let next = if #has_more { #next } else { None };
                (self.#items, next)
            }
        }
    }
}
