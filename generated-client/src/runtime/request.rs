//! One request as the generated code describes it, and one response as the caller gets it.

use super::{Error, Result};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

/// A request ready to send: method, path (already encoded), query, headers and body.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// The operationId, for errors and logs.
    pub(crate) operation: &'static str,
    /// The path template, for logs (never holds argument values).
    #[allow(dead_code)] // Read by logging and tests.
    pub(crate) path_template: &'static str,
    /// The path with its parameters encoded.
    pub(crate) path: String,
    /// The query string, encoded, without the `?`.
    pub(crate) query: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Bytes>,
}

/// Characters kept as they are in a path segment: RFC 3986's unreserved set.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters kept as they are in a query name or value: unreserved, plus `[` and `]` so
/// that `include[]=content` goes out as the API's reference shows it.
const QUERY_COMPONENT: &AsciiSet = &PATH_SEGMENT.remove(b'[').remove(b']');

impl Request {
    pub(crate) fn new(
        method: Method,
        operation: &'static str,
        path_template: &'static str,
        path: String,
    ) -> Self {
        Request {
            method,
            operation,
            path_template,
            path,
            query: String::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    fn start_pair(&mut self, name: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query
            .extend(utf8_percent_encode(name, QUERY_COMPONENT));
        self.query.push('=');
    }

    /// Adds `name=value` for each value (nothing for `None`, one pair per item of a list).
    pub(crate) fn query(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        value.for_each_value(&mut |v| {
            self.start_pair(name);
            self.query.extend(utf8_percent_encode(v, QUERY_COMPONENT));
        });
    }

    /// Adds one `name=a,b,c` pair for a list, the commas unencoded (nothing when there are
    /// no values).
    #[allow(dead_code)] // Used by generated code for `explode: false` parameters.
    pub(crate) fn query_joined(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        let mut first = true;
        value.for_each_value(&mut |v| {
            if first {
                self.start_pair(name);
                first = false;
            } else {
                self.query.push(',');
            }
            self.query.extend(utf8_percent_encode(v, QUERY_COMPONENT));
        });
    }

    /// Adds a header (values of a list are joined with `,`; nothing for `None`).
    #[allow(dead_code)] // Used by generated code for header parameters.
    pub(crate) fn header(
        &mut self,
        name: &'static str,
        value: &(impl ParamValue + ?Sized),
    ) -> Result<()> {
        let mut joined: Option<String> = None;
        value.for_each_value(&mut |v| match &mut joined {
            Some(j) => {
                j.push(',');
                j.push_str(v);
            }
            None => joined = Some(v.to_owned()),
        });
        let Some(joined) = joined else { return Ok(()) };
        let header_value = HeaderValue::from_str(&joined).map_err(|_| {
            Error::invalid_input(format!(
                "{}: the value of header `{name}` contains characters a header cannot carry",
                self.operation
            ))
        })?;
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid_input(format!("`{name}` is not a valid header name")))?;
        self.headers.push((header_name, header_value));
        Ok(())
    }

    /// Sets a JSON body.
    pub(crate) fn json(&mut self, body: &impl serde::Serialize) -> Result<()> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_input(format!(
                "{}: the request body cannot be encoded as JSON: {e}",
                self.operation
            ))
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(())
    }
}

/// Percent-encodes a path parameter as exactly one path segment: `a/b?c#d` becomes
/// `a%2Fb%3Fc%23d` and `%2F` becomes `%252F`. Empty values and the dot segments `.` and `..`
/// (which URL normalisation would remove or resolve) are refused.
pub(crate) fn encode_path(name: &str, value: &(impl ParamValue + ?Sized)) -> Result<String> {
    let mut joined = String::new();
    let mut first = true;
    value.for_each_value(&mut |v| {
        if !first {
            joined.push(',');
        }
        first = false;
        joined.push_str(v);
    });
    if joined.is_empty() || joined == "." || joined == ".." {
        return Err(Error::invalid_input(format!(
            "path parameter `{name}` cannot be {:?}: it would not name one path segment",
            joined
        )));
    }
    Ok(utf8_percent_encode(&joined, PATH_SEGMENT).to_string())
}

/// A value that can travel in a path, query or header: scalars, string enums, and (outside
/// the path) lists and options of them.
pub(crate) trait ParamValue {
    /// Calls `f` with each value as text.
    fn for_each_value(&self, f: &mut dyn FnMut(&str));
}

impl ParamValue for str {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl ParamValue for String {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                f(&self.to_string())
            }
        }
    )*};
}
display_param!(bool, i32, i64, u64, f32, f64);

impl<T: ParamValue> ParamValue for Option<T> {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.for_each_value(f)
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
        for v in self {
            v.for_each_value(f)
        }
    }
}

/// A decoded response with its status and headers: what `send_with_meta()` returns.
/// It dereferences to the decoded body.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: HeaderMap,
    data: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, data: T) -> Self {
        ApiResponse {
            status,
            headers,
            data,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header: quote it when you contact OpenAI support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }

    /// The decoded body.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The decoded body, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.data
    }
}

impl<T> std::ops::Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_one_segment() {
        for (input, expected) in [
            ("cert_abc", "cert_abc"),
            ("../projects/x", "..%2Fprojects%2Fx"),
            ("a/b?c#d", "a%2Fb%3Fc%23d"),
            ("%2F", "%252F"),
            ("sp ace", "sp%20ace"),
            ("ünï", "%C3%BCn%C3%AF"),
        ] {
            assert_eq!(encode_path("id", input).unwrap(), expected, "{input}");
        }
        for bad in ["", ".", ".."] {
            assert!(
                matches!(encode_path("id", bad), Err(Error::InvalidInput { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn query_pairs() {
        let mut r = Request::new(Method::GET, "op", "/x", "/x".into());
        r.query(
            "include[]",
            &Some(vec!["content".to_owned(), "a&b=c".to_owned()]),
        );
        r.query("limit", &Some(5i64));
        r.query("after", &None::<String>);
        r.query_joined("ids", &vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(
            r.query,
            "include[]=content&include[]=a%26b%3Dc&limit=5&ids=a,b"
        );
    }
}
