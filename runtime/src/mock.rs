//! Typed test doubles for code that uses the client (the `mock` feature): a local HTTP
//! server that answers each operation as the test tells it to.
//!
//! ```text
//! let mock = MockServer::start().await;
//! let expectation = mock.get_certificate().certificate_id("cert_1").returns(certificate).await;
//! my_function(&mock.client()).await;
//! assert_eq!(expectation.calls().await, 1);
//! ```
//!
//! Each operation has a method on the generated `MockServer` that returns an `Expectation`
//! for it; its path parameters have typed matchers, and `Expectation::returns` takes the operation's
//! response type, so a test cannot answer with a body of the wrong shape. When several
//! expectations match a request, the one mounted first answers, so mount specific ones
//! (the second page of a list: `.query("after", "cert_2")`) before general ones. A request
//! that no expectation matches gets a `404`, which the client reports as an
//! [`crate::Error::Api`].
//!
//! The `MockServer` and `Expectation` types live in each generated crate (the `mock!`
//! macro defines them there, so that the generator can add its typed methods); they hold
//! this module's `ServerCore` and `ExpectationCore`.

use super::request::{ParamValue, encode_path};

/// The API key the clients of a mock server send.
pub const MOCK_API_KEY: &str = "sk-mock-key";

/// A request the mock server received.
pub use wiremock::Request;
/// A raw response for `Expectation::respond_with`: any status, headers, delay or body.
pub use wiremock::ResponseTemplate;

/// What the mock needs to know about one operation (implemented by generated code).
pub trait MockOperation {
    /// What a success returns: the type `.send().await` yields.
    type Response;
    /// The operationId, for messages.
    const OPERATION: &'static str;
    /// The HTTP method, uppercase.
    const METHOD: &'static str;
    /// The path template, `/certificates/{certificate_id}`.
    const TEMPLATE: &'static str;
    /// The status, content type and body of a success response.
    fn encode(response: &Self::Response) -> (u16, &'static str, Vec<u8>);
}

/// The server behind a generated `MockServer` (which the `mock!` macro defines).
#[doc(hidden)]
pub struct ServerCore {
    server: wiremock::MockServer,
}

impl std::fmt::Debug for ServerCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish()
    }
}

impl ServerCore {
    /// Starts a server on a free port of 127.0.0.1.
    pub async fn start() -> ServerCore {
        ServerCore {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:PORT`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// A new expectation for the operation `O`.
    pub fn expect<O: MockOperation>(&self) -> ExpectationCore<'_> {
        ExpectationCore {
            server: self,
            operation: O::OPERATION,
            matcher: RequestMatcher {
                method: O::METHOD,
                template: O::TEMPLATE,
                path_params: Vec::new(),
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
            },
            times: None,
        }
    }
}

/// What a generated `Expectation` holds: which requests it matches and how often.
#[doc(hidden)]
pub struct ExpectationCore<'s> {
    server: &'s ServerCore,
    operation: &'static str,
    matcher: RequestMatcher,
    times: Option<u64>,
}

impl std::fmt::Debug for ExpectationCore<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expectation")
            .field("method", &self.matcher.method)
            .field("template", &self.matcher.template)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'s> ExpectationCore<'s> {
    /// Only requests whose path parameter `name` is `value`, written after `prefix` (the
    /// `.` of `label` style, the `;name=` of `matrix` style) as the client writes it.
    pub fn path_param(
        mut self,
        name: &'static str,
        prefix: &str,
        value: &(impl ParamValue + ?Sized),
    ) -> Self {
        let encoded = encode_path(name, value).unwrap_or_default();
        self.matcher
            .path_params
            .push((name, format!("{prefix}{encoded}")));
        self
    }

    /// Only requests whose query string has `name=value`.
    pub fn query(mut self, name: String, value: String) -> Self {
        self.matcher.query.push((name, value));
        self
    }

    /// Only requests that carry header `name: value`.
    pub fn header(mut self, name: String, value: String) -> Self {
        self.matcher
            .headers
            .push((name.to_ascii_lowercase(), value));
        self
    }

    /// Only requests whose JSON body contains `body`.
    pub fn body(mut self, body: &impl serde::Serialize) -> Self {
        self.matcher.body = Some(serde_json::to_value(body).expect("a serializable body"));
        self
    }

    /// The number of calls the test expects.
    pub fn times(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }

    /// Answers with a success of the operation `O`.
    pub async fn returns<O: MockOperation>(self, response: &O::Response) -> MockHandle {
        let (status, content_type, body) = O::encode(response);
        let template = wiremock::ResponseTemplate::new(status).set_body_raw(body, content_type);
        self.respond_with(template).await
    }

    /// Answers `status` with an error body of the common shape
    /// (`{"error": {"message", "type", "param", "code"}}`).
    pub async fn returns_error(self, status: u16, kind: &str, message: &str) -> MockHandle {
        let body = serde_json::json!({
            "error": {"message": message, "type": kind, "param": null, "code": null}
        });
        self.respond_with(wiremock::ResponseTemplate::new(status).set_body_json(body))
            .await
    }

    /// Answers with anything.
    pub async fn respond_with(self, template: wiremock::ResponseTemplate) -> MockHandle {
        let mut mock = wiremock::Mock::given(self.matcher)
            .respond_with(template)
            .named(self.operation);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        MockHandle {
            guard: mock.mount_as_scoped(&self.server.server).await,
        }
    }
}

/// A mounted expectation. It answers until it is dropped; dropping it checks
/// `Expectation::times`.
#[must_use = "the expectation is removed when its handle is dropped"]
pub struct MockHandle {
    guard: wiremock::MockGuard,
}

impl std::fmt::Debug for MockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHandle").finish_non_exhaustive()
    }
}

impl MockHandle {
    /// How many requests this expectation answered.
    pub async fn calls(&self) -> usize {
        self.guard.received_requests().await.len()
    }

    /// The requests this expectation answered, in order.
    pub async fn requests(&self) -> Vec<wiremock::Request> {
        self.guard.received_requests().await
    }
}

/// Matches method, path template with parameter values, query pairs, headers and a partial
/// JSON body.
struct RequestMatcher {
    method: &'static str,
    template: &'static str,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<serde_json::Value>,
}

impl wiremock::Match for RequestMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        request.method.as_str() == self.method
            && self.path_matches(request.url.path())
            && self.query.iter().all(|(name, value)| {
                request
                    .url
                    .query_pairs()
                    .any(|(n, v)| n == name.as_str() && v == value.as_str())
            })
            && self.headers.iter().all(|(name, value)| {
                request
                    .headers
                    .get_all(name.as_str())
                    .iter()
                    .any(|v| v.as_bytes() == value.as_bytes())
            })
            && self.body.as_ref().is_none_or(|expected| {
                serde_json::from_slice::<serde_json::Value>(&request.body)
                    .is_ok_and(|actual| contains(&actual, expected))
            })
    }
}

impl RequestMatcher {
    /// Whether `path` is the template (the part after the server's base path) with each
    /// parameter one segment, equal to the given value where one was given.
    fn path_matches(&self, path: &str) -> bool {
        let template = self.template.split('?').next().unwrap_or_default();
        let mut actual = path.split('/').filter(|s| !s.is_empty());
        for expected in template.split('/').filter(|s| !s.is_empty()) {
            let Some(segment) = actual.next() else {
                return false;
            };
            match expected.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => {
                    let wanted = self.path_params.iter().find(|(n, _)| *n == name);
                    if wanted.is_some_and(|(_, value)| value != segment) {
                        return false;
                    }
                }
                None if expected != segment => return false,
                None => {}
            }
        }
        actual.next().is_none()
    }
}

/// Whether `actual` holds everything in `expected` (objects: each expected key, recursively;
/// anything else: equality).
fn contains(actual: &serde_json::Value, expected: &serde_json::Value) -> bool {
    match (actual, expected) {
        (serde_json::Value::Object(a), serde_json::Value::Object(e)) => e
            .iter()
            .all(|(key, value)| a.get(key).is_some_and(|v| contains(v, value))),
        _ => actual == expected,
    }
}

/// A JSON body (generated `MockOperation` impls call this).
pub fn json_body(status: u16, response: &impl serde::Serialize) -> (u16, &'static str, Vec<u8>) {
    (
        status,
        "application/json",
        serde_json::to_vec(response).expect("a serializable response"),
    )
}

/// Defines a generated crate's `MockServer` and `Expectation` (in its `mock` module), given
/// the paths of its `Client` and `ClientBuilder`. The generator adds a method per operation
/// to `MockServer` and a typed matcher per path parameter to `Expectation`.
#[doc(hidden)]
#[macro_export]
macro_rules! mock {
    ($client:path, $builder:path) => {
        /// A local server that stands in for the API in tests. Dropping it shuts it down and
        /// checks every expectation set with [`Expectation::times`].
        pub struct MockServer {
            core: $crate::mock::ServerCore,
        }

        impl ::core::fmt::Debug for MockServer {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.core, f)
            }
        }

        impl MockServer {
            /// Starts a server on a free port of 127.0.0.1.
            pub async fn start() -> MockServer {
                MockServer {
                    core: $crate::mock::ServerCore::start().await,
                }
            }

            /// The server's base URL (`http://127.0.0.1:PORT`).
            pub fn uri(&self) -> ::std::string::String {
                self.core.uri()
            }

            /// A client builder pointed at this server, with [`MOCK_API_KEY`] and no
            /// retries, for tests that want to change more (retries, timeouts, headers).
            pub fn client_builder(&self) -> $builder {
                <$client>::builder()
                    .mock_credentials($crate::mock::MOCK_API_KEY)
                    .base_url(self.uri())
                    .max_retries(0)
            }

            /// A client pointed at this server.
            pub fn client(&self) -> $client {
                self.client_builder()
                    .build()
                    .expect("a loopback base URL and a key are a valid configuration")
            }

            /// Every request the server received, in order, whether an expectation matched
            /// it or not.
            pub async fn received_requests(&self) -> ::std::vec::Vec<$crate::mock::Request> {
                self.core.received_requests().await
            }

            /// The expectation for an operation (generated methods call this).
            pub fn expect<O: $crate::mock::MockOperation>(&self) -> Expectation<'_, O> {
                Expectation {
                    core: self.core.expect::<O>(),
                    operation: ::core::marker::PhantomData,
                }
            }
        }

        /// How the mock should answer one operation, and which of its requests to answer.
        #[must_use = "an expectation does nothing until it is mounted with `.returns(…).await` or another responder"]
        pub struct Expectation<'s, O> {
            core: $crate::mock::ExpectationCore<'s>,
            operation: ::core::marker::PhantomData<fn() -> O>,
        }

        impl<O> ::core::fmt::Debug for Expectation<'_, O> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.core, f)
            }
        }

        impl<O: $crate::mock::MockOperation> Expectation<'_, O> {
            /// Only requests whose path parameter `name` is `value`, written after `prefix`
            /// as the client writes it (generated typed matchers call this).
            #[doc(hidden)]
            pub fn path_param(
                self,
                name: &'static str,
                prefix: &str,
                value: &(impl $crate::__private::ParamValue + ?Sized),
            ) -> Self {
                Expectation {
                    core: self.core.path_param(name, prefix, value),
                    operation: self.operation,
                }
            }

            /// Only requests whose query string has `name=value` (as decoded from the URL).
            pub fn query(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                Expectation {
                    core: self.core.query(name.into(), value.into()),
                    operation: self.operation,
                }
            }

            /// Only requests that carry header `name: value`.
            pub fn header(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                Expectation {
                    core: self.core.header(name.into(), value.into()),
                    operation: self.operation,
                }
            }

            /// Only requests whose JSON body contains `body`: every field given here must be
            /// present with this value; other fields may be there too.
            pub fn body(self, body: &impl $crate::__private::serde::Serialize) -> Self {
                Expectation {
                    core: self.core.body(body),
                    operation: self.operation,
                }
            }

            /// The number of calls the test expects; dropping the server or the returned
            /// [`MockHandle`] panics when it was not met.
            pub fn times(self, times: u64) -> Self {
                Expectation {
                    core: self.core.times(times),
                    operation: self.operation,
                }
            }

            /// Answers with `response`, as the API would: status `200` (or the status of the
            /// response's variant, for operations whose statuses have different bodies).
            pub async fn returns(self, response: O::Response) -> $crate::mock::MockHandle {
                self.core.returns::<O>(&response).await
            }

            /// Answers `status` with an error body of the common shape
            /// (`{"error": {"message", "type", "param", "code"}}`).
            pub async fn returns_error(
                self,
                status: u16,
                kind: &str,
                message: &str,
            ) -> $crate::mock::MockHandle {
                self.core.returns_error(status, kind, message).await
            }

            /// Answers with anything: a status, headers (`x-request-id`, `retry-after`), a
            /// delay, a malformed body.
            pub async fn respond_with(
                self,
                template: $crate::mock::ResponseTemplate,
            ) -> $crate::mock::MockHandle {
                self.core.respond_with(template).await
            }
        }
    };
}
