//! One resource's fate: parsed, indexed (first pass), opted out, suppressed or generalized
//! under the privacy model, then walked through the rules; and the counting of each fate.

use std::sync::Arc;

use serde_json::Value;

use super::{Engine, Fate, Mode};
use crate::fhir::index::patient_key;
use crate::fhir::walk::Walk;
use crate::format::ndjson;
use crate::report::{Rejection, MAX_LISTED_REJECTIONS};

impl Engine {
    pub(super) fn line(&mut self, line: ndjson::Line<'_>, out: &mut Vec<u8>) {
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
    pub(super) fn account(&mut self, fate: Fate, line: u64) -> Option<Value> {
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
    pub(super) fn resource(&mut self, mut value: Value, full_url: Option<&str>) -> Fate {
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
                        self.index.set_quasi(key, values);
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
        let patient = index.patient_of(&value, full_url);
        if patient.as_deref().is_some_and(|p| index.opted_out(p)) {
            return Fate::OptedOut;
        }
        if let (Some(quasi), Some(anonymized)) = (&self.quasi, &self.anonymization) {
            // The unit is the patient: its class decides every one of its resources.
            let is_patient = kind == "Patient";
            let values = patient.as_deref().and_then(|k| index.quasi(k));
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
}

/// Parses one resource; the reason names the column, never the content.
pub(super) fn parse(bytes: &[u8]) -> std::result::Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "ends early",
            serde_json::error::Category::Io => "cannot be read",
            _ => "is not valid JSON",
        };
        format!("the line {what} (column {})", e.column())
    })
}
