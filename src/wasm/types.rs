//! JS-side names for the plain objects the API takes, so the TypeScript types are precise.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `PseudonymOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "PseudonymOptions")]
    pub type PseudonymOptions;
}
