//! Runs inside the crate generated from `auth_security_empty.yaml`: `security: []` on
//! `getHealth` sends no credential; the document's bearer token goes everywhere else.

use auth_security_empty::Client;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn security_empty_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/health"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("tok")
        .build()
        .unwrap();
    client.list_things().send().await.unwrap();
    client.get_health().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers.get("authorization").unwrap(),
        "Bearer tok"
    );
    assert!(requests[1].headers.get("authorization").is_none());
}
