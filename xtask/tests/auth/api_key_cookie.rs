//! Runs inside the crate generated from `auth_api_key_cookie.yaml`, with
//! `AUTH_API_KEY_COOKIE_API_KEY` set by `xtask/tests/auth.rs`: the key is read from the
//! API's own variable and sent as the declared cookie only.

use auth_api_key_cookie::ClientBuilder;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_key_from_the_environment_goes_in_its_cookie() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(header("cookie", "SESSION=cookie%20secret-1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = ClientBuilder::from_env()
        .unwrap()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    client.list_things().send().await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(request.headers.get("authorization").is_none());
    assert!(request.url.query().is_none());
}
