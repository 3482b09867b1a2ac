//! The policy's `paths` compiled once: each expression parsed ([`super::path::Path`]), each
//! action checked and turned into an [`Op`]. [`Rules::decide`] then says, for one resource, which
//! rule decides each selected node: the first rule (in policy order) that selects it.

use std::collections::HashMap;

use serde_json::Value;

use super::path::{Path, Selection};
use super::types::FastState;
use crate::action::{Action, Op};
use crate::error::{Error, Result};
use crate::key::SiteKey;
use crate::policy::{CompileContext, Policy};

/// Pointer → index of the deciding rule, for one resource.
pub type Decisions = HashMap<String, usize, FastState>;

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// The parsed expression.
    pub path: Path,
    /// The expression as written in the policy.
    pub expression: String,
    /// The action's name as written.
    pub action: &'static str,
    /// `None` for `drop`.
    pub op: Option<Op>,
}

/// Every rule of a policy, in order.
#[derive(Debug)]
pub struct Rules {
    /// The rules.
    pub rules: Vec<Rule>,
    /// Whether a rule scrubs free text (then each resource needs its patient's identity).
    pub scrubs: bool,
}

impl Rules {
    /// Compiles the policy's `paths`.
    ///
    /// # Errors
    /// A policy error listing every expression that does not parse and every action whose
    /// parameters are wrong or that has no meaning for FHIR elements (`sensitive`).
    pub fn compile(policy: &Policy, key: Option<&SiteKey>) -> Result<Rules> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let reference_date = policy.parsed_reference_date(&mut problems);
        // Dates are shifted per patient; the patient comes from each resource, never a column.
        let context = CompileContext {
            key,
            patient_id: Some(0),
            reference_date,
        };
        let mut rules = Vec::with_capacity(policy.paths.len());
        if policy.paths.is_empty() {
            problems.push((
                "/paths".into(),
                "a FHIR policy names its elements in `paths` (every element not named is removed)"
                    .into(),
            ));
        }
        for (expression, action) in &policy.paths {
            let at = format!(
                "/paths/{}",
                expression.replace('~', "~0").replace('/', "~1")
            );
            let path = match Path::parse(expression) {
                Ok(path) => Some(path),
                Err(e) => {
                    problems.push((at.clone(), e));
                    None
                }
            };
            let op = match action {
                Action::ScrubText { identity, .. } if !identity.is_empty() => {
                    problems.push((
                        at,
                        "in FHIR the patient's own identifiers come from its Patient resource: leave identity out".into(),
                    ));
                    continue;
                }
                // A Patient quasi-identifier: the session writes its anonymized value before the
                // walk (super::anonymize), which then keeps it.
                Action::Generalize { .. } => Some(Op::Keep),
                Action::Keep { sensitive: true } => {
                    problems.push((
                        at,
                        "l-diversity (sensitive) works on CSV columns only".into(),
                    ));
                    continue;
                }
                _ => match action.compile(&context) {
                    Ok(op) => op,
                    Err(message) => {
                        problems.push((at, message));
                        continue;
                    }
                },
            };
            if let Some(path) = path {
                rules.push(Rule {
                    path,
                    expression: expression.clone(),
                    action: action.name(),
                    op,
                });
            }
        }
        Error::policy_problems(problems)?;
        let scrubs = rules
            .iter()
            .any(|r| matches!(r.op, Some(crate::action::Op::ScrubText(_))));
        Ok(Rules { rules, scrubs })
    }

    /// For one resource: the JSON pointer of every node some rule selects, with the index of
    /// the first rule that selects it.
    pub fn decide(&self, resource: &Value, resource_type: &str) -> Decisions {
        let mut decided = Decisions::default();
        let mut selection = Selection::new(resource);
        for (i, rule) in self.rules.iter().enumerate() {
            if rule
                .path
                .resource_type()
                .is_some_and(|t| t != resource_type)
            {
                continue;
            }
            for pointer in selection.select(&rule.path) {
                decided.entry(pointer).or_insert(i);
            }
        }
        decided
    }
}
