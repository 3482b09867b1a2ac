//! Evaluation of a compiled generalize expression on one `$this` value: FHIRPath collections
//! (empty or one value here), operators with FHIRPath's empty-propagation, and the functions of
//! the subset.

use super::{Expr, Function, Op, Val};
use crate::ja::wareki::Date;

pub(super) fn eval(expr: &Expr, this: &Val) -> Result<Vec<Val>, String> {
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
pub(super) fn instant(value: &str) -> Option<i64> {
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
