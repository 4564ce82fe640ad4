//! A JSON Schema (draft 2020-12) derived from a model's `ModelParam`s.
//!
//! Written independently of the runtime, straight from the catalog definitions, so that an
//! established JSON Schema validator can serve as an oracle for the generated validators (the
//! differential tests), and published next to the docs for clients in other languages.
//!
//! Rules without a JSON Schema keyword: `step` counted from `minimum` becomes `multipleOf` when
//! `minimum` is itself on the step grid (true of every step in the fixture), otherwise an
//! `enum` of the allowed values when there are at most [`MAX_STEP_VALUES`], otherwise it is left
//! out and noted in `$comment`. A media parameter is the ReferenceMediaItem object (or the
//! ChatAttachment object outside `params`) with its accepted kinds and MIME types as enums.

use serde_json::{json, Map, Value};

use super::rules::{media_shape, runtime_target};
use super::runtime::{self, MediaShape};
use crate::ir::{Model, ModelParam, ParamTarget, ParamType};

pub const MAX_STEP_VALUES: u64 = 10_000;

/// The schema of the object at `target` (`params`, `controls`, or the body's members).
pub fn location_schema(model: &Model, target: ParamTarget) -> Value {
    let params: Vec<&ModelParam> =
        model.params.iter().filter(|p| p.target == target).collect();
    let mut schema = object_schema(&params, runtime_target(target));
    let title = format!("{} {}", model.id, runtime_target(target).as_str());
    let extra = schema.as_object_mut().expect("an object schema");
    if target == ParamTarget::Body {
        // Other top-level members belong to the request type.
        extra.remove("additionalProperties");
    }
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    out.insert("title".into(), Value::String(title));
    out.append(extra);
    Value::Object(out)
}

/// The schema of a generation request's `params` object for this model.
pub fn params_schema(model: &Model) -> Value {
    location_schema(model, ParamTarget::Params)
}

fn object_schema(params: &[&ModelParam], location: runtime::ParamTarget) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in params {
        properties.insert(param.name.clone(), param_schema(param, location));
        if param.required {
            required.push(Value::String(param.name.clone()));
        }
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn insert_opt(schema: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        schema.insert(key.into(), value);
    }
}

pub fn param_schema(param: &ModelParam, location: runtime::ParamTarget) -> Value {
    let mut schema = Map::new();
    insert_opt(&mut schema, "title", param.label.clone().map(Value::String));
    insert_opt(
        &mut schema,
        "description",
        param.description.clone().map(Value::String),
    );
    insert_opt(&mut schema, "default", param.default.clone());
    if param.deprecated {
        schema.insert("deprecated".into(), json!(true));
    }
    match param.ty {
        ParamType::String => {
            schema.insert("type".into(), json!("string"));
            insert_opt(&mut schema, "minLength", param.min_length.map(Value::from));
            insert_opt(&mut schema, "maxLength", param.max_length.map(Value::from));
        }
        ParamType::Integer | ParamType::Number => {
            let ty = if param.ty == ParamType::Integer {
                "integer"
            } else {
                "number"
            };
            schema.insert("type".into(), json!(ty));
            insert_opt(&mut schema, "minimum", param.minimum.map(number));
            insert_opt(&mut schema, "maximum", param.maximum.map(number));
            if let Some(step) = param.step.filter(|s| *s > 0.0) {
                step_schema(&mut schema, param, step);
            }
        }
        ParamType::Boolean => {
            schema.insert("type".into(), json!("boolean"));
        }
        ParamType::Enum => {
            // `enum` alone: the options carry their own JSON types, which may be mixed.
            let options = param.options.iter().map(|o| o.value.clone());
            schema.insert("enum".into(), Value::Array(options.collect()));
        }
        ParamType::Array => {
            schema.insert("type".into(), json!("array"));
            insert_opt(&mut schema, "minItems", param.min_items.map(Value::from));
            insert_opt(&mut schema, "maxItems", param.max_items.map(Value::from));
            if let Some(items) = &param.items {
                schema.insert("items".into(), param_schema(items, location));
            }
        }
        ParamType::Object => {
            let members: Vec<&ModelParam> = param.properties.iter().collect();
            if let Value::Object(object) = object_schema(&members, location) {
                schema.extend(object);
            }
        }
        ParamType::Media => {
            if let Value::Object(object) = media_schema(param, location) {
                schema.extend(object);
            }
        }
    }
    Value::Object(schema)
}

fn step_schema(schema: &mut Map<String, Value>, param: &ModelParam, step: f64) {
    let base = param.minimum.unwrap_or(0.0);
    let steps_to_base = base / step;
    if (steps_to_base - steps_to_base.round()).abs()
        <= 1e-9 * steps_to_base.abs().max(1.0)
    {
        schema.insert("multipleOf".into(), number(step));
        return;
    }
    if let Some(max) = param.maximum {
        let count = ((max - base) / step).floor();
        if count >= 0.0 && (count as u64) < MAX_STEP_VALUES {
            let decimals = decimals(step).max(decimals(base));
            let values = (0..=count as u64).map(|k| {
                let value = base + k as f64 * step;
                let text = format!("{value:.decimals$}");
                number(text.parse().unwrap_or(value))
            });
            schema.insert("enum".into(), Value::Array(values.collect()));
            return;
        }
    }
    schema.insert(
        "$comment".into(),
        json!(format!(
            "values must be {base} plus a multiple of {step}; JSON Schema cannot say so"
        )),
    );
}

/// Decimal places of a number as JSON prints it (0.05 → 2).
fn decimals(value: f64) -> usize {
    let text = value.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

fn media_schema(param: &ModelParam, location: runtime::ParamTarget) -> Value {
    let media = param.media.as_ref();
    let kinds: Vec<Value> = media
        .map(|m| {
            m.accepted_kinds
                .iter()
                .cloned()
                .map(Value::String)
                .collect()
        })
        .unwrap_or_default();
    let mimes: Vec<Value> = media
        .map(|m| {
            m.accepted_mime_types
                .iter()
                .cloned()
                .map(Value::String)
                .collect()
        })
        .unwrap_or_default();
    let mut kind = json!({"type": "string"});
    if !kinds.is_empty() {
        kind["enum"] = Value::Array(kinds);
    }
    match media_shape(location) {
        MediaShape::ReferenceMediaItem => {
            let mut mime = json!({"type": "string"});
            if !mimes.is_empty() {
                mime["enum"] = Value::Array(mimes);
            }
            let mut duration = json!({"type": "number", "minimum": 0});
            if let Some(min) = media.and_then(|m| m.min_duration_seconds) {
                duration["minimum"] = number(min.max(0.0));
            }
            if let Some(max) = media.and_then(|m| m.max_duration_seconds) {
                duration["maximum"] = number(max);
            }
            let mut required = vec![json!("url"), json!("kind")];
            if media.is_some_and(|m| m.requires_duration_token) {
                required.push(json!("durationToken"));
            }
            json!({
                "type": "object",
                "properties": {
                    "url": {"type": "string"},
                    "kind": kind,
                    "name": {"type": "string"},
                    "mimeType": mime,
                    "durationSeconds": duration,
                    "durationToken": {"type": "string"},
                },
                "required": required,
                "additionalProperties": false,
            })
        }
        MediaShape::ChatAttachment => json!({
            "type": "object",
            "properties": {
                "file_id": {"type": "string"},
                "kind": kind,
            },
            "required": ["file_id"],
            "additionalProperties": false,
        }),
    }
}
