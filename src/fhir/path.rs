//! The FHIRPath subset that addresses FHIR elements in policies and MS-compatible configs.
//!
//! Full FHIRPath is a language with arithmetic, dates and dozens of functions; de-identification
//! rules only need to *select* elements of one resource. The subset (every form listed is
//! supported, anything else is a parse error naming its column):
//!
//! ```text
//! expr   := start ('.' step)*
//! start  := ResourceType                     Patient, Coverage, … (only that resource type)
//!         | 'Resource' | 'DomainResource'    the resource, whatever its type
//!         | 'nodesByType(' quoted ')'        the resource and its descendants of that FHIR type
//!         | Datatype                         HumanName, Reference, … = nodesByType('Datatype')
//! step   := name                             child element; arrays are walked implicitly and a
//!                                            choice element matches its typed key (value →
//!                                            valueQuantity, valueString, …)
//!         | 'where(' cond ')'                keeps the nodes for which cond holds
//!         | 'extension(' quoted ')'          the node's extensions with that url (for a
//!                                            primitive, those of its `_name` sibling)
//!         | 'ofType(' Type ')'               keeps the nodes of that type
//!         | 'nodesByType(' quoted ')'        each node and its descendants of that type
//!         | 'first()'                        the first node of the collection
//! cond   := cond 'or' cond | cond 'and' cond | '(' cond ')' | cond '.not()' | 'not(' cond ')'
//!         | 'true' | 'false'
//!         | rel ('=' | '!=') literal         true when a selected value equals the literal
//!         | rel '.exists()' | rel '.empty()'
//!         | rel '.startsWith(' quoted ')' | rel '.endsWith(' quoted ')' | rel '.contains(' quoted ')'
//!         | rel                              true when a selected value is the boolean true
//! rel    := '$this' ('.' step)* | step ('.' step)*     evaluated from the node being tested
//! literal:= quoted | number | 'true' | 'false'
//! quoted := '…' or "…" with \' \" \\ \/ \n \r \t \uXXXX escapes
//! ```
//!
//! Like Microsoft's anonymizer, `nodesByType` never descends into sub-resources (`contained`,
//! `Bundle.entry.resource`): each resource is processed on its own. Element types come from the
//! table in [`super::types`]; an element that table does not know has no type and is never
//! matched by `nodesByType`/`ofType` (its `extension`s still are).
//!
//! Results are JSON Pointers (RFC 6901) in document order, so callers can edit the selected
//! nodes of a `serde_json::Value` without holding borrows into it.

use super::types;
use serde_json::Value;

/// A parsed expression of the subset (see the module documentation for the grammar).
///
/// # Example
/// ```
/// use deid_kit::fhir::path::Path;
/// let patient = serde_json::json!({
///     "resourceType": "Patient",
///     "identifier": [{"system": "urn:a", "value": "1"}, {"system": "urn:b", "value": "2"}],
///     "name": [{"given": ["太郎", "次郎"]}]
/// });
/// let path = Path::parse("Patient.identifier.where(system='urn:b').value")?;
/// assert_eq!(path.select(&patient), vec!["/identifier/1/value"]);
/// let given = Path::parse("Patient.name.given")?;
/// assert_eq!(given.select(&patient), vec!["/name/0/given/0", "/name/0/given/1"]);
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    expression: String,
    start: Start,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
enum Start {
    AnyResource,
    ResourceType(String),
    NodesByType(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Child(String),
    NodesByType(String),
    Where(Cond),
    Extension(String),
    OfType(String),
    First,
}

#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Constant(bool),
    Equals {
        path: Vec<Step>,
        literal: Literal,
        negated: bool,
    },
    Exists {
        path: Vec<Step>,
        exists: bool,
    },
    Text {
        path: Vec<Step>,
        test: TextTest,
        argument: String,
    },
    IsTrue(Vec<Step>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TextTest {
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Text(String),
    Number(f64),
    Boolean(bool),
}

impl Path {
    /// Parses `expression`.
    ///
    /// # Errors
    /// A message naming the 1-based column of the first token the subset does not accept.
    ///
    /// # Example
    /// ```
    /// use deid_kit::fhir::path::Path;
    /// let err = Path::parse("Patient.name.where(use=)").unwrap_err();
    /// assert!(err.contains("column 24"), "{err}");
    /// ```
    pub fn parse(expression: &str) -> Result<Path, String> {
        let tokens = lex(expression).map_err(|e| format!("FHIRPath `{expression}`: {e}"))?;
        let mut parser = Parser { tokens, at: 0 };
        let (start, steps) = parser
            .path()
            .map_err(|e| format!("FHIRPath `{expression}`: {e}"))?;
        Ok(Path {
            expression: expression.to_owned(),
            start,
            steps,
        })
    }

    /// The expression as written.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The resource type the path is rooted at, or `None` for `Resource` / `nodesByType(...)`.
    ///
    /// # Example
    /// ```
    /// use deid_kit::fhir::path::Path;
    /// assert_eq!(Path::parse("Patient.name")?.resource_type(), Some("Patient"));
    /// assert_eq!(Path::parse("nodesByType('HumanName')")?.resource_type(), None);
    /// # Ok::<(), String>(())
    /// ```
    pub fn resource_type(&self) -> Option<&str> {
        match &self.start {
            Start::ResourceType(name) => Some(name),
            Start::AnyResource | Start::NodesByType(_) => None,
        }
    }

    /// JSON Pointers (RFC 6901) of every node of `resource` the path selects, in document order,
    /// without duplicates. Arrays are walked implicitly (FHIRPath collections).
    pub fn select(&self, resource: &Value) -> Vec<String> {
        Selection::new(resource).select(self)
    }
}

/// Many paths evaluated on one resource: the typed walk of the whole resource that every
/// `nodesByType(…)`/datatype-rooted path starts from is done once and shared, instead of once
/// per path (a preset has about twenty such rules).
///
/// # Example
/// ```
/// use deid_kit::fhir::path::{Path, Selection};
/// let patient = serde_json::json!({"resourceType": "Patient", "birthDate": "1970-01-02",
///                                  "name": [{"period": {"start": "2000-01-01"}}]});
/// let mut selection = Selection::new(&patient);
/// assert_eq!(selection.select(&Path::parse("nodesByType('date')")?), vec!["/birthDate"]);
/// assert_eq!(selection.select(&Path::parse("nodesByType('dateTime')")?), vec!["/name/0/period/start"]);
/// # Ok::<(), String>(())
/// ```
pub struct Selection<'a> {
    resource: &'a Value,
    /// The resource and its descendants (not crossing into sub-resources) in document order,
    /// with their public type names; built by the first `nodesByType` start.
    descendants: Option<Vec<(Option<&'static str>, Node<'a>)>>,
}

impl<'a> Selection<'a> {
    /// Paths to be evaluated on `resource`.
    pub fn new(resource: &'a Value) -> Selection<'a> {
        Selection {
            resource,
            descendants: None,
        }
    }

    /// The same as [`Path::select`] on this selection's resource.
    pub fn select(&mut self, path: &Path) -> Vec<String> {
        let resource = self.resource;
        let mut nodes = match &path.start {
            Start::AnyResource => vec![Node::root(resource)],
            Start::ResourceType(name) => {
                if resource.get("resourceType").and_then(Value::as_str) == Some(name.as_str()) {
                    vec![Node::root(resource)]
                } else {
                    Vec::new()
                }
            }
            Start::NodesByType(name) => {
                let descendants = self
                    .descendants
                    .get_or_insert_with(|| typed_descendants(Node::root(resource)));
                let root_type = resource.get("resourceType").and_then(Value::as_str);
                descendants
                    .iter()
                    .filter(|(type_name, node)| {
                        *type_name == Some(name.as_str())
                            || (node.pointer.is_empty() && root_type == Some(name.as_str()))
                    })
                    .map(|(_, node)| node.clone())
                    .collect()
            }
        };
        for step in &path.steps {
            nodes = apply(step, nodes);
        }
        nodes.into_iter().map(|node| node.pointer).collect()
    }
}

/// `root` and its descendants, not crossing into sub-resources, in document order (the order
/// [`nodes_by_type`] visits them), each with its type name.
fn typed_descendants(root: Node<'_>) -> Vec<(Option<&'static str>, Node<'_>)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut children = Vec::new();
    while let Some(current) = stack.pop() {
        children.clear();
        current.children_into(&mut children);
        stack.extend(children.drain(..).rev().filter(|c| !c.is_sub_resource()));
        out.push((current.type_name(), current));
    }
    out
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.expression)
    }
}

/// One FHIRPath node: a JSON value at a pointer, with its FHIR type context if known.
#[derive(Clone)]
struct Node<'a> {
    pointer: String,
    value: &'a Value,
    context: Option<&'static str>,
    /// For a primitive: its `_name` sibling (extensions and id of the primitive).
    primitive_element: Option<(String, &'a Value)>,
}

impl<'a> Node<'a> {
    fn root(resource: &'a Value) -> Node<'a> {
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
    fn type_name(&self) -> Option<&'static str> {
        let context = self.context?;
        if context == "Resource" {
            return None;
        }
        Some(types::public_name(context))
    }

    fn is_sub_resource(&self) -> bool {
        !self.pointer.is_empty() && self.value.get("resourceType").is_some_and(Value::is_string)
    }

    /// The child nodes under JSON key `key` (an array gives one node per non-null element).
    fn expand(&self, key: &str, out: &mut Vec<Node<'a>>) {
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
    fn children(&self) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        self.children_into(&mut out);
        out
    }

    fn children_into(&self, out: &mut Vec<Node<'a>>) {
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
fn sibling_pointer(node: &Node<'_>, relative: &str) -> String {
    let parent = node.pointer.rfind('/').and_then(|i| node.pointer.get(..i));
    // For array elements the parent of `/name/0/given/1` is `/name/0/given`; go one more up.
    let parent = match (parent, relative.matches('/').count()) {
        (Some(p), 2) => p.rfind('/').and_then(|i| p.get(..i)).unwrap_or(""),
        (Some(p), _) => p,
        (None, _) => "",
    };
    format!("{parent}{relative}")
}

fn apply<'a>(step: &Step, nodes: Vec<Node<'a>>) -> Vec<Node<'a>> {
    match step {
        Step::Child(name) => {
            let mut out = Vec::new();
            for node in &nodes {
                child(node, name, &mut out);
            }
            out
        }
        Step::NodesByType(name) => nodes_by_type(nodes, name),
        Step::Where(cond) => nodes.into_iter().filter(|n| holds(cond, n)).collect(),
        Step::Extension(url) => {
            let mut out = Vec::new();
            for node in &nodes {
                let mut extensions = Vec::new();
                match &node.primitive_element {
                    Some((relative, element)) if !node.value.is_object() => {
                        let holder = Node {
                            pointer: sibling_pointer(node, relative),
                            value: element,
                            context: Some("Element"),
                            primitive_element: None,
                        };
                        holder.expand("extension", &mut extensions);
                    }
                    _ => node.expand("extension", &mut extensions),
                }
                out.extend(
                    extensions.into_iter().filter(|e| {
                        e.value.get("url").and_then(Value::as_str) == Some(url.as_str())
                    }),
                );
            }
            out
        }
        Step::OfType(name) => nodes
            .into_iter()
            .filter(|n| {
                n.type_name() == Some(name.as_str())
                    || n.value.get("resourceType").and_then(Value::as_str) == Some(name.as_str())
            })
            .collect(),
        Step::First => nodes.into_iter().take(1).collect(),
    }
}

/// `node.name`: the key itself, or for a choice element its typed keys (`valueQuantity`).
fn child<'a>(node: &Node<'a>, name: &str, out: &mut Vec<Node<'a>>) {
    let Some(object) = node.value.as_object() else {
        return;
    };
    if object.contains_key(name) {
        node.expand(name, out);
        return;
    }
    let choice_allowed = match node.context {
        Some(context) => types::is_choice_element(context, name),
        None => true,
    };
    if !choice_allowed {
        return;
    }
    for key in object.keys() {
        if types::split_choice(key).is_some_and(|(stem, _)| stem == name) {
            node.expand(key, out);
        }
    }
}

/// Each node and its descendants (not crossing into sub-resources) whose type is `name`.
fn nodes_by_type<'a>(nodes: Vec<Node<'a>>, name: &str) -> Vec<Node<'a>> {
    let mut out: Vec<Node<'a>> = Vec::new();
    let mut stack: Vec<Node<'a>> = Vec::new();
    for node in nodes {
        stack.push(node);
        while let Some(current) = stack.pop() {
            let children = current.children();
            let matches = current.type_name() == Some(name)
                || (current.pointer.is_empty()
                    && current.value.get("resourceType").and_then(Value::as_str) == Some(name));
            if matches && !out.iter().any(|n| n.pointer == current.pointer) {
                out.push(current);
            }
            stack.extend(children.into_iter().rev().filter(|c| !c.is_sub_resource()));
        }
    }
    out
}

fn holds(cond: &Cond, node: &Node<'_>) -> bool {
    match cond {
        Cond::Constant(value) => *value,
        Cond::And(a, b) => holds(a, node) && holds(b, node),
        Cond::Or(a, b) => holds(a, node) || holds(b, node),
        Cond::Not(inner) => !holds(inner, node),
        Cond::Exists { path, exists } => relative(node, path).is_empty() != *exists,
        Cond::IsTrue(path) => relative(node, path)
            .iter()
            .any(|n| n.value == &Value::Bool(true)),
        Cond::Equals {
            path,
            literal,
            negated,
        } => {
            let selected = relative(node, path);
            if selected.is_empty() {
                return false;
            }
            let equal = selected.iter().any(|n| literal_equals(literal, n.value));
            equal != *negated
        }
        Cond::Text {
            path,
            test,
            argument,
        } => relative(node, path).iter().any(|n| {
            n.value.as_str().is_some_and(|s| match test {
                TextTest::StartsWith => s.starts_with(argument.as_str()),
                TextTest::EndsWith => s.ends_with(argument.as_str()),
                TextTest::Contains => s.contains(argument.as_str()),
            })
        }),
    }
}

fn relative<'a>(node: &Node<'a>, steps: &[Step]) -> Vec<Node<'a>> {
    let mut nodes = vec![node.clone()];
    for step in steps {
        nodes = apply(step, nodes);
    }
    nodes
}

fn literal_equals(literal: &Literal, value: &Value) -> bool {
    match (literal, value) {
        (Literal::Text(text), Value::String(s)) => text == s,
        (Literal::Number(number), Value::Number(n)) => n.as_f64() == Some(*number),
        (Literal::Boolean(b), Value::Bool(v)) => b == v,
        _ => false,
    }
}

// ---- lexer ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Number(f64),
    This,
    Dot,
    Open,
    Close,
    Equals,
    NotEquals,
    End,
}

struct Token {
    tok: Tok,
    /// 1-based column (in characters).
    column: usize,
}

fn lex(expression: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = expression.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '.' => {
                i += 1;
                Tok::Dot
            }
            '(' => {
                i += 1;
                Tok::Open
            }
            ')' => {
                i += 1;
                Tok::Close
            }
            '=' => {
                i += 1;
                Tok::Equals
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 2;
                Tok::NotEquals
            }
            '\'' | '"' => {
                let (text, next) = quoted(&chars, i)?;
                i = next;
                Tok::Quoted(text)
            }
            '`' => {
                let end = (i + 1..chars.len())
                    .find(|&j| chars.get(j) == Some(&'`'))
                    .ok_or_else(|| format!("unterminated `identifier` at column {column}"))?;
                let name: String = chars.get(i + 1..end).unwrap_or_default().iter().collect();
                i = end + 1;
                Tok::Ident(name)
            }
            '$' => {
                let word: String = chars
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if word != "this" {
                    return Err(format!("unsupported variable `${word}` at column {column}"));
                }
                i += 5;
                Tok::This
            }
            c if c.is_ascii_digit() => {
                let text: String = chars
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || **c == '.')
                    .collect();
                i += text.chars().count();
                let number = text
                    .parse::<f64>()
                    .map_err(|_| format!("bad number `{text}` at column {column}"))?;
                Tok::Number(number)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let name: String = chars
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .collect();
                i += name.chars().count();
                Tok::Ident(name)
            }
            other => return Err(format!("unexpected character `{other}` at column {column}")),
        };
        tokens.push(Token { tok, column });
    }
    tokens.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(tokens)
}

/// A quoted string starting at `start`; returns its text and the index after the closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let quote = chars.get(start).copied().unwrap_or('\'');
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(format!(
                    "unterminated string starting at column {}",
                    start + 1
                ))
            }
            Some(&c) if c == quote => return Ok((text, i + 1)),
            Some('\\') => {
                let escaped = chars.get(i + 1).copied();
                match escaped {
                    Some('n') => text.push('\n'),
                    Some('r') => text.push('\r'),
                    Some('t') => text.push('\t'),
                    Some('f') => text.push('\u{c}'),
                    Some(c @ ('\'' | '"' | '\\' | '/' | '`')) => text.push(c),
                    Some('u') => {
                        let hex: String =
                            chars.get(i + 2..i + 6).unwrap_or_default().iter().collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 4)
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad \\u escape at column {}", i + 1))?;
                        text.push(c);
                        i += 4;
                    }
                    _ => return Err(format!("bad escape at column {}", i + 1)),
                }
                i += 2;
            }
            Some(&c) => {
                text.push(c);
                i += 1;
            }
        }
    }
}

// ---- parser ----

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

const CONDITION_FUNCTIONS: &[&str] = &[
    "exists",
    "empty",
    "not",
    "startsWith",
    "endsWith",
    "contains",
];

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).map_or(&Tok::End, |t| &t.tok)
    }

    fn peek_at(&self, offset: usize) -> &Tok {
        self.tokens
            .get(self.at + offset)
            .map_or(&Tok::End, |t| &t.tok)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.at).map_or(0, |t| t.column)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        self.at += 1;
        tok
    }

    fn unexpected(&self, wanted: &str) -> String {
        let found = match self.peek() {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Quoted(_) => "a string".to_owned(),
            Tok::Number(_) => "a number".to_owned(),
            Tok::This => "`$this`".to_owned(),
            Tok::Dot => "`.`".to_owned(),
            Tok::Open => "`(`".to_owned(),
            Tok::Close => "`)`".to_owned(),
            Tok::Equals => "`=`".to_owned(),
            Tok::NotEquals => "`!=`".to_owned(),
            Tok::End => "the end".to_owned(),
        };
        format!(
            "expected {wanted}, found {found} at column {}",
            self.column()
        )
    }

    fn expect(&mut self, tok: &Tok, wanted: &str) -> Result<(), String> {
        if self.peek() == tok {
            self.at += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    fn path(&mut self) -> Result<(Start, Vec<Step>), String> {
        let start = match self.peek().clone() {
            Tok::Ident(name) => {
                self.at += 1;
                if name == "nodesByType" {
                    Start::NodesByType(self.type_argument()?)
                } else if name == "Resource" || name == "DomainResource" {
                    Start::AnyResource
                } else if types::is_datatype(&name) {
                    Start::NodesByType(name)
                } else if types::is_resource_type(&name) {
                    Start::ResourceType(name)
                } else {
                    self.at -= 1;
                    return Err(self.unexpected(
                        "a resource type, `Resource`, a datatype or `nodesByType('…')`",
                    ));
                }
            }
            _ => {
                return Err(self
                    .unexpected("a resource type, `Resource`, a datatype or `nodesByType('…')`"))
            }
        };
        let steps = self.steps()?;
        if *self.peek() != Tok::End {
            return Err(self.unexpected("`.` or the end"));
        }
        Ok((start, steps))
    }

    /// `.step` repeated; stops before `.exists()` and the other condition functions.
    fn steps(&mut self) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        while *self.peek() == Tok::Dot {
            if let Tok::Ident(name) = self.peek_at(1) {
                if CONDITION_FUNCTIONS.contains(&name.as_str()) && *self.peek_at(2) == Tok::Open {
                    break;
                }
            }
            self.at += 1;
            steps.push(self.step()?);
        }
        Ok(steps)
    }

    fn step(&mut self) -> Result<Step, String> {
        let column = self.column();
        let Tok::Ident(name) = self.peek().clone() else {
            return Err(self.unexpected("an element name or a function"));
        };
        self.at += 1;
        if *self.peek() != Tok::Open {
            return Ok(Step::Child(name));
        }
        match name.as_str() {
            "where" => {
                self.at += 1;
                let cond = self.or()?;
                self.expect(&Tok::Close, "`)`")?;
                Ok(Step::Where(cond))
            }
            "extension" => Ok(Step::Extension(self.quoted_argument()?)),
            "nodesByType" => Ok(Step::NodesByType(self.type_argument()?)),
            "ofType" => {
                self.at += 1;
                let type_name = match self.next() {
                    Tok::Ident(t) | Tok::Quoted(t) => t,
                    _ => {
                        self.at -= 1;
                        return Err(self.unexpected("a type name"));
                    }
                };
                self.expect(&Tok::Close, "`)`")?;
                Ok(Step::OfType(type_name))
            }
            "first" => {
                self.at += 1;
                self.expect(&Tok::Close, "`)`")?;
                Ok(Step::First)
            }
            other => Err(format!(
                "function `{other}` at column {column} is not in the subset \
                 (where, extension, ofType, nodesByType, first)"
            )),
        }
    }

    /// `('…')` after a function name.
    fn quoted_argument(&mut self) -> Result<String, String> {
        self.expect(&Tok::Open, "`(`")?;
        let Tok::Quoted(text) = self.peek().clone() else {
            return Err(self.unexpected("a quoted string"));
        };
        self.at += 1;
        self.expect(&Tok::Close, "`)`")?;
        Ok(text)
    }

    fn type_argument(&mut self) -> Result<String, String> {
        let column = self.column();
        let name = self.quoted_argument()?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("bad type name at column {}", column + 1));
        }
        Ok(name)
    }

    fn or(&mut self) -> Result<Cond, String> {
        let mut left = self.and()?;
        while matches!(self.peek(), Tok::Ident(w) if w == "or") {
            self.at += 1;
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, String> {
        let mut left = self.postfix()?;
        while matches!(self.peek(), Tok::Ident(w) if w == "and") {
            self.at += 1;
            left = Cond::And(Box::new(left), Box::new(self.postfix()?));
        }
        Ok(left)
    }

    fn postfix(&mut self) -> Result<Cond, String> {
        let mut cond = self.primary()?;
        while *self.peek() == Tok::Dot && matches!(self.peek_at(1), Tok::Ident(w) if w == "not") {
            self.at += 2;
            self.expect(&Tok::Open, "`(`")?;
            self.expect(&Tok::Close, "`)`")?;
            cond = Cond::Not(Box::new(cond));
        }
        Ok(cond)
    }

    fn primary(&mut self) -> Result<Cond, String> {
        match self.peek().clone() {
            Tok::Open => {
                self.at += 1;
                let cond = self.or()?;
                self.expect(&Tok::Close, "`)`")?;
                return Ok(cond);
            }
            Tok::Ident(word) if word == "true" || word == "false" => {
                self.at += 1;
                return Ok(Cond::Constant(word == "true"));
            }
            Tok::Ident(word) if word == "not" && *self.peek_at(1) == Tok::Open => {
                self.at += 2;
                let cond = self.or()?;
                self.expect(&Tok::Close, "`)`")?;
                return Ok(Cond::Not(Box::new(cond)));
            }
            _ => {}
        }
        let path = match self.peek() {
            Tok::This => {
                self.at += 1;
                self.steps()?
            }
            Tok::Ident(_) => {
                let mut path = vec![self.step()?];
                path.extend(self.steps()?);
                path
            }
            _ => return Err(self.unexpected("a condition")),
        };
        match self.peek().clone() {
            Tok::Equals | Tok::NotEquals => {
                let negated = *self.peek() == Tok::NotEquals;
                self.at += 1;
                let literal = match self.next() {
                    Tok::Quoted(text) => Literal::Text(text),
                    Tok::Number(number) => Literal::Number(number),
                    Tok::Ident(w) if w == "true" || w == "false" => Literal::Boolean(w == "true"),
                    _ => {
                        self.at -= 1;
                        return Err(self.unexpected("a literal ('text', number, true or false)"));
                    }
                };
                Ok(Cond::Equals {
                    path,
                    literal,
                    negated,
                })
            }
            Tok::Dot => {
                let Tok::Ident(function) = self.peek_at(1).clone() else {
                    return Err(self.unexpected("a condition function"));
                };
                match function.as_str() {
                    "exists" | "empty" => {
                        self.at += 2;
                        self.expect(&Tok::Open, "`(`")?;
                        self.expect(&Tok::Close, "`)`")?;
                        Ok(Cond::Exists {
                            path,
                            exists: function == "exists",
                        })
                    }
                    "startsWith" | "endsWith" | "contains" => {
                        self.at += 2;
                        let argument = self.quoted_argument()?;
                        let test = match function.as_str() {
                            "startsWith" => TextTest::StartsWith,
                            "endsWith" => TextTest::EndsWith,
                            _ => TextTest::Contains,
                        };
                        Ok(Cond::Text {
                            path,
                            test,
                            argument,
                        })
                    }
                    // `.not()` is handled by `postfix`.
                    _ => Ok(Cond::IsTrue(path)),
                }
            }
            _ => Ok(Cond::IsTrue(path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JP_PATIENT_SYSTEM: &str = "urn:oid:1.2.392.100495.20.3.51.11310000001";
    const EN_REPRESENTATION: &str =
        "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

    fn patient() -> Value {
        json!({
            "resourceType": "Patient",
            "id": "p1",
            "text": {"status": "generated", "div": "<div>山田</div>"},
            "extension": [{"url": "http://example.org/race", "valueString": "x"}],
            "identifier": [
                {"system": JP_PATIENT_SYSTEM, "value": "00012345"},
                {"system": "urn:other", "value": "999"}
            ],
            "name": [
                {"extension": [{"url": EN_REPRESENTATION, "valueCode": "IDE"}],
                 "use": "official", "text": "山田 太郎", "family": "山田", "given": ["太郎"]},
                {"extension": [{"url": EN_REPRESENTATION, "valueCode": "SYL"}],
                 "use": "official", "text": "ヤマダ タロウ", "family": "ヤマダ", "given": ["タロウ"]}
            ],
            "telecom": [{"system": "phone", "value": "03-1234-5678", "use": "home"}],
            "gender": "male",
            "birthDate": "1970-01-02",
            "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                                          "valueDateTime": "1970-01-02T03:04:05+09:00"}]},
            "address": [{"text": "東京都新宿区西新宿2-8-1", "line": ["西新宿2-8-1", "101号"],
                         "city": "新宿区", "state": "東京都", "postalCode": "160-0023"}],
            "contact": [{"name": {"text": "山田 花子"}, "telecom": [{"value": "090-0000-0000"}]}],
            "managingOrganization": {"reference": "Organization/o1"}
        })
    }

    fn select(expression: &str, resource: &Value) -> Vec<String> {
        match Path::parse(expression) {
            Ok(path) => path.select(resource),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn selects_patient_elements() {
        let p = patient();
        let cases: &[(&str, &[&str])] = &[
            ("Patient.name", &["/name/0", "/name/1"]),
            ("Patient.name.given", &["/name/0/given/0", "/name/1/given/0"]),
            ("Patient.telecom", &["/telecom/0"]),
            ("Patient.address.line", &["/address/0/line/0", "/address/0/line/1"]),
            ("Patient.birthDate", &["/birthDate"]),
            ("Resource.id", &["/id"]),
            ("Patient", &[""]),
            ("Resource", &[""]),
            ("Coverage.id", &[]),
            (
                &format!("Patient.identifier.where(system='{JP_PATIENT_SYSTEM}')"),
                &["/identifier/0"],
            ),
            ("Patient.identifier.where(system!='urn:other').value", &["/identifier/0/value"]),
            (
                &format!("Patient.name.where(extension('{EN_REPRESENTATION}').value = 'SYL')"),
                &["/name/1"],
            ),
            (
                &format!("Patient.name.where(extension('{EN_REPRESENTATION}').valueCode='IDE').family"),
                &["/name/0/family"],
            ),
            ("Patient.name.where(use='official' and family.startsWith('ヤ'))", &["/name/1"]),
            ("Patient.name.where(family='山田' or family='ヤマダ').text", &["/name/0/text", "/name/1/text"]),
            ("Patient.name.where((use='usual').not())", &["/name/0", "/name/1"]),
            ("Patient.name.where(period.exists())", &[]),
            ("Patient.name.where(period.empty()).first()", &["/name/0"]),
            ("Patient.name.where($this.use = 'official' and true)", &["/name/0", "/name/1"]),
            ("Patient.extension('http://example.org/race').value", &["/extension/0/valueString"]),
            (
                "Patient.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime')",
                &["/_birthDate/extension/0"],
            ),
            ("Patient.contact.name", &["/contact/0/name"]),
            ("Patient.managingOrganization.reference", &["/managingOrganization/reference"]),
            ("Reference.reference", &["/managingOrganization/reference"]),
            ("nodesByType('Reference').reference", &["/managingOrganization/reference"]),
            (
                "nodesByType('HumanName')",
                &["/name/0", "/name/1", "/contact/0/name"],
            ),
            ("nodesByType('ContactPoint')", &["/telecom/0", "/contact/0/telecom/0"]),
            ("nodesByType('date')", &["/birthDate"]),
            ("nodesByType('dateTime')", &["/_birthDate/extension/0/valueDateTime"]),
            ("nodesByType('Narrative')", &["/text"]),
            ("nodesByType('Patient')", &[""]),
            ("Patient.nodesByType('Address').where(city='新宿区').postalCode", &["/address/0/postalCode"]),
            ("Patient.nodesByType('HumanName').use", &["/name/0/use", "/name/1/use"]),
            ("Patient.name.extension.value.ofType(code)", &["/name/0/extension/0/valueCode", "/name/1/extension/0/valueCode"]),
        ];
        for (expression, expected) in cases {
            assert_eq!(select(expression, &p), *expected, "{expression}");
        }
    }

    #[test]
    fn selects_in_coverage_condition_and_observation() {
        let coverage = json!({
            "resourceType": "Coverage",
            "extension": [
                {"url": "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol", "valueString": "記号"},
                {"url": "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber", "valueString": "12345"}
            ],
            "beneficiary": {"reference": "Patient/p1"},
            "period": {"start": "2024-04-01"}
        });
        assert_eq!(
            select(
                "Coverage.extension('http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber')",
                &coverage
            ),
            vec!["/extension/1"]
        );
        assert_eq!(
            select("nodesByType('dateTime')", &coverage),
            vec!["/period/start"]
        );
        assert_eq!(
            select("Coverage.beneficiary.reference", &coverage),
            vec!["/beneficiary/reference"]
        );

        let condition = json!({
            "resourceType": "Condition",
            "subject": {"reference": "Patient/p1"},
            "onsetDateTime": "2024-01-01",
            "note": [{"text": "山田さん、腹痛"}, {"text": "再診"}],
            "contained": [{"resourceType": "Practitioner", "id": "d", "name": [{"text": "医師"}]}]
        });
        assert_eq!(
            select("Condition.note.text", &condition),
            vec!["/note/0/text", "/note/1/text"]
        );
        assert_eq!(
            select("Condition.onset", &condition),
            vec!["/onsetDateTime"]
        );
        assert_eq!(
            select("nodesByType('dateTime')", &condition),
            vec!["/onsetDateTime"]
        );
        assert_eq!(
            select("nodesByType('Annotation')", &condition),
            vec!["/note/0", "/note/1"]
        );
        // nodesByType never enters a contained resource; an explicit path does.
        assert!(select("nodesByType('HumanName')", &condition).is_empty());
        assert_eq!(
            select("Condition.contained.name", &condition),
            vec!["/contained/0/name/0"]
        );
        assert_eq!(
            select("Condition.contained.ofType(Practitioner).id", &condition),
            vec!["/contained/0/id"]
        );

        let observation = json!({
            "resourceType": "Observation",
            "valueQuantity": {"value": 36.5, "unit": "℃"},
            "component": [{"valueString": "a"}, {"valueQuantity": {"value": 1}}]
        });
        assert_eq!(
            select("Observation.value", &observation),
            vec!["/valueQuantity"]
        );
        assert_eq!(
            select("Observation.value.ofType(Quantity).value", &observation),
            vec!["/valueQuantity/value"]
        );
        assert_eq!(
            select("Observation.value.where(value=36.5)", &observation),
            vec!["/valueQuantity"]
        );
        assert_eq!(
            select("Observation.component.value.ofType(string)", &observation),
            vec!["/component/0/valueString"]
        );
        assert_eq!(
            select("nodesByType('decimal')", &observation),
            vec!["/valueQuantity/value", "/component/1/valueQuantity/value"]
        );
        assert_eq!(
            select("nodesByType('Quantity')", &observation),
            vec!["/valueQuantity", "/component/1/valueQuantity"]
        );
        // `code` is not a choice element of Observation: `codeFoo` keys are not matched.
        assert!(select(
            "Observation.code",
            &json!({"resourceType": "Observation", "codeString": "x"})
        )
        .is_empty());
    }

    #[test]
    fn escapes_pointers_and_skips_nulls() {
        let odd = json!({"resourceType": "Basic", "a/b": {"c~d": 1}, "given": [null, "x"]});
        assert_eq!(select("Basic.`a/b`.`c~d`", &odd), vec!["/a~1b/c~0d"]);
        assert_eq!(select("Basic.given", &odd), vec!["/given/1"]);
    }

    #[test]
    fn parse_errors_name_the_column() {
        let cases: &[(&str, &str)] = &[
            ("", "column 1"),
            ("patient.name", "column 1"),
            ("Patient.", "column 9"),
            ("Patient..name", "column 9"),
            ("Patient.name.where(use=)", "column 24"),
            ("Patient.name.where(use='x'", "column 27"),
            ("Patient.name.count()", "column 14"),
            ("Patient.name.where(use='x)", "column 24"),
            ("Patient.name #", "column 14"),
            ("nodesByType(HumanName)", "column 13"),
            ("Patient.name.extension(1)", "column 24"),
            ("Patient.name $x", "column 14"),
            ("Patient.name.where(use='\\q')", "column 25"),
            ("Patient name", "column 9"),
        ];
        for (expression, column) in cases {
            match Path::parse(expression) {
                Ok(path) => panic!("{expression} parsed: {path:?}"),
                Err(e) => assert!(e.contains(column), "{expression}: {e}"),
            }
        }
    }

    #[test]
    fn reports_expression_and_resource_type() {
        let path = Path::parse("Patient.identifier.where(system = \"urn:a\")")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            path.expression(),
            "Patient.identifier.where(system = \"urn:a\")"
        );
        assert_eq!(path.resource_type(), Some("Patient"));
        assert_eq!(
            Path::parse("Resource.id").map(|p| p.resource_type().map(str::to_owned)),
            Ok(None)
        );
        assert_eq!(
            Path::parse("Reference.reference").map(|p| p.resource_type().map(str::to_owned)),
            Ok(None)
        );
    }
}
