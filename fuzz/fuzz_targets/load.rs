//! Arbitrary bytes → `load::parse_document` (JSON or YAML, by content) → `normalize::normalize`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rivya_codegen_fuzz::load_and_normalize(data);
});
