//! The fuzz harness: how each target reads its input and the invariants it checks.
//!
//! The libFuzzer binaries in `fuzz/fuzz_targets/` call these functions; `tests/fuzz_regressions.rs`
//! includes this file with `#[path]` so that every crash the fuzzer found is replayed natively by
//! `cargo test`, through the same checks. Only `deid_kit`, `serde_json` (a dependency of deid-kit
//! too) and `std` are used here for that reason, plus the tests' own std-only chunker
//! (`tests/support/chunks.rs`).
//!
//! Every check is an `assert!`/`panic!`: a failed invariant is a crash for libFuzzer.

use deid_kit::format::encoding::Encoding;
use deid_kit::ja::wareki::{self, Style};
use deid_kit::{Error, Policy, Report, Session, SessionOptions, SiteKey};

// The tests' chunker (std only), so the fuzzer and the tests cut input the same way.
#[path = "../../tests/support/chunks.rs"]
mod chunks;
use chunks::chunks;

/// The fixed key every target uses.
pub fn key() -> SiteKey {
    SiteKey::from_bytes([7; 32])
}

/// Length of the control prefix of a `csv_pipeline` input.
pub const CONTROL_LEN: usize = 4;

/// Column names of `www/samples/sample-sjis.csv` (the policies name these and the ASCII aliases
/// in [`ASCII`], so that both a real-looking export and a short hand-written CSV hit actions).
pub const JAPANESE: [&str; 20] = [
    "患者ID",
    "氏名",
    "カナ氏名",
    "生年月日",
    "性別",
    "郵便番号",
    "住所",
    "電話番号",
    "メールアドレス",
    "個人番号",
    "保険者番号",
    "被保険者記号",
    "被保険者番号",
    "枝番",
    "受診日",
    "診療科",
    "病名",
    "ICD10",
    "検査値",
    "医師所見",
];

/// Short ASCII column names, same order of meaning as [`JAPANESE`] (`id` is the patient ID).
pub const ASCII: [&str; 20] = [
    "id", "name", "kana", "dob", "sex", "zip", "addr", "tel", "mail", "mynumber", "insurer",
    "symbol", "number", "branch", "visit", "dept", "dx", "icd10", "lab", "note",
];

/// The fixed policies `csv_pipeline` chooses from, as `(name, actions by column meaning)`.
/// Together they use every action: keep, drop, replace, mask, pseudonymize, tokenize,
/// generalize_date, age, top_code, date_shift, generalize_postal, generalize_address, scrub_text.
pub const POLICIES: [(&str, [&str; 20]); 4] = [
    (
        "kamei",
        [
            r#"{"action":"pseudonymize","length":16}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"generalize_date","to":"year_month"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"generalize_postal","digits":3}"#,
            r#"{"action":"generalize_address","to":"municipality"}"#,
            r#"{"action":"mask","keep_start":0,"keep_end":4}"#,
            r#"{"action":"replace","value":"（削除）"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"date_shift","max_days":30}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"top_code","at":10}"#,
            r#"{"action":"scrub_text"}"#,
        ],
    ),
    (
        "tokumei",
        [
            r#"{"action":"pseudonymize","length":8}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"age","band":5,"top_code":90}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"generalize_postal","digits":0}"#,
            r#"{"action":"generalize_address","to":"prefecture"}"#,
            r#"{"action":"mask","keep_start":2,"keep_end":2,"with":"＊"}"#,
            r#"{"action":"replace","value":""}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"top_code","at":0}"#,
            r#"{"action":"mask"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"generalize_date","to":"year"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"generalize_postal","digits":7}"#,
            r#"{"action":"top_code","at":90}"#,
            r#"{"action":"drop"}"#,
        ],
    ),
    (
        "tokenize",
        [
            r#"{"action":"tokenize","length":12}"#,
            r#"{"action":"pseudonymize","name":true}"#,
            r#"{"action":"pseudonymize","name":true,"length":51}"#,
            r#"{"action":"age"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"generalize_address","to":"ward"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"drop"}"#,
            r#"{"action":"tokenize","length":32}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"date_shift","max_days":365}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
            r#"{"action":"keep"}"#,
        ],
    ),
    ("keep", [r#"{"action":"keep"}"#; 20]),
];

/// The `csv_pipeline` input, decoded.
#[derive(Debug, Clone)]
pub struct CsvCase {
    /// The policy.
    pub policy: Policy,
    /// The opt-out list.
    pub opt_out: Vec<String>,
    /// Chunk sizes, cycled.
    pub sizes: [usize; 2],
    /// Whether the policy tokenizes (tokens are random: outputs differ run to run).
    pub tokenizes: bool,
}

fn chunk_size(b: u8) -> usize {
    match b {
        0..=199 => usize::from(b) + 1,
        _ => usize::from(b - 199) * 512,
    }
}

/// Decodes the control prefix:
/// - byte 0, 1: chunk sizes (1..=200, then multiples of 512);
/// - byte 2: bits 0-1 input encoding (auto, utf-8, shift_jis, euc-jp), bits 2-3 output encoding
///   (same, utf-8, shift_jis, euc-jp), bits 4-5 line ending (same, crlf, lf, same), bit 6 an
///   opt-out list, bit 7 the patient ID column is `id` instead of `患者ID`;
/// - byte 3: bits 0-1 the policy ([`POLICIES`]), bits 2-3 delimiter (`,` `;` tab `,`), bit 4
///   `on_invalid: blank` instead of the policy's own.
pub fn csv_case(control: [u8; CONTROL_LEN]) -> CsvCase {
    let [a, b, c, d] = control;
    let (name, actions) = POLICIES[usize::from(d & 3)];
    let mut columns = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        columns.push(format!("{:?}:{action}", JAPANESE[i]));
        columns.push(format!("{:?}:{action}", ASCII[i]));
    }
    let encoding = ["auto", "utf-8", "shift_jis", "euc-jp"][usize::from(c & 3)];
    let output = ["same", "utf-8", "shift_jis", "euc-jp"][usize::from((c >> 2) & 3)];
    let line_ending = ["same", "crlf", "lf", "same"][usize::from((c >> 4) & 3)];
    let patient_id = if c & 0x80 != 0 { "id" } else { "患者ID" };
    let delimiter = [",", ";", "\t", ","][usize::from((d >> 2) & 3)];
    let on_invalid = if d & 0x10 != 0 || name == "tokumei" {
        "blank"
    } else {
        "reject"
    };
    let json = format!(
        r#"{{"version":1,"preset":{name:?},
            "input":{{"format":"csv","encoding":{encoding:?},"delimiter":{delimiter:?}}},
            "output":{{"encoding":{output:?},"line_ending":{line_ending:?}}},
            "patient_id":{patient_id:?},"reference_date":"令和6年4月1日",
            "on_invalid":{on_invalid:?},"columns":{{{}}}}}"#,
        columns.join(",")
    );
    let policy = match Policy::from_json(&json) {
        Ok(p) => p,
        Err(e) => panic!("fixed policy {name} does not parse: {e}\n{json}"),
    };
    let opt_out = if c & 0x40 != 0 {
        vec!["42604685".into(), "00001".into(), "P-3".into()]
    } else {
        Vec::new()
    };
    CsvCase {
        tokenizes: name == "tokenize",
        policy,
        opt_out,
        sizes: [chunk_size(a), chunk_size(b)],
    }
}

/// Runs `input` through a session, pushing it in `sizes` (cycled); checks what must hold for
/// every run on its own.
pub fn run_session(
    case: &CsvCase,
    input: &[u8],
    sizes: &[usize],
) -> Result<(Vec<u8>, Report), Error> {
    let key = key();
    let options = SessionOptions {
        opt_out: case.opt_out.clone(),
        ..SessionOptions::default()
    };
    let mut session = Session::new(&case.policy, Some(&key), options)?;
    let mut out = Vec::new();
    for chunk in chunks(input, sizes) {
        session.push_into(chunk, &mut out)?;
    }
    let done = session.finish()?;
    out.extend_from_slice(&done.tail);
    let report = done.report;
    assert!(
        report.rows.balanced(),
        "rows in != out + rejected + opted out: {:?}",
        report.rows
    );
    assert_eq!(report.input.bytes, input.len() as u64, "report input bytes");
    assert_eq!(report.output.bytes, out.len() as u64, "report output bytes");
    assert_eq!(
        done.tokens.is_some(),
        report.tokens > 0,
        "a correspondence table exactly when something was tokenized"
    );
    assert!(
        session.push(b"x").is_err() && session.finish().is_err(),
        "a finished session must refuse more input"
    );
    Ok((out, report))
}

/// The report as JSON, to compare two (`Report` need not implement `PartialEq`).
pub fn report_json(report: &Report) -> String {
    match serde_json::to_string(report) {
        Ok(json) => json,
        Err(e) => panic!("the report does not serialize: {e}"),
    }
}

/// `csv_pipeline`: control prefix, then the CSV bytes. The same input pushed whole and in small
/// chunks must give the same result: the same bytes and report, or the same error.
pub fn csv_pipeline(data: &[u8]) {
    let Some((control, body)) = data.split_first_chunk::<CONTROL_LEN>() else {
        return;
    };
    let case = csv_case(*control);
    let whole = run_session(&case, body, &[usize::MAX]);
    let chunked = run_session(&case, body, &case.sizes);
    match (whole, chunked) {
        (Ok((out1, mut report1)), Ok((out2, mut report2))) => {
            if case.tokenizes {
                // Random tokens: only the shape can be compared.
                assert_eq!(out1.len(), out2.len(), "output length differs by chunking");
                report1.output.sha256.clear();
                report2.output.sha256.clear();
            } else {
                assert!(
                    out1 == out2,
                    "output differs by chunking {:?}:\n{}\n---\n{}",
                    case.sizes,
                    String::from_utf8_lossy(&out1),
                    String::from_utf8_lossy(&out2)
                );
            }
            assert_eq!(
                report_json(&report1),
                report_json(&report2),
                "report differs by chunking {:?}",
                case.sizes
            );
        }
        (Err(e1), Err(e2)) => {
            assert_eq!(e1.to_string(), e2.to_string(), "error differs by chunking")
        }
        (Ok(_), Err(e)) => panic!("whole input succeeds, chunked {:?} fails: {e}", case.sizes),
        (Err(e), Ok(_)) => panic!("whole input fails ({e}), chunked {:?} succeeds", case.sizes),
    }
}

/// Cell values that exercise each action, for the small run `policy` does.
const SAMPLE_VALUES: [&str; 8] = [
    "00123",
    "昭和33年3月14日",
    "100-0001",
    "東京都千代田区千代田1-1",
    "95",
    "山田 太郎",
    "",
    "2024/04/01",
];

fn csv_line(fields: &[String], delimiter: u8, out: &mut String) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(char::from(delimiter));
        }
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

/// `policy`: any text (non-UTF-8 read lossily) as a policy. If it parses: settings, compile
/// against its own column names plus two more, with and without the key; the JSON round trip
/// gives an equal policy; and a two-row CSV with those headers runs without panicking.
pub fn policy(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(policy) = Policy::from_json(&text) else {
        return;
    };
    let settings = policy.settings();
    let _ = policy.needs_key();
    let _ = policy.sha256();
    let mut headers: Vec<String> = policy.columns.keys().cloned().collect();
    if let Some(id) = &policy.patient_id {
        if !headers.contains(id) {
            headers.push(id.clone());
        }
    }
    for extra in ["extra", "その他"] {
        if !headers.iter().any(|h| h == extra) {
            headers.push(extra.to_string());
        }
    }
    let key = key();
    let compiled = policy.compile(&headers, Some(&key)).is_ok();
    let _ = policy.compile(&headers, None);

    let json = policy.to_json();
    match Policy::from_json(&json) {
        Ok(back) => assert!(back == policy, "round trip changed the policy:\n{json}"),
        Err(e) => panic!("to_json output does not parse: {e}\n{json}"),
    }

    let Ok(settings) = settings else { return };
    if !compiled {
        return;
    }
    let mut csv = String::new();
    csv_line(&headers, settings.delimiter, &mut csv);
    let row: Vec<String> = (0..headers.len())
        .map(|i| SAMPLE_VALUES[i % SAMPLE_VALUES.len()].to_string())
        .collect();
    csv_line(&row, settings.delimiter, &mut csv);
    let mut bytes = Vec::new();
    if settings
        .encoding
        .unwrap_or(Encoding::Utf8)
        .encode_into(&csv, &mut bytes)
        .is_err()
    {
        return;
    }
    let Ok(mut session) = Session::new(&policy, Some(&key), SessionOptions::default()) else {
        return;
    };
    let mut out = Vec::new();
    if session.push_into(&bytes, &mut out).is_err() {
        return;
    }
    if let Ok(done) = session.finish() {
        assert!(done.report.rows.balanced(), "rows: {:?}", done.report.rows);
    }
}

/// `wareki`: any text as a date. A date that parses, formatted as 和暦 in each style, parses back
/// to the same date.
pub fn wareki(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(date) = wareki::parse(&text) else {
        return;
    };
    let _ = date.iso();
    let _ = date.add_days(30);
    // Known finding (tests/fuzz_regressions.rs, `wareki_era_year_above_999_round_trips`): parse
    // reads era years of 1 to 3 digits, but a western date from 3018 on (令和1000年) formats with
    // four. Skipped here so the fuzzer can look past it; remove once src is fixed.
    let known_era_year_limit = date.era().is_some_and(|(_, year)| year > 999);
    for style in [Style::Kanji, Style::Letter, Style::Code] {
        if known_era_year_limit && style != Style::Code {
            continue;
        }
        if let Some(formatted) = wareki::format(date, style) {
            assert_eq!(
                wareki::parse(&formatted),
                Ok(date),
                "{style:?} {formatted:?} does not parse back (input {text:?})"
            );
        }
    }
}

/// `scrub`: the input's first line is the row's identity (fields separated by `|`, each added
/// with a kind chosen by its position), the rest is the note. Spans must be ordered,
/// non-overlapping and on char boundaries; scrubbing twice must give the same text; text outside
/// the spans must be copied unchanged.
pub fn scrub(data: &[u8]) {
    use deid_kit::detect::ColumnKind;
    use deid_kit::scrub::{Counts, Identity, Options, Scrubber};
    const KINDS: [ColumnKind; 8] = [
        ColumnKind::Name,
        ColumnKind::NameKana,
        ColumnKind::PatientId,
        ColumnKind::BirthDate,
        ColumnKind::Phone,
        ColumnKind::Address,
        ColumnKind::PostalCode,
        ColumnKind::Unknown,
    ];
    let text = String::from_utf8_lossy(data);
    let (first, note) = text.split_once('\n').unwrap_or(("", &text));
    let mut identity = Identity::new();
    for (i, value) in first.split('|').enumerate() {
        identity.add(KINDS[i % KINDS.len()], value);
    }
    identity.set_patient(first);
    let scrubber = Scrubber::new(Options::default());
    let spans = scrubber.find(note, &identity);
    let mut at = 0;
    for span in &spans {
        assert!(span.start >= at && span.start < span.end && span.end <= note.len());
        assert!(note.is_char_boundary(span.start) && note.is_char_boundary(span.end));
        at = span.end;
    }
    let mut out = String::new();
    let mut counts = Counts::default();
    scrubber.scrub_into(note, &identity, &mut out, &mut counts);
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(total, spans.len() as u64);
    let mut again = String::new();
    scrubber.scrub_into(note, &identity, &mut again, &mut Counts::default());
    assert_eq!(out, again, "not deterministic");
    let mut expected = String::new();
    let mut at = 0;
    for span in &spans {
        expected.push_str(&note[at..span.start]);
        expected.push_str(span.tag.label());
        at = span.end;
    }
    expected.push_str(&note[at..]);
    assert_eq!(out, expected);
}
