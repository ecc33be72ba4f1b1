//! Operations → `builders.rs`: one method on `Client` per operation, and its request builder.

use super::{File, doc_attrs, field_init, status_variants};
use crate::ir::{
    Api, BodyKind, Framing, Input, InputRole, InputTarget, Operation, Page, Pagination,
    ParamLocation, ParamStyle, PartKind, PathSegment, ResponseKind, TypeRef,
};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(crate) fn builders(api: &Api) -> TokenStream {
    let file = File::new(api);
    let methods: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| file.gated(&op.gate, || vec![client_method(&file, op)]))
        .collect();
    let client_impl = (!methods.is_empty()).then(|| {
        quote! {
            impl super::Client {
                #(#methods)*
            }
        }
    });
    let builders: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| file.gated(&op.gate, || builder(&file, op)))
        .collect();
    let pages: Vec<TokenStream> = api
        .pages
        .iter()
        .map(|page| file.gated(&api.types[page.ty.0].gate, || vec![page_impl(&file, page)]))
        .collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " One request builder per operation."]
        #![doc = ""]
        #![doc = " `Client` has a method per operation that takes the required inputs and returns"]
        #![doc = " the operation's builder; optional inputs are builder methods. Finish with"]
        #![doc = " `.send().await` (or `.await` the builder itself), or `.send_with_meta().await` for"]
        #![doc = " the status, request id and headers as well."]
        #![allow(clippy::doc_markdown, clippy::too_many_arguments, clippy::doc_lazy_continuation)]

        #uses

        #client_impl

        #(#builders)*

        #(#pages)*
    }
}

/// Whether the operation has optional inputs (setters on its builder).
fn has_setters(op: &Operation) -> bool {
    op.inputs.iter().any(|i| i.role == InputRole::Setter)
}

/// Where an input's value is kept: `self.<target>`.
fn target(input: &Input) -> TokenStream {
    let id = ident(&input.name);
    match input.target {
        InputTarget::BodyField => quote!(body.#id),
        InputTarget::Param(_) | InputTarget::Body => quote!(#id),
    }
}

fn response_type(file: &File<'_>, op: &Operation) -> TokenStream {
    match &op.response.kind {
        ResponseKind::Empty => quote!(()),
        ResponseKind::Json(ty) => file.ty(ty),
        ResponseKind::Text => quote!(String),
        ResponseKind::Bytes => file.runtime("Bytes"),
        ResponseKind::EventStream => file.runtime("ByteStream"),
        ResponseKind::Items { item, .. } => {
            let stream = file.runtime("ItemStream");
            let item = file.ty(item);
            quote!(#stream<#item>)
        }
        ResponseKind::ByStatus(id) => file.ty(&TypeRef::Named(*id)),
    }
}

/// The error type of the operation's calls: `runtime::Error<Model>` when its error
/// responses declare a model, else none (the default, the plain `Error`).
fn error_type(file: &File<'_>, op: &Operation) -> Option<TokenStream> {
    op.error_model.as_ref().map(|model| {
        let error = file.runtime("Error");
        let model = file.ty(model);
        quote!(#error<#model>)
    })
}

/// `Result<T>`, or `Result<T, Error<Model>>` for an operation with an error model.
fn result_of(file: &File<'_>, op: &Operation, ok: TokenStream) -> TokenStream {
    let result = file.result();
    match error_type(file, op) {
        Some(error) => quote!(#result<#ok, #error>),
        None => quote!(#result<#ok>),
    }
}

/// The runtime's `Framing` value of a streamed response.
pub(super) fn framing(file: &File<'_>, framing: Framing) -> TokenStream {
    let rt = file.runtime("Framing");
    match framing {
        Framing::Events { data_json } => quote!(#rt::Events { data_json: #data_json }),
        Framing::EventData => quote!(#rt::EventData),
        Framing::JsonLines => quote!(#rt::JsonLines),
        Framing::JsonSeq => quote!(#rt::JsonSeq),
    }
}

fn client_method(file: &File<'_>, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let mut doc = op
        .doc
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", op.id));
    let then = if has_setters(op) {
        "set optional inputs on it, then `.send().await`"
    } else {
        "finish with `.send().await`"
    };
    doc.push_str(&format!(
        "\n\n`{} {}` (operationId `{}`). Returns the `{}` request builder: {then}.",
        op.method.as_str(),
        op.path.template,
        op.id,
        op.builder_name
    ));
    let doc = doc_attrs(Some(&doc));
    let args = op
        .inputs
        .iter()
        .filter(|i| i.role == InputRole::Argument)
        .map(|i| {
            let id = ident(&i.name);
            let (ty, _) = file.argument(&i.ty, &id);
            quote!(#id: #ty)
        });
    let init = |input: &Input| {
        let id = ident(&input.name);
        match input.role {
            InputRole::Argument => {
                let (_, convert) = file.argument(&input.ty, &id);
                if input.optional {
                    quote!(#id: Some(#convert),)
                } else {
                    field_init(&id, convert)
                }
            }
            InputRole::Setter => quote!(#id: None,),
            InputRole::Constant => quote!(#id: Default::default(),),
        }
    };
    let mut fields: Vec<TokenStream> = op
        .inputs
        .iter()
        .filter(|i| i.target != InputTarget::BodyField)
        .map(init)
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.flattened) {
        let values = op
            .inputs
            .iter()
            .filter(|i| i.target == InputTarget::BodyField)
            .map(init);
        let ty = file.ty(&body.ty);
        fields.push(quote!(body: #ty { #(#values)* },));
    }
    quote! {
        #doc
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder {
                client: self.clone(),
                #(#fields)*
            }
        }
    }
}

/// The items of an operation's request builder: the struct, its methods, `IntoFuture`, and
/// for a list the stream of items.
fn builder(file: &File<'_>, op: &Operation) -> Vec<TokenStream> {
    let name = ident(&op.builder_name);
    let then = if has_setters(op) {
        "Set optional inputs with its methods, then send it"
    } else {
        "Send it"
    };
    let doc = format!(
        "Request builder for `Client::{}`: `{} {}`.\n\n{then} with `.send().await` (or \
         `.await` the builder).",
        op.method_name.trim_start_matches("r#"),
        op.method.as_str(),
        op.path.template
    );
    let doc = doc_attrs(Some(&doc));
    let fields = op
        .inputs
        .iter()
        .filter(|i| matches!(i.target, InputTarget::Param(_)))
        .map(|input| {
            let id = ident(&input.name);
            let ty = file.optional_ty(&input.ty, input.optional);
            quote!(#id: #ty,)
        })
        .chain(op.body.as_ref().map(|body| {
            let ty = file.optional_ty(&body.ty, body.optional);
            quote!(body: #ty,)
        }));
    let setters = op
        .inputs
        .iter()
        .filter(|i| i.role == InputRole::Setter)
        .map(|i| setter(file, i));
    let send = send(file, op);
    let response = response_type(file, op);
    let request_builder = file.runtime("request_builder");
    let mut items = vec![
        quote! {
            #doc
            #[derive(Debug, Clone)]
            #[must_use = "a request builder does nothing until it is sent with `.send().await`"]
            pub struct #name {
                client: super::Client,
                #(#fields)*
            }
        },
        quote! {
            impl #name {
                #(#setters)*
                #send
            }
        },
        match &op.error_model {
            Some(model) => {
                let model = file.ty(model);
                quote!(#request_builder!(#name => #response, #model);)
            }
            None => quote!(#request_builder!(#name => #response);),
        },
    ];
    if let Some(p) = &op.pagination {
        items.extend(stream_methods(file, op, p));
    }
    items
}

fn setter(file: &File<'_>, input: &Input) -> TokenStream {
    let id = ident(&input.name);
    let fallback = format!("Sets `{}`.", input.name.trim_start_matches("r#"));
    let doc = doc_attrs(Some(input.doc.as_deref().unwrap_or(&fallback)));
    let (ty, convert) = file.argument(&input.ty, &id);
    let target = target(input);
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

fn send(file: &File<'_>, op: &Operation) -> TokenStream {
    let api = file.api;
    let rt = file.runtime_module();
    let result = file.result();
    let response = response_type(file, op);
    let http_method = if op.method.is_standard() {
        let constant = format_ident!("{}", op.method.as_str());
        quote!(#rt::Method::#constant)
    } else {
        let name = op.method.as_str();
        quote!(#rt::method(#name)?)
    };
    let operation_id = &op.id;
    let template = &op.path.template;
    let path = path_expr(file, op);
    let mut steps = Vec::new();
    for (name, value) in &op.fixed_query {
        steps.push(quote!(request.query(#name, #value);));
    }
    for p in &op.params {
        let id = ident(&p.name);
        let wire = &p.wire_name;
        let step = match (p.location, p.style) {
            (ParamLocation::Path, _) => continue,
            (ParamLocation::QueryString, ParamStyle::FormObject) => {
                quote!(request.query_string_form(&self.#id)?;)
            }
            (ParamLocation::QueryString, ParamStyle::Json) => {
                quote!(request.query_string_json(&self.#id)?;)
            }
            (ParamLocation::QueryString, _) => quote!(request.query_string(&self.#id);),
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
                if let Some(text) = #rt::plain_text(&self.#id)? {
                    request.query(#wire, &text);
                }
            },
            (ParamLocation::Header, ParamStyle::Text) => quote! {
                if let Some(text) = #rt::plain_text(&self.#id)? {
                    request.header(#wire, &text)?;
                }
            },
            (ParamLocation::Cookie, ParamStyle::Text) => quote! {
                if let Some(text) = #rt::plain_text(&self.#id)? {
                    request.cookie(#wire, &text);
                }
            },
            (ParamLocation::Query, _) => quote!(request.query(#wire, &self.#id);),
            (ParamLocation::Header, ParamStyle::Json) => {
                quote!(request.header_json(#wire, &self.#id)?;)
            }
            (ParamLocation::Header, _) => quote!(request.header(#wire, &self.#id)?;),
            (ParamLocation::Cookie, ParamStyle::Json) => {
                quote!(request.cookie(#wire, &#rt::json_text(&self.#id)?);)
            }
            (ParamLocation::Cookie, _) => quote!(request.cookie(#wire, &self.#id);),
        };
        steps.push(step);
    }
    if let Some(body) = &op.body {
        steps.push(body_step(file, body));
    }
    if let ResponseKind::Items { media, .. } = &op.response.kind {
        steps.push(quote!(request.accept(#media);));
    }
    let execute = match &op.response.kind {
        ResponseKind::Empty => quote!(self.client.transport.execute_empty(self.request()).await),
        ResponseKind::Json(_) => quote!(self.client.transport.execute_json(self.request()).await),
        ResponseKind::Text => quote!(self.client.transport.execute_text(self.request()).await),
        ResponseKind::Bytes => quote!(self.client.transport.execute_bytes(self.request()).await),
        ResponseKind::EventStream => {
            quote!(self.client.transport.execute_stream(self.request()).await)
        }
        ResponseKind::Items { framing: f, .. } => {
            let f = framing(file, *f);
            quote!(self.client.transport.execute_items(self.request(), #f).await)
        }
        ResponseKind::ByStatus(id) => {
            let ty = file.ty(&TypeRef::Named(*id));
            let variants = status_variants(api, *id);
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
            quote!(self.client.transport.execute_decode(self.request(), |status, body| match status { #(#arms)* #fallback }).await)
        }
    };
    let mutable = (!steps.is_empty()).then(|| quote!(mut));
    let stream_result = result_of(file, op, quote!(#rt::ByteStream));
    let send_result = result_of(file, op, response.clone());
    let meta_result = result_of(file, op, quote!(#rt::ApiResponse<#response>));
    let stream = op.response.also_stream.then(|| {
        quote! {
            /// Sends the request asking for a `text/event-stream` response, and returns its
            /// body as a stream of byte chunks as they arrive. (Set the body's `stream` field
            /// where the API asks for one.)
            pub async fn send_stream(self) -> #stream_result {
                let request = self.request().map(#rt::Request::event_stream);
                self.client.transport.execute_stream(request).await.map(#rt::ApiResponse::into_inner)
            }
        }
    });
    quote! {
        /// Sends the request and returns the decoded response.
        pub async fn send(self) -> #send_result {
            self.send_with_meta().await.map(#rt::ApiResponse::into_inner)
        }

        /// Sends the request and returns the decoded response with its status, request id
        /// and headers.
        pub async fn send_with_meta(self) -> #meta_result {
            #execute
        }

        #stream

        fn request(&self) -> #result<#rt::Request> {
            let #mutable request = #rt::Request::new(
                #http_method,
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
fn body_step(file: &File<'_>, body: &crate::ir::Body) -> TokenStream {
    match &body.kind {
        BodyKind::Json(media) if media == "application/json" => {
            if body.optional {
                quote!(if let Some(body) = &self.body {
                    request.json(body)?;
                })
            } else {
                quote!(request.json(&self.body)?;)
            }
        }
        BodyKind::Json(media) => {
            if body.optional {
                quote!(if let Some(body) = &self.body { request.json_as(#media, body)?; })
            } else {
                quote!(request.json_as(#media, &self.body)?;)
            }
        }
        BodyKind::Form => {
            if body.optional {
                quote!(if let Some(body) = &self.body {
                    request.form(body)?;
                })
            } else {
                quote!(request.form(&self.body)?;)
            }
        }
        BodyKind::Raw(media) => {
            if body.optional {
                quote!(if let Some(body) = &self.body { request.raw(#media, body.clone()); })
            } else {
                quote!(request.raw(#media, self.body.clone());)
            }
        }
        BodyKind::Multipart(parts) => {
            let parts = parts.iter().map(|part| {
                let id = ident(&part.field);
                let wire = &part.wire_name;
                match part.kind {
                    PartKind::File => quote!(form.file(#wire, &body.#id);),
                    PartKind::Text => quote!(form.text(#wire, &body.#id);),
                    PartKind::Json => quote!(form.json(#wire, &body.#id)?;),
                }
            });
            let multipart = file.runtime("Multipart");
            let build = quote! {
                let mut form = #multipart::new();
                #(#parts)*
                request.multipart(form);
            };
            if body.optional {
                quote!(if let Some(body) = &self.body { #build })
            } else {
                quote!({ let body = &self.body; #build })
            }
        }
    }
}

/// The request path: the template's literals with each parameter percent-encoded as one
/// path segment (`label` style prefixes a `.`, `matrix` style `;name=`).
fn path_expr(file: &File<'_>, op: &Operation) -> TokenStream {
    let rt = file.runtime_module();
    let mut parts = Vec::new();
    for segment in &op.path.segments {
        match segment {
            PathSegment::Literal(text) => parts.push(quote!(#text)),
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                let id = ident(&param.name);
                let wire = &param.wire_name;
                match param.style {
                    ParamStyle::Label => parts.push(quote!(".")),
                    ParamStyle::Matrix => {
                        let prefix = format!(";{wire}=");
                        parts.push(quote!(#prefix));
                    }
                    _ => {}
                }
                match param.style {
                    ParamStyle::Json => parts.push(quote!(&#rt::encode_path(#wire, &#rt::json_text(&self.#id)?)?)),
                    ParamStyle::Text => parts.push(quote!(&#rt::encode_path(#wire, &#rt::plain_text(&self.#id)?.unwrap_or_default())?)),
                    _ => parts.push(quote!(&#rt::encode_path(#wire, &self.#id)?)),
                }
            }
        }
    }
    match parts.as_slice() {
        [] => quote!(String::new()),
        [only]
            if !op
                .path
                .segments
                .iter()
                .any(|s| matches!(s, PathSegment::Param(_))) =>
        {
            quote!(String::from(#only))
        }
        _ => quote!([#(#parts),*].concat()),
    }
}

fn stream_methods(file: &File<'_>, op: &Operation, p: &Pagination) -> [TokenStream; 2] {
    let name = ident(&op.builder_name);
    let rt = file.runtime_module();
    let result = file.result();
    let page = &file.api.pages[p.page];
    let item = file.ty(&page.item_type);
    let page = file.ty(&TypeRef::Named(page.ty));
    let cursor = ident(&p.cursor_param);
    // Pages fail with the plain `Error`.
    let fetch = match &op.error_model {
        Some(_) => {
            quote!(Box::pin(async move { self.send_with_meta().await.map_err(#rt::Error::into_untyped) }))
        }
        None => quote!(Box::pin(self.send_with_meta())),
    };
    let stream = quote! {
        impl #name {
            /// Walks every page, following the cursor, as a stream of items. Only one page
            /// is held in memory at a time; `limit` sets the page size and the other inputs
            /// apply to every page.
            pub fn into_stream(self) -> impl #rt::Stream<Item = #result<#item>> + Send + Unpin + 'static {
                #rt::paginate(self)
            }

            /// Walks every page, following the cursor, as a stream of pages: each with its
            /// items, `has_more`, its `next_cursor` (resume from it later with `after`) and
            /// its request id.
            pub fn into_pages(self) -> impl #rt::Stream<Item = #result<#rt::Page<#item>>> + Send + Unpin + 'static {
                #rt::paginate_pages(self)
            }
        }
    };
    let paginated = quote! {
        impl #rt::Paginated for #name {
            type Page = #page;

            fn set_cursor(&mut self, cursor: String) {
                self.#cursor = Some(cursor);
            }

            fn fetch(self) -> #rt::BoxFuture<#result<#rt::ApiResponse<Self::Page>>> {
                #fetch
            }
        }
    };
    [stream, paginated]
}

fn page_impl(file: &File<'_>, p: &Page) -> TokenStream {
    let rt = file.runtime_module();
    let page = file.ty(&TypeRef::Named(p.ty));
    let item = file.ty(&p.item_type);
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
        impl #rt::PageParts for #page {
            type Item = #item;

            fn into_parts(self) -> (Vec<Self::Item>, bool, Option<String>) {
                (self.#items, #has_more, #next)
            }
        }
    }
}
