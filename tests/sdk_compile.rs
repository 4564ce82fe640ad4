//! Crates generated from other contracts compile warning-free (and pass clippy): the
//! independent 3.1 YAML rendering of the Rivya contract, and the two every-construct specs.
//!
//! Each is generated into a temporary folder outside the workspace and checked with
//! `RUSTFLAGS=-Dwarnings`, with the workspace's target folder (so dependencies built once are
//! reused) and the workspace's lockfile (so the versions are the ones the workspace tested).

mod common;

use common::root;
use rivya_codegen::pipeline::{output, Input};

fn compiles_warning_free(spec: &str) {
    let ir = Input::for_spec(root().join(spec).display().to_string())
        .build_ir()
        .unwrap();
    common::compiles_warning_free(&output(&ir).unwrap());
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
