//! Operations → `mock.rs` (behind the client's `mock` feature): a typed expectation per
//! operation on the runtime's `MockServer`, with a matcher per path parameter and the
//! operation's own response type for `.returns(…)`.

use super::{From, argument, doc_path, status_variants, type_tokens};
use crate::ir::{Api, Operation, ParamStyle, ResponseKind, TypeRef};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn mock(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.mock_method);
        let marker = ident(&op.builder_name);
        let doc = format!(
            " Expects `{} {}` (`{}`); answer it with `.returns(…).await`.",
            op.method.as_str(),
            doc_path(&op.path.template),
            op.id
        );
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> crate::runtime::mock::Expectation<'_, #marker> {
                self.expect()
            }
        }
    });
    let impl_block = (!api.operations.is_empty()).then(|| {
        quote! {
            impl crate::runtime::mock::MockServer {
                #(#methods)*
            }
        }
    });
    let markers = api.operations.iter().map(|op| marker(api, op));
    quote! {
        #![doc = " Typed expectations per operation for [`MockServer`](crate::mock::MockServer)."]
        #![allow(clippy::doc_markdown)]

        #impl_block

        #(#markers)*
    }
}

fn marker(api: &Api, op: &Operation) -> TokenStream {
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
    let (response, encode) = match &op.response.kind {
        ResponseKind::Empty => (quote!(()), quote!((200, "text/plain", Vec::new()))),
        ResponseKind::Json(ty) => (
            type_tokens(api, ty, From::Builders),
            quote!(crate::runtime::mock::json_body(200, response)),
        ),
        ResponseKind::Text => (
            quote!(String),
            quote!((200, "text/plain", response.clone().into_bytes())),
        ),
        ResponseKind::EventStream => (
            quote!(String),
            quote!((200, "text/event-stream", response.clone().into_bytes())),
        ),
        ResponseKind::Bytes => (
            quote!(crate::runtime::Bytes),
            quote!((200, "application/octet-stream", response.to_vec())),
        ),
        ResponseKind::ByStatus(id) => {
            let ty = type_tokens(api, &TypeRef::Named(*id), From::Builders);
            let variants = status_variants(api, *id);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let status = v.status;
                match &v.ty {
                    Some(_) => {
                        quote!(#ty::#variant(body) => crate::runtime::mock::json_body(#status, body),)
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
            let (arg, convert) = argument(api, &p.ty, &id);
            let stored = type_tokens(api, &p.ty, From::Builders);
            let doc = format!(" Only requests whose `{wire}` is this value.");
            // The segment as the client writes it (see `emit::operations::path_expr`).
            let prefix = match p.style {
                ParamStyle::Label => ".".to_owned(),
                ParamStyle::Matrix => format!(";{wire}="),
                _ => String::new(),
            };
            let value = match p.style {
                ParamStyle::Json => quote!(&crate::runtime::json_text(&value).unwrap_or_default()),
                ParamStyle::Text => quote!(
                    &crate::runtime::plain_text(&value)
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                ),
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
            impl crate::runtime::mock::Expectation<'_, #marker> {
                #(#matchers)*
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #marker {}

        impl crate::runtime::mock::MockOperation for #marker {
            type Response = #response;
            const OPERATION: &'static str = #operation;
            const METHOD: &'static str = #method;
            const TEMPLATE: &'static str = #template;

            fn encode(response: &Self::Response) -> (u16, &'static str, Vec<u8>) {
                #unused
                #encode
            }
        }

        #matcher_impl
    }
}
