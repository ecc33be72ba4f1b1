//! The registry of reserved names (`codegen::names::reserved`) against the code that really
//! defines those names: the runtime's `client!` and `mock!` macros (which define `Client`,
//! `ClientBuilder`, `MockServer` and `Expectation` in every generated crate), read as text,
//! and the request builders the generator writes. A method the runtime gains without the
//! registry knowing it would let an operationId or a parameter of that name produce a
//! crate that does not compile.

use codegen::names::{Namespace, reserved};
use std::path::{Path, PathBuf};

fn runtime_source(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime/src")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The body of `macro_rules! name { … }` in `text`.
fn macro_body<'t>(text: &'t str, name: &str) -> &'t str {
    let start = text
        .find(&format!("macro_rules! {name} {{"))
        .unwrap_or_else(|| panic!("no macro `{name}`"));
    block(&text[start..])
}

/// The text from the first `{` to its matching `}`.
fn block(text: &str) -> &str {
    let open = text.find('{').expect("a block");
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..open + i + 1];
                }
            }
            _ => {}
        }
    }
    panic!("an unbalanced block")
}

/// The names of the functions of the inherent `impl` blocks of `ty` in a macro body
/// (`impl Client {`, `impl<O: …> Expectation<'_, O> {`; not `impl Trait for Client`).
fn inherent_methods(body: &str, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("impl") {
        let header_end = rest[at..].find('{').map(|i| at + i).unwrap_or(rest.len());
        let header = &rest[at..header_end];
        let is_ty = header
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == ty);
        if is_ty && !header.contains(" for ") && header_end < rest.len() {
            let block = block(&rest[header_end..]);
            let mut fns = block;
            while let Some(f) = fns.find("fn ") {
                let name: String = fns[f + 3..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
                fns = &fns[f + 3..];
            }
        }
        rest = &rest[(at + 4).min(rest.len())..];
    }
    out
}

/// The names of the structs a macro body defines.
fn structs(body: &str) -> Vec<String> {
    body.split("pub struct ")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn the_registry_knows_every_method_of_the_runtime() {
    let client = runtime_source("macros.rs");
    let client = macro_body(&client, "client");
    let mock = runtime_source("mock.rs");
    let mock = macro_body(&mock, "mock");
    let mut missing = Vec::new();
    for (body, ty, namespace) in [
        (client, "Client", Namespace::Client),
        (client, "ClientBuilder", Namespace::ClientBuilder),
        (mock, "MockServer", Namespace::MockServer),
        (mock, "Expectation", Namespace::Expectation),
    ] {
        let methods = inherent_methods(body, ty);
        assert!(
            methods.len() >= 3,
            "too few methods of `{ty}` found ({methods:?}): has the runtime moved?"
        );
        for method in methods {
            if !reserved(namespace).contains(&method.as_str()) {
                missing.push(format!("{ty}::{method}"));
            }
        }
    }
    for ty in structs(mock) {
        if !reserved(Namespace::OperationTypes).contains(&ty.as_str()) {
            missing.push(format!("the type `{ty}` of the mock module"));
        }
    }
    assert!(
        missing.is_empty(),
        "the runtime defines names that codegen::names::reserved does not list; add them (an \
         operation or parameter of that name would not compile):\n{}",
        missing.join("\n")
    );
}

/// What the generated `mock` module imports from the runtime is reserved for the mock
/// markers (one per operation, named like its request builder).
#[test]
fn the_registry_knows_what_the_mock_module_imports() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml"))
            .unwrap();
    let spec = codegen::parse_spec(&text).unwrap();
    let files = codegen::generate(&spec, &codegen::Config::default()).unwrap();
    let mock = files.iter().find(|f| f.path == "mock.rs").unwrap();
    let imports = mock
        .contents
        .split("pub use apigen_runtime::mock::{")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("the mock module re-exports from the runtime");
    for name in imports.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let is_type = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().any(|c| c.is_ascii_lowercase());
        if is_type {
            assert!(
                reserved(Namespace::OperationTypes).contains(&name),
                "`{name}` is imported into the mock module but not reserved"
            );
        }
    }
}

/// The names of the methods of inherent `impl` blocks of the type named `ty` in a parsed
/// generated file.
fn inherent_item_methods(file: &syn::File, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(path) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_none() && path.path.segments.last().is_some_and(|s| s.ident == ty) {
            out.extend(block.items.iter().filter_map(|item| match item {
                syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            }));
        }
    }
    out
}

/// Every method and field a generated request builder has besides its setters and
/// parameters is reserved, so that no input can take its name.
#[test]
fn the_registry_knows_every_method_of_a_request_builder() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    specs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml"));
    specs.sort();
    let mut checked = 0;
    for spec in specs {
        let text = std::fs::read_to_string(&spec).expect("fixture");
        let parsed = codegen::parse_spec(&text).expect("fixtures parse");
        let config = codegen::Config::default();
        let api = codegen::lower_to_ir(&parsed, &config).expect("fixtures lower");
        let files = codegen::generate(&parsed, &config).expect("fixtures generate");
        let builders = files
            .iter()
            .find(|f| f.path == "builders.rs")
            .expect("builders.rs");
        let file = syn::parse_file(&builders.contents).expect("generated code parses");
        for op in &api.operations {
            let own: Vec<&str> = op
                .inputs
                .iter()
                .map(|i| i.name.as_str())
                .chain(op.params.iter().map(|p| p.name.as_str()))
                .collect();
            for method in inherent_item_methods(&file, &op.builder_name) {
                checked += 1;
                let method = method.as_str();
                let method = method.strip_prefix("r#").unwrap_or(method);
                assert!(
                    own.iter().any(|o| o.trim_start_matches("r#") == method)
                        || reserved(Namespace::RequestBuilderMethods).contains(&method),
                    "{}: `{}::{method}` is neither an input nor reserved",
                    spec.display(),
                    op.builder_name
                );
            }
        }
    }
    assert!(checked > 50, "too few builder methods seen ({checked})");
}
