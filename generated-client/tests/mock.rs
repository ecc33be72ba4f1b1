//! The `mock` feature as a user's test would use it: typed expectations per operation,
//! matchers, error responses and call counts, with code that only sees a `Client`.

use generated_client::mock::{MockServer, ResponseTemplate};
use generated_client::models::{
    Certificate, CertificateDetails, CertificateObject, DeleteCertificateResponse,
    ListCertificatesResponse, ModifyCertificateRequest, OrganizationCertificate,
    OrganizationCertificateObject,
};
use generated_client::{Client, Error};

/// Models are `#[non_exhaustive]`: built with `new` (the required fields) or `default()`,
/// then their optional fields set.
fn certificate(id: &str, name: &str) -> Certificate {
    let mut details = CertificateDetails::default();
    details.valid_at = Some(1_700_000_000);
    details.expires_at = Some(1_800_000_000);
    let mut cert = Certificate::new(CertificateObject::Certificate, id, 1_700_000_000, details);
    cert.name = Some(name.into());
    cert
}

/// The kind of function a user wants to test: it only sees a `Client`.
async fn rename_all(client: &Client, prefix: &str) -> generated_client::Result<Vec<String>> {
    use futures_util::TryStreamExt;
    let certificates: Vec<OrganizationCertificate> = client
        .organization()
        .certificates()
        .list()
        .into_stream()
        .try_collect()
        .await?;
    let mut renamed = Vec::new();
    for cert in certificates {
        let name = format!("{prefix}{}", cert.name.unwrap_or_default());
        let updated = client
            .modify_certificate(&cert.id)
            .name(name)
            .send()
            .await?;
        renamed.push(updated.name.unwrap_or_default());
    }
    Ok(renamed)
}

fn listed(id: &str, name: &str) -> OrganizationCertificate {
    let mut cert = OrganizationCertificate::new(id, 1, Default::default(), true);
    cert.name = Some(name.into());
    // The constant `object` is filled in.
    assert_eq!(
        cert.object,
        OrganizationCertificateObject::OrganizationCertificate
    );
    cert
}

#[tokio::test]
async fn typed_expectations_answer_and_count_calls() {
    let mock = MockServer::start().await;
    let list = mock
        .list_organization_certificates()
        .times(1)
        .returns({
            let mut page = ListCertificatesResponse::new(
                [listed("cert_1", "a"), listed("cert_2", "b")],
                false,
            );
            page.first_id = Some("cert_1".into());
            page.last_id = Some("cert_2".into());
            page
        })
        .await;
    let first = mock
        .modify_certificate()
        .certificate_id("cert_1")
        .body(&{
            let mut body = ModifyCertificateRequest::default();
            body.name = Some("prod-a".into());
            body
        })
        .returns(certificate("cert_1", "prod-a"))
        .await;
    let second = mock
        .modify_certificate()
        .certificate_id("cert_2")
        .returns(certificate("cert_2", "prod-b"))
        .await;

    let renamed = rename_all(&mock.client(), "prod-").await.unwrap();

    assert_eq!(renamed, ["prod-a", "prod-b"]);
    assert_eq!(list.calls().await, 1);
    assert_eq!(first.calls().await, 1);
    assert_eq!(second.calls().await, 1);
}

#[tokio::test]
async fn a_matcher_that_does_not_match_leaves_the_request_unanswered() {
    let mock = MockServer::start().await;
    let expectation = mock
        .get_certificate()
        .certificate_id("cert_1")
        .query("include[]", "content")
        .returns(certificate("cert_1", "a"))
        .await;
    let client = mock.client();

    // Without include[]=content the expectation does not match: the server answers 404.
    let error = client.get_certificate("cert_1").send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    // Another id does not match either.
    let error = client
        .get_certificate("cert_2")
        .include([generated_client::models::Include::Content])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(expectation.calls().await, 0);

    let cert = client
        .get_certificate("cert_1")
        .include([generated_client::models::Include::Content])
        .send()
        .await
        .unwrap();
    assert_eq!(cert.id, "cert_1");
    assert_eq!(expectation.calls().await, 1);
    assert_eq!(mock.received_requests().await.len(), 3);
}

#[tokio::test]
async fn path_matchers_compare_encoded_segments() {
    let mock = MockServer::start().await;
    let expectation = mock
        .delete_certificate()
        .certificate_id("a/b?c")
        .returns(DeleteCertificateResponse::new("a/b?c"))
        .await;
    let deleted = mock
        .client()
        .delete_certificate("a/b?c")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.id, "a/b?c");
    assert_eq!(expectation.calls().await, 1);
}

#[tokio::test]
async fn error_responses_become_typed_errors() {
    let mock = MockServer::start().await;
    let _guard = mock
        .activate_project_certificates()
        .project_id("proj_1")
        .returns_error(400, "invalid_request_error", "Too many certificate ids")
        .await;
    let error = mock
        .client()
        .project("proj_1")
        .certificates()
        .activate(["c"; 11])
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status.as_u16(), 400);
    let body = api.body.as_ref().expect("the OpenAI error body");
    assert_eq!(body.message, "Too many certificate ids");
    assert_eq!(body.kind.as_deref(), Some("invalid_request_error"));
}

#[tokio::test]
async fn raw_responses_for_retries_and_request_ids() {
    let mock = MockServer::start().await;
    let _guard = mock
        .get_certificate()
        .respond_with(ResponseTemplate::new(503).insert_header("x-request-id", "req_mock"))
        .await;
    let client = mock
        .client_builder()
        .max_retries(1)
        .initial_retry_delay(std::time::Duration::from_millis(1))
        .build()
        .unwrap();
    let error = client.get_certificate("cert_1").send().await.unwrap_err();
    assert_eq!(error.attempts(), Some(2));
    assert_eq!(error.request_id(), Some("req_mock"));
}

#[tokio::test]
#[should_panic(expected = "Expected range of matching incoming requests: == 1")]
async fn an_unmet_call_count_fails_the_test() {
    let mock = MockServer::start().await;
    let _guard = mock
        .delete_certificate()
        .times(1)
        .returns(DeleteCertificateResponse::new("x"))
        .await;
    // Never called: dropping the guard at the end of the test panics.
}
