//! The generator: an OpenAPI document in, the files of a typed async Rust client out.
//!
//! ```text
//! openapiv3::OpenAPI ──lower──▶ ir::Api ──emit──▶ TokenStream ──render──▶ GeneratedFile
//! ```
//!
//! This crate does no I/O and reads no environment: [`generate`] is a pure function of the
//! spec and the [`Config`], which is what makes it snapshot-testable and deterministic.
//! Everything it cannot handle is reported as an [`Error`] whose diagnostics carry the JSON
//! pointer of the place in the spec; it never panics on a spec, however malformed.

mod emit;
mod error;
pub mod ir;
mod load;
mod locate;
mod lower;
pub mod names;
mod pointer;
mod render;

pub use error::{Diagnostic, Error, Note};
pub use load::{Loaded, load_spec, locate, locate_all, parse_spec, parse_value};
pub use pointer::escape_token as escape_pointer_token;
pub use render::HEADER;

/// What to generate, beyond what the spec says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The prefix of the environment variables `Client::from_env` reads (`STRIPE` for
    /// `STRIPE_API_KEY`, `STRIPE_BASE_URL`); by default one derived from the standalone
    /// crate's name, else from the spec's title ([`names::env_prefix`]).
    pub env_prefix: Option<String>,
    /// The variable of the credential of an API with one security scheme (default
    /// `<PREFIX>_API_KEY`).
    pub api_key_env: Option<String>,
    /// The variable of each named security scheme's credential (default
    /// `<PREFIX>_<SCHEME>` for an API with several, as [`Config::api_key_env`] for one).
    pub scheme_env: std::collections::BTreeMap<String, String>,
    /// The variable of the base URL (default `<PREFIX>_BASE_URL`).
    pub base_url_env: Option<String>,
    /// The default base URL, instead of the spec's first server.
    pub base_url: Option<String>,
    /// Which operations to generate; empty means all.
    pub selection: Selection,
    /// Generate a complete crate (`Cargo.toml`, `src/lib.rs`, `src/generated/…`) rather
    /// than the generated modules alone.
    pub standalone: Option<Standalone>,
    /// Whether the operations are split into cargo features, one per tag.
    pub features: FeatureMode,
    /// The header that carries idempotency keys (`Idempotency-Key`), for an API that
    /// accepts them; it overrides the document's `x-idempotency-header`. When either names
    /// one, every `POST`/`PATCH` call of the client carries a fresh key, the same on each
    /// of its attempts, and may be retried after any transport failure.
    pub idempotency_header: Option<String>,
}

/// Whether a generated crate gets one cargo feature per group of operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FeatureMode {
    /// For documents with at least 40 operations in at least two groups.
    #[default]
    Auto,
    /// Always (one feature per group, even for one group).
    On,
    /// Never.
    Off,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            env_prefix: None,
            api_key_env: None,
            scheme_env: Default::default(),
            base_url_env: None,
            base_url: None,
            selection: Selection::default(),
            standalone: None,
            features: FeatureMode::Auto,
            idempotency_header: None,
        }
    }
}

/// What a standalone crate is called and where its runtime comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standalone {
    /// The crate's name; by default one derived from the spec's title
    /// ([`names::crate_name`]).
    pub name: Option<String>,
    /// The version requirement on the runtime crate (`apigen-runtime`).
    pub runtime_version: String,
    /// A path to the runtime crate to build against, beside the version (this repository's
    /// copy, while the runtime is not published).
    pub runtime_path: Option<String>,
    /// The spec as the maintainer named it, and the command that generates the crate
    /// again: every generated file's header names both.
    pub source: Option<Source>,
}

/// Where a standalone crate came from, for the header of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The spec's path as given (`openapi/petstore.yaml`).
    pub spec: String,
    /// The command line that writes the crate again
    /// (`cargo xtask codegen --spec openapi/petstore.yaml --out petstore`).
    pub command: String,
}

/// A subset of the operations: those matching any listed tag, path prefix or operationId.
/// When every list is empty, every operation is selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Operations carrying one of these tags.
    pub tags: Vec<String>,
    /// Operations whose path starts with one of these.
    pub path_prefixes: Vec<String>,
    /// Operations with one of these operationIds.
    pub operations: Vec<String>,
}

impl Selection {
    /// Whether nothing is filtered out.
    pub fn is_all(&self) -> bool {
        self.tags.is_empty() && self.path_prefixes.is_empty() && self.operations.is_empty()
    }
}

impl Config {
    pub(crate) fn selects(&self, operation_id: Option<&str>, tags: &[String], path: &str) -> bool {
        let s = &self.selection;
        s.is_all()
            || tags.iter().any(|t| s.tags.contains(t))
            || s.path_prefixes.iter().any(|p| path.starts_with(p.as_str()))
            || operation_id.is_some_and(|id| s.operations.iter().any(|o| o == id))
    }
}

/// One output file, with its path relative to the generated module's directory
/// (`models.rs`, `mod.rs`, …), or to the crate's directory for a standalone crate
/// (`Cargo.toml`, `src/lib.rs`, `src/generated/models.rs`), and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated, never absolute and never containing `..`.
    pub path: String,
    /// File contents, starting with the "generated, do not edit" header.
    pub contents: String,
}

/// The files, plus the notes that say what was derived or degraded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The generated files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// What the generator did that a maintainer should know about, sorted.
    pub notes: Vec<Note>,
    /// How many operations were generated.
    pub operations: usize,
    /// How many named types were generated.
    pub types: usize,
    /// The optional cargo features of the runtime crate (`apigen-runtime`) that the
    /// generated code needs: a crate holding it must enable them.
    pub runtime_features: Vec<String>,
    /// The cargo features the generated code tests (`#[cfg(feature = …)]`) besides `mock`:
    /// a crate holding it must declare them (and the webhooks feature, when there is one,
    /// must enable the runtime's `webhooks`).
    pub crate_features: Vec<String>,
}

/// Generates the client's files from a parsed spec.
pub fn generate(spec: &openapiv3::OpenAPI, config: &Config) -> Result<Vec<GeneratedFile>, Error> {
    generate_with_notes(spec, config).map(|g| g.files)
}

/// Like [`generate`], also returning the notes and counts for the summary.
pub fn generate_with_notes(
    spec: &openapiv3::OpenAPI,
    config: &Config,
) -> Result<Generation, Error> {
    let lowered = lower::lower(spec, config)?;
    let files = emit::emit(&lowered.api)?;
    Ok(Generation {
        files,
        notes: lowered.notes,
        operations: lowered.api.operations.len(),
        types: lowered.api.types.len(),
        runtime_features: lowered.api.runtime_features.clone(),
        crate_features: std::iter::once(lowered.api.serde_feature.clone())
            .chain(lowered.api.features.iter().map(|f| f.name.clone()))
            .chain(lowered.api.other_types_feature.clone())
            .chain(lowered.api.webhooks.as_ref().map(|w| w.feature.clone()))
            .collect(),
    })
}

/// Lowers a spec into the IR only (for tools that inspect the API, such as the
/// breaking-change report).
pub fn lower_to_ir(spec: &openapiv3::OpenAPI, config: &Config) -> Result<ir::Api, Error> {
    lower::lower(spec, config).map(|l| l.api)
}
