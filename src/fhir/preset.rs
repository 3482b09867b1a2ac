//! The kamei (仮名加工, pseudonymization) and tokumei (匿名加工, anonymization) policies for FHIR
//! R4 / JP Core exports: Patient, Coverage, Encounter, Condition, Observation,
//! MedicationRequest (and the Medication it contains or references), AllergyIntolerance,
//! Procedure, DocumentReference (and the Organization, Practitioner and Bundle elements around
//! them). A contained resource gets the rules of its own type.
//!
//! Rules are ordered so that the first one covering an element decides it: links first (ids and
//! references pseudonymized, so they still resolve), then what identifies the patient (names,
//! identifiers, telecom, address, birth date, insurance numbers), then prose (narrative, notes,
//! free-text strings, `display` of references — dropped until the free-text scrubber lands;
//! the coded `display` of a Coding is kept, it is clinical), then dates (shifted per patient
//! under kamei, cut to the month under tokumei), then each resource's clinical content. Anything
//! else is removed by the engine and listed in the report.

use indexmap::IndexMap;

use crate::action::{Action, DateLevel, HierarchySpec};
use crate::ja::address::Level;
use crate::ja::wareki::Date;
use crate::policy::{Input, MetricName, OnInvalid, Policy, PrivacyModel};
use crate::preset::{Preset, TOKUMEI_PRIVACY};

use super::Format;
use super::JP_PATIENT_ID_SYSTEM;

/// The largest date shift of the kamei preset, in days.
pub const SHIFT_DAYS: u32 = 180;

/// The preset's policy for a FHIR file in `format`.
///
/// # Example
/// ```
/// use deid_kit::fhir::{preset::policy, Format};
/// use deid_kit::preset::Preset;
/// use deid_kit::ja::wareki::Date;
/// let p = policy(Preset::Kamei, Format::Ndjson, Date::new(2024, 4, 1).unwrap());
/// assert_eq!(p.input.format, "ndjson");
/// assert_eq!(p.paths["Patient.name"].name(), "drop");
/// assert_eq!(p.paths["Resource.id"].name(), "pseudonymize");
/// ```
pub fn policy(preset: Preset, format: Format, today: Date) -> Policy {
    let kamei = preset == Preset::Kamei;
    let mut paths: IndexMap<String, Action> = IndexMap::new();
    let mut rule = |expression: &str, action: Action| {
        paths.insert(expression.to_owned(), action);
    };
    let keep = Action::keep;
    let drop = || Action::Drop {};
    let pseudonymize = || Action::Pseudonymize {
        length: 16,
        name: false,
    };
    let dates = || {
        if kamei {
            Action::DateShift {
                max_days: SHIFT_DAYS,
            }
        } else {
            Action::GeneralizeDate {
                to: DateLevel::YearMonth,
            }
        }
    };

    // Narrative and notes go whole (a note's author reference with them: an Annotation without
    // its text is not valid FHIR).
    let scrub = || Action::ScrubText {
        identity: Vec::new(),
        surrogates: false,
    };
    rule("nodesByType('Narrative')", drop());
    // Prose keeps its clinical sentences; the patient's own identifiers (from its Patient
    // resource) and anyone else's are replaced by tags.
    rule("nodesByType('Annotation').text", scrub());
    rule("nodesByType('Annotation').time", dates());
    rule("nodesByType('Annotation')", drop());

    // Links: every id and reference, by the same keyed pseudonym.
    rule("Resource.id", pseudonymize());
    rule("Reference.reference", pseudonymize());
    rule("Reference.type", keep());
    rule("Reference.display", scrub());
    rule("Reference.identifier", drop());

    // The patient.
    if kamei {
        rule(
            &format!(
                "Patient.identifier.where(system.startsWith('{JP_PATIENT_ID_SYSTEM}')).system"
            ),
            keep(),
        );
        rule(
            &format!("Patient.identifier.where(system.startsWith('{JP_PATIENT_ID_SYSTEM}')).value"),
            pseudonymize(),
        );
    }
    for element in [
        "Patient.identifier",
        "Patient.name",
        "Patient.telecom",
        "Patient.photo",
        "Patient.contact",
        "Patient.maritalStatus",
        "Patient.multipleBirth",
        "Patient.extension",
        "Patient.address.line",
        "Patient.address.district",
        "Patient.address.period",
        "Patient.address.extension",
    ] {
        rule(element, drop());
    }
    // Under tokumei the patient's birth date, sex and address are its quasi-identifiers, at the
    // CSV preset's levels: k-anonymity counts patients (see fhir::anonymize).
    if kamei {
        rule(
            "Patient.birthDate",
            Action::GeneralizeDate {
                to: DateLevel::YearMonth,
            },
        );
        rule("Patient.address.state", keep());
        rule("Patient.address.city", keep());
        rule(
            "Patient.address.postalCode",
            Action::GeneralizePostal { digits: 3 },
        );
        rule(
            "Patient.address.text",
            Action::GeneralizeAddress {
                to: Level::Municipality,
            },
        );
    } else {
        rule("Patient.birthDate", generalize("date", 3));
        rule("Patient.address", generalize("address", 2));
    }
    for element in [
        "Patient.address.use",
        "Patient.address.type",
        "Patient.address.country",
        "Patient.gender",
        "Patient.active",
        "Patient.deceasedBoolean",
    ] {
        if element == "Patient.gender" && !kamei {
            rule(element, generalize("sex", 0));
        } else {
            rule(element, keep());
        }
    }

    // Insurance: symbols, numbers, member IDs identify the person (個人識別符号).
    for element in [
        "Coverage.extension",
        "Coverage.identifier",
        "Coverage.subscriberId",
        "Coverage.dependent",
        "Coverage.class.value",
        "Coverage.class.name",
    ] {
        rule(element, drop());
    }

    // Other people and organizations around the patient.
    for element in [
        "Practitioner.identifier",
        "Practitioner.name",
        "Practitioner.telecom",
        "Practitioner.address",
        "Practitioner.photo",
        "Practitioner.birthDate",
        "Organization.telecom",
        "Organization.address",
        "Organization.contact",
        "Bundle.identifier",
        "Bundle.link",
        "Bundle.signature",
    ] {
        rule(element, drop());
    }

    // Prose: dropped until the free-text scrubber is merged (a coded display is kept).
    for element in [
        "nodesByType('CodeableConcept').text",
        "nodesByType('Attachment').title",
        "Observation.value.ofType(string)",
        "Observation.component.value.ofType(string)",
        "Observation.referenceRange.text",
        "Condition.onset.ofType(string)",
        "Condition.abatement.ofType(string)",
        "AllergyIntolerance.onset.ofType(string)",
        "MedicationRequest.dosageInstruction.text",
        "MedicationRequest.dosageInstruction.patientInstruction",
        "AllergyIntolerance.reaction.description",
        "DocumentReference.description",
    ] {
        rule(element, scrub());
    }
    for element in [
        "nodesByType('Identifier')",
        "nodesByType('Attachment').data",
        "nodesByType('Attachment').url",
        "DocumentReference.masterIdentifier",
        "Encounter.hospitalization.preAdmissionIdentifier",
    ] {
        rule(element, drop());
    }

    // Dates: one shift per patient (kamei) or the month (tokumei).
    for kind in ["date", "dateTime", "instant"] {
        rule(&format!("nodesByType('{kind}')"), dates());
    }

    // Metadata.
    for element in [
        "Resource.meta.profile",
        "Resource.meta.versionId",
        "Resource.meta.security",
        "Resource.meta.tag",
        "Resource.language",
        "Bundle.type",
        "Bundle.total",
    ] {
        rule(element, keep());
    }

    // Clinical content.
    for element in CLINICAL {
        rule(element, keep());
    }

    Policy {
        version: 1,
        preset: Some(preset.name().into()),
        input: Input {
            format: match format {
                Format::Ndjson => "ndjson",
                Format::Bundle => "bundle",
            }
            .into(),
            encoding: "utf-8".into(),
            ..Input::default()
        },
        output: Default::default(),
        patient_id: None,
        reference_date: Some(today.iso()),
        on_invalid: OnInvalid::Blank,
        opt_out: Default::default(),
        privacy: (!kamei).then_some(PrivacyModel {
            k: TOKUMEI_PRIVACY.0,
            l: None,
            max_suppression: TOKUMEI_PRIVACY.1,
            metric: MetricName::Loss,
        }),
        columns: IndexMap::new(),
        paths,
        detected: IndexMap::new(),
    }
}

/// A quasi-identifier for the anonymization search, never below `min_level` (as in the CSV
/// preset: birth date from the year, sex, address from the prefecture).
fn generalize(hierarchy: &str, min_level: usize) -> Action {
    Action::Generalize {
        hierarchy: HierarchySpec::Named(hierarchy.into()),
        quasi_identifier: true,
        min_level,
    }
}

/// The clinical elements kept, per resource type (dates, identifiers and prose under them were
/// decided by the earlier rules).
const CLINICAL: &[&str] = &[
    "Coverage.status",
    "Coverage.type",
    "Coverage.relationship",
    "Coverage.period",
    "Coverage.class.type",
    "Coverage.order",
    "Coverage.costToBeneficiary",
    "Organization.name",
    "Organization.type",
    "Organization.active",
    "Practitioner.gender",
    "Practitioner.qualification.code",
    "Practitioner.active",
    "Encounter.status",
    "Encounter.class",
    "Encounter.type",
    "Encounter.serviceType",
    "Encounter.priority",
    "Encounter.period",
    "Encounter.length",
    "Encounter.reasonCode",
    "Encounter.participant.type",
    "Encounter.participant.period",
    "Encounter.diagnosis.use",
    "Encounter.diagnosis.rank",
    "Encounter.hospitalization.admitSource",
    "Encounter.hospitalization.reAdmission",
    "Encounter.hospitalization.dietPreference",
    "Encounter.hospitalization.dischargeDisposition",
    "Encounter.location.status",
    "Encounter.location.period",
    "Condition.clinicalStatus",
    "Condition.verificationStatus",
    "Condition.category",
    "Condition.severity",
    "Condition.code",
    "Condition.bodySite",
    "Condition.onset",
    "Condition.abatement",
    "Condition.stage",
    "Condition.evidence.code",
    "Observation.status",
    "Observation.category",
    "Observation.code",
    "Observation.effective",
    "Observation.value",
    "Observation.dataAbsentReason",
    "Observation.interpretation",
    "Observation.bodySite",
    "Observation.method",
    "Observation.referenceRange",
    "Observation.component.code",
    "Observation.component.value",
    "Observation.component.dataAbsentReason",
    "Observation.component.interpretation",
    "Observation.component.referenceRange",
    "Medication.code",
    "Medication.status",
    "Medication.form",
    "Medication.amount",
    "Medication.ingredient",
    "MedicationRequest.status",
    "MedicationRequest.statusReason",
    "MedicationRequest.intent",
    "MedicationRequest.category",
    "MedicationRequest.priority",
    "MedicationRequest.doNotPerform",
    "MedicationRequest.medication",
    "MedicationRequest.reasonCode",
    "MedicationRequest.courseOfTherapyType",
    "MedicationRequest.dosageInstruction.sequence",
    "MedicationRequest.dosageInstruction.additionalInstruction",
    "MedicationRequest.dosageInstruction.timing",
    "MedicationRequest.dosageInstruction.asNeeded",
    "MedicationRequest.dosageInstruction.site",
    "MedicationRequest.dosageInstruction.route",
    "MedicationRequest.dosageInstruction.method",
    "MedicationRequest.dosageInstruction.doseAndRate",
    "MedicationRequest.dosageInstruction.maxDosePerPeriod",
    "MedicationRequest.dispenseRequest.validityPeriod",
    "MedicationRequest.dispenseRequest.numberOfRepeatsAllowed",
    "MedicationRequest.dispenseRequest.quantity",
    "MedicationRequest.dispenseRequest.expectedSupplyDuration",
    "MedicationRequest.substitution",
    "AllergyIntolerance.clinicalStatus",
    "AllergyIntolerance.verificationStatus",
    "AllergyIntolerance.type",
    "AllergyIntolerance.category",
    "AllergyIntolerance.criticality",
    "AllergyIntolerance.code",
    "AllergyIntolerance.onset",
    "AllergyIntolerance.reaction.substance",
    "AllergyIntolerance.reaction.manifestation",
    "AllergyIntolerance.reaction.onset",
    "AllergyIntolerance.reaction.severity",
    "AllergyIntolerance.reaction.exposureRoute",
    "Procedure.status",
    "Procedure.statusReason",
    "Procedure.category",
    "Procedure.code",
    "Procedure.performed",
    "Procedure.performer.function",
    "Procedure.reasonCode",
    "Procedure.bodySite",
    "Procedure.outcome",
    "Procedure.complication",
    "Procedure.followUp",
    "Procedure.usedCode",
    "DocumentReference.status",
    "DocumentReference.docStatus",
    "DocumentReference.type",
    "DocumentReference.category",
    "DocumentReference.securityLabel",
    "DocumentReference.relatesTo.code",
    "DocumentReference.content.attachment.contentType",
    "DocumentReference.content.attachment.language",
    "DocumentReference.content.attachment.size",
    "DocumentReference.content.attachment.hash",
    "DocumentReference.content.format",
    "DocumentReference.context.event",
    "DocumentReference.context.period",
    "DocumentReference.context.facilityType",
    "DocumentReference.context.practiceSetting",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::path::Path;

    #[test]
    fn every_expression_parses_and_the_policy_round_trips() {
        for preset in [Preset::Kamei, Preset::Tokumei] {
            let p = policy(preset, Format::Bundle, Date::new(2024, 4, 1).unwrap());
            for expression in p.paths.keys() {
                assert!(Path::parse(expression).is_ok(), "{expression}");
            }
            let back = Policy::from_json(&p.to_json()).unwrap();
            assert_eq!(back, p);
        }
    }
}
