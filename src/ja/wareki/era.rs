//! The [`Era`] table: the five eras (元号, gengō) since 明治, their names, letters, numeric
//! codes and first and last days.

use super::date::Date;

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
    pub(super) fn from_code(code: u32) -> Option<Era> {
        Era::ALL
            .into_iter()
            .find(|era| u32::from(era.code()) == code)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{d, Ymd};
    use super::*;

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
}
