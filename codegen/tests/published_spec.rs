//! Consistency with the published OpenAI spec: selecting `--tag Certificates` from it gives
//! the same public API as generating from our spec/. Needs ../shared/specs (the unmodified
//! published document, outside this repository): without it the test is skipped and says so
//! in the output of `cargo test`, or fails when `REQUIRE_SHARED_SPECS=1` (as in CI, which
//! always has ../shared beside the clone). The same check for maintainers is one command in
//! the README.

use std::io::Write as _;
use std::path::Path;

/// Whether a missing ../shared/specs is a failure rather than a skip.
fn shared_specs_required() -> bool {
    std::env::var("REQUIRE_SHARED_SPECS").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The text of a file of ../shared/specs; `None` (after saying so) when it is not on this
/// machine and `REQUIRE_SHARED_SPECS` is not set. Any other read error fails the test.
fn read_shared_spec(test: &str, path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !shared_specs_required() => {
            // Straight to stderr, past libtest's capture, so that a passing `cargo test`
            // shows the skip too.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {} is not on this machine (the published spec, kept outside \
                 the repository); set REQUIRE_SHARED_SPECS=1 to make this a failure",
                path.display()
            );
            None
        }
        Err(e) => panic!(
            "{test}: cannot read {}: {e} (the published spec belongs in ../shared/specs beside \
             the clone{})",
            path.display(),
            if shared_specs_required() {
                "; REQUIRE_SHARED_SPECS is set, so a missing file is a failure"
            } else {
                ""
            }
        ),
    }
}

fn view(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect()
}

fn files(spec_text: &str, config: &codegen::Config) -> Vec<codegen::GeneratedFile> {
    let loaded = codegen::load_spec(spec_text).expect("the spec loads");
    codegen::generate(&loaded.spec, config).expect("the spec generates")
}

#[test]
fn tag_certificates_of_the_published_spec_matches_spec_dir() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let published = root.join("../shared/specs/openai-openapi.yaml");
    let Some(published_text) = read_shared_spec(
        "tag_certificates_of_the_published_spec_matches_spec_dir",
        &published,
    ) else {
        return;
    };
    let ours_text = std::fs::read_to_string(root.join("spec/openapi.yaml")).unwrap();
    // spec/codegen.toml's environment variables, for both (the titles differ, and with
    // them the default names).
    let environment = codegen::Config {
        env_prefix: Some("OPENAI".into()),
        api_key_env: Some("OPENAI_ADMIN_KEY".into()),
        base_url_env: Some("OPENAI_BASE_URL".into()),
        ..Default::default()
    };
    let selected = codegen::Config {
        selection: codegen::Selection {
            tags: vec!["Certificates".into()],
            ..Default::default()
        },
        ..environment.clone()
    };
    let theirs = files(&published_text, &selected);
    let ours = files(&ours_text, &environment);
    let pairs = |files: &[codegen::GeneratedFile]| -> Vec<(String, String)> {
        files
            .iter()
            .filter(|f| f.path != "spec_examples.rs")
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect()
    };
    let (theirs, ours) = (pairs(&theirs), pairs(&ours));
    // Every trait impl counts, the runtime's internal ones too: both sides should generate
    // the same code, not only the same API.
    let options = api_diff::Options::default();
    let changes = api_diff::diff(
        &api_diff::public_api(&view(&theirs), &options),
        &api_diff::public_api(&view(&ours), &options),
    );
    // Differences we keep on purpose, each with its reason (also in the README).
    // (None now: both declare the OpenAI error body in their 429 responses, which the
    // operations' errors decode into, so both reach `Error` and `ErrorResponse`.)
    let explained: [&str; 0] = [];
    let unexplained: Vec<String> = changes
        .iter()
        .map(|c| c.to_string())
        .filter(|line| !explained.contains(&line.trim()))
        .collect();
    assert!(
        unexplained.is_empty(),
        "generating spec/ differs from `--tag Certificates` of the published spec \
         (old = published, new = spec/):\n{}",
        unexplained.join("\n")
    );
    assert_eq!(
        changes.len(),
        explained.len(),
        "an explained difference is gone: update the list"
    );
}
