//! Dates and ages. Dates in every common spelling (昭和33年3月14日, S33.3.14, 1958/03/14,
//! 3月14日, 三月十四日, 20240314), checked as real calendar dates through `ja::wareki`, partial
//! dates included and durations (3日間, 3か月) and fractions (1/2錠) excluded; ages (82歳,
//! 八十二歳, 82 y.o., 生後3か月).

use super::{digit_run_end, is_digit, is_kanji, is_measurement, kanji_digit, Scan};
use crate::ja::wareki;
use crate::scrub::view::View;
use crate::scrub::Tag;

const ERAS: [&str; 5] = ["明治", "大正", "昭和", "平成", "令和"];
const ERA_ABBREVIATIONS: [char; 5] = ['明', '大', '昭', '平', '令'];

impl Scan<'_> {
    /// A number in ASCII digits or kanji numerals (三十三, 二〇二四, 十四) at `i`: value and end.
    fn any_number(&self, i: usize) -> Option<(u32, usize)> {
        let j = digit_run_end(self.view, i);
        if j > i {
            return Some((digits_value(self.view, i, j)?, j));
        }
        kanji_number(self.view, i)
    }

    /// A date starting at `i` (its era or number); `start` is where the span begins.
    pub(super) fn date_from(&mut self, start: usize, i: usize) -> Option<usize> {
        let end = date_end(self.view, i, None)?;
        let end = self.birth_suffix(end);
        self.emit(start, end, Tag::Date);
        Some(end)
    }

    fn birth_suffix(&self, end: usize) -> usize {
        let v = self.view;
        for s in ["生まれ", "生"] {
            if v.has(end, s) {
                return end + s.chars().count();
            }
        }
        end
    }

    /// An era in kanji (昭和, or 昭 before a digit) starting a date.
    pub(super) fn era_date(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let c = v.at(i);
        if !ERA_ABBREVIATIONS.contains(&c) {
            return None;
        }
        let after = if ERAS.iter().any(|e| v.has(i, e)) {
            i + 2
        } else if is_digit(v.at(i + 1)) && !is_kanji(v.before(i)) {
            i + 1
        } else {
            return None;
        };
        let end = date_end(v, after, Some(i))?;
        let end = self.birth_suffix(end);
        self.emit(i, end, Tag::Date);
        Some(end)
    }

    /// An era letter (S33.3.14, H1/1/8, R6年4月1日).
    pub(super) fn era_letter_date(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let c = v.at(i).to_ascii_uppercase();
        if !matches!(c, 'M' | 'T' | 'S' | 'H' | 'R') || v.before(i).is_ascii_alphanumeric() {
            return None;
        }
        if !is_digit(v.at(i + 1)) {
            return None;
        }
        let end = date_end(v, i + 1, Some(i))?;
        let end = self.birth_suffix(end);
        self.emit(i, end, Tag::Date);
        Some(end)
    }

    /// An age: 82歳, 八十二歳, 82才, 82 y.o., 82yo.
    pub(super) fn age(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let (value, j) = self.any_number(i)?;
        if value > 130 {
            return None;
        }
        let mut k = j;
        if v.at(k) == ' ' {
            k += 1;
        }
        let end = if matches!(v.at(j), '歳' | '才') {
            j + 1
        } else if v.has(k, "y.o.") {
            k + 4
        } else if v.has(k, "y.o") || v.has(k, "yrs") {
            k + 3
        } else if v.has(k, "yo") && !v.at(k + 2).is_ascii_alphanumeric() {
            k + 2
        } else {
            return None;
        };
        let end = if v.at(end) == '代' {
            end + 1
        } else {
            months_after(v, end)
        };
        self.emit(i, end, Tag::Age);
        Some(end)
    }

    /// 生後3か月, 生後10日: an infant's age.
    pub(super) fn infant_age(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        if !v.has(i, "生後") {
            return None;
        }
        let j = digit_run_end(v, i + 2);
        if j == i + 2 {
            return None;
        }
        let end = months_after(v, i + 2);
        let end = if end == i + 2 && matches!(v.at(j), '日' | '週') {
            j + 1
        } else {
            end
        };
        if end <= j {
            return None;
        }
        self.emit(i, end, Tag::Age);
        Some(end)
    }
}

/// The value of the ASCII digits `i..j` (at most 9 of them, so that it fits).
fn digits_value(v: &View, i: usize, j: usize) -> Option<u32> {
    if j <= i || j - i > 9 {
        return None;
    }
    let mut n = 0u32;
    for k in i..j {
        n = n * 10 + v.at(k).to_digit(10)?;
    }
    Some(n)
}

/// The end of a months part after an age (3歳6か月) or of a count of months at `end`.
fn months_after(v: &View, end: usize) -> usize {
    let k = digit_run_end(v, end);
    if k == end {
        return end;
    }
    for unit in ["か月", "ヶ月", "カ月", "ケ月", "ヵ月"] {
        if v.has(k, unit) {
            return k + unit.chars().count();
        }
    }
    end
}

/// A kanji number at `i` (三十三, 二〇二四, 十四, 百二): value and end.
fn kanji_number(v: &View, i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut positional = String::new();
    let mut total = 0u32;
    let mut current = 0u32;
    let mut used_unit = false;
    while j < i + 8 {
        let c = v.at(j);
        if let Some(d) = kanji_digit(c) {
            positional.push(char::from_digit(d, 10).unwrap_or('0'));
            current = current * 10 + d;
        } else if c == '十' || c == '百' {
            let unit = if c == '十' { 10 } else { 100 };
            total += current.max(1) * unit;
            current = 0;
            used_unit = true;
            positional.clear();
        } else {
            break;
        }
        j += 1;
    }
    if j == i {
        return None;
    }
    let value = if used_unit { total + current } else { current };
    Some((value, j))
}

/// The end of a date whose number starts at `i`; `era` is where an era prefix started.
/// Partial dates count (令和6年3月, 3月14日, 2024/3), durations never (3日間, 3か月).
fn date_end(v: &View, i: usize, era: Option<usize>) -> Option<usize> {
    let number = |k: usize| -> Option<(u32, usize)> {
        let e = digit_run_end(v, k);
        if e > k {
            if e - k > 4 {
                return None;
            }
            return Some((digits_value(v, k, e)?, e));
        }
        kanji_number(v, k)
    };
    let first_is_digit = is_digit(v.at(i));
    // Compact forms: 20240314, and with an era letter S330314.
    let run_end = digit_run_end(v, i);
    let compact_len = run_end - i;
    if (compact_len == 8 && era.is_none()) || (compact_len == 6 && era.is_some()) {
        let text: String = (era.unwrap_or(i)..run_end).map(|k| v.at(k)).collect();
        if era.is_none() {
            let year: u32 = text.get(..4)?.parse().ok()?;
            if !(1900..=2100).contains(&year) {
                return None;
            }
        }
        return wareki::parse(&text).ok().map(|_| run_end);
    }
    // The year (or, without one, the month).
    let (first, a, gannen) = if v.at(i) == '元' && v.at(i + 1) == '年' {
        (1, i + 1, true)
    } else {
        let (n, a) = number(i)?;
        (n, a, false)
    };
    let first_len = a - i;
    let sep = v.at(a);
    let valid = |s: usize, e: usize| -> Option<usize> {
        let text: String = (era.unwrap_or(i)..e).map(|k| v.at(k)).collect();
        wareki::parse(&text).ok().map(|_| s.max(e))
    };
    match sep {
        '年' => {
            if v.at(a + 1) == '間'
                || v.at(a + 1) == '前'
                || v.at(a + 1) == '後'
                || v.at(a + 1) == '目'
            {
                return None;
            }
            let year_ok = era.is_some()
                || gannen
                || (first_is_digit && first_len == 4)
                || (!first_is_digit && (1000..=2999).contains(&first))
                || first_len == 2;
            if !year_ok {
                return None;
            }
            let m_at = a + 1;
            match number(m_at) {
                Some((m, b)) if v.at(b) == '月' && (1..=12).contains(&m) => {
                    if let Some((d, c)) = number(b + 1) {
                        if v.at(c) == '日' && (1..=31).contains(&d) {
                            if era.is_some() || first_len == 4 {
                                return valid(0, c + 1);
                            }
                            return Some(c + 1);
                        }
                    }
                    if first_len == 2 && era.is_none() {
                        return None;
                    }
                    Some(b + 1)
                }
                _ => {
                    // A year alone: an era year (昭和33年) or a western one (2016年).
                    let western =
                        first_len == 4 && first_is_digit && (1868..=2100).contains(&first);
                    (era.is_some() || western).then_some(a + 1)
                }
            }
        }
        '月' => {
            if era.is_some() || !(1..=12).contains(&first) || first_len > 2 {
                return None;
            }
            let (d, c) = number(a + 1)?;
            if v.at(c) != '日' || !(1..=31).contains(&d) || v.at(c + 1) == '間' {
                return None;
            }
            day_ok(first, d).then_some(c + 1)
        }
        '/' | '.' | '-' => {
            if !first_is_digit {
                return None;
            }
            let (m, b) = number(a + 1)?;
            if !is_digit(v.at(a + 1)) || b - (a + 1) > 2 {
                return None;
            }
            let full = v.at(b) == sep && is_digit(v.at(b + 1));
            if full {
                let (_, c) = number(b + 1)?;
                if c - (b + 1) > 2 || is_digit(v.at(c)) || (v.at(c) == sep && is_digit(v.at(c + 1)))
                {
                    return None;
                }
                if era.is_none() && first_len != 4 {
                    return None;
                }
                return valid(c, c);
            }
            // Two parts: 2024/3 (year-month) or 3/14 (month-day), slashes only.
            if sep != '/' || era.is_some() || is_digit(v.at(b)) {
                return None;
            }
            if first_len == 4 && (1900..=2100).contains(&first) && (1..=12).contains(&m) {
                return (!is_measurement(v, b)).then_some(b);
            }
            if first_len <= 2
                && (1..=12).contains(&first)
                && (1..=31).contains(&m)
                && day_ok(first, m)
                && !matches!(v.before(i), '/' | '.' | '-')
                && !after_fraction_word(v, b)
                && !after_score_name(v, i)
                && !is_measurement(v, b)
            {
                return Some(b);
            }
            None
        }
        _ => {
            // 8 digits: 20240314 (and with an era letter, S330314).
            if era.is_some() && first_len == 6 {
                return valid(a, a);
            }
            if era.is_none() && first_len == 8 {
                let text: String = (i..a).map(|k| v.at(k)).collect();
                let year: u32 = text.get(..4)?.parse().ok()?;
                if (1900..=2100).contains(&year) {
                    return wareki::parse(&text).ok().map(|_| a);
                }
            }
            None
        }
    }
}

/// A score or measurement name before a slash number (HDS-R 12/30, MMSE: 24/30).
fn after_score_name(v: &View, i: usize) -> bool {
    let mut k = i;
    while k > 0 && matches!(v.at(k - 1), ' ' | ':') {
        k -= 1;
    }
    v.before(k).is_ascii_alphanumeric() || matches!(v.before(k), '点' | '式' | '数')
}

/// Words after a slash number that make it a fraction (1/2錠, 1/3程度).
fn after_fraction_word(v: &View, b: usize) -> bool {
    [
        "程度", "量", "以下", "以上", "錠", "包", "T", "A", "V", "回", "本", "倍",
    ]
    .iter()
    .any(|w| v.has(b, w))
}

/// Whether `day` exists in `month` (29 February allowed: the year is often unknown).
fn day_ok(month: u32, day: u32) -> bool {
    let max = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=max).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{none, one, tags};
    use crate::scrub::Tag;

    #[test]
    fn dates() {
        for d in [
            "昭和33年3月14日",
            "S33.3.14",
            "s33.3.14",
            "昭33.3.14",
            "1958/03/14",
            "1958-3-14",
            "1958年3月14日",
            "1958.3.14",
            "令和元年5月1日",
            "R1.5.1",
            "令和6年3月",
            "3月14日",
            "３月１４日",
            "三月十四日",
            "昭和三十三年三月十四日",
            "2024/3",
            "20240314",
            "平成20年",
            "58年3月14日",
        ] {
            one(&format!("は{d}に"), d, Tag::Date);
        }
        one("3/14(木)受診", "3/14", Tag::Date);
        one("昭和33年3月14日生まれ", "昭和33年3月14日生まれ", Tag::Date);
        for no in [
            "3日間",
            "2週間",
            "3か月",
            "3ヶ月",
            "BP 142/88",
            "14:30",
            "1/2錠",
            "5mg 1日2回",
            "3年間",
            "2年前",
        ] {
            none(&format!("{no}の"));
        }
        // Impossible dates are not dates.
        none("2月30日");
        let found = tags("平成31年5月1日 ");
        assert!(
            !found.iter().any(|(s, _)| s == "平成31年5月1日"),
            "{found:?}"
        );
    }

    #[test]
    fn ages() {
        one("82歳男性", "82歳", Tag::Age);
        one("八十二歳", "八十二歳", Tag::Age);
        one("82才", "82才", Tag::Age);
        one("82 y.o. male", "82 y.o.", Tag::Age);
        one("70歳代", "70歳代", Tag::Age);
    }
}
