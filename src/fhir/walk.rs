//! One resource walked against the rules' decisions: every primitive element gets the action of
//! the first rule covering it (selecting it or one of its ancestors); an element no rule covers
//! is removed (fail closed) and its path counted for the report. Objects and arrays left empty
//! are removed too, since FHIR forbids them. Contained resources are walked as resources of
//! their own type (a contained Medication gets the Medication rules), unless a rule of the
//! container covers `contained` itself.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::date;
use super::links;
use super::rules::{Decisions, Rules};
use crate::action::{Invalid, Op, RowContext, TokenTable};
use crate::policy::OnInvalid;
use crate::scrub::{Counts, Identity};

/// What became of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Something of it is written.
    Kept,
    /// Removed by a rule (drop, or an empty result).
    Removed,
    /// No rule covers any of it: removed, and counted by its parent.
    Uncovered,
}

/// Counters the walk adds to.
#[derive(Debug, Default)]
pub struct Tally {
    /// Elements removed because no rule covers them, by path (`Patient.maritalStatus`).
    pub removed: BTreeMap<String, u64>,
    /// Primitive elements each rule decided.
    pub applied: Vec<u64>,
    /// Values an action could not read, removed under `on_invalid: blank`.
    pub blanked: u64,
    /// What each `scrub_text` rule replaced, per tag.
    pub scrubbed: Vec<Counts>,
}

/// A value no action could read: the element's path and the reason (never the value).
#[derive(Debug)]
pub struct Unreadable {
    /// Element path (`Patient.birthDate`).
    pub path: String,
    /// Why.
    pub reason: String,
}

/// The walk of one resource.
pub struct Walk<'a> {
    /// The compiled rules.
    pub rules: &'a Rules,
    /// Pointer → deciding rule, from [`Rules::decide`].
    pub decided: &'a Decisions,
    /// What keys this resource's date shift (its patient, else the resource itself).
    pub shift_key: Option<&'a str>,
    /// The session's token table.
    pub tokens: &'a mut TokenTable,
    /// The resource's patient's own identifiers (from its Patient resource), for `scrub_text`.
    pub identity: &'a Identity,
    /// What an unreadable value does.
    pub on_invalid: OnInvalid,
    /// Counters.
    pub tally: &'a mut Tally,
    pointer: String,
    path: String,
    cell: String,
}

impl<'a> Walk<'a> {
    /// A walk over one resource.
    pub fn new(
        rules: &'a Rules,
        decided: &'a Decisions,
        shift_key: Option<&'a str>,
        tokens: &'a mut TokenTable,
        identity: &'a Identity,
        on_invalid: OnInvalid,
        tally: &'a mut Tally,
    ) -> Walk<'a> {
        if tally.applied.len() < rules.rules.len() {
            tally.applied.resize(rules.rules.len(), 0);
            tally.scrubbed.resize(rules.rules.len(), Counts::default());
        }
        Walk {
            rules,
            decided,
            shift_key,
            tokens,
            identity,
            on_invalid,
            tally,
            pointer: String::new(),
            path: String::new(),
            cell: String::new(),
        }
    }

    /// De-identifies `resource` (an object with its `resourceType`) in place.
    ///
    /// # Errors
    /// [`Unreadable`] when an action cannot read a value and the policy rejects such resources.
    pub fn resource(
        &mut self,
        resource: &mut Map<String, Value>,
        resource_type: &str,
    ) -> Result<(), Unreadable> {
        self.path.clear();
        self.path.push_str(resource_type);
        self.pointer.clear();
        let inherited = self.decided.get("").copied();
        let mut fates = Vec::with_capacity(resource.len());
        for (key, child) in resource.iter_mut() {
            if key == "resourceType" {
                fates.push(Fate::Kept);
                continue;
            }
            if key == "contained" && inherited.is_none() && !self.decides_under("/contained") {
                fates.push(self.contained(child, resource_type)?);
                continue;
            }
            fates.push(self.child(child, key, inherited)?);
        }
        self.retain(resource, &fates);
        Ok(())
    }

    /// Whether some rule selects the node at `pointer` or one below it.
    fn decides_under(&self, pointer: &str) -> bool {
        self.decided.keys().any(|p| {
            p.strip_prefix(pointer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// Walks each contained resource with its own type's rules, sharing the container's
    /// patient (date shift, identity), token table and counters.
    fn contained(&mut self, value: &mut Value, container: &str) -> Result<Fate, Unreadable> {
        let Value::Array(items) = value else {
            return Ok(Fate::Uncovered);
        };
        let mut fates = Vec::with_capacity(items.len());
        for item in items.iter_mut() {
            let kind = match item.get("resourceType") {
                Some(Value::String(kind)) if !kind.is_empty() => kind.clone(),
                _ => {
                    fates.push(Fate::Uncovered);
                    continue;
                }
            };
            let decided = self.rules.decide(item, &kind);
            let Value::Object(map) = item else {
                fates.push(Fate::Uncovered);
                continue;
            };
            let mut walk = Walk::new(
                self.rules,
                &decided,
                self.shift_key,
                self.tokens,
                self.identity,
                self.on_invalid,
                self.tally,
            );
            walk.resource(map, &kind)?;
            // A resource with nothing but its type says nothing.
            fates.push(if map.len() > 1 {
                Fate::Kept
            } else {
                Fate::Removed
            });
        }
        Ok(self.retain_items(items, fates, Some(container)))
    }

    /// Keeps the items whose fate is [`Fate::Kept`] (`fates` in item order), counting the
    /// uncovered ones under the walk's path (or `container.contained`); the array's own fate.
    fn retain_items(
        &mut self,
        items: &mut Vec<Value>,
        fates: Vec<Fate>,
        container: Option<&str>,
    ) -> Fate {
        let uncovered = fates.iter().filter(|f| **f == Fate::Uncovered).count() as u64;
        if uncovered > 0 {
            let path = match container {
                Some(container) => format!("{container}.contained"),
                None => self.path.clone(),
            };
            *self.tally.removed.entry(path).or_insert(0) += uncovered;
        }
        let mut fate = fates.into_iter();
        items.retain(|_| fate.next() == Some(Fate::Kept));
        if items.is_empty() {
            Fate::Removed
        } else {
            Fate::Kept
        }
    }

    /// Removes the members whose fate is not [`Fate::Kept`] (`fates` in member order), counting
    /// the uncovered ones.
    fn retain(&mut self, map: &mut Map<String, Value>, fates: &[Fate]) {
        if fates.iter().all(|f| *f == Fate::Kept) {
            return;
        }
        let mut fate = fates.iter();
        map.retain(|key, _| match fate.next() {
            Some(Fate::Kept) | None => true,
            Some(Fate::Uncovered) => {
                self.count_removed(key);
                false
            }
            Some(Fate::Removed) => false,
        });
    }

    fn count_removed(&mut self, key: &str) {
        let path = format!("{}.{key}", self.path);
        *self.tally.removed.entry(path).or_insert(0) += 1;
    }

    /// Walks a member `key` of the current object.
    fn child(
        &mut self,
        value: &mut Value,
        key: &str,
        inherited: Option<usize>,
    ) -> Result<Fate, Unreadable> {
        let (pointer_len, path_len) = (self.pointer.len(), self.path.len());
        self.pointer.push('/');
        for c in key.chars() {
            match c {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                c => self.pointer.push(c),
            }
        }
        self.path.push('.');
        self.path.push_str(key);
        let decision = min(inherited, self.decided.get(&self.pointer).copied());
        let fate = self.node(value, key, decision);
        self.pointer.truncate(pointer_len);
        self.path.truncate(path_len);
        fate
    }

    fn node(
        &mut self,
        value: &mut Value,
        key: &str,
        decision: Option<usize>,
    ) -> Result<Fate, Unreadable> {
        match value {
            Value::Object(map) => {
                let mut fates = Vec::with_capacity(map.len());
                for (k, child) in map.iter_mut() {
                    fates.push(self.child(child, k, decision)?);
                }
                if !fates.is_empty() && fates.iter().all(|f| *f == Fate::Uncovered) {
                    return Ok(Fate::Uncovered);
                }
                self.retain(map, &fates);
                Ok(if map.is_empty() {
                    Fate::Removed
                } else {
                    Fate::Kept
                })
            }
            Value::Array(items) => {
                let mut fates = Vec::with_capacity(items.len());
                let pointer_len = self.pointer.len();
                for (i, item) in items.iter_mut().enumerate() {
                    self.pointer.push('/');
                    push_index(&mut self.pointer, i);
                    let d = min(decision, self.decided.get(&self.pointer).copied());
                    let fate = self.node(item, key, d);
                    self.pointer.truncate(pointer_len);
                    fates.push(fate?);
                }
                if !fates.is_empty() && fates.iter().all(|f| *f == Fate::Uncovered) {
                    return Ok(Fate::Uncovered);
                }
                Ok(self.retain_items(items, fates, None))
            }
            Value::Null => Ok(Fate::Removed),
            leaf => {
                let Some(rule) = decision else {
                    return Ok(Fate::Uncovered);
                };
                if let Some(n) = self.tally.applied.get_mut(rule) {
                    *n += 1;
                }
                self.leaf(leaf, key, rule)
            }
        }
    }

    fn leaf(&mut self, value: &mut Value, key: &str, rule: usize) -> Result<Fate, Unreadable> {
        let Some(op) = self.rules.rules.get(rule).and_then(|r| r.op.as_ref()) else {
            return Ok(Fate::Removed);
        };
        if matches!(op, Op::Keep) {
            return Ok(Fate::Kept);
        }
        let text = match &mut *value {
            Value::String(s) => std::mem::take(s),
            other => other.to_string(),
        };
        self.cell.clear();
        let result = match op {
            Op::Pseudonymize(p) if self.pointer == "/id" || key == "reference" => {
                self.cell.push_str(&links::rewrite(&text, p));
                Ok(())
            }
            Op::DateShift(shifter) => match self.shift_key.and_then(|k| shifter.offset(k)) {
                Some(days) => date::shift(&text, days, &mut self.cell),
                None => Err(Invalid(
                    "no patient to shift this resource's dates by".into(),
                )),
            },
            Op::GeneralizeDate(level) => date::generalize(&text, *level, &mut self.cell),
            op => {
                let mut context = RowContext {
                    patient_id: self.shift_key,
                    tokens: self.tokens,
                    identity: self.identity,
                    scrubbed: Counts::default(),
                };
                let result = op.apply(&text, &mut context, &mut self.cell);
                if let Some(counts) = self.tally.scrubbed.get_mut(rule) {
                    counts.merge(&context.scrubbed);
                }
                result
            }
        };
        match result {
            Ok(()) if self.cell.is_empty() => Ok(Fate::Removed),
            Ok(()) => {
                *value = Value::String(std::mem::take(&mut self.cell));
                Ok(Fate::Kept)
            }
            Err(_) if self.on_invalid == OnInvalid::Blank => {
                self.tally.blanked += 1;
                Ok(Fate::Removed)
            }
            Err(Invalid(reason)) => Err(Unreadable {
                path: self.path.clone(),
                reason,
            }),
        }
    }
}

fn min(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Appends `index` in decimal without a temporary string.
fn push_index(out: &mut String, index: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = index;
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    for digit in digits.get(at..).unwrap_or_default() {
        out.push(char::from(*digit));
    }
}
