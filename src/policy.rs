//! The policy: a JSON document naming one action per column, read the same way by the CLI, Node
//! and the browser. It is validated once, against the file's header, by [`Policy::compile`], so
//! the per-cell loop does no checking.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::action::{Action, HierarchySpec, Op};
use crate::detect::{self, ColumnKind};
use crate::error::{Error, Result};
use crate::format::encoding::Encoding;
use crate::ja::wareki::{self, Date};
use crate::key::SiteKey;
use crate::preset::Detected;

/// A de-identification policy (version 1).
///
/// # Example
/// ```
/// let policy = deid_kit::Policy::from_json(r#"{
///   "version": 1,
///   "columns": { "患者ID": { "action": "pseudonymize" }, "氏名": { "action": "drop" } }
/// }"#)?;
/// assert_eq!(policy.columns.len(), 2);
/// let err = deid_kit::Policy::from_json(r#"{"version": 1, "columns": {"氏名": {"action": "dorp"}}}"#)
///     .unwrap_err();
/// assert!(err.to_string().starts_with("policy /columns/氏名/action: unknown variant `dorp`"));
/// # Ok::<(), deid_kit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Schema version; only 1 exists.
    pub version: u32,
    /// The preset this policy came from (`kamei`, `tokumei`), for the report only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// How to read the input.
    #[serde(default)]
    pub input: Input,
    /// How to write the output.
    #[serde(default)]
    pub output: Output,
    /// The column holding the patient ID: keys date shifts and the opt-out list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// The date ages are computed at (`age` action), e.g. "2024-04-01".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
    /// What a value an action cannot read (a date that is not a date) does to its row.
    #[serde(default)]
    pub on_invalid: OnInvalid,
    /// How opt-out (提供停止) IDs are matched.
    #[serde(default)]
    pub opt_out: OptOutRules,
    /// The privacy model of 匿名加工: with it, `generalize` columns are quasi-identifiers and the
    /// run takes two passes (statistics, then output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<PrivacyModel>,
    /// One action per column, by header name. Columns not named here are dropped. Required,
    /// `{}` in a FHIR policy.
    pub columns: IndexMap<String, Action>,
    /// FHIR input (`input.format` ndjson, bundle or auto): one action per element, addressed by
    /// a FHIRPath-subset expression (`Patient.name`, `nodesByType('HumanName')`). Rules apply in
    /// order and the first one selecting a node (or one of its ancestors) decides it; elements
    /// no rule covers are removed (fail closed). See [`crate::fhir`].
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub paths: IndexMap<String, Action>,
    /// What `suggest` detected in each column and why it chose the action (informational; the
    /// engine does not read it, the report repeats it).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub detected: IndexMap<String, Detected>,
}

/// The privacy model: k-anonymity, optional l-diversity, a suppression limit and the metric the
/// search minimizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyModel {
    /// Every combination of quasi-identifier values is shared by at least k rows.
    pub k: u32,
    /// l-diversity of the sensitive column (`{"distinct": 3}` or `{"entropy": 2.0}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<LModel>,
    /// Largest share of rows that may be suppressed (left out), 0 to 1.
    #[serde(default)]
    pub max_suppression: f64,
    /// Information loss to minimize: `loss` (generalization intensity, ARX's default),
    /// `discernibility` or `entropy` (non-uniform entropy).
    #[serde(default)]
    pub metric: MetricName,
}

/// l-diversity variants.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LModel {
    /// At least l distinct sensitive values per class.
    Distinct(u32),
    /// The entropy of the sensitive values in each class is at least log(l).
    Entropy(f64),
}

/// Information-loss metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricName {
    /// Generalization intensity (ARX's default).
    #[default]
    Loss,
    /// Discernibility.
    Discernibility,
    /// Non-uniform entropy.
    Entropy,
}

/// Input options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// `csv` (default), `ndjson` (FHIR Bulk Data: one resource per line), `bundle` (one FHIR
    /// Bundle) or `auto` (a file starting with `{` is FHIR, anything else CSV).
    #[serde(default = "csv")]
    pub format: String,
    /// `auto`, or an encoding label (`utf-8`, `shift_jis`, `cp932`, `euc-jp`).
    #[serde(default = "auto")]
    pub encoding: String,
    /// The first record is the header; must be true.
    #[serde(default = "yes")]
    pub header: bool,
    /// `,` (default), `;` or a tab.
    #[serde(default = "comma")]
    pub delimiter: String,
}

/// Output options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// `same` (the input's), or an encoding label.
    #[serde(default = "same")]
    pub encoding: String,
    /// `same` (the input's), `crlf` or `lf`.
    #[serde(default = "same")]
    pub line_ending: String,
}

/// What happens to a row holding a value its action cannot read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnInvalid {
    /// The row is rejected and reported (row, column, reason).
    #[default]
    Reject,
    /// The cell is written empty and counted in the report.
    Blank,
}

/// Matching rules for the opt-out (提供停止, teikyō teishi) list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOutRules {
    /// Compare IDs without their leading zeros (spreadsheets drop them).
    #[serde(default = "yes")]
    pub strip_leading_zeros: bool,
}

impl Default for Input {
    fn default() -> Input {
        Input {
            format: csv(),
            encoding: auto(),
            header: true,
            delimiter: comma(),
        }
    }
}

impl Default for Output {
    fn default() -> Output {
        Output {
            encoding: same(),
            line_ending: same(),
        }
    }
}

impl Default for OptOutRules {
    fn default() -> OptOutRules {
        OptOutRules {
            strip_leading_zeros: true,
        }
    }
}

fn csv() -> String {
    "csv".into()
}
fn auto() -> String {
    "auto".into()
}
fn same() -> String {
    "same".into()
}
fn comma() -> String {
    ",".into()
}
fn yes() -> bool {
    true
}

/// A line ending choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// Whatever the input uses.
    Same,
    /// CR LF.
    Crlf,
    /// LF.
    Lf,
}

/// The policy checked against one file's header: column indices resolved, actions compiled.
#[derive(Debug)]
pub struct Plan {
    /// The input's column names, in order.
    pub headers: Vec<String>,
    /// For each output column: the input column it comes from, and its operation.
    pub outputs: Vec<(usize, Op)>,
    /// Index of the patient ID column.
    pub patient_id: Option<usize>,
    /// Input columns the policy does not name (dropped, fail closed).
    pub unnamed: Vec<String>,
    /// Columns the policy names that the file does not have.
    pub missing: Vec<String>,
    /// What an unreadable value does.
    pub on_invalid: OnInvalid,
    /// Quasi-identifiers, in input order: (column index, hierarchy, least level allowed).
    pub quasi: Vec<(usize, HierarchySpec, usize)>,
    /// The sensitive column of l-diversity.
    pub sensitive: Option<usize>,
    /// The columns whose values `scrub_text` looks for in the row's free text, with what they
    /// hold (empty when no column is scrubbed).
    pub identity: Vec<(usize, ColumnKind)>,
}

/// Settings taken from the policy that do not depend on the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Input encoding; `None` = detect.
    pub encoding: Option<Encoding>,
    /// Output encoding; `None` = same as input.
    pub output_encoding: Option<Encoding>,
    /// Output line ending.
    pub line_ending: LineEnding,
    /// Field delimiter.
    pub delimiter: u8,
}

impl Policy {
    /// Parses a policy from JSON.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Policy`] with the JSON pointer of the first problem.
    pub fn from_json(json: &str) -> Result<Policy> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let policy: Policy = serde_path_to_error::deserialize(de).map_err(|e| {
            let pointer = pointer(e.path());
            let message = e.inner().to_string();
            // serde_json appends " at line L column C"; keep it, it helps find the spot.
            Error::policy(pointer, message)
        })?;
        if policy.version != 1 {
            return Err(Error::policy("/version", "only version 1 exists"));
        }
        Ok(policy)
    }

    /// The policy as pretty JSON (what `deid-kit suggest` prints and the browser saves).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// SHA-256 of the policy's canonical JSON, for the report: two runs with the same hash used
    /// the same policy.
    pub fn sha256(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        Sha256::digest(json.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads hierarchy files named by `generalize` columns (anything not a built-in name) with
    /// `read` and puts their rows inline, so the policy is self-contained. `read` gets the name as
    /// written (the CLI resolves it relative to the policy file).
    ///
    /// # Errors
    /// A policy error at the column's hierarchy when the file cannot be read or has no rows.
    pub fn inline_hierarchies(
        &mut self,
        read: impl Fn(&str) -> std::result::Result<String, String>,
    ) -> Result<()> {
        const BUILTIN: [&str; 5] = ["age", "date", "postal", "address", "sex"];
        for (name, action) in self.columns.iter_mut() {
            if let Action::Generalize { hierarchy, .. } = action {
                if let HierarchySpec::Named(file) = hierarchy {
                    if BUILTIN.contains(&file.as_str()) {
                        continue;
                    }
                    let at = || format!("{}/hierarchy", pointer_to_column(name));
                    let text = read(file).map_err(|e| Error::policy(at(), e))?;
                    let rows = hierarchy_rows(&text);
                    if rows.is_empty() {
                        return Err(Error::policy(at(), "the hierarchy file has no rows"));
                    }
                    *hierarchy = HierarchySpec::Rows(rows);
                }
            }
        }
        Ok(())
    }

    /// Whether any action needs the site key.
    pub fn needs_key(&self) -> bool {
        self.columns
            .values()
            .chain(self.paths.values())
            .any(Action::needs_key)
    }

    /// Whether the input is FHIR for sure (`ndjson` or `bundle`); `auto` is decided by the
    /// session from the first bytes.
    pub fn is_fhir(&self) -> bool {
        matches!(self.input.format.as_str(), "ndjson" | "bundle")
    }

    /// Whether a run takes two passes over the input (the first is [`crate::Session::scan`]):
    /// an anonymization (statistics first) or FHIR (the patients' identities and links first,
    /// wherever their Patient resources are in the file).
    pub fn needs_scan(&self) -> bool {
        self.privacy.is_some() || self.is_fhir()
    }

    /// The settings that do not depend on the header.
    ///
    /// # Errors
    /// A policy error naming the bad setting.
    pub fn settings(&self) -> Result<Settings> {
        if !matches!(
            self.input.format.as_str(),
            "csv" | "ndjson" | "bundle" | "auto"
        ) {
            return Err(Error::policy(
                "/input/format",
                "use csv, ndjson, bundle or auto",
            ));
        }
        if !self.input.header {
            return Err(Error::policy(
                "/input/header",
                "a header row is required: columns are named by it",
            ));
        }
        let encoding = match self.input.encoding.as_str() {
            "auto" => None,
            label => Some(Encoding::from_label(label).ok_or_else(|| {
                Error::policy("/input/encoding", "use auto, utf-8, shift_jis or euc-jp")
            })?),
        };
        let output_encoding = match self.output.encoding.as_str() {
            "same" => None,
            label => Some(Encoding::from_label(label).ok_or_else(|| {
                Error::policy("/output/encoding", "use same, utf-8, shift_jis or euc-jp")
            })?),
        };
        let line_ending = match self.output.line_ending.as_str() {
            "same" => LineEnding::Same,
            "crlf" => LineEnding::Crlf,
            "lf" => LineEnding::Lf,
            _ => return Err(Error::policy("/output/line_ending", "use same, crlf or lf")),
        };
        let delimiter = match self.input.delimiter.as_str() {
            "," => b',',
            ";" => b';',
            "\t" | "tab" => b'\t',
            _ => {
                return Err(Error::policy(
                    "/input/delimiter",
                    "use \",\", \";\" or \"\\t\"",
                ))
            }
        };
        Ok(Settings {
            encoding,
            output_encoding,
            line_ending,
            delimiter,
        })
    }

    /// Checks the policy against a file's header and compiles each action.
    ///
    /// # Errors
    /// A policy error listing every problem found (one per line), each with its JSON pointer:
    /// duplicate header names, a patient ID column that is missing, bad action parameters, a
    /// key needed but not given.
    pub fn compile(&self, headers: &[String], key: Option<&SiteKey>) -> Result<Plan> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let index = |name: &str| headers.iter().position(|h| h == name);
        for (i, h) in headers.iter().enumerate() {
            if headers.iter().take(i).any(|other| other == h) {
                problems.push((
                    String::new(),
                    format!("the file's header names column {h:?} twice; rename one"),
                ));
            }
        }
        let patient_id = match &self.patient_id {
            Some(name) => {
                let found = index(name);
                if found.is_none() {
                    problems.push((
                        "/patient_id".into(),
                        format!("the file has no column {name:?}"),
                    ));
                }
                found
            }
            None => None,
        };
        let reference_date = self.parsed_reference_date(&mut problems);
        let context = CompileContext {
            key,
            patient_id,
            reference_date,
        };
        let mut outputs = Vec::new();
        let mut quasi = Vec::new();
        let mut sensitive = None;
        for (i, header) in headers.iter().enumerate() {
            let Some(action) = self.columns.get(header) else {
                continue;
            };
            match action {
                Action::Generalize {
                    hierarchy,
                    min_level,
                    ..
                } => quasi.push((i, hierarchy.clone(), *min_level)),
                Action::Keep { sensitive: true } if sensitive.is_some() => problems.push((
                    pointer_to_column(header),
                    "only one column can be sensitive".into(),
                )),
                Action::Keep { sensitive: true } => sensitive = Some(i),
                _ => {}
            }
            match action.compile(&context) {
                Ok(Some(Op::Generalize(_))) => outputs.push((i, Op::Generalize(quasi.len() - 1))),
                Ok(Some(op)) => outputs.push((i, op)),
                Ok(None) => {}
                Err(message) => problems.push((pointer_to_column(header), message)),
            }
        }
        let identity = self.identity_columns(headers, &mut problems);
        match (&self.privacy, quasi.is_empty()) {
            (None, false) => problems.push((
                "/privacy".into(),
                "generalize columns are quasi-identifiers: add a privacy object (k, max_suppression)".into(),
            )),
            (Some(_), true) => problems.push((
                "/privacy".into(),
                "no column of the file is a quasi-identifier (action generalize)".into(),
            )),
            (Some(model), false) => {
                if model.k < 1 || !(0.0..=1.0).contains(&model.max_suppression) {
                    problems.push((
                        "/privacy".into(),
                        "k must be at least 1 and max_suppression between 0 and 1".into(),
                    ));
                }
                if model.l.is_some() && sensitive.is_none() {
                    problems.push((
                        "/privacy/l".into(),
                        "l-diversity needs a sensitive column ({\"action\": \"keep\", \"sensitive\": true})".into(),
                    ));
                }
            }
            (None, true) => {}
        }
        if !problems.is_empty() {
            let (path, first) = problems.remove(0);
            let mut message = first;
            for (p, m) in problems {
                message.push_str(&format!("\npolicy {p}: {m}"));
            }
            return Err(Error::policy(path, message));
        }
        Ok(Plan {
            headers: headers.to_vec(),
            outputs,
            patient_id,
            unnamed: headers
                .iter()
                .filter(|h| !self.columns.contains_key(*h))
                .cloned()
                .collect(),
            missing: self
                .columns
                .keys()
                .filter(|name| index(name).is_none())
                .cloned()
                .collect(),
            on_invalid: self.on_invalid,
            quasi,
            sensitive,
            identity,
        })
    }

    /// `reference_date` read as a date; a problem (with its JSON pointer) when it is not one.
    pub(crate) fn parsed_reference_date(
        &self,
        problems: &mut Vec<(String, String)>,
    ) -> Option<Date> {
        let text = self.reference_date.as_ref()?;
        match wareki::parse(text) {
            Ok(date) => Some(date),
            Err(e) => {
                problems.push(("/reference_date".into(), e.to_string()));
                None
            }
        }
    }

    /// The identity columns of `scrub_text`: those its actions name, or else every column whose
    /// kind (as `suggest` detected it, or as its header says) identifies the patient — whether
    /// the column itself is written or dropped.
    fn identity_columns(
        &self,
        headers: &[String],
        problems: &mut Vec<(String, String)>,
    ) -> Vec<(usize, ColumnKind)> {
        let mut named: Vec<&String> = Vec::new();
        let mut scrubs = false;
        for (column, action) in &self.columns {
            if let Action::ScrubText { identity, .. } = action {
                scrubs = true;
                for name in identity {
                    if headers.contains(name) {
                        named.push(name);
                    } else {
                        problems.push((
                            format!("{}/identity", pointer_to_column(column)),
                            format!("the file has no column {name:?}"),
                        ));
                    }
                }
            }
        }
        if !scrubs {
            return Vec::new();
        }
        let kind = |header: &String| {
            self.detected
                .get(header)
                .map(|d| d.kind)
                .unwrap_or_else(|| detect::classify(header, &[]).kind)
        };
        headers
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                if named.is_empty() {
                    kind(h).identifies_patient()
                        && !matches!(self.columns.get(*h), Some(Action::ScrubText { .. }))
                } else {
                    named.contains(h)
                }
            })
            .map(|(i, h)| (i, kind(h)))
            .collect()
    }
}

/// The rows of an ARX-format hierarchy file: one value per line followed by its generalizations,
/// separated by `;` (ARX's choice) or `,`.
fn hierarchy_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = if text.lines().next().is_some_and(|l| l.contains(';')) {
        ';'
    } else {
        ','
    };
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(delimiter).map(|c| c.trim().to_owned()).collect())
        .collect()
}

/// What an action may need when it is compiled.
pub struct CompileContext<'a> {
    /// The site key, if one was given.
    pub key: Option<&'a SiteKey>,
    /// Index of the patient ID column.
    pub patient_id: Option<usize>,
    /// The policy's reference date.
    pub reference_date: Option<Date>,
}

fn pointer_to_column(name: &str) -> String {
    format!("/columns/{}", escape(name))
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&escape(key)),
            Segment::Enum { variant } => out.push_str(&escape(variant)),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn err(json: &str) -> (String, String) {
        match Policy::from_json(json).unwrap_err().kind() {
            ErrorKind::Policy { path, message } => (path.clone(), message.clone()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_name_the_json_path() {
        for (json, path, needle) in [
            (
                r#"{"version":1,"columns":{"a":{"action":"dorp"}}}"#,
                "/columns/a/action",
                "unknown variant `dorp`",
            ),
            (
                r#"{"version":1,"columns":{"a":{"action":"keep","x":1}}}"#,
                "/columns/a",
                "unknown field `x`",
            ),
            (
                r#"{"version":1,"columns":{"a":{"action":"pseudonymize","lenght":9}}}"#,
                "/columns/a",
                "unknown field `lenght`",
            ),
            (
                r#"{"version":1,"colums":{}}"#,
                "/colums",
                "unknown field `colums`",
            ),
            (
                r#"{"version":1,"columns":{"a":{"action":"replace"}}}"#,
                "/columns/a",
                "missing field `value`",
            ),
            (
                r#"{"version":1,"input":{"encoding":1},"columns":{}}"#,
                "/input/encoding",
                "invalid type",
            ),
            (r#"{"version":1}"#, "", "missing field `columns`"),
            (
                r#"{"version":2,"columns":{}}"#,
                "/version",
                "only version 1",
            ),
            (
                r#"{"version":1,"columns":{"a/b":{"action":"kep"}}}"#,
                "/columns/a~1b/action",
                "unknown variant",
            ),
            ("not json", "", "expected ident"),
        ] {
            let (p, m) = err(json);
            assert_eq!(p, path, "{json}");
            assert!(m.contains(needle), "{json}: {m}");
        }
    }

    #[test]
    fn compile_reports_every_problem() {
        let policy = Policy::from_json(
            r#"{"version":1,"patient_id":"ID","columns":{
                "a":{"action":"pseudonymize","length":3},
                "b":{"action":"date_shift","max_days":30},
                "c":{"action":"keep"}}}"#,
        )
        .unwrap();
        let headers: Vec<String> = ["a", "b", "c", "c"].iter().map(|s| s.to_string()).collect();
        let key = SiteKey::from_bytes([1; 32]);
        let e = policy
            .compile(&headers, Some(&key))
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
        assert!(e.contains("/patient_id"), "{e}");
        assert!(e.contains("/columns/a"), "{e}");
        assert!(e.contains("length"), "{e}");
        assert!(e.contains("/columns/b"), "{e}");
        let e = policy.compile(&headers, None).unwrap_err().to_string();
        assert!(e.contains("no key, no pseudonyms"), "{e}");
    }

    #[test]
    fn unnamed_columns_are_dropped_and_listed() {
        let policy = Policy::from_json(
            r#"{"version":1,"columns":{"b":{"action":"keep"},"z":{"action":"keep"}}}"#,
        )
        .unwrap();
        let headers: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let plan = policy.compile(&headers, None).unwrap();
        assert_eq!(plan.outputs.len(), 1);
        assert_eq!(plan.outputs[0].0, 1);
        assert_eq!(plan.unnamed, ["a", "c"]);
        assert_eq!(plan.missing, ["z"]);
    }

    #[test]
    fn settings_and_hash() {
        let p = Policy::from_json(
            r#"{"version":1,"input":{"encoding":"cp932","delimiter":";"},"output":{"encoding":"utf-8","line_ending":"lf"},"columns":{}}"#,
        )
        .unwrap();
        let s = p.settings().unwrap();
        assert_eq!(s.encoding, Some(Encoding::ShiftJis));
        assert_eq!(s.output_encoding, Some(Encoding::Utf8));
        assert_eq!(s.line_ending, LineEnding::Lf);
        assert_eq!(s.delimiter, b';');
        assert_eq!(p.sha256().len(), 64);
        let q = Policy::from_json(&p.to_json()).unwrap();
        assert_eq!(p, q);
        assert_eq!(p.sha256(), q.sha256());
        let bad =
            Policy::from_json(r#"{"version":1,"input":{"delimiter":"|"},"columns":{}}"#).unwrap();
        assert!(bad
            .settings()
            .unwrap_err()
            .to_string()
            .contains("/input/delimiter"));
    }
}
