//! The IR of the contract fixtures, of an independent rendering, and of a small spec that uses
//! every construct.

mod common;

use common::*;
use rivya_codegen::ir::{self, ParamRole, TypeKind, TypeRef};
use rivya_codegen::load::{self, Limits, Source};
use rivya_codegen::normalize::{self, SpecVersion};

fn pretty(ir: &ir::Ir) -> String {
    serde_json::to_string_pretty(ir).unwrap()
}

#[test]
fn fixture_3_1_snapshot() {
    insta::assert_snapshot!("ir-openapi-3.1", pretty(&ir_of("fixtures/openapi.json")));
}

#[test]
fn fixture_3_0_snapshot() {
    insta::assert_snapshot!(
        "ir-openapi-3.0",
        pretty(&ir_of("fixtures/openapi-3.0.json"))
    );
}

/// The two fixtures say the same thing in two OpenAPI versions; the IR must not tell them
/// apart, except for what 3.0 cannot say (the `webhooks` section) and the version itself.
#[test]
fn versions_3_0_and_3_1_give_the_same_ir() {
    let mut spec_31 = spec("fixtures/openapi.json");
    assert_eq!(spec_31.webhooks.len(), 2, "the 3.1 fixture has webhooks");
    spec_31.webhooks.clear();
    let mut from_31 = rivya_codegen::pipeline::build_ir(&spec_31, None).unwrap();
    let from_30 = ir_of("fixtures/openapi-3.0.json");
    assert_eq!(from_31.api.spec_version, SpecVersion::V3_1);
    assert_eq!(from_30.api.spec_version, SpecVersion::V3_0);
    from_31.api.spec_version = SpecVersion::V3_0;
    if from_31 != from_30 {
        // Show the first differing line rather than two 300 KB dumps.
        let (a, b) = (pretty(&from_31), pretty(&from_30));
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "IRs differ at line {line}:\n3.1: {}\n3.0: {}",
            a.lines().nth(line).unwrap_or(""),
            b.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn output_is_byte_identical_across_runs() {
    let first = run(&["ir"]);
    let second = run(&["ir"]);
    assert_eq!(first.status.code(), Some(0));
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn fixture_covers_the_contract() {
    let ir = ir_of("fixtures/openapi.json");
    for name in CONTRACT_SCHEMAS {
        assert!(ir.types.contains_key(*name), "{name} is missing");
    }
    assert_eq!(ir.operations.len(), 14);
    let webhook_names: Vec<&str> = ir.webhooks.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(webhook_names, ["generation.failed", "generation.succeeded"]);
    let catalog = ir.catalog.as_ref().expect("x-rivya-models is read");
    assert!(catalog.models.len() >= 10);
    for id in ["z-image", "nano-banana-2", "gpt-5-2-chat"] {
        assert!(catalog.models.iter().any(|m| m.id == id), "{id}");
    }
    let z_image = catalog.models.iter().find(|m| m.id == "z-image").unwrap();
    assert_eq!(z_image.rust_name, "ZImage");
    let aspect = z_image
        .params
        .iter()
        .find(|p| p.name == "aspect_ratio")
        .unwrap();
    let options: Vec<(&str, &str)> = aspect
        .options
        .iter()
        .map(|o| (o.value.as_str().unwrap(), o.rust_name.as_str()))
        .collect();
    assert!(
        options.contains(&("16:9", "V16_9")) && options.contains(&("1:1", "V1_1")),
        "{options:?}"
    );

    let create = ir
        .operations
        .iter()
        .find(|o| o.id == "createGeneration")
        .unwrap();
    assert_eq!(
        (create.rust_name.as_str(), create.group_method.as_str()),
        ("create_generation", "create")
    );
    assert!(create
        .params
        .iter()
        .any(|p| p.role == Some(ParamRole::IdempotencyKey)));
    assert_eq!(create.security[0]["bearerAuth"], ["generations:create"]);

    let stream = ir
        .operations
        .iter()
        .find(|o| o.id == "streamChatCompletion")
        .unwrap();
    let events = stream.responses[0]
        .contents
        .iter()
        .find(|c| c.kind == ir::ContentKind::EventStream)
        .unwrap();
    let events = &ir.types[events.shape.as_ref().unwrap().named().unwrap()];
    let TypeKind::TaggedUnion { tag, variants } = &events.kind else {
        panic!("{:?}", events.kind)
    };
    assert_eq!(tag, "type");
    let tags: Vec<&str> = variants
        .iter()
        .filter_map(|v| v.tag_value.as_deref())
        .collect();
    assert_eq!(
        tags,
        [
            "session.created",
            "message.delta",
            "message.completed",
            "usage.completed",
            "heartbeat",
            "error",
            "done"
        ]
    );

    let list_models = ir.operations.iter().find(|o| o.id == "listModels").unwrap();
    assert!(
        list_models.security.iter().any(|r| r.is_empty()),
        "listModels may be called without a key"
    );
}

const CONTRACT_SCHEMAS: &[&str] = &[
    "ModelList",
    "PublicApiModel",
    "ModelParam",
    "PublicApiFile",
    "ReferenceMediaItem",
    "PublicGeneration",
    "GenerationResult",
    "GenerationError",
    "ChatCompletionRequest",
    "ChatCompletion",
    "ChatSession",
    "ChatMessage",
    "ChatUsage",
    "ChatCredits",
    "CreditBalance",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookDelivery",
    "WebhookTestResult",
    "PublicApiError",
];

/// Written by someone else from the contract's prose alone, in YAML with other 3.1 idioms.
#[test]
fn independent_rendering_loads_completely() {
    let ir = ir_of("tests/data/independent/rivya-openapi-3.1.yaml");
    for name in CONTRACT_SCHEMAS {
        assert!(ir.types.contains_key(*name), "{name} is missing");
    }
    assert_eq!(ir.operations.len(), 14);
    assert_eq!(ir.webhooks.len(), 2);
    let catalog = ir.catalog.expect("x-rivya-models is read");
    let ids: Vec<&str> = catalog.models.iter().map(|m| m.id.as_str()).collect();
    for id in ["z-image", "nano-banana-2", "gpt-5-2-chat"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(ir.warnings.is_empty(), "{:?}", ir.warnings);
}

#[test]
fn models_flag_supplies_the_same_catalog() {
    let spec = spec("fixtures/openapi.json");
    let models = load::load(
        &Source::File(root().join("fixtures/models.json")),
        &Limits::default(),
    )
    .unwrap();
    let from_file = rivya_codegen::pipeline::build_ir(&spec, Some(&models))
        .unwrap()
        .catalog
        .unwrap();
    let embedded = rivya_codegen::pipeline::build_ir(&spec, None)
        .unwrap()
        .catalog
        .unwrap();
    assert_eq!(embedded.source, "x-rivya-models");
    assert!(from_file.source.ends_with("models.json"));
    assert_eq!(from_file.models, embedded.models);
}

#[test]
fn spec_and_models_load_from_urls() {
    let server = TestServer::start(2, |path| {
        let file = match path {
            "/api/v1/openapi.json" => "tests/data/every-construct.yaml",
            _ => return Some(http_response("404 Not Found", b"")),
        };
        Some(http_response("200 OK", &read(&root().join(file))))
    });
    let url = format!("{}/api/v1/openapi.json", server.url);
    let document = load::load(&Source::parse(&url), &Limits::default()).unwrap();
    assert_eq!(document.origin, url);
    let from_url = rivya_codegen::pipeline::build_ir(
        &normalize::normalize(document).unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(
        from_url,
        ir_of("tests/data/every-construct.yaml"),
        "YAML recognised by content, not by name"
    );
}

#[test]
fn every_construct_snapshot() {
    insta::assert_snapshot!(
        "ir-every-construct",
        pretty(&ir_of("tests/data/every-construct.yaml"))
    );
}

#[test]
fn every_construct_is_modelled() {
    let ir = ir_of("tests/data/every-construct.yaml");
    let TypeKind::Struct { fields, .. } = &ir.types["Thing"].kind else {
        panic!()
    };
    let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap();

    // Identifiers: keywords, collisions after case conversion, digits, non-ASCII.
    assert_eq!(field("type").rust_name, "type_");
    assert_eq!(field("self").rust_name, "self_");
    assert_eq!(field("in").rust_name, "in_");
    assert_eq!(field("mime_type").rust_name, "mime_type");
    assert_eq!(field("mimeType").rust_name, "mime_type_2");
    assert_eq!(field("2fa").rust_name, "n2fa");
    assert_eq!(field("café").rust_name, "cafe");
    assert_eq!(ir.types["FooBar"].rust_name, "FooBar");
    assert_eq!(
        ir.types["foo_bar"].rust_name, "FooBar2",
        "a collision never merges two types"
    );
    assert_eq!(ir.types["Self"].rust_name, "SelfType");
    let TypeKind::StringEnum { values } = &ir.types["ThingStatus"].kind else {
        panic!()
    };
    let variants: Vec<&str> = values.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(variants, ["Active", "V16_9", "V1_1", "Retired"]);

    // Requiredness and nullability are kept apart.
    assert!(field("parent").required && field("parent").shape.nullable);
    assert!(!field("secret").required && !field("secret").shape.nullable);
    assert!(field("id").read_only && field("secret").write_only);
    assert!(field("mime_type").docs.deprecated);
    assert_eq!(
        field("in").shape.default.as_deref(),
        Some(&serde_json::json!(false))
    );
    assert_eq!(field("secret").shape.constraints().max_length, Some(64));
    assert!(field("size").shape.constraints().exclusive_minimum);
    assert_eq!(
        field("object").shape.ty,
        TypeRef::Const {
            value: serde_json::json!("thing")
        }
    );
    assert!(matches!(field("labels").shape.ty, TypeRef::Map { .. }));
    assert!(matches!(field("anything").shape.ty, TypeRef::Any));
    assert!(matches!(
        ir.types["ThingPriority"].kind,
        TypeKind::IntegerEnum { .. }
    ));

    // Limits without a type are kept; allOf members add requiredness and tighten limits.
    assert_eq!(field("loose").shape.ty, TypeRef::Any);
    assert_eq!(field("loose").shape.constraints().max_length, Some(5));
    let TypeKind::Struct { fields: extended, .. } = &ir.types["Extended"].kind else {
        panic!()
    };
    let extra = extended.iter().find(|f| f.name == "extra").unwrap();
    assert!(extra.required, "required by a later allOf member");
    assert_eq!(
        extra.shape.constraints().max_length,
        Some(3),
        "the stricter limit wins"
    );

    // Recursion: a direct self-reference needs indirection, one through a list does not.
    assert!(ir.types["Thing"].recursive);
    assert!(field("parent").needs_indirection);
    assert!(!field("children").needs_indirection);

    // Unions and allOf.
    let TypeKind::TaggedUnion { tag, variants } = &ir.types["Shape"].kind else {
        panic!()
    };
    assert_eq!(tag, "kind");
    assert_eq!(variants[1].tag_value.as_deref(), Some("square"));
    let TypeKind::Struct { fields: square, .. } = &ir.types["Square"].kind else {
        panic!()
    };
    let names: Vec<&str> = square.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["name", "kind", "side"],
        "allOf members merged into one struct"
    );
    let TypeKind::UntaggedUnion { variants } = &ir.types["Scalar"].kind else {
        panic!()
    };
    let names: Vec<&str> = variants.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(names, ["String", "Integer", "Named"]);

    // Operations: path-level parameters, body kinds, shared responses, security, webhooks.
    let list = ir.operations.iter().find(|o| o.id == "listThings").unwrap();
    assert!(
        list.params.iter().any(|p| p.name == "X-Trace"),
        "path-level parameter inherited"
    );
    assert_eq!(
        list.params
            .iter()
            .find(|p| p.name == "filter")
            .unwrap()
            .style
            .as_deref(),
        Some("deepObject")
    );
    assert_eq!(list.responses.last().unwrap().status, "default");
    assert_eq!(
        list.responses.last().unwrap().component.as_deref(),
        Some("Problem")
    );
    let upload = ir
        .operations
        .iter()
        .find(|o| o.id == "uploadThingFile")
        .unwrap();
    let multipart = &upload.request_body.as_ref().unwrap().contents[0];
    assert_eq!(multipart.kind, ir::ContentKind::Multipart);
    assert!(multipart.parts[0].is_file);
    assert_eq!(
        multipart.parts[0].content_type.as_deref(),
        Some("image/png")
    );
    let raw = ir
        .operations
        .iter()
        .find(|o| o.path == "/things/{thingId}/raw")
        .unwrap();
    assert_eq!(
        raw.id, "get_things_by_thingId_raw",
        "synthesized operationId"
    );
    assert_eq!(raw.responses[0].contents[0].kind, ir::ContentKind::Binary);
    let create = ir
        .operations
        .iter()
        .find(|o| o.id == "createThing")
        .unwrap();
    assert!(create.security.iter().any(|r| r.is_empty()));
    assert_eq!(create.request_body.as_ref().unwrap().contents.len(), 2);
    assert_eq!(ir.webhooks[0].rust_name, "ThingCreated");
    assert_eq!(
        ir.webhooks[0].operation.params[0].role,
        Some(ParamRole::WebhookSignature)
    );

    // Direction: what flows where.
    assert!(
        ir.types["ListThingsSort"].in_request && !ir.types["ListThingsSort"].in_response
    );
    assert!(ir.types["Problem"].in_response && !ir.types["Problem"].in_request);
    assert!(
        ir.types["Event"].in_response,
        "webhook payloads are read by clients"
    );
}

/// A component whose name holds `/` is referenced as `a~1b`; it must stay one type.
#[test]
fn component_names_with_slashes_stay_one_type() {
    let doc = serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "a/b": {"type": "object", "properties": {"x": {"type": "string"}}},
            "C": {"type": "object", "properties": {"ab": {"$ref": "#/components/schemas/a~1b"}}}
        }}
    });
    let spec = normalize::normalize(load::Document {
        origin: "slash.json".into(),
        value: doc,
    })
    .unwrap();
    let ir = rivya_codegen::pipeline::build_ir(&spec, None).unwrap();
    assert_eq!(ir.types.keys().collect::<Vec<_>>(), ["C", "a/b"]);
    assert_eq!(ir.types["a/b"].rust_name, "AB");
}
