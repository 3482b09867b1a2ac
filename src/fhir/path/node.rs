//! One node of a FHIRPath collection: a JSON value, its JSON Pointer and its FHIR type context,
//! with the navigation to its children (arrays flattened, primitives paired with their `_name`
//! siblings).

use serde_json::Value;

use crate::fhir::types;

/// One FHIRPath node: a JSON value at a pointer, with its FHIR type context if known.
#[derive(Clone)]
pub(super) struct Node<'a> {
    pub(super) pointer: String,
    pub(super) value: &'a Value,
    pub(super) context: Option<&'static str>,
    /// For a primitive: its `_name` sibling (extensions and id of the primitive).
    pub(super) primitive_element: Option<(String, &'a Value)>,
}

impl<'a> Node<'a> {
    pub(super) fn root(resource: &'a Value) -> Node<'a> {
        let context = resource
            .get("resourceType")
            .and_then(Value::as_str)
            .and_then(types::resource_context);
        Node {
            pointer: String::new(),
            value: resource,
            context,
            primitive_element: None,
        }
    }

    /// The node's FHIR type as callers name it (`HumanName`, `dateTime`, `Patient`).
    pub(super) fn type_name(&self) -> Option<&'static str> {
        let context = self.context?;
        if context == "Resource" {
            return None;
        }
        Some(types::public_name(context))
    }

    pub(super) fn is_sub_resource(&self) -> bool {
        !self.pointer.is_empty() && self.value.get("resourceType").is_some_and(Value::is_string)
    }

    /// The child nodes under JSON key `key` (an array gives one node per non-null element).
    pub(super) fn expand(&self, key: &str, out: &mut Vec<Node<'a>>) {
        let Some(object) = self.value.as_object() else {
            return;
        };
        let Some(value) = object.get(key) else {
            return;
        };
        let context = self.context.and_then(|c| types::child_context(c, key));
        let sibling = if key.starts_with('_') {
            None
        } else {
            sibling_of(object, key)
        };
        let mut base = String::with_capacity(self.pointer.len() + key.len() + 4);
        base.push_str(&self.pointer);
        base.push('/');
        push_escaped(&mut base, key);
        let sibling_base = |out: &mut String| {
            out.push_str("/_");
            push_escaped(out, key);
        };
        let make = |pointer: String, value: &'a Value, element: Option<(String, &'a Value)>| {
            let context = match value.get("resourceType").and_then(Value::as_str) {
                Some(resource_type) => types::resource_context(resource_type),
                None => context,
            };
            Node {
                pointer,
                value,
                context,
                primitive_element: element.filter(|(_, v)| !v.is_null()),
            }
        };
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if item.is_null() {
                        continue;
                    }
                    let element = sibling.and_then(|s| s.get(index)).map(|v| {
                        let mut relative = String::new();
                        sibling_base(&mut relative);
                        relative.push('/');
                        relative.push_str(&index.to_string());
                        (relative, v)
                    });
                    let mut pointer = String::with_capacity(base.len() + 4);
                    pointer.push_str(&base);
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    out.push(make(pointer, item, element));
                }
            }
            single => {
                let element = sibling.map(|v| {
                    let mut relative = String::new();
                    sibling_base(&mut relative);
                    (relative, v)
                });
                out.push(make(base, single, element));
            }
        }
    }

    /// Children in document order (`resourceType` is not an element).
    pub(super) fn children(&self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        self.children_into(&mut out);
        out
    }

    pub(super) fn children_into(&self, out: &mut Vec<Node<'a>>) {
        if let Some(object) = self.value.as_object() {
            for key in object.keys() {
                if key != "resourceType" {
                    self.expand(key, out);
                }
            }
        }
    }
}

/// The `_key` member of `object` (a primitive's id and extensions), looked up without
/// allocating for the usual short keys.
fn sibling_of<'a>(object: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    let mut buffer = [0u8; 64];
    let wanted = match buffer.get_mut(..key.len() + 1) {
        Some(slot) => {
            let (underscore, rest) = slot.split_at_mut(1);
            underscore.fill(b'_');
            rest.copy_from_slice(key.as_bytes());
            std::str::from_utf8(slot).ok()
        }
        None => None,
    };
    match wanted {
        Some(wanted) => object.get(wanted),
        None => object.get(&format!("_{key}")),
    }
}

/// Appends `key` escaped per RFC 6901 (`~` → `~0`, `/` → `~1`).
fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The sibling pointer of a primitive is relative to the parent object: make it absolute.
pub(super) fn sibling_pointer(node: &Node<'_>, relative: &str) -> String {
    let parent = node.pointer.rfind('/').and_then(|i| node.pointer.get(..i));
    // For array elements the parent of `/name/0/given/1` is `/name/0/given`; go one more up.
    let parent = match (parent, relative.matches('/').count()) {
        (Some(p), 2) => p.rfind('/').and_then(|i| p.get(..i)).unwrap_or(""),
        (Some(p), _) => p,
        (None, _) => "",
    };
    format!("{parent}{relative}")
}
