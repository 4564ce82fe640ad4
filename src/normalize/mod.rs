//! Stage 2: a parsed document becomes a typed, checked OpenAPI description.
//!
//! Refuses what it cannot read faithfully (Swagger 2.0, unknown versions, dangling or external
//! `$ref`s, reference cycles, duplicate operationIds) and rewrites 3.1 into the 3.0 shape of the
//! `openapiv3` types, keeping the 3.1-only `webhooks` section beside it.

mod assemble;
mod locate;
mod refs;
mod schema31;
mod structure;
mod targets;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{pointer_join, unescape_pointer_token, Error, Location, Result};
use crate::load::Document;

pub use refs::local_pointer;
pub use targets::pointer_in_rewritten;

/// The OpenAPI line a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SpecVersion {
    #[serde(rename = "3.0")]
    V3_0,
    #[serde(rename = "3.1")]
    V3_1,
}

/// A checked OpenAPI description, ready for the IR builder.
#[derive(Debug, Clone)]
pub struct Spec {
    pub origin: String,
    pub version: SpecVersion,
    /// The `openapi` field as written (e.g. "3.1.0").
    pub declared_version: String,
    pub openapi: openapiv3::OpenAPI,
    /// The 3.1 `webhooks` section, by event name, in document order.
    pub webhooks: IndexMap<String, openapiv3::PathItem>,
    /// What references lead to in the document after normalization, at their own pointers
    /// (see `targets`), for those that point inside schemas or outside the typed components.
    pub raw: Value,
    /// What normalization had to drop.
    pub warnings: Vec<crate::error::Warning>,
}

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn normalize(document: Document) -> Result<Spec> {
    normalize_with(document, true)
}

/// `normalize`, with `assemble` false reading the document whole as it did before `assemble`
/// existed: the tests compare the two.
fn normalize_with(document: Document, assemble: bool) -> Result<Spec> {
    let Document { origin, mut value } = document;
    if !value.is_object() {
        return Err(Error::input(
            &origin,
            Location::Pointer(String::new()),
            "not an OpenAPI document: the top level must be an object",
        ));
    }
    let (version, declared_version) = detect_version(&origin, &value)?;
    let targets = refs::check(&origin, &value)?;
    check_unique_operation_ids(&origin, &value)?;
    inline_path_item_refs(&origin, &mut value, &targets)?;
    let mut warnings = Vec::new();
    if version == SpecVersion::V3_1 {
        warnings = schema31::rewrite_document(&mut value);
    }
    warnings.extend(resolve_callback_refs(&mut value));
    let (structure_warnings, parts) = structure::check_leniently(&origin, &mut value)?;
    warnings.extend(structure_warnings);
    let mut webhooks_value = value
        .as_object_mut()
        .and_then(|o| o.remove("webhooks"))
        .unwrap_or(Value::Object(Default::default()));
    // The schemas and headers were just read one by one: the document is put together from
    // them. Only when it cannot be (a keyword was dropped, or the rest is unreadable) is it
    // read whole, below, which also words the error.
    let assembled = parts
        .filter(|_| assemble)
        .and_then(|parts| parts.assemble(&mut value, &mut webhooks_value));
    let (openapi, webhooks) = match assembled {
        Some(read) => read,
        None => read_whole(&origin, &mut value, webhooks_value)?,
    };
    Ok(Spec {
        origin,
        version,
        declared_version,
        openapi,
        webhooks,
        raw: targets::targets_only(&value),
        warnings,
    })
}

/// The document and its `webhooks` read whole, the way to word what is wrong with them.
fn read_whole(
    origin: &str,
    value: &mut Value,
    webhooks_value: Value,
) -> Result<(openapiv3::OpenAPI, IndexMap<String, openapiv3::PathItem>)> {
    let webhooks = deserialize_webhooks(origin, webhooks_value)?;

    // openapiv3 reads 3.0 only: it is told the document is. Read straight from the tree
    // (no copy of it, no path tracking); only a document that fails is read again, by
    // `deserialize_at` on a copy, to say where.
    let declared = std::mem::replace(&mut value["openapi"], Value::from("3.0.3"));
    let fast = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&*value);
    let for_openapiv3 = match fast {
        Ok(_) => Value::Null,
        Err(_) => value.clone(),
    };
    value["openapi"] = declared;
    let openapi: openapiv3::OpenAPI = match fast {
        Ok(openapi) => Ok(openapi),
        Err(_) => deserialize_at(origin, "", for_openapiv3.clone()),
    }
    .map_err(|error| match error {
        Error::Input {
            origin,
            location: Location::Pointer(near),
            message,
        } => match locate::locate(&for_openapiv3, &near) {
            Some((pointer, detail)) if pointer != near => Error::at_pointer(
                &origin,
                &pointer,
                format!("not a valid OpenAPI element: {}", one_line(&detail)),
            ),
            _ => Error::Input {
                origin,
                location: Location::Pointer(near),
                message,
            },
        },
        other => other,
    })?;
    Ok((openapi, webhooks))
}

/// An operation's callback may be a `$ref` to `components.callbacks`, which the `openapiv3`
/// types cannot hold there: it is replaced by its target. One that leads nowhere readable is
/// dropped with a warning (callbacks are documentation to this generator).
fn resolve_callback_refs(value: &mut Value) -> Vec<crate::error::Warning> {
    let mut found = Vec::new();
    if let Some(Value::Object(paths)) = value.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                let Some(Value::Object(callbacks)) =
                    item.get(method).and_then(|op| op.get("callbacks"))
                else {
                    continue;
                };
                for (name, callback) in callbacks {
                    if let Some(reference) = callback.get("$ref").and_then(Value::as_str)
                    {
                        let at = pointer_join(
                            &pointer_join(
                                &pointer_join(&pointer_join("/paths", path), method),
                                "callbacks",
                            ),
                            name,
                        );
                        found.push((at, reference.to_owned()));
                    }
                }
            }
        }
    }
    let mut warnings = Vec::new();
    for (at, reference) in found {
        let target = local_pointer(&reference)
            .and_then(|pointer| value.pointer(&pointer))
            .filter(|target| target.is_object() && target.get("$ref").is_none())
            .cloned();
        match target {
            Some(target) => {
                if let Some(slot) = value.pointer_mut(&at) {
                    *slot = target;
                }
            }
            None => {
                let (parent, name) = at.rsplit_once('/').unwrap_or_default();
                if let Some(Value::Object(callbacks)) = value.pointer_mut(parent) {
                    callbacks.shift_remove(&unescape_pointer_token(name));
                }
                warnings.push(crate::error::Warning {
                    pointer: at,
                    message: format!("callback `$ref: {reference}` does not lead to a callback; it is ignored"),
                });
            }
        }
    }
    warnings
}

/// Path items may be `$ref`s (to `components.pathItems` in 3.1, or anywhere); the `openapiv3`
/// types cannot hold them, so they are replaced by their targets, siblings kept.
///
/// Targets are taken from the document as written, so one inlined item never feeds another
/// (inlining in place let `$ref: "#"` copy the document, copies included, for every path: a
/// doubling per path). Every copy is new material for every later stage, so together they may
/// add at most `INLINE_FACTOR` times the document's own size, plus `INLINE_SLACK` nodes: more
/// is a copy bomb, like a YAML alias bomb.
fn inline_path_item_refs(
    origin: &str,
    root: &mut Value,
    targets: &refs::Targets,
) -> Result<()> {
    const INLINE_FACTOR: usize = 10;
    const INLINE_SLACK: usize = 10_000;
    // Counted on the first reference met: most documents have none, and counting a large one
    // costs a walk over all of it.
    let mut budget: Option<usize> = None;
    let mut inlined = Vec::new();
    for section in ["paths", "webhooks"] {
        let Some(items) = root.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (key, item) in items {
            let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let at = pointer_join(&pointer_join("", section), key);
            // refs::check has resolved every reference of the document.
            let target = refs::local_pointer(reference)
                .and_then(|pointer| targets.get(&pointer))
                .and_then(|end| root.pointer(end))
                .ok_or_else(|| {
                    Error::at_pointer(
                        origin,
                        &at,
                        format!("`$ref: {reference}` points nowhere"),
                    )
                })?;
            let budget = budget.get_or_insert_with(|| {
                count_nodes(root, usize::MAX)
                    .saturating_mul(INLINE_FACTOR)
                    .saturating_add(INLINE_SLACK)
            });
            let size = count_nodes(target, *budget);
            if size > *budget {
                return Err(Error::at_pointer(
                    origin,
                    &at,
                    format!(
                        "inlining the path items that `$ref`s point at would grow the document \
                         more than {}-fold; write them out instead",
                        INLINE_FACTOR
                    ),
                ));
            }
            *budget -= size;
            let mut resolved = target.clone();
            if let (Value::Object(target), Value::Object(siblings)) =
                (&mut resolved, item)
            {
                for (k, v) in siblings {
                    if k != "$ref" {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
            inlined.push((section, key.clone(), resolved));
        }
    }
    for (section, key, resolved) in inlined {
        root[section][&key] = resolved;
    }
    Ok(())
}

/// The number of JSON values in `value`, counting stopped once past `limit`.
fn count_nodes(value: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        count += 1;
        if count > limit {
            break;
        }
        match value {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

fn detect_version(origin: &str, value: &Value) -> Result<(SpecVersion, String)> {
    if let Some(swagger) = value.get("swagger") {
        return Err(Error::at_pointer(
            origin,
            "/swagger",
            format!(
                "Swagger {} is not supported: convert the document to OpenAPI 3.0 or 3.1 first \
                 (for example with swagger2openapi)",
                display_scalar(swagger)
            ),
        ));
    }
    let Some(declared) = value.get("openapi") else {
        return Err(Error::at_pointer(
            origin,
            "",
            "not an OpenAPI document: the `openapi` field is missing",
        ));
    };
    let Some(declared) = declared.as_str() else {
        return Err(Error::at_pointer(
            origin,
            "/openapi",
            "the `openapi` field must be a string such as \"3.1.0\"",
        ));
    };
    let version = if declared.starts_with("3.0.") || declared == "3.0" {
        SpecVersion::V3_0
    } else if declared.starts_with("3.1.") || declared == "3.1" {
        SpecVersion::V3_1
    } else {
        return Err(Error::at_pointer(
            origin,
            "/openapi",
            format!("OpenAPI {declared} is not supported: only 3.0.x and 3.1.x are"),
        ));
    };
    Ok((version, declared.to_owned()))
}

fn display_scalar(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

fn check_unique_operation_ids(origin: &str, root: &Value) -> Result<()> {
    let mut seen: foldhash::HashMap<&str, String> = Default::default();
    for section in ["paths", "webhooks"] {
        let Some(items) = root.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (key, item) in items {
            for method in METHODS {
                let Some(id) = item
                    .get(method)
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let pointer =
                    pointer_join(&pointer_join(&pointer_join("", section), key), method);
                if let Some(first) = seen.get(id) {
                    return Err(Error::at_pointer(
                        origin,
                        &format!("{pointer}/operationId"),
                        format!("operationId `{id}` is already used at #{first}"),
                    ));
                }
                seen.insert(id, pointer);
            }
        }
    }
    Ok(())
}

fn deserialize_webhooks(
    origin: &str,
    value: Value,
) -> Result<IndexMap<String, openapiv3::PathItem>> {
    let Value::Object(map) = value else {
        return Err(Error::at_pointer(
            origin,
            "/webhooks",
            "`webhooks` must be an object",
        ));
    };
    let mut webhooks = IndexMap::new();
    for (name, item) in map {
        let pointer = pointer_join("/webhooks", &name);
        let item: openapiv3::PathItem = deserialize_at(origin, &pointer, item)?;
        webhooks.insert(name, item);
    }
    Ok(webhooks)
}

/// Reads the schema at `pointer` of a normalized document (the IR follows `$ref`s into the
/// middle of other objects, even into extensions), part by part first, as `normalize` reads
/// the whole document.
pub fn read_schema(
    origin: &str,
    pointer: &str,
    value: &Value,
) -> Result<openapiv3::ReferenceOr<openapiv3::Schema>> {
    structure::check_schema(origin, pointer, value)?;
    deserialize_at(origin, pointer, value.clone())
}

/// Deserializes with the path of the failing element turned into a JSON pointer.
pub fn deserialize_at<T: DeserializeOwned>(
    origin: &str,
    base: &str,
    value: Value,
) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let mut pointer = base.to_owned();
        for segment in error.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => {
                    pointer = pointer_join(&pointer, &index.to_string())
                }
                Segment::Map { key } => pointer = pointer_join(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        let message = error.into_inner().to_string();
        Error::at_pointer(origin, &pointer, humanize_serde(&message))
    })
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// `openapiv3` models most unions as untagged enums, whose serde message says nothing useful.
fn humanize_serde(message: &str) -> String {
    if message.starts_with("data did not match any variant of untagged enum") {
        let what = message.rsplit(' ').next().unwrap_or("value");
        format!("this is not a valid OpenAPI {what} (or a `$ref` to one)")
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn both_ways(origin: &str, value: Value) {
        let read = |assemble| {
            normalize_with(
                Document {
                    origin: origin.to_owned(),
                    value: value.clone(),
                },
                assemble,
            )
            .unwrap()
        };
        let (assembled, whole) = (read(true), read(false));
        assert_eq!(assembled.openapi, whole.openapi, "{origin}");
        assert_eq!(assembled.webhooks, whole.webhooks, "{origin}");
        assert_eq!(assembled.raw, whole.raw, "{origin}");
        assert_eq!(assembled.warnings, whole.warnings, "{origin}");
    }

    #[test]
    fn assembling_the_parts_gives_what_reading_whole_gives() {
        for path in [
            "fixtures/openapi.json",
            "tests/data/every-construct.yaml",
            "tests/data/sdk-every-construct.yaml",
            "tests/data/hostile.yaml",
        ] {
            let bytes = std::fs::read(path).unwrap();
            both_ways(path, crate::load::parse_document(path, &bytes).unwrap());
        }
        // Documents this project did not write (`scripts/fetch-corpus` puts them there).
        let corpus = std::path::Path::new(".cache/corpus/readme-oas-examples/package");
        assert!(
            corpus.is_dir(),
            "{} is missing: run scripts/fetch-corpus",
            corpus.display()
        );
        let mut pending = vec![corpus.join("3.0"), corpus.join("3.1")];
        let mut paths = Vec::new();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                match path.is_dir() {
                    true => pending.push(path),
                    false => paths.push(path),
                }
            }
        }
        paths.sort();
        let mut compared = 0;
        for path in paths {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let Ok(value) = crate::load::parse_document(&name, &bytes) else {
                continue;
            };
            let document = Document {
                origin: name.clone(),
                value: value.clone(),
            };
            if normalize_with(document, false).is_ok() {
                both_ways(&name, value);
                compared += 1;
            }
        }
        assert!(compared >= 100, "only {compared} corpus documents compared");
        // Every place `openapiv3` holds a schema or a header, nested in each other.
        let schema = json!({
            "type": "object",
            "properties": {
                "a": {"type": "array", "items": {"oneOf": [{"type": "string"}, {"not": {"type": "integer"}}]}},
                "b": {"allOf": [{"$ref": "#/components/schemas/S"}, {"anyOf": [{"type": "boolean"}]}]},
                "c": {"additionalProperties": {"properties": {"d": {"items": {"type": "number"}}}}}
            },
            "additionalProperties": {"type": "string"}
        });
        let header = json!({"content": {"text/plain": {
            "schema": schema,
            "encoding": {"e": {"headers": {"H": {"schema": {"type": "string"}}}}}
        }}});
        let content = json!({"application/json": {
            "schema": schema,
            "encoding": {"e": {"headers": {"H": header}}}
        }});
        let operation = json!({
            "parameters": [
                {"name": "p", "in": "query", "schema": schema},
                {"name": "q", "in": "header", "content": content},
                {"$ref": "#/components/parameters/P"}
            ],
            "requestBody": {"content": content},
            "responses": {
                "default": {"description": "d", "headers": {"H": header}, "content": content},
                "200": {"$ref": "#/components/responses/R"}
            },
            "callbacks": {"c": {"{$request.body#/url}": {"post": {
                "requestBody": {"content": content},
                "responses": {"200": {"description": "ok"}}
            }}}}
        });
        both_ways(
            "every-place.json",
            json!({
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"parameters": [{"name": "r", "in": "path", "required": true, "schema": schema}], "get": operation}},
                "webhooks": {"w": {"post": operation}},
                "components": {
                    "schemas": {"S": schema, "T": {"$ref": "#/components/schemas/S/properties/a"}},
                    "parameters": {"P": {"name": "p2", "in": "cookie", "schema": schema}},
                    "responses": {"R": {"description": "r", "headers": {"H": header}, "content": content}},
                    "requestBodies": {"B": {"content": content}},
                    "headers": {"H": header},
                    "callbacks": {"C": {"{$url}": {"get": operation}}}
                }
            }),
        );
    }
}
