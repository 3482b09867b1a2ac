//! Date actions: `generalize_date`, `date_shift` and `age`. Every spelling the exports use is read
//! by [`crate::ja::wareki::parse`]; results are written in ISO 8601 (`1958-03`, `2024-04-01`).

use std::cell::RefCell;

use hmac::Mac;
use serde::{Deserialize, Serialize};

use super::Invalid;
use crate::ja::normalize;
use crate::ja::wareki::{self, Date};
use crate::key::{keyed, HmacSha256, SiteKey};

/// How far `generalize_date` cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateLevel {
    /// "1958".
    Year,
    /// "1958-03".
    YearMonth,
}

/// Writes the date cut to `level`.
pub fn generalize(value: &str, level: DateLevel, out: &mut String) -> Result<(), Invalid> {
    let date = wareki::parse(value)?;
    match level {
        DateLevel::Year => out.push_str(&format!("{:04}", date.year)),
        DateLevel::YearMonth => out.push_str(&format!("{:04}-{:02}", date.year, date.month)),
    }
    Ok(())
}

/// Shifts dates by an offset derived from the patient ID with the site key: every date of one
/// patient moves by the same number of days (intervals stay exact), in every file and run.
#[derive(Debug, Clone)]
pub struct DateShifter {
    mac: HmacSha256,
    max_days: u32,
    /// The last patient's raw ID and offset: exports list a patient's rows together, so most
    /// rows reuse it instead of computing an HMAC.
    last: RefCell<Option<(String, Option<i64>)>>,
}

/// The largest shift allowed, ten years.
const MAX_SHIFT_DAYS: u32 = 3650;

impl DateShifter {
    /// A shifter moving dates by 1 to `max_days` days, earlier or later.
    ///
    /// # Errors
    /// A message when `max_days` is 0 or over 3650.
    pub fn new(key: &SiteKey, max_days: u32) -> Result<DateShifter, String> {
        if !(1..=MAX_SHIFT_DAYS).contains(&max_days) {
            return Err(format!(
                "max_days must be 1 to {MAX_SHIFT_DAYS} (got {max_days})"
            ));
        }
        Ok(DateShifter {
            mac: keyed(key.derive("date_shift").as_ref()),
            max_days,
            last: RefCell::new(None),
        })
    }

    /// The patient's offset in days: never 0, within ±`max_days`. IDs are compared on their
    /// normalized form without leading zeros, so 00123 and １２３ shift alike.
    pub fn offset(&self, patient_id: &str) -> Option<i64> {
        if let Some((id, offset)) = self.last.borrow().as_ref() {
            if id == patient_id {
                return *offset;
            }
        }
        let offset = self.compute(patient_id);
        *self.last.borrow_mut() = Some((patient_id.to_owned(), offset));
        offset
    }

    fn compute(&self, patient_id: &str) -> Option<i64> {
        let id = normalize::patient_id(patient_id, true);
        if id.is_empty() {
            return None;
        }
        let mut mac = self.mac.clone();
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(digest.get(..8).unwrap_or(&[0; 8]));
        let span = u64::from(self.max_days) * 2;
        let k = i64::try_from(u64::from_be_bytes(first) % span).ok()?;
        let max = i64::from(self.max_days);
        Some(if k < max { -(k + 1) } else { k - max + 1 })
    }

    /// Writes the shifted date.
    pub fn apply(
        &self,
        value: &str,
        patient_id: Option<&str>,
        out: &mut String,
    ) -> Result<(), Invalid> {
        let offset = patient_id
            .and_then(|id| self.offset(id))
            .ok_or_else(|| Invalid("no patient ID to shift this row's dates by".into()))?;
        let date = wareki::parse(value)?;
        let shifted = date
            .add_days(offset)
            .ok_or_else(|| Invalid("date out of range after shifting".into()))?;
        out.push_str(&shifted.iso());
        Ok(())
    }
}

/// `age`: whole years between a birth date and the reference date, optionally banded and
/// top-coded.
#[derive(Debug, Clone, Copy)]
pub struct AgeRule {
    reference: Date,
    band: Option<u32>,
    top: Option<u32>,
}

impl AgeRule {
    /// # Errors
    /// A message for a band of 0 years.
    pub fn new(reference: Date, band: Option<u32>, top: Option<u32>) -> Result<AgeRule, String> {
        if band == Some(0) {
            return Err("band must be at least 1 year".into());
        }
        Ok(AgeRule {
            reference,
            band,
            top,
        })
    }

    /// Writes the age ("47"), band ("45-49") or top code ("90+").
    pub fn apply(&self, birth: &str, out: &mut String) -> Result<(), Invalid> {
        let birth = wareki::parse(birth)?;
        let age = age_at(birth, self.reference)
            .ok_or_else(|| Invalid("birth date after the reference date".into()))?;
        match (self.top, self.band) {
            (Some(top), _) if age >= top => out.push_str(&format!("{top}+")),
            (_, Some(band)) => {
                let low = age / band * band;
                out.push_str(&format!("{low}-{}", low + band - 1));
            }
            _ => out.push_str(&age.to_string()),
        }
        Ok(())
    }
}

/// Age in completed years on `at`; `None` if born after `at`.
pub fn age_at(birth: Date, at: Date) -> Option<u32> {
    let mut years = at.year.checked_sub(birth.year)?;
    if (at.month, at.day) < (birth.month, birth.day) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl Fn(&mut String) -> Result<(), Invalid>) -> Option<String> {
        let mut out = String::new();
        f(&mut out).ok().map(|_| out)
    }

    #[test]
    fn generalize_table() {
        for (value, level, expected) in [
            ("1958/03/14", DateLevel::YearMonth, Some("1958-03")),
            ("昭和33年3月14日", DateLevel::YearMonth, Some("1958-03")),
            ("S33.3.14", DateLevel::Year, Some("1958")),
            ("２０２４/０４/０１", DateLevel::YearMonth, Some("2024-04")),
            ("令和元年5月1日", DateLevel::Year, Some("2019")),
            ("平成31年5月1日", DateLevel::Year, None),
            ("不明", DateLevel::Year, None),
        ] {
            assert_eq!(
                run(|o| generalize(value, level, o)).as_deref(),
                expected,
                "{value}"
            );
        }
    }

    #[test]
    fn shift_is_per_patient_nonzero_and_bounded() {
        let key = SiteKey::from_bytes([3; 32]);
        let s = DateShifter::new(&key, 30).unwrap();
        let mut seen = std::collections::HashSet::new();
        for id in 0..2000 {
            let o = s.offset(&format!("{id:08}")).unwrap();
            assert!(o != 0 && o.abs() <= 30, "{o}");
            seen.insert(o);
        }
        assert_eq!(seen.len(), 60, "every offset in ±30 but 0 is used");
        // Leading zeros and full-width digits do not change the patient (also through the
        // one-entry cache, which holds raw IDs).
        assert_eq!(s.offset("000123"), s.offset("１２３"));
        assert_eq!(s.offset("１２３"), s.offset("123"));
        assert_eq!(s.offset("123"), s.compute("000123"));
        assert_eq!(s.offset(""), None);
        // Another key, other offsets.
        let t = DateShifter::new(&SiteKey::from_bytes([4; 32]), 30).unwrap();
        let differ = (0..50).filter(|i| s.offset(&i.to_string()) != t.offset(&i.to_string()));
        assert!(differ.count() > 40);
    }

    #[test]
    fn shift_keeps_intervals_within_a_patient() {
        let s = DateShifter::new(&SiteKey::from_bytes([5; 32]), 365).unwrap();
        let a = run(|o| s.apply("2024/02/28", Some("P1"), o)).unwrap();
        let b = run(|o| s.apply("令和6年3月1日", Some("P1"), o)).unwrap();
        let a = wareki::parse(&a).unwrap().days_since_epoch();
        let b = wareki::parse(&b).unwrap().days_since_epoch();
        assert_eq!(b - a, 2, "2024 is a leap year");
        assert!(run(|o| s.apply("2024/02/28", None, o)).is_none());
        assert!(run(|o| s.apply("2024/02/30", Some("P1"), o)).is_none());
        assert!(DateShifter::new(&SiteKey::from_bytes([5; 32]), 0).is_err());
    }

    #[test]
    fn age_table() {
        let at = Date::new(2024, 4, 1).unwrap();
        for (birth, band, top, expected) in [
            ("1958/03/14", None, None, Some("66")),
            ("1958/04/01", None, None, Some("66")),
            ("1958/04/02", None, None, Some("65")),
            ("1958/04/02", Some(5), None, Some("65-69")),
            ("1958/04/02", Some(10), None, Some("60-69")),
            ("1930/01/01", Some(5), Some(90), Some("90+")),
            ("明治41年1月1日", None, Some(90), Some("90+")),
            ("2025/01/01", None, None, None),
        ] {
            let rule = AgeRule::new(at, band, top).unwrap();
            assert_eq!(
                run(|o| rule.apply(birth, o)).as_deref(),
                expected,
                "{birth}"
            );
        }
        assert!(AgeRule::new(at, Some(0), None).is_err());
    }
}
