//! `cargo xtask bench` rows "client overhead" and "pagination memory".
//!
//! A tiny HTTP/1.1 server on a thread of its own (keep-alive, canned bodies) answers
//! `GET /organization/certificates/{id}` and list pages of
//! `GET /organization/certificates`. Criterion times `get_certificate` and one list call
//! through the generated client against a hand-written reqwest + serde_json call doing the
//! same request (bearer auth, user agent) and decoding into equivalent hand-written structs.
//! A counting allocator (which ignores the server's thread) gives allocations per call and
//! the peak heap while walking pages as a `Stream`; those are printed as
//! `bench-metric NAME VALUE` lines for `cargo xtask bench`.

use criterion::Criterion;
use futures_util::TryStreamExt;
use generated_client::Client;
use serde::Deserialize;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// Counting allocator: allocations, live bytes and their high-water mark, except on threads
// that opt out (the server's).

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static IGNORED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    !IGNORED.try_with(Cell::get).unwrap_or(true)
}

fn grow(by: usize) {
    let live = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && counted() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if counted() {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && counted() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ---------------------------------------------------------------------------------------
// The server.

const PAGE_SIZE: usize = 100;

fn certificate(id: &str, org: bool) -> String {
    let (object, active) = if org {
        ("organization.certificate", r#","active":true"#)
    } else {
        ("certificate", "")
    };
    format!(
        r#"{{"object":"{object}","id":"{id}","name":"Production certificate {id}","created_at":1711471533,"certificate_details":{{"valid_at":1711471533,"expires_at":1743007533}}{active}}}"#
    )
}

fn page(index: usize, pages: usize) -> String {
    let items: Vec<String> = (0..PAGE_SIZE)
        .map(|i| certificate(&format!("cert_p{index}_{i:03}"), true))
        .collect();
    format!(
        r#"{{"object":"list","data":[{}],"first_id":"cert_p{index}_000","last_id":"cert_p{index}_{:03}","has_more":{}}}"#,
        items.join(","),
        PAGE_SIZE - 1,
        index + 1 < pages
    )
}

fn response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_bench\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

struct Canned {
    certificate: Vec<u8>,
    pages: Vec<Vec<u8>>,
}

/// Starts the server; it answers list calls with `pages` pages of `PAGE_SIZE`.
fn serve(pages: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a local port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let canned = std::sync::Arc::new(Canned {
        certificate: response(&certificate("cert_1", false)),
        pages: (0..pages).map(|i| response(&page(i, pages))).collect(),
    });
    std::thread::spawn(move || {
        IGNORED.with(|i| i.set(true));
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let canned = canned.clone();
            std::thread::spawn(move || {
                IGNORED.with(|i| i.set(true));
                connection(stream, &canned);
            });
        }
    });
    url
}

fn connection(mut stream: TcpStream, canned: &Canned) {
    stream.set_nodelay(true).ok();
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        buf.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/");
        let body = if target.starts_with("/organization/certificates/") {
            &canned.certificate
        } else {
            // The cursor is `cert_p{page}_{i}`: the next page follows it.
            let index = target
                .split("after=")
                .nth(1)
                .and_then(|c| c.strip_prefix("cert_p"))
                .and_then(|c| c.split('_').next())
                .and_then(|p| p.parse::<usize>().ok())
                .map_or(0, |p| p + 1);
            &canned.pages[index.min(canned.pages.len() - 1)]
        };
        if stream.write_all(body).is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The baseline: what one would write by hand with reqwest and serde_json.

const API_KEY: &str = "sk-admin-bench";
const USER_AGENT: &str = "hand-written/0.1";

#[derive(Deserialize)]
enum HandObject {
    #[serde(rename = "certificate")]
    Certificate,
    #[serde(rename = "organization.certificate")]
    OrganizationCertificate,
    #[serde(rename = "organization.project.certificate")]
    OrganizationProjectCertificate,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandDetails {
    valid_at: Option<i64>,
    expires_at: Option<i64>,
    content: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCertificate {
    object: HandObject,
    id: String,
    name: Option<String>,
    created_at: i64,
    certificate_details: HandDetails,
    active: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandList {
    object: String,
    data: Vec<HandCertificate>,
    first_id: Option<String>,
    last_id: Option<String>,
    has_more: bool,
}

struct Hand {
    http: reqwest::Client,
    base: String,
    auth: reqwest::header::HeaderValue,
}

impl Hand {
    fn new(base: &str) -> Hand {
        Hand {
            http: reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .build()
                .expect("a reqwest client"),
            base: base.to_owned(),
            auth: format!("Bearer {API_KEY}").parse().unwrap(),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: String) -> T {
        let response = self
            .http
            .get(url)
            .header(reqwest::header::AUTHORIZATION, self.auth.clone())
            .send()
            .await
            .expect("the request succeeds")
            .error_for_status()
            .expect("a 2xx status");
        let bytes = response.bytes().await.expect("the body");
        serde_json::from_slice(&bytes).expect("the body decodes")
    }

    async fn get_certificate(&self, id: &str) -> HandCertificate {
        self.get(format!("{}/organization/certificates/{id}", self.base))
            .await
    }

    async fn list(&self, limit: usize) -> HandList {
        self.get(format!(
            "{}/organization/certificates?limit={limit}",
            self.base
        ))
        .await
    }
}

fn ours(base: &str) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(base)
        .max_retries(0)
        .build()
        .expect("a valid configuration")
}

fn metric(name: &str, value: impl std::fmt::Display) {
    println!("bench-metric {name} {value}");
}

/// Allocations per call of `f`, over `n` calls after one warm-up call.
fn allocations_per_call<F: Future>(
    rt: &tokio::runtime::Runtime,
    n: usize,
    mut f: impl FnMut() -> F,
) -> f64 {
    rt.block_on(f());
    let before = ALLOCATIONS.load(Relaxed);
    for _ in 0..n {
        black_box(rt.block_on(f()));
    }
    (ALLOCATIONS.load(Relaxed) - before) as f64 / n as f64
}

/// The median over `rounds` of (time of `k` calls of `a`) / (time of `k` calls of `b`),
/// alternating which goes first, so that load on the machine that comes and goes weighs
/// on both alike.
fn paired_ratio<A: Future, B: Future>(
    rt: &tokio::runtime::Runtime,
    rounds: usize,
    k: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> f64 {
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..k {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut run_a = || {
            black_box(rt.block_on(a()));
        };
        let (ta, tb) = if round % 2 == 0 {
            let ta = time(&mut run_a);
            let tb = time(&mut || {
                black_box(rt.block_on(b()));
            });
            (ta, tb)
        } else {
            let tb = time(&mut || {
                black_box(rt.block_on(b()));
            });
            (time(&mut run_a), tb)
        };
        ratios.push(ta / tb);
    }
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Peak heap bytes, above what was live before, while `f` runs.
fn peak_heap<F: Future>(rt: &tokio::runtime::Runtime, f: F) -> (F::Output, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = rt.block_on(f);
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

fn main() {
    let test_mode = !std::env::args().any(|a| a == "--bench");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");

    // Client overhead: one page of PAGE_SIZE for the list call.
    let base = serve(1);
    let client = ours(&base);
    let hand = Hand::new(&base);
    {
        let mut group = c.benchmark_group("client-overhead/get_certificate");
        group.bench_function("ours", |b| {
            b.iter(|| {
                rt.block_on(client.get_certificate("cert_1").send())
                    .unwrap()
            })
        });
        group.bench_function("reqwest", |b| {
            b.iter(|| rt.block_on(hand.get_certificate("cert_1")))
        });
        group.finish();
        let mut group = c.benchmark_group("client-overhead/list");
        group.bench_function("ours", |b| {
            b.iter(|| {
                rt.block_on(
                    client
                        .list_organization_certificates()
                        .limit(PAGE_SIZE as i64)
                        .send(),
                )
                .unwrap()
            })
        });
        group.bench_function("reqwest", |b| b.iter(|| rt.block_on(hand.list(PAGE_SIZE))));
        group.finish();
    }
    let n = if test_mode { 5 } else { 200 };
    let get_ours = allocations_per_call(&rt, n, || async {
        client.get_certificate("cert_1").send().await.unwrap()
    });
    let get_hand = allocations_per_call(&rt, n, || hand.get_certificate("cert_1"));
    let list_ours = allocations_per_call(&rt, n, || async {
        client
            .list_organization_certificates()
            .limit(PAGE_SIZE as i64)
            .send()
            .await
            .unwrap()
    });
    let list_hand = allocations_per_call(&rt, n, || hand.list(PAGE_SIZE));
    let (rounds, k) = if test_mode { (1, 1) } else { (101, 100) };
    let get_ratio = paired_ratio(
        &rt,
        rounds,
        k,
        || async { client.get_certificate("cert_1").send().await.unwrap() },
        || hand.get_certificate("cert_1"),
    );
    let list_ratio = paired_ratio(
        &rt,
        rounds,
        k,
        || async {
            client
                .list_organization_certificates()
                .limit(PAGE_SIZE as i64)
                .send()
                .await
                .unwrap()
        },
        || hand.list(PAGE_SIZE),
    );
    metric(
        "client-overhead/get_certificate/paired-time-ratio",
        get_ratio,
    );
    metric("client-overhead/get_certificate/paired-rounds", rounds);
    metric("client-overhead/list/paired-time-ratio", list_ratio);
    metric("client-overhead/list/paired-rounds", rounds);
    metric("client-overhead/get_certificate/ours/allocations", get_ours);
    metric(
        "client-overhead/get_certificate/reqwest/allocations",
        get_hand,
    );
    metric("client-overhead/list/ours/allocations", list_ours);
    metric("client-overhead/list/reqwest/allocations", list_hand);

    // Pagination memory: one page held at a time, whatever the number of pages.
    let (page, one_page) = peak_heap(
        &rt,
        client
            .list_organization_certificates()
            .limit(PAGE_SIZE as i64)
            .send(),
    );
    drop(page);
    metric("pagination/one-page/peak-heap-bytes", one_page);
    for pages in [10usize, 100] {
        let base = serve(pages);
        let client = ours(&base);
        let walk = || async {
            let mut stream = client
                .list_organization_certificates()
                .limit(PAGE_SIZE as i64)
                .into_stream();
            let mut count = 0usize;
            while let Some(cert) = stream.try_next().await.unwrap() {
                black_box(&cert);
                count += 1;
            }
            count
        };
        // A first walk opens the connection (and fills reqwest's pool); measure the second.
        rt.block_on(walk());
        let (count, peak) = peak_heap(&rt, walk());
        assert_eq!(count, pages * PAGE_SIZE, "every certificate arrives");
        metric(&format!("pagination/{pages}-pages/items"), count);
        metric(&format!("pagination/{pages}-pages/peak-heap-bytes"), peak);
    }
    c.final_summary();
}
