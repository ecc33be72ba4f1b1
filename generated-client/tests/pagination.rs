//! `into_stream`: every page once, in order, with the cursor; errors and repeated cursors
//! end the stream.

#[path = "support/faults.rs"]
mod faults;

use faults::{client, error_json, page, received};
use futures_util::StreamExt;
use generated_client::models::{Order, OrganizationCertificate};
use serde_json::{Value, json};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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
