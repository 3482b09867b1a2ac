//! The settings a policy fixes before the header is read: encodings, line ending and delimiter.

use crate::error::{Error, Result};
use crate::format::encoding::Encoding;

use super::Policy;

/// A line ending choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// Whatever the input uses.
    Same,
    /// CR LF.
    Crlf,
    /// LF.
    Lf,
}

/// Settings taken from the policy that do not depend on the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Input encoding; `None` = detect.
    pub encoding: Option<Encoding>,
    /// Output encoding; `None` = same as input.
    pub output_encoding: Option<Encoding>,
    /// Output line ending.
    pub line_ending: LineEnding,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Policy {
    /// The settings that do not depend on the header.
    ///
    /// # Errors
    /// A policy error naming the bad setting.
    pub fn settings(&self) -> Result<Settings> {
        if !matches!(
            self.input.format.as_str(),
            "csv" | "ndjson" | "bundle" | "auto"
        ) {
            return Err(Error::policy(
                "/input/format",
                "use csv, ndjson, bundle or auto",
            ));
        }
        if !self.input.header {
            return Err(Error::policy(
                "/input/header",
                "a header row is required: columns are named by it",
            ));
        }
        let encoding = match self.input.encoding.as_str() {
            "auto" => None,
            label => Some(Encoding::from_label(label).ok_or_else(|| {
                Error::policy("/input/encoding", "use auto, utf-8, shift_jis or euc-jp")
            })?),
        };
        let output_encoding = match self.output.encoding.as_str() {
            "same" => None,
            label => Some(Encoding::from_label(label).ok_or_else(|| {
                Error::policy("/output/encoding", "use same, utf-8, shift_jis or euc-jp")
            })?),
        };
        let line_ending = match self.output.line_ending.as_str() {
            "same" => LineEnding::Same,
            "crlf" => LineEnding::Crlf,
            "lf" => LineEnding::Lf,
            _ => return Err(Error::policy("/output/line_ending", "use same, crlf or lf")),
        };
        let delimiter = match self.input.delimiter.as_str() {
            "," => b',',
            ";" => b';',
            "\t" | "tab" => b'\t',
            _ => {
                return Err(Error::policy(
                    "/input/delimiter",
                    "use \",\", \";\" or \"\\t\"",
                ))
            }
        };
        Ok(Settings {
            encoding,
            output_encoding,
            line_ending,
            delimiter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_and_hash() {
        let p = Policy::from_json(
            r#"{"version":1,"input":{"encoding":"cp932","delimiter":";"},"output":{"encoding":"utf-8","line_ending":"lf"},"columns":{}}"#,
        )
        .unwrap();
        let s = p.settings().unwrap();
        assert_eq!(s.encoding, Some(Encoding::ShiftJis));
        assert_eq!(s.output_encoding, Some(Encoding::Utf8));
        assert_eq!(s.line_ending, LineEnding::Lf);
        assert_eq!(s.delimiter, b';');
        assert_eq!(p.sha256().len(), 64);
        let q = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(p, q);
        assert_eq!(p.sha256(), q.sha256());
        let bad =
            Policy::from_json(r#"{"version":1,"input":{"delimiter":"|"},"columns":{}}"#).unwrap();
        assert!(bad
            .settings()
            .unwrap_err()
            .to_string()
            .contains("/input/delimiter"));
    }
}
