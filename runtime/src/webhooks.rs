//! Verifies webhook deliveries signed with the [Standard Webhooks] scheme, which OpenAI's
//! webhooks use (the `webhooks` feature). Generated clients of APIs with webhooks put a typed
//! front on it that decodes the verified payload into the API's event types.
//!
//! A delivery is an HTTP request whose body is the event and whose headers sign it:
//!
//! - `webhook-id`: the event's unique id (the same on every retry; use it to process an
//!   event once);
//! - `webhook-timestamp`: when this attempt was sent, in Unix seconds;
//! - `webhook-signature`: space-separated `v1,<base64>` entries, each
//!   `base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))`. There are
//!   several while the sender rotates its secret; one that matches is enough. Entries of
//!   other versions (`v1a,…` for asymmetric signatures) are ignored.
//!
//! [`Webhook::verify`] checks the three headers against the raw body, exactly as received
//! (not re-serialized JSON: a different space breaks the signature), and refuses a
//! timestamp more than the tolerance (five minutes by default) from the current time
//! either way, so that a recorded delivery cannot be replayed later. Signatures are
//! compared in constant time.
//!
//! Headers are any `(name, value)` pairs: `&http::HeaderMap` (what reqwest, axum and
//! hyper give), an array or `Vec` of string pairs, `&HashMap<String, String>`, or an
//! iterator over another framework's headers (actix-web: `request.headers().iter()`).
//! Names match case-insensitively; the first value of each header counts.
//!
//! [`Webhook::sign`] makes the `webhook-signature` value, for tests that need deliveries.
//!
//! ```
//! use apigen_runtime::webhooks::{Webhook, WebhookError};
//! use std::time::{SystemTime, UNIX_EPOCH};
//!
//! // The endpoint's signing secret, as the dashboard shows it.
//! let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//!
//! // A delivery, as the sender makes it.
//! let body = br#"{"type":"batch.completed","data":{"id":"batch_1"}}"#;
//! let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
//! let (timestamp, signature) = (now.to_string(), webhook.sign("msg_1", now, body));
//! let headers = [
//!     ("webhook-id", "msg_1"),
//!     ("webhook-timestamp", timestamp.as_str()),
//!     ("webhook-signature", signature.as_str()),
//! ];
//!
//! // The receiver: verify the raw body before decoding it.
//! webhook.verify(body, headers)?;
//! let event: serde_json::Value = serde_json::from_slice(body).unwrap();
//! assert_eq!(event["type"], "batch.completed");
//!
//! // The same with an `http::HeaderMap` (reqwest's, axum's, hyper's): pass a reference.
//! let mut map = reqwest::header::HeaderMap::new();
//! for (name, value) in headers {
//!     map.insert(name, value.parse().unwrap());
//! }
//! webhook.verify(body, &map)?;
//!
//! // A changed body (or id, or timestamp) does not verify.
//! let forged = br#"{"type":"batch.completed","data":{"id":"batch_2"}}"#;
//! assert_eq!(webhook.verify(forged, headers), Err(WebhookError::SignatureMismatch));
//! # Ok::<(), WebhookError>(())
//! ```
//!
//! [Standard Webhooks]: https://www.standardwebhooks.com/

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

/// The headers of a delivery, in the order a missing one is reported.
const HEADERS: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];
/// The prefix of a symmetric secret as senders show it.
const SECRET_PREFIX: &str = "whsec_";
/// The version of the signatures this module makes and checks (HMAC-SHA256).
const VERSION: &[u8] = b"v1";

/// How far a delivery's timestamp may be from the current time, either way, by default:
/// five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// A webhook endpoint's signing secret, which verifies deliveries (and signs them, for
/// tests).
///
/// Its `Debug` shows the tolerance, never the secret.
#[derive(Clone)]
pub struct Webhook {
    key: Vec<u8>,
    tolerance: Duration,
}

impl Webhook {
    /// The verifier of an endpoint's secret: `whsec_` followed by base64 (as OpenAI and
    /// other Standard Webhooks senders show it), or the base64 part alone. Padding (`=`)
    /// is optional; surrounding whitespace is ignored.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] when the secret is not standard base64 or is empty.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let secret = secret.trim();
        let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        let key = STANDARD_PAD_INDIFFERENT
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        if key.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(Self {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// How far a delivery's timestamp may be from the current time, either way, in whole
    /// seconds ([`DEFAULT_TOLERANCE`] unless set).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks that `body` and `headers` are a delivery signed with this secret, sent within
    /// the tolerance of the current time. `body` is the request's body as received, in
    /// bytes (it need not be UTF-8).
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] saying what is wrong with the delivery.
    pub fn verify<K, V>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (K, V)>,
    ) -> Result<(), WebhookError>
    where
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        self.verify_at(body, headers, SystemTime::now())
    }

    /// [`verify`](Self::verify) with `now` as the current time.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] saying what is wrong with the delivery.
    pub fn verify_at<K, V>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (K, V)>,
        now: SystemTime,
    ) -> Result<(), WebhookError>
    where
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let [id, timestamp, signatures] = read_headers(headers)?;
        self.check_timestamp(parse_timestamp(&timestamp)?, now)?;
        // The timestamp is signed as sent, not as re-formatted from the parsed number.
        let mac = self.mac(&id, &timestamp, body);
        let mut supported = false;
        for entry in signatures.split(u8::is_ascii_whitespace) {
            let Some(comma) = entry.iter().position(|&b| b == b',') else {
                continue;
            };
            if entry[..comma] != *VERSION {
                continue;
            }
            supported = true;
            let Ok(signature) = STANDARD_PAD_INDIFFERENT.decode(&entry[comma + 1..]) else {
                continue;
            };
            // Constant time; a signature of another length never matches.
            if mac.clone().verify_slice(&signature).is_ok() {
                return Ok(());
            }
        }
        Err(if supported {
            WebhookError::SignatureMismatch
        } else {
            WebhookError::NoSupportedSignature
        })
    }

    /// Verifies a delivery like [`verify`](Self::verify), then decodes its body as `E`: a
    /// generated crate's `webhooks::Event` (which its `webhooks::unwrap` returns), or one
    /// payload type.
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] saying what is wrong with the delivery;
    /// [`WebhookError::InvalidPayload`] when it verifies but its body is not JSON of `E`.
    pub fn unwrap<E: serde::de::DeserializeOwned>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
    ) -> Result<E, WebhookError> {
        self.unwrap_at(body, headers, SystemTime::now())
    }

    /// [`unwrap`](Self::unwrap) with `now` as the current time.
    ///
    /// # Errors
    ///
    /// As [`unwrap`](Self::unwrap).
    pub fn unwrap_at<E: serde::de::DeserializeOwned>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<[u8]>)>,
        now: SystemTime,
    ) -> Result<E, WebhookError> {
        self.verify_at(body, headers, now)?;
        serde_json::from_slice(body).map_err(|e| WebhookError::InvalidPayload(e.to_string()))
    }

    /// The `webhook-signature` value (`v1,<base64>`) of a delivery of `body` with this
    /// `id`, sent at `timestamp` (Unix seconds, which go in `webhook-timestamp` as
    /// `timestamp.to_string()`; [`verify`](Self::verify) refuses negative ones).
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mac = self.mac(id.as_bytes(), timestamp.to_string().as_bytes(), body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The HMAC of `{id}.{timestamp}.{body}`, not yet finalized.
    fn mac(&self, id: &[u8], timestamp: &[u8], body: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        for part in [id, b".", timestamp, b".", body] {
            mac.update(part);
        }
        mac
    }

    /// Refuses a timestamp (Unix seconds) further than the tolerance from `now`.
    fn check_timestamp(&self, sent: i64, now: SystemTime) -> Result<(), WebhookError> {
        let now = match now.duration_since(UNIX_EPOCH) {
            Ok(since) => i128::from(since.as_secs()),
            Err(before) => -i128::from(before.duration().as_secs()),
        };
        let tolerance = self.tolerance.as_secs();
        let age = now - i128::from(sent);
        let seconds = |n: i128| u64::try_from(n).unwrap_or(u64::MAX);
        if age > i128::from(tolerance) {
            Err(WebhookError::TimestampTooOld {
                seconds: seconds(age),
                tolerance,
            })
        } else if -age > i128::from(tolerance) {
            Err(WebhookError::TimestampTooNew {
                seconds: seconds(-age),
                tolerance,
            })
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("key", &"<redacted>")
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// The values of `webhook-id`, `webhook-timestamp` and `webhook-signature`, the first of
/// each, found whatever the case of their names.
fn read_headers<K, V>(
    headers: impl IntoIterator<Item = (K, V)>,
) -> Result<[Vec<u8>; 3], WebhookError>
where
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    let mut found: [Option<Vec<u8>>; 3] = [None, None, None];
    for (name, value) in headers {
        let name = name.as_ref();
        if let Some(i) = HEADERS.iter().position(|h| name.eq_ignore_ascii_case(h)) {
            found[i].get_or_insert_with(|| value.as_ref().to_vec());
        }
    }
    let [id, timestamp, signature] = found;
    let missing = |i: usize| WebhookError::MissingHeader(HEADERS[i]);
    Ok([
        id.ok_or(missing(0))?,
        timestamp.ok_or(missing(1))?,
        signature.ok_or(missing(2))?,
    ])
}

/// A `webhook-timestamp` value: decimal digits only, as senders write Unix seconds.
fn parse_timestamp(value: &[u8]) -> Result<i64, WebhookError> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(WebhookError::MalformedTimestamp);
    }
    std::str::from_utf8(value)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or(WebhookError::MalformedTimestamp)
}

/// Why a webhook delivery was refused (or a secret could not be used). Never contains the
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header of the scheme (named here) is not in the request: not a Standard Webhooks
    /// delivery, or a proxy dropped it.
    #[error("the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of Unix seconds (decimal digits).
    #[error("the `webhook-timestamp` header is not a Unix time in seconds")]
    MalformedTimestamp,
    /// The delivery was sent more than the tolerance ago: a replay of a recorded delivery,
    /// or a clock that is wrong here or at the sender.
    #[error(
        "the webhook was sent {seconds} s ago, more than the tolerance of {tolerance} s \
         (a replayed delivery, or a wrong clock)"
    )]
    TimestampTooOld {
        /// How long ago it was sent, in seconds.
        seconds: u64,
        /// The tolerance, in seconds.
        tolerance: u64,
    },
    /// The delivery's timestamp is more than the tolerance ahead of the current time: a
    /// clock that is wrong here or at the sender.
    #[error(
        "the webhook's timestamp is {seconds} s in the future, more than the tolerance of \
         {tolerance} s (a wrong clock)"
    )]
    TimestampTooNew {
        /// How far ahead it is, in seconds.
        seconds: u64,
        /// The tolerance, in seconds.
        tolerance: u64,
    },
    /// `webhook-signature` has no `v1,` entry (only other versions, or nothing).
    #[error("the `webhook-signature` header has no `v1` signature")]
    NoSupportedSignature,
    /// No `v1` signature matches: the body, id or timestamp were changed (or the body was
    /// re-serialized before verifying), or the secret is not the endpoint's.
    #[error(
        "no signature matches the webhook: a changed body, id or timestamp, or the wrong secret"
    )]
    SignatureMismatch,
    /// The delivery verifies, but its body is not JSON of the expected type: not JSON at all,
    /// not an event (no `type`), or an event that does not match its schema. The text says
    /// what and where, from the JSON decoder.
    #[error("the webhook's body is not an event of this API: {0}")]
    InvalidPayload(String),
    /// The secret given to [`Webhook::new`] is empty or not base64 (after an optional
    /// `whsec_`).
    #[error("the webhook secret is empty or not base64 (expected `whsec_` and base64)")]
    InvalidSecret,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    /// Unix seconds as a `SystemTime`.
    fn at(seconds: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds.try_into().unwrap())
    }

    /// A verifier for tests.
    fn webhook() -> Webhook {
        Webhook::new(SECRET).unwrap()
    }

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SENT: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    /// The headers of a delivery.
    fn headers(id: &str, timestamp: &str, signature: &str) -> Vec<(String, String)> {
        vec![
            ("webhook-id".into(), id.into()),
            ("webhook-timestamp".into(), timestamp.into()),
            ("webhook-signature".into(), signature.into()),
        ]
    }

    /// The headers of a delivery of `BODY` signed by `webhook()` at `SENT`.
    fn signed() -> Vec<(String, String)> {
        headers(ID, &SENT.to_string(), &webhook().sign(ID, SENT, BODY))
    }

    /// The published test vectors of the Standard Webhooks reference libraries.
    #[test]
    fn standard_webhooks_test_vectors() {
        // (secret, id, timestamp, body, signature)
        let vectors: [(&str, &str, i64, &[u8], &str); 2] = [
            // libraries/javascript/src/webhook.test.ts and libraries/python/tests/
            // test_webhooks.py, "sign function works".
            (
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1_614_265_330,
                br#"{"test": 2432232314}"#,
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
            // libraries/rust/src/lib.rs, `test_sign`.
            (
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                br#"{"email":"test@example.com","username":"test_user"}"#,
                "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            ),
        ];
        for (secret, id, timestamp, body, signature) in vectors {
            let raw = secret.strip_prefix("whsec_").unwrap();
            for secret in [secret, raw] {
                let webhook = Webhook::new(secret).unwrap();
                assert_eq!(webhook.sign(id, timestamp, body), signature, "{secret}");
                let delivery = headers(id, &timestamp.to_string(), signature);
                assert_eq!(webhook.verify_at(body, delivery, at(timestamp)), Ok(()));
            }
        }
        // The Python tests' "invalid signature": the first vector's with its last
        // character changed.
        let near_miss = headers(
            ID,
            &SENT.to_string(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
        );
        assert_eq!(
            webhook().verify_at(BODY, near_miss, at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn a_signed_delivery_verifies() {
        assert_eq!(webhook().verify_at(BODY, signed(), at(SENT)), Ok(()));
    }

    #[test]
    fn a_delivery_signed_now_verifies_against_the_clock() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let delivery = headers(ID, &now.to_string(), &webhook().sign(ID, now, BODY));
        assert_eq!(webhook().verify(BODY, delivery), Ok(()));
        let old = (now - 3600).to_string();
        let replayed = headers(ID, &old, &webhook().sign(ID, now - 3600, BODY));
        assert!(matches!(
            webhook().verify(BODY, replayed),
            Err(WebhookError::TimestampTooOld { .. })
        ));
    }

    #[test]
    fn a_changed_body_id_or_timestamp_does_not_verify() {
        let signature = webhook().sign(ID, SENT, BODY);
        let sent = SENT.to_string();
        assert_eq!(
            webhook().verify_at(br#"{"test": 2432232315}"#, signed(), at(SENT)),
            Err(WebhookError::SignatureMismatch),
            "body"
        );
        assert_eq!(
            webhook().verify_at(&BODY[..BODY.len() - 1], signed(), at(SENT)),
            Err(WebhookError::SignatureMismatch),
            "truncated body"
        );
        let other_id = headers("msg_p5jXN8AQM9LWM0D4loKWxJel", &sent, &signature);
        assert_eq!(
            webhook().verify_at(BODY, other_id, at(SENT)),
            Err(WebhookError::SignatureMismatch),
            "id"
        );
        // A timestamp moved within the tolerance: still not what was signed.
        let later = (SENT + 1).to_string();
        assert_eq!(
            webhook().verify_at(BODY, headers(ID, &later, &signature), at(SENT)),
            Err(WebhookError::SignatureMismatch),
            "timestamp"
        );
        // Moving the dot between id and timestamp signs the same text, but the timestamp
        // loses digits, which puts it decades back: the tolerance refuses it (and the
        // timestamp takes digits only, so the dot cannot move the other way).
        let shifted = headers("msg_p5jXN8AQM9LWM0D4loKWxJek.1", "614265330", &signature);
        assert!(
            matches!(
                webhook().verify_at(BODY, shifted, at(SENT)),
                Err(WebhookError::TimestampTooOld { .. })
            ),
            "id and timestamp split differently"
        );
    }

    #[test]
    fn the_wrong_secret_does_not_verify() {
        let other = Webhook::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        assert_eq!(
            other.verify_at(BODY, signed(), at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn timestamps_beyond_the_tolerance_are_refused() {
        let webhook = webhook();
        // A replay: the delivery arrives 301 s after it was signed.
        assert_eq!(
            webhook.verify_at(BODY, signed(), at(SENT + 301)),
            Err(WebhookError::TimestampTooOld {
                seconds: 301,
                tolerance: 300
            })
        );
        // From the future: 301 s ahead of the receiver's clock.
        assert_eq!(
            webhook.verify_at(BODY, signed(), at(SENT - 301)),
            Err(WebhookError::TimestampTooNew {
                seconds: 301,
                tolerance: 300
            })
        );
        // Far out of range either way (no overflow).
        let ancient = headers(ID, "0", &webhook.sign(ID, 0, BODY));
        assert_eq!(
            webhook.verify_at(BODY, ancient, at(SENT)),
            Err(WebhookError::TimestampTooOld {
                seconds: SENT as u64,
                tolerance: 300
            })
        );
        let last = headers(ID, &i64::MAX.to_string(), &webhook.sign(ID, i64::MAX, BODY));
        assert!(matches!(
            webhook.verify_at(BODY, last, UNIX_EPOCH - Duration::from_secs(10)),
            Err(WebhookError::TimestampTooNew { .. })
        ));
    }

    #[test]
    fn timestamps_just_inside_the_tolerance_are_accepted() {
        let webhook = webhook();
        assert_eq!(webhook.verify_at(BODY, signed(), at(SENT + 300)), Ok(()));
        assert_eq!(webhook.verify_at(BODY, signed(), at(SENT - 300)), Ok(()));
        // Fractions of a second do not count.
        let just_after = at(SENT + 300) + Duration::from_millis(999);
        assert_eq!(webhook.verify_at(BODY, signed(), just_after), Ok(()));
    }

    #[test]
    fn the_tolerance_is_configurable() {
        let strict = webhook().tolerance(Duration::from_secs(10));
        assert_eq!(strict.verify_at(BODY, signed(), at(SENT + 10)), Ok(()));
        assert_eq!(
            strict.verify_at(BODY, signed(), at(SENT + 11)),
            Err(WebhookError::TimestampTooOld {
                seconds: 11,
                tolerance: 10
            })
        );
        assert_eq!(
            strict.verify_at(BODY, signed(), at(SENT - 11)),
            Err(WebhookError::TimestampTooNew {
                seconds: 11,
                tolerance: 10
            })
        );
        let lenient = webhook().tolerance(Duration::from_secs(3600));
        assert_eq!(lenient.verify_at(BODY, signed(), at(SENT + 3600)), Ok(()));
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        // The sender rotates its secret: it signs with the old and the new one.
        let old = Webhook::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
        let new = webhook();
        let both = format!("{} {}", old.sign(ID, SENT, BODY), new.sign(ID, SENT, BODY));
        let delivery = headers(ID, &SENT.to_string(), &both);
        assert_eq!(old.verify_at(BODY, delivery.clone(), at(SENT)), Ok(()));
        assert_eq!(new.verify_at(BODY, delivery.clone(), at(SENT)), Ok(()));
        let third = Webhook::new("dGhpcmQgc2VjcmV0IG9mIHRoZSBlbmRwb2ludA==").unwrap();
        assert_eq!(
            third.verify_at(BODY, delivery, at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );

        // The reference libraries' multi-signature case: wrong `v1`, another version,
        // the valid one, wrong `v1` again; and stray spaces and entries.
        let valid = new.sign(ID, SENT, BODY);
        let mixed = format!(
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=  v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= \
             garbage v1,!!! {valid} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
        );
        let delivery = headers(ID, &SENT.to_string(), &mixed);
        assert_eq!(new.verify_at(BODY, delivery, at(SENT)), Ok(()));
    }

    #[test]
    fn only_other_versions_is_no_supported_signature() {
        let signature = webhook().sign(ID, SENT, BODY);
        let b64 = signature.strip_prefix("v1,").unwrap();
        for value in [
            format!("v1a,{b64}"),
            format!("v2,{b64} v0,{b64}"),
            format!("V1,{b64}"),
            b64.to_owned(),
            String::new(),
            "   ".to_owned(),
        ] {
            assert_eq!(
                webhook().verify_at(BODY, headers(ID, &SENT.to_string(), &value), at(SENT)),
                Err(WebhookError::NoSupportedSignature),
                "{value:?}"
            );
        }
    }

    #[test]
    fn partial_or_malformed_v1_signatures_do_not_match() {
        let signature = webhook().sign(ID, SENT, BODY);
        let b64 = signature.strip_prefix("v1,").unwrap();
        let raw = STANDARD.decode(b64).unwrap();
        for value in [
            "v1,".to_owned(),
            signature[..8].to_owned(),
            format!("v1,{}", &b64[..20]),
            // The first 16 bytes of the right MAC, well encoded: a truncated tag.
            format!("v1,{}", STANDARD.encode(&raw[..16])),
            // The right MAC and one more byte.
            format!("v1,{}", STANDARD.encode([&raw[..], &[0]].concat())),
            "v1,dawfeoifkpqwoekfpqoekf".to_owned(),
            "v1,not base64 at all".to_owned(),
        ] {
            assert_eq!(
                webhook().verify_at(BODY, headers(ID, &SENT.to_string(), &value), at(SENT)),
                Err(WebhookError::SignatureMismatch),
                "{value:?}"
            );
        }
        // Without its padding, the right signature still matches.
        let unpadded = format!("v1,{}", b64.trim_end_matches('='));
        assert_eq!(
            webhook().verify_at(BODY, headers(ID, &SENT.to_string(), &unpadded), at(SENT)),
            Ok(())
        );
    }

    #[test]
    fn each_missing_header_is_named() {
        for missing in HEADERS {
            let delivery: Vec<_> = signed()
                .into_iter()
                .filter(|(name, _)| name != missing)
                .collect();
            assert_eq!(
                webhook().verify_at(BODY, delivery, at(SENT)),
                Err(WebhookError::MissingHeader(missing))
            );
        }
        assert_eq!(
            webhook().verify_at(BODY, Vec::<(&str, &str)>::new(), at(SENT)),
            Err(WebhookError::MissingHeader("webhook-id"))
        );
        // Near misses of the names do not count.
        let near = [
            ("webhook_id", ID),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", "v1,x"),
        ];
        assert_eq!(
            webhook().verify_at(BODY, near, at(SENT)),
            Err(WebhookError::MissingHeader("webhook-id"))
        );
    }

    #[test]
    fn malformed_timestamps_are_refused() {
        let signature = webhook().sign(ID, SENT, BODY);
        for timestamp in [
            "hello",
            "",
            "-1",
            "+1614265330",
            " 1614265330",
            "1614265330 ",
            "1614265330.5",
            "1_614_265_330",
            "2021-02-25T15:02:10Z",
            "99999999999999999999",
        ] {
            assert_eq!(
                webhook().verify_at(BODY, headers(ID, timestamp, &signature), at(SENT)),
                Err(WebhookError::MalformedTimestamp),
                "{timestamp:?}"
            );
        }
    }

    #[test]
    fn bad_secrets_are_refused_without_showing_them() {
        for secret in [
            "",
            "whsec_",
            "   ",
            "whsec_not base64!",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwX", // a length base64 cannot have
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw==", // padding where none belongs
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La-_Sw",  // the URL-safe alphabet
            "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",   // an asymmetric secret key
        ] {
            let err = Webhook::new(secret).unwrap_err();
            assert_eq!(err, WebhookError::InvalidSecret, "{secret:?}");
            let shown = format!("{err} {err:?}");
            let body = secret.trim_start_matches("whsec_");
            assert!(body.is_empty() || !shown.contains(body), "{shown}");
        }
    }

    #[test]
    fn secrets_with_or_without_prefix_padding_or_whitespace_are_the_same_key() {
        let expected = webhook().sign(ID, SENT, BODY);
        for secret in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
        ] {
            assert_eq!(Webhook::new(secret).unwrap().sign(ID, SENT, BODY), expected);
        }
        // A secret whose base64 needs padding, with and without it.
        let padded = Webhook::new("whsec_dGhpcmQgc2VjcmV0IG9mIHRoZSBlbmRwb2ludA==").unwrap();
        let unpadded = Webhook::new("whsec_dGhpcmQgc2VjcmV0IG9mIHRoZSBlbmRwb2ludA").unwrap();
        assert_eq!(padded.sign(ID, SENT, BODY), unpadded.sign(ID, SENT, BODY));
    }

    #[test]
    fn debug_and_errors_never_show_the_secret() {
        let webhook = webhook();
        let shown = format!("{webhook:?}");
        assert!(
            !shown.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "{shown}"
        );
        assert_eq!(shown, "Webhook { key: \"<redacted>\", tolerance: 300s }");
        for err in [
            webhook.verify_at(BODY, signed(), at(SENT + 301)),
            webhook.verify_at(b"x", signed(), at(SENT)),
        ] {
            let err = err.unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                "{shown}"
            );
        }
    }

    #[test]
    fn header_names_match_whatever_their_case() {
        let sent = SENT.to_string();
        let signature = webhook().sign(ID, SENT, BODY);
        let pairs = [
            ("Webhook-Id", ID),
            ("WEBHOOK-TIMESTAMP", sent.as_str()),
            ("wEbHoOk-SiGnAtUrE", signature.as_str()),
        ];
        assert_eq!(webhook().verify_at(BODY, pairs, at(SENT)), Ok(()));
    }

    #[test]
    fn an_http_header_map_is_accepted() {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_bytes(b"Webhook-Id").unwrap(),
            HeaderValue::from_static(ID),
        );
        map.insert(
            HeaderName::from_static("webhook-timestamp"),
            HeaderValue::from_str(&SENT.to_string()).unwrap(),
        );
        map.insert(
            HeaderName::from_static("webhook-signature"),
            HeaderValue::from_str(&webhook().sign(ID, SENT, BODY)).unwrap(),
        );
        map.insert("content-type", HeaderValue::from_static("application/json"));
        assert_eq!(webhook().verify_at(BODY, &map, at(SENT)), Ok(()));

        // The first value of a repeated header counts, as with `HeaderMap::get`.
        map.append(
            HeaderName::from_static("webhook-timestamp"),
            HeaderValue::from_static("1"),
        );
        assert_eq!(webhook().verify_at(BODY, &map, at(SENT)), Ok(()));
        map.remove("webhook-id");
        assert_eq!(
            webhook().verify_at(BODY, &map, at(SENT)),
            Err(WebhookError::MissingHeader("webhook-id"))
        );
    }

    #[test]
    fn other_header_collections_are_accepted() {
        let delivery: std::collections::HashMap<String, String> = signed().into_iter().collect();
        assert_eq!(webhook().verify_at(BODY, &delivery, at(SENT)), Ok(()));
        let borrowed: Vec<(&str, &str)> = delivery
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            webhook().verify_at(BODY, borrowed.iter().copied(), at(SENT)),
            Ok(())
        );
        // Values as bytes: a header value need not be text.
        let bytes: Vec<(&str, &[u8])> = borrowed.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
        assert_eq!(webhook().verify_at(BODY, bytes, at(SENT)), Ok(()));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_signed_as_bytes() {
        let body = [0xff, 0xfe, 0x00, b'.', 0x80];
        let sent = SENT.to_string();
        let delivery = headers(ID, &sent, &webhook().sign(ID, SENT, &body));
        assert_eq!(
            webhook().verify_at(&body, delivery.clone(), at(SENT)),
            Ok(())
        );
        assert_eq!(
            webhook().verify_at(&body[..4], delivery, at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );
        // An empty body too.
        let empty = headers(ID, &sent, &webhook().sign(ID, SENT, b""));
        assert_eq!(webhook().verify_at(b"", empty, at(SENT)), Ok(()));
    }

    #[test]
    fn the_timestamp_is_signed_as_sent() {
        // Leading zeros parse to the same number, but the sender signed its own text.
        let signature = webhook().sign(ID, SENT, BODY);
        let zeros = format!("00{SENT}");
        assert_eq!(
            webhook().verify_at(BODY, headers(ID, &zeros, &signature), at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );
    }

    #[test]
    fn unwrap_verifies_then_decodes() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Test {
            test: u64,
        }
        let webhook = webhook();
        assert_eq!(
            webhook.unwrap_at::<Test>(BODY, signed(), at(SENT)),
            Ok(Test { test: 2432232314 })
        );
        // Verification comes first: a tampered body is a signature error, not a JSON one.
        assert_eq!(
            webhook.unwrap_at::<Test>(b"{", signed(), at(SENT)),
            Err(WebhookError::SignatureMismatch)
        );
        assert_eq!(
            webhook.unwrap_at::<Test>(BODY, signed(), at(SENT + 301)),
            Err(WebhookError::TimestampTooOld {
                seconds: 301,
                tolerance: 300
            })
        );
        // Signed, but not of the expected type, or not JSON.
        for (body, expected) in [
            (
                &b"{\"test\": \"x\"}"[..],
                "invalid type: string \"x\", expected u64",
            ),
            (&b"not json"[..], "expected ident at line 1 column 2"),
        ] {
            let delivery = headers(ID, &SENT.to_string(), &webhook.sign(ID, SENT, body));
            match webhook.unwrap_at::<Test>(body, delivery, at(SENT)) {
                Err(WebhookError::InvalidPayload(message)) => {
                    assert!(message.starts_with(expected), "{message}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn errors_read_well() {
        let cases = [
            (
                WebhookError::MissingHeader("webhook-signature"),
                "the `webhook-signature` header is missing",
            ),
            (
                WebhookError::TimestampTooOld {
                    seconds: 301,
                    tolerance: 300,
                },
                "the webhook was sent 301 s ago, more than the tolerance of 300 s (a replayed \
                 delivery, or a wrong clock)",
            ),
            (
                WebhookError::TimestampTooNew {
                    seconds: 400,
                    tolerance: 300,
                },
                "the webhook's timestamp is 400 s in the future, more than the tolerance of \
                 300 s (a wrong clock)",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }
}
