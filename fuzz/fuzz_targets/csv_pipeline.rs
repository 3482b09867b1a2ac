#![no_main]
//! `cargo +nightly fuzz run csv_pipeline` (or `scripts/fuzz.sh MINUTES csv_pipeline`); the checks are in
//! `fuzz/src/lib.rs`, shared with `tests/fuzz_regressions.rs`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| deid_kit_fuzz::csv_pipeline(data));
