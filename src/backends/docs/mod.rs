//! Per-model docs: an index of the catalog, one page per model with its parameter
//! table and a ready-to-copy request, and an endpoint reference.
//!
//! Pages are minijinja templates (`templates/docs/`, compiled into the binary). Catalog text is
//! untrusted: templates pass every catalog string through the `md_cell` / `md_text` / `md_code`
//! filters ([`text`](crate::backends::text)); the few values built here as Markdown (`*_md` fields) are built
//! from those same escapes.

use std::collections::BTreeSet;

use minijinja::Environment;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::backends::text::{
    is_control_or_bidi, markdown_code, markdown_inline, markdown_text, shell_quote,
};
use crate::error::{Error, Result};
use crate::ir::{
    Ir, Model, ModelParam, Operation, ParamTarget, ParamType, Shape, TypeRef,
};
use crate::validators::describe::constraints;
use crate::validators::runtime::{self, MediaShape};
use crate::validators::{rules, schema};
use crate::write::OutputTree;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "index.md.j2",
        include_str!("../../../templates/docs/index.md.j2"),
    ),
    (
        "model.md.j2",
        include_str!("../../../templates/docs/model.md.j2"),
    ),
    (
        "endpoints.md.j2",
        include_str!("../../../templates/docs/endpoints.md.j2"),
    ),
];

/// The placeholder key of every example: never a real secret.
pub const PLACEHOLDER_KEY: &str = "rvya_sk_...";
/// The base URL examples call when the spec names no server.
const DEFAULT_BASE_URL: &str = "https://rivya.ai";

fn environment() -> Result<Environment<'static>> {
    let mut env =
        crate::backends::text::template_environment().map_err(template_error)?;
    // Inside a table cell or after other text on a line: no line-start syntax applies.
    env.add_filter("md_cell", |raw: String| markdown_inline(&raw));
    env.add_filter("md_inline", |raw: String| markdown_inline(&raw));
    env.add_filter("md_text", |raw: String| markdown_text(&raw));
    env.add_filter("md_code", |raw: String| markdown_code(&raw));
    env.add_filter("sh_quote", |raw: String| shell_quote(&raw));
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(template_error)?;
    }
    Ok(env)
}

fn context(value: Value) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

fn template_error(error: minijinja::Error) -> Error {
    Error::Internal(format!("docs template error: {error:#}"))
}

/// JSON text with every control or bidi character written as a `\u` escape (serde_json escapes
/// only U+0000 to U+001F; DEL, C1 controls and bidi controls stay raw). They can only stand in
/// strings, where the escape means the same character. Line breaks between members are kept.
fn inert_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && is_control_or_bidi(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The Rust call of each generation model's page, by model ID: statements that use the SDK,
/// as its backend writes and compiles them (`examples/models.rs`).
pub type RustCalls = std::collections::BTreeMap<String, String>;

/// The docs tree (paths relative to the docs folder): `index.md`, `models/<id>.md`,
/// `schemas/<id>.params.json`, `endpoints.md`. `rust_calls` are shown beside the curl examples.
pub fn generate(ir: &Ir, rust_calls: &RustCalls) -> Result<OutputTree> {
    let env = environment()?;
    let mut tree = OutputTree::new();
    let base_url = ir
        .api
        .servers
        .iter()
        .find(|s| s.starts_with("https://"))
        .cloned()
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    let base_url = base_url.trim_end_matches('/').to_owned();

    let models = ir
        .catalog
        .as_ref()
        .map(|c| c.models.as_slice())
        .unwrap_or(&[]);
    let stems = file_stems(models);
    let mut summaries = Vec::new();
    for (model, stem) in models.iter().zip(&stems) {
        let page = ModelPage::new(model, stem, &base_url, rust_calls.get(&model.id));
        let text = env
            .get_template("model.md.j2")
            .and_then(|t| t.render(context(json!({"api": &ir.api, "model": &page}))))
            .map_err(template_error)?;
        tree.add(&format!("models/{stem}.md"), text)?;
        let mut schema_text = inert_json(
            &serde_json::to_string_pretty(&schema::params_schema(model))
                .expect("a JSON value always serializes"),
        );
        schema_text.push('\n');
        tree.add(&format!("schemas/{stem}.params.json"), schema_text)?;
        summaries.push(page.summary);
    }
    let index = env
        .get_template("index.md.j2")
        .and_then(|t| {
            t.render(context(json!({
                "api": &ir.api,
                "has_catalog": ir.catalog.is_some(),
                "models": summaries,
            })))
        })
        .map_err(template_error)?;
    tree.add("index.md", index)?;

    let endpoints: Vec<EndpointRow> =
        ir.operations.iter().map(EndpointRow::new).collect();
    let text = env
        .get_template("endpoints.md.j2")
        .and_then(|t| t.render(context(json!({"api": &ir.api, "endpoints": endpoints}))))
        .map_err(template_error)?;
    tree.add("endpoints.md", text)?;
    Ok(tree)
}

/// A code fence longer than any run of backticks in `code` (catalog text reaches the code as
/// string literals), so the block cannot be closed from inside.
fn fence_for(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// File names for the models: lowercase ASCII letters, digits, `-` and `_` only (never a path
/// separator or a dot), unique, and never empty.
pub fn file_stems(models: &[Model]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    models
        .iter()
        .map(|model| {
            let mut stem: String = model
                .id
                .chars()
                .map(|c| match c.to_ascii_lowercase() {
                    c @ ('a'..='z' | '0'..='9' | '-' | '_') => c,
                    _ => '-',
                })
                .collect();
            stem = stem.trim_matches('-').to_owned();
            if stem.is_empty() {
                stem = "model".to_owned();
            }
            let mut candidate = stem.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{stem}-{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Model pages
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct ModelSummary {
    id: String,
    name: String,
    file: String,
    kind: String,
    status: Option<String>,
    api_available: bool,
    readiness_notes: Option<String>,
    sunset_at: Option<String>,
    input_modes: Vec<String>,
    requires_files: bool,
    credits_md: String,
}

#[derive(Serialize)]
struct ModelPage {
    summary: ModelSummary,
    description: Option<String>,
    provider: Option<String>,
    endpoint: String,
    is_chat: bool,
    supports_streaming: bool,
    prompt_field: &'static str,
    prompt_md: String,
    sections: Vec<ParamSection>,
    /// Shell commands, already quoted.
    upload_example: Option<String>,
    request_example: String,
    /// The same request through the SDK, and the code fence that holds it.
    rust_call: Option<String>,
    rust_fence: String,
}

#[derive(Serialize)]
struct ParamSection {
    title_md: String,
    rows: Vec<ParamRow>,
}

#[derive(Serialize)]
struct ParamRow {
    path: String,
    ty: String,
    required: bool,
    default: Option<String>,
    allowed_md: String,
    description: String,
    deprecated: bool,
    advanced: bool,
}

fn credits_md(model: &Model) -> String {
    let Some(credits) = &model.credits else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(amount) = credits.amount {
        out.push_str(&amount.to_string());
    }
    if let Some(unit) = &credits.unit {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&markdown_text(&unit.replace('_', " ")));
    }
    if let Some(notes) = &credits.notes {
        if !out.is_empty() {
            out.push_str(" — ");
        }
        out.push_str(&markdown_text(notes));
    }
    out
}

fn is_chat(model: &Model) -> bool {
    model.kind == "chat" || model.endpoint.as_deref() == Some("/api/v1/chat/completions")
}

impl ModelPage {
    fn new(
        model: &Model,
        stem: &str,
        base_url: &str,
        rust_call: Option<&String>,
    ) -> Self {
        let chat = is_chat(model);
        let endpoint = model.endpoint.clone().unwrap_or_else(|| {
            if chat {
                "/api/v1/chat/completions".to_owned()
            } else {
                "/api/v1/generations".to_owned()
            }
        });
        let prompt_md = match &model.prompt {
            Some(prompt) => {
                let mut text = if prompt.required {
                    "required".to_owned()
                } else {
                    "optional".to_owned()
                };
                if let Some(max) = prompt.max_length {
                    text.push_str(&format!(", at most {max} characters"));
                }
                text
            }
            None => "optional".to_owned(),
        };
        let mut sections = Vec::new();
        for (target, title) in [
            (ParamTarget::Params, "In `params`"),
            (ParamTarget::Controls, "In `controls`"),
            (ParamTarget::Body, "Top-level request members"),
        ] {
            let mut rows = Vec::new();
            for param in model.params.iter().filter(|p| p.target == target) {
                param_rows(param, &param.name, rules::runtime_target(target), &mut rows);
            }
            if !rows.is_empty() {
                sections.push(ParamSection {
                    title_md: title.to_owned(),
                    rows,
                });
            }
        }
        let body = example_request(model);
        let mut json_text = inert_json(
            &serde_json::to_string_pretty(&body).expect("JSON always serializes"),
        );
        json_text.push('\n');
        let route = if endpoint.starts_with('/') {
            endpoint.clone()
        } else {
            format!("/{endpoint}")
        };
        let request_example = format!(
            "curl -sS -X POST {url} \\\n  -H {auth} \\\n  -H 'Content-Type: application/json' \\\n  -H {key} \\\n  --data-binary {body}",
            url = shell_quote(&format!("{base_url}{route}")),
            auth = shell_quote(&format!("Authorization: Bearer {PLACEHOLDER_KEY}")),
            key = shell_quote(&format!(
                "Idempotency-Key: {}-example-0001",
                stem
            )),
            body = shell_quote(json_text.trim_end()),
        );
        let upload_example = needs_upload(model).map(|kind| {
            format!(
                "curl -sS -X POST {url} \\\n  -H {auth} \\\n  -H {key} \\\n  -F 'file=@input.{ext}' \\\n  -F {kind} \\\n  -F {model}",
                url = shell_quote(&format!("{base_url}/api/v1/files")),
                auth = shell_quote(&format!("Authorization: Bearer {PLACEHOLDER_KEY}")),
                key = shell_quote(&format!("Idempotency-Key: {stem}-upload-0001")),
                ext = match kind.as_str() {
                    "video" => "mp4",
                    "audio" => "mp3",
                    _ => "png",
                },
                kind = shell_quote(&format!("kind={kind}")),
                model = shell_quote(&format!("model={}", model.id)),
            )
        });
        ModelPage {
            summary: ModelSummary {
                id: model.id.clone(),
                name: model.name.clone(),
                file: stem.to_owned(),
                kind: model.kind.clone(),
                status: model.status.clone(),
                api_available: model.api_available,
                readiness_notes: model.readiness_notes.clone(),
                sunset_at: model.sunset_at.clone(),
                input_modes: model.input_modes.clone(),
                requires_files: model.requires_files,
                credits_md: credits_md(model),
            },
            description: model.description.clone(),
            provider: model.provider.clone(),
            endpoint,
            is_chat: chat,
            supports_streaming: model.supports_streaming,
            prompt_field: if chat { "message" } else { "prompt" },
            prompt_md,
            sections,
            upload_example,
            request_example,
            rust_fence: fence_for(rust_call.map_or("", String::as_str)),
            rust_call: rust_call.cloned(),
        }
    }
}

/// The kind of the first media a request must reference, when the model needs an upload.
fn needs_upload(model: &Model) -> Option<String> {
    fn first_media(param: &ModelParam) -> Option<String> {
        if param.ty == ParamType::Media {
            let kind = param
                .media
                .as_ref()
                .and_then(|m| m.accepted_kinds.first().cloned());
            return Some(kind.unwrap_or_else(|| "image".to_owned()));
        }
        param
            .items
            .as_deref()
            .and_then(first_media)
            .or_else(|| param.properties.iter().find_map(first_media))
    }
    let required_media = model
        .params
        .iter()
        .filter(|p| p.required)
        .find_map(first_media);
    required_media.or_else(|| {
        model
            .requires_files
            .then(|| model.params.iter().find_map(first_media))
            .flatten()
    })
}

fn type_label(param: &ModelParam, location: runtime::ParamTarget) -> String {
    match param.ty {
        ParamType::String => "string".into(),
        ParamType::Integer => "integer".into(),
        ParamType::Number => "number".into(),
        ParamType::Boolean => "boolean".into(),
        ParamType::Enum => "enum".into(),
        ParamType::Object => "object".into(),
        ParamType::Media => match rules::media_shape(location) {
            MediaShape::ReferenceMediaItem => "ReferenceMediaItem".into(),
            MediaShape::ChatAttachment => "ChatAttachment".into(),
        },
        ParamType::Array => match &param.items {
            Some(items) => format!("array of {}", type_label(items, location)),
            None => "array".into(),
        },
    }
}

fn param_rows(
    param: &ModelParam,
    path: &str,
    location: runtime::ParamTarget,
    rows: &mut Vec<ParamRow>,
) {
    rows.push(ParamRow {
        path: path.to_owned(),
        ty: type_label(param, location),
        required: param.required,
        default: param.default.as_ref().map(Value::to_string),
        allowed_md: constraints(param),
        description: param.description.clone().unwrap_or_default(),
        deprecated: param.deprecated,
        advanced: param.advanced,
    });
    for member in &param.properties {
        param_rows(member, &format!("{path}.{}", member.name), location, rows);
    }
    if let Some(items) = &param.items {
        for member in &items.properties {
            param_rows(member, &format!("{path}[].{}", member.name), location, rows);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

/// A request body for the model that passes its validation: the prompt, every required
/// parameter, and the non-deprecated parameters that have a default (so readers see their
/// names), each from its default, first option or minimum.
pub fn example_request(model: &Model) -> Value {
    let chat = is_chat(model);
    let mut body = Map::new();
    body.insert("model".into(), Value::String(model.id.clone()));
    let max = model
        .prompt
        .as_ref()
        .and_then(|p| p.max_length)
        .unwrap_or(u64::MAX);
    let prompt = if chat {
        "Write a concise launch plan for a new product image campaign"
    } else {
        match model.kind.as_str() {
            "video" => "A slow dolly shot of a glass bottle on a soft studio background",
            "audio" if model.input_modes.iter().any(|m| m == "text-to-speech") => {
                "Welcome to Rivya: one API for images, video, audio and chat."
            }
            "audio" => "Rain on a tin roof with distant thunder",
            _ => "A clean editorial product image on a soft studio background",
        }
    };
    let prompt: String = prompt.chars().take(max.min(200) as usize).collect();
    if !prompt.is_empty() {
        body.insert(
            if chat { "message" } else { "prompt" }.into(),
            Value::String(prompt),
        );
    }
    for (target, member) in [
        (ParamTarget::Params, Some("params")),
        (ParamTarget::Controls, Some("controls")),
        (ParamTarget::Body, None),
    ] {
        let location = rules::runtime_target(target);
        let mut values = Map::new();
        for param in model.params.iter().filter(|p| p.target == target) {
            let shown = param.required || (param.default.is_some() && !param.deprecated);
            if shown {
                values.insert(param.name.clone(), example_value(param, location));
            }
        }
        match member {
            Some(member)
                if !values.is_empty() || (target == ParamTarget::Params && !chat) =>
            {
                body.insert(member.into(), Value::Object(values));
            }
            Some(_) => {}
            None => body.extend(values),
        }
    }
    Value::Object(body)
}

/// A valid value for one parameter.
pub fn example_value(param: &ModelParam, location: runtime::ParamTarget) -> Value {
    if let Some(default) = &param.default {
        if rules::param_rule(param, location).check(default).is_ok() {
            return default.clone();
        }
    }
    match param.ty {
        ParamType::String => {
            let min = param.min_length.unwrap_or(0).max(1);
            let max = param.max_length.unwrap_or(u64::MAX).max(min);
            let mut text = String::from("example");
            while (text.len() as u64) < min {
                text.push('x');
            }
            text.truncate(max as usize);
            Value::String(text)
        }
        ParamType::Integer | ParamType::Number => {
            let value = match (param.minimum, param.maximum) {
                (Some(min), _) => min,
                (None, Some(max)) if max < 0.0 => max,
                _ => 0.0,
            };
            if param.ty == ParamType::Integer || value.fract() == 0.0 {
                json!(value as i64)
            } else {
                json!(value)
            }
        }
        ParamType::Boolean => Value::Bool(false),
        ParamType::Enum => param
            .options
            .first()
            .map(|o| o.value.clone())
            .unwrap_or(Value::Null),
        ParamType::Array => {
            let count = param.min_items.unwrap_or(0).max(1);
            let count = count.min(param.max_items.unwrap_or(u64::MAX));
            let item = match &param.items {
                Some(items) => example_value(items, location),
                None => Value::Null,
            };
            Value::Array(vec![item; count as usize])
        }
        ParamType::Object => {
            let mut members = Map::new();
            for member in &param.properties {
                if member.required {
                    members.insert(member.name.clone(), example_value(member, location));
                }
            }
            Value::Object(members)
        }
        ParamType::Media => {
            let media = param.media.as_ref();
            let kind = media
                .and_then(|m| m.accepted_kinds.first().cloned())
                .unwrap_or_else(|| "image".to_owned());
            match rules::media_shape(location) {
                MediaShape::ChatAttachment => {
                    json!({"file_id": "file_3b7d", "kind": kind})
                }
                MediaShape::ReferenceMediaItem => {
                    let (ext, duration) = match kind.as_str() {
                        "video" => ("mp4", true),
                        "audio" => ("mp3", true),
                        _ => ("png", false),
                    };
                    let mut item = Map::new();
                    item.insert(
                        "url".into(),
                        json!(format!(
                            "https://files.rivya.ai/tmp/file_3b7d/input.{ext}"
                        )),
                    );
                    item.insert("kind".into(), json!(kind));
                    if let Some(mime) = media.and_then(|m| m.accepted_mime_types.first())
                    {
                        item.insert("mimeType".into(), json!(mime));
                    }
                    if duration || media.is_some_and(|m| m.requires_duration_token) {
                        item.insert(
                            "durationToken".into(),
                            json!("dt_v1.placeholder-duration-token"),
                        );
                    }
                    Value::Object(item)
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct EndpointRow {
    method: &'static str,
    path: String,
    operation: String,
    summary: Option<String>,
    scopes: Vec<String>,
    public: bool,
    request: Vec<String>,
    responses: Vec<String>,
}

pub fn shape_label(shape: &Shape) -> String {
    match &shape.ty {
        TypeRef::Named { name } => name.clone(),
        TypeRef::String { .. } => "string".into(),
        TypeRef::Integer { .. } => "integer".into(),
        TypeRef::Number { .. } => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Const { value } => value.to_string(),
        TypeRef::List { items } => format!("array of {}", shape_label(items)),
        TypeRef::Map { values } => match values.ty {
            TypeRef::Any => "object".into(),
            _ => format!("map of {}", shape_label(values)),
        },
        TypeRef::Any => "any".into(),
    }
}

impl EndpointRow {
    fn new(operation: &Operation) -> Self {
        let public = operation.security.is_empty()
            || operation
                .security
                .iter()
                .any(|requirement| requirement.is_empty());
        let mut scopes: Vec<String> = operation
            .security
            .iter()
            .flat_map(|requirement| requirement.values().flatten().cloned())
            .collect();
        scopes.sort();
        scopes.dedup();
        let request = operation
            .request_body
            .iter()
            .flat_map(|body| &body.contents)
            .map(|content| match &content.shape {
                Some(shape) => {
                    format!("{} ({})", shape_label(shape), content.media_type)
                }
                None => content.media_type.clone(),
            })
            .collect();
        let responses = operation
            .responses
            .iter()
            .map(|response| {
                let shapes: Vec<String> = response
                    .contents
                    .iter()
                    .filter_map(|c| c.shape.as_ref().map(shape_label))
                    .collect();
                if shapes.is_empty() {
                    response.status.clone()
                } else {
                    format!("{} {}", response.status, shapes.join(" or "))
                }
            })
            .collect();
        EndpointRow {
            method: operation.method.as_str(),
            path: operation.path.clone(),
            operation: operation.id.clone(),
            summary: operation.summary.clone(),
            scopes,
            public,
            request,
            responses,
        }
    }
}
