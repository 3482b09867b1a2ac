//! The site key (サイト鍵, saito-kagi): the only code that touches the secret.
//!
//! A site key is 32 random bytes. Every keyed operation uses a subkey derived from it for one
//! purpose (pseudonyms, date shifts, the fingerprint …), so no two uses share a key. The key is
//! handed around as the bytes of its *key file*, a short text file with a fingerprint and a
//! checksum, so that a damaged or edited file is refused instead of silently giving other
//! pseudonyms. The key never appears in `Debug`, `Display` or an error message.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// HMAC-SHA256, the kit's only keyed primitive.
pub(crate) type HmacSha256 = Hmac<Sha256>;

const KEY_LEN: usize = 32;
const VERSION_LINE: &str = "version: 1";
const HEADER: &str = "# deid-kit site key. Keep it on site, never upload it; losing it breaks linkage.\n\
                      # deid-kit サイト鍵。院内で保管し、絶対にアップロードしないこと。紛失すると突合できなくなります。\n";

/// A 256-bit site key. Zeroed when dropped.
pub struct SiteKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

/// A 32-byte subkey derived from the site key for one purpose. Zeroed when dropped.
pub(crate) type Subkey = Zeroizing<[u8; KEY_LEN]>;

impl SiteKey {
    /// Generates a new key from the system's random source (`crypto.getRandomValues` in wasm).
    ///
    /// # Errors
    /// [`ErrorKind::Random`] when the random source fails.
    ///
    /// # Example
    /// ```
    /// let a = deid_kit::SiteKey::generate()?;
    /// let b = deid_kit::SiteKey::generate()?;
    /// assert_ne!(a.fingerprint(), b.fingerprint());
    /// # Ok::<(), deid_kit::Error>(())
    /// ```
    pub fn generate() -> Result<SiteKey> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|_| Error::new(ErrorKind::Random))?;
        Ok(SiteKey { bytes })
    }

    /// A key from known bytes: for tests and for keys kept by other means.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> SiteKey {
        SiteKey {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// The subkey for `purpose`: HMAC-SHA256(key, "deid-kit/v1/" + purpose).
    pub(crate) fn derive(&self, purpose: &str) -> Subkey {
        let mut mac = keyed(self.bytes.as_ref());
        mac.update(b"deid-kit/v1/");
        mac.update(purpose.as_bytes());
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }

    /// The key's fingerprint, e.g. `3F2A-9C1B-07DE-55A0`: the first 8 bytes of SHA-256 of a
    /// derived value, safe to show, print and put in reports. Two keys with the same fingerprint
    /// are, for every practical purpose, the same key.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.derive("fingerprint").as_ref());
        let hex = to_hex(digest.get(..8).unwrap_or_default()).to_ascii_uppercase();
        let mut out = String::with_capacity(19);
        for (i, c) in hex.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// The key file's bytes: two comment lines, the version, the key in hex, its fingerprint and
    /// a checksum over everything before the checksum line.
    ///
    /// # Example
    /// ```
    /// let key = deid_kit::SiteKey::from_bytes([7; 32]);
    /// let again = deid_kit::SiteKey::from_file(&key.to_file())?;
    /// assert_eq!(key.fingerprint(), again.fingerprint());
    /// # Ok::<(), deid_kit::Error>(())
    /// ```
    pub fn to_file(&self) -> Zeroizing<Vec<u8>> {
        let body = Zeroizing::new(format!(
            "{HEADER}{VERSION_LINE}\nkey: {}\nfingerprint: {}\n",
            Zeroizing::new(to_hex(self.bytes.as_ref())).as_str(),
            self.fingerprint()
        ));
        let mut file = Zeroizing::new(Vec::with_capacity(body.len() + 27));
        file.extend_from_slice(body.as_bytes());
        file.extend_from_slice(format!("checksum: {}\n", checksum(body.as_bytes())).as_bytes());
        file
    }

    /// Reads a key file written by [`SiteKey::to_file`] (or `deid-kit keygen`).
    ///
    /// # Errors
    /// [`ErrorKind::KeyFile`] when the file is empty, truncated, edited, damaged, of another
    /// version, or its fingerprint does not match its key. The message never contains key bytes.
    ///
    /// # Example
    /// ```
    /// let err = deid_kit::SiteKey::from_file(b"").err().unwrap();
    /// assert_eq!(err.to_string(), "key file refused: the file is empty");
    /// ```
    pub fn from_file(file: &[u8]) -> Result<SiteKey> {
        let refuse = |why: &str| Error::new(ErrorKind::KeyFile(why.to_owned()));
        if file.is_empty() {
            return Err(refuse("the file is empty"));
        }
        let text = std::str::from_utf8(file)
            .map_err(|_| refuse("not a deid-kit key file (it is not text)"))?;
        let Some(body_len) = text.rfind("checksum: ") else {
            return Err(refuse(
                "not a deid-kit key file, or truncated (no checksum line)",
            ));
        };
        let (body, checksum_line) = text.split_at(body_len);
        let Some(rest) = body.strip_prefix(HEADER) else {
            return Err(refuse("not a deid-kit key file (the header lines differ)"));
        };
        if checksum_line.strip_prefix("checksum: ")
            != Some(&format!("{}\n", checksum(body.as_bytes())))
        {
            return Err(refuse(
                "checksum mismatch: the file was changed or damaged; use an intact copy",
            ));
        }
        let mut lines = rest.lines();
        if lines.next() != Some(VERSION_LINE) {
            return Err(refuse("unknown key file version"));
        }
        let hex = lines
            .next()
            .and_then(|l| l.strip_prefix("key: "))
            .ok_or_else(|| refuse("no key line"))?;
        let bytes = from_hex_32(hex).ok_or_else(|| {
            refuse(&format!(
                "the key must be {} hexadecimal digits (found {} characters)",
                KEY_LEN * 2,
                hex.chars().count()
            ))
        })?;
        let key = SiteKey::from_bytes(*bytes);
        let fingerprint = lines.next().and_then(|l| l.strip_prefix("fingerprint: "));
        if fingerprint != Some(key.fingerprint().as_str()) || lines.next().is_some() {
            return Err(refuse("the fingerprint line does not match the key"));
        }
        Ok(key)
    }
}

impl std::fmt::Debug for SiteKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SiteKey({})", self.fingerprint())
    }
}

/// `N` bytes from the system's random source, for nonces and tokens.
///
/// # Errors
/// [`ErrorKind::Random`] when the random source fails.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| Error::new(ErrorKind::Random))?;
    Ok(bytes)
}

/// An HMAC-SHA256 state keyed with `key` (any length is valid for HMAC).
pub(crate) fn keyed(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => <HmacSha256 as KeyInit>::new(&Default::default()),
    }
}

fn checksum(body: &[u8]) -> String {
    to_hex(Sha256::digest(body).get(..8).unwrap_or_default())
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}"); // writing to a String cannot fail
    }
    s
}

/// Lower-case hex only: the file is written that way, and accepting upper case would let a bit
/// flip (a ↔ A) pass unnoticed.
fn from_hex_32(hex: &str) -> Option<Zeroizing<[u8; KEY_LEN]>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if hex.len() != KEY_LEN * 2 {
        return None;
    }
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    for (slot, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        if let [hi, lo] = pair {
            *slot = digit(*hi)? << 4 | digit(*lo)?;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SiteKey {
        SiteKey::from_bytes(core::array::from_fn(|i| i as u8))
    }

    #[test]
    fn file_round_trip() {
        let key = sample();
        let file = key.to_file();
        let back = SiteKey::from_file(&file).unwrap();
        assert_eq!(back.bytes.as_ref(), key.bytes.as_ref());
        assert_eq!(back.fingerprint(), key.fingerprint());
    }

    #[test]
    fn fingerprint_shape_and_independence_from_key_bytes() {
        let fp = sample().fingerprint();
        assert_eq!(fp.len(), 19);
        assert_eq!(fp.matches('-').count(), 3);
        assert!(!to_hex(sample().bytes.as_ref())
            .to_uppercase()
            .contains(&fp.replace('-', "")));
        assert_ne!(fp, SiteKey::from_bytes([0; 32]).fingerprint());
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let file = sample().to_file();
        for i in 0..file.len() {
            for bit in 0..8 {
                let mut bad = file.to_vec();
                bad[i] ^= 1 << bit;
                let err = SiteKey::from_file(&bad).expect_err("a flipped bit must be refused");
                assert!(
                    matches!(err.kind(), ErrorKind::KeyFile(_)),
                    "byte {i} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn every_truncation_is_refused() {
        let file = sample().to_file();
        for len in 0..file.len() {
            assert!(
                SiteKey::from_file(&file[..len]).is_err(),
                "truncated to {len}"
            );
        }
        let mut longer = file.to_vec();
        longer.extend_from_slice(b"x\n");
        assert!(SiteKey::from_file(&longer).is_err());
    }

    #[test]
    fn wrong_length_key_is_refused_even_with_a_valid_checksum() {
        for hex_len in [0, 2, 62, 63, 65, 66, 128] {
            let key_hex = "ab".repeat(hex_len / 2) + if hex_len % 2 == 1 { "a" } else { "" };
            let body = format!("{HEADER}{VERSION_LINE}\nkey: {key_hex}\nfingerprint: X\n");
            let file = format!("{body}checksum: {}\n", checksum(body.as_bytes()));
            let err = SiteKey::from_file(file.as_bytes()).unwrap_err();
            assert!(err.to_string().contains("64 hexadecimal digits"), "{err}");
            assert!(!err.to_string().contains(&key_hex) || key_hex.is_empty());
        }
    }

    #[test]
    fn errors_never_contain_the_key() {
        let key = sample();
        let hex = to_hex(key.bytes.as_ref());
        let file = key.to_file();
        let mut bad = file.to_vec();
        let at = bad.len() - 3;
        bad[at] ^= 1;
        for input in [
            &b""[..],
            b"garbage",
            &bad,
            &file[..40],
            &file[..file.len() - 1],
        ] {
            let msg = SiteKey::from_file(input).unwrap_err().to_string();
            assert!(!msg.contains(&hex[..16]), "{msg}");
        }
        assert!(!format!("{key:?}").contains(&hex[..16]));
    }

    #[test]
    fn subkeys_differ_by_purpose() {
        let key = sample();
        assert_ne!(*key.derive("pseudonym"), *key.derive("date_shift"));
        assert_ne!(*key.derive("pseudonym"), *key.bytes);
    }

    #[test]
    fn generated_keys_differ() {
        let a = SiteKey::generate().unwrap();
        let b = SiteKey::generate().unwrap();
        assert_ne!(*a.bytes, *b.bytes);
    }
}
