//! `cargo xtask bench --smoke`: every benchmark of BENCHMARKS.md still runs (once, in
//! debug builds, without the peers), and the table names every row of `xtask::BENCH_ROWS`.
//! Timing is not tested here; `cargo xtask bench` measures it.

use std::process::Command;

#[test]
fn every_benchmark_runs_once() {
    let root = xtask::workspace_root();
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
}
