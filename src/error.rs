//! The one error type of the kit: what went wrong and where, never with a cell value or a key in it.

use std::fmt;

/// Where in the input an error happened. Every field is optional because not every error has all
/// of them (a key file has no rows; a policy error has no byte offset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// Byte offset in the input, from 0.
    pub byte: Option<u64>,
    /// Line in the input, from 1.
    pub line: Option<u64>,
    /// Data record, from 1 (the header is record 0).
    pub record: Option<u64>,
    /// Column index, from 0.
    pub column: Option<usize>,
    /// Column name from the header.
    pub column_name: Option<String>,
}

/// The kinds of error. New kinds may be added; match with a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A key file was refused: empty, truncated, corrupted, or of an unknown version.
    KeyFile(String),
    /// The system's random source failed (key generation).
    Random,
    /// An argument given by the caller is out of range.
    InvalidArgument(String),
    /// The policy is not valid JSON for the schema, or does not fit the input. `path` is a JSON
    /// pointer into the policy (`/columns/氏名/action`), empty for the document itself.
    Policy {
        /// Where in the policy.
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// The input cannot be processed at all (empty, not text, unterminated quote at the end …).
    Input(String),
    /// A value cannot be written in the output encoding (e.g. 𠮷 in Shift_JIS).
    Unmappable(String),
    /// A correspondence table (対応表) could not be read: wrong key, damaged, or not a table.
    TokenTable(String),
    /// The session was used after `finish`.
    Finished,
}

/// An error with its kind and, where known, its position.
///
/// Messages are safe to show and log: they never contain a key or a cell value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<(ErrorKind, Position)>);

impl Error {
    /// An error of `kind` with no position.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new((kind, Position::default())))
    }

    /// The same error, placed at `position`.
    pub fn at(mut self, position: Position) -> Error {
        self.0 .1 = position;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0 .0
    }

    /// Where it went wrong, as far as known.
    pub fn position(&self) -> &Position {
        &self.0 .1
    }

    /// A short stable name of the kind, for programs (`"key_file"`, `"random"`, …).
    pub fn code(&self) -> &'static str {
        match self.kind() {
            ErrorKind::KeyFile(_) => "key_file",
            ErrorKind::Random => "random",
            ErrorKind::InvalidArgument(_) => "invalid_argument",
            ErrorKind::Policy { .. } => "policy",
            ErrorKind::Input(_) => "input",
            ErrorKind::Unmappable(_) => "unmappable",
            ErrorKind::TokenTable(_) => "token_table",
            ErrorKind::Finished => "finished",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            ErrorKind::KeyFile(why) => write!(f, "key file refused: {why}")?,
            ErrorKind::Random => write!(f, "the system random source failed")?,
            ErrorKind::InvalidArgument(why) => write!(f, "invalid argument: {why}")?,
            ErrorKind::Policy { path, message } if path.is_empty() => {
                write!(f, "policy: {message}")?
            }
            ErrorKind::Policy { path, message } => write!(f, "policy {path}: {message}")?,
            ErrorKind::Input(why) => write!(f, "input: {why}")?,
            ErrorKind::Unmappable(why) => write!(f, "output encoding: {why}")?,
            ErrorKind::TokenTable(why) => write!(f, "correspondence table refused: {why}")?,
            ErrorKind::Finished => write!(f, "the session is already finished")?,
        }
        let p = self.position();
        if let Some(record) = p.record {
            write!(f, " (row {record}")?;
            match (&p.column_name, p.column) {
                (Some(name), _) => write!(f, ", column {name:?}")?,
                (None, Some(column)) => write!(f, ", column {}", column + 1)?,
                (None, None) => {}
            }
            write!(f, ")")?;
        } else if let Some(line) = p.line {
            write!(f, " (line {line})")?;
        } else if let Some(byte) = p.byte {
            write!(f, " (at byte {byte})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A policy error at JSON pointer `path`.
    pub fn policy(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Policy {
            path: path.into(),
            message: message.into(),
        })
    }

    /// Every problem a policy check found, `(JSON pointer, message)` in order, as one error at
    /// the first pointer listing the rest on their own lines; `Ok` when there are none.
    ///
    /// # Errors
    /// [`ErrorKind::Policy`] when `problems` is not empty.
    pub(crate) fn policy_problems(problems: Vec<(String, String)>) -> Result<()> {
        let mut problems = problems.into_iter();
        let Some((path, mut message)) = problems.next() else {
            return Ok(());
        };
        for (p, m) in problems {
            message.push_str(&format!("\npolicy {p}: {m}"));
        }
        Err(Error::policy(path, message))
    }

    /// An input error.
    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input(message.into()))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

/// The kit's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_row_and_column_not_values() {
        let e = Error::new(ErrorKind::InvalidArgument("bad".into())).at(Position {
            record: Some(12),
            column: Some(2),
            column_name: Some("氏名".into()),
            ..Position::default()
        });
        assert_eq!(
            e.to_string(),
            "invalid argument: bad (row 12, column \"氏名\")"
        );
        assert_eq!(e.code(), "invalid_argument");
    }

    #[test]
    fn display_without_position() {
        assert_eq!(
            Error::new(ErrorKind::Random).to_string(),
            "the system random source failed"
        );
    }
}
