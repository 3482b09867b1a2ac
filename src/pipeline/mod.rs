//! The streaming session: bytes in, de-identified bytes out, a report at the end.
//!
//! A [`Session`] is fed chunks of any size, cut anywhere (inside a multibyte character, a quoted
//! field, a CR LF pair); the output is the same bytes for every chunking. Memory holds the
//! current record and, for `tokenize`, the token table — never the file.
//!
//! Every data row ends as exactly one of: written, rejected (reported with row, column and
//! reason, never the value), or opted out. Errors that stop the run (no header, not text, an
//! unterminated quote at the end) are returned; the session cannot be used after them.
//!
//! This file holds the session and how it feeds bytes; `header` settles the encoding and the
//! plan, `rows` handles each data row and `report` assembles the report.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use std::sync::Arc;

mod anonymized;
mod header;
mod report;
mod rows;

pub use anonymized::{anonymize, hierarchy, AnonymizationReport, Anonymized, QuasiLevel, Scanned};

use crate::action::TokenTable;
use crate::anonymize::{RareCounter, Stats};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::csv::{self, SyntaxError};
use crate::format::encoding::{self, Detected, Encoding};
use crate::ja::{identifiers, normalize};
use crate::key::SiteKey;
use crate::policy::{Plan, Policy, Settings};
use crate::report::{ColumnReport, Rejection, Report, Rows};
use crate::scrub::Identity;

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
        let token_length = policy.token_length().unwrap_or(12);
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

/// Where a session stands in an anonymization.
enum Mode {
    /// No privacy model: one pass.
    Plain,
    /// First pass: rows are checked and counted, nothing is written.
    Scan(Option<Box<Scanned>>),
    /// Second pass: quasi-identifiers generalized, small classes suppressed.
    Apply(Arc<Anonymized>),
}
