//! The IR of a few fixtures, as lowering decided it: every name, the resource tree, which
//! inputs are arguments, setters or constants, the mock's names and the example tests. The
//! emitters render exactly this; a change in a decision shows up here before it shows up in
//! the generated code.

use std::path::Path;

fn lowered(fixture: &str) -> codegen::ir::Api {
    lowered_with(fixture, &codegen::Config::default())
}

fn lowered_with(fixture: &str, config: &codegen::Config) -> codegen::ir::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let spec = codegen::parse_spec(&text).expect("the fixture parses");
    codegen::lower_to_ir(&spec, config).expect("the fixture lowers")
}

#[test]
fn resources() {
    insta::assert_debug_snapshot!(lowered("resources.yaml"));
}

#[test]
fn runtime_names() {
    insta::assert_debug_snapshot!(lowered("runtime_names.yaml"));
}

/// One feature per group: which feature each operation is in, which features compile each
/// type (a type every group reaches always compiles; one no operation reaches has a
/// feature of its own), each resource and each example test; and the serde directions.
#[test]
fn features() {
    let config = codegen::Config {
        features: codegen::FeatureMode::On,
        ..Default::default()
    };
    let api = lowered_with("features.yaml", &config);
    let mut decisions = String::new();
    for feature in &api.features {
        let ops: Vec<&str> = feature
            .operations
            .iter()
            .map(|op| api.operations[op.0].id.as_str())
            .collect();
        decisions.push_str(&format!(
            "feature {} ({}): {ops:?}\n",
            feature.name, feature.title
        ));
    }
    for def in &api.types {
        decisions.push_str(&format!(
            "type {}: {:?}, sent {}, received {}\n",
            def.name, def.gate, def.sent, def.received
        ));
    }
    for node in &api.resources.nodes {
        decisions.push_str(&format!("resource {}: {:?}\n", node.type_name, node.gate));
    }
    for example in &api.examples {
        decisions.push_str(&format!(
            "example {}: {:?}\n",
            example.test_name, example.gate
        ));
    }
    insta::assert_snapshot!(decisions);
}

/// 3.2's nested tags: an operation goes into the feature of the outermost tag above its
/// first tag.
#[test]
fn nested_tags_share_the_feature_of_their_outermost_parent() {
    let config = codegen::Config {
        features: codegen::FeatureMode::On,
        ..Default::default()
    };
    let api = lowered_with("oas32_tags.yaml", &config);
    let features: Vec<(String, Vec<&str>)> = api
        .features
        .iter()
        .map(|f| {
            let ops = f
                .operations
                .iter()
                .map(|op| api.operations[op.0].id.as_str())
                .collect();
            (f.name.clone(), ops)
        })
        .collect();
    assert_eq!(
        features,
        vec![
            ("delays".to_owned(), vec!["listDelays"]),
            (
                "flights".to_owned(),
                vec![
                    "listFlights",
                    "listInternationalFlights",
                    "listTransatlanticFlights"
                ]
            ),
        ]
    );
}
