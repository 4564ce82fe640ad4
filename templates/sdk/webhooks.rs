//! Verifying webhook deliveries.
//!
//! Every delivery is signed: the signature header holds `v1=` and the lowercase hex
//! HMAC-SHA256 of `{timestamp}.{raw body}` keyed with the endpoint's signing secret, and the
//! timestamp header the Unix time of signing. Verify the **raw** body, before parsing it, and
//! reject old deliveries to defeat replays. Deliveries can repeat: handle them idempotently
//! (for example by remembering event IDs).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub use crate::glue::WebhookPayload;
use crate::glue::{WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER};
/// The header map [`verify`] and [`construct_event`] read (the `http` crate's).
pub use reqwest::header::HeaderMap;

/// How far the signing time may be from now (300 s).
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = WEBHOOK_SIGNATURE_HEADER;
/// The header carrying the signing time.
pub const TIMESTAMP_HEADER: &str = WEBHOOK_TIMESTAMP_HEADER;

/// A webhook endpoint's signing secret (as `WebhookEndpoint.signing_secret` holds it). Its
/// `Debug` output is redacted and it has no `Display`: it is never printed.
pub use crate::Secret as WebhookSecret;

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// A signature or timestamp header is missing.
    MissingHeader(&'static str),
    /// The timestamp is not a Unix time in seconds.
    InvalidTimestamp,
    /// The timestamp is further from now than the tolerance.
    Stale {
        /// How far from now it is, in seconds.
        age_seconds: u64,
        /// The timestamp is ahead of the clock (a skewed clock), not behind it.
        in_future: bool,
    },
    /// No signature matches the body.
    SignatureMismatch,
    /// The body is verified but does not decode as an event.
    InvalidPayload(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader(name) => {
                write!(f, "the {name} header is missing")
            }
            WebhookError::InvalidTimestamp => {
                f.write_str("the timestamp is not a Unix time")
            }
            WebhookError::Stale {
                age_seconds,
                in_future: false,
            } => write!(f, "the delivery was signed {age_seconds}s ago"),
            WebhookError::Stale { age_seconds, .. } => {
                write!(f, "the delivery is dated {age_seconds}s in the future")
            }
            WebhookError::SignatureMismatch => {
                f.write_str("the signature does not match")
            }
            WebhookError::InvalidPayload(e) => {
                write!(f, "the payload does not decode: {e}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// The headers of a delivery, as a web framework hands them over: an [`HeaderMap`], or
/// `(name, value)` pairs (names compared case-insensitively).
pub trait WebhookHeaders {
    /// The value of the header `name`, if it is there and is text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl WebhookHeaders for HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|value| value.to_str().ok())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> WebhookHeaders for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> WebhookHeaders for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> WebhookHeaders for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

/// Verifies a delivery from its headers and raw body.
pub fn verify<H: WebhookHeaders + ?Sized>(
    headers: &H,
    raw_body: &[u8],
    secret: &WebhookSecret,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    let header = |name: &'static str| {
        headers
            .header(name)
            .ok_or(WebhookError::MissingHeader(name))
    };
    let signature = header(SIGNATURE_HEADER)?;
    let timestamp = header(TIMESTAMP_HEADER)?;
    verify_signature(signature, timestamp, raw_body, secret, tolerance)
}

/// Verifies a delivery from the signature and timestamp header values and the raw body.
pub fn verify_signature(
    signature: &str,
    timestamp: &str,
    raw_body: &[u8],
    secret: &WebhookSecret,
    tolerance: Duration,
) -> Result<(), WebhookError> {
    verify_at(
        signature,
        timestamp,
        raw_body,
        secret,
        tolerance,
        SystemTime::now(),
    )
}

/// [`verify_signature`] at a given time (for tests).
pub fn verify_at(
    signature: &str,
    timestamp: &str,
    raw_body: &[u8],
    secret: &WebhookSecret,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookError> {
    let signed_at: u64 = timestamp
        .trim()
        .parse()
        .map_err(|_| WebhookError::InvalidTimestamp)?;
    let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let age_seconds = now.abs_diff(signed_at);
    if age_seconds > tolerance.as_secs() {
        let in_future = signed_at > now;
        return Err(WebhookError::Stale { age_seconds, in_future });
    }
    // Several signatures may be sent (while a secret is being rotated): any match verifies.
    let candidates = signature
        .split([',', ' '])
        .filter_map(|part| part.trim().strip_prefix("v1="));
    for candidate in candidates {
        let Some(expected) = decode_hex(candidate) else {
            continue;
        };
        // `verify_slice` compares in constant time.
        if mac(secret, timestamp.trim(), raw_body)
            .verify_slice(&expected)
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(WebhookError::SignatureMismatch)
}

/// Verifies a delivery and decodes its event.
pub fn construct_event<H: WebhookHeaders + ?Sized>(
    headers: &H,
    raw_body: &[u8],
    secret: &WebhookSecret,
    tolerance: Duration,
) -> Result<WebhookPayload, WebhookError> {
    verify(headers, raw_body, secret, tolerance)?;
    serde_json::from_slice(raw_body)
        .map_err(|e| WebhookError::InvalidPayload(e.to_string()))
}

/// The signature header value for a body signed at `timestamp` (to test a receiver).
pub fn sign(secret: &WebhookSecret, timestamp: u64, raw_body: &[u8]) -> String {
    let digest = mac(secret, &timestamp.to_string(), raw_body)
        .finalize()
        .into_bytes();
    let mut out = String::with_capacity(3 + digest.len() * 2);
    out.push_str("v1=");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

fn mac(secret: &WebhookSecret, timestamp: &str, raw_body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    mac
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
