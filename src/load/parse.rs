//! Bytes to a JSON value. JSON and YAML are told apart by content, not by file name, because
//! URLs often carry no extension and servers mislabel content types.

use serde_json::Value;

use super::yaml::parse_yaml;
use crate::error::{Error, Location, Result};

pub fn parse_document(origin: &str, bytes: &[u8]) -> Result<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::input(
            origin,
            Location::Whole,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    let first = text.trim_start().chars().next();
    match first {
        None => Err(Error::input(
            origin,
            Location::Whole,
            "the document is empty",
        )),
        Some('{') | Some('[') => parse_json(origin, text),
        Some(_) => parse_yaml(origin, text),
    }
}

fn parse_json(origin: &str, text: &str) -> Result<Value> {
    // serde_json refuses nesting deeper than 128 levels, so hostile depth is an error here and
    // never a stack overflow later.
    serde_json::from_str(text).map_err(|e| {
        Error::input(
            origin,
            Location::Line {
                line: e.line(),
                column: e.column(),
            },
            format!("invalid JSON: {}", strip_position(&e.to_string())),
        )
    })
}

/// Both parsers append " at line L column C"; the location is reported separately.
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
