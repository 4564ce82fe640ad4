//! Edited OpenAPI documents (see `rivya_codegen_fuzz::structured`) → the whole `ir` pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rivya_codegen_fuzz::structured::Mutated;

fuzz_target!(|input: Mutated| {
    rivya_codegen_fuzz::full_pipeline(input.text.as_bytes());
});
