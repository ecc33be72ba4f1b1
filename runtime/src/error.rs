//! The one error type of the client.

use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// `Result<T, Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong with a call. Messages are one line, say what happened and
/// what to do, and never contain the API key.
///
/// `E` is the error model the operation declares (its 4XX/5XX/`default` response schema),
/// decoded into [`ApiError::typed`]; [`NoErrorBody`] for operations that declare none. Every
/// `Error<E>` converts into the plain `Error` (`?` in a function returning
/// `Result<T, Error>`, or [`Error::into_untyped`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E = NoErrorBody> {
    /// The API answered with an error status (after any retries).
    #[error("{0}")]
    Api(Box<ApiError<E>>),

    /// An attempt got no response within its timeout, and no other attempt followed it
    /// (see the crate docs on retries).
    #[error(
        "{operation}: no response within {timeout:?} ({}); raise the timeout with \
         ClientBuilder::timeout or RequestOptions::timeout, or try again later",
        attempts_text(*.attempts)
    )]
    Timeout {
        /// The operationId of the call.
        operation: &'static str,
        /// The per-attempt timeout that expired.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
    },

    /// The whole call took longer than its deadline (`RequestOptions::deadline`), attempts
    /// and waits between them included; the attempt in flight, if any, was cancelled.
    #[error(
        "{operation}: the call did not complete within its deadline of {deadline:?} ({}); \
         raise RequestOptions::deadline or try again later",
        attempts_text(*.attempts)
    )]
    Deadline {
        /// The operationId of the call.
        operation: &'static str,
        /// The deadline that passed.
        deadline: Duration,
        /// How many attempts were started.
        attempts: u32,
    },

    /// No response arrived: the connection could not be made, or failed before the
    /// response's status and headers arrived (after any retries).
    #[error(
        "{operation}: could not reach the API at {host}: {message} ({}); check the network \
         connection and the base URL",
        attempts_text(*.attempts)
    )]
    Connection {
        /// The operationId of the call.
        operation: &'static str,
        /// Host and port of the base URL.
        host: String,
        /// What went wrong, with its causes.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },

    /// The server answered with a status and headers, but the body was cut short or
    /// stalled past the timeout. After a success status the call may well have taken
    /// effect, so it is not sent again (unless the method is idempotent or the call
    /// carries an idempotency key): check its effect before repeating it.
    #[error(
        "{operation}: the server answered {status} but the body was cut short ({}; {}){}; {}",
        chain_text(.source),
        attempts_text(*.attempts),
        request_id_text(.request_id.as_deref()),
        if .status.is_success() {
            "the call may have taken effect: check before repeating it"
        } else {
            "the error body could not be read; try again later"
        }
    )]
    Body {
        /// The operationId of the call.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The `x-request-id` response header, when present.
        request_id: Option<String>,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },

    /// A success response whose body does not match the expected type.
    #[error(
        "{operation}: the {status} response could not be decoded: {source}; the body starts \
         with: {excerpt}{}",
        request_id_text(.request_id.as_deref())
    )]
    Decode {
        /// The operationId of the call.
        operation: &'static str,
        /// The response status.
        status: StatusCode,
        /// The `x-request-id` response header, when present.
        request_id: Option<String>,
        /// The beginning of the body (at most 512 characters, on one line).
        excerpt: String,
        /// How many attempts were made.
        attempts: u32,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },

    /// An argument cannot be sent as given (for example an empty path parameter).
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The client is misconfigured (missing API key, a base URL that is not https, …).
    #[error("invalid configuration: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },
}

fn attempts_text(attempts: u32) -> String {
    if attempts == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{attempts} attempts")
    }
}

/// An error and its causes on one line, each cause once.
pub(crate) fn chain_text(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

fn request_id_text(request_id: Option<&str>) -> String {
    request_id
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

/// The error model of an operation that declares none: [`ApiError::typed`] is always
/// `None` (read the body with [`ApiError::body_as`] or [`ApiError::body`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoErrorBody {}

/// What an error status's body can be decoded into: any `Deserialize` model, or
/// [`NoErrorBody`].
pub trait ErrorBody: Sized + fmt::Debug + Send + Sync + 'static {
    /// The body decoded, or `None` when it does not match.
    fn decode(body: &[u8]) -> Option<Self>;
}

impl<T: serde::de::DeserializeOwned + fmt::Debug + Send + Sync + 'static> ErrorBody for T {
    fn decode(body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

impl ErrorBody for NoErrorBody {
    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

/// `?` from an operation's typed error into the plain `Error` (the typed body is dropped;
/// the raw body stays readable with [`ApiError::body_as`]).
impl<E: serde::de::DeserializeOwned + fmt::Debug + Send + Sync + 'static> From<Error<E>> for Error {
    fn from(error: Error<E>) -> Self {
        error.into_untyped()
    }
}

impl Error {
    /// This error as the error of an operation with the error model `E` (an API error
    /// carries no typed body).
    pub(crate) fn typed<E>(self) -> Error<E> {
        self.map_api(|e| e.with_typed(None))
    }
}

impl<E> Error<E> {
    /// This error without its typed body: the plain `Error` (what `?` does into a function
    /// returning `Result<T, Error>`).
    pub fn into_untyped(self) -> Error {
        self.map_api(|e| e.with_typed(None))
    }

    fn map_api<F>(self, f: impl FnOnce(ApiError<E>) -> ApiError<F>) -> Error<F> {
        match self {
            Error::Api(e) => Error::Api(Box::new(f(*e))),
            Error::Timeout {
                operation,
                timeout,
                attempts,
            } => Error::Timeout {
                operation,
                timeout,
                attempts,
            },
            Error::Deadline {
                operation,
                deadline,
                attempts,
            } => Error::Deadline {
                operation,
                deadline,
                attempts,
            },
            Error::Connection {
                operation,
                host,
                message,
                attempts,
                source,
            } => Error::Connection {
                operation,
                host,
                message,
                attempts,
                source,
            },
            Error::Body {
                operation,
                status,
                request_id,
                attempts,
                source,
            } => Error::Body {
                operation,
                status,
                request_id,
                attempts,
                source,
            },
            Error::Decode {
                operation,
                status,
                request_id,
                excerpt,
                attempts,
                source,
            } => Error::Decode {
                operation,
                status,
                request_id,
                excerpt,
                attempts,
                source,
            },
            Error::InvalidInput { message } => Error::InvalidInput { message },
            Error::Config { message } => Error::Config { message },
        }
    }

    /// The HTTP status of the response, when one arrived (API, body and decode errors).
    /// `StatusCode` is re-exported by the client crate; `.as_u16()` gives the number.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } | Error::Body { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `x-request-id` of the response, when one arrived (API, body and decode errors);
    /// quote it when you contact the API's support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } | Error::Body { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// How many attempts were made, for every error of a call that sent a request; `None`
    /// for invalid input and configuration, which fail before anything is sent.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Timeout { attempts, .. }
            | Error::Deadline { attempts, .. }
            | Error::Connection { attempts, .. }
            | Error::Body { attempts, .. }
            | Error::Decode { attempts, .. } => Some(*attempts),
            Error::InvalidInput { .. } | Error::Config { .. } => None,
        }
    }

    /// The API error, when the API answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: timeouts, deadlines,
    /// connection errors, and the statuses 408, 409, 429 and 5xx. A body cut short is not:
    /// the call may have taken effect.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => retryable_status(e.status),
            Error::Timeout { .. } | Error::Deadline { .. } | Error::Connection { .. } => true,
            _ => false,
        }
    }

    /// Whether the API answered with an error status ([`Error::Api`]).
    pub fn is_api(&self) -> bool {
        matches!(self, Error::Api(_))
    }

    /// Whether an attempt or the whole call ran out of time: [`Error::Timeout`],
    /// [`Error::Deadline`], or a body that stalled past the timeout ([`Error::Body`]).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Deadline { .. } => true,
            Error::Body { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Whether the call's deadline passed ([`Error::Deadline`]).
    pub fn is_deadline(&self) -> bool {
        matches!(self, Error::Deadline { .. })
    }

    /// Whether no response arrived because of the connection ([`Error::Connection`]):
    /// DNS, TCP, TLS, or a connection lost before the response.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// Whether the connection could not be made at all (DNS, refused, TLS handshake): the
    /// request was certainly not sent.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connection { source, .. } if source.is_connect())
    }

    /// Whether the server answered but its body was cut short ([`Error::Body`]).
    pub fn is_body(&self) -> bool {
        matches!(self, Error::Body { .. })
    }

    /// Whether a success body did not match the expected type ([`Error::Decode`]).
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// Whether an argument could not be sent as given ([`Error::InvalidInput`]).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    /// Whether the client is misconfigured ([`Error::Config`]).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Config { .. })
    }
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }
}

pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// An error status from the API, with whatever the response said about it. `E` is the
/// error model the operation declares ([`NoErrorBody`] when none).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError<E = NoErrorBody> {
    /// The operationId of the call.
    pub operation: &'static str,
    /// The response status.
    pub status: StatusCode,
    /// The `x-request-id` response header, when present.
    pub request_id: Option<String>,
    /// The decoded error body, when it had the common `{"error": {…}}` shape (OpenAI's and
    /// many other APIs').
    pub body: Option<ApiErrorBody>,
    /// The beginning of the body (at most 512 characters, on one line) when it did not
    /// have that shape, such as the HTML page of a proxy's 502.
    pub excerpt: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
    /// The body decoded as the error model the operation declares, when it declares one
    /// and the body matches it (a body that does not keeps only the raw bytes and the
    /// excerpt).
    pub typed: Option<E>,
    /// The whole body, with the API key removed; read it with [`ApiError::body_as`].
    pub(crate) raw: RawBody,
}

/// A response body kept for [`ApiError::body_as`]; `Debug` shows only its length.
#[derive(Clone, PartialEq, Default)]
pub(crate) struct RawBody(pub(crate) bytes::Bytes);

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl RawBody {
    /// The body with every occurrence of a secret replaced.
    pub(crate) fn redacted(body: &bytes::Bytes, secret: &crate::auth::Secrets) -> RawBody {
        if !secret.found_in(body) {
            return RawBody(body.clone());
        }
        let text = secret.redact(&String::from_utf8_lossy(body));
        RawBody(bytes::Bytes::from(text))
    }
}

/// The `error` object of an error response of the common `{"error": {…}}` shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// A human-readable description.
    pub message: String,
    /// The error type, such as `invalid_request_error`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The parameter the error is about, if any.
    #[serde(default)]
    pub param: Option<String>,
    /// A machine-readable code, if any.
    #[serde(default, deserialize_with = "code_as_string")]
    pub code: Option<String>,
}

fn code_as_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<serde_json::Value> = serde::Deserialize::deserialize(d)?;
    Ok(match value {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

impl<E> ApiError<E> {
    /// The same error with another typed body.
    pub(crate) fn with_typed<F>(self, typed: Option<F>) -> ApiError<F> {
        ApiError {
            operation: self.operation,
            status: self.status,
            request_id: self.request_id,
            body: self.body,
            excerpt: self.excerpt,
            attempts: self.attempts,
            typed,
            raw: self.raw,
        }
    }

    /// The whole response body (with the API key, should the server echo it, replaced).
    pub fn body_bytes(&self) -> &[u8] {
        &self.raw.0
    }

    /// Decodes the response body as `T`: the error schema of an API whose errors are not of
    /// the common `{"error": {…}}` shape (for example the `Error` model a spec declares).
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.raw.0)
    }

    /// The error message of the body, or the excerpt.
    pub fn message(&self) -> Option<&str> {
        self.body
            .as_ref()
            .map(|b| b.message.as_str())
            .or(self.excerpt.as_deref())
    }

    fn hint(&self) -> &'static str {
        match self.status.as_u16() {
            400 | 422 => "check the arguments of the call",
            401 => "check the API key",
            403 => "the API key is not allowed to do this",
            404 => "check the ids in the call",
            409 => "the resource changed meanwhile; try again",
            429 => "rate limited; wait and try again, or raise ClientBuilder::max_retries",
            500..=599 => "the server failed; try again later",
            _ => "see the message above",
        }
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        match (&self.body, &self.excerpt) {
            (Some(body), _) => {
                write!(f, ": {}", body.message)?;
                let details: Vec<String> = [
                    body.kind.as_ref().map(|k| format!("type {k}")),
                    body.code.as_ref().map(|c| format!("code {c}")),
                    body.param.as_ref().map(|p| format!("param {p}")),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !details.is_empty() {
                    write!(f, " ({})", details.join(", "))?;
                }
            }
            (None, Some(excerpt)) if !excerpt.is_empty() => {
                write!(f, ": body starts with: {excerpt}")?
            }
            _ => {}
        }
        write!(f, "; {}", self.hint())?;
        write!(f, " [{}", attempts_text(self.attempts))?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        write!(f, "]")
    }
}

/// At most `max` characters of `body`, on one line, with the secrets (the API key) removed.
pub(crate) fn excerpt(body: &[u8], secret: &crate::auth::Secrets) -> String {
    const MAX: usize = 512;
    let text = secret.redact(&String::from_utf8_lossy(body));
    let mut out = String::with_capacity(text.len().min(MAX + 3));
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && (last_space || out.is_empty()) {
            continue;
        }
        last_space = c == ' ';
        if out.chars().count() >= MAX {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Secrets;

    #[test]
    fn excerpts_are_bounded_single_lines_without_the_key() {
        assert_eq!(
            excerpt(
                b"<html>\n  <body>bad\tgateway</body>\n</html>",
                &Secrets::new(vec!["k".into()])
            ),
            "<html> <body>bad gateway</body> </html>"
        );
        assert_eq!(
            excerpt(
                b"key sk-secret leaked",
                &Secrets::new(vec!["sk-secret".into()])
            ),
            "key [redacted] leaked"
        );
        let long = "x".repeat(2000);
        let e = excerpt(long.as_bytes(), &Secrets::default());
        assert_eq!(e.chars().count(), 513);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn api_error_display_is_one_actionable_line() {
        let e: ApiError = ApiError {
            operation: "getCertificate",
            status: StatusCode::NOT_FOUND,
            request_id: Some("req_1".into()),
            body: Some(ApiErrorBody {
                message: "No such certificate".into(),
                kind: Some("invalid_request_error".into()),
                param: None,
                code: Some("not_found".into()),
            }),
            excerpt: None,
            attempts: 1,
            typed: None,
            raw: RawBody::default(),
        };
        assert_eq!(
            e.to_string(),
            "getCertificate: HTTP 404 Not Found: No such certificate (type invalid_request_error, \
             code not_found); check the ids in the call [1 attempt, request id req_1]"
        );
    }
}
