//! 匿名加工 (tokumei kakō, anonymization): generalization hierarchies, the k-anonymity /
//! l-diversity search over the full lattice with suppression, information-loss metrics and the
//! re-identification risk report.
//!
//! Two passes over the data, in memory proportional to the distinct quasi-identifier
//! combinations:
//! 1. [`Stats::add`] every row (the quasi-identifiers, and the sensitive value for l-diversity);
//! 2. [`search`] for the optimal generalization, then [`Solution::apply`] every row again to get
//!    its generalized values, or `None` when the row is suppressed.
//!
//! [`risk`] reports re-identification risk at any levels (all 0 before anonymization), and
//! [`RareCounter`] counts rare values (特異な記述, tokui na kijutsu, peculiar descriptions) in the
//! other columns.
//!
//! # Example
//! ```
//! use deid_kit::anonymize::{risk, search, Hierarchy, Metric, Privacy, Stats};
//! let rows = [["34", "男"], ["36", "男"], ["38", "女"], ["31", "女"], ["52", "男"]];
//! let mut stats = Stats::new(vec![Hierarchy::builtin("age").unwrap(), Hierarchy::builtin("sex").unwrap()], false);
//! for r in &rows {
//!     stats.add(&[r[0], r[1]], None)?;
//! }
//! let privacy = Privacy { k: 2, l: None, max_suppression: 0.2 };
//! let solution = search(&stats, &privacy, Metric::Loss)?;
//! let out: Vec<_> = rows.iter().map(|r| solution.apply(&stats, &[r[0], r[1]], None)).collect::<Result<_, _>>()?;
//! assert_eq!(out.iter().filter(|r| r.is_none()).count() as u64, solution.suppressed);
//! assert!(risk(&stats, &solution.levels, 2).records_at_risk <= solution.suppressed);
//! # Ok::<(), String>(())
//! ```

mod builtin;
mod classes;
mod engine;
mod hierarchy;
mod model;
mod risk;
mod search;
mod setup;
mod stats;

pub use builtin::{region_of, Builtin};
pub use hierarchy::{Hierarchy, ListHierarchy, SUPPRESSED};
pub use model::{LDiversity, Metric, Privacy, Solution};
pub use risk::{risk, risk_of_sizes, RareCounter, RareValues, RiskReport};
pub use search::{evaluate, search, search_exhaustive};
pub use stats::Stats;

/// What the tests of every part share.
#[cfg(test)]
mod testing {
    use super::{Hierarchy, Stats};

    /// Empty statistics over the built-in age and sex hierarchies.
    pub(super) fn age_and_sex(track_sensitive: bool) -> Stats {
        Stats::new(
            vec![
                Hierarchy::builtin("age").unwrap(),
                Hierarchy::builtin("sex").unwrap(),
            ],
            track_sensitive,
        )
    }
}
