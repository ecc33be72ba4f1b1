//! Runs inside the crate generated from `auth_basic.yaml`: `user:password`, base64-encoded.

use auth_basic::Client;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn basic_credentials_are_base64_encoded() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("user:pass")
        .max_retries(0)
        .build()
        .unwrap();
    client.list_things().send().await.unwrap();
}
