//! The first pass: what the search needs to know about the data, gathered row by row in memory
//! proportional to the distinct quasi-identifier combinations, not to the rows.
//!
//! Every quasi-identifier value is read through its hierarchy once (the first time it is seen)
//! and given an id; a row becomes a tuple of level-0 ids, and the histogram counts tuples (with,
//! when a sensitive column is named, the counts of its values per tuple).

use std::collections::HashMap;

use super::hierarchy::Hierarchy;

/// The values of one level of one quasi-identifier, each with a dense id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dict {
    pub(crate) values: Vec<String>,
    index: HashMap<String, u32>,
}

impl Dict {
    fn id(&mut self, value: &str) -> Result<u32, String> {
        if let Some(&id) = self.index.get(value) {
            return Ok(id);
        }
        let id = u32::try_from(self.values.len()).map_err(|_| "too many distinct values")?;
        self.values.push(value.to_owned());
        self.index.insert(value.to_owned(), id);
        Ok(id)
    }

    pub(crate) fn get(&self, value: &str) -> Option<u32> {
        self.index.get(value).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// One quasi-identifier: its hierarchy and the ids of the values seen, at every level.
#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    pub(crate) hierarchy: Hierarchy,
    /// Input spelling → level-0 id (a date written two ways is one level-0 value).
    raw: HashMap<String, u32>,
    /// Per level, the values seen (level 0: canonical spellings).
    pub(crate) levels: Vec<Dict>,
    /// Per level, level-0 id → id at that level.
    pub(crate) up: Vec<Vec<u32>>,
    /// Rows per level-0 id.
    pub(crate) freq: Vec<u64>,
}

impl Attribute {
    fn new(hierarchy: Hierarchy) -> Attribute {
        let levels = hierarchy.levels();
        Attribute {
            hierarchy,
            raw: HashMap::new(),
            levels: vec![Dict::default(); levels],
            up: vec![Vec::new(); levels],
            freq: Vec::new(),
        }
    }

    /// The level-0 id of `value`, adding it when it is new.
    fn id(&mut self, value: &str) -> Result<u32, String> {
        if let Some(&id) = self.raw.get(value) {
            return Ok(id);
        }
        let path = self.hierarchy.path(value)?;
        if path.len() != self.levels.len() {
            return Err("hierarchy gave the wrong number of levels".to_owned());
        }
        let canonical = path.first().ok_or("empty hierarchy")?;
        let id = match self.levels.first().and_then(|d| d.get(canonical)) {
            Some(id) => id,
            None => {
                let mut id0 = 0;
                for (level, value) in path.iter().enumerate() {
                    let dict = self.levels.get_mut(level).ok_or("level out of range")?;
                    let id = dict.id(value)?;
                    if level == 0 {
                        id0 = id;
                    }
                    self.up.get_mut(level).ok_or("level out of range")?.push(id);
                }
                self.freq.push(0);
                id0
            }
        };
        self.raw.insert(value.to_owned(), id);
        Ok(id)
    }

    /// The level-0 id of a value seen in the first pass, without adding anything.
    pub(crate) fn lookup(&self, value: &str) -> Result<u32, String> {
        if let Some(&id) = self.raw.get(value) {
            return Ok(id);
        }
        let path = self.hierarchy.path(value)?;
        path.first()
            .and_then(|c| self.levels.first().and_then(|d| d.get(c)))
            .ok_or_else(|| "value was not seen in the first pass".to_owned())
    }
}

/// One distinct combination of level-0 ids and its counts.
#[derive(Debug, Clone)]
pub(crate) struct Tuple {
    pub(crate) ids: Box<[u32]>,
    pub(crate) count: u64,
    /// (sensitive value id, rows), when a sensitive column is tracked.
    pub(crate) sensitive: Vec<(u32, u64)>,
}

/// First-pass statistics: the quasi-identifier histogram, per-attribute value frequencies and,
/// optionally, the sensitive values of each combination.
///
/// # Example
/// ```
/// use deid_kit::anonymize::{Hierarchy, Stats};
/// let mut stats = Stats::new(vec![Hierarchy::builtin("age").unwrap(), Hierarchy::builtin("sex").unwrap()], false);
/// stats.add(&["37", "男"], None)?;
/// stats.add(&["３７", "男性"], None)?;
/// stats.add(&["52", "女"], None)?;
/// assert_eq!((stats.rows(), stats.distinct()), (3, 2));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stats {
    pub(crate) attrs: Vec<Attribute>,
    index: HashMap<Box<[u32]>, usize>,
    pub(crate) tuples: Vec<Tuple>,
    pub(crate) sensitive: Option<Dict>,
    rows: u64,
    scratch: Vec<u32>,
}

impl Stats {
    /// Empty statistics for quasi-identifiers with these hierarchies (in column order), tracking
    /// a sensitive column when `sensitive` is true (needed for l-diversity).
    pub fn new(hierarchies: Vec<Hierarchy>, sensitive: bool) -> Stats {
        Stats {
            attrs: hierarchies.into_iter().map(Attribute::new).collect(),
            index: HashMap::new(),
            tuples: Vec::new(),
            sensitive: sensitive.then(Dict::default),
            rows: 0,
            scratch: Vec::new(),
        }
    }

    /// Counts one row: its quasi-identifier values (in the order of the hierarchies) and its
    /// sensitive value.
    ///
    /// # Errors
    /// A wrong number of values, a value its hierarchy cannot generalize (not in a list
    /// hierarchy, not a date …; the message names the quasi-identifier by position, never the
    /// value), or a missing sensitive value when one is tracked. A row that fails is not counted.
    pub fn add(&mut self, qi: &[&str], sensitive: Option<&str>) -> Result<(), String> {
        if qi.len() != self.attrs.len() {
            return Err(format!(
                "expected {} quasi-identifier values, got {}",
                self.attrs.len(),
                qi.len()
            ));
        }
        let mut ids = std::mem::take(&mut self.scratch);
        ids.clear();
        for (i, (attr, value)) in self.attrs.iter_mut().zip(qi).enumerate() {
            match attr.id(value) {
                Ok(id) => ids.push(id),
                Err(e) => {
                    self.scratch = ids;
                    return Err(format!("quasi-identifier {}: {e}", i + 1));
                }
            }
        }
        let sensitive_id = match (&mut self.sensitive, sensitive) {
            (Some(dict), Some(value)) => Some(dict.id(value)?),
            (Some(_), None) => {
                self.scratch = ids;
                return Err("sensitive value missing".to_owned());
            }
            (None, _) => None,
        };
        for (attr, &id) in self.attrs.iter_mut().zip(&ids) {
            if let Some(f) = usize::try_from(id).ok().and_then(|i| attr.freq.get_mut(i)) {
                *f = f.saturating_add(1);
            }
        }
        let slot = match self.index.get(ids.as_slice()) {
            Some(&slot) => slot,
            None => {
                let slot = self.tuples.len();
                let key: Box<[u32]> = ids.as_slice().into();
                self.tuples.push(Tuple {
                    ids: key.clone(),
                    count: 0,
                    sensitive: Vec::new(),
                });
                self.index.insert(key, slot);
                slot
            }
        };
        self.scratch = ids;
        let tuple = self.tuples.get_mut(slot).ok_or("histogram slot missing")?;
        tuple.count = tuple.count.saturating_add(1);
        if let Some(s) = sensitive_id {
            match tuple.sensitive.iter_mut().find(|(id, _)| *id == s) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => tuple.sensitive.push((s, 1)),
            }
        }
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    /// Rows counted.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Distinct quasi-identifier combinations (at level 0).
    pub fn distinct(&self) -> usize {
        self.tuples.len()
    }

    /// Number of quasi-identifiers.
    pub fn dimensions(&self) -> usize {
        self.attrs.len()
    }

    /// The hierarchies, in column order.
    pub fn hierarchies(&self) -> impl Iterator<Item = &Hierarchy> {
        self.attrs.iter().map(|a| &a.hierarchy)
    }

    /// Level-0 ids of one row's quasi-identifiers (second pass).
    pub(crate) fn lookup(&self, qi: &[&str]) -> Result<Vec<u32>, String> {
        if qi.len() != self.attrs.len() {
            return Err(format!(
                "expected {} quasi-identifier values, got {}",
                self.attrs.len(),
                qi.len()
            ));
        }
        self.attrs
            .iter()
            .zip(qi)
            .enumerate()
            .map(|(i, (attr, value))| {
                attr.lookup(value)
                    .map_err(|e| format!("quasi-identifier {}: {e}", i + 1))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::age_and_sex;

    #[test]
    fn histogram_counts_tuples_and_sensitive_values() {
        let mut s = age_and_sex(true);
        s.add(&["37", "M"], Some("flu")).unwrap();
        s.add(&["37", "男"], Some("flu")).unwrap();
        s.add(&["37", "男"], Some("cold")).unwrap();
        s.add(&["40", "女"], Some("flu")).unwrap();
        assert_eq!(s.rows(), 4);
        assert_eq!(s.distinct(), 2);
        assert_eq!(s.tuples[0].count, 3);
        assert_eq!(s.tuples[0].sensitive, vec![(0, 2), (1, 1)]);
        assert_eq!(s.attrs[0].freq, vec![3, 1]);
        let err = s.add(&["abc", "男"], Some("flu")).unwrap_err();
        assert!(err.starts_with("quasi-identifier 1") && !err.contains("abc"));
        assert!(s.add(&["37"], Some("flu")).is_err());
        assert!(s.add(&["37", "男"], None).is_err());
        assert_eq!(s.rows(), 4);
        assert_eq!(s.lookup(&["37", "male"]).unwrap(), vec![0, 0]);
        assert!(s.lookup(&["38", "男"]).is_err());
    }
}
