//! Contract tests: every operation of the generated client, sent to Prism (the OpenAPI mock
//! server) running over `spec/openapi.yaml`.
//!
//! Prism validates each request against the spec (path, query, headers, security, body) and
//! answers 401 or 422 when it does not match; with `--errors` it also checks its own
//! response against the spec. So a call that succeeds here was accepted by the spec, and
//! its response was decoded by the client's types.
//!
//! Prism is pinned in `tools/prism` and installed by the test itself (`npm ci`) when it is
//! missing; Node.js 20 and npm must be on PATH. Prism starts once, all cases run against it,
//! and every failing case is named in the one failure message, with Prism's log.
//!
//! Known gap: Prism 5.14 does not validate the `include[]` query parameter of
//! `getCertificate` at all. Its CLI percent-encodes the names of query parameters in place
//! (to print example URLs at startup), so its validator then looks for `include%5B%5D` and
//! never finds it: any value is accepted (and a misspelled name would go unnoticed too, as
//! Prism ignores unknown query parameters). The unknown-value check therefore uses `order`,
//! whose name has no brackets; the wire format of `include[]` has to be checked without
//! Prism (stoplightio/prism issues #2017 and #2443).

#[path = "support/prism.rs"]
mod prism;

use futures_util::TryStreamExt;
use generated_client::models::{
    CertificateDeleted, CertificateObject, Include, List, Order, OrganizationCertificateActivation,
    OrganizationCertificateDeactivation, OrganizationCertificateObject,
    OrganizationProjectCertificateActivation, OrganizationProjectCertificateDeactivation,
    OrganizationProjectCertificateObject,
};
use generated_client::{ApiResponse, Client, Error};
use reqwest::StatusCode;
use std::future::Future;
use std::time::{Duration, Instant};

/// The longest one case may take.
const CASE_TIMEOUT: Duration = Duration::from_secs(15);
const API_KEY: &str = "sk-admin-contract-test";
const PROJECT: &str = "proj_abc";
const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUContractTestOnly\n-----END CERTIFICATE-----\n";

type CaseResult = Result<(), String>;

/// Fails the current case with a formatted message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

#[tokio::test]
async fn every_operation_is_accepted_by_prism_and_decoded() {
    let prism = prism::Prism::start().await;
    let base = prism.base_url().to_owned();
    eprintln!("Prism {} is listening on {base}", prism.version());

    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(&base)
        .timeout(Duration::from_secs(10))
        // A rejected request must fail at once, not after backoff.
        .max_retries(0)
        .http_client(raw_http())
        .build()
        .expect("a client for Prism");

    let mut failures: Vec<String> = Vec::new();
    let mut cases = 0;
    let started = Instant::now();
    macro_rules! case {
        ($name:expr, $future:expr) => {
            cases += 1;
            run_case(&mut failures, $name, $future).await;
        };
    }

    // The ten operations, with their optional inputs.
    case!(
        "listOrganizationCertificates without options",
        list_organization_certificates(&client, false)
    );
    case!(
        "listOrganizationCertificates with limit, after and order",
        list_organization_certificates(&client, true)
    );
    case!(
        "listOrganizationCertificates walked with into_stream",
        walk_organization_certificates(&client)
    );
    case!("uploadCertificate with a name", upload_certificate(&client));
    case!(
        "activateOrganizationCertificates",
        activate_organization_certificates(&client)
    );
    case!(
        "deactivateOrganizationCertificates",
        deactivate_organization_certificates(&client)
    );
    case!(
        "getCertificate without include",
        get_certificate(&client, false)
    );
    case!(
        "getCertificate with include[]=content",
        get_certificate(&client, true)
    );
    case!("modifyCertificate with a name", modify_certificate(&client));
    case!("deleteCertificate", delete_certificate(&client));
    case!(
        "listProjectCertificates without options",
        list_project_certificates(&client, false)
    );
    case!(
        "listProjectCertificates with limit, after and order",
        list_project_certificates(&client, true)
    );
    case!(
        "activateProjectCertificates",
        activate_project_certificates(&client)
    );
    case!(
        "deactivateProjectCertificates",
        deactivate_project_certificates(&client)
    );

    // Prism really validates, so the cases above cannot pass vacuously.
    case!(
        "a request without Authorization gets 401",
        missing_authorization_is_401(&base)
    );
    case!(
        "activating 11 certificates (the spec allows 1 to 10) gets 422",
        too_many_ids_is_422(&client)
    );
    case!(
        "activating 0 project certificates gets 422",
        no_ids_is_422(&client)
    );
    case!(
        "an unknown order value gets 422",
        unknown_query_value_is_422(&client)
    );
    case!(
        "an upload body without `certificate` gets 422",
        upload_without_certificate_is_422(&base)
    );

    eprintln!("{cases} cases against Prism took {:.1?}", started.elapsed());
    if !failures.is_empty() {
        panic!(
            "{} of {cases} Prism contract cases failed:\n\n{}\n\n--- Prism log (last lines) ---\n{}",
            failures.len(),
            failures.join("\n\n"),
            prism.log_tail(80)
        );
    }
}

async fn run_case(failures: &mut Vec<String>, name: &str, case: impl Future<Output = CaseResult>) {
    match tokio::time::timeout(CASE_TIMEOUT, case).await {
        Ok(Ok(())) => {}
        Ok(Err(message)) => failures.push(format!("[{name}] {message}")),
        Err(_) => failures.push(format!("[{name}] did not finish within {CASE_TIMEOUT:?}")),
    }
}

/// A plain HTTP client that never goes through a proxy (Prism is on 127.0.0.1).
fn raw_http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// The error of a call that Prism was expected to accept, with what Prism said.
fn call_failed<E>(e: Error<E>) -> String {
    format!(
        "the client returned an error (status {:?}): {e}",
        e.status()
    )
}

/// A 200 without Prism's `sl-violations` header: Prism found nothing wrong with the
/// request or with its own response.
fn accepted<T>(response: &ApiResponse<T>) -> CaseResult {
    ensure!(
        response.status() == StatusCode::OK,
        "expected HTTP 200, got {}",
        response.status()
    );
    if let Some(violations) = response.headers().get("sl-violations") {
        return Err(format!(
            "Prism reported violations: {}",
            String::from_utf8_lossy(violations.as_bytes())
        ));
    }
    Ok(())
}

/// The error of a call that Prism was expected to reject with `status`, mentioning `about`.
fn rejected<T: std::fmt::Debug, E>(
    result: Result<T, Error<E>>,
    status: StatusCode,
    about: &str,
) -> CaseResult {
    let e = match result {
        Ok(value) => {
            return Err(format!(
                "expected HTTP {status}, but the call succeeded with {value:?}"
            ));
        }
        Err(e) => e,
    };
    ensure!(
        e.status() == Some(status),
        "expected HTTP {status}, got status {:?}: {e}",
        e.status()
    );
    let message = e.to_string();
    ensure!(
        message.contains(about),
        "the {status} should be about `{about}`, but the error says: {message}"
    );
    Ok(())
}

async fn list_organization_certificates(client: &Client, options: bool) -> CaseResult {
    let mut request = client.list_organization_certificates();
    if options {
        request = request.limit(5).after("cert_abc").order(Order::Asc);
    }
    let response = request.send_with_meta().await.map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == List::Value,
        "object is {:?}, expected `list`",
        response.object
    );
    ensure!(!response.data.is_empty(), "no certificates: {response:?}");
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationCertificateObject::OrganizationCertificate,
            "an item's object is {:?}: {cert:?}",
            cert.object
        );
        ensure!(!cert.id.is_empty(), "an item has an empty id: {cert:?}");
        ensure!(cert.created_at > 0, "an item has no created_at: {cert:?}");
    }
    ensure!(
        response.first_id.as_deref() == Some(response.data[0].id.as_str()),
        "first_id {:?} is not the first item's id",
        response.first_id
    );
    ensure!(
        response.last_id.as_deref() == response.data.last().map(|c| c.id.as_str()),
        "last_id {:?} is not the last item's id",
        response.last_id
    );
    Ok(())
}

async fn walk_organization_certificates(client: &Client) -> CaseResult {
    // The stream is Unpin: `try_next` works on it as it is.
    let mut stream = client
        .list_organization_certificates()
        .limit(2)
        .order(Order::Desc)
        .into_stream();
    let mut ids = Vec::new();
    while let Some(cert) = stream.try_next().await.map_err(call_failed)? {
        ensure!(ids.len() < 100, "the stream does not end");
        ids.push(cert.id);
    }
    // Prism's example page says `has_more: false`, so the walk ends after one page.
    ensure!(
        ids == ["cert_abc"],
        "expected the example page's one certificate, got {ids:?}"
    );
    Ok(())
}

async fn upload_certificate(client: &Client) -> CaseResult {
    let response = client
        .upload_certificate(PEM)
        .name("Contract test certificate")
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == CertificateObject::Certificate,
        "object is {:?}, expected `certificate`",
        response.object
    );
    ensure!(!response.id.is_empty(), "empty id: {:?}", *response);
    ensure!(response.created_at > 0, "no created_at: {:?}", *response);
    Ok(())
}

async fn activate_organization_certificates(client: &Client) -> CaseResult {
    let response = client
        .activate_organization_certificates(["cert_abc", "cert_def"])
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == OrganizationCertificateActivation::Value,
        "object is {:?}",
        response.object
    );
    ensure!(
        !response.data.is_empty(),
        "no certificates: {:?}",
        *response
    );
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationCertificateObject::OrganizationCertificate
                && !cert.id.is_empty()
                && cert.active,
            "expected an active organization certificate with an id, got {cert:?}"
        );
    }
    Ok(())
}

async fn deactivate_organization_certificates(client: &Client) -> CaseResult {
    let response = client
        .deactivate_organization_certificates(["cert_abc"])
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == OrganizationCertificateDeactivation::Value,
        "object is {:?}",
        response.object
    );
    ensure!(
        !response.data.is_empty(),
        "no certificates: {:?}",
        *response
    );
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationCertificateObject::OrganizationCertificate
                && !cert.id.is_empty()
                && !cert.active,
            "expected an inactive organization certificate with an id, got {cert:?}"
        );
    }
    Ok(())
}

async fn get_certificate(client: &Client, include_content: bool) -> CaseResult {
    let mut request = client.get_certificate("cert_abc");
    if include_content {
        // Sent as `include[]=content`. Prism 5.14 accepts it, but does not validate this
        // parameter (see the module docs).
        request = request.include([Include::Content]);
    }
    let response = request.send_with_meta().await.map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == CertificateObject::Certificate,
        "object is {:?}, expected `certificate`",
        response.object
    );
    ensure!(!response.id.is_empty(), "empty id: {:?}", *response);
    ensure!(
        response.certificate_details.expires_at.is_some(),
        "no certificate_details.expires_at: {:?}",
        *response
    );
    if include_content {
        let content = response.certificate_details.content.as_deref();
        ensure!(
            content.is_some_and(|pem| pem.contains("BEGIN CERTIFICATE")),
            "expected the PEM content, got {content:?}"
        );
    }
    Ok(())
}

async fn modify_certificate(client: &Client) -> CaseResult {
    let response = client
        .modify_certificate("cert_abc")
        .name("Renamed by the contract test")
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == CertificateObject::Certificate,
        "object is {:?}, expected `certificate`",
        response.object
    );
    ensure!(!response.id.is_empty(), "empty id: {:?}", *response);
    ensure!(response.name.is_some(), "no name: {:?}", *response);
    Ok(())
}

async fn delete_certificate(client: &Client) -> CaseResult {
    let response = client
        .delete_certificate("cert_abc")
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == CertificateDeleted::Value,
        "object is {:?}, expected `certificate.deleted`",
        response.object
    );
    ensure!(!response.id.is_empty(), "empty id: {:?}", *response);
    Ok(())
}

async fn list_project_certificates(client: &Client, options: bool) -> CaseResult {
    let mut request = client.list_project_certificates(PROJECT);
    if options {
        request = request.limit(10).after("cert_abc").order(Order::Desc);
    }
    let response = request.send_with_meta().await.map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == List::Value,
        "object is {:?}, expected `list`",
        response.object
    );
    ensure!(
        !response.data.is_empty(),
        "no certificates: {:?}",
        *response
    );
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationProjectCertificateObject::OrganizationProjectCertificate
                && !cert.id.is_empty(),
            "expected a project certificate with an id, got {cert:?}"
        );
    }
    ensure!(
        response.first_id.is_some() && response.last_id.is_some(),
        "first_id / last_id missing: {:?}",
        *response
    );
    Ok(())
}

async fn activate_project_certificates(client: &Client) -> CaseResult {
    let response = client
        .activate_project_certificates(PROJECT, ["cert_abc"])
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == OrganizationProjectCertificateActivation::Value,
        "object is {:?}",
        response.object
    );
    ensure!(
        !response.data.is_empty(),
        "no certificates: {:?}",
        *response
    );
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationProjectCertificateObject::OrganizationProjectCertificate
                && !cert.id.is_empty()
                && cert.active,
            "expected an active project certificate with an id, got {cert:?}"
        );
    }
    Ok(())
}

async fn deactivate_project_certificates(client: &Client) -> CaseResult {
    let response = client
        .deactivate_project_certificates(PROJECT, ["cert_abc", "cert_def"])
        .send_with_meta()
        .await
        .map_err(call_failed)?;
    accepted(&response)?;
    ensure!(
        response.object == OrganizationProjectCertificateDeactivation::Value,
        "object is {:?}",
        response.object
    );
    ensure!(
        !response.data.is_empty(),
        "no certificates: {:?}",
        *response
    );
    for cert in &response.data {
        ensure!(
            cert.object == OrganizationProjectCertificateObject::OrganizationProjectCertificate
                && !cert.id.is_empty()
                && !cert.active,
            "expected an inactive project certificate with an id, got {cert:?}"
        );
    }
    Ok(())
}

async fn missing_authorization_is_401(base: &str) -> CaseResult {
    let http = raw_http();
    let url = format!("{base}/organization/certificates");
    let without = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    let status = without.status();
    let challenge = without
        .headers()
        .get("www-authenticate")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = without.text().await.unwrap_or_default();
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "expected HTTP 401 without Authorization, got {status}: {body}"
    );
    ensure!(
        challenge.as_deref().is_some_and(|c| c.contains("Bearer")),
        "expected a Bearer challenge, got {challenge:?}"
    );
    // The control: the same request with the header is accepted.
    let with = http
        .get(&url)
        .bearer_auth(API_KEY)
        .send()
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    ensure!(
        with.status() == StatusCode::OK,
        "the same request with a bearer token got {}",
        with.status()
    );
    Ok(())
}

async fn too_many_ids_is_422(client: &Client) -> CaseResult {
    let ids: Vec<String> = (1..=11).map(|i| format!("cert_{i:02}")).collect();
    rejected(
        client
            .activate_organization_certificates(ids.clone())
            .send()
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "certificate_ids",
    )
    .map_err(|e| format!("organization: {e}"))?;
    rejected(
        client
            .activate_project_certificates(PROJECT, ids)
            .send()
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "certificate_ids",
    )
    .map_err(|e| format!("project: {e}"))
}

async fn no_ids_is_422(client: &Client) -> CaseResult {
    rejected(
        client
            .activate_project_certificates(PROJECT, Vec::<String>::new())
            .send()
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "certificate_ids",
    )
}

async fn unknown_query_value_is_422(client: &Client) -> CaseResult {
    rejected(
        client
            .list_organization_certificates()
            .order(Order::Other("sideways".into()))
            .send()
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "order",
    )
}

async fn upload_without_certificate_is_422(base: &str) -> CaseResult {
    let response = raw_http()
        .post(format!("{base}/organization/certificates"))
        .bearer_auth(API_KEY)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "name": "no PEM" }).to_string())
        .send()
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "expected HTTP 422, got {status}: {body}"
    );
    ensure!(
        body.contains("certificate"),
        "the 422 should be about `certificate`: {body}"
    );
    Ok(())
}
