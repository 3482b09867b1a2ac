//! Header synonyms, Japanese and English: exact names, then keywords a header contains.

use crate::ja::normalize::{normalize, Options};

use super::ColumnKind;

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

/// The kind whose synonym list holds `key` (a [`header_key`]) exactly.
pub(super) fn exact_name(key: &str) -> Option<ColumnKind> {
    EXACT
        .iter()
        .find(|(_, names)| names.contains(&key))
        .map(|(k, _)| *k)
}

/// The first kind, in priority order, with a keyword `key` (a [`header_key`]) contains.
pub(super) fn keyword_in(key: &str) -> Option<ColumnKind> {
    CONTAINS
        .iter()
        .find(|(_, words)| words.iter().any(|w| key.contains(w)))
        .map(|(k, _)| *k)
}

/// The header as the synonyms are written: NFKC, lower case, without spaces and punctuation.
pub(super) fn header_key(header: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::super::classify;
    use super::ColumnKind::*;

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
}
