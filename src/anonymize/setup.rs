//! The search's set-up: the lattice's shape, the packing of value ids into keys, and the parts
//! of each metric that do not depend on the data pass (ARX's definitions, see `search`).

use super::model::{LDiversity, Metric, Privacy};
use super::stats::Stats;

/// Largest lattice searched.
pub(super) const MAX_LATTICE: usize = 1 << 22;

/// Rounds down to 10 decimals, as ARX does with every per-attribute loss.
pub(super) fn round(value: f64) -> f64 {
    const FACTOR: f64 = 1e10;
    (value * FACTOR).floor() / FACTOR
}

/// Everything about the lattice and the metric that does not depend on the key width.
pub(super) struct Setup<'a> {
    pub(super) stats: &'a Stats,
    pub(super) metric: Metric,
    pub(super) heights: Vec<usize>,
    pub(super) strides: Vec<usize>,
    pub(super) size: usize,
    pub(super) shifts: Vec<u32>,
    pub(super) masks: Vec<u64>,
    pub(super) total_bits: u32,
    /// Per attribute, `steps[a * h + b]`: level-a id → level-b id (a < b).
    pub(super) steps: Vec<Vec<Vec<u32>>>,
    pub(super) k: u64,
    pub(super) l: Option<LDiversity>,
    pub(super) limit: u64,
    pub(super) rows: u64,
    /// Anonymity is monotone: a failing node's specializations fail too.
    pub(super) anon_monotone: bool,
    /// The exact loss equals the static bound (and so is monotone).
    pub(super) exact_is_bound: bool,
    /// The exact loss of satisfying nodes is monotone in generalization.
    pub(super) metric_monotone: bool,
    /// Per attribute and level: the metric's static part.
    pub(super) component: Vec<Vec<f64>>,
    /// Loss only: per attribute and level, rows of the domain per generalized id.
    pub(super) domain_rows: Vec<Vec<Vec<u64>>>,
    /// Loss only: per attribute, the domain size.
    pub(super) domain: Vec<u64>,
    /// Loss only: per attribute and level, `Σ_v f(v) · domain_rows(g(v))`.
    pub(super) share_sum: Vec<Vec<u128>>,
}

impl<'a> Setup<'a> {
    pub(super) fn new(
        stats: &'a Stats,
        privacy: &Privacy,
        metric: Metric,
    ) -> Result<Setup<'a>, String> {
        if privacy.k == 0 {
            return Err("k must be at least 1".to_owned());
        }
        if !(0.0..=1.0).contains(&privacy.max_suppression) {
            return Err("max_suppression must be between 0 and 1".to_owned());
        }
        match privacy.l {
            Some(_) if stats.sensitive.is_none() => {
                return Err("l-diversity needs the sensitive column in the statistics".to_owned())
            }
            Some(LDiversity::Distinct(0)) => return Err("l must be at least 1".to_owned()),
            Some(LDiversity::Entropy(l)) if !(l.is_finite() && l >= 1.0) => {
                return Err("entropy l must be at least 1".to_owned())
            }
            _ => {}
        }
        if stats.attrs.is_empty() {
            return Err("no quasi-identifiers".to_owned());
        }
        let rows = stats.rows();
        let heights: Vec<usize> = stats.attrs.iter().map(|a| a.levels.len()).collect();
        let mut strides = vec![0; heights.len()];
        let mut size: usize = 1;
        for (stride, &h) in strides.iter_mut().zip(&heights).rev() {
            *stride = size;
            size = size
                .checked_mul(h.max(1))
                .filter(|&s| s <= MAX_LATTICE)
                .ok_or("the lattice is too large (more than 2^22 generalizations)")?;
        }
        let mut shifts = Vec::with_capacity(heights.len());
        let mut masks = Vec::with_capacity(heights.len());
        let mut total_bits = 0u32;
        for attr in &stats.attrs {
            let n = attr.freq.len().max(1) as u64;
            let bits = 64 - (n - 1).leading_zeros();
            shifts.push(total_bits);
            masks.push(if bits == 0 {
                0
            } else {
                u64::MAX >> (64 - bits)
            });
            total_bits = total_bits.saturating_add(bits);
        }
        if total_bits > 128 {
            return Err(
                "the quasi-identifiers have too many distinct values to combine".to_owned(),
            );
        }
        let mut steps = Vec::with_capacity(heights.len());
        for (i, attr) in stats.attrs.iter().enumerate() {
            let h = attr.levels.len();
            let mut table = vec![Vec::new(); h * h];
            for a in 0..h {
                for b in a + 1..h {
                    let (Some(ua), Some(ub), Some(da)) =
                        (attr.up.get(a), attr.up.get(b), attr.levels.get(a))
                    else {
                        continue;
                    };
                    let mut map = vec![u32::MAX; da.len()];
                    for (&x, &y) in ua.iter().zip(ub) {
                        let Some(slot) = map.get_mut(x as usize) else {
                            continue;
                        };
                        if *slot != u32::MAX && *slot != y {
                            return Err(format!(
                                "quasi-identifier {}: the hierarchy maps one level-{a} value to two \
                                 level-{b} values",
                                i + 1
                            ));
                        }
                        *slot = y;
                    }
                    if let Some(cell) = table.get_mut(a * h + b) {
                        *cell = map;
                    }
                }
            }
            steps.push(table);
        }
        let limit = if rows == 0 {
            0
        } else {
            (privacy.max_suppression * rows as f64).floor() as u64
        };
        let anon_monotone = limit == 0 || !matches!(privacy.l, Some(LDiversity::Entropy(_)));
        let mut setup = Setup {
            stats,
            metric,
            heights,
            strides,
            size,
            shifts,
            masks,
            total_bits,
            steps,
            k: u64::from(privacy.k),
            l: privacy.l,
            limit,
            rows,
            anon_monotone,
            exact_is_bound: metric == Metric::NonUniformEntropy
                || (metric == Metric::Loss && limit == 0),
            metric_monotone: metric == Metric::NonUniformEntropy || limit == 0,
            component: Vec::new(),
            domain_rows: Vec::new(),
            domain: Vec::new(),
            share_sum: Vec::new(),
        };
        setup.precompute()?;
        Ok(setup)
    }

    /// The metric's per-attribute, per-level parts.
    pub(super) fn precompute(&mut self) -> Result<(), String> {
        let rows = self.rows as f64;
        for attr in &self.stats.attrs {
            let h = attr.levels.len();
            let mut component = vec![0.0; h];
            match self.metric {
                Metric::NonUniformEntropy => {
                    for (level, c) in component.iter_mut().enumerate() {
                        let up = attr.up.get(level).ok_or("level out of range")?;
                        let n = attr.levels.get(level).map_or(0, |d| d.len());
                        let mut generalized = vec![0u64; n];
                        for (&g, &f) in up.iter().zip(&attr.freq) {
                            if let Some(x) = generalized.get_mut(g as usize) {
                                *x += f;
                            }
                        }
                        let mut value = 0.0f64;
                        for (&g, &f) in up.iter().zip(&attr.freq) {
                            let b = generalized.get(g as usize).copied().unwrap_or(0) as f64;
                            let a = f as f64;
                            if a != 0.0 {
                                value += a * ((a / b).ln() / std::f64::consts::LN_2);
                            }
                        }
                        *c = round(if value == 0.0 { value } else { -value });
                    }
                }
                Metric::Loss => {
                    let (domain, per_level) = domain_rows(attr)?;
                    let mut sums = Vec::with_capacity(h);
                    for (level, c) in component.iter_mut().enumerate() {
                        let up = attr.up.get(level).ok_or("level out of range")?;
                        let shares = per_level.get(level).ok_or("level out of range")?;
                        let sum: u128 = up
                            .iter()
                            .zip(&attr.freq)
                            .map(|(&g, &f)| {
                                u128::from(f)
                                    * u128::from(shares.get(g as usize).copied().unwrap_or(0))
                            })
                            .sum();
                        *c = normalize_loss(sum as f64 / domain as f64, rows, domain);
                        sums.push(sum);
                    }
                    self.domain.push(domain);
                    self.domain_rows.push(per_level);
                    self.share_sum.push(sums);
                }
                Metric::Discernibility => {}
            }
            self.component.push(component);
        }
        Ok(())
    }

    pub(super) fn index_of(&self, levels: &[usize]) -> Result<usize, String> {
        if levels.len() != self.heights.len() {
            return Err("wrong number of levels".to_owned());
        }
        let mut index = 0;
        for ((&l, &h), &s) in levels.iter().zip(&self.heights).zip(&self.strides) {
            if l >= h {
                return Err("level out of range".to_owned());
            }
            index += l * s;
        }
        Ok(index)
    }

    pub(super) fn levels_of(&self, index: usize) -> Vec<usize> {
        self.heights
            .iter()
            .zip(&self.strides)
            .map(|(&h, &s)| (index / s) % h.max(1))
            .collect()
    }

    /// The static lower bound of the loss (exact for non-uniform entropy and for Loss without
    /// suppression).
    pub(super) fn bound(&self, levels: &[usize]) -> f64 {
        let parts = self
            .component
            .iter()
            .zip(levels)
            .map(|(c, &l)| c.get(l).copied().unwrap_or(0.0));
        match self.metric {
            Metric::NonUniformEntropy => parts.fold(0.0, |acc, x| acc + x),
            Metric::Loss => geometric_mean(parts, self.component.len()),
            Metric::Discernibility => self.rows as f64,
        }
    }

    /// The level-a → level-b table of attribute `i`.
    pub(super) fn step(&self, i: usize, a: usize, b: usize) -> &[u32] {
        let h = self.heights.get(i).copied().unwrap_or(0);
        self.steps
            .get(i)
            .and_then(|t| t.get(a * h + b))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a class of `count` rows with these sensitive values fails the model.
    pub(super) fn fails(&self, count: u64, sensitive: &[(u32, u64)]) -> bool {
        if count < self.k {
            return true;
        }
        match self.l {
            None => false,
            Some(LDiversity::Distinct(l)) => (sensitive.len() as u64) < u64::from(l),
            Some(LDiversity::Entropy(l)) => {
                let total = count as f64;
                let entropy: f64 = sensitive
                    .iter()
                    .map(|&(_, n)| {
                        let p = n as f64 / total;
                        -p * p.ln()
                    })
                    .sum();
                entropy < l.ln() - 1e-12
            }
        }
    }
}

/// Rows of the hierarchy's domain under each generalized value, per level, and the domain size:
/// a list hierarchy's own rows (ARX's domain shares), or the values seen for a built-in one.
pub(super) fn domain_rows(attr: &super::stats::Attribute) -> Result<(u64, Vec<Vec<u64>>), String> {
    let mut per_level = Vec::with_capacity(attr.levels.len());
    if let Some((size, counts)) = attr.hierarchy.row_counts() {
        for (dict, map) in attr.levels.iter().zip(&counts) {
            per_level.push(
                dict.values
                    .iter()
                    .map(|v| map.get(v.as_str()).copied().unwrap_or(1))
                    .collect(),
            );
        }
        return Ok((size as u64, per_level));
    }
    for (dict, up) in attr.levels.iter().zip(&attr.up) {
        let mut n = vec![0u64; dict.len()];
        for &g in up {
            *n.get_mut(g as usize).ok_or("value id out of range")? += 1;
        }
        per_level.push(n);
    }
    Ok((attr.freq.len() as u64, per_level))
}

/// ARX's normalization of one attribute's Loss: `(x − n/|D|) / (n − n/|D|)`, at least 0, rounded.
pub(super) fn normalize_loss(aggregate: f64, rows: f64, domain: u64) -> f64 {
    let min = rows / domain as f64;
    let max = rows;
    if max - min <= 0.0 {
        return 0.0;
    }
    let result = (aggregate - min) / (max - min);
    round(if result >= 0.0 { result } else { 0.0 })
}

/// ARX's geometric-mean aggregate: `Π (xᵢ + 1)^(1/d) − 1`.
pub(super) fn geometric_mean(parts: impl Iterator<Item = f64>, d: usize) -> f64 {
    let exponent = 1.0 / d as f64;
    parts.fold(1.0, |acc, x| acc * (x + 1.0).powf(exponent)) - 1.0
}
