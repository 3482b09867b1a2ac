//! Microsoft FHIR anonymizer compatibility mode (`microsoft/Tools-for-Health-Data-Anonymization`).
//!
//! A migration path, deliberately separate from the kit's own FHIR policies: it reads MS's
//! configuration file (`fhirPathRules`, `parameters`) and reproduces MS's output for its
//! deterministic methods — `keep`, `redact` (with partial dates, ages and postal codes),
//! `cryptoHash` (HMAC-SHA256, id part only in `Reference.reference`), `dateShift` and
//! `substitute`, and `generalize` when its cases are in [`generalize`]'s subset. `encrypt` and
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

mod config;
mod generalize;
mod methods;
mod stream;

pub use stream::{anonymize_document, anonymize_ndjson, StreamSummary};

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::fhir::types;
use crate::ja::wareki::Date;
use config::{Config, Method, Scope};
use generalize::{this_value, to_json};

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

const V3: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

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

fn is_resource(value: &Value) -> bool {
    value.get("resourceType").is_some_and(Value::is_string)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The pointers of the resources directly inside `value` (not inside those).
fn sub_resources(value: &Value, pointer: &str, is_root: bool, out: &mut Vec<String>) {
    if !is_root && is_resource(value) {
        out.push(pointer.to_owned());
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                sub_resources(child, &format!("{pointer}/{}", escape(key)), false, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                sub_resources(item, &format!("{pointer}/{index}"), false, out);
            }
        }
        _ => {}
    }
}

/// Types the node at `resource_pointer + relative` by walking the table from the resource.
fn place_of(doc: &Value, resource_pointer: &str, relative: &str) -> Option<Place> {
    let mut value = doc.pointer(resource_pointer)?;
    let mut context = value
        .get("resourceType")
        .and_then(Value::as_str)
        .and_then(types::resource_context);
    let mut parent = None;
    let mut name = String::new();
    for segment in relative.split('/').skip(1) {
        let key = unescape(segment);
        match value {
            Value::Array(items) => {
                value = items.get(key.parse::<usize>().ok()?)?;
            }
            Value::Object(map) => {
                value = map.get(&key)?;
                parent = context;
                context = context.and_then(|c| types::child_context(c, &key));
                name = key;
            }
            _ => return None,
        }
        if let Some(resource_type) = value.get("resourceType").and_then(Value::as_str) {
            context = types::resource_context(resource_type);
        }
    }
    Some(Place {
        pointer: format!("{resource_pointer}{relative}"),
        context,
        name,
        parent,
    })
}

/// The `_name` sibling (or its element for an array item) of a primitive at `pointer`.
fn primitive_sibling(doc: &Value, pointer: &str) -> Option<String> {
    let node = doc.pointer(pointer)?;
    if node.is_object() || node.is_array() {
        return None;
    }
    let (parent, last) = pointer.rsplit_once('/')?;
    if last.parse::<usize>().is_ok() && doc.pointer(parent).is_some_and(Value::is_array) {
        let (grandparent, key) = parent.rsplit_once('/')?;
        let sibling = format!("{grandparent}/_{key}/{last}");
        return doc
            .pointer(&sibling)
            .filter(|v| !v.is_null())
            .map(|_| sibling);
    }
    let sibling = format!("{parent}/_{last}");
    doc.pointer(&sibling).map(|_| sibling)
}

// ---- substitute ----

fn substitute_match(
    doc: &mut Value,
    place: &Place,
    with: &Value,
    visited: &mut HashSet<String>,
    done: &mut Done,
) -> Result<(), String> {
    let Some(node) = doc.pointer_mut(&place.pointer) else {
        return Ok(());
    };
    let replacement = match (&*node, with) {
        (Value::Object(_), Value::String(text)) => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| {
                format!(
                    "substitute at {}: replaceWith must be a JSON object for a complex element",
                    place.pointer
                )
            })?,
        (Value::Object(_), Value::Null) => Value::Object(Map::new()),
        (Value::Object(_), Value::Object(_)) => with.clone(),
        (Value::Object(_), _) => {
            return Err(format!(
                "substitute at {}: replaceWith must be a JSON object for a complex element",
                place.pointer
            ))
        }
        (_, Value::Object(_) | Value::Array(_)) => {
            return Err(format!(
                "substitute at {}: replaceWith must be a value for a primitive element",
                place.pointer
            ))
        }
        (_, Value::Null) => Value::Null,
        (_, other) => Value::String(match other {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        }),
    };
    let mut keep = HashSet::new();
    mark_keep(node, &place.pointer, visited, &mut keep);
    substitute(node, &place.pointer, &replacement, visited, &keep);
    let mut all = Vec::new();
    all_pointers(node, &place.pointer, &mut all);
    visited.extend(all);
    done.substituted = true;
    Ok(())
}

/// Nodes under `pointer` that were processed before or hold processed descendants.
fn mark_keep(
    node: &Value,
    pointer: &str,
    visited: &HashSet<String>,
    keep: &mut HashSet<String>,
) -> bool {
    let mut should_keep = false;
    for (child_pointer, child) in children(node, pointer) {
        should_keep |= mark_keep(child, &child_pointer, visited, keep);
    }
    if should_keep || visited.contains(pointer) {
        keep.insert(pointer.to_owned());
        return true;
    }
    false
}

fn children<'a>(node: &'a Value, pointer: &str) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "resourceType" {
                    continue;
                }
                let base = format!("{pointer}/{}", escape(key));
                match child {
                    Value::Array(items) => {
                        out.extend(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, item)| (format!("{base}/{i}"), item)),
                        );
                    }
                    single => out.push((base, single)),
                }
            }
        }
        Value::Array(items) => {
            out.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{pointer}/{i}"), item)),
            );
        }
        _ => {}
    }
    out
}

fn all_pointers(node: &Value, pointer: &str, out: &mut Vec<String>) {
    out.push(pointer.to_owned());
    for (child_pointer, child) in children(node, pointer) {
        all_pointers(child, &child_pointer, out);
    }
}

/// MS's `SubstituteNode`: replaced children pair with the replacement's in order; processed
/// children stay (and use up a replacement); children holding processed nodes are emptied but
/// kept; the rest go; extra replacement children are added. `Null` is MS's empty dummy node.
fn substitute(
    node: &mut Value,
    pointer: &str,
    replacement: &Value,
    visited: &HashSet<String>,
    keep: &HashSet<String>,
) {
    if visited.contains(pointer) {
        return;
    }
    let Value::Object(map) = node else {
        *node = replacement.clone();
        return;
    };
    let empty = Map::new();
    let with = replacement.as_object().unwrap_or(&empty);
    let old = std::mem::take(map);
    let mut new = Map::new();
    for (key, value) in old {
        if key == "resourceType" {
            new.insert(key, value);
            continue;
        }
        let base = format!("{pointer}/{}", escape(&key));
        let was_array = value.is_array();
        let items: Vec<(String, Value)> = match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("{base}/{i}"), v))
                .collect(),
            single => vec![(base, single)],
        };
        let mut kept = Vec::new();
        match with.get(&key) {
            Some(target) => {
                let targets: Vec<&Value> = match target {
                    Value::Array(t) => t.iter().collect(),
                    t => vec![t],
                };
                let mut next = 0;
                for (item_pointer, mut item) in items {
                    if visited.contains(&item_pointer) {
                        next += 1;
                        kept.push(item);
                    } else if let Some(target) = targets.get(next) {
                        next += 1;
                        substitute(&mut item, &item_pointer, target, visited, keep);
                        kept.push(item);
                    } else if keep.contains(&item_pointer) {
                        substitute(&mut item, &item_pointer, &Value::Null, visited, keep);
                        kept.push(item);
                    }
                }
                kept.extend(targets.iter().skip(next).map(|t| (*t).clone()));
                let as_array = was_array || target.is_array() || kept.len() > 1;
                if let Some(value) = pack(kept, as_array) {
                    new.insert(key, value);
                }
            }
            None => {
                for (item_pointer, mut item) in items {
                    if visited.contains(&item_pointer) {
                        kept.push(item);
                    } else if keep.contains(&item_pointer) {
                        substitute(&mut item, &item_pointer, &Value::Null, visited, keep);
                        kept.push(item);
                    }
                }
                if let Some(value) = pack(kept, was_array) {
                    new.insert(key, value);
                }
            }
        }
    }
    for (key, value) in with {
        if !new.contains_key(key) {
            new.insert(key.clone(), value.clone());
        }
    }
    *map = new;
}

fn pack(mut items: Vec<Value>, as_array: bool) -> Option<Value> {
    if items.is_empty() {
        None
    } else if as_array || items.len() > 1 {
        Some(Value::Array(items))
    } else {
        items.pop()
    }
}

// ---- security labels and clean-up ----

fn add_security_labels(resource: &mut Value, done: Done) {
    if done == Done::default() {
        return;
    }
    let Value::Object(map) = resource else {
        return;
    };
    if !map.get("meta").is_some_and(Value::is_object) {
        let old = std::mem::take(map);
        let anchor = if old.contains_key("id") {
            "id"
        } else {
            "resourceType"
        };
        let mut inserted = false;
        for (key, value) in old {
            let is_anchor = key == anchor;
            if key != "meta" {
                map.insert(key, value);
            }
            if is_anchor && !inserted {
                map.insert("meta".to_owned(), Value::Object(Map::new()));
                inserted = true;
            }
        }
        if !inserted {
            map.insert("meta".to_owned(), Value::Object(Map::new()));
        }
    }
    let Some(Value::Object(meta)) = map.get_mut("meta") else {
        return;
    };
    if !meta.get("security").is_some_and(Value::is_array) {
        meta.insert("security".to_owned(), Value::Array(Vec::new()));
    }
    let Some(Value::Array(security)) = meta.get_mut("security") else {
        return;
    };
    let labels: [(bool, Option<&str>, &str, &str); 6] = [
        (done.redacted, Some(V3), "REDACTED", "redacted"),
        (done.abstracted, Some(V3), "ABSTRED", "abstracted"),
        (
            done.hashed,
            Some(V3),
            "CRYTOHASH",
            "cryptographic hash function",
        ),
        (
            done.perturbed,
            None,
            "PERTURBED",
            "exact value is replaced with another exact value",
        ),
        (
            done.substituted,
            None,
            "SUBSTITUTED",
            "exact value is replaced with a predefined value",
        ),
        (
            done.generalized,
            None,
            "GENERALIZED",
            "exact value is replaced with a general value",
        ),
    ];
    for (applies, system, code, display) in labels {
        let present = security.iter().any(|c| {
            c.get("code")
                .and_then(Value::as_str)
                .is_some_and(|existing| existing.eq_ignore_ascii_case(code))
        });
        if applies && !present {
            let mut coding = Map::new();
            if let Some(system) = system {
                coding.insert("system".to_owned(), Value::from(system));
            }
            coding.insert("code".to_owned(), Value::from(code));
            coding.insert("display".to_owned(), Value::from(display));
            security.push(Value::Object(coding));
        }
    }
}

/// MS's `RemoveEmptyNodes`: nulls, emptied objects and arrays go (resources stay); an array item
/// whose `_name` sibling item still has content stays as `null` so the two arrays keep aligned.
/// Returns whether `value` itself is now empty.
fn remove_empty(value: &mut Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => {
            for item in items.iter_mut() {
                if remove_empty(item) {
                    *item = Value::Null;
                }
            }
            items.retain(|v| !v.is_null());
            items.is_empty()
        }
        Value::Object(map) => {
            for (_, child) in map.iter_mut() {
                match child {
                    Value::Array(items) => {
                        for item in items.iter_mut() {
                            if remove_empty(item) {
                                *item = Value::Null;
                            }
                        }
                    }
                    other => {
                        if remove_empty(other) {
                            *other = Value::Null;
                        }
                    }
                }
            }
            let keys: Vec<String> = map.keys().cloned().collect();
            let is_array =
                |map: &Map<String, Value>, key: &str| map.get(key).is_some_and(Value::is_array);
            let paired: Vec<bool> = keys
                .iter()
                .map(|key| match key.strip_prefix('_') {
                    Some(base) => is_array(map, base),
                    None => is_array(map, &format!("_{key}")),
                } && is_array(map, key))
                .collect();
            for key in keys.iter().filter(|k| !k.starts_with('_')) {
                let sibling_key = format!("_{key}");
                let (Some(Value::Array(items)), Some(Value::Array(sibling))) =
                    (map.get(key), map.get(&sibling_key))
                else {
                    continue;
                };
                let live: Vec<bool> = (0..items.len().max(sibling.len()))
                    .map(|i| {
                        items.get(i).is_some_and(|v| !v.is_null())
                            || sibling.get(i).is_some_and(|v| !v.is_null())
                    })
                    .collect();
                for k in [key.as_str(), sibling_key.as_str()] {
                    if let Some(Value::Array(items)) = map.get_mut(k) {
                        let mut index = 0;
                        items.retain(|_| {
                            let keep = live.get(index).copied().unwrap_or(false);
                            index += 1;
                            keep
                        });
                    }
                }
            }
            for (key, is_paired) in keys.iter().zip(paired) {
                let remove = match map.get_mut(key) {
                    Some(Value::Array(items)) => {
                        if !is_paired {
                            items.retain(|v| !v.is_null());
                        }
                        items.iter().all(Value::is_null)
                    }
                    Some(Value::Null) => true,
                    _ => false,
                };
                if remove {
                    map.remove(key);
                }
            }
            map.is_empty()
        }
        _ => false,
    }
}
