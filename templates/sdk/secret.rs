//! Secrets in requests and responses (a webhook's signing secret, passwords).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string. It travels as a plain JSON string, but its `Debug` output is redacted
/// and it has no `Display`, so printing the value that holds it never shows it; read it
/// with [`Secret::expose_secret`] where it is needed.
///
/// Members whose name says `secret` or whose format is `password` have this type, and it is
/// also the key that [`webhooks`](crate::webhooks) verifies deliveries with.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What `Debug` shows in place of a temporary file detail (a file URL, a duration token).
#[allow(dead_code)]
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// `Some(Redacted)` for a detail that is there, `None` for one that is not.
#[allow(dead_code)]
pub(crate) fn redacted<T>(value: &Option<T>) -> Option<Redacted> {
    value.as_ref().map(|_| Redacted)
}

/// `Debug` of free-form JSON (a request's `params`, say) as JSON text, with temporary file
/// details and secrets replaced by `***`: typed params carry an upload as its `url` and
/// `duration_token`, which are never logged.
#[allow(dead_code)]
pub(crate) struct FileDetailsHidden<'a, T>(pub &'a T);

impl<T: Serialize> fmt::Debug for FileDetailsHidden<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(mut value) = serde_json::to_value(self.0) else {
            return f.write_str("***");
        };
        hide_file_details(&mut value);
        write!(f, "{value}")
    }
}

#[allow(dead_code)]
fn hide_file_details(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                let hidden =
                    matches!(name.as_str(), "url" | "duration_token" | "durationToken")
                        || is_secret_name(name);
                if hidden && member.is_string() {
                    *member = serde_json::Value::String("***".into());
                } else {
                    hide_file_details(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(hide_file_details),
        _ => {}
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Secret {
        Secret::new(secret)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Secret {
        Secret(secret)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Whether a JSON member of this name holds a secret (and is redacted in kept bodies).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["secret", "password", "api_key", "apikey", "authorization"]
        .iter()
        .any(|word| name.contains(word))
}

/// A JSON response body with the values of secret members replaced by `***`; `None` when
/// the body is not JSON or holds no secret (then it is kept byte for byte).
pub(crate) fn redact_body(body: &[u8]) -> Option<String> {
    fn walk(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(members) => {
                let mut redacted = false;
                for (name, member) in members.iter_mut() {
                    if is_secret_name(name) && member.is_string() {
                        *member = serde_json::Value::String("***".into());
                        redacted = true;
                    } else {
                        redacted |= walk(member);
                    }
                }
                redacted
            }
            serde_json::Value::Array(items) => {
                let mut redacted = false;
                for item in items {
                    redacted |= walk(item);
                }
                redacted
            }
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    walk(&mut value).then(|| value.to_string())
}
