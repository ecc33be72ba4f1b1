//! A standalone crate's own files: `Cargo.toml` and `src/lib.rs`, around the generated
//! modules (`src/generated/`).

use super::docs::inner_doc_attrs;
use crate::ir::{Api, CrateManifest};
use proc_macro2::TokenStream;
use quote::quote;

/// `Cargo.toml`: the crate, its features, and its dependency on the runtime with exactly
/// the optional runtime features the API needs.
pub(crate) fn manifest(api: &Api, m: &CrateManifest) -> String {
    let runtime = &m.runtime;
    let runtime_features = &api.runtime_features;
    let mut dependency = format!("version = {}", toml_string(&runtime.version));
    if let Some(path) = &runtime.path {
        dependency.push_str(&format!(", path = {}", toml_string(path)));
    }
    dependency.push_str(", default-features = false");
    if !runtime_features.is_empty() {
        let features: Vec<String> = runtime_features.iter().map(|f| toml_string(f)).collect();
        dependency.push_str(&format!(", features = [{}]", features.join(", ")));
    }
    // One feature per group of operations, all on by default, and the types no operation
    // reaches.
    let mut default = vec!["rustls".to_owned(), "tracing".to_owned()];
    let mut groups = String::new();
    for feature in &api.features {
        let ops = feature.operations.len();
        groups.push_str(&format!(
            "## {} ({ops} operation{})\n{} = []\n",
            feature.title.replace(['\n', '\r'], " "),
            if ops == 1 { "" } else { "s" },
            feature.name
        ));
        default.push(feature.name.clone());
    }
    if let Some(other) = &api.other_types_feature {
        groups.push_str(&format!(
            "## The types no operation or webhook uses (shared definitions).\n{other} = []\n"
        ));
        default.push(other.clone());
    }
    if let Some(webhooks) = &api.webhooks {
        let events = webhooks.events.len();
        groups.push_str(&format!(
            "## `webhooks`: verify and decode the {events} webhook event{} the API sends.\n\
             {} = [\"apigen-runtime/webhooks\"]\n",
            if events == 1 { "" } else { "s" },
            webhooks.feature
        ));
        default.push(webhooks.feature.clone());
    }
    let default: Vec<String> = default.iter().map(|f| toml_string(f)).collect();
    let serde = &api.serde_feature;
    format!(
        r#"{header}[package]
name = {name}
version = "0.1.0"
edition = "2024"
rust-version = "1.85"
description = {description}
license = "MIT OR Apache-2.0"
publish = false

# A crate of its own, even when written inside another workspace.
[workspace]

[features]
default = [{default}]
{groups}## `Serialize` for the types only responses carry and `Deserialize` for those only
## requests carry (each type has the direction it needs without it).
{serde} = []
## `tracing` spans and events per request (never the key or bodies).
tracing = ["apigen-runtime/tracing"]
## `mock::MockServer`: typed expectations per operation, for testing code that uses the client.
mock = ["apigen-runtime/mock", "{serde}"]
## TLS through rustls (the default).
rustls = ["apigen-runtime/rustls"]
## TLS through the platform's native library instead.
native-tls = ["apigen-runtime/native-tls"]

[dependencies]
apigen-runtime = {{ {dependency} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
"#,
        header = crate::render::comment(&api.header, "#"),
        name = toml_string(&m.name),
        description = toml_string(&m.description),
        default = default.join(", "),
    )
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `src/lib.rs`: the crate's docs and the generated modules, re-exported at its root.
pub(crate) fn lib(api: &Api) -> TokenStream {
    let title = api.title.replace(['\n', '\r'], " ");
    let doc = inner_doc_attrs(&format!(
        "{}: a typed async client, generated from its OpenAPI document.\n\n\
         Build a [`Client`] with [`Client::from_env`] or [`Client::builder`]; every operation \
         is a method of it that returns a request builder. Optional inputs are builder \
         methods; finish with `.send().await`. Types live in [`models`]; every call fails \
         with one [`Error`] type.",
        title.trim()
    ));
    let webhooks = api.webhooks.as_ref().map(|w| {
        let text = inner_doc_attrs(&format!(
            "Webhook deliveries the API sends are verified and decoded into typed events by \
             `webhooks::unwrap` (cargo feature `{}`, on by default).",
            w.feature
        ));
        quote!(#![doc = ""] #text)
    });
    let features = features_doc(api);
    quote! {
        #doc
        #webhooks
        #features
        #![deny(missing_docs)]
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        mod generated;

        pub use generated::*;
    }
}

/// The crate docs' list of features and their operations.
fn features_doc(api: &Api) -> TokenStream {
    if api.features.is_empty() {
        return TokenStream::new();
    }
    let mut text = String::from(
        "# Features\n\nEvery operation belongs to one cargo feature, and every feature is enabled \
         by default. To compile only the operations you call (and the types they use), turn \
         the defaults off and name the features: `default-features = false, features = \
         [\"rustls\", \"tracing\", …]`.\n\n| feature | operations |\n|---|---|\n",
    );
    for feature in &api.features {
        let ops: Vec<String> = feature
            .operations
            .iter()
            .map(|op| {
                format!(
                    "`{}`",
                    api.operations[op.0].method_name.trim_start_matches("r#")
                )
            })
            .collect();
        text.push_str(&format!("| `{}` | {} |\n", feature.name, ops.join(", ")));
    }
    if let Some(webhooks) = &api.webhooks {
        text.push_str(&format!(
            "\n`{}` compiles the `webhooks` module and the types of its events.\n",
            webhooks.feature
        ));
    }
    if let Some(other) = &api.other_types_feature {
        text.push_str(&format!(
            "\n`{other}` compiles the types no operation or webhook uses.\n"
        ));
    }
    text.push_str(&format!(
        "\nEach type is `Serialize` when requests carry it and `Deserialize` when responses \
         do; `{}` (which `mock` enables) gives every type both.",
        api.serde_feature
    ));
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let blank = quote!(#![doc = ""]);
    quote!(#blank #(#lines)*)
}
