//! Reading CSV text back into records of strings, with the crate's own reader: how tests look at
//! the pipeline's input and output field by field.

use deid_kit::format::csv::{Reader, SyntaxError};

/// Every record of `text` (a leading BOM skipped), each field as a string; panics on a syntax
/// error or a field that is not UTF-8.
pub fn records(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    Reader::new(delimiter)
        .feed::<SyntaxError>(
            text.trim_start_matches('\u{feff}').as_bytes(),
            true,
            &mut |r| {
                rows.push(
                    r.iter()
                        .map(|f| String::from_utf8(f.to_vec()).unwrap())
                        .collect(),
                );
                Ok(())
            },
        )
        .unwrap();
    rows
}
