//! The one place where requests are sent: the attempt loop (which asks the retry policy
//! whether and how long to wait), timeouts and deadlines, the call's options, and decoding
//! responses and errors.

use super::client::Transport;
use super::error::{ApiError, ApiErrorBody, ErrorBody, excerpt};
use super::options::{RequestOptions, idempotent, new_idempotency_key};
use super::request::{ApiResponse, Request};
use super::retry::{CallPolicy, Failure};
use super::{Error, Result};
use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use std::fmt;
use std::time::Duration;

/// The idempotency header of a call given a key while its API declares none.
const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

impl Transport {
    // Every `execute_*` takes the request as built (building it may have failed) and fails
    // with the operation's error type: `E` is the model its error responses decode into
    // (`NoErrorBody` when it declares none).

    /// Sends a request and decodes a JSON success body.
    pub async fn execute_json<T: serde::de::DeserializeOwned, E: ErrorBody>(
        &self,
        request: Result<Request>,
    ) -> Result<ApiResponse<T>, Error<E>> {
        self.execute_decode(request, |_, body| serde_json::from_slice(body))
            .await
    }

    /// Sends a request and decodes the success body with `decode(status, body)` (for
    /// operations whose statuses have different bodies).
    pub async fn execute_decode<T, E: ErrorBody>(
        &self,
        request: Result<Request>,
        decode: fn(u16, &[u8]) -> serde_json::Result<T>,
    ) -> Result<ApiResponse<T>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        let (status, headers, body, attempts) = self.send(&request).await?;
        match decode(status.as_u16(), &body) {
            Ok(data) => Ok(ApiResponse::new(status, headers, data)),
            Err(source) => Err(Error::Decode {
                operation: request.operation,
                status,
                request_id: request_id(&headers),
                excerpt: excerpt(&body, &self.inner.secret),
                attempts,
                source: redact_serde_error(source, &self.inner.secret),
            }),
        }
    }

    /// Sends a request whose success has no body.
    pub async fn execute_empty<E: ErrorBody>(
        &self,
        request: Result<Request>,
    ) -> Result<ApiResponse<()>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        let (status, headers, _, _) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, ()))
    }

    /// Sends a request whose success body is text.
    pub async fn execute_text<E: ErrorBody>(
        &self,
        request: Result<Request>,
    ) -> Result<ApiResponse<String>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        let (status, headers, body, _) = self.send(&request).await?;
        Ok(ApiResponse::new(
            status,
            headers,
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }

    /// Sends a request whose success body is bytes (audio, images, files…).
    pub async fn execute_bytes<E: ErrorBody>(
        &self,
        request: Result<Request>,
    ) -> Result<ApiResponse<Bytes>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        let (status, headers, body, _) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends a request and returns the success body as a stream of chunks, as they arrive
    /// (`text/event-stream`). Errors are retried as usual until the stream starts; a
    /// stream cut short ends with [`Error::Body`].
    pub async fn execute_stream<E: ErrorBody>(
        &self,
        request: Result<Request>,
    ) -> Result<ApiResponse<ByteStream>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        Ok(self.stream(request).await?.0)
    }

    /// [`Transport::execute_stream`], and how many attempts it took.
    async fn stream<E: ErrorBody>(
        &self,
        request: Request,
    ) -> Result<(ApiResponse<ByteStream>, u32), Error<E>> {
        let (response, attempts) = match self.attempts(&request, true).await? {
            Received::Stream(response, attempts) => (response, attempts),
            Received::Body(..) => unreachable!("streaming attempts return the response unread"),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let operation = request.operation;
        let id = request_id(&headers);
        let stream = futures_util::stream::unfold(Some(response), move |state| {
            let id = id.clone();
            async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(e) => Some((
                        Err(Error::Body {
                            operation,
                            status,
                            request_id: id,
                            attempts,
                            source: e.without_url(),
                        }),
                        None,
                    )),
                }
            }
        });
        Ok((
            ApiResponse::new(status, headers, ByteStream(Box::pin(stream))),
            attempts,
        ))
    }

    /// Sends a request and returns the success body as a stream of decoded items, split as
    /// `framing` says (OpenAPI 3.2's sequential media types). Errors are retried as usual
    /// until the stream starts.
    pub async fn execute_items<T: serde::de::DeserializeOwned, E: ErrorBody>(
        &self,
        request: Result<Request>,
        framing: crate::streams::Framing,
    ) -> Result<ApiResponse<crate::streams::ItemStream<T>>, Error<E>> {
        let request = request.map_err(Error::typed)?;
        let operation = request.operation;
        let (response, attempts) = self.stream(request).await?;
        let (status, headers) = (response.status(), response.headers().clone());
        let items = crate::streams::ItemStream::new(
            response.into_inner(),
            framing,
            operation,
            status,
            request_id(&headers),
            attempts,
            self.inner.secret.clone(),
        );
        Ok(ApiResponse::new(status, headers, items))
    }

    /// Sends with retries; returns the status, headers and body of a success, and how
    /// many attempts it took.
    async fn send<E: ErrorBody>(
        &self,
        request: &Request,
    ) -> Result<(StatusCode, HeaderMap, Bytes, u32), Error<E>> {
        match self.attempts(request, false).await? {
            Received::Body(status, headers, body, attempts) => {
                Ok((status, headers, body, attempts))
            }
            Received::Stream(..) => unreachable!("non-streaming attempts read the body"),
        }
    }

    /// The attempt loop: sends, retries what is worth retrying, and returns the success
    /// (with its body read, or unread when `stream` is set).
    async fn attempts<E: ErrorBody>(
        &self,
        request: &Request,
        stream: bool,
    ) -> Result<Received, Error<E>> {
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
                .attempts_within_deadline(request, stream)
                .instrument(span.clone())
                .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match &received {
                Ok(Received::Body(status, headers, _, attempts)) => {
                    record_response(&span, *status, headers, *attempts);
                }
                Ok(Received::Stream(response, attempts)) => {
                    record_response(&span, response.status(), response.headers(), *attempts);
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status.as_u16());
                    }
                    if let Some(id) = e.request_id() {
                        span.record("request_id", id);
                    }
                    if let Some(attempts) = e.attempts() {
                        span.record("attempts", attempts);
                    }
                    span.in_scope(|| tracing::warn!(error = %e, "request failed"));
                }
            }
            received
        }
        #[cfg(not(feature = "tracing"))]
        self.attempts_within_deadline(request, stream).await
    }

    /// The attempts, stopped (the one in flight cancelled) when the call's deadline passes.
    async fn attempts_within_deadline<E: ErrorBody>(
        &self,
        request: &Request,
        stream: bool,
    ) -> Result<Received, Error<E>> {
        let mut attempts = 0;
        let Some(deadline) = self.options.as_ref().and_then(|o| o.deadline) else {
            return self.attempts_untimed(request, stream, &mut attempts).await;
        };
        let received = tokio::time::timeout(
            deadline,
            self.attempts_untimed(request, stream, &mut attempts),
        )
        .await;
        received.unwrap_or(Err(Error::Deadline {
            operation: request.operation,
            deadline,
            attempts,
        }))
    }

    /// The attempt loop proper; `attempts` counts the attempts started.
    async fn attempts_untimed<E: ErrorBody>(
        &self,
        request: &Request,
        stream: bool,
        attempts: &mut u32,
    ) -> Result<Received, Error<E>> {
        let inner = &*self.inner;
        let options = self.options.as_deref();
        let timeout = options.and_then(|o| o.timeout).unwrap_or(inner.timeout);
        let call_headers = self.call_headers(request, options).map_err(Error::typed)?;
        let policy = CallPolicy {
            max_retries: options
                .and_then(|o| o.max_retries)
                .unwrap_or(inner.max_retries),
            may_resend: idempotent(&request.method)
                || call_headers.contains_key(self.idempotency_header()),
        };
        let auth = self
            .authenticate(request.operation)
            .await
            .map_err(Error::typed)?;
        let url = auth.url(self.url(request, options).map_err(Error::typed)?);
        let cookie = auth.cookie(request.cookie_header());
        let mut url = Some(url);
        loop {
            *attempts += 1;
            let attempt = *attempts;
            // The last possible attempt takes the URL instead of copying it.
            let this_url = match (attempt <= policy.max_retries, &mut url) {
                (true, Some(url)) => url.clone(),
                (_, url) => url
                    .take()
                    .expect("the URL is only taken by the last attempt"),
            };
            let mut builder = inner
                .http
                .request(request.method.clone(), this_url)
                .timeout(timeout);
            if !inner.headers.is_empty() {
                builder = builder.headers(inner.headers.clone());
            }
            for (name, value) in &auth.headers {
                builder = builder.header(name, value.clone());
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
            if !call_headers.is_empty() {
                // Last, so that they replace the client's and the operation's.
                builder = builder.headers(call_headers.clone());
            }
            #[cfg(feature = "tracing")]
            let sent = std::time::Instant::now();
            let (failure, error) = match builder.send().await {
                Ok(response) if stream && response.status().is_success() => {
                    return Ok(Received::Stream(response, attempt));
                }
                Ok(mut response) => {
                    let status = response.status();
                    let headers = std::mem::take(response.headers_mut());
                    let body = response.bytes().await;
                    #[cfg(feature = "tracing")]
                    tracing::debug!(
                        attempt,
                        status = status.as_u16(),
                        request_id = request_id(&headers).as_deref(),
                        body_complete = body.is_ok(),
                        duration_ms = sent.elapsed().as_millis() as u64,
                        "response received"
                    );
                    match body {
                        Ok(body) if status.is_success() => {
                            return Ok(Received::Body(status, headers, body, attempt));
                        }
                        Ok(body) => {
                            match self.retry_delay(
                                policy,
                                attempt,
                                Failure::Status(status, &headers),
                            ) {
                                Some(delay) => {
                                    #[cfg(feature = "tracing")]
                                    retry_event(attempt, delay, status.as_str());
                                    self.wait(delay).await;
                                    continue;
                                }
                                None => {
                                    return Err(
                                        self.api_error(request, status, &headers, &body, attempt)
                                    );
                                }
                            }
                        }
                        Err(e) => (
                            self.retry_delay(policy, attempt, Failure::BodyCut(status, &headers)),
                            Error::Body {
                                operation: request.operation,
                                status,
                                request_id: request_id(&headers),
                                attempts: attempt,
                                source: e.without_url(),
                            },
                        ),
                    }
                }
                Err(e) => {
                    #[cfg(feature = "tracing")]
                    tracing::debug!(
                        attempt,
                        timeout = e.is_timeout(),
                        connect = e.is_connect(),
                        duration_ms = sent.elapsed().as_millis() as u64,
                        "attempt failed"
                    );
                    let failure = if e.is_connect() {
                        Failure::NotSent
                    } else {
                        Failure::NoResponse
                    };
                    (
                        self.retry_delay(policy, attempt, failure),
                        self.transport_error(request.operation, e, attempt, timeout)
                            .typed(),
                    )
                }
            };
            match failure {
                Some(delay) => {
                    #[cfg(feature = "tracing")]
                    retry_event(
                        attempt,
                        delay,
                        match &error {
                            Error::Body { .. } => "body",
                            Error::Timeout { .. } => "timeout",
                            _ => "connection",
                        },
                    );
                    self.wait(delay).await;
                }
                None => return Err(error),
            }
        }
    }

    /// The name of the header that carries an idempotency key.
    fn idempotency_header(&self) -> &'static str {
        self.inner
            .api
            .idempotency_header
            .unwrap_or(DEFAULT_IDEMPOTENCY_HEADER)
    }

    /// The headers of this call over the client's and the operation's: the options' own,
    /// and the idempotency key (the caller's, else a fresh one for a non-idempotent method
    /// of an API that accepts keys), the same on every attempt.
    fn call_headers(
        &self,
        request: &Request,
        options: Option<&RequestOptions>,
    ) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        let invalid = |name: &str| {
            Error::invalid_input(format!(
                "{}: the header `{name}` of the request options cannot be sent: its name or                  value has characters a header cannot carry",
                request.operation
            ))
        };
        if let Some(options) = options {
            for (name, value) in &options.headers {
                let header_name =
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name))?;
                let mut header_value = HeaderValue::from_str(value).map_err(|_| invalid(name))?;
                if header_name == AUTHORIZATION || name.to_ascii_lowercase().contains("key") {
                    header_value.set_sensitive(true);
                }
                headers.insert(header_name, header_value);
            }
        }
        let name = self.idempotency_header();
        let key = match options.and_then(|o| o.idempotency_key.clone()) {
            Some(key) => Some(key),
            None if self.inner.api.idempotency_header.is_some()
                && !idempotent(&request.method)
                && !headers.contains_key(name) =>
            {
                Some(new_idempotency_key())
            }
            None => None,
        };
        if let Some(key) = key {
            let value = HeaderValue::from_str(&key).map_err(|_| invalid(name))?;
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name))?,
                value,
            );
        }
        Ok(headers)
    }

    /// Waits `delay` before the next attempt: on tokio's timer, or with the sleep the builder
    /// was given (`TransportBuilder::retry_sleep`).
    async fn wait(&self, delay: Duration) {
        match &self.inner.sleep {
            None => tokio::time::sleep(delay).await,
            Some(sleep) => sleep(delay).await,
        }
    }

    fn url(&self, request: &Request, options: Option<&RequestOptions>) -> Result<Url> {
        let mut url = String::with_capacity(
            self.inner.base_url.len() + request.path.len() + request.query.len() + 1,
        );
        url.push_str(&self.inner.base_url);
        url.push_str(&request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&request.query);
        }
        let mut url = Url::parse(&url).map_err(|e| {
            Error::invalid_input(format!(
                "{}: the request URL is not valid: {e}",
                request.operation
            ))
        })?;
        if let Some(options) = options.filter(|o| !o.query.is_empty()) {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &options.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    fn api_error<E: ErrorBody>(
        &self,
        request: &Request,
        status: StatusCode,
        headers: &HeaderMap,
        body: &Bytes,
        attempts: u32,
    ) -> Error<E> {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: ApiErrorBody,
        }
        let secret = &self.inner.secret;
        let echoed = secret.found_in(body);
        let decoded = serde_json::from_slice::<Envelope>(body).ok().map(|e| {
            let mut body = e.error;
            if echoed {
                let redact = |text: &mut String| *text = secret.redact(text);
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
        // Decoded from the body with the key removed, as everything else the error keeps.
        let raw = super::error::RawBody::redacted(body, secret);
        Error::Api(Box::new(ApiError {
            operation: request.operation,
            status,
            request_id: request_id(headers),
            body: decoded,
            excerpt,
            attempts,
            typed: E::decode(&raw.0),
            raw,
        }))
    }

    /// A failure before any response: a timeout of the attempt, or a connection error.
    fn transport_error(
        &self,
        operation: &'static str,
        e: reqwest::Error,
        attempts: u32,
        timeout: Duration,
    ) -> Error {
        let e = e.without_url();
        if e.is_timeout() {
            return Error::Timeout {
                operation,
                timeout,
                attempts,
            };
        }
        let mut message = super::error::chain_text(&e);
        message = self.inner.secret.redact(&message);
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
fn redact_serde_error(
    error: serde_json::Error,
    secret: &super::auth::Secrets,
) -> serde_json::Error {
    let text = error.to_string();
    if !secret.found_in_text(&text) {
        return error;
    }
    serde::de::Error::custom(secret.redact(&text))
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// What an attempt loop returns.
enum Received {
    /// A success, its body read, and how many attempts it took.
    Body(StatusCode, HeaderMap, Bytes, u32),
    /// A success, its body unread, and how many attempts it took.
    Stream(reqwest::Response, u32),
}

/// A response body as a stream of chunks, as they arrive (what `send_stream()` and
/// `text/event-stream` operations return). Each item is a chunk or the error that ended the
/// stream.
pub struct ByteStream(std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<Bytes>> + Send>>);

#[cfg(test)]
impl ByteStream {
    pub(crate) fn new(
        inner: std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<Bytes>> + Send>>,
    ) -> Self {
        ByteStream(inner)
    }
}

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
fn record_response(span: &tracing::Span, status: StatusCode, headers: &HeaderMap, attempts: u32) {
    span.record("status", status.as_u16());
    span.record("attempts", attempts);
    if let Some(id) = request_id(headers) {
        span.record("request_id", id.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::TransportBuilder;
    use crate::client::{ApiInfo, TEST_API};
    use reqwest::Method;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    static KEYED_API: ApiInfo = ApiInfo {
        idempotency_header: Some("Idempotency-Key"),
        ..TEST_API
    };

    fn transport(api: &'static ApiInfo, base_url: &str) -> Transport {
        TransportBuilder::new(api)
            .api_key("k")
            .base_url(base_url)
            .initial_retry_delay(Duration::from_millis(1))
            .build()
            .unwrap()
    }

    fn request(method: Method) -> Request {
        Request::new(method, "op", "/x", "/x".to_owned())
    }

    fn key(headers: &HeaderMap, name: &str) -> Option<String> {
        headers.get(name).map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn a_keyed_api_gives_each_post_call_a_fresh_key_and_gets_none() {
        let t = transport(&KEYED_API, "https://api.example.com");
        let first = t.call_headers(&request(Method::POST), None).unwrap();
        let second = t.call_headers(&request(Method::PATCH), None).unwrap();
        let (first, second) = (
            key(&first, "idempotency-key").unwrap(),
            key(&second, "idempotency-key").unwrap(),
        );
        assert!(first.starts_with("apigen-"), "{first}");
        assert_ne!(first, second);
        for method in [Method::GET, Method::DELETE, Method::PUT] {
            let headers = t.call_headers(&request(method), None).unwrap();
            assert!(headers.is_empty(), "{headers:?}");
        }
        let own = RequestOptions::new().idempotency_key("mine");
        let headers = t.call_headers(&request(Method::POST), Some(&own)).unwrap();
        assert_eq!(key(&headers, "idempotency-key").as_deref(), Some("mine"));
    }

    #[test]
    fn an_api_without_keys_sends_only_the_callers() {
        let t = transport(&TEST_API, "https://api.example.com");
        assert!(
            t.call_headers(&request(Method::POST), None)
                .unwrap()
                .is_empty()
        );
        let own = RequestOptions::new()
            .idempotency_key("mine")
            .header("x-extra", "1");
        let headers = t.call_headers(&request(Method::POST), Some(&own)).unwrap();
        assert_eq!(key(&headers, "idempotency-key").as_deref(), Some("mine"));
        assert_eq!(key(&headers, "x-extra").as_deref(), Some("1"));
        let bad = RequestOptions::new().header("bad name", "1");
        assert!(matches!(
            t.call_headers(&request(Method::GET), Some(&bad)),
            Err(Error::InvalidInput { .. })
        ));
    }

    /// A server that answers 503 to its first request and 200 to the others, and records
    /// each request's head.
    async fn flaky_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let first = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(String::from_utf8_lossy(&head).to_ascii_lowercase());
                    seen.len() == 1
                };
                let response: &[u8] = if first {
                    b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}"
                };
                let _ = socket.write_all(response).await;
            }
        });
        (base_url, heads)
    }

    #[tokio::test]
    async fn every_attempt_of_a_call_carries_its_one_key() {
        let (base_url, heads) = flaky_server().await;
        let t = transport(&KEYED_API, &base_url);
        let mut post = request(Method::POST);
        post.json(&serde_json::json!({"a": 1})).unwrap();
        t.execute_empty::<crate::NoErrorBody>(Ok(post))
            .await
            .unwrap();
        let heads = heads.lock().unwrap().clone();
        assert_eq!(heads.len(), 2, "{heads:?}");
        let keys: Vec<&str> = heads
            .iter()
            .map(|h| {
                h.lines()
                    .find_map(|l| l.strip_prefix("idempotency-key: "))
                    .expect("a key on every attempt")
            })
            .collect();
        assert_eq!(keys[0], keys[1]);
        assert!(keys[0].starts_with("apigen-"), "{keys:?}");
    }
}
