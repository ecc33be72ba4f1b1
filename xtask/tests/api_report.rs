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

/// A list that becomes cursor-paginated gains impls of the runtime's crate-private
/// `PageParts` and `Paginated` traits: the report leaves them out and lists what users can call.
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
            // No impl of a page trait is listed (the item, before its `: detail`; the
            // detail of `into_pages` names the public `Page` type).
            assert!(
                changes.iter().all(|l| {
                    let item = l.split(": ").next().unwrap_or(l);
                    !(item.contains(" impl ") && item.contains("Pag"))
                }),
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

/// The rule `cargo xtask codegen` passes, on the committed client and on the generated files
/// from before the runtime was a crate of its own: of the runtime's traits that the
/// generated code implements (through `crate::runtime` then, `apigen_runtime::__private`
/// now), only the re-exported `MockOperation` is API, keyed the same in both spellings.
#[test]
fn the_internal_trait_rule_fits_the_generated_code() {
    let dir = workspace_root().join(xtask::GENERATED_DIR);
    let mut committed = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            committed.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    // The page trait was `Page` before the runtime's public `Page` type, `PageParts` since.
    let internal = ["DecodeMap", "Page", "PageParts", "Paginated"];
    let mut mock_operations = Vec::new();
    for files in [
        committed,
        fixture("before_runtime_crate"),
        fixture("after_runtime_crate"),
    ] {
        let every = api_diff::public_api(&borrowed(&files), &api_diff::Options::default());
        let api = api_diff::public_api(&borrowed(&files), &xtask::api_report::options());
        let (every, kept) = (trait_impls(&every), trait_impls(&api));
        assert!(kept.is_subset(&every));
        let left_out: Vec<&(String, String)> = every.difference(&kept).collect();
        assert!(
            left_out.iter().all(|(t, _)| internal.contains(&t.as_str())),
            "{left_out:#?}"
        );
        for t in ["DecodeMap", "Paginated"] {
            assert!(left_out.iter().any(|(name, _)| name == t), "no {t} impl");
        }
        assert!(
            left_out.iter().any(|(name, _)| name.starts_with("Page")),
            "no page trait impl"
        );
        assert!(left_out.contains(&&("DecodeMap".to_owned(), "models::Certificate".to_owned())));
        assert!(kept.iter().all(|(t, _)| !internal.contains(&t.as_str())));
        assert!(
            api.impls
                .contains_key("MockOperation for mock::GetCertificate"),
            "{:#?}",
            api.impls.keys()
        );
        mock_operations.push(
            api.impls
                .iter()
                .filter(|(k, _)| k.starts_with("MockOperation for "))
                .map(|(k, i)| (k.clone(), i.detail.clone()))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(mock_operations[1].len(), 10);
    assert_eq!(mock_operations[1], mock_operations[2]);
}

/// The generated files of a fixture directory under `tests/api_report/`, as (name, text).
fn fixture(name: &str) -> Vec<(String, String)> {
    let dir = workspace_root().join("xtask/tests/api_report").join(name);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no files in {}", dir.display());
    files
}

fn borrowed(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect()
}

/// `files` with `from` replaced by `to` in `file`, where it occurs exactly once.
fn edit(files: &mut [(String, String)], file: &str, from: &str, to: &str) {
    let (_, text) = files
        .iter_mut()
        .find(|(name, _)| name == file)
        .unwrap_or_else(|| panic!("no {file}"));
    assert_eq!(text.matches(from).count(), 1, "`{from}` in {file}");
    *text = text.replace(from, to);
}

/// The generated files before (`fb88dee`, in `tests/api_report/before_runtime_crate/`) and
/// after (`after_runtime_crate/`) the runtime became a crate of its own: the same spec, so
/// the same API for users, spelled differently — `crate::runtime::Result<super::models::
/// Certificate>` then, `Result<models::Certificate>` after `use apigen_runtime::Result;` and
/// `use super::models;` now; operations added to `crate::runtime::Client` then, to
/// `super::Client` (which `apigen_runtime::client!` defines) now; `impl
/// crate::runtime::mock::MockServer` then, `impl MockServer` (of `apigen_runtime::mock!`)
/// now; and the runtime's items re-exported by the generated modules themselves now.
#[test]
fn the_runtime_becoming_a_crate_changes_no_api() {
    let before = fixture("before_runtime_crate");
    let after = fixture("after_runtime_crate");
    let options = xtask::api_report::options();
    assert_eq!(
        api_diff::report(&borrowed(&before), &borrowed(&after), &options),
        "public API: no changes\n"
    );

    // Not because nothing was read: the same operations, mock expectations and impls are
    // found in both, under the same keys.
    let old = api_diff::public_api(&borrowed(&before), &options);
    let new = api_diff::public_api(&borrowed(&after), &options);
    assert_eq!(old, new);
    for surface in [&old, &new] {
        assert_eq!(
            surface.functions["Client::get_certificate"].signature(),
            "fn get_certificate(&self, certificate_id: impl Into<String>) -> builders::GetCertificate"
        );
        assert!(surface.functions["Client::get_certificate"].operation);
        assert_eq!(
            surface.functions["builders::GetCertificate::send"].output,
            "Result<models::Certificate>"
        );
        assert_eq!(
            surface.functions["builders::GetCertificate::send_with_meta"].output,
            "Result<ApiResponse<models::Certificate>>"
        );
        assert_eq!(
            surface.functions["MockServer::get_certificate"].output,
            "Expectation<'_, mock::GetCertificate>"
        );
        assert!(
            surface
                .functions
                .contains_key("Expectation<'_, mock::GetCertificate>::certificate_id")
        );
        assert_eq!(
            surface.impls["into_future!(builders::GetCertificate)"].detail,
            "builders::GetCertificate => models::Certificate"
        );
        assert!(surface.impls.contains_key("string_enum!(models::Include)"));
        assert_eq!(
            surface.types["models::Certificate"].fields[4],
            (
                "certificate_details".to_owned(),
                "models::CertificateDetails".to_owned()
            )
        );
        // The runtime's re-exports and macros are its API, not the spec's.
        assert!(
            surface
                .others
                .values()
                .all(|o| o.what == api_diff::What::Module),
            "{:#?}",
            surface.others
        );
        assert!(
            !surface
                .impls
                .keys()
                .any(|k| k.starts_with("client!") || k.starts_with("mock!"))
        );
    }
}

/// Real changes are still found, and reported in the resolved spelling: a field's type, an
/// argument's type, a mock expectation's return type (a type `mock!` defines), a new field
/// of a runtime type reached through `__private`.
#[test]
fn changes_in_the_new_spelling_are_reported() {
    let before = fixture("before_runtime_crate");
    let mut after = fixture("after_runtime_crate");
    edit(
        &mut after,
        "models.rs",
        "    pub certificate_details: CertificateDetails,",
        "    pub certificate_details: OrganizationCertificateDetails,",
    );
    edit(
        &mut after,
        "models.rs",
        "pub struct Certificate {",
        "pub struct Certificate {\n    pub fingerprint: runtime::Bytes,",
    );
    edit(
        &mut after,
        "builders.rs",
        "include: impl IntoIterator<Item = models::Include>,",
        "include: impl IntoIterator<Item = super::models::Order>,",
    );
    edit(
        &mut after,
        "mock.rs",
        "pub fn get_certificate(&self) -> Expectation<'_, GetCertificate> {",
        "pub fn get_certificate(&self) -> Expectation<'_, ModifyCertificate> {",
    );
    let report = api_diff::report(
        &borrowed(&before),
        &borrowed(&after),
        &xtask::api_report::options(),
    );
    assert_eq!(
        report,
        "public API changes (4 breaking, 0 compatible → needs a major version bump; 0.x: bump the minor):\n  \
         - BREAKING changed   method MockServer::get_certificate: returns `Expectation<'_, mock::ModifyCertificate>` (was `Expectation<'_, mock::GetCertificate>`)\n  \
         - BREAKING changed   method builders::GetCertificate::include: argument `include`: `impl IntoIterator<Item = models::Include>` → `impl IntoIterator<Item = models::Order>`\n  \
         - BREAKING changed   field models::Certificate.certificate_details: models::CertificateDetails → models::OrganizationCertificateDetails\n  \
         - BREAKING added     field models::Certificate.fingerprint: Bytes (struct literals of `Certificate` must now set it)\n"
    );
}

/// The items `xtask::api_report::options` reads `apigen_runtime::__private::X` as
/// `apigen_runtime::X` for, and the crates it reads `apigen_runtime::__private::krate` as
/// `krate` for, are those `runtime/src/lib.rs` re-exports there.
#[test]
fn the_private_reexports_match_the_runtime() {
    let lib = std::fs::read_to_string(workspace_root().join("runtime/src/lib.rs")).unwrap();
    let start = lib
        .find("pub mod __private {")
        .expect("the runtime has a __private module");
    let block = &lib[start..start + lib[start..].find("\n}").unwrap()];
    let names = |list: &str| -> Vec<String> {
        list.trim_start_matches('{')
            .trim_end_matches('}')
            .split(',')
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    };
    let mut items = BTreeSet::new();
    let mut crates = BTreeSet::new();
    // One statement per item of the list, joined when rustfmt spread it over lines.
    let statements = block
        .split(';')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    for statement in statements {
        let Some(used) = statement.rsplit_once("pub use ").map(|(_, used)| {
            used.replace("{ ", "{")
                .replace(", }", "}")
                .replace(" }", "}")
        }) else {
            continue;
        };
        let used = used.as_str();
        if let Some(rest) = used.strip_prefix("crate::") {
            // The crate's root items, not those of its modules (`crate::mock::json_body`).
            if rest.starts_with('{') || !rest.contains("::") {
                items.extend(names(rest));
            }
        } else if let Some((krate, rest)) = used.split_once("::") {
            if names(rest).iter().any(|n| n == "self") {
                crates.insert(krate.to_owned());
            }
        } else {
            crates.insert(used.to_owned());
        }
    }
    let listed =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|n| (*n).to_owned()).collect() };
    assert_eq!(listed(xtask::api_report::PRIVATE_REEXPORTS), items);
    assert_eq!(listed(xtask::api_report::PRIVATE_CRATES), crates);
}
