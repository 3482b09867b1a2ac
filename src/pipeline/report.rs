//! The report at the end of a run: rows, columns, rejections, checksums of both sides, warnings
//! and, for 匿名加工, the levels chosen and the risk before and after.

use crate::format::encoding::Encoding;
use crate::ja::identifiers;
use crate::report::{hex, Report, Side};

use super::{AnonymizationReport, Mode, State};

impl State {
    pub(super) fn report(&mut self) -> Report {
        let encoding = self.encoding();
        let terminator = |t: &[u8]| if t == b"\n" { "lf" } else { "crlf" }.to_owned();
        let mut warnings = Vec::new();
        if let Some(plan) = &self.plan {
            for name in &plan.unnamed {
                warnings.push(format!(
                    "column {name:?} is not named in the policy and was dropped"
                ));
            }
            for name in &plan.missing {
                warnings.push(format!(
                    "the policy names column {name:?}, which the file does not have"
                ));
            }
        }
        for (column, (sampled, hits, kind)) in self.columns.iter().zip(&self.identifier_hits) {
            // Insurer numbers and facility codes identify no person: keeping them is normal.
            let personal = kind.filter(|k| {
                !matches!(
                    k,
                    identifiers::Kind::InsurerNumber | identifiers::Kind::MedicalInstitutionCode
                )
            });
            if let Some(kind) = personal {
                if *hits * 2 >= *sampled && *hits > 0 {
                    warnings.push(format!(
                        "column {:?} is kept but {hits} of {sampled} sampled values look like {}",
                        column.name,
                        kind.name()
                    ));
                }
            }
        }
        for (name, d) in &self.policy.detected {
            if d.review {
                warnings.push(format!(
                    "column {name:?} needs review: detected as {} ({:.0}%), {}",
                    d.kind.label_ja(),
                    d.confidence * 100.0,
                    d.reason_en
                ));
            }
        }
        if self.rows.rows_in == 0 {
            warnings.push("the file has a header but no data rows".into());
        }
        if self.rows.rejected > 0 {
            warnings.push(format!(
                "{} rows were rejected; see `rejected` for rows and reasons",
                self.rows.rejected
            ));
        }
        Report {
            input: Side {
                sha256: hex(std::mem::take(&mut self.input_sha)),
                bytes: self.input_bytes,
                encoding: encoding.name().into(),
                line_ending: terminator(self.input_line_ending),
                bom: self.detected.is_some_and(|d| d.bom > 0),
            },
            output: Side {
                sha256: hex(std::mem::take(&mut self.output_sha)),
                bytes: self.output_bytes,
                encoding: self.output_encoding.name().into(),
                line_ending: terminator(self.writer.terminator),
                bom: self.detected.is_some_and(|d| d.bom > 0)
                    && self.output_encoding == Encoding::Utf8,
            },
            rows: self.rows,
            columns: std::mem::take(&mut self.columns),
            rejected: std::mem::take(&mut self.rejected),
            tokens: self.tokens.len() as u64,
            warnings,
            anonymization: self.anonymization_report(),
            ..Report::of_run(&self.policy, self.key.as_ref())
        }
    }

    fn anonymization_report(&self) -> Option<AnonymizationReport> {
        let Mode::Apply(a) = &self.mode else {
            return None;
        };
        let plan = self.plan.as_ref()?;
        let columns: Vec<(String, usize)> = plan
            .quasi
            .iter()
            .map(|(i, _, min_level)| {
                (
                    plan.headers.get(*i).cloned().unwrap_or_default(),
                    *min_level,
                )
            })
            .collect();
        Some(a.report(&columns))
    }
}
