//! Measuring a process: wall time and peak RSS of its whole tree, through a copy of this
//! binary as the wrapper (`xtask bench __measure CMD…`); medians of repeated runs.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[repr(C)]
struct Timeval {
    sec: i64,
    usec: i64,
}

#[repr(C)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    maxrss: i64,
    rest: [i64; 13],
}

unsafe extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}

/// The wrapper process: runs the command, then prints its wall time and the peak RSS of
/// the largest process in its tree (kB) as the last line of stderr.
pub(super) fn measure_child(cmd: &[String]) -> ExitCode {
    let Some((program, args)) = cmd.split_first() else {
        eprintln!("error: __measure needs a command");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let status = Command::new(program).args(args).status();
    let wall = start.elapsed().as_secs_f64();
    let mut usage = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `usage` is a valid, writable `struct rusage` for x86_64/aarch64 Linux.
    let rc = unsafe {
        getrusage(-1 /* RUSAGE_CHILDREN */, &mut usage)
    };
    let maxrss = if rc == 0 { usage.maxrss } else { -1 };
    let code = match &status {
        Ok(s) => s.code().unwrap_or(-1),
        Err(_) => -1,
    };
    if let Err(e) = &status {
        eprintln!("error: cannot run `{program}`: {e}");
    }
    eprintln!("bench-measure wall={wall} maxrss_kb={maxrss} code={code}");
    if code == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// One measured run.
#[derive(Debug, Clone)]
pub(super) struct Measured {
    pub(super) secs: f64,
    pub(super) peak_mb: f64,
    pub(super) ok: bool,
    /// The first line that looks like an error, or the last line of output.
    pub(super) message: String,
}

impl Measured {
    /// The medians of successful runs' wall times and peaks, with this message.
    pub(super) fn median_of(runs: &[Measured], message: String) -> Measured {
        Measured {
            secs: median(runs.iter().map(|m| m.secs).collect()),
            peak_mb: median(runs.iter().map(|m| m.peak_mb).collect()),
            ok: true,
            message,
        }
    }
}

pub(super) struct Cmd {
    program: PathBuf,
    args: Vec<String>,
    cwd: PathBuf,
    envs: Vec<(String, String)>,
}

impl Cmd {
    pub(super) fn new(program: impl Into<PathBuf>, cwd: &Path) -> Cmd {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            cwd: cwd.to_path_buf(),
            envs: Vec::new(),
        }
    }
    pub(super) fn cargo(cwd: &Path) -> Cmd {
        Cmd::new(cargo(), cwd)
    }
    pub(super) fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Cmd {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }
    pub(super) fn env(mut self, key: &str, value: impl AsRef<Path>) -> Cmd {
        self.envs
            .push((key.to_owned(), value.as_ref().display().to_string()));
        self
    }
    pub(super) fn describe(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }

    /// Runs it under the measuring wrapper.
    pub(super) fn measure(&self) -> Measured {
        let output = Command::new(wrapper())
            .args(["bench", "__measure"])
            .arg(&self.program)
            .args(&self.args)
            .current_dir(&self.cwd)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .output()
            .expect("running the measuring wrapper");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut secs = f64::NAN;
        let mut peak_mb = f64::NAN;
        if let Some(line) = stderr
            .lines()
            .rev()
            .find(|l| l.starts_with("bench-measure "))
        {
            for field in line.split_whitespace().skip(1) {
                match field.split_once('=') {
                    Some(("wall", v)) => secs = v.parse().unwrap_or(f64::NAN),
                    Some(("maxrss_kb", v)) => {
                        peak_mb = v.parse::<f64>().unwrap_or(f64::NAN) / 1024.0
                    }
                    _ => {}
                }
            }
        }
        let ok = output.status.success();
        let text = format!("{stdout}\n{stderr}");
        let message = text
            .lines()
            .filter(|l| !l.starts_with("bench-measure "))
            .find(|l| {
                let l = l.trim_start().to_ascii_lowercase();
                l.starts_with("error") || l.contains("gen fail") || l.contains("panicked")
            })
            .or_else(|| {
                text.lines()
                    .rev()
                    .find(|l| !l.trim().is_empty() && !l.starts_with("bench-measure "))
            })
            .unwrap_or("")
            .trim()
            .chars()
            .take(240)
            .collect();
        Measured {
            secs,
            peak_mb,
            ok,
            message,
        }
    }

    /// Runs it, echoing its output to stderr; fails with the command line on failure.
    pub(super) fn run(&self) -> Result<String, String> {
        eprintln!("$ {}", self.describe());
        let output = Command::new(&self.program)
            .args(&self.args)
            .current_dir(&self.cwd)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", self.describe()))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        for line in stdout.lines() {
            eprintln!("{line}");
        }
        if output.status.success() {
            Ok(stdout)
        } else {
            Err(format!("`{}` failed ({})", self.describe(), output.status))
        }
    }
}

static WRAPPER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// A private copy of this binary, made at the start of the run: cargo may replace
/// `target/*/xtask` while the benchmarks run (another build in the same target directory).
pub(super) fn wrapper() -> &'static Path {
    WRAPPER
        .get()
        .expect("the wrapper is copied at the start of the run")
}

pub(super) fn copy_wrapper(bench_dir: &Path) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("the xtask binary's path: {e}"))?;
    let copy = bench_dir.join(format!("xtask-bench-{}", std::process::id()));
    std::fs::copy(&exe, &copy).map_err(|e| format!("copying {}: {e}", exe.display()))?;
    let _ = WRAPPER.set(copy);
    Ok(())
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.retain(|x| x.is_finite());
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Medians of `runs` measured runs, each after `before` (e.g. a `cargo clean -p`).
pub(super) fn measure_runs(
    cmd: &Cmd,
    runs: usize,
    mut before: impl FnMut() -> Result<(), String>,
) -> Result<Measured, String> {
    let mut all = Vec::new();
    for _ in 0..runs {
        before()?;
        eprintln!("$ (measured) {}", cmd.describe());
        let m = cmd.measure();
        eprintln!(
            "  {} in {:.2} s, peak {:.0} MB{}",
            if m.ok { "ok" } else { "FAILED" },
            m.secs,
            m.peak_mb,
            if m.ok {
                String::new()
            } else {
                format!(": {}", m.message)
            }
        );
        if !m.ok {
            return Ok(m);
        }
        all.push(m);
    }
    let message = all.last().map(|m| m.message.clone()).unwrap_or_default();
    Ok(Measured::median_of(&all, message))
}
