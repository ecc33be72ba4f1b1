#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;

// The client (`Client`, `ClientBuilder`, the operations, `models`, `resources`, `mock`)
// and what its users need from the runtime (`Error`, `Result`, `ApiResponse`, …).
pub use generated::*;

/// `check_example`, which the generated `spec_examples` tests call, on this crate's models
/// (the runtime has no models of its own to try it on).
#[cfg(test)]
mod example_tests {
    use crate::models::{Certificate, ToggleCertificatesRequest};
    use apigen_runtime::__private::check_example;

    const CERTIFICATE: &str = r#"{"object": "certificate", "id": "cert_1", "name": null,
        "created_at": 1, "certificate_details": {"valid_at": 1, "expires_at": 2}}"#;

    #[test]
    fn a_fitting_example_passes_with_null_for_an_absent_field() {
        check_example::<Certificate>("#/ok", CERTIFICATE);
    }

    #[test]
    #[should_panic(expected = "does not decode into")]
    fn an_example_that_does_not_fit_its_schema_fails() {
        check_example::<Certificate>("#/bad", r#"{"object": "certificate", "id": 7}"#);
    }

    #[test]
    #[should_panic(expected = "does not give the example back")]
    fn a_model_that_loses_data_fails() {
        // `extra` is not in the schema: the model drops it, so the round trip loses data.
        check_example::<ToggleCertificatesRequest>(
            "#/lossy",
            r#"{"certificate_ids": ["cert_1"], "extra": true}"#,
        );
    }
}
