//! JSON Pointer navigation of one MS-mode document: pointer escaping, the sub-resources of a
//! resource, the typed place of a node, a primitive's `_name` sibling and a node's children.

use serde_json::Value;

use super::Place;
use crate::fhir::types;

pub(super) fn is_resource(value: &Value) -> bool {
    value.get("resourceType").is_some_and(Value::is_string)
}

pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

pub(super) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The pointers of the resources directly inside `value` (not inside those).
pub(super) fn sub_resources(value: &Value, pointer: &str, is_root: bool, out: &mut Vec<String>) {
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
pub(super) fn place_of(doc: &Value, resource_pointer: &str, relative: &str) -> Option<Place> {
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
pub(super) fn primitive_sibling(doc: &Value, pointer: &str) -> Option<String> {
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

pub(super) fn children<'a>(node: &'a Value, pointer: &str) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "resourceType" {
                    continue;
                }
                let base = format!("{pointer}/{}", escape(key));
                match child {
                    Value::Array(items) => push_items(&mut out, &base, items),
                    single => out.push((base, single)),
                }
            }
        }
        Value::Array(items) => push_items(&mut out, pointer, items),
        _ => {}
    }
    out
}

/// Each item of the array at `pointer` with its pointer.
fn push_items<'a>(out: &mut Vec<(String, &'a Value)>, pointer: &str, items: &'a [Value]) {
    out.extend(
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{pointer}/{i}"), item)),
    );
}

pub(super) fn all_pointers(node: &Value, pointer: &str, out: &mut Vec<String>) {
    out.push(pointer.to_owned());
    for (child_pointer, child) in children(node, pointer) {
        all_pointers(child, &child_pointer, out);
    }
}
