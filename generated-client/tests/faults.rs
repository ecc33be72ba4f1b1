//! How the client behaves when things go wrong or get unusual: retries and `Retry-After`,
//! timeouts, connection errors, undecodable bodies, unknown enum values, pagination, path
//! encoding, secrets in messages, request ids and configuration.

use futures_util::StreamExt;
use generated_client::models::{
    Certificate, CertificateDeleted, CertificateObject, Order, OrganizationCertificate,
    OrganizationCertificateObject,
};
use generated_client::{Client, ClientBuilder, Error};
use serde_json::{Value, json};
use std::error::Error as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-admin-SECRET-123";

/// A client for `base_url` with the test key and tiny backoff delays (1 ms, at most 5 ms).
fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
}

fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().unwrap()
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn certificate_json(id: &str) -> Value {
    json!({
        "object": "certificate",
        "id": id,
        "name": "My Certificate",
        "created_at": 1_234_567,
        "certificate_details": {"valid_at": 1_234_567, "expires_at": 12_345_678}
    })
}

fn ok_certificate(id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(certificate_json(id))
}

fn error_json(message: &str) -> Value {
    json!({"error": {
        "message": message,
        "type": "invalid_request_error",
        "param": "certificate_id",
        "code": "invalid_value"
    }})
}

/// Mounts `first` for the first `times` requests, then `then` for the rest.
async fn mount_sequence(
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
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Asserts that neither the error nor any of its sources print the key, by `Display` or
/// `Debug`.
fn assert_no_key_in_chain(err: &(dyn std::error::Error + 'static), what: &str) {
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

// ---------------------------------------------------------------------------------------
// Retries

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

// ---------------------------------------------------------------------------------------
// Timeouts and connection errors

#[tokio::test]
async fn a_slow_response_times_out_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = builder(&server.uri())
        .timeout(Duration::from_millis(150))
        .max_retries(1)
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
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(2),
        "two attempts of 150 ms took {elapsed:?}"
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

// ---------------------------------------------------------------------------------------
// Bodies that do not decode

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let body = r#"{"object": "certificate", "id": , "name": "x"}"#;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req_bad_json")
                .set_body_raw(body, "application/json"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 1, "no retry");
    let Error::Decode {
        operation,
        status,
        request_id,
        excerpt,
        source,
    } = &err
    else {
        panic!("a decode error: {err:?}");
    };
    assert_eq!(*operation, "getCertificate");
    assert_eq!(status.as_u16(), 200);
    assert_eq!(request_id.as_deref(), Some("req_bad_json"));
    assert_eq!(excerpt, body);
    assert!(source.is_syntax(), "{source}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("req_bad_json"));
    assert_eq!(err.attempts(), None);
    assert!(!err.is_retryable());
    let chained = err
        .source()
        .and_then(|s| s.downcast_ref::<serde_json::Error>())
        .expect("the serde error is the source");
    assert_eq!(chained.line(), 1);
    let message = err.to_string();
    for part in ["200", body, "expected value", "req_bad_json"] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let body = r#"{"object":"certificate","id":"cert_abc","name":"My Cert"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    let Error::Decode {
        status,
        excerpt,
        source,
        ..
    } = &err
    else {
        panic!("a decode error: {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(excerpt, body);
    assert!(source.is_eof(), "{source}");
    let message = err.to_string();
    assert!(message.contains("EOF while parsing"), "{message}");
    assert!(message.contains(body), "{message}");
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "cert_abc"})))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    let Error::Decode { source, .. } = &err else {
        panic!("a decode error: {err:?}");
    };
    assert!(source.is_data(), "{source}");
    assert!(err.to_string().contains("missing field"), "{err}");
}

#[tokio::test]
async fn an_html_502_is_an_api_error_with_an_excerpt() {
    let server = MockServer::start().await;
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "req_html")
                .set_body_raw(html, "text/html"),
        )
        .mount(&server)
        .await;
    let err = builder(&server.uri())
        .max_retries(1)
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(received(&server).await.len(), 2, "a 502 is retried");
    assert!(matches!(err, Error::Api(_)), "not a decode error: {err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.request_id(), Some("req_html"));
    assert_eq!(err.attempts(), Some(2));
    let api = err.api_error().unwrap();
    assert_eq!(api.body, None);
    let excerpt = api.excerpt.as_deref().expect("an excerpt of the HTML");
    assert!(
        excerpt.starts_with("<html> <head><title>502 Bad Gateway</title>"),
        "one line: {excerpt}"
    );
    assert!(!excerpt.contains('\n') && !excerpt.contains('\r'));
    assert_eq!(api.message(), Some(excerpt));
    let message = err.to_string();
    assert!(
        message.contains("<title>502 Bad Gateway</title>"),
        "{message}"
    );
    assert!(message.contains("req_html"), "{message}");
}

// ---------------------------------------------------------------------------------------
// What the models tolerate

#[tokio::test]
async fn unknown_enum_values_and_fields_are_kept_or_ignored() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/organization/certificates/cert_abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "organization.certificate.v2",
            "id": "cert_abc",
            "name": "My Certificate",
            "created_at": 1_234_567,
            "certificate_details": {
                "valid_at": 1, "expires_at": 2, "fingerprint": "AB:CD", "chain": [1, 2]
            },
            "active": true,
            "scopes": ["org", {"project": "proj_abc"}],
            "metadata": {"nested": {"deep": null}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "certificate.deleted.v2",
            "id": "cert_abc",
            "deleted_at": 1_700_000_000
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/organization/certificates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list.v2",
            "data": [{
                "object": "organization.certificate.v2",
                "id": "cert_abc",
                "name": "x",
                "created_at": 1,
                "certificate_details": {},
                "active": false,
                "future": 1
            }],
            "first_id": "cert_abc",
            "last_id": "cert_abc",
            "has_more": false,
            "total": 1
        })))
        .mount(&server)
        .await;
    let client = client(&server);

    let cert = client.get_certificate("cert_abc").send().await.unwrap();
    assert_eq!(
        cert.object,
        CertificateObject::Other("organization.certificate.v2".into())
    );
    assert_eq!(cert.object.as_str(), "organization.certificate.v2");
    assert_eq!(cert.certificate_details.valid_at, Some(1));
    assert_eq!(cert.certificate_details.expires_at, Some(2));
    assert_eq!(cert.active, Some(true));
    // The unknown value survives re-serialization.
    let value = serde_json::to_value(&cert).unwrap();
    assert_eq!(value["object"], "organization.certificate.v2");
    let again: Certificate = serde_json::from_value(value).unwrap();
    assert_eq!(again, cert);
    let text = serde_json::to_string(&cert.object).unwrap();
    assert_eq!(text, r#""organization.certificate.v2""#);

    let deleted = client.delete_certificate("cert_abc").send().await.unwrap();
    assert_eq!(
        deleted.object,
        CertificateDeleted::Other("certificate.deleted.v2".into())
    );
    assert_eq!(
        serde_json::to_value(&deleted).unwrap(),
        json!({"object": "certificate.deleted.v2", "id": "cert_abc"})
    );

    let page = client
        .list_organization_certificates()
        .send()
        .await
        .unwrap();
    assert_eq!(page.object.as_str(), "list.v2");
    assert_eq!(
        page.data[0].object,
        OrganizationCertificateObject::Other("organization.certificate.v2".into())
    );
    let value = serde_json::to_value(&page).unwrap();
    assert_eq!(value["object"], "list.v2");
    assert_eq!(value["data"][0]["object"], "organization.certificate.v2");
}

#[tokio::test]
async fn missing_optional_fields_are_none() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "certificate",
            "id": "cert_abc",
            "created_at": 1_234_567,
            "certificate_details": {}
        })))
        .mount(&server)
        .await;
    let cert = client(&server)
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(cert.object, CertificateObject::Certificate);
    assert_eq!(cert.name, None, "no name");
    assert_eq!(cert.active, None, "no active");
    assert_eq!(cert.certificate_details.valid_at, None);
    assert_eq!(cert.certificate_details.expires_at, None);
    assert_eq!(cert.certificate_details.content, None);
    // Absent options are not sent back as nulls, except the nullable name.
    assert_eq!(
        serde_json::to_value(&cert).unwrap(),
        json!({
            "object": "certificate",
            "id": "cert_abc",
            "name": null,
            "created_at": 1_234_567,
            "certificate_details": {}
        })
    );
}

// ---------------------------------------------------------------------------------------
// Pagination

fn org_cert(id: &str) -> Value {
    json!({
        "object": "organization.certificate",
        "id": id,
        "name": id,
        "active": true,
        "created_at": 1,
        "certificate_details": {}
    })
}

fn project_cert(id: &str) -> Value {
    json!({
        "object": "organization.project.certificate",
        "id": id,
        "name": id,
        "active": false,
        "created_at": 1,
        "certificate_details": {}
    })
}

fn page(items: Vec<Value>, has_more: bool) -> ResponseTemplate {
    let id = |v: Option<&Value>| v.map(|v| v["id"].clone()).unwrap_or(Value::Null);
    ResponseTemplate::new(200).set_body_json(json!({
        "object": "list",
        "first_id": id(items.first()),
        "last_id": id(items.last()),
        "has_more": has_more,
        "data": items
    }))
}

/// Mounts three pages of organization certificates (2 + 2 + 1 items) for `list_path`,
/// chosen by the `after` parameter; the last page says there are no more.
async fn mount_three_pages(server: &MockServer, list_path: &str, item: fn(&str) -> Value) {
    Mock::given(path(list_path))
        .and(query_param_is_missing("after"))
        .respond_with(page(vec![item("cert_1"), item("cert_2")], true))
        .mount(server)
        .await;
    Mock::given(path(list_path))
        .and(query_param("after", "cert_2"))
        .respond_with(page(vec![item("cert_3"), item("cert_4")], true))
        .mount(server)
        .await;
    Mock::given(path(list_path))
        .and(query_param("after", "cert_4"))
        .respond_with(page(vec![item("cert_5")], false))
        .mount(server)
        .await;
}

fn raw_queries(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn into_stream_walks_every_page_once_in_order() {
    let server = MockServer::start().await;
    mount_three_pages(&server, "/organization/certificates", org_cert).await;
    let stream = client(&server)
        .list_organization_certificates()
        .limit(2)
        .order(Order::Asc)
        .into_stream();
    let mut stream = std::pin::pin!(stream);
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        let cert: OrganizationCertificate = item.unwrap();
        ids.push(cert.id);
    }
    assert_eq!(ids, ["cert_1", "cert_2", "cert_3", "cert_4", "cert_5"]);
    // `limit` and `order` go with every page; `after` follows `last_id`; no fourth request.
    assert_eq!(
        raw_queries(&received(&server).await),
        [
            "limit=2&order=asc",
            "limit=2&after=cert_2&order=asc",
            "limit=2&after=cert_4&order=asc",
        ]
    );
}

#[tokio::test]
async fn project_certificates_stream_from_a_starting_cursor() {
    let server = MockServer::start().await;
    let list_path = "/organization/projects/proj_abc/certificates";
    Mock::given(path(list_path))
        .and(query_param("after", "cert_0"))
        .respond_with(page(
            vec![project_cert("cert_1"), project_cert("cert_2")],
            true,
        ))
        .mount(&server)
        .await;
    Mock::given(path(list_path))
        .and(query_param("after", "cert_2"))
        .respond_with(page(vec![project_cert("cert_3")], false))
        .mount(&server)
        .await;
    let stream = client(&server)
        .list_project_certificates("proj_abc")
        .after("cert_0")
        .limit(2)
        .order(Order::Desc)
        .into_stream();
    let mut stream = std::pin::pin!(stream);
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        let cert = item.unwrap();
        assert!(!cert.active);
        ids.push(cert.id);
    }
    assert_eq!(ids, ["cert_1", "cert_2", "cert_3"]);
    let requests = received(&server).await;
    assert!(requests.iter().all(|r| r.url.path() == list_path));
    assert_eq!(
        raw_queries(&requests),
        [
            "limit=2&after=cert_0&order=desc",
            "limit=2&after=cert_2&order=desc",
        ]
    );
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after"))
        .respond_with(page(vec![org_cert("cert_1"), org_cert("cert_2")], true))
        .mount(&server)
        .await;
    Mock::given(query_param("after", "cert_2"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req_page2")
                .set_body_json(error_json("Invalid cursor")),
        )
        .mount(&server)
        .await;
    let stream = client(&server)
        .list_organization_certificates()
        .limit(2)
        .into_stream();
    let mut stream = std::pin::pin!(stream);
    assert_eq!(stream.next().await.unwrap().unwrap().id, "cert_1");
    assert_eq!(stream.next().await.unwrap().unwrap().id, "cert_2");
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.request_id(), Some("req_page2"));
    assert!(stream.next().await.is_none(), "the error ends the stream");
    assert_eq!(
        raw_queries(&received(&server).await),
        ["limit=2", "limit=2&after=cert_2"]
    );
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    // A server that keeps saying has_more with the same last_id must not loop for ever.
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after"))
        .respond_with(page(vec![org_cert("cert_1")], true))
        .mount(&server)
        .await;
    Mock::given(query_param("after", "cert_1"))
        .respond_with(page(vec![org_cert("cert_1")], true))
        .mount(&server)
        .await;
    let stream = client(&server)
        .list_organization_certificates()
        .into_stream();
    let ids: Vec<String> = stream.map(|item| item.unwrap().id).collect().await;
    assert_eq!(ids, ["cert_1", "cert_1"]);
    assert_eq!(received(&server).await.len(), 2);
}

// ---------------------------------------------------------------------------------------
// Path parameters

/// A minimal HTTP/1.1 server on a raw socket: records each request line exactly as it
/// arrived and answers every request with the same bytes.
struct RawServer {
    base_url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    /// `stall` keeps the connection open after the response instead of closing it.
    async fn start(response: impl Into<String>, stall: bool) -> RawServer {
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

    fn request_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn path_parameters_are_one_segment_on_the_wire() {
    let body = certificate_json("cert_abc").to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let server = RawServer::start(response, false).await;
    let client = builder(&server.base_url).max_retries(0).build().unwrap();

    for (id, expected) in [
        (
            "../projects/x",
            "/organization/certificates/..%2Fprojects%2Fx",
        ),
        ("a/b?c#d", "/organization/certificates/a%2Fb%3Fc%23d"),
        ("%2F", "/organization/certificates/%252F"),
        (
            "sp ace/ünï",
            "/organization/certificates/sp%20ace%2F%C3%BCn%C3%AF",
        ),
    ] {
        client.get_certificate(id).send().await.unwrap();
        let line = server.request_lines().pop().unwrap();
        assert_eq!(line, format!("GET {expected} HTTP/1.1"), "{id:?}");
    }
    client.modify_certificate("a/b").send().await.unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "POST /organization/certificates/a%2Fb HTTP/1.1"
    );
    client.delete_certificate("x?y").send().await.unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "DELETE /organization/certificates/x%3Fy HTTP/1.1"
    );
    // The query still follows an encoded path parameter.
    client
        .get_certificate("a/b")
        .include([generated_client::models::Include::Content])
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "GET /organization/certificates/a%2Fb?include[]=content HTTP/1.1"
    );
}

#[tokio::test]
async fn project_ids_are_one_segment_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(page(vec![], false))
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .list_project_certificates("../../certificates")
        .send()
        .await
        .unwrap();
    client
        .activate_project_certificates("p/q", ["c"])
        .send()
        .await
        .unwrap();
    client
        .deactivate_project_certificates("p#q", ["c"])
        .send()
        .await
        .unwrap();
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/organization/projects/..%2F..%2Fcertificates/certificates",
            "/organization/projects/p%2Fq/certificates/activate",
            "/organization/projects/p%23q/certificates/deactivate",
        ]
    );
}

#[tokio::test]
async fn empty_and_dot_path_parameters_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc"))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut errors = Vec::new();
    for id in ["", ".", ".."] {
        errors.push(client.get_certificate(id).send().await.unwrap_err());
        errors.push(
            client
                .modify_certificate(id)
                .name("x")
                .send()
                .await
                .unwrap_err(),
        );
        errors.push(client.delete_certificate(id).send().await.unwrap_err());
        errors.push(
            client
                .list_project_certificates(id)
                .send()
                .await
                .unwrap_err(),
        );
        errors.push(
            client
                .activate_project_certificates(id, ["c"])
                .send()
                .await
                .unwrap_err(),
        );
        errors.push(
            client
                .deactivate_project_certificates(id, ["c"])
                .send()
                .await
                .unwrap_err(),
        );
        // Streams refuse as well, with one error.
        let stream = client.list_project_certificates(id).into_stream();
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 1, "{id:?}");
        errors.extend(items.into_iter().map(|item| item.unwrap_err()));
    }
    for err in &errors {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        assert_eq!(err.attempts(), None);
        assert!(!err.is_retryable());
        let message = err.to_string();
        assert!(
            message.contains("certificate_id") || message.contains("project_id"),
            "names the parameter: {message}"
        );
    }
    assert_eq!(errors.len(), 21);
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// The API key is never printed

#[tokio::test]
async fn the_api_key_never_appears_in_debug_display_or_sources() {
    let mut errors: Vec<(&str, Error)> = Vec::new();

    let builder_with_key = builder("http://127.0.0.1:9").header("x-admin-key", KEY);
    let debug = format!("{builder_with_key:?}");
    assert!(!debug.contains(KEY), "ClientBuilder: {debug}");
    let client_with_key = builder_with_key.build().unwrap();
    let debug = format!("{client_with_key:?}");
    assert!(!debug.contains(KEY), "Client: {debug}");
    let debug = format!("{:?}", client_with_key.get_certificate("cert_abc"));
    assert!(!debug.contains(KEY), "request builder: {debug}");

    // An API error whose JSON body echoes the key in every field.
    let server = MockServer::start().await;
    Mock::given(path("/organization/certificates/json"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "message": format!("Incorrect API key provided: {KEY}"),
            "type": format!("invalid_key {KEY}"),
            "param": KEY,
            "code": KEY
        }})))
        .mount(&server)
        .await;
    // An API error whose non-JSON body echoes the key.
    Mock::given(path("/organization/certificates/html"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_raw(format!("<html>key {KEY} refused</html>"), "text/html"),
        )
        .mount(&server)
        .await;
    // A success whose body echoes the key where it cannot be decoded.
    Mock::given(path("/organization/certificates/decode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "certificate",
            "id": "cert_abc",
            "name": KEY,
            "created_at": KEY,
            "certificate_details": {}
        })))
        .mount(&server)
        .await;
    // A success whose body echoes the key as an unknown enum value.
    Mock::given(path("/organization/certificates/variant"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": KEY,
            "id": KEY,
        })))
        .mount(&server)
        .await;
    Mock::given(path("/organization/certificates/slow"))
        .respond_with(ok_certificate("cert_abc").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .max_retries(0)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    for (what, id) in [
        ("API error with a JSON body", "json"),
        ("API error with an HTML body", "html"),
        ("decode error", "decode"),
        ("timeout", "slow"),
    ] {
        errors.push((what, client.get_certificate(id).send().await.unwrap_err()));
    }
    errors.push((
        "decode error of a missing field",
        client.get_certificate("variant").send().await.unwrap_err(),
    ));
    assert!(matches!(errors[0].1, Error::Api(_)), "{:?}", errors[0].1);
    assert!(matches!(errors[1].1, Error::Api(_)), "{:?}", errors[1].1);
    assert!(
        matches!(errors[2].1, Error::Decode { .. }),
        "{:?}",
        errors[2].1
    );
    assert!(errors[3].1.is_timeout(), "{:?}", errors[3].1);

    errors.push((
        "connection error",
        builder(&format!("http://127.0.0.1:{}", closed_port()))
            .max_retries(0)
            .build()
            .unwrap()
            .list_organization_certificates()
            .send()
            .await
            .unwrap_err(),
    ));
    errors.push((
        "invalid input",
        client.get_certificate("..").send().await.unwrap_err(),
    ));
    errors.push((
        "key that cannot be a header",
        builder("https://api.openai.com/v1")
            .api_key(format!("{KEY}\n"))
            .build()
            .unwrap_err(),
    ));
    errors.push((
        "http base URL",
        builder("http://example.com/v1").build().unwrap_err(),
    ));
    errors.push((
        "header that cannot be sent",
        builder("https://api.openai.com/v1")
            .header("x-admin-key", format!("{KEY}\r\n"))
            .build()
            .unwrap_err(),
    ));

    for (what, err) in &errors {
        assert_no_key_in_chain(err, what);
        if let Some(api) = err.api_error() {
            let debug = format!("{api:?}");
            assert!(!debug.contains(KEY), "{what}: ApiError: {debug}");
        }
    }
    // Where the key was, the messages say so.
    assert!(
        errors[0].1.to_string().contains("[redacted]"),
        "{}",
        errors[0].1
    );
    assert!(
        errors[1].1.to_string().contains("[redacted]"),
        "{}",
        errors[1].1
    );
}

// ---------------------------------------------------------------------------------------
// Request ids

#[tokio::test]
async fn request_ids_of_successes_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_certificate("cert_abc").insert_header("x-request-id", "req_ok"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req_404")
                .set_body_json(error_json("No such certificate")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409))
        .mount(&server)
        .await;
    let client = client(&server);

    let meta = client
        .get_certificate("cert_abc")
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(meta.request_id(), Some("req_ok"));
    assert_eq!(meta.status().as_u16(), 200);
    assert_eq!(meta.id, "cert_abc");

    let err = client
        .delete_certificate("cert_abc")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req_404"));
    assert!(err.to_string().contains("req_404"), "{err}");

    // No header, no id (and a 409 without a body is retried like the others).
    let err = client
        .modify_certificate("cert_abc")
        .send_with_meta()
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), None);
    assert_eq!(err.attempts(), Some(3));
}

// ---------------------------------------------------------------------------------------
// Configuration

/// Serialises the tests that change the process environment.
static ENV: Mutex<()> = Mutex::new(());

/// Sets (`Some`) or removes (`None`) environment variables, and puts the previous values
/// back when dropped.
struct EnvVars(Vec<(&'static str, Option<String>)>);

impl EnvVars {
    fn set(vars: &[(&'static str, Option<&str>)]) -> EnvVars {
        let saved = vars
            .iter()
            .map(|(name, _)| (*name, std::env::var(name).ok()))
            .collect();
        for (name, value) in vars {
            put_env(name, *value);
        }
        EnvVars(saved)
    }
}

impl Drop for EnvVars {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            put_env(name, value.as_deref());
        }
    }
}

fn put_env(name: &str, value: Option<&str>) {
    // SAFETY: only tests holding the `ENV` lock change the environment, and nothing in this
    // test binary reads it outside Rust's own (locked) `std::env` functions: every other
    // test connects to IP literals, so no resolver consults the environment meanwhile.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(page(vec![], false))
        .mount(&server)
        .await;

    let (unset, blank, bad_url, default_url, configured) = {
        let _lock = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let unset = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", None), ("OPENAI_BASE_URL", None)]);
            Client::from_env()
        };
        let blank = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", Some("   "))]);
            Client::from_env()
        };
        let bad_url = {
            let _env = EnvVars::set(&[
                ("OPENAI_ADMIN_KEY", Some(KEY)),
                ("OPENAI_BASE_URL", Some("http://example.com")),
            ]);
            Client::from_env()
        };
        let default_url = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", Some(KEY)), ("OPENAI_BASE_URL", None)]);
            Client::from_env()
        };
        let configured = {
            let _env = EnvVars::set(&[
                ("OPENAI_ADMIN_KEY", Some(KEY)),
                ("OPENAI_BASE_URL", Some(&server.uri())),
            ]);
            Client::from_env()
        };
        (unset, blank, bad_url, default_url, configured)
    };

    for (what, result) in [("unset", unset), ("blank", blank)] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{what}: {err:?}");
        assert!(
            err.to_string().contains("OPENAI_ADMIN_KEY"),
            "{what}: {err}"
        );
    }
    let err = bad_url.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("https"), "{err}");
    assert!(!err.to_string().contains(KEY), "{err}");
    assert_eq!(default_url.unwrap().base_url(), "https://api.openai.com/v1");

    let client = configured.unwrap();
    assert_eq!(client.base_url(), server.uri());
    client
        .list_organization_certificates()
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
}

#[test]
fn base_url_rules() {
    let build = |url: &str| Client::builder().api_key(KEY).base_url(url).build();
    for bad in [
        "http://example.com",
        "http://example.com/v1",
        "ftp://127.0.0.1/",
        "not a url",
        "https://api.openai.com/v1?x=1",
    ] {
        let err = build(bad).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{bad}: {err:?}");
        assert!(
            err.to_string().starts_with("invalid configuration"),
            "{err}"
        );
    }
    for (good, normalised) in [
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
        ("http://127.0.0.1:4010/v1/", "http://127.0.0.1:4010/v1"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
    ] {
        let client = build(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(client.base_url(), normalised);
    }
    let err = Client::builder().build().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "no key: {err:?}");
    assert!(err.to_string().contains("api_key"), "{err}");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc"))
        .mount(&server)
        .await;
    builder(&format!("{}/v1/", server.uri()))
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        received(&server).await[0].url.path(),
        "/v1/organization/certificates/cert_abc"
    );
}

/// An API whose errors are not OpenAI's `{"error": {…}}` shape: the whole body is there to
/// decode into the spec's own error model, without the key and without showing in `Debug`.
#[tokio::test]
async fn an_error_body_of_another_shape_can_be_decoded_by_the_caller() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct PetstoreError {
        code: i32,
        message: String,
    }
    let server = MockServer::start().await;
    let body = json!({"code": 404, "message": format!("no pet; you sent {KEY}")});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_json(&body))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_certificate("cert_1")
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert!(api.body.is_none(), "not the OpenAI shape");
    let decoded: PetstoreError = api.body_as().unwrap();
    assert_eq!(
        decoded,
        PetstoreError {
            code: 404,
            message: "no pet; you sent [redacted]".into()
        }
    );
    assert!(!String::from_utf8_lossy(api.body_bytes()).contains(KEY));
    let debug = format!("{api:?}");
    assert!(debug.contains("raw: <"), "{debug}");
    assert_eq!(
        debug.matches("no pet").count(),
        1,
        "the body is shown once, as the bounded excerpt: {debug}"
    );
    assert_no_key_in_chain(&err, "a foreign error body");
}
