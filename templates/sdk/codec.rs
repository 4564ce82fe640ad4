//! Serialization helpers used by the generated types and operations.

// The runtime serves every contract: what this contract does not use is not dead code.
#![allow(dead_code)]

use std::borrow::Cow;

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value as it goes into a query string, a header or a form field: strings as they are,
/// everything else as JSON text.
pub(crate) fn text<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => String::new(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Each element of a list as [`text`].
pub(crate) fn texts<T: Serialize>(values: &[T]) -> Vec<String> {
    values.iter().map(text).collect()
}

/// Percent-encodes a path parameter so that it stays one path segment.
pub(crate) fn segment<T: std::fmt::Display>(value: T) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}

/// Decodes one variant of a tagged union from the whole JSON object (tag included).
pub(crate) fn variant<T, U, E>(
    value: serde_json::Value,
    wrap: fn(T) -> U,
) -> Result<U, E>
where
    T: DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map(wrap).map_err(E::custom)
}

/// Serializes a variant of a tagged union whose own type does not carry the tag.
pub(crate) fn with_tag<T, S>(
    inner: &T,
    tag: &str,
    value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: Serializer,
{
    let mut json = serde_json::to_value(inner).map_err(S::Error::custom)?;
    match &mut json {
        serde_json::Value::Object(members) => {
            members.insert(tag.to_owned(), value.into());
        }
        _ => return Err(S::Error::custom("a tagged variant must be an object")),
    }
    json.serialize(serializer)
}

/// Any JSON value (the first step of decoding a tagged union).
pub(crate) fn json<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<serde_json::Value, D::Error> {
    serde_json::Value::deserialize(d)
}

/// A string, borrowed when the input allows it.
pub(crate) fn string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Cow<'de, str>, D::Error> {
    Cow::deserialize(d)
}

/// An integer.
pub(crate) fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    i64::deserialize(d)
}

/// The error for a value outside a closed enum.
pub(crate) fn unknown<E: serde::de::Error>(value: impl std::fmt::Display) -> E {
    E::custom(format!("unknown value {value}"))
}

/// The tag of a value kept as JSON (an unknown variant), or `""`.
pub(crate) fn tag_str<'a>(value: &'a serde_json::Value, tag: &str) -> &'a str {
    value
        .get(tag)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
}

/// Reads a tagged union's tag, when the value is an object that has one.
pub(crate) fn tag_of(value: &serde_json::Value, tag: &str) -> Option<String> {
    value.get(tag)?.as_str().map(str::to_owned)
}

/// Checks that a constant-valued member holds its constant.
pub(crate) fn expect_const<'de, D>(
    deserializer: D,
    expected: &serde_json::Value,
) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
{
    let found = serde_json::Value::deserialize(deserializer)?;
    if &found == expected {
        Ok(())
    } else {
        Err(D::Error::custom(format!(
            "expected {expected}, found {found}"
        )))
    }
}
