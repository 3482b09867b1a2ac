//! Recognizers for Japanese identifier formats (../shared/spec/identifiers.md), on single values.
//! Used to warn when a kept column looks like identifiers.

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
}

impl Kind {
    /// English name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::MyNumber => "My Numbers (個人番号)",
            Kind::Phone => "phone numbers",
            Kind::Email => "e-mail addresses",
        }
    }
}

/// The kind of identifier `value` looks like, if any.
pub fn recognize(value: &str) -> Option<Kind> {
    let text = normalize(value, Options::default());
    if is_email(&text) {
        return Some(Kind::Email);
    }
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '(' | ')' | '‐' | '−' | 'ー'))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if is_my_number(&digits) {
        return Some(Kind::MyNumber);
    }
    if digits.starts_with('0') && (10..=11).contains(&digits.len()) {
        return Some(Kind::Phone);
    }
    None
}

/// A 12-digit My Number whose last digit is its check digit.
///
/// # Example
/// ```
/// assert!(deid_kit::ja::identifiers::is_my_number("123456789018"));
/// assert!(!deid_kit::ja::identifiers::is_my_number("123456789012"));
/// ```
pub fn is_my_number(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 12 || digits.len() != 12 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .take(11)
        .rev()
        .enumerate()
        .map(|(i, p)| {
            let n = i as u32 + 1;
            p * if n <= 6 { n + 1 } else { n - 5 }
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    d.get(11) == Some(&check)
}

fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains(' ')
                && !local.contains(' ')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert!(is_my_number("123456789018"));
        assert!(is_my_number("983205673214"));
        assert!(!is_my_number("983205673215"));
        assert!(!is_my_number("12345678901"));
        assert_eq!(recognize("1234 5678 9018"), Some(Kind::MyNumber));
        assert_eq!(recognize("１２３４５６７８９０１８"), Some(Kind::MyNumber));
    }

    #[test]
    fn table() {
        for (value, kind) in [
            ("090-1234-5678", Some(Kind::Phone)),
            ("03(1234)5678", Some(Kind::Phone)),
            ("0120-123-456", Some(Kind::Phone)),
            ("taro@example.jp", Some(Kind::Email)),
            ("taro＠example.jp", Some(Kind::Email)),
            ("2型糖尿病", None),
            ("E11", None),
            ("12345", None),
            ("", None),
        ] {
            assert_eq!(recognize(value), kind, "{value}");
        }
    }
}
