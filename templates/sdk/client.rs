//! The HTTP client: configuration, authentication, retries and response decoding.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;

use crate::call::{Call, Response as Received};
use crate::error::{ApiError, Error, Result};
use crate::retry::{self, Backoff};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "RIVYA_API_KEY";
/// The environment variable that overrides the base URL in [`Client::from_env`].
pub const BASE_URL_ENV: &str = "RIVYA_BASE_URL";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_RETRIES: u32 = 2;

/// An API key. It is only ever written into the `Authorization` header: its `Debug` output
/// is redacted, it has no `Display`, and no error message contains it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = crate::glue::API_KEY_PREFIX;
        if !prefix.is_empty() && self.0.starts_with(prefix) {
            write!(f, "{prefix}***")
        } else {
            f.write_str("***")
        }
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> ApiKey {
        ApiKey::new(key)
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> ApiKey {
        ApiKey(key)
    }
}

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<ApiKey>,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    /// Sent with every call (values marked sensitive, never printed).
    default_headers: HeaderMap,
    strict: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &self.inner.api_key)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the production API with the given key and default settings.
    pub fn new(api_key: impl Into<ApiKey>) -> Client {
        Client::builder()
            .api_key(api_key)
            .build()
            .expect("the default configuration is valid")
    }

    /// A client configured from the environment: the key from `RIVYA_API_KEY` (required) and
    /// the base URL from `RIVYA_BASE_URL` (optional).
    pub fn from_env() -> Result<Client> {
        let key = std::env::var(API_KEY_ENV)
            .ok()
            .filter(|key| !key.trim().is_empty())
            .ok_or_else(|| Error::Config(format!("{API_KEY_ENV} is not set")))?;
        let mut builder = Client::builder().api_key(key.trim());
        if let Some(url) = std::env::var(BASE_URL_ENV).ok().filter(|u| !u.is_empty()) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// A builder for a client with custom settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a call and reads its response with `read` (one of [`Received`]'s readers).
    ///
    /// The operations' `send` methods are plain functions that return this future: one
    /// generic async body instead of one per operation keeps the generated crate quick to
    /// compile.
    pub(crate) fn send<'a, T, Read, Reading>(
        &'a self,
        call: Call,
        read: Read,
    ) -> futures_util::future::BoxFuture<'a, Result<Response<T>>>
    where
        Read: FnOnce(Received) -> Reading + Send + 'a,
        Reading: std::future::Future<Output = Result<T>> + Send + 'a,
        T: 'a,
    {
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "rivya_sdk.call",
            operation = call.operation,
            method = %call.method,
            path = crate::glue::path_template(call.operation),
        );
        let call = async move {
            let received = self.execute(call).await?;
            let status = received.status();
            let headers = received.headers().clone();
            let value = read(received).await?;
            Ok(Response { status, headers, value })
        };
        #[cfg(feature = "tracing")]
        let call = tracing::Instrument::instrument(call, span);
        Box::pin(call)
    }

    /// Sends a call, retrying it when that is safe, and returns the successful response.
    pub(crate) async fn execute(&self, mut call: Call) -> Result<Received> {
        if let Some(error) = call.error.take() {
            return Err(error);
        }
        crate::glue::before_send(&call)?;
        let idempotency_key = call.idempotency_header.map(|_| {
            call.idempotency_key
                .clone()
                .unwrap_or_else(new_idempotency_key)
        });
        let safe = call.method == Method::GET
            || call.method == Method::HEAD
            || call.method == Method::OPTIONS
            || idempotency_key.is_some();
        let max_retries = match (safe, call.body.replayable()) {
            (true, true) => call.max_retries.unwrap_or(self.inner.max_retries),
            _ => 0,
        };
        let mut attempt = 0;
        loop {
            let sent = self.send_once(&mut call, idempotency_key.as_deref()).await;
            #[cfg(feature = "tracing")]
            trace_attempt(&call, &sent, attempt);
            let retry_after = match sent {
                Ok(response) if response.status().is_success() => {
                    return Ok(Received::new(response, self.inner.strict));
                }
                Ok(response) => {
                    let mut error = self.api_error(response, &call).await;
                    error.idempotency_key = idempotency_key.clone();
                    if attempt >= max_retries || !retry::status_is_retryable(&error) {
                        return Err(Error::Api(Box::new(error)));
                    }
                    match error.retry_after {
                        Some(wait) if wait > retry::MAX_RETRY_AFTER => {
                            return Err(Error::Api(Box::new(error)));
                        }
                        wait => wait,
                    }
                }
                Err(error) => {
                    if attempt >= max_retries || !retry::transport_is_retryable(&error) {
                        return Err(error);
                    }
                    None
                }
            };
            let delay = retry_after.unwrap_or_else(|| self.inner.backoff.delay(attempt));
            #[cfg(feature = "tracing")]
            tracing::info!(
                attempt,
                retry_delay_ms = delay.as_millis() as u64,
                "rivya_sdk: retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        call: &mut Call,
        idempotency_key: Option<&str>,
    ) -> Result<reqwest::Response> {
        let url = format!("{}{}", self.inner.base_url, call.path);
        let mut request = self.inner.http.request(call.method.clone(), url);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if !call.extra_query.is_empty() {
            request = request.query(&call.extra_query);
        }
        for (name, value) in &self.inner.default_headers {
            request = request.header(name, value.clone());
        }
        for (name, value) in &call.extra_headers {
            request = request.header(name, value.clone());
        }
        if call.streaming {
            request = request.header(reqwest::header::ACCEPT, "text/event-stream");
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        if let (Some(name), Some(key)) = (call.idempotency_header, idempotency_key) {
            request = request.header(name, key);
        }
        if call.auth {
            if let Some(key) = &self.inner.api_key {
                request = crate::glue::authorize(request, key);
            }
        }
        let timeout = call.timeout.unwrap_or(self.inner.timeout);
        // A file that cannot be read fails the call (Error::Io is never retried).
        request = call.body.attach(request).await?;
        let key = || idempotency_key.map(str::to_owned);
        if call.streaming {
            // The body of a stream may last minutes: only the wait for the headers is timed,
            // and the connection's idle read timeout guards the rest.
            match tokio::time::timeout(timeout, request.send()).await {
                Ok(result) => result.map_err(|e| Error::from_http(e, key())),
                Err(_) => Err(Error::Timeout { idempotency_key: key() }),
            }
        } else {
            let sent = request.timeout(timeout).send().await;
            sent.map_err(|e| Error::from_http(e, key()))
        }
    }

    async fn api_error(&self, response: reqwest::Response, call: &Call) -> ApiError {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = request_id(&headers).map(str::to_owned);
        let timeout = call.timeout.unwrap_or(self.inner.timeout);
        let raw = match tokio::time::timeout(timeout, response.bytes()).await {
            Ok(Ok(raw)) => raw,
            _ => Bytes::new(),
        };
        let mut error = ApiError::new(status, &raw, request_id);
        error.retry_after = retry::retry_after(&headers);
        error
    }
}

/// One event per attempt: its number, the status or the kind of failure, the request ID.
/// Errors are not printed: an HTTP client's error shows the URL, which may carry a credential.
#[cfg(feature = "tracing")]
fn trace_attempt(call: &Call, sent: &Result<reqwest::Response>, attempt: u32) {
    let method = call.method.as_str();
    let path = crate::glue::path_template(call.operation);
    match sent {
        Ok(response) => tracing::debug!(
            method,
            path,
            attempt,
            status = response.status().as_u16(),
            request_id = request_id(response.headers()),
            "rivya_sdk: attempt"
        ),
        Err(error) => {
            let failure = match error {
                Error::Timeout { .. } => "timeout",
                Error::Transport(transport) if transport.connect => "connect",
                Error::Transport(_) => "transport",
                _ => "local",
            };
            tracing::debug!(method, path, attempt, failure, "rivya_sdk: attempt failed")
        }
    }
}

/// The request ID the API sends back in a header.
fn request_id(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// The value of a call, dropping the response it came with.
pub(crate) fn value_only<'a, T: Send + 'a>(
    call: futures_util::future::BoxFuture<'a, Result<Response<T>>>,
) -> futures_util::future::BoxFuture<'a, Result<T>> {
    use futures_util::TryFutureExt;
    Box::pin(call.map_ok(Response::into_inner))
}

/// What `.with_response()` on a call returns: a future of the value with its [`Response`].
pub type ResponseFuture<'a, T> =
    futures_util::future::BoxFuture<'a, Result<Response<T>>>;

/// A call's value with the response it came in: from `.with_response()` on any call.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status of the (last) attempt.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request ID the API gave the call (`x-request-id`), to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, dropping the response.
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// A random UUID v4, the key of one logical call (and of all its retries).
///
/// Keys only need to be unique, not secret (the API key already authenticates the call):
/// 122 bits from `fastrand`, whose per-thread generator is seeded from the OS, are plenty.
fn new_idempotency_key() -> String {
    let mut bytes = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn idempotency_keys_are_uuid_v4() {
        let key = super::new_idempotency_key();
        assert_eq!(key.len(), 36);
        assert_eq!(key.as_bytes()[14], b'4');
        assert!(
            matches!(key.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "{key}"
        );
        assert_ne!(key, super::new_idempotency_key());
    }
}

/// Settings of a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<ApiKey>,
    timeout: Duration,
    connect_timeout: Duration,
    read_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    default_headers: Vec<(String, String)>,
    strict: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("own_http_client", &self.http_client.is_some())
            .field("default_headers", &header_names)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            base_url: crate::glue::DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff::default(),
            user_agent: concat!("rivya-sdk-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            http_client: None,
            default_headers: Vec::new(),
            strict: false,
        }
    }
}

impl ClientBuilder {
    /// The API key (`rvya_sk_...`). Without one, only public operations succeed.
    pub fn api_key(mut self, api_key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The base URL (default: the contract's first server). Use localhost only for local
    /// development.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The time limit of one attempt of a call, body included (default 120 s). For streams it
    /// limits the wait for the response to start.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time limit for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest silence tolerated while reading a response, streams included
    /// (default 120 s; streams send heartbeats).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// How many times a failed call that is safe to repeat is retried (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The exponential backoff between retries: the first delay and the largest one
    /// (default 0.5 s and 8 s). Each delay is jittered; `Retry-After` takes precedence.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Backoff { initial, max };
        self
    }

    /// The `User-Agent` header (default `rivya-sdk-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends the calls with this HTTP client (for a proxy, custom TLS or middleware of your
    /// own). The SDK's user agent, connect and read timeouts are then the client's; the
    /// per-attempt timeout, retries, default headers and the API key still apply.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// A header sent with every call. An invalid name or value makes [`build`](Self::build)
    /// fail, naming the header (never its value, which may be a credential).
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Strict decoding, for contract tests (against staging, say), not for production: a
    /// response member or enum value the contract does not declare fails the call with
    /// [`Error::Decode`] naming its JSON pointer, instead of being ignored or kept as
    /// `Unknown`. It catches the server drifting from the contract.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
                return Err(Error::Config(format!(
                    "{name:?} is not a valid header name"
                )));
            };
            let Ok(mut value) = HeaderValue::from_str(value) else {
                let message =
                    format!("the value of the default header {name} is not valid");
                return Err(Error::Config(message));
            };
            value.set_sensitive(true);
            default_headers.append(header, value);
        }
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {base_url:?}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(Error::Config(format!(
                "the base URL must be http(s) without a query: {base_url:?}"
            )));
        }
        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(self.user_agent)
                .connect_timeout(self.connect_timeout)
                .read_timeout(self.read_timeout)
                .build()
                .map_err(|e| Error::Config(format!("HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                api_key: self.api_key,
                timeout: self.timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                default_headers,
                strict: self.strict,
            }),
        })
    }
}
