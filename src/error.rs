//! The one error type of the pipeline, and how it maps to the exit codes of the CLI.

use std::fmt;

/// Where in an input document a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer (RFC 6901) into the parsed document, e.g. `/paths/~1api~1v1~1models/get`.
    Pointer(String),
    /// A line and column (1-based), for errors found before there is a document to point into.
    Line { line: usize, column: usize },
    /// The problem concerns the whole file (its size, its version).
    Whole,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Pointer(p) if p.is_empty() => f.write_str("#"),
            Location::Pointer(p) => write!(f, "#{p}"),
            Location::Line { line, column } => write!(f, "line {line}, column {column}"),
            Location::Whole => Ok(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input (a spec, a catalog, a params document) is unreadable or invalid. Exit code 2.
    #[error("{}", input_message(.origin, .location, .message))]
    Input {
        origin: String,
        location: Location,
        message: String,
    },
    /// The command line itself is wrong. Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// The generator broke one of its own invariants (an IR the backends cannot read, Rust
    /// that does not parse, a template that does not render): a bug, whatever the input.
    /// Exit code 2, like the input errors, so that scripts see one failure code.
    #[error(
        "internal error: {0} (a bug of rivya-codegen: please report it with the input)"
    )]
    Internal(String),
    /// Writing output failed. Exit code 2: nothing was half-written, but nothing was done either.
    #[error("{path}: {source}")]
    Output {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn input_message(origin: &str, location: &Location, message: &str) -> String {
    let text = match location {
        Location::Whole => format!("{origin}: {message}"),
        other => format!("{origin}: {other}: {message}"),
    };
    one_line(&text)
}

/// An input error is one line on stderr, but its parts quote the document (keys in pointers,
/// values in serde's "unknown variant `…`"), which may hold line breaks: control characters
/// are shown escaped, as Rust writes them in string literals.
fn one_line(text: &str) -> String {
    if !text.contains(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl Error {
    pub fn input(origin: &str, location: Location, message: impl Into<String>) -> Self {
        Error::Input {
            origin: origin.to_owned(),
            location,
            message: message.into(),
        }
    }

    pub fn at_pointer(origin: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self::input(origin, Location::Pointer(pointer.to_owned()), message)
    }

    /// Every error ends the command with exit code 2; "a check failed" (exit 1) is a result,
    /// not an error, and is reported by the command that ran the check.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

/// Something that could not be represented faithfully and was degraded, never silently.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    let mut escaped = String::with_capacity(token.len());
    push_pointer_token(&mut escaped, token);
    escaped
}

/// The key one reference token of a JSON pointer names (RFC 6901: `~1` before `~0`, so that
/// `~01` is `~1`).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one token to a JSON pointer.
pub fn pointer_join(base: &str, token: &str) -> String {
    // Every node of a large document gets a pointer on the way down (schemas, parameters,
    // warnings): one allocation of the right size, and no copy for the common token that
    // needs no escaping, keep that off the profile.
    let mut pointer = String::with_capacity(base.len() + 1 + token.len());
    pointer.push_str(base);
    pointer.push('/');
    push_pointer_token(&mut pointer, token);
    pointer
}

/// Appends one escaped reference token (no slash) to `out`.
pub fn push_pointer_token(out: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped_as_rfc_6901_says() {
        assert_eq!(pointer_join("", "paths"), "/paths");
        assert_eq!(pointer_join("/paths", "/pets/{id}"), "/paths/~1pets~1{id}");
        // `~` first, so that the `~1` a slash becomes is not escaped again.
        assert_eq!(pointer_join("/a", "x~/y"), "/a/x~0~1y");
        assert_eq!(escape_pointer_token("~1"), "~01");
        assert_eq!(escape_pointer_token("é/ü"), "é~1ü");
    }
}
