//! The IR of two fixtures, as lowering decided it: every name, the resource tree, which
//! inputs are arguments, setters or constants, the mock's names and the example tests. The
//! emitters render exactly this; a change in a decision shows up here before it shows up in
//! the generated code.

use std::path::Path;

fn lowered(fixture: &str) -> codegen::ir::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let spec = codegen::parse_spec(&text).expect("the fixture parses");
    codegen::lower_to_ir(&spec, &codegen::Config::default()).expect("the fixture lowers")
}

#[test]
fn resources() {
    insta::assert_debug_snapshot!(lowered("resources.yaml"));
}

#[test]
fn runtime_names() {
    insta::assert_debug_snapshot!(lowered("runtime_names.yaml"));
}
