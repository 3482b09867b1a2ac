//! A FHIR Bundle (one JSON object holding `entry: [{fullUrl, resource}, …]`) read as a stream:
//! the reader follows the JSON structure byte by byte (nesting, strings, escapes) across chunks
//! and hands over each entry on its own, so a Bundle of any size is never held whole.
//!
//! What it hands over: the shell before `entry` ([`Part::Head`]), each entry object
//! ([`Part::Entry`]) and the shell after the entry array ([`Part::Tail`]). [`shell_object`] turns
//! a head or tail into a JSON object of its own so the caller can process the Bundle's own
//! elements like any resource's; the writer side is [`Writer`]. Like `ndjson.rs`, this file knows
//! JSON syntax only: what an entry means is the caller's business.

/// Largest entry (or shell) accepted.
pub const MAX_PART_BYTES: usize = 256 * 1024 * 1024;

/// What the reader hands over, in document order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// The Bundle's members before `entry`, from `{` up to (not including) the `"entry"` key;
    /// with `complete`, the whole object (the Bundle has no entry array).
    Head {
        /// Raw bytes.
        bytes: &'a [u8],
        /// The object has no `entry` member: these bytes are all of it.
        complete: bool,
    },
    /// One element of `entry`, a complete JSON object.
    Entry {
        /// Raw bytes.
        bytes: &'a [u8],
        /// Line where it starts, from 1.
        line: u64,
        /// Index in the array, from 0.
        index: u64,
    },
    /// The members after the entry array, up to and including the closing `}`.
    Tail(&'a [u8]),
}

/// Why the input is not a Bundle the reader can follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong (never a value from the file).
    pub message: &'static str,
    /// Line, from 1.
    pub line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the top-level `{`.
    Start,
    /// Inside the top-level object, before the entry array.
    Head,
    /// After `"entry"`, before its `[`.
    EntryKey,
    /// Inside the entry array, between elements.
    Entries,
    /// Inside one element.
    Entry,
    /// After the entry array, inside the top-level object.
    Tail,
    /// After the top-level `}`.
    Done,
}

/// The push reader.
///
/// # Example
/// ```
/// use deid_kit::format::bundle::{Part, Reader};
/// let bundle = br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}},{"fullUrl":"a"}],"type":"collection"}"#;
/// let mut parts = Vec::new();
/// let mut reader = Reader::new();
/// for chunk in bundle.chunks(7) {
///     reader.feed(chunk, false, &mut |p| -> Result<(), deid_kit::format::bundle::SyntaxError> {
///         parts.push(match p {
///             Part::Head { bytes, .. } => format!("head {}", String::from_utf8_lossy(bytes)),
///             Part::Entry { bytes, .. } => format!("entry {}", String::from_utf8_lossy(bytes)),
///             Part::Tail(bytes) => format!("tail {}", String::from_utf8_lossy(bytes)),
///         });
///         Ok(())
///     }).unwrap();
/// }
/// reader.feed(&[], true, &mut |_| Ok::<(), deid_kit::format::bundle::SyntaxError>(())).unwrap();
/// assert_eq!(parts, [
///     r#"head {"resourceType":"Bundle","#,
///     r#"entry {"resource":{"resourceType":"Patient"}}"#,
///     r#"entry {"fullUrl":"a"}"#,
///     r#"tail ,"type":"collection"}"#,
/// ]);
/// ```
#[derive(Debug, Clone)]
pub struct Reader {
    stage: Stage,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// At depth 1 the next string is a member name.
    expect_key: bool,
    /// The member name being read at depth 1 (only its first bytes matter).
    key: Vec<u8>,
    /// Where the current depth-1 member name starts in `buffer`.
    key_start: usize,
    /// The current head, entry or tail.
    buffer: Vec<u8>,
    line: u64,
    entry_line: u64,
    entries: u64,
    max: usize,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader::new()
    }
}

impl Reader {
    /// A reader with the [`MAX_PART_BYTES`] limit.
    pub fn new() -> Reader {
        Reader {
            stage: Stage::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            expect_key: false,
            key: Vec::new(),
            key_start: 0,
            buffer: Vec::new(),
            line: 1,
            entry_line: 1,
            entries: 0,
            max: MAX_PART_BYTES,
        }
    }

    /// Entries handed over so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Feeds `chunk`; `last` ends the input.
    ///
    /// # Errors
    /// A [`SyntaxError`] (converted into `E`) when the input is not one JSON object, an entry is
    /// not an object, a part is over the limit or the input ends inside the object; or whatever
    /// `each` returns.
    pub fn feed<E: From<SyntaxError>>(
        &mut self,
        chunk: &[u8],
        last: bool,
        each: &mut dyn FnMut(Part<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        for &b in chunk {
            self.byte(b, each)?;
        }
        if last {
            if self.stage == Stage::Start {
                return Err(self.error("the input holds no JSON object").into());
            }
            if self.stage != Stage::Done {
                return Err(self
                    .error("the Bundle ends before its closing brace (the file may be cut short)")
                    .into());
            }
        }
        Ok(())
    }

    fn error(&self, message: &'static str) -> SyntaxError {
        SyntaxError {
            message,
            line: self.line,
        }
    }

    fn push(&mut self, b: u8) -> Result<(), SyntaxError> {
        if self.buffer.len() >= self.max {
            return Err(self.error("a Bundle entry is larger than 256 MiB"));
        }
        self.buffer.push(b);
        Ok(())
    }

    fn byte<E: From<SyntaxError>>(
        &mut self,
        b: u8,
        each: &mut dyn FnMut(Part<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        if b == b'\n' {
            self.line += 1;
        }
        match self.stage {
            Stage::Start => match b {
                b'{' => {
                    self.stage = Stage::Head;
                    self.depth = 1;
                    self.expect_key = true;
                    self.push(b)?;
                }
                // A byte order mark or white space.
                0xEF | 0xBB | 0xBF | b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => return Err(self.error("a Bundle is a JSON object: `{` expected").into()),
            },
            Stage::EntryKey => match b {
                b'[' => {
                    self.stage = Stage::Entries;
                    self.depth = 2;
                }
                b' ' | b'\t' | b'\r' | b'\n' | b':' => {}
                _ => return Err(self.error("`entry` of a Bundle must be an array").into()),
            },
            Stage::Entries => match b {
                b'{' => {
                    self.stage = Stage::Entry;
                    self.depth = 3;
                    self.entry_line = self.line;
                    self.buffer.clear();
                    self.push(b)?;
                }
                b']' => {
                    self.stage = Stage::Tail;
                    self.depth = 1;
                    self.buffer.clear();
                }
                b',' | b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => return Err(self.error("an entry of a Bundle must be an object").into()),
            },
            Stage::Entry => {
                self.push(b)?;
                if self.structure(b) == Some(2) {
                    self.stage = Stage::Entries;
                    let index = self.entries;
                    self.entries += 1;
                    each(Part::Entry {
                        bytes: &self.buffer,
                        line: self.entry_line,
                        index,
                    })?;
                    self.buffer.clear();
                }
            }
            Stage::Head | Stage::Tail => {
                let at = self.buffer.len();
                let key_position = self.depth == 1 && !self.in_string && self.expect_key;
                self.push(b)?;
                if self.depth == 1
                    && self.in_string
                    && !self.escaped
                    && b != b'"'
                    && self.key.len() < 16
                {
                    self.key.push(b);
                }
                let closed = self.structure(b);
                if key_position && b == b'"' {
                    self.key.clear();
                    self.key_start = at;
                }
                if self.depth == 1 && !self.in_string {
                    match b {
                        b',' => self.expect_key = true,
                        b'"' => self.expect_key = false,
                        b':' if self.stage == Stage::Head && self.key == b"entry" => {
                            self.stage = Stage::EntryKey;
                            let head = self.buffer.get(..self.key_start).unwrap_or_default();
                            each(Part::Head {
                                bytes: head,
                                complete: false,
                            })?;
                            self.buffer.clear();
                        }
                        _ => {}
                    }
                }
                if closed == Some(0) {
                    let stage = std::mem::replace(&mut self.stage, Stage::Done);
                    let part = if stage == Stage::Head {
                        Part::Head {
                            bytes: &self.buffer,
                            complete: true,
                        }
                    } else {
                        Part::Tail(&self.buffer)
                    };
                    each(part)?;
                    self.buffer = Vec::new();
                }
            }
            Stage::Done => {
                if !b.is_ascii_whitespace() {
                    return Err(self
                        .error("there is more after the Bundle's closing brace")
                        .into());
                }
            }
        }
        Ok(())
    }

    /// Follows strings and nesting; returns the depth after a closing bracket.
    fn structure(&mut self, b: u8) -> Option<u32> {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return None;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                return Some(self.depth);
            }
            _ => {}
        }
        None
    }
}

/// The members of a head or tail as a JSON object of their own: `{"a":1,` → `{"a":1}`,
/// `,"b":2}` → `{"b":2}`.
pub fn shell_object(part: &[u8], head: bool) -> Vec<u8> {
    let trimmed = trim(part);
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    if head {
        let body = trimmed.strip_suffix(b"}").unwrap_or(trimmed);
        let body = trim(body);
        let body = body.strip_suffix(b",").unwrap_or(body);
        out.extend_from_slice(body);
        out.push(b'}');
    } else {
        let body = trimmed.strip_prefix(b",").unwrap_or(trimmed);
        out.push(b'{');
        out.extend_from_slice(body);
    }
    out
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Writes a Bundle back: the head's members, the entries, the tail's members, as compact JSON.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    /// Members written so far at the top level.
    members: usize,
    /// Entries written so far.
    entries: usize,
    entry_open: bool,
}

impl Writer {
    /// Writes `{` and the members of a compact JSON object (`{…}` given whole).
    pub fn head(&mut self, object: &[u8], out: &mut Vec<u8>) {
        out.push(b'{');
        self.members(object, out);
    }

    /// Opens the entry array.
    pub fn open_entries(&mut self, out: &mut Vec<u8>) {
        if self.members > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"entry\":[");
        self.members += 1;
        self.entry_open = true;
    }

    /// Writes one entry (a compact JSON object).
    pub fn entry(&mut self, entry: &[u8], out: &mut Vec<u8>) {
        if self.entries > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry);
        self.entries += 1;
    }

    /// Closes the entry array, writes the tail's members and the closing `}`.
    pub fn tail(&mut self, object: &[u8], out: &mut Vec<u8>) {
        if std::mem::take(&mut self.entry_open) {
            out.push(b']');
        }
        self.members(object, out);
        out.push(b'}');
    }

    fn members(&mut self, object: &[u8], out: &mut Vec<u8>) {
        let inner = object
            .strip_prefix(b"{")
            .and_then(|o| o.strip_suffix(b"}"))
            .unwrap_or_default();
        if inner.is_empty() {
            return;
        }
        if self.members > 0 {
            out.push(b',');
        }
        out.extend_from_slice(inner);
        self.members += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(input: &[u8], size: usize) -> Result<Vec<(String, String)>, SyntaxError> {
        let mut out = Vec::new();
        let mut reader = Reader::new();
        let mut each = |p: Part<'_>| -> Result<(), SyntaxError> {
            out.push(match p {
                Part::Head { bytes, complete } => (
                    format!("head {complete}"),
                    String::from_utf8(bytes.to_vec()).unwrap(),
                ),
                Part::Entry { bytes, line, index } => (
                    format!("entry {line} {index}"),
                    String::from_utf8(bytes.to_vec()).unwrap(),
                ),
                Part::Tail(bytes) => ("tail".into(), String::from_utf8(bytes.to_vec()).unwrap()),
            });
            Ok(())
        };
        for c in input.chunks(size.max(1)) {
            reader.feed(c, false, &mut each)?;
        }
        reader.feed(&[], true, &mut each)?;
        Ok(out)
    }

    const BUNDLE: &str = "\u{feff}{\n \"resourceType\": \"Bundle\",\n \"id\": \"b\\\"entry\\\"1\",\n \"entry\": [\n  {\"fullUrl\": \"urn:uuid:1\", \"resource\": {\"resourceType\": \"Patient\", \"name\": [{\"text\": \"山田 }]{\\\\\"}]}}\n , {\"resource\": {\"resourceType\": \"Condition\"}}\n ],\n \"type\": \"collection\"\n}\n";

    #[test]
    fn every_chunk_size_gives_the_same_parts() {
        let whole = parts(BUNDLE.as_bytes(), BUNDLE.len()).unwrap();
        assert_eq!(whole.len(), 4, "{whole:?}");
        assert_eq!(whole[0].0, "head false");
        assert!(whole[0].1.contains("b\\\"entry\\\"1"));
        assert_eq!(whole[1].0, "entry 5 0");
        assert!(whole[1].1.ends_with("}]}}"));
        assert_eq!(whole[2].0, "entry 6 1");
        assert_eq!(whole[3].0, "tail");
        for size in 1..BUNDLE.len() {
            assert_eq!(parts(BUNDLE.as_bytes(), size).unwrap(), whole, "{size}");
        }
        let head: serde_json::Value =
            serde_json::from_slice(&shell_object(whole[0].1.as_bytes(), true)).unwrap();
        assert_eq!(head["id"], "b\"entry\"1");
        let tail: serde_json::Value =
            serde_json::from_slice(&shell_object(whole[3].1.as_bytes(), false)).unwrap();
        assert_eq!(tail["type"], "collection");
    }

    #[test]
    fn no_entry_and_bad_input() {
        let p = parts(br#"{"resourceType":"Bundle","type":"collection"}"#, 3).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "head true");
        for bad in [
            &br#"{"resourceType":"Bundle","entry":[1]}"#[..],
            br#"{"resourceType":"Bundle","entry":{}}"#,
            br#"{"resourceType":"Bundle","entry":[{}"#,
            br#"[]"#,
            br#""#,
            br#"{} {}"#,
        ] {
            assert!(parts(bad, 2).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn writer_round_trip() {
        let mut w = Writer::default();
        let mut out = Vec::new();
        w.head(br#"{"resourceType":"Bundle"}"#, &mut out);
        w.open_entries(&mut out);
        w.entry(br#"{"a":1}"#, &mut out);
        w.entry(br#"{"b":2}"#, &mut out);
        w.tail(br#"{"type":"x"}"#, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"resourceType":"Bundle","entry":[{"a":1},{"b":2}],"type":"x"}"#
        );
        let mut w = Writer::default();
        let mut out = Vec::new();
        w.head(br#"{}"#, &mut out);
        w.open_entries(&mut out);
        w.tail(br#"{}"#, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"entry":[]}"#);
    }
}
