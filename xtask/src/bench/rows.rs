//! The rows of the table: one function each, in the order of `xtask::BENCH_ROWS`, which
//! names them. Adding a row is adding its name there, its function here and the function
//! to [`ROWS`].

use super::format::{Row, bytes_mb, describe_cost, met, ratio, secs};
use super::measure::Measured;
use super::peers::{
    BuildCost, CrateCost, Doc, Tool, build_cost, build_cost_with, code_size, fresh_dir,
    generate_cmd, peer_cost,
};
use super::{BUILD_RUNS, Bench, E2E_RUNS, WHOLE_API_RUNS};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// One row of the table: its lines, from what the run's setup measured and installed (and
/// what it measures itself); it may add notes, printed under the table.
pub(super) type RowFn = fn(&Bench, &mut Vec<String>) -> Result<Vec<Row>, String>;

/// The function of each row of `xtask::BENCH_ROWS`, in the same order.
pub(super) const ROWS: [RowFn; xtask::BENCH_ROWS.len()] = [
    parse_vs_generate,
    scaling,
    end_to_end_vs_peers,
    large_document_generation,
    build_cost_vs_peers,
    build_cost_with_runtime_vs_peers,
    whole_api_build_cost,
    one_feature,
    client_overhead,
    pagination_memory,
];

/// Criterion medians of parsing and of generating, on spec/ and on the OpenAI spec.
fn parse_vs_generate(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let crit = &b.crit;
    let mut rows = Vec::new();
    for (name, label) in [
        ("spec", "spec/ (10 operations)"),
        ("openai-json", "OpenAI spec, JSON"),
        ("openai-yaml", "OpenAI spec, YAML"),
    ] {
        let group = format!("parse-vs-generate/{name}");
        let ran = crit.metrics.contains_key(&format!("{group}/operations"));
        let goal = if name == "spec" {
            "— (goal is on the OpenAI spec)"
        } else {
            "generate ≤ 3× parse"
        };
        if !ran {
            rows.push(Row {
                what: label.to_owned(),
                measured: "skipped: spec not found".to_owned(),
                ratio: "—".to_owned(),
                goal: goal.to_owned(),
                met: "skipped".to_owned(),
            });
            continue;
        }
        let parse = crit.median(&group, "parse");
        let generate = crit.median(&group, "generate");
        let peak = crit
            .metric(&format!("{group}/generate-peak-heap-bytes"))
            .unwrap_or(f64::NAN);
        let (measured, r, m) = match (parse, generate) {
            (Some(p), Some(g)) => (
                format!(
                    "parse {} vs generate {} (generate peak heap {})",
                    secs(p),
                    secs(g),
                    bytes_mb(peak)
                ),
                g / p,
                if name == "spec" {
                    "— (info)".to_owned()
                } else {
                    met(g / p <= 3.0)
                },
            ),
            _ => ("ran once (smoke)".to_owned(), f64::NAN, "—".to_owned()),
        };
        rows.push(Row {
            what: label.to_owned(),
            measured,
            ratio: ratio(r),
            goal: goal.to_owned(),
            met: m,
        });
    }
    Ok(rows)
}

/// Criterion medians and peak heaps of generating 1, 4 and 16 renamed copies.
fn scaling(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let crit = &b.crit;
    let base = crit.metrics.get("scaling/base").cloned();
    let mut parts = Vec::new();
    let mut times = BTreeMap::new();
    let mut peaks = BTreeMap::new();
    for copies in [1usize, 4, 16] {
        let ops = crit
            .metrics
            .get(&format!("scaling/{copies}x/operations"))
            .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned());
        let t = crit.median("scaling", &format!("generate/{copies}x"));
        let peak = crit
            .metric(&format!("scaling/{copies}x/peak-heap-bytes"))
            .unwrap_or(f64::NAN);
        times.insert(copies, t);
        peaks.insert(copies, peak);
        parts.push(format!(
            "{copies}× ({ops} ops): {}, peak heap {}",
            t.map_or_else(|| "ran once".to_owned(), secs),
            bytes_mb(peak)
        ));
    }
    let (r, m) = match (times[&1], times[&16]) {
        (Some(a), Some(b)) => (b / a, met(b / a <= 18.0)),
        _ => (f64::NAN, "—".to_owned()),
    };
    let mem = peaks[&16] / peaks[&1];
    Ok(vec![Row {
        what: format!(
            "generation of {} renamed copies",
            match base.as_deref() {
                Some("openai") => "the OpenAI spec's operations, 1/4/16",
                Some(_) => "spec/'s operations (smoke), 1/4/16",
                None => "— skipped: spec not found;",
            }
        ),
        measured: parts.join("; "),
        ratio: format!("time {}, memory {}", ratio(r), ratio(mem)),
        goal: "16× input ≤ 18× time".to_owned(),
        met: if base.as_deref() == Some("openai") || b.smoke {
            m
        } else {
            "skipped".to_owned()
        },
    }])
}

/// Wall time and peak RSS of each tool generating a crate from spec/, median of
/// `E2E_RUNS` runs (one in smoke mode).
fn end_to_end_vs_peers(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let runs = if b.smoke { 1 } else { E2E_RUNS };
    let e2e = generation_times(b, runs)?;
    let ours = &e2e[0].1;
    let peers: Vec<_> = e2e[1..].iter().filter(|(_, m)| m.ok).collect();
    let fastest = peers.iter().min_by(|a, b| a.1.secs.total_cmp(&b.1.secs));
    let mut measured = format!("ours {}", describe_cost(ours));
    for (name, m) in &e2e[1..] {
        let _ = write!(measured, "; {name} {}", describe_cost(m));
    }
    for e in &b.peer_errors {
        let _ = write!(measured, "; {e}");
    }
    let (r, m) = match fastest {
        Some((_, peer)) if ours.ok => (ours.secs / peer.secs, met(ours.secs / peer.secs <= 0.5)),
        _ => (
            f64::NAN,
            if b.smoke {
                "—"
            } else {
                "not met (no peer ran)"
            }
            .to_owned(),
        ),
    };
    Ok(vec![Row {
        what: format!("wall time generating from spec/ (median of {runs} runs; wall / peak RSS)"),
        measured,
        ratio: ratio(r),
        goal: "≤ 0.5× the faster peer".to_owned(),
        met: m,
    }])
}

/// Each tool generating from spec/ into a fresh directory, `runs` times, round-robin (ours,
/// progenitor, openapi-to-rust, ours, …) so that other load on the machine falls on every
/// tool alike; a tool's first failure ends its runs.
fn generation_times(b: &Bench, runs: usize) -> Result<Vec<(&'static str, Measured)>, String> {
    let mut samples: Vec<Vec<Measured>> = b.tools.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (tool, samples) in b.tools.iter().zip(&mut samples) {
            if samples.last().is_some_and(|m| !m.ok) {
                continue;
            }
            let dir = b.peers_dir().join(format!("e2e-{}", tool.name()));
            fresh_dir(&dir)?;
            // openapi-to-rust reads its config from the output directory.
            let cmd = generate_cmd(tool, &b.spec, &dir)?;
            eprintln!("$ (measured) {}", cmd.describe());
            samples.push(cmd.measure());
        }
    }
    Ok(b.tools
        .iter()
        .zip(samples)
        .map(|(tool, samples)| {
            let m = match samples.iter().find(|m| !m.ok) {
                Some(failed) => failed.clone(),
                None => Measured::median_of(&samples, String::new()),
            };
            eprintln!("  {}: {}", tool.name(), describe_cost(&m));
            (tool.name(), m)
        })
        .collect())
}

/// Clean check and build of the crates generated from spec/, their runtimes prebuilt (ours
/// is generated-client itself, beside apigen-runtime; progenitor's beside
/// progenitor-client); and their generated code per operation.
fn build_cost_vs_peers(b: &Bench, notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    spec_build_cost(b, notes, false)
}

/// The same, with each tool's runtime crate built too: what a user of one generated client
/// compiles (the definition before the runtime was a crate of its own).
fn build_cost_with_runtime_vs_peers(
    b: &Bench,
    notes: &mut Vec<String>,
) -> Result<Vec<Row>, String> {
    spec_build_cost(b, notes, true)
}

fn spec_build_cost(
    b: &Bench,
    _notes: &mut Vec<String>,
    with_runtime: bool,
) -> Result<Vec<Row>, String> {
    let ops = b
        .crit
        .metric("parse-vs-generate/spec/operations")
        .unwrap_or(10.0) as usize;
    let target = b
        .build_dir()
        .join(if b.smoke { "smoke-ours" } else { "ours" });
    let ours = Tool::Ours(PathBuf::new());
    let cost = build_cost(
        &b.root,
        &ours.packages("generated-client", with_runtime),
        &target,
        if b.smoke { 1 } else { BUILD_RUNS },
        !b.smoke,
    )?;
    let size = code_size(&ours, &b.root.join("generated-client"));
    let mut costs = vec![CrateCost {
        tool: "ours",
        cost,
        size,
        ops,
    }];
    for tool in &b.tools[1..] {
        costs.push(peer_cost(b, tool, &b.spec, BUILD_RUNS, ops, with_runtime)?);
    }
    // The generated crate alone: ≤ 0.9× check, ≤ 1× build. With the runtime: no worse than
    // before the runtime was a crate of its own (1.10× check, 2.0× build).
    let (goal, label) = if with_runtime {
        (
            CostGoal {
                time: 1.10,
                build_time: 2.0,
                memory: None,
            },
            "spec/ with runtime",
        )
    } else {
        (
            CostGoal {
                time: 0.9,
                build_time: 1.0,
                memory: None,
            },
            "spec/",
        )
    };
    Ok(cost_rows(label, &costs, goal, b.smoke))
}

/// The same for the crates of whole APIs: the OpenAI spec, and GitHub's and Stripe's
/// documents from the public corpus (ours and openapi-to-rust; progenitor reads OpenAPI 3.0
/// only and panics on these). Clean check for all three, clean build for OpenAI's.
fn whole_api_build_cost(b: &Bench, notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let mut docs = vec![("whole OpenAI spec", b.openai.clone(), 0.25)];
    for (label, key, file) in CORPUS_APIS {
        docs.push((label, corpus_doc(b, key, file), 0.33));
    }
    let mut rows = Vec::new();
    for (label, doc, goal) in docs {
        let goal = CostGoal {
            time: goal,
            build_time: goal,
            memory: Some(goal),
        };
        let Some(doc) = doc else {
            rows.push(skipped_row(label, &goal.text(), b));
            continue;
        };
        let ops = doc.operations()?;
        let mut costs = Vec::new();
        for tool in b.tools.iter().filter(|t| !matches!(t, Tool::Progenitor(_))) {
            costs.push(peer_cost(b, tool, &doc, WHOLE_API_RUNS, ops, false)?);
        }
        rows.extend(cost_rows(label, &costs, goal, b.smoke));
    }
    if !b.tools.iter().any(|t| matches!(t, Tool::OpenapiToRust(_))) {
        notes.push(format!(
            "whole-API: openapi-to-rust not run ({})",
            b.peer_errors.join("; ")
        ));
    }
    Ok(rows)
}

/// The large public documents measured besides OpenAI's: label, key, file under the corpus's
/// `api/`.
const CORPUS_APIS: [(&str, &str, &str); 2] = [
    (
        "GitHub (corpus)",
        "github",
        "github.com/api.github.com.json",
    ),
    ("Stripe (corpus)", "stripe", "stripe.com.json"),
];

/// A document of the public corpus, when the corpus is installed (not in smoke mode).
fn corpus_doc(b: &Bench, key: &'static str, file: &str) -> Option<Doc> {
    let path = b.corpus.as_ref().ok()?.join(file);
    path.exists().then_some(Doc {
        key,
        path,
        build: false,
    })
}

/// The row of a document that is not there.
fn skipped_row(what: &str, goal: &str, b: &Bench) -> Row {
    let why = match &b.corpus {
        Err(e) if !what.contains("OpenAI") => format!("skipped: corpus not installed ({e})"),
        _ => "skipped: spec not found".to_owned(),
    };
    Row {
        what: what.to_owned(),
        measured: why,
        ratio: "—".to_owned(),
        goal: goal.to_owned(),
        met: "skipped".to_owned(),
    }
}

/// Generation of Microsoft Graph (11,422 operations, from the public corpus), whole
/// process, by ours and by openapi-to-rust: wall time and peak RSS of one run each.
fn large_document_generation(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    const GOAL: f64 = 0.33;
    let goal = format!("≤ {GOAL}× time and peak memory of openapi-to-rust");
    let what = "generation of Microsoft Graph (corpus), whole process (wall / peak RSS)";
    let Some(doc) = corpus_doc(b, "graph", "microsoft.com/graph.json") else {
        return Ok(vec![skipped_row(what, &goal, b)]);
    };
    let ops = doc.operations()?;
    let mut measured = Vec::new();
    for tool in b.tools.iter().filter(|t| !matches!(t, Tool::Progenitor(_))) {
        let dir = b.peers_dir().join(format!("e2e-{}-graph", tool.name()));
        fresh_dir(&dir)?;
        let cmd = generate_cmd(tool, &doc, &dir)?;
        eprintln!("$ (measured) {}", cmd.describe());
        let m = cmd.measure();
        eprintln!("  {}: {}", tool.name(), describe_cost(&m));
        measured.push((tool.name(), m));
    }
    let text = measured
        .iter()
        .map(|(name, m)| format!("{name} {}", describe_cost(m)))
        .collect::<Vec<_>>()
        .join("; ");
    let (r, m) = match measured.as_slice() {
        [(_, ours), (_, peer)] if ours.ok && peer.ok => {
            let (t, mem) = (ours.secs / peer.secs, ours.peak_mb / peer.peak_mb);
            (
                format!("time {}, memory {}", ratio(t), ratio(mem)),
                met(t <= GOAL && mem <= GOAL),
            )
        }
        _ => ("—".to_owned(), "not met (no peer ran)".to_owned()),
    };
    Ok(vec![Row {
        what: format!("{what}, {ops} operations"),
        measured: text,
        ratio: r,
        goal,
        met: m,
    }])
}

/// The whole OpenAI crate with one feature (its certificate endpoints): clean check of the
/// crate alone, dependencies built; and every feature of it checked alone, one after the
/// other (what `cargo hack --each-feature` does), each must compile.
fn one_feature(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    const FEATURE: &str = "certificates";
    const GOAL_SECS: f64 = 3.0;
    let one = format!("whole OpenAI crate, `--no-default-features --features {FEATURE}`");
    let goal = format!("≤ {GOAL_SECS} s clean check of the crate alone");
    let Some(openai) = &b.openai else {
        return Ok(vec![skipped_row(&one, &goal, b)]);
    };
    let doc = Doc {
        key: "openai-features",
        ..openai.clone()
    };
    let ours = &b.tools[0];
    let name = super::peers::crate_name(ours, &doc);
    let dir = b.peers_dir().join(&name);
    fresh_dir(&dir)?;
    let generated = generate_cmd(ours, &doc, &dir)?.measure();
    if !generated.ok {
        return Err(format!("generating {name}: {}", generated.message));
    }
    let _ = std::fs::copy(b.root.join("Cargo.lock"), dir.join("Cargo.lock"));
    let features = operation_features(&dir.join("Cargo.toml"))?;
    if !features.iter().any(|f| f == FEATURE) {
        return Err(format!(
            "the OpenAI crate has no `{FEATURE}` feature: {features:?}"
        ));
    }
    if b.smoke {
        return Ok(vec![Row {
            what: one,
            measured: format!(
                "generated with {} operation features; checks skipped in smoke mode",
                features.len()
            ),
            ratio: "—".to_owned(),
            goal,
            met: "—".to_owned(),
        }]);
    }
    let target = b.build_dir().join("ours-openai-features");
    let runs = BUILD_RUNS;
    let args = ["--no-default-features", "--features", FEATURE];
    let cost = build_cost_with(&dir, &[&name], &args, &target, runs, false)?;
    let check = cost.check;
    let mut rows = vec![Row {
        what: format!("{one} (wall / peak RSS)"),
        measured: describe_cost(&check),
        ratio: "—".to_owned(),
        goal,
        met: met(check.ok && check.secs <= GOAL_SECS),
    }];

    // Every feature alone: each is another configuration of the crate, compiled from
    // scratch; the dependencies stay built.
    let mut failed = Vec::new();
    let mut slowest: Option<(String, Measured)> = None;
    let mut total = 0.0;
    for feature in &features {
        let cmd = super::measure::Cmd::cargo(&dir)
            .args([
                "check",
                "-p",
                &name,
                "--no-default-features",
                "--features",
                feature,
            ])
            .env("CARGO_TARGET_DIR", &target);
        eprintln!("$ (measured) {}", cmd.describe());
        let m = cmd.measure();
        total += m.secs;
        if !m.ok {
            failed.push(format!("{feature}: {}", m.message));
        } else if slowest.as_ref().is_none_or(|(_, s)| m.secs > s.secs) {
            slowest = Some((feature.clone(), m));
        }
    }
    let compiled = features.len() - failed.len();
    let mut measured = format!(
        "{compiled} of {} features compile alone, {} in all",
        features.len(),
        secs(total)
    );
    if let Some((feature, m)) = &slowest {
        let _ = write!(measured, "; slowest `{feature}` {}", describe_cost(m));
    }
    for f in &failed {
        let _ = write!(measured, "; FAILED {f}");
    }
    rows.push(Row {
        what: "every feature of the whole OpenAI crate alone (cargo check, one after another)"
            .to_owned(),
        measured,
        ratio: "—".to_owned(),
        goal: "every feature compiles alone".to_owned(),
        met: met(failed.is_empty()),
    });
    Ok(rows)
}

/// The features of a generated crate that each enable a group of operations: in its
/// `[features]` table, those whose comment line says how many operations they enable.
fn operation_features(manifest: &std::path::Path) -> Result<Vec<String>, String> {
    let text =
        std::fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let mut features = Vec::new();
    let mut previous = "";
    for line in text.lines() {
        if previous.starts_with("## ")
            && (previous.ends_with(" operations)") || previous.ends_with(" operation)"))
            && let Some((name, _)) = line.split_once(" = ")
        {
            features.push(name.trim().to_owned());
        }
        previous = line;
    }
    Ok(features)
}

/// Criterion medians and allocations of one call through the generated client against a
/// hand-written reqwest + serde_json call.
fn client_overhead(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let crit = &b.crit;
    let mut rows = Vec::new();
    for call in ["get_certificate", "list"] {
        let group = format!("client-overhead/{call}");
        let t_ours = crit.median(&group, "ours");
        let t_hand = crit.median(&group, "reqwest");
        let a_ours = crit
            .metric(&format!("{group}/ours/allocations"))
            .unwrap_or(f64::NAN);
        let a_hand = crit
            .metric(&format!("{group}/reqwest/allocations"))
            .unwrap_or(f64::NAN);
        // The ratio of alternating rounds (see client.rs), robust to load that comes
        // and goes; criterion's medians above give the absolute times.
        let paired = crit
            .metric(&format!("{group}/paired-time-ratio"))
            .unwrap_or(f64::NAN);
        let time_ratio = match (t_ours, t_hand) {
            (Some(_), Some(_)) => paired,
            _ => f64::NAN,
        };
        let alloc_ratio = a_ours / a_hand;
        rows.push(Row {
            what: if call == "list" {
                "one list call (100 certificates), local server".to_owned()
            } else {
                "get_certificate, local server".to_owned()
            },
            measured: format!(
                "ours {} and {a_ours:.0} allocations vs hand-written reqwest + serde_json {} and {a_hand:.0} allocations (criterion medians; the time ratio is the median of {} alternating rounds)",
                t_ours.map_or_else(|| "ran once".to_owned(), secs),
                t_hand.map_or_else(|| "ran once".to_owned(), secs),
                crit.metrics
                    .get(&format!("{group}/paired-rounds"))
                    .map_or("?", String::as_str),
            ),
            ratio: format!("time {}, allocations {}", ratio(time_ratio), ratio(alloc_ratio)),
            goal: "≤ 1.05×".to_owned(),
            met: if time_ratio.is_finite() {
                met(time_ratio <= 1.05 && alloc_ratio <= 1.05)
            } else {
                "—".to_owned()
            },
        });
    }
    Ok(rows)
}

/// Peak heap walking the certificates as a Stream, for 10 and 100 pages, against one page.
fn pagination_memory(b: &Bench, _notes: &mut Vec<String>) -> Result<Vec<Row>, String> {
    let crit = &b.crit;
    let p10 = crit
        .metric("pagination/10-pages/peak-heap-bytes")
        .unwrap_or(f64::NAN);
    let p100 = crit
        .metric("pagination/100-pages/peak-heap-bytes")
        .unwrap_or(f64::NAN);
    let one = crit
        .metric("pagination/one-page/peak-heap-bytes")
        .unwrap_or(f64::NAN);
    let growth = p100 / p10;
    let bound = p100 / one;
    Ok(vec![Row {
        what: "peak heap walking the list as a Stream, 100 per page".to_owned(),
        measured: format!(
            "10,000 certificates / 100 pages: {}; 1,000 / 10 pages: {}; one page fetched with send(): {}",
            bytes_mb(p100),
            bytes_mb(p10),
            bytes_mb(one)
        ),
        ratio: format!(
            "100 vs 10 pages {}; vs one page {}",
            ratio(growth),
            ratio(bound)
        ),
        goal: "bounded by one page (≤ 1.5× one page), not growing with pages (≤ 1.1×)".to_owned(),
        met: if b.smoke {
            "— (smoke)".to_owned()
        } else {
            met(growth <= 1.1 && bound <= 1.5)
        },
    }])
}

/// The goal of a build cost against the leanest peer: at most `time` its wall time for a
/// clean check (`build_time` for a clean build), and with `memory` (the whole-API rows) at
/// most that its peak memory.
#[derive(Clone, Copy)]
struct CostGoal {
    time: f64,
    build_time: f64,
    memory: Option<f64>,
}

impl CostGoal {
    fn text(self) -> String {
        match self.memory {
            Some(m) => format!("≤ {}× its time, ≤ {m}× its peak memory", self.time),
            None => format!("≤ {}× the leaner peer", self.time),
        }
    }

    fn met(self, time_ratio: f64, memory_ratio: f64) -> bool {
        time_ratio <= self.time && self.memory.is_none_or(|g| memory_ratio <= g)
    }
}

/// The rows of a build cost: clean check and clean build (wall / peak RSS) against the
/// leanest peer, then the generated code per operation. `costs` is ours first, then the
/// peers; with a memory goal (the whole-API rows) the code size is for information.
fn cost_rows(label: &str, costs: &[CrateCost], goal: CostGoal, smoke: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    for (phase, pick) in [("clean cargo check", 0usize), ("clean cargo build", 1usize)] {
        let get = |c: &BuildCost| -> Option<Measured> {
            if pick == 0 {
                Some(c.check.clone())
            } else {
                c.build.clone()
            }
        };
        // No build row where no crate was built although ours checked: smoke mode, and
        // the corpus documents, whose crates get a check only.
        if pick == 1 && costs[0].cost.check.ok && costs.iter().all(|c| c.cost.build.is_none()) {
            continue;
        }
        let goal = if pick == 1 {
            CostGoal {
                time: goal.build_time,
                ..goal
            }
        } else {
            goal
        };
        rows.push(phase_row(
            &format!("{phase}, {label}"),
            costs,
            get,
            goal,
            smoke,
        ));
    }
    rows.push(code_size_row(label, costs, goal.memory.is_some()));
    rows
}

/// One phase (check or build) of a build cost, `get` picking it out of each crate's cost.
fn phase_row(
    what: &str,
    costs: &[CrateCost],
    get: impl Fn(&BuildCost) -> Option<Measured>,
    goal: CostGoal,
    smoke: bool,
) -> Row {
    let Some(o) = get(&costs[0].cost) else {
        return Row {
            what: what.to_owned(),
            measured: "ours did not build".to_owned(),
            ratio: "—".to_owned(),
            goal: goal.text(),
            met: "not met".to_owned(),
        };
    };
    let mut measured = format!("ours {}", describe_cost(&o));
    let mut leanest: Option<(&str, Measured)> = None;
    for c in &costs[1..] {
        let name = c.tool;
        match get(&c.cost) {
            Some(m) => {
                let _ = write!(measured, "; {name} {}", describe_cost(&m));
                if m.ok && leanest.as_ref().is_none_or(|(_, l)| m.secs < l.secs) {
                    leanest = Some((name, m));
                }
            }
            None => {
                let _ = write!(
                    measured,
                    "; {name} {}",
                    if c.cost.check.ok {
                        "not built".to_owned()
                    } else {
                        describe_cost(&c.cost.check)
                    }
                );
            }
        }
    }
    if costs.len() == 1 {
        measured.push_str(if smoke {
            "; peers skipped in smoke mode"
        } else {
            "; no peer could be run"
        });
    }
    let (r, m) = match &leanest {
        Some((name, l)) if o.ok => {
            let t = o.secs / l.secs;
            let mem = o.peak_mb / l.peak_mb;
            (
                format!("time {} , memory {} (vs {name})", ratio(t), ratio(mem)).replace(" ,", ","),
                met(goal.met(t, mem)),
            )
        }
        _ => (
            "—".to_owned(),
            if smoke {
                "—".to_owned()
            } else {
                "not met (no peer built)".to_owned()
            },
        ),
    };
    Row {
        what: format!("{what} (wall / peak RSS)"),
        measured,
        ratio: r,
        goal: goal.text(),
        met: m,
    }
}

/// Generated code per operation, against the leanest peer (`info`: no goal).
fn code_size_row(label: &str, costs: &[CrateCost], info: bool) -> Row {
    let per_op = |(lines, bytes): (usize, usize), ops: usize| {
        (lines as f64 / ops as f64, bytes as f64 / ops as f64)
    };
    let ours = &costs[0];
    let (ol, ob) = per_op(ours.size, ours.ops);
    let mut measured = format!(
        "ours {ol:.0} lines / {:.1} kB ({} lines in all)",
        ob / 1024.0,
        ours.size.0
    );
    let mut leanest: Option<(&str, f64, f64)> = None;
    for c in &costs[1..] {
        let name = c.tool;
        if c.size.0 == 0 {
            let _ = write!(measured, "; {name} {}", describe_cost(&c.cost.check));
            continue;
        }
        let (l, b) = per_op(c.size, c.ops);
        let _ = write!(
            measured,
            "; {name} {l:.0} lines / {:.1} kB ({} lines in all)",
            b / 1024.0,
            c.size.0
        );
        if leanest.is_none_or(|(_, ll, _)| l < ll) {
            leanest = Some((name, l, b));
        }
    }
    let (r, m) = match leanest {
        Some((name, l, b)) => (
            format!(
                "lines {}, bytes {} (vs {name})",
                ratio(ol / l),
                ratio(ob / b)
            ),
            met(ol / l <= 0.9 && ob / b <= 0.9),
        ),
        None => ("—".to_owned(), "—".to_owned()),
    };
    Row {
        what: format!("generated code per operation, {label}"),
        measured,
        ratio: r,
        goal: if info {
            "— (info)".to_owned()
        } else {
            "≤ 0.9× the leaner peer".to_owned()
        },
        met: if info { "— (info)".to_owned() } else { m },
    }
}
