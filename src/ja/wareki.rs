//! Dates as Japanese exports and notes write them, western and 和暦 (wareki, the era calendar):
//! the [`Date`] type (proleptic Gregorian, day arithmetic), the [`Era`] table, [`parse`] for every
//! spelling seen in practice and [`format`] back to 和暦.
//!
//! Japan used the lunar calendar before 1873-01-01 (明治6年1月1日), so era dates before that day
//! are rejected rather than guessed. Error messages ([`DateError`]) never contain the value.

use std::fmt;

use crate::ja::normalize::{normalize, Options};

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Gregorian year (astronomical: year 0 exists).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, from 1.
    pub day: u8,
}

/// The first day of the Gregorian calendar in Japan (明治6年1月1日).
const CALENDAR_START: Date = Date::at(1873, 1, 1);

/// Days from 0000-03-01 to 1970-01-01 in the civil-from-days algorithm.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in a 400-year Gregorian cycle.
const DAYS_PER_ERA: i64 = 146_097;

impl Date {
    /// A date known to be valid (for the constants of this module).
    const fn at(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    /// The date `year-month-day`, or `None` when there is no such day (2月30日, month 13).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil, in i64: no i32 year can overflow it.
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month_from_march = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT
    }

    /// The date `days` after 1970-01-01, or `None` when its year does not fit an `i32`.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let z = days.checked_add(EPOCH_SHIFT)?;
        let era = z.div_euclid(DAYS_PER_ERA);
        let day_of_era = z.rem_euclid(DAYS_PER_ERA);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = era
            .checked_mul(400)?
            .checked_add(year_of_era)?
            .checked_add(i64::from(month <= 2))?;
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The date `days` later (earlier when negative), or `None` out of the `i32` year range.
    pub fn add_days(&self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// ISO 8601 form, `1958-03-14`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The era and the year within it (1 for 元年); `None` before 1873-01-01 (lunar calendar).
    pub fn era(&self) -> Option<(Era, u32)> {
        if *self < CALENDAR_START {
            return None;
        }
        let era = Era::ALL
            .iter()
            .rev()
            .copied()
            .find(|era| era.first_day() <= *self)?;
        let year = self
            .year
            .checked_sub(era.first_day().year)?
            .checked_add(1)?;
        u32::try_from(year).ok().map(|year| (era, year))
    }
}

impl fmt::Display for Date {
    /// Writes the ISO 8601 form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// Whether `year` has a 2月29日.
fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` of `year`; 0 for a month outside 1 to 12.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A Japanese era (元号, gengō) since the Meiji restoration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 明治 (M, code 1), 1868-01-25 to 1912-07-29.
    Meiji,
    /// 大正 (T, code 2), 1912-07-30 to 1926-12-24.
    Taisho,
    /// 昭和 (S, code 3), 1926-12-25 to 1989-01-07.
    Showa,
    /// 平成 (H, code 4), 1989-01-08 to 2019-04-30.
    Heisei,
    /// 令和 (R, code 5), from 2019-05-01.
    Reiwa,
}

impl Era {
    /// Every era, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// The era name in kanji, e.g. `昭和`.
    pub fn name(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The one-letter abbreviation, e.g. `S` for 昭和.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The numeric era code of claims and medical-record formats, 1 (明治) to 5 (令和).
    pub fn code(self) -> u8 {
        match self {
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    /// The first day of the era (明治's is nominal: conversion starts at 1873-01-01).
    pub fn first_day(self) -> Date {
        match self {
            Era::Meiji => Date::at(1868, 1, 25),
            Era::Taisho => Date::at(1912, 7, 30),
            Era::Showa => Date::at(1926, 12, 25),
            Era::Heisei => Date::at(1989, 1, 8),
            Era::Reiwa => Date::at(2019, 5, 1),
        }
    }

    /// The last day of the era, `None` for the current one.
    pub fn last_day(self) -> Option<Date> {
        match self {
            Era::Meiji => Some(Date::at(1912, 7, 29)),
            Era::Taisho => Some(Date::at(1926, 12, 24)),
            Era::Showa => Some(Date::at(1989, 1, 7)),
            Era::Heisei => Some(Date::at(2019, 4, 30)),
            Era::Reiwa => None,
        }
    }

    /// The era with numeric code `code`.
    fn from_code(code: u32) -> Option<Era> {
        Era::ALL
            .into_iter()
            .find(|era| u32::from(era.code()) == code)
    }
}

/// Why a value is not a date. The message is safe for reports: it never contains the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// The value is not spelled like a date (or is only a year and month).
    NotADate,
    /// A western year written with one or two digits (58年, 58/3/14): the century is unknown.
    AmbiguousYear,
    /// The month is outside 1 to 12.
    NoSuchMonth,
    /// The day is outside the month.
    NoSuchDay {
        /// How many days the month has.
        days_in_month: u8,
    },
    /// Year 0 of an era (the first year is 元年).
    EraYearZero,
    /// A seven-digit era code whose first digit is not 1 to 5.
    UnknownEraCode,
    /// An era date before 1873-01-01, when Japan used the lunar calendar.
    LunarCalendar,
    /// The date is before the first day of the era.
    BeforeEra(Era),
    /// The date is after the last day of the era.
    AfterEra(Era),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::NotADate => f.write_str("not a date"),
            DateError::AmbiguousYear => {
                f.write_str("two-digit year is ambiguous (write the century or an era)")
            }
            DateError::NoSuchMonth => f.write_str("no such month (months are 1 to 12)"),
            DateError::NoSuchDay { days_in_month } => {
                write!(f, "no such day (month has {days_in_month} days)")
            }
            DateError::EraYearZero => f.write_str("no year 0 in an era (the first year is 元年)"),
            DateError::UnknownEraCode => {
                f.write_str("unknown era code (1 明治, 2 大正, 3 昭和, 4 平成, 5 令和)")
            }
            DateError::LunarCalendar => {
                f.write_str("before 1873 Japan used the lunar calendar; cannot convert")
            }
            DateError::BeforeEra(era) => write!(
                f,
                "date is before the first day of {} ({})",
                era.name(),
                era.first_day().iso()
            ),
            DateError::AfterEra(era) => match era.last_day() {
                Some(last) => write!(
                    f,
                    "date is after the last day of {} ({})",
                    era.name(),
                    last.iso()
                ),
                None => write!(f, "date is after the last day of {}", era.name()),
            },
        }
    }
}

impl std::error::Error for DateError {}

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

/// How [`format`] writes a date in 和暦.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `令和6年4月1日`, with `元年` for year 1.
    Kanji,
    /// `R6.4.1`.
    Letter,
    /// The seven-digit era code form, `5060401` (era code + YYMMDD).
    Code,
}

/// Formats `date` as 和暦 in `style`; `None` before 1873-01-01 (lunar calendar), and in
/// [`Style::Code`] for an era year above 99, which the code form cannot hold.
///
/// # Example
/// ```
/// use deid_kit::ja::wareki::{format, parse, Date, Style};
/// let d = Date::new(2019, 5, 1).unwrap();
/// assert_eq!(format(d, Style::Kanji).as_deref(), Some("令和元年5月1日"));
/// assert_eq!(format(d, Style::Letter).as_deref(), Some("R1.5.1"));
/// assert_eq!(format(d, Style::Code).as_deref(), Some("5010501"));
/// assert_eq!(parse("令和元年5月1日"), Ok(d));
/// assert_eq!(format(Date::new(1872, 12, 31).unwrap(), Style::Kanji), None);
/// ```
pub fn format(date: Date, style: Style) -> Option<String> {
    let (era, year) = date.era()?;
    let (month, day) = (date.month, date.day);
    // Era years have at most three digits (令和 reaches 999 in 3017); later dates are not 和暦
    // anyone writes, and `parse` would not read them back.
    if year > 999 {
        return None;
    }
    match style {
        Style::Kanji if year == 1 => Some(format!("{}元年{month}月{day}日", era.name())),
        Style::Kanji => Some(format!("{}{year}年{month}月{day}日", era.name())),
        Style::Letter => Some(format!("{}{year}.{month}.{day}", era.letter())),
        Style::Code if year > 99 => None,
        Style::Code => Some(format!("{}{year:02}{month:02}{day:02}", era.code())),
    }
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

/// A number as written.
#[derive(Clone, Copy)]
struct Num {
    value: u32,
    /// Digits written (for kanji with 十百千, digits of the value).
    digits: u32,
    /// Written in ASCII digits (the compact all-digit forms need them).
    arabic: bool,
    /// Written 元 (year 1 of an era).
    gan: bool,
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

/// Reads a month or a day: one or two digits, ASCII or kanji.
fn read_month_or_day(rest: &mut &str) -> Option<u32> {
    read_number(rest)
        .filter(|n| !n.gan && (1..=2).contains(&n.digits))
        .map(|n| n.value)
}

/// Reads a number: ASCII digits, kanji numerals (三十三, 二〇二四) or 元.
fn read_number(rest: &mut &str) -> Option<Num> {
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

/// The value of a kanji numeral digit.
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

/// Reads `min` to `max` ASCII digits.
fn read_ascii(rest: &mut &str, min: usize, max: usize) -> Option<u32> {
    let len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if len < min || len > max {
        return None;
    }
    let (digits, after) = rest.split_at_checked(len)?;
    *rest = after;
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Year, month, day.
    type Ymd = (i32, u8, u8);

    fn d(year: i32, month: u8, day: u8) -> Date {
        Date::new(year, month, day).unwrap()
    }

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

    #[test]
    fn messages_never_echo_the_value() {
        let inputs = [
            "2024/02/30",
            "平成31年5月1日",
            "1958/13/14",
            "58/3/14",
            "3330230",
            "令和0年5月1日",
            "明治5年12月2日",
            "2024/04/01x",
            "6330314",
            "令和元年4月30日",
        ];
        for input in inputs {
            let message = parse(input).unwrap_err().to_string();
            assert!(!message.contains(input), "{input}: {message}");
            let digits: Vec<&str> = input
                .split(|c: char| !c.is_ascii_digit())
                .filter(|run| run.len() >= 2)
                .collect();
            for run in digits {
                assert!(!message.contains(run), "{input}: {message}");
            }
        }
        assert_eq!(
            DateError::AfterEra(Era::Heisei).to_string(),
            "date is after the last day of 平成 (2019-04-30)"
        );
        assert_eq!(
            DateError::NoSuchDay { days_in_month: 28 }.to_string(),
            "no such day (month has 28 days)"
        );
        assert_eq!(DateError::NotADate.to_string(), "not a date");
        assert_eq!(
            DateError::AmbiguousYear.to_string(),
            "two-digit year is ambiguous (write the century or an era)"
        );
    }

    #[test]
    fn formats_each_style() {
        let cases: &[(Ymd, &str, &str, &str)] = &[
            ((2024, 4, 1), "令和6年4月1日", "R6.4.1", "5060401"),
            ((2019, 5, 1), "令和元年5月1日", "R1.5.1", "5010501"),
            ((2019, 4, 30), "平成31年4月30日", "H31.4.30", "4310430"),
            ((1958, 3, 14), "昭和33年3月14日", "S33.3.14", "3330314"),
            ((1912, 7, 30), "大正元年7月30日", "T1.7.30", "2010730"),
            ((1912, 7, 29), "明治45年7月29日", "M45.7.29", "1450729"),
            ((1873, 1, 1), "明治6年1月1日", "M6.1.1", "1060101"),
        ];
        for &((y, m, day), kanji, letter, code) in cases {
            let date = d(y, m, day);
            assert_eq!(format(date, Style::Kanji).as_deref(), Some(kanji));
            assert_eq!(format(date, Style::Letter).as_deref(), Some(letter));
            assert_eq!(format(date, Style::Code).as_deref(), Some(code));
        }
        for style in [Style::Kanji, Style::Letter, Style::Code] {
            assert_eq!(format(d(1872, 12, 31), style), None);
        }
        let far = d(2118, 1, 1);
        assert_eq!(
            format(far, Style::Kanji).as_deref(),
            Some("令和100年1月1日")
        );
        assert_eq!(format(far, Style::Code), None);
        assert_eq!(parse("令和100年1月1日"), Ok(far));
    }

    #[test]
    fn round_trips_era_boundaries() {
        for era in Era::ALL {
            let first = era.first_day().max(CALENDAR_START);
            let mut days = vec![first];
            days.extend(era.last_day());
            for date in days {
                for style in [Style::Kanji, Style::Letter, Style::Code] {
                    let text = format(date, style).unwrap();
                    assert_eq!(parse(&text), Ok(date), "{text}");
                }
                assert_eq!(date.era().map(|(e, _)| e), Some(era));
            }
        }
    }

    #[test]
    fn round_trips_a_sample_of_dates() {
        let mut date = d(1873, 1, 1);
        let end = d(2030, 12, 31);
        let mut count = 0;
        while date <= end {
            for style in [Style::Kanji, Style::Letter, Style::Code] {
                let text = format(date, style).unwrap();
                assert_eq!(parse(&text), Ok(date), "{text}");
            }
            assert_eq!(parse(&date.iso()), Ok(date));
            date = date.add_days(37).unwrap();
            count += 1;
        }
        assert!(count > 1500);
    }

    #[test]
    fn era_of_a_date() {
        let cases: &[(Ymd, Option<(Era, u32)>)] = &[
            ((1872, 12, 31), None),
            ((1873, 1, 1), Some((Era::Meiji, 6))),
            ((1912, 7, 29), Some((Era::Meiji, 45))),
            ((1912, 7, 30), Some((Era::Taisho, 1))),
            ((1926, 12, 24), Some((Era::Taisho, 15))),
            ((1926, 12, 25), Some((Era::Showa, 1))),
            ((1989, 1, 7), Some((Era::Showa, 64))),
            ((1989, 1, 8), Some((Era::Heisei, 1))),
            ((2019, 4, 30), Some((Era::Heisei, 31))),
            ((2019, 5, 1), Some((Era::Reiwa, 1))),
            ((2024, 4, 1), Some((Era::Reiwa, 6))),
        ];
        for &((y, m, day), expected) in cases {
            assert_eq!(d(y, m, day).era(), expected, "{y}-{m}-{day}");
        }
        for (i, era) in Era::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(era.code()), i + 1);
            assert_eq!(Era::from_code(u32::from(era.code())), Some(era));
            if let (Some(last), Some(next)) = (era.last_day(), Era::ALL.get(i + 1)) {
                assert_eq!(last.add_days(1), Some(next.first_day()));
            }
        }
    }

    #[test]
    fn validates_dates() {
        let cases: &[(Ymd, bool)] = &[
            ((2024, 2, 29), true),
            ((2023, 2, 29), false),
            ((1900, 2, 29), false),
            ((2000, 2, 29), true),
            ((2024, 2, 30), false),
            ((2024, 4, 31), false),
            ((2024, 12, 31), true),
            ((2024, 0, 1), false),
            ((2024, 13, 1), false),
            ((2024, 1, 0), false),
            ((-4, 2, 29), true),
        ];
        for &((y, m, day), ok) in cases {
            assert_eq!(Date::new(y, m, day).is_some(), ok, "{y}-{m}-{day}");
        }
    }

    #[test]
    fn epoch_days_known_values() {
        let cases: &[(Ymd, i64)] = &[
            ((1970, 1, 1), 0),
            ((1969, 12, 31), -1),
            ((2000, 3, 1), 11_017),
            ((2000, 1, 1), 10_957),
            ((1873, 1, 1), -35_428),
            ((2019, 5, 1), 18_017),
            ((0, 3, 1), -719_468),
        ];
        for &((y, m, day), days) in cases {
            let date = d(y, m, day);
            assert_eq!(date.days_since_epoch(), days, "{y}-{m}-{day}");
            assert_eq!(Date::from_days_since_epoch(days), Some(date));
        }
        assert_eq!(d(1958, 3, 14).iso(), "1958-03-14");
        assert_eq!(d(1958, 3, 14).to_string(), "1958-03-14");
    }

    #[test]
    fn epoch_days_round_trip_every_day() {
        let mut date = d(1873, 1, 1);
        let mut days = date.days_since_epoch();
        while date <= d(2100, 12, 31) {
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(Date::from_days_since_epoch(days), Some(date));
            // The next day, counted by hand.
            date = if date.day < days_in_month(date.year, date.month) {
                d(date.year, date.month, date.day + 1)
            } else if date.month < 12 {
                d(date.year, date.month + 1, 1)
            } else {
                d(date.year + 1, 1, 1)
            };
            days += 1;
        }
    }

    #[test]
    fn epoch_days_extremes_do_not_panic() {
        assert_eq!(Date::from_days_since_epoch(i64::MAX), None);
        assert_eq!(Date::from_days_since_epoch(i64::MIN), None);
        let max = d(i32::MAX, 12, 31);
        let min = d(i32::MIN, 1, 1);
        assert_eq!(
            Date::from_days_since_epoch(max.days_since_epoch()),
            Some(max)
        );
        assert_eq!(
            Date::from_days_since_epoch(min.days_since_epoch()),
            Some(min)
        );
        assert_eq!(max.add_days(1), None);
        assert_eq!(min.add_days(-1), None);
        assert_eq!(d(2024, 2, 28).add_days(1), Some(d(2024, 2, 29)));
        assert_eq!(d(2024, 3, 1).add_days(-1), Some(d(2024, 2, 29)));
    }
}
