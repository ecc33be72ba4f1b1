//! IR → token streams, one per generated file. Emitters only turn answers that lowering
//! already gave into tokens; they never look at the spec.

mod docs;
mod examples;
mod mock;
mod models;
mod operations;
mod resources;

use crate::ir::{Api, Auth, TypeRef};
use crate::render::render;
use crate::{Config, Error, GeneratedFile};
use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn emit(api: &Api, config: &Config) -> Result<Vec<GeneratedFile>, Error> {
    Ok(vec![
        render("mod.rs", module_root(api, config))?,
        render("models.rs", models::models(api))?,
        render("builders.rs", operations::builders(api))?,
        render("resources.rs", resources::resources(api))?,
        render("mock.rs", mock::mock(api))?,
        render("spec_examples.rs", examples::examples(api))?,
    ])
}

/// `mod.rs`: the submodules and what the runtime needs to know about this API.
fn module_root(api: &Api, config: &Config) -> TokenStream {
    let title = format!("{} (version {})", api.title, api.version);
    let mut doc = format!("The generated part of the client for {title}.");
    if let Some(description) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    let doc = docs::inner_doc_attrs(&doc);
    let base_url = api.base_url.as_deref().unwrap_or("http://localhost");
    let api_key_env = &config.api_key_env;
    let base_url_env = &config.base_url_env;
    let auth = match api.auth {
        Auth::None => quote!(None),
        Auth::Bearer => quote!(Bearer),
        Auth::Basic => quote!(Basic),
    };
    let operations = proc_macro2::Literal::usize_unsuffixed(api.operations.len());
    let title = &api.title;
    quote! {
        #doc

        pub mod builders;
        pub mod models;
        pub mod resources;
        #[cfg(feature = "mock")]
        pub mod mock;
        #[cfg(test)]
        mod spec_examples;

        /// What the runtime needs to know about this API.
        pub(crate) const API: crate::runtime::ApiInfo = crate::runtime::ApiInfo {
            title: #title,
            default_base_url: #base_url,
            api_key_env: #api_key_env,
            base_url_env: #base_url_env,
            auth: crate::runtime::AuthScheme::#auth,
            operations: #operations,
        };
    }
}

/// Where a type is written from: inside `models`, named types need no path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum From {
    Models,
    Builders,
}

/// The Rust type for a type reference.
pub(crate) fn type_tokens(ty: &TypeRef, from: From) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::Bytes => quote!(crate::runtime::Bytes),
        TypeRef::File => quote!(crate::runtime::FileUpload),
        TypeRef::Named(name) => {
            let ident = crate::names::ident(name);
            match from {
                From::Models => quote!(#ident),
                From::Builders => quote!(super::models::#ident),
            }
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, from);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, from);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, from);
            quote!(Box<#inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, from);
            quote!(Option<#inner>)
        }
    }
}

pub(crate) use docs::doc_attrs;
