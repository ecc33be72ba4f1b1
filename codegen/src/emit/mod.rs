//! IR → token streams, one emitter per generated file. Emitters render what lowering decided
//! and decide nothing: they import the IR, [`render`], and `names::ident` to turn a decided
//! name into an identifier; they never look at the spec, claim a name, or call one another.
//! What several of them render the same way (a type, an argument) is in this module.

mod builders;
mod docs;
mod mock;
mod models;
mod resources;
mod spec_examples;

use crate::ir::{Api, Auth, StatusVariant, TypeId, TypeKind, TypeRef};
use crate::names::ident;
use crate::render::render;
use crate::{Error, GeneratedFile};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub(crate) use docs::doc_attrs;

pub(crate) fn emit(api: &Api) -> Result<Vec<GeneratedFile>, Error> {
    Ok(vec![
        render("mod.rs", module_root(api))?,
        render("models.rs", models::models(api))?,
        render("builders.rs", builders::builders(api))?,
        render("resources.rs", resources::resources(api))?,
        render("mock.rs", mock::mock(api))?,
        render("spec_examples.rs", spec_examples::spec_examples(api))?,
    ])
}

/// `mod.rs`: the submodules and what the runtime needs to know about this API.
fn module_root(api: &Api) -> TokenStream {
    let title = format!("{} (version {})", api.title, api.version);
    let mut doc = format!("The generated part of the client for {title}.");
    if let Some(description) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    let doc = docs::inner_doc_attrs(&doc);
    let base_url = api.base_url.as_deref().unwrap_or("http://localhost");
    let api_key_env = &api.environment.api_key;
    let base_url_env = &api.environment.base_url;
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
enum From {
    Models,
    Builders,
}

/// The Rust type for a type reference.
fn type_tokens(api: &Api, ty: &TypeRef, from: From) -> TokenStream {
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
        TypeRef::Named(id) => {
            let ident = ident(&api.types[id.0].name);
            match from {
                From::Models => quote!(#ident),
                From::Builders => quote!(super::models::#ident),
            }
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(api, inner, from);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(api, inner, from);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(api, inner, from);
            quote!(Box<#inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(api, inner, from);
            quote!(Option<#inner>)
        }
    }
}

/// The type of a value kept as an `Option` when `optional` (and not already one).
fn optional_type(api: &Api, ty: &TypeRef, optional: bool, from: From) -> TokenStream {
    match ty {
        TypeRef::Nullable(_) => type_tokens(api, ty, from),
        _ if optional => {
            let inner = type_tokens(api, ty, from);
            quote!(Option<#inner>)
        }
        _ => type_tokens(api, ty, from),
    }
}

/// The type a method takes for a value of `ty`, and how to turn the argument into the value.
fn argument(api: &Api, ty: &TypeRef, value: &Ident) -> (TokenStream, TokenStream) {
    let ty = match ty {
        TypeRef::Nullable(inner) => inner,
        other => other,
    };
    match ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(#value.into())),
        TypeRef::Vec(item) if **item == TypeRef::String => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(#value.into_iter().map(Into::into).collect()),
        ),
        TypeRef::Vec(item) => {
            let item = type_tokens(api, item, From::Builders);
            (
                quote!(impl IntoIterator<Item = #item>),
                quote!(#value.into_iter().collect()),
            )
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(api, inner, From::Builders);
            (quote!(#inner), quote!(Box::new(#value)))
        }
        TypeRef::Bytes => (
            quote!(impl Into<crate::runtime::Bytes>),
            quote!(#value.into()),
        ),
        other => (type_tokens(api, other, From::Builders), quote!(#value)),
    }
}

/// `field: value,`, or the shorthand `field,` when the value is the variable of that name.
fn field_init(field: &Ident, value: TokenStream) -> TokenStream {
    if *field == value.to_string() {
        quote!(#field,)
    } else {
        quote!(#field: #value,)
    }
}

/// The variants of a [`TypeKind::Responses`] enum.
fn status_variants(api: &Api, id: TypeId) -> &[StatusVariant] {
    match &api.types[id.0].kind {
        TypeKind::Responses { variants } => variants,
        _ => &[],
    }
}

/// Text of a path template for docs (backticks would end the code span).
fn doc_path(template: &str) -> String {
    template.replace('`', "")
}
