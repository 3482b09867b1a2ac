//! [`format`]: a [`Date`] written back as 和暦 in one of three styles.

use super::date::Date;

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

#[cfg(test)]
mod tests {
    use super::super::date::CALENDAR_START;
    use super::super::testing::{d, Ymd};
    use super::super::{parse, Era};
    use super::*;

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
}
