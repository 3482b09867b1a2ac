//! The report of a FHIR run: counts, hashes and line endings of both sides, per-rule tallies,
//! warnings and the FHIR section (resources by type, removed paths, the index's size).

use super::{Engine, Format, Mode};
use crate::report::{hex, ColumnReport, FhirReport, Report, Side};

impl Engine {
    pub(super) fn report(&mut self) -> Report {
        let line_ending = |crlf: bool| if crlf { "crlf" } else { "lf" }.to_owned();
        let mut warnings = Vec::new();
        let removed: u64 = self.tally.removed.values().sum();
        if removed > 0 {
            warnings.push(format!(
                "{removed} elements on {} paths were not covered by any rule and were removed (fail closed); see fhir.removed",
                self.tally.removed.len()
            ));
        }
        if self.rows.rejected > 0 {
            warnings.push(format!(
                "{} resources were rejected; see `rejected` for lines and reasons",
                self.rows.rejected
            ));
        }
        if self.rows.rows_in == 0 {
            warnings.push("the file holds no resources".into());
        }
        let index = match &self.mode {
            Mode::Apply(index) => index.as_ref(),
            _ => &self.index,
        };
        let columns = self
            .rules
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| ColumnReport {
                name: r.expression.clone(),
                action: r.action.to_owned(),
                values: self.tally.applied.get(i).copied().unwrap_or(0),
                blanked: 0,
                scrubbed: self
                    .tally
                    .scrubbed
                    .get(i)
                    .map(|c| c.iter().map(|(t, n)| (t.name().to_owned(), n)).collect())
                    .unwrap_or_default(),
                note: None,
                detected: None,
            })
            .collect();
        if self.tally.blanked > 0 {
            warnings.push(format!(
                "{} values could not be read and were removed (on_invalid: blank)",
                self.tally.blanked
            ));
        }
        if let Some(anonymized) = &self.anonymization {
            if self.rows.suppressed > 0 {
                warnings.push(format!(
                    "{} patients were suppressed (k-anonymity): their {} resources were left out",
                    anonymized.solution.suppressed, self.rows.suppressed
                ));
            }
        }
        let crlf = self.crlf.unwrap_or(false);
        Report {
            input: Side {
                sha256: hex(std::mem::take(&mut self.input_sha)),
                bytes: self.input_bytes,
                encoding: "utf-8".into(),
                line_ending: line_ending(crlf),
                bom: self.bom == Some(true),
            },
            output: Side {
                sha256: hex(std::mem::take(&mut self.output_sha)),
                bytes: self.output_bytes,
                encoding: "utf-8".into(),
                line_ending: line_ending(self.terminator == b"\r\n"),
                bom: false,
            },
            rows: self.rows,
            columns,
            rejected: std::mem::take(&mut self.rejected),
            tokens: self.tokens.len() as u64,
            warnings,
            anonymization: match (&self.quasi, &self.anonymization) {
                (Some(quasi), Some(anonymized)) => Some(quasi.report(anonymized)),
                _ => None,
            },
            fhir: Some(FhirReport {
                format: match self.format {
                    Format::Ndjson => "ndjson",
                    Format::Bundle => "bundle",
                }
                .into(),
                resources: std::mem::take(&mut self.resources),
                removed: std::mem::take(&mut self.tally.removed),
                patients: index.len() as u64,
                index_bytes: index.approximate_bytes() as u64,
            }),
            ..Report::of_run(&self.policy, self.key.as_ref())
        }
    }
}
