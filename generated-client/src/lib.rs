//! A typed async client for the certificate endpoints of the OpenAI Admin API.
//!
//! Upload, list, get, rename and delete the mTLS certificates of an OpenAI organization,
//! and activate or deactivate them for the organization or for one project.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use generated_client::{models::Include, Client};
//!
//! # async fn run() -> Result<(), generated_client::Error> {
//! // OPENAI_ADMIN_KEY holds an Admin API key; OPENAI_BASE_URL may override the base URL.
//! let client = Client::from_env()?;
//!
//! // Upload a certificate (PEM text), then rename it.
//! let pem = std::fs::read_to_string("cert.pem").expect("a PEM file");
//! let uploaded = client.upload_certificate(pem).name("Production").send().await?;
//! client.modify_certificate(&uploaded.id).name("Production (2026)").send().await?;
//!
//! // Get it with its PEM content.
//! let cert = client
//!     .get_certificate(&uploaded.id)
//!     .include([Include::Content])
//!     .send()
//!     .await?;
//! println!("{} expires at {:?}", cert.id, cert.certificate_details.expires_at);
//!
//! // Activate it for the organization and for one project.
//! client.activate_organization_certificates([&uploaded.id]).send().await?;
//! client.activate_project_certificates("proj_abc", [&uploaded.id]).send().await?;
//!
//! // Walk every certificate of the organization, page by page.
//! let mut all = client.list_organization_certificates().limit(100).into_stream();
//! while let Some(cert) = all.try_next().await? {
//!     println!("{} active={}", cert.id, cert.active);
//! }
//!
//! // Deactivate and delete it.
//! client.deactivate_project_certificates("proj_abc", [&uploaded.id]).send().await?;
//! client.deactivate_organization_certificates([&uploaded.id]).send().await?;
//! let deleted = client.delete_certificate(&uploaded.id).send().await?;
//! assert_eq!(deleted.id, uploaded.id);
//! # Ok(())
//! # }
//! ```
//!
//! Every call retries connection errors, timeouts, 408, 409, 429 and 5xx responses (twice
//! by default, with exponential backoff that honours `Retry-After`), and fails with one
//! [`Error`] type that carries the status, the request id and the API's error message.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::{builders, models, resources};
pub use runtime::{
    ApiError, ApiErrorBody, ApiResponse, BoxFuture, ByteStream, Bytes, Client, ClientBuilder,
    Error, FileUpload, Result,
};

/// Typed test doubles for code that uses this client (the `mock` feature): a local server
/// with an expectation per operation.
///
/// ```
/// # async fn example() {
/// use generated_client::mock::MockServer;
///
/// let mock = MockServer::start().await;
/// let calls = mock
///     .delete_certificate()
///     .certificate_id("cert_1")
///     .returns(generated_client::models::DeleteCertificateResponse {
///         object: Default::default(),
///         id: "cert_1".into(),
///     })
///     .await;
/// let deleted = mock.client().delete_certificate("cert_1").send().await.unwrap();
/// assert_eq!(deleted.id, "cert_1");
/// assert_eq!(calls.calls().await, 1);
/// # }
/// ```
#[cfg(feature = "mock")]
pub mod mock {
    pub use crate::generated::mock::*;
    pub use crate::runtime::mock::{
        Expectation, MOCK_API_KEY, MockHandle, MockOperation, MockServer,
    };
    /// A raw response for [`Expectation::respond_with`]: any status, headers, delay or body.
    pub use wiremock::ResponseTemplate;
}

/// `check_example`, which the generated `spec_examples` tests call, on this crate's models
/// (the runtime is shared with crates of other specs, so its tests of models live here).
#[cfg(test)]
mod example_tests {
    use crate::models::{Certificate, ToggleCertificatesRequest};
    use crate::runtime::check_example;

    const CERTIFICATE: &str = r#"{"object": "certificate", "id": "cert_1", "name": null,
        "created_at": 1, "certificate_details": {"valid_at": 1, "expires_at": 2}}"#;

    #[test]
    fn a_fitting_example_passes_with_null_for_an_absent_field() {
        check_example::<Certificate>("#/ok", CERTIFICATE);
    }

    #[test]
    #[should_panic(expected = "does not decode into")]
    fn an_example_that_does_not_fit_its_schema_fails() {
        check_example::<Certificate>("#/bad", r#"{"object": "certificate", "id": 7}"#);
    }

    #[test]
    #[should_panic(expected = "does not give the example back")]
    fn a_model_that_loses_data_fails() {
        // `extra` is not in the schema: the model drops it, so the round trip loses data.
        check_example::<ToggleCertificatesRequest>(
            "#/lossy",
            r#"{"certificate_ids": ["cert_1"], "extra": true}"#,
        );
    }
}
