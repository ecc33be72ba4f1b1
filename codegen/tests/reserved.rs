//! The registry of reserved names (`codegen::names::reserved`) against the code that really
//! defines those names: the runtime's source, read with `syn`, and the request builders the
//! generator writes. A method the runtime gains without the registry knowing it would let an
//! operationId or a parameter of that name produce a crate that does not compile.

use codegen::names::{Namespace, reserved};
use std::path::{Path, PathBuf};

/// The runtime's source files.
fn runtime_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/runtime");
    let mut files = Vec::new();
    let mut pending = vec![dir];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the runtime's directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no runtime source found");
    files
}

/// The names of the methods of inherent `impl` blocks of the type named `ty`.
fn inherent_methods(file: &syn::File, ty: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut items: Vec<&syn::Item> = file.items.iter().collect();
    while let Some(item) = items.pop() {
        match item {
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(path) = &*block.self_ty else {
                    continue;
                };
                if path.path.segments.last().is_some_and(|s| s.ident == ty) {
                    out.extend(block.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    items.extend(inner);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_registry_knows_every_method_of_the_runtime() {
    let scopes = [
        ("Client", Namespace::Client),
        ("ClientBuilder", Namespace::ClientBuilder),
        ("MockServer", Namespace::MockServer),
        ("Expectation", Namespace::Expectation),
    ];
    let mut found = vec![0; scopes.len()];
    let mut missing = Vec::new();
    for path in runtime_files() {
        let text = std::fs::read_to_string(&path).expect("readable runtime source");
        let file = syn::parse_file(&text).expect("the runtime parses");
        for (i, (ty, namespace)) in scopes.iter().enumerate() {
            for method in inherent_methods(&file, ty) {
                found[i] += 1;
                if !reserved(*namespace).contains(&method.as_str()) {
                    missing.push(format!("{ty}::{method} ({})", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the runtime defines methods that codegen::names::reserved does not list; add them \
         (an operation or parameter of that name would not compile):\n{}",
        missing.join("\n")
    );
    for ((ty, _), n) in scopes.iter().zip(found) {
        assert!(
            n > 0,
            "no inherent method of `{ty}` found: has the runtime moved?"
        );
    }
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
            for method in inherent_methods(&file, &op.builder_name) {
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
