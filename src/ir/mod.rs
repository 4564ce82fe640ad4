//! Stage 3: the normalized IR, built once from a checked spec and read by every backend.

pub mod catalog;
pub mod conform;
mod graph;
mod model;
pub mod names;
mod operations;
mod schemas;

pub use catalog::{
    Catalog, MediaRule, Model, ModelParam, ParamOption, ParamTarget, ParamType,
};
pub use graph::reachable;
pub use model::*;

use crate::error::Result;
use crate::load::Document;
use crate::normalize::Spec;
use names::{field_name, type_name, variant_name, Namespace};

/// Builds the IR. The catalog comes from `models` (a ModelList document) when given, otherwise
/// from the spec's `x-rivya-models` extension, if it has one. `reserved` are the type names
/// the generated code defines itself, which contract types must not take: the backends know
/// them (the SDK reads its runtime's), so the pipeline passes them in.
pub fn build(
    spec: &Spec,
    models: Option<&Document>,
    reserved: &std::collections::BTreeSet<String>,
) -> Result<Ir> {
    let mut schemas = schemas::SchemaBuilder::new(spec);
    schemas.define_components()?;
    let mut ops = operations::OperationBuilder {
        schemas: &mut schemas,
        openapi: &spec.openapi,
        origin: &spec.origin,
    };
    let mut operations = ops.paths()?;
    let mut webhooks = ops.webhooks(&spec.webhooks)?;
    let mut types = std::mem::take(&mut schemas.types);
    let mut warnings = spec.warnings.clone();
    warnings.append(&mut schemas.warnings);

    check_requests(&spec.origin, &mut operations, &types, &mut warnings)?;
    // The graph's facts only read the finished types: the cycles are found on a second core
    // while the rest are, and all are marked after.
    let (self_alias, usage, recursion) = std::thread::scope(|scope| {
        let recursion = scope.spawn(|| graph::recursion(&types));
        let self_alias = graph::self_alias(&types);
        let usage = graph::usage(&types, &operations, &webhooks);
        let recursion = recursion.join().expect("the cycle search does not panic");
        (
            self_alias.map(|def| (def.name.clone(), def.pointer.clone())),
            usage,
            recursion,
        )
    });
    if let Some((name, pointer)) = self_alias {
        return Err(crate::Error::at_pointer(
            &spec.origin,
            &pointer,
            format!("`{name}` is defined only as a reference to itself"),
        ));
    }
    usage.mark(&mut types);
    recursion.mark(&mut types);
    assign_type_names(&mut types, reserved);
    let tags = assign_operation_names(spec, &mut operations);
    for webhook in &mut webhooks {
        let operation = &mut webhook.operation;
        operation.rust_name = field_name(&operation.id);
        operation.group_method = operation.rust_name.clone();
        assign_param_names(&mut operation.params);
    }

    let raw_catalog = match models {
        Some(document) => {
            Some(catalog::from_model_list(&document.origin, &document.value)?)
        }
        None => spec
            .openapi
            .extensions
            .get(catalog::EXTENSION)
            .map(|value| -> Result<catalog::RawCatalog> {
                let models = value.as_array().cloned().ok_or_else(|| {
                    crate::Error::at_pointer(
                        &spec.origin,
                        "/x-rivya-models",
                        "must be an array of models",
                    )
                })?;
                Ok(catalog::RawCatalog {
                    origin: spec.origin.clone(),
                    pointer: "/x-rivya-models".into(),
                    models,
                })
            })
            .transpose()?,
    };
    let catalog = match raw_catalog {
        Some(raw) => {
            let source = if models.is_some() {
                raw.origin.clone()
            } else {
                catalog::EXTENSION.to_owned()
            };
            Some(catalog::build(raw, &types, source)?)
        }
        None => None,
    };

    let info = &spec.openapi.info;
    Ok(Ir {
        api: ApiInfo {
            title: info.title.clone(),
            version: info.version.clone(),
            description: info.description.clone(),
            spec_version: spec.version,
            servers: spec.openapi.servers.iter().map(|s| s.url.clone()).collect(),
        },
        types,
        operations,
        tags,
        webhooks,
        security_schemes: security_schemes(spec),
        catalog,
        warnings,
    })
}

/// What every client of the contract needs to send a request, checked here so that the SDK
/// backend never meets an operation it cannot call: every `{name}` of a path template is a
/// declared path parameter (OpenAPI requires it), and a body that is only multipart without an
/// object schema to build the parts from is sent as bytes, with a warning.
fn check_requests(
    origin: &str,
    operations: &mut [Operation],
    types: &std::collections::BTreeMap<String, TypeDef>,
    warnings: &mut Vec<crate::error::Warning>,
) -> Result<()> {
    for operation in operations {
        // Read as the SDK formats the path: `{` to the next `}`; a lone `{` is text.
        let mut rest = operation.path.as_str();
        while let Some(start) = rest.find('{') {
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + end];
            if !operation
                .params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name == name)
            {
                let path = crate::error::pointer_join("/paths", &operation.path);
                return Err(crate::Error::at_pointer(
                    origin,
                    &path,
                    format!(
                        "the path names {{{name}}} but {} declares no path parameter {name:?}",
                        operation.method.as_str()
                    ),
                ));
            }
            rest = &rest[start + end + 1..];
        }
        let Some(body) = &mut operation.request_body else {
            continue;
        };
        let sendable = |content: &Content| match content.kind {
            ContentKind::EventStream => false,
            ContentKind::Multipart => multipart_struct(types, content).is_some(),
            _ => true,
        };
        if body.contents.iter().any(sendable) {
            continue;
        }
        // A multipart body that is one string (seen: `{type: string, format: binary}`) has no
        // parts to build: the caller sends the encoded body as bytes.
        let body_pointer = body.pointer.clone();
        if let Some(content) = body
            .contents
            .iter_mut()
            .find(|c| c.kind == ContentKind::Multipart)
        {
            let at = crate::error::pointer_join(
                &crate::error::pointer_join(&body_pointer, "content"),
                &content.media_type,
            );
            content.kind = ContentKind::Binary;
            warnings.push(crate::error::Warning {
                pointer: crate::error::pointer_join(&at, "schema"),
                message: "a multipart body without an object schema has no parts to build; it is sent as bytes the caller encodes".to_owned(),
            });
        }
    }
    Ok(())
}

/// The struct a multipart body is built from: its schema, when that is a named object.
pub fn multipart_struct<'t>(
    types: &'t std::collections::BTreeMap<String, TypeDef>,
    content: &Content,
) -> Option<&'t TypeDef> {
    let def = types.get(content.shape.as_ref()?.named()?)?;
    matches!(def.kind, TypeKind::Struct { .. }).then_some(def)
}

fn assign_type_names(
    types: &mut std::collections::BTreeMap<String, TypeDef>,
    reserved: &std::collections::BTreeSet<String>,
) {
    let mut namespace = Namespace::new();
    namespace.reserve(reserved.iter().map(String::as_str));
    let idents = namespace.assign_all(types.keys().map(String::as_str), type_name);
    let mut defs: Vec<&mut TypeDef> = Vec::with_capacity(types.len());
    for (name, def) in types.iter_mut() {
        def.rust_name = idents[name].clone();
        defs.push(def);
    }
    // Members are named within their own type, so the types are shared out over the cores:
    // a large contract has tens of thousands of members, named on one core before the
    // backends start.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = defs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let mut chunks = defs.chunks_mut(chunk);
        let own = chunks.next();
        for part in chunks {
            scope
                .spawn(move || part.iter_mut().for_each(|def| assign_member_names(def)));
        }
        own.into_iter()
            .flatten()
            .for_each(|def| assign_member_names(def));
    });
}

/// Names a type's fields, enum values or union variants, unique within the type.
fn assign_member_names(def: &mut TypeDef) {
    match &mut def.kind {
        TypeKind::Struct { fields, .. } => {
            let idents = Namespace::new()
                .assign_all(fields.iter().map(|f| f.name.as_str()), field_name);
            for field in fields {
                field.rust_name = idents[&field.name].clone();
            }
        }
        TypeKind::StringEnum { values } | TypeKind::IntegerEnum { values } => {
            let labels: Vec<String> =
                values.iter().map(|v| scalar_text(&v.value)).collect();
            let idents = Namespace::new()
                .assign_all(labels.iter().map(String::as_str), variant_name);
            for (value, label) in values.iter_mut().zip(&labels) {
                value.rust_name = idents[label].clone();
            }
        }
        TypeKind::TaggedUnion { variants, .. }
        | TypeKind::UntaggedUnion { variants } => {
            // Until now `rust_name` holds the variant's label (tag value or type name).
            let labels: Vec<String> =
                variants.iter().map(|v| v.rust_name.clone()).collect();
            let mut namespace = Namespace::new();
            let mut assigned = Vec::with_capacity(labels.len());
            for label in &labels {
                assigned.push(namespace.claim(&variant_name(label)));
            }
            for (variant, ident) in variants.iter_mut().zip(assigned) {
                variant.rust_name = ident;
            }
        }
        TypeKind::Alias { .. } => {}
    }
}

fn scalar_text(value: &serde_json::Value) -> String {
    value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string())
}

/// Tags become client groups; operations get a crate-wide snake_case name and parameters
/// names unique within their operation.
fn assign_operation_names(spec: &Spec, operations: &mut [Operation]) -> Vec<Tag> {
    let mut declared: Vec<Tag> = spec
        .openapi
        .tags
        .iter()
        .map(|t| Tag {
            name: t.name.clone(),
            rust_name: String::new(),
            description: t.description.clone(),
        })
        .collect();
    let mut undeclared: Vec<&str> = operations
        .iter()
        .map(|o| o.tag.as_str())
        .filter(|t| !declared.iter().any(|d| d.name == *t))
        .collect();
    undeclared.sort();
    undeclared.dedup();
    declared.extend(undeclared.into_iter().map(|t| Tag {
        name: t.to_owned(),
        rust_name: String::new(),
        description: None,
    }));
    let idents = Namespace::new()
        .assign_all(declared.iter().map(|t| t.name.as_str()), field_name);
    for tag in &mut declared {
        tag.rust_name = idents[&tag.name].clone();
    }

    let idents = Namespace::new()
        .assign_all(operations.iter().map(|o| o.id.as_str()), field_name);
    for operation in operations.iter_mut() {
        operation.rust_name = idents[&operation.id].clone();
        assign_param_names(&mut operation.params);
    }
    for tag in &declared {
        assign_group_methods(tag, operations);
    }
    declared
}

/// `createGeneration` in group "Generations" is `create`; `streamChatCompletion` in "Chat" is
/// `stream_completion`. Where dropping the tag's words leaves nothing or collides within the
/// group, the operation keeps its full name.
fn assign_group_methods(tag: &Tag, operations: &mut [Operation]) {
    let tag_words: Vec<String> = tag
        .rust_name
        .trim_end_matches('_')
        .split('_')
        .flat_map(|w| [w.to_owned(), w.trim_end_matches('s').to_owned()])
        .collect();
    let in_group: Vec<usize> = (0..operations.len())
        .filter(|&i| operations[i].tag == tag.name)
        .collect();
    let short: Vec<String> = in_group
        .iter()
        .map(|&i| {
            let full = operations[i].rust_name.trim_end_matches('_');
            let kept: Vec<&str> = full
                .split('_')
                .filter(|w| !tag_words.iter().any(|t| t == w))
                .collect();
            field_name(&kept.join("_"))
        })
        .collect();
    for (position, &i) in in_group.iter().enumerate() {
        let candidate = &short[position];
        let unique = short.iter().filter(|s| *s == candidate).count() == 1;
        let clashes_with_full_name = in_group
            .iter()
            .any(|&j| j != i && operations[j].rust_name == *candidate);
        operations[i].group_method =
            if candidate != "value" && unique && !clashes_with_full_name {
                candidate.clone()
            } else {
                operations[i].rust_name.clone()
            };
    }
}

fn assign_param_names(params: &mut [Param]) {
    let idents =
        Namespace::new().assign_all(params.iter().map(|p| p.name.as_str()), field_name);
    for param in params {
        param.rust_name = idents[&param.name].clone();
    }
}

fn security_schemes(spec: &Spec) -> Vec<SecurityScheme> {
    use openapiv3::SecurityScheme as S;
    let Some(components) = &spec.openapi.components else {
        return Vec::new();
    };
    let mut schemes: Vec<SecurityScheme> = components
        .security_schemes
        .iter()
        .filter_map(|(name, scheme)| match scheme {
            openapiv3::ReferenceOr::Item(scheme) => Some((name, scheme)),
            openapiv3::ReferenceOr::Reference { .. } => None,
        })
        .map(|(name, scheme)| {
            let (kind, description) = match scheme {
                S::HTTP {
                    scheme,
                    bearer_format,
                    description,
                    ..
                } => (
                    match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => SecuritySchemeKind::HttpBearer {
                            bearer_format: bearer_format.clone(),
                        },
                        "basic" => SecuritySchemeKind::HttpBasic,
                        other => SecuritySchemeKind::Other { scheme: other.to_owned() },
                    },
                    description,
                ),
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => (
                    SecuritySchemeKind::ApiKey {
                        location: match location {
                            openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                            openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                            openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                        },
                        name: name.clone(),
                    },
                    description,
                ),
                S::OAuth2 { description, .. } => {
                    (SecuritySchemeKind::OAuth2, description)
                }
                S::OpenIDConnect { description, .. } => {
                    (SecuritySchemeKind::OpenIdConnect, description)
                }
            };
            SecurityScheme {
                name: name.clone(),
                kind,
                description: description.clone(),
            }
        })
        .collect();
    schemes.sort_by(|a, b| a.name.cmp(&b.name));
    schemes
}
