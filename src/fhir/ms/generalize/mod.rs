//! The FHIRPath expressions of MS `generalize` cases, evaluated on one primitive value (`$this`).
//!
//! A case is `"predicate": "value expression"`; the first predicate that is `true` gives the new
//! value. The subset: literals (`'text'`, integers, decimals, `true`/`false`, `@2000-01-01`,
//! `@2000-01-01T00:00:00Z`), `$this`, `( )`, unary `-`, `* / div mod`, `+ - &`, `|` (union),
//! `< > <= >=`, `= != ~ !~`, `in`, `contains`, `and`, `or`, `xor`, `implies`, and the functions
//! `startsWith endsWith contains substring length upper lower toString toInteger toDecimal exists
//! empty not`. Anything else (`replaceMatches`, `@T12:00` times …) is refused when the config is
//! read, so a config is never half applied.
//!
//! Files: `parse` compiles an expression to an [`Expr`], `eval` evaluates it on `$this`.

mod eval;
mod parse;

use serde_json::Value;

use eval::eval;
use parse::parse;

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    This,
    Literal(Val),
    Unary(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Function, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Mul,
    Div,
    IntDiv,
    Mod,
    Add,
    Sub,
    Concat,
    Union,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    Equiv,
    NotEquiv,
    In,
    Contains,
    And,
    Or,
    Xor,
    Implies,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Function {
    StartsWith,
    EndsWith,
    Contains,
    Substring,
    Length,
    Upper,
    Lower,
    ToString,
    ToInteger,
    ToDecimal,
    Exists,
    Empty,
    Not,
}

/// A FHIRPath value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Bool(bool),
    Int(i64),
    Dec(f64),
    Str(String),
    /// A date or dateTime, as written (without `@`).
    Date(String),
}

/// One generalize rule's cases, in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cases(pub Vec<(Expr, Expr)>);

impl Cases {
    /// Compiles the `cases` object.
    pub(crate) fn compile(cases: &serde_json::Map<String, Value>) -> Result<Cases, String> {
        let mut out = Vec::new();
        for (predicate, value) in cases {
            let value_text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let p = parse(predicate).map_err(|e| format!("generalize case `{predicate}`: {e}"))?;
            let v =
                parse(&value_text).map_err(|e| format!("generalize value `{value_text}`: {e}"))?;
            out.push((p, v));
        }
        Ok(Cases(out))
    }

    /// The value of the first case whose predicate holds for `this`: `Some(None)` when that
    /// value is empty, `None` when no case holds.
    pub(crate) fn apply(&self, this: &Val) -> Result<Option<Option<Val>>, String> {
        for (predicate, value) in &self.0 {
            if eval(predicate, this)? == [Val::Bool(true)] {
                let mut result = eval(value, this)?;
                if result.len() > 1 {
                    return Err("a generalize value gives more than one value".to_owned());
                }
                return Ok(Some(result.pop()));
            }
        }
        Ok(None)
    }
}

/// `$this` for a JSON primitive of FHIR type `fhir_type`.
pub(crate) fn this_value(value: &Value, fhir_type: Option<&str>) -> Option<Val> {
    match value {
        Value::Bool(b) => Some(Val::Bool(*b)),
        Value::Number(n) => match (fhir_type, n.as_i64()) {
            (Some("decimal"), _) | (_, None) => n.as_f64().map(Val::Dec),
            (_, Some(i)) => Some(Val::Int(i)),
        },
        Value::String(s) => Some(match fhir_type {
            Some("date" | "dateTime" | "instant") => Val::Date(s.clone()),
            _ => Val::Str(s.clone()),
        }),
        _ => None,
    }
}

/// The JSON form of a generalized value.
pub(crate) fn to_json(value: Val) -> Value {
    match value {
        Val::Bool(b) => Value::Bool(b),
        Val::Int(i) => Value::from(i),
        Val::Dec(d) => serde_json::Number::from_f64(d).map_or(Value::Null, Value::Number),
        Val::Str(s) | Val::Date(s) => Value::String(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases(json: &str) -> Cases {
        let map: serde_json::Map<String, Value> =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        Cases::compile(&map).unwrap_or_else(|e| panic!("{e}"))
    }

    fn run(c: &Cases, this: Val) -> Option<Option<Val>> {
        c.apply(&this).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn range_and_approximate() {
        let range = cases(
            r#"{"$this>=0 and $this<20":"20", "$this>=20 and $this<40":"40", "$this>=40 and $this<60":"60", "$this>=60 and $this<80":"80"}"#,
        );
        for (input, expected) in [
            (5, Some(20)),
            (20, Some(40)),
            (43, Some(60)),
            (78, Some(80)),
            (110, None),
        ] {
            assert_eq!(
                run(&range, Val::Int(input)),
                expected.map(|e| Some(Val::Int(e))),
                "{input}"
            );
        }
        let approximate = cases(r#"{"$this>=-20 and $this<80":"($this div 10 -1)*10 "}"#);
        for (input, expected) in [(5, -10), (20, 10), (43, 30), (78, 60), (24, 10)] {
            assert_eq!(
                run(&approximate, Val::Int(input)),
                Some(Some(Val::Int(expected))),
                "{input}"
            );
        }
        let conflict = cases(
            r#"{"$this>=0 and $this<20":"20", "$this>=10 and $this<40":"40", "$this>=30 and $this<60":"60", "true":"80"}"#,
        );
        for (input, expected) in [(18, 20), (31, 40), (45, 60), (110, 80)] {
            assert_eq!(
                run(&conflict, Val::Int(input)),
                Some(Some(Val::Int(expected))),
                "{input}"
            );
        }
        let decimal = cases(r#"{"$this>=0 and $this<20":"$this / 2"}"#);
        assert_eq!(run(&decimal, Val::Int(5)), Some(Some(Val::Dec(2.5))));
    }

    #[test]
    fn value_sets_and_masks() {
        let s = |v: &str| Val::Str(v.to_owned());
        let check = |c: &Cases, rows: &[(&str, Option<&str>)]| {
            for (input, expected) in rows {
                assert_eq!(run(c, s(input)), expected.map(|e| Some(s(e))), "{input}");
            }
        };
        let sets = cases(
            r#"{"$this in ('en-AU' | 'en-CA' | 'en-GB' | 'en-IN' | 'en-NZ' | 'en-SG' | 'en-US')": "'en'", "('es-AR' | 'es-ES' | 'es-UY') contains $this": "'es'"}"#,
        );
        check(
            &sets,
            &[
                ("en-AU", Some("en")),
                ("en-CA", Some("en")),
                ("es-AR", Some("es")),
                ("es-ES", Some("es")),
                ("en-CI", None),
            ],
        );
        let mask = cases(
            r#"{"$this.startsWith('123') or $this.endsWith('234')": "$this.substring(0,3)+'****'"}"#,
        );
        check(
            &mask,
            &[
                ("1230005", Some("123****")),
                ("1238765", Some("123****")),
                ("2345234", Some("234****")),
                ("1111111", None),
            ],
        );
    }

    #[test]
    fn dates() {
        let c = cases(r#"{"$this <= @2020-01-01 and $this >= @1990-01-01": "@2000-01-01"}"#);
        let d = |v: &str| Val::Date(v.to_owned());
        assert_eq!(run(&c, d("2010-05-07")), Some(Some(d("2000-01-01"))));
        assert_eq!(run(&c, d("2021-05-07")), None);
        let t = cases(
            r#"{"$this <= @2020-01-01T00:00:00Z and $this >= @1990-01-01T00:00:00Z": "@2000-01-01T00:00:00Z"}"#,
        );
        assert_eq!(
            run(&t, d("2017-01-01T01:01:01-01:00")),
            Some(Some(d("2000-01-01T00:00:00Z")))
        );
        assert_eq!(run(&t, d("2002")), Some(Some(d("2000-01-01T00:00:00Z"))));
        assert_eq!(run(&t, d("2020-01-01T00:00:01Z")), None);
    }

    #[test]
    fn unsupported_expressions_are_refused() {
        for bad in [
            "$this.replaceMatches('a','b')",
            "name = 'x'",
            "$this >= @T12:00:00",
            "$this +",
            "$x",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let c = cases(r#"{"$this>='0' and $this<'20'":"20"}"#);
        assert!(c.apply(&Val::Int(5)).is_err());
    }
}
