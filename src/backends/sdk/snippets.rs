//! The Rust call of each generation model with its typed params: one function per model in
//! the SDK's `examples/models.rs`, compiled with the crate.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use serde_json::Value;

use super::catalog::{typed_names, uploads_plug_in, TypedNames};
use super::render;
use crate::error::{Error, Result};
use crate::ir::{Ir, Model, ModelParam, ParamTarget, ParamType, TypeRef};

/// Each snippet: the example function's name, and its body as the documentation shows it.
pub type Snippets = BTreeMap<String, (String, String)>;

/// The source of `examples/models.rs` and the snippet of each model it covers, or `None` when
/// the contract has no generation model to show.
pub fn examples(ir: &Ir) -> Result<Option<(String, Snippets)>> {
    let Some(catalog) = &ir.catalog else {
        return Ok(None);
    };
    if !has_for_model(ir) {
        return Ok(None);
    }
    let uploads = uploads_plug_in(ir) && ir.types.contains_key("UploadFileRequest");
    let names = typed_names(ir);
    let mut functions = Vec::new();
    let mut typed_imports: Vec<String> = Vec::new();
    let mut any_upload = false;
    for model in &catalog.models {
        let Some(typed) = names.get(&model.id) else {
            continue;
        };
        let Some((function, body, uses_upload)) = snippet(model, typed) else {
            continue;
        };
        if uses_upload && !uploads {
            continue;
        }
        any_upload |= uses_upload;
        typed_imports.push(typed.struct_name.clone());
        functions.push((function, body, model.id.clone()));
    }
    if functions.is_empty() {
        return Ok(None);
    }
    let mut source = String::from(
        "//! The Rust call of each model's documentation page, with its typed params: these \
         are compiled with the crate, never run (they would call the API).\n",
    );
    if any_upload {
        typed_imports.push("ReferenceMediaItem".to_owned());
    }
    typed_imports.sort();
    source.push_str(&format!(
        "use rivya_sdk::catalog::{{{}}};\n",
        typed_imports.join(", ")
    ));
    if any_upload {
        source.push_str(
            "use rivya_sdk::types::{CreateGenerationRequest, MediaKind, UploadFileRequest};\n\
             use rivya_sdk::{Client, FilePart};\n",
        );
    } else {
        source.push_str(
            "use rivya_sdk::types::CreateGenerationRequest;\nuse rivya_sdk::Client;\n",
        );
    }
    source.push_str(
        "type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;\n",
    );
    let mut listed = Vec::new();
    for (function, body, id) in &functions {
        source.push_str(&format!(
            "/// The request of `{id}`'s page.\npub async fn {function}(client: &Client) -> Result {{\n{body}\nOk(())\n}}\n"
        ));
        listed.push(function.clone());
    }
    source.push_str(&format!(
        "fn main() {{\n let _ = ({},);\n}}\n",
        listed.join(", ")
    ));
    let tokens: TokenStream = source.parse().map_err(|e| {
        Error::Internal(format!("examples/models.rs does not parse: {e}"))
    })?;
    let file = render::file(ir, "examples/models.rs", tokens)?;
    let mut snippets = Snippets::new();
    for (function, _, id) in &functions {
        if let Some(body) = function_body(&file, function) {
            snippets.insert(id.clone(), (function.clone(), body));
        }
    }
    Ok(Some((file, snippets)))
}

/// Whether the generation request has `for_model` (see the types backend): it names the model
/// as its one required member and takes a free-form `params`.
fn has_for_model(ir: &Ir) -> bool {
    let Some(def) = ir.types.get("CreateGenerationRequest") else {
        return false;
    };
    let crate::ir::TypeKind::Struct { fields, .. } = &def.kind else {
        return false;
    };
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required && !f.read_only)
        .map(|f| f.name.as_str())
        .collect();
    def.rust_name == "CreateGenerationRequest"
        && required == ["model"]
        && fields.iter().any(|f| {
            f.name == "params"
                && !f.required
                && matches!(&f.shape.ty, TypeRef::Map { values } if values.ty == TypeRef::Any)
        })
}

/// The lines of `function` in the printed file, without its signature, its last `Ok(())`
/// and its closing brace, one indent less.
fn function_body(file: &str, function: &str) -> Option<String> {
    let start = format!("pub async fn {function}(");
    let mut lines = file.lines().skip_while(|l| !l.starts_with(&start));
    // The signature may take more than one line; the body starts after its `{`.
    for line in lines.by_ref() {
        if line.ends_with('{') {
            break;
        }
    }
    let body: Vec<&str> = lines.take_while(|l| *l != "}").collect();
    let body = body.strip_suffix(&["    Ok(())"]).unwrap_or(&body);
    let text: Vec<&str> = body
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();
    (!text.is_empty()).then(|| text.join("\n"))
}

/// The statements of one model's snippet, and whether it uploads a file first; `None` when a
/// required parameter has no value a snippet can write.
fn snippet(model: &Model, typed: &TypedNames) -> Option<(String, String, bool)> {
    if model.kind == "chat" {
        return None;
    }
    let values = example_params(model);
    let values = Some(&values);
    let mut upload = None;
    let mut required = Vec::new();
    let mut setters = Vec::new();
    for param in model
        .params
        .iter()
        .filter(|p| p.target == ParamTarget::Params)
    {
        let value = values.and_then(|v| v.get(&param.name));
        let expression = value.and_then(|v| expression(param, v, &mut upload));
        match (param.required, expression) {
            (true, Some(expression)) => required.push(expression),
            (true, None) => return None,
            (false, Some(expression)) => {
                let setter =
                    typed.setters.iter().find(|(wire, _)| *wire == param.name)?;
                setters.push(format!(".{}({expression})", setter.1));
            }
            (false, None) => {}
        }
    }
    let mut body = String::new();
    if let Some(kind) = &upload {
        let (variant, file) = match kind.as_str() {
            "video" => ("Video", "input.mp4"),
            "audio" => ("Audio", "input.mp3"),
            _ => ("Image", "input.png"),
        };
        body.push_str(&format!(
            "let upload = UploadFileRequest::new(FilePart::path({file:?}), MediaKind::{variant}).model({:?});\n\
             let file = client.files().upload(&upload).await?;\n\
             let item = ReferenceMediaItem::from(&file);\n",
            model.id
        ));
    }
    body.push_str(&format!(
        "let params = {}::new({}){};\n",
        typed.struct_name,
        required.join(", "),
        setters.concat()
    ));
    let prompt = if model.prompt.is_some() {
        format!(".prompt({:?})", example_prompt(model))
    } else {
        String::new()
    };
    body.push_str(&format!(
        "let request = CreateGenerationRequest::for_model(params){prompt};\n\
         let generation = client.generations().create(&request).await?;\n\
         println!(\"{{}} is {{}}\", generation.id, generation.status);"
    ));
    let function = heck::ToSnakeCase::to_snake_case(model.rust_name.as_str());
    Some((function, body, upload.is_some()))
}

/// The values a snippet sets: each parameter's default, else its first option, else a value
/// its bounds allow; media parameters are one reference of their first accepted kind.
fn example_params(model: &Model) -> serde_json::Map<String, Value> {
    model
        .params
        .iter()
        .filter(|p| p.target == ParamTarget::Params)
        .filter_map(|p| example_value(p).map(|v| (p.name.clone(), v)))
        .collect()
}

fn example_value(param: &ModelParam) -> Option<Value> {
    if let Some(default) = &param.default {
        return Some(default.clone());
    }
    match param.ty {
        ParamType::Enum => param.options.first().map(|o| o.value.clone()),
        ParamType::Media => {
            let kind = param
                .media
                .as_ref()
                .and_then(|m| m.accepted_kinds.first().cloned())
                .unwrap_or_else(|| "image".to_owned());
            Some(serde_json::json!({ "kind": kind }))
        }
        ParamType::Array => {
            let items = param.items.as_deref()?;
            if items.ty != ParamType::Media {
                return None;
            }
            Some(Value::Array(vec![example_value(items)?]))
        }
        ParamType::Integer | ParamType::Number if param.required => {
            Some(serde_json::json!(param.minimum.unwrap_or(1.0)))
        }
        ParamType::String if param.required => Some(Value::from("example")),
        _ => None,
    }
}

/// A prompt for the model's kind of output.
fn example_prompt(model: &Model) -> &'static str {
    match model.kind.as_str() {
        "audio" => "A calm voice-over: welcome to Rivya.",
        "video" => "A slow dolly shot of a glass bottle on a soft studio background",
        _ => "A clean editorial product image on a soft studio background",
    }
}

/// A Rust expression for `value` as the setter of `param` takes it; media parameters note
/// the kind of file to upload in `upload`.
fn expression(
    param: &ModelParam,
    value: &Value,
    upload: &mut Option<String>,
) -> Option<String> {
    match param.ty {
        ParamType::String => value.as_str().map(|s| format!("{s:?}")),
        ParamType::Integer => value.as_i64().map(|i| i.to_string()),
        ParamType::Number => value.as_f64().map(|x| format!("{x:?}")),
        ParamType::Boolean => value.as_bool().map(|b| b.to_string()),
        // String options parse from their wire value; others have no literal a snippet can
        // write without naming the variant.
        ParamType::Enum => {
            let all_strings = param.options.iter().all(|o| o.value.is_string());
            let text = value.as_str().filter(|_| all_strings)?;
            Some(format!("{text:?}.parse()?"))
        }
        ParamType::Media => {
            let kind = value.get("kind").and_then(Value::as_str).unwrap_or("image");
            *upload = Some(kind.to_owned());
            Some("item".to_owned())
        }
        ParamType::Array => {
            let items = param.items.as_deref()?;
            if items.ty != ParamType::Media {
                return None;
            }
            let first = value.as_array()?.first()?;
            let item = expression(items, first, upload)?;
            Some(format!("vec![{item}]"))
        }
        ParamType::Object => None,
    }
}
