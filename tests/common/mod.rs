#![allow(dead_code)]

use std::sync::OnceLock;

use rivya_codegen::backends::validators::{rules, runtime::ModelInfo};
use rivya_codegen::cli::{InputArgs, DEFAULT_SPEC};
use rivya_codegen::ir::Ir;
use rivya_codegen::load::{DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT};

pub fn ir_of(spec: &str) -> Ir {
    InputArgs {
        spec: spec.to_owned(),
        models: None,
        max_bytes: DEFAULT_MAX_BYTES,
        timeout: DEFAULT_TIMEOUT.as_secs(),
    }
    .build_ir()
    .unwrap_or_else(|e| panic!("{spec}: {e}"))
}

/// The IR of the fixture, built once per test binary.
pub fn fixture_ir() -> &'static Ir {
    static IR: OnceLock<Ir> = OnceLock::new();
    IR.get_or_init(|| ir_of(DEFAULT_SPEC))
}

/// The rule tables the CLI builds from the fixture, built once per test binary.
pub fn fixture_rules() -> &'static [ModelInfo] {
    static RULES: OnceLock<&'static [ModelInfo]> = OnceLock::new();
    RULES.get_or_init(|| rules::catalog_rules(fixture_ir().catalog.as_ref().unwrap()))
}
