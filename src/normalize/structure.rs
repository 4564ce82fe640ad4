//! Reads every schema and header on its own before `openapiv3` reads the document whole.
//!
//! `openapiv3` deserializes a `ReferenceOr<T>` by trying `T`, and when that fails, by
//! deserializing the same value into `T` once more to word the error (`RefOrInner::Fail` in its
//! `reference.rs`). Every enclosing `ReferenceOr` does the same, so an invalid value under n
//! nested schemas costs 2^n deserializations: a 700-byte document with an invalid `minLength`
//! twenty `items` deep took 40 s, and the parsers allow 128 levels. Schemas nest without bound,
//! and so do headers (a header's `content` has an `encoding` with `headers`).
//!
//! So each schema and header is first deserialized alone, with the schemas and headers inside it
//! replaced by a reference stub: every part of the document is read once, and an invalid one is
//! reported at its own pointer. A `ReferenceOr` reads the same wherever it stands, so when every
//! part passes, so does the whole, and the full read never takes the retry path below a schema or
//! header. The positions below are those where `openapiv3` 2.x reads each type.
//!
//! Read, the parts are kept: `assemble` builds the document from them, so that nothing is read
//! twice.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::assemble::{self, Part, Parts};
use super::{deserialize_at, METHODS};
use crate::error::{pointer_join, Error, Result};

/// The objects of an OpenAPI document that can hold a schema or a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Responses,
    Callback,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Header,
    Schema,
}

impl Kind {
    /// Read alone, with the parts of its own kind (the ones that nest) stubbed out.
    fn is_part(self) -> bool {
        matches!(self, Kind::Header | Kind::Schema)
    }
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    /// The member is one object of the kind.
    One,
    /// The member maps names to objects of the kind.
    Map,
    /// Only the members whose names start with `/` (`paths`; the rest are ignored).
    Paths,
    /// The member is a list of objects of the kind.
    List,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    shape: Shape,
    kind: Kind,
    /// `ReferenceOr<T>`: an object with a string `$ref` is a reference, and nothing else in it
    /// is read.
    reference_or: bool,
}

/// What `openapiv3` reads under `key` of an object of `parent`'s kind, if it can lead to a
/// schema or a header.
fn slot(parent: Kind, key: &str) -> Option<Slot> {
    use Kind::*;
    use Shape::{List, One};
    let (shape, kind, reference_or) = match (parent, key) {
        (Document, "paths") => (Shape::Paths, PathItem, true),
        (Document, "webhooks") => (Shape::Map, PathItem, false),
        (Document, "components") => (One, Components, false),
        (Components, "schemas") => (Shape::Map, Schema, true),
        (Components, "responses") => (Shape::Map, Response, true),
        (Components, "parameters") => (Shape::Map, Parameter, true),
        (Components, "requestBodies") => (Shape::Map, RequestBody, true),
        (Components, "headers") => (Shape::Map, Header, true),
        (Components, "callbacks") => (Shape::Map, Callback, true),
        (PathItem, method) if METHODS.contains(&method) => (One, Operation, false),
        (PathItem | Operation, "parameters") => (List, Parameter, true),
        (Operation, "requestBody") => (One, RequestBody, true),
        (Operation, "responses") => (One, Responses, false),
        (Operation, "callbacks") => (Shape::Map, Callback, false),
        (Responses, "default") => (One, Response, true),
        (Responses, status) if is_status_code(status) => (One, Response, true),
        (Callback, _) => (One, PathItem, false),
        (Parameter | Header | MediaType, "schema") => (One, Schema, true),
        (Parameter | Header | RequestBody | Response, "content") => {
            (Shape::Map, MediaType, false)
        }
        (Response | Encoding, "headers") => (Shape::Map, Header, true),
        (MediaType, "encoding") => (Shape::Map, Encoding, false),
        (Schema, "items" | "not" | "additionalProperties") => (One, Schema, true),
        (Schema, "properties") => (Shape::Map, Schema, true),
        (Schema, "allOf" | "oneOf" | "anyOf") => (List, Schema, true),
        _ => return None,
    };
    Some(Slot { shape, kind, reference_or })
}

/// The keys `openapiv3::StatusCode` accepts in `responses` (others are ignored there).
fn is_status_code(key: &str) -> bool {
    if key.len() != 3 {
        return false;
    }
    if let Ok(number) = key.parse::<i64>() {
        return (100..1000).contains(&number);
    }
    let bytes = key.as_bytes();
    bytes[0].is_ascii_digit()
        && bytes[1].eq_ignore_ascii_case(&b'X')
        && bytes[2].eq_ignore_ascii_case(&b'X')
}

fn is_reference(value: &Value) -> bool {
    value.get("$ref").is_some_and(Value::is_string)
}

/// The parts found and not yet read, each with the number of the stub that stands for it.
struct Queue<'v> {
    pending: Vec<(String, &'v Value, Kind, usize)>,
    stubs: usize,
}

impl<'v> Queue<'v> {
    /// Queues a part and returns the stub that stands for it while its parent is read: a
    /// reference, which is valid in every position a part can take.
    fn push(&mut self, pointer: String, value: &'v Value, kind: Kind) -> Value {
        let number = self.stubs;
        self.stubs += 1;
        self.pending.push((pointer, value, kind, number));
        serde_json::json!({ "$ref": assemble::stub(number) })
    }
}

/// Reads each schema and header of the (normalized) document alone; the first that `openapiv3`
/// cannot read is an error at its pointer.
#[cfg(test)]
pub fn check(origin: &str, document: &Value) -> Result<()> {
    check_from(
        origin,
        (String::new(), document, Kind::Document),
        None,
        false,
    )?;
    Ok(())
}

/// `check`, but a schema or header that one invalid keyword value makes unreadable
/// (`pattern: 0`, a `definitions` map) loses that keyword instead, with a warning naming it;
/// `type` is never dropped, since it decides what the value is.
///
/// Also returns the parts as read, for [`assemble`](super::assemble) to put the whole document
/// together from, unless a keyword was dropped: the parts read then are not those of the
/// document as it is left.
pub fn check_leniently(
    origin: &str,
    document: &mut Value,
) -> Result<(Vec<crate::error::Warning>, Option<Parts>)> {
    let mut dropped = Vec::new();
    let parts = check_from(
        origin,
        (String::new(), &*document, Kind::Document),
        Some(&mut dropped),
        true,
    )?;
    let parts = if dropped.is_empty() { parts } else { None };
    let mut warnings = Vec::new();
    for (pointer, key) in dropped {
        if let Some(Value::Object(map)) = document.pointer_mut(&pointer) {
            map.shift_remove(&key);
        }
        warnings.push(crate::error::Warning {
            pointer: pointer_join(&pointer, &key),
            message: format!(
                "`{key}` has a value this keyword cannot take; it is ignored"
            ),
        });
    }
    Ok((warnings, parts))
}

/// The one member of an unreadable part whose removal makes it readable, if there is one.
fn droppable_keyword(part: &Value, kind: Kind) -> Option<String> {
    let Value::Object(map) = part else {
        return None;
    };
    map.keys()
        .filter(|key| key.as_str() != "type")
        .find_map(|key| {
            let mut without = map.clone();
            without.shift_remove(key);
            let without = Value::Object(without);
            let readable = match kind {
                Kind::Schema => openapiv3::Schema::deserialize(&without).is_ok(),
                _ => openapiv3::Header::deserialize(&without).is_ok(),
            };
            readable.then(|| key.clone())
        })
}

/// `check` for one schema (or reference to one) at `pointer`.
pub fn check_schema(origin: &str, pointer: &str, schema: &Value) -> Result<()> {
    if !schema.is_object() || is_reference(schema) {
        return Ok(());
    }
    check_from(
        origin,
        (pointer.to_owned(), schema, Kind::Schema),
        None,
        false,
    )?;
    Ok(())
}

/// Reads every part under `root`; with `keep`, also returns them as read, with the pointers of
/// the outermost ones (those not inside another part).
fn check_from(
    origin: &str,
    root: (String, &Value, Kind),
    dropped: Option<&mut Vec<(String, String)>>,
    keep: bool,
) -> Result<Option<Parts>> {
    let (pointer, value, kind) = root;
    let whole_document = kind == Kind::Document;
    let mut finder = Finder::new(pointer, value, kind);
    // The outermost parts, by stub number: the root's walk numbers them first.
    let outermost = match keep {
        true => finder.queued(),
        false => Vec::new(),
    };
    let read = if whole_document {
        on_two_threads(finder, |found| read_parts(origin, found, dropped, keep))?
    } else {
        read_parts(origin, &mut finder, dropped, keep)?
    };
    Ok(keep.then(|| Parts::new(outermost, read)))
}

/// `read(finder)`, with the finder walking on a second thread. Walking copies each part with
/// the parts inside it stubbed out, and reading parses the copies into `openapiv3`: on a
/// large document each is half of this stage, which runs before anything else can start. The
/// parts cross in batches, in the finder's order, and a bounded number at a time, so memory
/// stays that of a few batches; when `read` returns early (an unreadable part) the walk stops
/// at its next batch.
fn on_two_threads<R>(
    finder: Finder<'_>,
    read: impl FnOnce(&mut dyn Iterator<Item = Found>) -> R,
) -> R {
    const BATCH: usize = 256;
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Found>>(4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for found in finder {
                batch.push(found);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if send.send(full).is_err() {
                        return;
                    }
                }
            }
            // The reader may have stopped: nothing is left to do then.
            let _ = send.send(batch);
        });
        read(&mut receive.into_iter().flatten())
    })
}

/// A part found, ready to read: its value with the parts inside it replaced by stubs, and its
/// stub number (none for the root).
struct Found {
    pointer: String,
    kind: Kind,
    part: Value,
    number: Option<usize>,
}

/// The parts under a root in the order they are read: the root itself when it is a part, then
/// each part queued, the parts inside one in document order.
struct Finder<'v> {
    root: Option<Found>,
    queue: Queue<'v>,
}

impl<'v> Finder<'v> {
    fn new(pointer: String, value: &'v Value, kind: Kind) -> Self {
        let mut queue = Queue {
            pending: Vec::new(),
            stubs: 0,
        };
        let walked = walk(value, kind, &pointer, &mut queue, kind.is_part());
        // Document order for the parts found inside the root.
        queue.pending.reverse();
        let root = walked.map(|part| Found {
            pointer,
            kind,
            part,
            number: None,
        });
        Finder { root, queue }
    }

    /// The pointers of the parts queued and not yet found, by stub number.
    fn queued(&self) -> Vec<String> {
        let pending = self.queue.pending.iter().rev();
        pending.map(|(pointer, ..)| pointer.clone()).collect()
    }
}

impl Iterator for Finder<'_> {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        if let Some(root) = self.root.take() {
            return Some(root);
        }
        loop {
            let (pointer, value, kind, number) = self.queue.pending.pop()?;
            let before = self.queue.pending.len();
            let part = walk(value, kind, &pointer, &mut self.queue, true);
            // Document order for the parts found inside this one.
            self.queue.pending[before..].reverse();
            if let Some(part) = part {
                let number = Some(number);
                return Some(Found {
                    pointer,
                    kind,
                    part,
                    number,
                });
            }
        }
    }
}

/// Reads each part `found` gives, in its order; with `keep`, returns them by stub number. The
/// first part that cannot be read is an error at its pointer, unless `dropped` is given and
/// one keyword can be dropped from it (see [`check_leniently`]).
fn read_parts(
    origin: &str,
    found: &mut dyn Iterator<Item = Found>,
    mut dropped: Option<&mut Vec<(String, String)>>,
    keep: bool,
) -> Result<Vec<Option<Part>>> {
    let mut read: Vec<Option<Part>> = Vec::new();
    for Found {
        pointer,
        kind,
        part,
        number,
    } in found
    {
        // Read without tracking the path first: that is the common case, and reading a part
        // alone can only fail in the part itself, so the path is cheap to find afterwards.
        let readable = match kind {
            Kind::Schema => {
                Box::<openapiv3::Schema>::deserialize(&part).map(Part::Schema)
            }
            _ => Box::<openapiv3::Header>::deserialize(&part).map(Part::Header),
        };
        if let Ok(part) = readable {
            if let (true, Some(number)) = (keep, number) {
                if read.len() <= number {
                    read.resize_with(number + 1, || None);
                }
                read[number] = Some(part);
            }
            continue;
        }
        if let Some(dropped) = dropped.as_deref_mut() {
            if let Some(key) = droppable_keyword(&part, kind) {
                dropped.push((pointer, key));
                continue;
            }
        }
        let what = if kind == Kind::Schema {
            "schema"
        } else {
            "header"
        };
        let error = match kind {
            Kind::Schema => {
                deserialize_at::<openapiv3::Schema>(origin, &pointer, part).err()
            }
            _ => deserialize_at::<openapiv3::Header>(origin, &pointer, part).err(),
        };
        return Err(match error {
            Some(Error::Input { origin, location, message }) => Error::Input {
                origin,
                location,
                message: format!("not a valid OpenAPI {what}: {message}"),
            },
            Some(other) => other,
            None => Error::at_pointer(
                origin,
                &pointer,
                format!("not a valid OpenAPI {what}"),
            ),
        });
    }
    Ok(read)
}

/// Finds the parts inside `value` (an object of `kind` at `pointer`), queueing them in
/// `pending`; with `copy`, also returns `value` with each of them replaced by a stub.
fn walk<'v>(
    value: &'v Value,
    kind: Kind,
    pointer: &str,
    queue: &mut Queue<'v>,
    copy: bool,
) -> Option<Value> {
    let Value::Object(map) = value else {
        return copy.then(|| value.clone());
    };
    let mut copied = Map::new();
    for (key, child) in map {
        let member = match slot(kind, key) {
            Some(slot) => member(child, slot, &pointer_join(pointer, key), queue, copy),
            None => copy.then(|| child.clone()),
        };
        if let Some(member) = member {
            copied.insert(key.clone(), member);
        }
    }
    copy.then_some(Value::Object(copied))
}

fn member<'v>(
    value: &'v Value,
    slot: Slot,
    pointer: &str,
    queue: &mut Queue<'v>,
    copy: bool,
) -> Option<Value> {
    match (slot.shape, value) {
        (Shape::One, _) => element(value, slot, pointer, queue, copy),
        (Shape::Map | Shape::Paths, Value::Object(members)) => {
            let mut copied = Map::new();
            for (key, child) in members {
                let element =
                    if matches!(slot.shape, Shape::Paths) && !key.starts_with('/') {
                        copy.then(|| child.clone())
                    } else {
                        element(child, slot, &pointer_join(pointer, key), queue, copy)
                    };
                if let Some(element) = element {
                    copied.insert(key.clone(), element);
                }
            }
            copy.then_some(Value::Object(copied))
        }
        (Shape::List, Value::Array(items)) => {
            let mut copied = Vec::new();
            for (i, child) in items.iter().enumerate() {
                let element = element(
                    child,
                    slot,
                    &pointer_join(pointer, &i.to_string()),
                    queue,
                    copy,
                );
                copied.extend(element);
            }
            copy.then_some(Value::Array(copied))
        }
        // Not the shape `openapiv3` expects: left as it is, for the read to refuse.
        _ => copy.then(|| value.clone()),
    }
}

fn element<'v>(
    value: &'v Value,
    slot: Slot,
    pointer: &str,
    queue: &mut Queue<'v>,
    copy: bool,
) -> Option<Value> {
    if !value.is_object() || (slot.reference_or && is_reference(value)) {
        return copy.then(|| value.clone());
    }
    if slot.kind.is_part() {
        let stub = queue.push(pointer.to_owned(), value, slot.kind);
        return copy.then_some(stub);
    }
    walk(value, slot.kind, pointer, queue, copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize, leaf: Value) -> Value {
        (0..depth).fold(leaf, |inner, _| json!({ "type": "array", "items": inner }))
    }

    fn document(schema: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": schema}}
        })
    }

    #[test]
    fn an_invalid_schema_deep_down_is_found_at_once_and_named() {
        let doc = document(nested(100, json!({"type": "string", "minLength": "x"})));
        let error = check("t.json", &doc).unwrap_err().to_string();
        let pointer = format!("#/components/schemas/A{}", "/items".repeat(100));
        assert!(
            error.contains(&format!("{pointer}: not a valid OpenAPI schema")),
            "{error}"
        );
    }

    #[test]
    fn valid_documents_and_what_openapiv3_ignores_pass() {
        let mut doc = document(nested(100, json!({"type": "string"})));
        // A reference's siblings, paths not starting with `/` and unknown status keys are
        // never read by openapiv3, so they are not checked either.
        doc["components"]["schemas"]["B"] =
            json!({"$ref": "#/components/schemas/A", "items": {"type": 5}});
        doc["paths"]["x-not-a-path"] =
            json!({"get": {"parameters": [{"schema": {"type": 5}}]}});
        doc["paths"]["/a"] = json!({"get": {"responses": {
            "2000": {"content": {"a/b": {"schema": {"type": 5}}}},
            "200": {"description": "d", "headers": {"h": {"schema": {"type": "integer"}}}}
        }}});
        check("t.json", &doc).unwrap();
    }

    #[test]
    fn headers_nested_through_encodings_are_read_alone() {
        let mut header = json!({"schema": {"type": "string", "maxLength": -1}});
        for _ in 0..30 {
            header = json!({"content": {"a/b": {"encoding": {"e": {"headers": {"h": header}}}}}});
        }
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"headers": {"H": header}}
        });
        let error = check("t.json", &doc).unwrap_err().to_string();
        assert!(
            error.contains("/schema: not a valid OpenAPI schema"),
            "{error}"
        );
    }

    #[test]
    fn status_codes_as_openapiv3_reads_them() {
        for key in ["200", "599", "2XX", "4xx", "0XX"] {
            assert!(is_status_code(key), "{key}");
        }
        for key in ["default", "20", "2000", "099", "+99", "2X0", "éX"] {
            assert!(!is_status_code(key), "{key}");
        }
    }
}
