//! What each resource gets after its rules ran: MS's `meta.security` labels for the methods
//! applied, and MS's `RemoveEmptyNodes`.

use serde_json::{Map, Value};

use super::Done;

const V3: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

pub(super) fn add_security_labels(resource: &mut Value, done: Done) {
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
pub(super) fn remove_empty(value: &mut Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => {
            null_emptied(items);
            items.retain(|v| !v.is_null());
            items.is_empty()
        }
        Value::Object(map) => {
            for (_, child) in map.iter_mut() {
                match child {
                    Value::Array(items) => null_emptied(items),
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

/// Empties each item in place and leaves a `null` where an item became empty (the caller
/// decides whether the `null`s go).
fn null_emptied(items: &mut [Value]) {
    for item in items.iter_mut() {
        if remove_empty(item) {
            *item = Value::Null;
        }
    }
}
