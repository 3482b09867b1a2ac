//! Tests of the scrubber as a whole: record-aware variants, the hard cases, surrogates,
//! and a property-style test over random strings.

use super::*;
use crate::detect::ColumnKind;

fn scrub(text: &str, identity: &Identity) -> String {
    Scrubber::new(Options::default()).scrub(text, identity).0
}

fn patient() -> Identity {
    let mut id = Identity::new();
    id.add(ColumnKind::PatientId, "00012345");
    id.add(ColumnKind::Name, "髙橋 誠");
    id.add(ColumnKind::NameKana, "タカハシ マコト");
    id.add(ColumnKind::BirthDate, "1958-03-14");
    id.add(ColumnKind::Phone, "03-1234-5678");
    id.add(ColumnKind::PostalCode, "154-0015");
    id.add(
        ColumnKind::Address,
        "東京都世田谷区桜新町2-20-1 サンハイツ101",
    );
    id
}

#[test]
fn record_names_in_every_spelling() {
    let id = patient();
    for (note, expected) in [
        ("高橋誠さんは安定", "＜氏名＞さんは安定"),
        ("髙橋 誠 様", "＜氏名＞ 様"),
        ("高橋　誠氏", "＜氏名＞氏"),
        ("高橋さんに説明", "＜氏名＞さんに説明"),
        ("たかはしさん", "＜氏名＞さん"),
        ("ﾀｶﾊｼ ﾏｺﾄ", "＜氏名＞"),
        ("タカハシマコト", "＜氏名＞"),
        ("誠さんと呼ぶ", "＜氏名＞さんと呼ぶ"),
        ("高橋\n誠", "＜氏名＞"),
    ] {
        assert_eq!(scrub(note, &id), expected, "{note:?}");
    }
    // A single-character given name alone is an ordinary word without an honorific.
    assert_eq!(scrub("誠実な対応", &id), "誠実な対応");
}

#[test]
fn record_numbers_and_dates() {
    let id = patient();
    for (note, expected) in [
        ("ID 12345 の患者", "ID ＜ID＞ の患者"),
        ("ID:00012345", "ID:＜ID＞"),
        ("カルテ 0012345", "カルテ ＜ID＞"),
        ("自宅 0312345678", "自宅 ＜電話番号＞"),
        ("自宅 03 1234 5678", "自宅 ＜電話番号＞"),
        ("昭和33年3月14日生", "＜日付＞"),
        ("S33.3.14生まれ", "＜日付＞"),
        ("生年月日19580314", "生年月日＜日付＞"),
        ("〒154-0015", "＜郵便番号＞"),
        ("1540015", "＜郵便番号＞"),
    ] {
        assert_eq!(scrub(note, &id), expected, "{note:?}");
    }
    // Another number with the same digits inside is not the ID.
    assert_eq!(scrub("値 123456", &Identity::new()), "値 ＜ID＞");
    assert_eq!(scrub("Hb 12.3", &id), "Hb 12.3");
}

#[test]
fn record_address_parts() {
    let id = patient();
    assert_eq!(scrub("桜新町2丁目20番1号に住む", &id), "＜住所＞に住む");
    assert_eq!(scrub("サンハイツ101に独居", &id), "＜住所＞に独居");
    assert_eq!(
        scrub("東京都世田谷区桜新町2-20-1 サンハイツ101", &id),
        "＜住所＞"
    );
}

#[test]
fn common_word_names_need_context() {
    let none = Identity::new();
    for (note, expected) in [
        ("森さんより電話", "＜氏名＞さんより電話"),
        ("主治医 林", "主治医 ＜氏名＞"),
        ("長男 誠が来院", "長男 ＜氏名＞が来院"),
        ("森林浴を勧めた", "森林浴を勧めた"),
        ("春になって症状改善", "春になって症状改善"),
        ("誠実な態度", "誠実な態度"),
        ("中山道を歩く", "中山道を歩く"),
    ] {
        assert_eq!(scrub(note, &none), expected, "{note:?}");
    }
}

#[test]
fn clinical_text_survives() {
    let none = Identity::new();
    for note in [
        "橋本病にてチラーヂン内服中。川崎病の既往あり。",
        "パーキンソン病、レボドパ開始。",
        "BP 142/88 mmHg, HR 72/分, SpO2 98%。",
        "HbA1c 7.2%、Cr 1.1 mg/dL、eGFR 52。",
        "アムロジピン5mg 1日1回、ロキソニン60mg 頓用。",
        "3日間発熱、2週間前より咳嗽、3か月ごとに受診。",
        "14:30 回診。",
        "当院外来にてフォロー、近医へ逆紹介予定。",
    ] {
        assert_eq!(scrub(note, &none), note, "{note:?}");
    }
}

#[test]
fn note_without_identifiers_is_unchanged() {
    let note = "咳嗽と発熱あり。胸部X線で右下肺野に浸潤影。抗菌薬を開始し、経過観察とした。\n\
                食欲は改善傾向。夜間の睡眠も良好。";
    let (out, counts) = Scrubber::new(Options::default()).scrub(note, &Identity::new());
    assert_eq!(out.as_bytes(), note.as_bytes());
    assert_eq!(counts, Counts::default());
}

#[test]
fn overlaps_are_resolved() {
    let mut id = Identity::new();
    id.add(ColumnKind::Name, "山田 太郎");
    let text = "山田太郎様 TEL 090-1234-5678 山田クリニック";
    let spans = Scrubber::new(Options::default()).find(text, &id);
    for pair in spans.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{spans:?}");
    }
    let (out, counts) = Scrubber::new(Options::default()).scrub(text, &id);
    assert_eq!(out, "＜氏名＞様 TEL ＜電話番号＞ ＜施設名＞");
    assert_eq!(counts.get(Tag::Name), 1);
    assert_eq!(counts.get(Tag::Facility), 1);
    assert_eq!(counts.iter().count(), 3);
}

#[test]
fn surrogates_are_consistent_within_a_patient() {
    let key = SiteKey::from_bytes([7; 32]);
    let scrubber = Scrubber::new(Options {
        surrogates: Some(Surrogates::new(&key)),
    });
    let mut a = Identity::new();
    a.add(ColumnKind::PatientId, "0001");
    a.add(ColumnKind::Name, "髙橋 誠");
    let mut b = Identity::new();
    b.add(ColumnKind::PatientId, "0002");
    b.add(ColumnKind::Name, "髙橋 誠");
    let (out_a, _) = scrubber.scrub("髙橋誠さん、高橋誠さん", &a);
    let (out_b, _) = scrubber.scrub("高橋誠さん", &b);
    let first: Vec<&str> = out_a.split('、').collect();
    assert_eq!(first[0], first[1], "{out_a}");
    assert!(first[0].starts_with("＜氏名:") && first[0].ends_with("＞さん"));
    assert_eq!(
        first[0].chars().count(),
        "＜氏名:XXXX＞さん".chars().count()
    );
    assert_ne!(
        first[0], out_b,
        "different patients give different surrogates"
    );
    let again = Scrubber::new(Options {
        surrogates: Some(Surrogates::new(&key)),
    })
    .scrub("高橋誠さん", &a)
    .0;
    assert_eq!(again, first[0]);
}

#[test]
fn long_note_is_scrubbed_whole() {
    let mut id = Identity::new();
    id.add(ColumnKind::Name, "山田 太郎");
    let block =
        "山田太郎さん82歳。TEL 090-1234-5678。BP 128/76、HbA1c 6.8%。令和6年3月14日受診。\n";
    let note: String = block.repeat(20_000 / block.len() + 1);
    assert!(note.len() > 20_000);
    let (out, counts) = Scrubber::new(Options::default()).scrub(&note, &id);
    let repeats = note.matches(block).count() as u64;
    assert_eq!(counts.get(Tag::Name), repeats);
    assert_eq!(counts.get(Tag::Phone), repeats);
    assert_eq!(counts.get(Tag::Date), repeats);
    assert_eq!(counts.get(Tag::Age), repeats);
    assert!(!out.contains("山田") && out.contains("BP 128/76"));
}

/// A small deterministic generator (no dependency): xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_text_never_panics_and_spans_are_well_formed() {
    let alphabet: Vec<char> = "0123456789０１２３-ー/.:@ 　\n〒年月日歳様さん田中森林太郎誠ﾀﾅｶﾞﾟたなかタナカ病院クリニック東京都世田谷区市町丁目番地号昭和令和元SHRhttps://www.a.jpNo.ID番号記号髙﨑邊"
        .chars()
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let scrubber = Scrubber::new(Options::default());
    let mut id = Identity::new();
    id.add(ColumnKind::Name, "田中 太郎");
    id.add(ColumnKind::NameKana, "ﾀﾅｶ ﾀﾛｳ");
    id.add(ColumnKind::PatientId, "0012");
    id.add(ColumnKind::Phone, "090-1234-5678");
    id.add(ColumnKind::Address, "東京都世田谷区桜新町2-20-1");
    for round in 0..3000 {
        let len = (rng.next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        let identity = if round % 2 == 0 {
            &id
        } else {
            &Identity::new()
        };
        let spans = scrubber.find(&text, identity);
        let mut last_end = 0;
        for s in &spans {
            assert!(
                s.start >= last_end && s.start < s.end && s.end <= text.len(),
                "{text:?} {spans:?}"
            );
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{text:?}"
            );
            last_end = s.end;
        }
        let (out, _) = scrubber.scrub(&text, identity);
        if spans.is_empty() {
            assert_eq!(out, text);
        }
    }
}

#[test]
fn a_reused_identity_equals_a_fresh_one_row_after_row() {
    type Row<'a> = &'a [(Option<ColumnKind>, &'static str)];
    let name = Some(ColumnKind::Name);
    let phone = Some(ColumnKind::Phone);
    let id = Some(ColumnKind::PatientId);
    let rows: [Row; 7] = [
        &[(id, "00012345"), (name, "髙橋 誠"), (phone, "03-1234-5678")],
        // The same row again (the same patient's next row).
        &[(id, "00012345"), (name, "髙橋 誠"), (phone, "03-1234-5678")],
        // A prefix of it.
        &[(id, "00012345"), (name, "髙橋 誠")],
        // Longer again, with a value changed in the middle.
        &[(id, "00012345"), (name, "森 春子"), (phone, "03-1234-5678")],
        // An extra value, and the patient set after the values.
        &[
            (name, "森 春子"),
            (phone, "090-8765-4321"),
            (None, "00099999"),
        ],
        &[],
        &[(id, "00012345"), (name, "髙橋 誠"), (phone, "03-1234-5678")],
    ];
    let note = "髙橋誠さん、森春子さん。TEL 03-1234-5678、090-8765-4321。ID 12345、99999。";
    let scrubber = Scrubber::new(Options::default());
    let fill = |identity: &mut Identity, row: Row| {
        for (kind, value) in row {
            match kind {
                Some(kind) => identity.add(*kind, value),
                None => identity.set_patient(value),
            }
        }
    };
    let mut reused = Identity::new();
    for row in rows {
        reused.clear();
        fill(&mut reused, row);
        let mut fresh = Identity::new();
        fill(&mut fresh, row);
        assert_eq!(reused.patient(), fresh.patient(), "{row:?}");
        assert_eq!(reused.is_empty(), fresh.is_empty(), "{row:?}");
        assert_eq!(
            scrubber.find(note, &reused),
            scrubber.find(note, &fresh),
            "{row:?}"
        );
    }
}
