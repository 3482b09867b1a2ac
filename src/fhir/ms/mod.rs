//! Microsoft FHIR anonymizer compatibility mode (`microsoft/Tools-for-Health-Data-Anonymization`).
//!
//! A migration path, deliberately separate from the kit's own FHIR policies: it reads MS's
//! configuration file (`fhirPathRules`, `parameters`) and reproduces MS's output for its
//! deterministic methods — `keep`, `redact` (with partial dates, ages and postal codes),
//! `cryptoHash` (HMAC-SHA256, id part only in `Reference.reference`), `dateShift` and
//! `substitute`, and `generalize` when its cases are in `generalize`'s subset. `encrypt` and
//! `perturb` are random by design and are refused, as is any path outside the FHIRPath subset.
//!
//! **Why this is not the default.** MS's date shift folds `prefix + key` into one of 101 buckets
//! with a polynomial hash: the offset is guessable, and one known (date, shifted date) pair
//! reveals it for the whole resource. The kit's own `date_shift` derives a per-patient offset
//! with HMAC from the site key and shifts all of that patient's resources alike. Use this mode
//! to reproduce an existing MS pipeline, not for new exports.
//!
//! Engine semantics follow MS (`../shared/conformance/ms-fhir-anonymizer.md`): every resource
//! (the root, then `contained` and `Bundle.entry.resource`, each on its own) runs the rules in
//! file order; a node processed by an earlier rule is never touched again (nor, when it is
//! complex, its descendants); methods apply to the selected node and every descendant not in a
//! sub-resource; empty elements are removed at the end; each non-contained resource gets the
//! `meta.security` labels of what was done to it and to its sub-resources. "Today", used by MS's
//! age-over-89 rule, is a parameter so results are reproducible.
//!
//! Known differences: element types come from [`crate::fhir::types`], which describes the JP Core
//! resources and common datatypes — an element it does not know is never matched by
//! `nodesByType('date')` etc.; arrays are not re-shaped to FHIR cardinality; substitute of a
//! primitive leaves its `_name` extension sibling alone.
//!
//! Files: `config` reads the configuration, `methods` holds the methods' value transforms and
//! `generalize` the expressions of `generalize` cases; here the rules are run over a resource,
//! with `pointers` for navigation, `substitute` for MS's node substitution and `cleanup` for the
//! security labels and empty-node removal each resource ends with; `stream` runs files.

mod cleanup;
mod config;
mod generalize;
mod methods;
mod pointers;
mod stream;
mod substitute;

pub use stream::{anonymize_document, anonymize_ndjson, StreamSummary};

use std::collections::HashSet;

use serde_json::Value;

use crate::fhir::types;
use crate::ja::wareki::Date;
use cleanup::{add_security_labels, remove_empty};
use config::{Config, Method, Scope};
use generalize::{this_value, to_json};
use pointers::{escape, is_resource, place_of, primitive_sibling, sub_resources};
use substitute::substitute_match;

/// Run-time settings that MS takes from the environment.
#[derive(Debug, Clone, PartialEq)]
pub struct MsSettings {
    /// The date MS's "age over 89" test compares with (MS uses the wall clock).
    pub today: Date,
    /// The input file's name, for `dateShiftScope: "file"` (MS: `Path.GetFileName`).
    pub file_name: Option<String>,
    /// The input folder's name, for `dateShiftScope: "folder"`.
    pub folder_name: Option<String>,
}

impl MsSettings {
    /// Settings with only `today` (enough unless the config's date-shift scope is file/folder).
    pub fn new(today: Date) -> MsSettings {
        MsSettings {
            today,
            file_name: None,
            folder_name: None,
        }
    }
}

/// A compiled MS configuration.
///
/// # Example
/// ```
/// use deid_kit::fhir::ms::{Anonymizer, MsSettings};
/// use deid_kit::ja::wareki::Date;
/// // Rules run in order: the date is shifted while the id is still "example" (offset +41);
/// // with the cryptoHash rule first, the hashed id would be the prefix (offset -20).
/// let config = r#"{"fhirPathRules": [
///     {"path": "nodesByType('date')", "method": "dateShift"},
///     {"path": "Patient.id", "method": "cryptoHash"},
///     {"path": "Patient.name", "method": "redact"}],
///   "parameters": {"cryptoHashKey": "123", "dateShiftKey": "123"}}"#;
/// let today = Date::new(2025, 9, 5).ok_or("date")?;
/// let ms = Anonymizer::from_config(config, MsSettings::new(today))?;
/// let mut patient = serde_json::json!({"resourceType": "Patient", "id": "example",
///     "name": [{"family": "山田"}], "birthDate": "2000-01-01"});
/// ms.anonymize(&mut patient)?;
/// assert_eq!(patient["birthDate"], "2000-02-11");
/// assert!(patient.get("name").is_none());
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone)]
pub struct Anonymizer {
    config: Config,
    today: Date,
    /// The file/folder date-shift prefix; `None` for resource scope (the resource id).
    scope_prefix: Option<String>,
}

/// What was done to a resource, for its `meta.security` labels (in MS's order).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Done {
    redacted: bool,
    abstracted: bool,
    hashed: bool,
    perturbed: bool,
    substituted: bool,
    generalized: bool,
}

impl Done {
    fn merge(&mut self, other: Done) {
        self.redacted |= other.redacted;
        self.abstracted |= other.abstracted;
        self.hashed |= other.hashed;
        self.perturbed |= other.perturbed;
        self.substituted |= other.substituted;
        self.generalized |= other.generalized;
    }
}
/// One rule's method on one match, with the root id MS reads for the date-shift prefix.
struct Task<'m> {
    method: &'m Method,
    root_id: String,
}

/// Where a node sits: its pointer, FHIR type context, element name and parent's context.
#[derive(Debug, Clone)]
struct Place {
    pointer: String,
    context: Option<&'static str>,
    name: String,
    parent: Option<&'static str>,
}

impl Anonymizer {
    /// Reads an MS configuration file's text.
    ///
    /// # Errors
    /// Invalid JSON, unknown keys, paths outside the FHIRPath subset, `encrypt`/`perturb`/custom
    /// methods, generalize cases outside the subset, a `cryptoHash`/`dateShift` rule without its
    /// key, or a file/folder date-shift scope without the name in `settings`.
    pub fn from_config(json: &str, settings: MsSettings) -> Result<Anonymizer, String> {
        let config = config::parse(json)?;
        let scope_prefix = match config.parameters.date_shift_scope {
            Scope::Resource => None,
            Scope::File => Some(
                settings
                    .file_name
                    .clone()
                    .ok_or("MS config: dateShiftScope `file` needs the input file's name")?,
            ),
            Scope::Folder => Some(
                settings
                    .folder_name
                    .clone()
                    .ok_or("MS config: dateShiftScope `folder` needs the input folder's name")?,
            ),
        };
        Ok(Anonymizer {
            config,
            today: settings.today,
            scope_prefix,
        })
    }

    /// Anonymizes one resource (a Bundle's entries and contained resources included) in place.
    ///
    /// # Errors
    /// The value is not a resource (an object with a string `resourceType`), or a rule cannot be
    /// applied (generalize on a complex node, an impossible calendar date to shift, a substitute
    /// of the wrong shape). The message names the JSON Pointer, never the value.
    pub fn anonymize(&self, resource: &mut Value) -> Result<(), String> {
        if !resource.get("resourceType").is_some_and(Value::is_string) {
            return Err("not a FHIR resource: no resourceType".to_owned());
        }
        let mut visited = HashSet::new();
        let done = self.process_resource(resource, "", &mut visited)?;
        add_security_labels(resource, done);
        remove_empty(resource);
        Ok(())
    }

    fn process_resource(
        &self,
        doc: &mut Value,
        resource_pointer: &str,
        visited: &mut HashSet<String>,
    ) -> Result<Done, String> {
        let mut done = Done::default();
        for rule in &self.config.rules {
            let Some(resource) = doc.pointer(resource_pointer) else {
                break;
            };
            let matches: Vec<String> = rule
                .path
                .select(resource)
                .into_iter()
                .filter(|p| !(rule.excludes_root && p.is_empty()))
                .collect();
            for relative in matches {
                let Some(place) = place_of(doc, resource_pointer, &relative) else {
                    continue;
                };
                self.process_match(doc, place, &rule.method, visited, &mut done)?;
            }
        }
        let mut subs = Vec::new();
        if let Some(resource) = doc.pointer(resource_pointer) {
            sub_resources(resource, resource_pointer, true, &mut subs);
        }
        for sub in subs {
            let sub_done = self.process_resource(doc, &sub, visited)?;
            done.merge(sub_done);
            let contained = sub.rsplit('/').nth(1).is_some_and(|key| key == "contained");
            if !contained {
                if let Some(resource) = doc.pointer_mut(&sub) {
                    add_security_labels(resource, sub_done);
                }
            }
        }
        Ok(done)
    }

    fn process_match(
        &self,
        doc: &mut Value,
        place: Place,
        method: &Method,
        visited: &mut HashSet<String>,
        done: &mut Done,
    ) -> Result<(), String> {
        if visited.contains(&place.pointer) {
            return Ok(());
        }
        let root_id = doc
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Method::Substitute(with) = method {
            return substitute_match(doc, &place, with, visited, done);
        }
        let task = Task { method, root_id };
        let sibling = primitive_sibling(doc, &place.pointer);
        let Some(node) = doc.pointer_mut(&place.pointer) else {
            return Ok(());
        };
        self.visit(node, &place, &task, visited, done, true)?;
        if let Some(sibling_pointer) = sibling {
            if let Some(element) = doc.pointer_mut(&sibling_pointer) {
                let element_place = Place {
                    pointer: sibling_pointer,
                    context: Some("Element"),
                    name: format!("_{}", place.name),
                    parent: place.parent,
                };
                // MS sees the extensions as the primitive's own children: the `_name` object is
                // not a node of its own.
                self.visit(element, &element_place, &task, visited, done, false)?;
            }
        }
        Ok(())
    }

    /// MS's `ProcessNodeRecursive`: the node, then its descendants outside sub-resources.
    fn visit(
        &self,
        node: &mut Value,
        place: &Place,
        task: &Task<'_>,
        visited: &mut HashSet<String>,
        done: &mut Done,
        apply_self: bool,
    ) -> Result<(), String> {
        if visited.contains(&place.pointer) {
            return Ok(());
        }
        if apply_self {
            self.apply(node, place, task.method, &task.root_id, done)?;
        }
        visited.insert(place.pointer.clone());
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "resourceType" {
                        continue;
                    }
                    let context = place.context.and_then(|c| types::child_context(c, key));
                    let base = format!("{}/{}", place.pointer, escape(key));
                    match child {
                        Value::Array(items) => {
                            for (index, item) in items.iter_mut().enumerate() {
                                if is_resource(item) {
                                    continue;
                                }
                                let child_place = Place {
                                    pointer: format!("{base}/{index}"),
                                    context,
                                    name: key.clone(),
                                    parent: place.context,
                                };
                                self.visit(item, &child_place, task, visited, done, true)?;
                            }
                        }
                        item => {
                            if is_resource(item) {
                                continue;
                            }
                            let child_place = Place {
                                pointer: base,
                                context,
                                name: key.clone(),
                                parent: place.context,
                            };
                            self.visit(item, &child_place, task, visited, done, true)?;
                        }
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let child_place = Place {
                        pointer: format!("{}/{index}", place.pointer),
                        ..place.clone()
                    };
                    self.visit(item, &child_place, task, visited, done, true)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One method on one node (complex nodes have no value of their own: nothing happens to them
    /// here, their primitive descendants are visited next).
    fn apply(
        &self,
        node: &mut Value,
        place: &Place,
        method: &Method,
        root_id: &str,
        done: &mut Done,
    ) -> Result<(), String> {
        let text = match &*node {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Object(_) | Value::Array(_) => {
                if let Method::Generalize { .. } = method {
                    return Err(format!(
                        "generalize applies to primitive elements only, not the complex element at {}",
                        place.pointer
                    ));
                }
                return Ok(());
            }
            _ => return Ok(()),
        };
        let fhir_type = place.context.map(types::public_name);
        match method {
            Method::Keep | Method::Substitute(_) => {}
            Method::Redact => self.redact(node, place, fhir_type, &text, done),
            Method::DateShift => {
                let with_time = match fhir_type {
                    Some("date") => false,
                    Some("dateTime" | "instant") => true,
                    _ => return Ok(()),
                };
                let parts = methods::date_parts(&text, with_time);
                match parts.filter(|p| p.day.is_some() && !methods::age_over_89(p, self.today)) {
                    Some(parts) => {
                        let offset = match self.config.parameters.date_shift_fixed_offset {
                            Some(days) => days,
                            None => {
                                let prefix = self
                                    .scope_prefix
                                    .as_deref()
                                    .filter(|p| !p.is_empty())
                                    .unwrap_or(root_id);
                                let key = self.config.parameters.date_shift_key.as_deref();
                                methods::date_shift_offset(prefix, key.unwrap_or_default())
                            }
                        };
                        let shifted = methods::shift_date(&parts, offset).ok_or_else(|| {
                            format!(
                                "dateShift: the date at {} is not a calendar date",
                                place.pointer
                            )
                        })?;
                        *node = Value::String(shifted);
                        done.perturbed = true;
                    }
                    None => self.redact_date(node, &text, with_time, done),
                }
            }
            Method::CryptoHash => {
                let key = self
                    .config
                    .parameters
                    .crypto_hash_key
                    .as_deref()
                    .unwrap_or_default();
                let hashed = if place.name == "reference" && place.parent == Some("Reference") {
                    methods::transform_reference_id(&text, |id| methods::crypto_hash(id, key))
                } else {
                    methods::crypto_hash(&text, key)
                };
                *node = Value::String(hashed);
                done.hashed = true;
            }
            Method::Generalize { cases, keep_others } => {
                let Some(this) = this_value(node, fhir_type) else {
                    return Ok(());
                };
                match cases
                    .apply(&this)
                    .map_err(|e| format!("generalize at {}: {e}", place.pointer))?
                {
                    Some(Some(value)) => *node = to_json(value),
                    Some(None) => *node = Value::Null,
                    None if !keep_others => *node = Value::Null,
                    None => {}
                }
                done.generalized = true;
            }
        }
        Ok(())
    }

    fn redact(
        &self,
        node: &mut Value,
        place: &Place,
        fhir_type: Option<&str>,
        text: &str,
        done: &mut Done,
    ) {
        let p = &self.config.parameters;
        match fhir_type {
            Some("date") => self.redact_date(node, text, false, done),
            Some("dateTime" | "instant") => self.redact_date(node, text, true, done),
            Some("decimal") if place.parent == Some("Age") => {
                if !p.partial_ages || text.parse::<f64>().map_or(true, |age| age > 89.0) {
                    *node = Value::Null;
                }
                done.redacted = true;
            }
            _ if place.name == "postalCode" && p.partial_zip_codes => {
                *node = Value::String(methods::redact_postal_code(text, &p.restricted_zip_areas));
                done.abstracted = true;
            }
            _ => {
                *node = Value::Null;
                done.redacted = true;
            }
        }
    }

    /// Redaction of a date-like value: its year when partial dates are enabled (unless the
    /// person would be over 89), else nothing.
    fn redact_date(&self, node: &mut Value, text: &str, with_time: bool, done: &mut Done) {
        if self.config.parameters.partial_dates {
            if let Some(parts) = methods::date_parts(text, with_time) {
                *node = if methods::age_over_89(&parts, self.today) {
                    Value::Null
                } else {
                    Value::String(format!("{:04}", parts.year))
                };
            }
        } else {
            *node = Value::Null;
        }
        done.redacted = true;
    }
}
