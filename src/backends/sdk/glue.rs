//! `src/glue.rs` of the SDK: what the static runtime needs to know about this contract.
//!
//! The runtime templates are the same for every spec; this module ties them to the spec:
//! which schema error bodies have and where their code sits, how the API key is sent, the
//! default base URL, the stream event types, the webhook payload and headers, and the checks
//! made before a call is sent (the model catalog's, when the SDK has one).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::render::{docs, ident};
use super::types::{fallback_name, Scope, Types};
use crate::error::Result;
use crate::ir::{
    ContentKind, Field, Ir, ParamLocation, ParamRole, SecuritySchemeKind, Shape,
    TypeDef, TypeKind, TypeRef, Variant,
};

/// The contract's defaults where a spec says nothing.
const DEFAULT_SERVER: &str = "https://rivya.ai";
const SIGNATURE_HEADER: &str = "Rivya-Webhook-Signature";
const TIMESTAMP_HEADER: &str = "Rivya-Webhook-Timestamp";

pub struct Glue<'a> {
    pub types: &'a Types<'a>,
    /// The catalog module is part of the SDK (`crate::catalog`).
    pub catalog: bool,
}

impl Glue<'_> {
    pub fn module(&self) -> Result<TokenStream> {
        let error = self.error_glue()?;
        let auth = self.auth();
        let base_url = default_base_url(self.types.ir);
        let key_prefix = api_key_prefix(self.types.ir);
        let streams = self.stream_events()?;
        let webhooks = self.webhooks()?;
        let before_send = self.before_send();
        let templates = self.types.ir.operations.iter().map(|operation| {
            let id = &operation.id;
            let path = &operation.path;
            quote!(#id => #path,)
        });
        let path_template = quote! {
            /// The contract's path of an operation, parameters not substituted: what logs show.
            #[cfg(feature = "tracing")]
            pub(crate) fn path_template(operation: &str) -> &'static str {
                match operation {
                    #(#templates)*
                    _ => "",
                }
            }
        };
        let violation = if self.catalog {
            quote! {
                /// A broken catalog rule, as [`crate::Error::violations`] lists them.
                pub use crate::catalog::ParamViolation;
            }
        } else {
            quote! {
                /// A broken catalog rule: this SDK has no model catalog, so there are none.
                #[derive(Debug, Clone, PartialEq)]
                pub enum ParamViolation {}
            }
        };
        Ok(quote! {
            //! What the runtime needs to know about this contract.
            #[allow(unused_imports)]
            use crate::types;

            /// The first server of the contract.
            pub(crate) const DEFAULT_BASE_URL: &str = #base_url;
            /// The fixed start of API keys (shown by their redacted `Debug`).
            pub(crate) const API_KEY_PREFIX: &str = #key_prefix;

            #error
            #auth
            #streams
            #webhooks
            #before_send
            #violation
            #path_template
        })
    }

    /// `ApiErrorBody`, `ErrorCode` and the functions that read them.
    fn error_glue(&self) -> Result<TokenStream> {
        let ir = self.types.ir;
        let Some(def) = error_type(ir) else {
            return Ok(value_error_glue());
        };
        let Some((path, code, message, request_id, param)) = error_members(ir, def)
        else {
            return Ok(value_error_glue());
        };
        let body_ty = self.types.named(&def.name, Scope::Elsewhere)?;
        let mut access = quote!(body);
        for member in &path {
            let member = ident(member)?;
            access = quote!(#access.#member);
        }
        let (code_ty, parse) = match code.shape.named() {
            Some(name) => {
                let code_def = self.types.def(name)?;
                if !(matches!(code_def.kind, TypeKind::StringEnum { .. })
                    && code_def.in_response)
                {
                    return Ok(value_error_glue());
                }
                (
                    self.types.named(name, Scope::Elsewhere)?,
                    quote!(ErrorCode::from(code)),
                )
            }
            None => (quote!(String), quote!(code.to_owned())),
        };
        let code_expr = optional_ref(&access, code);
        // A member the error schema lacks is never there (the body is still taken, unused).
        let missing = quote!({
            let _ = body;
            None
        });
        let message_expr = match message {
            Some(field) => optional_str(&access, field),
            None => missing.clone(),
        };
        let request_id_expr = match request_id {
            Some(field) => optional_str(&access, field),
            None => missing.clone(),
        };
        let param_expr = match param {
            Some(field) => optional_str(&access, field),
            None => missing,
        };
        let body_doc = docs(&format!(
            "The body of an error response: the contract's `{}` schema.",
            def.name
        ));
        Ok(quote! {
            #body_doc
            pub type ApiErrorBody = #body_ty;
            /// The machine-readable error code (unknown codes are kept).
            pub type ErrorCode = #code_ty;

            pub(crate) fn error_code(body: &ApiErrorBody) -> Option<&ErrorCode> {
                #code_expr
            }
            pub(crate) fn error_message(body: &ApiErrorBody) -> Option<&str> {
                #message_expr
            }
            pub(crate) fn error_request_id(body: &ApiErrorBody) -> Option<&str> {
                #request_id_expr
            }
            pub(crate) fn error_param(body: &ApiErrorBody) -> Option<&str> {
                #param_expr
            }
            pub(crate) fn parse_error_code(code: &str) -> ErrorCode {
                #parse
            }
        })
    }

    /// How the API key goes on a request.
    fn auth(&self) -> TokenStream {
        let ir = self.types.ir;
        let used: Vec<&str> = ir
            .operations
            .iter()
            .flat_map(|o| &o.security)
            .flat_map(|r| r.keys())
            .map(String::as_str)
            .collect();
        let scheme = ir
            .security_schemes
            .iter()
            .find(|s| used.contains(&s.name.as_str()))
            .or(ir.security_schemes.first());
        let body = match scheme.map(|s| &s.kind) {
            Some(SecuritySchemeKind::ApiKey {
                location: ParamLocation::Header,
                name,
            }) => quote! {
                match reqwest::header::HeaderValue::from_str(key.expose()) {
                    Ok(mut value) => {
                        value.set_sensitive(true);
                        request.header(#name, value)
                    }
                    Err(_) => request,
                }
            },
            Some(SecuritySchemeKind::ApiKey {
                location: ParamLocation::Query,
                name,
            }) => quote!(request.query(&[(#name, key.expose())])),
            Some(SecuritySchemeKind::HttpBasic) => {
                quote!(request.basic_auth(key.expose(), None::<&str>))
            }
            _ => quote!(request.bearer_auth(key.expose())),
        };
        quote! {
            /// Puts the API key on a request (as a header marked sensitive).
            pub(crate) fn authorize(
                request: reqwest::RequestBuilder,
                key: &crate::ApiKey,
            ) -> reqwest::RequestBuilder {
                #body
            }
        }
    }

    /// `StreamEvent` for each type that arrives as server-sent events.
    fn stream_events(&self) -> Result<TokenStream> {
        let ir = self.types.ir;
        // A stream without a schema carries `serde_json::Value` events (see `ops`), which
        // need the impl too.
        let untyped = Shape::of(TypeRef::Any);
        let mut shapes: BTreeMap<String, &Shape> = BTreeMap::new();
        for operation in &ir.operations {
            for content in operation.responses.iter().flat_map(|r| &r.contents) {
                if content.kind != ContentKind::EventStream {
                    continue;
                }
                let shape = content.shape.as_ref().unwrap_or(&untyped);
                let key = self.types.shape(shape, Scope::Elsewhere)?.to_string();
                shapes.entry(key).or_insert(shape);
            }
        }
        let mut out = TokenStream::new();
        for shape in shapes.values() {
            let ty = self.types.shape(shape, Scope::Elsewhere)?;
            let union =
                shape.named().and_then(|n| ir.types.get(n)).and_then(|d| {
                    match &d.kind {
                        TypeKind::TaggedUnion { tag, variants } => Some((tag, variants)),
                        _ => None,
                    }
                });
            let (tag, done, error) = match union {
                Some((tag, variants)) => {
                    let has = |value: &str| {
                        variants
                            .iter()
                            .any(|v| v.tag_value.as_deref() == Some(value))
                    };
                    let done = if has("done") {
                        quote!(Some("done"))
                    } else {
                        quote!(None)
                    };
                    let error = if has("error") {
                        quote!(Some("error"))
                    } else {
                        quote!(None)
                    };
                    (quote!(Some(#tag)), done, error)
                }
                None => (quote!(None), quote!(None), quote!(None)),
            };
            out.extend(quote! {
                impl crate::StreamEvent for #ty {
                    const TAG: Option<&'static str> = #tag;
                    const DONE: Option<&'static str> = #done;
                    const ERROR: Option<&'static str> = #error;
                }
            });
            if let Some((_, variants)) = union {
                out.extend(self.stream_helpers(&ty, variants)?);
            }
        }
        Ok(out)
    }

    /// What users of a chat stream write by hand: the text of its deltas (a variant with a
    /// required string `delta`), and the finished message (a variant with a required
    /// `message` object).
    fn stream_helpers(
        &self,
        ty: &TokenStream,
        variants: &[Variant],
    ) -> Result<TokenStream> {
        let ir = self.types.ir;
        let field_of = |variant: &Variant, name: &str| -> Option<Field> {
            let def = ir.types.get(variant.shape.named()?)?;
            struct_fields(def)?
                .iter()
                .find(|f| f.name == name && f.required && !f.shape.nullable)
                .cloned()
        };
        let usable = |variant: &&Variant| {
            variant.tag_value.as_deref() != Some("error") && !variant.shape.nullable
        };
        let mut methods = TokenStream::new();
        let delta = variants.iter().filter(usable).find_map(|v| {
            let field = field_of(v, "delta")?;
            is_plain_string(&field.shape).then_some((v, field))
        });
        if let Some((variant, field)) = delta {
            let variant = ident(&variant.rust_name)?;
            let member = ident(&field.rust_name)?;
            let doc = docs(&format!(
                "Reads the stream to its end and returns the text of its `{}` events, joined; the first error item is returned as the error.",
                variants
                    .iter()
                    .find(|v| variant == v.rust_name)
                    .and_then(|v| v.tag_value.as_deref())
                    .unwrap_or("delta")
            ));
            methods.extend(quote! {
                #doc
                pub async fn text(mut self) -> crate::Result<String> {
                    use futures_util::StreamExt;
                    let mut text = String::new();
                    while let Some(event) = self.next().await {
                        if let #ty::#variant(event) = event? {
                            text.push_str(&event.#member);
                        }
                    }
                    Ok(text)
                }
            });
        }
        let completed = variants.iter().filter(usable).find_map(|v| {
            let field = field_of(v, "message")?;
            field.shape.named().is_some().then_some((v, field))
        });
        if let Some((variant, field)) = completed {
            let tag = variant.tag_value.clone().unwrap_or_default();
            let variant = ident(&variant.rust_name)?;
            let member = ident(&field.rust_name)?;
            let message_ty = self.types.shape(&field.shape, Scope::Elsewhere)?;
            let doc = docs(&format!(
                "Reads the stream to its end and returns the message of its `{tag}` event (`None` when the stream had none); the first error item is returned as the error."
            ));
            methods.extend(quote! {
                #doc
                pub async fn final_message(mut self) -> crate::Result<Option<#message_ty>> {
                    use futures_util::StreamExt;
                    let mut message = None;
                    while let Some(event) = self.next().await {
                        if let #ty::#variant(event) = event? {
                            message = Some(event.#member);
                        }
                    }
                    Ok(message)
                }
            });
        }
        if methods.is_empty() {
            return Ok(methods);
        }
        Ok(quote! {
            impl crate::EventStream<#ty> {
                #methods
            }
        })
    }

    /// The webhook payload type and the signature headers.
    fn webhooks(&self) -> Result<TokenStream> {
        let ir = self.types.ir;
        let header = |role: ParamRole, fallback: &str| {
            ir.webhooks
                .iter()
                .flat_map(|w| &w.operation.params)
                .find(|p| p.role == Some(role))
                .map(|p| p.name.clone())
                .unwrap_or_else(|| fallback.to_owned())
        };
        let signature = header(ParamRole::WebhookSignature, SIGNATURE_HEADER);
        let timestamp = header(ParamRole::WebhookTimestamp, TIMESTAMP_HEADER);
        // Distinct payload types, in event order.
        let mut payloads: Vec<(&str, &str)> = Vec::new();
        for webhook in &ir.webhooks {
            if let Some(name) = webhook.operation.json_request_type() {
                if !payloads.iter().any(|(_, n)| *n == name) {
                    payloads.push((&webhook.rust_name, name));
                }
            }
        }
        let payload = match payloads.as_slice() {
            [] => quote! {
                /// A webhook event (the contract describes none, so any JSON).
                pub type WebhookPayload = serde_json::Value;
            },
            [(_, name)] => {
                let ty = self.types.named(name, Scope::Elsewhere)?;
                let doc =
                    docs(&format!("A webhook event: the contract's `{name}` schema."));
                quote!(#doc pub type WebhookPayload = #ty;)
            }
            several => {
                // Received, like the payloads: `Serialize` only with the feature.
                let full_serde = super::types::FULL_SERDE;
                let mut arms = TokenStream::new();
                let taken: Vec<&str> = several.iter().map(|(r, _)| *r).collect();
                let unknown = format_ident!("{}", fallback_name(&taken));
                for (rust_name, name) in several {
                    let variant = ident(rust_name)?;
                    let ty = self.types.named(name, Scope::Elsewhere)?;
                    let doc = format!(" A `{name}` event.");
                    arms.extend(quote!(#[doc = #doc] #variant(#ty),));
                }
                quote! {
                    /// A webhook event, whichever of the contract's events it is.
                    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
                    #[cfg_attr(feature = #full_serde, derive(serde::Serialize))]
                    #[serde(untagged)]
                    #[allow(clippy::large_enum_variant)]
                    pub enum WebhookPayload {
                        #arms
                        /// An event this version of the SDK does not know, as received.
                        #unknown(serde_json::Value),
                    }
                }
            }
        };
        Ok(quote! {
            #payload
            pub(crate) const WEBHOOK_SIGNATURE_HEADER: &str = #signature;
            pub(crate) const WEBHOOK_TIMESTAMP_HEADER: &str = #timestamp;
        })
    }

    /// The checks made before a call is sent.
    ///
    /// INTEGRATION POINT (model catalog): with a catalog (`crate::catalog`, written by the
    /// validators backend), JSON calls that name a `model` are checked here: a chat model is
    /// refused on the generation routes and a non-chat model on the chat routes (the routes
    /// come from the catalog's `endpoint` values), and the request body is validated with
    /// `catalog::validate_request`. `skip_validation()` on a builder turns this off per
    /// call. A model the catalog does not know is left to the server (the catalog may be older
    /// than the API).
    fn before_send(&self) -> TokenStream {
        if !self.catalog {
            return quote! {
                /// The checks made before a call is sent (none: this SDK has no model catalog).
                pub(crate) fn before_send(_call: &crate::call::Call) -> crate::Result<()> {
                    Ok(())
                }
            };
        }
        let ir = self.types.ir;
        let models = ir
            .catalog
            .as_ref()
            .map(|c| c.models.as_slice())
            .unwrap_or_default();
        let mut chat_routes: Vec<&str> = Vec::new();
        let mut generation_routes: Vec<&str> = Vec::new();
        for model in models {
            if let Some(endpoint) = model.endpoint.as_deref() {
                let routes = if model.kind == "chat" {
                    &mut chat_routes
                } else {
                    &mut generation_routes
                };
                if !routes.contains(&endpoint) {
                    routes.push(endpoint);
                }
            }
        }
        // Operations that send a `model` in a JSON body, by the kind of model they take.
        let mut arms = TokenStream::new();
        for operation in &ir.operations {
            let json_body = operation
                .request_body
                .iter()
                .flat_map(|b| &b.contents)
                .any(|c| c.kind == ContentKind::Json);
            if !json_body {
                continue;
            }
            let on = |routes: &[&str]| {
                routes.iter().any(|r| {
                    operation.path == *r || operation.path.starts_with(&format!("{r}/"))
                })
            };
            let id = &operation.id;
            if on(&chat_routes) {
                arms.extend(quote!(#id => Route::Chat,));
            } else if on(&generation_routes) {
                arms.extend(quote!(#id => Route::Generation,));
            }
        }
        // A contract whose catalog no operation serves has no arm: a match with only `_` is
        // clippy::match_single_binding.
        let route = if arms.is_empty() {
            quote! {
                fn route(_operation: &str) -> Route {
                    Route::Other
                }
            }
        } else {
            quote! {
                fn route(operation: &str) -> Route {
                    match operation {
                        #arms
                        _ => Route::Other,
                    }
                }
            }
        };
        quote! {
            /// Which kind of model an operation takes.
            #[derive(PartialEq)]
            enum Route {
                Chat,
                Generation,
                Other,
            }

            #route

            /// The checks made before a call is sent: the model catalog's.
            pub(crate) fn before_send(call: &crate::call::Call) -> crate::Result<()> {
                if !call.validate {
                    return Ok(());
                }
                let Some(body) = &call.json else {
                    return Ok(());
                };
                let Some(model_id) = body.get("model").and_then(|m| m.as_str()) else {
                    return Ok(());
                };
                let Some(model) = crate::catalog::model(model_id) else {
                    return Ok(());
                };
                let kind = model.kind;
                let route = route(call.operation);
                if route == Route::Chat && kind != "chat" {
                    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    };
                    let message =
                        format!("{model_id} is {article} {kind} model: use generations()");
                    return Err(crate::Error::invalid(message));
                }
                if route == Route::Generation && kind == "chat" {
                    let message = format!("{model_id} is a chat model: use chat()");
                    return Err(crate::Error::invalid(message));
                }
                if route == Route::Other {
                    return Ok(());
                }
                // The whole body: the prompt (or chat message), `params`, `controls` and
                // top-level parameters, each checked where the catalog says it goes.
                let Err(violations) = crate::catalog::validate_request(model_id, body) else {
                    return Ok(());
                };
                let listed: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
                let message = format!("{model_id}: {}", listed.join("; "));
                Err(crate::Error::violated(message, violations))
            }
        }
    }
}

/// Error glue when the contract's error body has no recognisable shape: JSON values, with
/// the code and message looked up where the Rivya contract keeps them.
fn value_error_glue() -> TokenStream {
    quote! {
        /// The body of an error response (the contract gives it no schema the SDK recognises).
        pub type ApiErrorBody = serde_json::Value;
        /// The machine-readable error code.
        pub type ErrorCode = String;

        fn error_text<'a>(body: &'a ApiErrorBody, name: &str) -> Option<&'a String> {
            let member = body.get("error").unwrap_or(body).get(name)?;
            match member {
                serde_json::Value::String(text) => Some(text),
                _ => None,
            }
        }
        pub(crate) fn error_code(body: &ApiErrorBody) -> Option<&ErrorCode> {
            error_text(body, "code")
        }
        pub(crate) fn error_message(body: &ApiErrorBody) -> Option<&str> {
            error_text(body, "message").map(String::as_str)
        }
        pub(crate) fn error_request_id(body: &ApiErrorBody) -> Option<&str> {
            error_text(body, "request_id").map(String::as_str)
        }
        pub(crate) fn error_param(body: &ApiErrorBody) -> Option<&str> {
            error_text(body, "param").map(String::as_str)
        }
        pub(crate) fn parse_error_code(code: &str) -> ErrorCode {
            code.to_owned()
        }
    }
}

/// The schema of error bodies: `PublicApiError` when the contract has it, otherwise the named
/// type most error responses use.
fn error_type(ir: &Ir) -> Option<&TypeDef> {
    if let Some(def) = ir.types.get("PublicApiError") {
        return Some(def);
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for response in ir.operations.iter().flat_map(|o| &o.responses) {
        if response.is_success() {
            continue;
        }
        for content in &response.contents {
            if let Some(name) = content.shape.as_ref().and_then(Shape::named) {
                *counts.entry(name).or_default() += 1;
            }
        }
    }
    let best = counts
        .into_iter()
        .max_by_key(|(name, count)| (*count, std::cmp::Reverse(*name)))?;
    ir.types.get(best.0)
}

type ErrorMembers<'a> = (
    Vec<&'a str>,
    &'a Field,
    Option<&'a Field>,
    Option<&'a Field>,
    Option<&'a Field>,
);

/// Where the code, message and request ID sit: in the body itself, or in its `error` member.
fn error_members<'a>(ir: &'a Ir, def: &'a TypeDef) -> Option<ErrorMembers<'a>> {
    let fields = struct_fields(def)?;
    let direct = |fields: &'a [Field], path: Vec<&'a str>| -> Option<ErrorMembers<'a>> {
        let find = |name: &str| fields.iter().find(|f| f.name == name);
        let code = find("code").filter(|f| is_text_or_enum(ir, &f.shape))?;
        let text = |f: &&Field| is_plain_string(&f.shape);
        Some((
            path,
            code,
            find("message").filter(text),
            find("request_id").filter(text),
            find("param").filter(text),
        ))
    };
    if let Some(found) = direct(fields, Vec::new()) {
        return Some(found);
    }
    let inner = fields.iter().find(|f| {
        f.name == "error" && f.required && !f.shape.nullable && !f.needs_indirection
    })?;
    let inner_def = ir.types.get(inner.shape.named()?)?;
    direct(struct_fields(inner_def)?, vec![inner.rust_name.as_str()])
}

fn struct_fields(def: &TypeDef) -> Option<&[Field]> {
    match &def.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

fn is_plain_string(shape: &Shape) -> bool {
    matches!(shape.ty, TypeRef::String { format: None })
}

fn is_text_or_enum(ir: &Ir, shape: &Shape) -> bool {
    if is_plain_string(shape) {
        return true;
    }
    shape
        .named()
        .and_then(|n| ir.types.get(n))
        .is_some_and(|d| matches!(d.kind, TypeKind::StringEnum { .. }))
}

/// `Option<&T>` of a member read through `access`.
fn optional_ref(access: &TokenStream, field: &Field) -> TokenStream {
    let member = format_ident!("{}", field.rust_name);
    if field.required && !field.shape.nullable {
        quote!(Some(&#access.#member))
    } else {
        quote!(#access.#member.as_ref())
    }
}

/// `Option<&str>` of a string member read through `access`.
fn optional_str(access: &TokenStream, field: &Field) -> TokenStream {
    let member = format_ident!("{}", field.rust_name);
    if field.required && !field.shape.nullable {
        quote!(Some(#access.#member.as_str()))
    } else {
        quote!(#access.#member.as_deref())
    }
}

fn default_base_url(ir: &Ir) -> String {
    ir.api
        .servers
        .iter()
        .find(|s| s.starts_with("https://") || s.starts_with("http://"))
        .map(|s| s.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned())
}

/// `rvya_sk_` from a bearer format such as `rvya_sk_...`.
fn api_key_prefix(ir: &Ir) -> String {
    let format = ir.security_schemes.iter().find_map(|s| match &s.kind {
        SecuritySchemeKind::HttpBearer { bearer_format } => bearer_format.as_deref(),
        _ => None,
    });
    let Some(format) = format else {
        return String::new();
    };
    let prefix = format.trim_end_matches(['.', '*', '…']);
    let plain = !prefix.is_empty()
        && prefix.len() < format.len()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        prefix.to_owned()
    } else {
        String::new()
    }
}
