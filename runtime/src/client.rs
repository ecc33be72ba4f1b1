//! `Transport`: what a generated `Client` holds (the settings, built and checked by
//! [`TransportBuilder`](super::builder::TransportBuilder)); clones share them. And
//! `ApiInfo`, what the runtime knows about one API.

use super::BoxFuture;
use super::auth::{Credentials, Requirement, Secrets, SecurityScheme};
use super::options::RequestOptions;
use reqwest::header::HeaderMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What the runtime needs to know about an API, emitted by the generator from the spec.
#[derive(Debug, Clone, Copy)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: &'static str,
    /// The first server URL.
    pub default_base_url: &'static str,
    /// Where `Client::from_env` reads the base URL.
    pub base_url_env: &'static str,
    /// The security schemes (`components.securitySchemes`) that operations use.
    pub schemes: &'static [SecurityScheme],
    /// The distinct security requirements of the operations; the first is that of every
    /// operation [`ApiInfo::operation_security`] does not list, and must be met by the
    /// credentials a client is built with.
    pub security: &'static [Requirement],
    /// The operations whose requirement is not the first: (operationId, index into
    /// [`ApiInfo::security`]), sorted by operationId.
    pub operation_security: &'static [(&'static str, u16)],
    /// How many operations were generated.
    pub operations: usize,
    /// The `User-Agent` every request carries (the generated crate's name and version).
    pub user_agent: &'static str,
    /// The header that carries idempotency keys (such as `Idempotency-Key`), when the API
    /// accepts them: every call of a non-idempotent method (`POST`, `PATCH`) then carries a
    /// fresh key, the same on each of its attempts, and may be retried after any transport
    /// failure.
    pub idempotency_header: Option<&'static str>,
}

/// An API for the runtime's own unit tests.
#[cfg(test)]
pub(crate) static TEST_API: ApiInfo = ApiInfo {
    title: "Test API",
    default_base_url: "https://api.example.com/v1",
    base_url_env: "TEST_BASE_URL",
    schemes: &[SecurityScheme {
        name: "bearerAuth",
        kind: super::auth::SchemeKind::Http { scheme: "Bearer" },
        env: "TEST_API_KEY",
        setter: "api_key",
    }],
    security: &[&[&[0]]],
    operation_security: &[],
    operations: 0,
    user_agent: "apigen-runtime-tests",
    idempotency_header: None,
};

/// A configured connection to an API: what a generated `Client` holds, and what sends its
/// requests. Cheap to clone (clones share one connection pool).
#[derive(Clone)]
pub struct Transport {
    pub(super) inner: Arc<Inner>,
    /// The settings of the calls this copy sends, over the client's (a request builder's
    /// copy, after `.with_options(…)`).
    pub(super) options: Option<Arc<RequestOptions>>,
}

/// What a transport holds, set by `TransportBuilder::build`.
pub(super) struct Inner {
    pub(super) api: &'static ApiInfo,
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    pub(super) host: String,
    /// The credentials, by security scheme.
    pub(super) credentials: Credentials,
    /// The credentials as given, only to scrub them from error messages and excerpts.
    pub(super) secret: Secrets,
    pub(super) headers: HeaderMap,
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) initial_retry_delay: Duration,
    pub(super) max_retry_delay: Duration,
    /// What waits between attempts instead of `tokio::time::sleep`, when set (see
    /// `TransportBuilder::retry_sleep`).
    pub(super) sleep: Option<Sleep>,
}

/// A replacement for `tokio::time::sleep` between attempts.
pub(super) type Sleep = Arc<dyn Fn(Duration) -> BoxFuture<()> + Send + Sync>;

impl Transport {
    /// Writes the client's settings for `Debug`, as the struct `name`, never the key.
    pub fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// What the runtime knows about the API.
    pub fn api(&self) -> &'static ApiInfo {
        self.inner.api
    }

    /// Gives the calls this copy sends `options` (what `.with_options(…)` does to a request
    /// builder's own copy of the client); they replace any given before.
    pub fn set_options(&mut self, options: RequestOptions) {
        self.options = Some(Arc::new(options));
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug("Transport", f)
    }
}
