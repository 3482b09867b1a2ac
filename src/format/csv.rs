//! CSV on raw bytes: a push reader on csv-core and a small writer.
//!
//! Fields stay bytes here; decoding is the pipeline's job. Splitting before decoding is safe for
//! UTF-8, Shift_JIS and EUC-JP: no byte of their multibyte sequences is a delimiter, a quote, CR
//! or LF, so a chunk edge can fall anywhere, even inside a character.

use csv_core::ReadRecordResult;

/// Largest record accepted (all fields together). A 20 MB note passes; a file that is one
/// unterminated quote does not eat the machine's memory.
pub const MAX_RECORD_BYTES: usize = 256 * 1024 * 1024;

/// Why the CSV syntax cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// A quoted field is still open at the end of the input.
    UnterminatedQuote {
        /// Line where the record with the open quote starts.
        line: u64,
    },
    /// A record larger than [`MAX_RECORD_BYTES`].
    RecordTooLarge {
        /// Line where the record starts.
        line: u64,
    },
}

/// One record: its fields as raw bytes, and where it starts.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    /// Line where the record starts, from 1.
    pub line: u64,
    /// Byte offset where the record starts.
    pub byte: u64,
}

impl<'a> Record<'a> {
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, unquoted.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.bytes.get(start..end)
    }

    /// All fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// A push CSV reader: feed it chunks of any size; it calls back once per complete record.
#[derive(Debug, Clone)]
pub struct Reader {
    core: csv_core::Reader,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    nbytes: usize,
    nends: usize,
    /// Bytes of an unfinished record have been consumed.
    open: bool,
    consumed: u64,
    record_byte: u64,
    record_line: u64,
}

impl Reader {
    /// A reader splitting fields on `delimiter` (`,`, `;` or tab), with RFC 4180 quoting.
    pub fn new(delimiter: u8) -> Reader {
        Reader {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            bytes: vec![0; 4096],
            ends: vec![0; 64],
            nbytes: 0,
            nends: 0,
            open: false,
            consumed: 0,
            record_byte: 0,
            record_line: 1,
        }
    }

    /// Parses `input`, calling `on_record` for each record it completes. With `last`, `input` is
    /// the end of the data: a final record without a line ending is completed, and an open quote
    /// is an error.
    ///
    /// # Errors
    /// A [`SyntaxError`] (converted into `E`), or the first error `on_record` returns.
    pub fn feed<E: From<SyntaxError>>(
        &mut self,
        mut input: &[u8],
        last: bool,
        on_record: &mut dyn FnMut(Record<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut probing = false;
        loop {
            if input.is_empty() {
                if !last {
                    return Ok(());
                }
                if self.open && !probing {
                    // csv-core does not say whether it stands inside quotes at the end (and its
                    // Dfa's Clone is incomplete, so a copy cannot be asked). Feed it a line feed:
                    // outside quotes that completes the record; inside, it is field content.
                    probing = true;
                    input = b"\n";
                }
            }
            let out = self.bytes.get_mut(self.nbytes..).unwrap_or_default();
            let ends = self.ends.get_mut(self.nends..).unwrap_or_default();
            let line_before = self.core.line();
            let (result, nin, nout, nend) = self.core.read_record(input, out, ends);
            if !self.open && !probing {
                // A record opens at its first byte that is not the rest of a line ending (csv-core
                // ends a record at CR and eats the LF in the next call) or a skipped blank line.
                let taken = input.get(..nin).unwrap_or_default();
                if let Some(at) = taken.iter().position(|&b| b != b'\r' && b != b'\n') {
                    let newlines = taken.iter().take(at).filter(|&&b| b == b'\n').count();
                    self.open = true;
                    self.record_byte = self.consumed + at as u64;
                    self.record_line = line_before + newlines as u64;
                }
            }
            input = input.get(nin..).unwrap_or_default();
            if !probing {
                self.consumed += nin as u64;
            }
            self.nbytes += nout;
            self.nends += nend;
            if probing && self.open && result != ReadRecordResult::Record {
                return Err(SyntaxError::UnterminatedQuote {
                    line: self.record_line,
                }
                .into());
            }
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.bytes.len() >= MAX_RECORD_BYTES {
                        return Err(SyntaxError::RecordTooLarge {
                            line: self.record_line,
                        }
                        .into());
                    }
                    let grown = (self.bytes.len() * 2).min(MAX_RECORD_BYTES);
                    self.bytes.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    let record = Record {
                        bytes: self.bytes.get(..self.nbytes).unwrap_or_default(),
                        ends: self.ends.get(..self.nends).unwrap_or_default(),
                        line: self.record_line,
                        byte: self.record_byte,
                    };
                    self.nbytes = 0;
                    self.nends = 0;
                    self.open = false;
                    on_record(record)?;
                }
                ReadRecordResult::End => return Ok(()),
            }
        }
    }

    /// Line the parser has reached, from 1.
    pub fn line(&self) -> u64 {
        self.core.line()
    }
}

/// Writes fields with RFC 4180 quoting: a field is quoted only when it holds the delimiter, a
/// quote, CR or LF.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    /// Field delimiter.
    pub delimiter: u8,
    /// Record terminator, `b"\r\n"` or `b"\n"`.
    pub terminator: &'static [u8],
}

impl Writer {
    /// Appends one already-encoded field, preceded by a delimiter unless it is the first.
    pub fn field(&self, first: bool, bytes: &[u8], out: &mut Vec<u8>) {
        if !first {
            out.push(self.delimiter);
        }
        let needs_quotes = bytes
            .iter()
            .any(|&b| b == self.delimiter || b == b'"' || b == b'\r' || b == b'\n');
        if !needs_quotes {
            out.extend_from_slice(bytes);
            return;
        }
        out.push(b'"');
        for part in bytes.split_inclusive(|&b| b == b'"') {
            out.extend_from_slice(part);
            if part.last() == Some(&b'"') {
                out.push(b'"');
            }
        }
        out.push(b'"');
    }

    /// Ends a record.
    pub fn end(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.terminator);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(chunks: &[&[u8]]) -> Result<Vec<Vec<String>>, SyntaxError> {
        let mut reader = Reader::new(b',');
        let mut rows = Vec::new();
        let mut collect = |r: Record<'_>| -> Result<(), SyntaxError> {
            rows.push(
                r.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            );
            Ok(())
        };
        for (i, chunk) in chunks.iter().enumerate() {
            reader.feed(chunk, i + 1 == chunks.len(), &mut collect)?;
        }
        if chunks.is_empty() {
            reader.feed(b"", true, &mut collect)?;
        }
        Ok(rows)
    }

    fn parse(input: &str) -> Result<Vec<Vec<String>>, SyntaxError> {
        parse_chunks(&[input.as_bytes()])
    }

    fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn rfc4180_cases() {
        for (input, expected) in [
            ("a,b\n1,2\n", rows(&[&["a", "b"], &["1", "2"]])),
            ("a,b\r\n1,2\r\n", rows(&[&["a", "b"], &["1", "2"]])),
            ("a,b\n1,2", rows(&[&["a", "b"], &["1", "2"]])),
            ("a\n\"x,y\"\n", rows(&[&["a"], &["x,y"]])),
            (
                "a\n\"he said \"\"hi\"\"\"\n",
                rows(&[&["a"], &["he said \"hi\""]]),
            ),
            (
                "a\n\"line1\r\nline2\"\n",
                rows(&[&["a"], &["line1\r\nline2"]]),
            ),
            ("a,b\n,\n", rows(&[&["a", "b"], &["", ""]])),
            ("a,b\n\"\",\"\"\n", rows(&[&["a", "b"], &["", ""]])),
            ("", rows(&[])),
        ] {
            assert_eq!(parse(input).unwrap(), expected, "{input:?}");
        }
    }

    #[test]
    fn every_split_point_gives_the_same_records() {
        let input =
            "患者ID,所見\r\n001,\"咳, 痰\r\n「発熱」\"\"38℃\"\"\"\r\n002,特記なし\r\n003,\"末尾\"";
        let bytes = input.as_bytes();
        let whole = parse(input).unwrap();
        assert_eq!(whole.len(), 4);
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let got = parse_chunks(&[&bytes[..i], &bytes[i..j], &bytes[j..]]).unwrap();
                assert_eq!(got, whole, "split at {i}, {j}");
            }
        }
    }

    #[test]
    fn unterminated_quote_at_end_is_an_error_at_its_line() {
        assert_eq!(
            parse("a\n1\n\"open\nstill open"),
            Err(SyntaxError::UnterminatedQuote { line: 3 })
        );
        assert_eq!(
            parse("a\n\""),
            Err(SyntaxError::UnterminatedQuote { line: 2 })
        );
        // A closed quote at the very end, and a quote inside an unquoted field, are fine.
        assert_eq!(parse("a\n\"x\"").unwrap(), rows(&[&["a"], &["x"]]));
        assert_eq!(parse("a\nx\"y\n").unwrap(), rows(&[&["a"], &["x\"y"]]));
    }

    #[test]
    fn large_field_grows_the_buffer() {
        let big = "x".repeat(5_000_000);
        let got = parse(&format!("a\n\"{big}\"\n")).unwrap();
        assert_eq!(got[1][0].len(), 5_000_000);
    }

    #[test]
    fn semicolon_and_tab() {
        let mut reader = Reader::new(b'\t');
        let mut n = 0;
        reader
            .feed::<SyntaxError>(b"a\tb\n1\t2,3\n", true, &mut |r| {
                assert_eq!(r.len(), 2);
                n += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn writer_quotes_only_when_needed() {
        let w = Writer {
            delimiter: b',',
            terminator: b"\r\n",
        };
        let mut out = Vec::new();
        for (i, f) in ["plain", "a,b", "say \"hi\"", "two\nlines", ""]
            .iter()
            .enumerate()
        {
            w.field(i == 0, f.as_bytes(), &mut out);
        }
        w.end(&mut out);
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
        let back = parse(std::str::from_utf8(&out).unwrap()).unwrap();
        assert_eq!(
            back,
            rows(&[&["plain", "a,b", "say \"hi\"", "two\nlines", ""]])
        );
    }
}
