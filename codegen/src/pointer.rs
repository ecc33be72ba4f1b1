//! JSON pointers (RFC 6901) in their URI-fragment form, `#/paths/~1pets/get`: building them
//! token by token, and reading them back. The one place that escapes and unescapes tokens.

use std::fmt;

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token: `~1` → `/`, `~0` → `~` (in that order, as the RFC says).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The unescaped tokens of a pointer, with or without its leading `#`: `#/paths/~1pets` →
/// `["paths", "/pets"]`. The document itself (`#` or ``) has none.
pub fn tokens(pointer: &str) -> Vec<String> {
    let path = pointer.strip_prefix('#').unwrap_or(pointer);
    path.split('/').skip(1).map(unescape_token).collect()
}

/// A pointer being built from the document down, one escaped token at a time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pointer(String);

impl Pointer {
    /// `#`, the whole document.
    pub(crate) fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// The pointer of a component: `#/components/<section>/<key>`.
    pub(crate) fn component(section: &str, key: &str) -> Self {
        Pointer::root().join("components").join(section).join(key)
    }

    /// A pointer already written out (`#/paths/~1a/get`), as loading records one.
    pub(crate) fn from_written(pointer: &str) -> Self {
        Pointer(pointer.to_owned())
    }

    /// This pointer with one more token, escaped.
    pub(crate) fn join(&self, token: impl fmt::Display) -> Self {
        Pointer(format!("{}/{}", self.0, escape_token(&token.to_string())))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for token in ["/pets/{id}", "a~b", "~1", "plain", ""] {
            assert_eq!(unescape_token(&escape_token(token)), token);
        }
        let p = Pointer::root().join("paths").join("/a~b/{id}").join(0);
        assert_eq!(p.as_str(), "#/paths/~1a~0b~1{id}/0");
        assert_eq!(tokens(p.as_str()), ["paths", "/a~b/{id}", "0"]);
        assert_eq!(tokens("#"), Vec::<String>::new());
        assert_eq!(
            tokens("/components/schemas/A"),
            ["components", "schemas", "A"]
        );
    }
}
