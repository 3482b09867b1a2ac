//! The fast hasher of the maps probed per FHIR element: the type table's indexes and the
//! per-resource decisions of `fhir::rules`.

use std::hash::{BuildHasherDefault, Hasher};

/// A fast non-cryptographic hasher (the multiply-rotate scheme of rustc's FxHash) for the maps
/// probed per element: the element-type table, the per-resource decisions of `fhir::rules`.
/// SipHash's flood resistance buys nothing there: the keys are the table's own names, or the
/// pointers of one resource, so a hostile resource can only slow down its own decisions.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(slot) = word.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `HashMap`/`HashSet` hasher state built on [`FastHasher`].
pub type FastState = BuildHasherDefault<FastHasher>;
