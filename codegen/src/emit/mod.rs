//! IR → token streams, one emitter per generated file. Emitters render what lowering decided
//! and decide nothing: they import the IR, [`render`], and `names::ident` to turn a decided
//! name into an identifier; they never look at the spec, claim a name, or call one another.
//! What several of them render the same way (a type, an argument) is in this module.

mod builders;
mod crate_root;
mod decode;
mod docs;
mod mock;
mod models;
mod resources;
mod spec_examples;
mod webhooks;

use crate::ir::{
    Api, Gate, KeyLocation, SchemeKind, SecurityScheme, StatusVariant, TypeId, TypeKind, TypeRef,
};
use crate::names::ident;
use crate::render::render;
use crate::{Error, GeneratedFile};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::cell::RefCell;

pub(crate) use docs::doc_attrs;

/// One generated module: its file name and its emitter.
type Emitter = fn(&Api) -> TokenStream;

/// The generated modules, largest first (the order in which they are emitted, so that the
/// threads finish together); the output lists them in `MODULE_ORDER`.
const MODULES: &[(&str, Emitter)] = &[
    ("models.rs", models::models),
    ("decode.rs", decode::decode),
    ("builders.rs", builders::builders),
    ("mock.rs", mock::mock),
    ("resources.rs", resources::resources),
    ("spec_examples.rs", spec_examples::spec_examples),
    ("webhooks.rs", webhooks::webhooks),
    ("mod.rs", module_root),
];

/// Whether the API has the module `path`: every one but `webhooks.rs`, which only an API
/// with typed webhooks has.
fn has_module(api: &Api, path: &str) -> bool {
    path != "webhooks.rs" || api.webhooks.is_some()
}

/// The order of the modules in the output.
const MODULE_ORDER: &[&str] = &[
    "mod.rs",
    "models.rs",
    "decode.rs",
    "builders.rs",
    "resources.rs",
    "mock.rs",
    "spec_examples.rs",
    "webhooks.rs",
];

pub(crate) fn emit(api: &Api) -> Result<Vec<GeneratedFile>, Error> {
    let mut modules = render_all(api)?;
    modules.sort_by_key(|f| MODULE_ORDER.iter().position(|m| *m == f.path));
    let Some(manifest) = &api.standalone else {
        return Ok(modules);
    };
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: crate_root::manifest(api, manifest),
        },
        render(&api.header, "src/lib.rs", crate_root::lib(api))?,
    ];
    files.extend(modules.into_iter().map(|file| GeneratedFile {
        path: format!("src/generated/{}", file.path),
        contents: file.contents,
    }));
    Ok(files)
}

/// Emits and renders every module, on as many threads as the machine has cores (each
/// module is independent: the IR is shared, read-only).
fn render_all(api: &Api) -> Result<Vec<GeneratedFile>, Error> {
    let modules: Vec<&(&str, Emitter)> = MODULES
        .iter()
        .filter(|(path, _)| has_module(api, path))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(modules.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((path, emitter)) = modules.get(i) else {
                return done;
            };
            done.push(render(&api.header, path, emitter(api)));
        }
    };
    let results: Vec<Result<GeneratedFile, Error>> = if threads <= 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            // Threads that cannot be started leave their share to the others, and to this
            // one; a panic on a thread is a panic here (the generator never hides one).
            let handles: Vec<_> = (1..threads)
                .filter_map(|_| {
                    std::thread::Builder::new()
                        .stack_size(STACK_SIZE)
                        .spawn_scoped(scope, work)
                        .ok()
                })
                .collect();
            let mut results = work();
            for handle in handles {
                match handle.join() {
                    Ok(done) => results.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            results
        })
    };
    results.into_iter().collect()
}

/// The stack of each rendering thread: deeply nested specs make deeply nested tokens
/// (`cargo xtask codegen` itself runs the generator on a 256 MiB stack).
const STACK_SIZE: usize = 256 << 20;

/// The crate every generated file reaches the runtime through.
const RUNTIME_CRATE: &str = "apigen_runtime";

/// `mod.rs`: the submodules, what users need from the runtime, and the API's `Client`.
fn module_root(api: &Api) -> TokenStream {
    let title = format!("{} (version {})", api.title, api.version);
    let mut doc = format!("The generated part of the client for {title}.");
    if let Some(description) = &api.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    let doc = docs::inner_doc_attrs(&doc);
    let runtime = format_ident!("{RUNTIME_CRATE}");
    let base_url = api.base_url.as_deref().unwrap_or("http://localhost");
    let base_url_env = &api.environment.base_url;
    let security = &api.security;
    let schemes = security.schemes.iter().map(|scheme| {
        let name = &scheme.name;
        let env = &scheme.env;
        let setter = scheme.setter.trim_start_matches("r#");
        let kind = match &scheme.kind {
            SchemeKind::ApiKey { location, name } => {
                let location = match location {
                    KeyLocation::Header => quote!(Header),
                    KeyLocation::Query => quote!(Query),
                    KeyLocation::Cookie => quote!(Cookie),
                };
                quote!(ApiKey { location: #runtime::__private::KeyLocation::#location, name: #name })
            }
            SchemeKind::Http { scheme } => quote!(Http { scheme: #scheme }),
            SchemeKind::OAuth2 { token_url } => {
                let token_url = match token_url {
                    Some(url) => quote!(Some(#url)),
                    None => quote!(None),
                };
                quote!(OAuth2 { token_url: #token_url })
            }
        };
        quote! {
            #runtime::__private::SecurityScheme {
                name: #name,
                kind: #runtime::__private::SchemeKind::#kind,
                env: #env,
                setter: #setter,
            }
        }
    });
    let requirements = security.requirements.iter().map(|alternatives| {
        let alternatives = alternatives.iter().map(|schemes| {
            let schemes = schemes
                .iter()
                .map(|i| proc_macro2::Literal::u16_unsuffixed(*i as u16));
            quote!(&[#(#schemes),*])
        });
        quote!(&[#(#alternatives),*])
    });
    let overrides = security.overrides.iter().map(|(operation, index)| {
        let index = proc_macro2::Literal::u16_unsuffixed(*index as u16);
        quote!((#operation, #index))
    });
    let setters: Vec<TokenStream> = security
        .schemes
        .iter()
        .enumerate()
        .map(|(index, scheme)| credential_setters(index, scheme, security.schemes.len()))
        .collect();
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl ClientBuilder {
                #(#setters)*
            }
        }
    });
    let credentials_doc = &security.credentials_doc;
    let operations = proc_macro2::Literal::usize_unsuffixed(api.operations.len());
    let title = &api.title;
    let idempotency_header = match &api.idempotency_header {
        Some(name) => quote!(Some(#name)),
        None => quote!(None),
    };
    let webhooks = api.webhooks.as_ref().map(|w| {
        let feature = &w.feature;
        quote! {
            #[cfg(feature = #feature)]
            pub mod webhooks;
        }
    });
    let reexports = api
        .runtime_reexports
        .iter()
        .map(|name| format_ident!("{name}"));
    quote! {
        #doc

        pub mod builders;
        mod decode;
        pub mod models;
        pub mod resources;
        #[cfg(feature = "mock")]
        pub mod mock;
        #[cfg(test)]
        mod spec_examples;
        #webhooks

        pub use #runtime::{#(#reexports),*};

        /// What the runtime needs to know about this API.
        const API: #runtime::__private::ApiInfo = #runtime::__private::ApiInfo {
            title: #title,
            default_base_url: #base_url,
            base_url_env: #base_url_env,
            schemes: &[#(#schemes),*],
            security: &[#(#requirements),*],
            operation_security: &[#(#overrides),*],
            operations: #operations,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (Rust)"),
            idempotency_header: #idempotency_header,
        };

        // `Client` and `ClientBuilder`; the literals name the environment variables in their docs.
        #runtime::client!(API, #credentials_doc, #base_url_env, #base_url);

        #setters
    }
}

/// The `ClientBuilder` methods that set the credential of the scheme at `index`.
fn credential_setters(index: usize, scheme: &SecurityScheme, count: usize) -> TokenStream {
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let setter = ident(&scheme.setter);
    let what = if count == 1 {
        "The API key".to_owned()
    } else {
        format!("The credential of the security scheme `{}`", scheme.name)
    };
    let how = match &scheme.kind {
        SchemeKind::ApiKey { location, name } => match location {
            KeyLocation::Header => format!("sent in the `{name}` header"),
            KeyLocation::Query => format!("sent as the `{name}` query parameter"),
            KeyLocation::Cookie => format!("sent as the `{name}` cookie"),
        },
        SchemeKind::Http { scheme } if scheme == "Basic" => {
            "`user:password`, sent as `Authorization: Basic` and its base64".to_owned()
        }
        SchemeKind::Http { scheme } => format!("sent as `Authorization: {scheme} <credential>`"),
        SchemeKind::OAuth2 { .. } => {
            "an access token, sent as `Authorization: Bearer <token>`".to_owned()
        }
    };
    let doc = doc_attrs(Some(&format!(
        "{what}: {how}; `Client::from_env` reads it from `{}`. It is never printed by `Debug`, \
         errors or logs.",
        scheme.env
    )));
    let token_source = scheme.token_source_setter.as_ref().map(|name| {
        let name = ident(name);
        let doc = doc_attrs(Some(&format!(
            "Access tokens for the security scheme `{}` from `source` (a `TokenSource`, or a \
             closure returning a future of `Result<String, E>`), asked for before each request \
             that needs one.",
            scheme.name
        )));
        quote! {
            #doc
            pub fn #name(self, source: impl apigen_runtime::TokenSource) -> Self {
                ClientBuilder { inner: self.inner.token_source(#index, source) }
            }
        }
    });
    let client_credentials = scheme.client_credentials_setter.as_ref().map(|name| {
        let name = ident(name);
        let url = match &scheme.kind {
            SchemeKind::OAuth2 {
                token_url: Some(url),
            } => url.as_str(),
            _ => "",
        };
        let doc = doc_attrs(Some(&format!(
            "Access tokens for the security scheme `{}` from its client-credentials flow: \
             `client_id` and `client_secret` are posted to `{url}`, and each token is kept until \
             shortly before it expires. `Client::from_env` reads them from `{}_CLIENT_ID` and \
             `{}_CLIENT_SECRET`.",
            scheme.name, scheme.env, scheme.env
        )));
        quote! {
            #doc
            pub fn #name(self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
                ClientBuilder { inner: self.inner.client_credentials(#index, client_id, client_secret) }
            }
        }
    });
    quote! {
        #doc
        pub fn #setter(self, key: impl Into<String>) -> Self {
            ClientBuilder { inner: self.inner.credential(#index, key) }
        }
        #token_source
        #client_credentials
    }
}

/// One generated file as it is being written: what it refers to outside itself, and under
/// which features, so that its `use` lines are exactly the ones it needs (an unused one
/// would be a warning in some combination of features).
struct File<'a> {
    api: &'a Api,
    /// Whether this is `models.rs`, where models need no path.
    in_models: bool,
    /// Whether to write full paths instead of `use` lines (for a file whose items have
    /// conditions no `use` line can follow: the decoders, compiled with their type and,
    /// for one direction, only with the serde feature).
    qualified: bool,
    /// The gate of the item being written.
    current: RefCell<Gate>,
    uses: RefCell<Uses>,
}

/// Each import, with the gate of everything that uses it (`None`: unused).
#[derive(Default)]
struct Uses {
    /// `use apigen_runtime::__private as runtime;`
    runtime: Option<Gate>,
    /// `use super::models;`
    models: Option<Gate>,
    /// `use apigen_runtime::Result;`
    result: Option<Gate>,
}

impl<'a> File<'a> {
    fn new(api: &'a Api) -> Self {
        File {
            api,
            in_models: false,
            qualified: false,
            current: RefCell::new(Gate::Always),
            uses: RefCell::default(),
        }
    }

    fn models(api: &'a Api) -> Self {
        File {
            in_models: true,
            ..File::new(api)
        }
    }

    fn qualified(api: &'a Api) -> Self {
        File {
            qualified: true,
            ..File::new(api)
        }
    }

    /// Writes the items that `write` renders, each compiled under `gate` (its `#[cfg]`, none
    /// when always compiled); what `write` refers to is needed under `gate`.
    fn gated(&self, gate: &Gate, write: impl FnOnce() -> Vec<TokenStream>) -> TokenStream {
        let items = self.needing(gate, write);
        let cfg = cfg(gate);
        quote!(#(#cfg #items)*)
    }

    /// Runs `write` with what it refers to counted as needed under `gate`.
    fn needing<T>(&self, gate: &Gate, write: impl FnOnce() -> T) -> T {
        let outer = self.current.replace(gate.clone());
        let written = write();
        self.current.replace(outer);
        written
    }

    fn record(&self, pick: impl FnOnce(&mut Uses) -> &mut Option<Gate>) {
        let current = self.current.borrow();
        let mut uses = self.uses.borrow_mut();
        let slot = pick(&mut uses);
        *slot = Some(match slot.take() {
            None => current.clone(),
            Some(gate) => gate.union(&current),
        });
    }

    /// `runtime::<name>`: an item of the runtime (generated code reaches it through the
    /// runtime's `__private` module, which also re-exports its public items).
    fn runtime(&self, name: &str) -> TokenStream {
        let module = self.runtime_module();
        let name = format_ident!("{name}");
        quote!(#module::#name)
    }

    /// `runtime`, the module through which generated code reaches the runtime.
    fn runtime_module(&self) -> TokenStream {
        if self.qualified {
            let runtime = format_ident!("{RUNTIME_CRATE}");
            return quote!(#runtime::__private);
        }
        self.record(|u| &mut u.runtime);
        quote!(runtime)
    }

    /// The runtime's `Result`.
    fn result(&self) -> TokenStream {
        if self.qualified {
            let runtime = format_ident!("{RUNTIME_CRATE}");
            return quote!(#runtime::Result);
        }
        self.record(|u| &mut u.result);
        quote!(Result)
    }

    /// A named type: `models::<Name>`, or `<Name>` inside `models`.
    fn model(&self, id: TypeId) -> TokenStream {
        let name = ident(&self.api.types[id.0].name);
        if self.in_models {
            quote!(#name)
        } else if self.qualified {
            quote!(super::models::#name)
        } else {
            self.record(|u| &mut u.models);
            quote!(models::#name)
        }
    }

    /// The `use` lines of what was referred to, each under the gate of its uses.
    fn use_lines(&self) -> TokenStream {
        let uses = self.uses.borrow();
        let runtime = format_ident!("{RUNTIME_CRATE}");
        let line = |gate: &Option<Gate>, tokens: TokenStream| {
            gate.as_ref().map(|gate| {
                let cfg = cfg(gate);
                quote!(#cfg #tokens)
            })
        };
        let models = line(
            &uses.models,
            quote!(
                use super::models;
            ),
        );
        let result = line(&uses.result, quote!(use #runtime::Result;));
        let private = line(&uses.runtime, quote!(use #runtime::__private as runtime;));
        quote!(#models #result #private)
    }

    /// The Rust type for a type reference.
    fn ty(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String => quote!(String),
            TypeRef::Bool => quote!(bool),
            TypeRef::I32 => quote!(i32),
            TypeRef::I64 => quote!(i64),
            TypeRef::U64 => quote!(u64),
            TypeRef::F32 => quote!(f32),
            TypeRef::F64 => quote!(f64),
            TypeRef::Json => quote!(serde_json::Value),
            TypeRef::Bytes => self.runtime("Bytes"),
            TypeRef::File => self.runtime("FileUpload"),
            TypeRef::Named(id) => self.model(*id),
            TypeRef::Vec(inner) => {
                let inner = self.ty(inner);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.ty(inner);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            TypeRef::Boxed(inner) => {
                let inner = self.ty(inner);
                quote!(Box<#inner>)
            }
            TypeRef::Nullable(inner) => {
                let inner = self.ty(inner);
                quote!(Option<#inner>)
            }
        }
    }

    /// The type of a value kept as an `Option` when `optional` (and not already one).
    fn optional_ty(&self, ty: &TypeRef, optional: bool) -> TokenStream {
        match ty {
            TypeRef::Nullable(_) => self.ty(ty),
            _ if optional => {
                let inner = self.ty(ty);
                quote!(Option<#inner>)
            }
            _ => self.ty(ty),
        }
    }

    /// The type a method takes for a value of `ty`, and how to turn the argument into the
    /// value.
    fn argument(&self, ty: &TypeRef, value: &Ident) -> (TokenStream, TokenStream) {
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
                let item = self.ty(item);
                (
                    quote!(impl IntoIterator<Item = #item>),
                    quote!(#value.into_iter().collect()),
                )
            }
            TypeRef::Boxed(inner) => {
                let inner = self.ty(inner);
                (quote!(#inner), quote!(Box::new(#value)))
            }
            TypeRef::Bytes => {
                let bytes = self.runtime("Bytes");
                (quote!(impl Into<#bytes>), quote!(#value.into()))
            }
            other => (self.ty(other), quote!(#value)),
        }
    }
}

/// The `#[cfg]` of a gate (nothing for an item always compiled).
fn cfg(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Always => TokenStream::new(),
        Gate::Features(features) => {
            let condition = any_feature(features);
            quote!(#[cfg(#condition)])
        }
    }
}

/// `feature = "a"`, or `any(feature = "a", feature = "b")`.
fn any_feature(features: &[String]) -> TokenStream {
    match features {
        [one] => quote!(feature = #one),
        many => quote!(any(#(feature = #many),*)),
    }
}

/// The condition for the serde direction a type does not need itself: its tests, or the
/// serde feature.
fn other_direction(api: &Api) -> TokenStream {
    let feature = &api.serde_feature;
    quote!(any(test, feature = #feature))
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
