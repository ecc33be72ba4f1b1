//! Decoding generated types: the one serde visitor of every struct, open string enums,
//! discriminated unions, and the check of the spec's examples.

/// Deserializes a string without copying it when it is a known value.
pub fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
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
pub fn tag_index(value: &serde_json::Value, tag: &str, known: &[&str]) -> Option<usize> {
    let tag = value.get(tag)?.as_str()?;
    known.iter().position(|k| *k == tag)
}

/// Decodes a variant of a discriminated union from the whole value.
pub fn from_value<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}

/// How a generated struct reads itself from a JSON object; [`StructVisitor`] drives it.
pub trait DecodeMap<'de>: Sized {
    /// What the visitor says it expected, in errors (`a \`Certificate\` object`).
    const EXPECTING: &'static str;
    /// Reads the fields from the object's entries.
    fn decode<A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The one serde visitor of every generated struct (instead of one visitor type each).
pub struct StructVisitor<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Default for StructVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> StructVisitor<T> {
    /// The visitor of `T`.
    pub fn new() -> Self {
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
pub fn required<T, E: serde::de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(field)),
    }
}

/// An object key as the deserializer has it: borrowed from the input when it can be, so
/// that reading a struct allocates nothing for its keys.
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned (for additional-properties maps).
    pub fn into_owned(self) -> String {
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
/// (generated `spec_examples` tests call this); panics, as a failed test, when it did. Absent and `null` object fields count as
/// equal, and numbers compare by value (`1` and `1.0`).
#[track_caller]
pub fn check_example<T>(pointer: &str, example: &str)
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
