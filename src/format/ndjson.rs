//! NDJSON (newline-delimited JSON, FHIR Bulk Data's export format) on raw bytes: a push reader
//! that cuts lines, whatever the chunking, and hands each complete line over as bytes.
//!
//! A chunk edge can fall anywhere, even inside a multibyte character or a JSON string: lines are
//! cut on the byte LF, which never occurs inside a UTF-8 sequence and which JSON forbids raw inside
//! strings. Parsing the JSON is the caller's job; this file knows nothing of FHIR.

/// Largest line accepted (one resource). A line past it is handed over as [`Line::too_long`]
/// without its bytes, so one broken export cannot eat the machine's memory.
pub const MAX_LINE_BYTES: usize = 256 * 1024 * 1024;

/// One line, without its terminator (LF or CR LF).
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// The bytes (empty when `too_long`).
    pub bytes: &'a [u8],
    /// Line number, from 1.
    pub number: u64,
    /// The line was longer than the reader's limit; its bytes were dropped.
    pub too_long: bool,
}

/// A push line reader: feed it chunks; it calls back once per non-blank line.
///
/// # Example
/// ```
/// use deid_kit::format::ndjson::Reader;
/// let mut reader = Reader::new();
/// let mut lines = Vec::new();
/// for chunk in ["{\"a\":\"日", "本\"}\r\n\n{\"b\":1}"] {
///     reader.feed(chunk.as_bytes(), false, &mut |l| -> Result<(), ()> {
///         lines.push((l.number, String::from_utf8(l.bytes.to_vec()).unwrap()));
///         Ok(())
///     }).unwrap();
/// }
/// reader.feed(&[], true, &mut |l| -> Result<(), ()> {
///     lines.push((l.number, String::from_utf8(l.bytes.to_vec()).unwrap()));
///     Ok(())
/// }).unwrap();
/// assert_eq!(lines, [(1, "{\"a\":\"日本\"}".to_owned()), (3, "{\"b\":1}".to_owned())]);
/// ```
#[derive(Debug, Clone)]
pub struct Reader {
    /// The start of the current line, when it spans chunks.
    pending: Vec<u8>,
    /// The current line passed the limit: its bytes are skipped up to the next LF.
    skipping: bool,
    /// Lines completed so far.
    lines: u64,
    /// The file's first line has not been seen yet (for the byte order mark).
    first: bool,
    /// The first line ended with CR LF (None before a line ended).
    crlf: Option<bool>,
    max: usize,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader::new()
    }
}

impl Reader {
    /// A reader with the [`MAX_LINE_BYTES`] limit.
    pub fn new() -> Reader {
        Reader::with_limit(MAX_LINE_BYTES)
    }

    /// A reader with a smaller line limit (tests).
    pub fn with_limit(max: usize) -> Reader {
        Reader {
            pending: Vec::new(),
            skipping: false,
            lines: 0,
            first: true,
            crlf: None,
            max,
        }
    }

    /// Whether the first line ended with CR LF; `None` until a line has ended.
    pub fn crlf(&self) -> Option<bool> {
        self.crlf
    }

    /// Lines completed so far (blank ones included).
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Feeds `chunk`; `last` ends the input (a final line without LF is handed over then).
    ///
    /// # Errors
    /// Whatever `each` returns; the reader stops at the first error.
    pub fn feed<E>(
        &mut self,
        chunk: &[u8],
        last: bool,
        each: &mut dyn FnMut(Line<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut rest = chunk;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(at);
            rest = tail.get(1..).unwrap_or_default();
            self.lines += 1;
            if self.skipping {
                self.skipping = false;
                self.emit(&[], true, each)?;
            } else if self.pending.is_empty() {
                if head.len() > self.max {
                    self.emit(&[], true, each)?;
                } else {
                    self.emit(head, false, each)?;
                }
            } else if self.pending.len() + head.len() > self.max {
                self.pending.clear();
                self.emit(&[], true, each)?;
            } else {
                let mut line = std::mem::take(&mut self.pending);
                line.extend_from_slice(head);
                let result = self.emit(&line, false, each);
                line.clear();
                self.pending = line;
                result?;
            }
        }
        if !self.skipping {
            if self.pending.len() + rest.len() > self.max {
                self.pending = Vec::new();
                self.skipping = true;
            } else {
                self.pending.extend_from_slice(rest);
            }
        }
        if last && (self.skipping || !self.pending.is_empty()) {
            self.lines += 1;
            let line = std::mem::take(&mut self.pending);
            let too_long = std::mem::replace(&mut self.skipping, false);
            self.emit(&line, too_long, each)?;
        }
        Ok(())
    }

    fn emit<E>(
        &mut self,
        line: &[u8],
        too_long: bool,
        each: &mut dyn FnMut(Line<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut bytes = line;
        if self.first {
            self.first = false;
            bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        }
        let trimmed = bytes.strip_suffix(b"\r");
        if self.crlf.is_none() {
            self.crlf = Some(trimmed.is_some());
        }
        let bytes = trimmed.unwrap_or(bytes);
        if !too_long && bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        each(Line {
            bytes,
            number: self.lines,
            too_long,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(reader: &mut Reader, chunks: &[&[u8]]) -> Vec<(u64, Vec<u8>, bool)> {
        let mut out = Vec::new();
        let mut each = |l: Line<'_>| -> Result<(), ()> {
            out.push((l.number, l.bytes.to_vec(), l.too_long));
            Ok(())
        };
        for c in chunks {
            reader.feed(c, false, &mut each).unwrap();
        }
        reader.feed(&[], true, &mut each).unwrap();
        out
    }

    #[test]
    fn every_split_point_gives_the_same_lines() {
        let input =
            "\u{feff}{\"n\":\"山田\\n太郎\"}\r\n\r\n{\"x\":\"ｶﾅ\"}\n   \n{\"y\":1}".as_bytes();
        let whole = lines(&mut Reader::new(), &[input]);
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0].0, 1);
        assert_eq!(whole[1].0, 3);
        assert_eq!(whole[2].0, 5);
        assert!(whole[0].1.starts_with(b"{"), "BOM stripped");
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let (a, rest) = input.split_at(i);
                let (b, c) = rest.split_at(j - i);
                assert_eq!(lines(&mut Reader::new(), &[a, b, c]), whole, "{i} {j}");
            }
        }
    }

    #[test]
    fn long_lines_are_flagged_not_kept() {
        for chunks in [
            vec![&b"{\"a\":1}\n0123456789abcdef\n{}"[..]],
            vec![&b"{\"a\":1}\n01234"[..], b"56789abc", b"def\n{}"],
            vec![&b"{\"a\":1}\n0123456789abcdef"[..]],
        ] {
            let got = lines(&mut Reader::with_limit(10), &chunks);
            assert_eq!(got[0], (1, b"{\"a\":1}".to_vec(), false));
            assert_eq!(got[1], (2, Vec::new(), true));
            if got.len() == 3 {
                assert_eq!(got[2], (3, b"{}".to_vec(), false));
            }
        }
    }

    #[test]
    fn line_endings_are_recorded() {
        let mut r = Reader::new();
        lines(&mut r, &[b"{}\r\n{}\n"]);
        assert_eq!(r.crlf(), Some(true));
        let mut r = Reader::new();
        lines(&mut r, &[b"{}\n{}\r\n"]);
        assert_eq!(r.crlf(), Some(false));
    }
}
