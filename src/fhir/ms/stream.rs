//! Running the MS-compatible mode over files: NDJSON line by line (a bad line is reported with
//! its number, skipped and counted), or one JSON document (a resource or a Bundle).

use std::io::{BufRead, Write};

use serde_json::Value;

use super::Anonymizer;

/// What a run did. `lines_in = written + rejected.len()` (blank lines are not resources).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamSummary {
    /// Non-blank input lines (resources offered).
    pub lines_in: u64,
    /// Resources written.
    pub written: u64,
    /// (1-based line number, reason) of each line skipped; reasons never quote values.
    pub rejected: Vec<(u64, String)>,
}

/// Anonymizes NDJSON from `input` to `output`, one compact line per resource, same order.
///
/// # Errors
/// Only I/O failures; a line that is not JSON, not a resource, or that a rule cannot be applied
/// to is recorded in [`StreamSummary::rejected`] and skipped.
///
/// # Example
/// ```
/// use deid_kit::fhir::ms::{anonymize_ndjson, Anonymizer, MsSettings};
/// use deid_kit::ja::wareki::Date;
/// let config = r#"{"fhirPathRules": [{"path": "Patient.name", "method": "redact"}]}"#;
/// let ms = Anonymizer::from_config(config, MsSettings::new(Date::new(2025, 1, 1).ok_or("date")?))?;
/// let input = "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"x\"}],\"gender\":\"male\"}\nnot json\n";
/// let mut out = Vec::new();
/// let summary = anonymize_ndjson(&ms, input.as_bytes(), &mut out)?;
/// assert_eq!(summary.written, 1);
/// assert_eq!(summary.rejected.len(), 1);
/// assert_eq!(summary.rejected[0].0, 2);
/// assert!(String::from_utf8_lossy(&out).starts_with("{\"resourceType\":\"Patient\",\"meta\""));
/// # Ok::<(), String>(())
/// ```
pub fn anonymize_ndjson<R: BufRead, W: Write>(
    ms: &Anonymizer,
    mut input: R,
    mut output: W,
) -> Result<StreamSummary, String> {
    let mut summary = StreamSummary::default();
    let mut line = Vec::new();
    let mut number: u64 = 0;
    loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("reading line {}: {e}", number + 1))?;
        if read == 0 {
            break;
        }
        number += 1;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let text = if number == 1 {
            text.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(text)
        } else {
            text
        };
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        summary.lines_in += 1;
        match anonymize_text(ms, text) {
            Ok(json) => {
                output
                    .write_all(json.as_bytes())
                    .and_then(|()| output.write_all(b"\n"))
                    .map_err(|e| format!("writing: {e}"))?;
                summary.written += 1;
            }
            Err(reason) => summary.rejected.push((number, reason)),
        }
    }
    output.flush().map_err(|e| format!("writing: {e}"))?;
    Ok(summary)
}

/// Anonymizes one JSON document (a resource or a Bundle) and returns it compact.
///
/// # Errors
/// Not JSON, not a resource, or a rule that cannot be applied.
pub fn anonymize_document(ms: &Anonymizer, text: &[u8]) -> Result<String, String> {
    let text = text.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(text);
    anonymize_text(ms, text)
}

fn anonymize_text(ms: &Anonymizer, text: &[u8]) -> Result<String, String> {
    let mut resource: Value = serde_json::from_slice(text).map_err(|e| {
        // serde_json's messages give positions, never the offending text.
        format!("not valid JSON ({e})")
    })?;
    ms.anonymize(&mut resource)?;
    serde_json::to_string(&resource).map_err(|e| e.to_string())
}
