//! The streaming session: bytes in, de-identified bytes out, a report at the end.
//!
//! A [`Session`] is fed chunks of any size, cut anywhere (inside a multibyte character, a quoted
//! field, a CR LF pair); the output is the same bytes for every chunking. Memory holds the
//! current record and, for `tokenize`, the token table — never the file.
//!
//! Every data row ends as exactly one of: written, rejected (reported with row, column and
//! reason, never the value), or opted out. Errors that stop the run (no header, not text, an
//! unterminated quote at the end) are returned; the session cannot be used after them.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use std::sync::Arc;

mod anonymized;

pub use anonymized::{anonymize, hierarchy, AnonymizationReport, Anonymized, QuasiLevel, Scanned};

use crate::action::{Invalid, Op, RowContext, TokenTable};
use crate::anonymize::{risk, Hierarchy, RareCounter, Stats};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::csv::{self, Record, SyntaxError};
use crate::format::encoding::{self, Detected, Encoding};
use crate::ja::{identifiers, normalize};
use crate::key::SiteKey;
use crate::policy::{LineEnding, OnInvalid, Plan, Policy, Settings};
use crate::report::{ColumnReport, Rejection, Report, Rows, Side, MAX_LISTED_REJECTIONS};
use crate::scrub::{Counts, Identity};

/// Options that are not part of the policy because they change from run to run.
#[derive(Clone, Default)]
pub struct SessionOptions {
    /// Patient IDs whose rows must not be written (提供停止, opt-out).
    pub opt_out: Vec<String>,
    /// The result of the first pass, for a policy with a privacy model (匿名加工).
    pub anonymization: Option<Arc<Anonymized>>,
    /// FHIR input: the patient index of the first pass ([`Session::scan`] → `Finished.scanned`).
    pub patients: Option<Arc<crate::fhir::PatientIndex>>,
}

/// What [`Session::finish`] returns.
pub struct Finished {
    /// The last output bytes.
    pub tail: Vec<u8>,
    /// The report.
    pub report: Report,
    /// The encrypted correspondence table, when the policy tokenizes.
    pub tokens: Option<Vec<u8>>,
    /// The first pass's statistics, for a session made by [`Session::scan`].
    pub scanned: Option<Scanned>,
}

/// A streaming de-identification run over one CSV file.
///
/// # Example
/// ```
/// use deid_kit::{Policy, Session, SessionOptions, SiteKey};
/// let policy = Policy::from_json(r#"{"version": 1, "input": {"encoding": "utf-8"}, "columns": {
///     "ID": {"action": "pseudonymize"}, "病名": {"action": "keep"}}}"#)?;
/// let key = SiteKey::from_bytes([7; 32]);
/// let mut session = Session::new(&policy, Some(&key), SessionOptions::default())?;
/// let mut out = session.push("ID,氏名,病名\n00123,山田太郎,高血圧\n".as_bytes())?;
/// let done = session.finish()?;
/// out.extend(done.tail);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("ID,病名\n"));
/// assert!(!text.contains("山田") && !text.contains("00123"));
/// assert_eq!(done.report.rows.rows_out, 1);
/// # Ok::<(), deid_kit::Error>(())
/// ```
pub struct Session {
    reader: csv::Reader,
    state: State,
    done: bool,
    fhir: Fhir,
}

/// Whether the input is FHIR (NDJSON or a Bundle), handled by [`crate::fhir::Session`].
enum Fhir {
    /// CSV.
    Off,
    /// `input.format` auto: the first bytes decide.
    Undecided {
        pending: Vec<u8>,
        scan: bool,
        options: SessionOptions,
    },
    On(Box<crate::fhir::Session>),
}

struct State {
    policy: Policy,
    settings: Settings,
    key: Option<SiteKey>,
    opt_out: HashSet<String>,
    detected: Option<Detected>,
    pending: Vec<u8>,
    output_encoding: Encoding,
    input_line_ending: &'static [u8],
    writer: csv::Writer,
    plan: Option<Plan>,
    /// Which input columns must be decoded (written or used as the patient ID).
    needed: Vec<bool>,
    rows: Rows,
    columns: Vec<ColumnReport>,
    rejected: Vec<Rejection>,
    identifier_hits: Vec<(u32, u32, Option<identifiers::Kind>)>,
    input_sha: Sha256,
    input_bytes: u64,
    output_sha: Sha256,
    output_bytes: u64,
    tokens: TokenTable,
    mode: Mode,
    /// The current row's own identifiers, for `scrub_text`.
    identity: Identity,
    /// The generalized quasi-identifiers of the current row (second pass).
    generalized: Vec<String>,
    text: String,
    ranges: Vec<(usize, usize)>,
    cell: String,
    encoded: Vec<u8>,
    line: Vec<u8>,
}

impl Session {
    /// Starts a session. The key may be `None` only if no action needs it.
    ///
    /// # Errors
    /// A policy error (bad settings, or an action that needs the key when none is given).
    pub fn new(policy: &Policy, key: Option<&SiteKey>, options: SessionOptions) -> Result<Session> {
        let mode = match &options.anonymization {
            Some(a) => Mode::Apply(Arc::clone(a)),
            None => Mode::Plain,
        };
        Session::with_mode(policy, key, options, mode)
    }

    /// The first pass of an anonymizing policy: reads the file like [`Session::new`] (same row
    /// checks, so both passes agree on every row) but writes nothing; [`Session::finish`] returns
    /// the statistics in `scanned`, for [`anonymize`].
    ///
    /// # Errors
    /// As [`Session::new`].
    pub fn scan(
        policy: &Policy,
        key: Option<&SiteKey>,
        options: SessionOptions,
    ) -> Result<Session> {
        Session::with_mode(policy, key, options, Mode::Scan(None))
    }

    fn with_mode(
        policy: &Policy,
        key: Option<&SiteKey>,
        options: SessionOptions,
        mode: Mode,
    ) -> Result<Session> {
        let settings = policy.settings()?;
        if key.is_none() && policy.needs_key() {
            return Err(Error::policy(
                "",
                "this policy pseudonymizes, tokenizes or shifts dates: it needs the site key (no key, no pseudonyms)",
            ));
        }
        let strip = policy.opt_out.strip_leading_zeros;
        let opt_out: HashSet<String> = options
            .opt_out
            .iter()
            .map(|id| normalize::patient_id(id, strip))
            .filter(|id| !id.is_empty())
            .collect();
        let fhir = match policy.input.format.as_str() {
            "ndjson" | "bundle" => {
                let format = if policy.input.format == "ndjson" {
                    crate::fhir::Format::Ndjson
                } else {
                    crate::fhir::Format::Bundle
                };
                Fhir::On(Box::new(fhir_session(
                    policy,
                    key,
                    format,
                    matches!(mode, Mode::Scan(_)),
                    &options,
                )?))
            }
            "auto" => Fhir::Undecided {
                pending: Vec::new(),
                scan: matches!(mode, Mode::Scan(_)),
                options: options.clone(),
            },
            _ => Fhir::Off,
        };
        if !opt_out.is_empty() && policy.patient_id.is_none() && policy.input.format == "csv" {
            return Err(Error::policy(
                "/patient_id",
                "an opt-out list needs the policy's patient_id column to match on",
            ));
        }
        let token_length = policy
            .columns
            .values()
            .find_map(|a| a.token_length())
            .unwrap_or(12);
        Ok(Session {
            reader: csv::Reader::new(settings.delimiter),
            state: State {
                policy: policy.clone(),
                settings,
                key: key.map(|k| SiteKey::from_file(&k.to_file())).transpose()?,
                opt_out,
                detected: None,
                pending: Vec::new(),
                output_encoding: Encoding::Utf8,
                input_line_ending: b"\r\n",
                writer: csv::Writer {
                    delimiter: settings.delimiter,
                    terminator: b"\r\n",
                },
                plan: None,
                needed: Vec::new(),
                rows: Rows::default(),
                columns: Vec::new(),
                rejected: Vec::new(),
                identifier_hits: Vec::new(),
                input_sha: Sha256::new(),
                input_bytes: 0,
                output_sha: Sha256::new(),
                output_bytes: 0,
                tokens: TokenTable::new(token_length),
                mode,
                identity: Identity::new(),
                generalized: Vec::new(),
                text: String::new(),
                ranges: Vec::new(),
                cell: String::new(),
                encoded: Vec::new(),
                line: Vec::new(),
            },
            done: false,
            fhir,
        })
    }

    /// Feeds `chunk`, appending the output of every row it completes to `out`.
    ///
    /// # Errors
    /// An error that stops the run; the session is finished after it.
    pub fn push_into(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if self.done {
            return Err(Error::new(ErrorKind::Finished));
        }
        let result = self.feed(chunk, false, out);
        self.done = result.is_err();
        result
    }

    /// Feeds `chunk` and returns the output of the rows it completes.
    ///
    /// # Errors
    /// As [`Session::push_into`].
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.push_into(chunk, &mut out)?;
        Ok(out)
    }

    /// Row counts so far (for progress displays).
    pub fn rows(&self) -> Rows {
        match &self.fhir {
            Fhir::On(session) => session.rows(),
            _ => self.state.rows,
        }
    }

    /// Ends the input: returns the last output bytes, the report and, when the policy tokenizes,
    /// the encrypted correspondence table.
    ///
    /// # Errors
    /// An empty input, an unterminated quote at the end, or a second call.
    pub fn finish(&mut self) -> Result<Finished> {
        if self.done {
            return Err(Error::new(ErrorKind::Finished));
        }
        self.done = true;
        let mut tail = Vec::new();
        self.feed(&[], true, &mut tail)?;
        if let Fhir::On(session) = &mut self.fhir {
            let done = session.finish()?;
            tail.extend(done.tail);
            return Ok(Finished {
                tail,
                report: done.report,
                tokens: done.tokens,
                scanned: done.patients.map(|p| Scanned {
                    stats: done.stats.unwrap_or_else(|| Stats::new(Vec::new(), false)),
                    rare: RareCounter::new(),
                    patients: Some(p),
                }),
            });
        }
        if self.state.plan.is_none() {
            return Err(Error::input("the input is empty: there is no header row"));
        }
        let tokens = match (&self.state.key, self.state.tokens.is_empty()) {
            (Some(key), false) => Some(self.state.tokens.seal(key)?),
            _ => None,
        };
        let report = self.state.report();
        let scanned = match &mut self.state.mode {
            Mode::Scan(scanned) => scanned.take().map(|s| *s),
            _ => None,
        };
        Ok(Finished {
            tail,
            report,
            tokens,
            scanned,
        })
    }

    fn feed(&mut self, chunk: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        if let Fhir::Undecided {
            pending,
            scan,
            options,
        } = &mut self.fhir
        {
            pending.extend_from_slice(chunk);
            let Some(format) = crate::fhir::sniff(pending, last) else {
                return Ok(());
            };
            let pending = std::mem::take(pending);
            self.fhir = match format {
                Some(format) => Fhir::On(Box::new(fhir_session(
                    &self.state.policy,
                    self.state.key.as_ref(),
                    format,
                    *scan,
                    options,
                )?)),
                None if !self.state.opt_out.is_empty()
                    && self.state.policy.patient_id.is_none() =>
                {
                    return Err(Error::policy(
                        "/patient_id",
                        "an opt-out list needs the policy's patient_id column to match on",
                    ))
                }
                None => Fhir::Off,
            };
            return self.feed(&pending, last, out);
        }
        if let Fhir::On(session) = &mut self.fhir {
            // The end of the input is the FHIR session's own `finish`.
            if chunk.is_empty() {
                return Ok(());
            }
            return session.push_into(chunk, out);
        }
        let state = &mut self.state;
        state.input_sha.update(chunk);
        state.input_bytes += chunk.len() as u64;
        let start = out.len();
        let result = if state.detected.is_none() {
            state.pending.extend_from_slice(chunk);
            if state.pending.len() < encoding::DETECT_BYTES && !last {
                return Ok(());
            }
            state.decide(last).and_then(|()| {
                let pending = std::mem::take(&mut state.pending);
                let bom = state.detected.map_or(0, |d| d.bom);
                let body = pending.get(bom..).unwrap_or_default();
                self.reader.feed(body, last, &mut |r| state.record(r, out))
            })
        } else {
            self.reader.feed(chunk, last, &mut |r| state.record(r, out))
        };
        let written = out.get(start..).unwrap_or_default();
        state.output_sha.update(written);
        state.output_bytes += written.len() as u64;
        result
    }
}

/// The FHIR session for a policy and the host's options.
fn fhir_session(
    policy: &Policy,
    key: Option<&SiteKey>,
    format: crate::fhir::Format,
    scan: bool,
    options: &SessionOptions,
) -> Result<crate::fhir::Session> {
    if scan {
        crate::fhir::Session::scan(policy, key, format, &options.opt_out)
    } else {
        let session = crate::fhir::Session::new(
            policy,
            key,
            format,
            &options.opt_out,
            options.patients.clone(),
        )?;
        match &options.anonymization {
            Some(anonymized) => session.anonymized(Arc::clone(anonymized)),
            None => Ok(session),
        }
    }
}

impl From<SyntaxError> for Error {
    fn from(e: SyntaxError) -> Error {
        let (message, line) = match e {
            SyntaxError::UnterminatedQuote { line } => (
                "a quoted field is not closed at the end of the file (the file may be cut short)",
                line,
            ),
            SyntaxError::RecordTooLarge { line } => ("a record is larger than 256 MiB", line),
        };
        Error::input(message).at(Position {
            line: Some(line),
            ..Position::default()
        })
    }
}

impl State {
    fn decide(&mut self, complete: bool) -> Result<()> {
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

    fn encoding(&self) -> Encoding {
        self.detected.map_or(Encoding::Utf8, |d| d.encoding)
    }

    fn record(&mut self, record: Record<'_>, out: &mut Vec<u8>) -> Result<()> {
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

    fn header(&mut self, record: Record<'_>, out: &mut Vec<u8>) -> Result<()> {
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

    fn report(&mut self) -> Report {
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
        let hex = |d: Sha256| d.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Report {
            tool: "deid-kit".into(),
            version: crate::VERSION.into(),
            policy_sha256: self.policy.sha256(),
            preset: self.policy.preset.clone(),
            key_fingerprint: self.key.as_ref().map(SiteKey::fingerprint),
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
            fhir: None,
        }
    }
}

impl State {
    fn anonymization_report(&self) -> Option<AnonymizationReport> {
        let Mode::Apply(a) = &self.mode else {
            return None;
        };
        let plan = self.plan.as_ref()?;
        let hierarchies: Vec<&Hierarchy> = a.stats.hierarchies().collect();
        let levels = plan
            .quasi
            .iter()
            .zip(&a.solution.levels)
            .zip(&hierarchies)
            .map(|(((i, _, min_level), level), h)| QuasiLevel {
                column: plan.headers.get(*i).cloned().unwrap_or_default(),
                level: level + min_level,
                max_level: h.levels().saturating_sub(1) + min_level,
            })
            .collect();
        Some(AnonymizationReport {
            levels,
            solution: a.solution.clone(),
            risk_before: risk(&a.stats, &vec![0; a.stats.dimensions()], a.k),
            risk_after: crate::anonymize::risk_of_sizes(
                a.solution.kept_class_sizes().iter().copied(),
                a.k,
            ),
            rare_values: a.rare.clone(),
        })
    }
}

enum RowFate {
    Written,
    OptedOut,
    Suppressed,
}

/// Where a session stands in an anonymization.
enum Mode {
    /// No privacy model: one pass.
    Plain,
    /// First pass: rows are checked and counted, nothing is written.
    Scan(Option<Box<Scanned>>),
    /// Second pass: quasi-identifiers generalized, small classes suppressed.
    Apply(Arc<Anonymized>),
}
