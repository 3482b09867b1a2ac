//! MS's `substitute` method: a node replaced by the configured value, keeping (as MS does) the
//! children earlier rules processed.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::pointers::{all_pointers, children, escape};
use super::{Done, Place};

pub(super) fn substitute_match(
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
