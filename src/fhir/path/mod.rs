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
//!
//! Files: `lex` turns an expression into tokens, `parse` builds the [`Path`] from them, `node` is
//! one JSON node with its FHIR type, and `select` evaluates a `Path` on a resource.

mod lex;
mod node;
mod parse;
mod select;

pub use select::Selection;

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
        let (start, steps) =
            parse::path(expression).map_err(|e| format!("FHIRPath `{expression}`: {e}"))?;
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

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.expression)
    }
}
