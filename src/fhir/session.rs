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

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::anonymize::Quasi;
use super::index::PatientIndex;
use super::links;
use super::rules::Rules;
use super::walk::{Tally, Walk};
use crate::action::{Op, TokenTable};
use crate::anonymize::Stats;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::bundle::{self, Part};
use crate::format::ndjson;
use crate::key::SiteKey;
use crate::pipeline::Anonymized;
use crate::policy::{OnInvalid, Policy};
use crate::pseudonym::Pseudonymizer;
use crate::report::{
    ColumnReport, FhirReport, Rejection, Report, Rows, Side, MAX_LISTED_REJECTIONS,
};
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
        let token_length = policy
            .paths
            .values()
            .find_map(|a| a.token_length())
            .unwrap_or(12);
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

impl Engine {
    fn line(&mut self, line: ndjson::Line<'_>, out: &mut Vec<u8>) {
        self.rows.rows_in += 1;
        let fate = if line.too_long {
            Fate::Rejected(None, "the line is longer than 256 MiB".into())
        } else {
            match parse(line.bytes) {
                Ok(value) => self.resource(value, None),
                Err(reason) => Fate::Rejected(None, reason),
            }
        };
        if let Some(value) = self.account(fate, line.number) {
            if serde_json::to_writer(&mut *out, &value).is_ok() {
                out.extend_from_slice(self.terminator);
            }
        }
    }

    /// Counts a resource's fate; returns the resource to write.
    fn account(&mut self, fate: Fate, line: u64) -> Option<Value> {
        match fate {
            Fate::Written(value) => {
                if matches!(self.mode, Mode::Scan) {
                    self.rows.rows_out += 1;
                    return None;
                }
                let kind = value
                    .get("resourceType")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                *self.resources.entry(kind.to_owned()).or_insert(0) += 1;
                self.rows.rows_out += 1;
                Some(value)
            }
            Fate::OptedOut => {
                self.rows.opted_out += 1;
                None
            }
            Fate::Suppressed => {
                self.rows.suppressed += 1;
                None
            }
            Fate::Rejected(column, reason) => {
                self.rows.rejected += 1;
                if self.rejected.len() < MAX_LISTED_REJECTIONS {
                    self.rejected.push(Rejection {
                        row: self.rows.rows_in,
                        line,
                        column,
                        reason,
                    });
                }
                None
            }
        }
    }

    /// Decides and applies everything for one resource.
    fn resource(&mut self, mut value: Value, full_url: Option<&str>) -> Fate {
        let kind = match value.get("resourceType") {
            Some(Value::String(kind)) if !kind.is_empty() => kind.clone(),
            _ => return Fate::Rejected(None, "the resource has no resourceType".into()),
        };
        let apply = match &self.mode {
            Mode::Scan => {
                self.index.add(&value, full_url);
                if let (Some(quasi), "Patient") = (&self.quasi, kind.as_str()) {
                    if let Some(key) = patient_key(&value, full_url) {
                        let values = quasi.read(&value, &self.rules);
                        self.index.set_quasi(&key, values);
                    }
                }
                return Fate::Written(Value::Null);
            }
            Mode::Plain => {
                self.index.add(&value, full_url);
                None
            }
            Mode::Apply(index) => Some(Arc::clone(index)),
        };
        let index = apply.as_deref().unwrap_or(&self.index);
        let patient = index.patient_of(&value);
        if patient.as_deref().is_some_and(|p| index.opted_out(p)) {
            return Fate::OptedOut;
        }
        if let (Some(quasi), Some(anonymized)) = (&self.quasi, &self.anonymization) {
            // The unit is the patient: its class decides every one of its resources.
            let is_patient = kind == "Patient";
            let key = if is_patient {
                patient_key(&value, full_url)
            } else {
                patient.clone()
            };
            let values = key.as_deref().and_then(|k| index.quasi(k));
            match values {
                Some(values) => match anonymized.solution.apply(&anonymized.stats, &values, None) {
                    Ok(None) => return Fate::Suppressed,
                    Ok(Some(generalized)) if is_patient => {
                        quasi.write(&mut value, &generalized, &self.rules);
                    }
                    Ok(Some(_)) => {}
                    Err(reason) => {
                        return Fate::Rejected(
                            quasi.first_expression(),
                            format!("the patient's quasi-identifiers cannot be generalized ({reason})"),
                        )
                    }
                },
                None if is_patient => {
                    return Fate::Rejected(
                        quasi.first_expression(),
                        "the first pass did not see this Patient, so its quasi-identifiers were not counted".into(),
                    )
                }
                // A resource whose Patient is not in the file carries no quasi-identifier.
                None => {}
            }
        }
        // A resource about no patient (Organization, Practitioner) shifts by its own id.
        let own = value
            .get("id")
            .and_then(Value::as_str)
            .map(|id| format!("{kind}/{id}"));
        let shift_key = patient.clone().or(own);
        let decided = self.rules.decide(&value, &kind);
        let Value::Object(map) = &mut value else {
            return Fate::Rejected(None, "the resource is not a JSON object".into());
        };
        if self.rules.scrubs {
            // The patient's own identifiers, from its Patient resource wherever it is in the file.
            self.identity.clear();
            if let Some(key) = patient.as_deref() {
                if let Some(values) = index.identity(key) {
                    for (kind, value) in values.values() {
                        self.identity.add(kind, value);
                    }
                }
                self.identity.set_patient(key);
            }
        }
        let mut walk = Walk::new(
            &self.rules,
            &decided,
            shift_key.as_deref(),
            &mut self.tokens,
            &self.identity,
            self.on_invalid,
            &mut self.tally,
        );
        match walk.resource(map, &kind) {
            Ok(()) => Fate::Written(value),
            Err(e) => Fate::Rejected(Some(e.path), e.reason),
        }
    }

    fn part(
        &mut self,
        part: Part<'_>,
        writer: &mut bundle::Writer,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let scanning = matches!(self.mode, Mode::Scan);
        match part {
            Part::Head { bytes, complete } => {
                if scanning {
                    return Ok(());
                }
                let shell = self.shell(&bundle::shell_object(bytes, true))?;
                writer.head(&shell, out);
                if complete {
                    writer.tail(b"{}", out);
                    out.extend_from_slice(self.terminator);
                } else {
                    writer.open_entries(out);
                }
            }
            Part::Entry { bytes, line, .. } => {
                self.rows.rows_in += 1;
                let (fate, entry) = match parse(bytes) {
                    Ok(Value::Object(entry)) => self.entry(entry),
                    Ok(_) => (
                        Fate::Rejected(None, "the entry is not an object".into()),
                        Map::new(),
                    ),
                    Err(reason) => (Fate::Rejected(None, reason), Map::new()),
                };
                if let Some(resource) = self.account(fate, line) {
                    let mut entry = entry;
                    entry.insert("resource".into(), resource);
                    self.scratch.clear();
                    if serde_json::to_writer(&mut self.scratch, &entry).is_ok() {
                        writer.entry(&self.scratch, out);
                    }
                }
            }
            Part::Tail(bytes) => {
                if scanning {
                    return Ok(());
                }
                let shell = self.shell(&bundle::shell_object(bytes, false))?;
                writer.tail(&shell, out);
                out.extend_from_slice(self.terminator);
            }
        }
        Ok(())
    }

    /// The Bundle's own members, through the rules as a `Bundle` resource.
    fn shell(&mut self, object: &[u8]) -> Result<Vec<u8>> {
        let mut value: Value = serde_json::from_slice(object).map_err(|e| {
            Error::input(format!(
                "the Bundle is not valid JSON (column {})",
                e.column()
            ))
        })?;
        if let Some(kind) = value.get("resourceType") {
            if kind.as_str() != Some("Bundle") {
                return Err(Error::input(
                    "input.format is bundle but the file's resourceType is not Bundle",
                ));
            }
        }
        let decided = self.rules.decide(&value, "Bundle");
        if let Value::Object(map) = &mut value {
            let no_one = Identity::new();
            let mut walk = Walk::new(
                &self.rules,
                &decided,
                None,
                &mut self.tokens,
                &no_one,
                OnInvalid::Blank,
                &mut self.tally,
            );
            walk.resource(map, "Bundle")
                .map_err(|e| Error::input(format!("{}: {}", e.path, e.reason)))?;
        }
        serde_json::to_vec(&value).map_err(|e| Error::input(e.to_string()))
    }

    /// One Bundle entry: its resource de-identified, `fullUrl` and `request.url` rewritten like
    /// references, anything else (search, response) removed and counted.
    fn entry(&mut self, mut entry: Map<String, Value>) -> (Fate, Map<String, Value>) {
        let full_url = entry
            .get("fullUrl")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(resource) = entry.remove("resource") else {
            return (
                Fate::Rejected(None, "the entry has no resource".into()),
                entry,
            );
        };
        let fate = self.resource(resource, full_url.as_deref());
        let mut kept = Map::new();
        for (key, value) in entry {
            let rewritten = match (key.as_str(), &self.link) {
                ("fullUrl", Some(link)) => value
                    .as_str()
                    .map(|u| Value::String(links::rewrite(u, link))),
                ("request", Some(link)) => request(value, link),
                _ => None,
            };
            match rewritten {
                Some(value) => {
                    kept.insert(key, value);
                }
                None if !matches!(self.mode, Mode::Scan) => {
                    *self
                        .tally
                        .removed
                        .entry(format!("Bundle.entry.{key}"))
                        .or_insert(0) += 1;
                }
                None => {}
            }
        }
        // The resource goes back in its place when written (see `part`).
        (fate, kept)
    }

    fn report(&mut self) -> Report {
        let hex = |d: Sha256| d.finalize().iter().map(|b| format!("{b:02x}")).collect();
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
            tool: "deid-kit".into(),
            version: crate::VERSION.into(),
            policy_sha256: self.policy.sha256(),
            preset: self.policy.preset.clone(),
            key_fingerprint: self.key.as_ref().map(SiteKey::fingerprint),
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
        }
    }
}

/// The key the index knows a Patient by: its id, else its `fullUrl`.
fn patient_key(patient: &Value, full_url: Option<&str>) -> Option<String> {
    patient
        .get("id")
        .and_then(Value::as_str)
        .or(full_url)
        .map(str::to_owned)
}

/// A transaction entry's request: the method kept, the URL rewritten like a reference.
fn request(value: Value, link: &Pseudonymizer) -> Option<Value> {
    let Value::Object(map) = value else {
        return None;
    };
    let mut kept = Map::new();
    if let Some(method) = map.get("method") {
        kept.insert("method".into(), method.clone());
    }
    if let Some(url) = map.get("url").and_then(Value::as_str) {
        let bare_type = url.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && url.chars().all(|c| c.is_ascii_alphanumeric());
        let url = if bare_type {
            url.to_owned()
        } else {
            links::rewrite(url, link)
        };
        kept.insert("url".into(), Value::String(url));
    }
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// Parses one resource; the reason names the column, never the content.
fn parse(bytes: &[u8]) -> std::result::Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "ends early",
            serde_json::error::Category::Io => "cannot be read",
            _ => "is not valid JSON",
        };
        format!("the line {what} (column {})", e.column())
    })
}
