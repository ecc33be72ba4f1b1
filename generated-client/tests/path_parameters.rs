//! Path parameters are one encoded segment on the wire; empty and dot segments are
//! refused before anything is sent.

#[path = "support/faults.rs"]
mod faults;

use faults::{RawServer, builder, certificate_json, client, ok_certificate, page, received};
use futures_util::StreamExt;
use generated_client::Error;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn path_parameters_are_one_segment_on_the_wire() {
    let body = certificate_json("cert_abc").to_string();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let server = RawServer::start(response, false).await;
    let client = builder(&server.base_url).max_retries(0).build().unwrap();

    for (id, expected) in [
        (
            "../projects/x",
            "/organization/certificates/..%2Fprojects%2Fx",
        ),
        ("a/b?c#d", "/organization/certificates/a%2Fb%3Fc%23d"),
        ("%2F", "/organization/certificates/%252F"),
        (
            "sp ace/ünï",
            "/organization/certificates/sp%20ace%2F%C3%BCn%C3%AF",
        ),
    ] {
        client.get_certificate(id).send().await.unwrap();
        let line = server.request_lines().pop().unwrap();
        assert_eq!(line, format!("GET {expected} HTTP/1.1"), "{id:?}");
    }
    client.modify_certificate("a/b").send().await.unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "POST /organization/certificates/a%2Fb HTTP/1.1"
    );
    client.delete_certificate("x?y").send().await.unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "DELETE /organization/certificates/x%3Fy HTTP/1.1"
    );
    // The query still follows an encoded path parameter.
    client
        .get_certificate("a/b")
        .include([generated_client::models::Include::Content])
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines().pop().unwrap(),
        "GET /organization/certificates/a%2Fb?include[]=content HTTP/1.1"
    );
}

#[tokio::test]
async fn project_ids_are_one_segment_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(page(vec![], false))
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .list_project_certificates("../../certificates")
        .send()
        .await
        .unwrap();
    client
        .activate_project_certificates("p/q", ["c"])
        .send()
        .await
        .unwrap();
    client
        .deactivate_project_certificates("p#q", ["c"])
        .send()
        .await
        .unwrap();
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/organization/projects/..%2F..%2Fcertificates/certificates",
            "/organization/projects/p%2Fq/certificates/activate",
            "/organization/projects/p%23q/certificates/deactivate",
        ]
    );
}

#[tokio::test]
async fn empty_and_dot_path_parameters_are_refused_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc"))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut errors: Vec<Error> = Vec::new();
    for id in ["", ".", ".."] {
        errors.push(
            client
                .get_certificate(id)
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        errors.push(
            client
                .modify_certificate(id)
                .name("x")
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        errors.push(
            client
                .delete_certificate(id)
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        errors.push(
            client
                .list_project_certificates(id)
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        errors.push(
            client
                .activate_project_certificates(id, ["c"])
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        errors.push(
            client
                .deactivate_project_certificates(id, ["c"])
                .send()
                .await
                .unwrap_err()
                .into_untyped(),
        );
        // Streams refuse as well, with one error.
        let stream = client.list_project_certificates(id).into_stream();
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 1, "{id:?}");
        errors.extend(
            items
                .into_iter()
                .map(|item| item.unwrap_err().into_untyped()),
        );
    }
    for err in &errors {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        assert_eq!(err.attempts(), None);
        assert!(!err.is_retryable());
        let message = err.to_string();
        assert!(
            message.contains("certificate_id") || message.contains("project_id"),
            "names the parameter: {message}"
        );
    }
    assert_eq!(errors.len(), 21);
    assert!(received(&server).await.is_empty(), "nothing was sent");
}
