//! Retries never repeat a write by accident: a `POST` that may have reached the server is
//! sent again only with an idempotency key; a connection that was never made, an error
//! status the server marks as retryable, and idempotent methods are retried. Checked
//! against a server that counts what it received ([`CountingServer`]: wiremock cannot cut a
//! body short or drop a connection).

#[path = "support/faults.rs"]
mod faults;

use faults::{CountingServer, Reply, builder, certificate_json, closed_port};
use generated_client::RequestOptions;

const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

fn ok() -> Reply {
    Reply::Ok(certificate_json("cert_abc").to_string())
}

#[tokio::test]
async fn an_upload_whose_body_is_cut_short_is_sent_once() {
    let server = CountingServer::start(|_| Reply::CutBody).await;
    let err = builder(&server.base_url)
        .max_retries(3)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        server.received().len(),
        1,
        "the upload was sent again: {err}"
    );
    assert!(err.is_body(), "{err:?}");
    assert!(!err.is_connection() && !err.is_retryable(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("req_cut"));
    assert_eq!(err.attempts(), Some(1));
    let message = err.to_string();
    for part in [
        "uploadCertificate",
        "answered 200",
        "cut short",
        "may have taken effect",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    assert!(!message.contains("could not reach"), "{message}");
}

#[tokio::test]
async fn a_keyed_upload_is_retried_with_the_same_key() {
    let server = CountingServer::start(|n| if n == 0 { Reply::CutBody } else { ok() }).await;
    let cert = builder(&server.base_url)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .with_options(RequestOptions::new().idempotency_key("upload-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(cert.id, "cert_abc");
    let received = server.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.header("idempotency-key"), Some("upload-1"));
    }
}

#[tokio::test]
async fn an_upload_whose_connection_is_refused_is_retried() {
    let base_url = format!("http://127.0.0.1:{}", closed_port());
    let err = builder(&base_url)
        .max_retries(2)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect() && err.is_connection(), "{err:?}");
    assert_eq!(err.attempts(), Some(3), "{err}");
}

#[tokio::test]
async fn an_upload_whose_connection_drops_after_it_was_sent_is_not_retried() {
    let server = CountingServer::start(|_| Reply::Close).await;
    let err = builder(&server.base_url)
        .max_retries(3)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        server.received().len(),
        1,
        "the upload was sent again: {err}"
    );
    assert!(err.is_connection() && !err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
}

#[tokio::test]
async fn a_keyed_upload_whose_connection_drops_is_retried() {
    let server = CountingServer::start(|n| if n < 2 { Reply::Close } else { ok() }).await;
    builder(&server.base_url)
        .max_retries(3)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .with_options(RequestOptions::new().idempotency_key("upload-2"))
        .send()
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|r| r.header("idempotency-key") == Some("upload-2"))
    );
}

#[tokio::test]
async fn a_retryable_status_is_retried_for_an_upload_too() {
    let server = CountingServer::start(|n| if n == 0 { Reply::Unavailable } else { ok() }).await;
    builder(&server.base_url)
        .build()
        .unwrap()
        .upload_certificate(PEM)
        .send()
        .await
        .unwrap();
    assert_eq!(server.received().len(), 2);
    // Without a key configured anywhere, none is sent.
    assert!(
        server
            .received()
            .iter()
            .all(|r| r.header("idempotency-key").is_none())
    );
}

#[tokio::test]
async fn a_get_whose_connection_drops_is_retried() {
    let server = CountingServer::start(|n| if n == 0 { Reply::Close } else { ok() }).await;
    let cert = builder(&server.base_url)
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_get_whose_body_is_cut_short_is_retried_then_reported() {
    let server = CountingServer::start(|_| Reply::CutBody).await;
    let err = builder(&server.base_url)
        .max_retries(1)
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.received().len(), 2);
    assert!(err.is_body(), "{err:?}");
    assert_eq!(err.attempts(), Some(2));
}
