//! The two-pass anonymization (匿名加工) as the session sees it: what the first pass hands to the
//! search, what the second pass needs, and the report section.

use serde::Serialize;

use crate::action::HierarchySpec;
use crate::anonymize::{
    search, Hierarchy, LDiversity, Metric, Privacy, RareCounter, RareValues, RiskReport, Solution,
    Stats,
};
use crate::error::{Error, Result};
use crate::policy::{LModel, MetricName, Policy};

/// What the first pass of an anonymizing policy found: the statistics of its quasi-identifiers
/// and the generalization the search chose. Built by [`anonymize`].
pub struct Anonymized {
    /// Quasi-identifier statistics from the first pass.
    pub stats: Stats,
    /// The chosen generalization.
    pub solution: Solution,
    /// k of the privacy model.
    pub k: u32,
    /// Rare values of the other kept columns (counts only).
    pub rare: Vec<RareValues>,
}

/// The anonymization section of a report.
#[derive(Debug, Clone, Serialize)]
pub struct AnonymizationReport {
    /// Chosen level per quasi-identifier.
    pub levels: Vec<QuasiLevel>,
    /// The search's result (levels, metric, loss, suppressed rows, classes, nodes checked).
    pub solution: Solution,
    /// Risk before anonymization (every quasi-identifier at level 0).
    pub risk_before: RiskReport,
    /// Risk of the output.
    pub risk_after: RiskReport,
    /// Values rarer than k in kept columns that are not quasi-identifiers (特異な記述 to
    /// review): per column, how many distinct values and rows; never the values.
    pub rare_values: Vec<RareValues>,
}

/// One quasi-identifier's chosen generalization.
#[derive(Debug, Clone, Serialize)]
pub struct QuasiLevel {
    /// The column.
    pub column: String,
    /// The level chosen (0 = as written).
    pub level: usize,
    /// The highest level of its hierarchy (suppressed entirely, `*`).
    pub max_level: usize,
}

impl Anonymized {
    /// The report section for quasi-identifiers named `columns` (with their `min_level`, in the
    /// order of the statistics).
    pub fn report(&self, columns: &[(String, usize)]) -> AnonymizationReport {
        let levels = columns
            .iter()
            .zip(&self.solution.levels)
            .zip(self.stats.hierarchies())
            .map(|(((column, min_level), level), h)| QuasiLevel {
                column: column.clone(),
                level: level + min_level,
                max_level: h.levels().saturating_sub(1) + min_level,
            })
            .collect();
        AnonymizationReport {
            levels,
            solution: self.solution.clone(),
            risk_before: crate::anonymize::risk(
                &self.stats,
                &vec![0; self.stats.dimensions()],
                self.k,
            ),
            risk_after: crate::anonymize::risk_of_sizes(
                self.solution.kept_class_sizes().iter().copied(),
                self.k,
            ),
            rare_values: self.rare.clone(),
        }
    }
}

/// Runs the search on a first pass's statistics with the policy's privacy model.
///
/// # Errors
/// A policy without a privacy model, or no transformation that satisfies it.
pub fn anonymize(policy: &Policy, scanned: Scanned) -> Result<Anonymized> {
    let model = policy
        .privacy
        .as_ref()
        .ok_or_else(|| Error::policy("/privacy", "the policy has no privacy model"))?;
    let privacy = Privacy {
        k: model.k,
        l: model.l.map(|l| match l {
            LModel::Distinct(n) => LDiversity::Distinct(n),
            LModel::Entropy(x) => LDiversity::Entropy(x),
        }),
        max_suppression: model.max_suppression,
    };
    let metric = match model.metric {
        MetricName::Loss => Metric::Loss,
        MetricName::Discernibility => Metric::Discernibility,
        MetricName::Entropy => Metric::NonUniformEntropy,
    };
    let solution = search(&scanned.stats, &privacy, metric).map_err(|e| {
        Error::policy(
            "/privacy",
            format!("no generalization satisfies the model: {e}"),
        )
    })?;
    Ok(Anonymized {
        rare: scanned.rare.report(model.k),
        stats: scanned.stats,
        solution,
        k: model.k,
    })
}

/// The first pass's result: statistics and rare-value counts.
pub struct Scanned {
    /// Quasi-identifier statistics.
    pub stats: Stats,
    /// Counts of values per kept column, for rare values.
    pub rare: RareCounter,
    /// FHIR input: the patients the first pass found (identities, opt-outs, Bundle URLs), for
    /// `SessionOptions::patients`.
    pub patients: Option<crate::fhir::PatientIndex>,
}

/// A hierarchy from the policy: a built-in name or inline rows (file paths are read by the
/// caller, e.g. the CLI relative to the policy file, and given inline).
pub fn hierarchy(spec: &HierarchySpec) -> std::result::Result<Hierarchy, String> {
    match spec {
        HierarchySpec::Named(name) => Hierarchy::builtin(name).ok_or_else(|| {
            format!("{name:?} is not a built-in hierarchy (age, date, postal, address, sex); hierarchy files must be given inline or through the CLI")
        }),
        HierarchySpec::Rows(rows) => Hierarchy::from_rows(rows),
    }
}
