//! `scrub_text` in the CSV pipeline: the row's own identifiers are found in its notes even when
//! their columns are dropped, the report counts replacements per tag, the presets scrub free text
//! instead of dropping it, and the output does not depend on chunking.

use deid_kit::ja::wareki::Date;
use deid_kit::preset::{self, Preset};
use deid_kit::{Policy, Session, SessionOptions, SiteKey};

#[path = "support/passes.rs"]
mod passes;

const NOTES: &str = "患者ID,氏名,カナ氏名,生年月日,電話番号,住所,医師所見\r\n\
00012345,髙橋 誠,タカハシ マコト,1958-03-14,090-1234-5678,東京都世田谷区桜丘2丁目3番4号,\"高橋さん（昭和33年3月14日生）来院。\r\n妻 花子様より連絡あり（09012345678）。主治医 林先生。\"\r\n\
00067890,森 春子,モリ ハルコ,昭和15年12月11日,03-8278-6444,長野県北佐久郡軽井沢町軽井沢5丁目27番7号,\"ﾓﾘ ﾊﾙｺ様、森林浴を好む。HbA1c 7.2%。橋本病の既往。\"\r\n\
00099999,中山 一郎,ナカヤマ イチロウ,1970/1/2,,,咳嗽なし。著変なし。\r\n";

fn key() -> SiteKey {
    SiteKey::from_bytes([7; 32])
}

fn run(policy: &Policy, input: &[u8], chunk: usize) -> (String, deid_kit::Report) {
    let (out, report) = passes::second_pass(
        policy,
        Some(&key()),
        SessionOptions::default(),
        input,
        &[chunk],
    );
    (String::from_utf8(out).unwrap(), report)
}

fn policy(columns: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"version": 1, "input": {{"encoding": "utf-8"}}, "patient_id": "患者ID", "columns": {columns}}}"#
    ))
    .unwrap()
}

#[test]
fn the_rows_own_identifiers_leave_its_notes_even_from_dropped_columns() {
    let p =
        policy(r#"{"患者ID": {"action": "pseudonymize"}, "医師所見": {"action": "scrub_text"}}"#);
    let (out, report) = run(&p, NOTES.as_bytes(), 1 << 20);
    for leaked in [
        "高橋",
        "髙橋",
        "昭和33年3月14日",
        "09012345678",
        "ﾓﾘ",
        "ﾊﾙｺ",
        "00012345",
        "林先生",
    ] {
        assert!(!out.contains(leaked), "{leaked} left in:\n{out}");
    }
    for kept in [
        "来院",
        "森林浴",
        "HbA1c 7.2%",
        "橋本病",
        "咳嗽なし。著変なし。",
    ] {
        assert!(out.contains(kept), "{kept} lost:\n{out}");
    }
    assert!(out.contains("＜氏名＞"), "{out}");
    let notes = report
        .columns
        .iter()
        .find(|c| c.name == "医師所見")
        .unwrap();
    assert_eq!(notes.action, "scrub_text");
    assert!(
        notes.scrubbed.get("name").copied().unwrap_or(0) >= 4,
        "{:?}",
        notes.scrubbed
    );
    assert!(notes.scrubbed.get("date").copied().unwrap_or(0) >= 1);
    assert!(notes.scrubbed.get("phone").copied().unwrap_or(0) >= 1);
    assert!(report.rows.balanced());
    // The report holds counts, never what was replaced.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("高橋") && !json.contains("花子"));
}

#[test]
fn output_does_not_depend_on_chunking() {
    let p =
        policy(r#"{"患者ID": {"action": "pseudonymize"}, "医師所見": {"action": "scrub_text"}}"#);
    let (whole, _) = run(&p, NOTES.as_bytes(), 1 << 20);
    for chunk in [1, 2, 3, 7, 64] {
        assert_eq!(run(&p, NOTES.as_bytes(), chunk).0, whole, "chunk {chunk}");
    }
}

#[test]
fn an_explicit_identity_list_is_checked_against_the_header() {
    let p = policy(
        r#"{"患者ID": {"action": "pseudonymize"}, "医師所見": {"action": "scrub_text", "identity": ["氏名", "保険証"]}}"#,
    );
    let mut session = Session::new(&p, Some(&key()), SessionOptions::default()).unwrap();
    // The header is read once the encoding is known: at the latest when the input ends.
    let err = match session.push(NOTES.as_bytes()) {
        Err(e) => e,
        Ok(_) => session.finish().err().unwrap(),
    }
    .to_string();
    assert!(
        err.contains("/columns/医師所見/identity") && err.contains("保険証"),
        "{err}"
    );
}

#[test]
fn an_identity_list_limits_what_counts_as_the_patients_own() {
    // Only the name: the birth date is still found by pattern, the name by record.
    let p = policy(r#"{"医師所見": {"action": "scrub_text", "identity": ["氏名"]}}"#);
    let (out, _) = run(&p, NOTES.as_bytes(), 1 << 20);
    assert!(!out.contains("高橋") && !out.contains("ﾓﾘ ﾊﾙｺ"), "{out}");
    assert!(!out.contains("昭和33年"), "{out}");
}

#[test]
fn surrogates_are_consistent_within_a_patient_and_need_the_key() {
    let p = policy(r#"{"医師所見": {"action": "scrub_text", "surrogates": true}}"#);
    let two = "患者ID,氏名,医師所見\r\n1,山田 太郎,山田さん来院。山田さんの妻 花子さん同伴。\r\n2,山田 次郎,山田さん来院。\r\n";
    let (out, _) = run(&p, two.as_bytes(), 1 << 20);
    let lines: Vec<&str> = out.lines().collect();
    let codes = |line: &str| -> Vec<String> {
        line.split("＜氏名:")
            .skip(1)
            .map(|rest| rest.chars().take(4).collect())
            .collect()
    };
    let first = codes(lines[1]);
    assert_eq!(first.len(), 3, "{out}");
    assert_eq!(first[0], first[1], "same name, same patient: {out}");
    assert_ne!(first[0], first[2], "another name: {out}");
    let second = codes(lines[2]);
    assert_ne!(first[0], second[0], "same name, other patient: {out}");
    let err = Session::new(&p, None, SessionOptions::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("key"), "{err}");
}

#[test]
fn both_presets_scrub_free_text_instead_of_dropping_it() {
    let today = Date::new(2024, 4, 1).unwrap();
    for preset in [Preset::Kamei, Preset::Tokumei] {
        let policy = preset::suggest(NOTES.as_bytes(), preset, today).unwrap();
        assert!(
            matches!(
                policy.columns.get("医師所見"),
                Some(deid_kit::action::Action::ScrubText { .. })
            ),
            "{:?}",
            policy.columns.get("医師所見")
        );
        assert!(policy.detected.get("医師所見").unwrap().review);
    }
    let policy = preset::suggest(NOTES.as_bytes(), Preset::Kamei, today).unwrap();
    let (out, report) = run(&policy, NOTES.as_bytes(), 100);
    assert!(
        out.contains("森林浴") && !out.contains("髙橋") && !out.contains("高橋"),
        "{out}"
    );
    assert!(report.rows.balanced());
}
