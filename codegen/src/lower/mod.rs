//! Spec → IR. Every question about the spec is answered here, once: what each type is
//! called, whether a field is optional, how each parameter travels. Problems are collected
//! as [`Diagnostic`]s (with JSON pointers) rather than stopping at the first.

mod cycles;
mod examples;
mod operations;
mod types;

use crate::Config;
use crate::error::{Diagnostic, Error, Note, Pointer};
use crate::ir::{Api, Auth, Operation, ResponseKind, TypeDef, TypeKind, TypeRef};
use crate::names::Scope;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// The result of lowering: the IR plus notes about what was degraded or derived.
pub(crate) struct Lowered {
    pub api: Api,
    pub notes: Vec<Note>,
}

pub(crate) fn lower(spec: &OpenAPI, config: &Config) -> Result<Lowered, Error> {
    let mut cx = Cx::new(spec, config);
    cx.name_components();
    cx.lower_components();
    let operations = cx.lower_operations();
    let auth = cx.auth();
    let Cx {
        mut types,
        mut diagnostics,
        mut notes,
        components,
        ..
    } = cx;
    if !diagnostics.is_empty() {
        diagnostics.sort();
        return Err(Error::from_diagnostics(diagnostics));
    }
    if !config.selection.is_all() {
        prune_unreachable(&mut types, &operations);
        // Notes about the parts of the spec that were left out are noise.
        notes.retain(|note| selected(&note.pointer, &components, &types, &operations));
    }
    cycles::box_cycles(&mut types);
    // Flattened bodies copied their fields before boxing; take the boxed ones.
    let mut operations = operations;
    for op in &mut operations {
        if let Some(body) = &mut op.body
            && let (Some(fields), TypeRef::Named(name)) = (&mut body.flattened, &body.ty)
            && let Some(TypeKind::Struct { fields: boxed, .. }) = types.get(name).map(|t| &t.kind)
        {
            *fields = boxed.clone();
        }
    }
    let examples = examples::collect(spec, &components, &types, &operations, &mut notes);
    notes.sort();
    notes.dedup();
    Ok(Lowered {
        api: Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            base_url: spec.servers.first().map(|s| s.url.clone()),
            auth,
            types: types.into_values().collect(),
            operations,
            examples,
        },
        notes,
    })
}

/// Lowering context: the spec, the types named so far, and what went wrong.
pub(crate) struct Cx<'a> {
    spec: &'a OpenAPI,
    config: &'a Config,
    /// Named types by Rust name (sorted, so emission order never depends on spec order).
    types: BTreeMap<String, TypeDef>,
    /// Every type name handed out so far.
    type_names: Scope,
    /// Component schema key → Rust type name.
    components: BTreeMap<String, String>,
    /// Inline string enums of parameters, by their values, so that `order: asc|desc` on
    /// many list operations becomes one `Order` type.
    param_enums: BTreeMap<Vec<String>, String>,
    /// Inline one-value string enums, by their value.
    constants: BTreeMap<String, String>,
    /// The allOf schemas being merged, to refuse an allOf that includes itself.
    all_of_stack: Vec<String>,
    /// Component schemas being lowered (a recursive `allOf` meets one again).
    in_progress: std::collections::BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    notes: Vec<Note>,
}

impl<'a> Cx<'a> {
    fn new(spec: &'a OpenAPI, config: &'a Config) -> Self {
        Cx {
            spec,
            config,
            types: BTreeMap::new(),
            type_names: Scope::default(),
            components: BTreeMap::new(),
            param_enums: BTreeMap::new(),
            constants: BTreeMap::new(),
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

    /// Which authentication the operations use: the first security scheme that the
    /// document's top-level `security` (or, failing that, any scheme) names.
    fn auth(&mut self) -> Auth {
        let Some(components) = &self.spec.components else {
            return Auth::None;
        };
        let wanted: Vec<&String> = self
            .spec
            .security
            .iter()
            .flatten()
            .flat_map(|req| req.keys())
            .collect();
        let mut schemes: Vec<(&String, &ReferenceOr<openapiv3::SecurityScheme>)> =
            components.security_schemes.iter().collect();
        schemes.sort_by_key(|(name, _)| (!wanted.contains(name), name.as_str()));
        for (name, scheme) in schemes {
            let pointer = Pointer::root()
                .join("components")
                .join("securitySchemes")
                .join(name);
            match scheme {
                ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })
                    if scheme.eq_ignore_ascii_case("bearer") =>
                {
                    return Auth::Bearer;
                }
                ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })
                    if scheme.eq_ignore_ascii_case("basic") =>
                {
                    return Auth::Basic;
                }
                _ => self.note(
                    &pointer,
                    format!(
                        "security scheme `{name}` is not supported by the runtime; requests are \
                         sent without it unless you add the header with ClientBuilder::header"
                    ),
                ),
            }
        }
        Auth::None
    }
}

/// Whether a note's place belongs to what a selection generates: a component schema that
/// was kept, a selected operation, or a place outside schemas and paths.
fn selected(
    pointer: &str,
    components: &BTreeMap<String, String>,
    types: &BTreeMap<String, TypeDef>,
    operations: &[Operation],
) -> bool {
    if let Some(rest) = pointer.strip_prefix("#/components/schemas/") {
        let key = types::unescape_pointer_token(rest.split('/').next().unwrap_or_default());
        components
            .get(&key)
            .is_some_and(|name| types.contains_key(name))
    } else if pointer.starts_with("#/paths/") {
        operations
            .iter()
            .any(|op| pointer.starts_with(&op.pointer) || op.pointer.starts_with(pointer))
    } else {
        true
    }
}

/// Keeps only the types that the operations reach (for a selected subset of the API).
fn prune_unreachable(types: &mut BTreeMap<String, TypeDef>, operations: &[Operation]) {
    fn named<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
        match ty {
            TypeRef::Named(n) => out.push(n),
            TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Boxed(t) | TypeRef::Nullable(t) => {
                named(t, out)
            }
            _ => {}
        }
    }
    let mut pending: Vec<&str> = Vec::new();
    for op in operations {
        for p in &op.params {
            named(&p.ty, &mut pending);
        }
        if let Some(body) = &op.body {
            named(&body.ty, &mut pending);
        }
        match &op.response.kind {
            ResponseKind::Json(ty) => named(ty, &mut pending),
            ResponseKind::ByStatus { name, .. } => pending.push(name),
            _ => {}
        }
    }
    let mut reached: std::collections::BTreeSet<String> = Default::default();
    while let Some(name) = pending.pop() {
        if !reached.insert(name.to_owned()) {
            continue;
        }
        let Some(def) = types.get(name) else { continue };
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                for f in fields {
                    named(&f.ty, &mut pending);
                }
                if let Some(a) = additional {
                    named(a, &mut pending);
                }
            }
            TypeKind::StringEnum { .. } => {}
            TypeKind::Untagged { variants } => {
                for v in variants {
                    named(&v.ty, &mut pending);
                }
            }
            TypeKind::Tagged { variants, .. } => {
                for v in variants {
                    named(&v.ty, &mut pending);
                }
            }
            TypeKind::Alias(t) | TypeKind::Newtype(t) => named(t, &mut pending),
            TypeKind::Responses { variants } => {
                for v in variants.iter().filter_map(|v| v.ty.as_ref()) {
                    named(v, &mut pending);
                }
            }
        }
    }
    types.retain(|name, _| reached.contains(name));
}
