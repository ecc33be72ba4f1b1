//! The one place where requests are sent: the attempt loop (which asks the retry policy
//! whether and how long to wait), timeouts, and decoding responses and errors.

use super::client::Transport;
use super::error::{ApiError, ApiErrorBody, excerpt};
use super::request::{ApiResponse, Request};
use super::{Error, Result};
use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap};
use reqwest::{StatusCode, Url};
use std::fmt;
use std::time::Duration;

impl Transport {
    /// Sends a request and decodes a JSON success body.
    pub async fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<ApiResponse<T>> {
        self.execute_decode(request, |_, body| serde_json::from_slice(body))
            .await
    }

    /// Sends a request and decodes the success body with `decode(status, body)` (for
    /// operations whose statuses have different bodies).
    pub async fn execute_decode<T>(
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
    pub async fn execute_empty(&self, request: Request) -> Result<ApiResponse<()>> {
        let (status, headers, _) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, ()))
    }

    /// Sends a request whose success body is text.
    pub async fn execute_text(&self, request: Request) -> Result<ApiResponse<String>> {
        let (status, headers, body) = self.send(&request).await?;
        Ok(ApiResponse::new(
            status,
            headers,
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }

    /// Sends a request whose success body is bytes (audio, images, files…).
    pub async fn execute_bytes(&self, request: Request) -> Result<ApiResponse<Bytes>> {
        let (status, headers, body) = self.send(&request).await?;
        Ok(ApiResponse::new(status, headers, body))
    }

    /// Sends a request and returns the success body as a stream of chunks, as they arrive
    /// (`text/event-stream`). Errors are retried as usual until the stream starts.
    pub async fn execute_stream(&self, request: Request) -> Result<ApiResponse<ByteStream>> {
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
        let auth = self.authenticate(request.operation).await?;
        let url = auth.url(self.url(request)?);
        let cookie = auth.cookie(request.cookie_header());
        let mut url = Some(url);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let retries_left = self.retries_left(attempt);
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
                    if let Some(delay) = self.retry_delay_after_status(attempt, status, &headers) {
                        #[cfg(feature = "tracing")]
                        retry_event(attempt, delay, status.as_str());
                        self.wait(delay).await;
                        continue;
                    }
                    return Err(self.api_error(request, status, &headers, &body, attempt));
                }
                Err(e) => {
                    if let Some(delay) = self.retry_delay_after_transport_error(attempt) {
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
                        self.wait(delay).await;
                        continue;
                    }
                    return Err(self.transport_error(request, e, attempt));
                }
            }
        }
    }

    /// Waits `delay` before the next attempt: on tokio's timer, or with the sleep the builder
    /// was given (`TransportBuilder::retry_sleep`).
    async fn wait(&self, delay: Duration) {
        match &self.inner.sleep {
            None => tokio::time::sleep(delay).await,
            Some(sleep) => sleep(delay).await,
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
