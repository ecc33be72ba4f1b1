//! A program can act on every error with `generated_client`'s public API alone (no
//! `reqwest`, no matching on variants): what kind it is, the status, the request id, how
//! many attempts were made.

#[path = "support/faults.rs"]
mod faults;

use faults::{CountingServer, Reply, builder, closed_port};
use generated_client::{Client, Error, RequestOptions, StatusCode};
use std::time::Duration;

/// What an application would decide from an error, through the accessors only.
fn classify<E>(e: &Error<E>) -> &'static str {
    if e.status() == Some(StatusCode::NOT_FOUND) {
        "not found"
    } else if e.is_api() {
        "api"
    } else if e.is_deadline() {
        "deadline"
    } else if e.is_body() {
        "cut short"
    } else if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "unreachable"
    } else if e.is_connection() {
        "connection lost"
    } else if e.is_decode() {
        "unexpected body"
    } else if e.is_invalid_input() {
        "bad input"
    } else if e.is_config() {
        "bad configuration"
    } else {
        "other"
    }
}

#[tokio::test]
async fn every_error_can_be_classified_from_the_public_api() {
    let not_found = CountingServer::start(|_| Reply::Ok(String::new())).await;
    // A raw 404 with a request id, from a server of our own.
    let raw = faults::RawServer::start(
        "HTTP/1.1 404 Not Found\r\nx-request-id: req_404\r\ncontent-type: application/json\r\n\
         content-length: 29\r\n\r\n{\"error\":{\"message\":\"gone!\"}}",
        false,
    )
    .await;
    let client = |url: &str| builder(url).max_retries(1).build().unwrap();

    let e = client(&raw.base_url)
        .get_certificate("cert_x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "not found", "{e:?}");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(e.request_id(), Some("req_404"));
    assert_eq!((e.attempts(), e.is_retryable()), (Some(1), false));

    let e = client(&format!("http://127.0.0.1:{}", closed_port()))
        .get_certificate("cert_x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "unreachable", "{e:?}");
    assert_eq!(
        (e.attempts(), e.is_retryable(), e.status()),
        (Some(2), true, None)
    );

    let hang = CountingServer::start(|_| Reply::Hang).await;
    let e = client(&hang.base_url)
        .get_certificate("cert_x")
        .with_options(RequestOptions::new().timeout(Duration::from_millis(50)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "timeout", "{e:?}");
    assert_eq!(e.attempts(), Some(2));
    let e = client(&hang.base_url)
        .get_certificate("cert_x")
        .with_options(RequestOptions::new().deadline(Duration::from_millis(50)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "deadline", "{e:?}");

    let cut = CountingServer::start(|_| Reply::CutBody).await;
    let e = client(&cut.base_url)
        .upload_certificate("pem")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "cut short", "{e:?}");
    assert_eq!(e.status(), Some(StatusCode::OK));

    let closing = CountingServer::start(|_| Reply::Close).await;
    let e = client(&closing.base_url)
        .upload_certificate("pem")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "connection lost", "{e:?}");
    assert_eq!(e.attempts(), Some(1));

    // `Reply::Ok("")`: a 200 with an empty body, which is no certificate.
    let e = client(&not_found.base_url)
        .get_certificate("cert_x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "unexpected body", "{e:?}");
    assert_eq!(e.attempts(), Some(1));

    let e = client(&raw.base_url)
        .get_certificate("")
        .send()
        .await
        .unwrap_err();
    assert_eq!(classify(&e), "bad input", "{e:?}");
    assert_eq!(e.attempts(), None);

    let e = Client::builder()
        .base_url(&raw.base_url)
        .build()
        .unwrap_err();
    assert_eq!(classify(&e), "bad configuration", "{e:?}");
}

/// A whole `404` response with a JSON body.
fn not_found(body: &str) -> String {
    format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The error model an operation declares (`ErrorResponse` for every certificate operation)
/// is decoded into its errors, reachable without naming the type; a body that does not
/// match keeps the raw body and the excerpt.
#[tokio::test]
async fn declared_error_models_are_decoded() {
    let full = faults::RawServer::start(
        not_found(
            r#"{"error":{"message":"No such certificate","type":"invalid_request_error","code":"not_found"}}"#,
        ),
        false,
    )
    .await;
    let e = builder(&full.base_url)
        .build()
        .unwrap()
        .get_certificate("cert_x")
        .send()
        .await
        .unwrap_err();
    let model = e
        .api_error()
        .and_then(|a| a.typed.as_ref())
        .expect("decoded");
    assert_eq!(model.error.r#type, "invalid_request_error");
    assert_eq!(model.error.code.as_deref(), Some("not_found"));
    assert_eq!(model.error.message, "No such certificate");

    // `type` missing: not the model; no panic, the body is still there.
    let partial =
        faults::RawServer::start(not_found(r#"{"error":{"message":"gone!"}}"#), false).await;
    let e = builder(&partial.base_url)
        .build()
        .unwrap()
        .get_certificate("cert_x")
        .send()
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert!(api.typed.is_none(), "{api:?}");
    assert_eq!(api.message(), Some("gone!"));
    let raw: serde_json::Value = api.body_as().unwrap();
    assert_eq!(raw["error"]["message"], "gone!");

    // `?` into the plain `Error` and into `Box<dyn Error>`.
    async fn plain(url: &str) -> generated_client::Result<()> {
        builder(url)
            .build()?
            .get_certificate("cert_x")
            .send()
            .await?;
        Ok(())
    }
    async fn boxed(url: &str) -> Result<(), Box<dyn std::error::Error>> {
        builder(url)
            .build()?
            .get_certificate("cert_x")
            .send()
            .await?;
        Ok(())
    }
    let e = plain(&full.base_url).await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
    let body: serde_json::Value = e.api_error().unwrap().body_as().unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    let e = boxed(&full.base_url).await.unwrap_err();
    assert!(e.to_string().contains("No such certificate"), "{e}");
}
