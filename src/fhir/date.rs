//! FHIR's date spellings (`date`, `dateTime`, `instant`: `1958`, `1958-03`, `1958-03-14`,
//! `2024-04-01T09:30:00+09:00`) shifted or cut while keeping their precision and time of day,
//! which the CSV date actions (whole dates, wareki) do not need to.

use crate::action::{DateLevel, Invalid};
use crate::ja::wareki::Date;

/// A date as given: its year, month and day (as precise as written) and the rest (`T…`).
type Parts<'a> = (i32, Option<u8>, Option<u8>, &'a str);

/// Splits a FHIR date into its [`Parts`].
fn parts(value: &str) -> Result<Parts<'_>, Invalid> {
    let invalid = || Invalid("not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD[Thh:mm:ss…])".into());
    let (date, rest) = match value.find('T') {
        Some(at) => value.split_at(at),
        None => (value, ""),
    };
    let mut fields = date.split('-');
    let number = |s: Option<&str>, len: usize| -> Result<Option<u32>, Invalid> {
        match s {
            None => Ok(None),
            Some(s) if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse().map(Some).map_err(|_| invalid())
            }
            Some(_) => Err(invalid()),
        }
    };
    let year = number(fields.next(), 4)?.ok_or_else(invalid)?;
    let month = number(fields.next(), 2)?;
    let day = number(fields.next(), 2)?;
    if fields.next().is_some() || (day.is_none() && !rest.is_empty()) {
        return Err(invalid());
    }
    let year = i32::try_from(year).map_err(|_| invalid())?;
    let month = month
        .map(|m| u8::try_from(m).map_err(|_| invalid()))
        .transpose()?;
    let day = day
        .map(|d| u8::try_from(d).map_err(|_| invalid()))
        .transpose()?;
    Date::new(year, month.unwrap_or(1), day.unwrap_or(1)).ok_or_else(invalid)?;
    Ok((year, month, day, rest))
}

/// Moves the date by `days`, keeping its precision and time of day. A year or year-month is
/// moved from its middle, so it changes only when the shift crosses its end.
///
/// # Errors
/// [`Invalid`] when the value is not a FHIR date or leaves the calendar.
pub fn shift(value: &str, days: i64, out: &mut String) -> Result<(), Invalid> {
    let (year, month, day, rest) = parts(value)?;
    let out_of_range = || Invalid("date out of range after shifting".into());
    let middle = Date::new(
        year,
        month.unwrap_or(7),
        day.unwrap_or(if month.is_some() { 15 } else { 1 }),
    )
    .ok_or_else(out_of_range)?;
    let moved = middle.add_days(days).ok_or_else(out_of_range)?;
    match (month, day) {
        (Some(_), Some(_)) => out.push_str(&moved.iso()),
        (Some(_), None) => out.push_str(&format!("{:04}-{:02}", moved.year, moved.month)),
        _ => out.push_str(&format!("{:04}", moved.year)),
    }
    out.push_str(rest);
    Ok(())
}

/// Cuts the date to its year or year-month (the time of day goes).
///
/// # Errors
/// [`Invalid`] when the value is not a FHIR date.
pub fn generalize(value: &str, level: DateLevel, out: &mut String) -> Result<(), Invalid> {
    let (year, month, _, _) = parts(value)?;
    match (level, month) {
        (DateLevel::YearMonth, Some(month)) => out.push_str(&format!("{year:04}-{month:02}")),
        _ => out.push_str(&format!("{year:04}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_keeps_precision_and_time() {
        for (value, days, expected) in [
            ("2024-04-01", 10, "2024-04-11"),
            ("2024-04-01T09:30:00+09:00", -1, "2024-03-31T09:30:00+09:00"),
            ("2024-04", 10, "2024-04"),
            ("2024-04", 20, "2024-05"),
            ("2024", -200, "2023"),
            ("2024", 30, "2024"),
        ] {
            let mut out = String::new();
            shift(value, days, &mut out).unwrap();
            assert_eq!(out, expected, "{value} {days}");
        }
        for bad in [
            "",
            "24-01-01",
            "2024-13-01",
            "2024-02-30",
            "2024/04/01",
            "2024-04T10:00",
            "令和6年",
        ] {
            assert!(shift(bad, 1, &mut String::new()).is_err(), "{bad}");
        }
    }

    #[test]
    fn generalize_cuts() {
        for (value, level, expected) in [
            ("1958-03-14", DateLevel::YearMonth, "1958-03"),
            ("1958-03-14T10:00:00Z", DateLevel::Year, "1958"),
            ("1958", DateLevel::YearMonth, "1958"),
        ] {
            let mut out = String::new();
            generalize(value, level, &mut out).unwrap();
            assert_eq!(out, expected);
        }
    }
}
