//! Paths, operations and webhooks to IR operations: parameters merged from the path item,
//! references to shared parameters/bodies/responses resolved, bodies classified by media type.

use std::borrow::Cow;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr};

use super::model::*;
use super::names::{hint_part, type_name};
use super::schemas::{schema_docs, SchemaBuilder};
use crate::error::{pointer_join, unescape_pointer_token, Error, Result};
use crate::normalize::{deserialize_at, local_pointer};

pub struct OperationBuilder<'s, 'a> {
    pub schemas: &'s mut SchemaBuilder<'a>,
    pub openapi: &'a OpenAPI,
    pub origin: &'a str,
}

type Methods<'p> = [(Method, &'p Option<openapiv3::Operation>); 8];

fn methods(item: &PathItem) -> Methods<'_> {
    [
        (Method::Get, &item.get),
        (Method::Put, &item.put),
        (Method::Post, &item.post),
        (Method::Delete, &item.delete),
        (Method::Options, &item.options),
        (Method::Head, &item.head),
        (Method::Patch, &item.patch),
        (Method::Trace, &item.trace),
    ]
}

impl<'s, 'a> OperationBuilder<'s, 'a> {
    pub fn paths(&mut self) -> Result<Vec<Operation>> {
        let mut operations = Vec::new();
        for (path, item) in &self.openapi.paths.paths {
            let item_pointer = pointer_join("/paths", path);
            let ReferenceOr::Item(item) = item else {
                return Err(Error::at_pointer(
                    self.origin,
                    &item_pointer,
                    "a `$ref` as a whole path item is not supported; write the path item inline",
                ));
            };
            // Some documents write the query into the path key
            // (`/search/articles?query={query}`) and declare those names as query parameters:
            // the path is what comes before `?`, the query is built from the parameters.
            let path = path.split_once('?').map_or(path.as_str(), |(path, _)| path);
            for (method, operation) in methods(item) {
                if let Some(operation) = operation {
                    operations.push(self.operation(
                        path,
                        &item_pointer,
                        item,
                        method,
                        operation,
                    )?);
                }
            }
        }
        operations.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
        Ok(operations)
    }

    pub fn webhooks(
        &mut self,
        webhooks: &'a indexmap::IndexMap<String, PathItem>,
    ) -> Result<Vec<Webhook>> {
        let mut out = Vec::new();
        for (name, item) in webhooks {
            let item_pointer = pointer_join("/webhooks", name);
            for (method, operation) in methods(item) {
                if let Some(operation) = operation {
                    let operation =
                        self.operation(name, &item_pointer, item, method, operation)?;
                    out.push(Webhook {
                        name: name.clone(),
                        rust_name: type_name(name),
                        operation,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn operation(
        &mut self,
        path: &str,
        item_pointer: &str,
        item: &PathItem,
        method: Method,
        op: &openapiv3::Operation,
    ) -> Result<Operation> {
        let pointer = pointer_join(item_pointer, &method.as_str().to_ascii_lowercase());
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| synthesized_id(method, path));
        let hint = hint_part(&id);

        let mut params: Vec<Param> = Vec::new();
        for (i, param) in op.parameters.iter().enumerate() {
            let at = pointer_join(&pointer_join(&pointer, "parameters"), &i.to_string());
            params.push(self.param(param, &hint, &at)?);
        }
        // Path-level parameters apply unless the operation redefines the same name and location.
        for (i, param) in item.parameters.iter().enumerate() {
            let at =
                pointer_join(&pointer_join(item_pointer, "parameters"), &i.to_string());
            let param = self.param(param, &hint, &at)?;
            if !params
                .iter()
                .any(|p| p.name == param.name && p.location == param.location)
            {
                params.push(param);
            }
        }

        let request_body = match &op.request_body {
            Some(body) => Some(self.request_body(
                body,
                &hint,
                &pointer_join(&pointer, "requestBody"),
            )?),
            None => None,
        };

        let mut responses = Vec::new();
        let responses_pointer = pointer_join(&pointer, "responses");
        let success_count = op
            .responses
            .responses
            .keys()
            .filter(|s| s.to_string().starts_with('2'))
            .count();
        for (status, response) in &op.responses.responses {
            let status = status.to_string();
            let response_hint = if status.starts_with('2') && success_count == 1 {
                format!("{hint}Response")
            } else {
                format!("{hint}{status}Response")
            };
            let at = pointer_join(&responses_pointer, &status);
            responses.push(self.response(status, response, &response_hint, &at)?);
        }
        if let Some(default) = &op.responses.default {
            let at = pointer_join(&responses_pointer, "default");
            responses.push(self.response(
                "default".into(),
                default,
                &format!("{hint}DefaultResponse"),
                &at,
            )?);
        }
        responses.sort_by_key(|r| status_order(&r.status));

        let security = op
            .security
            .as_ref()
            .or(self.openapi.security.as_ref())
            .map(|requirements| {
                requirements
                    .iter()
                    .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .collect()
            })
            .unwrap_or_default();

        Ok(Operation {
            id,
            rust_name: String::new(),
            group_method: String::new(),
            tag: op
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| "default".to_owned()),
            method,
            path: path.to_owned(),
            pointer,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            request_body,
            responses,
            security,
        })
    }

    fn param(
        &mut self,
        param: &ReferenceOr<Parameter>,
        hint: &str,
        at: &str,
    ) -> Result<Param> {
        let (param, at) = self.resolve(param, "parameters", at, |c| &c.parameters)?;
        let (data, location, style, explode_default) = match &*param {
            Parameter::Query { parameter_data, style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form => None,
                    openapiv3::QueryStyle::SpaceDelimited => {
                        Some("spaceDelimited".to_owned())
                    }
                    openapiv3::QueryStyle::PipeDelimited => {
                        Some("pipeDelimited".to_owned())
                    }
                    openapiv3::QueryStyle::DeepObject => Some("deepObject".to_owned()),
                };
                (parameter_data, ParamLocation::Query, style, true)
            }
            Parameter::Header { parameter_data, .. } => {
                (parameter_data, ParamLocation::Header, None, false)
            }
            Parameter::Path { parameter_data, .. } => {
                (parameter_data, ParamLocation::Path, None, false)
            }
            Parameter::Cookie { parameter_data, .. } => {
                (parameter_data, ParamLocation::Cookie, None, true)
            }
        };
        let param_hint = format!("{hint}{}", hint_part(&data.name));
        let (shape, schema_docs) =
            self.parameter_format(&data.format, &param_hint, &at)?;
        let role = match data.name.to_ascii_lowercase().as_str() {
            "idempotency-key" if location == ParamLocation::Header => {
                Some(ParamRole::IdempotencyKey)
            }
            "rivya-webhook-signature" if location == ParamLocation::Header => {
                Some(ParamRole::WebhookSignature)
            }
            "rivya-webhook-timestamp" if location == ParamLocation::Header => {
                Some(ParamRole::WebhookTimestamp)
            }
            _ => None,
        };
        let mut docs = schema_docs;
        if data.description.is_some() {
            docs.description = data.description.clone();
        }
        docs.deprecated |= data.deprecated.unwrap_or(false);
        if data.example.is_some() {
            docs.example = data.example.clone().map(Box::new);
        }
        Ok(Param {
            name: data.name.clone(),
            rust_name: String::new(),
            location,
            pointer: at,
            required: data.required || location == ParamLocation::Path,
            shape,
            docs,
            role,
            style,
            explode: data.explode.unwrap_or(explode_default),
        })
    }

    fn parameter_format(
        &mut self,
        format: &ParameterSchemaOrContent,
        hint: &str,
        at: &str,
    ) -> Result<(Shape, Docs)> {
        match format {
            ParameterSchemaOrContent::Schema(schema) => {
                let docs = match schema {
                    ReferenceOr::Item(s) => schema_docs(&s.schema_data),
                    ReferenceOr::Reference { .. } => Docs::default(),
                };
                Ok((
                    self.schemas
                        .shape(schema, hint, &pointer_join(at, "schema"))?,
                    docs,
                ))
            }
            ParameterSchemaOrContent::Content(content) => {
                let Some((media, media_type)) = content.first() else {
                    return Ok((Shape::of(TypeRef::Any), Docs::default()));
                };
                let schema_at = pointer_join(
                    &pointer_join(&pointer_join(at, "content"), media),
                    "schema",
                );
                let shape = match &media_type.schema {
                    Some(schema) => self.schemas.shape(schema, hint, &schema_at)?,
                    None => Shape::of(TypeRef::Any),
                };
                Ok((shape, Docs::default()))
            }
        }
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        hint: &str,
        at: &str,
    ) -> Result<RequestBody> {
        let (body, at) =
            self.resolve(body, "requestBodies", at, |c| &c.request_bodies)?;
        let many = body.content.len() > 1;
        let mut contents = Vec::new();
        for (media, media_type) in &body.content {
            let kind = content_kind(media);
            let content_hint = if many {
                format!("{hint}{}Request", kind_label(kind))
            } else {
                format!("{hint}Request")
            };
            contents.push(self.content(
                media,
                media_type,
                &content_hint,
                &pointer_join(&pointer_join(&at, "content"), media),
            )?);
        }
        Ok(RequestBody {
            pointer: at,
            required: body.required,
            description: body.description.clone(),
            contents,
        })
    }

    fn response(
        &mut self,
        status: String,
        response: &ReferenceOr<openapiv3::Response>,
        hint: &str,
        at: &str,
    ) -> Result<Response> {
        let component = match response {
            ReferenceOr::Reference { reference } => {
                reference.rsplit('/').next().map(str::to_owned)
            }
            ReferenceOr::Item(_) => None,
        };
        // Shared responses are typed once, under their component name.
        let hint = component
            .as_deref()
            .map(hint_part)
            .unwrap_or_else(|| hint.to_owned());
        let (response, at) =
            self.resolve(response, "responses", at, |c| &c.responses)?;
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let header_at = pointer_join(&pointer_join(&at, "headers"), name);
            let (header, header_at) =
                self.resolve(header, "headers", &header_at, |c| &c.headers)?;
            let (shape, mut docs) = self.parameter_format(
                &header.format,
                &format!("{hint}{}", hint_part(name)),
                &header_at,
            )?;
            if header.description.is_some() {
                docs.description = header.description.clone();
            }
            headers.push(Header {
                pointer: header_at,
                name: name.clone(),
                required: header.required,
                shape,
                docs,
            });
        }
        headers.sort_by(|a, b| a.name.cmp(&b.name));
        let mut contents = Vec::new();
        let many = response.content.len() > 1;
        for (media, media_type) in &response.content {
            let kind = content_kind(media);
            let content_hint = if many {
                format!("{hint}{}", kind_label(kind))
            } else {
                hint.clone()
            };
            contents.push(self.content(
                media,
                media_type,
                &content_hint,
                &pointer_join(&pointer_join(&at, "content"), media),
            )?);
        }
        Ok(Response {
            pointer: at,
            status,
            description: response.description.clone(),
            headers,
            contents,
            component,
        })
    }

    fn content(
        &mut self,
        media: &str,
        media_type: &openapiv3::MediaType,
        hint: &str,
        at: &str,
    ) -> Result<Content> {
        let kind = content_kind(media);
        let shape = match &media_type.schema {
            Some(schema) => Some(self.schemas.shape(
                schema,
                hint,
                &pointer_join(at, "schema"),
            )?),
            None => None,
        };
        let parts = match (kind, &shape) {
            (ContentKind::Multipart | ContentKind::FormUrlEncoded, Some(shape)) => {
                self.multipart_parts(shape, media_type)
            }
            _ => Vec::new(),
        };
        let example = media_type
            .example
            .clone()
            .or_else(|| {
                media_type
                    .examples
                    .values()
                    .find_map(|example| match example {
                        ReferenceOr::Item(example) => example.value.clone(),
                        ReferenceOr::Reference { .. } => None,
                    })
            })
            .map(Box::new);
        Ok(Content {
            media_type: media.to_owned(),
            kind,
            shape,
            parts,
            example,
        })
    }

    fn multipart_parts(
        &self,
        shape: &Shape,
        media_type: &openapiv3::MediaType,
    ) -> Vec<MultipartPart> {
        let Some(TypeDef {
            kind: TypeKind::Struct { fields, .. },
            ..
        }) = shape.named().and_then(|name| self.schemas.types.get(name))
        else {
            return Vec::new();
        };
        fields
            .iter()
            .map(|field| MultipartPart {
                name: field.name.clone(),
                required: field.required,
                is_file: is_binary(&field.shape),
                content_type: media_type
                    .encoding
                    .get(&field.name)
                    .and_then(|e| e.content_type.clone()),
            })
            .collect()
    }

    /// Follows a `$ref` to `components.<section>`, or to any other place in the document
    /// (`#/paths/~1jobs/get/responses/401`: real documents share a response or a parameter
    /// of one operation with another); returns the item and the pointer it lives at. The item
    /// is borrowed where the document holds it read: request bodies and responses carry
    /// whole inline schemas, and a large contract has thousands of them.
    fn resolve<'i, T: Clone + serde::de::DeserializeOwned>(
        &self,
        item: &'i ReferenceOr<T>,
        section: &str,
        at: &str,
        select: fn(
            &openapiv3::Components,
        ) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(Cow<'i, T>, String)>
    where
        'a: 'i,
    {
        let mut current = Cow::Borrowed(item);
        let mut pointer = at.to_owned();
        let mut followed = foldhash::HashSet::default();
        loop {
            let reference = match current {
                Cow::Borrowed(ReferenceOr::Item(item)) => {
                    return Ok((Cow::Borrowed(item), pointer))
                }
                Cow::Owned(ReferenceOr::Item(item)) => {
                    return Ok((Cow::Owned(item), pointer))
                }
                Cow::Borrowed(ReferenceOr::Reference { reference }) => reference.clone(),
                Cow::Owned(ReferenceOr::Reference { reference }) => reference,
            };
            let prefix = format!("#/components/{section}/");
            let in_section = reference.strip_prefix(&prefix).and_then(|name| {
                let name = unescape_pointer_token(name);
                self.openapi
                    .components
                    .as_ref()
                    .and_then(|c| select(c).get(&name))
                    .map(|r| {
                        (
                            Cow::Borrowed(r),
                            pointer_join(&format!("/components/{section}"), &name),
                        )
                    })
            });
            let elsewhere = || -> Result<Option<(Cow<'i, ReferenceOr<T>>, String)>> {
                let Some(target) = local_pointer(&reference) else {
                    return Ok(None);
                };
                let Some(value) = self.schemas.raw().pointer(&target) else {
                    return Ok(None);
                };
                let item = deserialize_at(self.origin, &target, value.clone())?;
                Ok(Some((Cow::Owned(item), target)))
            };
            let next = match in_section {
                Some(found) => Some(found),
                None => elsewhere()?,
            };
            let Some((next, target)) = next else {
                return Err(Error::at_pointer(
                    self.origin,
                    at,
                    format!(
                        "`$ref: {reference}` does not point at a {}",
                        section_item(section)
                    ),
                ));
            };
            // refs::check rules out cycles of references it saw; this guards the rest.
            if !followed.insert(target.clone()) {
                return Err(Error::at_pointer(
                    self.origin,
                    at,
                    format!("`$ref` cycle through #{target}"),
                ));
            }
            pointer = target;
            current = next;
        }
    }
}

/// What a `components` section holds, for messages.
fn section_item(section: &str) -> &'static str {
    match section {
        "parameters" => "parameter",
        "requestBodies" => "request body",
        "responses" => "response",
        "headers" => "header",
        _ => "component",
    }
}

fn is_binary(shape: &Shape) -> bool {
    match &shape.ty {
        TypeRef::String {
            format: Some(StringFormat::Binary),
        } => true,
        TypeRef::List { items } => is_binary(items),
        _ => false,
    }
}

pub fn content_kind(media: &str) -> ContentKind {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        ContentKind::Json
    } else if essence.starts_with("multipart/") {
        ContentKind::Multipart
    } else if essence == "application/x-www-form-urlencoded" {
        ContentKind::FormUrlEncoded
    } else if essence == "text/event-stream" {
        ContentKind::EventStream
    } else if essence.starts_with("text/") {
        ContentKind::Text
    } else {
        ContentKind::Binary
    }
}

fn kind_label(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Json => "Json",
        ContentKind::Multipart => "Multipart",
        ContentKind::FormUrlEncoded => "Form",
        ContentKind::EventStream => "Stream",
        ContentKind::Text => "Text",
        ContentKind::Binary => "Binary",
    }
}

/// Exact codes in numeric order, then ranges, then `default`.
fn status_order(status: &str) -> (u8, String) {
    if status == "default" {
        (2, String::new())
    } else if status.contains('X') || status.contains('x') {
        (1, status.to_owned())
    } else {
        (0, status.to_owned())
    }
}

fn synthesized_id(method: Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let word = segment.trim_start_matches('{').trim_end_matches('}');
        if segment.starts_with('{') {
            id.push_str("_by");
        }
        id.push('_');
        id.push_str(word);
    }
    id
}
