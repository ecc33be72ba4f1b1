//! The spec's examples → `spec_examples.rs`: one test per example that decodes it into its
//! type, encodes it back and compares the two as JSON, so that a spec whose examples do not
//! fit its schemas, or a model that loses data, fails `cargo test`.

use super::File;
use crate::ir::Api;
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn spec_examples(api: &Api) -> TokenStream {
    let file = File::new(api);
    let tests: Vec<TokenStream> = api
        .examples
        .iter()
        .map(|example| {
            file.gated(&example.gate, || {
                let name = ident(&example.test_name);
                let ty = file.ty(&example.ty);
                let check = file.runtime("check_example");
                let pointer = &example.pointer;
                let json = serde_json::to_string(&example.value).unwrap_or_default();
                vec![quote! {
                    #[test]
                    fn #name() {
                        #check::<#ty>(#pointer, #json);
                    }
                }]
            })
        })
        .collect();
    let uses = file.use_lines();
    quote! {
        #![doc = " The spec's `example` values as round-trip tests: each must decode into its type and"]
        #![doc = " encode back to the same JSON (absent and `null` fields are equal; numbers compare by value)."]
        #![allow(non_snake_case)]

        #uses

        #(#tests)*
    }
}
