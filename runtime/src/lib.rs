//! The runtime of the API clients that `cargo xtask codegen` generates from OpenAPI
//! documents: configuration, the HTTP call with retries and timeouts, errors, parameters,
//! pagination, multipart bodies and the typed mock server. It is spec-independent and
//! compiled once, however many generated clients a program uses; what differs per API (its
//! name, default server, environment variables, authentication) is passed in by the
//! generated code.
//!
//! Users of a generated client meet this crate through the client's own re-exports
//! (`Error`, `Result`, `ApiResponse`, …); they never need to depend on it directly.
//!
//! # For generated code
//!
//! A generated crate calls two macros in its root module:
//!
//! - [`client!`] defines the crate's `Client` (every operation is a method of it, written
//!   by the generator) and `ClientBuilder`, around this crate's transport;
//! - [`mock!`] (feature `mock`) defines its `MockServer` and `Expectation`, to which the
//!   generator adds a typed expectation per operation and a matcher per path parameter.
//!
//! Everything else generated code needs is in [`__private`], which is not part of the
//! supported API: it changes with the generator, in any release.
//!
//! # Features
//!
//! - `rustls` (default): TLS through rustls; `native-tls`: through the platform's library.
//! - `tracing` (default): a span per call and events per attempt and retry, never the key.
//! - `mock`: the typed mock server, on wiremock.
//! - `multipart`: `multipart/form-data` request bodies.
//! - `webhooks`: verifying Standard Webhooks deliveries ([`webhooks::Webhook`]).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod auth;
mod builder;
mod client;
mod decode;
mod error;
mod file;
mod macros;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "multipart")]
mod multipart;
mod pagination;
mod request;
mod retry;
mod transport;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use auth::{BoxError, ClientCredentials, TokenSource};
pub use bytes::Bytes;
pub use error::{ApiError, ApiErrorBody, Error, Result};
pub use file::FileUpload;
pub use futures_core::Stream;
pub use request::ApiResponse;
pub use transport::ByteStream;

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future (what `IntoFuture` on a request builder produces).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What generated code uses and users should not: the transport, requests, decoding,
/// pagination. Not part of the supported API; it changes with the generator.
#[doc(hidden)]
pub mod __private {
    pub use crate::auth::{KeyLocation, Requirement, SchemeKind, SecurityScheme};
    pub use crate::builder::TransportBuilder;
    pub use crate::client::{ApiInfo, Transport};
    pub use crate::decode::{
        DecodeMap, Key, StructVisitor, check_example, deserialize_string_enum, from_value,
        required, tag_index,
    };
    #[cfg(feature = "mock")]
    pub use crate::mock::json_body;
    #[cfg(feature = "multipart")]
    pub use crate::multipart::Multipart;
    pub use crate::pagination::{Page, Paginated, paginate};
    pub use crate::request::{ParamValue, Request, encode_path, json_text, plain_text};
    pub use crate::{ApiResponse, BoxFuture, ByteStream, Bytes, Error, FileUpload, Result, Stream};
    pub use crate::{into_future, string_enum};
    pub use reqwest::{self, Method};
    pub use serde;
    pub use serde_json;
}

/// A random number from the standard library's randomly seeded hasher (for backoff jitter
/// and multipart boundaries; not for secrets).
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    hasher.finish()
}
