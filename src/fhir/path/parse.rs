//! The recursive-descent parser of the FHIRPath subset: tokens to a path's start and steps, and
//! `where(…)` conditions to [`Cond`] trees. Errors name the column of the offending token.

use super::lex::{lex, Tok, Token};
use super::{Cond, Literal, Start, Step, TextTest};
use crate::fhir::types;

/// The start and steps of `expression`.
pub(super) fn path(expression: &str) -> Result<(Start, Vec<Step>), String> {
    let tokens = lex(expression)?;
    Parser { tokens, at: 0 }.path()
}

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

    /// Steps over `tok`, or says what was wanted here.
    fn consume(&mut self, tok: &Tok, wanted: &str) -> Result<(), String> {
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
                self.consume(&Tok::Close, "`)`")?;
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
                self.consume(&Tok::Close, "`)`")?;
                Ok(Step::OfType(type_name))
            }
            "first" => {
                self.at += 1;
                self.consume(&Tok::Close, "`)`")?;
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
        self.consume(&Tok::Open, "`(`")?;
        let Tok::Quoted(text) = self.peek().clone() else {
            return Err(self.unexpected("a quoted string"));
        };
        self.at += 1;
        self.consume(&Tok::Close, "`)`")?;
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
        self.chain("or", Parser::and, Cond::Or)
    }

    fn and(&mut self) -> Result<Cond, String> {
        self.chain("and", Parser::postfix, Cond::And)
    }

    /// `operand (word operand)*`, folded to the left by `combine`.
    fn chain(
        &mut self,
        word: &str,
        operand: fn(&mut Parser) -> Result<Cond, String>,
        combine: fn(Box<Cond>, Box<Cond>) -> Cond,
    ) -> Result<Cond, String> {
        let mut left = operand(self)?;
        while matches!(self.peek(), Tok::Ident(w) if w == word) {
            self.at += 1;
            left = combine(Box::new(left), Box::new(operand(self)?));
        }
        Ok(left)
    }

    fn postfix(&mut self) -> Result<Cond, String> {
        let mut cond = self.primary()?;
        while *self.peek() == Tok::Dot && matches!(self.peek_at(1), Tok::Ident(w) if w == "not") {
            self.at += 2;
            self.consume(&Tok::Open, "`(`")?;
            self.consume(&Tok::Close, "`)`")?;
            cond = Cond::Not(Box::new(cond));
        }
        Ok(cond)
    }

    fn primary(&mut self) -> Result<Cond, String> {
        match self.peek().clone() {
            Tok::Open => {
                self.at += 1;
                let cond = self.or()?;
                self.consume(&Tok::Close, "`)`")?;
                return Ok(cond);
            }
            Tok::Ident(word) if word == "true" || word == "false" => {
                self.at += 1;
                return Ok(Cond::Constant(word == "true"));
            }
            Tok::Ident(word) if word == "not" && *self.peek_at(1) == Tok::Open => {
                self.at += 2;
                let cond = self.or()?;
                self.consume(&Tok::Close, "`)`")?;
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
                        self.consume(&Tok::Open, "`(`")?;
                        self.consume(&Tok::Close, "`)`")?;
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
    use super::super::Path;

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
