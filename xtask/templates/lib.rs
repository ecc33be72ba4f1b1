//! {title}: a typed async client, generated from its OpenAPI document.
//!
//! Build a [`Client`] with [`Client::from_env`] or [`Client::builder`]; every operation is a
//! method of it that returns a request builder. Optional inputs are builder methods; finish
//! with `.send().await`. Types live in [`models`]; every call fails with one [`Error`] type.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;
// The runtime serves every spec; the parts a spec does not need (pagination, header
// parameters, discriminated unions, …) stay unused in its crate.
#[allow(dead_code, unused_imports, unused_macros)]
mod runtime;

pub use generated::{builders, models, resources};
pub use runtime::{
    ApiError, ApiErrorBody, ApiResponse, BoxFuture, ByteStream, Bytes, Client, ClientBuilder, Error,
    FileUpload, Result,
};
#[cfg(feature = "webhooks")]
pub use runtime::webhooks;

/// Typed test doubles for code that uses this client (the `mock` feature): a local server
/// with an expectation per operation.
///
/// ```ignore
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
    #[allow(unused_imports)] // A spec without operations has no expectations.
    pub use crate::generated::mock::*;
    pub use crate::runtime::mock::{
        Expectation, MOCK_API_KEY, MockHandle, MockOperation, MockServer,
    };
    /// A raw response for [`Expectation::respond_with`]: any status, headers, delay or body.
    pub use wiremock::ResponseTemplate;
}
