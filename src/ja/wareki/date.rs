//! The [`Date`] type: a proleptic Gregorian calendar date, its validity, day arithmetic
//! (days since 1970-01-01) and the era it falls in.

use std::fmt;

use super::era::Era;

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
pub(super) const CALENDAR_START: Date = Date::at(1873, 1, 1);

/// Days from 0000-03-01 to 1970-01-01 in the civil-from-days algorithm.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in a 400-year Gregorian cycle.
const DAYS_PER_ERA: i64 = 146_097;

impl Date {
    /// A date known to be valid (for the constants of this module).
    pub(super) const fn at(year: i32, month: u8, day: u8) -> Date {
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
pub(super) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{d, Ymd};
    use super::*;

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
