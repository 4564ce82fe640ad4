// The hand-written half of the generated `catalog.rs`.
//
// This file is compiled twice: here, as `rivya_codegen::validators::runtime`, where
// the `validate` command runs it over rule tables built from the IR at run time; and copied
// verbatim to the end of the generated SDK's `src/catalog.rs`, where it runs over the static
// tables generated from the same IR. It is the one definition of the validation rules.
//
// Constraints, because the SDK compiles it too: depend on `serde` and `serde_json` only, give
// every public item a doc comment (`missing_docs`), no inner attributes or `//!` comments, no
// `use` of anything the generated half also imports, no tests (they live in the generator).

use std::fmt;

// The generated half derives them for its typed parameter structs.
#[allow(unused_imports)]
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A catalog model: what it is, where it runs and how its parameters are checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// Public model ID; pass it as `model` in requests.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// What the model produces: `image`, `video`, `audio` or `chat`.
    pub kind: &'static str,
    /// Provider label of the underlying model.
    pub provider: Option<&'static str>,
    /// The route that runs the model (`/api/v1/generations` or `/api/v1/chat/completions`).
    pub endpoint: Option<&'static str>,
    /// Supported input modes (`text-to-image`, `chat-vision`, ...).
    pub input_modes: &'static [&'static str],
    /// Lifecycle status: `available`, `beta` or `deprecated`.
    pub status: Option<&'static str>,
    /// Whether the model can be called through the API at all.
    pub api_available: bool,
    /// Whether requests need media uploaded with the Files API first.
    pub requires_files: bool,
    /// Whether the streaming chat route is supported.
    pub supports_streaming: bool,
    /// Prompt expectations (for chat models: the `message` field).
    pub prompt: PromptRule,
    /// Credit behaviour.
    pub credits: Option<CreditInfo>,
    /// Readiness caveats, migration hints or known limitations.
    pub readiness_notes: Option<&'static str>,
    /// When a deprecated model stops accepting requests.
    pub sunset_at: Option<&'static str>,
    /// The model's parameters, in catalog order, wherever they go in the request.
    pub params: &'static [ParamRule],
}

/// Prompt expectations of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptRule {
    /// The prompt (or chat `message`) must be sent.
    pub required: bool,
    /// Maximum length in characters (Unicode code points).
    pub max_length: Option<u64>,
}

/// Credit behaviour of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreditInfo {
    /// What one amount pays for (`per_image`, `per_second`, ...).
    pub unit: Option<&'static str>,
    /// Credits per unit.
    pub amount: Option<f64>,
    /// Further notes on how credits are reserved and settled.
    pub notes: Option<&'static str>,
}

/// Where a parameter's value goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamTarget {
    /// Inside the generation request's `params` object.
    Params,
    /// Inside the chat request's `controls` object.
    Controls,
    /// A top-level member of the request body.
    Body,
}

impl ParamTarget {
    /// The name used in the catalog's `in` field.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamTarget::Params => "params",
            ParamTarget::Controls => "controls",
            ParamTarget::Body => "body",
        }
    }
}

/// One parameter of a model, or one member or element of a structured parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamRule {
    /// Field name inside its location.
    pub name: &'static str,
    /// Where the value goes (nested rules inherit their top-level parameter's location).
    pub target: ParamTarget,
    /// The member must be present.
    pub required: bool,
    /// Still accepted, but will be removed.
    pub deprecated: bool,
    /// The value's type and constraints.
    pub kind: ParamKind,
}

/// The type of a parameter's value and its constraints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// A JSON string; lengths count Unicode code points.
    String {
        /// Minimum length.
        min_length: Option<u64>,
        /// Maximum length.
        max_length: Option<u64>,
    },
    /// A JSON number without a fractional part.
    Integer(NumberRule),
    /// Any JSON number.
    Number(NumberRule),
    /// `true` or `false`.
    Boolean,
    /// One of a closed set of JSON values.
    Enum(&'static [OptionValue]),
    /// A JSON array.
    Array {
        /// Minimum number of elements.
        min_items: Option<u64>,
        /// Maximum number of elements.
        max_items: Option<u64>,
        /// The rule every element follows; `None` accepts any element.
        items: Option<&'static ParamRule>,
    },
    /// A JSON object with known members (unknown members are refused).
    Object(&'static [ParamRule]),
    /// A reference to an uploaded file.
    Media(MediaRule),
}

/// One allowed value of an enum parameter, as the JSON value it is on the wire.
///
/// A value matches an option of the same JSON type only: numbers compare numerically (`4`
/// matches `4.0`), a string never matches a number or a boolean (`"4"` does not match `4`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    /// A JSON string.
    String(&'static str),
    /// A JSON number without a fractional part.
    Integer(i64),
    /// Any other JSON number.
    Number(f64),
    /// `true` or `false`.
    Boolean(bool),
    /// `null`, or an array or object, as its JSON text.
    Json(&'static str),
}

impl OptionValue {
    /// True when `value` is this option.
    pub fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (OptionValue::String(option), Value::String(text)) => option == text,
            (OptionValue::Integer(option), Value::Number(n)) => match n.as_i64() {
                Some(i) => i == *option,
                None => n.as_f64() == Some(*option as f64),
            },
            (OptionValue::Number(option), Value::Number(n)) => {
                n.as_f64() == Some(*option)
            }
            (OptionValue::Boolean(option), Value::Bool(b)) => option == b,
            (OptionValue::Json(text), value) => {
                serde_json::from_str::<Value>(text).is_ok_and(|option| option == *value)
            }
            _ => false,
        }
    }

    /// The option as a JSON value.
    pub fn to_value(&self) -> Value {
        match *self {
            OptionValue::String(text) => Value::String(text.to_owned()),
            OptionValue::Integer(i) => Value::from(i),
            OptionValue::Number(x) => Value::from(x),
            OptionValue::Boolean(b) => Value::Bool(b),
            OptionValue::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        }
    }
}

impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_value(&self.to_value()))
    }
}

/// Bounds of an integer or number parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberRule {
    /// Inclusive minimum.
    pub minimum: Option<f64>,
    /// Inclusive maximum.
    pub maximum: Option<f64>,
    /// Increment between allowed values, counted from `minimum` (or from 0 without one).
    pub step: Option<f64>,
}

/// What a media parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MediaRule {
    /// The JSON object that carries the reference.
    pub shape: MediaShape,
    /// Accepted media kinds (`image`, `video`, `audio`); empty accepts any.
    pub accepted_kinds: &'static [&'static str],
    /// Accepted MIME types; empty accepts any.
    pub accepted_mime_types: &'static [&'static str],
    /// Largest accepted upload (checked by the Files API, not here).
    pub max_file_size_bytes: Option<u64>,
    /// Shortest accepted duration, checked against `durationSeconds` when it is sent.
    pub min_duration_seconds: Option<f64>,
    /// Longest accepted duration, checked against `durationSeconds` when it is sent.
    pub max_duration_seconds: Option<f64>,
    /// The item must carry the `durationToken` returned by `POST /api/v1/files`.
    pub requires_duration_token: bool,
}

/// The JSON object a media parameter is sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaShape {
    /// `{url, kind, name?, mimeType?, durationSeconds?, durationToken?}`, in `params`.
    ReferenceMediaItem,
    /// `{file_id, kind?}`, the chat request's attachments.
    ChatAttachment,
}

/// Which rule a value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViolationRule {
    /// The model ID is not in the catalog.
    UnknownModel,
    /// The member is not a parameter of the model (or not a member of a structured value).
    UnknownParam,
    /// A required member is missing.
    MissingRequired,
    /// The value has the wrong JSON type.
    WrongType,
    /// The value is not one of the allowed options.
    NotAnOption,
    /// The number is below the minimum.
    BelowMinimum,
    /// The number is above the maximum.
    AboveMaximum,
    /// The number is not a whole number of steps from the minimum.
    NotOnStep,
    /// The string is shorter than allowed.
    TooShort,
    /// The string is longer than allowed.
    TooLong,
    /// The array has fewer elements than allowed.
    TooFewItems,
    /// The array has more elements than allowed.
    TooManyItems,
    /// The media kind is not accepted.
    MediaKindNotAccepted,
    /// The MIME type is not accepted.
    MimeTypeNotAccepted,
    /// The media item lacks the `durationToken` the model requires.
    MissingDurationToken,
}

impl ViolationRule {
    /// A stable snake_case code for the rule.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationRule::UnknownModel => "unknown_model",
            ViolationRule::UnknownParam => "unknown_param",
            ViolationRule::MissingRequired => "missing_required",
            ViolationRule::WrongType => "wrong_type",
            ViolationRule::NotAnOption => "not_an_option",
            ViolationRule::BelowMinimum => "below_minimum",
            ViolationRule::AboveMaximum => "above_maximum",
            ViolationRule::NotOnStep => "not_on_step",
            ViolationRule::TooShort => "too_short",
            ViolationRule::TooLong => "too_long",
            ViolationRule::TooFewItems => "too_few_items",
            ViolationRule::TooManyItems => "too_many_items",
            ViolationRule::MediaKindNotAccepted => "media_kind_not_accepted",
            ViolationRule::MimeTypeNotAccepted => "mime_type_not_accepted",
            ViolationRule::MissingDurationToken => "missing_duration_token",
        }
    }
}

impl fmt::Display for ViolationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One broken rule: where, which rule, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParamViolation {
    /// JSON pointer (RFC 6901) to the offending value, relative to the validated object;
    /// for a missing member, the pointer the member would have.
    pub pointer: String,
    /// The rule that is broken.
    pub rule: ViolationRule,
    /// A human-readable explanation.
    pub message: String,
}

impl ParamViolation {
    /// The violation reported for a model ID that is not in the catalog.
    pub fn unknown_model(model_id: &str, pointer: &str) -> Self {
        ParamViolation {
            pointer: pointer.to_owned(),
            rule: ViolationRule::UnknownModel,
            message: format!("{} is not a model of the catalog", quoted(model_id)),
        }
    }
}

impl fmt::Display for ParamViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {} ({})", self.message, self.rule)
    }
}

impl std::error::Error for ParamViolation {}

impl ModelInfo {
    /// True when the model runs on the Chat API rather than `POST /api/v1/generations`.
    pub fn is_chat(&self) -> bool {
        self.kind == "chat" || self.endpoint == Some("/api/v1/chat/completions")
    }

    /// The top-level parameter `name` sent at `location`.
    pub fn param(
        &self,
        location: ParamTarget,
        name: &str,
    ) -> Option<&'static ParamRule> {
        self.params
            .iter()
            .find(|p| p.target == location && p.name == name)
    }

    /// Checks the `params` object of a generation request: every `in: params` parameter, and
    /// no other member. Reports every violation, with pointers relative to `params`.
    pub fn check_params(&self, params: &Value) -> Result<(), Vec<ParamViolation>> {
        let mut out = Vec::new();
        check_location(self.params, ParamTarget::Params, params, None, &mut out);
        finish(out)
    }

    /// Checks the `controls` object of a chat request: every `in: controls` parameter, and no
    /// other member. Reports every violation, with pointers relative to `controls`.
    pub fn check_controls(&self, controls: &Value) -> Result<(), Vec<ParamViolation>> {
        let mut out = Vec::new();
        check_location(self.params, ParamTarget::Controls, controls, None, &mut out);
        finish(out)
    }

    /// Checks a whole request body (`POST /api/v1/generations` or the Chat API): the prompt
    /// (`prompt`, or `message` for chat models), `params` and `controls` as objects of their
    /// parameters (an absent object counts as empty), and `in: body` parameters as top-level
    /// members. Other top-level members are left to the request type. Pointers are relative
    /// to the body (`/params/aspect_ratio`, `/controls/temperature`, `/attachments/0/kind`).
    pub fn check_request(&self, body: &Value) -> Result<(), Vec<ParamViolation>> {
        let mut out = Vec::new();
        let Some(members) = body.as_object() else {
            out.push(wrong_type(None, "a JSON object (the request body)", body));
            return finish(out);
        };
        let prompt_field = if self.is_chat() { "message" } else { "prompt" };
        let prompt_path = Path {
            parent: None,
            segment: Segment::Key(prompt_field),
        };
        match members.get(prompt_field) {
            None if self.prompt.required => out.push(violation(
                Some(&prompt_path),
                ViolationRule::MissingRequired,
                format!("this model needs a `{prompt_field}`"),
            )),
            None => {}
            Some(Value::String(text)) => check_length(
                text,
                None,
                self.prompt.max_length,
                Some(&prompt_path),
                &mut out,
            ),
            Some(other) => out.push(wrong_type(Some(&prompt_path), "a string", other)),
        }
        for (location, member) in [
            (ParamTarget::Params, "params"),
            (ParamTarget::Controls, "controls"),
        ] {
            let path = Path {
                parent: None,
                segment: Segment::Key(member),
            };
            let has_rules = self.params.iter().any(|p| p.target == location);
            match members.get(member) {
                Some(value) => {
                    check_location(self.params, location, value, Some(&path), &mut out)
                }
                None if has_rules => check_members(
                    self.params,
                    location,
                    &Map::new(),
                    Some(&path),
                    &mut out,
                ),
                None => {}
            }
        }
        check_body_members(self.params, members, &mut out);
        finish(out)
    }

    /// Checks the `in: body` parameters among the members of `body`, ignoring other members.
    pub fn check_body_params(&self, body: &Value) -> Result<(), Vec<ParamViolation>> {
        let mut out = Vec::new();
        let Some(members) = body.as_object() else {
            out.push(wrong_type(None, "a JSON object", body));
            return finish(out);
        };
        check_body_members(self.params, members, &mut out);
        finish(out)
    }
}

/// Checks the `in: body` parameters among the members of a request body; other members
/// belong to the request type and are not looked at.
fn check_body_members(
    rules: &[ParamRule],
    members: &Map<String, Value>,
    out: &mut Vec<ParamViolation>,
) {
    for rule in rules {
        if rule.target != ParamTarget::Body {
            continue;
        }
        let path = Path {
            parent: None,
            segment: Segment::Key(rule.name),
        };
        match members.get(rule.name) {
            Some(value) => check_value(rule, value, &path, out),
            None if rule.required => out.push(missing(&path)),
            None => {}
        }
    }
}

impl ParamRule {
    /// Checks one value against this rule (recursively). Pointers are relative to the object
    /// that holds the value, so they start with `/` and the rule's name.
    pub fn check(&self, value: &Value) -> Result<(), Vec<ParamViolation>> {
        let mut out = Vec::new();
        let path = Path {
            parent: None,
            segment: Segment::Key(self.name),
        };
        check_value(self, value, &path, &mut out);
        finish(out)
    }
}

fn finish(out: Vec<ParamViolation>) -> Result<(), Vec<ParamViolation>> {
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// One step of a JSON pointer, kept on the stack until a violation needs the whole pointer.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

fn pointer(path: Option<&Path<'_>>) -> String {
    let mut segments = Vec::new();
    let mut at = path;
    while let Some(step) = at {
        segments.push(step.segment);
        at = step.parent;
    }
    let mut out = String::new();
    for segment in segments.iter().rev() {
        out.push('/');
        match segment {
            Segment::Key(key) => {
                for c in key.chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
            }
            Segment::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

fn violation(
    path: Option<&Path<'_>>,
    rule: ViolationRule,
    message: String,
) -> ParamViolation {
    ParamViolation {
        pointer: pointer(path),
        rule,
        message,
    }
}

fn missing(path: &Path<'_>) -> ParamViolation {
    violation(
        Some(path),
        ViolationRule::MissingRequired,
        "required member is missing".to_owned(),
    )
}

/// A value as JSON text, cut short so that a message stays one readable line.
fn quote_value(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn quoted(text: &str) -> String {
    quote_value(&Value::String(text.to_owned()))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if is_integer(n) => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(path: Option<&Path<'_>>, expected: &str, found: &Value) -> ParamViolation {
    violation(
        path,
        ViolationRule::WrongType,
        format!("expected {expected}, found {}", type_name(found)),
    )
}

fn is_integer(n: &serde_json::Number) -> bool {
    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn list(options: &[&str]) -> String {
    let mut out = String::new();
    for (i, option) in options.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quoted(option));
    }
    out
}

/// `Some("a string option")` when no option has the JSON type of `value`, so that a value of
/// the wrong type is reported as such rather than as one more value outside the list.
fn option_type_mismatch(options: &[OptionValue], value: &Value) -> Option<String> {
    fn type_of(option: &OptionValue) -> Option<&'static str> {
        match option {
            OptionValue::String(_) => Some("string"),
            OptionValue::Integer(_) | OptionValue::Number(_) => Some("number"),
            OptionValue::Boolean(_) => Some("boolean"),
            OptionValue::Json(_) => None,
        }
    }
    let found = match value {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        _ => "",
    };
    // Decided without allocating: this runs on every valid value (the SDK's pre-send path).
    if options.is_empty()
        || options
            .iter()
            .any(|option| type_of(option).is_none_or(|ty| ty == found))
    {
        return None;
    }
    let mut types: Vec<&str> = Vec::new();
    for ty in options.iter().filter_map(type_of) {
        if !types.contains(&ty) {
            types.push(ty);
        }
    }
    Some(format!("a {} option", types.join(" or ")))
}

fn option_list(options: &[OptionValue]) -> String {
    let mut out = String::new();
    for (i, option) in options.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&option.to_string());
    }
    out
}

/// Checks the object at one location: its members that are parameters there, no other
/// member, and every required parameter of that location.
fn check_location(
    rules: &[ParamRule],
    location: ParamTarget,
    value: &Value,
    path: Option<&Path<'_>>,
    out: &mut Vec<ParamViolation>,
) {
    match value {
        Value::Object(members) => check_members(rules, location, members, path, out),
        other => out.push(wrong_type(path, "a JSON object", other)),
    }
}

fn check_members(
    rules: &[ParamRule],
    location: ParamTarget,
    members: &Map<String, Value>,
    path: Option<&Path<'_>>,
    out: &mut Vec<ParamViolation>,
) {
    let mut required_seen = 0;
    for (name, value) in members {
        let here = Path {
            parent: path,
            segment: Segment::Key(name),
        };
        match rules
            .iter()
            .find(|r| r.target == location && r.name == name)
        {
            Some(rule) => {
                required_seen += usize::from(rule.required);
                check_value(rule, value, &here, out);
            }
            None => out.push(unknown_member(rules, location, name, &here)),
        }
    }
    // Keys of a JSON object are unique, so counting the required rules met is enough to know
    // that none is missing, without a lookup per rule on the success path.
    let required = rules
        .iter()
        .filter(|r| r.target == location && r.required)
        .count();
    if required_seen < required {
        for rule in rules {
            if rule.target == location
                && rule.required
                && !members.contains_key(rule.name)
            {
                let here = Path {
                    parent: path,
                    segment: Segment::Key(rule.name),
                };
                out.push(missing(&here));
            }
        }
    }
}

fn unknown_member(
    rules: &[ParamRule],
    location: ParamTarget,
    name: &str,
    path: &Path<'_>,
) -> ParamViolation {
    let known: Vec<&str> = rules
        .iter()
        .filter(|r| r.target == location)
        .map(|r| r.name)
        .collect();
    let message = if known.is_empty() {
        format!(
            "unknown member {}: this model takes no `{}` members",
            quoted(name),
            location.as_str()
        )
    } else {
        format!(
            "unknown member {}; expected one of {}",
            quoted(name),
            list(&known)
        )
    };
    violation(Some(path), ViolationRule::UnknownParam, message)
}

fn check_value(
    rule: &ParamRule,
    value: &Value,
    path: &Path<'_>,
    out: &mut Vec<ParamViolation>,
) {
    match rule.kind {
        ParamKind::String { min_length, max_length } => match value {
            Value::String(text) => {
                check_length(text, min_length, max_length, Some(path), out)
            }
            other => out.push(wrong_type(Some(path), "a string", other)),
        },
        ParamKind::Integer(bounds) => match value {
            Value::Number(n) if is_integer(n) => check_number(n, &bounds, path, out),
            other => out.push(wrong_type(Some(path), "an integer", other)),
        },
        ParamKind::Number(bounds) => match value {
            Value::Number(n) => check_number(n, &bounds, path, out),
            other => out.push(wrong_type(Some(path), "a number", other)),
        },
        ParamKind::Boolean => {
            if !value.is_boolean() {
                out.push(wrong_type(Some(path), "a boolean", value));
            }
        }
        ParamKind::Enum(options) => {
            if let Some(expected) = option_type_mismatch(options, value) {
                out.push(wrong_type(Some(path), &expected, value));
            } else if !options.iter().any(|option| option.matches(value)) {
                out.push(violation(
                    Some(path),
                    ViolationRule::NotAnOption,
                    format!(
                        "{} is not an allowed value; expected one of {}",
                        quote_value(value),
                        option_list(options)
                    ),
                ));
            }
        }
        ParamKind::Array {
            min_items,
            max_items,
            items,
        } => match value {
            Value::Array(elements) => {
                let count = elements.len() as u64;
                if let Some(min) = min_items.filter(|&min| count < min) {
                    out.push(violation(
                        Some(path),
                        ViolationRule::TooFewItems,
                        format!("{count} items; at least {min} required"),
                    ));
                }
                if let Some(max) = max_items.filter(|&max| count > max) {
                    out.push(violation(
                        Some(path),
                        ViolationRule::TooManyItems,
                        format!("{count} items; at most {max} allowed"),
                    ));
                }
                if let Some(item_rule) = items {
                    for (index, element) in elements.iter().enumerate() {
                        let here = Path {
                            parent: Some(path),
                            segment: Segment::Index(index),
                        };
                        check_value(item_rule, element, &here, out);
                    }
                }
            }
            other => out.push(wrong_type(Some(path), "an array", other)),
        },
        ParamKind::Object(properties) => match value {
            Value::Object(members) => {
                check_members(properties, rule.target, members, Some(path), out)
            }
            other => out.push(wrong_type(Some(path), "an object", other)),
        },
        ParamKind::Media(media) => match value {
            Value::Object(members) => check_media(&media, members, path, out),
            other => out.push(wrong_type(Some(path), "a media reference object", other)),
        },
    }
}

fn check_length(
    text: &str,
    min_length: Option<u64>,
    max_length: Option<u64>,
    path: Option<&Path<'_>>,
    out: &mut Vec<ParamViolation>,
) {
    // The byte length bounds the number of code points from above: count only when needed.
    let bytes = text.len() as u64;
    let needs_count = min_length.is_some_and(|min| bytes < min.saturating_mul(4))
        || max_length.is_some_and(|max| bytes > max);
    if !needs_count {
        return;
    }
    let length = text.chars().count() as u64;
    if let Some(min) = min_length.filter(|&min| length < min) {
        out.push(violation(
            path,
            ViolationRule::TooShort,
            format!("{length} characters; at least {min} required"),
        ));
    }
    if let Some(max) = max_length.filter(|&max| length > max) {
        out.push(violation(
            path,
            ViolationRule::TooLong,
            format!("{length} characters; at most {max} allowed"),
        ));
    }
}

fn check_number(
    n: &serde_json::Number,
    bounds: &NumberRule,
    path: &Path<'_>,
    out: &mut Vec<ParamViolation>,
) {
    let Some(x) = n.as_f64() else {
        return;
    };
    if let Some(min) = bounds.minimum.filter(|&min| x < min) {
        out.push(violation(
            Some(path),
            ViolationRule::BelowMinimum,
            format!("{n} is below the minimum {min}"),
        ));
    }
    if let Some(max) = bounds.maximum.filter(|&max| x > max) {
        out.push(violation(
            Some(path),
            ViolationRule::AboveMaximum,
            format!("{n} is above the maximum {max}"),
        ));
    }
    if let Some(step) = bounds.step.filter(|&step| step > 0.0) {
        let base = bounds.minimum.unwrap_or(0.0);
        if !on_step(x, base, step) {
            out.push(violation(
                Some(path),
                ViolationRule::NotOnStep,
                format!("{n} is not a multiple of {step} counted from {base}"),
            ));
        }
    }
}

/// `x` is `base + k * step` for a whole `k`, up to the rounding of decimal fractions in binary
/// floating point (so 0.3 is on the 0.1 grid).
fn on_step(x: f64, base: f64, step: f64) -> bool {
    let steps = (x - base) / step;
    (steps - steps.round()).abs() <= 1e-9 * steps.abs().max(1.0)
}

fn check_media(
    media: &MediaRule,
    members: &Map<String, Value>,
    path: &Path<'_>,
    out: &mut Vec<ParamViolation>,
) {
    let shape: &[(&str, bool)] = match media.shape {
        MediaShape::ReferenceMediaItem => &[
            ("url", true),
            ("kind", true),
            ("name", false),
            ("mimeType", false),
            ("durationSeconds", false),
            ("durationToken", false),
        ],
        MediaShape::ChatAttachment => &[("file_id", true), ("kind", false)],
    };
    let mut required_seen = 0;
    for (name, value) in members {
        let here = Path {
            parent: Some(path),
            segment: Segment::Key(name),
        };
        let Some(&(_, required)) = shape.iter().find(|(member, _)| member == name)
        else {
            let known: Vec<&str> = shape.iter().map(|(member, _)| *member).collect();
            out.push(violation(
                Some(&here),
                ViolationRule::UnknownParam,
                format!(
                    "unknown member {}; expected one of {}",
                    quoted(name),
                    list(&known)
                ),
            ));
            continue;
        };
        required_seen += usize::from(required);
        match (name.as_str(), value) {
            ("kind", Value::String(kind)) => {
                if !media.accepted_kinds.is_empty()
                    && !media.accepted_kinds.contains(&kind.as_str())
                {
                    out.push(violation(
                        Some(&here),
                        ViolationRule::MediaKindNotAccepted,
                        format!(
                            "media kind {} is not accepted; expected {}",
                            quoted(kind),
                            list(media.accepted_kinds)
                        ),
                    ));
                }
            }
            ("mimeType", Value::String(mime)) => {
                if !media.accepted_mime_types.is_empty()
                    && !media.accepted_mime_types.contains(&mime.as_str())
                {
                    out.push(violation(
                        Some(&here),
                        ViolationRule::MimeTypeNotAccepted,
                        format!(
                            "MIME type {} is not accepted; expected {}",
                            quoted(mime),
                            list(media.accepted_mime_types)
                        ),
                    ));
                }
            }
            ("durationSeconds", Value::Number(seconds)) => {
                let bounds = NumberRule {
                    minimum: Some(media.min_duration_seconds.unwrap_or(0.0).max(0.0)),
                    maximum: media.max_duration_seconds,
                    step: None,
                };
                check_number(seconds, &bounds, &here, out);
            }
            ("durationSeconds", other) => {
                out.push(wrong_type(Some(&here), "a number", other))
            }
            (_, Value::String(_)) => {}
            (_, other) => out.push(wrong_type(Some(&here), "a string", other)),
        }
    }
    let required = shape.iter().filter(|(_, required)| *required).count();
    if required_seen < required {
        for (name, required) in shape {
            if *required && !members.contains_key(*name) {
                let here = Path {
                    parent: Some(path),
                    segment: Segment::Key(name),
                };
                out.push(missing(&here));
            }
        }
    }
    if media.requires_duration_token
        && media.shape == MediaShape::ReferenceMediaItem
        && !members.contains_key("durationToken")
    {
        let here = Path {
            parent: Some(path),
            segment: Segment::Key("durationToken"),
        };
        out.push(violation(
            Some(&here),
            ViolationRule::MissingDurationToken,
            "this model needs the `duration_token` returned by POST /api/v1/files, sent as \
             `durationToken`"
                .to_owned(),
        ));
    }
}
