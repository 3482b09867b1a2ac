//! [`Policy::compile`]: the policy checked against one file's header, every problem reported
//! with its JSON pointer, into the [`Plan`] the per-cell loop runs without further checks.

use crate::action::{Action, HierarchySpec, Op};
use crate::detect::{self, ColumnKind};
use crate::error::{Error, Result};
use crate::ja::wareki::{self, Date};
use crate::key::SiteKey;

use super::{pointer_to_column, OnInvalid, Policy};

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

/// What an action may need when it is compiled.
pub struct CompileContext<'a> {
    /// The site key, if one was given.
    pub key: Option<&'a SiteKey>,
    /// Index of the patient ID column.
    pub patient_id: Option<usize>,
    /// The policy's reference date.
    pub reference_date: Option<Date>,
}

impl Policy {
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
        Error::policy_problems(problems)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
