//! `tokenize`: a random token per distinct value, and the correspondence table (対応表,
//! taiōhyō) that maps tokens back. The table is the site's 削除情報等 (information removed in
//! processing): it never goes into the de-identified file, and it is written encrypted with
//! ChaCha20-Poly1305 under a key derived from the site key, so only the site can read it back
//! (`deid-kit tokens`).
//!
//! The table grows with the number of distinct tokenized values: that is the price of a
//! reversible mapping. Tokens are 60+ random bits; a collision among a million values has odds
//! below one in a million.

use std::collections::HashMap;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

use crate::error::{Error, ErrorKind, Result};
use crate::format::csv::Writer;
use crate::ja::normalize::{normalize, Options};
use crate::key::{random_bytes, SiteKey};
use crate::pseudonym::ALPHABET;

const MAGIC: &[u8] = b"deid-kit tokens v1\n";
const NONCE_LEN: usize = 12;

/// Tokens handed out in one session.
#[derive(Debug, Default)]
pub struct TokenTable {
    length: usize,
    tokens: HashMap<String, (String, String)>,
}

impl TokenTable {
    /// An empty table making tokens of `length` characters.
    pub fn new(length: usize) -> TokenTable {
        TokenTable {
            length,
            tokens: HashMap::new(),
        }
    }

    /// Number of distinct values tokenized.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no value was tokenized.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token of `value` (normalized, so １２３ and 123 share one), made on first sight.
    ///
    /// # Errors
    /// [`ErrorKind::Random`] when the random source fails.
    pub fn token(&mut self, value: &str) -> Result<&str> {
        let normalized = normalize(value, Options::default());
        if !self.tokens.contains_key(&normalized) {
            let mut token = String::with_capacity(self.length);
            while token.len() < self.length {
                for b in random_bytes::<32>()? {
                    if token.len() < self.length {
                        let c = ALPHABET.get(usize::from(b & 31)).copied().unwrap_or(b'0');
                        token.push(char::from(c));
                    }
                }
            }
            self.tokens
                .insert(normalized.clone(), (token, value.to_owned()));
        }
        Ok(self
            .tokens
            .get(&normalized)
            .map(|(token, _)| token.as_str())
            .unwrap_or_default())
    }

    /// The table as an encrypted file: magic, key fingerprint, nonce, then the sealed CSV
    /// (`token,original`, sorted by token so its order reveals nothing about the input's).
    ///
    /// # Errors
    /// [`ErrorKind::Random`] when no nonce can be drawn.
    pub fn seal(&self, key: &SiteKey) -> Result<Vec<u8>> {
        let mut rows: Vec<(&str, &str)> = self
            .tokens
            .values()
            .map(|(t, original)| (t.as_str(), original.as_str()))
            .collect();
        rows.sort_unstable();
        let writer = Writer {
            delimiter: b',',
            terminator: b"\r\n",
        };
        let mut plain = b"token,original\r\n".to_vec();
        for (token, original) in rows {
            writer.field(true, token.as_bytes(), &mut plain);
            writer.field(false, original.as_bytes(), &mut plain);
            writer.end(&mut plain);
        }
        let header = header(key);
        let nonce = random_bytes::<NONCE_LEN>()?;
        let sealed = cipher(key)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &header,
                },
            )
            .map_err(|_| Error::new(ErrorKind::TokenTable("encryption failed".into())))?;
        let mut file = header;
        file.extend_from_slice(&nonce);
        file.extend_from_slice(&sealed);
        Ok(file)
    }
}

/// Reads a sealed table back: the CSV `token,original` (UTF-8).
///
/// # Errors
/// [`ErrorKind::TokenTable`] when the file is not a table, was sealed with another key, or was
/// changed or damaged.
pub fn open(file: &[u8], key: &SiteKey) -> Result<Vec<u8>> {
    let refuse = |why: &str| Error::new(ErrorKind::TokenTable(why.into()));
    let rest = file
        .strip_prefix(MAGIC)
        .ok_or_else(|| refuse("not a deid-kit correspondence table"))?;
    let expected = header(key);
    let header_len = expected.len();
    let (fingerprint, rest) = rest
        .split_at_checked(header_len - MAGIC.len())
        .ok_or_else(|| refuse("truncated"))?;
    if Some(fingerprint) != expected.get(MAGIC.len()..) {
        return Err(refuse(
            "it was made with another site key (the key fingerprints differ)",
        ));
    }
    let (nonce, sealed) = rest
        .split_at_checked(NONCE_LEN)
        .ok_or_else(|| refuse("truncated"))?;
    cipher(key)
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: &expected,
            },
        )
        .map_err(|_| refuse("the file was changed or damaged"))
}

fn header(key: &SiteKey) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(key.fingerprint().as_bytes());
    h.push(b'\n');
    h
}

fn cipher(key: &SiteKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(key.derive("token_table").as_ref().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_token_other_value_other_token() {
        let mut t = TokenTable::new(12);
        let a = t.token("00123").unwrap().to_owned();
        assert_eq!(a.len(), 12);
        assert_eq!(t.token("００１２３").unwrap(), a);
        assert_ne!(t.token("00124").unwrap(), a);
        assert_eq!(t.len(), 2);
        // Random, not derived: a new table gives a new token.
        assert_ne!(TokenTable::new(12).token("00123").unwrap(), a);
    }

    #[test]
    fn sealed_table_opens_with_its_key_only() {
        let key = SiteKey::from_bytes([1; 32]);
        let mut t = TokenTable::new(10);
        let token = t.token("山田, \"太郎\"").unwrap().to_owned();
        t.token("00042").unwrap();
        let file = t.seal(&key).unwrap();
        assert!(!file.windows(6).any(|w| w == "山田".as_bytes()));
        assert!(!file.windows(5).any(|w| w == b"00042"));
        let plain = String::from_utf8(open(&file, &key).unwrap()).unwrap();
        assert!(plain.starts_with("token,original\r\n"));
        assert!(plain.contains(&format!("{token},\"山田, \"\"太郎\"\"\"\r\n")));
        let other = SiteKey::from_bytes([2; 32]);
        assert!(open(&file, &other)
            .unwrap_err()
            .to_string()
            .contains("another site key"));
        for i in [0, MAGIC.len() + 3, file.len() - 1, file.len() / 2] {
            let mut bad = file.clone();
            bad[i] ^= 1;
            assert!(open(&bad, &key).is_err(), "flip at {i}");
        }
        assert!(open(&file[..40], &key).is_err());
        assert!(open(b"", &key).is_err());
    }
}
