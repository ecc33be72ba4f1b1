//! `cargo xtask bench [--smoke]`: the benchmarks of BENCHMARKS.md, run side by side with
//! their baselines on this machine, printed as one table.
//!
//! Timings of our own code come from criterion (`codegen/benches/generate.rs`,
//! `generated-client/benches/client.rs`, release builds, medians); end-to-end and build
//! costs are wall times of whole processes (medians of repeated runs) with the peak
//! resident memory of the process tree (`getrusage(RUSAGE_CHILDREN)` in a small wrapper
//! process: `xtask bench __measure CMD…`). The peers (`cargo-progenitor`,
//! `openapi-to-rust`) are installed by this task into `target/bench/tools/` with
//! `cargo install --locked --root`, and their crates live in `target/bench/peers/`, each
//! with a `[workspace]` table of its own and one fixed dependency set.
//!
//! `--smoke` runs every benchmark once (criterion's test mode, debug builds, no peers) and
//! rewrites nothing: `xtask/tests/bench_smoke.rs` runs it so the benchmarks keep working.

mod criterion;
mod format;
mod measure;
mod peers;

use criterion::run_criterion;
use format::{
    Machine, Row, bytes_mb, describe_cost, document, load_average, machine, met, ratio, secs, table,
};
use measure::{Cmd, Measured, copy_wrapper, measure_child, median, wrapper};
use peers::{
    BuildCost, OPENAPI_TO_RUST, PROGENITOR, Tool, Tools, build_cost, code_size, crate_name,
    finish_crate, fresh_dir, generate_cmd, install, write,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs of the xtask binary and each peer's generator, end to end.
const E2E_RUNS: usize = 11;
/// Clean `cargo check` / `cargo build` runs of each crate generated from spec/.
const BUILD_RUNS: usize = 3;
/// The same for the crates of the whole OpenAI spec (minutes each).
const WHOLE_API_RUNS: usize = 1;

/// `xtask bench` with its arguments (after `bench`).
pub fn main(args: &[String]) -> ExitCode {
    if args.first().map(String::as_str) == Some("__measure") {
        return measure_child(&args[1..]);
    }
    let mut smoke = false;
    for arg in args {
        match arg.as_str() {
            "--smoke" => smoke = true,
            other => {
                eprintln!(
                    "error: unknown argument `{other}`\n\nusage: cargo xtask bench [--smoke]"
                );
                return ExitCode::from(2);
            }
        }
    }
    match run(&xtask::workspace_root(), smoke) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The run.

fn run(root: &Path, smoke: bool) -> Result<(), String> {
    let machine = machine(root);
    println!(
        "machine: {} cores ({}), {} RAM, {}, {}",
        machine.cores, machine.cpu, machine.ram, machine.os, machine.rustc
    );
    let bench_dir = root.join("target/bench");
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    copy_wrapper(&bench_dir)?;
    let result = run_in(root, smoke, &machine, &bench_dir);
    let _ = std::fs::remove_file(wrapper());
    result
}

fn run_in(root: &Path, smoke: bool, machine: &Machine, bench_dir: &Path) -> Result<(), String> {
    let command = if smoke {
        "cargo xtask bench --smoke"
    } else {
        "cargo xtask bench"
    };
    let spec = root.join("spec/openapi.yaml");
    let specs_dir = root.join("../shared/specs");
    let openai_yaml = specs_dir.join("openai-openapi.yaml");
    let openai = openai_yaml.exists().then(|| {
        openai_yaml
            .canonicalize()
            .unwrap_or_else(|_| openai_yaml.clone())
    });
    let mut notes: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();

    // Criterion: parse vs generate, scaling, client overhead, pagination memory.
    let crit = run_criterion(root, smoke)?;
    notes.extend(crit.skipped.iter().map(|s| format!("skipped: {s}")));

    // parse vs generate
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
            "generate ≤ 1× parse"
        };
        if !ran {
            rows.push(Row {
                row: "parse vs generate",
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
                    met(g / p <= 1.0)
                },
            ),
            _ => ("ran once (smoke)".to_owned(), f64::NAN, "—".to_owned()),
        };
        rows.push(Row {
            row: "parse vs generate",
            what: label.to_owned(),
            measured,
            ratio: ratio(r),
            goal: goal.to_owned(),
            met: m,
        });
    }

    // scaling
    {
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
        rows.push(Row {
            row: "scaling",
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
            met: if base.as_deref() == Some("openai") || smoke {
                m
            } else {
                "skipped".to_owned()
            },
        });
    }

    // The tools: ours (release binary; the running binary in smoke mode), the peers.
    let xtask_bin = if smoke {
        wrapper().to_path_buf()
    } else {
        Cmd::cargo(root)
            .args(["build", "--release", "-p", "xtask"])
            .run()?;
        root.join("target/release/xtask")
    };
    let tools = if smoke {
        Tools {
            progenitor: Err("skipped in smoke mode".to_owned()),
            openapi_to_rust: Err("skipped in smoke mode".to_owned()),
        }
    } else {
        Tools {
            progenitor: install(root, PROGENITOR, "cargo-progenitor"),
            openapi_to_rust: install(root, OPENAPI_TO_RUST, "openapi-to-rust"),
        }
    };
    let mut all_tools = vec![Tool::Ours(xtask_bin.clone())];
    let mut peer_errors = Vec::new();
    match &tools.progenitor {
        Ok(p) => all_tools.push(Tool::Progenitor(p.clone())),
        Err(e) => peer_errors.push(format!("progenitor: {e}")),
    }
    match &tools.openapi_to_rust {
        Ok(p) => all_tools.push(Tool::OpenapiToRust(p.clone())),
        Err(e) => peer_errors.push(format!("openapi-to-rust: {e}")),
    }

    // end to end vs peers: generating from spec/, fresh output directory each run.
    let peers_dir = bench_dir.join("peers");
    // Round-robin (ours, progenitor, openapi-to-rust, ours, …) so that other load on the
    // machine falls on every tool alike.
    let runs = if smoke { 1 } else { E2E_RUNS };
    let mut samples: Vec<Vec<Measured>> = all_tools.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (tool, samples) in all_tools.iter().zip(&mut samples) {
            if samples.last().is_some_and(|m| !m.ok) {
                continue;
            }
            let dir = peers_dir.join(format!("e2e-{}", tool.name()));
            fresh_dir(&dir)?;
            // openapi-to-rust reads its config from the output directory.
            let cmd = generate_cmd(tool, &spec, &dir)?;
            eprintln!("$ (measured) {}", cmd.describe());
            samples.push(cmd.measure());
        }
    }
    let e2e: Vec<(&'static str, Measured)> = all_tools
        .iter()
        .zip(samples)
        .map(|(tool, samples)| {
            let m = match samples.iter().find(|m| !m.ok) {
                Some(failed) => failed.clone(),
                None => Measured {
                    secs: median(samples.iter().map(|m| m.secs).collect()),
                    peak_mb: median(samples.iter().map(|m| m.peak_mb).collect()),
                    ok: true,
                    message: String::new(),
                },
            };
            eprintln!("  {}: {}", tool.name(), describe_cost(&m));
            (tool.name(), m)
        })
        .collect();
    {
        let ours = &e2e[0].1;
        let peers: Vec<_> = e2e[1..].iter().filter(|(_, m)| m.ok).collect();
        let fastest = peers.iter().min_by(|a, b| a.1.secs.total_cmp(&b.1.secs));
        let mut measured = format!("ours {}", describe_cost(ours));
        for (name, m) in &e2e[1..] {
            let _ = write!(measured, "; {name} {}", describe_cost(m));
        }
        for e in &peer_errors {
            let _ = write!(measured, "; {e}");
        }
        let (r, m) = match fastest {
            Some((_, peer)) if ours.ok => {
                (ours.secs / peer.secs, met(ours.secs / peer.secs <= 0.5))
            }
            _ => (
                f64::NAN,
                if smoke {
                    "—"
                } else {
                    "not met (no peer ran)"
                }
                .to_owned(),
            ),
        };
        rows.push(Row {
            row: "end to end vs peers",
            what: format!(
                "wall time generating from spec/ (median of {} runs; wall / peak RSS)",
                if smoke { 1 } else { E2E_RUNS }
            ),
            measured,
            ratio: ratio(r),
            goal: "≤ 0.5× the faster peer".to_owned(),
            met: m,
        });
    }

    // build cost vs peers (spec/): ours is generated-client itself.
    let build_dir = bench_dir.join("build");
    let mut costs: Vec<(&'static str, BuildCost, (usize, usize), usize)> = Vec::new();
    let ours_ops = crit
        .metric("parse-vs-generate/spec/operations")
        .unwrap_or(10.0) as usize;
    {
        let target = build_dir.join(if smoke { "smoke-ours" } else { "ours" });
        let cost = build_cost(
            root,
            "generated-client",
            &target,
            if smoke { 1 } else { BUILD_RUNS },
            !smoke,
        )?;
        let size = code_size(&Tool::Ours(PathBuf::new()), &root.join("generated-client"));
        costs.push(("ours", cost, size, ours_ops));
    }
    for tool in &all_tools[1..] {
        let dir = peers_dir.join(crate_name(tool, &spec));
        let lock = std::fs::read(dir.join("Cargo.lock")).ok();
        fresh_dir(&dir)?;
        let generator = generate_cmd(tool, &spec, &dir)?;
        let m = generator.measure();
        if !m.ok {
            costs.push((
                tool.name(),
                BuildCost {
                    check: m,
                    build: None,
                },
                (0, 0),
                ours_ops,
            ));
            continue;
        }
        finish_crate(tool, &spec, &dir)?;
        // The same dependency versions as the last run (the first run resolves them).
        if let Some(lock) = &lock {
            let _ = std::fs::write(dir.join("Cargo.lock"), lock);
        }
        let target = build_dir.join(tool.name());
        let cost = build_cost(&dir, &crate_name(tool, &spec), &target, BUILD_RUNS, true)?;
        costs.push((tool.name(), cost, code_size(tool, &dir), ours_ops));
    }
    rows.extend(build_rows(
        "build cost vs peers",
        "spec/",
        &costs,
        0.9,
        None,
        smoke,
    ));

    // whole-API build cost: the crate of the whole OpenAI spec.
    if let Some(openai) = &openai {
        let mut costs = Vec::new();
        let openai_ops = crit
            .metric("parse-vs-generate/openai-yaml/operations")
            .unwrap_or(f64::NAN);
        let openai_ops = if openai_ops.is_finite() {
            openai_ops as usize
        } else {
            288
        };
        for tool in all_tools
            .iter()
            .filter(|t| !matches!(t, Tool::Progenitor(_)))
        {
            let dir = peers_dir.join(crate_name(tool, openai));
            let lock = std::fs::read(dir.join("Cargo.lock")).ok();
            fresh_dir(&dir)?;
            let generator = generate_cmd(tool, openai, &dir)?;
            let m = generator.measure();
            if !m.ok {
                costs.push((
                    tool.name(),
                    BuildCost {
                        check: m,
                        build: None,
                    },
                    (0, 0),
                    openai_ops,
                ));
                continue;
            }
            finish_crate(tool, openai, &dir)?;
            if let Some(lock) = &lock {
                let _ = std::fs::write(dir.join("Cargo.lock"), lock);
            }
            let size = code_size(tool, &dir);
            if smoke {
                let skipped = Measured {
                    secs: f64::NAN,
                    peak_mb: f64::NAN,
                    ok: true,
                    message: "check skipped in smoke mode".to_owned(),
                };
                costs.push((
                    tool.name(),
                    BuildCost {
                        check: skipped,
                        build: None,
                    },
                    size,
                    openai_ops,
                ));
                continue;
            }
            if matches!(tool, Tool::Ours(_)) {
                // The same dependency versions as generated-client.
                let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
            }
            let target = build_dir.join(format!("{}-openai", tool.name()));
            let cost = build_cost(
                &dir,
                &crate_name(tool, openai),
                &target,
                WHOLE_API_RUNS,
                true,
            )?;
            costs.push((tool.name(), cost, size, openai_ops));
        }
        if !all_tools
            .iter()
            .any(|t| matches!(t, Tool::OpenapiToRust(_)))
        {
            notes.push(format!(
                "whole-API: openapi-to-rust not run ({})",
                peer_errors.join("; ")
            ));
        }
        rows.extend(build_rows(
            "whole-API build cost",
            "whole OpenAI spec",
            &costs,
            0.33,
            Some(0.25),
            smoke,
        ));
    } else {
        rows.push(Row {
            row: "whole-API build cost",
            what: "whole OpenAI spec".to_owned(),
            measured: "skipped: spec not found".to_owned(),
            ratio: "—".to_owned(),
            goal: "≤ 0.33× time, ≤ 0.25× peak memory".to_owned(),
            met: "skipped".to_owned(),
        });
    }

    // client overhead
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
            row: "client overhead",
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

    // pagination memory
    {
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
        rows.push(Row {
            row: "pagination memory",
            what: "peak heap walking the list as a Stream, 100 per page".to_owned(),
            measured: format!(
                "10,000 certificates / 100 pages: {}; 1,000 / 10 pages: {}; one page fetched with send(): {}",
                bytes_mb(p100),
                bytes_mb(p10),
                bytes_mb(one)
            ),
            ratio: format!("100 vs 10 pages {}; vs one page {}", ratio(growth), ratio(bound)),
            goal: "bounded by one page (≤ 1.5× one page), not growing with pages (≤ 1.1×)"
                .to_owned(),
            met: if smoke {
                "— (smoke)".to_owned()
            } else {
                met(growth <= 1.1 && bound <= 1.5)
            },
        });
    }

    // Print, and record.
    let table = table(&rows);
    println!();
    println!("{table}");
    for n in &notes {
        println!("note: {n}");
    }
    let missing: Vec<_> = xtask::BENCH_ROWS
        .iter()
        .filter(|r| !rows.iter().any(|row| row.row == **r))
        .collect();
    if !missing.is_empty() {
        return Err(format!("rows missing from the table: {missing:?}"));
    }
    if smoke {
        println!("smoke mode: every benchmark ran once; BENCHMARKS.md left unchanged");
        return Ok(());
    }
    let load_end = load_average();
    println!(
        "load average (1 min): {} at the start, {load_end} at the end",
        machine.load
    );
    let doc = document(machine, &load_end, command, &table, &notes);
    write(&root.join("BENCHMARKS.md"), &doc)?;
    println!("wrote BENCHMARKS.md");
    Ok(())
}

#[allow(clippy::type_complexity)]
fn build_rows(
    row: &'static str,
    label: &str,
    costs: &[(&'static str, BuildCost, (usize, usize), usize)],
    time_goal: f64,
    memory_goal: Option<f64>,
    smoke: bool,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let ours = &costs[0];
    let goal = match memory_goal {
        Some(m) => format!("≤ {time_goal}× its time, ≤ {m}× its peak memory"),
        None => format!("≤ {time_goal}× the leaner peer"),
    };
    for (phase, pick) in [("clean cargo check", 0usize), ("clean cargo build", 1usize)] {
        let get = |c: &BuildCost| -> Option<Measured> {
            if pick == 0 {
                Some(c.check.clone())
            } else {
                c.build.clone()
            }
        };
        let Some(o) = get(&ours.1) else {
            if pick == 1 && smoke {
                continue;
            }
            rows.push(Row {
                row,
                what: format!("{phase}, {label}"),
                measured: "ours did not build".to_owned(),
                ratio: "—".to_owned(),
                goal: goal.clone(),
                met: "not met".to_owned(),
            });
            continue;
        };
        let mut measured = format!("ours {}", describe_cost(&o));
        let mut leanest: Option<(&str, Measured)> = None;
        for (name, cost, _, _) in &costs[1..] {
            match get(cost) {
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
                        if cost.check.ok {
                            "not built".to_owned()
                        } else {
                            describe_cost(&cost.check)
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
                let ok = t <= time_goal && memory_goal.is_none_or(|g| mem <= g);
                (
                    format!("time {} , memory {} (vs {name})", ratio(t), ratio(mem))
                        .replace(" ,", ","),
                    met(ok),
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
        rows.push(Row {
            row,
            what: format!("{phase}, {label} (wall / peak RSS)"),
            measured,
            ratio: r,
            goal: goal.clone(),
            met: m,
        });
    }
    // Generated code per operation.
    let per_op = |(lines, bytes): (usize, usize), ops: usize| {
        (lines as f64 / ops as f64, bytes as f64 / ops as f64)
    };
    let (ol, ob) = per_op(ours.2, ours.3);
    let mut measured = format!(
        "ours {ol:.0} lines / {:.1} kB ({} lines in all)",
        ob / 1024.0,
        ours.2.0
    );
    let mut leanest: Option<(&str, f64, f64)> = None;
    for (name, cost, size, ops) in &costs[1..] {
        if size.0 == 0 {
            let _ = write!(measured, "; {name} {}", describe_cost(&cost.check));
            continue;
        }
        let (l, b) = per_op(*size, *ops);
        let _ = write!(
            measured,
            "; {name} {l:.0} lines / {:.1} kB ({} lines in all)",
            b / 1024.0,
            size.0
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
    rows.push(Row {
        row,
        what: format!("generated code per operation, {label}"),
        measured,
        ratio: r,
        goal: if memory_goal.is_some() {
            "— (info)".to_owned()
        } else {
            "≤ 0.9× the leaner peer".to_owned()
        },
        met: if memory_goal.is_some() {
            "— (info)".to_owned()
        } else {
            m
        },
    });
    rows
}
