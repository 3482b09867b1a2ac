//! Numbers as dates spell them: ASCII digits, kanji numerals digit by digit (二〇二四) or with
//! units (三十三), and 元 for the first year of an era.

/// A number as written.
#[derive(Clone, Copy)]
pub(super) struct Num {
    /// The value written.
    pub(super) value: u32,
    /// Digits written (for kanji with 十百千, digits of the value).
    pub(super) digits: u32,
    /// Written in ASCII digits (the compact all-digit forms need them).
    pub(super) arabic: bool,
    /// Written 元 (year 1 of an era).
    pub(super) gan: bool,
}

/// Reads a month or a day: one or two digits, ASCII or kanji.
pub(super) fn read_month_or_day(rest: &mut &str) -> Option<u32> {
    read_number(rest)
        .filter(|n| !n.gan && (1..=2).contains(&n.digits))
        .map(|n| n.value)
}

/// Reads a number: ASCII digits, kanji numerals (三十三, 二〇二四) or 元.
pub(super) fn read_number(rest: &mut &str) -> Option<Num> {
    let text = *rest;
    let first = text.chars().next()?;
    if first.is_ascii_digit() {
        let len = text.bytes().take_while(u8::is_ascii_digit).count();
        if len > 9 {
            return None;
        }
        let (digits, after) = text.split_at_checked(len)?;
        let value = digits.bytes().try_fold(0u32, |v, b| {
            v.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })?;
        *rest = after;
        return Some(Num {
            value,
            digits: u32::try_from(len).ok()?,
            arabic: true,
            gan: false,
        });
    }
    if let Some(after) = text.strip_prefix('元') {
        *rest = after;
        return Some(Num {
            value: 1,
            digits: 1,
            arabic: false,
            gan: true,
        });
    }
    let len = text
        .char_indices()
        .find(|&(_, c)| kanji_digit(c).is_none() && kanji_unit(c).is_none())
        .map_or(text.len(), |(i, _)| i);
    let (run, after) = text.split_at_checked(len)?;
    let (value, digits) = parse_kanji_number(run)?;
    *rest = after;
    Some(Num {
        value,
        digits,
        arabic: false,
        gan: false,
    })
}

/// The value of a kanji numeral digit. ○ counts as 〇 (二○二四年), as people type it in dates;
/// the scrubber's own table leaves ○ out, since free text uses it as a mark.
fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' => 0,
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

/// The value of a kanji numeral unit.
fn kanji_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// Parses kanji numerals, digit by digit (二〇二四) or with units (二千二十四, 三十三); returns the
/// value and its number of digits.
fn parse_kanji_number(run: &str) -> Option<(u32, u32)> {
    if run.is_empty() {
        return None;
    }
    if !run.chars().any(|c| kanji_unit(c).is_some()) {
        let mut value = 0u32;
        let mut digits = 0u32;
        for c in run.chars() {
            value = value.checked_mul(10)?.checked_add(kanji_digit(c)?)?;
            digits = digits.checked_add(1)?;
        }
        return (digits <= 9).then_some((value, digits));
    }
    let mut total = 0u32;
    let mut pending: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in run.chars() {
        if let Some(unit) = kanji_unit(c) {
            if unit >= last_unit {
                return None;
            }
            total = total.checked_add(pending.take().unwrap_or(1).checked_mul(unit)?)?;
            last_unit = unit;
        } else {
            match kanji_digit(c)? {
                0 => {} // 二千〇二十四: a zero place holder adds nothing.
                d if pending.is_none() => pending = Some(d),
                _ => return None,
            }
        }
    }
    let value = total.checked_add(pending.unwrap_or(0))?;
    Some((value, value.checked_ilog10().map_or(1, |l| l + 1)))
}

/// Reads `min` to `max` ASCII digits.
pub(super) fn read_ascii(rest: &mut &str, min: usize, max: usize) -> Option<u32> {
    let len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if len < min || len > max {
        return None;
    }
    let (digits, after) = rest.split_at_checked(len)?;
    *rest = after;
    digits.parse().ok()
}
