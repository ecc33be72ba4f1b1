//! `cargo xtask codegen` reports what a regeneration changes in the public API, and marks
//! the breaking changes, both when writing and with `--check`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use xtask::{Outcome, Run, parse_codegen_args, workspace_root};

fn scratch(name: &str) -> PathBuf {
    let dir = workspace_root().join("target/xtask-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(spec: &str, out: &std::path::Path, check: bool) -> Outcome {
    let spec = workspace_root().join("api-diff/tests/api_diff").join(spec);
    let mut line = vec![
        "--spec".to_owned(),
        spec.to_str().unwrap().to_owned(),
        "--out".to_owned(),
        out.to_str().unwrap().to_owned(),
        "--name".to_owned(),
        "widgets".to_owned(),
    ];
    if check {
        line.push("--check".to_owned());
    }
    let args = parse_codegen_args(&line).unwrap();
    Run::new(&workspace_root(), args).unwrap().execute(None)
}

const BREAKING_LINE: &str = "  - BREAKING removed   operation Client::delete_widget\n";

#[test]
fn regeneration_reports_breaking_changes() {
    let out = scratch("api-report").join("crate");

    // First generation: nothing to compare with.
    match run("base.yaml", &out, false) {
        Outcome::Written { report } => assert!(
            report.contains("public API: new crate (no previous version to compare with)"),
            "{report}"
        ),
        other => panic!("expected a write, got {other:?}"),
    }
    let models = out.join("src/generated/models.rs");
    let before = std::fs::read_to_string(&models).unwrap();

    // `--check` against a spec without `deleteWidget`: stale, with the report, and nothing
    // written.
    match run("changes/operation_removed.yaml", &out, true) {
        Outcome::Stale { report } => {
            assert!(report.contains("public API changes ("), "{report}");
            assert!(report.contains(BREAKING_LINE), "{report}");
            assert!(report.contains("needs a major version bump"), "{report}");
            assert!(report.contains("the generated files are stale"), "{report}");
        }
        other => panic!("expected stale, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&models).unwrap(), before);
    assert!(
        std::fs::read_to_string(out.join("src/generated/builders.rs"))
            .unwrap()
            .contains("pub fn delete_widget(")
    );

    // Regenerating writes it and prints the same report.
    match run("changes/operation_removed.yaml", &out, false) {
        Outcome::Written { report } => {
            assert!(report.contains(BREAKING_LINE), "{report}");
            assert!(
                report.contains("  updated src/generated/builders.rs"),
                "{report}"
            );
        }
        other => panic!("expected a write, got {other:?}"),
    }

    // Nothing changes the second time, so there is nothing to report.
    match run("changes/operation_removed.yaml", &out, false) {
        Outcome::Written { report } => {
            assert!(report.contains("up to date"), "{report}");
            assert!(!report.contains("public API"), "{report}");
        }
        other => panic!("expected a write, got {other:?}"),
    }

    // Adding it back is a compatible change.
    match run("base.yaml", &out, false) {
        Outcome::Written { report } => {
            assert!(
                report.contains("public API changes (0 breaking,"),
                "{report}"
            );
            assert!(
                report.contains("  + added     operation Client::delete_widget: fn delete_widget(&self, widget_id: impl Into<String>) -> builders::DeleteWidget\n"),
                "{report}"
            );
            assert!(report.contains("needs a minor version bump"), "{report}");
        }
        other => panic!("expected a write, got {other:?}"),
    }
}

/// A change that touches only documentation rewrites files but not the API.
#[test]
fn documentation_changes_report_no_api_change() {
    let out = scratch("api-report-docs").join("crate");
    assert!(matches!(
        run("base.yaml", &out, false),
        Outcome::Written { .. }
    ));
    match run("changes/docs_only.yaml", &out, true) {
        Outcome::Stale { report } => {
            assert!(report.contains("public API: no changes\n"), "{report}")
        }
        other => panic!("expected stale, got {other:?}"),
    }
}

/// A list that becomes cursor-paginated gains impls of the runtime's crate-private `Page`
/// and `Paginated` traits: the report leaves them out and lists what users can call.
#[test]
fn impls_of_internal_runtime_traits_are_not_reported() {
    let out = scratch("api-report-internal").join("crate");
    assert!(matches!(
        run("base.yaml", &out, false),
        Outcome::Written { .. }
    ));
    match run("changes/list_became_paginated.yaml", &out, true) {
        Outcome::Stale { report } => {
            // The API changes: the lines after the heading, up to the first that is not one
            // (the unified diff before it does show the new impls).
            let changes: Vec<&str> = report
                .lines()
                .skip_while(|l| !l.starts_with("public API changes ("))
                .skip(1)
                .take_while(|l| l.starts_with("  "))
                .collect();
            assert!(
                changes
                    .iter()
                    .any(|l| l
                        .starts_with("  + added     method builders::ListWidgets::into_stream: ")),
                "{report}"
            );
            assert!(
                changes
                    .iter()
                    .all(|l| !(l.contains(" impl ") && l.contains("Pag"))),
                "{report}"
            );
        }
        other => panic!("expected stale, got {other:?}"),
    }
}

/// The trait impls of a surface, as (trait name, implementing type).
fn trait_impls(surface: &api_diff::Surface) -> BTreeSet<(String, String)> {
    surface
        .impls
        .keys()
        .filter_map(|k| k.split_once(" for "))
        .map(|(t, owner)| (t.rsplit("::").next().unwrap().to_owned(), owner.to_owned()))
        .collect()
}

/// The rule `cargo xtask codegen` passes, on the committed client: of the runtime's traits
/// that the generated code implements (through `apigen_runtime::__private`), only the
/// re-exported `MockOperation` is API, keyed by its name.
#[test]
fn the_internal_trait_rule_fits_the_generated_code() {
    let dir = workspace_root().join(xtask::GENERATED_DIR);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let internal = ["DecodeMap", "Page", "Paginated"];
    let every = api_diff::public_api(&files, &api_diff::Options::default());
    let api = api_diff::public_api(&files, &xtask::api_report::options());
    let (every, kept) = (trait_impls(&every), trait_impls(&api));
    assert!(kept.is_subset(&every));
    let left_out: Vec<&(String, String)> = every.difference(&kept).collect();
    assert!(
        left_out.iter().all(|(t, _)| internal.contains(&t.as_str())),
        "{left_out:#?}"
    );
    for t in internal {
        assert!(left_out.iter().any(|(name, _)| name == t), "no {t} impl");
    }
    assert!(left_out.contains(&&("DecodeMap".to_owned(), "models::Certificate".to_owned())));
    assert!(kept.iter().all(|(t, _)| !internal.contains(&t.as_str())));
    assert!(
        api.impls
            .contains_key("MockOperation for mock::GetCertificate"),
        "{:#?}",
        api.impls.keys()
    );
}
