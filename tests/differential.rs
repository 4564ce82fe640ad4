//! Differential test: for every catalog model and every location with parameters, random
//! objects (valid and broken in every way the rules know) are checked by
//!
//! 1. the generated SDK (`rivya_sdk::catalog`, the static tables + the runtime),
//! 2. the CLI's interpreter (the runtime over tables built from the IR at run time), and
//! 3. the `jsonschema` crate on the JSON Schema derived from the same `ModelParam`s,
//!
//! and all three must agree case by case: valid or not, and the set of failing pointers.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rivya_codegen::ir::{Model, ModelParam, ParamTarget, ParamType};
use rivya_codegen::validators::{rules, schema};
use serde_json::{json, Map, Value};

const CASES_PER_MODEL: u32 = 10_000;

type Strat = BoxedStrategy<Value>;

/// Values that are valid for `param` (at least as far as the param itself goes).
fn valid(param: &ModelParam, target: ParamTarget) -> Strat {
    match param.ty {
        ParamType::String => {
            let min = param.min_length.unwrap_or(0) as usize;
            let max = param
                .max_length
                .map_or(min + 12, |m| (m as usize).min(min + 12));
            // Multi-byte characters: lengths count code points, not bytes.
            prop::collection::vec(
                prop::sample::select(vec!['a', 'Z', '7', ' ', 'é', '日', '🎬']),
                min..=max,
            )
            .prop_map(|chars| Value::String(chars.into_iter().collect()))
            .boxed()
        }
        ParamType::Integer | ParamType::Number => {
            let min = param.minimum.unwrap_or(-1000.0);
            let max = param.maximum.unwrap_or(min + 1000.0);
            let integer = param.ty == ParamType::Integer;
            match param.step {
                Some(step) => {
                    let count = ((max - min) / step).floor() as u64;
                    let decimals = decimals(step).max(decimals(min));
                    (0..=count, any::<bool>())
                        .prop_map(move |(k, as_float)| {
                            let x = min + k as f64 * step;
                            decimal(x, decimals, integer && !as_float)
                        })
                        .boxed()
                }
                None if integer => (min as i64..=max as i64, any::<bool>())
                    .prop_map(
                        |(n, as_float)| {
                            if as_float {
                                json!(n as f64)
                            } else {
                                json!(n)
                            }
                        },
                    )
                    .boxed(),
                None => (min..=max).prop_map(|x| json!(x)).boxed(),
            }
        }
        ParamType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        ParamType::Enum => {
            let options: Vec<Value> =
                param.options.iter().map(|o| json!(o.value)).collect();
            if options.is_empty() {
                Just(json!("none")).boxed()
            } else {
                prop::sample::select(options).boxed()
            }
        }
        ParamType::Array => {
            let min = param.min_items.unwrap_or(0) as usize;
            let max = param
                .max_items
                .map_or(min + 3, |m| (m as usize).min(min + 3));
            let item = match &param.items {
                Some(items) => arbitrary(items, target),
                None => any_json(),
            };
            prop::collection::vec(item, min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        ParamType::Object => {
            object(&param.properties.iter().collect::<Vec<_>>(), target, false)
        }
        ParamType::Media => media(param, target),
    }
}

/// Values that break `param` in one of the ways its rules can be broken.
fn invalid(param: &ModelParam, target: ParamTarget) -> Strat {
    let mut broken: Vec<Strat> = vec![wrong_type(param)];
    match param.ty {
        ParamType::String => {
            if let Some(min) = param.min_length.filter(|m| *m > 0) {
                broken.push(Just(json!("é".repeat(min as usize - 1))).boxed());
            }
            if let Some(max) = param.max_length {
                broken.push(Just(json!("日".repeat(max as usize + 1))).boxed());
            }
        }
        ParamType::Integer | ParamType::Number => {
            let integer = param.ty == ParamType::Integer;
            let step = param.step.unwrap_or(1.0);
            if let Some(min) = param.minimum {
                broken.push(Just(decimal(min - step, 6, integer)).boxed());
            }
            if let Some(max) = param.maximum {
                broken.push(Just(decimal(max + step, 6, integer)).boxed());
                broken.push(Just(json!(u64::MAX)).boxed());
            }
            if let (Some(step), Some(min), Some(max)) =
                (param.step, param.minimum, param.maximum)
            {
                let count = ((max - min) / step).floor() as u64;
                broken.push(
                    (0..count.max(1))
                        .prop_map(move |k| json!(min + (k as f64 + 0.5) * step))
                        .boxed(),
                );
            }
            if integer {
                broken.push(Just(json!(param.minimum.unwrap_or(0.0) + 0.5)).boxed());
            }
        }
        ParamType::Enum => {
            broken.push(Just(json!("not-an-option")).boxed());
            broken.push(Just(json!("")).boxed());
        }
        ParamType::Array => {
            let item = match &param.items {
                Some(items) => arbitrary(items, target),
                None => any_json(),
            };
            if let Some(min) = param.min_items.filter(|m| *m > 0) {
                broken.push(
                    prop::collection::vec(item.clone(), 0..min as usize)
                        .prop_map(Value::Array)
                        .boxed(),
                );
            }
            if let Some(max) = param.max_items {
                broken.push(
                    prop::collection::vec(
                        item.clone(),
                        max as usize + 1..=max as usize + 2,
                    )
                    .prop_map(Value::Array)
                    .boxed(),
                );
            }
            if let Some(items) = &param.items {
                let min = param.min_items.unwrap_or(0).max(1) as usize;
                let max = param.max_items.map_or(min + 2, |m| (m as usize).max(min));
                broken.push(
                    prop::collection::vec(invalid(items, target), min..=max)
                        .prop_map(Value::Array)
                        .boxed(),
                );
            }
        }
        ParamType::Object => {
            let members: Vec<&ModelParam> = param.properties.iter().collect();
            broken.push(object(&members, target, true));
        }
        ParamType::Media => {
            let media = media(param, target);
            broken.push(
                (media.clone(), 0..6usize)
                    .prop_map(|(mut item, how)| {
                        let object = item.as_object_mut().unwrap();
                        match how {
                            0 => {
                                object.insert("kind".into(), json!("hologram"));
                            }
                            1 => {
                                object.insert(
                                    "mimeType".into(),
                                    json!("application/x-nope"),
                                );
                            }
                            2 => {
                                object.remove("durationToken");
                            }
                            3 => {
                                object.insert("duration_token".into(), json!("dt_typo"));
                            }
                            4 => {
                                object.insert("durationSeconds".into(), json!(1.0e6));
                            }
                            _ => {
                                object.remove("url");
                                object.remove("file_id");
                            }
                        }
                        item
                    })
                    .boxed(),
            );
        }
        ParamType::Boolean => {}
    }
    prop::strategy::Union::new(broken).boxed()
}

/// Mostly valid, sometimes broken.
fn arbitrary(param: &ModelParam, target: ParamTarget) -> Strat {
    prop_oneof![
        6 => valid(param, target),
        1 => invalid(param, target),
    ]
    .boxed()
}

fn wrong_type(param: &ModelParam) -> Strat {
    let candidates: Vec<Value> = vec![
        Value::Null,
        json!(true),
        json!(3),
        json!(2.5),
        json!("text"),
        json!([1]),
        json!({"x": 1}),
    ];
    let wrong: Vec<Value> = candidates
        .into_iter()
        .filter(|v| !fits_type(param.ty, v))
        .collect();
    prop::sample::select(wrong).boxed()
}

fn fits_type(ty: ParamType, value: &Value) -> bool {
    match ty {
        ParamType::String | ParamType::Enum => value.is_string(),
        ParamType::Integer => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        ParamType::Number => value.is_number(),
        ParamType::Boolean => value.is_boolean(),
        ParamType::Array => value.is_array(),
        ParamType::Object | ParamType::Media => value.is_object(),
    }
}

fn any_json() -> Strat {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z]{0,6}".prop_map(Value::String),
    ]
    .boxed()
}

/// An object of `params`: required members usually present, optional ones sometimes, unknown
/// keys now and then. With `broken`, at least one thing is wrong.
fn object(params: &[&ModelParam], target: ParamTarget, broken: bool) -> Strat {
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = params
        .iter()
        .map(|param| {
            let name = param.name.clone();
            let present = if param.required { 0.97 } else { 0.5 };
            prop::option::weighted(present, arbitrary(param, target))
                .prop_map(move |value| value.map(|v| (name.clone(), v)))
                .boxed()
        })
        .collect();
    let unknown = prop::option::weighted(0.04, ("[a-zA-Z_~/]{1,10}", any_json()));
    let required: Vec<String> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.clone())
        .collect();
    (members, unknown, any::<prop::sample::Index>())
        .prop_map(move |(members, unknown, pick)| {
            let mut object = Map::new();
            for (name, value) in members.into_iter().flatten() {
                object.insert(name, value);
            }
            if let Some((name, value)) = unknown {
                object.insert(name, value);
            }
            if broken {
                if required.is_empty() {
                    object.insert("unexpected".into(), json!(1));
                } else {
                    object.remove(&required[pick.index(required.len())]);
                }
            }
            Value::Object(object)
        })
        .boxed()
}

fn media(param: &ModelParam, target: ParamTarget) -> Strat {
    let rule = param.media.clone();
    let kinds: Vec<String> = rule
        .as_ref()
        .map(|m| m.accepted_kinds.clone())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| vec!["image".into()]);
    let mimes: Vec<Option<String>> = {
        let mut m: Vec<Option<String>> = rule
            .as_ref()
            .map(|m| m.accepted_mime_types.iter().cloned().map(Some).collect())
            .unwrap_or_default();
        m.push(None);
        m
    };
    let token = rule.as_ref().is_some_and(|m| m.requires_duration_token);
    let (min_d, max_d) = (
        rule.as_ref()
            .and_then(|m| m.min_duration_seconds)
            .unwrap_or(0.0),
        rule.as_ref()
            .and_then(|m| m.max_duration_seconds)
            .unwrap_or(600.0),
    );
    let chat = target != ParamTarget::Params;
    (
        prop::sample::select(kinds),
        prop::sample::select(mimes),
        prop::option::of(min_d..=max_d),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(kind, mime, seconds, with_name, with_kind)| {
            if chat {
                let mut item = json!({"file_id": "file_3b7d"});
                if with_kind {
                    item["kind"] = json!(kind);
                }
                return item;
            }
            let mut item =
                json!({"url": "https://files.rivya.ai/tmp/f/x", "kind": kind});
            if let Some(mime) = mime {
                item["mimeType"] = json!(mime);
            }
            if let Some(seconds) = seconds {
                item["durationSeconds"] = json!(seconds);
            }
            if with_name {
                item["name"] = json!("clip");
            }
            if token {
                item["durationToken"] = json!("dt_v1.placeholder");
            }
            item
        })
        .boxed()
}

fn decimals(value: f64) -> usize {
    let text = value.to_string();
    text.split_once('.').map_or(0, |(_, f)| f.len())
}

/// `x` as JSON, written with `decimals` places and parsed back, the way a person writes it.
fn decimal(x: f64, decimals: usize, integer: bool) -> Value {
    if integer && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return json!(x as i64);
    }
    serde_json::from_str(&format!("{x:.decimals$}")).unwrap()
}

/// The pointers of the schema validator's errors; `required` and `additionalProperties`
/// errors sit on the object, so they are moved to the member, where the runtime reports them.
fn schema_pointers(
    validator: &jsonschema::Validator,
    instance: &Value,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for error in validator.iter_errors(instance) {
        let at = error.instance_path().as_str().to_owned();
        match error.kind() {
            jsonschema::error::ValidationErrorKind::Required { property } => {
                out.insert(join(&at, property.as_str().unwrap_or_default()));
            }
            jsonschema::error::ValidationErrorKind::AdditionalProperties {
                unexpected,
            } => {
                for name in unexpected {
                    out.insert(join(&at, name));
                }
            }
            _ => {
                out.insert(at);
            }
        }
    }
    out
}

fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", token.replace('~', "~0").replace('/', "~1"))
}

fn pointers(
    result: Result<(), Vec<rivya_sdk::catalog::ParamViolation>>,
) -> BTreeSet<String> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.pointer)
        .collect()
}

fn run_model(
    model: &Model,
    target: ParamTarget,
    valid_count: &AtomicUsize,
    total: &AtomicUsize,
) {
    let params: Vec<&ModelParam> =
        model.params.iter().filter(|p| p.target == target).collect();
    let schema = schema::location_schema(model, target);
    let validator =
        jsonschema::validator_for(&schema).expect("the derived schema compiles");
    let sdk = rivya_sdk::catalog::model(&model.id).expect("the SDK knows every model");
    let cli_rules = common::fixture_rules();
    let cli = rules::find(cli_rules, &model.id).unwrap();
    let strategy = prop_oneof![
        4 => object(&params, target, false),
        1 => object(&params, target, true),
    ];
    let mut runner = TestRunner::new(Config {
        cases: CASES_PER_MODEL,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |instance| {
        let (generated, interpreted) = match target {
            ParamTarget::Params => (
                pointers(rivya_sdk::catalog::validate_params(&model.id, &instance)),
                cli.check_params(&instance),
            ),
            ParamTarget::Controls => (
                pointers(rivya_sdk::catalog::validate_controls(&model.id, &instance)),
                cli.check_controls(&instance),
            ),
            ParamTarget::Body => (
                pointers(sdk.check_body_params(&instance)),
                cli.check_body_params(&instance),
            ),
        };
        let interpreted: BTreeSet<String> = interpreted
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.pointer)
            .collect();
        let oracle = schema_pointers(&validator, &instance);
        total.fetch_add(1, Ordering::Relaxed);
        if generated.is_empty() {
            valid_count.fetch_add(1, Ordering::Relaxed);
        }
        prop_assert_eq!(&generated, &interpreted, "SDK vs CLI on {}", instance);
        prop_assert_eq!(
            validator.is_valid(&instance),
            generated.is_empty(),
            "validity differs on {}: runtime {:?}, schema {:?}",
            instance,
            generated,
            oracle
        );
        prop_assert_eq!(
            &generated,
            &oracle,
            "failing pointers differ on {}",
            instance
        );
        Ok::<(), TestCaseError>(())
    });
    if let Err(error) = result {
        panic!("{} ({:?}): {error}", model.id, target);
    }
}

#[test]
fn runtime_agrees_with_json_schema_for_every_model() {
    let catalog = common::fixture_ir().catalog.as_ref().unwrap();
    let started = std::time::Instant::now();
    let mut report = Vec::new();
    for model in &catalog.models {
        for target in [
            ParamTarget::Params,
            ParamTarget::Controls,
            ParamTarget::Body,
        ] {
            let has_params = model.params.iter().any(|p| p.target == target);
            // Every model's `params` object is checked (empty for chat models: only `{}` and
            // unknown members); `controls` and body members where the model has some.
            if !has_params && target != ParamTarget::Params {
                continue;
            }
            let valid = AtomicUsize::new(0);
            let total = AtomicUsize::new(0);
            run_model(model, target, &valid, &total);
            let (valid, total) = (valid.into_inner(), total.into_inner());
            assert!(total >= CASES_PER_MODEL as usize);
            assert!(
                valid > total / 20,
                "{}: too few valid cases ({valid}/{total})",
                model.id
            );
            if has_params {
                assert!(
                    valid < total * 19 / 20,
                    "{}: too few invalid cases",
                    model.id
                );
            }
            report.push(format!(
                "{} {:?}: {total} cases, {valid} valid, {} invalid",
                model.id,
                target,
                total - valid
            ));
        }
    }
    eprintln!("{}", report.join("\n"));
    eprintln!("differential test took {:.1?}", started.elapsed());
}
