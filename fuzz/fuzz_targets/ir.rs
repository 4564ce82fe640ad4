//! Arbitrary bytes → load → normalize → `ir::build` → the IR serialized as the CLI prints it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rivya_codegen_fuzz::full_pipeline(data);
});
