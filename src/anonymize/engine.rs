//! The evaluation of lattice nodes over one key width (`u64` or `u128` packed class keys):
//! a node's classes rolled up from the smallest cached map of a less general node (never from
//! the rows), whether they satisfy the model, their exact loss, and the [`Solution`] at a node.
//! The order nodes are visited in is the search's ([`super::search`]).

use std::collections::HashSet;

use super::classes::{ClassMap, PackedKey};
use super::model::{Metric, Solution};
use super::setup::{geometric_mean, normalize_loss, Setup};

/// The outcome of one node.
#[derive(Debug, Clone, Copy)]
pub(super) struct Eval {
    pub(super) satisfied: bool,
    pub(super) suppressed: u64,
    pub(super) classes: u64,
    pub(super) loss: f64,
}

/// A cached class map.
struct Cached<K> {
    levels: Vec<usize>,
    map: ClassMap<K>,
    used: u64,
}

/// The search over one key width.
pub(super) struct Engine<'s, 'a, K> {
    pub(super) setup: &'s Setup<'a>,
    pub(super) base: ClassMap<K>,
    cache: Vec<Cached<K>>,
    budget: usize,
    clock: u64,
    pub(super) checked: usize,
}

impl<'s, 'a, K: PackedKey> Engine<'s, 'a, K> {
    pub(super) fn new(setup: &'s Setup<'a>) -> Engine<'s, 'a, K> {
        let track = setup.l.is_some();
        let stats = setup.stats;
        let mut base = ClassMap::with_capacity(stats.tuples.len(), track);
        for t in &stats.tuples {
            let mut key = K::ZERO;
            for ((&id, &shift), &mask) in t.ids.iter().zip(&setup.shifts).zip(&setup.masks) {
                key = key.with_field(shift, mask, id);
            }
            base.add(key, t.count, &t.sensitive);
        }
        let budget = base.weight().saturating_mul(8).max(1 << 18);
        Engine {
            setup,
            base,
            cache: Vec::new(),
            budget,
            clock: 0,
            checked: 0,
        }
    }

    /// The classes of `to` rolled up from `from`'s.
    pub(super) fn rollup(&self, src: &ClassMap<K>, from: &[usize], to: &[usize]) -> ClassMap<K> {
        let s = self.setup;
        let changes: Vec<(u32, u64, &[u32])> = (0..from.len())
            .filter_map(|i| {
                let (a, b) = (from.get(i).copied()?, to.get(i).copied()?);
                (a != b).then(|| {
                    (
                        s.shifts.get(i).copied().unwrap_or(0),
                        s.masks.get(i).copied().unwrap_or(0),
                        s.step(i, a, b),
                    )
                })
            })
            .collect();
        if changes.is_empty() {
            return src.clone();
        }
        let mut out = ClassMap::with_capacity(src.len(), s.l.is_some());
        let empty: &[(u32, u64)] = &[];
        for (j, (&key, &count)) in src.keys.iter().zip(&src.counts).enumerate() {
            let mut k = key;
            for &(shift, mask, table) in &changes {
                let v = k.field(shift, mask);
                k = k.with_field(shift, mask, table.get(v as usize).copied().unwrap_or(0));
            }
            out.add(k, count, src.sensitive.get(j).map_or(empty, Vec::as_slice));
        }
        out
    }

    /// The classes of a node, from the smallest cached map below it.
    pub(super) fn classes(&mut self, levels: &[usize]) -> ClassMap<K> {
        let below = |c: &Cached<K>| c.levels.iter().zip(levels).all(|(a, b)| a <= b);
        let best = self
            .cache
            .iter()
            .enumerate()
            .filter(|(_, c)| below(c))
            .min_by_key(|(_, c)| c.map.len())
            .map(|(i, _)| i);
        self.clock += 1;
        self.checked += 1;
        let zero = vec![0; levels.len()];
        match best.and_then(|i| self.cache.get(i).map(|c| (i, c))) {
            Some((i, c)) if c.map.len() < self.base.len() => {
                let map = self.rollup(&c.map, &c.levels, levels);
                if let Some(c) = self.cache.get_mut(i) {
                    c.used = self.clock;
                }
                map
            }
            _ => self.rollup(&self.base, &zero, levels),
        }
    }

    pub(super) fn remember(&mut self, levels: Vec<usize>, mut map: ClassMap<K>) {
        map.compact();
        self.cache.push(Cached {
            levels,
            map,
            used: self.clock,
        });
        while self.cache.len() > 256
            || self.cache.iter().map(|c| c.map.weight()).sum::<usize>() > self.budget
        {
            let Some(oldest) = self
                .cache
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| c.used)
                .map(|(i, _)| i)
            else {
                break;
            };
            self.cache.swap_remove(oldest);
        }
    }

    /// Whether the node satisfies the model, rows suppressed, classes kept and exact loss.
    pub(super) fn analyze(&self, map: &ClassMap<K>, levels: &[usize]) -> Eval {
        let s = self.setup;
        let empty: &[(u32, u64)] = &[];
        let mut suppressed = 0u64;
        let mut classes = 0u64;
        let mut squares = 0u128;
        let mut outliers = Vec::new();
        for (j, &count) in map.counts.iter().enumerate() {
            if s.fails(count, map.sensitive.get(j).map_or(empty, Vec::as_slice)) {
                suppressed = suppressed.saturating_add(count);
                outliers.push(j);
            } else {
                classes += 1;
                squares += u128::from(count) * u128::from(count);
            }
        }
        let satisfied = suppressed <= s.limit;
        let loss = if !satisfied {
            f64::INFINITY
        } else {
            match s.metric {
                Metric::NonUniformEntropy => s.bound(levels),
                Metric::Discernibility => {
                    (squares + u128::from(suppressed) * u128::from(s.rows)) as f64
                }
                Metric::Loss if suppressed == 0 => s.bound(levels),
                Metric::Loss => self.loss_with_suppression(map, levels, &outliers),
            }
        };
        Eval {
            satisfied,
            suppressed,
            classes,
            loss,
        }
    }

    /// ARX's Loss when some classes are suppressed: a suppressed row counts as the whole domain.
    fn loss_with_suppression(
        &self,
        map: &ClassMap<K>,
        levels: &[usize],
        outliers: &[usize],
    ) -> f64 {
        let s = self.setup;
        let rows = s.rows as f64;
        let d = levels.len();
        let parts = (0..d).map(|i| {
            let level = levels.get(i).copied().unwrap_or(0);
            let shift = s.shifts.get(i).copied().unwrap_or(0);
            let mask = s.masks.get(i).copied().unwrap_or(0);
            let shares: &[u64] = s
                .domain_rows
                .get(i)
                .and_then(|p| p.get(level))
                .map_or(&[], Vec::as_slice);
            let domain = s.domain.get(i).copied().unwrap_or(1);
            let mut extra = 0u128;
            for &j in outliers {
                let (Some(&key), Some(&count)) = (map.keys.get(j), map.counts.get(j)) else {
                    continue;
                };
                let share = shares
                    .get(key.field(shift, mask) as usize)
                    .copied()
                    .unwrap_or(0);
                extra += u128::from(count) * u128::from(domain.saturating_sub(share));
            }
            let base = s
                .share_sum
                .get(i)
                .and_then(|p| p.get(level))
                .copied()
                .unwrap_or(0);
            normalize_loss((base + extra) as f64 / domain as f64, rows, domain)
        });
        geometric_mean(parts, d)
    }

    pub(super) fn evaluate_only(&mut self, node: usize) -> Result<Option<f64>, String> {
        let levels = self.setup.levels_of(node);
        let map = self.classes(&levels);
        let e = self.analyze(&map, &levels);
        Ok(e.satisfied.then_some(e.loss))
    }

    /// The solution at node `x`.
    pub(super) fn solution(&mut self, x: usize) -> Solution {
        let s = self.setup;
        let levels = s.levels_of(x);
        let checked = self.checked;
        let map = self.classes(&levels);
        let e = self.analyze(&map, &levels);
        let empty: &[(u32, u64)] = &[];
        let mut outliers = HashSet::new();
        let mut kept = Vec::new();
        for (j, (&key, &count)) in map.keys.iter().zip(&map.counts).enumerate() {
            if s.fails(count, map.sensitive.get(j).map_or(empty, Vec::as_slice)) {
                let ids: Box<[u32]> = s
                    .shifts
                    .iter()
                    .zip(&s.masks)
                    .map(|(&shift, &mask)| key.field(shift, mask))
                    .collect();
                outliers.insert(ids);
            } else {
                kept.push(count);
            }
        }
        Solution {
            levels,
            loss: e.loss,
            metric: s.metric,
            suppressed: e.suppressed,
            classes: e.classes,
            checked,
            lattice: s.size,
            outliers,
            kept,
        }
    }
}
