//! 匿名加工 on FHIR: the tokumei preset's k-anonymity over patients (two passes through the public
//! session, as the CLI, Node and the browser run it) on the synthetic JP Core export — written
//! quasi-identifiers shared by at least k patients, suppressed patients' resources absent and
//! counted, accounting, chunking, and the kamei preset untouched.

use std::collections::{HashMap, HashSet};

use deid_kit::fhir::preset::policy as fhir_policy;
use deid_kit::fhir::{Format, PatientIndex};
use deid_kit::ja::normalize::Options;
use deid_kit::ja::wareki::Date;
use deid_kit::preset::Preset;
use deid_kit::{Policy, Pseudonymizer, Report, Session, SessionOptions, SiteKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

#[path = "support/fhir_synth.rs"]
mod fhir_synth;
use fhir_synth::{fhir_synth, resources};
#[path = "support/passes.rs"]
mod passes;

fn key() -> SiteKey {
    SiteKey::from_bytes([42; 32])
}

fn preset(which: Preset) -> Policy {
    fhir_policy(which, Format::Ndjson, Date::new(2024, 4, 1).unwrap())
}

/// `python3 scripts/fhir_synth.py --patients 400 --seed 9`, or `None` without python3.
fn synthetic() -> Option<Vec<u8>> {
    fhir_synth(400, 9, false).map(|(export, _)| export)
}

/// Both passes, each fed in `sizes` chunks: scan, the search on its statistics (when the policy
/// has a privacy model), then the output.
fn run(policy: &Policy, input: &[u8], sizes: &[usize]) -> (Vec<u8>, Report) {
    passes::fhir_two_passes(
        policy,
        Some(&key()),
        SessionOptions::default(),
        input,
        sizes,
    )
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The written quasi-identifiers of an output Patient: birth date, gender and every address
/// (absent elements included, as an attacker sees them).
fn written(patient: &Value) -> String {
    serde_json::json!([
        patient.get("birthDate"),
        patient.get("gender"),
        patient.get("address")
    ])
    .to_string()
}

#[test]
fn tokumei_is_k_anonymous_over_patients_and_suppression_is_counted() {
    let Some(export) = synthetic() else {
        return;
    };
    // One patient no one else resembles (the only gender "other"), with a resource before and
    // after its Patient: generalizing everyone's sex costs more than suppressing it.
    let mut input = br#"{"resourceType":"Condition","id":"outlier-c1","subject":{"reference":"Patient/outlier"},"code":{"text":"x"}}
"#
    .to_vec();
    input.extend_from_slice(&export);
    input.extend_from_slice(r#"{"resourceType":"Patient","id":"outlier","gender":"other","birthDate":"1931-02-03","address":[{"state":"沖縄県","city":"那覇市"}]}
{"resourceType":"Observation","id":"outlier-o1","status":"final","subject":{"reference":"Patient/outlier"},"code":{"text":"y"}}
"#.as_bytes());
    let policy = preset(Preset::Tokumei);
    let k = policy.privacy.as_ref().unwrap().k;
    assert_eq!(k, 5);
    let (out, report) = run(&policy, &input, &[1 << 16]);

    // Accounting: resources in = out + rejected + opted out + suppressed.
    let rows = report.rows;
    assert!(rows.balanced(), "{rows:?}");
    assert_eq!(rows.rows_in, resources(&input).len() as u64);
    assert_eq!(rows.rows_out, resources(&out).len() as u64);
    assert_eq!(rows.rejected, 0, "{:?}", report.rejected);

    // The report's anonymization section, like CSV's.
    let section = report
        .anonymization
        .as_ref()
        .expect("anonymization section");
    let columns: Vec<&str> = section.levels.iter().map(|l| l.column.as_str()).collect();
    assert_eq!(
        columns,
        ["Patient.birthDate", "Patient.address", "Patient.gender"]
    );
    let minimum: HashMap<&str, usize> = [
        ("Patient.birthDate", 3),
        ("Patient.address", 2),
        ("Patient.gender", 0),
    ]
    .into();
    for level in &section.levels {
        assert!(level.level >= minimum[level.column.as_str()], "{level:?}");
        assert!(level.level <= level.max_level, "{level:?}");
    }
    assert!(section.risk_after.prosecutor_max <= 1.0 / k as f64 + 1e-9);
    assert!(section.risk_before.records_at_risk > 0);
    assert_eq!(section.risk_after.records_at_risk, 0);

    // Every combination of written quasi-identifiers is shared by at least k patients.
    let output = resources(&out);
    let patients: Vec<&Value> = output
        .iter()
        .filter(|r| r["resourceType"] == "Patient")
        .collect();
    let mut classes: HashMap<String, u64> = HashMap::new();
    for p in &patients {
        *classes.entry(written(p)).or_insert(0) += 1;
        if let Some(date) = p.get("birthDate") {
            let date = date.as_str().unwrap();
            assert!(
                date.len() == 4 && date.bytes().all(|b| b.is_ascii_digit()),
                "{date}"
            );
        }
        if let Some(gender) = p.get("gender") {
            assert!(["male", "female", "other", "unknown"].contains(&gender.as_str().unwrap()));
        }
        for address in p
            .get("address")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for member in address.as_object().unwrap().keys() {
                assert!(
                    ["use", "type", "state", "country"].contains(&member.as_str()),
                    "{member}"
                );
            }
        }
    }
    assert!(!classes.is_empty());
    for (class, size) in &classes {
        assert!(
            *size >= u64::from(k),
            "{class} is shared by {size} patients"
        );
    }

    // Suppressed patients: all their resources absent, and counted.
    let pseudonym = Pseudonymizer::new(&key(), 16, Options::default()).unwrap();
    let mut index = PatientIndex::new(&[], false);
    let input_resources = resources(&input);
    for r in &input_resources {
        index.add(r, None);
    }
    let mut per_patient: HashMap<String, u64> = HashMap::new();
    let mut input_patients = HashSet::new();
    for r in &input_resources {
        if let Some(p) = index.patient_of(r, None) {
            *per_patient.entry(pseudonym.pseudonym(&p)).or_insert(0) += 1;
            if r["resourceType"] == "Patient" {
                input_patients.insert(pseudonym.pseudonym(&p));
            }
        }
    }
    let kept: HashSet<String> = patients
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(kept.is_subset(&input_patients));
    let gone: Vec<&String> = input_patients.difference(&kept).collect();
    assert_eq!(gone.len() as u64, section.solution.suppressed);
    assert!(gone.len() as f64 <= 0.05 * input_patients.len() as f64);
    assert!(
        gone.contains(&&pseudonym.pseudonym("outlier")),
        "the outlier is suppressed"
    );
    let gone_resources: u64 = gone.iter().map(|p| per_patient[*p]).sum();
    assert!(gone_resources >= 3);
    assert_eq!(rows.suppressed, gone_resources);
    let out_index = {
        let mut i = PatientIndex::new(&[], false);
        for r in &output {
            i.add(r, None);
        }
        i
    };
    for r in &output {
        if let Some(p) = out_index.patient_of(r, None) {
            assert!(kept.contains(&p), "a resource of a suppressed patient left");
        }
    }
    if !gone.is_empty() {
        assert!(report
            .warnings
            .iter()
            .any(|w| w.contains("patients were suppressed")));
    }

    println!(
        "levels {:?}, {} of {} patients suppressed ({} resources), {} classes",
        section.levels.iter().map(|l| l.level).collect::<Vec<_>>(),
        gone.len(),
        input_patients.len(),
        rows.suppressed,
        classes.len()
    );

    // Any chunking gives the same bytes.
    let (again, _) = run(&policy, &input, &[1, 7, 4096, 333]);
    assert!(again == out, "chunking changed the output");
}

/// A Patient without an address or a birth date is not rejected: the missing element says
/// nothing, so it is `*` at every level and the patient counts in that class (kept if the class
/// has k patients, suppressed with all its resources otherwise).
#[test]
fn a_missing_quasi_identifier_is_a_class_not_a_rejection() {
    let Some(mut input) = synthetic() else {
        return;
    };
    let mut extra = String::new();
    for i in 0..6 {
        extra.push_str(&format!(
            r#"{{"resourceType":"Patient","id":"a{i}","gender":"female","birthDate":"1944-0{}-1{i}"}}
{{"resourceType":"Condition","id":"a{i}-c","subject":{{"reference":"Patient/a{i}"}},"code":{{"text":"markeralpha"}}}}
"#,
            i + 1
        ));
    }
    // Alone with its sex too (the only "other"), so its class is too small whatever the levels.
    extra.push_str(r#"{"resourceType":"Patient","id":"b","gender":"other","address":[{"use":"home","state":"北海道","city":"稚内市","country":"JP"}]}
{"resourceType":"Condition","id":"b-c","subject":{"reference":"Patient/b"},"code":{"text":"markerbeta"}}
"#);
    input.extend_from_slice(extra.as_bytes());
    let policy = preset(Preset::Tokumei);
    let (out, report) = run(&policy, &input, &[1 << 16]);
    assert_eq!(report.rows.rejected, 0, "{:?}", report.rejected);
    assert!(report.rows.balanced(), "{:?}", report.rows);
    let text = String::from_utf8(out.clone()).unwrap();
    // Six alike without an address make a class of their own (k = 5): kept.
    assert_eq!(text.matches("markeralpha").count(), 6, "{:?}", report.rows);
    // The one patient without a birth date is alone in its class: suppressed, and its
    // Condition with it.
    assert!(
        !text.contains("markerbeta"),
        "{:?} {:?}",
        report.rows,
        report.anonymization.as_ref().map(|a| &a.levels)
    );
    assert!(report.rows.suppressed >= 2, "{:?}", report.rows);
    let mut classes: HashMap<String, u64> = HashMap::new();
    for p in resources(&out)
        .iter()
        .filter(|r| r["resourceType"] == "Patient")
    {
        *classes.entry(written(p)).or_insert(0) += 1;
    }
    for (class, n) in &classes {
        assert!(*n >= 5, "{class} is written for {n} patients");
    }
}

/// The kamei preset and its output on this export, as they were before the anonymization came
/// to FHIR (recorded from the branch before the change, same key; the policy's hash was
/// recorded again when Medication rules were added, its output here is unchanged).
#[test]
fn kamei_is_unchanged() {
    let policy = preset(Preset::Kamei);
    assert!(policy.privacy.is_none());
    assert_eq!(
        hex(&Sha256::digest(policy.to_json().as_bytes())),
        KAMEI_POLICY_SHA256
    );
    let Some(input) = synthetic() else {
        return;
    };
    let (out, report) = run(&policy, &input, &[1 << 16]);
    assert!(report.anonymization.is_none());
    assert_eq!(report.rows.suppressed, 0);
    assert_eq!(hex(&Sha256::digest(&out)), KAMEI_OUTPUT_SHA256);
}

#[test]
fn an_anonymizing_policy_refuses_one_pass_and_non_patient_quasi_identifiers() {
    let policy = preset(Preset::Tokumei);
    let key = key();
    let line = br#"{"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1960-01-02"}
"#;
    let error = match Session::new(&policy, Some(&key), SessionOptions::default()) {
        Err(e) => e,
        Ok(mut session) => session.push_into(line, &mut Vec::new()).unwrap_err(),
    };
    assert!(error.to_string().contains("two passes"), "{error}");

    let mut other = policy.clone();
    other.paths.insert(
        "Encounter.period.start".into(),
        other.paths["Patient.birthDate"].clone(),
    );
    other.paths.move_index(other.paths.len() - 1, 0);
    let error = Session::scan(&other, Some(&key), SessionOptions::default())
        .err()
        .unwrap();
    assert!(error.to_string().contains("Patient elements"), "{error}");
}

const KAMEI_POLICY_SHA256: &str =
    "cc697c54aacb0a6fd77e37257fec92e8a328984d02eae6d3d15abc7a064388ae";
const KAMEI_OUTPUT_SHA256: &str =
    "a274c5a65fe9bef89cda0b1038fe94bf69a6c9f0d145b4130030d854fab34d91";
