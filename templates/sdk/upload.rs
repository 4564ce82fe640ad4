//! Files sent in multipart/form-data bodies.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};
use reqwest::multipart::{Form, Part};

use crate::error::{Error, Result};

/// A file to upload: its bytes (from memory, a path or a stream), file name and MIME type.
///
/// Bytes and paths can be sent again, so an upload with an idempotency key is retried on
/// transient failures (a path is reopened for each attempt); a stream can be read once, so an
/// upload from a stream is never retried.
/// Clones share the source: a stream is still read once, by whichever clone is sent first.
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    mime_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Stream {
        stream: Arc<Mutex<Option<BoxStream<'static, std::io::Result<Bytes>>>>>,
        length: Option<u64>,
    },
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(_) => "a file".to_owned(),
            Source::Stream { .. } => "a stream".to_owned(),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("mime_type", &self.mime_type)
            .finish()
    }
}

impl FilePart {
    /// A file from memory.
    pub fn bytes(bytes: impl Into<Bytes>, file_name: impl Into<String>) -> FilePart {
        FilePart {
            source: Source::Bytes(bytes.into()),
            file_name: Some(file_name.into()),
            mime_type: None,
        }
    }

    /// A file on disk, read when the request is sent. The file name defaults to the path's
    /// last component and the MIME type is guessed from its extension.
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            mime_type: None,
        }
    }

    /// A file read from a stream of chunks, with its length when known.
    pub fn stream<S>(
        stream: S,
        length: Option<u64>,
        file_name: impl Into<String>,
    ) -> FilePart
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        FilePart {
            source: Source::Stream {
                stream: Arc::new(Mutex::new(Some(stream.boxed()))),
                length,
            },
            file_name: Some(file_name.into()),
            mime_type: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> FilePart {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the MIME type (otherwise guessed from the file name).
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> FilePart {
        self.mime_type = Some(mime_type.into());
        self
    }

    fn replayable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
    }

    async fn part(&self, default_mime: Option<&str>) -> Result<Part> {
        let part = match &self.source {
            Source::Bytes(bytes) => {
                let length = bytes.len() as u64;
                let body = reqwest::Body::from(bytes.clone());
                Part::stream_with_length(body, length)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await.map_err(Error::Io)?;
                let length = file.metadata().await.map_err(Error::Io)?.len();
                let chunks = tokio_util::io::ReaderStream::new(file);
                Part::stream_with_length(reqwest::Body::wrap_stream(chunks), length)
            }
            Source::Stream { stream, length } => {
                let taken = stream.lock().map(|mut slot| slot.take()).ok().flatten();
                let Some(chunks) = taken else {
                    let message = "an upload stream can be sent only once";
                    return Err(Error::invalid(message));
                };
                let body = reqwest::Body::wrap_stream(chunks);
                match length {
                    Some(length) => Part::stream_with_length(body, *length),
                    None => Part::stream(body),
                }
            }
        };
        let file_name = self.file_name.clone().unwrap_or_else(|| "file".into());
        let mime = match (&self.mime_type, default_mime) {
            (Some(mime), _) => mime.clone(),
            (None, Some(mime)) => mime.to_owned(),
            (None, None) => mime_guess::from_path(&file_name)
                .first_or_octet_stream()
                .to_string(),
        };
        let part = part.file_name(file_name);
        part.mime_str(&mime)
            .map_err(|_| Error::invalid(format!("invalid MIME type {mime:?}")))
    }
}

/// One part of a multipart body.
pub(crate) struct FormPart {
    name: &'static str,
    value: FormValue,
}

// Which kinds of parts a contract's forms have varies (none, text only, files only).
#[allow(dead_code)]
enum FormValue {
    Text(String),
    File {
        file: FilePart,
        /// The contract's `encoding.contentType` when it names one exact type.
        default_mime: Option<&'static str>,
    },
}

#[allow(dead_code)]
impl FormPart {
    pub(crate) fn text(name: &'static str, value: String) -> FormPart {
        FormPart {
            name,
            value: FormValue::Text(value),
        }
    }

    pub(crate) fn file(
        name: &'static str,
        file: FilePart,
        mime: Option<&'static str>,
    ) -> FormPart {
        let default_mime = mime;
        let value = FormValue::File { file, default_mime };
        FormPart { name, value }
    }

    pub(crate) fn replayable(&self) -> bool {
        match &self.value {
            FormValue::Text(_) => true,
            FormValue::File { file, .. } => file.replayable(),
        }
    }
}

/// Builds the form for one attempt.
pub(crate) async fn form(parts: &[FormPart]) -> Result<Form> {
    let mut form = Form::new();
    for part in parts {
        form = match &part.value {
            FormValue::Text(text) => form.text(part.name, text.clone()),
            FormValue::File { file, default_mime } => {
                form.part(part.name, file.part(*default_mime).await?)
            }
        };
    }
    Ok(form)
}
