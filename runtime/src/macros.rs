//! The macros generated code calls: they define, in the generated crate, the types that
//! the generator extends (its `Client`, to which every operation is added) and the trait
//! implementations every open string enum and request builder shares.

/// Defines the generated crate's `Client` and `ClientBuilder` for one API, around this
/// crate's transport: `client!(API, credentials_env, base_url_env, default_base_url)`, where
/// `API` is the API's [`ApiInfo`](crate::__private::ApiInfo) and the literals are for the
/// docs: the variables the credentials are read from (in words), and two fields of `API`.
/// Generated code calls it once, in its root module, adds every operation to `Client` as a
/// method, and a setter per security scheme to `ClientBuilder` (on the transport builder's
/// `credential`, `token_source` and `client_credentials`).
///
/// ```
/// use apigen_runtime::__private::{ApiInfo, SchemeKind, SecurityScheme};
///
/// const API: ApiInfo = ApiInfo {
///     title: "Example API",
///     default_base_url: "https://api.example.com/v1",
///     base_url_env: "EXAMPLE_BASE_URL",
///     schemes: &[SecurityScheme {
///         name: "bearerAuth",
///         kind: SchemeKind::Http { scheme: "Bearer" },
///         env: "EXAMPLE_API_KEY",
///         setter: "api_key",
///     }],
///     security: &[&[&[0]]],
///     operation_security: &[],
///     operations: 0,
///     user_agent: "example/1.0",
///     idempotency_header: None,
/// };
/// apigen_runtime::client!(API, "the API key from `EXAMPLE_API_KEY`", "EXAMPLE_BASE_URL", "https://api.example.com/v1");
///
/// impl ClientBuilder {
///     pub fn api_key(self, key: impl Into<String>) -> Self {
///         ClientBuilder { inner: self.inner.credential(0, key) }
///     }
/// }
///
/// let client = Client::builder().api_key("sk-test").build().unwrap();
/// assert_eq!(client.base_url(), "https://api.example.com/v1");
/// assert!(Client::builder().build().is_err(), "the key is required");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! client {
    ($api:path, $credentials_env:literal, $base_url_env:literal, $default_base_url:literal $(,)?) => {
        /// The API client. Cheap to clone (clones share one connection pool), `Send` and
        /// `Sync`.
        ///
        /// Build one with [`Client::from_env`] or [`Client::builder`]; every operation is a
        /// method that returns a request builder.
        #[derive(Clone)]
        pub struct Client {
            transport: $crate::__private::Transport,
        }

        impl ::core::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                self.transport.debug("Client", f)
            }
        }

        impl Client {
            #[doc = ::core::concat!(
                                                "A client configured from the environment: ",
                                                $credentials_env,
                                                " and the base URL from `",
                                                $base_url_env,
                                                "` (default `",
                                                $default_base_url,
                                                "`)."
                                            )]
            pub fn from_env() -> $crate::Result<Self> {
                ClientBuilder::from_env()?.build()
            }

            /// A builder with the defaults: the spec's server URL, a 10-minute timeout, 2
            /// retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }
        }

        /// Configures a [`Client`]. Every setting has a default except the credentials.
        #[derive(Clone)]
        #[must_use]
        pub struct ClientBuilder {
            inner: $crate::__private::TransportBuilder,
        }

        impl ::core::fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.inner, f)
            }
        }

        impl ::core::default::Default for ClientBuilder {
            fn default() -> Self {
                Self::new()
            }
        }

        impl ClientBuilder {
            /// The defaults: the spec's server URL, a 10-minute timeout, 2 retries, no
            /// credentials yet.
            pub fn new() -> Self {
                ClientBuilder {
                    inner: $crate::__private::TransportBuilder::new(&$api),
                }
            }

            #[doc = ::core::concat!(
                                                "The defaults, with ",
                                                $credentials_env,
                                                " and the base URL from `",
                                                $base_url_env,
                                                "` (when set); other settings can still be changed."
                                            )]
            pub fn from_env() -> $crate::Result<Self> {
                ::core::result::Result::Ok(ClientBuilder {
                    inner: $crate::__private::TransportBuilder::from_env(&$api)?,
                })
            }

            /// The same credential for every security scheme, for the typed mock server.
            /// Hidden, and not part of the supported API.
            #[doc(hidden)]
            pub fn mock_credentials(self, key: &str) -> Self {
                ClientBuilder {
                    inner: self.inner.mock_credentials(key),
                }
            }

            /// The base URL. It must be `https`, except on a loopback host (`localhost`,
            /// `127.0.0.1`, `::1`) for tests and local proxies.
            pub fn base_url(self, url: impl ::core::convert::Into<::std::string::String>) -> Self {
                ClientBuilder {
                    inner: self.inner.base_url(url.into()),
                }
            }

            /// How long one attempt may take, from sending to the last byte of the body
            /// (default 10 minutes).
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                ClientBuilder {
                    inner: self.inner.timeout(timeout),
                }
            }

            /// How many times a failed attempt is retried (default 2, so at most 3
            /// attempts). 408, 409, 429 and 5xx are retried, and connections that could
            /// not be made; other transport failures only for idempotent methods (`GET`,
            /// `PUT`, `DELETE`, …) or calls with an idempotency key, so that a `POST` is
            /// never repeated by accident. Other errors never.
            pub fn max_retries(self, max_retries: u32) -> Self {
                ClientBuilder {
                    inner: self.inner.max_retries(max_retries),
                }
            }

            /// The first backoff delay (default 0.5 s; each retry doubles it up to the
            /// maximum).
            pub fn initial_retry_delay(self, delay: ::std::time::Duration) -> Self {
                ClientBuilder {
                    inner: self.inner.initial_retry_delay(delay),
                }
            }

            /// The longest backoff delay (default 8 s).
            pub fn max_retry_delay(self, delay: ::std::time::Duration) -> Self {
                ClientBuilder {
                    inner: self.inner.max_retry_delay(delay),
                }
            }

            /// Sends requests with this `reqwest::Client` (its proxy, TLS and pool settings)
            /// instead of a new one. The timeout set here still applies to every attempt.
            pub fn http_client(self, client: $crate::__private::reqwest::Client) -> Self {
                ClientBuilder {
                    inner: self.inner.http_client(client),
                }
            }

            /// A header sent with every request.
            pub fn header(
                self,
                name: impl ::core::convert::Into<::std::string::String>,
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> Self {
                ClientBuilder {
                    inner: self.inner.header(name.into(), value.into()),
                }
            }

            /// Replaces the wait between attempts (see the runtime's `TransportBuilder`).
            /// Hidden, and not part of the supported API: tests use it to see the delays
            /// the client asks for without measuring the wall clock.
            #[doc(hidden)]
            pub fn retry_sleep<F, Fut>(self, sleep: F) -> Self
            where
                F: Fn(::std::time::Duration) -> Fut
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static,
                Fut: ::core::future::Future<Output = ()> + ::core::marker::Send + 'static,
            {
                ClientBuilder {
                    inner: self.inner.retry_sleep(sleep),
                }
            }

            /// Checks the settings and builds the client.
            pub fn build(self) -> $crate::Result<Client> {
                ::core::result::Result::Ok(Client {
                    transport: self.inner.build()?,
                })
            }
        }
    };
}

/// Implements the wire format of an open string enum (one that keeps unknown values in
/// `Other(String)`) from its generated `as_str` and `known`: `From<&str>`, `From<String>`,
/// `FromStr`, `Display`, serde, and use as a parameter value.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident) => {
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Other(value.to_owned()))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value).unwrap_or(Self::Other(value))
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_string_enum(deserializer)
            }
        }

        impl $crate::__private::ParamValue for $name {
            fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                f(self.as_str())
            }
        }
    };
}

/// What every request builder shares: `.with_options(…)`, and `.await` on the builder as a
/// shorthand for `.send().await`. The builder must have a `client` field (the generated
/// crate's `Client`). `request_builder!(Builder => Output)` for an operation without an
/// error model, `request_builder!(Builder => Output, ErrorModel)` for one with.
#[doc(hidden)]
#[macro_export]
macro_rules! request_builder {
    ($builder:ty => $output:ty) => {
        $crate::request_builder!($builder => $output, $crate::NoErrorBody);
    };
    ($builder:ty => $output:ty, $error:ty) => {
        impl $builder {
            /// Settings for this call over the client's: timeout per attempt, deadline of
            /// the whole call, retries, extra headers and query parameters, idempotency
            /// key. They replace any given before. For example
            /// `.with_options(RequestOptions::new().timeout(Duration::from_secs(20)))`.
            pub fn with_options(mut self, options: $crate::RequestOptions) -> Self {
                self.client.transport.set_options(options);
                self
            }
        }

        impl ::core::future::IntoFuture for $builder {
            type Output = $crate::Result<$output, $crate::Error<$error>>;
            type IntoFuture = $crate::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    };
}
