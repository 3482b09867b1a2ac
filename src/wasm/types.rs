//! JS-side names for the plain objects the API takes, so the TypeScript types are precise.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `PseudonymOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "PseudonymOptions")]
    pub type PseudonymOptions;

    /// `Policy | string` in TypeScript.
    #[wasm_bindgen(typescript_type = "Policy | string")]
    pub type PolicyInput;

    /// `SessionOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "SessionOptions")]
    pub type SessionOptions;

    /// `SuggestOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "SuggestOptions")]
    pub type SuggestOptions;

    /// `FinishResult` in TypeScript.
    #[wasm_bindgen(typescript_type = "FinishResult")]
    pub type FinishResult;
}
