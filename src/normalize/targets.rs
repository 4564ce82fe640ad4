//! The document cut down to what the IR may look up by pointer once the typed document is
//! read: the values that references lead to, each at its own pointer.
//!
//! The IR reads whole components of the typed sections from `openapiv3`'s types, and goes to
//! the document only for a reference into the middle of something (a property of another
//! schema, a parameter of one operation shared by another). Keeping the whole document for
//! those few held a second copy of a large contract while its IR was built: GitHub's
//! description is 65 MB as a JSON tree, and the diff builds two IRs at once.

use foldhash::HashSet;

use serde_json::{Map, Value};

use super::refs::local_pointer;
use crate::error::{pointer_join, unescape_pointer_token};

/// The value a pointer written against the document as its author wrote it names in the
/// normalized one, and its pointer there: normalization wraps a 3.1 `$ref` with siblings into
/// `allOf: [{$ref}, {siblings}]`, so a token missing from an object is looked for in its
/// `allOf` members.
pub fn pointer_in_rewritten<'v>(
    raw: &'v Value,
    target: &str,
) -> Option<(String, &'v Value)> {
    if let Some(value) = raw.pointer(target) {
        return Some((target.to_owned(), value));
    }
    let mut current = raw;
    let mut pointer = String::new();
    for token in target.split('/').skip(1) {
        let key = unescape_pointer_token(token);
        let direct = match current {
            Value::Object(map) => map.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        if let Some(next) = direct {
            pointer = pointer_join(&pointer, &key);
            current = next;
            continue;
        }
        let members = current.get("allOf").and_then(Value::as_array)?;
        let (i, next) = members
            .iter()
            .enumerate()
            .find_map(|(i, member)| member.get(&key).map(|next| (i, next)))?;
        pointer = pointer_join(
            &pointer_join(&pointer_join(&pointer, "allOf"), &i.to_string()),
            &key,
        );
        current = next;
    }
    Some((pointer, current))
}

/// The sections whose whole components the IR takes from the typed document, never by
/// pointer; `schemas` also for a name that needs percent-decoding, the others not.
const TYPED_SECTIONS: [&str; 4] =
    ["parameters", "requestBodies", "responses", "headers"];

/// Whether the IR may look `reference` up in the document. Every reference counts, wherever
/// it stands (in an example, under a property named `default`): keeping a value too many costs
/// a little memory, one too few would make a reference point nowhere.
fn looked_up(reference: &str) -> Option<String> {
    if let Some(rest) = reference.strip_prefix("#/components/schemas/") {
        if !local_pointer(&format!("#/{rest}"))?.get(1..)?.contains('/') {
            return None;
        }
    }
    for section in TYPED_SECTIONS {
        let whole = reference
            .strip_prefix("#/components/")
            .and_then(|r| r.strip_prefix(section))
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|name| !name.contains(['/', '%']));
        if whole {
            return None;
        }
    }
    local_pointer(reference)
}

/// `root` with only what references lead to: each target (as [`pointer_in_rewritten`] finds
/// it) copied to the same pointer, its containers rebuilt around it (an array's earlier items
/// as `null`), so that looking any reference up gives what it gives in `root`.
pub fn targets_only(root: &Value) -> Value {
    let mut wanted: Vec<String> = Vec::new();
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if let (true, Value::String(reference)) = (key == "$ref", child) {
                        wanted.extend(looked_up(reference));
                    }
                    stack.push(child);
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    let mut found: Vec<(String, &Value)> = wanted
        .iter()
        .filter_map(|pointer| pointer_in_rewritten(root, pointer))
        .collect();
    // Shorter first: a target inside one already copied is in the copy.
    found.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
    found.dedup_by(|a, b| a.0 == b.0);
    let mut copied: HashSet<&str> = HashSet::default();
    let mut trimmed = Value::Object(Map::new());
    for (pointer, value) in &found {
        let inside_copy = pointer
            .match_indices('/')
            .any(|(at, _)| copied.contains(&pointer[..at]))
            || copied.contains("");
        if inside_copy {
            continue;
        }
        place(&mut trimmed, root, pointer, value);
        copied.insert(pointer);
    }
    trimmed
}

/// Copies `value` into `trimmed` at `pointer`, which names it in `root`.
fn place(trimmed: &mut Value, root: &Value, pointer: &str, value: &Value) {
    let mut slot = trimmed;
    let mut original = root;
    for token in pointer.split('/').skip(1) {
        let key = unescape_pointer_token(token);
        match original {
            Value::Object(map) => {
                let Some(next) = map.get(&key) else { return };
                original = next;
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                let Value::Object(map) = slot else { return };
                slot = map.entry(key).or_insert(Value::Null);
            }
            Value::Array(items) => {
                let Some((index, next)) = key
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| Some((i, items.get(i)?)))
                else {
                    return;
                };
                original = next;
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(copy) = slot else { return };
                if copy.len() <= index {
                    copy.resize(index + 1, Value::Null);
                }
                slot = &mut copy[index];
            }
            _ => return,
        }
    }
    *slot = value.clone();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_what_references_lead_to_and_nothing_else() {
        let doc = json!({
            "paths": {"/a": {"get": {
                "parameters": [
                    {"$ref": "#/components/parameters/P"},
                    {"name": "q", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"$ref": "#/paths/~1b/get/responses/200"}}
            }}, "/b": {"get": {"responses": {"200": {"description": "shared"}}}}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query"}},
                "schemas": {
                    "A": {"type": "object", "properties": {"x": {"type": "string"}}},
                    "B": {"$ref": "#/components/schemas/A/properties/x"},
                    "C": {"$ref": "#/components/schemas/A"},
                    "D": {"properties": {"default": {"$ref": "#/paths/~1a/get/parameters/1/schema"}}}
                }
            }
        });
        let trimmed = targets_only(&doc);
        for pointer in [
            "/paths/~1b/get/responses/200",
            "/components/schemas/A/properties/x",
            "/paths/~1a/get/parameters/1/schema",
        ] {
            assert_eq!(trimmed.pointer(pointer), doc.pointer(pointer), "{pointer}");
        }
        assert_eq!(
            trimmed.pointer("/paths/~1a/get/parameters/0"),
            Some(&Value::Null)
        );
        // Whole components are read from the typed document.
        assert_eq!(trimmed.pointer("/components/parameters"), None);
        assert_eq!(trimmed.pointer("/components/schemas/A/type"), None);
    }

    #[test]
    fn a_rewritten_reference_is_found_as_in_the_whole_document() {
        // 3.1's `$ref` with siblings becomes `allOf: [{$ref}, {siblings}]`.
        let doc = json!({
            "components": {"schemas": {
                "A": {"allOf": [{"$ref": "#/components/schemas/C"}, {"properties": {"x": {"type": "integer"}}}]},
                "B": {"$ref": "#/components/schemas/A/properties/x"},
                "C": {"type": "object"}
            }}
        });
        let trimmed = targets_only(&doc);
        let pointer = "/components/schemas/A/properties/x";
        assert!(doc.pointer(pointer).is_none());
        assert_eq!(
            pointer_in_rewritten(&trimmed, pointer),
            pointer_in_rewritten(&doc, pointer)
        );
        assert!(pointer_in_rewritten(&doc, pointer).is_some());
    }
}
