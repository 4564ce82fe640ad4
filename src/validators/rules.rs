//! The IR's catalog as the runtime's rule tables.
//!
//! [`model_info`] is the one translation from a catalog [`Model`] to the [`ModelInfo`] the
//! runtime checks against. The `validate` command runs the runtime directly on its result; the
//! generator prints the same values as the static tables of the SDK's `catalog.rs`
//! (`backends::sdk::catalog`), so both sides check with the same code over the same data.
//!
//! The runtime's tables borrow `'static` data, as they must in generated code; here they are
//! built from the IR and deliberately leaked, a few kilobytes on every call of
//! [`catalog_rules`]: the CLI calls it once per process, the generator once per `generate`.

use crate::ir::{Catalog, Model, ModelParam, ParamTarget, ParamType};

use super::runtime::{
    self as runtime, CreditInfo, MediaRule, MediaShape, ModelInfo, NumberRule,
    OptionValue, ParamKind, ParamRule, ParamViolation, PromptRule,
};

fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_opt(text: &Option<String>) -> Option<&'static str> {
    text.as_deref().map(leak_str)
}

fn leak_strs(
    texts: impl IntoIterator<Item = impl AsRef<str>>,
) -> &'static [&'static str] {
    let texts: Vec<&'static str> =
        texts.into_iter().map(|t| leak_str(t.as_ref())).collect();
    Box::leak(texts.into_boxed_slice())
}

/// The IR's target of a catalog parameter as the runtime (copied into the SDK) spells it.
pub fn runtime_target(target: ParamTarget) -> runtime::ParamTarget {
    match target {
        ParamTarget::Params => runtime::ParamTarget::Params,
        ParamTarget::Controls => runtime::ParamTarget::Controls,
        ParamTarget::Body => runtime::ParamTarget::Body,
    }
}

/// The media object a `media` parameter is sent as: a ReferenceMediaItem inside `params`, a
/// ChatAttachment in the chat request's `controls` or top level (its `attachments`).
pub fn media_shape(location: runtime::ParamTarget) -> MediaShape {
    match location {
        runtime::ParamTarget::Params => MediaShape::ReferenceMediaItem,
        runtime::ParamTarget::Controls | runtime::ParamTarget::Body => {
            MediaShape::ChatAttachment
        }
    }
}

/// Every model of the catalog, in catalog order.
pub fn catalog_rules(catalog: &Catalog) -> &'static [ModelInfo] {
    let models: Vec<ModelInfo> = catalog.models.iter().map(model_info).collect();
    Box::leak(models.into_boxed_slice())
}

pub fn model_info(model: &Model) -> ModelInfo {
    let params: Vec<ParamRule> = model
        .params
        .iter()
        .map(|p| param_rule(p, runtime_target(p.target)))
        .collect();
    ModelInfo {
        id: leak_str(&model.id),
        name: leak_str(&model.name),
        kind: leak_str(&model.kind),
        provider: leak_opt(&model.provider),
        endpoint: leak_opt(&model.endpoint),
        input_modes: leak_strs(&model.input_modes),
        status: leak_opt(&model.status),
        api_available: model.api_available,
        requires_files: model.requires_files,
        supports_streaming: model.supports_streaming,
        prompt: PromptRule {
            required: model.prompt.as_ref().is_some_and(|p| p.required),
            max_length: model.prompt.as_ref().and_then(|p| p.max_length),
        },
        credits: model.credits.as_ref().map(|c| CreditInfo {
            unit: leak_opt(&c.unit),
            amount: c.amount,
            notes: leak_opt(&c.notes),
        }),
        readiness_notes: leak_opt(&model.readiness_notes),
        sunset_at: leak_opt(&model.sunset_at),
        params: Box::leak(params.into_boxed_slice()),
    }
}

/// An option as the runtime compares it: integers that fit an `i64` exactly, other numbers as
/// `f64`, and values that are neither strings, numbers nor booleans by their JSON text.
pub fn option_value(value: &serde_json::Value) -> OptionValue {
    use serde_json::Value;
    match value {
        Value::String(text) => OptionValue::String(leak_str(text)),
        Value::Bool(b) => OptionValue::Boolean(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => OptionValue::Integer(i),
            (None, Some(x)) => OptionValue::Number(x),
            (None, None) => OptionValue::Json(leak_str(&n.to_string())),
        },
        other => OptionValue::Json(leak_str(&other.to_string())),
    }
}

/// One parameter; members and elements take the location of their top-level parameter.
pub fn param_rule(param: &ModelParam, location: runtime::ParamTarget) -> ParamRule {
    let numbers = NumberRule {
        minimum: param.minimum,
        maximum: param.maximum,
        step: param.step,
    };
    let kind = match param.ty {
        ParamType::String => ParamKind::String {
            min_length: param.min_length,
            max_length: param.max_length,
        },
        ParamType::Integer => ParamKind::Integer(numbers),
        ParamType::Number => ParamKind::Number(numbers),
        ParamType::Boolean => ParamKind::Boolean,
        ParamType::Enum => {
            let options: Vec<OptionValue> = param
                .options
                .iter()
                .map(|o| option_value(&o.value))
                .collect();
            ParamKind::Enum(Box::leak(options.into_boxed_slice()))
        }
        ParamType::Array => ParamKind::Array {
            min_items: param.min_items,
            max_items: param.max_items,
            items: param
                .items
                .as_deref()
                .map(|items| &*Box::leak(Box::new(param_rule(items, location)))),
        },
        ParamType::Object => {
            let members: Vec<ParamRule> = param
                .properties
                .iter()
                .map(|p| param_rule(p, location))
                .collect();
            ParamKind::Object(Box::leak(members.into_boxed_slice()))
        }
        ParamType::Media => {
            let media = param.media.clone().unwrap_or_else(|| crate::ir::MediaRule {
                accepted_kinds: Vec::new(),
                accepted_mime_types: Vec::new(),
                max_file_size_bytes: None,
                min_duration_seconds: None,
                max_duration_seconds: None,
                requires_duration_token: false,
            });
            ParamKind::Media(MediaRule {
                shape: media_shape(location),
                accepted_kinds: leak_strs(&media.accepted_kinds),
                accepted_mime_types: leak_strs(&media.accepted_mime_types),
                max_file_size_bytes: media.max_file_size_bytes,
                min_duration_seconds: media.min_duration_seconds,
                max_duration_seconds: media.max_duration_seconds,
                requires_duration_token: media.requires_duration_token,
            })
        }
    };
    ParamRule {
        name: leak_str(&param.name),
        target: location,
        required: param.required,
        deprecated: param.deprecated,
        kind,
    }
}

/// A model of a rule table by ID (a linear scan: the CLI checks one document).
pub fn find<'a>(models: &'a [ModelInfo], id: &str) -> Option<&'a ModelInfo> {
    models.iter().find(|m| m.id == id)
}

/// What the generated `catalog::validate_params` does, over tables built at run time.
pub fn validate_params(
    models: &[ModelInfo],
    model_id: &str,
    params: &serde_json::Value,
) -> Result<(), Vec<ParamViolation>> {
    match find(models, model_id) {
        Some(model) => model.check_params(params),
        None => Err(vec![ParamViolation::unknown_model(model_id, "")]),
    }
}

/// What the generated `catalog::validate_request` does, over tables built at run time.
pub fn validate_request(
    models: &[ModelInfo],
    model_id: &str,
    body: &serde_json::Value,
) -> Result<(), Vec<ParamViolation>> {
    match find(models, model_id) {
        Some(model) => model.check_request(body),
        None => Err(vec![ParamViolation::unknown_model(model_id, "/model")]),
    }
}
