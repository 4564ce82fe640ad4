//! When and how long to wait before a call is sent again.
//!
//! Only calls that are safe to repeat are retried: GET (and HEAD, OPTIONS) requests, and
//! requests that carry an idempotency key, which the server uses to return the stored
//! response instead of doing the work twice. The key is chosen once per call and reused on
//! every attempt.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{ApiError, Error};

/// A `Retry-After` longer than this is not waited for: the error is returned instead, with
/// [`ApiError::retry_after`] set, so the caller can schedule the retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The error code that says an idempotency key was reused with a different body.
pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";

/// The first delay between retries, doubled on each next one.
const INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// The longest delay between retries.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Exponential backoff with jitter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            initial: INITIAL_BACKOFF,
            max: MAX_BACKOFF,
        }
    }
}

impl Backoff {
    /// The delay before retry number `attempt + 1`: `initial * 2^attempt`, capped at `max`,
    /// of which a random part of up to a half is taken off ("equal jitter"), so that clients
    /// that failed together do not come back together.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(16));
        let full = self.initial.saturating_mul(factor).min(self.max);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Whether an error status may succeed on a later attempt: 408, 429 and 5xx, and 409 unless
/// its code is `idempotency_conflict`.
///
/// `idempotency_conflict` means the key was used before with a different body: sending the
/// same request again can never succeed. Any other 409 on a call that is safe to repeat is
/// taken as a conflict with a concurrent request (the same key still being processed), which
/// a later attempt resolves by getting the stored response.
pub(crate) fn status_is_retryable(error: &ApiError) -> bool {
    match error.status {
        408 | 429 => true,
        409 => error
            .code()
            .is_none_or(|code| code.as_str() != IDEMPOTENCY_CONFLICT),
        500..=599 => true,
        _ => false,
    }
}

/// Connection failures and timeouts are retried (for calls that are safe to repeat).
pub(crate) fn transport_is_retryable(error: &Error) -> bool {
    matches!(error, Error::Transport(_) | Error::Timeout { .. })
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after(value, SystemTime::now())
}

pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        let date = "Sun, 06 Nov 1994 08:49:47 GMT";
        assert_eq!(parse_retry_after(date, now), Some(Duration::from_secs(10)));
        let past = "Sun, 06 Nov 1994 08:49:27 GMT";
        assert_eq!(parse_retry_after(past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn which_statuses_are_retried() {
        let error = |status: u16, code: &str| {
            let body = format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#);
            ApiError::new(status, body.as_bytes(), None)
        };
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(status_is_retryable(&error(status, "x")), "{status}");
        }
        for status in [400, 401, 402, 403, 404, 422] {
            assert!(!status_is_retryable(&error(status, "x")), "{status}");
        }
        assert!(!status_is_retryable(&error(409, IDEMPOTENCY_CONFLICT)));
        assert!(status_is_retryable(&error(409, "request_in_progress")));
        assert!(status_is_retryable(&ApiError::new(409, b"not json", None)));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let backoff = Backoff::default();
        for attempt in 0..10 {
            let delay = backoff.delay(attempt);
            let full = (backoff.initial * 2u32.pow(attempt)).min(backoff.max);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
    }
}
