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

use crate::ir::{Api, Auth, Gate, StatusVariant, TypeId, TypeKind, TypeRef};
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
    let api_key_env = &api.environment.api_key;
    let base_url_env = &api.environment.base_url;
    let auth = match api.auth {
        Auth::None => quote!(None),
        Auth::Bearer => quote!(Bearer),
        Auth::Basic => quote!(Basic),
    };
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
    let item_stream = api
        .operations
        .iter()
        .any(|op| matches!(op.response.kind, crate::ir::ResponseKind::Items { .. }))
        .then(|| quote!(pub use #runtime::ItemStream;));
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

        pub use #runtime::{
            ApiError, ApiErrorBody, ApiResponse, BoxFuture, ByteStream, Bytes, Error, FileUpload,
            HeaderMap, NoErrorBody, Page, RequestOptions, Result, StatusCode,
        };
        #item_stream

        /// What the runtime needs to know about this API.
        const API: #runtime::__private::ApiInfo = #runtime::__private::ApiInfo {
            title: #title,
            default_base_url: #base_url,
            api_key_env: #api_key_env,
            base_url_env: #base_url_env,
            auth: #runtime::__private::AuthScheme::#auth,
            operations: #operations,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"), " (Rust)"),
            idempotency_header: #idempotency_header,
        };

        // `Client` and `ClientBuilder`; the literals name the environment variables in their docs.
        #runtime::client!(API, #api_key_env, #base_url_env, #base_url);
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
