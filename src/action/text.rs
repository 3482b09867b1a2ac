//! `mask`: keep a few leading and trailing characters, hide the rest. (`keep` and `replace` are
//! one line each in `Op::apply`.)

/// Masks `value` keeping `start` leading and `end` trailing characters (Unicode scalar values).
/// A value no longer than `start + end` is masked whole: showing all of it would mask nothing.
pub fn mask(value: &str, start: usize, end: usize, with: char, out: &mut String) {
    let n = value.chars().count();
    if n <= start.saturating_add(end) {
        out.extend(std::iter::repeat_n(with, n));
        return;
    }
    for (i, c) in value.chars().enumerate() {
        out.push(if i < start || i >= n - end { c } else { with });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (value, start, end, expected) in [
            ("090-1234-5678", 0, 4, "*********5678"),
            ("090-1234-5678", 3, 0, "090**********"),
            ("山田太郎", 1, 0, "山***"),
            ("山田太郎", 1, 1, "山**郎"),
            ("ab", 1, 1, "**"),
            ("abc", 0, 0, "***"),
            ("", 2, 2, ""),
        ] {
            let mut out = String::new();
            mask(value, start, end, '*', &mut out);
            assert_eq!(out, expected, "{value} {start} {end}");
        }
    }
}
