//! Helpers shared by the fault tests (`retries.rs`, `retry_after.rs`, `transport_errors.rs`,
//! `responses.rs`, `pagination.rs`, `path_parameters.rs`, `secrets.rs`,
//! `configuration.rs`): a client with the test key and tiny backoff delays, canned
//! responses, a record of the delays a client asks for, a port where nothing listens, a raw
//! HTTP server, and a check that an error never prints the key. Each test file uses a part
//! of it.
#![allow(dead_code)]

use generated_client::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const KEY: &str = "sk-admin-SECRET-123";

/// A client for `base_url` with the test key and tiny backoff delays (1 ms, at most 5 ms).
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
}

/// The delays a client asked to wait between attempts, in order: give [`Delays::sleep`] to
/// the hidden `ClientBuilder::retry_sleep`, then read [`Delays::asked`]. Tests assert these
/// rather than upper bounds on the wall clock, which a busy machine stretches.
#[derive(Clone, Default)]
pub struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    /// A sleep for `ClientBuilder::retry_sleep` that records each delay, then waits it on
    /// tokio's timer as the client's own sleep does.
    pub fn sleep(&self) -> impl Fn(Duration) -> tokio::time::Sleep + Send + Sync + 'static {
        let asked = Arc::clone(&self.0);
        move |delay| {
            asked.lock().unwrap().push(delay);
            tokio::time::sleep(delay)
        }
    }

    /// Every delay asked for so far.
    pub fn asked(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

pub fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().unwrap()
}

pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

pub fn certificate_json(id: &str) -> Value {
    json!({
        "object": "certificate",
        "id": id,
        "name": "My Certificate",
        "created_at": 1_234_567,
        "certificate_details": {"valid_at": 1_234_567, "expires_at": 12_345_678}
    })
}

pub fn ok_certificate(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(certificate_json(id))
}

pub fn error_json(message: &str) -> Value {
    json!({"error": {
        "message": message,
        "type": "invalid_request_error",
        "param": "certificate_id",
        "code": "invalid_value"
    }})
}

/// Mounts `first` for the first `times` requests, then `then` for the rest.
pub async fn mount_sequence(
    server: &MockServer,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(any()).respond_with(then).mount(server).await;
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Asserts that neither the error nor any of its sources print the key, by `Display` or
/// `Debug`.
pub fn assert_no_key_in_chain(err: &(dyn std::error::Error + 'static), what: &str) {
    let mut current = Some(err);
    let mut depth = 0;
    while let Some(e) = current {
        let display = e.to_string();
        let debug = format!("{e:?}");
        assert!(
            !display.contains(KEY),
            "{what}: Display of source #{depth} shows the key: {display}"
        );
        assert!(
            !debug.contains(KEY),
            "{what}: Debug of source #{depth} shows the key: {debug}"
        );
        current = e.source();
        depth += 1;
    }
}

pub fn page(items: Vec<Value>, has_more: bool) -> ResponseTemplate {
    let id = |v: Option<&Value>| v.map(|v| v["id"].clone()).unwrap_or(Value::Null);
    ResponseTemplate::new(200).set_body_json(json!({
        "object": "list",
        "first_id": id(items.first()),
        "last_id": id(items.last()),
        "has_more": has_more,
        "data": items
    }))
}

/// A minimal HTTP/1.1 server on a raw socket: records each request line exactly as it
/// arrived and answers every request with the same bytes.
pub struct RawServer {
    pub base_url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    /// `stall` keeps the connection open after the response instead of closing it.
    pub async fn start(response: impl Into<String>, stall: bool) -> RawServer {
        let response = Arc::new(response.into());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&lines);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = Arc::clone(&seen);
                let response = Arc::clone(&response);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    seen.lock().unwrap().push(line);
                    let _ = socket.write_all(response.as_bytes()).await;
                    if stall {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                });
            }
        });
        RawServer { base_url, lines }
    }

    pub fn request_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

/// What a [`CountingServer`] does with one request (it reads each request whole first).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A complete `200` with this JSON body.
    Ok(String),
    /// Status `200` and headers (`x-request-id: req_cut`) announcing a longer body than
    /// is written, then the connection is closed: the body is cut short.
    CutBody,
    /// `503` with an empty body (a retryable status).
    Unavailable,
    /// The connection is closed without a response, after the request arrived.
    Close,
    /// No response, ever (the connection stays open).
    Hang,
}

/// One request as a [`CountingServer`] received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// `POST /v1/organization/certificates HTTP/1.1`.
    pub line: String,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 server on a raw socket that counts and records every request it receives
/// (read whole, body included, before it replies) and replies to the n-th (from 0) with
/// `reply(n)`: it can cut a body short or close a connection, which wiremock cannot.
pub struct CountingServer {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<tokio::sync::Notify>,
}

impl CountingServer {
    pub async fn start(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> CountingServer {
        let reply = Arc::new(reply);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(tokio::sync::Notify::new());
        let (seen, notify) = (Arc::clone(&received), Arc::clone(&arrived));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (seen, notify, reply) =
                    (Arc::clone(&seen), Arc::clone(&notify), Arc::clone(&reply));
                tokio::spawn(serve_connection(socket, seen, notify, reply));
            }
        });
        CountingServer {
            base_url,
            received,
            arrived,
        }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests have arrived.
    pub async fn wait_for(&self, n: usize) {
        loop {
            let notified = self.arrived.notified();
            if self.received.lock().unwrap().len() >= n {
                return;
            }
            notified.await;
        }
    }
}

async fn serve_connection(
    mut socket: tokio::net::TcpStream,
    seen: Arc<Mutex<Vec<Received>>>,
    notify: Arc<tokio::sync::Notify>,
    reply: Arc<dyn Fn(usize) -> Reply + Send + Sync>,
) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // One request: the head, then `content-length` bytes of body.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.lines();
        let line = lines.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        let index = {
            let mut seen = seen.lock().unwrap();
            seen.push(Received { line, headers });
            seen.len() - 1
        };
        notify.notify_waiters();
        let response = match reply(index) {
            Reply::Ok(body) => format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_ok\r\n\
                 content-length: {}\r\n\r\n{body}",
                body.len()
            ),
            Reply::CutBody => {
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                          x-request-id: req_cut\r\ncontent-length: 500\r\n\r\n{\"object\":",
                    )
                    .await;
                return;
            }
            Reply::Unavailable => {
                "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".to_owned()
            }
            Reply::Close => return,
            Reply::Hang => {
                std::future::pending::<()>().await;
                return;
            }
        };
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}
