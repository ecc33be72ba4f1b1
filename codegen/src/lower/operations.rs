//! Paths and operations → IR operations: which operations there are, their names, their
//! path templates; parameters, bodies and responses have files of their own.

use super::Cx;
use crate::error::Diagnostic;
use crate::ir::{
    Gate, HttpMethod, MockMatcher, Operation, Param, ParamLocation, PathSegment, PathTemplate,
};
use crate::names::{self, Namespace};
use crate::pointer::Pointer;
use openapiv3::{Parameter, ReferenceOr};
use std::collections::BTreeMap;

const METHOD_ORDER: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn http_method(method: &str) -> HttpMethod {
    match method {
        "query" => HttpMethod::Query,
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

/// The operations OpenAPI 3.2 adds to path items, which loading keeps in extensions of the
/// path item (`x-oas32-query`, `x-oas32-additional-operations`, see `load::v32`): read once,
/// before lowering, so that they are lowered like the fixed methods' operations.
#[derive(Default)]
pub(super) struct ExtraOperations {
    by_path: BTreeMap<String, Vec<ExtraOperation>>,
}

struct ExtraOperation {
    method: HttpMethod,
    /// The pointer tokens from the path item to the operation, as the spec writes them
    /// (`query`, `additionalOperations/COPY`).
    tokens: Vec<String>,
    op: openapiv3::Operation,
}

/// The HTTP methods a path item has fixed fields for: `additionalOperations` must not name
/// them.
const FIXED_METHODS: &[&str] = &[
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY",
];

/// Whether `method` is an HTTP token (RFC 9110 `tchar`s), which a request line can carry.
fn is_token(method: &str) -> bool {
    !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl ExtraOperations {
    /// Every operation read.
    pub(super) fn operations(&self) -> impl Iterator<Item = &openapiv3::Operation> {
        self.by_path.values().flatten().map(|extra| &extra.op)
    }

    /// Reads the extensions of every path item; what cannot be read is a diagnostic at the
    /// place the spec writes it.
    pub(super) fn read(spec: &openapiv3::OpenAPI) -> (Self, Vec<Diagnostic>) {
        let mut extras = ExtraOperations::default();
        let mut errors = Vec::new();
        for (path, item) in &spec.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let at = Pointer::root().join("paths").join(path);
            let mut found = Vec::new();
            if let Some(query) = item.extensions.get("x-oas32-query") {
                found.push((HttpMethod::Query, vec!["query".to_owned()], query));
            }
            if let Some(serde_json::Value::Object(extra)) =
                item.extensions.get("x-oas32-additional-operations")
            {
                // In method order, not the document's: the output must not depend on the
                // order of a map.
                let mut extra: Vec<_> = extra.iter().collect();
                extra.sort_by_key(|(method, _)| method.as_str());
                for (method, op) in extra {
                    let tokens = vec!["additionalOperations".to_owned(), method.clone()];
                    let pointer = at.join(&tokens[0]).join(method);
                    if FIXED_METHODS.contains(&method.as_str()) {
                        errors.push(Diagnostic::new(
                            pointer.as_str(),
                            format!(
                                "`additionalOperations` cannot hold `{method}`: the path item \
                                 has a field for that method"
                            ),
                            format!(
                                "move the operation to the path item's `{}` field",
                                method.to_ascii_lowercase()
                            ),
                        ));
                    } else if !is_token(method) {
                        errors.push(Diagnostic::new(
                            pointer.as_str(),
                            format!("`{method}` is not an HTTP method name"),
                            "name the method with letters, digits and `!#$%&'*+-.^_`|~` only, \
                             exactly as it is sent",
                        ));
                    } else {
                        found.push((HttpMethod::Other(method.clone()), tokens, op));
                    }
                }
            }
            for (method, tokens, value) in found {
                let mut pointer = at.clone();
                for token in &tokens {
                    pointer = pointer.join(token);
                }
                match serde_path_to_error::deserialize::<_, openapiv3::Operation>(value) {
                    Ok(op) => extras
                        .by_path
                        .entry(path.clone())
                        .or_default()
                        .push(ExtraOperation { method, tokens, op }),
                    Err(e) => errors.push(Diagnostic::new(
                        pointer.as_str(),
                        format!(
                            "not a valid Operation Object at `{}`: {}",
                            e.path(),
                            e.inner()
                        ),
                        "fix this operation so that it follows the OpenAPI schema",
                    )),
                }
            }
        }
        (extras, errors)
    }
}

/// The client methods and builder types handed out so far, by the operationId that owns
/// each.
#[derive(Default)]
struct Owners {
    methods: BTreeMap<String, String>,
    builders: BTreeMap<String, String>,
}

impl Owners {
    fn taken(&self, method: &str, builder: &str) -> bool {
        self.methods.contains_key(method)
            || self.builders.contains_key(builder)
            || names::reserved(Namespace::Client).contains(&method)
            || names::reserved(Namespace::OperationTypes).contains(&builder)
    }
}

impl<'a> Cx<'a> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut paths: Vec<(&'a String, &'a ReferenceOr<openapiv3::PathItem>)> =
            spec.paths.paths.iter().collect();
        paths.sort_by_key(|(path, _)| *path);

        let mut operations = Vec::new();
        let mut owners = Owners::default();
        for (path, item) in paths {
            let path_pointer = Pointer::root().join("paths").join(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.error(Diagnostic::new(
                        path_pointer.as_str(),
                        format!("path item `$ref: {reference}` is not supported"),
                        "write the path item inline",
                    ));
                    continue;
                }
            };
            let mut ops: Vec<(HttpMethod, Pointer, &'a openapiv3::Operation)> = item
                .iter()
                .map(|(method, op)| (http_method(method), path_pointer.join(method), op))
                .collect();
            ops.sort_by_key(|(method, _, _)| {
                METHOD_ORDER
                    .iter()
                    .position(|m| m.eq_ignore_ascii_case(method.as_str()))
            });
            let extras: &'a ExtraOperations = self.extras;
            for extra in extras.by_path.get(path.as_str()).into_iter().flatten() {
                let mut pointer = path_pointer.clone();
                for token in &extra.tokens {
                    pointer = pointer.join(token);
                }
                ops.push((extra.method.clone(), pointer, &extra.op));
            }
            for (method, pointer, op) in ops {
                if !self
                    .config
                    .selects(op.operation_id.as_deref(), &op.tags, path)
                {
                    continue;
                }
                let Some(mut operation) = self.lower_operation(path, method, op, item, &pointer)
                else {
                    continue;
                };
                let clash = owners
                    .methods
                    .get(&operation.method_name)
                    .or_else(|| owners.builders.get(&operation.builder_name))
                    .cloned();
                match clash {
                    // The same operationId twice: the spec is inconsistent.
                    Some(first) if first == operation.id => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                pointer.as_str(),
                                format!("operationId `{first}` is used by another operation too"),
                                "give every operation its own operationId",
                            )
                            .subject(format!("operation {}", operation.id)),
                        );
                        continue;
                    }
                    // Different ids with one Rust name (`getThing`, `get_thing`): number it.
                    Some(first) => {
                        let why = format!(
                            "operations `{first}` and `{}` would both become `{}`",
                            operation.id, operation.method_name
                        );
                        self.number_operation(&mut operation, &owners, &why, &pointer);
                    }
                    None if owners.taken(&operation.method_name, &operation.builder_name) => {
                        let why = format!(
                            "operation `{}` would become `{}` (builder `{}`), a name the \
                             client or its mock already has",
                            operation.id, operation.method_name, operation.builder_name
                        );
                        self.number_operation(&mut operation, &owners, &why, &pointer);
                    }
                    None => {}
                }
                owners
                    .methods
                    .insert(operation.method_name.clone(), operation.id.clone());
                owners
                    .builders
                    .insert(operation.builder_name.clone(), operation.id.clone());
                operations.push(operation);
            }
        }
        self.name_mocks(&mut operations);
        operations
    }

    /// The mock server's method for each operation, and the expectation's matcher for each
    /// path parameter: the operation's and the parameter's names, unless the runtime has
    /// taken them (then numbered, with a note).
    fn name_mocks(&mut self, operations: &mut [Operation]) {
        let mut server = names::scope(Namespace::MockServer);
        for op in operations {
            op.mock_method = server.claim(&op.method_name);
            if op.mock_method != op.method_name {
                self.notes.push(crate::Note {
                    pointer: op.pointer.clone(),
                    message: format!(
                        "the mock server's method for `{}` is `{}`: `{}` is taken",
                        op.id, op.mock_method, op.method_name
                    ),
                });
            }
            let mut expectation = names::scope(Namespace::Expectation);
            op.mock_matchers = Vec::new();
            for (param, p) in op.params.iter().enumerate() {
                if p.location != ParamLocation::Path {
                    continue;
                }
                let name = expectation.claim(&p.name);
                if name != p.name {
                    self.notes.push(crate::Note {
                        pointer: op.pointer.clone(),
                        message: format!(
                            "the mock expectation's matcher for path parameter `{}` of `{}` is \
                             `{name}`: `{}` is a method of every expectation",
                            p.wire_name, op.id, p.name
                        ),
                    });
                }
                op.mock_matchers.push(MockMatcher { name, param });
            }
        }
    }

    /// Gives an operation whose names are taken the first free numbered ones, with a note.
    fn number_operation(
        &mut self,
        operation: &mut Operation,
        owners: &Owners,
        why: &str,
        pointer: &Pointer,
    ) {
        let n = (2..)
            .find(|n| {
                !owners.taken(
                    &format!("{}_{n}", operation.method_name),
                    &format!("{}{n}", operation.builder_name),
                )
            })
            .unwrap_or(2);
        let (method_name, builder_name) = (
            format!("{}_{n}", operation.method_name),
            format!("{}{n}", operation.builder_name),
        );
        self.note(
            pointer,
            format!(
                "{why}; `{}` is `{method_name}` (builder `{builder_name}`)",
                operation.id
            ),
        );
        operation.method_name = method_name;
        operation.builder_name = builder_name;
    }

    fn lower_operation(
        &mut self,
        path: &'a str,
        method: HttpMethod,
        op: &'a openapiv3::Operation,
        item: &'a openapiv3::PathItem,
        pointer: &Pointer,
    ) -> Option<Operation> {
        let id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let derived =
                    names::value_name(&format!("{} {path}", method.as_str().to_ascii_lowercase()));
                self.note(
                    pointer,
                    format!("operation has no operationId; its method is named `{derived}`"),
                );
                derived
            }
        };
        let method_name = names::value_name(&id);
        let builder_name = names::type_name(&id);
        let subject = format!("operation {id}");
        let errors_before = self.diagnostics.len();

        let mut param_scope = names::scope(Namespace::RequestBuilder);
        let mut params = Vec::new();
        let mut declared: Vec<(String, String, &'a ReferenceOr<Parameter>, Pointer)> = Vec::new();
        let item_pointer = Pointer::root().join("paths").join(path);
        for (i, p) in item.parameters.iter().enumerate() {
            declared.push(self.param_key(p, &item_pointer.join("parameters").join(i)));
        }
        for (i, p) in op.parameters.iter().enumerate() {
            let key = self.param_key(p, &pointer.join("parameters").join(i));
            // An operation's parameter overrides the path item's one with the same name and place.
            declared.retain(|(name, location, _, _)| !(name == &key.0 && location == &key.1));
            declared.push(key);
        }
        for (_, _, param, at) in &declared {
            if let Some(p) = self.lower_param(param, at, &builder_name, &mut param_scope) {
                params.push(p);
            }
        }
        if let Some(p) = self.lower_querystring(op, &builder_name, &mut param_scope) {
            params.push(p);
        }

        let declared_path: Vec<&str> = declared
            .iter()
            .filter(|(_, location, _, _)| location == "path")
            .map(|(name, _, _, _)| name.as_str())
            .collect();
        // A path key may carry a query string (`/responses?beta=true`): fixed pairs.
        let (path, fixed_query) = match path.split_once('?') {
            Some((template, query)) => (
                template,
                query
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| match pair.split_once('=') {
                        Some((k, v)) => (k.to_owned(), v.to_owned()),
                        None => (pair.to_owned(), String::new()),
                    })
                    .collect(),
            ),
            None => (path, Vec::new()),
        };
        let by_name = self.path_segments(path, &params, &declared_path, pointer);
        // Path parameters first, in template order; then the rest in spec order.
        let mut ordered: Vec<Param> = Vec::with_capacity(params.len());
        for segment in &by_name {
            if let Segment::Param(name) = segment
                && let Some(p) = params.iter().find(|p| &p.name == name)
                && !ordered.iter().any(|o: &Param| &o.name == name)
            {
                ordered.push(p.clone());
            }
        }
        ordered.extend(
            params
                .into_iter()
                .filter(|p| p.location != ParamLocation::Path),
        );
        let segments = by_name
            .into_iter()
            .filter_map(|segment| match segment {
                Segment::Literal(text) => Some(PathSegment::Literal(text)),
                Segment::Param(name) => ordered
                    .iter()
                    .position(|p| p.name == name)
                    .map(PathSegment::Param),
            })
            .collect();

        let body = match &op.request_body {
            Some(body) => {
                self.lower_body(body, &pointer.join("requestBody"), &builder_name, &ordered)
            }
            None => None,
        };
        let response = self.lower_response(op, pointer, &builder_name);
        let error_model = self.lower_error_model(op, pointer, &builder_name, &response);

        for d in &mut self.diagnostics[errors_before..] {
            if d.subject.is_none() {
                d.subject = Some(subject.clone());
            }
        }
        if self.diagnostics.len() > errors_before {
            return None;
        }

        Some(Operation {
            id,
            method_name,
            builder_name,
            mock_method: String::new(),
            method,
            path: PathTemplate {
                template: path.to_owned(),
                segments,
            },
            doc: operation_doc(op),
            tags: op.tags.clone(),
            params: ordered,
            body,
            inputs: Vec::new(),
            response,
            error_model,
            pagination: None,
            fixed_query,
            mock_matchers: Vec::new(),
            pointer: pointer.to_string(),
            gate: Gate::Always,
            security: 0,
        })
    }

    /// Splits a path template into literals and parameters; every `{name}` must be a declared
    /// path parameter and every path parameter must appear.
    fn path_segments(
        &mut self,
        path: &str,
        params: &[Param],
        declared: &[&str],
        pointer: &Pointer,
    ) -> Vec<Segment> {
        let mut segments = Vec::new();
        let mut rest = path;
        let mut used = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("path template `{path}` has a `{{` without a matching `}}`"),
                    "close the parameter name with `}`",
                ));
                return segments;
            };
            if open > 0 {
                segments.push(Segment::Literal(rest[..open].to_owned()));
            }
            let wire = &rest[open + 1..close];
            match params
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
            {
                Some(p) => {
                    used.push(p.wire_name.clone());
                    segments.push(Segment::Param(p.name.clone()));
                }
                // Declared, but it could not be lowered: that is reported already.
                None if declared.contains(&wire) => {}
                None => self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!("path template `{path}` names `{{{wire}}}`, but no path parameter `{wire}` is declared"),
                    format!("declare `{wire}` under parameters with `in: path`, or fix the template"),
                )),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Literal(rest.to_owned()));
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !used.contains(&p.wire_name) {
                self.error(Diagnostic::new(
                    pointer.as_str(),
                    format!(
                        "path parameter `{}` does not appear in the template `{path}`",
                        p.wire_name
                    ),
                    format!(
                        "add `{{{}}}` to the path, or make the parameter `in: query`",
                        p.wire_name
                    ),
                ));
            }
        }
        segments
    }
}

/// A piece of a path template before the parameters are put in order.
enum Segment {
    Literal(String),
    Param(String),
}

/// An operation's doc text: summary, description, and whether it is deprecated.
fn operation_doc(op: &openapiv3::Operation) -> Option<String> {
    let parts: Vec<&str> = [op.summary.as_deref(), op.description.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut doc = parts.join("\n\n");
    if op.deprecated {
        doc.push_str("\n\nDeprecated.");
    }
    (!doc.trim().is_empty()).then(|| doc.trim().to_owned())
}
