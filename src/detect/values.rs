//! What a column's values say: the kind most sampled values share, each value recognized on its
//! own (identifier check digits and formats, dates, addresses, ICD-10 codes, kana, numbers).

use crate::ja::normalize::{normalize, Options};
use crate::ja::{address, identifiers, wareki};

use super::ColumnKind;

/// The kind most sampled values share, with that share (of non-empty values).
pub(super) fn from_values(values: &[&str]) -> Option<(ColumnKind, f32)> {
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
    use super::super::classify;
    use super::ColumnKind::*;

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
}
