//! Column detection: what a column holds, from its header (Japanese and English synonyms) and
//! from a sample of its values (check digits, formats, kana ratio), with a confidence.
//!
//! This file holds the kinds and how the two kinds of evidence are weighed; `headers` holds the
//! header synonyms and `values` what single values look like.

mod headers;
mod values;

use serde::{Deserialize, Serialize};

use headers::{exact_name, header_key, keyword_in};
use values::from_values;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// The hospital's patient ID (患者ID, カルテ番号).
    PatientId,
    /// A person's name in kanji (the patient's, a relative's, a doctor's).
    Name,
    /// A name's reading in kana (カナ氏名, フリガナ).
    NameKana,
    /// 生年月日.
    BirthDate,
    /// 年齢.
    Age,
    /// 性別.
    Sex,
    /// 郵便番号.
    PostalCode,
    /// 住所.
    Address,
    /// 電話番号.
    Phone,
    /// e-mail.
    Email,
    /// 個人番号 (My Number).
    MyNumber,
    /// 保険者番号 (identifies the insurer).
    InsurerNumber,
    /// 被保険者証の記号.
    InsuredSymbol,
    /// 被保険者証の番号.
    InsuredNumber,
    /// 被保険者証の枝番.
    InsuredBranch,
    /// 公費負担者番号 (identifies the payer program).
    PublicPayerNumber,
    /// 公費受給者番号 (identifies the person).
    PublicRecipientNumber,
    /// 医療機関コード.
    MedicalInstitution,
    /// Bank account, credit card: could cause financial harm.
    Financial,
    /// Other 個人識別符号: passport, driver's licence, basic pension number, resident code.
    OtherIdentifier,
    /// A date of care (受診日, 入院日, 検査日 …).
    CareDate,
    /// 診療科, 病棟.
    Department,
    /// 病名.
    Diagnosis,
    /// ICD-10 and other diagnosis codes.
    DiagnosisCode,
    /// Lab values, vitals, drugs and other clinical content.
    Clinical,
    /// Free text (所見, 記録, 経過, 備考 …).
    FreeText,
    /// Not recognized.
    Unknown,
}

impl ColumnKind {
    /// Whether a value of this kind identifies the patient, so that free text of the same row
    /// must not repeat it (the short 枝番 and kinds that only narrow a group are left out).
    pub fn identifies_patient(self) -> bool {
        use ColumnKind::*;
        matches!(
            self,
            PatientId
                | Name
                | NameKana
                | BirthDate
                | PostalCode
                | Address
                | Phone
                | Email
                | MyNumber
                | InsuredSymbol
                | InsuredNumber
                | PublicRecipientNumber
                | Financial
                | OtherIdentifier
        )
    }

    /// Japanese label for the browser tool and reasons.
    pub fn label_ja(self) -> &'static str {
        use ColumnKind::*;
        match self {
            PatientId => "患者ID",
            Name => "氏名",
            NameKana => "カナ氏名",
            BirthDate => "生年月日",
            Age => "年齢",
            Sex => "性別",
            PostalCode => "郵便番号",
            Address => "住所",
            Phone => "電話番号",
            Email => "メールアドレス",
            MyNumber => "個人番号",
            InsurerNumber => "保険者番号",
            InsuredSymbol => "被保険者記号",
            InsuredNumber => "被保険者番号",
            InsuredBranch => "枝番",
            PublicPayerNumber => "公費負担者番号",
            PublicRecipientNumber => "公費受給者番号",
            MedicalInstitution => "医療機関コード",
            Financial => "口座・カード番号",
            OtherIdentifier => "その他の個人識別符号",
            CareDate => "診療日付",
            Department => "診療科",
            Diagnosis => "病名",
            DiagnosisCode => "病名コード",
            Clinical => "臨床データ",
            FreeText => "自由記述",
            Unknown => "不明",
        }
    }
}

/// The result of [`classify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// What the column holds.
    pub kind: ColumnKind,
    /// 0 to 1.
    pub confidence: f32,
    /// What the decision rests on (English, short, never a value).
    pub evidence: String,
}

/// Classifies a column from its header and a sample of its values.
///
/// # Example
/// ```
/// use deid_kit::detect::{classify, ColumnKind};
/// let d = classify("患者氏名", &["山田 太郎", "鈴木 花子"]);
/// assert_eq!(d.kind, ColumnKind::Name);
/// let d = classify("列7", &["090-1234-5678", "03-1234-5678", "080-0000-1111"]);
/// assert_eq!(d.kind, ColumnKind::Phone);
/// ```
pub fn classify(header: &str, values: &[&str]) -> Detection {
    let key = header_key(header);
    let exact = exact_name(&key);
    let keyword = || keyword_in(&key);
    let by_values = from_values(values);
    let (header_kind, header_confidence) = match exact {
        Some(kind) => (Some(kind), 0.9),
        None => match keyword() {
            Some(kind) => (Some(kind), 0.75),
            None => (None, 0.0),
        },
    };
    match (header_kind, by_values) {
        (Some(h), Some((v, share))) if h == v || compatible(h, v) => Detection {
            kind: h,
            confidence: (header_confidence + 0.1 * share).min(0.99),
            evidence: format!("header and {:.0}% of sampled values agree", share * 100.0),
        },
        (Some(h), Some((v, share))) if share >= 0.9 && identifying(v) && !identifying(h) => {
            // Values that are plainly an identifier win over a harmless-looking header.
            Detection {
                kind: v,
                confidence: 0.8 * share,
                evidence: format!(
                    "{:.0}% of sampled values are {}; the header suggested {}",
                    share * 100.0,
                    v.label_ja(),
                    h.label_ja()
                ),
            }
        }
        (Some(h), _) => Detection {
            kind: h,
            confidence: header_confidence,
            evidence: if exact.is_some() {
                "header name".into()
            } else {
                "keyword in the header".into()
            },
        },
        (None, Some((v, share))) if share >= 0.6 => Detection {
            kind: v,
            confidence: 0.85 * share,
            evidence: format!("{:.0}% of sampled values match", share * 100.0),
        },
        _ => Detection {
            kind: ColumnKind::Unknown,
            confidence: 0.0,
            evidence: "neither the header nor the values were recognized".into(),
        },
    }
}

/// Kinds that agree even though values alone cannot tell them apart.
fn compatible(header: ColumnKind, values: ColumnKind) -> bool {
    use ColumnKind::*;
    matches!(
        (header, values),
        (BirthDate, CareDate)
            | (CareDate, CareDate)
            | (Age, Clinical)
            | (PatientId, Clinical)
            | (InsuredNumber, Clinical)
            | (InsuredSymbol, Clinical)
            | (InsuredBranch, Clinical)
            | (PublicRecipientNumber, Clinical)
            | (PublicPayerNumber, InsurerNumber)
            | (Name, NameKana)
            | (FreeText, Name)
    )
}

/// Kinds that identify a person directly.
fn identifying(kind: ColumnKind) -> bool {
    use ColumnKind::*;
    matches!(
        kind,
        Name | NameKana | Phone | Email | MyNumber | PostalCode | Address
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnKind::*;

    #[test]
    fn identifying_values_beat_a_harmless_header() {
        let d = classify("備考2", &["090-1234-5678", "080-1111-2222", "03-3333-4444"]);
        assert_eq!(d.kind, Phone);
        // A header and values that agree raise the confidence.
        let agree = classify("電話番号", &["090-1234-5678"]);
        assert!(agree.confidence > classify("電話番号", &[]).confidence);
    }
}
