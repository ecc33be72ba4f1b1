//! The peers: installing the tools, generating a crate with each, and the build cost of a
//! crate.

use super::Bench;
use super::measure::{Cmd, Measured, measure_runs, wrapper};
use std::path::{Path, PathBuf};

pub(super) const PROGENITOR: (&str, &str) = ("cargo-progenitor", "0.15.1");
pub(super) const OPENAPI_TO_RUST: (&str, &str) = ("openapi-to-rust", "0.23.0");

/// The tools, ours first: our release binary (in smoke mode, the running binary's copy) and
/// each peer that installs (none in smoke mode), with why each other peer is missing.
pub(super) fn install_tools(root: &Path, smoke: bool) -> Result<(Vec<Tool>, Vec<String>), String> {
    let xtask_bin = if smoke {
        wrapper().to_path_buf()
    } else {
        Cmd::cargo(root)
            .args(["build", "--release", "-p", "xtask"])
            .run()?;
        root.join("target/release/xtask")
    };
    let mut tools = vec![Tool::Ours(xtask_bin)];
    let mut errors = Vec::new();
    let install_peer = |krate, bin| {
        if smoke {
            Err("skipped in smoke mode".to_owned())
        } else {
            install(root, krate, bin)
        }
    };
    match install_peer(PROGENITOR, "cargo-progenitor") {
        Ok(path) => tools.push(Tool::Progenitor(path)),
        Err(e) => errors.push(format!("progenitor: {e}")),
    }
    match install_peer(OPENAPI_TO_RUST, "openapi-to-rust") {
        Ok(path) => tools.push(Tool::OpenapiToRust(path)),
        Err(e) => errors.push(format!("openapi-to-rust: {e}")),
    }
    Ok((tools, errors))
}

fn install(root: &Path, (krate, version): (&str, &str), bin: &str) -> Result<PathBuf, String> {
    let tools = root.join("target/bench/tools");
    let path = tools.join("bin").join(bin);
    Cmd::cargo(root)
        .args([
            "install",
            "--locked",
            "--root",
            &tools.display().to_string(),
            &format!("{krate}@{version}"),
        ])
        .env("CARGO_TARGET_DIR", root.join("target/bench/install"))
        .run()?;
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "`cargo install {krate}` did not produce {}",
            path.display()
        ))
    }
}

const PROGENITOR_MANIFEST: &str = r#"
[dependencies]
bytes = "1.9"
chrono = { version = "0.4", default-features = false, features = ["serde"] }
futures = "0.3"
futures-core = "0.3"
progenitor-client = "=0.15.1"
regress = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "1.0", features = ["derive"] }
serde_json = "1.0"
serde_urlencoded = "0.7"
uuid = { version = "1.0", features = ["serde", "v4"] }

[workspace]
"#;

/// The union of the `REQUIRED_DEPS.toml` that openapi-to-rust 0.23 writes for spec/, the
/// whole OpenAI spec, GitHub's and Stripe's (`serde_urlencoded`, for its form bodies), so
/// that every crate it generates here shares one dependency set.
const OPENAPI_TO_RUST_MANIFEST: &str = r#"
[dependencies]
bytes = { version = "1", features = ["serde"] }
chrono = { version = "0.4", features = ["serde"] }
futures-util = "0.3"
reqwest = { version = "0.13", default-features = false, features = ["multipart", "query", "rustls", "stream"] }
reqwest-middleware = { version = "0.5", features = ["multipart", "query"] }
reqwest-tracing = "0.7"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
thiserror = "2"
url = { version = "2", features = ["serde"] }

[workspace]
"#;

pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub(super) fn fresh_dir(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// How to generate a crate from a spec with one tool, into `dir`.
pub(super) fn generate_cmd(tool: &Tool, doc: &Doc, dir: &Path) -> Result<Cmd, String> {
    let spec = &doc.path;
    Ok(match tool {
        Tool::Ours(xtask) => Cmd::new(xtask, dir.parent().unwrap()).args([
            "codegen",
            "--spec",
            &spec.display().to_string(),
            "--out",
            &dir.display().to_string(),
            "--name",
            &crate_name(tool, doc),
        ]),
        Tool::Progenitor(bin) => Cmd::new(bin, dir.parent().unwrap()).args([
            "progenitor",
            "-i",
            &spec.display().to_string(),
            "-o",
            &dir.display().to_string(),
            "-n",
            &crate_name(tool, doc),
            "-v",
            "0.1.0",
        ]),
        Tool::OpenapiToRust(bin) => {
            let config = dir.join("openapi-to-rust.toml");
            write(
                &config,
                &format!(
                    "[generator]\nspec_path = \"{}\"\noutput_dir = \"src/generated\"\nmodule_name = \"generated\"\n\n\
                     [features]\nenable_async_client = true\n\n\
                     [http_client]\nbase_url = \"https://api.openai.com/v1\"\n\n\
                     [http_client.auth]\ntype = \"Bearer\"\nheader_name = \"Authorization\"\n",
                    spec.display()
                ),
            )?;
            Cmd::new(bin, dir).args(["generate", "--config", "openapi-to-rust.toml"])
        }
    })
}

pub(super) enum Tool {
    Ours(PathBuf),
    Progenitor(PathBuf),
    OpenapiToRust(PathBuf),
}

impl Tool {
    pub(super) fn name(&self) -> &'static str {
        match self {
            Tool::Ours(_) => "ours",
            Tool::Progenitor(_) => "progenitor",
            Tool::OpenapiToRust(_) => "openapi-to-rust",
        }
    }

    /// The tool's runtime crate, which its generated crates depend on and which is built
    /// once for all of them (openapi-to-rust generates everything into the crate).
    pub(super) fn runtime_package(&self) -> Option<&'static str> {
        match self {
            Tool::Ours(_) => Some("apigen-runtime"),
            Tool::Progenitor(_) => Some("progenitor-client"),
            Tool::OpenapiToRust(_) => None,
        }
    }

    /// The packages a clean build cost measures: the generated crate, and its runtime
    /// when `with_runtime`.
    pub(super) fn packages<'n>(&self, name: &'n str, with_runtime: bool) -> Vec<&'n str> {
        let mut packages = vec![name];
        if with_runtime {
            packages.extend(self.runtime_package());
        }
        packages
    }
}

/// A document the benchmarks generate crates from.
#[derive(Clone)]
pub(super) struct Doc {
    /// Short and unique: names the crates and target directories (`certs` is spec/).
    pub(super) key: &'static str,
    pub(super) path: PathBuf,
    /// Whether its build cost includes a clean `cargo build` besides the clean check.
    pub(super) build: bool,
}

impl Doc {
    /// spec/, whose crates build in target directories named after the tool alone.
    fn is_spec(&self) -> bool {
        self.key == "certs"
    }

    /// The number of operations of the document, as the generator reads it.
    pub(super) fn operations(&self) -> Result<usize, String> {
        let text = std::fs::read_to_string(&self.path)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        let loaded =
            codegen::load_spec(&text).map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(loaded.spec.operations().count())
    }
}

pub(super) fn crate_name(tool: &Tool, doc: &Doc) -> String {
    format!("bench-{}-{}", tool.name(), doc.key)
}

/// Makes `dir` a buildable crate after its generator ran.
pub(super) fn finish_crate(tool: &Tool, doc: &Doc, dir: &Path) -> Result<(), String> {
    let name = crate_name(tool, doc);
    let package = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n"
    );
    match tool {
        Tool::Ours(_) => Ok(()), // `--out` writes a complete crate with its own [workspace].
        Tool::Progenitor(_) => write(
            &dir.join("Cargo.toml"),
            &format!("{package}{PROGENITOR_MANIFEST}"),
        ),
        Tool::OpenapiToRust(_) => {
            // What it asks for, against the fixed set: report anything missing.
            let required = std::fs::read_to_string(dir.join("src/generated/REQUIRED_DEPS.toml"))
                .unwrap_or_default();
            eprintln!("openapi-to-rust REQUIRED_DEPS.toml:\n{required}");
            for line in required.lines() {
                let Some((dep, _)) = line.split_once('=') else {
                    continue;
                };
                let dep = dep.trim();
                if !dep.is_empty()
                    && !dep.starts_with('[')
                    && !dep.starts_with('#')
                    && !OPENAPI_TO_RUST_MANIFEST
                        .lines()
                        .any(|l| l.split('=').next().map(str::trim) == Some(dep))
                {
                    eprintln!("warning: openapi-to-rust asks for `{dep}`, not in the fixed set");
                }
            }
            write(
                &dir.join("src/lib.rs"),
                "#![allow(warnings)]\npub mod generated;\n",
            )?;
            write(
                &dir.join("Cargo.toml"),
                &format!("{package}{OPENAPI_TO_RUST_MANIFEST}"),
            )
        }
    }
}

/// Lines and bytes of the generated Rust code of a crate (ours: `src/generated/` only,
/// the runtime being hand-written and the same for every spec).
pub(super) fn code_size(tool: &Tool, dir: &Path) -> (usize, usize) {
    let sub = match tool {
        Tool::Ours(_) | Tool::OpenapiToRust(_) => dir.join("src/generated"),
        Tool::Progenitor(_) => dir.join("src"),
    };
    let mut lines = 0;
    let mut bytes = 0;
    let mut stack = vec![sub];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                lines += text.lines().count();
                bytes += text.len();
            }
        }
    }
    (lines, bytes)
}

/// What a crate generated from one spec costs: its build and its generated code.
pub(super) struct CrateCost {
    pub(super) tool: &'static str,
    /// When the generator failed, `check` is its failure.
    pub(super) cost: BuildCost,
    /// Lines and bytes of generated code; (0, 0) when the generator failed.
    pub(super) size: (usize, usize),
    /// The spec's operations, to count the code per operation.
    pub(super) ops: usize,
}

/// Clean `cargo check` and `cargo build` of one crate, dependencies built beforehand.
pub(super) struct BuildCost {
    pub(super) check: Measured,
    pub(super) build: Option<Measured>,
}

/// Clean `cargo check` (and `cargo build`) of `packages`, everything else built
/// beforehand: "clean" removes the artifacts of those packages only.
pub(super) fn build_cost(
    manifest_dir: &Path,
    packages: &[&str],
    target: &Path,
    runs: usize,
    with_build: bool,
) -> Result<BuildCost, String> {
    build_cost_with(manifest_dir, packages, &[], target, runs, with_build)
}

/// [`build_cost`] with more arguments to `cargo check`/`cargo build` (features).
pub(super) fn build_cost_with(
    manifest_dir: &Path,
    packages: &[&str],
    extra: &[&str],
    target: &Path,
    runs: usize,
    with_build: bool,
) -> Result<BuildCost, String> {
    let with_packages = |sub: &str| {
        let mut cmd = Cmd::cargo(manifest_dir).args([sub]);
        for package in packages {
            cmd = cmd.args(["-p", package]);
        }
        cmd.env("CARGO_TARGET_DIR", target)
    };
    let cargo_in = |sub: &str| with_packages(sub).args(extra);
    let clean = || with_packages("clean").run().map(drop);
    // Dependencies first (and a lock file); the crate itself may fail here, which the
    // measured run below reports.
    let _ = cargo_in("check").run();
    let check = measure_runs(&cargo_in("check"), runs, clean)?;
    let build = if with_build && check.ok {
        let _ = cargo_in("build").run();
        Some(measure_runs(&cargo_in("build"), runs, clean)?)
    } else {
        None
    };
    Ok(BuildCost { check, build })
}

/// One tool's crate from `spec`, generated afresh in `target/bench/peers/`, and its build
/// cost over `runs` runs (not built in smoke mode); `ops` is the spec's operations.
pub(super) fn peer_cost(
    b: &Bench,
    tool: &Tool,
    doc: &Doc,
    runs: usize,
    ops: usize,
    with_runtime: bool,
) -> Result<CrateCost, String> {
    let name = crate_name(tool, doc);
    let dir = b.peers_dir().join(&name);
    let lock = std::fs::read(dir.join("Cargo.lock")).ok();
    fresh_dir(&dir)?;
    let unbuilt = |check, size| CrateCost {
        tool: tool.name(),
        cost: BuildCost { check, build: None },
        size,
        ops,
    };
    let generated = generate_cmd(tool, doc, &dir)?.measure();
    if !generated.ok {
        return Ok(unbuilt(generated, (0, 0)));
    }
    finish_crate(tool, doc, &dir)?;
    // The same dependency versions as the last run (the first run resolves them).
    if let Some(lock) = &lock {
        let _ = std::fs::write(dir.join("Cargo.lock"), lock);
    }
    let size = code_size(tool, &dir);
    if b.smoke {
        let skipped = Measured {
            secs: f64::NAN,
            peak_mb: f64::NAN,
            ok: true,
            message: "check skipped in smoke mode".to_owned(),
        };
        return Ok(unbuilt(skipped, size));
    }
    if matches!(tool, Tool::Ours(_)) {
        // The same dependency versions as generated-client.
        let _ = std::fs::copy(b.root.join("Cargo.lock"), dir.join("Cargo.lock"));
    }
    // The target directories of spec/'s crates are named after the tool alone.
    let target = if doc.is_spec() {
        b.build_dir().join(tool.name())
    } else {
        b.build_dir().join(format!("{}-{}", tool.name(), doc.key))
    };
    let cost = build_cost(
        &dir,
        &tool.packages(&name, with_runtime),
        &target,
        runs,
        doc.build,
    )?;
    Ok(CrateCost {
        tool: tool.name(),
        cost,
        size,
        ops,
    })
}
