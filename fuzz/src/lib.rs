//! What the fuzz targets share: the pipeline as the CLI runs it, the guarantees checked on every
//! outcome, (in `structured`) a generator of edited OpenAPI documents, and (in `generate`) the
//! guarantees of the generated files.
//!
//! The guarantees are those of `tests/bad_input.rs`: bad input is an `Error::Input` whose
//! message is one line naming the file; never a panic, a stack overflow or unbounded memory
//! (libFuzzer reports those itself, with `-rss_limit_mb` and `-timeout`).

pub mod diff;
pub mod generate;
pub mod structured;

use rivya_codegen::load::{self, Document};
use rivya_codegen::{normalize, Error};

/// The file name every fuzzed document pretends to have.
pub const ORIGIN: &str = "fuzz.json";

/// `load::parse_document` then `normalize::normalize`: must return, Ok or a clean input error.
pub fn load_and_normalize(bytes: &[u8]) -> Option<normalize::Spec> {
    let result = load::parse_document(ORIGIN, bytes).and_then(|value| {
        normalize::normalize(Document {
            origin: ORIGIN.to_owned(),
            value,
        })
    });
    match result {
        Ok(spec) => Some(spec),
        Err(error) => {
            check_error(&error);
            None
        }
    }
}

/// The whole `ir` command: load, normalize, build the IR and serialize it as the CLI prints it.
pub fn full_pipeline(bytes: &[u8]) {
    let Some(spec) = load_and_normalize(bytes) else {
        return;
    };
    match rivya_codegen::pipeline::build_ir(&spec, None) {
        Ok(ir) => {
            serde_json::to_string_pretty(&ir).expect("the IR always serializes");
        }
        Err(error) => check_error(&error),
    }
}

/// `generate` without writing: load, normalize, build the IR, run every generator backend in
/// memory (`pipeline::output`) and check the files (see [`generate`]).
pub fn generate_pipeline(bytes: &[u8]) {
    let Some(spec) = load_and_normalize(bytes) else {
        return;
    };
    match rivya_codegen::pipeline::build_ir(&spec, None) {
        Ok(ir) => generate::generate_and_check(&ir),
        Err(error) => check_error(&error),
    }
}

/// An input error, printed by the CLI as one line that names the file.
pub fn check_error(error: &Error) {
    let Error::Input { origin, .. } = error else {
        panic!("bad input must be an input error, not {error:?}");
    };
    assert_eq!(origin, ORIGIN, "the error names the file");
    let message = error.to_string();
    assert!(
        !message.contains(['\n', '\r']),
        "the error message must be one line: {message:?}"
    );
}
