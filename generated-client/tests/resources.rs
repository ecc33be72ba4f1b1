//! Resource-grouped calls (`client.organization().certificates().list()`) reach the same
//! endpoints, with the same inputs, as the operationId methods.

use generated_client::Client;
use generated_client::models::Include;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn certificate(object: &str) -> Value {
    json!({
        "object": object, "id": "cert_1", "name": "n", "created_at": 1,
        "certificate_details": {}, "active": true
    })
}

fn list(object: &str) -> Value {
    json!({"object": "list", "data": [certificate(object)], "has_more": false,
           "first_id": "cert_1", "last_id": "cert_1"})
}

/// Runs the calls against a server that answers `body`, and returns `METHOD path?query` and
/// the JSON body of each request, in order.
async fn wire(body: Value, calls: impl AsyncFnOnce(&Client)) -> Vec<(String, Option<Value>)> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("sk-admin-resources")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    calls(&client).await;
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            let body = serde_json::from_slice(&r.body).ok();
            (format!("{} {}{query}", r.method, r.url.path()), body)
        })
        .collect()
}

#[tokio::test]
async fn organization_certificates() {
    let requests = wire(list("organization.certificate"), async |c| {
        let certs = c.organization().certificates();
        certs.list().limit(2).send().await.unwrap();
        c.list_organization_certificates()
            .limit(2)
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(requests[0], requests[1]);
    assert_eq!(requests[0].0, "GET /organization/certificates?limit=2");

    let requests = wire(certificate("certificate"), async |c| {
        let certs = c.organization().certificates();
        certs
            .retrieve("cert_1")
            .include([Include::Content])
            .send()
            .await
            .unwrap();
        c.get_certificate("cert_1")
            .include([Include::Content])
            .send()
            .await
            .unwrap();
        certs.update("cert_1").name("new").send().await.unwrap();
        c.modify_certificate("cert_1")
            .name("new")
            .send()
            .await
            .unwrap();
        certs.create("PEM").name("n").send().await.unwrap();
        c.upload_certificate("PEM").name("n").send().await.unwrap();
    })
    .await;
    assert_eq!(requests.len(), 6);
    for pair in requests.chunks(2) {
        assert_eq!(pair[0], pair[1]);
    }
    assert_eq!(
        requests[0].0,
        "GET /organization/certificates/cert_1?include[]=content"
    );
    assert_eq!(requests[2].0, "POST /organization/certificates/cert_1");
    assert_eq!(requests[2].1, Some(json!({"name": "new"})));
    assert_eq!(requests[4].0, "POST /organization/certificates");

    let requests = wire(
        json!({"object": "certificate.deleted", "id": "cert_1"}),
        async |c| {
            c.organization()
                .certificates()
                .delete("cert_1")
                .send()
                .await
                .unwrap();
            c.delete_certificate("cert_1").send().await.unwrap();
        },
    )
    .await;
    assert_eq!(requests[0], requests[1]);
    assert_eq!(requests[0].0, "DELETE /organization/certificates/cert_1");
}

#[tokio::test]
async fn activation_for_the_organization_and_for_a_project() {
    let activation = json!({"object": "organization.certificate.activation", "data": []});
    let requests = wire(activation, async |c| {
        let certs = c.organization().certificates();
        certs.activate(["cert_1", "cert_2"]).send().await.unwrap();
        c.activate_organization_certificates(["cert_1", "cert_2"])
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(requests[0], requests[1]);
    assert_eq!(requests[0].0, "POST /organization/certificates/activate");
    assert_eq!(
        requests[0].1,
        Some(json!({"certificate_ids": ["cert_1", "cert_2"]}))
    );

    let activation = json!({"object": "organization.project.certificate.activation", "data": []});
    let requests = wire(activation, async |c| {
        // The shortcut and the full path reach the same resource.
        c.project("proj/1")
            .certificates()
            .activate(["cert_1"])
            .send()
            .await
            .unwrap();
        c.organization()
            .project("proj/1")
            .certificates()
            .activate(["cert_1"])
            .send()
            .await
            .unwrap();
        c.activate_project_certificates("proj/1", ["cert_1"])
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| *r == requests[0]));
    assert_eq!(
        requests[0].0,
        "POST /organization/projects/proj%2F1/certificates/activate"
    );

    let requests = wire(list("organization.project.certificate"), async |c| {
        let project = c.project("proj_1");
        project
            .certificates()
            .list()
            .order(generated_client::models::Order::Asc)
            .send()
            .await
            .unwrap();
        c.list_project_certificates("proj_1")
            .order(generated_client::models::Order::Asc)
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(requests[0], requests[1]);
    assert_eq!(
        requests[0].0,
        "GET /organization/projects/proj_1/certificates?order=asc"
    );
}
