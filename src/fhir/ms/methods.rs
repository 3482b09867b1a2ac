//! The value-level algorithms of Microsoft's FHIR anonymizer, as pure functions on strings:
//! cryptoHash (with the id-only rule for `Reference.reference`), the 101-bucket date-shift fold
//! and its output format, and the partial redaction of dates, ages and postal codes.
//! Specified in `../shared/conformance/ms-fhir-anonymizer.md` §1.

use std::fmt::Write as _;

use hmac::Mac;

use crate::ja::wareki::Date;
use crate::key::keyed;

/// Lowercase hex HMAC-SHA256 of `value` keyed with the UTF-8 bytes of `key`; empty stays empty.
pub(crate) fn crypto_hash(value: &str, key: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    let mut mac = keyed(key.as_bytes());
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Applies `transform` to the id part of a `Reference.reference` only: `#id`, `[base/]Type/id
/// [/_history/v]`, `urn:oid:…`, `urn:uuid:…`; anything else is transformed whole.
pub(crate) fn transform_reference_id(
    reference: &str,
    transform: impl Fn(&str) -> String,
) -> String {
    if reference.is_empty() {
        return String::new();
    }
    if let Some(internal) = reference.strip_prefix('#') {
        return format!("#{}", transform(internal));
    }
    if let Some((prefix, id, suffix)) = literal_reference(reference) {
        return format!("{prefix}{}{suffix}", transform(id));
    }
    if let Some(oid) = reference.strip_prefix("urn:oid:") {
        if is_oid(oid) {
            return format!("urn:oid:{}", transform(oid));
        }
    }
    if let Some(uuid) = reference.strip_prefix("urn:uuid:") {
        if is_uuid(uuid) {
            return format!("urn:uuid:{}", transform(uuid));
        }
    }
    transform(reference)
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(is_id_char)
}

/// The R4 resource types, for the literal-reference pattern (MS builds it from its model's list).
const R4_RESOURCE_TYPES: &[&str] = &[
    "Account",
    "ActivityDefinition",
    "AdverseEvent",
    "AllergyIntolerance",
    "Appointment",
    "AppointmentResponse",
    "AuditEvent",
    "Basic",
    "Binary",
    "BiologicallyDerivedProduct",
    "BodyStructure",
    "Bundle",
    "CapabilityStatement",
    "CarePlan",
    "CareTeam",
    "CatalogEntry",
    "ChargeItem",
    "ChargeItemDefinition",
    "Claim",
    "ClaimResponse",
    "ClinicalImpression",
    "CodeSystem",
    "Communication",
    "CommunicationRequest",
    "CompartmentDefinition",
    "Composition",
    "ConceptMap",
    "Condition",
    "Consent",
    "Contract",
    "Coverage",
    "CoverageEligibilityRequest",
    "CoverageEligibilityResponse",
    "DetectedIssue",
    "Device",
    "DeviceDefinition",
    "DeviceMetric",
    "DeviceRequest",
    "DeviceUseStatement",
    "DiagnosticReport",
    "DocumentManifest",
    "DocumentReference",
    "EffectEvidenceSynthesis",
    "Encounter",
    "Endpoint",
    "EnrollmentRequest",
    "EnrollmentResponse",
    "EpisodeOfCare",
    "EventDefinition",
    "Evidence",
    "EvidenceVariable",
    "ExampleScenario",
    "ExplanationOfBenefit",
    "FamilyMemberHistory",
    "Flag",
    "Goal",
    "GraphDefinition",
    "Group",
    "GuidanceResponse",
    "HealthcareService",
    "ImagingStudy",
    "Immunization",
    "ImmunizationEvaluation",
    "ImmunizationRecommendation",
    "ImplementationGuide",
    "InsurancePlan",
    "Invoice",
    "Library",
    "Linkage",
    "List",
    "Location",
    "Measure",
    "MeasureReport",
    "Media",
    "Medication",
    "MedicationAdministration",
    "MedicationDispense",
    "MedicationKnowledge",
    "MedicationRequest",
    "MedicationStatement",
    "MedicinalProduct",
    "MedicinalProductAuthorization",
    "MedicinalProductContraindication",
    "MedicinalProductIndication",
    "MedicinalProductIngredient",
    "MedicinalProductInteraction",
    "MedicinalProductManufactured",
    "MedicinalProductPackaged",
    "MedicinalProductPharmaceutical",
    "MedicinalProductUndesirableEffect",
    "MessageDefinition",
    "MessageHeader",
    "MolecularSequence",
    "NamingSystem",
    "NutritionOrder",
    "Observation",
    "ObservationDefinition",
    "OperationDefinition",
    "OperationOutcome",
    "Organization",
    "OrganizationAffiliation",
    "Parameters",
    "Patient",
    "PaymentNotice",
    "PaymentReconciliation",
    "Person",
    "PlanDefinition",
    "Practitioner",
    "PractitionerRole",
    "Procedure",
    "Provenance",
    "Questionnaire",
    "QuestionnaireResponse",
    "RelatedPerson",
    "RequestGroup",
    "ResearchDefinition",
    "ResearchElementDefinition",
    "ResearchStudy",
    "ResearchSubject",
    "RiskAssessment",
    "RiskEvidenceSynthesis",
    "Schedule",
    "SearchParameter",
    "ServiceRequest",
    "Slot",
    "Specimen",
    "SpecimenDefinition",
    "StructureDefinition",
    "StructureMap",
    "Subscription",
    "Substance",
    "SubstanceNucleicAcid",
    "SubstancePolymer",
    "SubstanceProtein",
    "SubstanceReferenceInformation",
    "SubstanceSourceMaterial",
    "SubstanceSpecification",
    "SupplyDelivery",
    "SupplyRequest",
    "Task",
    "TerminologyCapabilities",
    "TestReport",
    "TestScript",
    "ValueSet",
    "VerificationResult",
    "VisionPrescription",
];

/// `^((http|https)://[A-Za-z0-9\/.:%$]*)?ResourceType/id(/_history/version)?$` split into
/// (prefix through the slash, id, suffix). The base may run into the type name
/// (`http://x/fhirPatient/1`), as in MS's regex.
fn literal_reference(reference: &str) -> Option<(&str, &str, &str)> {
    let (body, suffix) = match reference.find("/_history/") {
        Some(at) => {
            let version = reference.get(at + "/_history/".len()..)?;
            if !is_id(version) {
                return None;
            }
            (reference.get(..at)?, reference.get(at..)?)
        }
        None => (reference, ""),
    };
    let slash = body.rfind('/')?;
    let id = body.get(slash + 1..)?;
    let before = body.get(..slash)?;
    if !is_id(id) {
        return None;
    }
    let base_ok = |base: &str| {
        base.is_empty()
            || base
                .strip_prefix("http://")
                .or_else(|| base.strip_prefix("https://"))
                .is_some_and(|rest| {
                    rest.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "\\/.:%$".contains(c))
                })
    };
    let typed = R4_RESOURCE_TYPES
        .iter()
        .any(|t| before.strip_suffix(t).is_some_and(&base_ok));
    typed
        .then(|| Some((body.get(..slash + 1)?, id, suffix)))
        .flatten()
}

fn is_oid(s: &str) -> bool {
    let mut parts = s.split('.');
    let first_ok = parts.next().is_some_and(|p| matches!(p, "0" | "1" | "2"));
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p == &"0" || !p.starts_with('0'))
        })
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// MS's offset fold: `o = (o*131 + b) mod 101` over the UTF-8 bytes of prefix + key, minus 50.
pub(crate) fn date_shift_offset(prefix: &str, key: &str) -> i64 {
    let mut offset: i64 = 0;
    for byte in prefix.bytes().chain(key.bytes()) {
        offset = (offset * 131 + i64::from(byte)) % 101;
    }
    offset - 50
}

/// The parts of a FHIR date / dateTime / instant as MS's HL7 regexes capture them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DateParts<'a> {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// `T…` through the zone, when the value has a valid time part.
    pub time: Option<&'a str>,
}

fn digits(s: &str, at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    if part.chars().all(|c| c.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// Reads the leading `YYYY(-MM(-DD(Thh:mm:ss(.f+)?(Z|±hh:mm))?)?)?` of `value` (year 0001–9999,
/// month 01–12, day 01–31 — the regex's ranges, not the calendar's).
pub(crate) fn date_parts(value: &str, with_time: bool) -> Option<DateParts<'_>> {
    let year = digits(value, 0, 4)?;
    if year == 0 {
        return None;
    }
    let mut parts = DateParts {
        year: i32::try_from(year).ok()?,
        month: None,
        day: None,
        time: None,
    };
    let month = (value.get(4..5) == Some("-"))
        .then(|| digits(value, 5, 2))
        .flatten()
        .filter(|m| (1..=12).contains(m));
    let Some(month) = month else {
        return Some(parts);
    };
    parts.month = u8::try_from(month).ok();
    let day = (value.get(7..8) == Some("-"))
        .then(|| digits(value, 8, 2))
        .flatten()
        .filter(|d| (1..=31).contains(d));
    let Some(day) = day else { return Some(parts) };
    parts.day = u8::try_from(day).ok();
    if with_time {
        parts.time = value.get(10..).filter(|t| valid_time_part(t));
    }
    Some(parts)
}

/// `Thh:mm:ss(.f+)?(Z|±hh:mm)` as a prefix of `t` (the regex is not anchored at the end).
fn valid_time_part(t: &str) -> bool {
    let ok = t.starts_with('T')
        && digits(t, 1, 2).is_some_and(|h| h <= 23)
        && t.get(3..4) == Some(":")
        && digits(t, 4, 2).is_some_and(|m| m <= 59)
        && t.get(6..7) == Some(":")
        && digits(t, 7, 2).is_some_and(|s| s <= 60);
    if !ok {
        return false;
    }
    let mut rest = t.get(9..).unwrap_or_default();
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.chars().take_while(char::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = fraction.get(n..).unwrap_or_default();
    }
    if rest.starts_with('Z') {
        return true;
    }
    let sign_ok = rest.starts_with('+') || rest.starts_with('-');
    sign_ok
        && match (digits(rest, 1, 2), rest.get(3..4), digits(rest, 4, 2)) {
            (Some(h), Some(":"), Some(m)) => (h <= 13 && m <= 59) || (h == 14 && m == 0),
            _ => false,
        }
}

/// MS's "indicates age over 89" test against an explicit `today` (month and day default to 1).
pub(crate) fn age_over_89(parts: &DateParts<'_>, today: Date) -> bool {
    let month = parts.month.unwrap_or(1);
    let day = parts.day.unwrap_or(1);
    let before_birthday = today.month < month || (today.month == month && today.day < day);
    let age = i64::from(today.year) - i64::from(parts.year) - i64::from(before_birthday);
    age > 89
}

/// Shifts a date/dateTime/instant that has a day. The date is moved by `offset` days and written
/// `yyyy-MM-dd`; a time part is kept with every digit of `hh:mm:ss(.fff)` zeroed and its zone
/// verbatim. `None` when the calendar date is invalid (MS would fail to parse it).
pub(crate) fn shift_date(parts: &DateParts<'_>, offset: i64) -> Option<String> {
    let date = Date::new(parts.year, parts.month?, parts.day?)?;
    let shifted = date.add_days(offset)?;
    if !(1..=9999).contains(&shifted.year) {
        return None;
    }
    let mut out = format!(
        "{:04}-{:02}-{:02}",
        shifted.year, shifted.month, shifted.day
    );
    if let Some(time) = parts.time {
        let clock_len = 9 + time
            .get(9..)
            .and_then(|r| r.strip_prefix('.'))
            .map_or(0, |f| {
                1 + f.chars().take_while(char::is_ascii_digit).count()
            });
        for (i, c) in time.char_indices() {
            out.push(if i > 0 && i < clock_len && c.is_ascii_digit() {
                '0'
            } else {
                c
            });
        }
    }
    Some(out)
}

/// Partial redaction of a postal code: every digit zeroed when it starts with a restricted area,
/// else the first 3 characters kept and later digits zeroed; shorter than 3 → unchanged.
pub(crate) fn redact_postal_code(value: &str, restricted: &[String]) -> String {
    let zero = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect()
    };
    if restricted
        .iter()
        .any(|area| value.starts_with(area.as_str()))
    {
        return zero(value);
    }
    match value.char_indices().nth(3) {
        Some((at, _)) => format!(
            "{}{}",
            value.get(..at).unwrap_or_default(),
            zero(value.get(at..).unwrap_or_default())
        ),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_vectors() {
        let cases = [
            ("", ""),
            (
                "abc",
                "8f16771f9f8851b26f4d460fa17de93e2711c7e51337cb8a608a0f81e1c1b6ae",
            ),
            (
                "&*^%$@()=-,/",
                "33f6f7d6b3602bf5354dcb4b8d988982602349355f50f86798d8ce1ffd61521b",
            ),
            (
                "ÆŊŋßſ♫∅",
                "1a94823f0a0f00a4b1ca771c3446dc5e17958f4dae3588ace2bca8a843eb63d9",
            ),
            (
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890!@#$%^&*()=-",
                "352b5a4af5adb81fa616c2a5b5c492d0b0b544c188a9aa003767a2b5efbd1478",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(crypto_hash(input, "123"), expected, "{input}");
        }
    }

    #[test]
    fn reference_id_extraction() {
        let id = |r: &str| transform_reference_id(r, |_| "@ID".to_owned());
        let cases = [
            ("#p1", "#@ID"),
            ("Patient/034AB16", "Patient/@ID"),
            (
                "http://fhir.hl7.org/svc/StructureDefinition/c8973a22-2b5b-4e76-9c66-00639c99e61b",
                "http://fhir.hl7.org/svc/StructureDefinition/@ID",
            ),
            ("http://example.org/fhir/Observation/apo89654/_history/2", "http://example.org/fhir/Observation/@ID/_history/2"),
            ("urn:uuid:C757873D-EC9A-4326-A141-556F43239520", "urn:uuid:@ID"),
            ("urn:oid:1.2.3.4.5", "urn:oid:@ID"),
            ("034AB16", "@ID"),
            ("Patient/AbcŴΉЙ", "@ID"),
            ("http://fhir.hl7.org/svc/StructureDefinitionTest/c8973a22-2b5b-4e76-9c66-00639c99e61b", "@ID"),
            ("ftp://fhir.hl7.org/svc/StructureDefinition/c8973a22-2b5b-4e76-9c66-00639c99e61b", "@ID"),
            ("wwurn:uuid:c757873d-ec9a-4326-a141-556f43239520", "@ID"),
            ("urn:oid:1.2.3=4.5", "@ID"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(id(input), expected, "{input}");
        }
    }

    #[test]
    fn offset_fold() {
        let cases = [
            ("", "dummy", -21),
            ("example", "123", 41),
            ("filename", "123", 4),
            ("", "", -50),
            ("", "123", 50),
            ("example", "dummy", -41),
        ];
        for (prefix, key, expected) in cases {
            assert_eq!(date_shift_offset(prefix, key), expected, "{prefix}+{key}");
        }
    }

    #[test]
    fn shift_formatting() {
        let shift = |v: &str| date_parts(v, true).and_then(|p| shift_date(&p, -21));
        let cases = [
            ("2015-02-07", "2015-01-17"),
            ("2015-02-07T13:28:17-05:00", "2015-01-17T00:00:00-05:00"),
            ("2015-02-07T13:28:17+05:00", "2015-01-17T00:00:00+05:00"),
            ("2015-02-07T13:28:17Z", "2015-01-17T00:00:00Z"),
            (
                "2015-02-07T13:28:17.12345-05:00",
                "2015-01-17T00:00:00.00000-05:00",
            ),
            ("2015-02-07T01:01:01+00:00", "2015-01-17T00:00:00+00:00"),
        ];
        for (input, expected) in cases {
            assert_eq!(shift(input).as_deref(), Some(expected), "{input}");
        }
        let z = date_parts("2001-01-01Z", false).and_then(|p| shift_date(&p, 41));
        assert_eq!(z.as_deref(), Some("2001-02-11"));
        let partial = date_parts("2015-02", true);
        assert_eq!(partial.as_ref().map(|p| p.day), Some(None));
    }

    #[test]
    fn age_and_postal() {
        let today = Date::new(2025, 9, 5).unwrap_or_else(|| panic!("date"));
        let over = |v: &str| date_parts(v, true).is_some_and(|p| age_over_89(&p, today));
        assert!(
            over("1925-02-07") && over("1935-09-05") && !over("1935-09-06") && !over("1940-01-01")
        );
        let restricted = ["203".to_owned(), "556".to_owned()];
        let cases = [
            ("98052", "98000"),
            ("10104", "10100"),
            ("20301", "00000"),
            ("55602", "00000"),
            ("98028-1830", "98000-0000"),
            ("20301-1830", "00000-0000"),
            ("12", "12"),
            ("160-0023", "160-0000"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_postal_code(input, &restricted), expected, "{input}");
        }
        assert_eq!(redact_postal_code("12345", &["123".to_owned()]), "00000");
        assert_eq!(redact_postal_code("54321", &["123".to_owned()]), "54300");
    }
}
