//! [`parse`]: every spelling of a date seen in Japanese exports and notes, western and 和暦, read
//! into a checked Gregorian [`Date`].

use crate::ja::normalize::{normalize, Options};

use super::date::{days_in_month, Date, CALENDAR_START};
use super::era::Era;
use super::error::DateError;
use super::numerals::{read_ascii, read_month_or_day, read_number};

/// Parses a date in any spelling Japanese exports and notes use and returns the Gregorian date.
///
/// Accepted, after NFKC (so full-width digits, letters and punctuation work), with surrounding
/// whitespace: western `2024/04/01`, `2024-4-1`, `2024.4.1`, `20240401`, `2024年4月1日`; 和暦 with
/// the era in kanji (`令和6年4月1日`, `令和元年5月1日`, `昭33.3.14`), as a letter (`S33.3.14`,
/// `r01/05/01`, `S33年3月14日`, `S330314`) or as the seven-digit era code (`3330314`); kanji
/// numerals (`昭和三十三年三月十四日`, `二〇二四年四月一日`). A trailing `生`, `(生)` or `生まれ`
/// and a time of day (`2024-04-01 10:30`, `2024-04-01T10:30:00+09:00`) are allowed and ignored.
/// Western dates before 1873 are returned as written (they are already Gregorian).
///
/// # Errors
/// [`DateError`] says why: not spelled as a date (including year-month only), a two-digit western
/// year, no such month or day, era year 0, a date outside its era, or an era date before 1873.
///
/// # Example
/// ```
/// use deid_kit::ja::wareki::{parse, Date, DateError, Era};
/// let d = Date::new(1958, 3, 14).unwrap();
/// assert_eq!(parse("昭和33年3月14日生"), Ok(d));
/// assert_eq!(parse("Ｓ３３．３．１４"), Ok(d));
/// assert_eq!(parse("3330314"), Ok(d));
/// assert_eq!(parse("1958-03-14T09:00:00"), Ok(d));
/// assert_eq!(parse("平成31年5月1日"), Err(DateError::AfterEra(Era::Heisei)));
/// assert_eq!(parse("58/3/14"), Err(DateError::AmbiguousYear));
/// ```
pub fn parse(value: &str) -> Result<Date, DateError> {
    let normalized;
    let text = if value.chars().all(is_nfkc_stable) {
        value.trim()
    } else {
        normalized = normalize(value, Options::default());
        normalized.as_str()
    };
    let (raw, rest) = parse_syntax(text).ok_or(DateError::NotADate)?;
    if !is_ignorable_tail(rest) {
        return Err(DateError::NotADate);
    }
    raw.resolve()
}

/// Characters NFKC leaves alone that dates use: with only these, `parse` skips normalization
/// (and its allocation).
fn is_nfkc_stable(c: char) -> bool {
    c.is_ascii()
        // CJK Unified Ideographs have no decomposition (the compatibility block is elsewhere).
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || matches!(c, '〇' | '○' | 'ま' | 'れ' | '\u{2010}' | '\u{2212}')
}

/// A date as spelled, before its numbers are checked.
enum Raw {
    /// A western date; `two_digit` when the year had one or two digits.
    Western {
        year: u32,
        month: u32,
        day: u32,
        two_digit: bool,
    },
    /// An era date.
    Era {
        era: Era,
        year: u32,
        month: u32,
        day: u32,
    },
    /// A seven-digit era code form whose era digit is not 1 to 5.
    UnknownEraCode,
}

impl Raw {
    /// Checks the numbers and converts to a Gregorian date.
    fn resolve(self) -> Result<Date, DateError> {
        match self {
            Raw::UnknownEraCode => Err(DateError::UnknownEraCode),
            Raw::Western {
                two_digit: true, ..
            } => Err(DateError::AmbiguousYear),
            Raw::Western {
                year, month, day, ..
            } => {
                let year = i32::try_from(year).map_err(|_| DateError::NotADate)?;
                checked_date(year, month, day)
            }
            Raw::Era {
                era,
                year,
                month,
                day,
            } => {
                if year == 0 {
                    return Err(DateError::EraYearZero);
                }
                let year = i32::try_from(year)
                    .ok()
                    .and_then(|y| era.first_day().year.checked_add(y - 1))
                    .ok_or(DateError::NotADate)?;
                let date = checked_date(year, month, day)?;
                if era == Era::Meiji && date < CALENDAR_START {
                    Err(DateError::LunarCalendar)
                } else if date < era.first_day() {
                    Err(DateError::BeforeEra(era))
                } else if era.last_day().is_some_and(|last| date > last) {
                    Err(DateError::AfterEra(era))
                } else {
                    Ok(date)
                }
            }
        }
    }
}

/// The Gregorian date `year-month-day`, or why there is none.
fn checked_date(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
    let month = u8::try_from(month)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or(DateError::NoSuchMonth)?;
    let days = days_in_month(year, month);
    u8::try_from(day)
        .ok()
        .and_then(|day| Date::new(year, month, day))
        .ok_or(DateError::NoSuchDay {
            days_in_month: days,
        })
}

/// Reads a date from the start of `text` and returns it with the text after it.
fn parse_syntax(text: &str) -> Option<(Raw, &str)> {
    let mut rest = text;
    let era = read_era(&mut rest);
    if era.is_some() {
        rest = rest.trim_start();
    }
    let year = read_number(&mut rest)?;
    if year.arabic && !rest.starts_with(is_separator) {
        let v = year.value;
        match (era, year.digits) {
            (None, 8) => {
                let raw = Raw::Western {
                    year: v / 10_000,
                    month: v / 100 % 100,
                    day: v % 100,
                    two_digit: false,
                };
                return Some((raw, rest));
            }
            (None, 7) => {
                let raw = match Era::from_code(v / 1_000_000) {
                    Some(era) => Raw::Era {
                        era,
                        year: v / 10_000 % 100,
                        month: v / 100 % 100,
                        day: v % 100,
                    },
                    None => Raw::UnknownEraCode,
                };
                return Some((raw, rest));
            }
            (Some(era), 6) => {
                let raw = Raw::Era {
                    era,
                    year: v / 10_000,
                    month: v / 100 % 100,
                    day: v % 100,
                };
                return Some((raw, rest));
            }
            _ => {}
        }
    }

    let sep = rest.chars().next().filter(|&c| is_separator(c))?;
    rest = rest.get(sep.len_utf8()..)?;
    let kanji = sep == '年';
    if kanji {
        rest = rest.trim_start();
    }
    let month = read_month_or_day(&mut rest)?;
    rest = if kanji {
        rest.strip_prefix('月')?.trim_start()
    } else {
        rest.strip_prefix(sep)?
    };
    let day = read_month_or_day(&mut rest)?;
    if kanji {
        rest = rest.strip_prefix('日')?;
    }

    let raw = match era {
        Some(era) if (1..=3).contains(&year.digits) => Raw::Era {
            era,
            year: year.value,
            month,
            day,
        },
        None if !year.gan && year.digits == 4 => Raw::Western {
            year: year.value,
            month,
            day,
            two_digit: false,
        },
        None if !year.gan && (1..=2).contains(&year.digits) => Raw::Western {
            year: year.value,
            month,
            day,
            two_digit: true,
        },
        _ => return None,
    };
    Some((raw, rest))
}

/// What may follow the year: 年 or a punctuation separator.
fn is_separator(c: char) -> bool {
    matches!(c, '年' | '/' | '-' | '.' | '\u{2010}' | '\u{2212}')
}

/// Reads an era prefix: `昭和`, `昭` or `S`/`s`.
fn read_era(rest: &mut &str) -> Option<Era> {
    for era in Era::ALL {
        if let Some(after) = rest.strip_prefix(era.name()) {
            *rest = after;
            return Some(era);
        }
    }
    let c = rest.chars().next()?;
    let era = match c {
        '明' | 'M' | 'm' => Era::Meiji,
        '大' | 'T' | 't' => Era::Taisho,
        '昭' | 'S' | 's' => Era::Showa,
        '平' | 'H' | 'h' => Era::Heisei,
        '令' | 'R' | 'r' => Era::Reiwa,
        _ => return None,
    };
    *rest = rest.get(c.len_utf8()..)?;
    Some(era)
}

/// Whether what follows the date is only a time of day and/or a birth mark (生, (生), 生まれ).
fn is_ignorable_tail(rest: &str) -> bool {
    let rest = strip_time(rest).unwrap_or(rest).trim_start();
    let rest = ["生まれ", "生れ", "(生)", "生"]
        .iter()
        .find_map(|suffix| rest.strip_prefix(suffix))
        .unwrap_or(rest);
    rest.trim_start().is_empty()
}

/// Strips a time of day after a space or `T`: `H:MM`, `HH:MM:SS`, optional fraction and zone.
fn strip_time(rest: &str) -> Option<&str> {
    let mut r = match rest.strip_prefix('T') {
        Some(after) => after,
        None => {
            let after = rest.trim_start();
            if after.len() == rest.len() {
                return None;
            }
            after
        }
    };
    let hour = read_ascii(&mut r, 1, 2)?;
    r = r.strip_prefix(':')?;
    let minute = read_ascii(&mut r, 2, 2)?;
    if hour > 23 || minute > 59 {
        return None;
    }
    if let Some(after) = r.strip_prefix(':') {
        r = after;
        if read_ascii(&mut r, 2, 2)? > 60 {
            return None;
        }
        if let Some(after) = r.strip_prefix(['.', ',']) {
            r = after;
            read_ascii(&mut r, 1, 9)?;
        }
    }
    if let Some(after) = r.strip_prefix('Z') {
        r = after;
    } else if let Some(after) = r.strip_prefix(['+', '-']) {
        r = after;
        read_ascii(&mut r, 2, 2)?;
        r = r.strip_prefix(':').unwrap_or(r);
        read_ascii(&mut r, 2, 2)?;
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{d, Ymd};
    use super::*;

    #[test]
    fn parses_every_spelling() {
        let cases: &[(&str, Ymd)] = &[
            // western
            ("2024/04/01", (2024, 4, 1)),
            ("2024/4/1", (2024, 4, 1)),
            ("2024-4-1", (2024, 4, 1)),
            ("2024-04-01", (2024, 4, 1)),
            ("2024.4.1", (2024, 4, 1)),
            ("20240401", (2024, 4, 1)),
            ("2024年4月1日", (2024, 4, 1)),
            ("2024年04月01日", (2024, 4, 1)),
            ("1958/03/14", (1958, 3, 14)),
            ("1958-3-14", (1958, 3, 14)),
            ("19580314", (1958, 3, 14)),
            ("1958.3.14", (1958, 3, 14)),
            ("２０２４／０４／０１", (2024, 4, 1)),
            ("２０２４年４月１日", (2024, 4, 1)),
            ("2024\u{2212}04\u{2212}01", (2024, 4, 1)),
            // birth marks
            ("1958/03/14生", (1958, 3, 14)),
            ("1958/03/14(生)", (1958, 3, 14)),
            ("1958/03/14（生）", (1958, 3, 14)),
            ("1958年3月14日生まれ", (1958, 3, 14)),
            ("1958年3月14日 生", (1958, 3, 14)),
            ("19580314生", (1958, 3, 14)),
            // time parts, ignored
            ("2024-04-01 10:30", (2024, 4, 1)),
            ("2024-04-01T10:30:00", (2024, 4, 1)),
            ("2024-04-01T10:30:00.123+09:00", (2024, 4, 1)),
            ("2024-04-01T01:30:00Z", (2024, 4, 1)),
            ("2024/04/01 9:05", (2024, 4, 1)),
            ("2024/04/01  9:05:59", (2024, 4, 1)),
            ("20240401 23:59", (2024, 4, 1)),
            ("令和6年4月1日 10:30", (2024, 4, 1)),
            // whitespace around
            ("  2024/04/01  ", (2024, 4, 1)),
            ("\t2024-04-01\n", (2024, 4, 1)),
            ("\u{3000}令和6年4月1日\u{3000}", (2024, 4, 1)),
            // 和暦 with the era in kanji
            ("令和6年4月1日", (2024, 4, 1)),
            ("令和元年5月1日", (2019, 5, 1)),
            ("昭和33年3月14日", (1958, 3, 14)),
            ("昭和33年3月14日生", (1958, 3, 14)),
            ("昭和３３年３月１４日", (1958, 3, 14)),
            ("昭33.3.14", (1958, 3, 14)),
            ("昭33年3月14日", (1958, 3, 14)),
            ("昭33年3月14日生", (1958, 3, 14)),
            ("平成1年1月8日", (1989, 1, 8)),
            ("昭和 33年 3月 14日", (1958, 3, 14)),
            ("㍼33年3月14日", (1958, 3, 14)),
            ("㋿6年4月1日", (2024, 4, 1)),
            // letter era
            ("S33.3.14", (1958, 3, 14)),
            ("S33/03/14", (1958, 3, 14)),
            ("s33.3.14", (1958, 3, 14)),
            ("Ｓ３３．３．１４", (1958, 3, 14)),
            ("R1.5.1", (2019, 5, 1)),
            ("R01/05/01", (2019, 5, 1)),
            ("r6.4.1", (2024, 4, 1)),
            ("H31-4-30", (2019, 4, 30)),
            ("h1.1.8", (1989, 1, 8)),
            ("S33年3月14日", (1958, 3, 14)),
            ("M6.1.1", (1873, 1, 1)),
            ("T1.7.30", (1912, 7, 30)),
            ("S330314", (1958, 3, 14)),
            // era code
            ("3330314", (1958, 3, 14)),
            ("5060401", (2024, 4, 1)),
            ("4310430", (2019, 4, 30)),
            ("1060101", (1873, 1, 1)),
            ("2010730", (1912, 7, 30)),
            ("３３３０３１４", (1958, 3, 14)),
            // kanji numerals
            ("昭和三十三年三月十四日", (1958, 3, 14)),
            ("令和元年五月一日", (2019, 5, 1)),
            ("平成三十一年四月三十日", (2019, 4, 30)),
            ("二〇二四年四月一日", (2024, 4, 1)),
            ("二○二四年四月一日", (2024, 4, 1)),
            ("二千二十四年四月一日", (2024, 4, 1)),
            ("二千〇二十四年四月一日", (2024, 4, 1)),
            ("千九百五十八年三月十四日", (1958, 3, 14)),
            ("昭和三三年三月一四日", (1958, 3, 14)),
            ("令和六年十二月三十一日", (2024, 12, 31)),
            // era boundaries
            ("明治6年1月1日", (1873, 1, 1)),
            ("明治45年7月29日", (1912, 7, 29)),
            ("大正元年7月30日", (1912, 7, 30)),
            ("大正15年12月24日", (1926, 12, 24)),
            ("昭和元年12月25日", (1926, 12, 25)),
            ("昭和64年1月7日", (1989, 1, 7)),
            ("平成元年1月8日", (1989, 1, 8)),
            ("平成31年4月30日", (2019, 4, 30)),
            // leap days
            ("2024/02/29", (2024, 2, 29)),
            ("2000/02/29", (2000, 2, 29)),
            ("令和2年2月29日", (2020, 2, 29)),
            // western dates before 1873 are already Gregorian
            ("1850-01-01", (1850, 1, 1)),
        ];
        for &(input, (y, m, day)) in cases {
            assert_eq!(parse(input), Ok(d(y, m, day)), "{input}");
        }
    }

    #[test]
    fn rejects_impossible_and_malformed() {
        use DateError::*;
        let cases: &[(&str, DateError)] = &[
            ("平成31年5月1日", AfterEra(Era::Heisei)),
            ("昭和64年1月8日", AfterEra(Era::Showa)),
            ("大正15年12月25日", AfterEra(Era::Taisho)),
            ("明治45年7月30日", AfterEra(Era::Meiji)),
            ("平成99年1月1日", AfterEra(Era::Heisei)),
            ("H31.5.1", AfterEra(Era::Heisei)),
            ("4310501", AfterEra(Era::Heisei)),
            ("令和元年4月30日", BeforeEra(Era::Reiwa)),
            ("大正元年7月29日", BeforeEra(Era::Taisho)),
            ("昭和元年12月24日", BeforeEra(Era::Showa)),
            ("平成元年1月7日", BeforeEra(Era::Heisei)),
            ("令和6年2月30日", NoSuchDay { days_in_month: 29 }),
            ("昭和33年2月30日", NoSuchDay { days_in_month: 28 }),
            ("明治6年2月30日", NoSuchDay { days_in_month: 28 }),
            ("大正2年2月30日", NoSuchDay { days_in_month: 28 }),
            ("H31.2.29", NoSuchDay { days_in_month: 28 }),
            ("3330230", NoSuchDay { days_in_month: 28 }),
            ("2023/02/29", NoSuchDay { days_in_month: 28 }),
            ("1900/02/29", NoSuchDay { days_in_month: 28 }),
            ("2024/04/31", NoSuchDay { days_in_month: 30 }),
            ("2024/01/00", NoSuchDay { days_in_month: 31 }),
            ("令和0年5月1日", EraYearZero),
            ("R0.5.1", EraYearZero),
            ("5000501", EraYearZero),
            ("2024/13/01", NoSuchMonth),
            ("2024/00/10", NoSuchMonth),
            ("昭和33年13月1日", NoSuchMonth),
            ("20241301", NoSuchMonth),
            ("明治5年12月2日", LunarCalendar),
            ("明治元年1月25日", LunarCalendar),
            ("M1.1.25", LunarCalendar),
            ("1050101", LunarCalendar),
            ("58年3月14日", AmbiguousYear),
            ("58/3/14", AmbiguousYear),
            ("58.3.14", AmbiguousYear),
            ("5/3/14", AmbiguousYear),
            ("五十八年三月十四日", AmbiguousYear),
            ("6330314", UnknownEraCode),
            ("0330314", UnknownEraCode),
            ("2024/04/01x", NotADate),
            ("abc", NotADate),
            ("", NotADate),
            ("   ", NotADate),
            ("2024/04", NotADate),
            ("2024年4月", NotADate),
            ("2024/4-1", NotADate),
            ("2024//4/1", NotADate),
            ("202404011", NotADate),
            ("2024040", NoSuchMonth),
            ("240401", NotADate),
            ("2024-04-01 25:00", NotADate),
            ("2024-04-01T", NotADate),
            ("2024-04-01 10:3", NotADate),
            ("S33", NotADate),
            ("昭和", NotADate),
            ("令和元年5月1", NotADate),
            ("2024/123/1", NotADate),
            ("958/3/14", NotADate),
            ("X33.3.14", NotADate),
            ("33.3.14.5", NotADate),
            ("元年5月1日", NotADate),
            ("令和元年元月1日", NotADate),
            ("S1234.1.1", NotADate),
            ("2024/04/01生x", NotADate),
            ("99999999999999999999", NotADate),
            ("十十年一月一日", NotADate),
        ];
        for &(input, expected) in cases {
            assert_eq!(parse(input), Err(expected), "{input}");
        }
    }
}
