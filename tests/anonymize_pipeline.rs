//! 匿名加工 through the streaming pipeline: two passes, generalized quasi-identifiers, suppressed
//! rows counted, the output really k-anonymous, and the same bytes for any chunking.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::sync::Arc;

#[path = "support/adult.rs"]
mod adult;
#[path = "support/csv_records.rs"]
mod csv_records;
#[path = "support/passes.rs"]
mod passes;

use deid_kit::pipeline::Anonymized;
use deid_kit::{Policy, Report, Session, SessionOptions};

const EXPORT: &[u8] = include_bytes!("data/export-varied-utf8.csv");

/// The varied export's quasi-identifiers: birth date, sex, address (headers as synth.py seed 12
/// spelled them).
fn hospital_policy(k: u32, max_suppression: f64) -> Policy {
    Policy::from_json(&format!(
        r#"{{"version":1,"privacy":{{"k":{k},"max_suppression":{max_suppression}}},"columns":{{
            "誕生日":{{"action":"generalize","hierarchy":"date"}},
            "Sex":{{"action":"generalize","hierarchy":"sex"}},
            "住所1":{{"action":"generalize","hierarchy":"address"}},
            "主病名":{{"action":"keep","sensitive":true}},
            "科":{{"action":"keep"}}}}}}"#
    ))
    .unwrap()
}

fn first_pass(policy: &Policy, input: &[u8]) -> Arc<Anonymized> {
    passes::first_pass(policy, None, SessionOptions::default(), input, &[7_777])
        .anonymization
        .unwrap()
}

fn second_pass(
    policy: &Policy,
    a: &Arc<Anonymized>,
    input: &[u8],
    chunk: usize,
) -> (Vec<u8>, Report) {
    let options = SessionOptions {
        anonymization: Some(Arc::clone(a)),
        ..SessionOptions::default()
    };
    passes::second_pass(policy, None, options, input, &[chunk])
}

fn records(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv_records::records(std::str::from_utf8(bytes).unwrap(), delimiter)
}

/// Sizes of the classes formed by the columns named `qi` in the output.
fn class_sizes(rows: &[Vec<String>], qi: &[&str]) -> Vec<usize> {
    let header = &rows[0];
    let at: Vec<usize> = qi
        .iter()
        .map(|q| header.iter().position(|h| h == q).unwrap())
        .collect();
    let mut classes: HashMap<Vec<&str>, usize> = HashMap::new();
    for row in &rows[1..] {
        *classes
            .entry(at.iter().map(|&i| row[i].as_str()).collect())
            .or_default() += 1;
    }
    classes.into_values().collect()
}

#[test]
fn hospital_export_becomes_k_anonymous() {
    for (k, limit) in [(2, 0.0), (5, 0.05), (10, 0.02)] {
        let policy = hospital_policy(k, limit);
        let a = first_pass(&policy, EXPORT);
        let (out, report) = second_pass(&policy, &a, EXPORT, 1 << 20);
        let rows = records(&out, b',');
        let sizes = class_sizes(&rows, &["誕生日", "Sex", "住所1"]);
        assert!(
            sizes.iter().all(|&n| n >= k as usize),
            "k={k}: {:?}",
            sizes.iter().min()
        );
        assert!(report.rows.balanced());
        assert_eq!(report.rows.rows_out as usize, rows.len() - 1);
        assert!(report.rows.suppressed as f64 <= limit * 3000.0);
        let an = report.anonymization.as_ref().unwrap();
        assert_eq!(an.solution.suppressed, report.rows.suppressed);
        assert!(an.risk_after.prosecutor_max <= 1.0 / f64::from(k) + 1e-12);
        assert!(an.risk_before.prosecutor_max >= an.risk_after.prosecutor_max);
        assert_eq!(an.levels.len(), 3);
        // The dropped and unnamed columns are gone; the kept ones stay as written.
        assert_eq!(rows[0], ["誕生日", "Sex", "住所1", "科", "主病名"]);
    }
}

#[test]
fn any_chunking_gives_the_same_anonymized_bytes() {
    let policy = hospital_policy(5, 0.05);
    let a = first_pass(&policy, EXPORT);
    let (whole, _) = second_pass(&policy, &a, EXPORT, 1 << 20);
    for chunk in [1, 3, 4096] {
        let (out, _) = second_pass(&policy, &a, &EXPORT[..200_000], chunk);
        assert!(
            whole.starts_with(&out[..out.len() - 300]),
            "chunks of {chunk}"
        );
    }
    let (again, _) = second_pass(&policy, &a, EXPORT, 65_537);
    assert_eq!(again, whole);
}

#[test]
fn policy_mistakes_are_caught() {
    let err = |json: &str| {
        let p = Policy::from_json(json).unwrap();
        let mut s = Session::scan(&p, None, SessionOptions::default()).unwrap();
        s.push(b"a,b\n1,2\n").unwrap();
        s.finish().err().unwrap().to_string()
    };
    assert!(
        err(r#"{"version":1,"columns":{"a":{"action":"generalize","hierarchy":"sex"}}}"#)
            .contains("/privacy")
    );
    assert!(
        err(r#"{"version":1,"privacy":{"k":5},"columns":{"a":{"action":"keep"}}}"#)
            .contains("no column")
    );
    assert!(err(r#"{"version":1,"privacy":{"k":5},"columns":{"a":{"action":"generalize","hierarchy":"nope"}}}"#)
        .contains("/columns/a/hierarchy"));
    assert!(err(r#"{"version":1,"privacy":{"k":5,"l":{"distinct":2}},"columns":{"a":{"action":"generalize","hierarchy":"sex"}}}"#)
        .contains("sensitive"));
    // One pass is refused: the output could not be k-anonymous.
    let p = hospital_policy(5, 0.0);
    let mut s = Session::new(&p, None, SessionOptions::default()).unwrap();
    let e = s.push(EXPORT).err().unwrap().to_string();
    assert!(e.contains("two passes"), "{e}");
}

#[test]
fn arx_adult_through_the_pipeline_reaches_arx_optimum() {
    let Some(dir) = adult::dir() else {
        return;
    };
    let adult = std::fs::read(dir.join("adult.csv")).unwrap();
    let columns = adult::COLUMNS;
    let rules: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(r#""{c}":{{"action":"generalize","hierarchy":"adult_hierarchy_{c}.csv"}}"#)
        })
        .collect();
    let json = format!(
        r#"{{"version":1,"input":{{"delimiter":";"}},"privacy":{{"k":5,"max_suppression":0.04,"metric":"entropy"}},"columns":{{{}}}}}"#,
        rules.join(",")
    );
    let mut policy = Policy::from_json(&json).unwrap();
    policy
        .inline_hierarchies(|name| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string())
        })
        .unwrap();
    let a = first_pass(&policy, &adult);
    assert_eq!(a.solution.levels, [1, 0, 1, 1, 3, 2, 2, 0, 1]);
    assert_eq!(a.solution.suppressed, 906);
    assert!((a.solution.loss - 255559.85455731067).abs() < 1e-6);
    let (out, report) = second_pass(&policy, &a, &adult, 1 << 16);
    assert_eq!(report.rows.suppressed, 906);
    assert_eq!(report.rows.rows_out, 30162 - 906);
    let rows = records(&out, b';');
    let sizes = class_sizes(&rows, &columns);
    assert_eq!(sizes.len(), 1046);
    assert!(sizes.iter().all(|&n| n >= 5));
}
