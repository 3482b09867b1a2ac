//! The search: the generalization (one level per quasi-identifier) that satisfies the privacy
//! model — k-anonymity, optionally distinct or entropy l-diversity, with up to a share of rows
//! suppressed — with the least information loss, over the full lattice of level combinations.
//!
//! Metrics follow ARX's definitions exactly, so that the optimum and its loss are ARX's:
//! - [`Metric::Loss`] is ARX's default `Metric.createLossMetric()`: per quasi-identifier, the
//!   average share of the domain each generalized value covers (a suppressed row counts as the
//!   whole domain), normalized by `(x - n/|domain|) / (n - n/|domain|)`, and aggregated over
//!   quasi-identifiers by the geometric mean `Π(xᵢ + 1)^(1/d) − 1`. Each value is rounded down
//!   to 10 decimals, as ARX does.
//! - [`Metric::NonUniformEntropy`] is `Metric.createPrecomputedEntropyMetric(0.1, true)`: per
//!   quasi-identifier `Σ_v f(v)·log₂(f(g(v)) / f(v))` over the values of the whole input
//!   (suppression does not change it), summed.
//! - [`Metric::Discernibility`] is ARX's DM: `Σ |class|²` over kept classes plus `n` per
//!   suppressed row.
//!
//! As in ARX, a row is suppressed with its whole class when the class fails the model (fewer
//! than k rows, or not l-diverse); a node satisfies the model when at most
//! `⌊max_suppression · n⌋` rows are suppressed, and the optimum is taken over every node that
//! does.
//!
//! The search orders the lattice by a lower bound of the loss that needs no data pass (exact for
//! non-uniform entropy; the loss without suppression for Loss), visits nodes in that order and
//! stops when the bound passes the best loss found. A node found not to satisfy the model marks
//! all its specializations as failing too, and one that satisfies it marks its generalizations
//! (the Flash/OLA predictive tagging; sound because the models are monotone: k-anonymity and
//! distinct l-diversity with or without suppression, entropy l-diversity without). From a failing
//! node the search also climbs, by binary search along each attribute in turn, to a maximal
//! failing node above it, so that one evaluation settles its whole down-set. A node's
//! classes are rolled up from the smallest cached class map of a less general node, never from
//! the rows. The result equals [`search_exhaustive`]'s, which evaluates every node; ties are
//! broken towards fewer generalization steps, then the lexicographically smallest levels.

use super::classes::{ClassMap, PackedKey};
use super::engine::Engine;
use super::model::{Metric, Privacy, Solution};
use super::setup::Setup;
use super::stats::Stats;

/// Finds the generalization that satisfies `privacy` with the least loss under `metric`.
///
/// # Errors
/// Invalid parameters (k of 0, a suppression share outside 0–1, l-diversity without a tracked
/// sensitive column), a lattice larger than 2²² nodes, quasi-identifiers with more than 128 bits
/// of distinct values, or no generalization satisfying the model.
///
/// # Example
/// ```
/// use deid_kit::anonymize::{search, Hierarchy, Metric, Privacy, Stats};
/// let mut stats = Stats::new(vec![Hierarchy::builtin("age").unwrap()], false);
/// for age in ["31", "32", "33", "36", "37"] {
///     stats.add(&[age], None)?;
/// }
/// let privacy = Privacy { k: 2, l: None, max_suppression: 0.0 };
/// let s = search(&stats, &privacy, Metric::Loss)?;
/// assert_eq!(s.levels, vec![1]); // 5-year bands: 30-34 ×3, 35-39 ×2
/// assert_eq!(s.apply(&stats, &["36"], None)?, Some(vec!["35-39".to_owned()]));
/// # Ok::<(), String>(())
/// ```
pub fn search(stats: &Stats, privacy: &Privacy, metric: Metric) -> Result<Solution, String> {
    run(stats, privacy, metric, false)
}

/// The same optimum as [`search`], found by evaluating every node of the lattice (the reference
/// the pruned search is tested against).
///
/// # Errors
/// As [`search`].
///
/// # Example
/// ```
/// use deid_kit::anonymize::{search, search_exhaustive, Hierarchy, Metric, Privacy, Stats};
/// let mut stats = Stats::new(vec![Hierarchy::builtin("age").unwrap()], false);
/// for age in ["31", "32", "47", "48", "49"] {
///     stats.add(&[age], None)?;
/// }
/// let p = Privacy { k: 2, l: None, max_suppression: 0.0 };
/// let (a, b) = (search(&stats, &p, Metric::Loss)?, search_exhaustive(&stats, &p, Metric::Loss)?);
/// assert_eq!((a.levels, a.loss), (b.levels, b.loss));
/// assert_eq!(b.checked, 5);
/// # Ok::<(), String>(())
/// ```
pub fn search_exhaustive(
    stats: &Stats,
    privacy: &Privacy,
    metric: Metric,
) -> Result<Solution, String> {
    run(stats, privacy, metric, true)
}

/// The information loss of one node under `metric`, or `None` when it does not satisfy the
/// model (for tests and reports).
///
/// # Errors
/// As [`search`], and for levels out of range.
///
/// # Example
/// ```
/// use deid_kit::anonymize::{evaluate, Hierarchy, Metric, Privacy, Stats};
/// let mut stats = Stats::new(vec![Hierarchy::builtin("sex").unwrap()], false);
/// for sex in ["男", "男", "女"] {
///     stats.add(&[sex], None)?;
/// }
/// let p = Privacy { k: 2, l: None, max_suppression: 0.0 };
/// assert_eq!(evaluate(&stats, &p, Metric::Discernibility, &[0])?, None);
/// assert_eq!(evaluate(&stats, &p, Metric::Discernibility, &[1])?, Some(9.0));
/// # Ok::<(), String>(())
/// ```
pub fn evaluate(
    stats: &Stats,
    privacy: &Privacy,
    metric: Metric,
    levels: &[usize],
) -> Result<Option<f64>, String> {
    let setup = Setup::new(stats, privacy, metric)?;
    let node = setup.index_of(levels)?;
    if setup.total_bits <= 64 {
        Engine::<u64>::new(&setup).evaluate_only(node)
    } else {
        Engine::<u128>::new(&setup).evaluate_only(node)
    }
}

/// Node states during the search.
const UNKNOWN: u8 = 0;
const SATISFIED: u8 = 1;
const FAILED: u8 = 2;
/// Evaluated and satisfying (its loss has been offered).
const EVALUATED: u8 = 3;

impl<'s, 'a, K: PackedKey> Engine<'s, 'a, K> {
    /// Best-first search over the static bound with predictive tagging.
    fn search(&mut self) -> Option<usize> {
        let s = self.setup;
        let heights: Vec<usize> = (0..s.size).map(|x| s.levels_of(x).iter().sum()).collect();
        let bounds: Vec<f64> = (0..s.size).map(|x| s.bound(&s.levels_of(x))).collect();
        let mut order: Vec<usize> = (0..s.size).collect();
        let key = |x: usize| {
            (
                bounds.get(x).copied().unwrap_or(f64::INFINITY),
                heights.get(x).copied().unwrap_or(0),
                x,
            )
        };
        order.sort_unstable_by(|&a, &b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut state = vec![UNKNOWN; s.size];
        let mut best: Option<(f64, usize, usize)> = None;
        for &x in &order {
            let (bound, _, _) = key(x);
            if let Some((loss, _, _)) = best {
                if bound > loss {
                    break;
                }
            }
            match state.get(x).copied() {
                Some(FAILED) => continue,
                // Offered already; with an exact bound nothing later can beat it.
                Some(EVALUATED) if s.exact_is_bound => break,
                Some(EVALUATED) => continue,
                Some(SATISFIED) if s.metric_monotone => continue,
                _ => {}
            }
            if self.check(x, &mut state, &mut best) {
                if s.exact_is_bound {
                    break;
                }
            } else if s.anon_monotone {
                self.climb(x, &mut state, &mut best);
            }
        }
        best.map(|(_, _, x)| x)
    }

    /// Evaluates node `x`: tags the lattice, offers it as the best and returns whether it
    /// satisfies the model.
    fn check(
        &mut self,
        x: usize,
        state: &mut [u8],
        best: &mut Option<(f64, usize, usize)>,
    ) -> bool {
        let s = self.setup;
        let levels = s.levels_of(x);
        let map = self.classes(&levels);
        let e = self.analyze(&map, &levels);
        let height = levels.iter().sum();
        self.remember(levels, map);
        if e.satisfied {
            let candidate = (e.loss, height, x);
            if best.is_none_or(|b| candidate < b) {
                *best = Some(candidate);
            }
        }
        if s.anon_monotone {
            self.tag(state, x, if e.satisfied { SATISFIED } else { FAILED });
        }
        if let Some(c) = state.get_mut(x) {
            // Its loss has been offered: never evaluate it again.
            *c = if e.satisfied { EVALUATED } else { FAILED };
        }
        e.satisfied
    }

    /// From a failing node, climbs to a maximal failing node above it (binary search along each
    /// attribute in turn) and tags everything below that as failing: one evaluation then
    /// settles many nodes (Flash's path search).
    fn climb(&mut self, x: usize, state: &mut [u8], best: &mut Option<(f64, usize, usize)>) {
        let s = self.setup;
        let mut y = x;
        for (&h, &stride) in s.heights.iter().zip(&s.strides) {
            let mut lo = (y / stride) % h.max(1);
            let mut hi = h.saturating_sub(1);
            let base = y - lo * stride;
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                let z = base + mid * stride;
                let fails = match state.get(z).copied() {
                    Some(FAILED) => true,
                    Some(SATISFIED | EVALUATED) => false,
                    _ => !self.check(z, state, best),
                };
                if fails {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            y = base + lo * stride;
        }
    }

    /// Marks `x` and everything above it (SATISFIED) or below it (FAILED).
    fn tag(&self, state: &mut [u8], x: usize, value: u8) {
        let s = self.setup;
        let mut stack = vec![x];
        if let Some(c) = state.get_mut(x) {
            *c = value;
        }
        while let Some(node) = stack.pop() {
            for (&h, &stride) in s.heights.iter().zip(&s.strides) {
                let level = (node / stride) % h.max(1);
                let next = if value == SATISFIED {
                    (level + 1 < h).then(|| node + stride)
                } else {
                    (level > 0).then(|| node - stride)
                };
                if let Some(n) = next {
                    if let Some(c) = state.get_mut(n) {
                        if *c != value && *c != EVALUATED {
                            *c = value;
                            stack.push(n);
                        }
                    }
                }
            }
        }
    }

    /// Evaluates every node (depth-first over a spanning tree, each map rolled up from its
    /// parent's) and returns the best.
    fn exhaustive(&mut self) -> Option<usize> {
        let s = self.setup;
        let mut best: Option<(f64, usize, usize)> = None;
        let root = vec![0; s.heights.len()];
        let base = self.base.clone();
        self.visit(&base, &root, 0, &mut best);
        best.map(|(_, _, x)| x)
    }

    fn visit(
        &mut self,
        map: &ClassMap<K>,
        levels: &[usize],
        first: usize,
        best: &mut Option<(f64, usize, usize)>,
    ) {
        self.checked += 1;
        let s = self.setup;
        let e = self.analyze(map, levels);
        if e.satisfied {
            let x = s.index_of(levels).unwrap_or(0);
            let candidate = (e.loss, levels.iter().sum::<usize>(), x);
            if best.is_none_or(|b| candidate < b) {
                *best = Some(candidate);
            }
        }
        for i in first..levels.len() {
            let (Some(&l), Some(&h)) = (levels.get(i), s.heights.get(i)) else {
                continue;
            };
            if l + 1 >= h {
                continue;
            }
            let mut child = levels.to_vec();
            if let Some(c) = child.get_mut(i) {
                *c += 1;
            }
            let next = self.rollup(map, levels, &child);
            self.visit(&next, &child, i, best);
        }
    }
}

fn run(
    stats: &Stats,
    privacy: &Privacy,
    metric: Metric,
    exhaustive: bool,
) -> Result<Solution, String> {
    let setup = Setup::new(stats, privacy, metric)?;
    if setup.total_bits <= 64 {
        run_with::<u64>(&setup, exhaustive)
    } else {
        run_with::<u128>(&setup, exhaustive)
    }
}

fn run_with<K: PackedKey>(setup: &Setup<'_>, exhaustive: bool) -> Result<Solution, String> {
    let mut engine = Engine::<K>::new(setup);
    let best = if exhaustive {
        engine.exhaustive()
    } else {
        engine.search()
    };
    let x =
        best.ok_or("no generalization satisfies the privacy model within the suppression limit")?;
    Ok(engine.solution(x))
}

#[cfg(test)]
mod tests {
    use super::super::hierarchy::Hierarchy;
    use super::super::model::LDiversity;
    use super::super::testing::age_and_sex;
    use super::*;

    fn rows(list: &[(&str, &str)]) -> Stats {
        let mut s = age_and_sex(true);
        for (i, (age, sex)) in list.iter().enumerate() {
            let d = ["a", "b", "c"][i % 3];
            s.add(&[age, sex], Some(d)).unwrap();
        }
        s
    }

    #[test]
    fn pruned_equals_exhaustive_for_every_metric() {
        let s = rows(&[
            ("31", "M"),
            ("32", "F"),
            ("33", "M"),
            ("36", "F"),
            ("37", "M"),
            ("52", "M"),
            ("55", "F"),
            ("58", "F"),
            ("91", "F"),
            ("12", "M"),
        ]);
        for metric in [
            Metric::Loss,
            Metric::Discernibility,
            Metric::NonUniformEntropy,
        ] {
            for k in 1..5 {
                for supp in [0.0, 0.1, 0.3, 1.0] {
                    for l in [
                        None,
                        Some(LDiversity::Distinct(2)),
                        Some(LDiversity::Entropy(1.5)),
                    ] {
                        let p = Privacy {
                            k,
                            l,
                            max_suppression: supp,
                        };
                        let a = search(&s, &p, metric).map(|s| (s.levels, s.loss, s.suppressed));
                        let b = search_exhaustive(&s, &p, metric)
                            .map(|s| (s.levels, s.loss, s.suppressed));
                        assert_eq!(a, b, "{metric:?} k={k} supp={supp} l={l:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn empty_input_and_wide_keys() {
        let s = Stats::new(vec![Hierarchy::builtin("age").unwrap()], false);
        let p = Privacy {
            k: 5,
            l: None,
            max_suppression: 0.0,
        };
        assert_eq!(search(&s, &p, Metric::Loss).unwrap().levels, vec![0]);
        // Five attributes of 9,000 values each need 70 bits: the u128 keys.
        let rows: Vec<Vec<String>> = (0..9000)
            .map(|i| vec![format!("v{i}"), format!("g{}", i / 2), "*".to_owned()])
            .collect();
        let h = Hierarchy::from_rows(&rows).unwrap();
        let mut s = Stats::new(vec![h; 5], false);
        for i in 0..9000 {
            let v = format!("v{i}");
            s.add(&[&v, &v, &v, &v, &v], None).unwrap();
        }
        let p = Privacy { k: 2, ..p };
        let a = search(&s, &p, Metric::Loss).unwrap();
        let b = search_exhaustive(&s, &p, Metric::Loss).unwrap();
        assert_eq!(a.levels, vec![1; 5]);
        assert_eq!((&a.levels, a.loss), (&b.levels, b.loss));
        assert_eq!(
            a.apply(&s, &["v7"; 5], None).unwrap().unwrap()[0],
            "g3".to_owned()
        );
    }

    #[test]
    fn invalid_parameters() {
        let s = rows(&[("31", "M")]);
        let p = |k, max_suppression| Privacy {
            k,
            l: None,
            max_suppression,
        };
        assert!(search(&s, &p(0, 0.0), Metric::Loss).is_err());
        assert!(search(&s, &p(1, 1.5), Metric::Loss).is_err());
        assert!(search(&s, &p(2, 0.0), Metric::Loss).is_err());
        let all = search(&s, &p(2, 1.0), Metric::Loss).unwrap();
        assert_eq!(all.suppressed, 1);
        assert_eq!(all.apply(&s, &["31", "M"], None).unwrap(), None);
    }
}
