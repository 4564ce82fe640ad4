//! The generated `catalog.rs`: current, formatted, and the same tables as the CLI's.
//!

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use rivya_codegen::backends::sdk::catalog::catalog_module;
use rivya_codegen::validators::RUNTIME_SOURCE;
use rivya_sdk::catalog::{
    self, LumenVideo1Camera, LumenVideo1CameraKeyframe,
    LumenVideo1CameraKeyframeCameraHint, LumenVideo1CameraMotion, LumenVideo1Params,
    MediaKind, ReferenceMediaItem, ViolationRule, ZImageAspectRatio, ZImageParams,
};
use serde_json::json;

/// The module is its generated half and then the runtime, copied verbatim; that it is what
/// `generated/` holds is `generate --check`'s to say.
#[test]
fn catalog_rs_ends_with_the_runtime() {
    let module =
        catalog_module(common::fixture_ir()).expect("the fixture has a catalog");
    assert!(
        module.ends_with(RUNTIME_SOURCE),
        "the runtime is copied verbatim"
    );
    let tree = rivya_codegen::pipeline::output(common::fixture_ir()).unwrap();
    let generated = tree
        .get("rivya-sdk/src/catalog.rs")
        .expect("generate writes catalog.rs");
    assert!(generated.ends_with(module.as_bytes()));
}

#[test]
fn no_catalog_no_module() {
    let mut ir = common::fixture_ir().clone();
    ir.catalog = None;
    assert_eq!(catalog_module(&ir), None);
}

fn rustfmt_check(source: &str) -> Option<String> {
    let mut child = match Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            eprintln!("rustfmt not found: skipping the formatting check");
            return None;
        }
    };
    // A write error means rustfmt stopped reading early; its exit status tells why.
    let _ = child.stdin.take().unwrap().write_all(source.as_bytes());
    let output = child.wait_with_output().unwrap();
    (!output.status.success()).then(|| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn catalog_rs_passes_rustfmt_check() {
    let source = catalog_module(common::fixture_ir()).unwrap();
    if let Some(diff) = rustfmt_check(&source) {
        panic!("rustfmt would change the generated catalog.rs:\n{diff}");
    }
}

/// Long and odd names, hostile text, an empty catalog entry: still valid, formatted Rust.
#[test]
fn odd_catalogs_still_give_formatted_rust() {
    let mut ir = common::fixture_ir().clone();
    let catalog = ir.catalog.as_mut().unwrap();
    let mut odd = catalog.models[2].clone();
    odd.id = "a-rather-long-model-identifier-for-testing-line-widths-v2".into();
    odd.rust_name = "ARatherLongModelIdentifierForTestingLineWidthsV2".into();
    odd.description =
        Some("*/ \"quoted\" ```rust\npanic!()\n``` <script>x</script> | pipe".into());
    odd.params[4].properties[2].properties.clear();
    odd.params.truncate(5);
    catalog.models.push(odd);
    let mut tiny = catalog.models[5].clone();
    tiny.id = "x".into();
    tiny.rust_name = "X".into();
    tiny.params.clear();
    catalog.models.push(tiny);
    let source = catalog_module(&ir).unwrap();
    let parsed: Result<syn::File, _> = syn::parse_file(&source);
    assert!(parsed.is_ok(), "not valid Rust: {:?}", parsed.err());
    assert!(
        !source.contains("```rust"),
        "descriptions must not open doc-test blocks"
    );
    assert!(!source.contains("<script>"));
    if let Some(diff) = rustfmt_check(&source) {
        panic!("rustfmt would change the generated catalog.rs:\n{diff}");
    }
}

/// The generated static tables hold exactly what the CLI builds from the IR.
#[test]
fn generated_tables_equal_the_cli_tables() {
    let generated = format!("{:#?}", catalog::models());
    let interpreted = format!("{:#?}", common::fixture_rules());
    assert_eq!(generated, interpreted);
}

#[test]
fn lookup_and_metadata() {
    assert_eq!(catalog::models().len(), 13);
    let z = catalog::model("z-image").unwrap();
    assert_eq!(z.kind, "image");
    assert!(!z.is_chat());
    assert!(catalog::model("gpt-5-2-chat").unwrap().is_chat());
    assert!(catalog::model("Z-IMAGE").is_none());
    assert!(catalog::model("").is_none());
    assert!(
        !catalog::model("lumen-video-2-preview")
            .unwrap()
            .api_available
    );
}

#[test]
fn reports_every_violation_with_pointers() {
    let params = json!({
        "aspect_ratio": "2:1",
        "num_images": 9,
        "guidance_scale": 7.25,
        "seed": -1,
        "negative_prompt": "",
        "enable_safety_checker": "yes",
        "styel": "noir"
    });
    let violations = catalog::validate_params("z-image", &params).unwrap_err();
    let got: Vec<(&str, ViolationRule)> = violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.rule))
        .collect();
    assert_eq!(
        got,
        [
            ("/aspect_ratio", ViolationRule::NotAnOption),
            ("/num_images", ViolationRule::AboveMaximum),
            ("/guidance_scale", ViolationRule::NotOnStep),
            ("/seed", ViolationRule::BelowMinimum),
            ("/negative_prompt", ViolationRule::TooShort),
            ("/enable_safety_checker", ViolationRule::WrongType),
            ("/styel", ViolationRule::UnknownParam),
        ]
    );
    assert!(
        violations[0].message.contains("\"16:9\""),
        "{}",
        violations[0].message
    );
    assert!(violations.iter().all(|v| !v.message.contains('\n')));
}

#[test]
fn media_rules_and_duration_tokens() {
    let params = json!({"referenceMediaItems": [
        {"url": "https://files.rivya.ai/x.mp4", "kind": "image", "mimeType": "video/x-flv"},
        {"kind": "video", "durationSeconds": 120, "durationToken": "dt", "duration_token": "x"}
    ]});
    let violations = catalog::validate_params("foley-sync-1", &params).unwrap_err();
    let got: Vec<(&str, ViolationRule)> = violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.rule))
        .collect();
    assert_eq!(
        got,
        [
            ("/referenceMediaItems", ViolationRule::TooManyItems),
            (
                "/referenceMediaItems/0/kind",
                ViolationRule::MediaKindNotAccepted
            ),
            (
                "/referenceMediaItems/0/mimeType",
                ViolationRule::MimeTypeNotAccepted
            ),
            (
                "/referenceMediaItems/0/durationToken",
                ViolationRule::MissingDurationToken
            ),
            (
                "/referenceMediaItems/1/durationSeconds",
                ViolationRule::AboveMaximum
            ),
            (
                "/referenceMediaItems/1/duration_token",
                ViolationRule::UnknownParam
            ),
            ("/referenceMediaItems/1/url", ViolationRule::MissingRequired),
        ]
    );
    let missing = catalog::validate_params("foley-sync-1", &json!({})).unwrap_err();
    assert_eq!(missing[0].pointer, "/referenceMediaItems");
    assert_eq!(missing[0].rule, ViolationRule::MissingRequired);
}

#[test]
fn nested_params_are_checked_recursively() {
    let params = json!({"camera": {"motion": "spin", "keyframes": [
        {"at_seconds": 1.5, "camera_hint": {"note": "ok"}},
        {"camera_hint": {"note": ""}, "extra": true}
    ]}});
    let violations = catalog::validate_params("lumen-video-1", &params).unwrap_err();
    let got: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(
        got,
        [
            "/camera/motion",
            "/camera/keyframes/1/camera_hint/note",
            "/camera/keyframes/1/extra",
            "/camera/keyframes/1/at_seconds",
        ]
    );
}

#[test]
fn unknown_models_and_wrong_shapes() {
    let unknown = catalog::validate_params("no-such-model", &json!({})).unwrap_err();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].rule, ViolationRule::UnknownModel);
    let not_object = catalog::validate_params("z-image", &json!([1])).unwrap_err();
    assert_eq!(not_object[0].pointer, "");
    assert_eq!(not_object[0].rule, ViolationRule::WrongType);
    // Keys with `/` and `~` are escaped in pointers (RFC 6901).
    let odd = catalog::validate_params("z-image", &json!({"a/b~c": 1})).unwrap_err();
    assert_eq!(odd[0].pointer, "/a~1b~0c");
}

#[test]
fn whole_requests_check_each_location() {
    assert_eq!(
        catalog::validate_request(
            "gpt-5-2-chat",
            &json!({"model": "gpt-5-2-chat", "message": "hi", "controls": {"temperature": 0.3}})
        ),
        Ok(())
    );
    let violations = catalog::validate_request(
        "vision-chat-mini",
        &json!({"controls": {"temperature": 3, "top_p": 1},
                "attachments": [{"file_id": "f", "kind": "video"}]}),
    )
    .unwrap_err();
    let got: Vec<(&str, ViolationRule)> = violations
        .iter()
        .map(|v| (v.pointer.as_str(), v.rule))
        .collect();
    assert_eq!(
        got,
        [
            ("/message", ViolationRule::MissingRequired),
            ("/controls/temperature", ViolationRule::AboveMaximum),
            ("/controls/top_p", ViolationRule::UnknownParam),
            ("/attachments/0/kind", ViolationRule::MediaKindNotAccepted),
        ]
    );
    let long_prompt = "x".repeat(2001);
    let violations = catalog::validate_request(
        "z-image",
        &json!({"prompt": long_prompt, "params": {"seed": 1}}),
    )
    .unwrap_err();
    assert_eq!(violations[0].pointer, "/prompt");
    assert_eq!(violations[0].rule, ViolationRule::TooLong);
    let unknown = catalog::validate_request("nope", &json!({})).unwrap_err();
    assert_eq!(unknown[0].pointer, "/model");
}

#[test]
fn typed_params_build_serialize_and_validate() {
    let params = ZImageParams::new()
        .aspect_ratio(ZImageAspectRatio::V16_9)
        .num_images(2)
        .negative_prompt("blurry");
    assert_eq!(
        params.to_value(),
        json!({"aspect_ratio": "16:9", "num_images": 2, "negative_prompt": "blurry"})
    );
    assert_eq!(params.validate(), Ok(()));
    assert_eq!(ZImageParams::MODEL_ID, "z-image");
    assert_eq!(ZImageAspectRatio::V16_9.as_str(), "16:9");
    assert_eq!(ZImageAspectRatio::default(), ZImageAspectRatio::V1_1);

    let out_of_range = ZImageParams::new().num_images(0).validate().unwrap_err();
    assert_eq!(out_of_range[0].pointer, "/num_images");

    let camera = LumenVideo1Camera::new()
        .motion(LumenVideo1CameraMotion::PanLeft)
        .keyframes(vec![LumenVideo1CameraKeyframe::new(2.5)
            .camera_hint(LumenVideo1CameraKeyframeCameraHint::new(""))]);
    let errors = LumenVideo1Params::new()
        .camera(camera)
        .validate()
        .unwrap_err();
    assert_eq!(errors[0].pointer, "/camera/keyframes/0/camera_hint/note");
    assert_eq!(errors[0].rule, ViolationRule::TooShort);

    let item = ReferenceMediaItem::new("https://files.rivya.ai/x.mp4", MediaKind::Video)
        .mime_type("video/mp4");
    let foley = catalog::FoleySync1Params::new(vec![item.clone()]);
    let errors = foley.validate().unwrap_err();
    assert_eq!(errors[0].rule, ViolationRule::MissingDurationToken);
    let foley = catalog::FoleySync1Params::new(vec![item.duration_token("dt_v1.x")])
        .mix_original_audio(true);
    assert_eq!(foley.validate(), Ok(()));
    let round_trip: catalog::FoleySync1Params =
        serde_json::from_value(foley.to_value()).unwrap();
    assert_eq!(round_trip, foley);

    let controls = catalog::Gpt5_2ChatControls::new()
        .temperature(0.7)
        .reasoning_effort(catalog::Gpt5_2ChatReasoningEffort::High);
    assert_eq!(controls.validate(), Ok(()));
    let body = catalog::VisionChatMiniBodyParams::new().attachments(vec![
        catalog::ChatAttachment::new("file_1").kind(MediaKind::Image),
    ]);
    assert_eq!(body.validate(), Ok(()));
}

/// The runtime's media shapes are the contract's ReferenceMediaItem and ChatAttachment.
#[test]
fn media_shapes_match_the_contract() {
    use rivya_codegen::ir::TypeKind;
    let ir = common::fixture_ir();
    for (schema, expected) in [
        (
            "ReferenceMediaItem",
            vec![
                ("url", true),
                ("kind", true),
                ("name", false),
                ("mimeType", false),
                ("durationSeconds", false),
                ("durationToken", false),
            ],
        ),
        ("ChatAttachment", vec![("file_id", true), ("kind", false)]),
    ] {
        let TypeKind::Struct { fields, .. } = &ir.types[schema].kind else {
            panic!("{schema} is not a struct");
        };
        let got: Vec<(&str, bool)> = fields
            .iter()
            .map(|f| (f.name.as_str(), f.required))
            .collect();
        assert_eq!(got, expected, "{schema}");
    }
}

#[test]
fn non_string_options_are_sent_as_the_json_they_are() {
    use rivya_sdk::catalog::{
        Veo3_1Duration, Veo3_1FrameRate, Veo3_1GenerateAudio, Veo3_1Params,
    };
    assert_eq!(serde_json::to_value(Veo3_1Duration::S4).unwrap(), json!(4));
    assert_eq!(
        serde_json::to_value(Veo3_1GenerateAudio::True).unwrap(),
        json!(true)
    );
    assert_eq!(
        serde_json::to_value(Veo3_1FrameRate::V23_976).unwrap(),
        json!(23.976)
    );
    // Numbers compare by value; a string is never a number.
    let eight: Veo3_1Duration = serde_json::from_value(json!(8.0)).unwrap();
    assert_eq!(eight, Veo3_1Duration::S8);
    assert_eq!(
        Veo3_1Duration::default(),
        Veo3_1Duration::S8,
        "the catalog's default"
    );
    assert!(serde_json::from_value::<Veo3_1Duration>(json!("4")).is_err());
    assert!(serde_json::from_value::<Veo3_1Duration>(json!(5)).is_err());
    let params = Veo3_1Params::new().duration(Veo3_1Duration::S6);
    assert_eq!(params.validate(), Ok(()));
    let round_trip: Veo3_1Params = serde_json::from_value(params.to_value()).unwrap();
    assert_eq!(round_trip, params);
    let wrong =
        catalog::validate_params("veo-3-1", &json!({"duration": "4"})).unwrap_err();
    assert_eq!(wrong[0].rule, ViolationRule::WrongType, "{wrong:?}");
    let outside =
        catalog::validate_params("veo-3-1", &json!({"duration": 5})).unwrap_err();
    assert_eq!(outside[0].rule, ViolationRule::NotAnOption, "{outside:?}");
}
