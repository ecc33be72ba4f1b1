//! The server's `Retry-After` and `retry-after-ms` replace the backoff.

#[path = "support/faults.rs"]
mod faults;

use faults::{client, error_json, mount_sequence, ok_certificate, received};
use std::time::{Duration, Instant};
use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "1")
            .set_body_json(error_json("Rate limit reached")),
        1,
        ok_certificate("cert_abc"),
    )
    .await;
    let started = Instant::now();
    let cert = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(received(&server).await.len(), 2);
    // The backoff alone would wait at most 5 ms.
    assert!(
        elapsed >= Duration::from_millis(990),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after-ms", "250"),
        1,
        ok_certificate("cert_abc"),
    )
    .await;
    let started = Instant::now();
    client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(received(&server).await.len(), 2);
    assert!(
        elapsed >= Duration::from_millis(245),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(2), "waited {elapsed:?}");
}
