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

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A fast non-cryptographic hasher (the multiply-rotate scheme of rustc's FxHash) for the maps
/// probed per element: the type table here, the per-resource decisions of [`super::rules`].
/// SipHash's flood resistance buys nothing there: the keys are the table's own names, or the
/// pointers of one resource, so a hostile resource can only slow down its own decisions.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(slot) = word.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `HashMap`/`HashSet` hasher state built on [`FastHasher`].
pub type FastState = BuildHasherDefault<FastHasher>;

/// (parent context, element name, type or context). `name[x]` marks a choice element.
const ELEMENTS: &[(&str, &str, &str)] = &[
    // Datatypes.
    ("HumanName", "use", "code"),
    ("HumanName", "text", "string"),
    ("HumanName", "family", "string"),
    ("HumanName", "given", "string"),
    ("HumanName", "prefix", "string"),
    ("HumanName", "suffix", "string"),
    ("HumanName", "period", "Period"),
    ("Address", "use", "code"),
    ("Address", "type", "code"),
    ("Address", "text", "string"),
    ("Address", "line", "string"),
    ("Address", "city", "string"),
    ("Address", "district", "string"),
    ("Address", "state", "string"),
    ("Address", "postalCode", "string"),
    ("Address", "country", "string"),
    ("Address", "period", "Period"),
    ("ContactPoint", "system", "code"),
    ("ContactPoint", "value", "string"),
    ("ContactPoint", "use", "code"),
    ("ContactPoint", "rank", "positiveInt"),
    ("ContactPoint", "period", "Period"),
    ("Identifier", "use", "code"),
    ("Identifier", "type", "CodeableConcept"),
    ("Identifier", "system", "uri"),
    ("Identifier", "value", "string"),
    ("Identifier", "period", "Period"),
    ("Identifier", "assigner", "Reference"),
    ("Reference", "reference", "string"),
    ("Reference", "type", "uri"),
    ("Reference", "identifier", "Identifier"),
    ("Reference", "display", "string"),
    ("Period", "start", "dateTime"),
    ("Period", "end", "dateTime"),
    ("CodeableConcept", "coding", "Coding"),
    ("CodeableConcept", "text", "string"),
    ("Coding", "system", "uri"),
    ("Coding", "version", "string"),
    ("Coding", "code", "code"),
    ("Coding", "display", "string"),
    ("Coding", "userSelected", "boolean"),
    ("Annotation", "author[x]", "*"),
    ("Annotation", "time", "dateTime"),
    ("Annotation", "text", "markdown"),
    ("Extension", "url", "uri"),
    ("Extension", "value[x]", "*"),
    ("Attachment", "contentType", "code"),
    ("Attachment", "language", "code"),
    ("Attachment", "data", "base64Binary"),
    ("Attachment", "url", "url"),
    ("Attachment", "size", "unsignedInt"),
    ("Attachment", "hash", "base64Binary"),
    ("Attachment", "title", "string"),
    ("Attachment", "creation", "dateTime"),
    ("Narrative", "status", "code"),
    ("Narrative", "div", "xhtml"),
    ("Meta", "versionId", "id"),
    ("Meta", "lastUpdated", "instant"),
    ("Meta", "source", "uri"),
    ("Meta", "profile", "canonical"),
    ("Meta", "security", "Coding"),
    ("Meta", "tag", "Coding"),
    ("Quantity", "value", "decimal"),
    ("Quantity", "comparator", "code"),
    ("Quantity", "unit", "string"),
    ("Quantity", "system", "uri"),
    ("Quantity", "code", "code"),
    ("Age", "value", "decimal"),
    ("Age", "comparator", "code"),
    ("Age", "unit", "string"),
    ("Age", "system", "uri"),
    ("Age", "code", "code"),
    ("Duration", "value", "decimal"),
    ("Duration", "comparator", "code"),
    ("Duration", "unit", "string"),
    ("Duration", "system", "uri"),
    ("Duration", "code", "code"),
    ("Money", "value", "decimal"),
    ("Money", "currency", "code"),
    ("Range", "low", "Quantity"),
    ("Range", "high", "Quantity"),
    ("Ratio", "numerator", "Quantity"),
    ("Ratio", "denominator", "Quantity"),
    ("Timing", "event", "dateTime"),
    ("Timing", "repeat", "Timing.repeat"),
    ("Timing", "code", "CodeableConcept"),
    ("Timing.repeat", "bounds[x]", "*"),
    ("Timing.repeat", "count", "positiveInt"),
    ("Timing.repeat", "countMax", "positiveInt"),
    ("Timing.repeat", "duration", "decimal"),
    ("Timing.repeat", "durationMax", "decimal"),
    ("Timing.repeat", "durationUnit", "code"),
    ("Timing.repeat", "frequency", "positiveInt"),
    ("Timing.repeat", "frequencyMax", "positiveInt"),
    ("Timing.repeat", "period", "decimal"),
    ("Timing.repeat", "periodMax", "decimal"),
    ("Timing.repeat", "periodUnit", "code"),
    ("Timing.repeat", "dayOfWeek", "code"),
    ("Timing.repeat", "timeOfDay", "time"),
    ("Timing.repeat", "when", "code"),
    ("Timing.repeat", "offset", "unsignedInt"),
    ("Dosage", "sequence", "integer"),
    ("Dosage", "text", "string"),
    ("Dosage", "additionalInstruction", "CodeableConcept"),
    ("Dosage", "patientInstruction", "string"),
    ("Dosage", "timing", "Timing"),
    ("Dosage", "asNeeded[x]", "*"),
    ("Dosage", "site", "CodeableConcept"),
    ("Dosage", "route", "CodeableConcept"),
    ("Dosage", "method", "CodeableConcept"),
    ("Dosage", "doseAndRate", "Dosage.doseAndRate"),
    ("Dosage", "maxDosePerPeriod", "Ratio"),
    ("Dosage", "maxDosePerAdministration", "Quantity"),
    ("Dosage", "maxDosePerLifetime", "Quantity"),
    ("Dosage.doseAndRate", "type", "CodeableConcept"),
    ("Dosage.doseAndRate", "dose[x]", "*"),
    ("Dosage.doseAndRate", "rate[x]", "*"),
    ("Element", "id", "string"),
    // Patient.
    ("Patient", "identifier", "Identifier"),
    ("Patient", "active", "boolean"),
    ("Patient", "name", "HumanName"),
    ("Patient", "telecom", "ContactPoint"),
    ("Patient", "gender", "code"),
    ("Patient", "birthDate", "date"),
    ("Patient", "deceased[x]", "*"),
    ("Patient", "address", "Address"),
    ("Patient", "maritalStatus", "CodeableConcept"),
    ("Patient", "multipleBirth[x]", "*"),
    ("Patient", "photo", "Attachment"),
    ("Patient", "contact", "Patient.contact"),
    ("Patient", "communication", "Patient.communication"),
    ("Patient", "generalPractitioner", "Reference"),
    ("Patient", "managingOrganization", "Reference"),
    ("Patient", "link", "Patient.link"),
    ("Patient.contact", "relationship", "CodeableConcept"),
    ("Patient.contact", "name", "HumanName"),
    ("Patient.contact", "telecom", "ContactPoint"),
    ("Patient.contact", "address", "Address"),
    ("Patient.contact", "gender", "code"),
    ("Patient.contact", "organization", "Reference"),
    ("Patient.contact", "period", "Period"),
    ("Patient.communication", "language", "CodeableConcept"),
    ("Patient.communication", "preferred", "boolean"),
    ("Patient.link", "other", "Reference"),
    ("Patient.link", "type", "code"),
    // Coverage.
    ("Coverage", "identifier", "Identifier"),
    ("Coverage", "status", "code"),
    ("Coverage", "type", "CodeableConcept"),
    ("Coverage", "policyHolder", "Reference"),
    ("Coverage", "subscriber", "Reference"),
    ("Coverage", "subscriberId", "string"),
    ("Coverage", "beneficiary", "Reference"),
    ("Coverage", "dependent", "string"),
    ("Coverage", "relationship", "CodeableConcept"),
    ("Coverage", "period", "Period"),
    ("Coverage", "payor", "Reference"),
    ("Coverage", "class", "Coverage.class"),
    ("Coverage", "order", "positiveInt"),
    ("Coverage", "network", "string"),
    (
        "Coverage",
        "costToBeneficiary",
        "Coverage.costToBeneficiary",
    ),
    ("Coverage", "subrogation", "boolean"),
    ("Coverage", "contract", "Reference"),
    ("Coverage.class", "type", "CodeableConcept"),
    ("Coverage.class", "value", "string"),
    ("Coverage.class", "name", "string"),
    ("Coverage.costToBeneficiary", "type", "CodeableConcept"),
    ("Coverage.costToBeneficiary", "value[x]", "*"),
    (
        "Coverage.costToBeneficiary",
        "exception",
        "Coverage.costToBeneficiary.exception",
    ),
    (
        "Coverage.costToBeneficiary.exception",
        "type",
        "CodeableConcept",
    ),
    ("Coverage.costToBeneficiary.exception", "period", "Period"),
    // Encounter.
    ("Encounter", "identifier", "Identifier"),
    ("Encounter", "status", "code"),
    ("Encounter", "statusHistory", "Encounter.statusHistory"),
    ("Encounter", "class", "Coding"),
    ("Encounter", "classHistory", "Encounter.classHistory"),
    ("Encounter", "type", "CodeableConcept"),
    ("Encounter", "serviceType", "CodeableConcept"),
    ("Encounter", "priority", "CodeableConcept"),
    ("Encounter", "subject", "Reference"),
    ("Encounter", "episodeOfCare", "Reference"),
    ("Encounter", "basedOn", "Reference"),
    ("Encounter", "participant", "Encounter.participant"),
    ("Encounter", "appointment", "Reference"),
    ("Encounter", "period", "Period"),
    ("Encounter", "length", "Duration"),
    ("Encounter", "reasonCode", "CodeableConcept"),
    ("Encounter", "reasonReference", "Reference"),
    ("Encounter", "diagnosis", "Encounter.diagnosis"),
    ("Encounter", "account", "Reference"),
    ("Encounter", "hospitalization", "Encounter.hospitalization"),
    ("Encounter", "location", "Encounter.location"),
    ("Encounter", "serviceProvider", "Reference"),
    ("Encounter", "partOf", "Reference"),
    ("Encounter.statusHistory", "status", "code"),
    ("Encounter.statusHistory", "period", "Period"),
    ("Encounter.classHistory", "class", "Coding"),
    ("Encounter.classHistory", "period", "Period"),
    ("Encounter.participant", "type", "CodeableConcept"),
    ("Encounter.participant", "period", "Period"),
    ("Encounter.participant", "individual", "Reference"),
    ("Encounter.diagnosis", "condition", "Reference"),
    ("Encounter.diagnosis", "use", "CodeableConcept"),
    ("Encounter.diagnosis", "rank", "positiveInt"),
    (
        "Encounter.hospitalization",
        "preAdmissionIdentifier",
        "Identifier",
    ),
    ("Encounter.hospitalization", "origin", "Reference"),
    (
        "Encounter.hospitalization",
        "admitSource",
        "CodeableConcept",
    ),
    (
        "Encounter.hospitalization",
        "reAdmission",
        "CodeableConcept",
    ),
    (
        "Encounter.hospitalization",
        "dietPreference",
        "CodeableConcept",
    ),
    (
        "Encounter.hospitalization",
        "specialCourtesy",
        "CodeableConcept",
    ),
    (
        "Encounter.hospitalization",
        "specialArrangement",
        "CodeableConcept",
    ),
    ("Encounter.hospitalization", "destination", "Reference"),
    (
        "Encounter.hospitalization",
        "dischargeDisposition",
        "CodeableConcept",
    ),
    ("Encounter.location", "location", "Reference"),
    ("Encounter.location", "status", "code"),
    ("Encounter.location", "physicalType", "CodeableConcept"),
    ("Encounter.location", "period", "Period"),
    // Condition.
    ("Condition", "identifier", "Identifier"),
    ("Condition", "clinicalStatus", "CodeableConcept"),
    ("Condition", "verificationStatus", "CodeableConcept"),
    ("Condition", "category", "CodeableConcept"),
    ("Condition", "severity", "CodeableConcept"),
    ("Condition", "code", "CodeableConcept"),
    ("Condition", "bodySite", "CodeableConcept"),
    ("Condition", "subject", "Reference"),
    ("Condition", "encounter", "Reference"),
    ("Condition", "onset[x]", "*"),
    ("Condition", "abatement[x]", "*"),
    ("Condition", "recordedDate", "dateTime"),
    ("Condition", "recorder", "Reference"),
    ("Condition", "asserter", "Reference"),
    ("Condition", "stage", "Condition.stage"),
    ("Condition", "evidence", "Condition.evidence"),
    ("Condition", "note", "Annotation"),
    ("Condition.stage", "summary", "CodeableConcept"),
    ("Condition.stage", "assessment", "Reference"),
    ("Condition.stage", "type", "CodeableConcept"),
    ("Condition.evidence", "code", "CodeableConcept"),
    ("Condition.evidence", "detail", "Reference"),
    // Observation.
    ("Observation", "identifier", "Identifier"),
    ("Observation", "basedOn", "Reference"),
    ("Observation", "partOf", "Reference"),
    ("Observation", "status", "code"),
    ("Observation", "category", "CodeableConcept"),
    ("Observation", "code", "CodeableConcept"),
    ("Observation", "subject", "Reference"),
    ("Observation", "focus", "Reference"),
    ("Observation", "encounter", "Reference"),
    ("Observation", "effective[x]", "*"),
    ("Observation", "issued", "instant"),
    ("Observation", "performer", "Reference"),
    ("Observation", "value[x]", "*"),
    ("Observation", "dataAbsentReason", "CodeableConcept"),
    ("Observation", "interpretation", "CodeableConcept"),
    ("Observation", "note", "Annotation"),
    ("Observation", "bodySite", "CodeableConcept"),
    ("Observation", "method", "CodeableConcept"),
    ("Observation", "specimen", "Reference"),
    ("Observation", "device", "Reference"),
    (
        "Observation",
        "referenceRange",
        "Observation.referenceRange",
    ),
    ("Observation", "hasMember", "Reference"),
    ("Observation", "derivedFrom", "Reference"),
    ("Observation", "component", "Observation.component"),
    ("Observation.referenceRange", "low", "Quantity"),
    ("Observation.referenceRange", "high", "Quantity"),
    ("Observation.referenceRange", "type", "CodeableConcept"),
    ("Observation.referenceRange", "appliesTo", "CodeableConcept"),
    ("Observation.referenceRange", "age", "Range"),
    ("Observation.referenceRange", "text", "string"),
    ("Observation.component", "code", "CodeableConcept"),
    ("Observation.component", "value[x]", "*"),
    (
        "Observation.component",
        "dataAbsentReason",
        "CodeableConcept",
    ),
    ("Observation.component", "interpretation", "CodeableConcept"),
    (
        "Observation.component",
        "referenceRange",
        "Observation.referenceRange",
    ),
    // MedicationRequest.
    ("MedicationRequest", "identifier", "Identifier"),
    ("MedicationRequest", "status", "code"),
    ("MedicationRequest", "statusReason", "CodeableConcept"),
    ("MedicationRequest", "intent", "code"),
    ("MedicationRequest", "category", "CodeableConcept"),
    ("MedicationRequest", "priority", "code"),
    ("MedicationRequest", "doNotPerform", "boolean"),
    ("MedicationRequest", "reported[x]", "*"),
    ("MedicationRequest", "medication[x]", "*"),
    ("MedicationRequest", "subject", "Reference"),
    ("MedicationRequest", "encounter", "Reference"),
    ("MedicationRequest", "supportingInformation", "Reference"),
    ("MedicationRequest", "authoredOn", "dateTime"),
    ("MedicationRequest", "requester", "Reference"),
    ("MedicationRequest", "performer", "Reference"),
    ("MedicationRequest", "performerType", "CodeableConcept"),
    ("MedicationRequest", "recorder", "Reference"),
    ("MedicationRequest", "reasonCode", "CodeableConcept"),
    ("MedicationRequest", "reasonReference", "Reference"),
    ("MedicationRequest", "instantiatesCanonical", "canonical"),
    ("MedicationRequest", "instantiatesUri", "uri"),
    ("MedicationRequest", "basedOn", "Reference"),
    ("MedicationRequest", "groupIdentifier", "Identifier"),
    (
        "MedicationRequest",
        "courseOfTherapyType",
        "CodeableConcept",
    ),
    ("MedicationRequest", "insurance", "Reference"),
    ("MedicationRequest", "note", "Annotation"),
    ("MedicationRequest", "dosageInstruction", "Dosage"),
    (
        "MedicationRequest",
        "dispenseRequest",
        "MedicationRequest.dispenseRequest",
    ),
    (
        "MedicationRequest",
        "substitution",
        "MedicationRequest.substitution",
    ),
    ("MedicationRequest", "priorPrescription", "Reference"),
    ("MedicationRequest", "detectedIssue", "Reference"),
    ("MedicationRequest", "eventHistory", "Reference"),
    (
        "MedicationRequest.dispenseRequest",
        "initialFill",
        "MedicationRequest.dispenseRequest.initialFill",
    ),
    (
        "MedicationRequest.dispenseRequest",
        "dispenseInterval",
        "Duration",
    ),
    (
        "MedicationRequest.dispenseRequest",
        "validityPeriod",
        "Period",
    ),
    (
        "MedicationRequest.dispenseRequest",
        "numberOfRepeatsAllowed",
        "unsignedInt",
    ),
    ("MedicationRequest.dispenseRequest", "quantity", "Quantity"),
    (
        "MedicationRequest.dispenseRequest",
        "expectedSupplyDuration",
        "Duration",
    ),
    (
        "MedicationRequest.dispenseRequest",
        "performer",
        "Reference",
    ),
    (
        "MedicationRequest.dispenseRequest.initialFill",
        "quantity",
        "Quantity",
    ),
    (
        "MedicationRequest.dispenseRequest.initialFill",
        "duration",
        "Duration",
    ),
    ("MedicationRequest.substitution", "allowed[x]", "*"),
    (
        "MedicationRequest.substitution",
        "reason",
        "CodeableConcept",
    ),
    // AllergyIntolerance.
    ("AllergyIntolerance", "identifier", "Identifier"),
    ("AllergyIntolerance", "clinicalStatus", "CodeableConcept"),
    (
        "AllergyIntolerance",
        "verificationStatus",
        "CodeableConcept",
    ),
    ("AllergyIntolerance", "type", "code"),
    ("AllergyIntolerance", "category", "code"),
    ("AllergyIntolerance", "criticality", "code"),
    ("AllergyIntolerance", "code", "CodeableConcept"),
    ("AllergyIntolerance", "patient", "Reference"),
    ("AllergyIntolerance", "encounter", "Reference"),
    ("AllergyIntolerance", "onset[x]", "*"),
    ("AllergyIntolerance", "recordedDate", "dateTime"),
    ("AllergyIntolerance", "recorder", "Reference"),
    ("AllergyIntolerance", "asserter", "Reference"),
    ("AllergyIntolerance", "lastOccurrence", "dateTime"),
    ("AllergyIntolerance", "note", "Annotation"),
    (
        "AllergyIntolerance",
        "reaction",
        "AllergyIntolerance.reaction",
    ),
    (
        "AllergyIntolerance.reaction",
        "substance",
        "CodeableConcept",
    ),
    (
        "AllergyIntolerance.reaction",
        "manifestation",
        "CodeableConcept",
    ),
    ("AllergyIntolerance.reaction", "description", "string"),
    ("AllergyIntolerance.reaction", "onset", "dateTime"),
    ("AllergyIntolerance.reaction", "severity", "code"),
    (
        "AllergyIntolerance.reaction",
        "exposureRoute",
        "CodeableConcept",
    ),
    ("AllergyIntolerance.reaction", "note", "Annotation"),
    // Procedure.
    ("Procedure", "identifier", "Identifier"),
    ("Procedure", "instantiatesCanonical", "canonical"),
    ("Procedure", "instantiatesUri", "uri"),
    ("Procedure", "basedOn", "Reference"),
    ("Procedure", "partOf", "Reference"),
    ("Procedure", "status", "code"),
    ("Procedure", "statusReason", "CodeableConcept"),
    ("Procedure", "category", "CodeableConcept"),
    ("Procedure", "code", "CodeableConcept"),
    ("Procedure", "subject", "Reference"),
    ("Procedure", "encounter", "Reference"),
    ("Procedure", "performed[x]", "*"),
    ("Procedure", "recorder", "Reference"),
    ("Procedure", "asserter", "Reference"),
    ("Procedure", "performer", "Procedure.performer"),
    ("Procedure", "location", "Reference"),
    ("Procedure", "reasonCode", "CodeableConcept"),
    ("Procedure", "reasonReference", "Reference"),
    ("Procedure", "bodySite", "CodeableConcept"),
    ("Procedure", "outcome", "CodeableConcept"),
    ("Procedure", "report", "Reference"),
    ("Procedure", "complication", "CodeableConcept"),
    ("Procedure", "complicationDetail", "Reference"),
    ("Procedure", "followUp", "CodeableConcept"),
    ("Procedure", "note", "Annotation"),
    ("Procedure", "focalDevice", "Procedure.focalDevice"),
    ("Procedure", "usedReference", "Reference"),
    ("Procedure", "usedCode", "CodeableConcept"),
    ("Procedure.performer", "function", "CodeableConcept"),
    ("Procedure.performer", "actor", "Reference"),
    ("Procedure.performer", "onBehalfOf", "Reference"),
    ("Procedure.focalDevice", "action", "CodeableConcept"),
    ("Procedure.focalDevice", "manipulated", "Reference"),
    // DocumentReference.
    ("DocumentReference", "masterIdentifier", "Identifier"),
    ("DocumentReference", "identifier", "Identifier"),
    ("DocumentReference", "status", "code"),
    ("DocumentReference", "docStatus", "code"),
    ("DocumentReference", "type", "CodeableConcept"),
    ("DocumentReference", "category", "CodeableConcept"),
    ("DocumentReference", "subject", "Reference"),
    ("DocumentReference", "date", "instant"),
    ("DocumentReference", "author", "Reference"),
    ("DocumentReference", "authenticator", "Reference"),
    ("DocumentReference", "custodian", "Reference"),
    (
        "DocumentReference",
        "relatesTo",
        "DocumentReference.relatesTo",
    ),
    ("DocumentReference", "description", "string"),
    ("DocumentReference", "securityLabel", "CodeableConcept"),
    ("DocumentReference", "content", "DocumentReference.content"),
    ("DocumentReference", "context", "DocumentReference.context"),
    ("DocumentReference.relatesTo", "code", "code"),
    ("DocumentReference.relatesTo", "target", "Reference"),
    ("DocumentReference.content", "attachment", "Attachment"),
    ("DocumentReference.content", "format", "Coding"),
    ("DocumentReference.context", "encounter", "Reference"),
    ("DocumentReference.context", "event", "CodeableConcept"),
    ("DocumentReference.context", "period", "Period"),
    (
        "DocumentReference.context",
        "facilityType",
        "CodeableConcept",
    ),
    (
        "DocumentReference.context",
        "practiceSetting",
        "CodeableConcept",
    ),
    (
        "DocumentReference.context",
        "sourcePatientInfo",
        "Reference",
    ),
    ("DocumentReference.context", "related", "Reference"),
    // Organization.
    ("Organization", "identifier", "Identifier"),
    ("Organization", "active", "boolean"),
    ("Organization", "type", "CodeableConcept"),
    ("Organization", "name", "string"),
    ("Organization", "alias", "string"),
    ("Organization", "telecom", "ContactPoint"),
    ("Organization", "address", "Address"),
    ("Organization", "partOf", "Reference"),
    ("Organization", "contact", "Organization.contact"),
    ("Organization", "endpoint", "Reference"),
    ("Organization.contact", "purpose", "CodeableConcept"),
    ("Organization.contact", "name", "HumanName"),
    ("Organization.contact", "telecom", "ContactPoint"),
    ("Organization.contact", "address", "Address"),
    // Practitioner.
    ("Practitioner", "identifier", "Identifier"),
    ("Practitioner", "active", "boolean"),
    ("Practitioner", "name", "HumanName"),
    ("Practitioner", "telecom", "ContactPoint"),
    ("Practitioner", "address", "Address"),
    ("Practitioner", "gender", "code"),
    ("Practitioner", "birthDate", "date"),
    ("Practitioner", "photo", "Attachment"),
    (
        "Practitioner",
        "qualification",
        "Practitioner.qualification",
    ),
    ("Practitioner", "communication", "CodeableConcept"),
    ("Practitioner.qualification", "identifier", "Identifier"),
    ("Practitioner.qualification", "code", "CodeableConcept"),
    ("Practitioner.qualification", "period", "Period"),
    ("Practitioner.qualification", "issuer", "Reference"),
    // Bundle.
    ("Bundle", "identifier", "Identifier"),
    ("Bundle", "type", "code"),
    ("Bundle", "timestamp", "instant"),
    ("Bundle", "total", "unsignedInt"),
    ("Bundle", "link", "Bundle.link"),
    ("Bundle", "entry", "Bundle.entry"),
    ("Bundle.link", "relation", "string"),
    ("Bundle.link", "url", "uri"),
    ("Bundle.entry", "link", "Bundle.link"),
    ("Bundle.entry", "fullUrl", "uri"),
    ("Bundle.entry", "resource", "Resource"),
    ("Bundle.entry", "search", "Bundle.entry.search"),
    ("Bundle.entry", "request", "Bundle.entry.request"),
    ("Bundle.entry", "response", "Bundle.entry.response"),
    ("Bundle.entry.search", "mode", "code"),
    ("Bundle.entry.search", "score", "decimal"),
    ("Bundle.entry.request", "method", "code"),
    ("Bundle.entry.request", "url", "uri"),
    ("Bundle.entry.request", "ifNoneMatch", "string"),
    ("Bundle.entry.request", "ifModifiedSince", "instant"),
    ("Bundle.entry.request", "ifMatch", "string"),
    ("Bundle.entry.request", "ifNoneExist", "string"),
    ("Bundle.entry.response", "status", "string"),
    ("Bundle.entry.response", "location", "uri"),
    ("Bundle.entry.response", "etag", "string"),
    ("Bundle.entry.response", "lastModified", "instant"),
    ("Bundle.entry.response", "outcome", "Resource"),
];

/// Elements every resource has (DomainResource included).
const RESOURCE_ELEMENTS: &[(&str, &str)] = &[
    ("id", "id"),
    ("meta", "Meta"),
    ("implicitRules", "uri"),
    ("language", "code"),
    ("text", "Narrative"),
    ("contained", "Resource"),
];

/// Datatype names as they appear as choice suffixes (`valueDateTime`) → the type's name.
const CHOICE_SUFFIXES: &[(&str, &str)] = &[
    ("Base64Binary", "base64Binary"),
    ("Boolean", "boolean"),
    ("Canonical", "canonical"),
    ("Code", "code"),
    ("Date", "date"),
    ("DateTime", "dateTime"),
    ("Decimal", "decimal"),
    ("Id", "id"),
    ("Instant", "instant"),
    ("Integer", "integer"),
    ("Markdown", "markdown"),
    ("Oid", "oid"),
    ("PositiveInt", "positiveInt"),
    ("String", "string"),
    ("Time", "time"),
    ("UnsignedInt", "unsignedInt"),
    ("Uri", "uri"),
    ("Url", "url"),
    ("Uuid", "uuid"),
    ("Address", "Address"),
    ("Age", "Age"),
    ("Annotation", "Annotation"),
    ("Attachment", "Attachment"),
    ("CodeableConcept", "CodeableConcept"),
    ("Coding", "Coding"),
    ("ContactPoint", "ContactPoint"),
    ("Count", "Count"),
    ("Distance", "Distance"),
    ("Duration", "Duration"),
    ("HumanName", "HumanName"),
    ("Identifier", "Identifier"),
    ("Money", "Money"),
    ("Period", "Period"),
    ("Quantity", "Quantity"),
    ("Range", "Range"),
    ("Ratio", "Ratio"),
    ("Reference", "Reference"),
    ("SampledData", "SampledData"),
    ("Signature", "Signature"),
    ("Timing", "Timing"),
    ("Dosage", "Dosage"),
    ("Meta", "Meta"),
    ("ContactDetail", "ContactDetail"),
    ("Expression", "Expression"),
    ("UsageContext", "UsageContext"),
    ("RelatedArtifact", "RelatedArtifact"),
];

/// Datatypes (complex and primitive) that may start a path or be named by `nodesByType`.
const DATATYPES: &[&str] = &[
    "Element",
    "BackboneElement",
    "Extension",
    "Narrative",
    "Meta",
    "HumanName",
    "Address",
    "ContactPoint",
    "Identifier",
    "Reference",
    "Period",
    "CodeableConcept",
    "Coding",
    "Annotation",
    "Attachment",
    "Quantity",
    "Age",
    "Count",
    "Distance",
    "Duration",
    "Money",
    "Range",
    "Ratio",
    "SampledData",
    "Signature",
    "Timing",
    "Dosage",
    "ContactDetail",
    "Expression",
    "UsageContext",
    "RelatedArtifact",
];

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
/// [`ELEMENTS`] (the scans dominated the run time of a preset on a large export).
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
        let mut elements = HashMap::with_capacity_and_hasher(ELEMENTS.len(), FastState::default());
        let mut choices = HashSet::default();
        let mut contexts = HashMap::default();
        for (parent, name, ty) in ELEMENTS {
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
