//! Rewrites an OpenAPI 3.1 document into the 3.0 shape that the `openapiv3` types read.
//!
//! Only schema objects change; the walk knows which keys hold schemas so that example payloads
//! and extensions (which may contain keys such as `type` or `const`) are never touched.

use serde_json::{Map, Value};

use crate::error::{pointer_join, Warning};

/// Keys whose value is one schema, inside a schema.
const SUBSCHEMA: &[&str] = &[
    "items",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keys whose value is a list of schemas, inside a schema.
const SUBSCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keys whose value is a map of schemas, inside a schema.
const SUBSCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// Annotations that may stand beside a `$ref` without changing the referenced type.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "externalDocs",
    "nullable",
];

/// Rewrites the document in place; returns what had to be dropped.
pub fn rewrite_document(root: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(object) = root.as_object_mut() {
        object.remove("jsonSchemaDialect");
        if let Some(components) =
            object.get_mut("components").and_then(Value::as_object_mut)
        {
            components.remove("pathItems");
            if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
                schemes.retain(|name, scheme| {
                    let mutual_tls = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
                    if mutual_tls {
                        warnings.push(Warning {
                            pointer: pointer_join("/components/securitySchemes", name),
                            message: "mutualTLS is configured on the HTTP client, not described per request; \
                                      the scheme is left out"
                                .into(),
                        });
                    }
                    !mutual_tls
                });
            }
        }
        object
            .entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        // 3.1 made `responses` optional; an operation without it simply documents none.
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(items)) = object.get_mut(section) {
                for item in items.values_mut().filter_map(Value::as_object_mut) {
                    for method in super::METHODS {
                        if let Some(Value::Object(operation)) = item.get_mut(method) {
                            operation
                                .entry("responses")
                                .or_insert_with(|| Value::Object(Map::new()));
                        }
                    }
                }
            }
        }
    }
    walk_structure(root);
    warnings
}

/// Walks non-schema structure (paths, operations, components) looking for schema positions.
fn walk_structure(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key.starts_with("x-") || key == "example" || key == "examples" {
                    continue;
                }
                if key == "schema" {
                    rewrite_schema(child);
                } else if key == "schemas" {
                    if let Value::Object(schemas) = child {
                        schemas.values_mut().for_each(rewrite_schema);
                    }
                } else {
                    walk_structure(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(walk_structure),
        _ => {}
    }
}

pub fn rewrite_schema(schema: &mut Value) {
    match schema {
        Value::Bool(true) => *schema = Value::Object(Map::new()),
        Value::Bool(false) => *schema = serde_json::json!({ "not": {} }),
        Value::Object(map) => {
            rewrite_object(map);
            rewrite_children(map);
        }
        _ => {}
    }
}

fn rewrite_children(map: &mut Map<String, Value>) {
    for key in SUBSCHEMA {
        if let Some(child) = map.get_mut(*key) {
            rewrite_schema(child);
        }
    }
    if let Some(Value::Object(_)) = map.get("additionalProperties") {
        rewrite_schema(map.get_mut("additionalProperties").expect("checked above"));
    }
    for key in SUBSCHEMA_LISTS {
        if let Some(Value::Array(items)) = map.get_mut(*key) {
            items.iter_mut().for_each(rewrite_schema);
        }
    }
    for key in SUBSCHEMA_MAPS {
        if let Some(Value::Object(members)) = map.get_mut(*key) {
            members.values_mut().for_each(rewrite_schema);
        }
    }
}

fn rewrite_object(map: &mut Map<String, Value>) {
    lift_null_branches(map, "anyOf");
    lift_null_branches(map, "oneOf");
    rewrite_type_list(map);
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![value]));
    }
    infer_enum_type(map);
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if let (false, Some(first)) =
            (map.contains_key("example"), examples.into_iter().next())
        {
            map.insert("example".into(), first);
        }
    }
    rewrite_exclusive_bound(map, "exclusiveMinimum", "minimum", |new, old| new >= old);
    rewrite_exclusive_bound(map, "exclusiveMaximum", "maximum", |new, old| new <= old);
    rewrite_content_keywords(map);
    wrap_ref_with_siblings(map);
}

/// `anyOf: [X, {type: null}]` is how 3.1 writes "X or null"; 3.0 says `nullable: true`.
fn lift_null_branches(map: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(branches)) = map.get_mut(key) else {
        return;
    };
    let before = branches.len();
    branches.retain(|branch| !is_null_schema(branch));
    if branches.len() == before {
        return;
    }
    map.insert("nullable".into(), Value::Bool(true));
    let Some(Value::Array(branches)) = map.get(key) else {
        return;
    };
    if branches.len() != 1 {
        return;
    }
    let Some(Value::Array(mut branches)) = map.remove(key) else {
        return;
    };
    match branches.pop() {
        Some(Value::Object(only)) if only.contains_key("$ref") => {
            map.insert("allOf".into(), Value::Array(vec![Value::Object(only)]));
        }
        Some(Value::Object(only)) => {
            for (k, v) in only {
                map.entry(k).or_insert(v);
            }
        }
        Some(other) => {
            map.insert(key.into(), Value::Array(vec![other]));
        }
        None => {}
    }
}

fn is_null_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        _ => {
            map.get("const") == Some(&Value::Null)
                || map.get("enum") == Some(&Value::Array(vec![Value::Null]))
        }
    }
}

fn rewrite_type_list(map: &mut Map<String, Value>) {
    match map.get("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t == "null");
            let concrete: Vec<Value> =
                types.iter().filter(|t| *t != "null").cloned().collect();
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            match concrete.len() {
                0 => {
                    map.remove("type");
                }
                1 => {
                    map.insert("type".into(), concrete[0].clone());
                }
                _ => {
                    map.remove("type");
                    let branches = concrete
                        .into_iter()
                        .map(|t| serde_json::json!({ "type": t }))
                        .collect();
                    map.insert("anyOf".into(), Value::Array(branches));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
        }
        _ => {}
    }
}

/// `openapiv3` reads an enum only under a `type`; 3.1 often leaves the type to `const`.
fn infer_enum_type(map: &mut Map<String, Value>) {
    if map.contains_key("type") {
        return;
    }
    let Some(Value::Array(values)) = map.get("enum") else {
        return;
    };
    let non_null: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
    let inferred = if non_null.is_empty() {
        None
    } else if non_null.iter().all(|v| v.is_string()) {
        Some("string")
    } else if non_null.iter().all(|v| v.is_i64() || v.is_u64()) {
        Some("integer")
    } else if non_null.iter().all(|v| v.is_number()) {
        Some("number")
    } else if non_null.iter().all(|v| v.is_boolean()) {
        Some("boolean")
    } else {
        None
    };
    let has_null = values.iter().any(Value::is_null);
    if let Some(t) = inferred {
        map.insert("type".into(), Value::String(t.into()));
    }
    if has_null {
        map.insert("nullable".into(), Value::Bool(true));
    }
}

/// 3.1 numeric `exclusiveMinimum: 5` is 3.0's `minimum: 5, exclusiveMinimum: true`.
fn rewrite_exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive_key: &str,
    inclusive_key: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(bound)) = map.get(exclusive_key).cloned() else {
        return;
    };
    let current = map.get(inclusive_key).and_then(Value::as_f64);
    match current {
        Some(old) if !stricter(bound.as_f64().unwrap_or(old), old) => {
            map.remove(exclusive_key);
        }
        _ => {
            map.insert(inclusive_key.into(), Value::Number(bound));
            map.insert(exclusive_key.into(), Value::Bool(true));
        }
    }
}

fn rewrite_content_keywords(map: &mut Map<String, Value>) {
    if map.contains_key("format") {
        return;
    }
    if map.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
        map.insert("format".into(), Value::String("byte".into()));
    } else if let Some(media) = map.get("contentMediaType").and_then(Value::as_str) {
        if !media.contains("json") && !media.starts_with("text/") {
            map.insert("format".into(), Value::String("binary".into()));
        }
    }
}

/// 3.0 ignores siblings of `$ref`; 3.1 honours them. Wrapping keeps them meaningful.
fn wrap_ref_with_siblings(map: &mut Map<String, Value>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let reference = map.remove("$ref").expect("checked above");
    let constraining = map.keys().any(|k| !ANNOTATIONS.contains(&k.as_str()));
    let wrapped = serde_json::json!({ "$ref": reference });
    if constraining {
        let rest = std::mem::take(map);
        map.insert(
            "allOf".into(),
            Value::Array(vec![wrapped, Value::Object(rest)]),
        );
    } else {
        map.insert("allOf".into(), Value::Array(vec![wrapped]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rewritten(mut schema: Value) -> Value {
        rewrite_schema(&mut schema);
        schema
    }

    #[test]
    fn type_lists_become_nullable() {
        assert_eq!(
            rewritten(json!({"type": ["string", "null"], "format": "date-time"})),
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
    }

    #[test]
    fn null_branch_of_a_reference_becomes_nullable_all_of() {
        assert_eq!(
            rewritten(
                json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})
            ),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn const_and_examples_and_exclusive_bounds() {
        assert_eq!(
            rewritten(json!({"const": "model", "examples": ["model"]})),
            json!({"enum": ["model"], "type": "string", "example": "model"})
        );
        assert_eq!(
            rewritten(json!({"type": "number", "exclusiveMinimum": 0, "maximum": 2})),
            json!({"type": "number", "exclusiveMinimum": true, "maximum": 2, "minimum": 0})
        );
    }

    #[test]
    fn reference_with_siblings_is_wrapped() {
        assert_eq!(
            rewritten(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_but_examples_are_not() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {"b": {"type": ["integer", "null"]}},
                "example": {"b": {"type": ["integer", "null"]}}
            }}}
        });
        rewrite_document(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/b"),
            Some(&json!({"type": "integer", "nullable": true}))
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/example/b/type"),
            Some(&json!(["integer", "null"]))
        );
    }
}
