//! The wasm build in Chromium (`wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

mod wasm_cases;

use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn browser_is_the_host() {
    assert!(web_sys::window().is_some());
}

#[wasm_bindgen_test]
fn browser_vectors_match_native() {
    wasm_cases::vectors_match_native();
}

#[wasm_bindgen_test]
fn browser_generated_keys_load_and_differ() {
    wasm_cases::generated_keys_load_and_differ();
}

#[wasm_bindgen_test]
fn browser_corrupted_key_files_throw_deid_errors() {
    wasm_cases::corrupted_key_files_throw_deid_errors();
}

#[wasm_bindgen_test]
fn browser_bad_options_are_refused() {
    wasm_cases::bad_options_are_refused();
}

#[wasm_bindgen_test]
fn browser_session_output_equals_the_native_expected_bytes_for_any_chunking() {
    wasm_cases::session_output_equals_the_native_expected_bytes_for_any_chunking();
}

#[wasm_bindgen_test]
fn browser_session_errors_are_deid_errors_with_paths_and_rows() {
    wasm_cases::session_errors_are_deid_errors_with_paths_and_rows();
}

#[wasm_bindgen_test]
fn browser_suggest_and_preview_match_native() {
    wasm_cases::suggest_and_preview_match_native();
}

#[wasm_bindgen_test]
fn browser_anonymization_two_passes() {
    wasm_cases::anonymization_two_passes();
}

#[wasm_bindgen_test]
fn browser_fhir_two_passes_equal_the_cli_bytes() {
    wasm_cases::fhir_two_passes_equal_the_cli_bytes();
}

#[wasm_bindgen_test]
fn browser_fhir_small_chunks_give_the_same_bytes() {
    wasm_cases::fhir_small_chunks_give_the_same_bytes();
}
