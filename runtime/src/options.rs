//! `RequestOptions`: the settings of one call (`.with_options(…)` on any request builder),
//! over the client's.

use std::fmt;
use std::time::Duration;

/// Settings for one call, over the client's: give them to any request builder with
/// `.with_options(RequestOptions::new()…)`.
///
/// ```
/// use apigen_runtime::RequestOptions;
/// use std::time::Duration;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(20))       // each attempt
///     .deadline(Duration::from_secs(60))      // the whole call, retries and waits included
///     .max_retries(5)
///     .header("OpenAI-Organization", "org_abc")
///     .query("debug", "1")
///     .idempotency_key("upload-2024-06-01-prod");
/// # let _ = options;
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) idempotency_key: Option<String>,
}

impl RequestOptions {
    /// No settings: the call uses the client's.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long each attempt may take, from sending to the last byte of the body, instead
    /// of the client's timeout. A timed-out attempt is retried like any other transport
    /// failure (see the crate docs on retries).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long the whole call may take, every attempt and every wait between them
    /// included. When it passes, the call stops where it is (an attempt in flight is
    /// cancelled) and fails with [`Error::Deadline`](crate::Error::Deadline).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// How many times a failed attempt may be retried, instead of the client's setting.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// A header sent with this call, replacing one of the same name that the client sends.
    /// A name or value that cannot be sent fails the call with `Error::InvalidInput`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A query parameter added to this call's URL (after the operation's own), encoded.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The idempotency key of this call, sent in the API's idempotency header
    /// (`Idempotency-Key` when the API declares none) on every attempt. A call with a key
    /// may be re-sent after any transport failure, since the server recognises a repeat;
    /// without one, a `POST` or `PATCH` that may have reached the server is never re-sent.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Header values may be credentials: `Debug` shows their names only, and whether a key is
/// set.
impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "query",
                &self.query.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "idempotency_key",
                &self.idempotency_key.as_ref().map(|_| "[set]"),
            )
            .finish()
    }
}

/// The methods whose repetition has the effect of one call (RFC 9110, 9.2.2): safe to
/// send again after any failure.
pub(crate) fn idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
    ]
    .contains(method)
}

/// A fresh idempotency key: `apigen-<uuid v4>`.
pub(crate) fn new_idempotency_key() -> String {
    format!("apigen-{}", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_values() {
        let options = RequestOptions::new()
            .header("x-api-key", "sk-secret")
            .query("token", "sk-secret")
            .idempotency_key("sk-secret");
        let debug = format!("{options:?}");
        assert!(!debug.contains("sk-secret"), "{debug}");
        assert!(debug.contains("x-api-key"), "{debug}");
    }

    #[test]
    fn keys_are_fresh_uuids() {
        let (a, b) = (new_idempotency_key(), new_idempotency_key());
        assert_ne!(a, b);
        let uuid = a.strip_prefix("apigen-").unwrap();
        assert_eq!(uuid::Uuid::parse_str(uuid).unwrap().get_version_num(), 4);
    }

    #[test]
    fn idempotent_methods() {
        use reqwest::Method;
        for m in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(idempotent(&m), "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!idempotent(&m), "{m}");
        }
    }
}
