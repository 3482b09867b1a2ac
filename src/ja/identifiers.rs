//! Recognizers for Japanese identifier formats (../shared/spec/identifiers.md), one value at a
//! time: check digits where the format has one, shape where it has not.
//!
//! Check digits: 個人番号 (My Number) uses its own mod-11 rule. 保険者番号, 公費負担者番号 and the
//! 10-digit 医療機関コード share one rule ("Luhn"): weights 2, 1, 2, 1 … from the rightmost digit
//! before the check digit, products summed by their digits, check = (10 − sum mod 10) mod 10.
//! Verified against the published examples 33120015 (保険者番号, 千葉県警), 01130012 (協会けんぽ
//! 東京支部), 54016027 (公費負担者番号, 特定疾患) and 0110113719 (医療機関コード).

use super::normalize::{normalize, Options};

/// What kind of identifier a value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 個人番号 (My Number): 12 digits with a valid check digit.
    MyNumber,
    /// A Japanese phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// 郵便番号: 7 digits, NNN-NNNN.
    PostalCode,
    /// 保険者番号: 8 digits (6 for 国民健康保険) with a valid check digit.
    InsurerNumber,
    /// 医療機関コード: 10 digits with a valid check digit.
    MedicalInstitutionCode,
}

impl Kind {
    /// English name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::MyNumber => "My Numbers (個人番号)",
            Kind::Phone => "phone numbers",
            Kind::Email => "e-mail addresses",
            Kind::PostalCode => "postal codes",
            Kind::InsurerNumber => "insurer numbers (保険者番号)",
            Kind::MedicalInstitutionCode => "medical institution codes (医療機関コード)",
        }
    }
}

/// The kind of identifier `value` looks like, if any. Ambiguous digit strings resolve in this
/// order: a hyphenated 3-4 postal code, a phone number (leading 0 and a known length), a My
/// Number (check digit), an insurer number (check digit).
///
/// # Example
/// ```
/// use deid_kit::ja::identifiers::{recognize, Kind};
/// assert_eq!(recognize("090-1234-5678"), Some(Kind::Phone));
/// assert_eq!(recognize("〒160-0023"), Some(Kind::PostalCode));
/// assert_eq!(recognize("１２３４ ５６７８ ９０１８"), Some(Kind::MyNumber));
/// assert_eq!(recognize("2型糖尿病"), None);
/// ```
pub fn recognize(value: &str) -> Option<Kind> {
    let text = normalize(value, Options::default());
    if is_email(&text) {
        return Some(Kind::Email);
    }
    if is_postal_code(&text) && (text.contains('-') || text.starts_with('〒')) {
        return Some(Kind::PostalCode);
    }
    let digits = digits_of(&text)?;
    if is_phone_digits(&digits) {
        return Some(Kind::Phone);
    }
    if is_my_number(&digits) {
        return Some(Kind::MyNumber);
    }
    if digits.len() == 8 && is_insurer_number(&digits) {
        return Some(Kind::InsurerNumber);
    }
    None
}

/// The digits of `text` when it holds only digits and separators (hyphens, spaces,
/// parentheses, a leading +81).
pub fn digits_of(text: &str) -> Option<String> {
    let text = text.trim();
    let (text, international) = match text.strip_prefix("+81") {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let mut digits = String::with_capacity(text.len() + 1);
    if international {
        digits.push('0');
    }
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ' ' | '(' | ')' | '‐' | '−' | 'ー' | '－' | '.' => {}
            _ => return None,
        }
    }
    (!digits.is_empty() && digits.len() > usize::from(international)).then_some(digits)
}

/// A 12-digit My Number whose last digit is its check digit.
///
/// # Example
/// ```
/// assert!(deid_kit::ja::identifiers::is_my_number("123456789018"));
/// assert!(!deid_kit::ja::identifiers::is_my_number("123456789012"));
/// ```
pub fn is_my_number(digits: &str) -> bool {
    let Some(d) = all_digits(digits, 12) else {
        return false;
    };
    let sum: u32 = d
        .iter()
        .take(11)
        .rev()
        .zip(1u32..)
        .map(|(p, n)| p * if n <= 6 { n + 1 } else { n - 5 })
        .sum();
    let r = sum % 11;
    d.get(11) == Some(&if r <= 1 { 0 } else { 11 - r })
}

/// The shared "2-1" check digit of 保険者番号, 公費負担者番号 and 医療機関コード, for the digits
/// before it.
pub fn luhn_check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .zip([2u32, 1].iter().cycle())
        .map(|(d, w)| {
            let p = d * w;
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

fn luhn_valid(digits: &str, len: usize) -> bool {
    match all_digits(digits, len) {
        Some(d) => match d.split_last() {
            Some((check, body)) => luhn_check_digit(body) == *check,
            None => false,
        },
        None => false,
    }
}

/// 保険者番号: 8 digits (社保, 後期高齢) or 6 (国民健康保険), with a valid check digit.
///
/// # Example
/// ```
/// use deid_kit::ja::identifiers::is_insurer_number;
/// assert!(is_insurer_number("33120015") && is_insurer_number("01130012"));
/// assert!(!is_insurer_number("33120016"));
/// ```
pub fn is_insurer_number(digits: &str) -> bool {
    luhn_valid(digits, 8) || luhn_valid(digits, 6)
}

/// 公費負担者番号: 8 digits with a valid check digit (same rule as 保険者番号).
pub fn is_public_payer_number(digits: &str) -> bool {
    luhn_valid(digits, 8)
}

/// 医療機関コード in its 10-digit form (都道府県 2 + 点数表 1 + 7 digits), with a valid check
/// digit; the 7-digit form's check digit depends on the 3 digits in front, so it is recognized
/// by shape only.
pub fn is_medical_institution_code(digits: &str) -> bool {
    luhn_valid(digits, 10) && matches!(digits.get(2..3), Some("1" | "3" | "4"))
}

/// 郵便番号: 7 digits, written NNN-NNNN, 〒NNN-NNNN, NNNNNNN or with a space.
pub fn is_postal_code(text: &str) -> bool {
    let text = text.trim().trim_start_matches('〒').trim();
    let digits = match text.split_once(['-', ' ']) {
        Some((a, b)) if a.len() == 3 && b.len() == 4 => format!("{a}{b}"),
        Some(_) => return false,
        None => text.to_owned(),
    };
    all_digits(&digits, 7).is_some()
}

/// A Japanese phone number: fixed lines (10 digits, 0 + area code), mobile and PHS (070, 080,
/// 090), IP phones (050), M2M (020) and 0800 (11 digits), free dial 0120 and navi dial 0570
/// (10 digits).
///
/// # Example
/// ```
/// use deid_kit::ja::identifiers::is_phone;
/// for p in ["03-1234-5678", "090-1234-5678", "0120-123-456", "050-1234-5678", "+81 90 1234 5678"] {
///     assert!(is_phone(p), "{p}");
/// }
/// assert!(!is_phone("1234-5678") && !is_phone("0120-123-4567"));
/// ```
pub fn is_phone(text: &str) -> bool {
    digits_of(&normalize(text, Options::default())).is_some_and(|d| is_phone_digits(&d))
}

fn is_phone_digits(d: &str) -> bool {
    if !d.starts_with('0') || d.starts_with("00") {
        return false;
    }
    let eleven = ["070", "080", "090", "050", "020", "0800"];
    if eleven.iter().any(|p| d.starts_with(p)) {
        return d.len() == 11;
    }
    d.len() == 10
}

/// An e-mail address (local@domain.tld; the full-width ＠ is folded by NFKC before).
pub fn is_email(text: &str) -> bool {
    let text = text.trim();
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

fn all_digits(digits: &str, len: usize) -> Option<Vec<u32>> {
    let d: Vec<u32> = digits
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    (d.len() == len && digits.len() == len).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn my_number_spec_examples() {
        assert!(is_my_number("123456789018"));
        assert!(is_my_number("983205673214"));
        for bad in [
            "983205673215",
            "12345678901",
            "1234567890180",
            "12345678901a",
        ] {
            assert!(!is_my_number(bad), "{bad}");
        }
        assert_eq!(recognize("1234 5678 9018"), Some(Kind::MyNumber));
        assert_eq!(recognize("1234-5678-9018"), Some(Kind::MyNumber));
        assert_eq!(recognize("１２３４５６７８９０１８"), Some(Kind::MyNumber));
        // Every single-digit change of a valid number is caught.
        let valid = "983205673214";
        for i in 0..12 {
            for d in '0'..='9' {
                let mut s: Vec<char> = valid.chars().collect();
                if s[i] == d {
                    continue;
                }
                s[i] = d;
                let s: String = s.into_iter().collect();
                assert!(!is_my_number(&s), "{s}");
            }
        }
    }

    #[test]
    fn luhn_family_spec_examples() {
        assert!(is_insurer_number("33120015"));
        assert!(is_insurer_number("01130012"));
        assert!(!is_insurer_number("33120014"));
        assert!(
            is_insurer_number("138057"),
            "6-digit 国保: 13 805 + check 7"
        );
        assert!(!is_insurer_number("138058"));
        assert!(is_public_payer_number("54016027"));
        assert!(!is_public_payer_number("54016028"));
        assert!(is_medical_institution_code("0110113719"));
        assert!(!is_medical_institution_code("0110113718"));
        assert_eq!(luhn_check_digit(&[3, 3, 1, 2, 0, 0, 1]), 5);
    }

    #[test]
    fn postal_codes() {
        for (text, ok) in [
            ("160-0023", true),
            ("〒160-0023", true),
            ("1600023", true),
            ("160 0023", true),
            ("16-00023", false),
            ("160-002", false),
            ("abc-defg", false),
        ] {
            assert_eq!(is_postal_code(text), ok, "{text}");
        }
        assert_eq!(recognize("〒１６０－００２３"), Some(Kind::PostalCode));
    }

    #[test]
    fn phones() {
        for (text, ok) in [
            ("03-1234-5678", true),
            ("(03)1234-5678", true),
            ("011-123-4567", true),
            ("0123-45-6789", true),
            ("090-1234-5678", true),
            ("080 1234 5678", true),
            ("070-1234-5678", true),
            ("050-1234-5678", true),
            ("0120-123-456", true),
            ("0800-123-4567", true),
            ("0570-123-456", true),
            ("+81-90-1234-5678", true),
            ("０９０－１２３４－５６７８", true),
            ("090-1234-567", false),
            ("03-1234-56789", false),
            ("1234-5678", false),
            ("0120-123-4567", false),
            ("00-1234-5678", false),
            ("TEL 03-1234-5678", false),
        ] {
            assert_eq!(is_phone(text), ok, "{text}");
        }
    }

    #[test]
    fn emails_and_other_values() {
        for (value, kind) in [
            ("taro@example.jp", Some(Kind::Email)),
            ("taro＠example.jp", Some(Kind::Email)),
            ("taro@localhost", None),
            ("@example.jp", None),
            ("2型糖尿病", None),
            ("E11", None),
            ("12345", None),
            ("", None),
            ("33120015", Some(Kind::InsurerNumber)),
        ] {
            assert_eq!(recognize(value), kind, "{value}");
        }
    }
}
