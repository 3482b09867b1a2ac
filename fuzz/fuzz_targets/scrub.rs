#![no_main]
//! `cargo +nightly fuzz run scrub` (or `scripts/fuzz.sh MINUTES scrub`); the checks are in
//! `fuzz/src/lib.rs`, shared with `tests/fuzz_regressions.rs`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| deid_kit_fuzz::scrub(data));
