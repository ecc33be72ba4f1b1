//! YAML text → JSON value, by walking the parser's events with an explicit stack.
//!
//! Written against an event parser rather than serde_yaml because published specs contain
//! what serde_yaml refuses (OpenAI's has an integer below `i64::MIN`, which becomes a float
//! here, as JSON readers do), and because the events carry positions: the same walk finds
//! the line and column of any JSON pointer for error messages.
//!
//! Untrusted input is bounded: nesting deeper than [`MAX_DEPTH`] and alias expansion beyond
//! [`MAX_NODES`] are errors, not a stack overflow or a billion laughs.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Deepest nesting accepted (as deep as serde_json accepts).
pub const MAX_DEPTH: usize = 128;
/// Most values that aliases may copy in one document (normal values are bounded by the
/// size of the text).
pub const MAX_NODES: usize = 1_000_000;

/// A YAML problem with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

enum Frame {
    Seq(Vec<Value>, usize),
    /// A mapping: its entries, its anchor, the pending key (with where it is written), and
    /// the values of its `<<` merge keys.
    Map(
        Map<String, Value>,
        usize,
        Option<(String, Span)>,
        Vec<Value>,
    ),
}

/// Parses YAML text into a JSON value.
pub fn to_value(text: &str) -> Result<Value, YamlError> {
    walk(text, &mut |_, _| {})
}

/// Positions (1-based line, column) of the values at each of `pointers`, by walking the
/// events; pointers that are not found are absent.
pub fn positions(text: &str, pointers: &[String]) -> HashMap<String, (usize, usize)> {
    let mut found = HashMap::new();
    let _ = walk(text, &mut |pointer, span| {
        if pointers.iter().any(|p| p == pointer) && !found.contains_key(pointer) {
            found.insert(
                pointer.to_owned(),
                (span.start.line(), span.start.col() + 1),
            );
        }
    });
    found
}

fn error(span: &Span, message: impl Into<String>) -> YamlError {
    YamlError {
        line: span.start.line(),
        column: span.start.col() + 1,
        message: message.into(),
    }
}

/// The event walk. `visit(pointer, span)` is called for every value as it starts.
fn walk(text: &str, visit: &mut dyn FnMut(&str, &Span)) -> Result<Value, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // The JSON pointer of the value being read, as tokens.
    let mut path: Vec<String> = Vec::new();
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut nodes: usize = 0;
    let mut root: Option<Value> = None;
    let mut documents = 0;

    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| YamlError {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
        })?;
        // Where the value that starts now goes.
        let awaiting_key = matches!(stack.last(), Some(Frame::Map(_, _, None, _)));
        let value_start = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if value_start && !awaiting_key {
            // A mapping's value is located at its key, the rest where they start.
            let (token, at) = match stack.last() {
                Some(Frame::Seq(items, _)) => (Some(items.len().to_string()), span),
                Some(Frame::Map(_, _, Some((key, key_span)), _)) => (Some(key.clone()), *key_span),
                _ => (None, span),
            };
            if let Some(token) = token {
                path.push(crate::pointer::escape_token(&token));
            }
            let pointer = if path.is_empty() {
                "#".to_owned()
            } else {
                format!("#/{}", path.join("/"))
            };
            visit(&pointer, &at);
        }
        let complete: Option<(Value, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error(&span, "a spec must be a single YAML document"));
                }
                None
            }
            Event::Alias(id) => {
                let (value, size) = anchors
                    .get(&id)
                    .ok_or_else(|| error(&span, "an alias refers to an unknown anchor"))?;
                nodes = nodes.saturating_add(*size);
                if nodes > MAX_NODES {
                    return Err(error(&span, "aliases expand to too many values"));
                }
                Some((value.clone(), 0))
            }
            Event::Scalar(text, style, anchor, tag) => {
                if awaiting_key {
                    if let Some(Frame::Map(_, _, key, _)) = stack.last_mut() {
                        *key = Some((text.into_owned(), span));
                    }
                    continue;
                }
                let tag_suffix = tag.as_ref().map(|t| t.suffix.as_str());
                Some((scalar(&text, style, tag_suffix), anchor))
            }
            Event::SequenceStart(anchor, _) => {
                if awaiting_key {
                    return Err(error(
                        &span,
                        "a mapping key must be a plain value, not a list",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        &span,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Frame::Seq(Vec::new(), anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                if awaiting_key {
                    return Err(error(
                        &span,
                        "a mapping key must be a plain value, not a mapping",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        &span,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Frame::Map(Map::new(), anchor, None, Vec::new()));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor)) => Some((Value::Array(items), anchor)),
                _ => return Err(error(&span, "unbalanced sequence")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(mut map, anchor, _, merges)) => {
                    // `<<: *base` entries: keys the mapping does not set itself.
                    for merged in merges {
                        if let Value::Object(extra) = merged {
                            for (k, v) in extra {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                    Some((Value::Object(map), anchor))
                }
                _ => return Err(error(&span, "unbalanced mapping")),
            },
        };
        let Some((value, anchor)) = complete else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, (value.clone(), count(&value)));
        }
        if !path.is_empty() && !stack.is_empty() {
            path.pop();
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, _, key, merges)) => {
                let key = key.take().map(|(k, _)| k).unwrap_or_default();
                if key == "<<" {
                    merges.push(value);
                } else if map.contains_key(&key) {
                    return Err(error(
                        &span,
                        format!("the key `{key}` appears twice in one mapping"),
                    ));
                } else {
                    map.insert(key, value);
                }
            }
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

fn count(value: &Value) -> usize {
    let mut n = 0;
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        n += 1;
        match v {
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => pending.extend(map.values()),
            _ => {}
        }
    }
    n
}

/// A scalar under the YAML 1.2 core schema: plain `null`/`true`/`42`/`1.5` are typed, quoted
/// and block scalars are strings; integers beyond 64 bits become floats.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("str") => return Value::String(text.to_owned()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain && tag.is_none() {
        return Value::String(text.to_owned());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = number(text) {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

fn number(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok().map(Number::from);
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Number::from(i));
        }
        if let Ok(u) = text.trim_start_matches('+').parse::<u64>() {
            return Some(Number::from(u));
        }
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    // [-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?
    let float_like = bytes.iter().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if float_like {
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = to_value(
            "a: 1\nb: -9223372036854776000\nc: 1.5\nd: true\ne: ~\nf: '1'\ng: yes\nh: 0x1F\ni: .inf\nj: 1e3\nk: !!str 12\nl: 18446744073709551615\nm: \"null\"\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": 1, "b": -9223372036854776000.0, "c": 1.5, "d": true, "e": null, "f": "1",
                   "g": "yes", "h": 31, "i": ".inf", "j": 1000.0, "k": "12",
                   "l": 18446744073709551615u64, "m": "null"})
        );
    }

    #[test]
    fn structure_anchors_and_merges() {
        let v = to_value(
            "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist:\n  - *b\n  - [1, 2]\n200: ok\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"base": {"x": 1, "y": 2}, "use": {"y": 3, "x": 1}, "list": [{"x": 1, "y": 2}, [1, 2]], "200": "ok"})
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = to_value("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.contains("appears twice")),
            (2, true),
            "{e:?}"
        );
        let e = to_value("a: [1,\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
        let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
        let e = to_value(&deep).unwrap_err();
        assert!(
            e.message.contains("nesting") || e.message.contains("recursion"),
            "{e:?}"
        );
        let laughs = "a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        assert!(to_value(laughs).unwrap_err().message.contains("too many"));
    }

    #[test]
    fn positions_of_pointers() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n";
        let found = positions(
            text,
            &[
                "#/paths/~1a~1{id}/get".to_owned(),
                "#/paths/~1a~1{id}/get/parameters/0/in".to_owned(),
            ],
        );
        assert_eq!(found.get("#/paths/~1a~1{id}/get"), Some(&(4, 5)));
        assert_eq!(
            found.get("#/paths/~1a~1{id}/get/parameters/0/in"),
            Some(&(7, 11))
        );
    }
}
