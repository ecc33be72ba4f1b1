//! The API key never appears in `Debug`, `Display` or error sources, whatever echoes it.

#[path = "support/faults.rs"]
mod faults;

use faults::{KEY, assert_no_key_in_chain, builder, closed_port, ok_certificate};
use generated_client::Error;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The error of a call, checked (with its typed body) before it becomes a plain `Error`.
fn typed<T: std::fmt::Debug, E: std::fmt::Debug + 'static>(
    what: &str,
    result: Result<T, Error<E>>,
) -> Error {
    let err = result.unwrap_err();
    assert_no_key_in_chain(&err, what);
    err.into_untyped()
}

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
        errors.push((what, typed(what, client.get_certificate(id).send().await)));
    }
    errors.push((
        "decode error of a missing field",
        typed(
            "decode error of a missing field",
            client.get_certificate("variant").send().await,
        ),
    ));
    // The JSON body decoded into the operation's error model: the key is not in it.
    let typed_body = client
        .get_certificate("json")
        .send()
        .await
        .unwrap_err()
        .api_error()
        .and_then(|a| a.typed.clone())
        .expect("the error model");
    assert_eq!(typed_body.error.param.as_deref(), Some("[redacted]"));
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
            .unwrap_err()
            .into(),
    ));
    errors.push((
        "invalid input",
        client
            .get_certificate("..")
            .send()
            .await
            .unwrap_err()
            .into(),
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
