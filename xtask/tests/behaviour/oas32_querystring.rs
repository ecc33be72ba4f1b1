//! A querystring parameter is the whole query string, written by its media type.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_and_server() -> (MockServer, api::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    (server, client)
}

async fn last_query(server: &MockServer) -> Option<String> {
    let requests = server.received_requests().await.unwrap();
    requests.last().unwrap().url.query().map(str::to_owned)
}

#[tokio::test]
async fn a_form_object_is_the_query_string() {
    let (server, client) = client_and_server().await;
    let mut filter = api::models::SearchFilter::default();
    filter.q = Some("red & blue".into());
    filter.tags = Some(vec!["a".into(), "b".into()]);
    client.search(filter).send().await.unwrap();
    assert_eq!(
        last_query(&server).await.as_deref(),
        Some("q=red%20%26%20blue&tags=a&tags=b")
    );
}

#[tokio::test]
async fn a_string_is_the_query_string_percent_encoded() {
    let (server, client) = client_and_server().await;
    client.list_reports().selector("$.items[0]").send().await.unwrap();
    assert_eq!(last_query(&server).await.as_deref(), Some("%24.items[0]"));
    client.list_reports().send().await.unwrap();
    assert_eq!(last_query(&server).await, None);
}

#[tokio::test]
async fn json_is_the_query_string_as_json_text() {
    let server = MockServer::start().await;
    Mock::given(path("/graph"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let query = api::models::GraphQuery::new(["id"]);
    client.query_graph().query(query).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let query = requests[0].url.query().unwrap();
    let decoded = percent_decode(query);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&decoded).unwrap(),
        serde_json::json!({"select": ["id"]})
    );
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
