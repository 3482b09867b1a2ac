#![no_main]
//! `cargo +nightly fuzz run wareki` (or `scripts/fuzz.sh MINUTES wareki`); the checks are in
//! `fuzz/src/lib.rs`, shared with `tests/fuzz_regressions.rs`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| deid_kit_fuzz::wareki(data));
