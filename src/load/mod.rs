//! Stage 1 of the pipeline: bytes from a file or URL, parsed into a JSON value.
//!
//! Nothing here knows about OpenAPI; it only guarantees that what comes out is a bounded,
//! well-formed document and that every failure names its origin.

mod fetch;
mod git;
mod parse;
pub mod positions;
mod yaml;

use crate::error::Result;

pub use fetch::{Limits, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT};
pub use parse::parse_document;
pub use yaml::parse_yaml;

/// Where a document comes from, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(std::path::PathBuf),
    Url(String),
    /// `git:REV:PATH`: a file as it is in a revision of the current repository, so that CI can
    /// compare a branch against its base without checking the base out.
    Git {
        rev: String,
        path: String,
    },
}

impl Source {
    /// `http://` and `https://` are URLs, `git:REV:PATH` is a file in a git revision; anything
    /// else is a path (write `./git:x` for a file whose name really starts with `git:`).
    pub fn parse(text: &str) -> Source {
        if text.starts_with("http://") || text.starts_with("https://") {
            Source::Url(text.to_owned())
        } else if let Some((rev, path)) =
            text.strip_prefix("git:").and_then(|r| r.split_once(':'))
        {
            Source::Git {
                rev: rev.to_owned(),
                path: path.to_owned(),
            }
        } else {
            Source::File(text.into())
        }
    }

    /// The name used in every message about this document.
    pub fn origin(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Url(url) => url.clone(),
            Source::Git { rev, path } => format!("git:{rev}:{path}"),
        }
    }
}

/// A parsed document and the name of where it came from.
#[derive(Debug, Clone)]
pub struct Document {
    pub origin: String,
    pub value: serde_json::Value,
}

/// Reads and parses one document (JSON or YAML, told apart by content).
pub fn load(source: &Source, limits: &Limits) -> Result<Document> {
    Ok(load_with_bytes(source, limits)?.0)
}

/// [`load`], also returning the bytes as read, for a caller that stores the document as it came.
pub fn load_with_bytes(source: &Source, limits: &Limits) -> Result<(Document, Vec<u8>)> {
    let origin = source.origin();
    let bytes = fetch::read(source, limits)?;
    let value = parse_document(&origin, &bytes)?;
    Ok((Document { origin, value }, bytes))
}
