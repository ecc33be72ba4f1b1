//! The spec's examples → `spec_examples.rs`: one test per example that decodes it into its
//! type, encodes it back and compares the two as JSON, so that a spec whose examples do not
//! fit its schemas, or a model that loses data, fails `cargo test`.

use super::{From, type_tokens};
use crate::ir::Api;
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn spec_examples(api: &Api) -> TokenStream {
    let tests = api.examples.iter().map(|example| {
        let name = ident(&example.test_name);
        let ty = type_tokens(api, &example.ty, From::Builders);
        let pointer = &example.pointer;
        let json = serde_json::to_string(&example.value).unwrap_or_default();
        quote! {
            #[test]
            fn #name() {
                crate::runtime::check_example::<#ty>(#pointer, #json);
            }
        }
    });
    quote! {
        #![doc = " The spec's `example` values as round-trip tests: each must decode into its type and"]
        #![doc = " encode back to the same JSON (absent and `null` fields are equal; numbers compare by value)."]
        #![allow(non_snake_case)]

        #(#tests)*
    }
}
