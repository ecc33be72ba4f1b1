//! Sequential media types with `itemSchema` come back as streams of typed items.

use futures_util::StreamExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(route: &str, media: &str, body: &'static str) -> (MockServer, api::Client) {
    let server = MockServer::start().await;
    Mock::given(path(route.to_owned()))
        .and(header("accept", media))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, media))
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn server_sent_events_are_event_objects() {
    let (_server, client) = serve(
        "/orders/events",
        "text/event-stream",
        ": hello\nevent: created\nid: 1\ndata: {\"id\": \"o1\",\ndata:  \"total\": 9.5}\n\n\
         event: shipped\ndata: {\"id\": \"o1\", \"total\": 9.5}\n\n",
    )
    .await;
    let events: Vec<_> = client.watch_orders().send().await.unwrap().collect().await;
    assert_eq!(events.len(), 2);
    let first = events[0].as_ref().unwrap();
    assert_eq!(first.event, Some(api::models::WatchOrdersItemEvent::Created));
    assert_eq!(first.id.as_deref(), Some("1"));
    assert_eq!(first.data.id, "o1");
    assert_eq!(first.data.total, 9.5);
    let second = events[1].as_ref().unwrap();
    assert_eq!(second.event, Some(api::models::WatchOrdersItemEvent::Shipped));
    assert_eq!(second.id, None);
}

#[tokio::test]
async fn event_text_stays_text_and_retry_is_a_number() {
    let (_server, client) = serve(
        "/ticker",
        "text/event-stream",
        "retry: 3000\ndata: ACME 12.5\ndata: (delayed)\n\n",
    )
    .await;
    let events: Vec<_> = client.watch_ticker().send().await.unwrap().collect().await;
    let only = events[0].as_ref().unwrap();
    assert_eq!(only.data, "ACME 12.5\n(delayed)");
    assert_eq!(only.retry, Some(3000));
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn event_data_items_stop_at_done_and_a_bad_one_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "data: {\"text\": \"Hel\"}\n\ndata: {\"txt\": 1}\n\ndata: {\"text\": \"lo\", \"finish_reason\": \"stop\"}\n\ndata: [DONE]\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let client = api::Client::builder()
        .base_url(server.uri())
        .build()
        .unwrap();
    let chunks: Vec<_> = client
        .stream_completion("Say hello")
        .send()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(chunks.len(), 3, "{chunks:?}");
    assert_eq!(chunks[0].as_ref().unwrap().text, "Hel");
    assert!(
        matches!(chunks[1], Err(api::Error::Decode { .. })),
        "{:?}",
        chunks[1]
    );
    let last = chunks[2].as_ref().unwrap();
    assert_eq!(last.text, "lo");
    assert_eq!(last.finish_reason.as_deref(), Some("stop"));
}

#[tokio::test]
async fn json_lines_are_split_by_line() {
    let (_server, client) = serve(
        "/exports",
        "application/jsonl",
        "{\"id\": \"a\"}\r\n\n{\"id\": \"b\"}\n{\"id\": \"c\"}",
    )
    .await;
    let ids: Vec<String> = client
        .export_records()
        .send()
        .await
        .unwrap()
        .map(|r| r.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["a", "b", "c"]);
}

#[tokio::test]
async fn a_stream_cut_inside_an_item_ends_with_an_error() {
    let (_server, client) = serve(
        "/logs",
        "application/x-ndjson",
        "{\"level\": \"info\", \"message\": \"up\"}\n{\"level\": \"er",
    )
    .await;
    let lines: Vec<_> = client.tail_logs().send().await.unwrap().collect().await;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].as_ref().unwrap().message, "up");
    let e = lines[1].as_ref().unwrap_err();
    assert!(e.to_string().contains("cut short"), "{e}");
}

#[tokio::test]
async fn json_text_sequences_are_split_by_record_separator() {
    let (_server, client) = serve(
        "/changes",
        "application/json-seq",
        "\u{1e}{\"path\": \"/a\"}\n\u{1e}null\n",
    )
    .await;
    let changes: Vec<_> = client.list_changes().send().await.unwrap().collect().await;
    assert_eq!(changes.len(), 2);
    let first = changes[0].as_ref().unwrap().as_ref().unwrap();
    assert_eq!(first.path.as_deref(), Some("/a"));
    assert!(changes[1].as_ref().unwrap().is_none());
}
