//! One data row at a time: decoded, checked against the opt-out list and the anonymization,
//! each output column's action applied, and the row written, suppressed, opted out or rejected
//! (first pass: counted instead of written).

use crate::action::{Invalid, Op, RowContext};
use crate::error::Result;
use crate::format::csv::Record;
use crate::ja::{identifiers, normalize};
use crate::policy::OnInvalid;
use crate::report::{Rejection, MAX_LISTED_REJECTIONS};
use crate::scrub::Counts;

use super::{Mode, State};

impl State {
    pub(super) fn record(&mut self, record: Record<'_>, out: &mut Vec<u8>) -> Result<()> {
        if self.plan.is_none() {
            if matches!(self.mode, Mode::Scan(_)) {
                return self.header(record, &mut Vec::new());
            }
            return self.header(record, out);
        }
        self.rows.rows_in += 1;
        let row = self.rows.rows_in;
        match self.row(record, row) {
            Ok(RowFate::Written) => {
                if matches!(self.mode, Mode::Scan(_)) {
                    self.count(record);
                } else {
                    out.extend_from_slice(&self.line);
                }
                self.rows.rows_out += 1;
            }
            Ok(RowFate::OptedOut) => self.rows.opted_out += 1,
            Ok(RowFate::Suppressed) => self.rows.suppressed += 1,
            Err((column, reason)) => {
                self.rows.rejected += 1;
                if self.rejected.len() < MAX_LISTED_REJECTIONS {
                    let column = column.and_then(|c| self.plan.as_ref()?.headers.get(c).cloned());
                    self.rejected.push(Rejection {
                        row,
                        line: record.line,
                        column,
                        reason,
                    });
                }
            }
        }
        Ok(())
    }

    /// Builds the row's output in `self.line`. `Err` carries the column index and reason.
    fn row(
        &mut self,
        record: Record<'_>,
        _row: u64,
    ) -> std::result::Result<RowFate, (Option<usize>, String)> {
        let Some(plan) = self.plan.as_ref() else {
            return Err((None, "no header".into()));
        };
        if record.len() != plan.headers.len() {
            return Err((
                None,
                format!(
                    "the row has {} fields; the header has {}",
                    record.len(),
                    plan.headers.len()
                ),
            ));
        }
        let encoding = self.encoding();
        self.text.clear();
        self.ranges.clear();
        for (i, field) in record.iter().enumerate() {
            let start = self.text.len();
            if self.needed.get(i) == Some(&true) {
                encoding.decode_into(field, &mut self.text).map_err(|at| {
                    (
                        Some(i),
                        format!(
                            "byte {} of this field is not valid {}",
                            at + 1,
                            encoding.name()
                        ),
                    )
                })?;
            }
            self.ranges.push((start, self.text.len()));
        }
        let cell = |i: usize| -> &str {
            self.ranges
                .get(i)
                .and_then(|&(s, e)| self.text.get(s..e))
                .unwrap_or_default()
        };
        let patient_id = plan.patient_id.map(cell);
        if let Some(id) = patient_id {
            if !self.opt_out.is_empty()
                && self.opt_out.contains(&normalize::patient_id(
                    id,
                    self.policy.opt_out.strip_leading_zeros,
                ))
            {
                return Ok(RowFate::OptedOut);
            }
        }
        if let Mode::Apply(anonymized) = &self.mode {
            let qi: Vec<&str> = plan.quasi.iter().map(|(i, ..)| cell(*i)).collect();
            let sensitive = plan.sensitive.map(cell);
            match anonymized.solution.apply(&anonymized.stats, &qi, sensitive) {
                Ok(Some(values)) => self.generalized = values,
                Ok(None) => return Ok(RowFate::Suppressed),
                Err(reason) => return Err((plan.quasi.first().map(|(i, ..)| *i), reason)),
            }
        }
        self.identity.clear();
        if !plan.identity.is_empty() {
            for (i, kind) in &plan.identity {
                self.identity.add(*kind, cell(*i));
            }
            if let Some(id) = patient_id {
                self.identity.set_patient(id);
            }
        }
        let mut context = RowContext {
            patient_id,
            tokens: &mut self.tokens,
            identity: &self.identity,
            scrubbed: Counts::default(),
        };
        let raw_keep = self.output_encoding == encoding;
        self.line.clear();
        for (j, (i, op)) in plan.outputs.iter().enumerate() {
            let value = cell(*i);
            if raw_keep && matches!(op, Op::Keep) {
                self.writer
                    .field(j == 0, record.get(*i).unwrap_or_default(), &mut self.line);
                continue;
            }
            if let Op::Generalize(q) = op {
                // Scan: nothing is written. Apply: the value the search chose.
                let value = self.generalized.get(*q).map_or("", String::as_str);
                self.encoded.clear();
                self.output_encoding
                    .encode_into(value, &mut self.encoded)
                    .map_err(|_| (Some(*i), "a generalized value cannot be written".to_owned()))?;
                self.writer.field(j == 0, &self.encoded, &mut self.line);
                continue;
            }
            self.cell.clear();
            match op.apply(value, &mut context, &mut self.cell) {
                Ok(()) if matches!(op, Op::ScrubText(_)) => {
                    if let Some(c) = self.columns.get_mut(*i) {
                        for (tag, n) in context.scrubbed.iter() {
                            *c.scrubbed.entry(tag.name().to_owned()).or_default() += n;
                        }
                    }
                    context.scrubbed = Counts::default();
                }
                Ok(()) => {}
                Err(Invalid(_)) if plan.on_invalid == OnInvalid::Blank => {
                    if let Some(c) = self.columns.get_mut(*i) {
                        c.blanked += 1;
                    }
                    self.cell.clear();
                }
                Err(Invalid(reason)) => return Err((Some(*i), reason)),
            }
            self.encoded.clear();
            self.output_encoding
                .encode_into(&self.cell, &mut self.encoded)
                .map_err(|_| {
                    (
                        Some(*i),
                        format!(
                            "a character of this value cannot be written in {}",
                            self.output_encoding.name()
                        ),
                    )
                })?;
            self.writer.field(j == 0, &self.encoded, &mut self.line);
        }
        self.writer.end(&mut self.line);
        for (i, op) in &plan.outputs {
            let value = cell(*i);
            if value.is_empty() {
                continue;
            }
            if let Some(c) = self.columns.get_mut(*i) {
                c.values += 1;
            }
            // Sample kept values for identifier formats (first 1,000 per column).
            if let (Op::Keep, Some(hits)) = (op, self.identifier_hits.get_mut(*i)) {
                if hits.0 < 1000 {
                    hits.0 += 1;
                    if let Some(kind) = identifiers::recognize(value) {
                        hits.1 += 1;
                        hits.2 = Some(kind);
                    }
                }
            }
        }
        Ok(RowFate::Written)
    }

    /// First pass: adds a written row's quasi-identifiers (and rare-value counts) to the
    /// statistics. A value a hierarchy cannot generalize turns the row into a rejected one.
    fn count(&mut self, record: Record<'_>) {
        let Some(plan) = self.plan.as_ref() else {
            return;
        };
        let Mode::Scan(Some(scanned)) = &mut self.mode else {
            return;
        };
        let cell = |i: usize| -> &str {
            self.ranges
                .get(i)
                .and_then(|&(s, e)| self.text.get(s..e))
                .unwrap_or_default()
        };
        let qi: Vec<&str> = plan.quasi.iter().map(|(i, ..)| cell(*i)).collect();
        if let Err(reason) = scanned.stats.add(&qi, plan.sensitive.map(cell)) {
            // Undo "written": the second pass rejects this row the same way.
            self.rows.rows_out -= 1;
            self.rows.rejected += 1;
            if self.rejected.len() < MAX_LISTED_REJECTIONS {
                self.rejected.push(Rejection {
                    row: self.rows.rows_in,
                    line: record.line,
                    column: plan
                        .quasi
                        .first()
                        .and_then(|(i, ..)| plan.headers.get(*i).cloned()),
                    reason,
                });
            }
            return;
        }
        for (i, op) in &plan.outputs {
            if matches!(op, Op::Keep) && Some(*i) != plan.sensitive {
                if let Some(name) = plan.headers.get(*i) {
                    scanned.rare.add(name, cell(*i));
                }
            }
        }
    }
}

/// What became of a data row.
enum RowFate {
    Written,
    OptedOut,
    Suppressed,
}
