//! Which failures are retried and which are final: retryable statuses, `x-should-retry`,
//! exhausted retries, and a retried request sent again unchanged.

#[path = "support/faults.rs"]
mod faults;

use faults::{builder, client, error_json, mount_sequence, ok_certificate, received};
use generated_client::Error;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn retryable_statuses_are_retried() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        mount_sequence(
            &server,
            ResponseTemplate::new(status),
            1,
            ok_certificate("cert_abc"),
        )
        .await;
        let result = client(&server).get_certificate("cert_abc").send().await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(received(&server).await.len(), 2, "{status}: one retry");
    }
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = MockServer::start().await;
        mount_sequence(
            &server,
            ResponseTemplate::new(status).set_body_json(error_json("no")),
            1,
            ok_certificate("cert_abc"),
        )
        .await;
        let err = client(&server)
            .get_certificate("cert_abc")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.attempts(), Some(1), "{status}");
        assert!(!err.is_retryable(), "{status}");
        assert_eq!(received(&server).await.len(), 1, "{status}: no retry");
    }
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    // `x-should-retry: true` makes a 400 retried…
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(400).insert_header("x-should-retry", "true"),
        1,
        ok_certificate("cert_abc"),
    )
    .await;
    client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 2);

    // …and `x-should-retry: false` makes a 503 final.
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(503).insert_header("x-should-retry", "false"),
        1,
        ok_certificate("cert_abc"),
    )
    .await;
    let err = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn server_errors_exhaust_the_retries() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-request-id", "req_500")
                .set_body_json(json!({"error": {
                    "message": "The server had an error",
                    "type": "server_error",
                    "param": null,
                    "code": null
                }})),
        )
        .mount(&server)
        .await;
    let err = builder(&server.uri())
        .max_retries(2)
        .build()
        .unwrap()
        .list_organization_certificates()
        .send()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 3, "1 attempt + 2 retries");
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(err.attempts(), Some(3));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.request_id(), Some("req_500"));
    assert!(err.is_retryable());
    let message = err.to_string();
    assert!(message.contains("3 attempts"), "{message}");
    assert!(message.contains("The server had an error"), "{message}");
}

#[tokio::test]
async fn a_retried_request_is_sent_again_unchanged() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        ResponseTemplate::new(502),
        1,
        ok_certificate("cert_abc"),
    )
    .await;
    client(&server)
        .upload_certificate("PEM")
        .name("retried")
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let (first, second) = (&requests[0], &requests[1]);
    assert_eq!(first.method, second.method);
    assert_eq!(first.url, second.url);
    assert_eq!(
        first.body_json::<Value>().unwrap(),
        json!({"name": "retried", "certificate": "PEM"})
    );
    assert_eq!(first.body, second.body);
    for name in ["authorization", "content-type", "user-agent"] {
        assert_eq!(first.headers.get(name), second.headers.get(name), "{name}");
    }
}

#[tokio::test]
async fn a_bad_request_is_not_retried_and_exposes_the_error_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req_400")
                .set_body_json(json!({"error": {
                    "message": "Invalid certificate",
                    "type": "invalid_request_error",
                    "param": "certificate",
                    "code": "invalid_certificate"
                }})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .upload_certificate("not a pem")
        .send()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.attempts(), Some(1));
    assert!(!err.is_retryable());
    let api = err.api_error().expect("an API error");
    assert_eq!(api.operation, "uploadCertificate");
    assert_eq!(api.request_id.as_deref(), Some("req_400"));
    assert_eq!(api.excerpt, None);
    let body = api.body.as_ref().expect("the decoded error body");
    assert_eq!(body.message, "Invalid certificate");
    assert_eq!(body.kind.as_deref(), Some("invalid_request_error"));
    assert_eq!(body.param.as_deref(), Some("certificate"));
    assert_eq!(body.code.as_deref(), Some("invalid_certificate"));
    assert_eq!(api.message(), Some("Invalid certificate"));
    let message = err.to_string();
    for part in [
        "uploadCertificate",
        "400",
        "Invalid certificate",
        "invalid_certificate",
        "1 attempt",
        "req_400",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
}
