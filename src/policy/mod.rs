//! The policy: a JSON document naming one action per column, read the same way by the CLI, Node
//! and the browser. It is validated once, against the file's header, by [`Policy::compile`], so
//! the per-cell loop does no checking.
//!
//! This file holds the document itself (its serde types, parsing and canonical hash);
//! `settings` reads the header-independent settings and `compile` checks the policy against a
//! header.

mod compile;
mod settings;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::action::{Action, HierarchySpec};
use crate::error::{Error, Result};
use crate::preset::Detected;

pub use compile::{CompileContext, Plan};
pub use settings::{LineEnding, Settings};

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

    /// The token length of the policy's first `tokenize` action (CSV column or FHIR path);
    /// `None` when it does not tokenize (no correspondence table).
    pub fn token_length(&self) -> Option<usize> {
        self.columns
            .values()
            .chain(self.paths.values())
            .find_map(Action::token_length)
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
}
