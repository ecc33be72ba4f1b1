//! Every operation of the client, called through the public API against a local mock
//! server: what goes on the wire (method, path, raw query, JSON body, headers) and what comes
//! back decoded (fields and enum variants).

use generated_client::Client;
use generated_client::models::{
    CertificateDeleted, CertificateObject, Include, List, Order, OrganizationCertificateActivation,
    OrganizationCertificateDeactivation, OrganizationCertificateObject,
    OrganizationProjectCertificateActivation, OrganizationProjectCertificateDeactivation,
    OrganizationProjectCertificateObject,
};
use serde_json::{Value, json};
use std::fmt::Debug;
use std::future::{Future, IntoFuture};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "sk-admin-operations-test-key";
const USER_AGENT_PREFIX: &str = concat!("generated-client/", env!("CARGO_PKG_VERSION"));
const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIDeT...\n-----END CERTIFICATE-----";

/// What one call must put on the wire.
struct Wire {
    method: &'static str,
    path: &'static str,
    /// The raw query string, without the `?`.
    query: Option<&'static str>,
    /// The JSON body; `None` means no body and no `Content-Type`.
    body: Option<Value>,
}

/// Starts a mock server that answers any request with `200` and `response`, runs `call` with
/// a client pointed at it, checks that exactly one request arrived and that it matches
/// `wire` (plus the headers every request carries), and returns what the call returned.
async fn exchange<T, E, F, Fut>(wire: Wire, response: Value, call: F) -> T
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<T, generated_client::Error<E>>>,
    T: Debug,
    E: Debug,
{
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(response))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(server.uri())
        .header("OpenAI-Organization", "org_test")
        .max_retries(0)
        .build()
        .expect("a valid configuration");
    let what = format!("{} {}", wire.method, wire.path);
    let output = call(client)
        .await
        .unwrap_or_else(|e| panic!("{what}: the call failed: {e}"));

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(
        requests.len(),
        1,
        "{what}: exactly one request: {requests:?}"
    );
    let request = &requests[0];
    assert_eq!(request.method.as_str(), wire.method, "{what}: method");
    assert_eq!(request.url.path(), wire.path, "{what}: path");
    assert_eq!(request.url.query(), wire.query, "{what}: raw query");

    let header = |name: &str| {
        let values: Vec<&str> = request
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("an ASCII header"))
            .collect();
        assert!(values.len() <= 1, "{what}: one {name} header: {values:?}");
        values.first().map(|v| v.to_string())
    };
    assert_eq!(
        header("authorization").as_deref(),
        Some(format!("Bearer {API_KEY}").as_str()),
        "{what}: Authorization"
    );
    let user_agent = header("user-agent").unwrap_or_default();
    assert!(
        user_agent.starts_with(USER_AGENT_PREFIX),
        "{what}: User-Agent {user_agent:?} names the crate and its version"
    );
    assert_eq!(
        header("openai-organization").as_deref(),
        Some("org_test"),
        "{what}: the header set on the builder"
    );
    match wire.body {
        Some(expected) => {
            assert_eq!(
                header("content-type").as_deref(),
                Some("application/json"),
                "{what}: Content-Type"
            );
            let sent: Value = serde_json::from_slice(&request.body)
                .unwrap_or_else(|e| panic!("{what}: the body is not JSON: {e}"));
            assert_eq!(sent, expected, "{what}: JSON body");
        }
        None => {
            assert_eq!(
                header("content-type"),
                None,
                "{what}: no Content-Type without a body"
            );
            assert!(request.body.is_empty(), "{what}: no body");
        }
    }
    output
}

fn org_cert(id: &str, active: bool) -> Value {
    json!({
        "object": "organization.certificate",
        "id": id,
        "name": format!("Certificate {id}"),
        "active": active,
        "created_at": 1_700_000_000,
        "certificate_details": {"valid_at": 1_700_000_100, "expires_at": 1_800_000_000}
    })
}

fn project_cert(id: &str, active: bool) -> Value {
    json!({
        "object": "organization.project.certificate",
        "id": id,
        "name": null,
        "active": active,
        "created_at": 1_700_000_001,
        "certificate_details": {"valid_at": 1_700_000_101, "expires_at": 1_800_000_001}
    })
}

fn certificate(content: Option<&str>) -> Value {
    let mut details = json!({"valid_at": 1_234_567, "expires_at": 12_345_678});
    if let Some(content) = content {
        details["content"] = json!(content);
    }
    json!({
        "object": "certificate",
        "id": "cert_abc",
        "name": "My Certificate",
        "created_at": 1_234_567,
        "certificate_details": details
    })
}

#[tokio::test]
async fn list_organization_certificates_without_options() {
    let page = exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates",
            query: None,
            body: None,
        },
        json!({
            "object": "list",
            "data": [org_cert("cert_abc", true), org_cert("cert_def", false)],
            "first_id": "cert_abc",
            "last_id": "cert_def",
            "has_more": false
        }),
        |c| c.list_organization_certificates().send(),
    )
    .await;
    assert_eq!(page.object, List::Value);
    assert_eq!(page.first_id.as_deref(), Some("cert_abc"));
    assert_eq!(page.last_id.as_deref(), Some("cert_def"));
    assert!(!page.has_more);
    assert_eq!(page.data.len(), 2);
    let first = &page.data[0];
    assert_eq!(
        first.object,
        OrganizationCertificateObject::OrganizationCertificate
    );
    assert_eq!(first.id, "cert_abc");
    assert_eq!(first.name.as_deref(), Some("Certificate cert_abc"));
    assert!(first.active);
    assert_eq!(first.created_at, 1_700_000_000);
    assert_eq!(first.certificate_details.valid_at, Some(1_700_000_100));
    assert_eq!(first.certificate_details.expires_at, Some(1_800_000_000));
    assert_eq!(page.data[1].id, "cert_def");
    assert!(!page.data[1].active);
}

#[tokio::test]
async fn list_organization_certificates_with_limit_after_and_order() {
    let page = exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates",
            query: Some("limit=5&after=cert_abc&order=asc"),
            body: None,
        },
        json!({
            "object": "list",
            "data": [],
            "first_id": null,
            "last_id": null,
            "has_more": false
        }),
        |c| {
            c.list_organization_certificates()
                .limit(5)
                .after("cert_abc")
                .order(Order::Asc)
                .send()
        },
    )
    .await;
    assert!(page.data.is_empty());
    assert_eq!(page.first_id, None);
    assert_eq!(page.last_id, None);
}

#[tokio::test]
async fn upload_certificate_with_a_name() {
    let cert = exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates",
            query: None,
            body: Some(json!({"name": "My Example Certificate", "certificate": PEM})),
        },
        certificate(None),
        |c| {
            c.upload_certificate(PEM)
                .name("My Example Certificate")
                .send()
        },
    )
    .await;
    assert_eq!(cert.object, CertificateObject::Certificate);
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(cert.name.as_deref(), Some("My Certificate"));
    assert_eq!(cert.created_at, 1_234_567);
    assert_eq!(cert.certificate_details.valid_at, Some(1_234_567));
    assert_eq!(cert.certificate_details.expires_at, Some(12_345_678));
    assert_eq!(cert.certificate_details.content, None);
    assert_eq!(cert.active, None);
}

#[tokio::test]
async fn upload_certificate_without_a_name_omits_it() {
    let cert = exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates",
            query: None,
            body: Some(json!({"certificate": PEM})),
        },
        certificate(None),
        |c| c.upload_certificate(PEM).send(),
    )
    .await;
    assert_eq!(cert.id, "cert_abc");
}

#[tokio::test]
async fn activate_organization_certificates() {
    let result = exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates/activate",
            query: None,
            body: Some(json!({"certificate_ids": ["cert_abc", "cert_def"]})),
        },
        json!({
            "object": "organization.certificate.activation",
            "data": [org_cert("cert_abc", true), org_cert("cert_def", true)]
        }),
        |c| {
            c.activate_organization_certificates(["cert_abc", "cert_def"])
                .send()
        },
    )
    .await;
    assert_eq!(result.object, OrganizationCertificateActivation::Value);
    let ids: Vec<&str> = result.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["cert_abc", "cert_def"]);
    assert!(result.data.iter().all(|c| c.active));
}

#[tokio::test]
async fn deactivate_organization_certificates() {
    let result = exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates/deactivate",
            query: None,
            body: Some(json!({"certificate_ids": ["cert_abc"]})),
        },
        json!({
            "object": "organization.certificate.deactivation",
            "data": [org_cert("cert_abc", false)]
        }),
        |c| {
            c.deactivate_organization_certificates(vec!["cert_abc".to_owned()])
                .send()
        },
    )
    .await;
    assert_eq!(result.object, OrganizationCertificateDeactivation::Value);
    assert_eq!(result.data.len(), 1);
    assert_eq!(result.data[0].id, "cert_abc");
    assert!(!result.data[0].active);
}

#[tokio::test]
async fn get_certificate_without_include() {
    let cert = exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates/cert_abc",
            query: None,
            body: None,
        },
        certificate(None),
        |c| c.get_certificate("cert_abc").send(),
    )
    .await;
    assert_eq!(cert.object, CertificateObject::Certificate);
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(cert.certificate_details.content, None);
}

#[tokio::test]
async fn get_certificate_with_its_content() {
    let cert = exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates/cert_abc",
            query: Some("include[]=content"),
            body: None,
        },
        certificate(Some(PEM)),
        |c| {
            c.get_certificate("cert_abc")
                .include([Include::Content])
                .send()
        },
    )
    .await;
    assert_eq!(cert.certificate_details.content.as_deref(), Some(PEM));
}

#[tokio::test]
async fn get_certificate_repeats_include_per_value_and_encodes_unknown_values() {
    exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates/cert_abc",
            query: Some("include[]=content&include[]=a%26b%3Dc%20d"),
            body: None,
        },
        certificate(Some(PEM)),
        |c| {
            c.get_certificate("cert_abc")
                .include([Include::Content, Include::from("a&b=c d")])
                .send()
        },
    )
    .await;
}

#[tokio::test]
async fn modify_certificate_renames() {
    let cert = exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates/cert_abc",
            query: None,
            body: Some(json!({"name": "Renamed Certificate"})),
        },
        json!({
            "object": "certificate",
            "id": "cert_abc",
            "name": "Renamed Certificate",
            "created_at": 1_234_567,
            "certificate_details": {"valid_at": 1_234_567, "expires_at": 12_345_678}
        }),
        |c| {
            c.modify_certificate("cert_abc")
                .name("Renamed Certificate")
                .send()
        },
    )
    .await;
    assert_eq!(cert.name.as_deref(), Some("Renamed Certificate"));
}

#[tokio::test]
async fn modify_certificate_without_changes_sends_an_empty_object() {
    exchange(
        Wire {
            method: "POST",
            path: "/organization/certificates/cert_abc",
            query: None,
            body: Some(json!({})),
        },
        certificate(None),
        |c| c.modify_certificate("cert_abc").send(),
    )
    .await;
}

#[tokio::test]
async fn delete_certificate_by_awaiting_the_builder() {
    let deleted = exchange(
        Wire {
            method: "DELETE",
            path: "/organization/certificates/cert_abc",
            query: None,
            body: None,
        },
        json!({"object": "certificate.deleted", "id": "cert_abc"}),
        // `IntoFuture`: the builder itself can be awaited.
        |c| c.delete_certificate("cert_abc").into_future(),
    )
    .await;
    assert_eq!(deleted.object, CertificateDeleted::Value);
    assert_eq!(deleted.id, "cert_abc");
}

#[tokio::test]
async fn list_project_certificates_with_limit_after_and_order() {
    let page = exchange(
        Wire {
            method: "GET",
            path: "/organization/projects/proj_abc/certificates",
            query: Some("limit=10&after=cert_000&order=desc"),
            body: None,
        },
        json!({
            "object": "list",
            "data": [project_cert("cert_abc", true)],
            "first_id": "cert_abc",
            "last_id": "cert_abc",
            "has_more": true
        }),
        |c| {
            c.list_project_certificates("proj_abc")
                .limit(10)
                .after("cert_000")
                .order(Order::Desc)
                .send()
        },
    )
    .await;
    assert_eq!(page.object, List::Value);
    assert!(page.has_more);
    assert_eq!(page.last_id.as_deref(), Some("cert_abc"));
    let cert = &page.data[0];
    assert_eq!(
        cert.object,
        OrganizationProjectCertificateObject::OrganizationProjectCertificate
    );
    assert_eq!(cert.id, "cert_abc");
    assert_eq!(cert.name, None, "a null name");
    assert!(cert.active);
    assert_eq!(cert.created_at, 1_700_000_001);
    assert_eq!(cert.certificate_details.expires_at, Some(1_800_000_001));
}

#[tokio::test]
async fn list_project_certificates_without_options() {
    let page = exchange(
        Wire {
            method: "GET",
            path: "/organization/projects/proj_abc/certificates",
            query: None,
            body: None,
        },
        json!({"object": "list", "data": [], "first_id": null, "last_id": null, "has_more": false}),
        |c| c.list_project_certificates("proj_abc").send(),
    )
    .await;
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn activate_project_certificates() {
    let result = exchange(
        Wire {
            method: "POST",
            path: "/organization/projects/proj_abc/certificates/activate",
            query: None,
            body: Some(json!({"certificate_ids": ["cert_abc", "cert_def"]})),
        },
        json!({
            "object": "organization.project.certificate.activation",
            "data": [project_cert("cert_abc", true), project_cert("cert_def", true)]
        }),
        |c| {
            c.activate_project_certificates("proj_abc", ["cert_abc", "cert_def"])
                .send()
        },
    )
    .await;
    assert_eq!(
        result.object,
        OrganizationProjectCertificateActivation::Value
    );
    let ids: Vec<&str> = result.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["cert_abc", "cert_def"]);
    assert!(result.data.iter().all(|c| c.active));
}

#[tokio::test]
async fn deactivate_project_certificates() {
    let result = exchange(
        Wire {
            method: "POST",
            path: "/organization/projects/proj_abc/certificates/deactivate",
            query: None,
            body: Some(json!({"certificate_ids": ["cert_abc"]})),
        },
        json!({
            "object": "organization.project.certificate.deactivation",
            "data": [project_cert("cert_abc", false)]
        }),
        |c| {
            c.deactivate_project_certificates("proj_abc", ["cert_abc"])
                .send()
        },
    )
    .await;
    assert_eq!(
        result.object,
        OrganizationProjectCertificateDeactivation::Value
    );
    assert_eq!(result.data[0].id, "cert_abc");
    assert!(!result.data[0].active);
}

#[tokio::test]
async fn send_with_meta_returns_the_status_headers_and_the_same_data() {
    let meta = exchange(
        Wire {
            method: "GET",
            path: "/organization/certificates/cert_abc",
            query: None,
            body: None,
        },
        certificate(None),
        |c| c.get_certificate("cert_abc").send_with_meta(),
    )
    .await;
    assert_eq!(meta.status().as_u16(), 200);
    assert_eq!(
        meta.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let expected: generated_client::models::Certificate =
        serde_json::from_value(certificate(None)).unwrap();
    assert_eq!(meta.data(), &expected);
    assert_eq!(meta.id, "cert_abc", "derefs to the body");
    assert_eq!(meta.into_inner(), expected);
}
