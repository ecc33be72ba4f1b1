//! The server's `Retry-After` and `retry-after-ms` replace the backoff.
//!
//! The tests check the delay the client asks for, recorded by [`Delays`], and that it
//! really waited at least that long; never an upper bound on the elapsed time, which a busy
//! machine can exceed.

#[path = "support/faults.rs"]
mod faults;

use faults::{Delays, builder, error_json, mount_sequence, ok_certificate, received};
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
    let delays = Delays::default();
    let client = builder(&server.uri())
        .retry_sleep(delays.sleep())
        .build()
        .unwrap();
    let started = Instant::now();
    let cert = client.get_certificate("cert_abc").send().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(received(&server).await.len(), 2);
    // One wait, of exactly the server's delay: the backoff alone would be at most 5 ms.
    assert_eq!(delays.asked(), [Duration::from_secs(1)]);
    assert!(
        elapsed >= Duration::from_millis(990),
        "waited only {elapsed:?}"
    );
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
    let delays = Delays::default();
    let client = builder(&server.uri())
        .retry_sleep(delays.sleep())
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_certificate("cert_abc").send().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(received(&server).await.len(), 2);
    assert_eq!(delays.asked(), [Duration::from_millis(250)]);
    assert!(
        elapsed >= Duration::from_millis(245),
        "waited only {elapsed:?}"
    );
}
