//! The streaming pipeline end to end, natively: chunking, accounting, encodings, bad input, and
//! that no identifier of the input survives a pseudonymizing policy.
#![cfg(not(target_arch = "wasm32"))]

use deid_kit::{ErrorKind, Policy, Session, SessionOptions, SiteKey};

#[path = "support/chunks.rs"]
mod chunks;
use chunks::{chunks, random_sizes};
#[path = "support/csv_records.rs"]
mod csv_records;
use csv_records::records;

const SAMPLE: &[u8] = include_bytes!("../www/samples/sample-sjis.csv");
const EXPECTED: &[u8] = include_bytes!("data/sample-expected.csv");
const POLICY: &str = include_str!("data/policy-sample.json");

fn test_key() -> SiteKey {
    SiteKey::from_file(include_bytes!("data/test.key")).unwrap()
}

fn policy(json: &str) -> Policy {
    Policy::from_json(json).unwrap()
}

/// Runs `input` through a session in the given chunk sizes (cycled).
fn run_chunks(
    policy: &Policy,
    key: Option<&SiteKey>,
    opt_out: &[&str],
    input: &[u8],
    sizes: &[usize],
) -> Result<(Vec<u8>, deid_kit::Report), deid_kit::Error> {
    let options = SessionOptions {
        opt_out: opt_out.iter().map(|s| s.to_string()).collect(),
        ..SessionOptions::default()
    };
    let mut s = Session::new(policy, key, options)?;
    let mut out = Vec::new();
    for chunk in chunks(input, sizes) {
        s.push_into(chunk, &mut out)?;
    }
    let done = s.finish()?;
    out.extend(done.tail);
    Ok((out, done.report))
}

fn run(policy: &Policy, input: &[u8]) -> Result<(Vec<u8>, deid_kit::Report), deid_kit::Error> {
    run_chunks(policy, Some(&test_key()), &[], input, &[1 << 20])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The shared chunker really cuts as asked: otherwise every "same bytes for any chunking" test
/// here and in the other suites would compare one whole push with itself.
#[test]
fn the_chunker_cuts_in_the_sizes_given() {
    let cut: Vec<&[u8]> = chunks(b"abcdefghij", &[2, 3]).collect();
    assert_eq!(cut, [&b"ab"[..], b"cde", b"fg", b"hij"]);
    let one: Vec<&[u8]> = chunks(b"abc", &[]).collect();
    assert_eq!(one, [&b"abc"[..]]);
    let zero: Vec<&[u8]> = chunks(b"abc", &[0]).collect();
    assert_eq!(zero.len(), 3, "a size of 0 still moves on by one byte");
    assert_eq!(chunks(b"", &[1]).count(), 0);
    let sizes = random_sizes(7, 1000, 5);
    assert!(sizes.iter().all(|&n| (1..=5).contains(&n)));
    assert_eq!(sizes, random_sizes(7, 1000, 5), "repeatable");
    assert!((1..=5).all(|n| sizes.contains(&n)), "every size comes up");
}

#[test]
fn sample_matches_the_committed_expected_output() {
    let (out, report) = run(&policy(POLICY), SAMPLE).unwrap();
    assert_eq!(
        out, EXPECTED,
        "regenerate tests/data/sample-expected.csv only on purpose"
    );
    assert_eq!(report.input.encoding, "shift_jis");
    assert_eq!(report.output.encoding, "shift_jis");
    assert_eq!(report.input.line_ending, "crlf");
    assert_eq!(report.rows.rows_in, 200);
    assert!(report.rows.balanced());
}

#[test]
fn every_chunking_gives_the_same_bytes() {
    let p = policy(POLICY);
    let (whole, _) = run(&p, SAMPLE).unwrap();
    for (seed, max) in [
        (1, 1),
        (2, 2),
        (3, 7),
        (4, 64),
        (5, 4096),
        (6, 70_000),
        (7, 3),
    ] {
        let (out, report) = run_chunks(
            &p,
            Some(&test_key()),
            &[],
            SAMPLE,
            &random_sizes(seed, 10_000, max),
        )
        .unwrap();
        assert_eq!(out, whole, "chunks up to {max} bytes");
        assert_eq!(report.rows.rows_out, 200);
    }
}

#[test]
fn every_two_way_split_of_a_tricky_file() {
    let input = "患者ID,氏名,所見,受診日\r\n\
                 0001,髙橋 﨑子,\"咳, 痰\r\n「発熱」\"\"38℃\"\"\",令和6年4月1日\r\n\
                 0002,渡邊 一郎,特記なし,R6.4.2\r\n\
                 0003,山田 花子,\"末尾\",2024/04/03";
    let input = encoding_rs::SHIFT_JIS.encode(input).0.into_owned();
    let p = policy(
        r#"{"version":1,"patient_id":"患者ID","columns":{"患者ID":{"action":"pseudonymize"},
            "所見":{"action":"keep"},"受診日":{"action":"date_shift","max_days":10}}}"#,
    );
    let (whole, report) = run(&p, &input).unwrap();
    assert_eq!(report.rows.rows_out, 3);
    for i in 0..=input.len() {
        let (out, _) =
            run_chunks(&p, Some(&test_key()), &[], &input, &[i.max(1), input.len()]).unwrap();
        assert_eq!(out, whole, "split at {i}");
    }
}

#[test]
fn no_identifier_of_the_input_survives() {
    // Decode the sample and collect every identifying value, in the spellings written.
    let (decoded, _, _) = encoding_rs::SHIFT_JIS.decode(SAMPLE);
    let mut lines = records(&decoded, b',');
    let header = lines.remove(0);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (out, _) = run(&policy(POLICY), SAMPLE).unwrap();
    let (out, _, _) = encoding_rs::SHIFT_JIS.decode(&out);
    let compact: String = out.chars().filter(|c| !c.is_whitespace()).collect();
    let fields: std::collections::HashSet<String> =
        records(&out, b',').into_iter().flatten().collect();
    for row in &lines {
        let identifiers = ["氏名", "カナ氏名", "電話番号", "メールアドレス", "個人番号"];
        for name in identifiers
            .iter()
            .chain(&["被保険者記号", "被保険者番号", "枝番"])
        {
            let value = &row[col(name)];
            assert!(!fields.contains(value), "{name} survived as a field");
        }
        for name in identifiers {
            // Long values must not appear anywhere, in any spacing (short numbers can occur by
            // chance inside other values, so they are checked field by field above).
            let squeezed: String = row[col(name)]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(!compact.contains(&squeezed), "{name} survived");
        }
        // The street part of the address and the exact birth date are gone.
        let address = &row[col("住所")];
        assert!(!out.contains(address.as_str()), "full address survived");
        assert!(
            !out.contains(&row[col("患者ID")]),
            "raw patient ID survived"
        );
        assert!(
            !fields.contains(&row[col("生年月日")]),
            "birth date as written survived"
        );
    }
    // Birth dates come out as year-month only.
    let out_header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let birth = out_header.iter().position(|h| *h == "生年月日").unwrap();
    let mut births = 0;
    for row in records(&out, b',') {
        let value = &row[birth];
        if value != "生年月日" {
            assert!(value.len() == 7 && value.as_bytes()[4] == b'-', "{value}");
            births += 1;
        }
    }
    assert_eq!(births, lines.len());
}

#[test]
fn same_key_same_pseudonyms_across_files_other_key_differs() {
    let p =
        policy(r#"{"version":1,"columns":{"ID":{"action":"pseudonymize"},"x":{"action":"keep"}}}"#);
    let a = run(&p, b"ID,x\n00123,a\n00456,b\n").unwrap().0;
    let b = run(&p, "x,ID\r\nz,００１２３\r\n".as_bytes()).unwrap().0;
    let pseudonym = |out: &[u8], line: usize, field: usize| -> String {
        text(out)
            .lines()
            .nth(line)
            .unwrap()
            .split(',')
            .nth(field)
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        pseudonym(&a, 1, 0),
        pseudonym(&b, 1, 1),
        "same patient, two files"
    );
    assert_ne!(pseudonym(&a, 1, 0), pseudonym(&a, 2, 0));
    let other = SiteKey::from_bytes([0x77; 32]);
    let c = run_chunks(&p, Some(&other), &[], b"ID,x\n00123,a\n", &[100])
        .unwrap()
        .0;
    assert_ne!(pseudonym(&a, 1, 0), pseudonym(&c, 1, 0));
}

#[test]
fn accounting_adds_up_with_rejected_and_opted_out_rows() {
    let p = policy(
        r#"{"version":1,"patient_id":"ID","columns":{"ID":{"action":"pseudonymize"},
            "birth":{"action":"generalize_date","to":"year"},"note":{"action":"keep"}}}"#,
    );
    let mut input = b"ID,birth,note\n".to_vec();
    input.extend_from_slice(b"1,1958/03/14,ok\n"); // written
    input.extend_from_slice(b"2,unknown,x\n"); // rejected: birth
    input.extend_from_slice(b"3,1960/01/01\n"); // rejected: ragged
    input.extend_from_slice(b"0004,1961/01/01,opted out\n"); // opted out (as 4)
    input.extend_from_slice(b"5,1962/01/01,\xff\xfe\n"); // rejected: bad byte in note
    input.extend_from_slice(b"6,1963/01/01,\"multi\nline\"\n"); // written
    let (out, r) = run_chunks(&p, Some(&test_key()), &["4"], &input, &[5]).unwrap();
    assert_eq!(
        (
            r.rows.rows_in,
            r.rows.rows_out,
            r.rows.rejected,
            r.rows.opted_out
        ),
        (6, 2, 3, 1)
    );
    assert!(r.rows.balanced());
    assert_eq!(text(&out).matches("19").count(), 2);
    let reasons: Vec<(u64, u64, Option<&str>, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.row, x.line, x.column.as_deref(), x.reason.as_str()))
        .collect();
    assert_eq!(reasons[0].0, 2);
    assert_eq!(reasons[0].1, 3);
    assert_eq!(reasons[0].2, Some("birth"));
    assert_eq!(
        reasons[1],
        (3, 4, None, "the row has 2 fields; the header has 3")
    );
    assert_eq!(reasons[2].2, Some("note"));
    assert!(reasons[2].3.contains("not valid utf-8") || reasons[2].3.contains("not valid"));
    // Reasons never echo values.
    let json = serde_json::to_string(&r).unwrap();
    for value in ["unknown", "1960/01/01", "opted out", "0004"] {
        assert!(!json.contains(value), "{value} in the report");
    }
}

#[test]
fn on_invalid_blank_writes_an_empty_cell_and_counts_it() {
    let p = policy(
        r#"{"version":1,"on_invalid":"blank","columns":{"birth":{"action":"generalize_date","to":"year"}}}"#,
    );
    let (out, r) = run(&p, b"birth\nnonsense\n1958/3/14\n").unwrap();
    assert_eq!(text(&out), "birth\n\n1958\n");
    assert_eq!(r.columns[0].blanked, 1);
    assert_eq!(r.rows.rows_out, 2);
}

#[test]
fn unnamed_columns_are_dropped_and_reported() {
    let p = policy(r#"{"version":1,"columns":{"b":{"action":"keep"}}}"#);
    let (out, r) = run(&p, b"a,b,c\n1,2,3\n").unwrap();
    assert_eq!(text(&out), "b\n2\n");
    assert_eq!(r.columns[0].action, "drop");
    assert!(r.columns[0]
        .note
        .as_deref()
        .unwrap()
        .contains("fail closed"));
    assert!(r.warnings.iter().any(|w| w.contains("\"a\"")));
}

#[test]
fn warns_when_a_kept_column_looks_like_phone_numbers() {
    let p = policy(r#"{"version":1,"columns":{"tel":{"action":"keep"}}}"#);
    let (_, r) = run(&p, b"tel\n090-1234-5678\n03-1234-5678\n").unwrap();
    assert!(
        r.warnings.iter().any(|w| w.contains("phone numbers")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn encodings_round_trip_and_convert() {
    let keep = policy(r#"{"version":1,"columns":{"名":{"action":"keep"},"n":{"action":"keep"}}}"#);
    // Shift_JIS with NEC/IBM extension characters: kept bytes are copied exactly, including the
    // NEC-selected IBM code ED40 (which re-encoding would move to FA5C).
    let mut sjis = encoding_rs::SHIFT_JIS
        .encode("名,n\r\n髙橋﨑①㈱,1\r\n")
        .0
        .into_owned();
    sjis.extend_from_slice(b"\xed\x40,2\r\n");
    let (out, r) = run(&keep, &sjis).unwrap();
    assert_eq!(out, sjis);
    assert_eq!(r.input.encoding, "shift_jis");
    // EUC-JP in, EUC-JP out.
    let euc = encoding_rs::EUC_JP
        .encode("名,n\n高橋花子,1\nタカハシ,2\n")
        .0
        .into_owned();
    let (out, r) = run(&keep, &euc).unwrap();
    assert_eq!((out, r.input.encoding.as_str()), (euc, "euc-jp"));
    // UTF-8 with BOM keeps its BOM.
    let bom = [&[0xEF, 0xBB, 0xBF][..], "名,n\n髙橋,1\n".as_bytes()].concat();
    let (out, r) = run(&keep, &bom).unwrap();
    assert_eq!(out, bom);
    assert!(r.input.bom && r.output.bom);
    // UTF-8 output on request, LF endings on request.
    let to_utf8 = policy(
        r#"{"version":1,"output":{"encoding":"utf-8","line_ending":"lf"},"columns":{"名":{"action":"keep"}}}"#,
    );
    let (out, _) = run(&to_utf8, &sjis).unwrap();
    assert_eq!(text(&out), "名\n髙橋﨑①㈱\n纊\n");
}

#[test]
fn unmappable_character_rejects_its_row() {
    let p = policy(
        r#"{"version":1,"output":{"encoding":"shift_jis"},"columns":{"名":{"action":"keep"}}}"#,
    );
    let (out, r) = run(&p, "名\n𠮷田\n吉田\n".as_bytes()).unwrap();
    assert_eq!(
        out,
        encoding_rs::SHIFT_JIS
            .encode("名\r\n吉田\r\n")
            .0
            .replace(b"\r\n", b"\n")
    );
    assert_eq!(r.rows.rejected, 1);
    assert_eq!(r.rejected[0].column.as_deref(), Some("名"));
    assert!(r.rejected[0]
        .reason
        .contains("cannot be written in shift_jis"));
}

trait Replace {
    fn replace(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
}
impl Replace for std::borrow::Cow<'_, [u8]> {
    fn replace(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.len() {
            if self[i..].starts_with(from) {
                out.extend_from_slice(to);
                i += from.len();
            } else {
                out.push(self[i]);
                i += 1;
            }
        }
        out
    }
}

#[test]
fn bad_inputs_give_clear_errors_never_panics() {
    let p = policy(r#"{"version":1,"columns":{"a":{"action":"keep"}}}"#);
    let err = |input: &[u8]| run(&p, input).unwrap_err();
    assert!(err(b"").to_string().contains("empty"));
    let e = err(b"a\n1\n\"open\nnever closed");
    assert_eq!(e.code(), "input");
    assert!(e.to_string().contains("not closed"), "{e}");
    assert_eq!(e.position().line, Some(3));
    assert!(err(b"PK\x03\x04\x00\x00\x00garbage")
        .to_string()
        .contains("binary"));
    // Header only: a valid, empty result with a warning.
    let (out, r) = run(&p, b"a\n").unwrap();
    assert_eq!(text(&out), "a\n");
    assert_eq!(r.rows.rows_in, 0);
    assert!(r.warnings.iter().any(|w| w.contains("no data rows")));
    // Random garbage without NULs: rows rejected or an error, never a panic.
    for seed in 1..200u64 {
        let junk: Vec<u8> = random_sizes(seed, 300, 255)
            .iter()
            .map(|&b| b as u8)
            .collect();
        if let Ok((_, r)) = run(&p, &junk) {
            assert!(r.rows.balanced());
        }
    }
}

#[test]
fn a_20_mb_field_passes_through_whole() {
    let p = policy(r#"{"version":1,"columns":{"id":{"action":"keep"},"note":{"action":"keep"}}}"#);
    let note = "経過良好。".repeat(20 * 1024 * 1024 / 15);
    let input = format!("id,note\n1,\"{note}\"\n2,short\n");
    let (out, r) = run_chunks(&p, None, &[], input.as_bytes(), &[1 << 16]).unwrap();
    assert_eq!(r.rows.rows_out, 2);
    assert_eq!(out.len(), input.len() - 2, "the quotes were not needed");
}

#[test]
fn session_refuses_use_after_finish_and_needs_a_key() {
    let p = policy(r#"{"version":1,"columns":{"a":{"action":"pseudonymize"}}}"#);
    let e = Session::new(&p, None, SessionOptions::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("no key, no pseudonyms"));
    let mut s = Session::new(&p, Some(&test_key()), SessionOptions::default()).unwrap();
    s.push(b"a\n1\n").unwrap();
    s.finish().unwrap();
    assert_eq!(s.push(b"2\n").unwrap_err().kind(), &ErrorKind::Finished);
    assert_eq!(s.finish().err().unwrap().kind(), &ErrorKind::Finished);
}

#[test]
fn delimiters_semicolon_and_tab() {
    for (delimiter, input) in [(";", "a;b\n1;x,y\n"), ("\\t", "a\tb\n1\tx;y\n")] {
        let p = policy(&format!(
            r#"{{"version":1,"input":{{"delimiter":"{delimiter}"}},"columns":{{"b":{{"action":"keep"}}}}}}"#
        ));
        let (out, r) = run(&p, input.as_bytes()).unwrap();
        assert_eq!(r.rows.rows_out, 1);
        assert!(text(&out).ends_with("\n"), "{delimiter}");
        assert_eq!(text(&out).lines().nth(1).unwrap().len(), 3);
    }
}

#[test]
fn tokenize_writes_tokens_and_a_sealed_table() {
    let p = policy(r#"{"version":1,"columns":{"id":{"action":"tokenize"},"v":{"action":"keep"}}}"#);
    let mut s = Session::new(&p, Some(&test_key()), SessionOptions::default()).unwrap();
    let mut out = s.push(b"id,v\nA1,1\nA2,2\nA1,3\n").unwrap();
    let done = s.finish().unwrap();
    out.extend(done.tail);
    let lines: Vec<String> = text(&out).lines().map(str::to_owned).collect();
    let token = |i: usize| lines[i].split(',').next().unwrap().to_owned();
    assert_eq!(token(1), token(3));
    assert_ne!(token(1), token(2));
    assert!(!text(&out).contains("A1"));
    assert_eq!(done.report.tokens, 2);
    let table = deid_kit::action::tokenize::open(&done.tokens.unwrap(), &test_key()).unwrap();
    assert!(text(&table).contains(&format!("{},A1", token(1))));
}
