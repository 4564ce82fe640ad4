//! The model catalog as typed values: `x-rivya-models` in the spec, or a ModelList document.
//!
//! The catalog is checked against the spec's own `PublicApiModel` schema first (so a catalog
//! that the contract itself would reject is refused, naming the model and field), then read
//! into the typed form the validators and docs backends use.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::conform;
use super::model::TypeDef;
use super::names::{field_name, type_name, variant_name, Namespace};
use crate::error::{pointer_join, Error, Result};

pub const EXTENSION: &str = "x-rivya-models";
pub const MODEL_SCHEMA: &str = "PublicApiModel";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Catalog {
    /// `x-rivya-models` of the spec, or the origin of the ModelList document.
    pub source: String,
    pub models: Vec<Model>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub id: String,
    /// UpperCamelCase, unique among the catalog's models (`z-image` → `ZImage`).
    #[serde(default, skip_deserializing)]
    pub rust_name: String,
    #[serde(default)]
    pub name: String,
    /// image, video, audio or chat; kept open because the catalog may grow new kinds.
    pub kind: String,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub input_modes: Vec<String>,
    #[serde(default)]
    pub prompt: Option<PromptRule>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default = "yes")]
    pub api_available: bool,
    #[serde(default)]
    pub requires_files: bool,
    #[serde(default)]
    pub supports_streaming: bool,
    #[serde(default)]
    pub credits: Option<Credits>,
    #[serde(default)]
    pub readiness_notes: Option<String>,
    #[serde(default)]
    pub sunset_at: Option<String>,
    #[serde(default)]
    pub params: Vec<ModelParam>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PromptRule {
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub max_length: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credits {
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Enum,
    Array,
    Object,
    Media,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamTarget {
    /// Inside the request's `params` object.
    #[default]
    Params,
    /// Inside the chat request's `controls` object.
    Controls,
    /// A top-level member of the request body.
    Body,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelParam {
    pub name: String,
    /// snake_case, unique among its siblings, never a keyword.
    #[serde(default, skip_deserializing)]
    pub rust_name: String,
    #[serde(rename = "in", default)]
    pub target: ParamTarget,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub ty: ParamType,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<Value>,
    /// The allowed values of an `enum` param, with their Rust variant names.
    #[serde(rename = "enum", default, deserialize_with = "options_from_values")]
    pub options: Vec<ParamOption>,
    #[serde(default)]
    pub minimum: Option<f64>,
    #[serde(default)]
    pub maximum: Option<f64>,
    #[serde(default)]
    pub step: Option<f64>,
    #[serde(default)]
    pub min_length: Option<u64>,
    #[serde(default)]
    pub max_length: Option<u64>,
    #[serde(default)]
    pub min_items: Option<u64>,
    #[serde(default)]
    pub max_items: Option<u64>,
    #[serde(default)]
    pub items: Option<Box<ModelParam>>,
    #[serde(default)]
    pub properties: Vec<ModelParam>,
    #[serde(default)]
    pub media: Option<MediaRule>,
    #[serde(default)]
    pub advanced: bool,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParamOption {
    pub value: String,
    /// UpperCamelCase, unique within the param ("16:9" → `V16_9`).
    pub rust_name: String,
}

fn options_from_values<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<ParamOption>, D::Error> {
    let values: Option<Vec<String>> = Option::deserialize(d)?;
    Ok(values
        .unwrap_or_default()
        .into_iter()
        .map(|value| ParamOption {
            value,
            rust_name: String::new(),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediaRule {
    #[serde(default)]
    pub accepted_kinds: Vec<String>,
    #[serde(default)]
    pub accepted_mime_types: Vec<String>,
    #[serde(default)]
    pub max_file_size_bytes: Option<u64>,
    #[serde(default)]
    pub min_duration_seconds: Option<f64>,
    #[serde(default)]
    pub max_duration_seconds: Option<f64>,
    #[serde(default)]
    pub requires_duration_token: bool,
}

/// Where the raw catalog was found.
pub struct RawCatalog {
    pub origin: String,
    /// The JSON pointer of the array of models inside that document.
    pub pointer: String,
    pub models: Vec<Value>,
}

/// Reads a ModelList document (`{"object": "list", "data": [...]}`).
pub fn from_model_list(origin: &str, document: &Value) -> Result<RawCatalog> {
    let models = document
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::at_pointer(
                origin,
                "/data",
                "a ModelList needs a `data` array of models",
            )
        })?;
    Ok(RawCatalog {
        origin: origin.to_owned(),
        pointer: "/data".into(),
        models: models.clone(),
    })
}

/// Checks and types the raw catalog.
pub fn build(
    raw: RawCatalog,
    types: &std::collections::BTreeMap<String, TypeDef>,
    source: String,
) -> Result<Catalog> {
    let Some(model_type) = types.get(MODEL_SCHEMA) else {
        return Err(Error::at_pointer(
            &raw.origin,
            &raw.pointer,
            format!(
                "the spec defines no `{MODEL_SCHEMA}` schema to check the model catalog against"
            ),
        ));
    };
    let mut models = Vec::with_capacity(raw.models.len());
    let mut seen = std::collections::HashMap::new();
    for (i, value) in raw.models.iter().enumerate() {
        let at = pointer_join(&raw.pointer, &i.to_string());
        let label = value
            .get("id")
            .and_then(Value::as_str)
            .map(|id| format!("model `{id}`"))
            .unwrap_or_else(|| format!("model #{i}"));
        if let Some(violation) =
            conform::check(types, model_type, value).into_iter().next()
        {
            return Err(Error::at_pointer(
                &raw.origin,
                &format!("{at}{}", violation.pointer),
                format!(
                    "{label} does not match the spec's {MODEL_SCHEMA} schema: {}",
                    violation.message
                ),
            ));
        }
        let model: Model =
            crate::normalize::deserialize_at(&raw.origin, &at, value.clone()).map_err(
                |e| match e {
                    Error::Input { origin, location, message } => Error::Input {
                        origin,
                        location,
                        message: format!("{label}: {message}"),
                    },
                    other => other,
                },
            )?;
        if let Some(first) = seen.insert(model.id.clone(), i) {
            return Err(Error::at_pointer(
                &raw.origin,
                &pointer_join(&at, "id"),
                format!("{label} appears twice in the catalog (first at index {first})"),
            ));
        }
        models.push(model);
    }
    assign_names(&mut models);
    Ok(Catalog { source, models })
}

fn assign_names(models: &mut [Model]) {
    let names =
        Namespace::new().assign_all(models.iter().map(|m| m.id.as_str()), type_name);
    for model in models.iter_mut() {
        model.rust_name = names[&model.id].clone();
        assign_param_names(&mut model.params);
    }
}

fn assign_param_names(params: &mut [ModelParam]) {
    let names =
        Namespace::new().assign_all(params.iter().map(|p| p.name.as_str()), field_name);
    for param in params.iter_mut() {
        param.rust_name = names[&param.name].clone();
        let options = Namespace::new()
            .assign_all(param.options.iter().map(|o| o.value.as_str()), variant_name);
        for option in param.options.iter_mut() {
            option.rust_name = options[&option.value].clone();
        }
        if let Some(items) = param.items.as_deref_mut() {
            assign_param_names(std::slice::from_mut(items));
        }
        assign_param_names(&mut param.properties);
    }
}
