//! The hand-written, spec-independent half of the client: configuration, the HTTP call with
//! retries and timeouts, errors, parameters and pagination. Generated code calls into this
//! module only; `cargo xtask codegen --out DIR` copies it unchanged into standalone crates.

mod builder;
mod client;
mod error;
#[cfg(feature = "mock")]
pub(crate) mod mock;
mod multipart;
mod pagination;
mod request;
mod retry;
mod transport;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use builder::ClientBuilder;
pub use bytes::Bytes;
pub use client::Client;
pub use error::{ApiError, ApiErrorBody, Error, Result};
pub use multipart::FileUpload;
pub use request::ApiResponse;
pub use transport::ByteStream;

pub(crate) use futures_core::Stream;
pub(crate) use multipart::Multipart;
pub(crate) use pagination::{Page, Paginated, paginate};
pub(crate) use request::{ParamValue, Request, encode_path};
pub(crate) use reqwest::Method;

use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future (what `IntoFuture` on a request builder produces).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What the runtime needs to know about the API, emitted by the generator from the spec.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiInfo {
    /// `info.title`.
    #[allow(dead_code)] // Kept for diagnostics; not every build reads it.
    pub title: &'static str,
    /// The first server URL.
    pub default_base_url: &'static str,
    /// Where `Client::from_env` reads the key.
    pub api_key_env: &'static str,
    /// Where `Client::from_env` reads the base URL.
    pub base_url_env: &'static str,
    /// How the key is sent.
    pub auth: AuthScheme,
    /// How many operations were generated.
    #[allow(dead_code)] // Kept for diagnostics; not every build reads it.
    pub operations: usize,
}

/// How the API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // Each generated API uses one of these.
pub(crate) enum AuthScheme {
    /// Not at all.
    None,
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic base64(<key>)`, the key being `user:password`.
    Basic,
}

/// Implements the wire format of an open string enum (one that keeps unknown values in
/// `Other(String)`) from its generated `as_str` and `known`: `From<&str>`, `From<String>`,
/// `FromStr`, `Display`, serde, and use as a parameter value.
macro_rules! string_enum {
    ($name:ident) => {
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self::Other(value.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::known(&value).unwrap_or(Self::Other(value))
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::runtime::deserialize_string_enum(deserializer)
            }
        }

        impl $crate::runtime::ParamValue for $name {
            fn for_each_value(&self, f: &mut dyn FnMut(&str)) {
                f(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

/// Lets a request builder be `.await`ed directly, as a shorthand for `.send().await`.
macro_rules! into_future {
    ($builder:ty => $output:ty) => {
        impl std::future::IntoFuture for $builder {
            type Output = $crate::runtime::Result<$output>;
            type IntoFuture = $crate::runtime::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use into_future;

/// Deserializes a string without copying it when it is a known value.
pub(crate) fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }
    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

/// For discriminated unions: the index in `known` of the value of the `tag` property.
#[allow(dead_code)] // Used by generated code for specs with discriminators.
pub(crate) fn tag_index(value: &serde_json::Value, tag: &str, known: &[&str]) -> Option<usize> {
    let tag = value.get(tag)?.as_str()?;
    known.iter().position(|k| *k == tag)
}

/// Decodes a variant of a discriminated union from the whole value.
#[allow(dead_code)] // Used by generated code for specs with discriminators.
pub(crate) fn from_value<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}

/// A random number from the standard library's randomly seeded hasher (for backoff jitter
/// and multipart boundaries; not for secrets).
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    hasher.finish()
}

/// A value's JSON text (for parameters described by `content: application/json` in a path
/// or a cookie).
#[allow(dead_code)] // Used by generated code for JSON-encoded path and cookie parameters.
pub(crate) fn json_text(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_input(format!("a parameter cannot be encoded as JSON: {e}")))
}

/// A parameter value that no standard style writes, as text: its scalars (a string as
/// it is, numbers and booleans as written in JSON) joined by commas, an object as its JSON
/// text; `None` for an absent value.
#[allow(dead_code)] // Used by generated code for parameters of such types.
pub(crate) fn plain_text(value: &impl serde::Serialize) -> Result<Option<String>> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::invalid_input(format!("a parameter cannot be encoded: {e}")))?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(Some(request::scalar_texts(&value).join(",")))
}

/// How a generated struct reads itself from a JSON object; [`StructVisitor`] drives it.
#[allow(dead_code)] // Implemented by generated code for every struct.
pub(crate) trait DecodeMap<'de>: Sized {
    /// What the visitor says it expected, in errors (`a \`Certificate\` object`).
    const EXPECTING: &'static str;
    /// Reads the fields from the object's entries.
    fn decode<A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The one serde visitor of every generated struct (instead of one visitor type each).
pub(crate) struct StructVisitor<T>(std::marker::PhantomData<fn() -> T>);

#[allow(dead_code)] // Used by generated code for every struct.
impl<T> StructVisitor<T> {
    pub(crate) fn new() -> Self {
        StructVisitor(std::marker::PhantomData)
    }
}

impl<'de, T: DecodeMap<'de>> serde::de::Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::decode(map)
    }
}

/// The value of a required field read by a generated `Deserialize`, or serde's "missing
/// field" error. One generic function rather than a closure per field: the closures were a
/// few thousand extra bodies for the compiler to check in a large API's crate.
#[allow(dead_code)] // Used by generated code for structs with required fields.
pub(crate) fn required<T, E: serde::de::Error>(
    slot: Option<T>,
    field: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(field)),
    }
}

/// An object key as the deserializer has it: borrowed from the input when it can be, so
/// that reading a struct allocates nothing for its keys.
pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned (for additional-properties maps).
    #[allow(dead_code)] // Used by generated code for structs with additional properties.
    pub(crate) fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Decodes a spec example into `T`, encodes it back and checks that nothing changed
/// (generated `spec_examples` tests call this). Absent and `null` object fields count as
/// equal, and numbers compare by value (`1` and `1.0`).
#[cfg(test)]
#[track_caller]
pub(crate) fn check_example<T>(pointer: &str, example: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    fn normalize(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, normalize(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
            Value::Number(n) => n
                .as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Number(n), Value::Number),
            other => other,
        }
    }
    let expected: serde_json::Value =
        serde_json::from_str(example).expect("the generator embeds valid JSON");
    let decoded: T = match serde_json::from_value(expected.clone()) {
        Ok(decoded) => decoded,
        Err(e) => panic!(
            "{pointer}: the example does not decode into `{}`: {e}\nexample: {expected}",
            std::any::type_name::<T>()
        ),
    };
    let encoded = serde_json::to_value(&decoded).expect("a model always encodes");
    let (expected, encoded) = (normalize(expected), normalize(encoded));
    assert!(
        expected == encoded,
        "{pointer}: `{}` does not give the example back\nexample:    {expected}\nre-encoded: {encoded}",
        std::any::type_name::<T>()
    );
}

#[cfg(test)]
mod plain_text_tests {
    use super::plain_text;
    use serde_json::json;

    #[test]
    fn scalars_as_text_lists_joined_objects_as_json() {
        assert_eq!(
            plain_text(&json!("main.yml")).unwrap().as_deref(),
            Some("main.yml")
        );
        assert_eq!(plain_text(&json!(42)).unwrap().as_deref(), Some("42"));
        assert_eq!(plain_text(&json!(true)).unwrap().as_deref(), Some("true"));
        assert_eq!(
            plain_text(&json!(["a", 1])).unwrap().as_deref(),
            Some("a,1")
        );
        assert_eq!(
            plain_text(&json!({"k": 1})).unwrap().as_deref(),
            Some(r#"{"k":1}"#)
        );
        assert_eq!(plain_text(&None::<String>).unwrap(), None);
    }
}
