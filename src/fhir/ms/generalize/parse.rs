//! The lexer and precedence-climbing parser of generalize expressions; anything outside the
//! subset is an error naming its column.

use super::eval::instant;
use super::{Expr, Function, Op, Val};

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
pub(super) fn parse(text: &str) -> Result<Expr, String> {
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
