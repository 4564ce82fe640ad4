//! Request members that are optional *and* nullable: leaving them out and sending `null` are
//! different requests.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A request member that may be absent, explicitly `null`, or a value.
///
/// Absent members are not serialized at all (the server applies its default); `Null` is sent
/// as `null` (clearing the value). Members that are only optional, or only nullable, are a
/// plain `Option` instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent.
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the member is absent (used to skip it when serializing).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Nullable<T> {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` is an explicit `null`.
    fn from(value: Option<T>) -> Nullable<T> {
        match value {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            _ => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// A present member decodes as `Null` or `Value`; whether it is absent is up to the
    /// struct holding it (generated structs read it with `codec::Members::nullable`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}
