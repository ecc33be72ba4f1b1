//! Webhook deliveries through `webhooks::unwrap` of the crate generated from the whole
//! published OpenAI spec (as `openai`, with only its `webhooks` feature): every one of its
//! webhooks is a typed event, and deliveries signed with known secrets, tampered with,
//! replayed, expired, from the future and signed with rotated secrets come out as they
//! should. `xtask/tests/codegen.rs` copies this file into the generated crate's `tests/`.

use openai::webhooks::{self, Event, Webhook, WebhookError};
use std::time::{SystemTime, UNIX_EPOCH};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OLD_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_2Lk6tPEjvBCQ0DrAqTKtMIK5rcE";
const COMPLETED: &[u8] = br#"{"id":"evt_abc123","type":"batch.completed","created_at":1719168000,"data":{"id":"batch_abc123"}}"#;

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

/// The variant's name, from a `match` that names every event the spec describes.
fn variant(event: &Event) -> &'static str {
    match event {
        Event::BatchCancelled(_) => "BatchCancelled",
        Event::BatchCompleted(_) => "BatchCompleted",
        Event::BatchExpired(_) => "BatchExpired",
        Event::BatchFailed(_) => "BatchFailed",
        Event::EvalRunCanceled(_) => "EvalRunCanceled",
        Event::EvalRunFailed(_) => "EvalRunFailed",
        Event::EvalRunSucceeded(_) => "EvalRunSucceeded",
        Event::FineTuningJobCancelled(_) => "FineTuningJobCancelled",
        Event::FineTuningJobFailed(_) => "FineTuningJobFailed",
        Event::FineTuningJobSucceeded(_) => "FineTuningJobSucceeded",
        Event::LiveCallIncoming(_) => "LiveCallIncoming",
        Event::RealtimeCallIncoming(_) => "RealtimeCallIncoming",
        Event::ResponseCancelled(_) => "ResponseCancelled",
        Event::ResponseCompleted(_) => "ResponseCompleted",
        Event::ResponseFailed(_) => "ResponseFailed",
        Event::ResponseIncomplete(_) => "ResponseIncomplete",
        Event::Unknown(_) => "Unknown",
        _ => "a variant this test does not know",
    }
}

#[test]
fn every_webhook_of_the_spec_is_a_typed_event() {
    let id = r#"{"id":"x_1"}"#;
    let call = r#"{"session_id":"s_1","call_id":"c_1","sip_headers":[]}"#;
    let events = [
        ("batch.cancelled", id, "BatchCancelled"),
        ("batch.completed", id, "BatchCompleted"),
        ("batch.expired", id, "BatchExpired"),
        ("batch.failed", id, "BatchFailed"),
        ("eval.run.canceled", id, "EvalRunCanceled"),
        ("eval.run.failed", id, "EvalRunFailed"),
        ("eval.run.succeeded", id, "EvalRunSucceeded"),
        ("fine_tuning.job.cancelled", id, "FineTuningJobCancelled"),
        ("fine_tuning.job.failed", id, "FineTuningJobFailed"),
        ("fine_tuning.job.succeeded", id, "FineTuningJobSucceeded"),
        ("live.call.incoming", call, "LiveCallIncoming"),
        ("realtime.call.incoming", call, "RealtimeCallIncoming"),
        ("response.cancelled", id, "ResponseCancelled"),
        ("response.completed", id, "ResponseCompleted"),
        ("response.failed", id, "ResponseFailed"),
        ("response.incomplete", id, "ResponseIncomplete"),
    ];
    for (kind, data, expected) in events {
        let body = format!(
            r#"{{"id":"evt_1","object":"event","type":"{kind}","created_at":1,"data":{data}}}"#
        );
        let body = body.as_bytes();
        match webhooks::unwrap(body, delivery(&[SECRET], now(), body), SECRET) {
            Ok(event) => assert_eq!(variant(&event), expected, "{kind}"),
            Err(e) => panic!("{kind}: {e}"),
        }
    }
}

#[test]
fn deliveries_signed_tampered_replayed_expired_and_rotated() {
    let event = webhooks::unwrap(COMPLETED, delivery(&[SECRET], now(), COMPLETED), SECRET);
    let Ok(Event::BatchCompleted(completed)) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        (
            completed.id.as_str(),
            completed.data.id.as_str(),
            completed.created_at
        ),
        ("evt_abc123", "batch_abc123", 1_719_168_000)
    );

    let tampered = String::from_utf8(COMPLETED.to_vec())
        .unwrap()
        .replace("batch_abc123", "batch_evil");
    assert_eq!(
        webhooks::unwrap(
            tampered.as_bytes(),
            delivery(&[SECRET], now(), COMPLETED),
            SECRET
        ),
        Err(WebhookError::SignatureMismatch)
    );
    assert!(matches!(
        webhooks::unwrap(
            COMPLETED,
            delivery(&[SECRET], now() - 3600, COMPLETED),
            SECRET
        ),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    assert!(matches!(
        webhooks::unwrap(
            COMPLETED,
            delivery(&[SECRET], now() - 301, COMPLETED),
            SECRET
        ),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    assert!(matches!(
        webhooks::unwrap(
            COMPLETED,
            delivery(&[SECRET], now() + 3600, COMPLETED),
            SECRET
        ),
        Err(WebhookError::TimestampTooNew { .. })
    ));

    let both = delivery(&[OLD_SECRET, SECRET], now(), COMPLETED);
    for secret in [SECRET, OLD_SECRET] {
        let event = webhooks::unwrap(COMPLETED, both.clone(), secret);
        assert!(matches!(event, Ok(Event::BatchCompleted(_))), "{event:?}");
    }
    assert_eq!(
        webhooks::unwrap(
            COMPLETED,
            both,
            "whsec_dGhpcmQgc2VjcmV0IG9mIHRoZSBlbmRwb2ludA=="
        ),
        Err(WebhookError::SignatureMismatch)
    );

    let unknown =
        br#"{"id":"evt_3","type":"video.completed","created_at":1,"data":{"id":"video_1"}}"#;
    let event = webhooks::unwrap(unknown, delivery(&[SECRET], now(), unknown), SECRET);
    assert_eq!(
        event,
        Ok(Event::Unknown(serde_json::from_slice(unknown).unwrap()))
    );
}
