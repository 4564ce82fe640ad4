//! One call to the API as the generated operations describe it, and its response.

// The runtime serves every contract: what this contract does not use is not dead code.
#![allow(dead_code)]

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::sse::{EventStream, StreamEvent};
use crate::upload::FormPart;

/// Everything needed to send one call (and to send it again on a retry).
pub(crate) struct Call {
    /// The contract's operationId.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The path, parameters already substituted and percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    /// The JSON body as a value, for the checks made before sending.
    pub(crate) json: Option<serde_json::Value>,
    /// The operation requires (or accepts) the API key.
    pub(crate) auth: bool,
    /// The header carrying the idempotency key, when the operation accepts one.
    pub(crate) idempotency_header: Option<&'static str>,
    /// The caller's idempotency key; one is generated per call when absent.
    pub(crate) idempotency_key: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    /// The response is a stream (server-sent events).
    pub(crate) streaming: bool,
    /// Run the local checks before sending (the default).
    pub(crate) validate: bool,
    /// A problem found while building the call, reported when it is sent.
    pub(crate) error: Option<Error>,
    /// Headers the caller added to this call.
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
    /// Query parameters the caller added to this call.
    pub(crate) extra_query: Vec<(String, String)>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Call {
    pub(crate) fn new(method: Method, operation: &'static str, path: String) -> Call {
        Call {
            operation,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            json: None,
            auth: false,
            idempotency_header: None,
            idempotency_key: None,
            timeout: None,
            max_retries: None,
            streaming: false,
            validate: true,
            error: None,
            extra_headers: Vec::new(),
            extra_query: Vec::new(),
        }
    }

    /// A header the caller adds; an invalid one fails the call, naming the header only
    /// (its value may be a credential).
    pub(crate) fn extra_header(&mut self, name: &str, value: &str) {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(Error::invalid(format!(
                "{name:?} is not a valid header name"
            )));
            return;
        };
        let Ok(mut value) = HeaderValue::from_str(value) else {
            self.fail(Error::invalid(format!(
                "the value of header {name} is not valid"
            )));
            return;
        };
        value.set_sensitive(true);
        self.extra_headers.push((header, value));
    }

    /// A query parameter the caller adds.
    pub(crate) fn extra_query(&mut self, name: &str, value: String) {
        self.extra_query.push((name.to_owned(), value));
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Sends the API key with this call.
    pub(crate) fn authenticated(&mut self) {
        self.auth = true;
    }

    /// The operation accepts an idempotency key in the header `name`.
    pub(crate) fn idempotent(&mut self, name: &'static str) {
        self.idempotency_header = Some(name);
    }

    /// The response is a stream of server-sent events.
    pub(crate) fn streaming(&mut self) {
        self.streaming = true;
    }

    /// Sets a query parameter (replacing an earlier value).
    pub(crate) fn query(&mut self, name: &'static str, value: String) {
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, value));
    }

    /// Sets a list query parameter: repeated (`explode`) or comma-separated.
    pub(crate) fn query_list(
        &mut self,
        name: &'static str,
        values: Vec<String>,
        explode: bool,
    ) {
        self.query.retain(|(n, _)| *n != name);
        if explode {
            self.query.extend(values.into_iter().map(|v| (name, v)));
        } else {
            self.query.push((name, values.join(",")));
        }
    }

    /// Sets a header parameter.
    pub(crate) fn header(&mut self, name: &'static str, value: String) {
        if HeaderValue::from_str(&value).is_err() {
            let message =
                format!("the value of header {name} is not a valid header value");
            self.fail(Error::invalid(message));
            return;
        }
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
    }

    /// A JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_value(body).and_then(|v| Ok((serde_json::to_vec(&v)?, v))) {
            Ok((bytes, value)) => {
                self.body = Body::Json(Bytes::from(bytes));
                self.json = Some(value);
            }
            Err(e) => {
                self.fail(Error::invalid(format!("the body does not serialize: {e}")))
            }
        }
    }

    /// A `text/plain` body.
    pub(crate) fn text(&mut self, body: String) {
        self.body = Body::Text(body);
    }

    /// A raw binary body.
    pub(crate) fn binary(&mut self, body: Bytes) {
        self.body = Body::Binary(body);
    }

    /// A form-urlencoded body.
    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(members)) => {
                let pairs = members
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), crate::codec::text(v)))
                    .collect();
                self.body = Body::Form(pairs);
            }
            Ok(_) => self.fail(Error::invalid("a form body must be an object")),
            Err(e) => {
                self.fail(Error::invalid(format!("the body does not serialize: {e}")))
            }
        }
    }

    /// A multipart/form-data body.
    pub(crate) fn multipart(&mut self, parts: Vec<FormPart>) {
        self.body = Body::Multipart(parts);
    }
}

/// A request body, kept so that it can be sent again.
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Text(String),
    Binary(Bytes),
    Form(Vec<(String, String)>),
    Multipart(Vec<FormPart>),
}

impl Body {
    /// Whether the body can be sent more than once (a stream can be read only once).
    pub(crate) fn replayable(&self) -> bool {
        match self {
            Body::Multipart(parts) => parts.iter().all(FormPart::replayable),
            _ => true,
        }
    }

    /// Puts the body on a request (reopening files for each attempt).
    pub(crate) async fn attach(
        &mut self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder> {
        Ok(match self {
            Body::Empty => request,
            Body::Json(bytes) => request
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Text(text) => request
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(text.clone()),
            Body::Binary(bytes) => request
                .header(CONTENT_TYPE, "application/octet-stream")
                .body(bytes.clone()),
            Body::Form(pairs) => request.form(pairs),
            Body::Multipart(parts) => {
                request.multipart(crate::upload::form(parts).await?)
            }
        })
    }
}

/// A successful response, decoded as the operation says.
pub(crate) struct Response {
    inner: reqwest::Response,
    /// Decode strictly (the client's `strict` option).
    strict: bool,
}

impl Response {
    pub(crate) fn new(inner: reqwest::Response, strict: bool) -> Response {
        Response { inner, strict }
    }

    async fn body(self) -> Result<(u16, Bytes)> {
        let status = self.inner.status().as_u16();
        let bytes = self
            .inner
            .bytes()
            .await
            .map_err(|e| Error::from_http(e, None))?;
        Ok((status, bytes))
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> u16 {
        self.inner.status().as_u16()
    }

    /// The response headers.
    pub(crate) fn headers(&self) -> &reqwest::header::HeaderMap {
        self.inner.headers()
    }

    /// Decodes a JSON body.
    pub(crate) async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let strict = self.strict;
        let (status, bytes) = self.body().await?;
        crate::codec::decoding(strict, || serde_json::from_slice(&bytes))
            .map_err(|e| Error::decode(status, e, &bytes))
    }

    /// Reads and drops a body the contract does not describe.
    pub(crate) async fn empty(self) -> Result<()> {
        self.body().await.map(|_| ())
    }

    /// A text body.
    pub(crate) async fn text(self) -> Result<String> {
        let (status, bytes) = self.body().await?;
        String::from_utf8(bytes.to_vec()).map_err(|e| Error::decode(status, e, &bytes))
    }

    /// A binary body.
    pub(crate) async fn bytes(self) -> Result<Bytes> {
        self.body().await.map(|(_, bytes)| bytes)
    }

    /// A stream of server-sent events.
    pub(crate) fn events<E: StreamEvent>(self) -> EventStream<E> {
        EventStream::new(self.inner, self.strict)
    }

    /// A stream of server-sent events, as a reader for [`crate::Client::send`].
    pub(crate) async fn event_stream<E: StreamEvent>(self) -> Result<EventStream<E>> {
        Ok(self.events())
    }
}
