//! `into_stream` and `into_pages`: every page once, in order, with the cursor; errors and
//! repeated cursors end the stream; a walk resumes from a page's cursor.

#[path = "support/faults.rs"]
mod faults;

use faults::{client, error_json, page, received};
use futures_util::StreamExt;
use generated_client::Page;
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
/// chosen by the `after` parameter, with request ids `req_page1` to `req_page3`; the last
/// page says there are no more.
async fn mount_three_pages(server: &MockServer, list_path: &str, item: fn(&str) -> Value) {
    let pages = [
        (None, vec![item("cert_1"), item("cert_2")], true),
        (Some("cert_2"), vec![item("cert_3"), item("cert_4")], true),
        (Some("cert_4"), vec![item("cert_5")], false),
    ];
    for (i, (after, items, has_more)) in pages.into_iter().enumerate() {
        let answer =
            page(items, has_more).insert_header("x-request-id", format!("req_page{}", i + 1));
        let mock = Mock::given(path(list_path));
        let mock = match after {
            None => mock.and(query_param_is_missing("after")),
            Some(after) => mock.and(query_param("after", after)),
        };
        mock.respond_with(answer).mount(server).await;
    }
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

fn ids(page: &Page<OrganizationCertificate>) -> Vec<String> {
    page.items.iter().map(|c| c.id.clone()).collect()
}

#[tokio::test]
async fn into_pages_yields_each_page_with_has_more_its_cursor_and_request_id() {
    let server = MockServer::start().await;
    mount_three_pages(&server, "/organization/certificates", org_cert).await;
    let pages: Vec<Page<OrganizationCertificate>> = client(&server)
        .organization()
        .certificates()
        .list()
        .limit(2)
        .into_pages()
        .map(Result::unwrap)
        .collect()
        .await;
    let items: Vec<Vec<String>> = pages.iter().map(ids).collect();
    assert_eq!(
        items,
        [
            vec!["cert_1", "cert_2"],
            vec!["cert_3", "cert_4"],
            vec!["cert_5"]
        ]
    );
    let has_more: Vec<bool> = pages.iter().map(|p| p.has_more).collect();
    assert_eq!(has_more, [true, true, false]);
    // The last page has a cursor too: where a later walk picks up what was added since.
    let cursors: Vec<Option<&str>> = pages.iter().map(|p| p.next_cursor.as_deref()).collect();
    assert_eq!(cursors, [Some("cert_2"), Some("cert_4"), Some("cert_5")]);
    let request_ids: Vec<Option<&str>> = pages.iter().map(|p| p.request_id.as_deref()).collect();
    assert_eq!(
        request_ids,
        [Some("req_page1"), Some("req_page2"), Some("req_page3")]
    );
    assert_eq!(
        raw_queries(&received(&server).await),
        ["limit=2", "limit=2&after=cert_2", "limit=2&after=cert_4"]
    );
    // A page is its items.
    let all: Vec<String> = pages.into_iter().flatten().map(|c| c.id).collect();
    assert_eq!(all, ["cert_1", "cert_2", "cert_3", "cert_4", "cert_5"]);
}

#[tokio::test]
async fn a_walk_resumes_from_a_saved_page_cursor() {
    let server = MockServer::start().await;
    let list_path = "/organization/projects/proj_abc/certificates";
    mount_three_pages(&server, list_path, project_cert).await;
    let client = client(&server);
    let certs = client.project("proj_abc").certificates();

    // Take one page and stop, as a process that is interrupted would: the next page is
    // fetched only when asked for.
    let first = {
        let mut pages = certs.list().limit(2).into_pages();
        pages.next().await.unwrap().unwrap()
    };
    assert_eq!(received(&server).await.len(), 1);
    let saved = first
        .next_cursor
        .clone()
        .expect("a page with items has a cursor");
    assert_eq!(saved, "cert_2");

    // Later: start after the saved cursor, page by page or item by item.
    let rest: Vec<String> = certs
        .list()
        .limit(2)
        .after(&saved)
        .into_stream()
        .map(|item| item.unwrap().id)
        .collect()
        .await;
    assert_eq!(rest, ["cert_3", "cert_4", "cert_5"]);
    let pages: Vec<_> = certs
        .list()
        .limit(2)
        .after(saved)
        .into_pages()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].request_id.as_deref(), Some("req_page2"));
    assert_eq!(
        raw_queries(&received(&server).await),
        [
            "limit=2",
            "limit=2&after=cert_2",
            "limit=2&after=cert_4",
            "limit=2&after=cert_2",
            "limit=2&after=cert_4",
        ]
    );
}

#[tokio::test]
async fn into_pages_yields_an_error_once_and_ends() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after"))
        .respond_with(page(vec![org_cert("cert_1")], true))
        .mount(&server)
        .await;
    Mock::given(query_param("after", "cert_1"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req_bad")
                .set_body_json(error_json("Invalid cursor")),
        )
        .mount(&server)
        .await;
    let mut pages = client(&server)
        .list_organization_certificates()
        .into_pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 1);
    assert!(first.has_more);
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.request_id(), Some("req_bad"));
    assert!(pages.next().await.is_none(), "the error ends the stream");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn an_empty_last_page_has_no_cursor() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("after"))
        .respond_with(page(Vec::new(), false))
        .mount(&server)
        .await;
    let pages: Vec<_> = client(&server)
        .list_organization_certificates()
        .into_pages()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty());
    assert!(!pages[0].has_more);
    assert_eq!(pages[0].next_cursor, None);
}
