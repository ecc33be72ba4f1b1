//! The retry policy: which failures get another attempt, and how long the client waits
//! before it (the server's `Retry-After`, else exponential backoff with jitter).

use super::client::Transport;
use super::error::retryable_status;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

/// The default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
pub(super) const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
pub(super) const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// A `Retry-After` longer than this is not waited for; the normal backoff applies instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How one call may be retried: decided once, before its first attempt.
#[derive(Debug, Clone, Copy)]
pub(super) struct CallPolicy {
    /// How many retries may follow the first attempt.
    pub(super) max_retries: u32,
    /// Whether the request may be sent again after it may have reached the server: its
    /// method is idempotent, or it carries an idempotency key.
    pub(super) may_resend: bool,
}

/// How an attempt failed, as far as the retry policy cares.
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure<'a> {
    /// The server answered with an error status (its body read whole).
    Status(StatusCode, &'a HeaderMap),
    /// The connection could not be made: the request was certainly not sent.
    NotSent,
    /// The request may have been sent, and no response arrived (a reset, a timeout).
    NoResponse,
    /// The status and headers arrived but the body did not, whole.
    BodyCut(StatusCode, &'a HeaderMap),
}

impl Transport {
    /// The retry policy. After attempt number `attempt` (the first is 1) failed with
    /// `failure`: how long to wait before the next attempt, or `None` when the failure is
    /// final.
    ///
    /// - An error status the server marks as retryable (408, 409, 429, 5xx, or its
    ///   `x-should-retry`) is retried whatever the method: the server answered that the
    ///   call did not complete.
    /// - A connection that could not be made is retried whatever the method: nothing was
    ///   sent.
    /// - An error status whose body was cut short is decided by its status alone.
    /// - A failure after the request may have been written (a reset, a timeout, a body cut
    ///   short after a success status) is retried only when the request may be re-sent
    ///   ([`CallPolicy::may_resend`]): re-sending a `POST` could repeat its effect.
    pub(super) fn retry_delay(
        &self,
        policy: CallPolicy,
        attempt: u32,
        failure: Failure<'_>,
    ) -> Option<Duration> {
        if attempt > policy.max_retries {
            return None;
        }
        match failure {
            // An error status decides, whether or not its body arrived whole.
            Failure::Status(status, headers) | Failure::BodyCut(status, headers)
                if !status.is_success() =>
            {
                should_retry(status, headers)
                    .then(|| retry_after(headers).unwrap_or_else(|| self.backoff(attempt)))
            }
            Failure::Status(..) => None,
            Failure::NotSent => Some(self.backoff(attempt)),
            Failure::NoResponse | Failure::BodyCut(..) => {
                policy.may_resend.then(|| self.backoff(attempt))
            }
        }
    }

    /// Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 8 s, each shortened by up to
    /// a quarter at random.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .inner
            .initial_retry_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.inner.max_retry_delay);
        base.mul_f64(1.0 - 0.25 * random_unit())
    }
}

/// Whether an error status is worth another attempt: the server's `x-should-retry` decides
/// when it is sent, otherwise 408, 409, 429 and 5xx are.
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => retryable_status(status),
    }
}

/// The delay the server asks for: `retry-after-ms`, else `Retry-After` in seconds or as an
/// HTTP date. Delays beyond a minute (or negative) are ignored.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let delay = header("retry-after-ms")
        .and_then(|ms| ms.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .or_else(|| {
            let value = header("retry-after")?;
            value.parse::<f64>().ok().or_else(|| {
                let date = httpdate::parse_http_date(value).ok()?;
                Some(match date.duration_since(SystemTime::now()) {
                    Ok(d) => d.as_secs_f64(),
                    Err(_) => 0.0,
                })
            })
        })?;
    (delay.is_finite() && (0.0..=MAX_RETRY_AFTER.as_secs_f64()).contains(&delay))
        .then(|| Duration::from_secs_f64(delay))
}

/// A number in [0, 1).
fn random_unit() -> f64 {
    (super::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_headers() {
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "100"), ("retry-after", "5")])),
            Some(Duration::from_millis(100)),
            "retry-after-ms wins"
        );
        let written = SystemTime::now();
        let soon = httpdate::fmt_http_date(written + Duration::from_secs(30));
        let d = retry_after(&headers(&[("retry-after", &soon)])).unwrap();
        let taken = written.elapsed().unwrap_or_default();
        // An HTTP date has whole seconds (up to 1 s is cut off), and the delay counts from
        // when it is read: at most 30 s, at least 29 s less the time this took, however long.
        assert!(
            d <= Duration::from_secs(30) && d + taken >= Duration::from_secs(29),
            "{d:?} after {taken:?}"
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3600")])),
            None,
            "beyond the cap"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn retryable_statuses() {
        for (status, expected) in [
            (408, true),
            (409, true),
            (429, true),
            (500, true),
            (503, true),
            (400, false),
            (401, false),
            (404, false),
            (422, false),
        ] {
            assert_eq!(
                should_retry(StatusCode::from_u16(status).unwrap(), &HeaderMap::new()),
                expected,
                "{status}"
            );
        }
        assert!(!should_retry(
            StatusCode::INTERNAL_SERVER_ERROR,
            &headers(&[("x-should-retry", "false")])
        ));
        assert!(should_retry(
            StatusCode::BAD_REQUEST,
            &headers(&[("x-should-retry", "true")])
        ));
    }

    #[test]
    fn what_the_policy_retries() {
        let client = crate::builder::TransportBuilder::new(&crate::client::TEST_API)
            .api_key("k")
            .build()
            .unwrap();
        let post = CallPolicy {
            max_retries: 2,
            may_resend: false,
        };
        let get = CallPolicy {
            may_resend: true,
            ..post
        };
        let none = HeaderMap::new();
        let ok = StatusCode::OK;
        let unavailable = StatusCode::SERVICE_UNAVAILABLE;
        let bad = StatusCode::BAD_REQUEST;
        for (policy, failure, retried) in [
            (post, Failure::Status(unavailable, &none), true),
            (post, Failure::Status(bad, &none), false),
            (post, Failure::NotSent, true),
            (post, Failure::NoResponse, false),
            (post, Failure::BodyCut(ok, &none), false),
            (post, Failure::BodyCut(unavailable, &none), true),
            (post, Failure::BodyCut(bad, &none), false),
            (get, Failure::Status(bad, &none), false),
            (get, Failure::NoResponse, true),
            (get, Failure::BodyCut(ok, &none), true),
            (get, Failure::BodyCut(bad, &none), false),
        ] {
            assert_eq!(
                client.retry_delay(policy, 1, failure).is_some(),
                retried,
                "{policy:?} {failure:?}"
            );
            assert_eq!(
                client.retry_delay(policy, 3, failure),
                None,
                "no retries left"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let client = crate::builder::TransportBuilder::new(&crate::client::TEST_API)
            .api_key("k")
            .build()
            .unwrap();
        for (attempt, nominal) in [
            (1, 0.5),
            (2, 1.0),
            (3, 2.0),
            (4, 4.0),
            (5, 8.0),
            (9, 8.0),
            (40, 8.0),
        ] {
            let d = client.backoff(attempt).as_secs_f64();
            assert!(
                d <= nominal && d >= nominal * 0.75,
                "attempt {attempt}: {d}"
            );
        }
    }
}
