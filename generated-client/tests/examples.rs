//! Every program in examples/ run as a user would run it, against the crate's own typed
//! mock server: what it prints, what it sent, and how it fails.

use generated_client::mock::{MOCK_API_KEY, MockServer};
use generated_client::models::{
    Certificate, CertificateDetails, CertificateObject, DeleteCertificateResponse, Include,
    ListCertificatesResponse, ListProjectCertificatesResponse, OrganizationCertificate,
    OrganizationCertificateActivationResponse, OrganizationProjectCertificate,
    OrganizationProjectCertificateDeactivationResponse, UploadCertificateRequest,
};
use std::path::PathBuf;
use std::process::{Command, Output};

/// The built example (`cargo test` builds examples before it runs tests; a lone
/// `cargo test --test examples` may not, so build them then).
fn example(name: &str) -> PathBuf {
    let dir = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples");
    let path = dir.join(name);
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--examples", "-p", "generated-client"])
            .status()
            .unwrap();
        assert!(status.success(), "building the examples failed");
    }
    path
}

/// Runs an example with the mock's URL and key in the environment.
async fn run(mock: &MockServer, name: &str, args: &[&str]) -> Output {
    let path = example(name);
    let mut command = Command::new(path);
    command
        .args(args)
        .env("OPENAI_ADMIN_KEY", MOCK_API_KEY)
        .env("OPENAI_BASE_URL", mock.uri());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn certificate(id: &str, name: &str, content: Option<&str>) -> Certificate {
    let mut details = CertificateDetails::default();
    details.valid_at = Some(1_700_000_000);
    details.expires_at = Some(1_800_000_000);
    details.content = content.map(Into::into);
    let mut cert = Certificate::new(CertificateObject::Certificate, id, 1_700_000_000, details);
    cert.name = Some(name.into());
    cert
}

fn org_cert(id: &str, active: bool) -> OrganizationCertificate {
    let mut cert = OrganizationCertificate::new(id, 1, Default::default(), active);
    cert.name = Some(format!("name of {id}"));
    cert
}

fn project_cert(id: &str, active: bool) -> OrganizationProjectCertificate {
    OrganizationProjectCertificate::new(id, 1, Default::default(), active)
}

/// A page of organization certificates, with its first and last ids.
fn org_page(data: Vec<OrganizationCertificate>, has_more: bool) -> ListCertificatesResponse {
    let mut page = ListCertificatesResponse::new(data, has_more);
    page.first_id = page.data.first().map(|c| c.id.clone());
    page.last_id = page.data.last().map(|c| c.id.clone());
    page
}

#[tokio::test]
async fn upload_reads_the_pem_file() {
    let mock = MockServer::start().await;
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let file = std::env::temp_dir().join(format!("example-upload-{}.pem", std::process::id()));
    std::fs::write(&file, pem).unwrap();
    let upload = mock
        .upload_certificate()
        .body(&{
            let mut body = UploadCertificateRequest::new(pem);
            body.name = Some("Production".into());
            body
        })
        .returns(certificate("cert_new", "Production", None))
        .await;
    let output = run(
        &mock,
        "upload_certificate",
        &[file.to_str().unwrap(), "Production"],
    )
    .await;
    let out = stdout(&output);
    assert!(out.contains("uploaded cert_new (Production)"), "{out}");
    assert!(out.contains("1700000000 – 1800000000"), "{out}");
    assert_eq!(upload.calls().await, 1);

    let output = run(&mock, "upload_certificate", &["/nonexistent/cert.pem"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("cannot read /nonexistent/cert.pem"), "{err}");
}

#[tokio::test]
async fn list_follows_every_page() {
    let mock = MockServer::start().await;
    // The second page is asked for with after=cert_2 (and limit=100, like every page).
    // When several expectations match, the one mounted first answers: mount it first.
    let second = mock
        .list_organization_certificates()
        .query("after", "cert_2")
        .returns(org_page(vec![org_cert("cert_3", true)], false))
        .await;
    let _first = mock
        .list_organization_certificates()
        .query("limit", "100")
        .returns(org_page(
            vec![org_cert("cert_1", true), org_cert("cert_2", false)],
            true,
        ))
        .await;
    let out = stdout(&run(&mock, "list_certificates", &[]).await);
    assert_eq!(
        out,
        "cert_1\tname of cert_1\tactive\ncert_2\tname of cert_2\tinactive\n\
         cert_3\tname of cert_3\tactive\n3 certificate(s)\n\
         to go on from here later: --after cert_3\n"
    );
    assert_eq!(second.calls().await, 1);

    // Resuming from a cursor asks for what follows it, and only that.
    let out = stdout(&run(&mock, "list_certificates", &["--after", "cert_2"]).await);
    assert_eq!(
        out,
        "cert_3\tname of cert_3\tactive\n1 certificate(s)\n\
         to go on from here later: --after cert_3\n"
    );
    assert_eq!(second.calls().await, 2);

    let _project = mock
        .list_project_certificates()
        .project_id("proj_1")
        .returns(ListProjectCertificatesResponse::new(
            [project_cert("cert_9", true)],
            false,
        ))
        .await;
    let out = stdout(&run(&mock, "list_certificates", &["--project", "proj_1"]).await);
    assert_eq!(out, "cert_9\tunnamed\tactive\n1 certificate(s)\n");
}

#[tokio::test]
async fn get_asks_for_the_content() {
    let mock = MockServer::start().await;
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    let get = mock
        .get_certificate()
        .certificate_id("cert_1")
        .query("include[]", Include::Content.as_str())
        .returns(certificate("cert_1", "Prod", Some(pem)))
        .await;
    let out = stdout(&run(&mock, "get_certificate", &["cert_1"]).await);
    assert!(out.starts_with("cert_1 (Prod), valid"), "{out}");
    assert!(out.contains(pem), "{out}");
    assert_eq!(get.calls().await, 1);
}

#[tokio::test]
async fn rename_and_delete() {
    let mock = MockServer::start().await;
    let _rename = mock
        .modify_certificate()
        .certificate_id("cert_1")
        .body(&serde_json::json!({"name": "New name"}))
        .returns(certificate("cert_1", "New name", None))
        .await;
    let out = stdout(&run(&mock, "rename_certificate", &["cert_1", "New name"]).await);
    assert_eq!(out, "renamed cert_1 to New name\n");

    let _delete = mock
        .delete_certificate()
        .certificate_id("cert_1")
        .returns(DeleteCertificateResponse::new("cert_1"))
        .await;
    let out = stdout(&run(&mock, "delete_certificate", &["cert_1"]).await);
    assert_eq!(out, "deleted cert_1\n");
}

#[tokio::test]
async fn activate_and_deactivate_for_the_organization_and_a_project() {
    let mock = MockServer::start().await;
    let activate = mock
        .activate_organization_certificates()
        .body(&serde_json::json!({"certificate_ids": ["cert_1", "cert_2"]}))
        .returns(OrganizationCertificateActivationResponse::new([
            org_cert("cert_1", true),
            org_cert("cert_2", true),
        ]))
        .await;
    let out = stdout(
        &run(
            &mock,
            "toggle_certificates",
            &["activate", "cert_1", "cert_2"],
        )
        .await,
    );
    assert_eq!(
        out,
        "cert_1: active for the organization\ncert_2: active for the organization\n"
    );
    assert_eq!(activate.calls().await, 1);

    let deactivate = mock
        .deactivate_project_certificates()
        .project_id("proj_1")
        .returns(OrganizationProjectCertificateDeactivationResponse::new([
            project_cert("cert_1", false),
        ]))
        .await;
    let out = stdout(
        &run(
            &mock,
            "toggle_certificates",
            &["deactivate", "--project", "proj_1", "cert_1"],
        )
        .await,
    );
    assert_eq!(out, "cert_1: inactive for project proj_1\n");
    assert_eq!(deactivate.calls().await, 1);
}

#[tokio::test]
async fn failures_are_one_clear_line_and_a_non_zero_exit() {
    let mock = MockServer::start().await;
    let _missing = mock
        .get_certificate()
        .returns_error(
            404,
            "invalid_request_error",
            "No certificate found with id cert_x",
        )
        .await;
    let output = run(&mock, "get_certificate", &["cert_x"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("404"), "{err}");
    assert!(err.contains("No certificate found with id cert_x"), "{err}");
    assert!(!err.contains(MOCK_API_KEY), "{err}");

    // Wrong arguments: usage, exit 2.
    let output = run(&mock, "toggle_certificates", &["flip", "cert_1"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: toggle_certificates"));

    // No key: a configuration error that says what to set.
    let output = Command::new(example("list_certificates"))
        .env_remove("OPENAI_ADMIN_KEY")
        .env("OPENAI_BASE_URL", mock.uri())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("OPENAI_ADMIN_KEY"), "{err}");
}
