//! The normalized IR: one resolved, deterministic model of the contract.
//!
//! Every backend (Rust SDK, validators, docs, diff) reads this and nothing else. References are
//! by type name; every named type, field, operation and model carries the JSON pointer of where
//! it was defined, so that any backend can point a user back at the source.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::catalog::Catalog;
use crate::normalize::SpecVersion;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Ir {
    pub api: ApiInfo,
    /// Named types by their contract name (components or synthesized inline names).
    pub types: BTreeMap<String, TypeDef>,
    /// Operations ordered by path, then by method.
    pub operations: Vec<Operation>,
    /// Tags in document order, with the Rust names of their client groups.
    pub tags: Vec<Tag>,
    /// 3.1 webhooks, by event name.
    pub webhooks: Vec<Webhook>,
    pub security_schemes: Vec<SecurityScheme>,
    pub catalog: Option<Catalog>,
    /// What could not be represented faithfully and was degraded (never silently).
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ApiInfo {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The OpenAPI line of the source document.
    pub spec_version: SpecVersion,
    pub servers: Vec<String>,
}

pub use crate::error::Warning;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeDef {
    /// The contract name (component key, or a synthesized name for an inline schema).
    pub name: String,
    /// A UpperCamelCase Rust identifier, unique among all types.
    pub rust_name: String,
    /// Where the schema is defined.
    pub pointer: String,
    /// True for inline schemas that were given a synthesized name.
    pub synthesized: bool,
    pub docs: Docs,
    pub kind: TypeKind,
    /// Reachable from a request (it is serialized by clients).
    pub in_request: bool,
    /// Reachable from a response or a webhook payload (it is deserialized by clients).
    pub in_response: bool,
    /// Part of a reference cycle (directly or through lists and maps).
    pub recursive: bool,
    /// The definition itself admits `null` (`nullable: true`, or `null` among its types), so
    /// every `$ref` to it may be null. Only the diff reads it: the SDK types such a reference
    /// as the value it wraps, and the IR's JSON form stays as it was.
    #[serde(skip)]
    pub nullable: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Docs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Boxed: most docs have no example, and a `Value` is 72 bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Box<Value>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// An object with known properties (allOf members merged in).
    Struct {
        fields: Vec<Field>,
        /// `additionalProperties` as a shape; `None` when extra members are not described.
        additional: Option<Box<Shape>>,
    },
    /// A closed set of string values.
    StringEnum { values: Vec<EnumValue> },
    /// A closed set of integer values (kept as numbers on the wire).
    IntegerEnum { values: Vec<EnumValue> },
    /// oneOf/anyOf with a discriminator: the tag property names the variant.
    TaggedUnion { tag: String, variants: Vec<Variant> },
    /// oneOf/anyOf without a discriminator: the first variant that matches wins.
    UntaggedUnion { variants: Vec<Variant> },
    /// A named list, map or primitive.
    Alias { target: Box<Shape> },
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnumValue {
    pub value: Value,
    pub rust_name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Variant {
    /// For tagged unions, the value of the tag property; otherwise `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_value: Option<String>,
    pub rust_name: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Field {
    /// The name on the wire.
    pub name: String,
    /// A snake_case Rust identifier, unique within its struct, never a keyword.
    pub rust_name: String,
    pub pointer: String,
    /// The member must be present.
    pub required: bool,
    pub shape: Shape,
    pub docs: Docs,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    /// The field directly contains a type of its own reference cycle (no list or map between),
    /// so a Rust struct needs indirection (a `Box`) here.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub needs_indirection: bool,
}

/// The shape of one value: what type, whether `null` is allowed, its constraints and default.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shape {
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// `null` is a valid value (kept apart from requiredness, which belongs to the field).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// `None` when there are none (read them with [`Shape::constraints`]): most shapes have
    /// none, and a large contract's IR holds tens of thousands of them, so the 176 bytes of
    /// limits are boxed. Private, so that an empty box never stands for "none".
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<Box<Constraints>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Box<Value>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeRef {
    Named {
        name: String,
    },
    String {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<StringFormat>,
    },
    Integer {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<IntegerFormat>,
    },
    Number {
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<NumberFormat>,
    },
    Boolean,
    /// Exactly one value (`const`, or an enum of one value): discriminator tags, `object` markers.
    Const {
        value: Value,
    },
    List {
        items: Box<Shape>,
    },
    Map {
        values: Box<Shape>,
    },
    /// Any JSON value: the schema says nothing, or says something this IR cannot type.
    Any,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum StringFormat {
    DateTime,
    Date,
    Time,
    Duration,
    Uuid,
    Uri,
    Email,
    Hostname,
    Ipv4,
    Ipv6,
    /// Raw bytes (a file part, an octet stream).
    Binary,
    /// Base64-encoded bytes.
    Byte,
    Password,
    /// A format this IR does not interpret; kept for docs.
    Other(String),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum IntegerFormat {
    Int32,
    Int64,
    Other(String),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NumberFormat {
    Float,
    Double,
    Other(String),
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<u64>,
}

impl Constraints {
    pub const NONE: Constraints = Constraints {
        minimum: None,
        maximum: None,
        exclusive_minimum: false,
        exclusive_maximum: false,
        multiple_of: None,
        min_length: None,
        max_length: None,
        pattern: None,
        min_items: None,
        max_items: None,
        unique_items: false,
        min_properties: None,
        max_properties: None,
    };

    pub fn is_empty(&self) -> bool {
        self == &Constraints::NONE
    }
}

impl Shape {
    pub fn of(ty: TypeRef) -> Shape {
        Shape {
            ty,
            nullable: false,
            constraints: None,
            default: None,
        }
    }

    pub fn constraints(&self) -> &Constraints {
        static NONE: Constraints = Constraints::NONE;
        self.constraints.as_deref().unwrap_or(&NONE)
    }

    pub fn set_constraints(&mut self, constraints: Constraints) {
        self.constraints = (!constraints.is_empty()).then(|| Box::new(constraints));
    }

    /// The constraints, leaving none.
    pub fn take_constraints(&mut self) -> Constraints {
        self.constraints.take().map(|c| *c).unwrap_or_default()
    }

    /// The named type this shape refers to directly (not through a list or map).
    pub fn named(&self) -> Option<&str> {
        match &self.ty {
            TypeRef::Named { name } => Some(name),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tag {
    pub name: String,
    /// snake_case name of the client group (`client.generations()`).
    pub rust_name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Operation {
    /// The operationId, or one synthesized from method and path when the spec has none.
    pub id: String,
    /// snake_case name, unique across the crate (`create_generation`).
    pub rust_name: String,
    /// snake_case name within its tag's client group, the tag's words dropped
    /// (`client.generations().create()`); unique within the group.
    pub group_method: String,
    /// The operation's first tag (the group its client method lives in); "default" when untagged.
    pub tag: String,
    pub method: Method,
    pub path: String,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Alternatives, any one of which authorizes the call; an empty requirement in the list
    /// means the call may also be made anonymously. Empty list: public.
    pub security: Vec<SecurityRequirement>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Operation {
    /// The named schema of the JSON request body, when the body has one.
    pub fn json_request_type(&self) -> Option<&str> {
        self.request_body
            .iter()
            .flat_map(|b| &b.contents)
            .find(|c| c.kind == ContentKind::Json)
            .and_then(|c| c.shape.as_ref())
            .and_then(Shape::named)
    }
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// Headers whose meaning the contract defines, recognised so that backends can act on them.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParamRole {
    IdempotencyKey,
    WebhookSignature,
    WebhookTimestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Param {
    pub name: String,
    /// snake_case, unique among the operation's parameters and never a keyword.
    pub rust_name: String,
    #[serde(rename = "in")]
    pub location: ParamLocation,
    pub pointer: String,
    pub required: bool,
    pub shape: Shape,
    pub docs: Docs,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ParamRole>,
    /// Query serialization: `form` (the default), `deepObject`, `pipeDelimited`...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    pub explode: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequestBody {
    /// Where the body is defined (inside `components.requestBodies` for a shared one).
    pub pointer: String,
    pub required: bool,
    pub description: Option<String>,
    pub contents: Vec<Content>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Content {
    pub media_type: String,
    pub kind: ContentKind,
    /// The payload's shape (for event streams: the shape of one event).
    pub shape: Option<Shape>,
    /// For multipart bodies: how each part is sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<MultipartPart>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<Box<Value>>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Json,
    Multipart,
    FormUrlEncoded,
    /// `text/event-stream`: a stream of server-sent events.
    EventStream,
    Text,
    Binary,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MultipartPart {
    pub name: String,
    pub required: bool,
    /// The part carries a file (binary string).
    pub is_file: bool,
    /// `encoding.<part>.contentType`, when the contract gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Response {
    /// "200", "4XX" or "default".
    pub status: String,
    /// Where the response is defined (inside `components.responses` for a shared one).
    pub pointer: String,
    pub description: String,
    pub headers: Vec<Header>,
    pub contents: Vec<Content>,
    /// The name of the `components.responses` entry this came from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Response {
    /// 2XX (or 1XX/3XX) responses are successes; 4XX, 5XX and `default` describe errors.
    pub fn is_success(&self) -> bool {
        matches!(self.status.as_bytes().first(), Some(b'1' | b'2' | b'3'))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Header {
    pub name: String,
    pub pointer: String,
    pub required: bool,
    pub shape: Shape,
    pub docs: Docs,
}

pub type SecurityRequirement = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SecurityScheme {
    pub name: String,
    pub kind: SecuritySchemeKind,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecuritySchemeKind {
    HttpBearer {
        bearer_format: Option<String>,
    },
    HttpBasic,
    ApiKey {
        location: ParamLocation,
        name: String,
    },
    OAuth2,
    OpenIdConnect,
    Other {
        scheme: String,
    },
}

/// A 3.1 webhook: a request the API sends to the user's server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Webhook {
    /// The event name (the key in `webhooks`), e.g. `generation.succeeded`.
    pub name: String,
    /// UpperCamelCase name for the event.
    pub rust_name: String,
    /// The request as described; its `path` is the event name.
    pub operation: Operation,
}
