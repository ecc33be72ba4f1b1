//! Snapshot tests: every fixture spec's generated code, one snapshot per generated file
//! (`snapshots/fixtures/FIXTURE/FILE.snap`, and `notes.snap`); every error fixture's
//! diagnostics with their places (`snapshots/errors/FIXTURE.snap`); and the notes of the
//! project's own spec (its code is pinned by `generated-client/src/generated/` and the
//! freshness test, not copied here). Review changes with `cargo insta review` or
//! `INSTA_UPDATE=always cargo test -p codegen` followed by reading every changed `.snap` in
//! `git diff`.

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Where this file's snapshots are, relative to `tests/` (insta's `snapshot_path`).
const SNAPSHOTS: &str = "snapshots";

/// A fixture's directory of snapshots, relative to `tests/`: `snapshots/fixtures/STEM`.
fn fixture_snapshots(fixture: &Path) -> String {
    let stem = fixture.file_stem().unwrap().to_string_lossy();
    format!("{SNAPSHOTS}/fixtures/{stem}")
}

/// The snapshot name of a generated file (`models.rs`; a `/` in a nested path becomes `__`,
/// as insta names it).
fn file_snapshot_name(path: &str) -> String {
    path.replace('/', "__")
}

/// Loads and generates a spec, which must succeed: all its notes (loading's, then
/// generation's, as `cargo xtask codegen` lists them) and its generation. A failure panics
/// with the diagnostics as `cargo xtask codegen` prints them.
fn generate_ok(path: &Path) -> (Vec<codegen::Note>, codegen::Generation) {
    let text = read(path);
    let shown = path.strip_prefix(workspace_root()).unwrap_or(path);
    let fail = |e: codegen::Error| -> ! {
        panic!(
            "{} must generate:\n{}",
            shown.display(),
            e.report(&shown.display().to_string(), &text)
        )
    };
    let loaded = codegen::load_spec(&text).unwrap_or_else(|e| fail(e));
    let generation = codegen::generate_with_notes(&loaded.spec, &codegen::Config::default())
        .unwrap_or_else(|e| fail(e));
    let notes = loaded
        .notes
        .iter()
        .chain(&generation.notes)
        .cloned()
        .collect();
    (notes, generation)
}

/// The notes as `cargo xtask codegen` prints them, one a line.
fn render_notes(notes: &[codegen::Note]) -> String {
    if notes.is_empty() {
        return "no notes\n".to_owned();
    }
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

/// Insta's settings for snapshots in `DIR/NAME.snap` (`DIR` relative to `tests/`), named by
/// what they hold: no module prefix, no glob suffix, no expression in the header.
fn settings_in(dir: String) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.remove_snapshot_suffix();
    settings.set_omit_expression(true);
    settings
}

/// Every fixture generates (decided by the `Result`), and each generated file is a snapshot
/// of its own, `snapshots/fixtures/FIXTURE/FILE.snap`, next to `notes.snap`: a change to one
/// emitter changes only that emitter's file of each fixture. Every mismatch is reported, not
/// only the first (insta's `glob!` collects them).
#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let (notes, generation) = generate_ok(path);
        settings_in(fixture_snapshots(path)).bind(|| {
            for file in &generation.files {
                insta::assert_snapshot!(file_snapshot_name(&file.path), file.contents);
            }
            insta::assert_snapshot!("notes", render_notes(&notes));
        });
    });
}

/// The `.snap` files under `dir`, relative to `base`, sorted.
fn snap_files(base: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.map(|e| e.unwrap().path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "snap") {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}

/// Every `.snap` in the directories this file writes belongs to a snapshot it asserts: a
/// generated file that is no longer generated, or a fixture that was removed, leaves no
/// stale snapshot behind (insta itself only fails on missing or changed ones).
#[test]
fn no_stale_snapshots() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(tests.join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let dir = fixture_snapshots(&path);
        let (_, generation) = generate_ok(&path);
        for file in &generation.files {
            expected.insert(format!("{dir}/{}.snap", file_snapshot_name(&file.path)));
        }
        expected.insert(format!("{dir}/notes.snap"));
    }
    for entry in std::fs::read_dir(tests.join("errors")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let stem = path.file_stem().unwrap().to_string_lossy();
            expected.insert(format!("{SNAPSHOTS}/errors/{stem}.snap"));
        }
    }
    expected.insert(format!("{SNAPSHOTS}/spec/notes.snap"));
    let stale: Vec<String> = ["fixtures", "errors", "spec"]
        .into_iter()
        .flat_map(|dir| snap_files(&tests, &tests.join(SNAPSHOTS).join(dir)))
        .filter(|snap| !expected.contains(snap))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots that no test asserts (delete them):\n  codegen/tests/{}",
        stale.join("\n  codegen/tests/")
    );
}

/// Every error fixture is refused (decided by the `Result`: `load_spec` or
/// `generate_with_notes` returns `Err`), and its diagnostics are pinned as `cargo xtask
/// codegen` prints them, each with its file:line:column (when the pointer is found in the
/// text) and JSON pointer: `snapshots/errors/FIXTURE.snap`.
#[test]
fn errors() {
    insta::glob!("errors/*.yaml", |path| {
        let text = read(path);
        let result = codegen::load_spec(&text).and_then(|loaded| {
            codegen::generate_with_notes(&loaded.spec, &codegen::Config::default())
        });
        let shown = path.strip_prefix(workspace_root()).unwrap();
        let Err(error) = result else {
            panic!("{} must be refused, but it generated", shown.display());
        };
        let stem = path.file_stem().unwrap().to_string_lossy();
        settings_in(format!("{SNAPSHOTS}/errors")).bind(|| {
            insta::assert_snapshot!(
                stem.as_ref(),
                error.report(&shown.display().to_string(), &text)
            );
        });
    });
}

/// spec/'s generated code has one golden copy, `generated-client/src/generated/`, which
/// `generated_client_is_fresh` (xtask/tests/codegen.rs) compares byte for byte with what
/// `cargo xtask codegen` writes. Its notes are in no generated file, so they are pinned here:
/// `snapshots/spec/notes.snap`.
#[test]
fn spec_notes() {
    let spec = workspace_root().join("spec/openapi.yaml");
    let (notes, _) = generate_ok(&spec);
    let mut settings = settings_in(format!("{SNAPSHOTS}/spec"));
    settings.set_input_file(&spec);
    settings.bind(|| insta::assert_snapshot!("notes", render_notes(&notes)));
}

/// Generating the same text twice gives the same files and notes (or the same errors).
#[test]
fn generation_is_deterministic() {
    let text = read(&workspace_root().join("spec/openapi.yaml"));
    let generate = || {
        codegen::load_spec(&text).and_then(|loaded| {
            let generation =
                codegen::generate_with_notes(&loaded.spec, &codegen::Config::default())?;
            Ok((loaded.notes, generation))
        })
    };
    assert_eq!(generate(), generate());
}
