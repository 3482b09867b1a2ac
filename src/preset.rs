//! The Act's presets: 仮名加工 (kamei kakō, pseudonymization) and 匿名加工 (tokumei kakō,
//! anonymization). [`suggest`] reads the start of a file, classifies every column
//! ([`crate::detect`]) and writes a policy with one action per column and a one-line reason in
//! Japanese and English (../shared/spec/kakou-kijun.md has the table this follows).

use serde::{Deserialize, Serialize};

use crate::action::{Action, DateLevel, HierarchySpec};
use crate::detect::{classify, ColumnKind, Detection};
use crate::error::{Error, Result};
use crate::format::csv::{Reader, SyntaxError};
use crate::format::encoding;
use crate::ja::address::Level;
use crate::ja::wareki::Date;
use crate::policy::{Input, MetricName, Policy, PrivacyModel};

/// Which processing standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 仮名加工医療情報: identifiers removed, the patient ID kept as a keyed pseudonym,
    /// clinical content (including dates of care and rare diagnoses) kept.
    Kamei,
    /// 匿名加工医療情報: as kamei, plus no link kept, ages top-coded, places and dates coarsened.
    Tokumei,
}

impl Preset {
    /// `kamei` or `tokumei` (also 仮名 / 匿名).
    pub fn from_name(name: &str) -> Option<Preset> {
        match name.trim() {
            "kamei" | "仮名" | "仮名加工" => Some(Preset::Kamei),
            "tokumei" | "匿名" | "匿名加工" => Some(Preset::Tokumei),
            _ => None,
        }
    }

    /// The name written into policies.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Kamei => "kamei",
            Preset::Tokumei => "tokumei",
        }
    }
}

/// What detection found in a column and why the preset chose its action; kept in the policy
/// (`detected`) so the person reviewing it, and the report, can see the reasoning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detected {
    /// The detected kind.
    pub kind: ColumnKind,
    /// 0 to 1.
    pub confidence: f32,
    /// What the detection rests on.
    pub evidence: String,
    /// Why this action, in Japanese.
    pub reason_ja: String,
    /// Why this action, in English.
    pub reason_en: String,
    /// A person should look at this column before running (unknown kind, free text dropped, low
    /// confidence).
    pub review: bool,
}

/// Rows of the sample used for detection.
const SAMPLE_ROWS: usize = 500;

/// Suggests a policy for the file whose first bytes are `sample` (a few hundred kilobytes are
/// plenty). `today` becomes the policy's `reference_date` (ages under tokumei).
///
/// # Errors
/// When the sample is not text or has no header row.
///
/// # Example
/// ```
/// use deid_kit::preset::{suggest, Preset};
/// use deid_kit::ja::wareki::Date;
/// let sample = "患者ID,氏名,生年月日,病名\n00123,山田 太郎,昭和33年3月14日,高血圧\n".as_bytes();
/// let policy = suggest(sample, Preset::Kamei, Date::new(2024, 4, 1).unwrap())?;
/// assert_eq!(policy.columns["患者ID"].name(), "pseudonymize");
/// assert_eq!(policy.columns["氏名"].name(), "drop");
/// assert_eq!(policy.patient_id.as_deref(), Some("患者ID"));
/// # Ok::<(), deid_kit::Error>(())
/// ```
pub fn suggest(sample: &[u8], preset: Preset, today: Date) -> Result<Policy> {
    // FHIR (NDJSON or a Bundle): the JP Core policy; a sample cut inside its first line is a
    // one-line Bundle more often than an NDJSON line of over 256 KiB.
    if let Some(Some(format)) = crate::fhir::sniff(sample, true) {
        return Ok(crate::fhir::preset::policy(preset, format, today));
    }
    let detected = encoding::detect(sample, false).map_err(Error::input)?;
    let body = sample.get(detected.bom..).unwrap_or_default();
    let delimiter = sniff_delimiter(body);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut reader = Reader::new(delimiter);
    // The sample may end inside a record: only complete ones are used, unless there are none.
    sample_rows(&mut reader, body, false, detected.encoding, &mut rows)?;
    if rows.is_empty() {
        sample_rows(&mut reader, &[], true, detected.encoding, &mut rows)?;
    }
    let mut rows = rows.into_iter();
    let headers: Vec<String> = rows
        .next()
        .ok_or_else(|| Error::input("the sample has no header row"))?
        .into_iter()
        .map(|h| h.trim_matches([' ', '\u{3000}', '\t']).to_owned())
        .collect();
    let rows: Vec<Vec<String>> = rows.collect();
    let mut policy = Policy {
        version: 1,
        preset: Some(preset.name().into()),
        input: Input {
            delimiter: char::from(delimiter).to_string(),
            ..Input::default()
        },
        output: Default::default(),
        patient_id: None,
        reference_date: Some(today.iso()),
        on_invalid: Default::default(),
        opt_out: Default::default(),
        privacy: None,
        columns: Default::default(),
        paths: Default::default(),
        detected: Default::default(),
    };
    for (i, header) in headers.iter().enumerate() {
        let values: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(i))
            .map(String::as_str)
            .collect();
        let detection = classify(header, &values);
        if detection.kind == ColumnKind::PatientId && policy.patient_id.is_none() {
            policy.patient_id = Some(header.clone());
        }
        let (action, reason_ja, reason_en) = choose(preset, detection.kind);
        let review = matches!(detection.kind, ColumnKind::Unknown | ColumnKind::FreeText)
            || detection.confidence < 0.6;
        policy.columns.insert(header.clone(), action);
        policy.detected.insert(
            header.clone(),
            Detected {
                kind: detection.kind,
                confidence: (detection.confidence * 100.0).round() / 100.0,
                evidence: detection.evidence,
                reason_ja: reason_ja.into(),
                reason_en: reason_en.into(),
                review,
            },
        );
    }
    if policy
        .columns
        .values()
        .any(|a| matches!(a, Action::Generalize { .. }))
    {
        policy.privacy = Some(PrivacyModel {
            k: TOKUMEI_PRIVACY.0,
            l: None,
            max_suppression: TOKUMEI_PRIVACY.1,
            metric: MetricName::Loss,
        });
    }
    if policy.patient_id.is_none() {
        // Dates cannot be shifted per patient without one: coarsen them instead.
        for action in policy.columns.values_mut() {
            if let Action::DateShift { .. } = action {
                *action = Action::GeneralizeDate {
                    to: DateLevel::YearMonth,
                };
            }
        }
    }
    Ok(policy)
}

/// Decodes up to [`SAMPLE_ROWS`] records of `bytes` into `rows` (a cell that does not decode is
/// left empty).
fn sample_rows(
    reader: &mut Reader,
    bytes: &[u8],
    last: bool,
    encoding: encoding::Encoding,
    rows: &mut Vec<Vec<String>>,
) -> std::result::Result<(), SyntaxError> {
    reader.feed(bytes, last, &mut |r| {
        if rows.len() <= SAMPLE_ROWS {
            let decode = |f: &[u8]| {
                let mut s = String::new();
                let _ = encoding.decode_into(f, &mut s);
                s
            };
            rows.push(r.iter().map(decode).collect());
        }
        Ok(())
    })
}

/// The action a preset takes for a kind, with its reason in Japanese and English.
pub fn choose(preset: Preset, kind: ColumnKind) -> (Action, &'static str, &'static str) {
    use ColumnKind::*;
    let kamei = preset == Preset::Kamei;
    match kind {
        PatientId if kamei => (
            Action::Pseudonymize {
                length: 16,
                name: false,
            },
            "患者IDは施設の鍵による仮名に置き換え（同じ鍵なら他のファイルとも突合できる）",
            "patient ID replaced by a keyed pseudonym (linkable across files with the same key)",
        ),
        PatientId => (
            Action::Drop {},
            "匿名加工では元の記録と結びつく符号を残さないため削除",
            "anonymization keeps no code that links back to the record: dropped",
        ),
        Name | NameKana => (
            Action::Drop {},
            "氏名・読みは特定の個人を識別する記述のため削除",
            "names and their readings identify a person: dropped",
        ),
        BirthDate if kamei => (
            Action::GeneralizeDate {
                to: DateLevel::YearMonth,
            },
            "生年月日は年月までに一般化",
            "birth date generalized to year and month",
        ),
        BirthDate => (
            generalize("date", 3),
            "生年月日は準識別子：年以上に丸め、k-匿名性を満たす段階を探索",
            "birth date is a quasi-identifier: at least cut to the year, coarser if k-anonymity needs it",
        ),
        Age if kamei => (
            Action::keep(),
            "年齢は仮名加工ではそのまま",
            "age kept under pseudonymization",
        ),
        Age => (
            generalize("age", 1),
            "年齢は準識別子：5歳刻み以上（90歳以上は「90+」）で、k-匿名性を満たす段階を探索",
            "age is a quasi-identifier: 5-year bands or coarser (90+ top-coded), as k-anonymity needs",
        ),
        Sex if kamei => (
            Action::keep(),
            "性別はそのまま",
            "sex kept",
        ),
        Sex => (
            generalize("sex", 0),
            "性別は準識別子：k-匿名性のため必要なら伏せる",
            "sex is a quasi-identifier: hidden only if k-anonymity needs it",
        ),
        PostalCode if kamei => (
            Action::GeneralizePostal { digits: 3 },
            "郵便番号は上3桁のみ残す",
            "postal code cut to its first 3 digits",
        ),
        PostalCode => (
            Action::Drop {},
            "郵便番号は匿名加工では削除",
            "postal code dropped under anonymization",
        ),
        Address if kamei => (
            Action::GeneralizeAddress {
                to: Level::Municipality,
            },
            "住所は市区町村まで（番地以下を削除）",
            "address cut to the municipality (street and number removed)",
        ),
        Address => (
            generalize("address", 2),
            "住所は準識別子：都道府県以上（地方、全体）で、k-匿名性を満たす段階を探索",
            "address is a quasi-identifier: the prefecture or coarser (region, none), as k-anonymity needs",
        ),
        Phone | Email => (
            Action::Drop {},
            "電話番号・メールアドレスは個人に連絡・識別できるため削除",
            "phone numbers and e-mail reach and identify a person: dropped",
        ),
        MyNumber
        | InsuredSymbol
        | InsuredNumber
        | InsuredBranch
        | PublicRecipientNumber
        | OtherIdentifier => (
            Action::Drop {},
            "個人識別符号（マイナンバー、被保険者記号・番号等）は削除",
            "個人識別符号 (My Number, insurance card symbol/number …) deleted",
        ),
        Financial => (
            Action::Drop {},
            "財産的被害が生じうる記述（口座・カード番号）は削除",
            "values that could cause financial harm (accounts, cards) deleted",
        ),
        InsurerNumber | PublicPayerNumber if kamei => (
            Action::keep(),
            "保険者番号・公費負担者番号は制度・保険者を示すもので個人は示さないためそのまま",
            "insurer and public payer numbers identify the insurer, not the person: kept",
        ),
        InsurerNumber | PublicPayerNumber => (
            Action::Mask {
                keep_start: 2,
                keep_end: 0,
                with: '*',
            },
            "保険者番号は法別番号（先頭2桁）のみ残す",
            "insurer number cut to its 法別番号 (first 2 digits)",
        ),
        MedicalInstitution => (
            Action::keep(),
            "医療機関コードは施設を示すもので患者は示さないためそのまま",
            "medical institution code identifies the facility, not the patient: kept",
        ),
        CareDate if kamei => (
            Action::keep(),
            "診療日付は仮名加工ではそのまま（研究に必要な時系列）",
            "dates of care kept under pseudonymization (the time course research needs)",
        ),
        CareDate => (
            Action::GeneralizeDate {
                to: DateLevel::YearMonth,
            },
            "診療日付は年月に一般化",
            "dates of care generalized to year and month",
        ),
        Department | Diagnosis | DiagnosisCode | Clinical => (
            Action::keep(),
            "臨床情報はそのまま",
            "clinical content kept",
        ),
        FreeText => (
            Action::ScrubText {
                identity: Vec::new(),
                surrogates: false,
            },
            "自由記述は残し、本人の氏名・ID・生年月日・連絡先や他者の氏名、電話番号、住所、日付、年齢、施設名を＜氏名＞などのタグに置換（結果を確認）",
            "free text kept with every identifier (the patient's own, other people's names, phones, addresses, dates, ages, facilities) replaced by a tag such as ＜氏名＞ (review the result)",
        ),
        Unknown => (
            Action::Drop {},
            "内容を判定できない列は削除（要確認）",
            "a column that could not be recognized is dropped (review)",
        ),
    }
}

/// A quasi-identifier for the anonymization search, never below `min_level`.
fn generalize(hierarchy: &str, min_level: usize) -> Action {
    Action::Generalize {
        hierarchy: HierarchySpec::Named(hierarchy.into()),
        quasi_identifier: true,
        min_level,
    }
}

/// The privacy model of the tokumei preset: 5-anonymity, at most 5 % of rows suppressed,
/// generalization intensity as the loss (ARX's default).
pub const TOKUMEI_PRIVACY: (u32, f64) = (5, 0.05);

/// The delimiter of the header line: the most frequent of `,`, tab and `;`.
pub(crate) fn sniff_delimiter(sample: &[u8]) -> u8 {
    let line = sample.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',')
}

/// A detection's summary, for callers that only want the kinds.
pub fn detections(policy: &Policy) -> Vec<(String, Detection)> {
    policy
        .detected
        .iter()
        .map(|(name, d)| {
            (
                name.clone(),
                Detection {
                    kind: d.kind,
                    confidence: d.confidence,
                    evidence: d.evidence.clone(),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2024, 4, 1).unwrap()
    }

    const SAMPLE: &str = "患者ID,氏名,フリガナ,生年月日,性別,〒,住所,TEL,e-mail,マイナンバー,保険者番号,記号,番号,枝番,受診日,病名,ICD10,所見,謎\n\
        00123,山田 太郎,ヤマダ タロウ,昭和33年3月14日,男,160-0023,東京都新宿区西新宿2-8-1,03-1234-5678,t@example.jp,123456789018,33120015,1234,5678,01,2024/04/01,高血圧,I10,特記なし,x\n";

    #[test]
    fn kamei_follows_the_standard() {
        let p = suggest(SAMPLE.as_bytes(), Preset::Kamei, today()).unwrap();
        let action = |c: &str| p.columns[c].name();
        for (column, expected) in [
            ("患者ID", "pseudonymize"),
            ("氏名", "drop"),
            ("フリガナ", "drop"),
            ("生年月日", "generalize_date"),
            ("性別", "keep"),
            ("〒", "generalize_postal"),
            ("住所", "generalize_address"),
            ("TEL", "drop"),
            ("e-mail", "drop"),
            ("マイナンバー", "drop"),
            ("保険者番号", "keep"),
            ("記号", "drop"),
            ("番号", "drop"),
            ("枝番", "drop"),
            ("受診日", "keep"),
            ("病名", "keep"),
            ("ICD10", "keep"),
            ("所見", "scrub_text"),
            ("謎", "drop"),
        ] {
            assert_eq!(action(column), expected, "{column}");
        }
        assert_eq!(p.patient_id.as_deref(), Some("患者ID"));
        assert!(p.detected["所見"].review && p.detected["謎"].review);
        assert!(!p.detected["氏名"].review);
        assert!(p.detected["氏名"].reason_ja.contains("氏名"));
        // The suggestion is a valid policy that compiles against the file.
        let again = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn tokumei_coarsens_and_keeps_no_link() {
        let p = suggest(SAMPLE.as_bytes(), Preset::Tokumei, today()).unwrap();
        let action = |c: &str| p.columns[c].name();
        for (column, expected) in [
            ("患者ID", "drop"),
            ("生年月日", "generalize"),
            ("性別", "generalize"),
            ("〒", "drop"),
            ("住所", "generalize"),
            ("保険者番号", "mask"),
            ("受診日", "generalize_date"),
        ] {
            assert_eq!(action(column), expected, "{column}");
        }
        assert!(
            p.columns.values().all(|a| !a.needs_key()),
            "no key-derived link under tokumei"
        );
        assert_eq!(p.reference_date.as_deref(), Some("2024-04-01"));
    }

    #[test]
    fn delimiter_and_encoding_are_sniffed() {
        let tsv = encoding_rs::SHIFT_JIS
            .encode("患者ID\t氏名\r\n1\t山田\r\n")
            .0
            .into_owned();
        let p = suggest(&tsv, Preset::Kamei, today()).unwrap();
        assert_eq!(p.input.delimiter, "\t");
        assert_eq!(p.columns["氏名"].name(), "drop");
        assert!(suggest(b"", Preset::Kamei, today()).is_err());
        assert_eq!(Preset::from_name("匿名"), Some(Preset::Tokumei));
    }
}
