//! FHIR R4 / JP Core resources (NDJSON exports and Bundles) de-identified with the same actions,
//! presets and accounting as CSV.
//!
//! - [`path`]: the FHIRPath subset that addresses elements (`Patient.name`,
//!   `nodesByType('HumanName')`); [`types`]: the element-type table it needs.
//! - `rules`: the policy's `paths` compiled; the first rule selecting a node (or an ancestor)
//!   decides it. `walk`: applies the decisions to one resource and removes every element no rule
//!   covers (fail closed), counting removed paths for the report.
//! - `links`: ids, references and `fullUrl`s pseudonymized from the referenced id alone, so every
//!   reference still resolves; which patient a resource is about.
//! - [`PatientIndex`]: the first pass's per-patient identities (for opt-out and the free-text
//!   scrubber) — memory grows with patients, not resources.
//! - `date`: FHIR dates shifted per patient or cut, keeping their precision.
//! - [`Session`]: the streaming run over NDJSON or a Bundle; `crate::Session` dispatches to it.
//! - [`preset`]: the kamei / tokumei policies for the usual JP Core resources.

mod anonymize;
mod date;
mod index;
mod links;
pub mod ms;
pub mod path;
pub mod preset;
mod rules;
mod session;
pub mod types;
mod walk;

pub use index::{PatientIdentity, PatientIndex, EN_REPRESENTATION, JP_PATIENT_ID_SYSTEM};
pub use links::{rewrite as rewrite_reference, target as reference_target};
pub use session::{Format, Session};

/// The FHIR container a file's first bytes look like, or `None` for anything that is not JSON
/// (CSV). A first line that is a whole JSON object is NDJSON, unless it is a Bundle; a first line
/// that is not (a pretty-printed document) is a Bundle. `complete` says the sample is the whole
/// file (otherwise a first line cut by the sample's end is not judged).
pub fn sniff(sample: &[u8], complete: bool) -> Option<Option<Format>> {
    let body = sample.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(sample);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return if complete { Some(None) } else { None };
    };
    let body = body.get(start..).unwrap_or_default();
    if body.first() != Some(&b'{') {
        return Some(None);
    }
    let line = match body.iter().position(|&b| b == b'\n') {
        Some(end) => body.get(..end).unwrap_or_default(),
        None if complete => body,
        None => return None,
    };
    Some(Some(
        match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(value) if value.get("resourceType").and_then(|t| t.as_str()) == Some("Bundle") => {
                Format::Bundle
            }
            Ok(_) => Format::Ndjson,
            Err(_) => Format::Bundle,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        type Case<'a> = (&'a [u8], bool, Option<Option<Format>>);
        let cases: [Case<'_>; 7] = [
            (b"ID,name\n1,2\n", false, Some(None)),
            (
                b"  {\"resourceType\":\"Patient\"}\n{",
                false,
                Some(Some(Format::Ndjson)),
            ),
            (
                b"{\"resourceType\":\"Bundle\",\"entry\":[]}",
                true,
                Some(Some(Format::Bundle)),
            ),
            (
                b"{\n  \"resourceType\": \"Bundle\",",
                false,
                Some(Some(Format::Bundle)),
            ),
            (b"{\"resourceType\":\"Pat", false, None),
            (b"   ", false, None),
            (b"", true, Some(None)),
        ];
        for (sample, complete, expected) in cases {
            assert_eq!(
                sniff(sample, complete),
                expected,
                "{}",
                String::from_utf8_lossy(sample)
            );
        }
    }
}
