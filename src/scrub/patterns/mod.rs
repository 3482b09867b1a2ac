//! Identifiers recognized by their shape and validated where the format allows: phone numbers,
//! postal codes, e-mail addresses, URLs, My Numbers, insurance and patient numbers, dates, ages
//! and addresses. Hand-written scanners over the normalized view (digits are ASCII there), one
//! pass, no allocation per candidate except for the few checks that reuse `ja::identifiers`.
//!
//! This module owns the pass itself ([`find`] and the choice, at each character, of the family
//! that may start there) and the character classes and number helpers the families share. The
//! families: `numbers` (phone, postal code, My Number, ID numbers), `contact` (e-mail, URL),
//! `dates` (dates and ages) and `address`.

mod address;
mod contact;
mod dates;
mod numbers;

use super::view::View;
use super::{Span, Tag};

/// Appends every pattern match in `view` (of `original`) to `out`.
pub(crate) fn find(original: &str, view: &View, out: &mut Vec<Span>) {
    let mut scan = Scan {
        original,
        view,
        out,
    };
    scan.run();
}

struct Scan<'a> {
    original: &'a str,
    view: &'a View,
    out: &'a mut Vec<Span>,
}

pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Hyphens and dashes between digit groups. Wave dashes (～, 〜) are not among them: between
/// numbers they write a range (3～5日).
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '−' | '–' | '—' | 'ー' | '―')
}

pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '\u{20000}'..='\u{2FFFF}')
}

pub(crate) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

pub(crate) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}')
}

/// The value of a kanji numeral digit. ○ is not one here: free text uses it as a mark
/// (`ja::wareki` reads it as 0 in dates).
fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

impl Scan<'_> {
    fn emit(&mut self, start: usize, end: usize, tag: Tag) {
        if let Some(span) = self.view.span(self.original, start, end, tag) {
            self.out.push(span);
        }
    }

    fn run(&mut self) {
        let v = self.view;
        let n = v.chars.len();
        let mut i = 0;
        while i < n {
            let c = v.at(i);
            let numeric = is_digit(c) || kanji_digit(c).is_some() || c == '元' || c == '十';
            let next = if numeric && (is_digit(c) || self.numeric_kanji_starts(i)) {
                self.numeric(i)
            } else if c == '〒' {
                self.postal_mark(i)
            } else if c == '@' {
                self.email(i)
            } else if c == 'h' || c == 'w' {
                self.url(i)
            } else if c == '(' || c == '+' {
                self.phone(i)
            } else if c.is_ascii_alphabetic() {
                self.era_letter_date(i)
            } else if is_kanji(c) {
                self.era_date(i)
                    .or_else(|| self.infant_age(i))
                    .or_else(|| self.address(i))
            } else if is_hiragana(c) && !is_hiragana(v.before(i)) {
                self.address(i)
            } else {
                None
            };
            i = match next {
                Some(end) if end > i => end,
                _ => i + 1,
            };
        }
    }

    /// Whether a kanji numeral at `i` starts a date or an age rather than a word (八王子).
    fn numeric_kanji_starts(&self, i: usize) -> bool {
        let v = self.view;
        let mut k = i;
        while kanji_digit(v.at(k)).is_some() || matches!(v.at(k), '十' | '百' | '元') {
            k += 1;
        }
        matches!(v.at(k), '年' | '月' | '歳' | '才')
    }

    /// Everything that starts with a digit (or a kanji numeral): dates, ages, phones, postal
    /// codes, My Numbers, IDs.
    fn numeric(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let prev = v.before(i);
        let decimal = prev == '.' && is_digit(v.before(i - 1));
        if is_digit(v.at(i)) && (is_digit(prev) || decimal || prev.is_ascii_alphabetic()) {
            // Inside a number or a code (HbA1c, 1.25): skip the rest of the run.
            return Some(digit_run_end(v, i));
        }
        if !is_digit(v.at(i)) {
            // Kanji numerals: dates and ages only, not inside another kanji numeral.
            if kanji_digit(prev).is_some() || prev == '十' {
                return None;
            }
            return self.date_from(i, i).or_else(|| self.age(i));
        }
        if let Some(end) = self.date_from(i, i) {
            return Some(end);
        }
        if let Some(end) = self.age(i) {
            return Some(end);
        }
        if let Some(end) = self.phone(i) {
            return Some(end);
        }
        if let Some(end) = self.postal_bare(i) {
            return Some(end);
        }
        self.id_number(i)
    }
}

/// The end of the run of ASCII digits that starts at `i` (`i` itself when there is none).
fn digit_run_end(v: &View, i: usize) -> usize {
    let mut j = i;
    while is_digit(v.at(j)) {
        j += 1;
    }
    j
}

/// A number ending at `e` that is followed by a unit, a decimal part or a ratio.
fn is_measurement(v: &View, e: usize) -> bool {
    let mut k = e;
    if v.at(k) == ' ' {
        k += 1;
    }
    let c = v.at(k);
    if c == '.' && is_digit(v.at(k + 1)) {
        return true;
    }
    if matches!(
        c,
        '/' | '%'
            | '万'
            | '円'
            | '個'
            | '人'
            | '件'
            | '回'
            | '歩'
            | '倍'
            | '×'
            | '℃'
            | 'μ'
            | '単'
            | '錠'
            | '秒'
            | '分'
            | '時'
    ) {
        return true;
    }
    c.is_ascii_alphabetic() && !v.at(k + 1).is_ascii_digit()
}

/// What the families' tests share: `scrub::testing`'s spans and assertions, for this `find`.
#[cfg(test)]
mod testing {
    use super::super::testing::{assert_has, assert_none, spans};
    use super::find;
    use crate::scrub::Tag;

    pub(super) fn tags(text: &str) -> Vec<(String, Tag)> {
        spans(find, text)
    }

    pub(super) fn one(text: &str, expected: &str, tag: Tag) {
        assert_has(find, text, expected, tag);
    }

    pub(super) fn none(text: &str) {
        assert_none(find, text);
    }
}
