//! Criterion benches: `bench-metric` lines and `estimates.json` medians.

use super::measure::Cmd;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub(super) struct Criterion {
    pub(super) metrics: BTreeMap<String, String>,
    pub(super) skipped: Vec<String>,
    dir: PathBuf,
    started: SystemTime,
    smoke: bool,
}

impl Criterion {
    pub(super) fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(|v| v.parse().ok())
    }

    /// The median of a criterion benchmark, in seconds (`None` in smoke mode, or when
    /// it did not run in this invocation).
    pub(super) fn median(&self, group: &str, function: &str) -> Option<f64> {
        if self.smoke {
            return None;
        }
        let safe = |s: &str| s.replace(['/', '\\', '?', '"', '*', '<', '>', ':', '|', '^'], "_");
        let path = self
            .dir
            .join(safe(group))
            .join(function.split('/').map(safe).collect::<Vec<_>>().join("/"))
            .join("new/estimates.json");
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        if modified < self.started {
            return None;
        }
        let text = std::fs::read_to_string(path).ok()?;
        let median = &text[text.find("\"median\"")?..];
        let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
        let end = value.find([',', '}'])?;
        value[..end].trim().parse::<f64>().ok().map(|ns| ns / 1e9)
    }
}

pub(super) fn run_criterion(root: &Path, smoke: bool) -> Result<Criterion, String> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("criterion");
    let started = SystemTime::now() - Duration::from_secs(1);
    let mut metrics = BTreeMap::new();
    let mut skipped = Vec::new();
    for (package, bench) in [("codegen", "generate"), ("generated-client", "client")] {
        let cmd = if smoke {
            // Criterion's test mode: every benchmark once, in the test profile.
            Cmd::cargo(root).args(["test", "-p", package, "--bench", bench])
        } else {
            Cmd::cargo(root).args(["bench", "-p", package, "--bench", bench])
        }
        .env("CRITERION_HOME", &dir);
        let stdout = cmd.run()?;
        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("bench-metric ")
                && let Some((name, value)) = rest.split_once(' ')
            {
                metrics.insert(name.to_owned(), value.trim().to_owned());
            } else if let Some(rest) = line.strip_prefix("bench-skipped ") {
                skipped.push(rest.to_owned());
            }
        }
    }
    Ok(Criterion {
        metrics,
        skipped,
        dir,
        started,
        smoke,
    })
}
