//! `codegen.toml`: read from the spec's directory (or `--config FILE`), overridden by flags,
//! and refused with the place of the problem.

use std::path::{Path, PathBuf};
use xtask::{Outcome, Run, parse_codegen_args, workspace_root};

fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root()
        .join("target/xtask-tests/config")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = workspace_root().join("codegen/tests/fixtures/auth_alternatives.yaml");
    std::fs::copy(spec, dir.join("api.yaml")).unwrap();
    dir
}

fn run(dir: &Path, extra: &[&str]) -> Result<Outcome, String> {
    let mut args: Vec<String> = vec![
        "--spec".into(),
        dir.join("api.yaml").display().to_string(),
        "--out".into(),
        dir.join("out").display().to_string(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let parsed = parse_codegen_args(&args).map_err(|e| e.0)?;
    Run::new(&workspace_root(), parsed)
        .map(|run| run.execute(None))
        .map_err(|e| e.0)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(file)).unwrap()
}

const CONFIG: &str = r#"
name = "acme"
base_url = "https://acme.example.com/v2"

[env]
prefix = "ACME"
schemes = { bearer = "ACME_TOKEN" }
"#;

#[test]
fn the_file_beside_the_spec_configures_the_crate() {
    let dir = scratch("beside");
    std::fs::write(dir.join("codegen.toml"), CONFIG).unwrap();
    assert!(matches!(run(&dir, &[]), Ok(Outcome::Written { .. })));
    let manifest = read(&dir, "Cargo.toml");
    assert!(manifest.contains("name = \"acme\""), "{manifest}");
    let root = read(&dir, "src/generated/mod.rs");
    for expected in [
        "env: \"ACME_TOKEN\"",
        "env: \"ACME_API_KEY\"",
        "env: \"ACME_APP_ID\"",
        "base_url_env: \"ACME_BASE_URL\"",
        "default_base_url: \"https://acme.example.com/v2\"",
    ] {
        assert!(root.contains(expected), "{expected} in\n{root}");
    }
    // The header's command is the one given: running it again reads the same file.
    assert!(!root.contains("--name"), "{root}");
}

#[test]
fn flags_override_the_file_and_config_names_another_file() {
    let dir = scratch("flags");
    std::fs::write(dir.join("other.toml"), CONFIG).unwrap();
    let config = dir.join("other.toml").display().to_string();
    assert!(matches!(
        run(&dir, &["--config", &config, "--name", "from-flag"]),
        Ok(Outcome::Written { .. })
    ));
    let manifest = read(&dir, "Cargo.toml");
    assert!(manifest.contains("name = \"from-flag\""), "{manifest}");
    let root = read(&dir, "src/generated/mod.rs");
    assert!(root.contains("ACME_TOKEN"), "{root}");
    assert!(root.contains(&format!("--config {config}")), "{root}");
}

#[test]
fn mistakes_are_located() {
    let dir = scratch("mistakes");
    std::fs::write(
        dir.join("codegen.toml"),
        "name = \"acme\"\n\n[env]\nprefix = 3\n",
    )
    .unwrap();
    let err = run(&dir, &[]).unwrap_err();
    let expected = format!(
        "{}:4:10: `env.prefix`: invalid type: integer `3`, expected a string",
        dir.join("codegen.toml").display()
    );
    assert_eq!(err, expected);
    std::fs::write(dir.join("codegen.toml"), "[select]\ntag = [\"a\"]\n").unwrap();
    let err = run(&dir, &[]).unwrap_err();
    assert!(
        err.contains("codegen.toml:2:1: `select.tag`: unknown field `tag`"),
        "{err}"
    );
}

#[test]
fn spec_dir_names_the_openai_variables() {
    let root =
        std::fs::read_to_string(workspace_root().join("generated-client/src/generated/mod.rs"))
            .unwrap();
    assert!(root.contains("env: \"OPENAI_ADMIN_KEY\""), "{root}");
    assert!(root.contains("base_url_env: \"OPENAI_BASE_URL\""), "{root}");
}
