//! 3.1 schema identity: `$ref`s written against a schema's `$id` (`other.json`,
//! `https://example.com/schemas/pet`, `#/$defs/a` inside a schema with an `$id`), an
//! `$anchor` (`#node`), a `$dynamicAnchor` (`$dynamicRef`, resolved statically to the anchor
//! it names) or the document's own `$self` (3.2) are rewritten into the document's JSON
//! pointers, so that the rest of loading, and lowering, only meet `#/…` references.
//!
//! A reference that names nothing in this document is left as it is written; lowering
//! refuses it where it reads it (references to other documents are a limit, see README).

use crate::error::Note;
use crate::pointer::escape_token;
use serde_json::Value;

/// A schema resource: an `$id`, resolved to an absolute URI when a base allows it, and the
/// pointer of the schema that declares it.
struct Resource {
    uri: String,
    pointer: String,
}

/// A plain or dynamic anchor, in the resource (`uri`) that declares it.
struct Anchor {
    uri: String,
    name: String,
    pointer: String,
    dynamic: bool,
}

#[derive(Default)]
struct Index {
    resources: Vec<Resource>,
    anchors: Vec<Anchor>,
    /// Whether any `$dynamicRef` is written (then the rewrite runs even without `$id`s).
    dynamic_refs: bool,
}

/// Keys whose values are data, not OpenAPI objects or schemas.
fn is_data(key: &str, value: &Value) -> bool {
    matches!(
        key,
        "example" | "default" | "const" | "enum" | "value" | "dataValue" | "serializedValue"
    ) || (key == "examples" && value.is_array())
        || key.starts_with("x-")
}

pub(crate) fn resolve(doc: &mut Value, notes: &mut Vec<Note>) {
    let document = doc
        .get("$self")
        .and_then(Value::as_str)
        .map(|s| strip_fragment(s).to_owned())
        .unwrap_or_default();
    let mut index = Index::default();
    collect(doc, "", &document, &mut index);
    if index.resources.is_empty()
        && index.anchors.is_empty()
        && !index.dynamic_refs
        && document.is_empty()
    {
        return;
    }
    // Deterministic whatever the order of the maps: the first of equal names by pointer.
    index
        .resources
        .sort_by(|a, b| (&a.uri, &a.pointer).cmp(&(&b.uri, &b.pointer)));
    index
        .anchors
        .sort_by(|a, b| (&a.uri, &a.name, &a.pointer).cmp(&(&b.uri, &b.name, &b.pointer)));
    let cx = Cx {
        doc,
        document: document.clone(),
        index,
    };
    let mut changes = Vec::new();
    plan(doc, "", &document, "", &cx, &mut changes);
    for change in changes {
        let Some(Value::Object(map)) = doc.pointer_mut(&change.at) else {
            continue;
        };
        if let Some(reference) = change.dynamic {
            map.remove("$dynamicRef");
            notes.push(Note {
                pointer: format!("#{}", change.at),
                message: format!(
                    "`$dynamicRef: {reference}` is read as `$ref: {}` (resolved where it is \
                     written, not where it is used)",
                    change.target
                ),
            });
        }
        map.insert("$ref".to_owned(), Value::String(change.target));
    }
}

/// A `$ref` to write at `at` (an object's pointer): the rewritten reference, or the target of
/// a `$dynamicRef` (then `dynamic` holds the reference as written).
struct Change {
    at: String,
    target: String,
    dynamic: Option<String>,
}

fn collect(value: &Value, pointer: &str, base: &str, index: &mut Index) {
    match value {
        Value::Object(map) => {
            let mut base = base.to_owned();
            if let Some(Value::String(id)) = map.get("$id") {
                base = resolve_uri(&base, strip_fragment(id));
                index.resources.push(Resource {
                    uri: base.clone(),
                    pointer: pointer.to_owned(),
                });
            }
            for (key, dynamic) in [("$anchor", false), ("$dynamicAnchor", true)] {
                if let Some(Value::String(name)) = map.get(key) {
                    index.anchors.push(Anchor {
                        uri: base.clone(),
                        name: name.clone(),
                        pointer: pointer.to_owned(),
                        dynamic,
                    });
                }
            }
            if map.contains_key("$dynamicRef") {
                index.dynamic_refs = true;
            }
            for (key, child) in map {
                if !is_data(key, child) {
                    collect(
                        child,
                        &format!("{pointer}/{}", escape_token(key)),
                        &base,
                        index,
                    );
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &format!("{pointer}/{i}"), base, index);
            }
        }
        _ => {}
    }
}

struct Cx<'a> {
    doc: &'a Value,
    /// The document's own URI (`$self`), or empty.
    document: String,
    index: Index,
}

impl Cx<'_> {
    /// The pointer (`#/…`) a reference names, read in the resource `base` whose schema is at
    /// `resource`; `None` when it names nothing here, or is already a plain pointer.
    fn target(&self, reference: &str, base: &str, resource: &str, dynamic: bool) -> Option<String> {
        let (uri, fragment) = match reference.split_once('#') {
            Some((uri, fragment)) => (uri, Some(fragment)),
            None => (reference, None),
        };
        let (base, resource) = if uri.is_empty() {
            (base.to_owned(), resource.to_owned())
        } else {
            let absolute = resolve_uri(base, uri);
            if !self.document.is_empty() && absolute == self.document {
                (absolute, String::new())
            } else {
                let found = self.index.resources.iter().find(|r| r.uri == absolute)?;
                (absolute, found.pointer.clone())
            }
        };
        let pointer = match fragment {
            None | Some("") => resource,
            Some(f) if f.starts_with('/') => {
                if uri.is_empty() && resource.is_empty() {
                    return None; // a plain pointer into the document
                }
                let within = format!("{resource}{f}");
                let exists = |p: &str| self.doc.pointer(&super::refs::percent_decode(p)).is_some();
                // Inside a schema with an `$id`, `#/…` is relative to that schema; authors
                // often mean the document, so a pointer found only there is kept.
                if uri.is_empty() && !exists(&within) && exists(f) {
                    return None;
                }
                within
            }
            Some(name) => self.anchor(&base, name, dynamic)?,
        };
        Some(format!("#{pointer}"))
    }

    fn anchor(&self, base: &str, name: &str, dynamic: bool) -> Option<String> {
        let anchors = &self.index.anchors;
        let in_resource = |want_dynamic: bool| {
            anchors
                .iter()
                .find(|a| a.uri == base && a.name == name && (a.dynamic || !want_dynamic))
        };
        let found = if dynamic {
            in_resource(true)
                .or_else(|| anchors.iter().find(|a| a.dynamic && a.name == name))
                .or_else(|| in_resource(false))
        } else {
            in_resource(false)
        };
        found.map(|a| a.pointer.clone())
    }
}

fn plan(
    value: &Value,
    pointer: &str,
    base: &str,
    resource: &str,
    cx: &Cx<'_>,
    changes: &mut Vec<Change>,
) {
    match value {
        Value::Object(map) => {
            let (mut base, mut resource) = (base.to_owned(), resource.to_owned());
            if let Some(Value::String(id)) = map.get("$id") {
                base = resolve_uri(&base, strip_fragment(id));
                resource = pointer.to_owned();
            }
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(target) = cx.target(reference, &base, &resource, false) {
                    changes.push(Change {
                        at: pointer.to_owned(),
                        target,
                        dynamic: None,
                    });
                }
            } else if let Some(Value::String(reference)) = map.get("$dynamicRef") {
                let target = match cx.target(reference, &base, &resource, true) {
                    Some(target) => Some(target),
                    None if reference.starts_with("#/") => Some(reference.clone()),
                    None => None,
                };
                if let Some(target) = target {
                    changes.push(Change {
                        at: pointer.to_owned(),
                        target,
                        dynamic: Some(reference.clone()),
                    });
                }
            }
            for (key, child) in map {
                if !is_data(key, child) {
                    let child_pointer = format!("{pointer}/{}", escape_token(key));
                    plan(child, &child_pointer, &base, &resource, cx, changes);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                plan(item, &format!("{pointer}/{i}"), base, resource, cx, changes);
            }
        }
        _ => {}
    }
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(u, _)| u)
}

/// `reference` resolved against `base` (RFC 3986, section 5.2, without the corner cases of
/// queries on empty paths). With no base, a relative reference stays as it is written: it
/// then only matches an `$id` written the same way.
fn resolve_uri(base: &str, reference: &str) -> String {
    if reference.is_empty() {
        return base.to_owned();
    }
    if has_scheme(reference) || base.is_empty() {
        return reference.to_owned();
    }
    let (scheme, rest) = base.split_once(':').unwrap_or(("", base));
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(slash) => (&after[..slash], &after[slash..]),
            None => (after, ""),
        },
        None => ("", rest),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let prefix = if rest.starts_with("//") {
        format!("{scheme}://{authority}")
    } else {
        format!("{scheme}:")
    };
    if let Some(after) = reference.strip_prefix("//") {
        return format!("{scheme}://{after}");
    }
    if reference.starts_with('/') {
        return format!("{prefix}{}", remove_dot_segments(reference));
    }
    if reference.starts_with('?') {
        return format!("{prefix}{path}{reference}");
    }
    let directory = match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None if rest.starts_with("//") => "/",
        None => "",
    };
    format!(
        "{prefix}{}",
        remove_dot_segments(&format!("{directory}{reference}"))
    )
}

fn has_scheme(uri: &str) -> bool {
    let Some((scheme, _)) = uri.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn remove_dot_segments(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." => {
                if last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            other => out.push(other),
        }
    }
    let mut joined = out.join("/");
    if let Some(q) = query {
        joined.push('?');
        joined.push_str(q);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uris_resolve_against_their_base() {
        let base = "https://example.com/schemas/pet.json";
        assert_eq!(
            resolve_uri(base, "tag.json"),
            "https://example.com/schemas/tag.json"
        );
        assert_eq!(
            resolve_uri(base, "../common/id"),
            "https://example.com/common/id"
        );
        assert_eq!(resolve_uri(base, "/x"), "https://example.com/x");
        assert_eq!(resolve_uri(base, "urn:uuid:1"), "urn:uuid:1");
        assert_eq!(resolve_uri("", "tag.json"), "tag.json");
        assert_eq!(
            resolve_uri("https://example.com", "a"),
            "https://example.com/a"
        );
    }

    #[test]
    fn ids_anchors_and_dynamic_refs_become_pointers() {
        let mut doc = json!({
            "$self": "https://example.com/api/openapi",
            "components": {"schemas": {
                "Pet": {
                    "$id": "https://example.com/schemas/pet",
                    "properties": {
                        "tag": {"$ref": "tag"},
                        "owner": {"$ref": "#/$defs/owner"},
                        "node": {"$ref": "#node"},
                        "self": {"$ref": "https://example.com/api/openapi#/components/schemas/Tag"}
                    },
                    "$defs": {
                        "owner": {"type": "string"},
                        "n": {"$anchor": "node", "type": "integer"}
                    }
                },
                "Tag": {"$id": "https://example.com/schemas/tag", "type": "string"},
                "Tree": {
                    "$dynamicAnchor": "tree",
                    "properties": {"children": {"items": {"$dynamicRef": "#tree"}}}
                },
                "Away": {"$ref": "other.json#/Thing"}
            }}
        });
        let mut notes = Vec::new();
        resolve(&mut doc, &mut notes);
        let at = |p: &str| doc.pointer(p).cloned();
        let pet = "/components/schemas/Pet/properties";
        assert_eq!(
            at(&format!("{pet}/tag/$ref")),
            Some(json!("#/components/schemas/Tag"))
        );
        assert_eq!(
            at(&format!("{pet}/owner/$ref")),
            Some(json!("#/components/schemas/Pet/$defs/owner"))
        );
        assert_eq!(
            at(&format!("{pet}/node/$ref")),
            Some(json!("#/components/schemas/Pet/$defs/n"))
        );
        assert_eq!(
            at(&format!("{pet}/self/$ref")),
            Some(json!("#/components/schemas/Tag"))
        );
        assert_eq!(
            at("/components/schemas/Tree/properties/children/items/$ref"),
            Some(json!("#/components/schemas/Tree"))
        );
        assert_eq!(
            at("/components/schemas/Away/$ref"),
            Some(json!("other.json#/Thing"))
        );
        assert_eq!(notes.len(), 1);
    }
}
