//! `top_code`: large numbers (ages 90 and over) written as "90+".

use super::Invalid;
use crate::ja::normalize::{normalize, Options};

/// Writes `value` unchanged when below `at`, else "{at}+". A trailing 歳 or "+" is allowed.
pub fn top_code(value: &str, at: u32, out: &mut String) -> Result<(), Invalid> {
    let n = number(value).ok_or_else(|| Invalid("not a number".into()))?;
    if n >= f64::from(at) {
        out.push_str(&format!("{at}+"));
    } else {
        out.push_str(value);
    }
    Ok(())
}

fn number(value: &str) -> Option<f64> {
    let text = normalize(value, Options::default());
    let text = text.trim_end_matches('歳').trim_end_matches('+').trim();
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (value, at, expected) in [
            ("89", 90, Some("89")),
            ("90", 90, Some("90+")),
            ("116", 90, Some("90+")),
            ("１０２歳", 90, Some("90+")),
            ("45.5", 90, Some("45.5")),
            ("abc", 90, None),
            ("NaN", 90, None),
        ] {
            let mut out = String::new();
            let got = top_code(value, at, &mut out).ok().map(|_| out.as_str());
            assert_eq!(got, expected, "{value}");
        }
    }
}
