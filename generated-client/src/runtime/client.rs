//! `Client`, its builder, and the one place where requests are sent: retries with backoff,
//! `Retry-After`, timeouts, error decoding.

use super::error::{ApiError, ApiErrorBody, excerpt, retryable_status};
use super::request::{ApiResponse, Request};
use super::{AuthScheme, Error, Result};
use crate::generated::API;
use bytes::Bytes;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use reqwest::{StatusCode, Url};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The default timeout of one attempt (the official SDKs use 10 minutes too).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// The default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// A `Retry-After` longer than this is not waited for; the normal backoff applies instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const USER_AGENT_VALUE: &str = concat!(
    env!("CARGO_PKG_NAME"),
    "/",
    env!("CARGO_PKG_VERSION"),
    " (Rust)"
);

/// The API client. Cheap to clone (clones share one connection pool), `Send` and `Sync`.
///
/// Build one with [`Client::from_env`] or [`Client::builder`]; every operation is a method
/// that returns a request builder.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    host: String,
    /// `Authorization` value, marked sensitive.
    auth: Option<HeaderValue>,
    /// The key itself, only to scrub it from error excerpts.
    secret: String,
    headers: HeaderMap,
    timeout: Duration,
    max_retries: u32,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
}

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

    /// Sends a request and decodes a JSON success body.
    pub(crate) async fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<T>> {
        self.execute_decode(request, |_, body| serde_json::from_slice(body))
            .await
    }

    /// Sends a request and decodes the success body with `decode(status, body)` (for
    /// operations whose statuses have different bodies).
    pub(crate) async fn execute_decode<T>(
        &self,
        request: Request,
        decode: fn(u16, &[u8]) -> serde_json::Result<T>,
    ) -> Result<ApiResponse<T>> {
        let (status, headers, body) = self.send(&request).await?;
        match decode(status.as_u16(), &body) {
            Ok(data) => Ok(ApiResponse::new(status, headers, data)),
            Err(source) => Err(Error::Decode {
                operation: request.operation,
                status,
                request_id: request_id(&headers),
                excerpt: excerpt(&body, &self.inner.secret),
                source: redact_serde_error(source, &self.inner.secret),
            }),
        }
    }

    /// Sends a request whose success has no body.
    #[allow(dead_code)] // Used by generated code for operations without a response body.
    pub(crate) async fn execute_empty(&self, request: Request) -> Result<ApiResponse<()>> {
        let (status, headers, _) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, ()))
    }

    /// Sends a request whose success body is text.
    #[allow(dead_code)] // Used by generated code for `text/*` responses.
    pub(crate) async fn execute_text(&self, request: Request) -> Result<ApiResponse<String>> {
        let (status, headers, body) = self.send(&request).await?;
        Ok(ApiResponse::new(
            status,
            headers,
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }

    /// Sends a request whose success body is bytes (audio, images, files…).
    #[allow(dead_code)] // Used by generated code for binary responses.
    pub(crate) async fn execute_bytes(&self, request: Request) -> Result<ApiResponse<Bytes>> {
        let (status, headers, body) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends a request and returns the success body as a stream of chunks, as they arrive
    /// (`text/event-stream`). Errors are retried as usual until the stream starts.
    #[allow(dead_code)] // Used by generated code for streamed responses.
    pub(crate) async fn execute_stream(&self, request: Request) -> Result<ApiResponse<ByteStream>> {
        let response = match self.attempts(&request, true).await? {
            Received::Stream(response) => response,
            Received::Body(..) => unreachable!("streaming attempts return the response unread"),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let client = self.clone();
        let operation = request.operation;
        let stream = futures_util::stream::unfold(Some(response), move |state| {
            let client = client.clone();
            async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(e) => Some((Err(client.transport_error_for(operation, e, 1)), None)),
                }
            }
        });
        Ok(ApiResponse::new(
            status,
            headers,
            ByteStream(Box::pin(stream)),
        ))
    }

    /// Sends with retries; returns the status, headers and body of a success.
    async fn send(&self, request: &Request) -> Result<(StatusCode, HeaderMap, Bytes)> {
        match self.attempts(request, false).await? {
            Received::Body(status, headers, body) => Ok((status, headers, body)),
            Received::Stream(_) => unreachable!("non-streaming attempts read the body"),
        }
    }

    /// The attempt loop: sends, retries what is worth retrying, and returns the success
    /// (with its body read, or unread when `stream` is set).
    async fn attempts(&self, request: &Request, stream: bool) -> Result<Received> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::info_span!(
                "api_request",
                operation = request.operation,
                method = %request.method,
                path = request.path_template,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                request_id = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = std::time::Instant::now();
            let received = self
                .attempts_untraced(request, stream)
                .instrument(span.clone())
                .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &received {
                Ok(Received::Body(status, headers, _)) => {
                    record_response(&span, *status, headers);
                }
                Ok(Received::Stream(response)) => {
                    record_response(&span, response.status(), response.headers());
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status.as_u16());
                    }
                    if let Some(id) = e.request_id() {
                        span.record("request_id", id);
                    }
                    span.record("attempts", e.attempts());
                    span.in_scope(|| tracing::warn!(error = %e, "request failed"));
                }
            }
            received
        }
        #[cfg(not(feature = "tracing"))]
        self.attempts_untraced(request, stream).await
    }

    async fn attempts_untraced(&self, request: &Request, stream: bool) -> Result<Received> {
        let inner = &*self.inner;
        let url = self.url(request)?;
        let cookie = request.cookie_header();
        let mut url = Some(url);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let retries_left = attempt <= inner.max_retries;
            // The last possible attempt takes the URL instead of copying it.
            let this_url = match (retries_left, &mut url) {
                (true, Some(url)) => url.clone(),
                (_, url) => url
                    .take()
                    .expect("the URL is only taken by the last attempt"),
            };
            let mut builder = inner
                .http
                .request(request.method.clone(), this_url)
                .timeout(inner.timeout);
            if !inner.headers.is_empty() {
                builder = builder.headers(inner.headers.clone());
            }
            if let Some(auth) = &inner.auth {
                builder = builder.header(AUTHORIZATION, auth.clone());
            }
            for (name, value) in &request.headers {
                builder = builder.header(name, value.clone());
            }
            if let Some(cookie) = &cookie {
                builder = builder.header(COOKIE, cookie.clone());
            }
            if let Some((content_type, body)) = &request.body {
                builder = builder
                    .header(CONTENT_TYPE, content_type.clone())
                    .body(body.clone());
            }
            #[cfg(feature = "tracing")]
            let sent = std::time::Instant::now();
            let outcome = match builder.send().await {
                Ok(response) if stream && response.status().is_success() => {
                    return Ok(Received::Stream(response));
                }
                Ok(mut response) => {
                    let status = response.status();
                    let headers = std::mem::take(response.headers_mut());
                    response.bytes().await.map(|body| (status, headers, body))
                }
                Err(e) => Err(e),
            };
            #[cfg(feature = "tracing")]
            match &outcome {
                Ok((status, headers, _)) => tracing::debug!(
                    attempt,
                    status = status.as_u16(),
                    request_id = request_id(headers).as_deref(),
                    duration_ms = sent.elapsed().as_millis() as u64,
                    "response received"
                ),
                Err(e) => tracing::debug!(
                    attempt,
                    timeout = e.is_timeout(),
                    connect = e.is_connect(),
                    duration_ms = sent.elapsed().as_millis() as u64,
                    "attempt failed"
                ),
            }
            match outcome {
                Ok((status, headers, body)) if status.is_success() => {
                    return Ok(Received::Body(status, headers, body));
                }
                Ok((status, headers, body)) => {
                    if retries_left && should_retry(status, &headers) {
                        let delay = retry_after(&headers).unwrap_or_else(|| self.backoff(attempt));
                        #[cfg(feature = "tracing")]
                        retry_event(attempt, delay, status.as_str());
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(self.api_error(request, status, &headers, &body, attempt));
                }
                Err(e) => {
                    if retries_left {
                        let delay = self.backoff(attempt);
                        #[cfg(feature = "tracing")]
                        retry_event(
                            attempt,
                            delay,
                            if e.is_timeout() {
                                "timeout"
                            } else {
                                "connection"
                            },
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(self.transport_error(request, e, attempt));
                }
            }
        }
    }

    fn url(&self, request: &Request) -> Result<Url> {
        let mut url = String::with_capacity(
            self.inner.base_url.len() + request.path.len() + request.query.len() + 1,
        );
        url.push_str(&self.inner.base_url);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&request.query);
        }
        Url::parse(&url).map_err(|e| {
            Error::invalid_input(format!(
                "{}: the request URL is not valid: {e}",
                request.operation
            ))
        })
    }

    /// Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 8 s, each shortened by up to
    /// a quarter at random.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .inner
            .initial_retry_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.inner.max_retry_delay);
        base.mul_f64(1.0 - 0.25 * random_unit())
    }

    fn api_error(
        &self,
        request: &Request,
        status: StatusCode,
        headers: &HeaderMap,
        body: &Bytes,
        attempts: u32,
    ) -> Error {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: ApiErrorBody,
        }
        let secret = &self.inner.secret;
        let decoded = serde_json::from_slice::<Envelope>(body).ok().map(|e| {
            let mut body = e.error;
            if !secret.is_empty() {
                let redact =
                    |text: &mut String| *text = text.replace(secret.as_str(), "[redacted]");
                redact(&mut body.message);
                for field in [&mut body.kind, &mut body.param, &mut body.code]
                    .into_iter()
                    .flatten()
                {
                    redact(field);
                }
            }
            body
        });
        let excerpt = match decoded {
            Some(_) => None,
            None => Some(excerpt(body, secret)),
        };
        Error::Api(Box::new(ApiError {
            operation: request.operation,
            status,
            request_id: request_id(headers),
            body: decoded,
            excerpt,
            attempts,
            raw: super::error::RawBody::redacted(body, secret),
        }))
    }

    fn transport_error(&self, request: &Request, e: reqwest::Error, attempts: u32) -> Error {
        self.transport_error_for(request.operation, e, attempts)
    }

    fn transport_error_for(
        &self,
        operation: &'static str,
        e: reqwest::Error,
        attempts: u32,
    ) -> Error {
        let e = e.without_url();
        if e.is_timeout() {
            return Error::Timeout {
                operation,
                timeout: self.inner.timeout,
                attempts,
            };
        }
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            source = cause.source();
        }
        if !self.inner.secret.is_empty() {
            message = message.replace(self.inner.secret.as_str(), "[redacted]");
        }
        Error::Connection {
            operation,
            host: self.inner.host.clone(),
            message,
            attempts,
            source: e,
        }
    }
}

/// serde quotes the values it rejects (`invalid type: string "…"`); when one of them is the
/// key, the error is replaced by one with the same text, the key redacted.
fn redact_serde_error(error: serde_json::Error, secret: &str) -> serde_json::Error {
    let text = error.to_string();
    if secret.is_empty() || !text.contains(secret) {
        return error;
    }
    serde::de::Error::custom(text.replace(secret, "[redacted]"))
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Whether an error status is worth another attempt: the server's `x-should-retry` decides
/// when it is sent, otherwise 408, 409, 429 and 5xx are.
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => retryable_status(status),
    }
}

/// The delay the server asks for: `retry-after-ms`, else `Retry-After` in seconds or as an
/// HTTP date. Delays beyond a minute (or negative) are ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let delay = header("retry-after-ms")
        .and_then(|ms| ms.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .or_else(|| {
            let value = header("retry-after")?;
            value.parse::<f64>().ok().or_else(|| {
                let date = httpdate::parse_http_date(value).ok()?;
                Some(match date.duration_since(SystemTime::now()) {
                    Ok(d) => d.as_secs_f64(),
                    Err(_) => 0.0,
                })
            })
        })?;
    (delay.is_finite() && (0.0..=MAX_RETRY_AFTER.as_secs_f64()).contains(&delay))
        .then(|| Duration::from_secs_f64(delay))
}

/// A number in [0, 1).
fn random_unit() -> f64 {
    (super::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// What an attempt loop returns.
enum Received {
    Body(StatusCode, HeaderMap, Bytes),
    Stream(reqwest::Response),
}

/// A response body as a stream of chunks, as they arrive (what `send_stream()` and
/// `text/event-stream` operations return). Each item is a chunk or the error that ended the
/// stream.
pub struct ByteStream(std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<Bytes>> + Send>>);

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// Configures a [`Client`]. Every setting has a default except the API key.
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Duration,
    max_retries: u32,
    initial_retry_delay: Duration,
    max_retry_delay: Duration,
    http: Option<reqwest::Client>,
    headers: Vec<(String, String)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
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

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// The defaults: the spec's server URL, a 10-minute timeout, 2 retries, no key yet.
    pub fn new() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            initial_retry_delay: INITIAL_RETRY_DELAY,
            max_retry_delay: MAX_RETRY_DELAY,
            http: None,
            headers: Vec::new(),
        }
    }

    /// The defaults, with the API key from `OPENAI_ADMIN_KEY` (required) and the base URL
    /// from `OPENAI_BASE_URL` (when set); other settings can still be changed.
    pub fn from_env() -> Result<Self> {
        let mut builder = Self::new();
        match std::env::var(API.api_key_env) {
            Ok(key) if !key.trim().is_empty() => builder.api_key = Some(key.trim().to_owned()),
            _ => {
                return Err(Error::config(format!(
                    "the environment variable {} is not set or empty; export your Admin API key \
                     in it, or pass the key with Client::builder().api_key(…)",
                    API.api_key_env
                )));
            }
        }
        if let Ok(url) = std::env::var(API.base_url_env) {
            if !url.trim().is_empty() {
                builder.base_url = Some(url.trim().to_owned());
            }
        }
        Ok(builder)
    }

    /// The API key (an OpenAI Admin API key). It is never printed by `Debug`, errors or logs.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL, such as `https://api.openai.com/v1`. It must be `https`, except on a
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
    /// Connection errors, timeouts, 408, 409, 429 and 5xx are retried; other errors never.
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

    /// A header sent with every request, such as `OpenAI-Organization`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let secret = self.api_key.unwrap_or_default();
        let auth = match API.auth {
            AuthScheme::None => None,
            _ if secret.is_empty() => {
                return Err(Error::config(format!(
                    "no API key: call ClientBuilder::api_key, or use Client::from_env with {} set",
                    API.api_key_env
                )));
            }
            AuthScheme::Bearer => Some(sensitive(&format!("Bearer {secret}"))?),
            AuthScheme::Basic => Some(sensitive(&format!("Basic {}", base64(secret.as_bytes())))?),
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| API.default_base_url.to_owned());
        let (base_url, host) = check_base_url(&base_url)?;

        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
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

        // With our own reqwest client, the headers every request carries (and the key) are
        // its defaults, set once; a caller's client gets them on each request instead.
        let (http, headers, auth) = match self.http {
            Some(http) => (http, headers, auth),
            None => {
                let mut defaults = headers;
                if let Some(auth) = auth {
                    defaults.insert(AUTHORIZATION, auth);
                }
                let http = reqwest::Client::builder()
                    .default_headers(defaults)
                    .build()
                    .map_err(|e| {
                        Error::config(format!("the HTTP client cannot be created: {e}"))
                    })?;
                (http, HeaderMap::new(), None)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                host,
                auth,
                secret,
                headers,
                timeout: self.timeout,
                max_retries: self.max_retries,
                initial_retry_delay: self.initial_retry_delay,
                max_retry_delay: self.max_retry_delay,
            }),
        })
    }
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config("the API key contains characters that cannot be sent in a header")
    })?;
    value.set_sensitive(true);
    Ok(value)
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

/// Standard base64, for Basic auth.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The event of one retry: which attempt failed, why (a status, `timeout` or `connection`),
/// and how long the client waits.
#[cfg(feature = "tracing")]
fn retry_event(attempt: u32, delay: Duration, reason: &str) {
    tracing::info!(
        attempt,
        reason,
        delay_ms = delay.as_millis() as u64,
        "retrying"
    );
}

/// Fills in the span fields that a success carries.
#[cfg(feature = "tracing")]
fn record_response(span: &tracing::Span, status: StatusCode, headers: &HeaderMap) {
    span.record("status", status.as_u16());
    if let Some(id) = request_id(headers) {
        span.record("request_id", id.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_headers() {
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "100"), ("retry-after", "5")])),
            Some(Duration::from_millis(100)),
            "retry-after-ms wins"
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = retry_after(&headers(&[("retry-after", &soon)])).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3600")])),
            None,
            "beyond the cap"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn retryable_statuses() {
        for (status, expected) in [
            (408, true),
            (409, true),
            (429, true),
            (500, true),
            (503, true),
            (400, false),
            (401, false),
            (404, false),
            (422, false),
        ] {
            assert_eq!(
                should_retry(StatusCode::from_u16(status).unwrap(), &HeaderMap::new()),
                expected,
                "{status}"
            );
        }
        assert!(!should_retry(
            StatusCode::INTERNAL_SERVER_ERROR,
            &headers(&[("x-should-retry", "false")])
        ));
        assert!(should_retry(
            StatusCode::BAD_REQUEST,
            &headers(&[("x-should-retry", "true")])
        ));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let client = Client::builder().api_key("k").build().unwrap();
        for (attempt, nominal) in [
            (1, 0.5),
            (2, 1.0),
            (3, 2.0),
            (4, 4.0),
            (5, 8.0),
            (9, 8.0),
            (40, 8.0),
        ] {
            let d = client.backoff(attempt).as_secs_f64();
            assert!(
                d <= nominal && d >= nominal * 0.75,
                "attempt {attempt}: {d}"
            );
        }
    }

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

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pass", "dXNlcjpwYXNz"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
