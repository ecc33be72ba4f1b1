//! The public-API part of the codegen report: what a run changes in the public API of the
//! generated modules, compared with the files on disk, and whether that is breaking (see
//! the `api-diff` crate for the rules).

use crate::write::{OutFile, Plan};
use std::path::Path;

/// Which traits of the generated code are internal, so that their impls are not public API:
/// the generated modules are compiled inside the client crate next to its `runtime` module,
/// whose traits (`DecodeMap`, `Page`, `Paginated`, …) are `pub(crate)`, except
/// `MockOperation`, which `generated_client::mock` re-exports; and any trait reached through
/// a `__private` module, the convention for `#[doc(hidden)] pub` items of a runtime crate.
pub fn options() -> api_diff::Options {
    api_diff::Options {
        internal_trait_paths: vec!["crate::runtime".to_owned()],
        private_modules: vec!["__private".to_owned()],
        public_traits: vec!["crate::runtime::mock::MockOperation".to_owned()],
    }
}

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
