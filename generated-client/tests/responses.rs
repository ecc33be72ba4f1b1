//! What the client makes of what comes back: bodies that do not decode, unknown enum
//! values and fields, error bodies of another shape, and request ids.

#[path = "support/faults.rs"]
mod faults;

use faults::{KEY, assert_no_key_in_chain, builder, client, error_json, ok_certificate, received};
use generated_client::Error;
use generated_client::models::{
    Certificate, CertificateDeleted, CertificateObject, OrganizationCertificateObject,
};
use serde_json::json;
use std::error::Error as _;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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
        attempts,
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
    assert_eq!(*attempts, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.request_id(), Some("req_bad_json"));
    assert_eq!(err.attempts(), Some(1));
    assert!(err.is_decode());
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
