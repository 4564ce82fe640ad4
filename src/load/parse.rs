//! Bytes to a JSON value. JSON and YAML are told apart by content, not by file name, because
//! URLs often carry no extension and servers mislabel content types.

use serde_json::Value;

use crate::error::{pointer_join, Error, Location, Result};

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

/// The only place that knows which YAML library is in use (serde_yaml is deprecated upstream;
/// swapping it means changing this function alone).
///
/// serde_yaml bounds nesting depth and alias expansion ("billion laughs"), so neither can
/// exhaust the stack or memory.
pub fn parse_yaml(origin: &str, text: &str) -> Result<Value> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let location = e
            .location()
            .map(|l| Location::Line {
                line: l.line(),
                column: l.column(),
            })
            .unwrap_or(Location::Whole);
        Error::input(
            origin,
            location,
            format!("invalid YAML: {}", strip_position(&e.to_string())),
        )
    })?;
    yaml.apply_merge().map_err(|e| {
        Error::input(
            origin,
            Location::Whole,
            format!("invalid YAML merge key: {e}"),
        )
    })?;
    yaml_to_json(origin, "", yaml)
}

/// YAML allows what JSON does not (non-string keys, NaN, tags); OpenAPI documents in YAML
/// routinely use integer keys such as `200:` for responses, which become strings here.
fn yaml_to_json(origin: &str, pointer: &str, yaml: serde_yaml::Value) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::at_pointer(
                            origin,
                            pointer,
                            format!("{f} cannot be represented in JSON"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    yaml_to_json(origin, &pointer_join(pointer, &i.to_string()), item)
                })
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Error::at_pointer(
                            origin,
                            pointer,
                            format!("mapping key {other:?} is not a string"),
                        ))
                    }
                };
                let child = pointer_join(pointer, &key);
                object.insert(key, yaml_to_json(origin, &child, value)?);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => {
            return Err(Error::at_pointer(
                origin,
                pointer,
                format!(
                    "YAML tag {} is not allowed in an OpenAPI document",
                    tagged.tag
                ),
            ))
        }
    })
}

/// Both parsers append " at line L column C"; the location is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
