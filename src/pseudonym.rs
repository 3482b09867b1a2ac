//! Keyed pseudonyms (仮名, kamei): HMAC-SHA256 of a normalized value, in a fixed alphabet.
//!
//! The same site key and value give the same pseudonym in every file, run and front door (CLI,
//! Node, browser), which is what lets records be linked later; without the key it cannot be
//! reversed or recomputed.

use std::cell::RefCell;

use hmac::Mac;

use crate::error::{Error, ErrorKind, Result};
use crate::ja::normalize::{normalize, Options};
use crate::key::{keyed, HmacSha256, SiteKey};

/// Crockford's base32: digits and upper-case letters without I, L, O, U, so a pseudonym read
/// aloud or retyped is not misread.
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Shortest and longest allowed pseudonym (5 bits a character; 256 bits give 51).
pub const MIN_LENGTH: usize = 8;
/// See [`MIN_LENGTH`].
pub const MAX_LENGTH: usize = 51;
/// 16 characters = 80 bits: no collision expected below about 10^12 distinct values.
pub const DEFAULT_LENGTH: usize = 16;

/// Computes pseudonyms with one site key. Cheap to clone; build once, use for every cell.
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: HmacSha256,
    length: usize,
    options: Options,
    /// The last value and its pseudonym: a patient's rows come together in exports.
    last: RefCell<(String, String)>,
}

impl Pseudonymizer {
    /// A pseudonymizer of `length` characters.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when `length` is outside [`MIN_LENGTH`]..=[`MAX_LENGTH`].
    ///
    /// # Example
    /// ```
    /// use deid_kit::{Pseudonymizer, SiteKey, ja::normalize::Options};
    /// let p = Pseudonymizer::new(&SiteKey::from_bytes([1; 32]), 16, Options::default())?;
    /// assert_eq!(p.pseudonym("００１２３"), p.pseudonym("00123"));
    /// assert_eq!(p.pseudonym("00123").len(), 16);
    /// assert_eq!(p.pseudonym(" "), "");
    /// # Ok::<(), deid_kit::Error>(())
    /// ```
    pub fn new(key: &SiteKey, length: usize, options: Options) -> Result<Pseudonymizer> {
        if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
            return Err(Error::new(ErrorKind::InvalidArgument(format!(
                "pseudonym length must be {MIN_LENGTH} to {MAX_LENGTH} (got {length})"
            ))));
        }
        Ok(Pseudonymizer {
            mac: keyed(key.derive("pseudonym").as_ref()),
            length,
            options,
            last: RefCell::new((String::new(), String::new())),
        })
    }

    /// The pseudonym of `value` after normalization; an empty (or blank) value stays empty.
    pub fn pseudonym(&self, value: &str) -> String {
        {
            let last = self.last.borrow();
            if !value.is_empty() && last.0 == value {
                return last.1.clone();
            }
        }
        let pseudonym = self.compute(value);
        *self.last.borrow_mut() = (value.to_owned(), pseudonym.clone());
        pseudonym
    }

    fn compute(&self, value: &str) -> String {
        let normalized = normalize(value, self.options);
        if normalized.is_empty() {
            return String::new();
        }
        let mut mac = self.mac.clone();
        mac.update(normalized.as_bytes());
        encode(&mac.finalize().into_bytes(), self.length)
    }
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymizer")
            .field("length", &self.length)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The first `length` 5-bit groups of `digest`, most significant bit first.
fn encode(digest: &[u8], length: usize) -> String {
    let mut out = String::with_capacity(length);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &byte in digest {
        acc = (acc << 8 | u32::from(byte)) & 0xFFFF;
        bits += 8;
        while bits >= 5 && out.len() < length {
            bits -= 5;
            let index = (acc >> bits) & 31;
            out.push(char::from(
                ALPHABET.get(index as usize).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(key: [u8; 32], length: usize) -> Pseudonymizer {
        Pseudonymizer::new(&SiteKey::from_bytes(key), length, Options::default()).unwrap()
    }

    #[test]
    fn encode_is_base32_msb_first() {
        // 0x00 0x44 0x32 0x14 0xC7 = 00000 00001 00010 00011 00100 00101 00110 00111
        assert_eq!(encode(&[0x00, 0x44, 0x32, 0x14, 0xC7], 8), "01234567");
        assert_eq!(encode(&[0xFF; 32], 51), "Z".repeat(51));
    }

    #[test]
    fn same_key_same_value_same_pseudonym() {
        let p = with([9; 32], 16);
        assert_eq!(p.pseudonym("P-000123"), p.pseudonym("P-000123"));
        assert_eq!(
            p.pseudonym("P-000123"),
            p.compute("P-000123"),
            "the cache agrees"
        );
        assert_eq!(
            p.pseudonym("P-000123"),
            with([9; 32], 16).pseudonym("P-000123")
        );
        assert_ne!(p.pseudonym("P-000123"), p.pseudonym("P-000124"));
        assert_ne!(
            p.pseudonym("P-000123"),
            with([8; 32], 16).pseudonym("P-000123")
        );
    }

    #[test]
    fn length_prefix_and_alphabet() {
        let long = with([3; 32], 51).pseudonym("x");
        let short = with([3; 32], 8).pseudonym("x");
        assert!(long.starts_with(&short));
        assert!(long.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn length_bounds() {
        let key = SiteKey::from_bytes([0; 32]);
        for bad in [0, 7, 52, 1000] {
            assert!(Pseudonymizer::new(&key, bad, Options::default()).is_err());
        }
    }

    /// The construction, spelled out with the primitives: anyone can re-implement it from this.
    #[test]
    fn construction_is_hmac_of_hmac_subkey() {
        let key = [0x42u8; 32];
        let mut sub = <HmacSha256 as hmac::KeyInit>::new_from_slice(&key).unwrap();
        sub.update(b"deid-kit/v1/pseudonym");
        let subkey = sub.finalize().into_bytes();
        let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(&subkey).unwrap();
        mac.update("ABC 123".as_bytes());
        let expected = encode(&mac.finalize().into_bytes(), 16);
        assert_eq!(with(key, 16).pseudonym("ＡＢＣ　１２３"), expected);
    }

    #[test]
    fn normalization_happens_before_hashing() {
        let p = with([5; 32], 16);
        assert_eq!(p.pseudonym("１２３"), p.pseudonym(" 123 "));
        assert_eq!(p.pseudonym(""), "");
    }
}
