//! Dates as Japanese exports and notes write them, western and 和暦 (wareki, the era calendar):
//! the [`Date`] type (proleptic Gregorian, day arithmetic), the [`Era`] table, [`parse`] for every
//! spelling seen in practice and [`format`] back to 和暦.
//!
//! Japan used the lunar calendar before 1873-01-01 (明治6年1月1日), so era dates before that day
//! are rejected rather than guessed. Error messages ([`DateError`]) never contain the value.

mod date;
mod era;
mod error;
mod formatting;
mod numerals;
mod parsing;

pub use date::Date;
pub use era::Era;
pub use error::DateError;
pub use formatting::{format, Style};
pub use parsing::parse;

/// What the tests of every part share.
#[cfg(test)]
mod testing {
    use super::Date;

    /// Year, month, day.
    pub(super) type Ymd = (i32, u8, u8);

    pub(super) fn d(year: i32, month: u8, day: u8) -> Date {
        Date::new(year, month, day).unwrap()
    }
}
