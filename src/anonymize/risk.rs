//! Re-identification risk (再識別リスク, sai-shikibetsu risuku) from the equivalence classes, and
//! the count of rare values (特異な記述, tokui na kijutsu) in the columns that are not
//! quasi-identifiers.
//!
//! With no population table, the data set is taken as its own population, as ARX does without a
//! population model: a record's prosecutor and journalist risk are both `1 / |class|`, and the
//! marketer risk (the expected share of records re-identified) is `classes / rows`.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::model::Solution;
use super::stats::Stats;

/// The risk figures of one set of equivalence classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskReport {
    /// Rows covered (suppressed rows excluded).
    pub rows: u64,
    /// Equivalence classes.
    pub classes: u64,
    /// (class size, number of classes of that size), by size.
    pub class_sizes: Vec<(u64, u64)>,
    /// The threshold the report was made for.
    pub k: u32,
    /// Rows in classes smaller than `k`.
    pub records_at_risk: u64,
    /// Classes smaller than `k`.
    pub classes_at_risk: u64,
    /// Highest prosecutor risk: 1 / the smallest class.
    pub prosecutor_max: f64,
    /// Average prosecutor risk over records: classes / rows.
    pub prosecutor_avg: f64,
    /// Highest journalist risk (no population table: equal to the prosecutor's).
    pub journalist_max: f64,
    /// Average journalist risk (no population table: equal to the prosecutor's).
    pub journalist_avg: f64,
    /// Marketer risk: the expected share of records re-identified, classes / rows.
    pub marketer: f64,
}

/// The risk of the data generalized to `levels` (all 0: the data as it is), no row suppressed.
/// A missing level counts as 0 and a level past the top as the top.
///
/// # Example
/// ```
/// use deid_kit::anonymize::{risk, Hierarchy, Stats};
/// let mut stats = Stats::new(vec![Hierarchy::builtin("sex").unwrap()], false);
/// for sex in ["男", "男", "男", "女"] {
///     stats.add(&[sex], None)?;
/// }
/// let r = risk(&stats, &[0], 2);
/// assert_eq!((r.records_at_risk, r.prosecutor_max, r.marketer), (1, 1.0, 0.5));
/// assert_eq!(risk(&stats, &[1], 2).prosecutor_max, 0.25);
/// # Ok::<(), String>(())
/// ```
pub fn risk(stats: &Stats, levels: &[usize], k: u32) -> RiskReport {
    let mut classes: HashMap<Vec<u32>, u64> = HashMap::new();
    for t in &stats.tuples {
        let key: Vec<u32> = stats
            .attrs
            .iter()
            .enumerate()
            .zip(t.ids.iter())
            .map(|((i, attr), &id)| {
                let top = attr.up.len().saturating_sub(1);
                let level = levels.get(i).copied().unwrap_or(0).min(top);
                attr.up
                    .get(level)
                    .and_then(|u| u.get(id as usize))
                    .copied()
                    .unwrap_or(id)
            })
            .collect();
        *classes.entry(key).or_insert(0) += t.count;
    }
    risk_of_sizes(classes.into_values(), k)
}

/// The risk of classes of these sizes (zero sizes are ignored).
///
/// # Example
/// ```
/// let r = deid_kit::anonymize::risk_of_sizes([1, 2, 2, 5], 2);
/// assert_eq!(r.class_sizes, vec![(1, 1), (2, 2), (5, 1)]);
/// assert_eq!((r.rows, r.records_at_risk, r.prosecutor_max), (10, 1, 1.0));
/// assert!((r.prosecutor_avg - 0.4).abs() < 1e-12);
/// ```
pub fn risk_of_sizes(sizes: impl IntoIterator<Item = u64>, k: u32) -> RiskReport {
    let mut by_size: HashMap<u64, u64> = HashMap::new();
    for size in sizes.into_iter().filter(|&s| s > 0) {
        *by_size.entry(size).or_insert(0) += 1;
    }
    let mut class_sizes: Vec<(u64, u64)> = by_size.into_iter().collect();
    class_sizes.sort_unstable();
    let rows: u64 = class_sizes.iter().map(|&(s, n)| s.saturating_mul(n)).sum();
    let classes: u64 = class_sizes.iter().map(|&(_, n)| n).sum();
    let at_risk = class_sizes.iter().filter(|&&(s, _)| s < u64::from(k));
    let records_at_risk = at_risk.clone().map(|&(s, n)| s.saturating_mul(n)).sum();
    let classes_at_risk = at_risk.map(|&(_, n)| n).sum();
    let max = class_sizes
        .first()
        .map_or(0.0, |&(smallest, _)| 1.0 / smallest as f64);
    let avg = if rows == 0 {
        0.0
    } else {
        classes as f64 / rows as f64
    };
    RiskReport {
        rows,
        classes,
        class_sizes,
        k,
        records_at_risk,
        classes_at_risk,
        prosecutor_max: max,
        prosecutor_avg: avg,
        journalist_max: max,
        journalist_avg: avg,
        marketer: avg,
    }
}

impl Solution {
    /// The risk of the anonymized output: the kept classes only (suppressed rows are not
    /// released).
    pub fn risk(&self, k: u32) -> RiskReport {
        risk_of_sizes(self.kept_class_sizes().iter().copied(), k)
    }
}

/// Rare values of one column that is not a quasi-identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RareValues {
    /// The column.
    pub column: String,
    /// Distinct values that occur in fewer than k rows.
    pub rare_values: u64,
    /// Rows holding one of them.
    pub rows: u64,
}

/// Counts values per column to find the rare ones (特異な記述). Values are kept only as 64-bit
/// hashes and never reported; empty values are not counted.
///
/// # Example
/// ```
/// use deid_kit::anonymize::RareCounter;
/// let mut c = RareCounter::new();
/// for d in ["感冒", "感冒", "感冒", "ファブリー病"] {
///     c.add("病名", d);
/// }
/// let r = c.report(2);
/// assert_eq!((r[0].rare_values, r[0].rows), (1, 1));
/// ```
#[derive(Debug, Clone, Default)]
pub struct RareCounter {
    columns: Vec<(String, HashMap<u64, u64>)>,
}

impl RareCounter {
    /// An empty counter.
    pub fn new() -> RareCounter {
        RareCounter::default()
    }

    /// Counts `value` in `column`.
    pub fn add(&mut self, column: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let mut h = DefaultHasher::new();
        value.hash(&mut h);
        let key = h.finish();
        let counts = match self.columns.iter().position(|(c, _)| c == column) {
            Some(i) => self.columns.get_mut(i).map(|(_, m)| m),
            None => {
                self.columns.push((column.to_owned(), HashMap::new()));
                self.columns.last_mut().map(|(_, m)| m)
            }
        };
        if let Some(counts) = counts {
            let n = counts.entry(key).or_insert(0);
            *n = n.saturating_add(1);
        }
    }

    /// Per column (in the order first seen): values rarer than `k` rows, and their rows.
    pub fn report(&self, k: u32) -> Vec<RareValues> {
        self.columns
            .iter()
            .map(|(column, counts)| {
                let rare = counts.values().filter(|&&n| n < u64::from(k));
                RareValues {
                    column: column.clone(),
                    rare_values: rare.clone().count() as u64,
                    rows: rare.sum(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::age_and_sex;
    use super::*;

    /// A hand-computed example: ages 31, 33, 33, 36, 47, 48 and sex.
    #[test]
    fn hand_computed_risk() {
        let mut s = age_and_sex(false);
        for (age, sex) in [
            ("31", "男"),
            ("33", "男"),
            ("33", "男"),
            ("36", "女"),
            ("47", "女"),
            ("48", "女"),
        ] {
            s.add(&[age, sex], None).unwrap();
        }
        // Level 0: classes {31男}, {33男 ×2}, {36女}, {47女}, {48女}.
        let r = risk(&s, &[0, 0], 2);
        assert_eq!(r.class_sizes, vec![(1, 4), (2, 1)]);
        assert_eq!(
            (r.rows, r.classes, r.records_at_risk, r.classes_at_risk),
            (6, 5, 4, 4)
        );
        assert_eq!(r.prosecutor_max, 1.0);
        assert!((r.prosecutor_avg - 5.0 / 6.0).abs() < 1e-12);
        assert!((r.marketer - 5.0 / 6.0).abs() < 1e-12);
        // 10-year bands and sex: {30-39 男 ×3}, {30-39 女}, {40-49 女 ×2}.
        let r = risk(&s, &[2, 0], 2);
        assert_eq!(r.class_sizes, vec![(1, 1), (2, 1), (3, 1)]);
        assert_eq!(r.records_at_risk, 1);
        assert!((r.prosecutor_avg - 0.5).abs() < 1e-12);
        // 10-year bands, sex suppressed: {30-39 ×4}, {40-49 ×2}.
        let r = risk(&s, &[2, 1], 2);
        assert_eq!((r.records_at_risk, r.prosecutor_max), (0, 0.5));
        assert!((r.journalist_avg - 2.0 / 6.0).abs() < 1e-12);
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.contains("\"records_at_risk\":0")
                && json.contains("\"class_sizes\":[[2,1],[4,1]]")
        );
    }

    #[test]
    fn rare_counter_never_keeps_values() {
        let mut c = RareCounter::new();
        for (col, v) in [
            ("a", "x"),
            ("a", "x"),
            ("a", "y"),
            ("b", ""),
            ("b", "z"),
            ("a", " x "),
        ] {
            c.add(col, v);
        }
        let r = c.report(3);
        assert_eq!(
            r,
            vec![
                RareValues {
                    column: "a".into(),
                    rare_values: 1,
                    rows: 1
                },
                RareValues {
                    column: "b".into(),
                    rare_values: 1,
                    rows: 1
                },
            ]
        );
        assert!(!format!("{c:?}").contains('x'));
    }
}
