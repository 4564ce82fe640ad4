//! Arbitrary bytes → load → normalize → `ir::build` → every generator (SDK, validators, docs),
//! in memory, with the generated files checked (`rivya_codegen_fuzz::generate`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rivya_codegen_fuzz::generate_pipeline(data);
});
