//! Generated crates at work: each `tests/behaviour/FIXTURE.rs` is a test file run against
//! the crate generated from `codegen/tests/fixtures/FIXTURE.yaml` (as `api`), with wiremock
//! standing in for the server. For what a fixture's snapshots cannot show: the method,
//! query and body a request really carries, and how a response is read.

use std::path::PathBuf;
use std::process::Command;
use xtask::workspace_root;

mod support;

/// The dependencies the test files use, as the workspace pins them.
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
wiremock = "0.6"
futures-util = { version = "0.3", default-features = false }
serde_json = "1"
"#;

#[test]
fn generated_crates_behave() {
    let root = workspace_root();
    let out = root.join("target/xtask-tests/behaviour");
    let _ = std::fs::remove_dir_all(&out);
    let mut tests: Vec<PathBuf> = std::fs::read_dir(root.join("xtask/tests/behaviour"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    tests.sort();
    assert!(!tests.is_empty());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failures = Vec::new();
    for test in &tests {
        let fixture = test.file_stem().unwrap().to_string_lossy().into_owned();
        let spec = root.join(format!("codegen/tests/fixtures/{fixture}.yaml"));
        let dir = out.join(&fixture);
        let name = format!("behaviour-{}", fixture.replace('_', "-"));
        support::generate_crate(&root, &spec, &dir, &name);
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        let manifest = dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).unwrap();
        text.push_str(DEV_DEPENDENCIES);
        std::fs::write(&manifest, text).unwrap();
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        let source = std::fs::read_to_string(test).unwrap();
        std::fs::write(
            dir.join("tests/behaviour.rs"),
            format!("{source}\nuse {} as api;\n", name.replace('-', "_")),
        )
        .unwrap();
        let output = Command::new(&cargo)
            .args(["test", "--quiet", "--test", "behaviour", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        if !output.status.success() {
            failures.push(format!(
                "{}:\n{}\n{}",
                test.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
