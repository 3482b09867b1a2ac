//! 匿名加工 (anonymization) of FHIR exports: k-anonymity over patients, not resources.
//!
//! The policy marks Patient elements as quasi-identifiers with `generalize` rules (a hierarchy
//! and a `min_level`, as for CSV columns) and sets `privacy`. The first pass reads each Patient's
//! values ([`Quasi::read`], kept in the [`PatientIndex`]); [`Quasi::stats`] turns them into the
//! same [`Stats`] the CSV search uses (one row per patient), so `pipeline::anonymize` chooses the
//! levels; the second pass writes each Patient's values at those levels ([`Quasi::write`]) and
//! leaves out every resource of a suppressed patient. What is written is always a function of
//! the patient's equivalence class, so the output classes are the search's classes or unions of
//! them.

use serde_json::{Map, Value};

use super::index::PatientIndex;
use super::rules::Rules;
use crate::action::Action;
use crate::anonymize::{Hierarchy, Stats, SUPPRESSED};
use crate::error::{Error, Result};
use crate::pipeline::{hierarchy, AnonymizationReport, Anonymized};
use crate::policy::Policy;

/// One quasi-identifier: the rule that selects it and its hierarchy from `min_level` up.
struct Element {
    rule: usize,
    expression: String,
    hierarchy: Hierarchy,
    min_level: usize,
}

/// The policy's quasi-identifiers on Patient elements.
pub(super) struct Quasi {
    elements: Vec<Element>,
}

/// Members of an Address that say nothing finer than the region, kept beside the generalized
/// `state`; every other member (line, city, district, postalCode, text, period, extension) goes.
const ADDRESS_KEPT: [&str; 3] = ["use", "type", "country"];

impl Quasi {
    /// The `generalize` rules of a policy, or `None` when it has none. `rules` are the policy's
    /// compiled `paths`, in the same order.
    ///
    /// # Errors
    /// A generalize rule not rooted at `Patient`, a hierarchy that cannot be built, or a privacy
    /// model without quasi-identifiers (and the reverse).
    pub(super) fn from_policy(policy: &Policy, rules: &Rules) -> Result<Option<Quasi>> {
        let mut elements = Vec::new();
        for (i, ((expression, action), rule)) in policy.paths.iter().zip(&rules.rules).enumerate() {
            let Action::Generalize {
                hierarchy: spec,
                min_level,
                ..
            } = action
            else {
                continue;
            };
            let at = format!(
                "/paths/{}",
                expression.replace('~', "~0").replace('/', "~1")
            );
            if rule.path.resource_type() != Some("Patient") {
                return Err(Error::policy(
                    at,
                    "in FHIR the quasi-identifiers are the patient's own (k-anonymity counts patients): generalize works on Patient elements (Patient.birthDate, Patient.gender, Patient.address …)",
                ));
            }
            let hierarchy = hierarchy(spec)
                .and_then(|h| h.starting_at(*min_level))
                .map_err(|e| Error::policy(format!("{at}/hierarchy"), e))?;
            elements.push(Element {
                rule: i,
                expression: expression.clone(),
                hierarchy,
                min_level: *min_level,
            });
        }
        match (policy.privacy.is_some(), elements.is_empty()) {
            (true, true) => Err(Error::policy(
                "/privacy",
                "a privacy model needs quasi-identifiers: generalize rules on Patient elements",
            )),
            (false, false) => Err(Error::policy(
                "/privacy",
                "generalize rules are quasi-identifiers: add a privacy object (k, max_suppression)",
            )),
            (true, false) => Ok(Some(Quasi { elements })),
            (false, true) => Ok(None),
        }
    }

    /// How many quasi-identifiers.
    pub(super) fn len(&self) -> usize {
        self.elements.len()
    }

    /// A Patient's quasi-identifier values, in policy order: the first node each rule selects
    /// (an Address reads as its state, city and lines, else its text); "" when there is none.
    pub(super) fn read(&self, patient: &Value, rules: &Rules) -> Vec<String> {
        self.elements
            .iter()
            .map(|e| {
                let Some(rule) = rules.rules.get(e.rule) else {
                    return String::new();
                };
                rule.path
                    .select(patient)
                    .first()
                    .and_then(|p| patient.pointer(p))
                    .map(value_of)
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The first pass's statistics: one row per patient of the index that did not opt out.
    /// Patients whose values a hierarchy cannot read are left out (the second pass rejects
    /// their resources); returns how many.
    pub(super) fn stats(&self, index: &PatientIndex) -> (Stats, u64) {
        let hierarchies = self.elements.iter().map(|e| e.hierarchy.clone()).collect();
        let mut stats = Stats::new(hierarchies, false);
        let mut unreadable = 0;
        for (key, values) in index.quasi_patients() {
            if index.opted_out(key) {
                continue;
            }
            if stats.add(&values, None).is_err() {
                unreadable += 1;
            }
        }
        (stats, unreadable)
    }

    /// Writes a Patient's generalized values (from `Solution::apply`) in place: the first node
    /// each rule selects gets its value (removed at `*`), any further node it selects is
    /// removed, so a second address cannot say more than the first.
    pub(super) fn write(&self, patient: &mut Value, generalized: &[String], rules: &Rules) {
        for (element, value) in self.elements.iter().zip(generalized) {
            let Some(rule) = rules.rules.get(element.rule) else {
                continue;
            };
            let pointers = rule.path.select(patient);
            for pointer in pointers.iter().skip(1).rev() {
                remove(patient, pointer);
            }
            let Some(first) = pointers.first() else {
                continue;
            };
            let key = first.rsplit('/').next().unwrap_or_default().to_owned();
            let Some(node) = patient.pointer_mut(first) else {
                continue;
            };
            match node {
                Value::Object(address) => write_address(address, value),
                _ if value == SUPPRESSED => remove(patient, first),
                _ => *node = Value::String(fhir_value(&key, value)),
            }
        }
    }

    /// The report's anonymization section (levels counted from the hierarchy's bottom).
    pub(super) fn report(&self, anonymized: &Anonymized) -> AnonymizationReport {
        let columns: Vec<(String, usize)> = self
            .elements
            .iter()
            .map(|e| (e.expression.clone(), e.min_level))
            .collect();
        anonymized.report(&columns)
    }

    /// The expression of the first quasi-identifier (where a rejection points).
    pub(super) fn first_expression(&self) -> Option<String> {
        self.elements.first().map(|e| e.expression.clone())
    }
}

/// The text of a selected node: a string as is; an Address as state + city + lines (what the
/// address hierarchy reads), else its text.
fn value_of(node: &Value) -> String {
    match node {
        Value::String(s) => s.clone(),
        Value::Object(address) => {
            let part = |k: &str| address.get(k).and_then(Value::as_str).unwrap_or_default();
            let mut text = format!("{}{}", part("state"), part("city"));
            if text.is_empty() {
                return part("text").to_owned();
            }
            for line in address
                .get("line")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                text.push_str(line.as_str().unwrap_or_default());
            }
            text
        }
        _ => String::new(),
    }
}

/// A hierarchy's value as valid FHIR: the sex hierarchy's 男 / 女 back to the `gender` codes, a
/// quarter (not a FHIR date) as its year.
fn fhir_value(key: &str, value: &str) -> String {
    match (key, value) {
        ("gender", "男") => "male".into(),
        ("gender", "女") => "female".into(),
        _ => match value.split_once("-Q") {
            Some((year, _)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
                year.to_owned()
            }
            _ => value.to_owned(),
        },
    }
}

/// An Address reduced to its generalized `state` (prefecture, region, or none at `*`).
fn write_address(address: &mut Map<String, Value>, value: &str) {
    address.retain(|k, _| ADDRESS_KEPT.contains(&k.as_str()) || k == "state");
    if value == SUPPRESSED {
        address.shift_remove("state");
    } else {
        // In place when the address had a state (the input's key order), else at the end.
        address.insert("state".into(), Value::String(value.to_owned()));
    }
}

/// Removes the node at a JSON pointer (a member or an array item).
fn remove(root: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|&i| i < items.len()) {
                items.remove(i);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_written_are_valid_fhir() {
        assert_eq!(fhir_value("gender", "男"), "male");
        assert_eq!(fhir_value("gender", "other"), "other");
        assert_eq!(fhir_value("birthDate", "1958-Q2"), "1958");
        assert_eq!(fhir_value("birthDate", "1958-03"), "1958-03");
        let mut address = serde_json::json!({"use": "home", "text": "東京都新宿区1-2", "line": ["1-2"],
            "city": "新宿区", "state": "東京都", "postalCode": "1600023", "country": "JP"});
        if let Value::Object(map) = &mut address {
            write_address(map, "関東");
        }
        assert_eq!(
            address,
            serde_json::json!({"use": "home", "state": "関東", "country": "JP"})
        );
        let mut patient = serde_json::json!({"a": [1, 2, 3], "b": {"c/d": 1}});
        remove(&mut patient, "/a/1");
        remove(&mut patient, "/b/c~1d");
        assert_eq!(patient, serde_json::json!({"a": [1, 3], "b": {}}));
    }

    #[test]
    fn an_address_reads_as_its_parts_else_its_text() {
        let parts = serde_json::json!({"state": "東京都", "city": "新宿区", "line": ["西新宿2-8-1"], "text": "x"});
        assert_eq!(value_of(&parts), "東京都新宿区西新宿2-8-1");
        assert_eq!(
            value_of(&serde_json::json!({"text": "大阪府大阪市北区"})),
            "大阪府大阪市北区"
        );
        assert_eq!(value_of(&serde_json::json!(5)), "");
    }
}
