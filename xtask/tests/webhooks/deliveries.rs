//! Webhook deliveries through `webhooks::unwrap` of the crate generated from
//! `codegen/tests/fixtures/webhooks.yaml` (as `batches`): signed here with known secrets,
//! then tampered with, replayed, sent from the future, signed with rotated secrets, or of a
//! type the document does not name. `xtask/tests/codegen.rs` copies this file into the
//! generated crate's `tests/` and runs it.

use batches::models;
use batches::webhooks::{self, Event, Webhook, WebhookError};
use std::time::{SystemTime, UNIX_EPOCH};

/// The Standard Webhooks specification's test secret, and a second one for rotation.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OLD_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_2Lk6tPEjvBCQ0DrAqTKtMIK5rcE";

const COMPLETED: &[u8] = br#"{"id":"evt_1","object":"event","type":"batch.completed","created_at":1719168000,"data":{"id":"batch_1"}}"#;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The headers of a delivery of `body` sent at `at`, signed with each secret.
fn delivery(secrets: &[&str], at: i64, body: &[u8]) -> Vec<(String, String)> {
    let signatures: Vec<String> = secrets
        .iter()
        .map(|s| Webhook::new(s).unwrap().sign(ID, at, body))
        .collect();
    vec![
        ("webhook-id".into(), ID.into()),
        ("webhook-timestamp".into(), at.to_string()),
        ("webhook-signature".into(), signatures.join(" ")),
    ]
}

#[test]
fn a_signed_delivery_is_a_typed_event() {
    let event = webhooks::unwrap(COMPLETED, delivery(&[SECRET], now(), COMPLETED), SECRET);
    let Ok(Event::BatchCompleted(completed)) = event else {
        panic!("{event:?}")
    };
    assert_eq!(completed.id, "evt_1");
    assert_eq!(completed.data.id, "batch_1");
    assert_eq!(completed.created_at, 1_719_168_000);
    assert_eq!(completed.r#type, models::BatchCompleted::Value);

    // The inline payload, and the one of the webhook given by `$ref`.
    let failed = br#"{"id":"evt_2","type":"batch.failed","data":{"id":"batch_2","error":null}}"#;
    let event = webhooks::unwrap(failed, delivery(&[SECRET], now(), failed), SECRET);
    let Ok(Event::BatchFailed(failed)) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (failed.id.as_str(), failed.data.id.as_str()),
        ("evt_2", "batch_2")
    );
    let expired = br#"{"id":"evt_3","type":"batch.expired"}"#;
    let event = webhooks::unwrap(expired, delivery(&[SECRET], now(), expired), SECRET);
    assert!(
        matches!(event, Ok(Event::BatchExpired(ref e)) if e.id == "evt_3"),
        "{event:?}"
    );
}

#[test]
fn a_tampered_body_does_not_verify() {
    let headers = delivery(&[SECRET], now(), COMPLETED);
    let tampered = String::from_utf8(COMPLETED.to_vec())
        .unwrap()
        .replace("batch_1", "batch_9");
    assert_eq!(
        webhooks::unwrap(tampered.as_bytes(), headers.clone(), SECRET),
        Err(WebhookError::SignatureMismatch)
    );
    // Another secret does not verify the genuine body either.
    assert_eq!(
        webhooks::unwrap(COMPLETED, headers, OLD_SECRET),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn replayed_and_future_deliveries_are_refused() {
    let replayed = delivery(&[SECRET], now() - 3600, COMPLETED);
    assert!(
        matches!(
            webhooks::unwrap(COMPLETED, replayed, SECRET),
            Err(WebhookError::TimestampTooOld { tolerance: 300, .. })
        ),
        "an hour old"
    );
    let future = delivery(&[SECRET], now() + 3600, COMPLETED);
    assert!(
        matches!(
            webhooks::unwrap(COMPLETED, future, SECRET),
            Err(WebhookError::TimestampTooNew { tolerance: 300, .. })
        ),
        "an hour ahead"
    );
    // A longer tolerance, through `Webhook`, takes the old one.
    let webhook = Webhook::new(SECRET)
        .unwrap()
        .tolerance(std::time::Duration::from_secs(7200));
    let replayed = delivery(&[SECRET], now() - 3600, COMPLETED);
    let event: Result<Event, _> = webhook.unwrap(COMPLETED, replayed);
    assert!(matches!(event, Ok(Event::BatchCompleted(_))), "{event:?}");
}

#[test]
fn one_valid_signature_among_rotated_ones_is_enough() {
    let both = delivery(&[OLD_SECRET, SECRET], now(), COMPLETED);
    for secret in [SECRET, OLD_SECRET] {
        let event = webhooks::unwrap(COMPLETED, both.clone(), secret);
        assert!(matches!(event, Ok(Event::BatchCompleted(_))), "{event:?}");
    }
    let third = "whsec_dGhpcmQgc2VjcmV0IG9mIHRoZSBlbmRwb2ludA==";
    assert_eq!(
        webhooks::unwrap(COMPLETED, both, third),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn an_event_of_an_unknown_type_is_kept_as_sent() {
    let body = br#"{"id":"evt_4","type":"batch.paused","data":{"id":"batch_4"}}"#;
    let event = webhooks::unwrap(body, delivery(&[SECRET], now(), body), SECRET);
    let expected: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(event, Ok(Event::Unknown(expected)));
}

#[test]
fn each_way_a_delivery_can_be_wrong_has_its_error() {
    let mut headers = delivery(&[SECRET], now(), COMPLETED);
    headers.retain(|(name, _)| name != "webhook-signature");
    assert_eq!(
        webhooks::unwrap(COMPLETED, headers, SECRET),
        Err(WebhookError::MissingHeader("webhook-signature"))
    );
    assert_eq!(
        webhooks::unwrap(
            COMPLETED,
            delivery(&[SECRET], now(), COMPLETED),
            "whsec_not base64!"
        ),
        Err(WebhookError::InvalidSecret)
    );
    // Signed, but not an event: not JSON, no `type`, or a known type that does not match
    // its schema.
    for (body, expected) in [
        (&b"not json"[..], "expected ident"),
        (
            &br#"{"id":"evt_5"}"#[..],
            "no string `type` field: not an event",
        ),
        (
            &br#"{"id":"evt_6","type":"batch.completed"}"#[..],
            "a `batch.completed` event: ",
        ),
    ] {
        match webhooks::unwrap(body, delivery(&[SECRET], now(), body), SECRET) {
            Err(WebhookError::InvalidPayload(message)) => {
                assert!(message.contains(expected), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
