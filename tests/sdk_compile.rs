//! Crates generated from other contracts compile warning-free (and pass clippy): the
//! independent 3.1 YAML rendering of the Rivya contract, and the every-construct spec.
//!
//! Each is generated into a temporary folder outside the workspace and checked with
//! `RUSTFLAGS=-Dwarnings`, with the workspace's target folder (so dependencies built once are
//! reused) and the workspace's lockfile (so the versions are the ones the workspace tested).

use std::path::PathBuf;
use std::process::Command;

use rivya_codegen::backends::sdk;
use rivya_codegen::cli::{output, InputArgs};
use rivya_codegen::write::OutputTree;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

fn cargo(crate_dir: &std::path::Path, command: &str, extra: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let result = Command::new(cargo)
        .current_dir(crate_dir)
        .arg(command)
        .args(["--all-targets", "--offline", "--quiet"])
        .args(extra)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "`cargo {command}` failed for {}:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

fn compiles_warning_free(spec: &str) {
    compiles_with(spec, None);
}

fn compiles_with(spec: &str, catalog_module: Option<&str>) {
    let ir = InputArgs {
        spec: root().join(spec).display().to_string(),
        models: None,
        max_bytes: rivya_codegen::load::DEFAULT_MAX_BYTES,
        timeout: 10,
    }
    .build_ir()
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tree = match catalog_module {
        None => output(&ir).unwrap(),
        Some(source) => {
            let options = sdk::Options {
                catalog_module: Some(source.to_owned()),
            };
            let mut tree = OutputTree::new();
            tree.nest("rivya-sdk", sdk::generate(&ir, &options).unwrap())
                .unwrap();
            tree
        }
    };
    rivya_codegen::write::write(&tree, dir.path()).unwrap();
    let crate_dir = dir.path().join("rivya-sdk");
    std::fs::copy(root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    cargo(&crate_dir, "check", &[]);
    cargo(&crate_dir, "clippy", &["--", "-D", "warnings"]);
}

#[test]
fn independent_rendering_generates_a_crate_that_compiles() {
    compiles_warning_free("tests/data/independent/rivya-openapi-3.1.yaml");
}

#[test]
fn every_construct_generates_a_crate_that_compiles() {
    compiles_warning_free("tests/data/every-construct.yaml");
}

/// The integration point for the validators backend's `catalog` module: with one, the SDK
/// declares `pub mod catalog;` and checks requests against it before sending. This stub has
/// the interface that backend promises (`model(id).kind`, `validate_params`).
const CATALOG_STUB: &str = r#"//! The model catalog (a stand-in with the validators backend's interface).

/// A model of the catalog.
#[derive(Debug)]
pub struct ModelInfo {
    /// image, video, audio or chat.
    pub kind: &'static str,
}

/// A param that breaks its model's rules.
#[derive(Debug)]
pub struct ParamViolation(String);

impl std::fmt::Display for ParamViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

static IMAGE: ModelInfo = ModelInfo { kind: "image" };

/// A model by its public ID.
pub fn model(id: &str) -> Option<&'static ModelInfo> {
    (id == "z-image").then_some(&IMAGE)
}

/// Checks a request's params against the model's.
pub fn validate_params(
    model_id: &str,
    params: &serde_json::Value,
) -> Result<(), Vec<ParamViolation>> {
    match params.get("aspect_ratio") {
        Some(ratio) if ratio != "1:1" => Err(vec![ParamViolation(format!("{model_id}: {ratio}"))]),
        _ => Ok(()),
    }
}
"#;

#[test]
fn fixture_with_a_catalog_module_compiles() {
    compiles_with("fixtures/openapi.json", Some(CATALOG_STUB));
}
