//! End-to-end tests of `cargo xtask codegen`: the committed client is fresh, a failing run
//! writes nothing, and every fixture spec becomes a standalone crate that compiles
//! warning-free and clippy-clean.

use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::{Outcome, Run, parse_codegen_args, workspace_root};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// `cargo xtask codegen --check` as a test, so that plain `cargo test` catches a spec or
/// generator change that was not regenerated.
#[test]
fn generated_client_is_fresh() {
    let run = Run::new(
        &workspace_root(),
        parse_codegen_args(&args(&["--check"])).unwrap(),
    )
    .unwrap();
    match run.execute(None) {
        Outcome::Fresh { .. } => {}
        Outcome::Stale { report } | Outcome::Failed { report } | Outcome::Written { report } => {
            panic!("generated-client/ is not what `cargo xtask codegen` produces:\n{report}")
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root().join("target/xtask-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
                out.push((path, Vec::new()));
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_failed_run_leaves_the_output_untouched() {
    let out = scratch("atomic");
    let spec = workspace_root().join("spec/openapi.yaml");
    let out_arg = out.join("crate");
    let parsed = parse_codegen_args(&args(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_arg.to_str().unwrap(),
    ]))
    .unwrap();
    let run = Run::new(&workspace_root(), parsed).unwrap();
    // A first, successful run; then change one file by hand to stand for an older version.
    assert!(matches!(run.execute(None), Outcome::Written { .. }));
    std::fs::write(
        out_arg.join("src/generated/models.rs"),
        "// an older version\n",
    )
    .unwrap();
    std::fs::write(
        out_arg.join("src/generated/builders.rs"),
        "// an older version\n",
    )
    .unwrap();
    std::fs::write(
        out_arg.join("src/generated/stale.rs"),
        "// no longer generated\n",
    )
    .unwrap();
    let before = tree(&out);
    for fail_after in [0, 1] {
        match run.execute(Some(fail_after)) {
            Outcome::Failed { report } => {
                assert!(report.contains("nothing was changed"), "{report}")
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(
            tree(&out),
            before,
            "a failed run changed files (failing after {fail_after})"
        );
    }
    // A spec that cannot be generated changes nothing either.
    let bad = out.join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses: {}\n").unwrap();
    let before = tree(&out);
    let parsed = parse_codegen_args(&args(&[
        "--spec",
        bad.to_str().unwrap(),
        "--out",
        out_arg.to_str().unwrap(),
    ]))
    .unwrap();
    match Run::new(&workspace_root(), parsed).unwrap().execute(None) {
        Outcome::Failed { report } => assert!(report.contains("#/paths/~1a~1{id}/get"), "{report}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(tree(&out), before);
}

#[test]
fn check_never_writes() {
    let out = scratch("check");
    let spec = workspace_root().join("spec/openapi.yaml");
    let out_arg = out.join("crate");
    let parsed = parse_codegen_args(&args(&[
        "--check",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_arg.to_str().unwrap(),
    ]))
    .unwrap();
    match Run::new(&workspace_root(), parsed).unwrap().execute(None) {
        Outcome::Stale { report } => {
            assert!(report.contains("+++ b/src/generated/models.rs"), "{report}");
            assert!(report.contains("run `cargo xtask codegen"), "{report}");
        }
        other => panic!("expected stale, got {other:?}"),
    }
    assert!(!out_arg.exists(), "--check wrote files");
}

/// A crate generated from another spec says in every file which spec produced it and which
/// command writes it again, quoted so that a shell reads the same words; the repository's
/// own client keeps the plain header.
#[test]
fn standalone_headers_name_the_spec_and_the_command() {
    let spec = workspace_root().join("spec/openapi.yaml");
    let spec = spec.to_str().unwrap();
    let parsed = parse_codegen_args(&args(&[
        "--spec",
        spec,
        "--out",
        "clients/it's here",
        "--name",
        "certs",
        "--features",
        "off",
        "--tag",
        "Certificates",
    ]))
    .unwrap();
    let command = format!(
        "cargo xtask codegen --spec {spec} --out 'clients/it'\\''s here' --name certs --features off --tag Certificates"
    );
    assert_eq!(parsed.command_line(), command);
    let (files, _) = Run::new(&workspace_root(), parsed)
        .unwrap()
        .files()
        .unwrap();
    assert!(
        files.len() > 3,
        "{:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    for file in &files {
        let marker = if file.path.ends_with(".toml") {
            "#"
        } else {
            "//"
        };
        let expected = format!(
            "{marker} Generated by `cargo xtask codegen`; do not edit by hand.\n\
             {marker} Spec: {spec} (OpenAI Admin API — certificates, version 2.3.0).\n\
             {marker} Change the spec or the generator, then run `{command}`.\n"
        );
        assert!(
            file.contents.starts_with(&expected),
            "{}:\n{}",
            file.path,
            &file.contents[..file.contents.len().min(400)]
        );
    }
    // The client in this repository keeps the header that points at spec/.
    let own =
        std::fs::read_to_string(workspace_root().join("generated-client/src/generated/mod.rs"))
            .unwrap();
    assert!(own.starts_with(codegen::HEADER), "{}", &own[..200]);
}

#[test]
fn usage_errors() {
    for (line, expected) in [
        (vec!["--bogus"], "unknown argument `--bogus`"),
        (vec!["--spec"], "--spec needs a value"),
        (vec!["--name", "x"], "--name only applies with --out"),
        (vec!["--tag", "Certificates"], "only apply with --out"),
        (
            vec!["--out", "x", "--name", "1bad"],
            "not a valid crate name",
        ),
    ] {
        let err = parse_codegen_args(&args(&line)).unwrap_err();
        assert!(err.0.contains(expected), "{line:?}: {}", err.0);
    }
    let missing = parse_codegen_args(&args(&["--spec", "/nonexistent/spec.yaml"])).unwrap();
    let err = Run::new(&workspace_root(), missing)
        .err()
        .expect("a missing spec is a usage error");
    assert!(err.0.contains("cannot read the spec"), "{}", err.0);
}

/// Every fixture spec (and the certificate spec) becomes a crate that `cargo clippy`
/// accepts with `-D warnings` (its tests included), with and without the mock feature:
/// the crate holds only generated code, and nothing in it may go unused.
#[test]
fn fixture_crates_compile_without_warnings() {
    let root = workspace_root();
    let out = scratch("fixture-crates");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("codegen/tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs.push(root.join("spec/openapi.yaml"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let dir = out.join(&name);
        if let Err(failure) = generate_crate(&root, spec, &dir, &format!("fixture-{name}")) {
            failures.push(failure);
            continue;
        }
        // Generated code differs only by the `mock` feature (and `webhooks`, which only adds
        // a module); the runtime's `tracing` feature changes no generated code, so each side
        // of `mock` is checked once.
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let all = if manifest.contains("\nwebhooks = ") {
            "mock,tracing,webhooks"
        } else {
            "mock,tracing"
        };
        for features in ["", all] {
            let output = Command::new(&cargo)
                .args([
                    "clippy",
                    "--quiet",
                    "--all-targets",
                    "--no-default-features",
                    "--features",
                    features,
                    "--message-format",
                    "short",
                    "--manifest-path",
                ])
                .arg(dir.join("Cargo.toml"))
                .args(["--", "-D", "warnings"])
                .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
                .env_remove("RUSTFLAGS")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            if !output.status.success() || stderr.contains("warning") {
                failures.push(format!(
                    "{} (features `{features}`):\n{stderr}",
                    spec.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture crates that do not compile cleanly:\n{}",
        failures.join("\n")
    );
}

/// `cargo xtask codegen --spec SPEC --out DIR --name NAME`, with the workspace's lock file
/// copied in (it pins the same dependency versions, so the shared target directory builds
/// them once); the error is the run's outcome.
fn generate_crate(root: &Path, spec: &Path, dir: &Path, name: &str) -> Result<(), String> {
    let parsed = parse_codegen_args(&args(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--name",
        name,
    ]))
    .unwrap();
    match Run::new(root, parsed).unwrap().execute(None) {
        Outcome::Written { .. } => {}
        other => return Err(format!("{}: {other:?}", spec.display())),
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    Ok(())
}

/// Generates a crate from `spec` into `dir` and runs its `spec_examples` tests.
fn run_example_tests(root: &Path, spec: &Path, dir: &Path, name: &str) -> std::process::Output {
    generate_crate(root, spec, dir, name).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args([
            "test",
            "--quiet",
            "--no-default-features",
            "--lib",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .arg("spec_examples")
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

/// The spec's examples become tests of the generated crate: the fixture's all pass, and an
/// example that does not fit its schema makes `cargo test` fail, naming its pointer.
#[test]
fn spec_examples_become_round_trip_tests() {
    let root = workspace_root();
    let out = scratch("spec-examples");
    let fixture = root.join("codegen/tests/fixtures/examples.yaml");
    let output = run_example_tests(&root, &fixture, &out.join("good"), "examples-good");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("9 passed"), "{stdout}");

    // `id` is an integer: a string id in the example cannot decode.
    let text = std::fs::read_to_string(&fixture).unwrap();
    let broken = text.replace("example: {id: 7,", "example: {id: seven,");
    assert_ne!(broken, text, "the fixture changed; update the replacement");
    let broken_spec = out.join("broken.yaml");
    std::fs::write(&broken_spec, broken).unwrap();
    let output = run_example_tests(&root, &broken_spec, &out.join("bad"), "examples-bad");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(
        stdout.contains("#/components/schemas/Widget/example: the example does not decode"),
        "{stdout}"
    );
    assert!(stdout.contains("1 failed"), "{stdout}");
}

/// Generates `spec` as the crate `name` into `dir`, copies `program` (a file of
/// `xtask/tests/webhooks/`) into its `tests/` and runs it with only the `webhooks` feature;
/// the test output.
fn run_webhook_deliveries(
    root: &Path,
    spec: &Path,
    dir: &Path,
    name: &str,
    program: &str,
) -> String {
    generate_crate(root, spec, dir, name).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::copy(
        root.join("xtask/tests/webhooks").join(program),
        dir.join("tests/deliveries.rs"),
    )
    .unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "test",
            "--quiet",
            "--no-default-features",
            "--features",
            "webhooks",
            "--test",
            "deliveries",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Webhook deliveries signed with known secrets, tampered with, replayed, from the future,
/// signed with rotated secrets and of unknown types, through `webhooks::unwrap` of the crate
/// generated from the webhooks fixture (`tests/webhooks/deliveries.rs`, run in that crate).
#[test]
fn webhook_deliveries_through_unwrap() {
    let root = workspace_root();
    let stdout = run_webhook_deliveries(
        &root,
        &root.join("codegen/tests/fixtures/webhooks.yaml"),
        &scratch("webhooks").join("batches"),
        "batches",
        "deliveries.rs",
    );
    assert!(stdout.contains("6 passed"), "{stdout}");
}

/// The same through the crate of the whole published OpenAI spec (../shared/specs, outside
/// the repository; skipped and said so when it is missing, unless `REQUIRE_SHARED_SPECS` is
/// set, as in CI): its 16 webhooks are typed events (`tests/webhooks/openai_deliveries.rs`).
/// About 15 s to generate and, with only the webhooks feature, seconds to compile.
#[test]
fn openai_webhook_deliveries_through_unwrap() {
    let root = workspace_root();
    let spec = root.join("../shared/specs/openai-openapi.json");
    let required = std::env::var("REQUIRE_SHARED_SPECS").is_ok_and(|v| !v.is_empty() && v != "0");
    if !spec.exists() && !required {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED openai_webhook_deliveries_through_unwrap: {} is not on this machine (the \
             published spec, kept outside the repository); set REQUIRE_SHARED_SPECS=1 to make \
             this a failure",
            spec.display()
        );
        return;
    }
    let stdout = run_webhook_deliveries(
        &root,
        &spec,
        &scratch("openai-webhooks").join("openai"),
        "openai",
        "openai_deliveries.rs",
    );
    assert!(stdout.contains("2 passed"), "{stdout}");
}

/// A crate split into features (`--features on`) compiles, clippy-clean, with no feature,
/// with each feature alone, with all of them, and with the mock: what `cargo hack
/// --each-feature` would check, on the fixture whose groups share types.
#[test]
fn each_feature_compiles_alone_and_together() {
    let root = workspace_root();
    let out = scratch("features");
    let dir = out.join("crate");
    let spec = root.join("codegen/tests/fixtures/features.yaml");
    let parsed = parse_codegen_args(&args(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--features",
        "on",
    ]))
    .unwrap();
    match Run::new(&root, parsed).unwrap().execute(None) {
        Outcome::Written { .. } => {}
        other => panic!("{other:?}"),
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let default = manifest
        .lines()
        .find_map(|line| line.strip_prefix("default = ["))
        .expect("a default feature list");
    let groups: Vec<String> = default
        .trim_end_matches(']')
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_owned())
        .filter(|f| !["rustls", "tracing"].contains(&f.as_str()))
        .collect();
    assert!(groups.len() >= 4, "the fixture's groups: {groups:?}");
    let mut sets: Vec<String> = vec![String::new()];
    sets.extend(groups.iter().cloned());
    sets.push(groups.join(","));
    sets.push(format!("{},mock", groups[0]));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut failures = Vec::new();
    for features in &sets {
        let output = Command::new(&cargo)
            .args([
                "clippy",
                "--quiet",
                "--all-targets",
                "--no-default-features",
                "--features",
                features,
                "--message-format",
                "short",
                "--manifest-path",
            ])
            .arg(dir.join("Cargo.toml"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() || stderr.contains("warning") {
            failures.push(format!("features `{features}`:\n{stderr}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
