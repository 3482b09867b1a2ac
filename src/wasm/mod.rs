//! The JS binding: converts arguments, calls the core, converts results. Nothing else.

mod error;
pub mod types;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::ja::normalize::Options;
use crate::{pseudonym, Pseudonymizer, SiteKey};
use error::{into_js, JsResult};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Options of `pseudonymize`. */
export interface PseudonymOptions {
  /** Characters in the pseudonym, 8 to 51 (default 16). */
  length?: number;
  /** Fold the value as a person's name (kana, spaces, variant kanji) before hashing. */
  name?: boolean;
}
/** The Error thrown by every function of the kit. Its message never contains a key or a cell value. */
export interface DeidError extends Error {
  name: "DeidError";
  /** Stable error code, e.g. "key_file". */
  code: string;
  /** Data row from 1, when known. */
  row?: number;
  /** Column name, when known. */
  column?: string;
}
"#;

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PseudonymOptions {
    length: Option<usize>,
    name: bool,
}

/// Generates a new site key and returns its key file's bytes (same format as `deid-kit keygen`).
#[wasm_bindgen(js_name = generateKey)]
pub fn generate_key() -> JsResult<Vec<u8>> {
    Ok(SiteKey::generate().map_err(into_js)?.to_file().to_vec())
}

/// The fingerprint of a key file, e.g. "3F2A-9C1B-07DE-55A0"; throws a DeidError if the file is refused.
#[wasm_bindgen(js_name = keyFingerprint)]
pub fn key_fingerprint(key_file: &[u8]) -> JsResult<String> {
    Ok(SiteKey::from_file(key_file).map_err(into_js)?.fingerprint())
}

/// The keyed pseudonym of `value` under the key file's key.
#[wasm_bindgen]
pub fn pseudonymize(
    key_file: &[u8],
    value: &str,
    options: Option<types::PseudonymOptions>,
) -> JsResult<String> {
    let options: PseudonymOptions = match options {
        Some(o) => error::from_js(&o)?,
        None => PseudonymOptions::default(),
    };
    let key = SiteKey::from_file(key_file).map_err(into_js)?;
    let length = options.length.unwrap_or(pseudonym::DEFAULT_LENGTH);
    let p = Pseudonymizer::new(&key, length, Options { name: options.name }).map_err(into_js)?;
    Ok(p.pseudonym(value))
}

/// The kit's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}
