//! Edited OpenAPI documents with hostile names planted (see `rivya_codegen_fuzz::structured`)
//! → every generator, with the generated files checked (`rivya_codegen_fuzz::generate`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rivya_codegen_fuzz::structured::MutatedForGenerate;

fuzz_target!(|input: MutatedForGenerate| {
    rivya_codegen_fuzz::generate_pipeline(input.text.as_bytes());
});
