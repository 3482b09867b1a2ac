//! The search of a note for the identity's values: names, readings and address parts on the
//! name view's characters (with the honorific, eponym and katakana-run checks), other texts on
//! the text view, numbers on their digits across separators.

use super::{is_hyphenish, is_street_char, Digits, Identity};
use crate::scrub::patterns::{is_digit, is_katakana};
use crate::scrub::view::View;
use crate::scrub::{Span, Tag};

impl Identity {
    /// Appends every occurrence of the identity's values in the note.
    pub(crate) fn find(&self, original: &str, text: &View, names: &View, out: &mut Vec<Span>) {
        let (live_names, live_texts, live_numbers) = self.lengths();
        let variants = self.names.get(..live_names).unwrap_or_default();
        for (variant, needs_honorific, tag) in variants {
            for (start_char, end_char) in char_occurrences(&names.chars, variant) {
                let mut end_char = end_char;
                if *tag == Tag::Name {
                    let honorific = NAME_HONORIFICS.iter().any(|h| names.has(end_char, h));
                    if *needs_honorific && !honorific {
                        continue;
                    }
                    if crate::scrub::names::eponym_at(names, end_char) {
                        continue;
                    }
                    let kana = variant.chars().all(is_katakana);
                    if kana
                        && !honorific
                        && (is_katakana(names.before(start_char))
                            || is_katakana(names.at(end_char)))
                    {
                        continue;
                    }
                } else {
                    // An address part goes on over its street number (丁目, 番地, 2-20-1).
                    while is_street_char(names.at(end_char))
                        || is_digit(names.at(end_char))
                        || (is_hyphenish(names.at(end_char)) && is_digit(names.at(end_char + 1)))
                    {
                        end_char += 1;
                    }
                }
                if let Some(span) = names.span(original, start_char, end_char, *tag) {
                    out.push(span);
                }
            }
        }
        for (value, tag) in self.texts.get(..live_texts).unwrap_or_default() {
            for at in occurrences(&text.text, value) {
                if let Some((s, e)) = text.original(original, at, at + value.len()) {
                    out.push(Span {
                        start: s,
                        end: e,
                        tag: *tag,
                    });
                }
            }
        }
        let numbers = self.numbers.get(..live_numbers).unwrap_or_default();
        if !numbers.is_empty() {
            find_numbers(numbers, original, text, out);
        }
    }
}

/// Numbers on their digits: groups of digit runs joined by separators, matched from the start
/// of a run to the end of a run.
fn find_numbers(numbers: &[Digits], original: &str, view: &View, out: &mut Vec<Span>) {
    let n = view.chars.len();
    let mut i = 0;
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut acc = String::new();
    while i < n {
        if !is_digit(view.at(i)) {
            i += 1;
            continue;
        }
        // Collect one group.
        runs.clear();
        let mut j = i;
        loop {
            let s = j;
            while is_digit(view.at(j)) {
                j += 1;
            }
            runs.push((s, j));
            let mut k = j;
            let mut seps = 0;
            while seps < 2 && is_separator(view.at(k)) {
                k += 1;
                seps += 1;
            }
            if k > j && is_digit(view.at(k)) {
                j = k;
            } else {
                break;
            }
        }
        match_group(numbers, original, view, &runs, &mut acc, out);
        i = j.max(i + 1);
    }
}

/// The numbers among `numbers` that a group of digit runs spells, from the start of one run.
/// `acc` is scratch, reused across groups.
fn match_group(
    numbers: &[Digits],
    original: &str,
    view: &View,
    runs: &[(usize, usize)],
    acc: &mut String,
    out: &mut Vec<Span>,
) {
    for target in numbers {
        for (first, &(start, _)) in runs.iter().enumerate() {
            acc.clear();
            let mut from = start;
            if target.strip_zeros {
                let mut k = start;
                let run_end = runs.get(first).map_or(start, |r| r.1);
                while k + 1 < run_end && view.at(k) == '0' {
                    k += 1;
                }
                from = k;
            }
            for &(s, e) in runs.iter().skip(first) {
                let s = s.max(from);
                acc.extend((s..e).map(|k| view.at(k)));
                if acc.len() >= target.digits.len() {
                    if *acc == target.digits {
                        if let Some(span) = view.span(original, start, e, target.tag) {
                            out.push(span);
                        }
                    }
                    break;
                }
            }
        }
    }
}

/// The character ranges of every non-overlapping occurrence of `needle` in `haystack`, left to
/// right. The same matches as a byte search of the view's text would give (UTF-8 is
/// self-synchronizing), found on the characters the caller needs anyway.
fn char_occurrences<'a>(
    haystack: &'a [char],
    needle: &'a str,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let first = needle.chars().next();
    let len = needle.chars().count();
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = first?;
        loop {
            let start = from + haystack.get(from..)?.iter().position(|&c| c == first)?;
            let end = start + len;
            if haystack
                .get(start..end)
                .is_some_and(|found| found.iter().copied().eq(needle.chars()))
            {
                from = end;
                return Some((start, end));
            }
            from = start + 1;
        }
    })
}

/// The byte offsets of every non-overlapping occurrence of `needle` in `haystack`, left to right
/// (as `str::match_indices`, whose searcher costs more to build than a short note costs to scan).
/// UTF-8 is self-synchronizing, so byte matches of a whole string fall on char boundaries.
fn occurrences<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = *needle.first()?;
        loop {
            let start = from + hay.get(from..)?.iter().position(|&b| b == first)?;
            if hay.get(start..start + needle.len()) == Some(needle) {
                from = start + needle.len();
                return Some(start);
            }
            from = start + 1;
        }
    })
}

/// Honorifics in the name view (hiragana folded to katakana).
const NAME_HONORIFICS: [&str; 10] = [
    "サン",
    "サマ",
    "様",
    "クン",
    "チャン",
    "氏",
    "先生",
    "君",
    "殿",
    "医師",
];

fn is_separator(c: char) -> bool {
    is_hyphenish(c) || matches!(c, ' ' | '(' | ')' | '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_match_match_indices() {
        for (hay, needle) in [
            ("ヤマダタロウヤマダ", "ヤマダ"),
            ("aaaa", "aa"),
            ("山田太郎山田", "田"),
            ("", "ab"),
            ("abc", "abcd"),
            ("xabcabc", "abc"),
        ] {
            let expected: Vec<usize> = hay.match_indices(needle).map(|(at, _)| at).collect();
            assert_eq!(
                occurrences(hay, needle).collect::<Vec<_>>(),
                expected,
                "{hay} {needle}"
            );
        }
    }
}
