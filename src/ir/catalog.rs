//! The model catalog as typed values: `x-rivya-models` in the spec, or a ModelList document.
//!
//! The catalog is checked against the spec's own `PublicApiModel` schema first (so a catalog
//! that the contract itself would reject is refused, naming the model and field), then read
//! into the typed form the validators and docs backends use.
//!
//! The catalog is the server's data and changes without a new contract: options and defaults
//! are kept as the JSON values they are (strings, numbers, booleans, mixed), members this code
//! does not know are kept in `unknown_members` for the diff and otherwise ignored, and only
//! what the contract's schema requires is required here.

use std::collections::BTreeMap;

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
    #[serde(default)]
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
    /// Members the server sends that this code does not know yet (`tags`, ...): kept so the
    /// diff can report them, ignored by the other backends.
    #[serde(flatten)]
    pub unknown_members: BTreeMap<String, Value>,
}

/// Members of a catalog entry that are read but carry nothing a backend needs.
const IGNORED_MODEL_MEMBERS: &[&str] = &["object"];

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
    /// Members of the parameter this code does not know yet, as for [`Model`].
    #[serde(flatten)]
    pub unknown_members: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParamOption {
    /// The option exactly as the catalog spells it: a string, number, boolean or any other JSON
    /// value the contract's schema allows.
    pub value: Value,
    /// UpperCamelCase, unique within the param ("16:9" → `V16_9`, `4` seconds → `S4`).
    pub rust_name: String,
}

impl ParamOption {
    /// The option as JSON text (`"16:9"`, `4`, `true`): how docs and diffs show it.
    pub fn json(&self) -> String {
        self.value.to_string()
    }
}

fn options_from_values<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<ParamOption>, D::Error> {
    let values: Option<Vec<Value>> = Option::deserialize(d)?;
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
    let mut seen = foldhash::HashMap::default();
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
        let mut model = model;
        for member in IGNORED_MODEL_MEMBERS {
            model.unknown_members.remove(*member);
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
        assign_option_names(param);
        if let Some(items) = param.items.as_deref_mut() {
            assign_param_names(std::slice::from_mut(items));
        }
        assign_param_names(&mut param.properties);
    }
}

/// String options are named first, exactly as they always were, so adding a numeric option to a
/// param never renames its string variants; the other options then take free names in catalog
/// order.
fn assign_option_names(param: &mut ModelParam) {
    let mut namespace = Namespace::new();
    let strings = namespace.assign_all(
        param.options.iter().filter_map(|o| o.value.as_str()),
        variant_name,
    );
    let seconds = is_duration(&param.name);
    for option in param.options.iter_mut() {
        option.rust_name = match &option.value {
            Value::String(text) => strings[text].clone(),
            other => namespace.claim(&non_string_variant_name(other, seconds)),
        };
    }
}

/// A duration's options read best as seconds (`S4`); other numbers as values (`V23_976`).
fn is_duration(param_name: &str) -> bool {
    let name = param_name.to_ascii_lowercase();
    name.contains("duration") || name.contains("seconds")
}

fn non_string_variant_name(value: &Value, seconds: bool) -> String {
    match value {
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Null => "Null".to_owned(),
        Value::Number(n) => {
            let name = variant_name(&n.to_string());
            match name.strip_prefix('V') {
                Some(digits) if seconds => format!("S{digits}"),
                _ => name,
            }
        }
        Value::Array(_) | Value::Object(_) => "Value".to_owned(),
        Value::String(text) => variant_name(text),
    }
}

/// JSON equality with numbers compared by value, as the validators compare options: `4` equals
/// `4.0`, `"4"` equals neither.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => a == b,
    }
}
