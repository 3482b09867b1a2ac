//! `generalize_postal` and `generalize_address`: places cut to an area.

use super::Invalid;
use crate::ja::address::{self, Level};
use crate::ja::normalize::{normalize, Options};

/// The first `digits` digits of a 7-digit postal code (〒, hyphens, spaces and full-width digits
/// allowed); anything else is invalid rather than passed through.
pub fn postal(value: &str, digits: u8, out: &mut String) -> Result<(), Invalid> {
    let text = normalize(value, Options::default());
    let code: String = text
        .trim_start_matches('〒')
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | 'ー' | '−' | '‐'))
        .collect();
    if code.len() != 7 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid("not a 7-digit postal code".into()));
    }
    out.push_str(code.get(..usize::from(digits)).unwrap_or_default());
    Ok(())
}

/// The address cut to `level`; an address whose level cannot be found is invalid (failing
/// closed: the street must never pass through).
pub fn address(value: &str, level: Level, out: &mut String) -> Result<(), Invalid> {
    let cut = address::generalize(value, level)
        .ok_or_else(|| Invalid(format!("no {} found in the address", level_name(level))))?;
    out.push_str(&cut);
    Ok(())
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Prefecture => "prefecture",
        Level::Municipality | Level::Ward => "municipality",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_table() {
        for (value, digits, expected) in [
            ("160-0023", 3, Some("160")),
            ("〒160-0023", 3, Some("160")),
            ("１６００DUMMY", 3, None),
            ("１６０－００２３", 3, Some("160")),
            ("1600023", 1, Some("1")),
            ("1600023", 0, Some("")),
            ("1600023", 7, Some("1600023")),
            ("160-002", 3, None),
            ("abc", 3, None),
        ] {
            let mut out = String::new();
            let got = postal(value, digits, &mut out).ok().map(|_| out.as_str());
            assert_eq!(got, expected, "{value}");
        }
    }

    #[test]
    fn address_fails_closed() {
        let mut out = String::new();
        address("東京都新宿区西新宿2-8-1", Level::Municipality, &mut out).unwrap();
        assert_eq!(out, "東京都新宿区");
        out.clear();
        assert!(address("どこか 1-2-3", Level::Municipality, &mut out).is_err());
        assert_eq!(out, "");
    }
}
