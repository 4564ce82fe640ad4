//! The one error type of the SDK.
//!
//! Nothing in here ever holds the API key or a webhook secret, so every error can be logged.

use std::fmt;
use std::time::Duration;

use crate::glue::ParamViolation;
use crate::{ApiErrorBody, ErrorCode};

/// The result type of every fallible SDK call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How much of a response body an error keeps for diagnosis.
pub const MAX_KEPT_BODY: usize = 4096;

/// Everything that can go wrong when calling the API.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (4xx or 5xx).
    Api(Box<ApiError>),
    /// A streamed response carried an `error` event.
    Stream(Box<StreamError>),
    /// The request never got an HTTP answer (DNS, connection, TLS, a dropped connection).
    Transport(Box<TransportError>),
    /// The call took longer than the configured timeout.
    Timeout {
        /// The Idempotency-Key the call was sent with, if any: reuse it to retry safely.
        idempotency_key: Option<String>,
    },
    /// The API answered, but the body is not what the contract describes.
    Decode(Box<DecodeError>),
    /// `generations().wait(..)` gave up before the task reached a terminal state.
    WaitTimeout {
        /// The task that was being polled.
        id: String,
        /// Its status at the last poll.
        last_status: String,
        /// How long the SDK waited.
        waited: Duration,
    },
    /// The client is misconfigured (a missing environment variable, an invalid base URL).
    Config(String),
    /// The request was refused locally before anything was sent.
    InvalidRequest {
        /// What is wrong, every violation included.
        message: String,
        /// The broken catalog rules, each with its JSON pointer (relative to the request
        /// body), rule and message, so that a form can mark the field; empty when the request
        /// was refused for another reason.
        violations: Vec<ParamViolation>,
    },
    /// Reading a file to upload failed.
    Io(std::io::Error),
}

impl Error {
    /// The API's error details, for [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The machine-readable error code, for API errors and stream error events.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(error) => error.code(),
            Error::Stream(error) => error.code.as_ref(),
            _ => None,
        }
    }

    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode(error) => Some(error.status),
            _ => None,
        }
    }

    /// The catalog rules a request broke, for [`Error::InvalidRequest`]; empty for every other
    /// error.
    pub fn violations(&self) -> &[ParamViolation] {
        match self {
            Error::InvalidRequest { violations, .. } => violations,
            _ => &[],
        }
    }

    /// A request refused locally for a reason other than the catalog's rules.
    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            message: message.into(),
            violations: Vec::new(),
        }
    }

    /// A request refused locally because it breaks the catalog's rules.
    #[allow(dead_code)]
    pub(crate) fn violated(message: String, violations: Vec<ParamViolation>) -> Error {
        Error::InvalidRequest { message, violations }
    }

    pub(crate) fn decode(status: u16, message: impl fmt::Display, body: &[u8]) -> Error {
        Error::Decode(Box::new(DecodeError {
            status,
            message: message.to_string(),
            body: kept_body(body),
        }))
    }

    pub(crate) fn from_http(
        error: reqwest::Error,
        idempotency_key: Option<String>,
    ) -> Error {
        if error.is_timeout() {
            return Error::Timeout { idempotency_key };
        }
        Error::Transport(Box::new(TransportError {
            connect: error.is_connect(),
            source: Box::new(error),
            idempotency_key,
        }))
    }

    /// A connection lost after the answer began (in the middle of a stream, say).
    pub(crate) fn transport(
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Transport(Box::new(TransportError {
            connect: false,
            source: source.into(),
            idempotency_key: None,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => error.fmt(f),
            Error::Stream(error) => error.fmt(f),
            Error::Transport(error) => write!(f, "transport error: {}", error.source),
            Error::Timeout { .. } => f.write_str("the request timed out"),
            Error::Decode(error) => write!(
                f,
                "could not decode the HTTP {} response: {}",
                error.status, error.message
            ),
            Error::WaitTimeout { id, last_status, waited } => write!(
                f,
                "{id} was still {last_status} after {:.1}s",
                waited.as_secs_f64()
            ),
            Error::Config(message) => write!(f, "client configuration: {message}"),
            Error::InvalidRequest { message, .. } => {
                write!(f, "invalid request: {message}")
            }
            Error::Io(error) => write!(f, "reading the upload: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(&*error.source),
            Error::Io(error) => Some(error),
            _ => None,
        }
    }
}

/// An error status from the API, with the decoded error body when it has one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The error body, when it decodes as the contract's error schema.
    pub body: Option<ApiErrorBody>,
    /// The raw body (at most [`MAX_KEPT_BODY`] bytes, secret members redacted), for
    /// diagnosis.
    pub raw_body: String,
    /// The request ID, from the `x-request-id` header or the error body.
    pub request_id: Option<String>,
    /// How long the server asked the client to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The Idempotency-Key the call was sent with, if any.
    pub idempotency_key: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: u16, raw: &[u8], request_id: Option<String>) -> ApiError {
        let body: Option<ApiErrorBody> = serde_json::from_slice(raw).ok();
        let request_id = request_id.or_else(|| {
            let body = body.as_ref()?;
            crate::glue::error_request_id(body).map(str::to_owned)
        });
        ApiError {
            status,
            body,
            raw_body: kept_body(raw),
            request_id,
            retry_after: None,
            idempotency_key: None,
        }
    }

    /// The machine-readable error code (unknown codes are kept, not dropped).
    pub fn code(&self) -> Option<&ErrorCode> {
        crate::glue::error_code(self.body.as_ref()?)
    }

    /// The human-readable message.
    pub fn message(&self) -> Option<&str> {
        crate::glue::error_message(self.body.as_ref()?)
    }

    /// The request member the error is about (the body's `error.param`), when the server names
    /// one.
    pub fn param(&self) -> Option<&str> {
        crate::glue::error_param(self.body.as_ref()?)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code() {
            write!(f, " {code}")?;
        }
        match self.message() {
            Some(message) => write!(f, ": {message}")?,
            None if !self.raw_body.is_empty() => write!(f, ": {}", self.raw_body)?,
            None => {}
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request {request_id})")?;
        }
        Ok(())
    }
}

/// A string that is none of an enum's values, from `str::parse` (`"2:1".parse::<..>()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    value: String,
    expected: Vec<&'static str>,
}

impl ParseEnumError {
    /// The values listed by `nth` (the value at each index, `None` past the end).
    #[allow(dead_code)]
    pub(crate) fn listed(
        value: &str,
        nth: fn(usize) -> Option<&'static str>,
    ) -> ParseEnumError {
        ParseEnumError {
            value: value.to_owned(),
            expected: (0..).map_while(nth).collect(),
        }
    }

    /// The string that was parsed.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values the enum has, as on the wire.
    pub fn expected(&self) -> &[&'static str] {
        &self.expected
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not one of ", self.value)?;
        for (i, option) in self.expected.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            write!(f, "{separator}{option:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

/// An `error` event received in the middle of a stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamError {
    /// The machine-readable error code, when the event carries one.
    pub code: Option<ErrorCode>,
    /// The message of the event.
    pub message: String,
    /// The whole event as received.
    pub event: serde_json::Value,
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stream error")?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A failure to get any HTTP answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The connection could not be made (nothing reached the server).
    pub connect: bool,
    /// The Idempotency-Key the call was sent with, if any: reuse it to retry safely.
    pub idempotency_key: Option<String>,
    /// The underlying error: the HTTP client's, or an [`std::io::Error`] of kind
    /// [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof) when a stream's connection closed
    /// cleanly before its final event.
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// A response body that does not match the contract.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: u16,
    /// What did not match.
    pub message: String,
    /// The raw body (at most [`MAX_KEPT_BODY`] bytes, secret members redacted).
    pub body: String,
}

/// The body as text, secrets redacted (when it is JSON), cut at a character boundary after
/// [`MAX_KEPT_BODY`] bytes.
pub(crate) fn kept_body(body: &[u8]) -> String {
    let text = match crate::secret::redact_body(body) {
        Some(redacted) => std::borrow::Cow::Owned(redacted),
        None => String::from_utf8_lossy(body),
    };
    if text.len() <= MAX_KEPT_BODY {
        return text.into_owned();
    }
    let mut end = MAX_KEPT_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], body.len())
}
