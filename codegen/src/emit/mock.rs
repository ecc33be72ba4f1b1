//! Operations → `mock.rs` (behind the client's `mock` feature): the crate's `MockServer`
//! (defined by the runtime's `mock!` macro) with a typed expectation per operation, a
//! matcher per path parameter and the operation's own response type for `.returns(…)`.

use super::{File, RUNTIME_CRATE, doc_path, status_variants};
use crate::ir::{Api, Operation, ParamStyle, ResponseKind, TypeRef};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub(crate) fn mock(api: &Api) -> TokenStream {
    let file = File::new(api);
    let runtime = format_ident!("{RUNTIME_CRATE}");
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.mock_method);
        let marker = ident(&op.builder_name);
        let doc = format!(
            " Expects `{} {}` (`{}`); answer it with `.returns(…).await`.",
            op.method.as_str(),
            doc_path(&op.path.template),
            op.id
        );
        file.gated(&op.gate, || {
            vec![quote! {
                #[doc = #doc]
                pub fn #method(&self) -> Expectation<'_, #marker> {
                    self.expect()
                }
            }]
        })
    });
    let impl_block = (!api.operations.is_empty()).then(|| {
        quote! {
            impl MockServer {
                #(#methods)*
            }
        }
    });
    let markers: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| file.gated(&op.gate, || marker(&file, op)))
        .collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " Typed test doubles for code that uses this client: [`MockServer`], a local server"]
        #![doc = " with a method per operation that returns an [`Expectation`] for it. Its path"]
        #![doc = " parameters have typed matchers, and [`Expectation::returns`] takes the operation's"]
        #![doc = " response type, so a test cannot answer with a body of the wrong shape. A request"]
        #![doc = " that no expectation matches gets a `404`."]
        #![allow(clippy::doc_markdown)]

        #uses

        pub use #runtime::mock::{MOCK_API_KEY, MockHandle, MockOperation, ResponseTemplate};

        #runtime::mock!(super::Client, super::ClientBuilder);

        #impl_block

        #(#markers)*
    }
}

/// An operation's marker type, its `MockOperation` impl and its path matchers.
fn marker(file: &File<'_>, op: &Operation) -> Vec<TokenStream> {
    let marker = ident(&op.builder_name);
    let doc = format!(
        " The `{}` operation (`{} {}`), for [`MockServer`](crate::mock::MockServer).",
        op.id,
        op.method.as_str(),
        doc_path(&op.path.template)
    );
    let operation = &op.id;
    let method = op.method.as_str();
    let template = &op.path.template;
    let status = proc_macro2::Literal::u16_unsuffixed(op.response.mock_status());
    let (response, encode) = match &op.response.kind {
        ResponseKind::Empty => (quote!(()), quote!((#status, "text/plain", Vec::new()))),
        ResponseKind::Json(ty) => (file.ty(ty), {
            let json_body = file.runtime("json_body");
            quote!(#json_body(#status, response))
        }),
        ResponseKind::Text => (
            quote!(String),
            quote!((#status, "text/plain", response.clone().into_bytes())),
        ),
        ResponseKind::Items {
            framing,
            item,
            media,
        } => {
            let item = file.ty(item);
            let framing = super::builders::framing(file, *framing);
            let encode_items = file.runtime("encode_items");
            (
                quote!(Vec<#item>),
                quote!((#status, #media, #encode_items(#framing, response))),
            )
        }
        ResponseKind::EventStream => (
            quote!(String),
            quote!((#status, "text/event-stream", response.clone().into_bytes())),
        ),
        ResponseKind::Bytes => (
            file.runtime("Bytes"),
            quote!((#status, "application/octet-stream", response.to_vec())),
        ),
        ResponseKind::ByStatus(id) => {
            let ty = file.ty(&TypeRef::Named(*id));
            let json_body = file.runtime("json_body");
            let variants = status_variants(file.api, *id);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let status = v.status;
                match &v.ty {
                    Some(_) => {
                        quote!(#ty::#variant(body) => #json_body(#status, body),)
                    }
                    None => quote!(#ty::#variant => (#status, "text/plain", Vec::new()),),
                }
            });
            let encode = quote!(match response { #(#arms)* });
            (ty, encode)
        }
    };
    let unused = matches!(op.response.kind, ResponseKind::Empty).then(|| quote!(let _ = response;));
    let matchers = op
        .mock_matchers
        .iter()
        .map(|m| {
            let p = &op.params[m.param];
            let id = ident(&m.name);
            let wire = &p.wire_name;
            let (arg, convert) = file.argument(&p.ty, &id);
            let stored = file.ty(&p.ty);
            let doc = format!(" Only requests whose `{wire}` is this value.");
            // The segment as the client writes it (see the builders' `path_expr`).
            let prefix = match p.style {
                ParamStyle::Label => ".".to_owned(),
                ParamStyle::Matrix => format!(";{wire}="),
                _ => String::new(),
            };
            let value = match p.style {
                ParamStyle::Json => {
                    let json_text = file.runtime("json_text");
                    quote!(&#json_text(&value).unwrap_or_default())
                }
                ParamStyle::Text => {
                    let plain_text = file.runtime("plain_text");
                    quote!(&#plain_text(&value).ok().flatten().unwrap_or_default())
                }
                _ => quote!(&value),
            };
            quote! {
                #[doc = #doc]
                pub fn #id(self, #id: #arg) -> Self {
                    let value: #stored = #convert;
                    self.path_param(#wire, #prefix, #value)
                }
            }
        })
        .collect::<Vec<_>>();
    let matcher_impl = (!matchers.is_empty()).then(|| {
        quote! {
            impl Expectation<'_, #marker> {
                #(#matchers)*
            }
        }
    });
    let definition = quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #marker {}
    };
    let operation_impl = quote! {
        impl MockOperation for #marker {
            type Response = #response;
            const OPERATION: &'static str = #operation;
            const METHOD: &'static str = #method;
            const TEMPLATE: &'static str = #template;

            fn encode(response: &Self::Response) -> (u16, &'static str, Vec<u8>) {
                #unused
                #encode
            }
        }
    };
    let mut items = vec![definition, operation_impl];
    items.extend(matcher_impl);
    items
}
