//! Runs the Prism mock server pinned in `tools/prism` for the contract tests.
//!
//! [`Prism::start`] installs Prism with `npm ci` when `tools/prism/node_modules` does not
//! hold the version of `tools/prism/package-lock.json`, starts `prism mock` over
//! `spec/openapi.yaml` on a free port of 127.0.0.1, and waits until it answers. The returned
//! guard kills Prism when it is dropped, also when the test panics.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long Prism may take to answer after it was spawned.
const BOOT_TIMEOUT: Duration = Duration::from_secs(30);
/// How many free ports are tried when another process takes the port first.
const PORT_ATTEMPTS: usize = 3;

/// A running Prism mock server; dropping it kills the server.
pub struct Prism {
    child: Child,
    base_url: String,
    log_path: PathBuf,
    version: String,
}

impl Prism {
    /// Installs Prism if needed, starts it in mock mode (static examples, `--errors` so
    /// that a response that does not match the spec is a 500) and waits until it answers.
    pub async fn start() -> Prism {
        let root = workspace_root();
        let tools = root.join("tools").join("prism");
        let spec = root.join("spec").join("openapi.yaml");
        assert!(spec.is_file(), "the spec is missing: {}", spec.display());

        require_node_and_npm();
        let version = ensure_installed(&tools);

        let bin = prism_bin(&tools);
        let mut last_log = String::new();
        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port();
            let log_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("prism-{}-{port}.log", std::process::id()));
            let log = File::create(&log_path).unwrap_or_else(|e| {
                panic!("cannot create the Prism log {}: {e}", log_path.display())
            });
            let log_err = log.try_clone().expect("clone the Prism log handle");

            let mut command = Command::new(&bin);
            command
                .arg("mock")
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .arg("--errors")
                .arg(&spec)
                .current_dir(&root)
                // Plain log lines, so that failure messages can quote them.
                .env("FORCE_COLOR", "0")
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .stdout(Stdio::from(log))
                .stderr(Stdio::from(log_err));
            let child = command.spawn().unwrap_or_else(|e| {
                panic!("cannot start Prism ({}): {e}", bin.display());
            });
            let mut prism = Prism {
                child,
                base_url: format!("http://127.0.0.1:{port}"),
                log_path,
                version: version.clone(),
            };
            match prism.wait_until_ready().await {
                Ok(()) => return prism,
                Err(message) => {
                    last_log = prism.log_tail(60);
                    let port_taken = last_log.contains("EADDRINUSE");
                    drop(prism);
                    if port_taken && attempt < PORT_ATTEMPTS {
                        continue;
                    }
                    panic!("Prism did not start: {message}\n--- Prism log ---\n{last_log}");
                }
            }
        }
        panic!("Prism did not start on any of {PORT_ATTEMPTS} ports\n--- Prism log ---\n{last_log}")
    }

    /// `http://127.0.0.1:PORT`, the base URL of the mocked API.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The installed `@stoplight/prism-cli` version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The last `lines` lines Prism logged (its validation messages among them).
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Polls until Prism answers an HTTP request, or fails when it exits or takes too long.
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client");
        let probe = format!("{}/organization/certificates", self.base_url);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("it exited with {status} before answering"));
            }
            if http.get(&probe).send().await.is_ok() {
                return Ok(());
            }
            if started.elapsed() > BOOT_TIMEOUT {
                return Err(format!("it did not answer within {BOOT_TIMEOUT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // `prism mock` (without `--multiprocess`) is one node process, started directly
        // (the `.bin/prism` script's shebang execs node), so killing the child stops it all.
        // It stays in the test's process group, so a Ctrl-C of `cargo test` reaches it too.
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the log of a failed test for a closer look; drop the others.
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}

/// The workspace root, the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generated-client lives inside the workspace")
        .to_path_buf()
}

fn prism_bin(tools: &Path) -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    tools.join("node_modules").join(".bin").join(name)
}

fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

const INSTALL_NODE: &str = "The Prism contract tests need Node.js 20 and npm: install Node.js 20 \
     (it ships npm; see https://nodejs.org/en/download or use your package manager) and make \
     sure `node` and `npm` are on PATH, then run `cargo test` again.";

/// Fails the test, saying how to fix it, unless `node` (18.20 or later) and `npm` run.
fn require_node_and_npm() {
    let node = run_version("node");
    let npm = run_version(npm_program());
    let node = match node {
        Ok(version) => version,
        Err(e) => panic!("`node` is not available ({e}). {INSTALL_NODE}"),
    };
    if let Err(e) = npm {
        panic!("`npm` is not available ({e}). {INSTALL_NODE}");
    }
    let major: Option<u32> = node
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok());
    match major {
        Some(major) if major >= 18 => {}
        _ => panic!(
            "`node --version` says {node:?}; Prism 5.14 needs Node.js 18.20 or later. {INSTALL_NODE}"
        ),
    }
}

fn run_version(program: &str) -> Result<String, String> {
    let output = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("`{program} --version` could not run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{program} --version` failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs `npm ci` in `tools/prism` unless `node_modules` already holds the locked Prism;
/// returns the installed version.
fn ensure_installed(tools: &Path) -> String {
    let locked = locked_version(tools);
    assert!(
        locked.starts_with("5.14."),
        "tools/prism/package-lock.json locks @stoplight/prism-cli {locked}; the tests expect 5.14.x \
         (later versions need Node.js 24)"
    );
    if prism_bin(tools).exists() && installed_version(tools).as_deref() == Some(locked.as_str()) {
        return locked;
    }
    eprintln!(
        "installing @stoplight/prism-cli {locked} with `npm ci` in {}",
        tools.display()
    );
    let output = Command::new(npm_program())
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(tools)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("`npm ci` could not run: {e}. {INSTALL_NODE}"));
    if !output.status.success() {
        panic!(
            "`npm ci` in {} failed with {} (is the npm registry reachable?)\n{}",
            tools.display(),
            output.status,
            output_text(&output)
        );
    }
    let installed = installed_version(tools);
    assert!(
        prism_bin(tools).exists() && installed.as_deref() == Some(locked.as_str()),
        "`npm ci` succeeded but {} is missing or not version {locked} (found {installed:?})\n{}",
        prism_bin(tools).display(),
        output_text(&output)
    );
    locked
}

/// The `@stoplight/prism-cli` version that `package-lock.json` pins.
fn locked_version(tools: &Path) -> String {
    let path = tools.join("package-lock.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let lock: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    lock["packages"]["node_modules/@stoplight/prism-cli"]["version"]
        .as_str()
        .unwrap_or_else(|| panic!("{} does not lock @stoplight/prism-cli", path.display()))
        .to_owned()
}

/// The version of the installed `@stoplight/prism-cli`, if any.
fn installed_version(tools: &Path) -> Option<String> {
    let path = tools
        .join("node_modules")
        .join("@stoplight")
        .join("prism-cli")
        .join("package.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

fn output_text(output: &Output) -> String {
    format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

/// A port that was free a moment ago (Prism binds it itself; `start` retries on a clash).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port on 127.0.0.1")
}
