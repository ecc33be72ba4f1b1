//! Rendering the changes for the maintainer, with the version bump they call for.

use crate::{Change, ChangeKind, Options, diff, public_api};
use std::fmt::Write as _;

/// The version bump the changes call for.
pub fn semver_advice(changes: &[Change]) -> &'static str {
    if changes.iter().any(|c| c.breaking) {
        "needs a major version bump; 0.x: bump the minor"
    } else if changes.iter().any(|c| c.kind == ChangeKind::Added) {
        "needs a minor version bump; 0.x: bump the patch"
    } else if changes.is_empty() {
        "no version bump needed for the API"
    } else {
        "a patch version bump is enough"
    }
}

/// The changes for the maintainer, one per line, with the bump they call for:
///
/// ```text
/// public API changes (2 breaking, 1 compatible → needs a major version bump; 0.x: bump the minor):
///   - BREAKING removed   operation Client::delete_certificate
///   - BREAKING changed   field models::Certificate.name: Option<String> → String (became required)
///   + added     variant models::CertificateObject::Foo
/// ```
pub fn render_report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "public API: no changes\n".to_owned();
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "public API changes ({breaking} breaking, {} compatible → {}):\n",
        changes.len() - breaking,
        semver_advice(changes)
    );
    for c in changes {
        let _ = writeln!(out, "  {c}");
    }
    out
}

/// The report of what changed between two versions of the generated files, read with
/// [`public_api`] and `options`.
pub fn report(old: &[(&str, &str)], new: &[(&str, &str)], options: &Options) -> String {
    render_report(&diff(&public_api(old, options), &public_api(new, options)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Surface;

    fn api(src: &str) -> Surface {
        public_api(&[("models.rs", src)], &crate::Options::default())
    }

    fn changes(old: &str, new: &str) -> Vec<Change> {
        diff(&api(old), &api(new))
    }

    #[test]
    fn report_format() {
        assert_eq!(render_report(&[]), "public API: no changes\n");
        let c = changes(
            "pub enum E { A } pub struct S { pub n: Option<String> }",
            "pub enum E { A } pub struct S { pub n: String } pub struct T;",
        );
        assert_eq!(
            render_report(&c),
            "public API changes (1 breaking, 1 compatible → needs a major version bump; 0.x: bump the minor):\n  \
             - BREAKING changed   field models::S.n: Option<String> → String (became required)\n  \
             + added     struct models::T\n"
        );
    }
}
