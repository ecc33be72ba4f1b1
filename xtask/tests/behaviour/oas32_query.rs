//! The `query` operation goes out with the method `QUERY` and its JSON body.

use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn query_is_sent_with_its_method_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/flights"))
        .and(body_json(json!({"origin": "AMS", "nonstop": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"number": "KL1"}])))
        .expect(1)
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let flights = client
        .flights()
        .query("AMS")
        .nonstop(true)
        .send()
        .await
        .unwrap();
    assert_eq!(flights.len(), 1);
    assert_eq!(flights[0].number, "KL1");
}
