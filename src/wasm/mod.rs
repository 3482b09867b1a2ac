//! The JS binding: converts arguments, calls the core, converts results. Nothing else.

mod error;
mod session;
pub mod types;

pub use session::{Anonymization, Session};

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::ja::normalize::Options;
use crate::ja::wareki::{self, Date};
use crate::preset::{suggest, Preset};
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
/** One column's action (the policy's `columns` values). */
export type Action =
  | { action: "keep" }
  | { action: "drop" }
  | { action: "replace"; value: string }
  | { action: "mask"; keep_start?: number; keep_end?: number; with?: string }
  | { action: "pseudonymize"; length?: number; name?: boolean }
  | { action: "tokenize"; length?: number }
  | { action: "generalize_date"; to: "year" | "year_month" }
  | { action: "age"; band?: number; top_code?: number }
  | { action: "top_code"; at: number }
  | { action: "date_shift"; max_days: number }
  | { action: "generalize_postal"; digits: number }
  | { action: "generalize_address"; to: "prefecture" | "municipality" | "ward" }
  | { action: "scrub_text"; identity?: string[]; surrogates?: boolean }
  | { action: "generalize"; hierarchy: "age" | "date" | "postal" | "address" | "sex" | string[][]; quasi_identifier?: true };
/** A de-identification policy: the same JSON document as the CLI's `--policy` file. */
export interface Policy {
  version: 1;
  preset?: string;
  input?: { format?: "csv" | "ndjson" | "bundle" | "auto"; encoding?: string; header?: boolean; delimiter?: "," | ";" | "\t" };
  output?: { encoding?: string; line_ending?: "same" | "crlf" | "lf" };
  patient_id?: string;
  reference_date?: string;
  on_invalid?: "reject" | "blank";
  opt_out?: { strip_leading_zeros?: boolean };
  /** 匿名加工: k-anonymity (+ l-diversity) over the `generalize` columns; the run takes two passes. */
  privacy?: { k: number; l?: { distinct: number } | { entropy: number }; max_suppression?: number; metric?: "loss" | "discernibility" | "entropy" };
  /** `{}` for FHIR. */
  columns: Record<string, Action>;
  /** FHIR: one action per element, by FHIRPath-subset expression; the first rule covering an element decides, elements no rule covers are removed. */
  paths?: Record<string, Action>;
  /** Written by `suggestPolicy`: what was detected per column, and why. */
  detected?: Record<string, Detected>;
}
/** What `previewFile` found in the first bytes of a file. */
export interface Preview {
  encoding: "utf-8" | "shift_jis" | "euc-jp";
  bom: boolean;
  line_ending: "crlf" | "lf";
  delimiter: string;
  headers: string[];
  rows: string[][];
  /** Bytes up to the end of the last previewed row. */
  bytes: number;
  estimated_rows: number;
}
/** Options of `suggestPolicy`. */
export interface SuggestOptions {
  /** The day ages are computed at, e.g. "2024-04-01" (default: today). */
  referenceDate?: string;
}
/** What detection found in a column and why the preset chose its action. */
export interface Detected {
  kind: string;
  confidence: number;
  evidence: string;
  reason_ja: string;
  reason_en: string;
  /** A person should look at this column before running. */
  review: boolean;
}
/** What the anonymization search chose (`Anonymization.summary`). */
export interface AnonymizationSummary {
  levels: number[];
  loss: number;
  metric: string;
  suppressed: number;
  classes: number;
  checked: number;
  lattice: number;
}
/** Options of `new Session`. */
export interface SessionOptions {
  /** Patient IDs that opted out (提供停止); their rows are not written. */
  optOut?: string[];
}
/** One side (input or output) of a run. */
export interface ReportSide { sha256: string; bytes: number; encoding: string; line_ending: "crlf" | "lf"; bom: boolean }
/** The report of a run: counts, names and reasons, never a cell value or a key. */
export interface Report {
  tool: "deid-kit";
  version: string;
  policy_sha256: string;
  preset: string | null;
  key_fingerprint: string | null;
  input: ReportSide;
  output: ReportSide;
  /** in = out + rejected + opted_out */
  rows: { in: number; out: number; rejected: number; opted_out: number; suppressed: number };
  /** `scrubbed`: identifiers a scrub_text column replaced, per tag (name, phone, address, postal, date, age, facility, id, email, url). */
  columns: { name: string; action: string; note?: string; values: number; blanked: number; scrubbed?: Record<string, number>; detected?: Detected }[];
  rejected: { row: number; line: number; column: string | null; reason: string }[];
  tokens: number;
  warnings: string[];
  /** FHIR input: rows count resources and columns list the `paths` rules. */
  fhir?: { format: "ndjson" | "bundle"; resources: Record<string, number>; removed: Record<string, number>; patients: number; index_bytes: number };
  /** Present when the policy anonymizes. */
  anonymization?: {
    levels: { column: string; level: number; max_level: number }[];
    solution: AnonymizationSummary;
    risk_before: RiskReport;
    risk_after: RiskReport;
    rare_values: { column: string; rare_values: number; rows: number }[];
  };
}
/** Re-identification risk of a file at some generalization. */
export interface RiskReport {
  rows: number;
  classes: number;
  /** [class size, number of classes] */
  class_sizes: [number, number][];
  k: number;
  records_at_risk: number;
  classes_at_risk: number;
  prosecutor_max: number;
  prosecutor_avg: number;
  journalist_max: number;
  journalist_avg: number;
  marketer: number;
}
/** What `Session.finish()` returns. */
export interface FinishResult {
  /** The last output bytes. */
  tail: Uint8Array;
  report: Report;
  /** The encrypted correspondence table, when the policy tokenizes. Keep it on site. */
  tokens?: Uint8Array;
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
  /** Line in the input, when known (e.g. an unterminated quote). */
  line?: number;
  /** JSON pointer into the policy, for code "policy". */
  path?: string;
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
    let p = Pseudonymizer::new(
        &key,
        length,
        Options {
            name: options.name,
            ..Options::default()
        },
    )
    .map_err(into_js)?;
    Ok(p.pseudonym(value))
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct SuggestOptions {
    reference_date: Option<String>,
}

/// Suggests a policy for a file from its first bytes (a few hundred KB): every column classified
/// and given the preset's action with a reason (`detected`). `preset` is "kamei" or "tokumei".
#[wasm_bindgen(js_name = suggestPolicy, unchecked_return_type = "Policy")]
pub fn suggest_policy(
    sample: &[u8],
    #[wasm_bindgen(unchecked_param_type = "\"kamei\" | \"tokumei\"")] preset: &str,
    options: Option<types::SuggestOptions>,
) -> JsResult<JsValue> {
    let options: SuggestOptions = options
        .map(|o| error::from_js(&o))
        .transpose()?
        .unwrap_or_default();
    let preset = Preset::from_name(preset)
        .ok_or_else(|| error::argument("preset must be \"kamei\" or \"tokumei\""))?;
    let today = match options.reference_date {
        Some(text) => wareki::parse(&text).map_err(error::argument)?,
        None => {
            let now = js_sys::Date::new_0();
            Date::new(
                now.get_full_year() as i32,
                now.get_month() as u8 + 1,
                now.get_date() as u8,
            )
            .ok_or_else(|| error::argument("the system clock gives no valid date"))?
        }
    };
    session::to_js(&suggest(sample, preset, today).map_err(into_js)?)
}

/// A first look at a file from its first bytes: encoding, delimiter, header, first rows, and an
/// estimate of its row count.
#[wasm_bindgen(js_name = previewFile, unchecked_return_type = "Preview")]
pub fn preview_file(sample: &[u8], file_size: f64, rows: Option<u32>) -> JsResult<JsValue> {
    let rows = rows.unwrap_or(5) as usize;
    session::to_js(&crate::preview::preview(sample, file_size as u64, rows).map_err(into_js)?)
}

/// The kit's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}
