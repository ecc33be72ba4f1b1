//! The `tracing` feature: one span per call with the operation, method, path template,
//! status, request id and duration, an event per attempt and per retry, and never the API
//! key or a body.
#![cfg(feature = "tracing")]

use generated_client::Client;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk-admin-tracing-secret-key";

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Runs `call` with a subscriber that records everything at `TRACE` level, and returns it.
async fn traced(call: impl AsyncFnOnce()) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    call().await;
    captured.text()
}

#[tokio::test]
async fn a_call_is_one_span_with_its_outcome() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "object": "certificate", "id": "cert_1", "name": "secret-body-marker",
        "created_at": 1, "certificate_details": {}
    });
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_trace_1")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let log = traced(async || {
        client.get_certificate("cert_1").send().await.unwrap();
    })
    .await;
    assert!(log.contains("api_request"), "{log}");
    assert!(log.contains("operation=\"getCertificate\""), "{log}");
    assert!(log.contains("method=GET"), "{log}");
    assert!(
        log.contains("path=\"/organization/certificates/{certificate_id}\""),
        "{log}"
    );
    assert!(log.contains("status=200"), "{log}");
    assert!(log.contains("request_id=\"req_trace_1\""), "{log}");
    assert!(log.contains("duration_ms="), "{log}");
    assert!(log.contains("attempt=1"), "{log}");
    assert!(!log.contains(API_KEY), "the key leaked into the log: {log}");
    assert!(
        !log.contains("secret-body-marker"),
        "a body reached the log: {log}"
    );
}

// Real time with a 1 ms backoff: a paused clock would also fire the request timeout while
// the runtime waits for the socket.
#[tokio::test]
async fn retries_and_failures_are_logged_without_the_key() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-request-id", "req_trace_503")
                .set_body_string(format!("upstream echoed {API_KEY}")),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .max_retries(1)
        .initial_retry_delay(std::time::Duration::from_millis(1))
        .build()
        .unwrap();
    let log = traced(async || {
        let error = client.get_certificate("cert_1").send().await.unwrap_err();
        assert_eq!(error.attempts(), Some(2));
    })
    .await;
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("request failed"), "{log}");
    assert!(log.contains("status=503"), "{log}");
    assert!(log.contains("attempts=2"), "{log}");
    assert!(log.contains("request_id=\"req_trace_503\""), "{log}");
    assert!(!log.contains(API_KEY), "the key leaked into the log: {log}");
}
