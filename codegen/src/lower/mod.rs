//! Spec → IR. Every question about the spec is answered here, once: what each type is
//! called, whether a field is optional, how each parameter travels, which inputs are
//! arguments, how the resources nest, what every Rust name is. Problems are collected as
//! [`Diagnostic`]s (with JSON pointers) rather than stopping at the first.
//!
//! The passes, in order: name and lower the component schemas (`schemas`, `shapes`,
//! `unions`, `all_of`), lower the operations (`operations`, `parameters`, `bodies`,
//! `responses`), keep what a selection reaches and box recursive types (`types`, `cycles`),
//! then decide what the emitters need (`constructors`, `inputs`, `pagination`, `resources`,
//! `examples`).

mod all_of;
mod bodies;
mod constructors;
mod cycles;
mod examples;
mod features;
mod inputs;
mod media;
mod operations;
mod pagination;
mod parameters;
mod querystring;
mod refs;
mod resources;
mod responses;
mod schemas;
mod security;
mod sequences;
mod shapes;
mod types;
mod unions;
mod webhooks;

use crate::error::{Diagnostic, Error, Note};
use crate::ir::{
    Api, BodyKind, CrateManifest, Environment, Gate, Operation, RuntimeDependency, TypeDef, TypeId,
    TypeRef,
};
use crate::names::Scope;
use crate::pointer::Pointer;
use crate::{Config, Standalone};
use openapiv3::OpenAPI;
use std::collections::BTreeMap;

/// The result of lowering: the IR plus notes about what was degraded or derived.
pub(crate) struct Lowered {
    pub api: Api,
    pub notes: Vec<Note>,
}

pub(crate) fn lower(spec: &OpenAPI, config: &Config) -> Result<Lowered, Error> {
    let mut webhook_notes = Vec::new();
    let hooks = webhooks::read(spec, config, &mut webhook_notes);
    let (extras, extra_errors) = operations::ExtraOperations::read(spec);
    let item_schemas = sequences::ItemSchemas::read(spec, &extras);
    let querystrings = querystring::QueryStrings::read(spec, &extras);
    let mut cx = Cx::new(spec, config, &extras, &item_schemas, &querystrings);
    cx.notes.append(&mut webhook_notes);
    cx.diagnostics.extend(extra_errors);
    cx.name_components();
    cx.lower_components();
    let mut operations = cx.lower_operations();
    let payloads = cx.lower_webhooks(&hooks);
    let idempotency_header = cx.idempotency_header();
    let Cx {
        types: arena,
        mut diagnostics,
        mut notes,
        mut components,
        ..
    } = cx;
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(Error::from_diagnostics(diagnostics));
    }
    let mut arena = arena;
    let mut webhooks = webhooks::events(&hooks, &payloads, &arena, &mut notes);
    let mut payloads: Vec<TypeRef> = payloads.into_iter().map(|p| p.ty).collect();
    let keep = if config.selection.is_all() {
        arena.iter().map(Option::is_some).collect()
    } else {
        let keep = types::reachable(&arena, &operations, &payloads);
        // Notes about the parts of the spec that were left out are noise.
        notes.retain(|note| types::selected(&note.pointer, &components, &keep, &operations));
        keep
    };
    cycles::box_cycles(&mut arena);
    let webhook_payloads = webhooks
        .iter_mut()
        .flat_map(|w| w.events.iter_mut().map(|e| &mut e.payload));
    let mut types = types::renumber(
        arena,
        &keep,
        &mut operations,
        &mut components,
        payloads.iter_mut().chain(webhook_payloads),
    );
    constructors::decide(&mut types);
    let pages = pagination::paginate(&types, &mut operations);
    inputs::decide(&types, &mut operations);
    let mut resources = resources::resources(&operations);
    let mut examples = examples::collect(spec, &components, &types, &operations, &mut notes);
    let (features, other_types_feature) = features::decide(
        features::Grouping {
            mode: config.features,
            parents: &tag_parents(spec),
        },
        &mut types,
        &mut operations,
        &mut resources,
        &mut examples,
        webhooks.as_ref(),
        &payloads,
    );
    let (security, base_url_env) = security::decide(spec, config, &mut operations, &mut notes);
    let runtime_features = runtime_features(&operations);
    let runtime_reexports = runtime_reexports(&operations, &security);
    let standalone = config.standalone.as_ref().map(|s| manifest(spec, s));
    notes.sort();
    notes.dedup();
    Ok(Lowered {
        api: Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            base_url: config
                .base_url
                .clone()
                .or_else(|| spec.servers.first().map(|s| s.url.clone())),
            security,
            environment: Environment {
                base_url: base_url_env,
            },
            idempotency_header,
            types,
            operations,
            pages,
            resources,
            examples,
            runtime_features,
            runtime_reexports,
            features,
            serde_feature: features::SERDE_FEATURE.to_owned(),
            other_types_feature,
            webhooks,
            standalone,
            header: header(
                spec,
                config.standalone.as_ref().and_then(|s| s.source.as_ref()),
            ),
        },
        notes,
    })
}

/// The top-level extension that names the header of idempotency keys.
pub(crate) const IDEMPOTENCY_EXTENSION: &str = "x-idempotency-header";

/// Whether `name` is an HTTP header name (an RFC 9110 token).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Each tag's parent tag (3.2's tag `parent`, kept by loading as `x-oas32-parent`).
fn tag_parents(spec: &OpenAPI) -> BTreeMap<String, String> {
    spec.tags
        .iter()
        .filter_map(|tag| {
            let parent = tag.extensions.get("x-oas32-parent")?.as_str()?;
            (parent != tag.name).then(|| (tag.name.clone(), parent.to_owned()))
        })
        .collect()
}

/// The runtime's optional features the operations need.
fn runtime_features(operations: &[Operation]) -> Vec<String> {
    let multipart = operations.iter().any(|op| {
        op.body
            .as_ref()
            .is_some_and(|b| matches!(b.kind, BodyKind::Multipart(_)))
    });
    multipart
        .then(|| "multipart".to_owned())
        .into_iter()
        .collect()
}

/// The runtime's names every generated crate re-exports at its root.
const ROOT_REEXPORTS: &[&str] = &[
    "ApiError",
    "ApiErrorBody",
    "ApiResponse",
    "BoxFuture",
    "ByteStream",
    "Bytes",
    "Error",
    "FileUpload",
    "HeaderMap",
    "NoErrorBody",
    "Page",
    "RequestOptions",
    "Result",
    "StatusCode",
];

/// The runtime's names the crate re-exports: [`ROOT_REEXPORTS`], the item stream type when
/// an operation returns one, the token types when a scheme takes tokens.
fn runtime_reexports(operations: &[Operation], security: &crate::ir::Security) -> Vec<String> {
    let items = operations
        .iter()
        .any(|op| matches!(op.response.kind, crate::ir::ResponseKind::Items { .. }));
    let mut names: Vec<String> = ROOT_REEXPORTS
        .iter()
        .copied()
        .chain(items.then_some("ItemStream"))
        .chain(
            security
                .token_types
                .then_some(["ClientCredentials", "TokenSource"])
                .into_iter()
                .flatten(),
        )
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// The lines that open every generated file. The client in this repository is written from
/// `spec/`; a crate generated from another spec names that spec and its command.
fn header(spec: &OpenAPI, source: Option<&crate::Source>) -> Vec<String> {
    let Some(source) = source else {
        return crate::HEADER
            .lines()
            .map(|line| line.trim_start_matches("// ").to_owned())
            .collect();
    };
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").trim().to_owned();
    vec![
        "Generated by `cargo xtask codegen`; do not edit by hand.".to_owned(),
        format!(
            "Spec: {} ({}, version {}).",
            one_line(&source.spec),
            one_line(&spec.info.title),
            one_line(&spec.info.version)
        ),
        format!(
            "Change the spec or the generator, then run `{}`.",
            one_line(&source.command)
        ),
    ]
}

/// A standalone crate's manifest: its name and its dependency on the runtime.
fn manifest(spec: &OpenAPI, standalone: &Standalone) -> CrateManifest {
    let title = spec.info.title.replace(['\n', '\r'], " ");
    CrateManifest {
        name: standalone
            .name
            .clone()
            .unwrap_or_else(|| crate::names::crate_name(&spec.info.title)),
        description: format!(
            "Typed async client for {}, generated from its OpenAPI document",
            title.trim()
        ),
        runtime: RuntimeDependency {
            version: standalone.runtime_version.clone(),
            path: standalone.runtime_path.clone(),
        },
    }
}

/// Lowering context: the spec, the types named so far, and what went wrong.
pub(crate) struct Cx<'a> {
    spec: &'a OpenAPI,
    config: &'a Config,
    /// The operations 3.2 adds to path items (`query`, `additionalOperations`).
    extras: &'a operations::ExtraOperations,
    /// The `itemSchema`s of sequential media types (3.2).
    item_schemas: &'a sequences::ItemSchemas,
    /// The `in: querystring` parameters (3.2).
    querystrings: &'a querystring::QueryStrings,
    /// Named types by id, in the order they were named; `None` until defined (and for a
    /// component that could not be).
    types: Vec<Option<TypeDef>>,
    /// The name of each id.
    names: Vec<String>,
    /// Every type name handed out so far.
    type_names: Scope,
    /// Component schema key → its type.
    components: BTreeMap<String, TypeId>,
    /// Inline string enums of parameters, by their values, so that `order: asc|desc` on
    /// many list operations becomes one `Order` type.
    param_enums: BTreeMap<Vec<String>, TypeId>,
    /// Inline one-value string enums, by their value.
    constants: BTreeMap<String, TypeId>,
    /// The enums of several error schemas, by the list of schemas (`$ref` targets, or the
    /// places of inline ones), so that operations declaring the same share one.
    error_unions: BTreeMap<Vec<String>, TypeId>,
    /// The allOf schemas being merged, to refuse an allOf that includes itself.
    all_of_stack: Vec<String>,
    /// Component schemas being lowered (a recursive `allOf` meets one again).
    in_progress: std::collections::BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    notes: Vec<Note>,
}

impl<'a> Cx<'a> {
    fn new(
        spec: &'a OpenAPI,
        config: &'a Config,
        extras: &'a operations::ExtraOperations,
        item_schemas: &'a sequences::ItemSchemas,
        querystrings: &'a querystring::QueryStrings,
    ) -> Self {
        Cx {
            spec,
            config,
            extras,
            item_schemas,
            querystrings,
            types: Vec::new(),
            names: Vec::new(),
            type_names: Scope::default(),
            components: BTreeMap::new(),
            param_enums: BTreeMap::new(),
            constants: BTreeMap::new(),
            error_unions: BTreeMap::new(),
            all_of_stack: Vec::new(),
            in_progress: Default::default(),
            diagnostics: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn note(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    /// A new named type: claims a name from `wanted` (numbered when taken); it is defined
    /// later with [`Cx::set_type`].
    fn new_type(&mut self, wanted: &str) -> TypeId {
        let name = self.type_names.claim(wanted);
        self.types.push(None);
        self.names.push(name);
        TypeId(self.types.len() - 1)
    }

    /// Defines the type `id`.
    fn set_type(
        &mut self,
        id: TypeId,
        doc: Option<String>,
        pointer: &Pointer,
        kind: crate::ir::TypeKind,
    ) {
        self.types[id.0] = Some(TypeDef {
            name: self.names[id.0].clone(),
            doc,
            pointer: pointer.to_string(),
            kind,
            gate: Gate::Always,
            sent: false,
            received: false,
        });
    }

    /// The type `id`, once defined.
    fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.0).and_then(Option::as_ref)
    }

    /// The header of idempotency keys: the config's, else the document's
    /// `x-idempotency-header` (a header name, at the top level).
    fn idempotency_header(&mut self) -> Option<String> {
        if let Some(name) = &self.config.idempotency_header {
            if !is_header_name(name) {
                self.error(Diagnostic::new(
                    "#",
                    format!("the configured idempotency header {name:?} is not a header name"),
                    "configure the name of the header that carries idempotency keys, such as \
                     `Idempotency-Key`",
                ));
                return None;
            }
            return Some(name.clone());
        }
        let value = self.spec.extensions.get(IDEMPOTENCY_EXTENSION)?;
        let pointer = format!("#/{IDEMPOTENCY_EXTENSION}");
        match value.as_str().map(str::trim) {
            Some(name) if is_header_name(name) => Some(name.to_owned()),
            _ => {
                self.error(Diagnostic::new(
                    &pointer,
                    format!("`{IDEMPOTENCY_EXTENSION}` must be a header name, got {value}"),
                    "give the name of the header that carries idempotency keys, such as \
                     `Idempotency-Key`, or remove the extension",
                ));
                None
            }
        }
    }
}
