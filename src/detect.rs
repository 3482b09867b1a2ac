//! Column detection: what a column holds, from its header (Japanese and English synonyms) and
//! from a sample of its values (check digits, formats, kana ratio), with a confidence.

use serde::{Deserialize, Serialize};

use crate::ja::normalize::{normalize, Options};
use crate::ja::{address, identifiers, wareki};

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

/// Header synonyms, compared after NFKC, lower case, without spaces, `_`, `-`, `・` and
/// brackets. Exact matches first; then keywords contained in the header.
const EXACT: &[(ColumnKind, &[&str])] = &[
    (
        ColumnKind::PatientId,
        &[
            "患者id",
            "患者番号",
            "患者no",
            "患者コード",
            "カルテ番号",
            "カルテno",
            "カルテid",
            "診察券番号",
            "id",
            "patientid",
            "patientno",
            "mrn",
            "pid",
        ],
    ),
    (
        ColumnKind::Name,
        &[
            "氏名",
            "患者氏名",
            "患者名",
            "名前",
            "漢字氏名",
            "姓名",
            "name",
            "patientname",
            "fullname",
        ],
    ),
    (
        ColumnKind::NameKana,
        &[
            "カナ氏名",
            "氏名カナ",
            "カナ",
            "フリガナ",
            "ふりがな",
            "よみがな",
            "カナ名",
            "患者カナ",
            "患者氏名カナ",
            "kana",
            "namekana",
        ],
    ),
    (
        ColumnKind::BirthDate,
        &[
            "生年月日",
            "誕生日",
            "birthdate",
            "birthday",
            "dob",
            "dateofbirth",
        ],
    ),
    (ColumnKind::Age, &["年齢", "age", "満年齢"]),
    (ColumnKind::Sex, &["性別", "性", "sex", "gender"]),
    (
        ColumnKind::PostalCode,
        &["郵便番号", "〒", "zip", "zipcode", "postalcode", "postcode"],
    ),
    (
        ColumnKind::Address,
        &["住所", "現住所", "住所1", "住所2", "address", "所在地"],
    ),
    (
        ColumnKind::Phone,
        &[
            "電話",
            "電話番号",
            "tel",
            "telephone",
            "phone",
            "携帯",
            "携帯番号",
            "携帯電話",
            "連絡先",
            "緊急連絡先",
            "fax",
            "自宅電話",
        ],
    ),
    (
        ColumnKind::Email,
        &["メール", "メールアドレス", "email", "mail", "emailaddress"],
    ),
    (
        ColumnKind::MyNumber,
        &["個人番号", "マイナンバー", "mynumber"],
    ),
    (ColumnKind::InsurerNumber, &["保険者番号", "insurernumber"]),
    (
        ColumnKind::InsuredSymbol,
        &["記号", "被保険者記号", "保険証記号", "被保険者証記号"],
    ),
    (
        ColumnKind::InsuredNumber,
        &["被保険者番号", "保険証番号", "被保険者証番号", "番号"],
    ),
    (ColumnKind::InsuredBranch, &["枝番", "被保険者枝番"]),
    (
        ColumnKind::PublicPayerNumber,
        &["公費負担者番号", "負担者番号"],
    ),
    (
        ColumnKind::PublicRecipientNumber,
        &["公費受給者番号", "受給者番号"],
    ),
    (
        ColumnKind::MedicalInstitution,
        &["医療機関コード", "医療機関番号", "施設コード"],
    ),
    (
        ColumnKind::Department,
        &[
            "診療科",
            "科",
            "診療科名",
            "病棟",
            "department",
            "dept",
            "ward",
        ],
    ),
    (
        ColumnKind::Diagnosis,
        &["病名", "傷病名", "診断名", "主病名", "疾患名", "diagnosis"],
    ),
    (
        ColumnKind::DiagnosisCode,
        &[
            "icd10",
            "icd",
            "icdコード",
            "icd10コード",
            "病名コード",
            "傷病名コード",
        ],
    ),
];

/// Keywords that classify a header containing them, in priority order.
const CONTAINS: &[(ColumnKind, &[&str])] = &[
    (ColumnKind::MyNumber, &["個人番号", "マイナンバー"]),
    (
        ColumnKind::Financial,
        &[
            "口座",
            "クレジット",
            "カード番号",
            "銀行",
            "creditcard",
            "account",
            "iban",
        ],
    ),
    (
        ColumnKind::OtherIdentifier,
        &[
            "旅券",
            "パスポート",
            "passport",
            "免許",
            "license",
            "年金番号",
            "住民票コード",
        ],
    ),
    (ColumnKind::PublicRecipientNumber, &["受給者番号"]),
    (ColumnKind::PublicPayerNumber, &["負担者番号"]),
    (ColumnKind::InsurerNumber, &["保険者番号"]),
    (ColumnKind::InsuredBranch, &["枝番"]),
    (ColumnKind::InsuredSymbol, &["記号"]),
    (ColumnKind::InsuredNumber, &["被保険者番号", "保険証番号"]),
    (
        ColumnKind::NameKana,
        &["カナ", "フリガナ", "ふりがな", "よみ", "kana"],
    ),
    (
        ColumnKind::Name,
        &[
            "氏名",
            "名前",
            "患者名",
            "医師名",
            "担当医",
            "主治医",
            "家族名",
            "name",
        ],
    ),
    (ColumnKind::BirthDate, &["生年月日", "誕生"]),
    (ColumnKind::PostalCode, &["郵便", "zip", "postal"]),
    (ColumnKind::Address, &["住所", "address"]),
    (
        ColumnKind::Phone,
        &["電話", "tel", "phone", "携帯", "fax", "連絡先"],
    ),
    (ColumnKind::Email, &["メール", "mail"]),
    (
        ColumnKind::PatientId,
        &["患者id", "患者番号", "カルテ", "patientid"],
    ),
    (
        ColumnKind::FreeText,
        &[
            "所見",
            "記録",
            "経過",
            "コメント",
            "備考",
            "メモ",
            "主訴",
            "現病歴",
            "既往歴",
            "サマリ",
            "紹介",
            "特記",
            "note",
            "comment",
            "remark",
            "memo",
            "summary",
            "text",
            "narrative",
        ],
    ),
    (ColumnKind::DiagnosisCode, &["icd"]),
    (ColumnKind::Diagnosis, &["病名", "診断", "疾患"]),
    (
        ColumnKind::CareDate,
        &[
            "日付",
            "年月日",
            "受診日",
            "入院日",
            "退院日",
            "診療日",
            "検査日",
            "処方日",
            "手術日",
            "初診日",
            "来院日",
            "実施日",
            "発症日",
            "死亡日",
            "date",
        ],
    ),
    (
        ColumnKind::Clinical,
        &[
            "検査",
            "結果",
            "身長",
            "体重",
            "血圧",
            "bmi",
            "hba1c",
            "薬",
            "処方",
            "用量",
            "投与",
            "値",
            "スコア",
            "result",
            "value",
            "dose",
            "drug",
            "lab",
        ],
    ),
];

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
    let exact = EXACT
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(k, _)| *k);
    let keyword = || {
        CONTAINS
            .iter()
            .find(|(_, words)| words.iter().any(|w| key.contains(w)))
            .map(|(k, _)| *k)
    };
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

fn header_key(header: &str) -> String {
    normalize(header, Options::default())
        .to_lowercase()
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '_' | '-' | '・' | '(' | ')' | '[' | ']' | '「' | '」' | '.' | '/'
            )
        })
        .collect()
}

/// The kind most sampled values share, with that share (of non-empty values).
fn from_values(values: &[&str]) -> Option<(ColumnKind, f32)> {
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return None;
    }
    let mut counts: Vec<(ColumnKind, usize)> = Vec::new();
    for value in &values {
        let kind = value_kind(value);
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    let (kind, n) = counts
        .into_iter()
        .filter(|(k, _)| *k != ColumnKind::Unknown)
        .max_by_key(|(_, n)| *n)?;
    Some((kind, n as f32 / values.len() as f32))
}

/// What one value looks like on its own.
fn value_kind(value: &str) -> ColumnKind {
    use ColumnKind::*;
    if let Some(kind) = identifiers::recognize(value) {
        return match kind {
            identifiers::Kind::MyNumber => MyNumber,
            identifiers::Kind::Phone => Phone,
            identifiers::Kind::Email => Email,
            identifiers::Kind::PostalCode => PostalCode,
            identifiers::Kind::InsurerNumber => InsurerNumber,
            identifiers::Kind::MedicalInstitutionCode => MedicalInstitution,
        };
    }
    let text = normalize(value, Options::default());
    if matches!(
        text.as_str(),
        "男" | "女" | "男性" | "女性" | "M" | "F" | "m" | "f" | "male" | "female"
    ) {
        return Sex;
    }
    if wareki::parse(&text).is_ok() {
        return CareDate;
    }
    if address::split(&text).prefecture.is_some() {
        return Address;
    }
    if is_icd10(&text) {
        return DiagnosisCode;
    }
    if text.parse::<f64>().is_ok() {
        return Clinical;
    }
    let chars = text.chars().count();
    if chars > 0 && text.chars().all(|c| is_kana(c) || c == ' ') && chars <= 20 {
        return NameKana;
    }
    if chars > 20 || text.contains(['。', '、']) {
        return FreeText;
    }
    Unknown
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// ICD-10: a letter, two digits, optionally a dot and more digits (E11, J06.9, M48.06).
fn is_icd10(text: &str) -> bool {
    let mut chars = text.chars();
    let letter = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest: String = chars.collect();
    let (main, sub) = rest.split_once('.').unwrap_or((&rest, ""));
    letter
        && main.len() == 2
        && main.bytes().all(|b| b.is_ascii_digit())
        && sub.len() <= 3
        && sub.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnKind::*;

    #[test]
    fn headers() {
        for (header, kind) in [
            ("患者ID", PatientId),
            ("患者ＩＤ", PatientId),
            ("カルテ番号", PatientId),
            ("Patient_ID", PatientId),
            ("氏名", Name),
            ("患者氏名", Name),
            ("Name", Name),
            ("カナ氏名", NameKana),
            ("フリガナ", NameKana),
            ("氏名（カナ）", NameKana),
            ("ﾌﾘｶﾞﾅ", NameKana),
            ("生年月日", BirthDate),
            ("DOB", BirthDate),
            ("性別", Sex),
            ("郵便番号", PostalCode),
            ("住所", Address),
            ("電話番号", Phone),
            ("携帯電話番号", Phone),
            ("メールアドレス", Email),
            ("マイナンバー", MyNumber),
            ("保険者番号", InsurerNumber),
            ("被保険者記号", InsuredSymbol),
            ("被保険者番号", InsuredNumber),
            ("枝番", InsuredBranch),
            ("公費負担者番号", PublicPayerNumber),
            ("公費受給者番号", PublicRecipientNumber),
            ("口座番号", Financial),
            ("運転免許証番号", OtherIdentifier),
            ("受診日", CareDate),
            ("入院年月日", CareDate),
            ("診療科", Department),
            ("病名", Diagnosis),
            ("ICD10", DiagnosisCode),
            ("医師所見", FreeText),
            ("看護記録", FreeText),
            ("備考", FreeText),
            ("担当医", Name),
            ("検査値", Clinical),
            ("HbA1c", Clinical),
            ("xyz", Unknown),
        ] {
            assert_eq!(classify(header, &[]).kind, kind, "{header}");
        }
    }

    #[test]
    fn values_decide_when_the_header_does_not() {
        for (values, kind) in [
            (
                &["090-1234-5678", "03-1234-5678", "0120-123-456"][..],
                Phone,
            ),
            (&["taro@example.jp", "hanako@example.com"], Email),
            (&["123456789018", "983205673214"], MyNumber),
            (&["160-0023", "〒530-0001"], PostalCode),
            (
                &["東京都新宿区西新宿2-8-1", "大阪府大阪市北区梅田1-1"],
                Address,
            ),
            (&["ヤマダ タロウ", "すずき はなこ", "ｻﾄｳ ｲﾁﾛｳ"], NameKana),
            (&["男", "女", "女"], Sex),
            (&["E11", "J06.9", "M48.06"], DiagnosisCode),
            (&["1958/03/14", "昭和33年3月14日", "H1.1.8"], CareDate),
        ] {
            assert_eq!(classify("列", values).kind, kind, "{values:?}");
        }
        assert_eq!(classify("列", &["a", "b"]).kind, Unknown);
    }

    #[test]
    fn identifying_values_beat_a_harmless_header() {
        let d = classify("備考2", &["090-1234-5678", "080-1111-2222", "03-3333-4444"]);
        assert_eq!(d.kind, Phone);
        // A header and values that agree raise the confidence.
        let agree = classify("電話番号", &["090-1234-5678"]);
        assert!(agree.confidence > classify("電話番号", &[]).confidence);
    }
}
