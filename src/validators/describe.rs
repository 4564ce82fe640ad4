//! Catalog limits in words, for the docs tables and the SDK's rustdoc alike, so both describe a
//! parameter the same way.

use crate::backends::text::markdown_code;
use crate::ir::{ModelParam, ParamType};

fn number(value: f64) -> String {
    value.to_string()
}

/// The allowed values or range of a parameter, as Markdown built only from escaped parts.
pub fn constraints(param: &ModelParam) -> String {
    let mut parts: Vec<String> = Vec::new();
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max}{unit}")),
        (Some(min), None) => Some(format!("at least {min}{unit}")),
        (None, Some(max)) => Some(format!("at most {max}{unit}")),
        (None, None) => None,
    };
    match param.ty {
        ParamType::Enum => {
            let options: Vec<String> = param
                .options
                .iter()
                .map(|o| markdown_code(&o.json()))
                .collect();
            parts.push(format!("one of {}", options.join(", ")));
        }
        ParamType::Integer | ParamType::Number => {
            parts.extend(range(
                param.minimum.map(number),
                param.maximum.map(number),
                "",
            ));
            if let Some(step) = param.step {
                let from = param.minimum.map(number).unwrap_or_else(|| "0".into());
                parts.push(format!("in steps of {} from {from}", number(step)));
            }
        }
        ParamType::String => {
            parts.extend(range(
                param.min_length.map(|n| n.to_string()),
                param.max_length.map(|n| n.to_string()),
                " characters",
            ));
        }
        ParamType::Array => {
            parts.extend(range(
                param.min_items.map(|n| n.to_string()),
                param.max_items.map(|n| n.to_string()),
                " items",
            ));
            if let Some(items) = &param.items {
                let inner = constraints(items);
                if !inner.is_empty() {
                    parts.push(format!("each: {inner}"));
                }
            }
        }
        ParamType::Media => {
            if let Some(media) = &param.media {
                if !media.accepted_kinds.is_empty() {
                    let kinds: Vec<String> = media
                        .accepted_kinds
                        .iter()
                        .map(|k| markdown_code(k))
                        .collect();
                    parts.push(format!("kind {}", kinds.join(" or ")));
                }
                if !media.accepted_mime_types.is_empty() {
                    let types: Vec<String> = media
                        .accepted_mime_types
                        .iter()
                        .map(|k| markdown_code(k))
                        .collect();
                    parts.push(format!("MIME type {}", types.join(", ")));
                }
                if let Some(bytes) = media.max_file_size_bytes {
                    parts.push(format!("files up to {}", size(bytes)));
                }
                if let Some(duration) = range(
                    media.min_duration_seconds.map(number),
                    media.max_duration_seconds.map(number),
                    " s",
                ) {
                    parts.push(format!("duration {duration}"));
                }
                if media.requires_duration_token {
                    parts.push("`durationToken` required".into());
                }
            }
        }
        ParamType::Boolean | ParamType::Object => {}
    }
    parts.join("; ")
}

fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
