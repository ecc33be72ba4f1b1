//! Failures below HTTP: a response or body that takes longer than the timeout, and a
//! connection that is refused; both are retried, then reported.
//!
//! Elapsed time is only ever a lower bound here (a timeout cannot fire early); the delay
//! between attempts is checked as the client asked for it, recorded by [`Delays`].

#[path = "support/faults.rs"]
mod faults;

use faults::{Delays, RawServer, builder, closed_port, ok_certificate, received};
use generated_client::Error;
use std::error::Error as _;
use std::time::{Duration, Instant};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn a_slow_response_times_out_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let delays = Delays::default();
    let started = Instant::now();
    let err = builder(&server.uri())
        .timeout(Duration::from_millis(150))
        .max_retries(1)
        .retry_sleep(delays.sleep())
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        matches!(err, Error::Timeout { timeout, attempts: 2, .. } if timeout == Duration::from_millis(150)),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(2));
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert_eq!(received(&server).await.len(), 2);
    let message = err.to_string();
    assert!(message.contains("2 attempts"), "{message}");
    assert!(message.contains("getCertificate"), "{message}");
    // Between the attempts, one wait of the first backoff (1 ms, less up to a quarter of
    // jitter); the time the attempts took is not measured against an upper bound.
    let asked = delays.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0] >= Duration::from_micros(750) && asked[0] <= Duration::from_millis(1),
        "{asked:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(300),
        "two attempts of 150 ms took only {elapsed:?}"
    );
}

#[tokio::test]
async fn a_stalled_body_times_out() {
    // Headers arrive at once, the body never completes: the timeout covers the body too.
    let server = RawServer::start(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"object\":",
        true,
    )
    .await;
    let err = builder(&server.base_url)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.request_lines().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let base_url = format!("http://127.0.0.1:{}", closed_port());
    let err = builder(&base_url)
        .max_retries(2)
        .build()
        .unwrap()
        .list_organization_certificates()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(3));
    assert!(err.is_retryable());
    assert!(!err.is_timeout());
    assert_eq!(err.status(), None);
    assert!(err.source().is_some(), "the reqwest error is the source");
    let message = err.to_string();
    assert!(message.contains("3 attempts"), "{message}");
    assert!(
        message.contains("listOrganizationCertificates"),
        "{message}"
    );
    let host = base_url.trim_start_matches("http://");
    assert!(message.contains(host), "{host} in {message}");
}
