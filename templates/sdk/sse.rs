//! Server-sent event streams, decoded into the contract's typed events.
//!
//! The SSE framing (events split across network chunks, multi-line `data:`, comments) is
//! handled by the `eventsource-stream` parser. Each event's `data:` is one JSON object of the
//! stream's event type; when it lacks the tag property, the SSE `event:` name fills it in.

use std::pin::Pin;
use std::task::{Context, Poll};

use eventsource_stream::Eventsource;
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result, StreamError};

/// An event type that can arrive on a stream.
pub trait StreamEvent: DeserializeOwned + Send + 'static {
    /// The JSON property naming the event type (`type`), if the events have one.
    const TAG: Option<&'static str>;
    /// The event type that ends the stream (`done`), if there is one.
    const DONE: Option<&'static str>;
    /// The event type that reports a failure (`error`), if there is one.
    const ERROR: Option<&'static str>;
}

/// A stream of typed events: `Ok(event)` for each event, `Err(Error::Stream)` for an `error`
/// event (which is never yielded as an event), then the end after the `done` event (which is
/// yielded).
///
/// A connection that closes before `done` ends the stream with an [`Error::Transport`] item,
/// never silently: its `source()` is the HTTP client's error, or an [`std::io::Error`] of kind
/// `UnexpectedEof` when the connection closed cleanly. Bytes that are not server-sent events
/// end it with an [`Error::Decode`] item.
pub struct EventStream<E> {
    inner: BoxStream<'static, Result<E>>,
}

impl<E> std::fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<E> Stream for EventStream<E> {
    type Item = Result<E>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// Why the event source failed: the connection, or the bytes.
enum Failure {
    Transport(Box<dyn std::error::Error + Send + Sync>),
    Framing(String),
}

impl<E: std::error::Error + Send + Sync + 'static>
    From<eventsource_stream::EventStreamError<E>> for Failure
{
    fn from(error: eventsource_stream::EventStreamError<E>) -> Failure {
        match error {
            eventsource_stream::EventStreamError::Transport(e) => {
                Failure::Transport(Box::new(e))
            }
            other => Failure::Framing(other.to_string()),
        }
    }
}

struct State {
    events: BoxStream<'static, Result<eventsource_stream::Event, Failure>>,
    status: u16,
    finished: bool,
    strict: bool,
}

impl<E: StreamEvent> EventStream<E> {
    pub(crate) fn new(response: reqwest::Response, strict: bool) -> EventStream<E> {
        let status = response.status().as_u16();
        let events = response
            .bytes_stream()
            .eventsource()
            .map(|event| event.map_err(Failure::from))
            .boxed();
        EventStream::from_events(events, status, strict)
    }

    fn from_events(
        events: BoxStream<'static, Result<eventsource_stream::Event, Failure>>,
        status: u16,
        strict: bool,
    ) -> EventStream<E> {
        let state = State {
            events,
            status,
            finished: false,
            strict,
        };
        let inner = stream::unfold(state, |mut state| async move {
            if state.finished {
                return None;
            }
            loop {
                let Some(next) = state.events.next().await else {
                    state.finished = true;
                    // Without a final event type, the end of the connection ends the stream.
                    E::DONE?;
                    let eof = std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the stream ended before its final event",
                    );
                    return Some((Err(Error::transport(eof)), state));
                };
                let event = match next {
                    Ok(event) => event,
                    Err(failure) => {
                        state.finished = true;
                        let error = match failure {
                            Failure::Transport(source) => Error::transport(source),
                            Failure::Framing(message) => {
                                Error::decode(state.status, message, b"")
                            }
                        };
                        return Some((Err(error), state));
                    }
                };
                if event.data.trim().is_empty() {
                    continue;
                }
                let strict = state.strict;
                let (item, done) =
                    crate::codec::decoding(strict, || decode::<E>(&event, state.status));
                state.finished = done;
                return Some((item, state));
            }
        });
        EventStream { inner: inner.boxed() }
    }
}

/// Decodes one SSE event; the flag says whether it ends the stream.
fn decode<E: StreamEvent>(
    event: &eventsource_stream::Event,
    status: u16,
) -> (Result<E>, bool) {
    let mut value: serde_json::Value = match serde_json::from_str(&event.data) {
        Ok(value) => value,
        Err(e) => return (Err(Error::decode(status, e, event.data.as_bytes())), false),
    };
    let mut tag = None;
    if let (Some(property), serde_json::Value::Object(members)) = (E::TAG, &mut value) {
        let named = !event.event.is_empty() && event.event != "message";
        if !members.contains_key(property) && named {
            members.insert(property.to_owned(), event.event.clone().into());
        }
        tag = members
            .get(property)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
    }
    let tag = tag.as_deref();
    if tag.is_some() && tag == E::ERROR {
        return (Err(stream_error(value)), false);
    }
    let done = tag.is_some() && tag == E::DONE;
    match serde_json::from_value(value) {
        Ok(event) => (Ok(event), done),
        Err(e) => (Err(Error::decode(status, e, event.data.as_bytes())), done),
    }
}

/// An `error` event as an [`Error::Stream`]: the code and message are looked for where the
/// contract's events keep them (`error`, `data` or `data.error`, else the event itself).
fn stream_error(event: serde_json::Value) -> Error {
    let places = ["/error", "/data/error", "/data", ""];
    let detail = places
        .iter()
        .filter_map(|pointer| event.pointer(pointer))
        .find(|detail| detail.get("message").is_some() || detail.get("code").is_some());
    let text = |name: &str| {
        detail
            .and_then(|d| d.get(name))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let code = text("code").map(|code| crate::glue::parse_error_code(&code));
    let message =
        text("message").unwrap_or_else(|| "the stream reported an error".into());
    Error::Stream(Box::new(StreamError { code, message, event }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Tick {
        #[serde(rename = "type")]
        kind: String,
    }

    impl StreamEvent for Tick {
        const TAG: Option<&'static str> = Some("type");
        const DONE: Option<&'static str> = Some("done");
        const ERROR: Option<&'static str> = Some("error");
    }

    fn from_chunks(chunks: &[&'static str]) -> EventStream<Tick> {
        let bytes = stream::iter(
            chunks
                .iter()
                .map(|c| {
                    Ok::<_, std::convert::Infallible>(bytes::Bytes::from_static(
                        c.as_bytes(),
                    ))
                })
                .collect::<Vec<_>>(),
        );
        let events = bytes
            .eventsource()
            .map(|e| e.map_err(Failure::from))
            .boxed();
        EventStream::from_events(events, 200, false)
    }

    #[tokio::test]
    async fn split_events_error_and_done() {
        let stream = from_chunks(&[
            "event: a\nda",
            "ta: {\"type\":\"a\"}\n",
            "\n: comment\n\nevent: b\ndata: {}\n\n",
            "data: {\"type\":\"error\",\"error\":{\"code\":\"x\",\"message\":\"boom\"}}\n\n",
            "data: {\"type\":\"done\"}\n\ndata: {\"type\":\"late\"}\n\n",
        ]);
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 4, "{items:?}");
        assert_eq!(items[0].as_ref().unwrap().kind, "a");
        assert_eq!(items[1].as_ref().unwrap().kind, "b");
        match &items[2] {
            Err(Error::Stream(error)) => assert_eq!(error.message, "boom"),
            other => panic!("{other:?}"),
        }
        assert_eq!(items[3].as_ref().unwrap().kind, "done");
    }

    #[tokio::test]
    async fn early_end_is_an_error() {
        let items: Vec<_> = from_chunks(&["data: {\"type\":\"a\"}\n\n"]).collect().await;
        assert!(items[0].is_ok());
        let Err(Error::Transport(error)) = &items[1] else {
            panic!("{:?}", items[1]);
        };
        let eof = error
            .source
            .downcast_ref::<std::io::Error>()
            .map(|e| e.kind());
        assert_eq!(eof, Some(std::io::ErrorKind::UnexpectedEof));
    }
}
