#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;
mod runtime;

pub use generated::{builders, models, resources};
#[cfg(feature = "webhooks")]
pub use runtime::webhooks;
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
