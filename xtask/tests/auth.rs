//! Authentication end to end: crates generated from the `auth_*` fixtures, each with a test
//! program (`tests/auth/FIXTURE.rs`, copied into the crate's `tests/`) that runs the client
//! against a local wiremock server which accepts each credential only in its declared
//! place.

use std::path::Path;
use std::process::Command;
use xtask::workspace_root;

mod support;

/// Generates the crate of `fixture`, adds the test program and its dev-dependencies, and
/// runs `cargo test` in it with `env` set.
fn run_fixture_tests(fixture: &str, env: &[(&str, &str)]) {
    let root = workspace_root();
    let dir = root.join("target/xtask-tests/auth").join(fixture);
    let _ = std::fs::remove_dir_all(&dir);
    let spec = root.join(format!("codegen/tests/fixtures/auth_{fixture}.yaml"));
    let name = format!("auth-{}", fixture.replace('_', "-"));
    support::generate_crate(&root, &spec, &dir, &name);
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n",
    );
    std::fs::write(&manifest, text).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/auth/{fixture}.rs")),
        dir.join("tests/auth.rs"),
    )
    .unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--test", "auth", "--manifest-path"])
        .arg(&manifest)
        .envs(env.iter().copied())
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{fixture}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(" passed; 0 failed"), "{stdout}");
}

#[test]
fn alternatives_and_combinations() {
    run_fixture_tests("alternatives", &[]);
}

#[test]
fn api_key_cookie_from_the_environment() {
    run_fixture_tests(
        "api_key_cookie",
        &[("AUTH_API_KEY_COOKIE_API_KEY", "cookie secret-1")],
    );
}

#[test]
fn basic() {
    run_fixture_tests("basic", &[]);
}

#[test]
fn security_empty() {
    run_fixture_tests("security_empty", &[]);
}
