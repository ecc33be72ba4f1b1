//! The public-API part of the codegen report: what a run changes in the public API of the
//! generated modules, compared with the files on disk, and whether that is breaking (see
//! the `api-diff` crate for the rules).

use crate::write::{OutFile, Plan};
use std::path::Path;

/// What `api_diff` needs to know about the generated code (see `api_diff::Options`):
///
/// - Which traits are internal, so that their impls are not public API: those of the
///   runtime, which generated code reaches through `apigen_runtime::__private` (the
///   convention for `#[doc(hidden)] pub` items), or reached through the client crate's own
///   `crate::runtime` module when the runtime was one (`DecodeMap`, `PageParts`, `Paginated`, …,
///   `pub(crate)` there); except `MockOperation`, which the client's `mock` module
///   re-exports.
/// - Which paths name the same items: the runtime's items were `crate::runtime::X` and are
///   `apigen_runtime::X`; `apigen_runtime::__private` re-exports some of the crate's root
///   items ([`PRIVATE_REEXPORTS`]) and some crates.
/// - Which crate is the runtime: its items, and the `Client`, `ClientBuilder`, `MockServer`
///   and `Expectation` its `client!` and `mock!` macros define in the generated modules,
///   are its API, versioned with it, not the spec's; the report names them by their names.
pub fn options() -> api_diff::Options {
    let mut path_aliases = vec![
        api_diff::PathAlias::new("crate::runtime", RUNTIME_CRATE),
        api_diff::PathAlias::new(format!("{RUNTIME_CRATE}::__private"), RUNTIME_CRATE)
            .only(PRIVATE_REEXPORTS.iter().copied()),
    ];
    path_aliases.extend(PRIVATE_CRATES.iter().map(|krate| {
        api_diff::PathAlias::new(format!("{RUNTIME_CRATE}::__private::{krate}"), *krate)
    }));
    api_diff::Options {
        internal_trait_paths: vec!["crate::runtime".to_owned()],
        private_modules: vec!["__private".to_owned()],
        public_traits: vec!["crate::runtime::mock::MockOperation".to_owned()],
        path_aliases,
        runtime_crates: vec![RUNTIME_CRATE.to_owned()],
    }
}

/// The crate name of the runtime that generated code uses.
pub const RUNTIME_CRATE: &str = "apigen_runtime";

/// The items of the runtime's root that `apigen_runtime::__private` re-exports
/// (`pub use crate::{…}` in `runtime/src/lib.rs`), so that `runtime::ApiResponse` in
/// generated code (after `use apigen_runtime::__private as runtime;`) is
/// `apigen_runtime::ApiResponse`.
pub const PRIVATE_REEXPORTS: &[&str] = &[
    "ApiResponse",
    "BoxFuture",
    "ByteStream",
    "Bytes",
    "Error",
    "FileUpload",
    "ItemStream",
    "Page",
    "Result",
    "Stream",
    "request_builder",
    "string_enum",
];

/// The crates that `apigen_runtime::__private` re-exports whole.
pub const PRIVATE_CRATES: &[&str] = &["reqwest", "serde", "serde_json"];

/// The report for a plan that changes something: `public API: …` lines, ending in a newline.
/// `generated_dir` is the directory of the generated modules relative to `root`
/// (`generated-client/src/generated`, or `src/generated` in a standalone crate). Must be
/// called before the plan is applied: files the plan deletes are read from disk.
pub fn report(root: &Path, plan: &Plan, files: &[OutFile], generated_dir: &str) -> String {
    let prefix = format!("{generated_dir}/");
    let relative = |path: &str| -> Option<String> {
        path.strip_prefix(&prefix)
            .filter(|rel| rel.ends_with(".rs"))
            .map(str::to_owned)
    };
    let mut new: Vec<(String, String)> = Vec::new();
    let mut old: Vec<(String, String)> = Vec::new();
    for file in files {
        let Some(rel) = relative(&file.path) else {
            continue;
        };
        new.push((rel.clone(), file.contents.clone()));
        match plan.writes.iter().find(|(path, _, _)| *path == file.path) {
            Some((_, Some(before), _)) => old.push((rel, before.clone())),
            Some((_, None, _)) => {}
            None => old.push((rel, file.contents.clone())),
        }
    }
    for path in &plan.deletes {
        if let Some(rel) = relative(path)
            && let Ok(before) = std::fs::read_to_string(root.join(path))
        {
            old.push((rel, before));
        }
    }
    if old.is_empty() {
        return "public API: new crate (no previous version to compare with)\n".to_owned();
    }
    let old: Vec<(&str, &str)> = old.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let new: Vec<(&str, &str)> = new.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    api_diff::report(&old, &new, &options())
}
