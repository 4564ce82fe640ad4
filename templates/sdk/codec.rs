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

// Structs encode and decode through the two helpers below instead of serde's derive: the
// derive writes a field enum and three visitors per struct, which made `cargo check` of a
// contract with thousands of types take minutes and gigabytes. One call per member keeps the
// generated code small; decoding goes through a `serde_json` object, which costs a little
// time per response and gives errors that name the member by JSON pointer.

thread_local! {
    /// Whether the decode running on this thread is strict. Decoding is synchronous, so a
    /// thread-local set around one `serde_json` call reaches every nested `Deserialize`.
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn strict() -> bool {
    STRICT.with(std::cell::Cell::get)
}

/// Runs `decode` strictly or not: strictly, members and values the contract does not declare
/// are errors (each naming its JSON pointer) instead of being ignored or kept as unknown.
pub(crate) fn decoding<T>(strict: bool, decode: impl FnOnce() -> T) -> T {
    let previous = STRICT.with(|s| s.replace(strict));
    let out = decode();
    STRICT.with(|s| s.set(previous));
    out
}

/// A value the contract does not declare: an error in strict mode, accepted otherwise.
pub(crate) fn undeclared<E: serde::de::Error>(
    what: impl std::fmt::Display,
) -> Result<(), E> {
    if strict() {
        Err(E::custom(format!("{what} is not in the contract")))
    } else {
        Ok(())
    }
}

/// The members of a JSON object being decoded into a struct, taken out one by one; errors
/// are the deserializer's own, with a JSON pointer to the member at fault.
pub(crate) struct Members<E> {
    members: serde_json::Map<String, serde_json::Value>,
    error: std::marker::PhantomData<E>,
}

impl<E: serde::de::Error> Members<E> {
    /// Reads the object.
    pub(crate) fn read<'de, D>(d: D) -> Result<Self, E>
    where
        D: Deserializer<'de, Error = E>,
    {
        Ok(Members {
            members: serde_json::Map::deserialize(d)?,
            error: std::marker::PhantomData,
        })
    }

    /// A member that must be present.
    pub(crate) fn required<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, E> {
        match self.members.remove(key) {
            Some(value) => decode_member(key, value),
            None => Err(member_error(key, "missing member")),
        }
    }

    /// A member that may be left out or `null`.
    pub(crate) fn optional<T: DeserializeOwned>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, E> {
        match self.members.remove(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => decode_member(key, value).map(Some),
        }
    }

    /// A member that may be left out (→ `Absent`), `null` or a value.
    pub(crate) fn nullable<T: DeserializeOwned>(
        &mut self,
        key: &str,
    ) -> Result<crate::Nullable<T>, E> {
        match self.members.remove(key) {
            None => Ok(crate::Nullable::Absent),
            Some(serde_json::Value::Null) => Ok(crate::Nullable::Null),
            Some(value) => decode_member(key, value).map(crate::Nullable::Value),
        }
    }

    /// A member that takes its type's default when left out.
    pub(crate) fn defaulted<T: DeserializeOwned + Default>(
        &mut self,
        key: &str,
    ) -> Result<T, E> {
        match self.members.remove(key) {
            None => Ok(T::default()),
            Some(value) => decode_member(key, value),
        }
    }

    /// The end of the object: in strict mode, a member no field took is an error.
    pub(crate) fn end(self) -> Result<(), E> {
        match self.members.keys().next() {
            Some(key) if strict() => {
                Err(member_error(key, "the member is not in the contract"))
            }
            _ => Ok(()),
        }
    }

    /// Every member not taken yet (additional properties).
    pub(crate) fn rest<T: DeserializeOwned>(&mut self) -> Result<T, E> {
        let rest = std::mem::take(&mut self.members);
        serde_json::from_value(serde_json::Value::Object(rest)).map_err(E::custom)
    }
}

fn decode_member<T: DeserializeOwned, E: serde::de::Error>(
    key: &str,
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| member_error(key, e))
}

/// An error about one member, as a JSON pointer to it: nested members' errors already start
/// with their own pointer, which this one prefixes.
fn member_error<E: serde::de::Error>(key: &str, error: impl std::fmt::Display) -> E {
    let key = key.replace('~', "~0").replace('/', "~1");
    let inner = error.to_string();
    if inner.starts_with('/') {
        E::custom(format!("/{key}{inner}"))
    } else {
        E::custom(format!("/{key}: {inner}"))
    }
}

/// Writes a struct as a JSON object, one member at a time. The first error is kept and
/// returned by [`ObjectWriter::end`], so that each member is one plain call.
pub(crate) struct ObjectWriter<M: serde::ser::SerializeMap> {
    map: M,
    status: Result<(), M::Error>,
}

/// Starts writing a struct as a JSON object.
pub(crate) fn encode_object<S: Serializer>(
    s: S,
) -> Result<ObjectWriter<S::SerializeMap>, S::Error> {
    let map = s.serialize_map(None)?;
    Ok(ObjectWriter { map, status: Ok(()) })
}

impl<M: serde::ser::SerializeMap> ObjectWriter<M> {
    /// A member that is always written (`None` as `null`).
    pub(crate) fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if self.status.is_ok() {
            self.status = self.map.serialize_entry(key, value);
        }
    }

    /// A member left out when `None`.
    pub(crate) fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.member(key, value);
        }
    }

    /// A member left out when `Absent`, written as `null` when `Null`.
    pub(crate) fn nullable<T: Serialize>(
        &mut self,
        key: &str,
        value: &crate::Nullable<T>,
    ) {
        if !value.is_absent() {
            self.member(key, value);
        }
    }

    /// Additional properties, written beside the named members.
    pub(crate) fn rest<V: Serialize>(
        &mut self,
        members: impl IntoIterator<Item = (impl AsRef<str>, V)>,
    ) {
        for (key, value) in members {
            self.member(key.as_ref(), &value);
        }
    }

    /// Ends the object, or returns the first error.
    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        self.status?;
        self.map.end()
    }
}

/// Decodes a value as `T` if it has `T`'s shape (one form of an untagged union).
pub(crate) fn try_form<T: DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}
