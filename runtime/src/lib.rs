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
//! # Retries: never a write repeated by accident
//!
//! A failed attempt is retried (up to `max_retries`, with backoff) only when sending the
//! request again cannot repeat its effect:
//!
//! - **Retryable statuses** (408, 409, 429, 5xx, or what the server's `x-should-retry`
//!   says) are retried for every method: the server answered that the call did not
//!   complete. `Retry-After` is honoured.
//! - **A connection that could not be made** (DNS, refused, TLS handshake) is retried for
//!   every method: nothing was sent.
//! - **Other transport failures** (a connection reset after the request was written, an
//!   attempt that timed out, a body cut short after the status arrived) are retried only
//!   for idempotent methods (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `TRACE`) and for
//!   calls that carry an idempotency key. A `POST` or `PATCH` without one is not sent
//!   again: it may have taken effect.
//! - **Once a success status arrived**, a body cut short is [`Error::Body`] (status,
//!   request id, attempts), never "could not reach the API": the call may have taken
//!   effect, check before repeating it.
//!
//! An API that accepts idempotency keys says so with the `x-idempotency-header` extension
//! at the top level of its document (or the generator's `idempotency_header` setting); its
//! client then sends a fresh key (`apigen-<uuid v4>`) with every `POST` and `PATCH` call,
//! the same on each attempt, so those calls are retried like the rest. A caller can give
//! any call its own key with [`RequestOptions::idempotency_key`] (sent in
//! `Idempotency-Key` when the API declares no header).
//!
//! # Typed errors
//!
//! An operation whose error responses (4XX, 5XX, `default`) declare a JSON schema fails
//! with `Error<ThatModel>`: [`ApiError::typed`] holds the body decoded as that model when
//! it matches (the raw body, the excerpt and [`ApiError::body_as`] stay available when it
//! does not). Several schemas make one enum of them (`ProblemOrFault`), shared by the
//! operations that declare the same ones. Operations that declare none fail with the plain
//! `Error` (`Error<NoErrorBody>`). `?` converts any `Error<E>` into the plain `Error` and
//! into `Box<dyn std::error::Error>`; [`Error::into_untyped`] does it by hand.
//!
//! # Per-call options
//!
//! Every request builder has `.with_options(`[`RequestOptions`]`)`: a timeout per attempt,
//! a deadline for the whole call (attempts and waits; [`Error::Deadline`]), the number of
//! retries, extra headers and query parameters, an idempotency key. Dropping the future of
//! a call cancels it: the attempt in flight is abandoned and no other is started.
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
mod options;
mod pagination;
mod request;
mod retry;
mod streams;
mod transport;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use auth::{BoxError, ClientCredentials, TokenSource};
pub use bytes::Bytes;
pub use error::{ApiError, ApiErrorBody, Error, ErrorBody, NoErrorBody, Result};
pub use file::FileUpload;
pub use futures_core::Stream;
pub use options::RequestOptions;
pub use pagination::Page;
pub use request::ApiResponse;
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;
pub use streams::ItemStream;
pub use transport::ByteStream;

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future (what `IntoFuture` on a request builder produces).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What generated code uses and users should not: the transport, requests, decoding,
/// pagination. Not part of the supported API; it changes with the generator.
#[doc(hidden)]
pub mod __private {
    pub use crate::ItemStream;
    pub use crate::Page;
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
    pub use crate::pagination::{PageParts, Paginated, paginate, paginate_pages};
    pub use crate::request::{ParamValue, Request, encode_path, json_text, method, plain_text};
    pub use crate::streams::{Framing, encode_items};
    pub use crate::{ApiResponse, BoxFuture, ByteStream, Bytes, Error, FileUpload, Result, Stream};
    pub use crate::{request_builder, string_enum};
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
