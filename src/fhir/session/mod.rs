//! The FHIR session: NDJSON lines or Bundle entries in, de-identified resources out, in the same
//! order, with the same accounting as CSV (resources in = out + rejected + opted out).
//!
//! Two passes, like the anonymization: [`Session::scan`] reads the file and builds the
//! [`PatientIndex`] (identities, opt-outs, Bundle URLs); the second pass gets it through
//! `SessionOptions::patients`. A one-pass session builds the index as it goes, which is enough
//! for links and date shifts (both computed from the references alone) but not for opt-out, which
//! it refuses.
//!
//! With a privacy model (匿名加工) the scan also records each Patient's quasi-identifiers and
//! hands their statistics over (`Done::stats`); the second pass gets the search's result through
//! [`Session::anonymized`], writes the Patients' values at its levels and leaves out every
//! resource of a suppressed patient (counted as `suppressed`).
//!
//! Files: here the session's state, options and byte accounting; `resource` decides one
//! resource's fate, `entries` handles a Bundle's shell and entries, `report` assembles the report.

mod entries;
mod report;
mod resource;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::anonymize::Quasi;
use super::index::PatientIndex;
use super::rules::Rules;
use super::walk::Tally;
use crate::action::{Op, TokenTable};
use crate::anonymize::Stats;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::bundle;
use crate::format::ndjson;
use crate::key::SiteKey;
use crate::pipeline::Anonymized;
use crate::policy::{OnInvalid, Policy};
use crate::pseudonym::Pseudonymizer;
use crate::report::{Rejection, Report, Rows};
use crate::scrub::Identity;

/// The container: one resource per line, or one Bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// FHIR Bulk Data NDJSON.
    Ndjson,
    /// One Bundle (JSON object).
    Bundle,
}

enum Container {
    Ndjson(ndjson::Reader),
    Bundle(bundle::Reader, bundle::Writer),
}

enum Mode {
    Scan,
    Plain,
    Apply(Arc<PatientIndex>),
}

/// A streaming FHIR de-identification run (see the module documentation).
pub struct Session {
    container: Container,
    engine: Engine,
    done: bool,
}

struct Engine {
    policy: Policy,
    key: Option<SiteKey>,
    rules: Rules,
    on_invalid: OnInvalid,
    mode: Mode,
    /// Built by the scan and by a one-pass session.
    index: PatientIndex,
    /// Pseudonyms of `fullUrl` and `request.url` (the ids' rule's).
    link: Option<Pseudonymizer>,
    tokens: TokenTable,
    tally: Tally,
    /// The current resource's patient's identifiers (scrub_text).
    identity: Identity,
    /// The policy's quasi-identifiers on Patient elements (匿名加工).
    quasi: Option<Quasi>,
    /// The search's result, for the second pass.
    anonymization: Option<Arc<Anonymized>>,
    rows: Rows,
    rejected: Vec<Rejection>,
    resources: BTreeMap<String, u64>,
    format: Format,
    input_sha: Sha256,
    input_bytes: u64,
    output_sha: Sha256,
    output_bytes: u64,
    /// The input's first line ended with CR LF; `None` before its end.
    crlf: Option<bool>,
    previous: u8,
    bom: Option<bool>,
    terminator: &'static [u8],
    line_ending: String,
    scratch: Vec<u8>,
}

/// What [`Session::finish`] returns.
pub struct Done {
    /// The last output bytes.
    pub tail: Vec<u8>,
    /// The report.
    pub report: Report,
    /// The encrypted correspondence table, when the policy tokenizes.
    pub tokens: Option<Vec<u8>>,
    /// The patient index, for a scan.
    pub patients: Option<PatientIndex>,
    /// A scan under a privacy model: one row of quasi-identifiers per patient, for
    /// `pipeline::anonymize`.
    pub stats: Option<Stats>,
}

/// What became of one resource.
enum Fate {
    Written(Value),
    OptedOut,
    Suppressed,
    Rejected(Option<String>, String),
}

impl From<bundle::SyntaxError> for Error {
    fn from(e: bundle::SyntaxError) -> Error {
        Error::input(e.message).at(Position {
            line: Some(e.line),
            ..Position::default()
        })
    }
}

impl Session {
    /// A session writing de-identified resources; `patients` is the first pass's index.
    ///
    /// # Errors
    /// A policy error (paths, key), or an opt-out list without a first pass.
    pub fn new(
        policy: &Policy,
        key: Option<&SiteKey>,
        format: Format,
        opt_out: &[String],
        patients: Option<Arc<PatientIndex>>,
    ) -> Result<Session> {
        let mode = match patients {
            Some(index) => Mode::Apply(index),
            None if opt_out.iter().any(|id| !id.trim().is_empty()) => {
                return Err(Error::policy(
                    "/input/format",
                    "opt-out on FHIR needs the first pass (Session::scan, then the patients it found): a resource may come before its Patient",
                ))
            }
            None => Mode::Plain,
        };
        Session::with_mode(policy, key, format, opt_out, mode)
    }

    /// The first pass: reads every resource, builds the patient index, writes nothing.
    ///
    /// # Errors
    /// As [`Session::new`].
    pub fn scan(
        policy: &Policy,
        key: Option<&SiteKey>,
        format: Format,
        opt_out: &[String],
    ) -> Result<Session> {
        Session::with_mode(policy, key, format, opt_out, Mode::Scan)
    }

    fn with_mode(
        policy: &Policy,
        key: Option<&SiteKey>,
        format: Format,
        opt_out: &[String],
        mode: Mode,
    ) -> Result<Session> {
        if key.is_none() && policy.needs_key() {
            return Err(Error::policy(
                "",
                "this policy pseudonymizes, tokenizes or shifts dates: it needs the site key (no key, no pseudonyms)",
            ));
        }
        let rules = Rules::compile(policy, key)?;
        let quasi = Quasi::from_policy(policy, &rules)?;
        if quasi.is_some() && matches!(mode, Mode::Plain) {
            return Err(Error::policy(
                "/privacy",
                "this policy anonymizes (匿名加工): it takes two passes over the file (Session::scan, anonymize, then Session::new with the patients and the result; the CLI's apply does this)",
            ));
        }
        let link = rules
            .rules
            .iter()
            .filter(|r| matches!(r.op, Some(Op::Pseudonymize(_))))
            .max_by_key(|r| r.expression.ends_with(".id") || r.expression.ends_with("reference"))
            .and_then(|r| match &r.op {
                Some(Op::Pseudonymize(p)) => Some(p.clone()),
                _ => None,
            });
        let token_length = policy.token_length().unwrap_or(12);
        let line_ending = policy.output.line_ending.clone();
        if !matches!(line_ending.as_str(), "same" | "crlf" | "lf") {
            return Err(Error::policy("/output/line_ending", "use same, crlf or lf"));
        }
        if !matches!(policy.output.encoding.as_str(), "same" | "utf-8" | "utf8") {
            return Err(Error::policy(
                "/output/encoding",
                "FHIR JSON is always UTF-8: use same or utf-8",
            ));
        }
        Ok(Session {
            container: match format {
                Format::Ndjson => Container::Ndjson(ndjson::Reader::new()),
                Format::Bundle => {
                    Container::Bundle(bundle::Reader::new(), bundle::Writer::default())
                }
            },
            engine: Engine {
                policy: policy.clone(),
                key: key.map(|k| SiteKey::from_file(&k.to_file())).transpose()?,
                rules,
                on_invalid: policy.on_invalid,
                mode,
                index: PatientIndex::new(opt_out, policy.opt_out.strip_leading_zeros),
                link,
                tokens: TokenTable::new(token_length),
                tally: Tally::default(),
                identity: Identity::new(),
                quasi,
                anonymization: None,
                rows: Rows::default(),
                rejected: Vec::new(),
                resources: BTreeMap::new(),
                format,
                input_sha: Sha256::new(),
                input_bytes: 0,
                output_sha: Sha256::new(),
                output_bytes: 0,
                crlf: None,
                previous: 0,
                bom: None,
                terminator: b"\n",
                line_ending,
                scratch: Vec::new(),
            },
            done: false,
        })
    }

    /// The second pass of an anonymizing policy: the search's result on the scan's `stats`.
    ///
    /// # Errors
    /// A policy without quasi-identifiers, or a result made for other ones.
    pub fn anonymized(mut self, anonymized: Arc<Anonymized>) -> Result<Session> {
        let Some(quasi) = &self.engine.quasi else {
            return Err(Error::policy(
                "/privacy",
                "an anonymization result was given but the policy has no generalize rules",
            ));
        };
        if anonymized.stats.dimensions() != quasi.len() {
            return Err(Error::policy(
                "/privacy",
                "the anonymization result was made for other quasi-identifiers",
            ));
        }
        self.engine.anonymization = Some(anonymized);
        Ok(self)
    }

    /// Resources counted so far.
    pub fn rows(&self) -> Rows {
        self.engine.rows
    }

    /// Feeds a chunk, appending the output of every resource it completes to `out`.
    ///
    /// # Errors
    /// An error that stops the run (a Bundle that is not one); the session is finished after it.
    pub fn push_into(&mut self, chunk: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if self.done {
            return Err(Error::new(ErrorKind::Finished));
        }
        let engine = &self.engine;
        if engine.quasi.is_some()
            && engine.anonymization.is_none()
            && !matches!(engine.mode, Mode::Scan)
        {
            self.done = true;
            return Err(Error::policy(
                "/privacy",
                "this policy anonymizes (匿名加工): the second pass needs the search's result (anonymize the scan's statistics, then SessionOptions::anonymization)",
            ));
        }
        let result = self.feed(chunk, false, out);
        self.done = result.is_err();
        result
    }

    /// Ends the input: the last bytes, the report and, for a scan, the patient index.
    ///
    /// # Errors
    /// A Bundle cut short, or a second call.
    pub fn finish(&mut self) -> Result<Done> {
        if self.done {
            return Err(Error::new(ErrorKind::Finished));
        }
        self.done = true;
        let mut tail = Vec::new();
        self.feed(&[], true, &mut tail)?;
        let engine = &mut self.engine;
        let tokens = match (&engine.key, engine.tokens.is_empty()) {
            (Some(key), false) => Some(engine.tokens.seal(key)?),
            _ => None,
        };
        let mut report = engine.report();
        let stats = match (&engine.mode, &engine.quasi) {
            (Mode::Scan, Some(quasi)) => {
                let (stats, unreadable) = quasi.stats(&engine.index);
                if unreadable > 0 {
                    report.warnings.push(format!(
                        "{unreadable} patients have a quasi-identifier that is missing or cannot be generalized: their resources will be rejected"
                    ));
                }
                Some(stats)
            }
            _ => None,
        };
        let index = match engine.mode {
            Mode::Scan => Some(std::mem::take(&mut engine.index)),
            _ => None,
        };
        Ok(Done {
            tail,
            report,
            tokens,
            patients: index,
            stats,
        })
    }

    fn feed(&mut self, chunk: &[u8], last: bool, out: &mut Vec<u8>) -> Result<()> {
        let engine = &mut self.engine;
        engine.input_sha.update(chunk);
        engine.input_bytes += chunk.len() as u64;
        if engine.bom.is_none() && !chunk.is_empty() {
            engine.bom = Some(chunk.starts_with(&[0xEF]));
        }
        if engine.crlf.is_none() {
            for &b in chunk {
                if b == b'\n' {
                    engine.crlf = Some(engine.previous == b'\r');
                    break;
                }
                engine.previous = b;
            }
            if last && engine.crlf.is_none() {
                engine.crlf = Some(false);
            }
            engine.terminator = match (engine.line_ending.as_str(), engine.crlf) {
                ("crlf", _) | ("same", Some(true)) => b"\r\n",
                _ => b"\n",
            };
        }
        let start = out.len();
        let result = match &mut self.container {
            Container::Ndjson(reader) => reader.feed(chunk, last, &mut |line| {
                engine.line(line, out);
                Ok(())
            }),
            Container::Bundle(reader, writer) => {
                reader.feed(chunk, last, &mut |part| engine.part(part, writer, out))
            }
        };
        let written = out.get(start..).unwrap_or_default();
        engine.output_sha.update(written);
        engine.output_bytes += written.len() as u64;
        result
    }
}
