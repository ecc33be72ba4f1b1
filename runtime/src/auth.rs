//! Authentication: the API's security schemes and each operation's requirement (emitted by
//! the generator from `components.securitySchemes` and `security`), the credentials a
//! client is given for them, and the placing of those credentials on each request.
//!
//! An operation's requirement is a list of alternatives (OR), each a list of schemes (AND):
//! a request carries the credentials of the first alternative whose schemes all have one,
//! and nothing for an empty requirement (`security: []`). Credentials never appear in
//! `Debug` output, errors or logs.

use super::client::{ApiInfo, Transport};
use super::{BoxFuture, Error, Result};
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One security scheme of the API (`components.securitySchemes`), as generated code
/// describes it.
#[derive(Debug, Clone, Copy)]
pub struct SecurityScheme {
    /// Its name in the spec, for messages.
    pub name: &'static str,
    /// How its credential travels.
    pub kind: SchemeKind,
    /// The environment variable `Client::from_env` reads its credential from.
    pub env: &'static str,
    /// The `ClientBuilder` method that sets its credential, for messages.
    pub setter: &'static str,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// `type: apiKey`: the key as it is, in a header, a query parameter or a cookie.
    ApiKey {
        /// Where.
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// `type: http`: `Authorization: <scheme> <credential>`; for `Basic` the credential is
    /// `user:password`, sent base64-encoded, for every other scheme it is sent as given.
    Http {
        /// The scheme as sent (`Bearer`, `Basic`, `Digest`, …).
        scheme: &'static str,
    },
    /// `type: oauth2` or `openIdConnect`: `Authorization: Bearer <token>`, the token given
    /// as is or fetched from a [`TokenSource`].
    OAuth2 {
        /// The token URL of the client-credentials flow, when the spec declares one.
        token_url: Option<&'static str>,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// An operation's security requirement: alternatives (any one will do), each a list of
/// indices into [`ApiInfo::schemes`] (all of them are sent). No alternative: nothing sent.
pub type Requirement = &'static [&'static [u16]];

/// Where OAuth 2 and OpenID Connect access tokens come from: called before each request
/// that needs one (an implementation may cache the token and refresh it when it expires,
/// as [`ClientCredentials`] does). Closures returning a future of `Result<String, E>`
/// implement it.
///
/// ```
/// # use apigen_runtime::TokenSource;
/// fn takes(_: impl TokenSource) {}
/// takes(|| async { Ok::<_, std::io::Error>("token from my vault".to_owned()) });
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// The current access token.
    fn token(&self) -> BoxFuture<std::result::Result<String, BoxError>>;
}

/// The error a [`TokenSource`] fails with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<F, Fut, E> TokenSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::result::Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn token(&self) -> BoxFuture<std::result::Result<String, BoxError>> {
        let future = self();
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}

/// The OAuth 2 client-credentials grant (RFC 6749, 4.4): POSTs `client_id` and
/// `client_secret` to the token URL, and keeps the access token until shortly before it
/// expires (`expires_in`; a token without it is fetched again for each request).
#[derive(Clone)]
pub struct ClientCredentials {
    inner: Arc<CcInner>,
}

struct CcInner {
    token_url: String,
    client_id: String,
    client_secret: String,
    scopes: Vec<String>,
    http: reqwest::Client,
    cached: tokio::sync::Mutex<Option<(String, Instant)>>,
}

/// How long before its expiry a cached token is replaced.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

impl ClientCredentials {
    /// Fetches tokens from `token_url` for this client.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            inner: Arc::new(CcInner {
                token_url: token_url.into(),
                client_id: client_id.into(),
                client_secret: client_secret.into(),
                scopes: Vec::new(),
                http: reqwest::Client::new(),
                cached: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// Asks for these scopes (the `scope` parameter, space-separated; none by default).
    pub fn scopes(self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.with(|inner| inner.scopes = scopes)
    }

    /// Sends the token requests with this `reqwest::Client` (its proxy and TLS settings).
    pub fn http_client(self, http: reqwest::Client) -> Self {
        self.with(|inner| inner.http = http)
    }

    /// A copy with `change` made, and no cached token.
    fn with(self, change: impl FnOnce(&mut CcInner)) -> Self {
        let inner = &*self.inner;
        let mut copy = CcInner {
            token_url: inner.token_url.clone(),
            client_id: inner.client_id.clone(),
            client_secret: inner.client_secret.clone(),
            scopes: inner.scopes.clone(),
            http: inner.http.clone(),
            cached: tokio::sync::Mutex::new(None),
        };
        change(&mut copy);
        ClientCredentials {
            inner: Arc::new(copy),
        }
    }

    async fn fetch(&self) -> std::result::Result<String, BoxError> {
        let inner = &*self.inner;
        let mut cached = inner.cached.lock().await;
        if let Some((token, expires)) = &*cached
            && Instant::now() + EXPIRY_MARGIN < *expires
        {
            return Ok(token.clone());
        }
        let mut form = vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", inner.client_id.clone()),
            ("client_secret", inner.client_secret.clone()),
        ];
        if !inner.scopes.is_empty() {
            form.push(("scope", inner.scopes.join(" ")));
        }
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = inner
            .http
            .post(&inner.token_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("the token request failed: {}", e.without_url()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("the token response could not be read: {}", e.without_url()))?;
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}").into());
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let token: TokenResponse = serde_json::from_slice(&bytes).map_err(|_| {
            "the token endpoint's answer has no `access_token` (RFC 6749, 5.1)".to_owned()
        })?;
        *cached = token.expires_in.map(|secs| {
            (
                token.access_token.clone(),
                Instant::now() + Duration::from_secs(secs),
            )
        });
        Ok(token.access_token)
    }
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> BoxFuture<std::result::Result<String, BoxError>> {
        let this = self.clone();
        Box::pin(async move { this.fetch().await })
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.inner.token_url)
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.inner.scopes)
            .finish()
    }
}

/// `application/x-www-form-urlencoded` of one value.
fn form_encode(value: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    const FORM: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'*');
    utf8_percent_encode(value, FORM).to_string()
}

/// A credential given to the builder for one scheme.
#[derive(Clone)]
pub(crate) enum Credential {
    /// The key, token or `user:password`, as given.
    Secret(String),
    /// Tokens from a source.
    Source(Arc<dyn TokenSource>),
    /// The client-credentials grant at the scheme's token URL (resolved when the client is
    /// built, against the base URL when relative).
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
}

/// The credentials of a built client, by scheme, ready to send.
pub(crate) enum Ready {
    /// A header value, marked sensitive (`Authorization: Bearer …`, an API key header).
    Header(HeaderName, HeaderValue),
    /// A query pair.
    Query(&'static str, String),
    /// A cookie, `name=value`.
    Cookie(String),
    /// A bearer token from a source, fetched for each request.
    Source(Arc<dyn TokenSource>),
}

/// The secrets a client holds, to scrub them from error messages and excerpts.
#[derive(Default, Clone)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    /// The non-empty ones of `secrets`.
    pub(crate) fn new(mut secrets: Vec<String>) -> Self {
        secrets.retain(|s| !s.is_empty());
        secrets.sort();
        secrets.dedup();
        Secrets(secrets)
    }

    /// `text` with every secret replaced by `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.0 {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    }

    /// Whether `bytes` contain a secret.
    pub(crate) fn found_in(&self, bytes: &[u8]) -> bool {
        self.0
            .iter()
            .any(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
    }

    /// Whether `text` contains a secret.
    pub(crate) fn found_in_text(&self, text: &str) -> bool {
        self.0.iter().any(|s| text.contains(s.as_str()))
    }
}

/// What a cookie value cannot hold as it is (RFC 6265, `cookie-octet`), percent-encoded.
const COOKIE_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// The credentials of a built client, indexed by scheme.
pub(crate) struct Credentials {
    by_scheme: Vec<Option<Ready>>,
}

/// What a request carries for authentication, once its requirement is resolved.
#[derive(Default)]
pub(crate) struct Applied {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    query: Vec<(&'static str, String)>,
    cookies: Vec<String>,
}

impl Applied {
    /// The URL with the query credentials appended.
    pub(crate) fn url(&self, mut url: Url) -> Url {
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        url
    }

    /// The `Cookie` header: the request's cookies and the credentials'.
    pub(crate) fn cookie(&self, request: Option<HeaderValue>) -> Option<HeaderValue> {
        if self.cookies.is_empty() {
            return request;
        }
        let mut text = request
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_default();
        for cookie in &self.cookies {
            if !text.is_empty() {
                text.push_str("; ");
            }
            text.push_str(cookie);
        }
        let mut value = HeaderValue::from_str(&text).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl Credentials {
    /// Checks and prepares the builder's credentials.
    pub(crate) fn new(
        api: &'static ApiInfo,
        given: &[Option<Credential>],
        base_url: &str,
        http: Option<&reqwest::Client>,
        secrets: &mut Vec<String>,
    ) -> Result<Self> {
        let mut by_scheme = Vec::with_capacity(api.schemes.len());
        for (index, scheme) in api.schemes.iter().enumerate() {
            let Some(credential) = given.get(index).cloned().flatten() else {
                by_scheme.push(None);
                continue;
            };
            let ready = match (credential, scheme.kind) {
                (Credential::Source(source), _) => Ready::Source(source),
                (
                    Credential::ClientCredentials {
                        client_id,
                        client_secret,
                    },
                    kind,
                ) => {
                    let SchemeKind::OAuth2 {
                        token_url: Some(token_url),
                    } = kind
                    else {
                        return Err(Error::config(format!(
                            "security scheme `{}` declares no client-credentials flow",
                            scheme.name
                        )));
                    };
                    let url = resolve_token_url(token_url, base_url)?;
                    secrets.push(client_secret.clone());
                    let mut source = ClientCredentials::new(url, client_id, client_secret);
                    if let Some(http) = http {
                        source = source.http_client(http.clone());
                    }
                    Ready::Source(Arc::new(source))
                }
                (Credential::Secret(secret), kind) => {
                    if secret.is_empty() {
                        return Err(Error::config(format!(
                            "the credential of `{}` is empty",
                            scheme.setter
                        )));
                    }
                    secrets.push(secret.clone());
                    match kind {
                        SchemeKind::ApiKey {
                            location: KeyLocation::Header,
                            name,
                        } => Ready::Header(header_name(name)?, sensitive(&secret, scheme)?),
                        SchemeKind::ApiKey {
                            location: KeyLocation::Query,
                            name,
                        } => Ready::Query(name, secret),
                        SchemeKind::ApiKey {
                            location: KeyLocation::Cookie,
                            name,
                        } => Ready::Cookie(format!(
                            "{name}={}",
                            percent_encoding::utf8_percent_encode(&secret, COOKIE_VALUE)
                        )),
                        SchemeKind::Http { scheme: kind } if kind.eq_ignore_ascii_case("basic") => {
                            let encoded = base64(secret.as_bytes());
                            secrets.push(encoded.clone());
                            Ready::Header(
                                AUTHORIZATION,
                                sensitive(&format!("Basic {encoded}"), scheme)?,
                            )
                        }
                        SchemeKind::Http { scheme: kind } => Ready::Header(
                            AUTHORIZATION,
                            sensitive(&format!("{kind} {secret}"), scheme)?,
                        ),
                        SchemeKind::OAuth2 { .. } => Ready::Header(
                            AUTHORIZATION,
                            sensitive(&format!("Bearer {secret}"), scheme)?,
                        ),
                    }
                }
            };
            by_scheme.push(Some(ready));
        }
        Ok(Credentials { by_scheme })
    }

    /// Whether every scheme of some alternative of `requirement` has a credential (always
    /// for an empty requirement).
    pub(crate) fn satisfies(&self, requirement: Requirement) -> bool {
        requirement.is_empty() || self.alternative(requirement).is_some()
    }

    /// The first alternative whose schemes all have a credential; an empty one (`{}`,
    /// "optional") only when no other is met, so that a configured credential is sent.
    fn alternative(&self, requirement: Requirement) -> Option<&'static [u16]> {
        let met = |schemes: &&'static [u16]| {
            schemes
                .iter()
                .all(|&i| matches!(self.by_scheme.get(usize::from(i)), Some(Some(_))))
        };
        requirement
            .iter()
            .copied()
            .filter(|schemes| !schemes.is_empty())
            .find(met)
            .or_else(|| requirement.iter().copied().find(|s| s.is_empty()))
    }
}

/// Why a requirement cannot be met: the setters and variables of each alternative.
pub(crate) fn missing(api: &ApiInfo, requirement: Requirement) -> String {
    requirement
        .iter()
        .map(|schemes| {
            schemes
                .iter()
                .filter_map(|&i| api.schemes.get(usize::from(i)))
                .map(|s| {
                    if s.env.is_empty() {
                        format!("ClientBuilder::{}", s.setter)
                    } else {
                        format!("ClientBuilder::{} (or {})", s.setter, s.env)
                    }
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect::<Vec<_>>()
        .join("; or ")
}

impl Transport {
    /// What `operation`'s request carries for authentication: the credentials of the first
    /// alternative of its requirement that the client has all of.
    pub(crate) async fn authenticate(&self, operation: &'static str) -> Result<Applied> {
        let api = self.inner.api;
        let requirement = requirement(api, operation);
        let mut applied = Applied::default();
        if requirement.is_empty() {
            return Ok(applied);
        }
        let credentials = &self.inner.credentials;
        let Some(schemes) = credentials.alternative(requirement) else {
            return Err(Error::config(format!(
                "{operation} needs credentials this client was not given: set {}",
                missing(api, requirement)
            )));
        };
        for &index in schemes {
            match &credentials.by_scheme[usize::from(index)] {
                Some(Ready::Header(name, value)) => {
                    applied.headers.push((name.clone(), value.clone()));
                }
                Some(Ready::Query(name, value)) => applied.query.push((name, value.clone())),
                Some(Ready::Cookie(cookie)) => applied.cookies.push(cookie.clone()),
                Some(Ready::Source(source)) => {
                    let scheme = &api.schemes[usize::from(index)];
                    let token = source.token().await.map_err(|e| {
                        Error::config(format!(
                            "{operation}: no access token for `{}`: {}",
                            scheme.name,
                            self.inner.secret.redact(&e.to_string())
                        ))
                    })?;
                    applied.headers.push((
                        AUTHORIZATION,
                        sensitive(&format!("Bearer {}", token.trim()), scheme)?,
                    ));
                }
                None => {}
            }
        }
        Ok(applied)
    }
}

/// The requirement of `operation`: its own when the table lists it, else the API's first.
pub(crate) fn requirement(api: &ApiInfo, operation: &str) -> Requirement {
    let index = api
        .operation_security
        .binary_search_by(|(name, _)| (*name).cmp(operation))
        .map_or(0, |i| usize::from(api.operation_security[i].1));
    api.security.get(index).copied().unwrap_or(&[])
}

fn resolve_token_url(token_url: &str, base_url: &str) -> Result<String> {
    let url = match Url::parse(token_url) {
        Ok(url) => url,
        Err(_) => Url::parse(&format!("{base_url}/"))
            .and_then(|base| base.join(token_url.trim_start_matches('/')))
            .map_err(|e| {
                Error::config(format!(
                    "the token URL {token_url:?} is not a valid URL: {e}"
                ))
            })?,
    };
    Ok(url.to_string())
}

fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))
}

fn sensitive(value: &str, scheme: &SecurityScheme) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config(format!(
            "the credential of `{}` contains characters that cannot be sent in a header",
            scheme.setter
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Standard base64 with padding (RFC 4648), for Basic auth.
pub(crate) fn base64(input: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn relative_token_urls_resolve_against_the_base_url() {
        assert_eq!(
            resolve_token_url("/oauth/token", "https://api.example.com/v1").unwrap(),
            "https://api.example.com/v1/oauth/token"
        );
        assert_eq!(
            resolve_token_url("https://auth.example.com/token", "https://x/v1").unwrap(),
            "https://auth.example.com/token"
        );
    }

    static SCHEMES: [SecurityScheme; 2] = [
        SecurityScheme {
            name: "key",
            kind: SchemeKind::ApiKey {
                location: KeyLocation::Header,
                name: "X-Key",
            },
            env: "T_KEY",
            setter: "key",
        },
        SecurityScheme {
            name: "token",
            kind: SchemeKind::Http { scheme: "Bearer" },
            env: "T_TOKEN",
            setter: "token",
        },
    ];
    static API: ApiInfo = ApiInfo {
        title: "t",
        default_base_url: "https://x",
        base_url_env: "T_BASE_URL",
        schemes: &SCHEMES,
        security: &[&[&[0, 1]], &[], &[&[], &[1]]],
        operation_security: &[("a", 1), ("c", 2)],
        operations: 4,
        user_agent: "t",
        idempotency_header: None,
    };

    #[test]
    fn operations_not_listed_have_the_first_requirement() {
        assert_eq!(requirement(&API, "a"), &[] as Requirement);
        assert_eq!(requirement(&API, "b"), &[&[0u16, 1][..]][..]);
        assert_eq!(requirement(&API, "c"), &[&[][..], &[1u16][..]][..]);
        assert_eq!(requirement(&API, "d"), &[&[0u16, 1][..]][..]);
    }

    #[test]
    fn an_empty_alternative_is_the_last_resort() {
        let given = [None, Some(Credential::Secret("t".into()))];
        let credentials =
            Credentials::new(&API, &given, "https://x", None, &mut Vec::new()).unwrap();
        assert_eq!(
            credentials.alternative(requirement(&API, "c")),
            Some(&[1u16][..])
        );
        assert!(!credentials.satisfies(requirement(&API, "b")));
        let none =
            Credentials::new(&API, &[None, None], "https://x", None, &mut Vec::new()).unwrap();
        assert_eq!(none.alternative(requirement(&API, "c")), Some(&[][..]));
        assert_eq!(
            missing(&API, requirement(&API, "b")),
            "ClientBuilder::key (or T_KEY) and ClientBuilder::token (or T_TOKEN)"
        );
    }

    #[test]
    fn secrets_are_redacted() {
        let secrets = Secrets::new(vec!["k1".into(), "s2".into(), String::new()]);
        assert_eq!(secrets.redact("a k1 b s2"), "a [redacted] b [redacted]");
        assert!(secrets.found_in(b"xs2x"));
        assert!(!secrets.found_in(b"xx"));
    }
}
