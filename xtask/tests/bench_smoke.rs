//! `cargo xtask bench --smoke`: every benchmark of BENCHMARKS.md still runs (once, in
//! debug builds, without the peers), and the table names every row of `xtask::BENCH_ROWS`.
//! Timing is not tested here; `cargo xtask bench` measures it.
//!
//! The benchmarks of the whole OpenAI spec need ../shared/specs beside the clone. Without it
//! they do not run: the test says SKIPPED in the output of `cargo test`, or fails when
//! `REQUIRE_SHARED_SPECS=1` (as in CI).

use std::io::Write as _;
use std::process::Command;

/// Whether a missing ../shared/specs is a failure rather than a skip.
fn shared_specs_required() -> bool {
    std::env::var("REQUIRE_SHARED_SPECS").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn every_benchmark_runs_once() {
    let root = xtask::workspace_root();
    // What the benchmarks of the OpenAI spec read (codegen/benches/generate.rs, and
    // xtask's whole-API row).
    let missing: Vec<_> = ["openai-openapi.json", "openai-openapi.yaml"]
        .iter()
        .map(|name| root.join("../shared/specs").join(name))
        .filter(|path| !path.is_file())
        .collect();
    assert!(
        missing.is_empty() || !shared_specs_required(),
        "REQUIRE_SHARED_SPECS is set, but the OpenAI spec the benchmarks need is missing: {missing:?}"
    );
    let before = std::fs::read(root.join("BENCHMARKS.md")).ok();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["bench", "--smoke"])
        .current_dir(&root)
        .env("CARGO", env!("CARGO"))
        .output()
        .expect("running xtask bench --smoke");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`cargo xtask bench --smoke` failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    for row in xtask::BENCH_ROWS {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("| {row} |"))),
            "the table has no `{row}` row:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("cores"),
        "the core count is printed:\n{stdout}"
    );
    assert_eq!(
        std::fs::read(root.join("BENCHMARKS.md")).ok(),
        before,
        "the smoke run leaves BENCHMARKS.md alone"
    );
    let not_run: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("spec not found"))
        .collect();
    if missing.is_empty() {
        assert!(
            not_run.is_empty(),
            "../shared/specs is there, but benchmarks of the OpenAI spec did not run:\n{}",
            not_run.join("\n")
        );
    } else {
        // Straight to stderr, past libtest's capture, so that a passing `cargo test` shows
        // the skip too.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED in every_benchmark_runs_once: the benchmarks of the OpenAI spec, as {} \
             is not on this machine; set REQUIRE_SHARED_SPECS=1 to make this a failure",
            missing
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        );
    }
}
