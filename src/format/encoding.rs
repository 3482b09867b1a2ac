//! Text encodings of hospital exports: detection, and decoding/encoding of single fields without
//! replacement, so that a bad byte or an unwritable character is an error at its row and column
//! instead of a silent U+FFFD or `&#…;`.

use encoding_rs::{DecoderResult, EncoderResult};
use serde::{Deserialize, Serialize};

/// The encodings the kit reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Shift_JIS as Windows writes it (CP932 / Windows-31J, with the NEC and IBM extensions).
    #[serde(rename = "shift_jis")]
    ShiftJis,
    /// EUC-JP.
    #[serde(rename = "euc-jp")]
    EucJp,
}

/// How many bytes detection looks at before deciding.
pub const DETECT_BYTES: usize = 64 * 1024;

/// The result of [`detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The encoding.
    pub encoding: Encoding,
    /// Length of a UTF-8 byte order mark at the start (0 or 3).
    pub bom: usize,
}

impl Encoding {
    /// The encoding named by `label` (WHATWG labels: `utf-8`, `shift_jis`, `cp932`,
    /// `windows-31j`, `sjis`, `euc-jp` …); `None` for others, including UTF-16.
    pub fn from_label(label: &str) -> Option<Encoding> {
        let found = encoding_rs::Encoding::for_label(label.trim().as_bytes());
        if found.is_none() {
            return ["sjis", "cp932", "ms932"]
                .iter()
                .any(|alias| label.trim().eq_ignore_ascii_case(alias))
                .then_some(Encoding::ShiftJis);
        }
        let found = found?;
        if found == encoding_rs::UTF_8 {
            Some(Encoding::Utf8)
        } else if found == encoding_rs::SHIFT_JIS {
            Some(Encoding::ShiftJis)
        } else if found == encoding_rs::EUC_JP {
            Some(Encoding::EucJp)
        } else {
            None
        }
    }

    /// The canonical name: `utf-8`, `shift_jis` or `euc-jp`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::ShiftJis => "shift_jis",
            Encoding::EucJp => "euc-jp",
        }
    }

    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::ShiftJis => encoding_rs::SHIFT_JIS,
            Encoding::EucJp => encoding_rs::EUC_JP,
        }
    }

    /// Appends the text of `bytes` to `out`.
    ///
    /// # Errors
    /// `Err(offset)` with the offset of the first byte that is not valid in this encoding.
    pub fn decode_into(self, bytes: &[u8], out: &mut String) -> Result<(), usize> {
        if self == Encoding::Utf8 || bytes.is_ascii() {
            let text = std::str::from_utf8(bytes).map_err(|e| e.valid_up_to())?;
            out.push_str(text);
            return Ok(());
        }
        let mut decoder = self.codec().new_decoder_without_bom_handling();
        out.reserve(
            decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len() * 3),
        );
        let (result, read) = decoder.decode_to_string_without_replacement(bytes, out, true);
        match result {
            DecoderResult::InputEmpty => Ok(()),
            DecoderResult::Malformed(bad, after) => {
                Err(read.saturating_sub(usize::from(bad) + usize::from(after)))
            }
            // `reserve` above made room for the worst case.
            DecoderResult::OutputFull => Err(read),
        }
    }

    /// Appends `text` encoded to `out`.
    ///
    /// # Errors
    /// `Err(c)` with the first character this encoding cannot represent.
    pub fn encode_into(self, text: &str, out: &mut Vec<u8>) -> Result<(), char> {
        if self == Encoding::Utf8 || text.is_ascii() {
            out.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        let mut encoder = self.codec().new_encoder();
        let mut rest = text;
        loop {
            let room = encoder
                .max_buffer_length_from_utf8_without_replacement(rest.len())
                .unwrap_or(rest.len() * 4);
            out.reserve(room);
            let (result, read) =
                encoder.encode_from_utf8_to_vec_without_replacement(rest, out, true);
            match result {
                EncoderResult::InputEmpty => return Ok(()),
                EncoderResult::Unmappable(c) => return Err(c),
                EncoderResult::OutputFull => rest = rest.get(read..).unwrap_or_default(),
            }
        }
    }
}

/// Detects the encoding of the start of a file. `complete` says `sample` is the whole file (so
/// a multibyte character cut at its end is an error, not a chunk edge).
///
/// A byte order mark wins; then valid UTF-8 is UTF-8; then Shift_JIS or EUC-JP, whichever decodes
/// with fewer errors (EUC-JP also decodes as Shift_JIS half-width katakana, so a tie with many of
/// those goes to EUC-JP).
///
/// # Errors
/// A message when the sample is UTF-16 or holds NUL bytes (binary data, not a text export).
pub fn detect(sample: &[u8], complete: bool) -> Result<Detected, String> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(Detected {
            encoding: Encoding::Utf8,
            bom: 3,
        });
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Err("UTF-16 is not supported; save the file as UTF-8 or Shift_JIS".into());
    }
    if sample.contains(&0) {
        return Err("the input holds NUL bytes: it is binary data, not a text export".into());
    }
    let plain = |encoding| Ok(Detected { encoding, bom: 0 });
    match std::str::from_utf8(sample) {
        Ok(_) => return plain(Encoding::Utf8),
        // A character cut at the end of a partial sample is still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => return plain(Encoding::Utf8),
        Err(_) => {}
    }
    let (sjis_errors, halfwidth) = scan(Encoding::ShiftJis, sample, complete);
    let (euc_errors, _) = scan(Encoding::EucJp, sample, complete);
    if euc_errors < sjis_errors || (euc_errors == 0 && halfwidth > 8) {
        plain(Encoding::EucJp)
    } else {
        plain(Encoding::ShiftJis)
    }
}

/// Malformed sequences in `sample` and half-width katakana decoded.
fn scan(encoding: Encoding, sample: &[u8], last: bool) -> (usize, usize) {
    let mut decoder = encoding.codec().new_decoder_without_bom_handling();
    let mut out = String::with_capacity(4096);
    let (mut errors, mut halfwidth, mut rest) = (0, 0, sample);
    loop {
        out.clear();
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, last);
        halfwidth += out
            .chars()
            .filter(|c| ('\u{FF61}'..='\u{FF9F}').contains(c))
            .count();
        rest = rest.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => return (errors, halfwidth),
            DecoderResult::Malformed(..) => errors += 1,
            DecoderResult::OutputFull => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
    }
    fn euc(s: &str) -> Vec<u8> {
        encoding_rs::EUC_JP.encode(s).0.into_owned()
    }

    #[test]
    fn detects_each_encoding() {
        let text = "患者ID,氏名,カナ\r\n00012,髙橋 﨑子,ﾀｶﾊｼ\r\n";
        let d = |b: &[u8]| detect(b, true).unwrap().encoding;
        assert_eq!(d(text.as_bytes()), Encoding::Utf8);
        assert_eq!(d(&sjis(text)), Encoding::ShiftJis);
        assert_eq!(
            d(&euc("患者ID,氏名,カナ\r\n00012,高橋 花子,タカハシ\r\n")),
            Encoding::EucJp
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(detect(&bom, true).unwrap().bom, 3);
        assert_eq!(d(b"id,name\n1,a\n"), Encoding::Utf8);
    }

    #[test]
    fn utf8_cut_at_the_end_of_a_partial_sample() {
        let text = "氏名\n山田".as_bytes();
        let cut = &text[..text.len() - 1];
        assert_eq!(detect(cut, false).unwrap().encoding, Encoding::Utf8);
        assert_ne!(detect(cut, true).unwrap().encoding, Encoding::Utf8);
    }

    #[test]
    fn refuses_binary_and_utf16() {
        assert!(detect(b"PK\x03\x04\x00\x00", true)
            .unwrap_err()
            .contains("binary"));
        assert!(detect(&[0xFF, 0xFE, b'a', 0], true)
            .unwrap_err()
            .contains("UTF-16"));
    }

    #[test]
    fn labels() {
        for (label, e) in [
            ("cp932", Encoding::ShiftJis),
            ("Windows-31J", Encoding::ShiftJis),
            ("sjis", Encoding::ShiftJis),
            ("shift_jis", Encoding::ShiftJis),
            ("UTF-8", Encoding::Utf8),
            ("euc-jp", Encoding::EucJp),
        ] {
            assert_eq!(Encoding::from_label(label), Some(e), "{label}");
        }
        assert_eq!(Encoding::from_label("utf-16le"), None);
        assert_eq!(Encoding::from_label("latin1"), None);
    }

    #[test]
    fn decode_reports_the_bad_offset() {
        let mut out = String::new();
        let mut bytes = sjis("山田");
        bytes.push(0x81); // a lead byte with no trail
        assert_eq!(Encoding::ShiftJis.decode_into(&bytes, &mut out), Err(4));
        out.clear();
        assert_eq!(Encoding::Utf8.decode_into(b"ab\xFFc", &mut out), Err(2));
    }

    #[test]
    fn encode_refuses_unmappable() {
        let mut out = Vec::new();
        assert_eq!(Encoding::ShiftJis.encode_into("𠮷田", &mut out), Err('𠮷'));
        out.clear();
        Encoding::ShiftJis.encode_into("髙橋﨑①", &mut out).unwrap();
        assert_eq!(out, sjis("髙橋﨑①"));
    }

    /// Every two-byte CP932 code that decodes also encodes back to a code that decodes to the
    /// same character (the byte may move: NEC-selected IBM codes are written at their IBM place,
    /// which is why kept columns are copied as raw bytes). User-defined 外字 (F040–F9FC) decode
    /// to private-use characters that cannot be encoded again.
    #[test]
    fn every_cp932_character_round_trips() {
        let mut decoded = 0;
        let mut gaiji = String::new();
        Encoding::ShiftJis
            .decode_into(&[0xF0, 0x40], &mut gaiji)
            .unwrap();
        assert_eq!(gaiji, "\u{E000}");
        assert_eq!(
            Encoding::ShiftJis.encode_into(&gaiji, &mut Vec::new()),
            Err('\u{E000}')
        );
        for lead in (0x81u8..=0x9F).chain(0xE0..=0xEF).chain(0xFA..=0xFC) {
            for trail in (0x40u8..=0x7E).chain(0x80..=0xFC) {
                let mut text = String::new();
                if Encoding::ShiftJis
                    .decode_into(&[lead, trail], &mut text)
                    .is_err()
                {
                    continue;
                }
                decoded += 1;
                let mut back = Vec::new();
                Encoding::ShiftJis.encode_into(&text, &mut back).unwrap();
                let mut again = String::new();
                Encoding::ShiftJis.decode_into(&back, &mut again).unwrap();
                assert_eq!(again, text, "{lead:02X}{trail:02X}");
            }
        }
        assert!(decoded > 7000, "{decoded}");
    }
}
