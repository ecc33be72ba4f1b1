//! `Client`: the handle every operation is a method of, and the settings it holds (built and
//! checked by [`ClientBuilder`]); clones share them.

use super::builder::ClientBuilder;
use super::{BoxFuture, Result};
use reqwest::header::{HeaderMap, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The API client. Cheap to clone (clones share one connection pool), `Send` and `Sync`.
///
/// Build one with [`Client::from_env`] or [`Client::builder`]; every operation is a method
/// that returns a request builder.
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

/// What a client holds, set by [`ClientBuilder::build`] and read by the transport.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    pub(super) host: String,
    /// `Authorization` value, marked sensitive.
    pub(super) auth: Option<HeaderValue>,
    /// The key itself, only to scrub it from error excerpts.
    pub(super) secret: String,
    pub(super) headers: HeaderMap,
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) initial_retry_delay: Duration,
    pub(super) max_retry_delay: Duration,
    /// What waits between attempts instead of `tokio::time::sleep`, when set (see
    /// [`ClientBuilder::retry_sleep`]).
    pub(super) sleep: Option<Sleep>,
}

/// A replacement for `tokio::time::sleep` between attempts.
pub(super) type Sleep = Arc<dyn Fn(Duration) -> BoxFuture<()> + Send + Sync>;

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client configured from the environment: the API key from `OPENAI_ADMIN_KEY` and the
    /// base URL from `OPENAI_BASE_URL` (default `https://api.openai.com/v1`).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder with the defaults: the spec's server URL, a 10-minute timeout, 2 retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}
