//! The report of a run: what came in, what went out, what each column had done to it, which rows
//! were rejected and why. Safe to keep and to send with the data: it holds counts, names and
//! reasons, never a cell value or a key.

use serde::{Deserialize, Serialize};

/// Rejected rows listed one by one in the report; beyond this only the count grows.
pub const MAX_LISTED_REJECTIONS: usize = 1000;

/// The report of one session.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always "deid-kit".
    pub tool: String,
    /// The kit's version.
    pub version: String,
    /// SHA-256 of the policy's canonical JSON.
    pub policy_sha256: String,
    /// The preset the policy came from, if any.
    pub preset: Option<String>,
    /// Fingerprint of the site key used, if any.
    pub key_fingerprint: Option<String>,
    /// The input file.
    pub input: Side,
    /// The output file.
    pub output: Side,
    /// Row accounting: `in = out + rejected + opted_out + suppressed`.
    pub rows: Rows,
    /// Every input column, in order, with its action and counts.
    pub columns: Vec<ColumnReport>,
    /// Rejected rows (at most [`MAX_LISTED_REJECTIONS`] listed).
    pub rejected: Vec<Rejection>,
    /// Distinct values tokenized (size of the correspondence table).
    pub tokens: u64,
    /// Things a person should look at.
    pub warnings: Vec<String>,
    /// The anonymization (匿名加工), when the policy has a privacy model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymization: Option<crate::pipeline::AnonymizationReport>,
    /// FHIR input: resources by type, elements removed, the patient index. With it, `rows`
    /// counts resources and `columns` lists the policy's `paths` rules (values = elements each
    /// rule decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fhir: Option<FhirReport>,
}

impl Report {
    /// A report of a run under `policy` with `key`: the tool, policy and key filled in, every
    /// count empty (the CSV and FHIR sessions fill in the rest).
    pub(crate) fn of_run(policy: &crate::Policy, key: Option<&crate::SiteKey>) -> Report {
        Report {
            tool: "deid-kit".into(),
            version: crate::VERSION.into(),
            policy_sha256: policy.sha256(),
            preset: policy.preset.clone(),
            key_fingerprint: key.map(crate::SiteKey::fingerprint),
            input: Side::default(),
            output: Side::default(),
            rows: Rows::default(),
            columns: Vec::new(),
            rejected: Vec::new(),
            tokens: 0,
            warnings: Vec::new(),
            anonymization: None,
            fhir: None,
        }
    }
}

/// A finished digest in lower-case hex, as the report writes file hashes.
pub(crate) fn hex(digest: sha2::Sha256) -> String {
    use sha2::Digest;
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The FHIR section of a report: counts and paths, never a value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FhirReport {
    /// `ndjson` or `bundle`.
    pub format: String,
    /// Resources written, by type.
    pub resources: std::collections::BTreeMap<String, u64>,
    /// Elements removed because no rule covers them (fail closed), by path
    /// (`Patient.maritalStatus`), with how many were removed.
    pub removed: std::collections::BTreeMap<String, u64>,
    /// Patients in the first pass's index.
    pub patients: u64,
    /// Heap bytes the patient index held, roughly.
    pub index_bytes: u64,
}

/// One side of the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Number of bytes.
    pub bytes: u64,
    /// `utf-8`, `shift_jis` or `euc-jp`.
    pub encoding: String,
    /// `crlf` or `lf`.
    pub line_ending: String,
    /// Whether it starts with a UTF-8 byte order mark.
    pub bom: bool,
}

/// Row counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    /// Data rows read (the header not counted).
    #[serde(rename = "in")]
    pub rows_in: u64,
    /// Rows written.
    #[serde(rename = "out")]
    pub rows_out: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows left out because the patient opted out (提供停止).
    pub opted_out: u64,
    /// Rows left out by the anonymization (their class was smaller than k).
    pub suppressed: u64,
}

impl Rows {
    /// Whether every row read is accounted for.
    pub fn balanced(&self) -> bool {
        self.rows_out
            .checked_add(self.rejected)
            .and_then(|n| n.checked_add(self.opted_out))
            .and_then(|n| n.checked_add(self.suppressed))
            == Some(self.rows_in)
    }
}

/// What happened to one input column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnReport {
    /// Header name.
    pub name: String,
    /// The action applied (`drop` for columns the policy does not name).
    pub action: String,
    /// Why, when the policy did not choose it (e.g. "not named in the policy").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Non-empty values processed in written rows.
    pub values: u64,
    /// Values that could not be read and were written empty (`on_invalid: blank`).
    pub blanked: u64,
    /// `scrub_text`: identifiers replaced, per tag (`name`, `phone`, `date` …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub scrubbed: std::collections::BTreeMap<String, u64>,
    /// What `suggest` detected and why it chose the action, when the policy says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<crate::preset::Detected>,
}

/// A rejected row. Never holds the row's values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Data row, from 1.
    pub row: u64,
    /// Line in the input where the row starts, from 1.
    pub line: u64,
    /// The column at fault, if one.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}
