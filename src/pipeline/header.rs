//! What the first bytes and the header row settle: the input encoding, byte order mark and
//! line ending, the policy compiled against the header, the columns to decode and report, and
//! the header written out.

use crate::anonymize::{RareCounter, Stats};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::csv::Record;
use crate::format::encoding::{self, Detected, Encoding};
use crate::policy::LineEnding;
use crate::report::ColumnReport;

use super::{hierarchy, Mode, Scanned, State};

impl State {
    pub(super) fn decide(&mut self, complete: bool) -> Result<()> {
        let sample = self
            .pending
            .get(..encoding::DETECT_BYTES.min(self.pending.len()));
        let sample = sample.unwrap_or_default();
        let detected = match self.settings.encoding {
            Some(encoding) => Detected {
                encoding,
                bom: if encoding == Encoding::Utf8 && sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
                    3
                } else {
                    0
                },
            },
            None => encoding::detect(sample, complete).map_err(Error::input)?,
        };
        self.detected = Some(detected);
        self.output_encoding = self.settings.output_encoding.unwrap_or(detected.encoding);
        self.input_line_ending = match sample.iter().position(|&b| b == b'\n') {
            Some(i) if i > 0 && sample.get(i - 1) == Some(&b'\r') => b"\r\n",
            Some(_) => b"\n",
            None => b"\r\n",
        };
        self.writer.terminator = match self.settings.line_ending {
            LineEnding::Same => self.input_line_ending,
            LineEnding::Crlf => b"\r\n",
            LineEnding::Lf => b"\n",
        };
        Ok(())
    }

    pub(super) fn encoding(&self) -> Encoding {
        self.detected.map_or(Encoding::Utf8, |d| d.encoding)
    }

    pub(super) fn header(&mut self, record: Record<'_>, out: &mut Vec<u8>) -> Result<()> {
        let encoding = self.encoding();
        let mut headers = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            let mut name = String::new();
            encoding.decode_into(field, &mut name).map_err(|_| {
                Error::input(format!("the header row is not valid {}", encoding.name())).at(
                    Position {
                        line: Some(record.line),
                        column: Some(i),
                        ..Position::default()
                    },
                )
            })?;
            headers.push(name.trim_matches([' ', '\u{3000}', '\t']).to_owned());
        }
        let plan = self.policy.compile(&headers, self.key.as_ref())?;
        match &mut self.mode {
            Mode::Plain if !plan.quasi.is_empty() => {
                return Err(Error::policy(
                    "/privacy",
                    "this policy anonymizes (匿名加工): it takes two passes over the file (Session::scan, anonymize, then Session::new with the result; the CLI's apply does this)",
                ))
            }
            Mode::Scan(scanned) => {
                let mut hierarchies = Vec::with_capacity(plan.quasi.len());
                for (i, spec, min_level) in &plan.quasi {
                    let name = headers.get(*i).map_or("", String::as_str);
                    let h = hierarchy(spec)
                        .and_then(|h| h.starting_at(*min_level))
                        .map_err(|e| Error::policy(format!("/columns/{name}/hierarchy"), e))?;
                    hierarchies.push(h);
                }
                *scanned = Some(Box::new(Scanned {
                    stats: Stats::new(hierarchies, plan.sensitive.is_some()),
                    rare: RareCounter::new(),
                    patients: None,
                }));
            }
            Mode::Apply(a) if a.stats.dimensions() != plan.quasi.len() => {
                return Err(Error::policy(
                    "/privacy",
                    "the anonymization result was made for other quasi-identifiers",
                ))
            }
            _ => {}
        }
        self.needed = vec![false; headers.len()];
        let quasi = plan.quasi.iter().map(|(i, ..)| *i);
        for i in plan
            .outputs
            .iter()
            .map(|(i, _)| *i)
            .chain(quasi)
            .chain(plan.sensitive)
            .chain(plan.identity.iter().map(|(i, _)| *i))
        {
            if let Some(n) = self.needed.get_mut(i) {
                *n = true;
            }
        }
        if let Some(n) = plan.patient_id.and_then(|i| self.needed.get_mut(i)) {
            *n = true;
        }
        self.columns = headers
            .iter()
            .map(|name| ColumnReport {
                name: name.clone(),
                action: self
                    .policy
                    .columns
                    .get(name)
                    .map_or("drop", |a| a.name())
                    .to_owned(),
                note: (!self.policy.columns.contains_key(name))
                    .then(|| "not named in the policy: dropped (fail closed)".to_owned()),
                detected: self.policy.detected.get(name).cloned(),
                ..ColumnReport::default()
            })
            .collect();
        self.identifier_hits = vec![(0, 0, None); headers.len()];
        if self.detected.is_some_and(|d| d.bom > 0) && self.output_encoding == Encoding::Utf8 {
            out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
        }
        for (j, &(i, _)) in plan.outputs.iter().enumerate() {
            let name = headers.get(i).map_or("", String::as_str);
            self.encoded.clear();
            self.output_encoding
                .encode_into(name, &mut self.encoded)
                .map_err(|_| {
                    Error::new(ErrorKind::Unmappable(format!(
                        "a column name cannot be written in {}",
                        self.output_encoding.name()
                    )))
                })?;
            self.writer.field(j == 0, &self.encoded, out);
        }
        self.writer.end(out);
        self.plan = Some(plan);
        Ok(())
    }
}
