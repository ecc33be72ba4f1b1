//! Configuration: `from_env`, the base URL rules, and a base URL with a path prefix.

#[path = "support/faults.rs"]
mod faults;

use faults::{KEY, builder, ok_certificate, page, received};
use generated_client::{Client, Error};
use std::sync::Mutex;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

/// Serialises the tests that change the process environment.
static ENV: Mutex<()> = Mutex::new(());

/// Sets (`Some`) or removes (`None`) environment variables, and puts the previous values
/// back when dropped.
struct EnvVars(Vec<(&'static str, Option<String>)>);

impl EnvVars {
    fn set(vars: &[(&'static str, Option<&str>)]) -> EnvVars {
        let saved = vars
            .iter()
            .map(|(name, _)| (*name, std::env::var(name).ok()))
            .collect();
        for (name, value) in vars {
            put_env(name, *value);
        }
        EnvVars(saved)
    }
}

impl Drop for EnvVars {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            put_env(name, value.as_deref());
        }
    }
}

fn put_env(name: &str, value: Option<&str>) {
    // SAFETY: only tests holding the `ENV` lock change the environment, and nothing in this
    // test binary reads it outside Rust's own (locked) `std::env` functions: every other
    // test connects to IP literals, so no resolver consults the environment meanwhile.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(page(vec![], false))
        .mount(&server)
        .await;

    let (unset, blank, bad_url, default_url, configured) = {
        let _lock = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let unset = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", None), ("OPENAI_BASE_URL", None)]);
            Client::from_env()
        };
        let blank = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", Some("   "))]);
            Client::from_env()
        };
        let bad_url = {
            let _env = EnvVars::set(&[
                ("OPENAI_ADMIN_KEY", Some(KEY)),
                ("OPENAI_BASE_URL", Some("http://example.com")),
            ]);
            Client::from_env()
        };
        let default_url = {
            let _env = EnvVars::set(&[("OPENAI_ADMIN_KEY", Some(KEY)), ("OPENAI_BASE_URL", None)]);
            Client::from_env()
        };
        let configured = {
            let _env = EnvVars::set(&[
                ("OPENAI_ADMIN_KEY", Some(KEY)),
                ("OPENAI_BASE_URL", Some(&server.uri())),
            ]);
            Client::from_env()
        };
        (unset, blank, bad_url, default_url, configured)
    };

    for (what, result) in [("unset", unset), ("blank", blank)] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{what}: {err:?}");
        assert!(
            err.to_string().contains("OPENAI_ADMIN_KEY"),
            "{what}: {err}"
        );
    }
    let err = bad_url.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("https"), "{err}");
    assert!(!err.to_string().contains(KEY), "{err}");
    assert_eq!(default_url.unwrap().base_url(), "https://api.openai.com/v1");

    let client = configured.unwrap();
    assert_eq!(client.base_url(), server.uri());
    client
        .list_organization_certificates()
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].headers.get("authorization").unwrap(),
        &format!("Bearer {KEY}")
    );
}

#[test]
fn base_url_rules() {
    let build = |url: &str| Client::builder().api_key(KEY).base_url(url).build();
    for bad in [
        "http://example.com",
        "http://example.com/v1",
        "ftp://127.0.0.1/",
        "not a url",
        "https://api.openai.com/v1?x=1",
    ] {
        let err = build(bad).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{bad}: {err:?}");
        assert!(
            err.to_string().starts_with("invalid configuration"),
            "{err}"
        );
    }
    for (good, normalised) in [
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010"),
        ("http://127.0.0.1:4010/v1/", "http://127.0.0.1:4010/v1"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
    ] {
        let client = build(good).unwrap_or_else(|e| panic!("{good}: {e}"));
        assert_eq!(client.base_url(), normalised);
    }
    let err = Client::builder().build().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "no key: {err:?}");
    assert!(err.to_string().contains("api_key"), "{err}");
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_certificate("cert_abc"))
        .mount(&server)
        .await;
    builder(&format!("{}/v1/", server.uri()))
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        received(&server).await[0].url.path(),
        "/v1/organization/certificates/cert_abc"
    );
}
