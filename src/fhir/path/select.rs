//! Evaluation of a parsed [`Path`] on one resource: the start's nodes, each step applied to the
//! collection, `where(…)` conditions tested per node; [`Selection`] shares the typed walk between
//! paths.

use serde_json::Value;

use super::node::{sibling_pointer, Node};
use super::{Cond, Literal, Path, Start, Step, TextTest};
use crate::fhir::types;

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
}
