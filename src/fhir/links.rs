//! Links between resources: resource ids, `Reference.reference` and Bundle `fullUrl`s are
//! replaced by keyed pseudonyms computed from the referenced id alone, so that `Patient/123`,
//! `https://…/Patient/123` and the Patient's own `id: "123"` all become the same pseudonym and
//! every reference still resolves after de-identification. Also: which patient a resource
//! belongs to (its `subject`, `patient` or `beneficiary`).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::pseudonym::Pseudonymizer;

/// The elements naming the patient a resource is about, in the order they are tried.
const PATIENT_ELEMENTS: [&str; 3] = ["subject", "patient", "beneficiary"];

/// The parts of a reference: `(base, type, id, rest)` for `[base/]Type/id[/_history/v]`.
fn split(reference: &str) -> Option<(&str, &str, &str, &str)> {
    let (before_history, history) = match reference.find("/_history/") {
        Some(at) => reference.split_at(at),
        None => (reference, ""),
    };
    let (head, id) = before_history.rsplit_once('/')?;
    let (base, kind) = match head.rsplit_once('/') {
        Some((base, kind)) => (base, kind),
        None => ("", head),
    };
    let is_type = kind.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && kind.chars().all(|c| c.is_ascii_alphanumeric());
    if !is_type || id.is_empty() {
        return None;
    }
    Some((base, kind, id, history))
}

/// The logical id a reference points at, with its type: `Patient/123` → (`Patient`, `123`).
pub fn target(reference: &str) -> Option<(&str, &str)> {
    split(reference).map(|(_, kind, id, _)| (kind, id))
}

/// Rewrites a reference (or a resource id, or a `fullUrl`) with pseudonymized ids.
pub fn rewrite(reference: &str, pseudonyms: &Pseudonymizer) -> String {
    if let Some(local) = reference.strip_prefix('#') {
        // A contained resource: its id is pseudonymized like any id (the contained resource is
        // walked as a resource of its own type), so `#id` keeps pointing at it; `#` alone is
        // the container.
        if local.is_empty() {
            return reference.to_owned();
        }
        return format!("#{}", pseudonyms.pseudonym(local));
    }
    if let Some(uuid) = reference.strip_prefix("urn:uuid:") {
        return format!("urn:uuid:{}", as_uuid(&pseudonyms.pseudonym(uuid)));
    }
    if reference.starts_with("urn:") {
        return format!("urn:uuid:{}", as_uuid(&pseudonyms.pseudonym(reference)));
    }
    match split(reference) {
        Some((base, kind, id, history)) => {
            let separator = if base.is_empty() { "" } else { "/" };
            format!(
                "{base}{separator}{kind}/{}{history}",
                pseudonyms.pseudonym(id)
            )
        }
        None => pseudonyms.pseudonym(reference),
    }
}

/// A UUID spelled from a pseudonym (already keyed), so a `urn:uuid:` stays a valid one.
fn as_uuid(pseudonym: &str) -> String {
    let digest = Sha256::digest(pseudonym.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default();
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

/// The reference string naming the patient a resource is about, if any: its `subject`,
/// `patient` or `beneficiary` when that points at a Patient (by type, by URL or, for
/// `urn:uuid:`, by what `is_patient_url` says).
pub fn patient_reference<'a>(
    resource: &'a Value,
    is_patient_url: &dyn Fn(&str) -> bool,
) -> Option<&'a str> {
    PATIENT_ELEMENTS.iter().find_map(|name| {
        let reference = resource.get(name)?;
        let text = reference.get("reference")?.as_str()?;
        let typed = reference.get("type").and_then(Value::as_str) == Some("Patient");
        let points = match target(text) {
            Some((kind, _)) => kind == "Patient",
            None => typed || is_patient_url(text),
        };
        points.then_some(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ja::normalize::Options;
    use crate::SiteKey;

    #[test]
    fn every_spelling_of_a_reference_gets_the_same_id() {
        let p = Pseudonymizer::new(&SiteKey::from_bytes([3; 32]), 16, Options::default()).unwrap();
        let id = p.pseudonym("123");
        assert_eq!(rewrite("Patient/123", &p), format!("Patient/{id}"));
        assert_eq!(
            rewrite("https://ehr.example.jp/fhir/Patient/123", &p),
            format!("https://ehr.example.jp/fhir/Patient/{id}")
        );
        assert_eq!(
            rewrite("Patient/123/_history/2", &p),
            format!("Patient/{id}/_history/2")
        );
        assert_eq!(rewrite("123", &p), id);
        // A contained resource's id is pseudonymized like any id, so `#c1` still points at it.
        assert_eq!(rewrite("#c1", &p), format!("#{}", p.pseudonym("c1")));
        assert_eq!(rewrite("#", &p), "#");
        let u = rewrite("urn:uuid:0f4c-1", &p);
        assert_eq!(u, rewrite("urn:uuid:0f4c-1", &p));
        assert_eq!(u.len(), "urn:uuid:".len() + 36);
        assert!(!u.contains("0f4c-1"));
        assert_eq!(target("Patient/123"), Some(("Patient", "123")));
        assert_eq!(target("a/b/c"), None);
        assert_eq!(target("urn:uuid:x"), None);
    }

    #[test]
    fn the_patient_of_a_resource() {
        let never = |_: &str| false;
        let r: Value =
            serde_json::json!({"resourceType": "Condition", "subject": {"reference": "Patient/9"}});
        assert_eq!(patient_reference(&r, &never), Some("Patient/9"));
        let r: Value = serde_json::json!({"resourceType": "Coverage", "subscriber": {"reference": "Patient/1"}, "beneficiary": {"reference": "Patient/2"}});
        assert_eq!(patient_reference(&r, &never), Some("Patient/2"));
        let r: Value =
            serde_json::json!({"resourceType": "Encounter", "subject": {"reference": "Group/2"}});
        assert_eq!(patient_reference(&r, &never), None);
        let r: Value = serde_json::json!({"resourceType": "Encounter", "subject": {"reference": "urn:uuid:7"}});
        assert_eq!(
            patient_reference(&r, &|u| u == "urn:uuid:7"),
            Some("urn:uuid:7")
        );
    }
}
