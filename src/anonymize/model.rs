//! What the search is asked for and what it answers: the privacy model ([`Privacy`],
//! [`LDiversity`]), the information-loss [`Metric`], and the chosen generalization
//! ([`Solution`]), which the second pass applies to each row.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::stats::Stats;

/// The privacy model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Privacy {
    /// Every kept class has at least `k` rows (k-anonymity).
    pub k: u32,
    /// l-diversity of the sensitive column in every kept class (the [`Stats`] must track it).
    pub l: Option<LDiversity>,
    /// The largest share of rows that may be suppressed, 0 to 1 (`0.05` for 5 %).
    pub max_suppression: f64,
}

/// l-diversity variants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LDiversity {
    /// At least this many distinct sensitive values per class.
    Distinct(u32),
    /// The entropy of the sensitive values in every class is at least `ln(l)`.
    Entropy(f64),
}

/// Information-loss metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Generalization intensity (ARX's default "Loss" metric, geometric mean, gs-factor 0.5).
    Loss,
    /// Discernibility (DM).
    Discernibility,
    /// Non-uniform entropy (ARX's precomputed variant).
    NonUniformEntropy,
}

/// The chosen generalization.
#[derive(Debug, Clone, Serialize)]
pub struct Solution {
    /// Level per quasi-identifier, in column order.
    pub levels: Vec<usize>,
    /// Information loss under `metric`.
    pub loss: f64,
    /// The metric minimized.
    pub metric: Metric,
    /// Rows suppressed (their classes fail the model).
    pub suppressed: u64,
    /// Equivalence classes kept.
    pub classes: u64,
    /// Lattice nodes whose classes were computed.
    pub checked: usize,
    /// Nodes in the lattice.
    pub lattice: usize,
    /// Generalized id tuples of the suppressed classes.
    #[serde(skip)]
    pub(super) outliers: HashSet<Box<[u32]>>,
    /// Sizes of the kept classes.
    #[serde(skip)]
    pub(super) kept: Vec<u64>,
}

impl Solution {
    /// Second pass: the generalized quasi-identifier values of a row, or `None` when the row is
    /// suppressed.
    ///
    /// # Errors
    /// A wrong number of values, or a value that was not seen in the first pass.
    pub fn apply(
        &self,
        stats: &Stats,
        qi: &[&str],
        _sensitive: Option<&str>,
    ) -> Result<Option<Vec<String>>, String> {
        let ids = stats.lookup(qi)?;
        let mut generalized = Vec::with_capacity(ids.len());
        for ((attr, &id), &level) in stats.attrs.iter().zip(&ids).zip(&self.levels) {
            let up = attr
                .up
                .get(level)
                .and_then(|u| u.get(id as usize))
                .copied()
                .ok_or("level out of range")?;
            generalized.push(up);
        }
        if self.outliers.contains(generalized.as_slice()) {
            return Ok(None);
        }
        stats
            .attrs
            .iter()
            .zip(&generalized)
            .zip(&self.levels)
            .map(|((attr, &id), &level)| {
                attr.levels
                    .get(level)
                    .and_then(|d| d.values.get(id as usize))
                    .cloned()
                    .ok_or_else(|| "level out of range".to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// Sizes of the classes kept (not suppressed), for the risk report after anonymization.
    pub fn kept_class_sizes(&self) -> &[u64] {
        &self.kept
    }
}
