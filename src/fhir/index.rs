//! The patient index of the first pass: for every patient, the identifying values of its Patient
//! resource (names in kanji and kana, identifiers, telecom, addresses, birth date, relatives'
//! names) and of its Coverage (insurance symbols and numbers), whether the patient opted out, and
//! the Bundle `fullUrl`s that name it.
//!
//! The second pass needs it because a resource may come before its patient's Patient resource:
//! opt-out must drop a Condition whose Patient is further down the file, and the free-text
//! scrubber must know that patient's own name. Memory grows with the number of patients only
//! ([`PatientIndex::approximate_bytes`]), never with the number of resources.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::links;
use crate::detect::ColumnKind;
use crate::ja::normalize;

/// JP Core's patient identifier system: `urn:oid:1.2.392.100495.20.3.51.` + 1 + the facility's
/// 10-digit medical institution code.
pub const JP_PATIENT_ID_SYSTEM: &str = "urn:oid:1.2.392.100495.20.3.51.";

/// The HumanName extension telling a kanji name (IDE, ideographic) from its kana reading (SYL,
/// syllabic).
pub const EN_REPRESENTATION: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

/// One patient's identifying values, each with the kind the scrubber matches it as
/// (`scrub::Identity::add(kind, value)`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientIdentity {
    values: Vec<(ColumnKind, Box<str>)>,
}

impl PatientIdentity {
    /// The values, in the order they were found, without duplicates.
    pub fn values(&self) -> impl Iterator<Item = (ColumnKind, &str)> + '_ {
        self.values.iter().map(|(k, v)| (*k, v.as_ref()))
    }

    fn add(&mut self, kind: ColumnKind, value: &str) {
        let value = value.trim();
        if value.is_empty() || self.values.iter().any(|(k, v)| *k == kind && **v == *value) {
            return;
        }
        self.values.push((kind, value.into()));
    }
}

#[derive(Debug, Clone, Default)]
struct Patient {
    identity: PatientIdentity,
    opted_out: bool,
    /// The Patient's quasi-identifier values (匿名加工), in the policy's order; "" when missing.
    quasi: Option<Box<[Box<str>]>>,
}

/// Patients by key (the Patient's `id`, or its `fullUrl` when it has none).
///
/// # Example
/// ```
/// use deid_kit::fhir::PatientIndex;
/// use deid_kit::detect::ColumnKind;
/// let mut index = PatientIndex::new(&["12345".to_owned()], true);
/// index.add(&serde_json::json!({"resourceType": "Patient", "id": "p1",
///     "identifier": [{"system": "urn:oid:1.2.392.100495.20.3.51.11311234567", "value": "0012345"}],
///     "name": [{"family": "山田", "given": ["太郎"]}]}), None);
/// assert!(index.opted_out("p1"));
/// let identity = index.identity("p1").unwrap();
/// assert!(identity.values().any(|(k, v)| k == ColumnKind::Name && v == "山田"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct PatientIndex {
    patients: HashMap<Box<str>, Patient>,
    urls: HashMap<Box<str>, Box<str>>,
    opt_out: HashSet<String>,
    strip_leading_zeros: bool,
    /// Patients with quasi-identifiers, in the order their Patient came: the statistics are
    /// built in file order, not hash order.
    quasi_order: Vec<Box<str>>,
}

impl PatientIndex {
    /// An empty index matching opt-out (提供停止) IDs as the policy says.
    pub fn new(opt_out: &[String], strip_leading_zeros: bool) -> PatientIndex {
        PatientIndex {
            patients: HashMap::new(),
            urls: HashMap::new(),
            opt_out: opt_out
                .iter()
                .map(|id| normalize::patient_id(id, strip_leading_zeros))
                .filter(|id| !id.is_empty())
                .collect(),
            strip_leading_zeros,
            quasi_order: Vec::new(),
        }
    }

    /// Whether an opt-out list was given.
    pub fn has_opt_out(&self) -> bool {
        !self.opt_out.is_empty()
    }

    /// Patients known.
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// Whether no patient is known.
    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }

    /// Takes what a resource tells about its patient: a Patient's identity, a Coverage's
    /// insurance numbers. Other resources add nothing.
    pub fn add(&mut self, resource: &Value, full_url: Option<&str>) {
        match resource.get("resourceType").and_then(Value::as_str) {
            Some("Patient") => self.add_patient(resource, full_url),
            Some("Coverage") => {
                let Some(key) = self.patient_of(resource, full_url) else {
                    return;
                };
                let patient = self.patients.entry(key.into()).or_default();
                coverage(resource, &mut patient.identity);
            }
            _ => {}
        }
    }

    fn add_patient(&mut self, resource: &Value, full_url: Option<&str>) {
        let id = resource.get("id").and_then(Value::as_str);
        let Some(key) = patient_key(resource, full_url) else {
            return;
        };
        let key: Box<str> = key.into();
        if let Some(url) = full_url {
            self.urls.insert(url.into(), key.clone());
        }
        let mut opted_out = self.opt_out.contains(&self.normal(&key));
        let patient = self.patients.entry(key.clone()).or_default();
        let identity = &mut patient.identity;
        if let Some(id) = id {
            identity.add(ColumnKind::PatientId, id);
        }
        for identifier in array(resource, "identifier") {
            let Some(value) = identifier.get("value").and_then(Value::as_str) else {
                continue;
            };
            let system = identifier.get("system").and_then(Value::as_str);
            if system.is_some_and(|s| s.starts_with(JP_PATIENT_ID_SYSTEM)) {
                identity.add(ColumnKind::PatientId, value);
                let normal = normalize::patient_id(value, self.strip_leading_zeros);
                opted_out |= self.opt_out.contains(&normal);
            } else {
                identity.add(ColumnKind::OtherIdentifier, value);
            }
        }
        patient.opted_out |= opted_out;
        names(array(resource, "name"), identity);
        telecom(array(resource, "telecom"), identity);
        addresses(array(resource, "address"), identity);
        if let Some(date) = resource.get("birthDate").and_then(Value::as_str) {
            identity.add(ColumnKind::BirthDate, date);
        }
        for contact in array(resource, "contact") {
            if let Some(name) = contact.get("name") {
                names(std::slice::from_ref(name), identity);
            }
            telecom(array(contact, "telecom"), identity);
            if let Some(address) = contact.get("address") {
                addresses(std::slice::from_ref(address), identity);
            }
        }
    }

    fn normal(&self, id: &str) -> String {
        normalize::patient_id(id, self.strip_leading_zeros)
    }

    /// The key of the patient a resource belongs to: a Patient's own id (else its Bundle
    /// `full_url`, as the index keys it), else the patient its `subject` / `patient` /
    /// `beneficiary` points at.
    pub fn patient_of(&self, resource: &Value, full_url: Option<&str>) -> Option<String> {
        if resource.get("resourceType").and_then(Value::as_str) == Some("Patient") {
            return patient_key(resource, full_url).map(str::to_owned);
        }
        let reference = links::patient_reference(resource, &|url| self.urls.contains_key(url))?;
        self.key_of(reference)
    }

    /// The patient key a reference to a Patient names.
    pub fn key_of(&self, reference: &str) -> Option<String> {
        if let Some(key) = self.urls.get(reference) {
            return Some(key.to_string());
        }
        match links::target(reference) {
            Some((_, id)) => Some(id.to_owned()),
            None => Some(reference.to_owned()),
        }
    }

    /// Whether the patient opted out: by a JP Core patient identifier of its Patient resource,
    /// or by its id.
    pub fn opted_out(&self, key: &str) -> bool {
        self.patients.get(key).is_some_and(|p| p.opted_out)
            || (!self.opt_out.is_empty() && self.opt_out.contains(&self.normal(key)))
    }

    /// The patient's identifying values, for the free-text scrubber.
    pub fn identity(&self, key: &str) -> Option<&PatientIdentity> {
        self.patients.get(key).map(|p| &p.identity)
    }

    /// Records a Patient's quasi-identifier values (the first Patient with this key wins).
    pub(crate) fn set_quasi(&mut self, key: &str, values: Vec<String>) {
        let patient = self.patients.entry(key.into()).or_default();
        if patient.quasi.is_some() {
            return;
        }
        patient.quasi = Some(values.into_iter().map(String::into_boxed_str).collect());
        self.quasi_order.push(key.into());
    }

    /// The patient's quasi-identifier values, if its Patient was seen.
    pub(crate) fn quasi(&self, key: &str) -> Option<Vec<&str>> {
        let values = self.patients.get(key)?.quasi.as_ref()?;
        Some(values.iter().map(|v| &**v).collect())
    }

    /// Every patient with quasi-identifiers, in file order.
    pub(crate) fn quasi_patients(&self) -> impl Iterator<Item = (&str, Vec<&str>)> + '_ {
        self.quasi_order
            .iter()
            .filter_map(|key| Some((&**key, self.quasi(key)?)))
    }

    /// Heap bytes held, roughly (keys, values and table slots).
    pub fn approximate_bytes(&self) -> usize {
        let slot = std::mem::size_of::<(Box<str>, Patient)>() + 8;
        let patients: usize = self
            .patients
            .iter()
            .map(|(k, p)| {
                slot + k.len()
                    + p.identity.values.capacity() * std::mem::size_of::<(ColumnKind, Box<str>)>()
                    + p.identity
                        .values
                        .iter()
                        .map(|(_, v)| v.len())
                        .sum::<usize>()
                    + p.quasi.as_ref().map_or(0, |q| {
                        q.iter()
                            .map(|v| v.len() + std::mem::size_of::<Box<str>>())
                            .sum::<usize>()
                    })
            })
            .sum();
        let urls: usize = self.urls.iter().map(|(u, k)| 40 + u.len() + k.len()).sum();
        let order: usize = self
            .quasi_order
            .iter()
            .map(|k| k.len() + std::mem::size_of::<Box<str>>())
            .sum();
        patients + urls + order
    }
}

fn array<'a>(value: &'a Value, name: &str) -> &'a [Value] {
    match value.get(name) {
        Some(Value::Array(items)) => items,
        Some(one) => std::slice::from_ref(one),
        None => &[],
    }
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    let items: &[Value] = match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    };
    items.iter().filter_map(Value::as_str)
}

fn names(names: &[Value], identity: &mut PatientIdentity) {
    for name in names {
        let syllabic = array(name, "extension").iter().any(|e| {
            e.get("url").and_then(Value::as_str) == Some(EN_REPRESENTATION)
                && e.get("valueCode").and_then(Value::as_str) == Some("SYL")
        });
        let kind = if syllabic {
            ColumnKind::NameKana
        } else {
            ColumnKind::Name
        };
        let family = name.get("family").and_then(Value::as_str);
        let given: Vec<&str> = name
            .get("given")
            .map(strings)
            .into_iter()
            .flatten()
            .collect();
        if let Some(family) = family {
            identity.add(kind, family);
        }
        for g in &given {
            identity.add(kind, g);
        }
        if let Some(text) = name.get("text").and_then(Value::as_str) {
            identity.add(kind, text);
        }
        if let (Some(family), false) = (family, given.is_empty()) {
            identity.add(kind, &format!("{family} {}", given.join(" ")));
        }
    }
}

fn telecom(points: &[Value], identity: &mut PatientIdentity) {
    for point in points {
        let Some(value) = point.get("value").and_then(Value::as_str) else {
            continue;
        };
        let kind = match point.get("system").and_then(Value::as_str) {
            Some("email") => ColumnKind::Email,
            Some("url") | Some("other") => ColumnKind::OtherIdentifier,
            _ => ColumnKind::Phone,
        };
        identity.add(kind, value);
    }
}

fn addresses(addresses: &[Value], identity: &mut PatientIdentity) {
    for address in addresses {
        let part = |name: &str| address.get(name).and_then(Value::as_str).unwrap_or("");
        if let Some(text) = address.get("text").and_then(Value::as_str) {
            identity.add(ColumnKind::Address, text);
        }
        let lines: Vec<&str> = address
            .get("line")
            .map(strings)
            .into_iter()
            .flatten()
            .collect();
        for line in &lines {
            identity.add(ColumnKind::Address, line);
        }
        let joined = format!(
            "{}{}{}{}",
            part("state"),
            part("city"),
            part("district"),
            lines.concat()
        );
        if !lines.is_empty() {
            identity.add(ColumnKind::Address, &joined);
        }
        identity.add(ColumnKind::PostalCode, part("postalCode"));
    }
}

/// JP Core Coverage: the insured person's symbol, number and sub-number extensions, the member
/// ID (`subscriberId`, identifiers).
fn coverage(resource: &Value, identity: &mut PatientIdentity) {
    for extension in array(resource, "extension") {
        let url = extension.get("url").and_then(Value::as_str).unwrap_or("");
        let kind = if url.ends_with("InsuredPersonSymbol") {
            ColumnKind::InsuredSymbol
        } else if url.ends_with("InsuredPersonSubNumber") {
            ColumnKind::InsuredBranch
        } else if url.ends_with("InsuredPersonNumber") {
            ColumnKind::InsuredNumber
        } else {
            continue;
        };
        if let Some(value) = extension.get("valueString").and_then(Value::as_str) {
            identity.add(kind, value);
        }
    }
    if let Some(id) = resource.get("subscriberId").and_then(Value::as_str) {
        identity.add(ColumnKind::InsuredNumber, id);
    }
    for identifier in array(resource, "identifier") {
        if let Some(value) = identifier.get("value").and_then(Value::as_str) {
            identity.add(ColumnKind::InsuredNumber, value);
        }
    }
}

/// The key the index knows a Patient by: its id, else its Bundle `fullUrl`.
pub fn patient_key<'a>(patient: &'a Value, full_url: Option<&'a str>) -> Option<&'a str> {
    patient.get("id").and_then(Value::as_str).or(full_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_and_kana_names_are_told_apart() {
        let mut index = PatientIndex::new(&[], true);
        index.add(
            &serde_json::json!({"resourceType": "Patient", "id": "p",
                "name": [
                    {"extension": [{"url": EN_REPRESENTATION, "valueCode": "IDE"}], "family": "山田", "given": ["太郎"]},
                    {"extension": [{"url": EN_REPRESENTATION, "valueCode": "SYL"}], "family": "ヤマダ", "given": ["タロウ"]}
                ],
                "telecom": [{"system": "phone", "value": "090-1234-5678"}, {"system": "email", "value": "t@example.jp"}],
                "address": [{"state": "東京都", "city": "新宿区", "line": ["西新宿2-8-1"], "postalCode": "160-0023"}],
                "birthDate": "1958-03-14",
                "contact": [{"name": {"family": "山田", "given": ["花子"]}}]}),
            None,
        );
        index.add(
            &serde_json::json!({"resourceType": "Coverage", "beneficiary": {"reference": "Patient/p"},
                "extension": [{"url": "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol", "valueString": "記号１"}]}),
            None,
        );
        let values: Vec<(ColumnKind, &str)> = index.identity("p").unwrap().values().collect();
        for expected in [
            (ColumnKind::Name, "山田"),
            (ColumnKind::Name, "山田 太郎"),
            (ColumnKind::NameKana, "タロウ"),
            (ColumnKind::Phone, "090-1234-5678"),
            (ColumnKind::Email, "t@example.jp"),
            (ColumnKind::Address, "東京都新宿区西新宿2-8-1"),
            (ColumnKind::PostalCode, "160-0023"),
            (ColumnKind::BirthDate, "1958-03-14"),
            (ColumnKind::Name, "花子"),
            (ColumnKind::InsuredSymbol, "記号１"),
        ] {
            assert!(values.contains(&expected), "{expected:?}");
        }
        assert!(index.approximate_bytes() > 100);
    }

    #[test]
    fn opt_out_by_identifier_or_id_and_by_bundle_url() {
        let mut index = PatientIndex::new(&["００１２３".to_owned(), "p9".to_owned()], true);
        index.add(
            &serde_json::json!({"resourceType": "Patient", "id": "p1",
                "identifier": [{"system": format!("{JP_PATIENT_ID_SYSTEM}11311234567"), "value": "123"}]}),
            Some("urn:uuid:aa"),
        );
        index.add(
            &serde_json::json!({"resourceType": "Patient", "id": "p2",
                "identifier": [{"system": "urn:other", "value": "123"}]}),
            None,
        );
        assert!(index.opted_out("p1"));
        assert!(!index.opted_out("p2"));
        assert!(index.opted_out("p9"), "by id, even without its Patient");
        let condition = serde_json::json!({"resourceType": "Condition", "subject": {"reference": "urn:uuid:aa"}});
        assert_eq!(index.patient_of(&condition, None).as_deref(), Some("p1"));
    }
}
