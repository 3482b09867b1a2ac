//! Equivalence classes (等価クラス, tōka kurasu) of one lattice node: the quasi-identifier
//! tuples, packed into one integer, with their row counts, in an open-addressing table whose
//! entries stay in insertion order (so every sum over classes is deterministic).
//!
//! A node's classes are built by rolling up the classes of a less general node: each key has
//! the fields of the attributes that changed replaced through a level-to-level table, and equal
//! keys merge. No row is read again.

/// A tuple of value ids packed into one integer (`u64`, or `u128` when the ids need more bits).
pub(crate) trait PackedKey: Copy + Eq {
    /// The key with every field 0.
    const ZERO: Self;
    /// The field at `shift` of `mask` bits.
    fn field(self, shift: u32, mask: u64) -> u32;
    /// The key with the field at `shift` replaced by `value`.
    fn with_field(self, shift: u32, mask: u64, value: u32) -> Self;
    /// A well-mixed hash whose high bits index the table.
    fn mix(self) -> u64;
}

const MIX: u64 = 0x9E37_79B9_7F4A_7C15;

impl PackedKey for u64 {
    const ZERO: u64 = 0;
    fn field(self, shift: u32, mask: u64) -> u32 {
        (self.checked_shr(shift).unwrap_or(0) & mask) as u32
    }
    fn with_field(self, shift: u32, mask: u64, value: u32) -> u64 {
        let m = mask.checked_shl(shift).unwrap_or(0);
        (self & !m) | ((u64::from(value) & mask).checked_shl(shift).unwrap_or(0))
    }
    fn mix(self) -> u64 {
        (self ^ (self >> 31)).wrapping_mul(MIX)
    }
}

impl PackedKey for u128 {
    const ZERO: u128 = 0;
    fn field(self, shift: u32, mask: u64) -> u32 {
        (self.checked_shr(shift).unwrap_or(0) & u128::from(mask)) as u32
    }
    fn with_field(self, shift: u32, mask: u64, value: u32) -> u128 {
        let m = u128::from(mask).checked_shl(shift).unwrap_or(0);
        (self & !m)
            | ((u128::from(value) & u128::from(mask))
                .checked_shl(shift)
                .unwrap_or(0))
    }
    fn mix(self) -> u64 {
        let folded = (self as u64) ^ ((self >> 64) as u64).rotate_left(29);
        (folded ^ (folded >> 31)).wrapping_mul(MIX)
    }
}

/// Slot value for an empty table cell.
const EMPTY: u32 = u32::MAX;

/// The classes of one node: keys, counts and (for l-diversity) sensitive-value counts.
#[derive(Debug, Clone)]
pub(crate) struct ClassMap<K> {
    pub(crate) keys: Vec<K>,
    pub(crate) counts: Vec<u64>,
    /// Per class, (sensitive value id, rows); empty when no sensitive column is tracked.
    pub(crate) sensitive: Vec<Vec<(u32, u64)>>,
    /// Open addressing: indices into `keys`, `EMPTY` for a free cell.
    table: Vec<u32>,
    bits: u32,
    track_sensitive: bool,
}

impl<K: PackedKey> ClassMap<K> {
    /// An empty map sized for up to `expected` classes.
    pub(crate) fn with_capacity(expected: usize, track_sensitive: bool) -> ClassMap<K> {
        let slots = expected.saturating_mul(2).max(16).next_power_of_two();
        ClassMap {
            keys: Vec::with_capacity(expected),
            counts: Vec::with_capacity(expected),
            sensitive: Vec::new(),
            table: vec![EMPTY; slots],
            bits: slots.trailing_zeros(),
            track_sensitive,
        }
    }

    /// Number of classes.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    fn slot(&self, key: K) -> usize {
        // bits >= 4, so the shift is at most 60.
        (key.mix() >> (64 - self.bits)) as usize
    }

    /// Adds `count` rows (and their sensitive values) to the class `key`.
    pub(crate) fn add(&mut self, key: K, count: u64, sensitive: &[(u32, u64)]) {
        if self.keys.len().saturating_mul(2) >= self.table.len() {
            self.grow();
        }
        let mask = self.table.len() - 1;
        let mut slot = self.slot(key);
        loop {
            let Some(cell) = self.table.get_mut(slot) else {
                return;
            };
            if *cell == EMPTY {
                *cell = self.keys.len() as u32;
                self.keys.push(key);
                self.counts.push(count);
                if self.track_sensitive {
                    self.sensitive.push(sensitive.to_vec());
                }
                return;
            }
            let i = *cell as usize;
            if self.keys.get(i) == Some(&key) {
                if let Some(c) = self.counts.get_mut(i) {
                    *c = c.saturating_add(count);
                }
                if self.track_sensitive {
                    if let Some(dist) = self.sensitive.get_mut(i) {
                        merge(dist, sensitive);
                    }
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let slots = self
            .table
            .len()
            .saturating_mul(2)
            .max(
                self.keys
                    .len()
                    .saturating_mul(2)
                    .saturating_add(2)
                    .next_power_of_two(),
            )
            .max(16);
        self.table = vec![EMPTY; slots];
        self.bits = slots.trailing_zeros();
        let mask = slots - 1;
        for (index, &key) in self.keys.iter().enumerate() {
            let mut slot = (key.mix() >> (64 - self.bits)) as usize;
            while let Some(cell) = self.table.get_mut(slot) {
                if *cell == EMPTY {
                    *cell = index as u32;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /// Drops the lookup table of a map that is only read from now on (a cached map is only
    /// iterated); adding to it again rebuilds the table.
    pub(crate) fn compact(&mut self) {
        self.table = Vec::new();
        self.bits = 0;
    }

    /// Approximate heap size in classes, for the cache budget.
    pub(crate) fn weight(&self) -> usize {
        self.keys.len() + self.table.len() / 2 + self.sensitive.iter().map(Vec::len).sum::<usize>()
    }
}

/// Adds the counts of `from` into `into` (both lists of (value id, rows)).
fn merge(into: &mut Vec<(u32, u64)>, from: &[(u32, u64)]) {
    for &(value, n) in from {
        match into.iter_mut().find(|(v, _)| *v == value) {
            Some((_, m)) => *m = m.saturating_add(n),
            None => into.push((value, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let k = 0u64.with_field(0, 0b111, 5).with_field(3, 0xff, 200);
        assert_eq!((k.field(0, 0b111), k.field(3, 0xff)), (5, 200));
        let k = k.with_field(3, 0xff, 7);
        assert_eq!((k.field(0, 0b111), k.field(3, 0xff)), (5, 7));
        let w = 0u128.with_field(100, 0xffff, 513);
        assert_eq!(w.field(100, 0xffff), 513);
        assert_eq!(0u64.with_field(64, 0, 1), 0);
    }

    #[test]
    fn map_merges_and_grows() {
        let mut m: ClassMap<u64> = ClassMap::with_capacity(1, true);
        for i in 0..1000u64 {
            m.add(i % 300, 1, &[((i / 300 % 2) as u32, 1)]);
        }
        assert_eq!(m.len(), 300);
        assert_eq!(m.counts.iter().sum::<u64>(), 1000);
        let i = m.keys.iter().position(|&k| k == 7).unwrap();
        assert_eq!(m.counts[i], 4);
        assert_eq!(m.sensitive[i].len(), 2);
        m.compact();
        m.add(7, 1, &[]);
        m.add(1000, 1, &[]);
        assert_eq!((m.len(), m.counts[i]), (301, 5));
    }
}
