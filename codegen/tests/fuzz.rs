//! Property tests: the generator never panics, whatever the spec, and its output does not
//! depend on the order of maps whose order means nothing.
//!
//! The suite runs a bounded number of cases (256 per property). A long run:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release -p codegen --test fuzz
//! ```
//!
//! Every panic found becomes a fixture under `tests/errors/` or `tests/fixtures/` with a
//! snapshot of its result.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::path::Path;

/// Seeds: the certificate spec and every fixture, as JSON values (read once).
fn seeds() -> &'static [Value] {
    static SEEDS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("../spec/openapi.yaml")];
    for dir in ["tests/fixtures", "tests/errors"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        paths.extend(entries);
    }
    paths
        .iter()
        .filter_map(|p| codegen::parse_value(&std::fs::read_to_string(p).unwrap()).ok())
        .collect()
}

/// Values that tend to break generators.
fn palette(i: usize, names: &[String]) -> Value {
    let some_ref = |k: usize| {
        names
            .get(k % names.len().max(1))
            .map(|n| json!({ "$ref": format!("#/components/schemas/{n}") }))
            .unwrap_or(json!({ "$ref": "#/components/schemas/Nope" }))
    };
    match i % 32 {
        0 => json!(""),
        1 => json!("type"),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1e308),
        5 => json!(u64::MAX),
        6 => json!(i64::MIN),
        7 => json!(true),
        8 => Value::Null,
        9 => json!([]),
        10 => json!({}),
        11 => some_ref(i / 32),
        12 => json!({ "$ref": "#/components/schemas/Missing" }),
        13 => json!({ "$ref": "#/components/parameters/Missing" }),
        14 => json!({ "type": "object" }),
        15 => json!({ "type": "array" }),
        16 => {
            json!({ "type": "string", "enum": ["", "a", "A", "a-b", "a_b", "1", "+1", "self", "Other"] })
        }
        17 => json!({ "oneOf": [some_ref(i), { "type": "string" }, { "type": "null" }] }),
        18 => {
            json!({ "allOf": [some_ref(i), { "type": "object", "properties": { "type": { "type": "integer" } } }] })
        }
        19 => json!({ "anyOf": [some_ref(i + 1)] }),
        20 => json!({ "type": "object", "additionalProperties": some_ref(i) }),
        21 => {
            json!({ "type": "object", "properties": { "名前": { "type": "string" }, "": { "nullable": true } }, "required": ["名前", "missing"] })
        }
        22 => json!({ "type": "integer", "format": "int32", "minimum": -1, "maximum": 1e30 }),
        23 => {
            json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } })
        }
        24 => {
            json!({ "name": "q", "in": "query", "style": "deepObject", "schema": { "type": "object" } })
        }
        25 => {
            json!({ "description": "```\npanic!()\n```\n    indented\n[link] <tag> https://x.y" })
        }
        26 => {
            json!({ "oneOf": [some_ref(i), some_ref(i + 2)], "discriminator": { "propertyName": "kind", "mapping": { "a": "#/components/schemas/Nope" } } })
        }
        27 => json!("/a/{id}/{id}"),
        28 => json!({ "application/json": { "schema": some_ref(i) } }),
        29 => json!({ "text/plain": { "schema": { "type": "string" } } }),
        30 => {
            json!({ "200": { "description": "ok", "content": { "application/json": { "schema": some_ref(i) } } } })
        }
        _ => json!("{"),
    }
}

const KEYS: &[&str] = &[
    "type",
    "self",
    "Self",
    "",
    "名前",
    "a/b",
    "{id}",
    "~",
    "properties",
    "required",
    "$ref",
    "enum",
    "nullable",
    "items",
    "allOf",
    "oneOf",
    "parameters",
    "get",
    "post",
    "operationId",
    "200",
    "default",
    "Client",
    "Result",
    "in",
    "r#type",
];

/// Every place in the value, as paths of object keys and array indices.
fn places(value: &Value) -> Vec<Vec<PathElem>> {
    fn walk(v: &Value, path: &mut Vec<PathElem>, out: &mut Vec<Vec<PathElem>>) {
        if out.len() > 5000 {
            return;
        }
        out.push(path.clone());
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    path.push(PathElem::Key(k.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(PathElem::Index(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

#[derive(Clone, Debug)]
enum PathElem {
    Key(String),
    Index(usize),
}

fn get_mut<'v>(value: &'v mut Value, path: &[PathElem]) -> Option<&'v mut Value> {
    let mut v = value;
    for elem in path {
        v = match (elem, v) {
            (PathElem::Key(k), Value::Object(map)) => map.get_mut(k)?,
            (PathElem::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

#[derive(Clone, Debug)]
enum Mutation {
    Remove(usize),
    Replace(usize, usize),
    RenameKey(usize, usize),
    Duplicate(usize, usize),
    Graft(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Replace(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::RenameKey(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Graft(a, b)),
    ]
}

fn schema_names(value: &Value) -> Vec<String> {
    value
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn apply(value: &mut Value, m: &Mutation) {
    let all = places(value);
    let names = schema_names(value);
    let pick = |i: usize| all[i % all.len()].clone();
    match m {
        Mutation::Remove(i) => {
            let path = pick(*i);
            if let Some((last, parent)) = path.split_last() {
                match (last, get_mut(value, parent)) {
                    (PathElem::Key(k), Some(Value::Object(map))) => {
                        map.remove(k);
                    }
                    (PathElem::Index(i), Some(Value::Array(items))) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace(i, p) => {
            let path = pick(*i);
            if let Some(v) = get_mut(value, &path) {
                *v = palette(*p, &names);
            }
        }
        Mutation::RenameKey(i, k) => {
            let path = pick(*i);
            if let Some((PathElem::Key(old), parent)) = path.split_last()
                && let Some(Value::Object(map)) = get_mut(value, parent)
                && let Some(v) = map.remove(old)
            {
                map.insert(KEYS[k % KEYS.len()].to_owned(), v);
            }
        }
        Mutation::Duplicate(i, k) => {
            let path = pick(*i);
            if let Some((PathElem::Key(old), parent)) = path.split_last()
                && let Some(Value::Object(map)) = get_mut(value, parent)
                && let Some(v) = map.get(old).cloned()
            {
                map.insert(format!("{old}{}", KEYS[k % KEYS.len()]), v);
            }
        }
        Mutation::Graft(from, to) => {
            let source = get_mut(value, &pick(*from)).map(|v| v.clone());
            if let (Some(source), Some(target)) = (source, get_mut(value, &pick(*to))) {
                if let Value::Object(map) = target {
                    map.insert("grafted".to_owned(), source);
                } else {
                    *target = source;
                }
            }
        }
    }
}

/// Parses and generates; must return (Ok or Err), never panic. With `FUZZ_DUMP=FILE`, each
/// input is written to FILE first, so that an input that aborts the process (a stack
/// overflow cannot be caught) is kept for a fixture.
fn run(value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap();
    if let Ok(dump) = std::env::var("FUZZ_DUMP") {
        std::fs::write(dump, &text).unwrap();
    }
    if let Ok(spec) = codegen::parse_spec(&text) {
        let _ = codegen::generate_with_notes(&spec, &codegen::Config::default());
    }
    // The YAML path too.
    let yaml = serde_yaml_text(value);
    if let Ok(spec) = codegen::parse_spec(&yaml) {
        let _ = codegen::generate_with_notes(&spec, &codegen::Config::default());
    }
}

fn serde_yaml_text(value: &Value) -> String {
    // JSON is valid YAML; prefix a comment so that the YAML reader is the one used.
    format!("# yaml\n{}", serde_json::to_string(value).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(seed in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..8)) {
        let seeds = seeds();
        let mut value = seeds[seed % seeds.len()].clone();
        for m in &mutations {
            apply(&mut value, m);
        }
        run(&value);
    }

    #[test]
    fn map_order_does_not_change_the_output(seed in any::<usize>(), shuffle in any::<u64>()) {
        let seeds = seeds();
        let value = seeds[seed % seeds.len()].clone();
        let shuffled = shuffle_unordered_maps(&value, shuffle);
        prop_assert_eq!(generate(&value), generate(&shuffled));
    }
}

fn generate(value: &Value) -> Output {
    let spec =
        codegen::parse_spec(&serde_json::to_string(value).unwrap()).map_err(|e| e.to_string())?;
    codegen::generate(&spec, &codegen::Config::default()).map_err(|e| e.to_string())
}

/// Reorders the maps whose order means nothing (paths, methods, components, responses),
/// keeping the ones whose order matters (properties, enum values, parameters).
fn shuffle_unordered_maps(value: &Value, seed: u64) -> Value {
    let mut out = value.clone();
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut shuffle = |map: &mut Map<String, Value>| {
        let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
        for i in (1..entries.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            entries.swap(i, j);
        }
        map.extend(entries);
    };
    if let Some(Value::Object(paths)) = out.get_mut("paths") {
        shuffle(paths);
        for item in paths.values_mut() {
            if let Value::Object(methods) = item {
                shuffle(methods);
                for op in methods.values_mut() {
                    if let Some(Value::Object(responses)) = op.get_mut("responses") {
                        shuffle(responses);
                    }
                }
            }
        }
    }
    if let Some(Value::Object(components)) = out.get_mut("components") {
        shuffle(components);
        for section in components.values_mut() {
            if let Value::Object(entries) = section {
                shuffle(entries);
            }
        }
    }
    out
}

/// Every mapping of the document, at any depth, with its entries in reverse order: paths,
/// methods, responses, media types, components, schema keywords, parameters' keys, … —
/// except the two kinds whose order the output follows on purpose: a schema's `properties`
/// (the order of the fields and of the required arguments; the schemas inside are
/// reversed) and literal values (`example`, an example's `value`, a schema's `examples`,
/// `default`, `const`, `enum`), which are data and are written out as given.
fn reverse_maps(value: &Value) -> Value {
    reverse_within(value, &[], false)
}

/// `keys`: the object keys from the root to `value`; `named`: whether its own key is a
/// property's name (an entry of `properties`) rather than a keyword.
fn reverse_within(value: &Value, keys: &[&str], named: bool) -> Value {
    let keyword = if named { None } else { keys.last().copied() };
    let literal = matches!(keyword, Some("example" | "default" | "const" | "enum"))
        || (keyword == Some("examples") && value.is_array())
        || (keyword == Some("value") && keys.len() >= 3 && keys[keys.len() - 3] == "examples");
    match value {
        _ if literal => value.clone(),
        Value::Object(map) => {
            let properties = keyword == Some("properties");
            let entries: Vec<(&String, &Value)> = if properties {
                map.iter().collect()
            } else {
                map.iter().rev().collect()
            };
            entries
                .into_iter()
                .map(|(k, v)| {
                    let mut path = keys.to_vec();
                    path.push(k);
                    (k.clone(), reverse_within(v, &path, properties))
                })
                .collect::<Map<String, Value>>()
                .into()
        }
        Value::Array(items) => items
            .iter()
            .map(|item| reverse_within(item, keys, false))
            .collect(),
        other => other.clone(),
    }
}

#[test]
fn reversed_maps_give_the_same_bytes() {
    for value in seeds() {
        let reversed = reverse_maps(value);
        // `preserve_order` keeps the maps in document order; without it there would be
        // nothing to reverse.
        assert_ne!(
            serde_json::to_string(&reversed).unwrap(),
            serde_json::to_string(value).unwrap()
        );
        let (as_written, from_reversed) = (generate(value), generate(&reversed));
        assert!(
            as_written == from_reversed,
            "reversing the maps changes the output: {}",
            first_difference(&as_written, &from_reversed)
        );
    }
}

type Output = Result<Vec<codegen::GeneratedFile>, String>;

/// Where two outputs first differ: the file and line, for a failure one can read.
fn first_difference(a: &Output, b: &Output) -> String {
    let (Ok(a), Ok(b)) = (a, b) else {
        return format!("{a:?}\nvs\n{b:?}");
    };
    for (fa, fb) in a.iter().zip(b) {
        if fa.path != fb.path {
            return format!("file {} vs {}", fa.path, fb.path);
        }
        let lines = fa.contents.lines().zip(fb.contents.lines()).enumerate();
        if let Some((n, (x, y))) = lines.into_iter().find(|(_, (x, y))| x != y) {
            return format!("{} line {}:\n  {x}\nvs\n  {y}", fa.path, n + 1);
        }
        if fa.contents != fb.contents {
            return format!("{}: one is longer", fa.path);
        }
    }
    format!("{} files vs {}", a.len(), b.len())
}
