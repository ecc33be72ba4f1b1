//! Runs inside the crate generated from `codegen/tests/fixtures/auth_alternatives.yaml`
//! (see `xtask/tests/auth.rs`): each operation sends exactly what its own `security` asks
//! for, and the server accepts a credential only in its declared place.

use auth_alternatives::{Client, Error};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "key-123";
const APP: &str = "app-456";
const BEARER: &str = "bearer-789";

/// The credentials a request carried, wherever they were.
fn carried(request: &Request) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in request.headers.iter() {
        let value = value.to_str().unwrap_or_default();
        if ["x-api-key", "authorization", "cookie"].contains(&name.as_str()) {
            out.push(format!("{name}: {value}"));
        }
    }
    for (name, value) in request.url.query_pairs() {
        out.push(format!("?{name}={value}"));
    }
    out
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    // Only the declared places are accepted; anything else is a 401.
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(header("x-api-key", KEY))
        .and(query_param("app_id", APP))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(header("authorization", format!("Bearer {BEARER}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_first_alternative_whose_credentials_are_all_set_is_sent() {
    let server = server().await;
    // Both schemes of the first alternative (AND): the key in its header, the app id in the
    // query, and not the bearer token though it is set.
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .app_id(APP)
        .bearer(BEARER)
        .max_retries(0)
        .build()
        .unwrap();
    client.list_things().send().await.unwrap();
    // Only the bearer token: the second alternative.
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .max_retries(0)
        .build()
        .unwrap();
    client.list_things().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        carried(&requests[0]),
        [format!("x-api-key: {KEY}"), format!("?app_id={APP}")]
    );
    assert_eq!(
        carried(&requests[1]),
        [format!("authorization: Bearer {BEARER}")]
    );
}

#[tokio::test]
async fn half_an_alternative_is_not_enough() {
    // The key without the app id meets neither alternative of the document's requirement.
    let err = Client::builder().api_key(KEY).build().unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Config { .. }), "{message}");
    assert!(
        message.contains("api_key") && message.contains("app_id") && message.contains("bearer"),
        "{message}"
    );
    assert!(!message.contains(KEY), "{message}");
}

#[tokio::test]
async fn client_credentials_tokens_are_fetched_once_and_sent_as_bearer() {
    let server = MockServer::start().await;
    // The spec's token URL is relative (`/oauth/token`): it is the base URL's.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=my-client"))
        .and(body_string_contains("client_secret=s3cr3t%21"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .oauth_client_credentials("my-client", "s3cr3t!")
        .max_retries(0)
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    client.create_thing().send().await.unwrap();
    client.create_thing().send().await.unwrap();
    // createThing asks for OAuth alone: the bearer scheme's token is not sent with it.
    for request in server.received_requests().await.unwrap() {
        if request.url.path() == "/things" {
            assert_eq!(carried(&request), ["authorization: Bearer tok-1"]);
        }
    }
}

#[tokio::test]
async fn a_token_source_closure_and_other_http_schemes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/a"))
        .and(header("authorization", "Bearer from-closure"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/b"))
        .and(header("authorization", "Digest username=\"u\" response=\"r\""))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .open_id_token_source(|| async { Ok::<_, std::io::Error>("from-closure".to_owned()) })
        .max_retries(0)
        .build()
        .unwrap();
    client.get_thing("a").send().await.unwrap();
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .digest("username=\"u\" response=\"r\"")
        .max_retries(0)
        .build()
        .unwrap();
    client.get_thing("b").send().await.unwrap();

    // A token source that fails: the call fails before anything is sent.
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .open_id_token_source(|| async { Err::<String, _>(std::io::Error::other("vault down")) })
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_thing("c").send().await.unwrap_err();
    assert!(err.to_string().contains("vault down"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn optional_security_sends_a_key_when_there_is_one_and_nothing_otherwise() {
    let server = MockServer::start().await;
    Mock::given(path("/public"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let with_key = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .app_id(APP)
        .build()
        .unwrap();
    with_key.get_public().send().await.unwrap();
    let without = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .build()
        .unwrap();
    without.get_public().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(carried(&requests[0]), [format!("x-api-key: {KEY}")]);
    assert_eq!(carried(&requests[1]), Vec::<String>::new());
}

#[tokio::test]
async fn an_operation_whose_credentials_are_missing_fails_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer(BEARER)
        .build()
        .unwrap();
    let err = client.create_thing().send().await.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
    assert!(err.to_string().contains("oauth"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn no_credential_appears_in_debug_or_errors() {
    let builder = Client::builder()
        .api_key(KEY)
        .app_id(APP)
        .bearer(BEARER)
        .oauth_client_credentials("my-client", "cc-secret");
    let mut shown = vec![format!("{builder:?}")];
    let client = builder.clone().build().unwrap();
    shown.push(format!("{client:?}"));

    // An error body that echoes every credential.
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            format!("<html>{KEY} {APP} {BEARER} rejected</html>"),
            "text/html",
        ))
        .mount(&server)
        .await;
    let err = builder
        .clone()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap()
        .list_things()
        .send()
        .await
        .unwrap_err();
    shown.push(err.to_string());
    shown.push(format!("{err:?}"));
    // A connection error: the query key is in the URL, which errors leave out.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = builder
        .base_url(format!("http://127.0.0.1:{closed}"))
        .max_retries(0)
        .build()
        .unwrap()
        .list_things()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err}");
    shown.push(err.to_string());
    shown.push(format!("{err:?}"));
    for text in shown {
        for secret in [KEY, APP, BEARER, "cc-secret"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}
