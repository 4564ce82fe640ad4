//! Crates generated from other contracts compile warning-free (and pass clippy): the
//! independent 3.1 YAML rendering of the Rivya contract, and the two every-construct specs.
//!
//! Each is generated into a temporary folder outside the workspace and checked with
//! `RUSTFLAGS=-Dwarnings`, with the workspace's target folder (so dependencies built once are
//! reused) and the workspace's lockfile (so the versions are the ones the workspace tested).

use std::path::PathBuf;
use std::process::Command;

use rivya_codegen::pipeline::{output, Input};

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
    let ir = Input::for_spec(root().join(spec).display().to_string())
        .build_ir()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tree = output(&ir).unwrap();
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
    compiles_warning_free("tests/data/sdk-every-construct.yaml");
}

/// Keywords, names that collide after case conversion, leading digits, non-ASCII names,
/// recursion and every union kind (the IR's own construct spec).
#[test]
fn hostile_identifiers_generate_a_crate_that_compiles() {
    compiles_warning_free("tests/data/every-construct.yaml");
}
