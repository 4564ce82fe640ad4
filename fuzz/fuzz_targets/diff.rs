//! A contract and an edited copy of it (see `rivya_codegen_fuzz::structured::MutatedPair`) →
//! the diff in both directions, checked by `rivya_codegen_fuzz::diff`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rivya_codegen_fuzz::structured::MutatedPair;

fuzz_target!(|input: MutatedPair| {
    rivya_codegen_fuzz::diff::diff_and_check(&input.old, &input.new);
});
