//! The presets on realistic synthetic exports (3,000 rows, Shift_JIS and UTF-8, varied header
//! spellings, 和暦 and western dates, full-width digits): no name, kana, phone, My Number,
//! insurance number, e-mail, street address or exact birth date of the input survives.
#![cfg(not(target_arch = "wasm32"))]

use deid_kit::ja::normalize::{normalize, Options};
use deid_kit::ja::wareki::{self, Date};
use deid_kit::preset::{suggest, Preset};
use deid_kit::{SessionOptions, SiteKey};

#[path = "support/csv_records.rs"]
mod csv_records;
use csv_records::records;
#[path = "support/passes.rs"]
mod passes;

const SJIS: &[u8] = include_bytes!("data/export-varied-sjis.csv");
const UTF8: &[u8] = include_bytes!("data/export-varied-utf8.csv");

// Column positions in scripts/synth.py's output (the headers vary, the order does not).
const ID: usize = 0;
const NAME: usize = 1;
const KANA: usize = 2;
const BIRTH: usize = 3;
const POSTAL: usize = 5;
const ADDRESS: usize = 6;
const PHONE: usize = 7;
const EMAIL: usize = 8;
const MY_NUMBER: usize = 9;
const SYMBOL: usize = 11;
const INSURED: usize = 12;
const VISIT: usize = 14;

fn decode(bytes: &[u8]) -> String {
    let d = deid_kit::format::encoding::detect(bytes, true).unwrap();
    let mut s = String::new();
    d.encoding.decode_into(&bytes[d.bom..], &mut s).unwrap();
    s
}

fn run(input: &[u8], preset: Preset) -> (Vec<Vec<String>>, String, deid_kit::Report) {
    run_with(input, preset, |_| {})
}

fn run_with(
    input: &[u8],
    preset: Preset,
    tweak: fn(&mut deid_kit::Policy),
) -> (Vec<Vec<String>>, String, deid_kit::Report) {
    let today = Date::new(2024, 4, 1).unwrap();
    let mut policy = suggest(&input[..input.len().min(256 * 1024)], preset, today).unwrap();
    tweak(&mut policy);
    let key = SiteKey::from_bytes([9; 32]);
    let options = if policy.privacy.is_some() {
        // 匿名加工: the first pass chooses the generalization.
        passes::first_pass(
            &policy,
            Some(&key),
            SessionOptions::default(),
            input,
            &[input.len()],
        )
    } else {
        SessionOptions::default()
    };
    let (out, report) = passes::second_pass(&policy, Some(&key), options, input, &[100_000]);
    let text = decode(&out);
    (records(&text, b','), text, report)
}

/// Spellings of one value that must not appear: as written, without spaces, normalized.
fn spellings(value: &str) -> Vec<String> {
    let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let mut all = vec![
        value.to_owned(),
        squeezed.clone(),
        normalize(&squeezed, Options::default()),
    ];
    all.push(normalize(value, Options::NAME));
    all.retain(|s| !s.is_empty());
    all.sort();
    all.dedup();
    all
}

fn check(input: &[u8], preset: Preset) {
    check_with(input, preset, |_| {});
}

fn check_with(input: &[u8], preset: Preset, tweak: fn(&mut deid_kit::Policy)) {
    let input_rows = records(&decode(input), b',');
    let (header, records) = input_rows.split_first().unwrap();
    let (out_rows, text, report) = run_with(input, preset, tweak);
    assert!(report.rows.balanced());
    assert_eq!(
        report.rows.rows_out as usize,
        records.len(),
        "{:?}",
        report.rejected.first()
    );
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // Every spelling of every identifying value, searched in the whole output at once.
    let mut patterns: Vec<(String, &str)> = Vec::new();
    for record in records {
        for column in [NAME, KANA, PHONE, EMAIL, MY_NUMBER, ADDRESS] {
            for spelling in spellings(&record[column]) {
                patterns.push((spelling, header[column].as_str()));
            }
        }
        for column in [PHONE, MY_NUMBER] {
            let digits: String = normalize(&record[column], Options::default())
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            patterns.push((digits, header[column].as_str()));
        }
        // The street part: whatever follows the municipality.
        let street = deid_kit::ja::address::split(&record[ADDRESS])
            .rest
            .trim()
            .to_owned();
        patterns.push((street, "street"));
        // A birth date written in 和暦 or with kanji is distinctive anywhere.
        if !record[BIRTH].is_ascii() {
            patterns.push((record[BIRTH].replace(' ', ""), "birth date"));
        }
    }
    let finder = aho_corasick::AhoCorasick::new(patterns.iter().map(|(p, _)| p)).unwrap();
    if let Some(hit) = finder.find(&compact) {
        panic!(
            "{} survived ({preset:?})",
            patterns[hit.pattern().as_usize()].1
        );
    }
    // Row by row: short identifiers as whole fields, and the exact birth date outside the
    // row's dates of care (which may match by chance).
    let out_header = &out_rows[0];
    let out_visit = out_header.iter().position(|h| *h == header[VISIT]);
    let out_birth = out_header.iter().position(|h| *h == header[BIRTH]).unwrap();
    for out in &out_rows[1..] {
        let coarse = &out[out_birth];
        match preset {
            Preset::Kamei => assert!(
                coarse.len() == 7 && coarse.as_bytes()[4] == b'-',
                "{coarse}"
            ),
            // At least the year (the search may go coarser).
            Preset::Tokumei => assert!(coarse == "*" || coarse.len() == 4, "{coarse}"),
        }
    }
    if report.rows.suppressed > 0 {
        return; // Rows no longer line up with the input's.
    }
    for (record, out) in records.iter().zip(&out_rows[1..]) {
        for column in [SYMBOL, INSURED, ID, POSTAL] {
            let value = &record[column];
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if value.chars().count() >= 4 {
                assert!(!out.contains(value), "{} survived", header[column]);
                assert!(!out.contains(&digits), "{} digits survived", header[column]);
            }
        }
        let birth = wareki::parse(&record[BIRTH]).unwrap();
        for (i, field) in out.iter().enumerate() {
            if Some(i) != out_visit {
                assert_ne!(field, &birth.iso());
                assert_ne!(field, &record[BIRTH]);
            }
        }
    }
}

#[test]
fn kamei_on_shift_jis() {
    check(SJIS, Preset::Kamei);
}

#[test]
fn kamei_on_utf8() {
    check(UTF8, Preset::Kamei);
}

#[test]
fn tokumei_on_shift_jis() {
    check(SJIS, Preset::Tokumei);
}

#[test]
fn tokumei_on_utf8() {
    check(UTF8, Preset::Tokumei);
}

/// The scan is real: a policy that keeps one identifying column is caught.
#[test]
#[should_panic(expected = "survived")]
fn the_scan_catches_a_kept_kana_column() {
    check_with(UTF8, Preset::Kamei, |p| {
        let kana = p.columns.get_index(KANA).unwrap().0.clone();
        p.columns.insert(kana, deid_kit::action::Action::keep());
    });
}

#[test]
#[should_panic(expected = "survived")]
fn the_scan_catches_a_street_address() {
    check_with(SJIS, Preset::Kamei, |p| {
        let address = p.columns.get_index(ADDRESS).unwrap().0.clone();
        p.columns.insert(address, deid_kit::action::Action::keep());
    });
}

#[test]
fn kamei_keeps_clinical_content_and_links_patients() {
    let (out, _, report) = run(SJIS, Preset::Kamei);
    let header = &out[0];
    for kept in ["主病名", "科", "HbA1c"] {
        assert!(header.iter().any(|h| h == kept), "{kept} kept");
    }
    // The same patient ID gives the same pseudonym in another file (the UTF-8 one uses another
    // header spelling for the ID column).
    let key = SiteKey::from_bytes([9; 32]);
    let p = deid_kit::Pseudonymizer::new(&key, 16, Options::default()).unwrap();
    let first_id = &records(&decode(SJIS), b',')[1][ID];
    assert_eq!(out[1][0], p.pseudonym(first_id));
    assert!(report.columns.iter().all(|c| c.detected.is_some()));
    assert!(
        report.warnings.iter().any(|w| w.contains("needs review")),
        "free text flagged"
    );
}

#[test]
fn tokumei_needs_no_key_and_keeps_no_patient_id() {
    let today = Date::new(2024, 4, 1).unwrap();
    let policy = suggest(UTF8, Preset::Tokumei, today).unwrap();
    let options = passes::first_pass(
        &policy,
        None,
        SessionOptions::default(),
        UTF8,
        &[UTF8.len()],
    );
    let (_, report) = passes::second_pass(&policy, None, options, UTF8, &[UTF8.len()]);
    let rows = report.rows;
    assert_eq!(rows.rows_out + rows.suppressed, 3000);
    assert!(report.key_fingerprint.is_none());
    assert!(report.anonymization.unwrap().risk_after.prosecutor_max <= 0.2);
}
