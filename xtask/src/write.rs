//! All-or-nothing file updates: compare with what is on disk, stage every changed file next
//! to its destination, then move them into place. A failure before the moves leaves every
//! destination byte-identical to before and no staged file behind.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// One file the run should produce, relative to the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// Full contents.
    pub contents: String,
}

/// What differs between the wanted files and the disk.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to create or overwrite: (relative path, old contents if any, new contents).
    pub writes: Vec<(String, Option<String>, String)>,
    /// Files to delete (stale files in directories the generator owns), relative paths.
    pub deletes: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
}

impl Plan {
    /// Whether the disk already holds exactly the wanted files.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.deletes.is_empty()
    }
}

/// A relative path that stays inside the root: no `..`, no root, no prefix, not empty.
pub fn safe_relative(path: &str) -> io::Result<PathBuf> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write {path:?}: not a plain relative path"),
        ))
    }
}

/// Compares `files` with the disk under `root`. Files under `owned_dirs` (relative) that
/// are not wanted any more are planned for deletion.
pub fn plan(root: &Path, files: &[OutFile], owned_dirs: &[&str]) -> io::Result<Plan> {
    let mut plan = Plan::default();
    for file in files {
        let rel = safe_relative(&file.path)?;
        let old = match fs::read(root.join(&rel)) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if old.as_deref() == Some(file.contents.as_str()) {
            plan.unchanged.push(file.path.clone());
        } else {
            plan.writes
                .push((file.path.clone(), old, file.contents.clone()));
        }
    }
    for dir in owned_dirs {
        let dir_rel = safe_relative(dir)?;
        let entries = match fs::read_dir(root.join(&dir_rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut stale = Vec::new();
        for entry in entries {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{dir}/{name}");
            if !files.iter().any(|f| f.path == rel) {
                stale.push(rel);
            }
        }
        stale.sort();
        plan.deletes.extend(stale);
    }
    Ok(plan)
}

fn staged_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.codegen-tmp"))
}

/// Carries out a plan. `fail_after_staging` makes staging fail after that many files (tests
/// use it to prove that a failure leaves the destination untouched).
pub fn apply(root: &Path, plan: &Plan, fail_after_staging: Option<usize>) -> io::Result<()> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> io::Result<()> {
        for (i, (rel, _, contents)) in plan.writes.iter().enumerate() {
            if fail_after_staging == Some(i) {
                return Err(io::Error::other(format!(
                    "injected failure after staging {i} file(s)"
                )));
            }
            let dest = root.join(safe_relative(rel)?);
            if let Some(parent) = dest.parent() {
                let mut missing = Vec::new();
                let mut p = parent;
                while !p.exists() {
                    missing.push(p.to_path_buf());
                    match p.parent() {
                        Some(up) => p = up,
                        None => break,
                    }
                }
                fs::create_dir_all(parent)?;
                created_dirs.extend(missing);
            }
            let tmp = staged_path(&dest);
            fs::write(&tmp, contents)?;
            staged.push((tmp, dest));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        // Directories made for staging go too (deepest first), so nothing is left behind.
        created_dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in &created_dirs {
            let _ = fs::remove_dir(dir);
        }
        return Err(e);
    }
    for (tmp, dest) in &staged {
        fs::rename(tmp, dest)?;
    }
    for rel in &plan.deletes {
        fs::remove_file(root.join(safe_relative(rel)?))?;
    }
    Ok(())
}

/// A unified diff of the plan, for `--check`.
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for (rel, old, new) in &plan.writes {
        let old = old.as_deref().unwrap_or("");
        let text = similar::TextDiff::from_lines(old, new.as_str())
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{rel}"), &format!("b/{rel}"))
            .to_string();
        out.push_str(&text);
    }
    for rel in &plan.deletes {
        out.push_str(&format!("deleted: {rel}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    out.push((e.path().display().to_string(), Vec::new()));
                    stack.push(e.path());
                } else {
                    out.push((e.path().display().to_string(), fs::read(e.path()).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn file(path: &str, contents: &str) -> OutFile {
        OutFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn failure_after_staging_some_files_leaves_everything_untouched() {
        let root = tempdir("fail");
        fs::create_dir_all(root.join("gen")).unwrap();
        fs::write(root.join("gen/a.rs"), "old a").unwrap();
        fs::write(root.join("gen/stale.rs"), "stale").unwrap();
        let before = snapshot(&root);
        let files = [
            file("gen/a.rs", "new a"),
            file("gen/b.rs", "new b"),
            file("new/dir/c.rs", "new c"),
        ];
        let plan = plan(&root, &files, &["gen"]).unwrap();
        assert_eq!(plan.writes.len(), 3);
        assert_eq!(plan.deletes, vec!["gen/stale.rs".to_owned()]);
        for fail_at in 0..3 {
            let err = apply(&root, &plan, Some(fail_at)).unwrap_err();
            assert!(err.to_string().contains("injected failure"), "{err}");
            assert_eq!(
                snapshot(&root),
                before,
                "failing at file {fail_at} changed the tree"
            );
        }
        apply(&root, &plan, None).unwrap();
        assert_eq!(fs::read_to_string(root.join("gen/a.rs")).unwrap(), "new a");
        assert_eq!(
            fs::read_to_string(root.join("new/dir/c.rs")).unwrap(),
            "new c"
        );
        assert!(!root.join("gen/stale.rs").exists());
        let again = super::plan(&root, &files, &["gen"]).unwrap();
        assert!(again.is_empty(), "{again:?}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn only_changed_files_are_rewritten() {
        let root = tempdir("unchanged");
        fs::write(root.join("same.rs"), "same").unwrap();
        let plan = plan(
            &root,
            &[file("same.rs", "same"), file("other.rs", "x")],
            &[],
        )
        .unwrap();
        assert_eq!(plan.unchanged, vec!["same.rs".to_owned()]);
        assert_eq!(plan.writes.len(), 1);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn paths_outside_the_root_are_refused() {
        for bad in ["../x.rs", "/etc/passwd", "", "a/../../b"] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
        assert!(safe_relative("src/generated/mod.rs").is_ok());
    }
}
