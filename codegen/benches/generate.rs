//! `cargo xtask bench` rows "parse vs generate" and "scaling".
//!
//! parse: the spec's text → `openapiv3::OpenAPI` (`codegen::load_spec`); generate: lower +
//! emit + render (`codegen::generate_with_notes`), on spec/ and on the whole published
//! OpenAI spec (JSON and YAML) when `../shared/specs` holds it. Scaling: generation time
//! and peak heap of synthetic specs made of 1, 4 and 16 renamed copies of the OpenAI spec's
//! operations. Besides criterion's estimates, the binary prints `bench-metric NAME VALUE`
//! lines (peak heap bytes) that `cargo xtask bench` reads.
//!
//! Run by `cargo test` (criterion's test mode: every benchmark once), the scaling copies
//! are made from spec/ instead, so that the smoke test stays cheap in a debug build.

use criterion::{BenchmarkId, Criterion, SamplingMode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// Counts live heap bytes and their high-water mark.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live =
                    LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak heap bytes allocated on top of what was live when `f` started.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed) - base)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ is one level below the workspace root")
        .to_path_buf()
}

fn read(path: &PathBuf) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn load(text: &str) -> openapiv3::OpenAPI {
    codegen::load_spec(text)
        .unwrap_or_else(|e| panic!("the spec loads: {e:?}"))
        .spec
}

fn generate(spec: &openapiv3::OpenAPI) -> codegen::Generation {
    codegen::generate_with_notes(spec, &codegen::Config::default())
        .unwrap_or_else(|e| panic!("the spec generates: {e:?}"))
}

/// `copies` renamed copies of every operation: path keys get a `/copyN` prefix and
/// operationIds a `CopyN` suffix (copy 1 is the spec itself); components are shared.
fn scaled(spec: &openapiv3::OpenAPI, copies: usize) -> openapiv3::OpenAPI {
    let mut out = spec.clone();
    for copy in 2..=copies {
        for (path, item) in &spec.paths.paths {
            let mut item = item.clone();
            if let openapiv3::ReferenceOr::Item(item) = &mut item {
                for op in [
                    &mut item.get,
                    &mut item.put,
                    &mut item.post,
                    &mut item.delete,
                    &mut item.options,
                    &mut item.head,
                    &mut item.patch,
                    &mut item.trace,
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(id) = &mut op.operation_id {
                        id.push_str(&format!("Copy{copy}"));
                    }
                }
            }
            out.paths.paths.insert(format!("/copy{copy}{path}"), item);
        }
    }
    out
}

fn operations(spec: &openapiv3::OpenAPI) -> usize {
    spec.operations().count()
}

fn metric(name: &str, value: impl std::fmt::Display) {
    println!("bench-metric {name} {value}");
}

fn main() {
    let test_mode = !std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();

    let root = root();
    let ours = read(&root.join("spec/openapi.yaml")).expect("spec/openapi.yaml");
    let specs_dir = root.join("../shared/specs");
    let openai_json = read(&specs_dir.join("openai-openapi.json"));
    let openai_yaml = read(&specs_dir.join("openai-openapi.yaml"));
    if openai_json.is_none() || openai_yaml.is_none() {
        println!(
            "bench-skipped openai: spec not found in {}",
            specs_dir.display()
        );
    }

    // Parse vs generate.
    let mut inputs = vec![("spec", ours.clone())];
    inputs.extend(openai_json.clone().map(|t| ("openai-json", t)));
    inputs.extend(openai_yaml.clone().map(|t| ("openai-yaml", t)));
    for (name, text) in &inputs {
        let mut group = c.benchmark_group(format!("parse-vs-generate/{name}"));
        if *name != "spec" {
            group.sample_size(10).sampling_mode(SamplingMode::Flat);
        }
        group.bench_function("parse", |b| b.iter(|| load(black_box(text))));
        let spec = load(text);
        group.bench_function("generate", |b| b.iter(|| generate(black_box(&spec))));
        group.finish();
        let (generation, peak) = peak_heap(|| generate(&spec));
        metric(
            &format!("parse-vs-generate/{name}/operations"),
            generation.operations,
        );
        metric(
            &format!("parse-vs-generate/{name}/generate-peak-heap-bytes"),
            peak,
        );
    }

    // Scaling: the OpenAI spec's operations (spec/'s under `cargo test`), copied.
    let base = match (&openai_json, test_mode) {
        (Some(text), false) => Some(("openai", load(text))),
        _ if test_mode => Some(("spec", load(&ours))),
        _ => None,
    };
    if let Some((base_name, base)) = base {
        metric("scaling/base", base_name);
        let mut group = c.benchmark_group("scaling");
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(500));
        for copies in [1usize, 4, 16] {
            let spec = scaled(&base, copies);
            let (generation, peak) = peak_heap(|| generate(&spec));
            metric(
                &format!("scaling/{copies}x/operations"),
                format!("{} {}", operations(&spec), generation.operations),
            );
            metric(&format!("scaling/{copies}x/peak-heap-bytes"), peak);
            drop(generation);
            group.bench_with_input(
                BenchmarkId::new("generate", format!("{copies}x")),
                &spec,
                |b, spec| b.iter(|| generate(black_box(spec))),
            );
        }
        group.finish();
    }
    c.final_summary();
}
