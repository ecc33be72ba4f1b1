//! Where the client's idempotency header comes from: the document's top-level
//! `x-idempotency-header`, overridden by `Config::idempotency_header`; none otherwise.

use std::path::Path;

fn api_info(fixture: &str, header: Option<&str>) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let spec = codegen::parse_spec(&std::fs::read_to_string(path).unwrap()).unwrap();
    let config = codegen::Config {
        idempotency_header: header.map(str::to_owned),
        ..codegen::Config::default()
    };
    let files = codegen::generate(&spec, &config).unwrap();
    let root = files.iter().find(|f| f.path == "mod.rs").unwrap();
    root.contents
        .lines()
        .find(|l| l.contains("idempotency_header:"))
        .expect("ApiInfo names the header")
        .trim()
        .to_owned()
}

#[test]
fn the_document_declares_the_header_and_the_config_overrides_it() {
    assert_eq!(
        api_info("idempotency.yaml", None),
        r#"idempotency_header: Some("Idempotency-Key"),"#
    );
    assert_eq!(
        api_info("idempotency.yaml", Some("X-Request-Key")),
        r#"idempotency_header: Some("X-Request-Key"),"#
    );
    assert_eq!(api_info("petstore.yaml", None), "idempotency_header: None,");
    assert_eq!(
        api_info("petstore.yaml", Some("Idempotency-Key")),
        r#"idempotency_header: Some("Idempotency-Key"),"#
    );
}
