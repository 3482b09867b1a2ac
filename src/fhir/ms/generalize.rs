//! The FHIRPath expressions of MS `generalize` cases, evaluated on one primitive value (`$this`).
//!
//! A case is `"predicate": "value expression"`; the first predicate that is `true` gives the new
//! value. The subset: literals (`'text'`, integers, decimals, `true`/`false`, `@2000-01-01`,
//! `@2000-01-01T00:00:00Z`), `$this`, `( )`, unary `-`, `* / div mod`, `+ - &`, `|` (union),
//! `< > <= >=`, `= != ~ !~`, `in`, `contains`, `and`, `or`, `xor`, `implies`, and the functions
//! `startsWith endsWith contains substring length upper lower toString toInteger toDecimal exists
//! empty not`. Anything else (`replaceMatches`, `@T12:00` times …) is refused when the config is
//! read, so a config is never half applied.

use serde_json::Value;

use crate::ja::wareki::Date;

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

// ---- evaluation ----

fn eval(expr: &Expr, this: &Val) -> Result<Vec<Val>, String> {
    Ok(match expr {
        Expr::This => vec![this.clone()],
        Expr::Literal(v) => vec![v.clone()],
        Expr::Unary(inner) => match single(eval(inner, this)?)? {
            None => vec![],
            Some(Val::Int(i)) => vec![Val::Int(-i)],
            Some(Val::Dec(d)) => vec![Val::Dec(-d)],
            Some(_) => return Err("unary minus on a non-number".to_owned()),
        },
        Expr::Binary(op, a, b) => binary(*op, eval(a, this)?, eval(b, this)?)?,
        Expr::Call(target, function, args) => {
            let input = eval(target, this)?;
            let args = args
                .iter()
                .map(|a| eval(a, this))
                .collect::<Result<Vec<_>, _>>()?;
            call(*function, input, &args)?
        }
    })
}

fn single(mut values: Vec<Val>) -> Result<Option<Val>, String> {
    match values.len() {
        0 => Ok(None),
        1 => Ok(values.pop()),
        _ => Err("a collection of more than one value where one is expected".to_owned()),
    }
}

fn truth(values: Vec<Val>) -> Result<Option<bool>, String> {
    match single(values)? {
        None => Ok(None),
        Some(Val::Bool(b)) => Ok(Some(b)),
        Some(_) => Ok(Some(true)),
    }
}

fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Dec(d) => Some(*d),
        _ => None,
    }
}

fn binary(op: Op, a: Vec<Val>, b: Vec<Val>) -> Result<Vec<Val>, String> {
    use Op::*;
    match op {
        And | Or | Xor | Implies => {
            let (x, y) = (truth(a)?, truth(b)?);
            let r = match op {
                And => match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
                Or => match (x, y) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
                Xor => x.zip(y).map(|(x, y)| x != y),
                _ => match (x, y) {
                    (Some(false), _) | (_, Some(true)) => Some(true),
                    (Some(true), Some(false)) => Some(false),
                    _ => None,
                },
            };
            return Ok(r.map(Val::Bool).into_iter().collect());
        }
        Union => {
            let mut out = a;
            for v in b {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            return Ok(out);
        }
        In | Contains => {
            let (item, collection) = if op == In { (a, b) } else { (b, a) };
            return Ok(match single(item)? {
                None => vec![],
                Some(v) => vec![Val::Bool(
                    collection.iter().any(|c| equal(c, &v) == Some(true)),
                )],
            });
        }
        Concat => {
            let text = |v: Option<Val>| match v {
                None => Ok(String::new()),
                Some(Val::Str(s)) => Ok(s),
                Some(_) => Err("`&` on a non-string".to_owned()),
            };
            return Ok(vec![Val::Str(text(single(a)?)? + &text(single(b)?)?)]);
        }
        _ => {}
    }
    let (Some(x), Some(y)) = (single(a)?, single(b)?) else {
        return Ok(vec![]);
    };
    let result = match op {
        Eq | Ne => equal(&x, &y).map(|e| Val::Bool(e == (op == Eq))),
        Equiv | NotEquiv => {
            let e = match (&x, &y) {
                (Val::Str(s), Val::Str(t)) => s.to_lowercase() == t.to_lowercase(),
                _ => equal(&x, &y) == Some(true),
            };
            Some(Val::Bool(e == (op == Equiv)))
        }
        Lt | Gt | Le | Ge => {
            let ordering = compare(&x, &y)?;
            ordering.map(|o| {
                Val::Bool(match op {
                    Lt => o.is_lt(),
                    Gt => o.is_gt(),
                    Le => o.is_le(),
                    _ => o.is_ge(),
                })
            })
        }
        Add => match (&x, &y) {
            (Val::Str(s), Val::Str(t)) => Some(Val::Str(format!("{s}{t}"))),
            _ => Some(arithmetic(op, &x, &y)?),
        },
        _ => Some(arithmetic(op, &x, &y)?),
    };
    Ok(result.into_iter().collect())
}

fn arithmetic(op: Op, x: &Val, y: &Val) -> Result<Val, String> {
    if let (Val::Int(a), Val::Int(b)) = (x, y) {
        let r = match op {
            Op::Add => a.checked_add(*b),
            Op::Sub => a.checked_sub(*b),
            Op::Mul => a.checked_mul(*b),
            Op::IntDiv => a.checked_div(*b),
            Op::Mod => a.checked_rem(*b),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(Val::Int(r));
        }
        if op != Op::Div {
            return Err("integer overflow or division by zero".to_owned());
        }
    }
    let (Some(a), Some(b)) = (number(x), number(y)) else {
        return Err("arithmetic on a non-number".to_owned());
    };
    Ok(match op {
        Op::Add => Val::Dec(a + b),
        Op::Sub => Val::Dec(a - b),
        Op::Mul => Val::Dec(a * b),
        Op::Div => Val::Dec(a / b),
        Op::IntDiv => Val::Int((a / b).trunc() as i64),
        _ => Val::Dec(a % b),
    })
}

fn equal(x: &Val, y: &Val) -> Option<bool> {
    match (x, y) {
        (Val::Str(a), Val::Str(b)) => Some(a == b),
        (Val::Bool(a), Val::Bool(b)) => Some(a == b),
        (Val::Date(_), Val::Date(_)) => compare(x, y).ok().flatten().map(|o| o.is_eq()),
        _ => match (number(x), number(y)) {
            (Some(a), Some(b)) => Some(a == b),
            _ => Some(false),
        },
    }
}

fn compare(x: &Val, y: &Val) -> Result<Option<std::cmp::Ordering>, String> {
    match (x, y) {
        (Val::Str(a), Val::Str(b)) => Ok(Some(a.cmp(b))),
        (Val::Date(a), Val::Date(b)) => {
            let (Some(a), Some(b)) = (instant(a), instant(b)) else {
                return Err("a date that cannot be compared".to_owned());
            };
            Ok(a.partial_cmp(&b))
        }
        _ => match (number(x), number(y)) {
            (Some(a), Some(b)) => Ok(a.partial_cmp(&b)),
            _ => Err("comparison of values of different types".to_owned()),
        },
    }
}

/// Seconds since 1970 (UTC) of the start of a (partial) date or dateTime; no zone means UTC.
fn instant(value: &str) -> Option<i64> {
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        value
            .get(range)
            .filter(|s| s.chars().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = if value.len() >= 7 {
        u8::try_from(num(5..7)?).ok()?
    } else {
        1
    };
    let day = if value.len() >= 10 {
        u8::try_from(num(8..10)?).ok()?
    } else {
        1
    };
    let days = Date::new(year, month, day)?.days_since_epoch();
    let mut seconds = days * 86_400;
    if let Some(time) = value.get(10..).and_then(|t| t.strip_prefix('T')) {
        let field = |r: std::ops::Range<usize>| -> Option<i64> {
            time.get(r)
                .filter(|s| s.chars().all(|c| c.is_ascii_digit()))?
                .parse()
                .ok()
        };
        seconds += field(0..2)? * 3600 + field(3..5)? * 60 + field(6..8).unwrap_or(0);
        let zone_at = time.find(['Z', '+', '-']);
        if let Some(zone) = zone_at.and_then(|at| time.get(at..)) {
            if zone != "Z" {
                let sign = if zone.starts_with('-') { -1 } else { 1 };
                let h: i64 = zone.get(1..3)?.parse().ok()?;
                let m: i64 = zone.get(4..6)?.parse().ok()?;
                seconds -= sign * (h * 3600 + m * 60);
            }
        }
    }
    Some(seconds)
}

fn call(function: Function, input: Vec<Val>, args: &[Vec<Val>]) -> Result<Vec<Val>, String> {
    use Function::*;
    match function {
        Exists => return Ok(vec![Val::Bool(!input.is_empty())]),
        Empty => return Ok(vec![Val::Bool(input.is_empty())]),
        Not => return Ok(truth(input)?.map(|b| Val::Bool(!b)).into_iter().collect()),
        _ => {}
    }
    let Some(value) = single(input)? else {
        return Ok(vec![]);
    };
    let text = match &value {
        Val::Str(s) | Val::Date(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Dec(d) => d.to_string(),
        Val::Bool(b) => b.to_string(),
    };
    let arg_text = |i: usize| -> Result<Option<String>, String> {
        match args.get(i).cloned().map(single).transpose()?.flatten() {
            None => Ok(None),
            Some(Val::Str(s)) => Ok(Some(s)),
            Some(_) => Err("a string argument was expected".to_owned()),
        }
    };
    let arg_int = |i: usize| -> Result<Option<i64>, String> {
        match args.get(i).cloned().map(single).transpose()?.flatten() {
            None => Ok(None),
            Some(Val::Int(n)) => Ok(Some(n)),
            Some(_) => Err("an integer argument was expected".to_owned()),
        }
    };
    let is_text = matches!(value, Val::Str(_));
    let out = match function {
        StartsWith | EndsWith | Contains => {
            if !is_text {
                return Err("a string function on a non-string".to_owned());
            }
            let Some(arg) = arg_text(0)? else {
                return Ok(vec![]);
            };
            Val::Bool(match function {
                StartsWith => text.starts_with(&arg),
                EndsWith => text.ends_with(&arg),
                _ => text.contains(&arg),
            })
        }
        Substring => {
            let Some(start) = arg_int(0)? else {
                return Ok(vec![]);
            };
            let chars: Vec<char> = text.chars().collect();
            let Ok(start) = usize::try_from(start) else {
                return Ok(vec![]);
            };
            if start >= chars.len() {
                return Ok(vec![]);
            }
            let len = match arg_int(1)? {
                Some(n) => usize::try_from(n).unwrap_or(0),
                None => chars.len(),
            };
            Val::Str(chars.iter().skip(start).take(len).collect())
        }
        Length => Val::Int(i64::try_from(text.chars().count()).unwrap_or(i64::MAX)),
        Upper => Val::Str(text.to_uppercase()),
        Lower => Val::Str(text.to_lowercase()),
        ToString => Val::Str(text),
        ToInteger => match text.parse::<i64>() {
            Ok(i) => Val::Int(i),
            Err(_) => return Ok(vec![]),
        },
        ToDecimal => match text.parse::<f64>() {
            Ok(d) => Val::Dec(d),
            Err(_) => return Ok(vec![]),
        },
        Exists | Empty | Not => return Ok(vec![]),
    };
    Ok(vec![out])
}

// ---- parsing ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Date(String),
    This,
    Word(String),
    Sym(&'static str),
    End,
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let take = |from: usize, f: &dyn Fn(char) -> bool| -> String {
        chars
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| f(**c))
            .collect()
    };
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_digit() {
            let s = take(i, &|c| c.is_ascii_digit() || c == '.');
            i += s.len();
            Tok::Num(s)
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(format!("unterminated string at column {column}")),
                    Some('\'') => break,
                    Some('\\') => {
                        match chars.get(i + 1) {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some(&c) => s.push(c),
                            None => return Err(format!("unterminated string at column {column}")),
                        }
                        i += 2;
                    }
                    Some(&c) => {
                        s.push(c);
                        i += 1;
                    }
                }
            }
            i += 1;
            Tok::Str(s)
        } else if c == '@' {
            let s = take(i + 1, &|c| c.is_ascii_digit() || "-:T.Z+".contains(c));
            if !s.chars().next().is_some_and(|c| c.is_ascii_digit()) || instant(&s).is_none() {
                return Err(format!("unsupported date/time literal at column {column}"));
            }
            i += 1 + s.len();
            Tok::Date(s)
        } else if c == '$' {
            let s = take(i + 1, &|c| c.is_ascii_alphanumeric());
            if s != "this" {
                return Err(format!("unsupported variable `${s}` at column {column}"));
            }
            i += 5;
            Tok::This
        } else if c.is_ascii_alphabetic() || c == '_' {
            let s = take(i, &|c| c.is_ascii_alphanumeric() || c == '_');
            i += s.len();
            Tok::Word(s)
        } else {
            let two: String = chars.get(i..i + 2).unwrap_or_default().iter().collect();
            let sym = ["<=", ">=", "!=", "!~"]
                .into_iter()
                .find(|s| *s == two)
                .or_else(|| {
                    [
                        "(", ")", ",", ".", "+", "-", "*", "/", "|", "=", "~", "<", ">", "&",
                    ]
                    .into_iter()
                    .find(|s| s.starts_with(c))
                })
                .ok_or_else(|| format!("unexpected character `{c}` at column {column}"))?;
            i += sym.len();
            Tok::Sym(sym)
        };
        out.push((tok, column));
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    at: usize,
}

/// Compiles one expression.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let mut p = Parser {
        tokens: lex(text)?,
        at: 0,
    };
    let expr = p.level(0)?;
    if p.peek() != &Tok::End {
        return Err(p.error("an operator or the end"));
    }
    Ok(expr)
}

/// Binary operators by precedence level, lowest first.
const LEVELS: &[&[(&str, Op)]] = &[
    &[("implies", Op::Implies)],
    &[("or", Op::Or), ("xor", Op::Xor)],
    &[("and", Op::And)],
    &[("in", Op::In), ("contains", Op::Contains)],
    &[
        ("=", Op::Eq),
        ("!=", Op::Ne),
        ("~", Op::Equiv),
        ("!~", Op::NotEquiv),
    ],
    &[("<", Op::Lt), (">", Op::Gt), ("<=", Op::Le), (">=", Op::Ge)],
    &[("|", Op::Union)],
    &[("+", Op::Add), ("-", Op::Sub), ("&", Op::Concat)],
    &[
        ("*", Op::Mul),
        ("/", Op::Div),
        ("div", Op::IntDiv),
        ("mod", Op::Mod),
    ],
];

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).map_or(&Tok::End, |t| &t.0)
    }

    fn error(&self, wanted: &str) -> String {
        let column = self.tokens.get(self.at).map_or(0, |t| t.1);
        format!("expected {wanted} at column {column}")
    }

    fn operator(&self, level: &[(&str, Op)]) -> Option<Op> {
        let name = match self.peek() {
            Tok::Sym(s) => *s,
            Tok::Word(w) => w.as_str(),
            _ => return None,
        };
        level.iter().find(|(n, _)| *n == name).map(|(_, op)| *op)
    }

    fn level(&mut self, depth: usize) -> Result<Expr, String> {
        let Some(ops) = LEVELS.get(depth) else {
            return self.unary();
        };
        let mut left = self.level(depth + 1)?;
        while let Some(op) = self.operator(ops) {
            self.at += 1;
            let right = self.level(depth + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Tok::Sym("-") => {
                self.at += 1;
                Ok(Expr::Unary(Box::new(self.unary()?)))
            }
            Tok::Sym("+") => {
                self.at += 1;
                self.unary()
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let mut expr = self.primary()?;
        while self.peek() == &Tok::Sym(".") {
            self.at += 1;
            let Tok::Word(name) = self.peek().clone() else {
                return Err(self.error("a function name"));
            };
            let function = match name.as_str() {
                "startsWith" => Function::StartsWith,
                "endsWith" => Function::EndsWith,
                "contains" => Function::Contains,
                "substring" => Function::Substring,
                "length" => Function::Length,
                "upper" => Function::Upper,
                "lower" => Function::Lower,
                "toString" => Function::ToString,
                "toInteger" => Function::ToInteger,
                "toDecimal" => Function::ToDecimal,
                "exists" => Function::Exists,
                "empty" => Function::Empty,
                "not" => Function::Not,
                _ => {
                    return Err(format!(
                        "{} (`{name}` is not in the subset)",
                        self.error("a supported function")
                    ))
                }
            };
            self.at += 1;
            let args = self.arguments()?;
            expr = Expr::Call(Box::new(expr), function, args);
        }
        Ok(expr)
    }

    fn arguments(&mut self) -> Result<Vec<Expr>, String> {
        if self.peek() != &Tok::Sym("(") {
            return Err(self.error("`(`"));
        }
        self.at += 1;
        let mut args = Vec::new();
        if self.peek() == &Tok::Sym(")") {
            self.at += 1;
            return Ok(args);
        }
        loop {
            args.push(self.level(0)?);
            match self.peek() {
                Tok::Sym(",") => self.at += 1,
                Tok::Sym(")") => {
                    self.at += 1;
                    return Ok(args);
                }
                _ => return Err(self.error("`,` or `)`")),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let tok = self.peek().clone();
        let expr = match tok {
            Tok::This => Expr::This,
            Tok::Str(s) => Expr::Literal(Val::Str(s)),
            Tok::Date(s) => Expr::Literal(Val::Date(s)),
            Tok::Num(n) => Expr::Literal(if n.contains('.') {
                Val::Dec(n.parse().map_err(|_| self.error("a number"))?)
            } else {
                Val::Int(n.parse().map_err(|_| self.error("a number"))?)
            }),
            Tok::Word(w) if w == "true" || w == "false" => Expr::Literal(Val::Bool(w == "true")),
            Tok::Sym("(") => {
                self.at += 1;
                let inner = self.level(0)?;
                if self.peek() != &Tok::Sym(")") {
                    return Err(self.error("`)`"));
                }
                inner
            }
            Tok::Word(w) => {
                return Err(format!(
                    "{} (paths such as `{w}` are not in the subset; use $this)",
                    self.error("a value")
                ))
            }
            _ => return Err(self.error("a value")),
        };
        self.at += 1;
        Ok(expr)
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
        let sets = cases(
            r#"{"$this in ('en-AU' | 'en-CA' | 'en-GB' | 'en-IN' | 'en-NZ' | 'en-SG' | 'en-US')": "'en'", "('es-AR' | 'es-ES' | 'es-UY') contains $this": "'es'"}"#,
        );
        let s = |v: &str| Val::Str(v.to_owned());
        for (input, expected) in [
            ("en-AU", Some("en")),
            ("en-CA", Some("en")),
            ("es-AR", Some("es")),
            ("es-ES", Some("es")),
            ("en-CI", None),
        ] {
            assert_eq!(
                run(&sets, s(input)),
                expected.map(|e| Some(s(e))),
                "{input}"
            );
        }
        let mask = cases(
            r#"{"$this.startsWith('123') or $this.endsWith('234')": "$this.substring(0,3)+'****'"}"#,
        );
        for (input, expected) in [
            ("1230005", Some("123****")),
            ("1238765", Some("123****")),
            ("2345234", Some("234****")),
            ("1111111", None),
        ] {
            assert_eq!(
                run(&mask, s(input)),
                expected.map(|e| Some(s(e))),
                "{input}"
            );
        }
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
