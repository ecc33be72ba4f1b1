//! What several xtask test files share.

use std::path::Path;
use xtask::{Outcome, Run, parse_codegen_args};

/// Generates the standalone crate `name` from the spec `spec` into `dir`, as
/// `cargo xtask codegen --spec SPEC --out DIR --name NAME` does; panics unless it is written.
pub fn generate_crate(root: &Path, spec: &Path, dir: &Path, name: &str) {
    let args: Vec<String> = [
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
        "--name",
        name,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    match Run::new(root, parse_codegen_args(&args).unwrap())
        .unwrap()
        .execute(None)
    {
        Outcome::Written { .. } => {}
        other => panic!("{}: {other:?}", spec.display()),
    }
}
