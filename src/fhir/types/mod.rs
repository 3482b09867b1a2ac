//! The small FHIR R4 element-type table the FHIRPath subset needs.
//!
//! `nodesByType('HumanName')`, `ofType(Quantity)` and MS-compatible `dateShift` on
//! `nodesByType('date')` must know the FHIR type of a JSON node, which plain JSON does not say.
//! This table covers the resources of the JP Core exports the kit handles (Patient, Coverage,
//! Encounter, Condition, Observation, MedicationRequest, AllergyIntolerance, Procedure,
//! DocumentReference, Organization, Practitioner, Bundle) and the datatypes they use. An element
//! that is not in the table has no known type (`None`); its `extension` children are still typed.
//!
//! Backbone elements are navigated through internal context names (`Patient.contact`); the public
//! [`element_type`] reports them as `BackboneElement`. Choice elements (`value[x]`) are resolved
//! from the JSON key's suffix: `valueString` → `string`, `effectiveDateTime` → `dateTime`.
//!
//! Files: `datatypes` and `resources` hold the table's rows, `hasher` the hasher of its indexes.

mod datatypes;
mod hasher;
mod resources;

pub use hasher::{FastHasher, FastState};

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use datatypes::{CHOICE_SUFFIXES, DATATYPES};
use resources::RESOURCE_ELEMENTS;

/// The FHIR type of the element reached from `resource_type` by the element names in `path`
/// (JSON keys, choice elements with their suffix: `["valueQuantity", "value"]`), or `None` when
/// the table does not know it. Backbone elements are reported as `BackboneElement`.
///
/// # Example
/// ```
/// use deid_kit::fhir::types::element_type;
/// assert_eq!(element_type("Patient", &["name", "period", "start"]), Some("dateTime"));
/// assert_eq!(element_type("Observation", &["effectiveDateTime"]), Some("dateTime"));
/// assert_eq!(element_type("Patient", &["contact"]), Some("BackboneElement"));
/// assert_eq!(element_type("Patient", &["nosuch"]), None);
/// ```
pub fn element_type(resource_type: &str, path: &[&str]) -> Option<&'static str> {
    let mut context = resource_context(resource_type)?;
    for name in path {
        context = child_context(context, name)?;
    }
    Some(public_name(context))
}

/// The table indexed once: every lookup of a walk is then a hash probe instead of a scan of
/// the element rows (the scans dominated the run time of a preset on a large export).
struct Tables {
    /// (parent context, element name) → type or context; the first row of the table wins.
    elements: HashMap<(&'static str, &'static str), &'static str, FastState>,
    /// (parent context, stem) of every choice element (`value[x]` → `value`).
    choices: HashSet<(&'static str, &'static str), FastState>,
    /// Contexts that have rows, by name.
    contexts: HashMap<&'static str, &'static str, FastState>,
    /// Choice suffix → type name.
    suffixes: HashMap<&'static str, &'static str, FastState>,
    /// Every name [`is_datatype`] accepts.
    datatypes: HashSet<&'static str, FastState>,
    /// Longest choice suffix, in bytes.
    longest_suffix: usize,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let rows = datatypes::ELEMENTS.iter().chain(resources::ELEMENTS);
        let mut elements = HashMap::with_capacity_and_hasher(
            datatypes::ELEMENTS.len() + resources::ELEMENTS.len(),
            FastState::default(),
        );
        let mut choices = HashSet::default();
        let mut contexts = HashMap::default();
        for (parent, name, ty) in rows {
            elements.entry((*parent, *name)).or_insert(*ty);
            if let Some(stem) = name.strip_suffix("[x]") {
                choices.insert((*parent, stem));
            }
            contexts.entry(*parent).or_insert(*parent);
        }
        let suffixes: HashMap<&'static str, &'static str, FastState> =
            CHOICE_SUFFIXES.iter().copied().collect();
        let mut datatypes: HashSet<&'static str, FastState> = DATATYPES.iter().copied().collect();
        datatypes.extend(CHOICE_SUFFIXES.iter().map(|(_, ty)| *ty));
        datatypes.insert("xhtml");
        let longest_suffix = CHOICE_SUFFIXES
            .iter()
            .map(|(suffix, _)| suffix.len())
            .max()
            .unwrap_or(0);
        Tables {
            elements,
            choices,
            contexts,
            suffixes,
            datatypes,
            longest_suffix,
        }
    })
}

/// The navigation context of a resource type the table knows (any name is accepted as a
/// resource so that unknown resources still get their common elements typed).
pub(crate) fn resource_context(resource_type: &str) -> Option<&'static str> {
    let contexts: &HashMap<&str, &'static str, FastState> = &tables().contexts;
    contexts.get(resource_type).copied().or(Some("Resource"))
}

/// The context of JSON key `key` under context `parent`. Handles the elements every element or
/// resource has, primitive siblings (`_birthDate` → `Element`) and choice suffixes.
pub(crate) fn child_context(parent: &'static str, key: &str) -> Option<&'static str> {
    if key == "extension" || key == "modifierExtension" {
        return Some("Extension");
    }
    if key.starts_with('_') {
        return Some("Element");
    }
    if is_resource_context(parent) {
        if let Some((_, ty)) = RESOURCE_ELEMENTS.iter().find(|(name, _)| *name == key) {
            return Some(ty);
        }
    } else if key == "id" {
        return Some("string");
    }
    let tables = tables();
    let elements: &HashMap<(&str, &str), &'static str, FastState> = &tables.elements;
    if let Some(ty) = elements.get(&(parent, key)) {
        return Some(ty);
    }
    let (base, suffix_type) = split_choice(key)?;
    let choices: &HashSet<(&str, &str), FastState> = &tables.choices;
    choices.contains(&(parent, base)).then_some(suffix_type)
}

/// Splits a choice key (`valueDateTime`) into its stem and the type its suffix names.
pub(crate) fn split_choice(key: &str) -> Option<(&str, &'static str)> {
    // The longest suffix wins: `valueDateTime` is a dateTime, not a `valueDate` + `Time`. Every
    // suffix starts with an uppercase letter, so the candidates are the uppercase positions,
    // tried from the left (longest suffix first).
    if !key.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
        return None;
    }
    let tables = tables();
    let suffixes: &HashMap<&str, &'static str, FastState> = &tables.suffixes;
    let first = key.len().saturating_sub(tables.longest_suffix);
    key.char_indices()
        .filter(|(at, c)| *at > 0 && *at >= first && c.is_ascii_uppercase())
        .find_map(|(at, _)| {
            let (stem, suffix) = (key.get(..at)?, key.get(at..)?);
            suffixes.get(suffix).map(|ty| (stem, *ty))
        })
}

/// Whether `parent` declares `name` as a choice element (`value[x]`); unknown contexts do not.
pub(crate) fn is_choice_element(parent: &str, name: &str) -> bool {
    let choices: &HashSet<(&str, &str), FastState> = &tables().choices;
    choices.contains(&(parent, name))
}

/// The name callers see for a context: backbone contexts (`Patient.contact`) become
/// `BackboneElement`, `*` (an untyped choice) stays unknown to them as `Element`.
pub(crate) fn public_name(context: &'static str) -> &'static str {
    if context.contains('.') {
        "BackboneElement"
    } else if context == "*" {
        "Element"
    } else {
        context
    }
}

fn is_resource_context(context: &str) -> bool {
    context == "Resource" || (starts_uppercase(context) && is_resource_type(context))
}

/// Whether `name` is a FHIR datatype name (complex or primitive) rather than a resource type.
///
/// # Example
/// ```
/// use deid_kit::fhir::types::is_datatype;
/// assert!(is_datatype("HumanName") && is_datatype("dateTime"));
/// assert!(!is_datatype("Patient"));
/// ```
pub fn is_datatype(name: &str) -> bool {
    let datatypes: &HashSet<&str, FastState> = &tables().datatypes;
    datatypes.contains(name)
}

/// Whether `name` looks like a resource type: it starts with an uppercase letter and is not a
/// datatype (`Patient`, `Coverage`, also resources the table does not describe).
pub fn is_resource_type(name: &str) -> bool {
    starts_uppercase(name)
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !is_datatype(name)
        && !name.contains('.')
}

fn starts_uppercase(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_elements_datatypes_and_choices() {
        let cases: &[(&str, &[&str], Option<&str>)] = &[
            ("Patient", &["name"], Some("HumanName")),
            ("Patient", &["name", "given"], Some("string")),
            ("Patient", &["birthDate"], Some("date")),
            (
                "Patient",
                &["_birthDate", "extension", "valueDateTime"],
                Some("dateTime"),
            ),
            ("Patient", &["contact", "name"], Some("HumanName")),
            (
                "Patient",
                &["contact", "address", "postalCode"],
                Some("string"),
            ),
            ("Patient", &["id"], Some("id")),
            ("Patient", &["name", "id"], Some("string")),
            ("Patient", &["text"], Some("Narrative")),
            ("Patient", &["deceasedBoolean"], Some("boolean")),
            ("Patient", &["deceasedString"], Some("string")),
            (
                "Coverage",
                &["extension", "valueIdentifier", "value"],
                Some("string"),
            ),
            ("Condition", &["note", "text"], Some("markdown")),
            ("Condition", &["onsetDateTime"], Some("dateTime")),
            ("Observation", &["valueQuantity", "value"], Some("decimal")),
            ("Observation", &["component", "valueString"], Some("string")),
            (
                "MedicationRequest",
                &[
                    "dosageInstruction",
                    "timing",
                    "repeat",
                    "boundsPeriod",
                    "start",
                ],
                Some("dateTime"),
            ),
            (
                "DocumentReference",
                &["content", "attachment", "data"],
                Some("base64Binary"),
            ),
            ("Bundle", &["entry", "fullUrl"], Some("uri")),
            ("Patient", &["valueString"], None),
            ("Patient", &["nosuch"], None),
            ("Unknown", &["meta", "lastUpdated"], Some("instant")),
        ];
        for (resource, path, expected) in cases {
            assert_eq!(
                element_type(resource, path),
                *expected,
                "{resource}.{}",
                path.join(".")
            );
        }
    }

    #[test]
    fn tells_datatypes_from_resources() {
        assert!(is_resource_type("Patient") && is_resource_type("ImagingStudy"));
        assert!(
            !is_resource_type("HumanName") && !is_resource_type("date") && !is_resource_type("x")
        );
        assert!(
            is_choice_element("Observation", "value") && !is_choice_element("Observation", "code")
        );
        assert_eq!(split_choice("valueDateTime"), Some(("value", "dateTime")));
        assert_eq!(split_choice("DateTime"), None);
    }
}
