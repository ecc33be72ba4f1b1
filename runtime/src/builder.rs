//! `TransportBuilder`: the settings of a client (credentials, base URL, timeout, retries,
//! headers, the environment), checked once when the client is built. A generated
//! `ClientBuilder` wraps it.

use super::auth::{Credential, Credentials, SchemeKind, Secrets, TokenSource};
use super::client::{ApiInfo, Inner, Sleep, Transport};
use super::retry::{DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_DELAY};
use super::{Error, Result};
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The default timeout of one attempt (the official SDKs use 10 minutes too).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Configures a [`Transport`] for one API. Every setting has a default except the API key.
#[derive(Clone)]
#[must_use]
pub struct TransportBuilder {
    api: &'static ApiInfo,
    /// The credential of each security scheme, by index.
    credentials: Vec<Option<Credential>>,
    base_url: Option<String>,
    timeout: Duration,
    max_retries: u32,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    http: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
    sleep: Option<Sleep>,
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "credentials",
                &self
                    .api
                    .schemes
                    .iter()
                    .zip(&self.credentials)
                    .filter(|(_, c)| c.is_some())
                    .map(|(s, _)| (s.name, "[redacted]"))
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// The defaults: the spec's server URL, a 10-minute timeout, 2 retries, no credentials
    /// yet.
    pub fn new(api: &'static ApiInfo) -> Self {
        TransportBuilder {
            api,
            credentials: vec![None; api.schemes.len()],
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            initial_retry_delay: INITIAL_RETRY_DELAY,
            max_retry_delay: MAX_RETRY_DELAY,
            http: None,
            headers: Vec::new(),
            sleep: None,
        }
    }

    /// The defaults, with each security scheme's credential from its variable (when set;
    /// for an OAuth 2 scheme with a client-credentials flow, also `<VARIABLE>_CLIENT_ID` and
    /// `<VARIABLE>_CLIENT_SECRET`) and the base URL from its variable (when set); other
    /// settings can still be changed. Fails when the credentials that most operations need
    /// are not all there.
    pub fn from_env(api: &'static ApiInfo) -> Result<Self> {
        let mut builder = Self::new(api);
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        for (index, scheme) in api.schemes.iter().enumerate() {
            if scheme.env.is_empty() {
                continue;
            }
            if let Some(secret) = var(scheme.env) {
                builder.credentials[index] = Some(Credential::Secret(secret));
            } else if let SchemeKind::OAuth2 { token_url: Some(_) } = scheme.kind
                && let (Some(client_id), Some(client_secret)) = (
                    var(&format!("{}_CLIENT_ID", scheme.env)),
                    var(&format!("{}_CLIENT_SECRET", scheme.env)),
                )
            {
                builder.credentials[index] = Some(Credential::ClientCredentials {
                    client_id,
                    client_secret,
                });
            }
        }
        if let Some(requirement) = api.security.first()
            && !requirement.is_empty()
            && !requirement.iter().any(|schemes| {
                schemes
                    .iter()
                    .all(|&i| builder.credentials[usize::from(i)].is_some())
            })
        {
            let message = match api.schemes {
                [one] => format!(
                    "the environment variable {} is not set or empty; export your API key in \
                     it, or pass the key with Client::builder().{}(…)",
                    one.env, one.setter
                ),
                _ => format!(
                    "the environment has no credentials for this API: export {}, or pass them \
                     with Client::builder()",
                    requirement
                        .iter()
                        .map(|schemes| schemes
                            .iter()
                            .map(|&i| api.schemes[usize::from(i)].env)
                            .collect::<Vec<_>>()
                            .join(" and "))
                        .collect::<Vec<_>>()
                        .join(", or ")
                ),
            };
            return Err(Error::config(message));
        }
        if let Ok(url) = std::env::var(api.base_url_env) {
            if !url.trim().is_empty() {
                builder.base_url = Some(url.trim().to_owned());
            }
        }
        Ok(builder)
    }

    /// The credential of the security scheme at `index` of the API's schemes: an API key,
    /// a bearer or OAuth 2 access token, `user:password` for Basic, or the credentials of
    /// another HTTP scheme as sent after its name. It is never printed by `Debug`, errors
    /// or logs.
    pub fn credential(mut self, index: usize, secret: impl Into<String>) -> Self {
        if let Some(slot) = self.credentials.get_mut(index) {
            *slot = Some(Credential::Secret(secret.into()));
        }
        self
    }

    /// The API's only credential (for an API with one security scheme; see
    /// [`TransportBuilder::credential`]).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.credential(0, key)
    }

    /// Access tokens for the OAuth 2 or OpenID Connect scheme at `index`, from `source`,
    /// asked for before each request that needs one.
    pub fn token_source(mut self, index: usize, source: impl TokenSource) -> Self {
        if let Some(slot) = self.credentials.get_mut(index) {
            *slot = Some(Credential::Source(std::sync::Arc::new(source)));
        }
        self
    }

    /// Access tokens for the OAuth 2 scheme at `index` from its client-credentials flow: the
    /// token URL the spec declares, with this client id and secret.
    pub fn client_credentials(
        mut self,
        index: usize,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        if let Some(slot) = self.credentials.get_mut(index) {
            *slot = Some(Credential::ClientCredentials {
                client_id: client_id.into(),
                client_secret: client_secret.into(),
            });
        }
        self
    }

    /// `key` as the credential of every scheme (the typed mock server's clients).
    pub fn mock_credentials(mut self, key: &str) -> Self {
        for slot in &mut self.credentials {
            *slot = Some(Credential::Secret(key.to_owned()));
        }
        self
    }

    /// The base URL. It must be `https`, except on a
    /// loopback host (`localhost`, `127.0.0.1`, `::1`) for tests and local proxies.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body
    /// (default 10 minutes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a failed attempt is retried (default 2, so at most 3 attempts).
    /// 408, 409, 429 and 5xx are retried, and connections that could not be made; other
    /// transport failures only for idempotent methods or calls with an idempotency key (see
    /// the crate docs on retries). Other errors never.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first backoff delay (default 0.5 s; each retry doubles it up to the maximum).
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.initial_retry_delay = delay;
        self
    }

    /// The longest backoff delay (default 8 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    /// Sends requests with this `reqwest::Client` (its proxy, TLS and pool settings) instead
    /// of a new one. The timeout set here still applies to every attempt.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the wait between attempts: before each retry the client calls `sleep` with
    /// the delay it chose (the server's `Retry-After`, else the backoff) and awaits the
    /// returned future, instead of `tokio::time::sleep(delay)`.
    ///
    /// Hidden, and not part of the supported API (it may change in any release): it is how
    /// this crate's integration tests see the delays the client asks for without measuring
    /// the wall clock. They are a separate crate, so a `cfg(test)` hook would not reach
    /// them, and tokio's paused clock also fires the request timeout while the test waits
    /// for the mock server's socket.
    #[doc(hidden)]
    pub fn retry_sleep<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleep = Some(Arc::new(move |delay| Box::pin(sleep(delay))));
        self
    }

    /// Checks the settings and builds the transport.
    pub fn build(self) -> Result<Transport> {
        let api = self.api;
        let base_url = self
            .base_url
            .unwrap_or_else(|| api.default_base_url.to_owned());
        let (base_url, host) = check_base_url(&base_url)?;
        let mut secrets = Vec::new();
        let credentials = Credentials::new(
            api,
            &self.credentials,
            &base_url,
            self.http.as_ref(),
            &mut secrets,
        )?;
        if let Some(requirement) = api.security.first()
            && !credentials.satisfies(requirement)
        {
            let message = match api.schemes {
                [one] => format!(
                    "no API key: call ClientBuilder::{}, or use Client::from_env with {} set",
                    one.setter, one.env
                ),
                _ => format!(
                    "no credentials: set {}",
                    super::auth::missing(api, requirement)
                ),
            };
            return Err(Error::config(message));
        }

        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(api.user_agent).map_err(|_| {
            Error::config("the User-Agent contains characters a header cannot carry")
        })?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))?;
            let mut header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::config(format!(
                    "the value of header `{name}` contains characters a header cannot carry"
                ))
            })?;
            if header_name == AUTHORIZATION || name.to_ascii_lowercase().contains("key") {
                header_value.set_sensitive(true);
            }
            headers.insert(header_name, header_value);
        }

        // With our own reqwest client, the headers every request carries are its defaults,
        // set once; a caller's client gets them on each request instead. Credentials depend
        // on the operation, so each request gets its own.
        let (http, headers) = match self.http {
            Some(http) => (http, headers),
            None => {
                let http = reqwest::Client::builder()
                    .default_headers(headers)
                    .build()
                    .map_err(|e| {
                        Error::config(format!("the HTTP client cannot be created: {e}"))
                    })?;
                (http, HeaderMap::new())
            }
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                api,
                http,
                base_url,
                host,
                credentials,
                secret: Secrets::new(secrets),
                headers,
                timeout: self.timeout,
                max_retries: self.max_retries,
                initial_retry_delay: self.initial_retry_delay,
                max_retry_delay: self.max_retry_delay,
                sleep: self.sleep,
            }),
            options: None,
        })
    }
}

/// Validates a base URL: absolute, `https` (or `http` on a loopback host), no query or
/// fragment. Returns it without a trailing `/`, and its `host:port` for error messages.
fn check_base_url(raw: &str) -> Result<(String, String)> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("the base URL {raw:?} is not a valid URL: {e}")))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| Error::config(format!("the base URL {raw:?} has no host")))?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::config(format!(
                "the base URL must use https (plain http is only allowed on a loopback host), got \
                 http://{}",
                url.host_str().unwrap_or_default()
            )));
        }
        other => {
            return Err(Error::config(format!(
                "the base URL must use https, got the scheme `{other}`"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "the base URL must not have a query or a fragment",
        ));
    }
    let host_port = match url.port_or_known_default() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    Ok((url.as_str().trim_end_matches('/').to_owned(), host_port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        for ok in [
            "https://api.openai.com/v1",
            "https://api.openai.com/v1/",
            "http://localhost:4010",
            "http://127.0.0.1:8080/v1",
            "http://[::1]:9/",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.openai.com/v1",
            "ftp://x",
            "not a url",
            "https://x/v1?a=b",
            "https://x/#f",
            "http://10.0.0.1/",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::Config { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            check_base_url("https://api.openai.com/v1/").unwrap(),
            (
                "https://api.openai.com/v1".to_owned(),
                "api.openai.com:443".to_owned()
            )
        );
    }
}
