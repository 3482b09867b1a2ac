//! The lexer of the FHIRPath subset: characters to tokens, each with its 1-based column so
//! parse errors can name it.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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

pub(super) struct Token {
    pub(super) tok: Tok,
    /// 1-based column (in characters).
    pub(super) column: usize,
}

pub(super) fn lex(expression: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = expression.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let column = i + 1;
        let punctuation = match c {
            '.' => Some(Tok::Dot),
            '(' => Some(Tok::Open),
            ')' => Some(Tok::Close),
            '=' => Some(Tok::Equals),
            _ => None,
        };
        if let Some(tok) = punctuation {
            i += 1;
            tokens.push(Token { tok, column });
            continue;
        }
        let tok = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
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
                let word = run(&chars, i + 1, |c| c.is_ascii_alphanumeric());
                if word != "this" {
                    return Err(format!("unsupported variable `${word}` at column {column}"));
                }
                i += 5;
                Tok::This
            }
            c if c.is_ascii_digit() => {
                let text = run(&chars, i, |c| c.is_ascii_digit() || c == '.');
                i += text.chars().count();
                let number = text
                    .parse::<f64>()
                    .map_err(|_| format!("bad number `{text}` at column {column}"))?;
                Tok::Number(number)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let name = run(&chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
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

/// The characters from `from` on while `keep` holds.
fn run(chars: &[char], from: usize, keep: impl Fn(char) -> bool) -> String {
    chars
        .get(from..)
        .unwrap_or_default()
        .iter()
        .copied()
        .take_while(|&c| keep(c))
        .collect()
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
