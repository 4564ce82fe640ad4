//! `$ref` integrity: every local reference resolves, no reference leaves the document, and no
//! chain of pure references loops back on itself.

use foldhash::{HashMap, HashSet};

use serde_json::Value;

use crate::error::{push_pointer_token, Error, Result};

/// Turns a `$ref` value into a JSON pointer inside this document, if it is a local reference.
pub fn local_pointer(reference: &str) -> Option<String> {
    reference.strip_prefix('#').map(percent_decode)
}

/// Where each reference's chain of references ends: the pointer of the first value on it that
/// is not itself a reference, by the pointer each reference names.
pub type Targets = HashMap<String, String>;

pub fn check(origin: &str, root: &Value) -> Result<Targets> {
    let mut refs = Vec::new();
    collect(root, &mut String::new(), &mut refs);
    for (at, reference) in &refs {
        let Some(target) = local_pointer(reference) else {
            return Err(Error::at_pointer(
                origin,
                at,
                format!(
                    "`$ref: {reference}` points outside this document; external references are \
                     not supported (bundle the document into one file first)"
                ),
            ));
        };
        if root.pointer(&target).is_none() {
            return Err(Error::at_pointer(
                origin,
                at,
                format!("`$ref: {reference}` points nowhere"),
            ));
        }
    }
    follow_chains(origin, root, &refs)
}

/// Follows the chains of objects that are themselves references; meeting one twice is a cycle
/// that no type could ever be built from (`A: {$ref: B}`, `B: {$ref: A}`).
///
/// Every pointer is followed once: a chain that runs into one already known to end stops there,
/// so a chain of n references costs n steps, not n² per reference on it.
fn follow_chains(
    origin: &str,
    root: &Value,
    refs: &[(String, String)],
) -> Result<Targets> {
    let mut ends = Targets::default();
    for (at, reference) in refs {
        let mut chain: Vec<String> = Vec::new();
        let mut on_chain: HashSet<String> = HashSet::default();
        let mut target = local_pointer(reference).unwrap_or_default();
        let end = loop {
            if let Some(end) = ends.get(&target) {
                break end.clone();
            }
            if !on_chain.insert(target.clone()) {
                chain.push(target);
                let chain = chain
                    .iter()
                    .map(|p| format!("#{p}"))
                    .collect::<Vec<_>>()
                    .join(" -> ");
                return Err(Error::at_pointer(
                    origin,
                    at,
                    format!("`$ref` cycle: {chain}"),
                ));
            }
            chain.push(target.clone());
            match root
                .pointer(&target)
                .and_then(|v| v.get("$ref"))
                .and_then(Value::as_str)
            {
                Some(next) => target = local_pointer(next).unwrap_or_default(),
                None => break target,
            }
        };
        for pointer in chain {
            ends.insert(pointer, end.clone());
        }
    }
    Ok(ends)
}

/// Every `$ref` under `value` with the pointer of the object holding it. `pointer` is one
/// buffer, grown and cut back on the way: the walk visits every node of the document, and only
/// the few that hold a reference need their pointer kept.
fn collect(value: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Value::String(reference) = child {
                        out.push((pointer.clone(), reference.clone()));
                    }
                } else if is_example_or_extension(key) {
                    // Example payloads and vendor extensions are data, not structure: a
                    // "$ref" inside them is just a string.
                } else if matches!(child, Value::Object(_) | Value::Array(_)) {
                    let len = pointer.len();
                    pointer.push('/');
                    push_pointer_token(pointer, key);
                    collect(child, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    collect(child, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

fn is_example_or_extension(key: &str) -> bool {
    key == "example"
        || key == "examples"
        || key == "default"
        || key == "const"
        || key.starts_with("x-")
}

fn percent_decode(text: &str) -> String {
    fn hex(byte: u8) -> Option<u8> {
        (byte as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_in_fragments() {
        assert_eq!(
            local_pointer("#/paths/~1a~1%7Bid%7D/get").unwrap(),
            "/paths/~1a~1{id}/get"
        );
        assert_eq!(local_pointer("other.json#/a"), None);
        assert_eq!(local_pointer("#/bad%zz").unwrap(), "/bad%zz");
    }
}
