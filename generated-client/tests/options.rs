//! Per-call options (`.with_options(RequestOptions…)`): a timeout per attempt, a deadline
//! for the whole call, retries, headers and query parameters of one call; and dropping a
//! call's future cancels it.

#[path = "support/faults.rs"]
mod faults;

use faults::{CountingServer, Reply, builder, certificate_json, ok_certificate, received};
use generated_client::{Error, RequestOptions};
use std::time::Duration;
use wiremock::matchers::{any, header, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_call_timeout_replaces_the_clients() {
    let server = CountingServer::start(|_| Reply::Hang).await;
    let err = builder(&server.base_url)
        .timeout(Duration::from_secs(600))
        .max_retries(0)
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .with_options(RequestOptions::new().timeout(Duration::from_millis(100)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, attempts: 1, .. } if timeout == Duration::from_millis(100)),
        "{err:?}"
    );
    assert!(err.is_timeout() && !err.is_deadline());
}

#[tokio::test]
async fn a_deadline_stops_the_attempts() {
    let server = CountingServer::start(|_| Reply::Hang).await;
    let err = builder(&server.base_url)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .with_options(RequestOptions::new().deadline(Duration::from_millis(200)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Deadline { deadline, attempts: 1, .. } if deadline == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.is_deadline() && err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
    let message = err.to_string();
    assert!(message.contains("deadline of 200ms"), "{message}");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_deadline_covers_the_waits_between_attempts() {
    let server = CountingServer::start(|_| Reply::Unavailable).await;
    // The wait before the retry never ends: only the deadline ends the call.
    let err = builder(&server.base_url)
        .retry_sleep(|_| std::future::pending::<()>())
        .build()
        .unwrap()
        .get_certificate("cert_abc")
        .with_options(RequestOptions::new().deadline(Duration::from_millis(200)))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Deadline { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn dropping_a_call_cancels_it() {
    let server = CountingServer::start(|_| Reply::Hang).await;
    let client = builder(&server.base_url)
        .timeout(Duration::from_millis(50))
        .max_retries(5)
        .build()
        .unwrap();
    let call = client.get_certificate("cert_abc").send();
    tokio::select! {
        _ = call => panic!("the server never answers"),
        _ = server.wait_for(1) => {}
    }
    // The call's future is dropped. Were it still running, its attempt would time out
    // after 50 ms and five more would follow within a few backoff delays (at most 5 ms).
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        server.received().len(),
        1,
        "an attempt was sent after the drop"
    );
}

#[tokio::test]
async fn headers_query_and_retries_of_one_call() {
    let server = MockServer::start().await;
    Mock::given(header("openai-organization", "org_call"))
        .and(header("x-extra", "1"))
        .and(query_param("include[]", "content"))
        .and(query_param("trace id", "a&b"))
        .respond_with(ok_certificate("cert_abc"))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .header("OpenAI-Organization", "org_client")
        .build()
        .unwrap();
    let options = RequestOptions::new()
        .header("OpenAI-Organization", "org_call")
        .header("x-extra", "1")
        .query("trace id", "a&b");
    let cert = client
        .get_certificate("cert_abc")
        .include([generated_client::models::Include::Content])
        .with_options(options)
        .send()
        .await
        .unwrap();
    assert_eq!(cert.id, "cert_abc");
    // The call's header replaced the client's.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let organization: Vec<_> = requests[0]
        .headers
        .get_all("openai-organization")
        .iter()
        .collect();
    assert_eq!(organization, ["org_call"]);
    // max_retries of one call: no retry of the 503.
    let err = client
        .list_organization_certificates()
        .with_options(RequestOptions::new().max_retries(0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), Some(1), "{err}");
    assert_eq!(received(&server).await.len(), 2);
    // A header that cannot be sent is an input error, before anything is sent.
    let err = client
        .get_certificate("cert_abc")
        .with_options(RequestOptions::new().header("bad name", "1"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
    assert_eq!(received(&server).await.len(), 2);
}

/// A certificate of a list (it says whether it is active).
fn listed(id: &str) -> serde_json::Value {
    let mut cert = certificate_json(id);
    cert["active"] = true.into();
    cert
}

#[tokio::test]
async fn options_carry_over_to_every_page() {
    use futures_util::TryStreamExt;
    let server = MockServer::start().await;
    Mock::given(header("x-extra", "1"))
        .and(query_param("after", "cert_1"))
        .respond_with(faults::page(vec![listed("cert_2")], false))
        .mount(&server)
        .await;
    Mock::given(header("x-extra", "1"))
        .respond_with(faults::page(vec![listed("cert_1")], true))
        .mount(&server)
        .await;
    let all: Vec<_> = builder(&server.uri())
        .build()
        .unwrap()
        .list_organization_certificates()
        .with_options(RequestOptions::new().header("x-extra", "1"))
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}
