//! A first look at a file from its first bytes: encoding, line ending, delimiter, header, the
//! first rows and an estimate of the row count, for the browser tool's first step.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::format::csv::{Reader, SyntaxError};
use crate::format::encoding;

/// What [`preview`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    /// `utf-8`, `shift_jis` or `euc-jp`.
    pub encoding: String,
    /// Whether the file starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// `crlf` or `lf`.
    pub line_ending: String,
    /// `,`, `;` or a tab.
    pub delimiter: String,
    /// The header row.
    pub headers: Vec<String>,
    /// Up to the requested number of data rows, decoded (undecodable cells are empty).
    pub rows: Vec<Vec<String>>,
    /// Bytes from the start of the file to the end of the last previewed row, so that exactly
    /// those rows can be run through a session for a before/after view.
    pub bytes: usize,
    /// Rows in the whole file, estimated from the sample's bytes per row.
    pub estimated_rows: u64,
}

/// Previews `sample`, the first bytes of a file of `file_size` bytes, with up to `rows` rows.
///
/// # Errors
/// When the sample is not text or has no complete header row.
///
/// # Example
/// ```
/// let p = deid_kit::preview::preview("ID,病名\r\n1,高血圧\r\n2,喘息\r\n".as_bytes(), 26, 1)?;
/// assert_eq!((p.encoding.as_str(), p.line_ending.as_str()), ("utf-8", "crlf"));
/// assert_eq!(p.headers, ["ID", "病名"]);
/// assert_eq!(p.rows, [["1", "高血圧"]]);
/// assert_eq!(p.bytes, "ID,病名\r\n1,高血圧\r\n".len());
/// # Ok::<(), deid_kit::Error>(())
/// ```
pub fn preview(sample: &[u8], file_size: u64, rows: usize) -> Result<Preview> {
    let detected =
        encoding::detect(sample, sample.len() as u64 >= file_size).map_err(Error::input)?;
    let body = sample.get(detected.bom..).unwrap_or_default();
    let delimiter = crate::preset::sniff_delimiter(body);
    let mut reader = Reader::new(delimiter);
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut ends: Vec<u64> = Vec::new();
    let mut sampled = 0u64;
    let last = sample.len() as u64 >= file_size;
    let result = reader.feed::<SyntaxError>(body, last, &mut |r| {
        sampled += 1;
        if records.len() <= rows {
            records.push(
                r.iter()
                    .map(|f| {
                        let mut s = String::new();
                        let _ = detected.encoding.decode_into(f, &mut s);
                        s
                    })
                    .collect(),
            );
        }
        if ends.len() <= rows + 1 {
            ends.push(r.byte);
        }
        Ok(())
    });
    result?;
    if records.is_empty() {
        return Err(Error::input(
            "no complete header row in the first bytes of the file",
        ));
    }
    let headers = records.remove(0);
    // A record's start is the previous one's end: the bytes up to the row after the last shown.
    let bytes = match ends.get(records.len() + 1) {
        Some(&next) => detected.bom + next as usize,
        None => sample.len(),
    };
    let line_ending = match body.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && body.get(i - 1) == Some(&b'\r') => "crlf",
        Some(_) => "lf",
        None => "crlf",
    };
    let data_rows = sampled.saturating_sub(1).max(1);
    let estimated_rows = if last {
        sampled.saturating_sub(1)
    } else {
        (file_size as f64 / body.len().max(1) as f64 * data_rows as f64).round() as u64
    };
    Ok(Preview {
        encoding: detected.encoding.name().into(),
        bom: detected.bom > 0,
        line_ending: line_ending.into(),
        delimiter: char::from(delimiter).to_string(),
        headers,
        rows: records,
        bytes,
        estimated_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_sample_with_quoted_newlines() {
        let text = "患者ID,所見\r\n1,\"咳\r\n痰\"\r\n2,なし\r\n3,あり\r\n";
        let bytes = encoding_rs::SHIFT_JIS.encode(text).0.into_owned();
        let p = preview(&bytes, bytes.len() as u64, 2).unwrap();
        assert_eq!(p.encoding, "shift_jis");
        assert_eq!(p.rows, [["1", "咳\r\n痰"], ["2", "なし"]]);
        assert_eq!(p.estimated_rows, 3);
        let head = encoding_rs::SHIFT_JIS
            .encode("患者ID,所見\r\n1,\"咳\r\n痰\"\r\n2,なし\r\n")
            .0;
        assert_eq!(&bytes[..p.bytes], &head[..]);
    }

    #[test]
    fn estimate_from_a_partial_sample() {
        let mut text = String::from("a,b\n");
        for i in 0..1000 {
            text.push_str(&format!("{i:05},x\n"));
        }
        let p = preview(&text.as_bytes()[..4000], 10 * text.len() as u64, 5).unwrap();
        assert_eq!(p.rows.len(), 5);
        let expected = 10_000.0;
        assert!(
            (p.estimated_rows as f64 - expected).abs() / expected < 0.05,
            "{}",
            p.estimated_rows
        );
        assert!(preview(b"", 0, 5).is_err());
    }
}
