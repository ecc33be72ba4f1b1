//! Snapshot tests: every fixture spec's generated code (or its errors), and the project's own
//! certificate spec. Review changes with `cargo insta review` or `INSTA_UPDATE=always cargo
//! test` followed by reading every changed `.snap` in `git diff`.

use std::fmt::Write as _;
use std::path::Path;

/// The generated files one after another, then the notes; or the errors.
fn generate(text: &str) -> String {
    let loaded = match codegen::load_spec(text) {
        Ok(loaded) => loaded,
        Err(e) => return format!("{e}"),
    };
    match codegen::generate_with_notes(&loaded.spec, &codegen::Config::default()) {
        Ok(generation) => {
            let mut out = String::new();
            for note in loaded.notes.iter().chain(&generation.notes) {
                let _ = writeln!(out, "// note: {note}");
            }
            for file in &generation.files {
                let _ = write!(out, "// ===== {} =====\n{}", file.path, file.contents);
            }
            out
        }
        Err(e) => format!("{e}"),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let output = generate(&read(path));
        assert!(
            !output.contains("error in the OpenAPI document")
                && !output.contains("errors in the OpenAPI document"),
            "fixture {} should generate:\n{output}",
            path.display()
        );
        insta::assert_snapshot!(output);
    });
}

#[test]
fn errors() {
    insta::glob!("errors/*.yaml", |path| {
        let output = generate(&read(path));
        assert!(
            output.contains("in the OpenAPI document")
                || output.contains("invalid")
                || output.contains("not supported"),
            "fixture {} should fail:\n{output}",
            path.display()
        );
        insta::assert_snapshot!(output);
    });
}

#[test]
fn certificate_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    insta::assert_snapshot!(generate(&read(&spec)));
}

#[test]
fn generation_is_deterministic() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let text = read(&spec);
    assert_eq!(generate(&text), generate(&text));
}
