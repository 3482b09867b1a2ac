//! [`DateError`]: why a value is not a date, in messages that never contain the value.

use std::fmt;

use super::era::Era;

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

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

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
}
