//! One request as the generated code describes it, and one response as the caller gets it.

use super::{Error, Result};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

/// A request ready to send: method, path (already encoded), query, headers and body.
#[derive(Debug, Clone)]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The operationId, for errors and logs.
    pub operation: &'static str,
    /// The path template, for logs (never holds argument values).
    pub path_template: &'static str,
    /// The path with its parameters encoded.
    pub path: String,
    /// The query string, encoded, without the `?`.
    pub query: String,
    /// Header parameters.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The body and its content type.
    pub body: Option<(HeaderValue, Bytes)>,
    /// Cookie parameters, already `name=value`.
    cookies: Vec<String>,
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
    /// A request of `operation` (its operationId) for `path` (encoded), made from the
    /// template `path_template`.
    pub fn new(
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
            cookies: Vec::new(),
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
    pub fn query(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        value.for_each_value(&mut |v| {
            self.start_pair(name);
            self.query.extend(utf8_percent_encode(v, QUERY_COMPONENT));
        });
    }

    /// Adds one pair for a list, its values joined by `separator` (`,` for `explode: false`,
    /// a space for `spaceDelimited`, `|` for `pipeDelimited`); nothing when there are no
    /// values.
    pub fn query_joined(
        &mut self,
        name: &str,
        value: &(impl ParamValue + ?Sized),
        separator: &str,
    ) {
        let mut first = true;
        value.for_each_value(&mut |v| {
            if first {
                self.start_pair(name);
                first = false;
            } else if separator == "," {
                // RFC 6570 form style keeps the commas between values as they are.
                self.query.push(',');
            } else {
                self.query
                    .extend(utf8_percent_encode(separator, QUERY_COMPONENT));
            }
            self.query.extend(utf8_percent_encode(v, QUERY_COMPONENT));
        });
    }

    fn push_pair(&mut self, name: &str, value: &str) {
        self.start_pair(name);
        self.query
            .extend(utf8_percent_encode(value, QUERY_COMPONENT));
    }

    /// An object as its own pairs (`style: form`, exploded): `k1=v1&k2=v2`; nested values
    /// are sent as JSON text.
    pub fn query_object(&mut self, value: &impl serde::Serialize) -> Result<()> {
        if let serde_json::Value::Object(map) = self.to_json(value)? {
            for (key, v) in map {
                for text in scalar_texts(&v) {
                    self.push_pair(&key, &text);
                }
            }
        }
        Ok(())
    }

    /// `style: deepObject`: `name[key]=value`, nested as `name[a][b]=value`, list items as
    /// `name[key][]=value`.
    pub fn query_deep(&mut self, name: &str, value: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(value)?;
        let mut pairs = Vec::new();
        flatten_brackets(name.to_owned(), &value, &mut pairs);
        for (key, v) in pairs {
            self.push_pair(&key, &v);
        }
        Ok(())
    }

    /// A parameter described by `content: application/json`: its JSON text.
    pub fn query_json(&mut self, name: &str, value: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(value)?;
        if !value.is_null() {
            self.push_pair(name, &value.to_string());
        }
        Ok(())
    }

    /// A cookie parameter (all of them travel in one `Cookie` header).
    pub fn cookie(&mut self, name: &str, value: &(impl ParamValue + ?Sized)) {
        if let Some(v) = joined(value) {
            self.cookies.push(format!(
                "{}={}",
                utf8_percent_encode(name, QUERY_COMPONENT),
                utf8_percent_encode(&v, QUERY_COMPONENT)
            ));
        }
    }

    /// The `Cookie` header of the cookie parameters, if any.
    pub(crate) fn cookie_header(&self) -> Option<HeaderValue> {
        if self.cookies.is_empty() {
            return None;
        }
        HeaderValue::from_str(&self.cookies.join("; ")).ok()
    }

    fn to_json(&self, value: &impl serde::Serialize) -> Result<serde_json::Value> {
        serde_json::to_value(value).map_err(|e| {
            Error::invalid_input(format!(
                "{}: a parameter cannot be encoded: {e}",
                self.operation
            ))
        })
    }

    /// Adds a header (values of a list are joined with `,`; nothing for `None`).
    pub fn header(&mut self, name: &'static str, value: &(impl ParamValue + ?Sized)) -> Result<()> {
        let Some(joined) = joined(value) else {
            return Ok(());
        };
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

    /// Sets a JSON body (`application/json`).
    pub fn json(&mut self, body: &impl serde::Serialize) -> Result<()> {
        self.json_as("application/json", body)
    }

    /// Sets a JSON body with another JSON media type (`application/merge-patch+json`, …).
    pub fn json_as(
        &mut self,
        content_type: &'static str,
        body: &impl serde::Serialize,
    ) -> Result<()> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_input(format!(
                "{}: the request body cannot be encoded as JSON: {e}",
                self.operation
            ))
        })?;
        self.body = Some((HeaderValue::from_static(content_type), Bytes::from(bytes)));
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body: each field as `name=value`, lists
    /// as repeated pairs, objects in brackets (`name[key]=value`).
    pub fn form(&mut self, body: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(body)?;
        self.body = Some((
            HeaderValue::from_static("application/x-www-form-urlencoded"),
            Bytes::from(form_encoded(&value)),
        ));
        Ok(())
    }

    /// Appends text that is the whole query string, or a part of it of its own (OpenAPI
    /// 3.2's `in: querystring`), percent-encoded; nothing for `None`.
    pub fn query_string(&mut self, value: &(impl ParamValue + ?Sized)) {
        if let Some(text) = joined(value) {
            self.append_query(&utf8_percent_encode(&text, QUERY_COMPONENT).to_string());
        }
    }

    /// The query string as `application/x-www-form-urlencoded` writes an object (as
    /// [`Request::form`] writes a body); nothing for `None`.
    pub fn query_string_form(&mut self, value: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(value)?;
        self.append_query(&form_encoded(&value));
        Ok(())
    }

    /// The query string as a value's JSON text, percent-encoded; nothing for `None`.
    pub fn query_string_json(&mut self, value: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(value)?;
        if !value.is_null() {
            self.query_string(&value.to_string());
        }
        Ok(())
    }

    fn append_query(&mut self, encoded: &str) {
        if encoded.is_empty() {
            return;
        }
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(encoded);
    }

    /// Sets a `multipart/form-data` body.
    #[cfg(feature = "multipart")]
    pub fn multipart(&mut self, form: crate::multipart::Multipart) {
        let (content_type, bytes) = form.finish();
        self.body = HeaderValue::from_str(&content_type)
            .ok()
            .map(|ct| (ct, bytes));
    }

    /// Sets a body of raw bytes with its media type.
    pub fn raw(&mut self, content_type: &'static str, body: Bytes) {
        self.body = Some((HeaderValue::from_static(content_type), body));
    }

    /// This request, asking for a `text/event-stream` response.
    pub fn event_stream(mut self) -> Self {
        self.accept_event_stream();
        self
    }

    /// Asks for a response of media type `media` (`Accept`).
    pub fn accept(&mut self, media: &'static str) {
        self.headers
            .push((reqwest::header::ACCEPT, HeaderValue::from_static(media)));
    }

    /// Asks for a `text/event-stream` response.
    pub fn accept_event_stream(&mut self) {
        self.headers.push((
            reqwest::header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        ));
    }

    /// Adds a header holding a value's JSON text.
    pub fn header_json(&mut self, name: &'static str, value: &impl serde::Serialize) -> Result<()> {
        let value = self.to_json(value)?;
        if value.is_null() {
            return Ok(());
        }
        self.header(name, &value.to_string())
    }
}

/// An object as `application/x-www-form-urlencoded` pairs: each field as `name=value`, lists
/// of scalars as repeated pairs, objects in brackets (`name[key]=value`); empty for
/// anything but an object.
fn form_encoded(value: &serde_json::Value) -> String {
    let mut encoded = String::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            let mut pairs = Vec::new();
            match v {
                serde_json::Value::Array(items)
                    if items.iter().all(|i| !i.is_object() && !i.is_array()) =>
                {
                    pairs.extend(
                        items
                            .iter()
                            .flat_map(scalar_texts)
                            .map(|t| (key.clone(), t)),
                    );
                }
                _ => flatten_brackets(key.clone(), v, &mut pairs),
            }
            for (k, text) in pairs {
                if !encoded.is_empty() {
                    encoded.push('&');
                }
                encoded.extend(utf8_percent_encode(&k, QUERY_COMPONENT));
                encoded.push('=');
                encoded.extend(utf8_percent_encode(&text, QUERY_COMPONENT));
            }
        }
    }
    encoded
}

/// The texts of a scalar (or of each scalar item of a list); `null` gives none, objects
/// give their JSON text.
pub(crate) fn scalar_texts(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Bool(b) => vec![b.to_string()],
        serde_json::Value::Number(n) => vec![n.to_string()],
        serde_json::Value::Array(items) => items.iter().flat_map(scalar_texts).collect(),
        serde_json::Value::Object(_) => vec![value.to_string()],
    }
}

/// `name[key]=value` pairs of a value, nested objects as `name[a][b]`, lists as `name[]`
/// (lists of objects as `name[0][key]`).
fn flatten_brackets(name: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                flatten_brackets(format!("{name}[{key}]"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() || v.is_array() {
                    flatten_brackets(format!("{name}[{i}]"), v, out);
                } else {
                    flatten_brackets(format!("{name}[]"), v, out);
                }
            }
        }
        scalar => out.extend(scalar_texts(scalar).into_iter().map(|t| (name.clone(), t))),
    }
}

/// The values of a parameter joined by `,` (header and cookie style), `None` when it has none.
fn joined(value: &(impl ParamValue + ?Sized)) -> Option<String> {
    let mut joined: Option<String> = None;
    value.for_each_value(&mut |v| match &mut joined {
        Some(j) => {
            j.push(',');
            j.push_str(v);
        }
        None => joined = Some(v.to_owned()),
    });
    joined
}

/// Percent-encodes a path parameter as exactly one path segment: `a/b?c#d` becomes
/// `a%2Fb%3Fc%23d` and `%2F` becomes `%252F`. Empty values and the dot segments `.` and `..`
/// (which URL normalisation would remove or resolve) are refused.
pub fn encode_path(name: &str, value: &(impl ParamValue + ?Sized)) -> Result<String> {
    // Encoded straight into the result (the comma that joins list items is encoded too),
    // with just enough of the raw value kept to refuse the dot segments.
    let mut encoded = String::new();
    let mut raw_len = 0;
    let mut dots_only = true;
    let mut first = true;
    value.for_each_value(&mut |v| {
        if !first {
            encoded.push_str("%2C");
            raw_len += 1;
            dots_only = false;
        }
        first = false;
        encoded.extend(utf8_percent_encode(v, PATH_SEGMENT));
        raw_len += v.len();
        dots_only &= v.bytes().all(|b| b == b'.');
    });
    if raw_len == 0 || (dots_only && raw_len <= 2) {
        return Err(Error::invalid_input(format!(
            "path parameter `{name}` cannot be {:?}: it would not name one path segment",
            ".".repeat(raw_len)
        )));
    }
    Ok(encoded)
}

/// A value that can travel in a path, query or header: scalars, string enums, and (outside
/// the path) lists and options of them.
pub trait ParamValue {
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

    /// The `x-request-id` header: quote it when you contact the API's support.
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

/// The method named `name`, for those `Method` has no constant for (`QUERY`, `COPY`): the
/// generator only writes valid method names, so the error is for completeness.
pub fn method(name: &'static str) -> Result<Method> {
    Method::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid_input(format!("`{name}` is not an HTTP method name")))
}

/// Whether a request with `method` may be repeated without changing its effect (RFC 9110
/// §9.2.2, and `QUERY`, which is safe): what a retry policy that tells writes from reads
/// asks.
#[allow(dead_code)] // for the retry policy, which does not tell methods apart yet
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        method.as_str(),
        "GET" | "HEAD" | "OPTIONS" | "TRACE" | "PUT" | "DELETE" | "QUERY"
    )
}

/// A value's JSON text (for parameters described by `content: application/json` in a path
/// or a cookie).
pub fn json_text(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_input(format!("a parameter cannot be encoded as JSON: {e}")))
}

/// A parameter value that no standard style writes, as text: its scalars (a string as
/// it is, numbers and booleans as written in JSON) joined by commas, an object as its JSON
/// text; `None` for an absent value.
pub fn plain_text(value: &impl serde::Serialize) -> Result<Option<String>> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::invalid_input(format!("a parameter cannot be encoded: {e}")))?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(scalar_texts(&value).join(",")))
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
        // Lists are comma-joined before encoding, so the comma is encoded too; `...` and a
        // list of dots are ordinary segments.
        let list = vec!["a".to_owned(), "b/c".to_owned()];
        assert_eq!(encode_path("ids", &list).unwrap(), "a%2Cb%2Fc");
        let with_empty = vec![String::new(), "a".to_owned()];
        assert_eq!(encode_path("ids", &with_empty).unwrap(), "%2Ca");
        assert_eq!(encode_path("id", "...").unwrap(), "...");
        let dots = vec![".".to_owned(), ".".to_owned()];
        assert_eq!(encode_path("ids", &dots).unwrap(), ".%2C.");
        let empty: Vec<String> = Vec::new();
        assert!(encode_path("ids", &empty).is_err());
    }

    #[test]
    fn object_parameters_and_form_bodies() {
        let mut r = Request::new(Method::GET, "op", "/x", "/x".into());
        // Keys in alphabetical order: without serde_json's `preserve_order`, objects are sorted.
        let metadata = serde_json::json!({"range": {"gte": 1}, "tags": ["x", "y"], "team": "a b"});
        r.query_deep("metadata", &metadata).unwrap();
        r.query_object(&serde_json::json!({"gt": 5, "lt": null}))
            .unwrap();
        r.query_json("filter", &serde_json::json!({"a": [1]}))
            .unwrap();
        r.query_joined("piped", &vec!["a".to_owned(), "b".to_owned()], "|");
        r.query_joined("spaced", &vec!["a".to_owned(), "b".to_owned()], " ");
        assert_eq!(
            r.query,
            "metadata[range][gte]=1&metadata[tags][]=x&metadata[tags][]=y&metadata[team]=a%20b&gt=5\
             &filter=%7B%22a%22%3A[1]%7D&piped=a%7Cb&spaced=a%20b"
        );
        r.form(&serde_json::json!({"ids": [1, 2], "meta": {"k": "v"}, "name": "n", "none": null}))
            .unwrap();
        let (content_type, body) = r.body.clone().unwrap();
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(body, "ids=1&ids=2&meta[k]=v&name=n");
        r.cookie("session", "a;b");
        r.cookie("theme", &Some("dark".to_owned()));
        assert_eq!(r.cookie_header().unwrap(), "session=a%3Bb; theme=dark");
    }

    #[test]
    fn whole_query_strings() {
        let mut r = Request::new(Method::GET, "op", "/x", "/x".into());
        r.query_string_form(&serde_json::json!({"q": "a b&c", "tags": ["x", "y"], "none": null}))
            .unwrap();
        assert_eq!(r.query, "q=a%20b%26c&tags=x&tags=y");
        let mut r = Request::new(Method::GET, "op", "/x", "/x".into());
        r.query("fixed", "1");
        r.query_string("$.a[?(@.b=='c')]");
        assert_eq!(r.query, "fixed=1&%24.a[%3F%28%40.b%3D%3D%27c%27%29]");
        let mut r = Request::new(Method::GET, "op", "/x", "/x".into());
        r.query_string_json(&serde_json::json!({"a": 1})).unwrap();
        r.query_string_json(&None::<i32>).unwrap();
        r.query_string(&None::<String>);
        assert_eq!(r.query, "%7B%22a%22%3A1%7D");
    }

    #[test]
    fn custom_methods() {
        assert_eq!(method("QUERY").unwrap().as_str(), "QUERY");
        assert_eq!(method("COPY").unwrap().as_str(), "COPY");
        assert!(matches!(
            method("BAD METHOD"),
            Err(Error::InvalidInput { .. })
        ));
        for idempotent in ["GET", "QUERY", "PUT", "DELETE"] {
            assert!(is_idempotent(&method_of(idempotent)), "{idempotent}");
        }
        for not in ["POST", "PATCH", "COPY"] {
            assert!(!is_idempotent(&method_of(not)), "{not}");
        }
    }

    fn method_of(name: &str) -> Method {
        Method::from_bytes(name.as_bytes()).unwrap()
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
        r.query_joined("ids", &vec!["a".to_owned(), "b".to_owned()], ",");
        assert_eq!(
            r.query,
            "include[]=content&include[]=a%26b%3Dc&limit=5&ids=a,b"
        );
    }
}

#[cfg(test)]
mod plain_text_tests {
    use super::plain_text;
    use serde_json::json;

    #[test]
    fn scalars_as_text_lists_joined_objects_as_json() {
        assert_eq!(
            plain_text(&json!("main.yml")).unwrap().as_deref(),
            Some("main.yml")
        );
        assert_eq!(plain_text(&json!(42)).unwrap().as_deref(), Some("42"));
        assert_eq!(plain_text(&json!(true)).unwrap().as_deref(), Some("true"));
        assert_eq!(
            plain_text(&json!(["a", 1])).unwrap().as_deref(),
            Some("a,1")
        );
        assert_eq!(
            plain_text(&json!({"k": 1})).unwrap().as_deref(),
            Some(r#"{"k":1}"#)
        );
        assert_eq!(plain_text(&None::<String>).unwrap(), None);
    }
}
