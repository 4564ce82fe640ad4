//! Property: any catalog the contract's own `PublicApiModel` schema allows is read, validated,
//! documented and diffed without an error or a panic, and diffs against itself with no change.
//!
//! The catalogs are generated from the schema itself (read from the fixture, not restated
//! here): every member the schema lists, optional ones left out at random, options and
//! defaults of any JSON type it permits, nested `items` / `properties`, and members the schema
//! does not know added at random, as a newer server would send them.

mod common;

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rivya_codegen::backends::{diff, docs};
use rivya_codegen::cli::DEFAULT_SPEC;
use rivya_codegen::ir;
use rivya_codegen::load::Document;
use rivya_codegen::validators::rules;
use serde_json::{json, Map, Value};

type Strat = BoxedStrategy<Value>;

/// Levels of `$ref` below which optional members are left out, so recursion ends.
const MAX_DEPTH: usize = 3;

struct Generator {
    schemas: Map<String, Value>,
}

fn scalar() -> Strat {
    prop_oneof![
        "[a-z0-9:._-]{0,8}".prop_map(Value::String),
        (-1000i64..1000).prop_map(Value::from),
        (-1000.0f64..1000.0).prop_map(|x| json!((x * 100.0).round() / 100.0)),
        any::<bool>().prop_map(Value::Bool),
    ]
    .boxed()
}

/// Any JSON value, nested a little: what a schema without `type` allows.
fn any_json() -> Strat {
    scalar()
        .prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
                Just(Value::Null),
            ]
        })
        .boxed()
}

impl Generator {
    fn value(&self, schema: &Value, depth: usize) -> Strat {
        let Some(schema) = schema.as_object() else {
            return any_json();
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or_default();
            let target = self.schemas.get(name).cloned().unwrap_or(Value::Null);
            return self.value(&target, depth + 1);
        }
        if let Some(constant) = schema.get("const") {
            return Just(constant.clone()).boxed();
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            return prop::sample::select(options.clone()).boxed();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let branches: Vec<Strat> =
                    branches.iter().map(|b| self.value(b, depth)).collect();
                return prop::strategy::Union::new(branches).boxed();
            }
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(ty)) => vec![ty.as_str()],
            Some(Value::Array(types)) => {
                types.iter().filter_map(Value::as_str).collect()
            }
            _ => return any_json(),
        };
        let branches: Vec<Strat> = types
            .iter()
            .map(|ty| self.typed(ty, schema, depth))
            .collect();
        prop::strategy::Union::new(branches).boxed()
    }

    fn typed(&self, ty: &str, schema: &Map<String, Value>, depth: usize) -> Strat {
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        match ty {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "string"
                if schema.get("format").and_then(Value::as_str) == Some("date-time") =>
            {
                (2020u32..2030, 1u32..13)
                    .prop_map(|(y, m)| json!(format!("{y}-{m:02}-01T00:00:00Z")))
                    .boxed()
            }
            "string" => "[a-zA-Z0-9 :._-]{1,10}".prop_map(Value::String).boxed(),
            "integer" => {
                let low = number("minimum")
                    .or(number("exclusiveMinimum").map(|x| x + 1.0))
                    .unwrap_or(-100.0) as i64;
                (low..low + 10_000).prop_map(Value::from).boxed()
            }
            "number" => {
                let low = number("minimum").unwrap_or(-100.0);
                let exclusive = number("exclusiveMinimum");
                let low = exclusive.map_or(low, |x| x + 0.25);
                (0u32..400)
                    .prop_map(move |k| json!(low + f64::from(k) * 0.25))
                    .boxed()
            }
            "array" => {
                let min =
                    schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let max = if depth >= MAX_DEPTH { min } else { min + 3 };
                prop::collection::vec(self.value(&items, depth), min..=max)
                    .prop_map(Value::Array)
                    .boxed()
            }
            "object" => self.object(schema, depth),
            _ => any_json(),
        }
    }

    fn object(&self, schema: &Map<String, Value>, depth: usize) -> Strat {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut members: Vec<Strat> = Vec::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, member) in properties.into_iter().flatten() {
            let name = name.clone();
            let is_required = required.contains(&name.as_str());
            if !is_required && depth >= MAX_DEPTH {
                continue;
            }
            let value = self.value(member, depth);
            let strat = if is_required {
                value.prop_map(move |v| json!({ name.clone(): v })).boxed()
            } else {
                prop::option::of(value)
                    .prop_map(move |v| match v {
                        Some(v) => json!({ name.clone(): v }),
                        None => json!({}),
                    })
                    .boxed()
            };
            members.push(strat);
        }
        // Members a newer server may add; the schema does not forbid them.
        let unknown = prop::collection::btree_map(
            prop::sample::select(vec![
                "tags",
                "max_concurrency",
                "x_region",
                "beta_flags",
            ]),
            any_json(),
            0..2,
        )
        .prop_map(|m| {
            Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        })
        .boxed();
        members.push(unknown);
        members
            .prop_map(|parts| {
                let mut out = Map::new();
                for part in parts {
                    if let Value::Object(part) = part {
                        out.extend(part);
                    }
                }
                Value::Object(out)
            })
            .boxed()
    }
}

fn catalog_strategy(generator: &Generator) -> BoxedStrategy<Value> {
    let model =
        generator.value(&json!({"$ref": "#/components/schemas/PublicApiModel"}), 0);
    prop::collection::vec(model, 1..4)
        .prop_map(|mut models| {
            // Model ids are keys of the catalog: the same id twice is refused by design.
            for (i, model) in models.iter_mut().enumerate() {
                let id = model["id"].as_str().unwrap_or_default().to_owned();
                model["id"] = json!(format!("m{i}-{id}"));
            }
            json!({"object": "list", "data": models})
        })
        .boxed()
}

#[test]
fn schema_valid_catalogs_load_validate_document_and_self_diff_cleanly() {
    let fixture = common::fixture_json(DEFAULT_SPEC);
    let schemas = fixture["components"]["schemas"]
        .as_object()
        .unwrap()
        .clone();
    let generator = Generator { schemas };
    let spec = common::spec(DEFAULT_SPEC);
    // A fixed seed: CI must not pass or fail by chance. Explore further with another seed
    // locally (`PROPTEST_RNG_SEED=N cargo test --test catalog_property`).
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|seed| seed.parse::<u64>().ok())
        .unwrap_or(0x5eed);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 192,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed)),
    );
    let numeric_options = Cell::new(0usize);
    let boolean_options = Cell::new(0usize);
    let unknown_kept = Cell::new(0usize);
    runner
        .run(&catalog_strategy(&generator), |document| {
            let models = Document {
                origin: "models.json".into(),
                value: document.clone(),
            };
            let built = rivya_codegen::pipeline::build_ir(&spec, Some(&models));
            let ir = match built {
                Ok(ir) => ir,
                Err(e) => {
                    return Err(TestCaseError::fail(format!(
                        "refused: {e}\n{document:#}"
                    )))
                }
            };
            let catalog = ir.catalog.as_ref().expect("a catalog");
            prop_assert_eq!(
                catalog.models.len(),
                document["data"].as_array().unwrap().len()
            );
            let infos = rules::catalog_rules(catalog);
            for (model, info) in catalog.models.iter().zip(infos) {
                unknown_kept.set(
                    unknown_kept.get()
                        + model.unknown_members.len()
                        + model
                            .params
                            .iter()
                            .map(|p| p.unknown_members.len())
                            .sum::<usize>(),
                );
                // Every option is a value its own parameter accepts.
                for (param, rule) in model.params.iter().zip(info.params) {
                    for option in &param.options {
                        numeric_options.set(
                            numeric_options.get()
                                + usize::from(option.value.is_number()),
                        );
                        boolean_options.set(
                            boolean_options.get()
                                + usize::from(option.value.is_boolean()),
                        );
                        if param.ty == ir::ParamType::Enum {
                            prop_assert!(
                                rule.check(&option.value).is_ok(),
                                "option {} of {}",
                                option.value,
                                param.name
                            );
                        }
                    }
                }
                // Validation answers, whatever it says, for the docs' own example.
                let _ = info.check_request(&docs::example_request(model));
            }
            rivya_codegen::pipeline::docs(&ir)
                .map_err(|e| TestCaseError::fail(format!("docs: {e}")))?;
            let report = diff::diff(&ir, &ir);
            prop_assert!(report.changes.is_empty(), "self-diff: {:?}", report.changes);
            Ok(())
        })
        .unwrap();
    // The generator reaches what the property is about.
    assert!(numeric_options.get() > 0, "no numeric option was generated");
    assert!(boolean_options.get() > 0, "no boolean option was generated");
    assert!(unknown_kept.get() > 0, "no unknown member was kept");
}

/// The 32-byte ChaCha seed made from one number.
fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes
}

// Found by the property above (shrunk): two nested properties named alike were paired with the
// first of their name on the other side, so a catalog compared with itself reported a change.
#[test]
fn parameters_named_alike_pair_with_themselves() {
    let spec = common::spec(DEFAULT_SPEC);
    let document = json!({"object": "list", "data": [{
        "id": "m0-a", "object": "model", "name": "A", "kind": "image", "provider": "0",
        "description": "0", "endpoint": "/api/v1/generations",
        "input_modes": ["text-to-image"], "prompt": {"required": false, "max_length": 1},
        "status": "available", "api_available": false, "requires_files": false,
        "supports_streaming": false, "credits": {"unit": "0", "amount": 0.0, "notes": "a"},
        "params": [{"name": "0", "type": "string", "required": false, "properties": [
            {"name": "_", "type": "string", "required": false},
            {"name": "_", "type": "string", "required": true}]}]}]});
    let models = Document {
        origin: "models.json".into(),
        value: document,
    };
    let ir = rivya_codegen::pipeline::build_ir(&spec, Some(&models))
        .expect("a schema-valid catalog loads");
    let report = diff::diff(&ir, &ir);
    assert!(report.changes.is_empty(), "self-diff: {:?}", report.changes);
}

#[test]
fn an_added_unknown_member_is_reported_as_an_addition() {
    let spec = common::spec(DEFAULT_SPEC);
    let old = common::fixture_json("fixtures/models.json");
    let mut new = old.clone();
    new["data"][0]["tags"] = json!(["fast", "photo"]);
    new["data"][0]["params"][0]["max_concurrency"] = json!(4);
    let ir_of = |value: &Value| {
        rivya_codegen::pipeline::build_ir(
            &spec,
            Some(&Document {
                origin: "models.json".into(),
                value: value.clone(),
            }),
        )
        .unwrap()
    };
    let report = diff::diff(&ir_of(&old), &ir_of(&new));
    let added: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{:?} {}", c.level, c.message))
        .collect();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added.iter().all(|c| c.starts_with("Info")), "{added:?}");
    assert!(
        added
            .iter()
            .any(|c| c.contains("`tags` = [\"fast\",\"photo\"]")),
        "{added:?}"
    );
    assert!(
        added.iter().any(|c| c.contains("`max_concurrency` = 4")),
        "{added:?}"
    );
}

/// The independent rendering offers only string options; this variant of it adds what the
/// server may send tomorrow (numeric and boolean options, an unknown member, optionals left
/// out) and drives every command over it through the binary.
#[test]
fn an_independent_rendering_with_numeric_options_flows_through_every_command() {
    let path = common::root().join("tests/data/independent/rivya-openapi-3.1.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let original =
        rivya_codegen::load::parse_yaml("rivya-openapi-3.1.yaml", &text).unwrap();
    let catalog = original["x-rivya-models"].as_array().unwrap();
    assert!(
        !catalog.iter().any(|m| m["params"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["enum"]
                .as_array()
                .is_some_and(|o| o.iter().any(|v| !v.is_string())))),
        "the rendering now has non-string options: test it as it is"
    );
    let mut variant = original.clone();
    let mut video = catalog
        .iter()
        .find(|m| m["kind"] == "video")
        .unwrap()
        .clone();
    video["id"] = json!("veo-3-1");
    video["tags"] = json!(["cinematic"]);
    video["params"] = json!([
        {"name": "duration", "type": "enum", "enum": [4, 6, 8], "default": 8},
        {"name": "generate_audio", "type": "enum", "enum": [true, false], "max_concurrency": 2},
        {"name": "quality", "type": "enum", "enum": ["draft", 1, 2.5]}
    ]);
    variant["x-rivya-models"]
        .as_array_mut()
        .unwrap()
        .push(video);
    let (_old_dir, old) = common::temp_file("old.json", original.to_string());
    let (_new_dir, new) = common::temp_file("new.json", variant.to_string());
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());

    let validate = |params: &str| {
        let out = common::run(&[
            "validate", "--spec", new, "--model", "veo-3-1", "--params", params,
        ]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(
        validate(r#"{"duration": 4, "generate_audio": false}"#).0,
        Some(0)
    );
    assert_eq!(validate(r#"{"duration": 4.0, "quality": 1}"#).0, Some(0));
    let (code, stdout) = validate(r#"{"duration": "4"}"#);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("/duration\twrong_type"), "{stdout}");
    let (code, stdout) = validate(r#"{"duration": 5, "quality": "1"}"#);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("/duration\tnot_an_option"), "{stdout}");
    assert!(stdout.contains("/quality\tnot_an_option"), "{stdout}");

    for command in [
        &["ir", "--spec", new][..],
        &["docs", "--spec", new, "--out"][..],
    ] {
        let out_dir = tempfile::tempdir().unwrap();
        let mut args = command.to_vec();
        if args.last() == Some(&"--out") {
            args.push(out_dir.path().to_str().unwrap());
        }
        let out = common::run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args[0] == "docs" {
            let page = ["models/veo-3-1.md", "docs/models/veo-3-1.md"]
                .iter()
                .find_map(|p| std::fs::read_to_string(out_dir.path().join(p)).ok())
                .expect("a page for the added model");
            assert!(page.contains("one of `4`, `6`, `8`"), "{page}");
            assert!(page.contains("`\"draft\"`, `1`, `2.5`"), "{page}");
        }
    }

    let out = common::run(&["diff", old, new]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "adding a model is compatible: {report}"
    );
    assert!(report.contains("veo-3-1"), "{report}");
    let mut dropped = variant.clone();
    let last = dropped["x-rivya-models"]
        .as_array_mut()
        .unwrap()
        .last_mut()
        .unwrap();
    last["params"][0]["enum"] = json!([4, 8, 10]);
    let (_drift_dir, drifted) = common::temp_file("drifted.json", dropped.to_string());
    let out = common::run(&["diff", new, drifted.to_str().unwrap(), "--format", "json"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("no longer accepts `6`"), "{report}");
    assert!(report.contains("now accepts `10`"), "{report}");
}

/// Leniency stops at what the contract's schema forbids: an option that is an array is refused
/// with one line naming the model and the field.
#[test]
fn an_option_the_schema_forbids_is_an_input_error_naming_model_and_field() {
    let mut models = common::fixture_json("fixtures/models.json");
    models["data"][0]["params"][0]["enum"][1] = json!(["16:9"]);
    let (_dir, path) = common::temp_file("models.json", models.to_string());
    let out = common::run(&["ir", "--models", path.to_str().unwrap()]);
    common::assert_input_error(
        &out,
        "models.json",
        &["#/data/0/params/0/enum/1", "model `z-image`"],
    );
}
