//! Actions: what the policy can do to a column. [`Action`] is the policy's JSON form; `compile`
//! checks its parameters once and turns it into an [`Op`], which the pipeline applies to each
//! cell. Each family lives in its own file and is tested there.

mod date;
mod number;
mod place;
mod text;
pub mod tokenize;

use serde::{Deserialize, Serialize};

use crate::ja::address::Level as AddressLevel;
use crate::ja::normalize::Options;
use crate::policy::CompileContext;
use crate::pseudonym::{self, Pseudonymizer};
use crate::scrub::{Counts, Identity, Options as ScrubOptions, Scrubber, Surrogates};

pub use date::{DateLevel, DateShifter};
pub use tokenize::TokenTable;

/// One column's action, as written in the policy (`{"action": "mask", "keep_end": 4}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Copy the value unchanged (for a same-encoding output, byte for byte).
    Keep {
        /// The sensitive attribute of l-diversity (e.g. the diagnosis); at most one column.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sensitive: bool,
    },
    /// Leave the column out of the output.
    Drop {},
    /// Write a constant instead of every non-empty value.
    Replace {
        /// The constant.
        value: String,
    },
    /// Keep `keep_start` leading and `keep_end` trailing characters, mask the rest.
    Mask {
        /// Characters kept at the start.
        #[serde(default)]
        keep_start: usize,
        /// Characters kept at the end.
        #[serde(default)]
        keep_end: usize,
        /// The masking character (default `*`).
        #[serde(default = "star")]
        with: char,
    },
    /// Keyed pseudonym (HMAC-SHA256 with the site key).
    Pseudonymize {
        /// Characters, 8 to 51 (default 16).
        #[serde(default = "pseudonym_length")]
        length: usize,
        /// Normalize as a person's name first (kana, spaces, variant kanji).
        #[serde(default)]
        name: bool,
    },
    /// A random token per distinct value; the correspondence table is a separate, encrypted output.
    Tokenize {
        /// Characters, 8 to 32 (default 12).
        #[serde(default = "token_length")]
        length: usize,
    },
    /// A date cut to its year or year-month.
    GeneralizeDate {
        /// `year` or `year_month`.
        to: DateLevel,
    },
    /// Age in whole years from a birth date, at the policy's `reference_date`.
    Age {
        /// Report bands of this many years ("40-44").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        band: Option<u32>,
        /// Ages at or above this become "N+".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        top_code: Option<u32>,
    },
    /// Numbers at or above `at` become "at+" (e.g. ages 90 and over).
    TopCode {
        /// The threshold.
        at: u32,
    },
    /// Dates moved by a per-patient offset in ±`max_days` (never 0), the same for one patient in
    /// every file and run with the same key.
    DateShift {
        /// Largest shift in days.
        max_days: u32,
    },
    /// A postal code cut to its first `digits` digits.
    GeneralizePostal {
        /// Digits kept, 0 to 7.
        digits: u8,
    },
    /// An address cut to its prefecture or municipality.
    GeneralizeAddress {
        /// `prefecture`, `municipality` or `ward`.
        to: AddressLevel,
    },
    /// A quasi-identifier generalized by the anonymization search (匿名加工) to the level of its
    /// hierarchy that makes the file k-anonymous with the least information loss.
    Generalize {
        /// A built-in hierarchy (`age`, `date`, `postal`, `address`, `sex`), the path of an
        /// ARX-format CSV (resolved relative to the policy file), or inline rows.
        hierarchy: HierarchySpec,
        /// Always true for now: a generalized column is a quasi-identifier.
        #[serde(default = "yes")]
        quasi_identifier: bool,
        /// The least generalized level the search may choose (e.g. 1 so that an address is never
        /// written below its municipality, or a birth date below its month).
        #[serde(default, skip_serializing_if = "is_zero")]
        min_level: usize,
    },
    /// Free text (所見, 看護記録, 紹介状): the clinical sentence stays, each identifier found in it
    /// (the row's own names, IDs, phones, birth date, address; phone numbers, dates, ages,
    /// addresses and IDs by pattern; other people's names and facilities by lexicon and context)
    /// becomes a tag such as ＜氏名＞.
    ScrubText {
        /// The columns holding the patient's own identifiers, looked for in every spelling. Empty
        /// (the default): every column whose header or detected kind is an identifier.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        identity: Vec<String>,
        /// Consistent surrogates (`＜氏名:7K2Q＞`: the same name gives the same code within one
        /// patient) instead of bare tags; needs the site key.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        surrogates: bool,
    },
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Where a generalization hierarchy comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HierarchySpec {
    /// A built-in name or a file path.
    Named(String),
    /// ARX's layout inline: one row per value, one column per level (the value first).
    Rows(Vec<Vec<String>>),
}

fn yes() -> bool {
    true
}

fn star() -> char {
    '*'
}
fn pseudonym_length() -> usize {
    pseudonym::DEFAULT_LENGTH
}
fn token_length() -> usize {
    12
}

/// A compiled action, ready for every cell.
#[derive(Debug)]
pub enum Op {
    /// Copy.
    Keep,
    /// The generalized value of quasi-identifier number `n` (filled in by the anonymization).
    Generalize(usize),
    /// A constant.
    Replace(String),
    /// Mask.
    Mask {
        /// Leading characters kept.
        start: usize,
        /// Trailing characters kept.
        end: usize,
        /// Mask character.
        with: char,
    },
    /// Keyed pseudonym.
    Pseudonymize(Pseudonymizer),
    /// Random token.
    Tokenize,
    /// Date cut.
    GeneralizeDate(DateLevel),
    /// Age from a birth date.
    Age(date::AgeRule),
    /// Top-coding.
    TopCode(u32),
    /// Per-patient date shift.
    DateShift(DateShifter),
    /// Postal code cut.
    GeneralizePostal(u8),
    /// Address cut.
    GeneralizeAddress(AddressLevel),
    /// Free-text scrubbing.
    ScrubText(Scrubber),
}

/// A value the action cannot read; the reason never contains the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

/// What an operation may use besides the cell: per-row and per-session state.
pub struct RowContext<'a> {
    /// The row's patient ID (as in the file), when the policy names the column.
    pub patient_id: Option<&'a str>,
    /// The session's token table.
    pub tokens: &'a mut TokenTable,
    /// The row's own identifiers, for `scrub_text`.
    pub identity: &'a Identity,
    /// What `scrub_text` replaced in the current cell (the pipeline adds it to the column).
    pub scrubbed: Counts,
}

impl Action {
    /// The action's name as written in policies.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Keep { .. } => "keep",
            Action::Drop {} => "drop",
            Action::Replace { .. } => "replace",
            Action::Mask { .. } => "mask",
            Action::Pseudonymize { .. } => "pseudonymize",
            Action::Tokenize { .. } => "tokenize",
            Action::GeneralizeDate { .. } => "generalize_date",
            Action::Age { .. } => "age",
            Action::TopCode { .. } => "top_code",
            Action::DateShift { .. } => "date_shift",
            Action::GeneralizePostal { .. } => "generalize_postal",
            Action::GeneralizeAddress { .. } => "generalize_address",
            Action::Generalize { .. } => "generalize",
            Action::ScrubText { .. } => "scrub_text",
        }
    }

    /// Whether the action needs the site key.
    pub fn needs_key(&self) -> bool {
        matches!(
            self,
            Action::Pseudonymize { .. }
                | Action::DateShift { .. }
                | Action::Tokenize { .. }
                | Action::ScrubText {
                    surrogates: true,
                    ..
                }
        )
    }

    /// Checks the parameters and compiles; `Ok(None)` for `drop`.
    ///
    /// # Errors
    /// A message (without any cell value) saying which parameter is wrong.
    pub fn compile(&self, context: &CompileContext<'_>) -> Result<Option<Op>, String> {
        let key = || {
            context
                .key
                .ok_or_else(|| format!("{} needs the site key: no key, no pseudonyms", self.name()))
        };
        let op = match self {
            Action::Keep { .. } => Op::Keep,
            Action::Drop {} => return Ok(None),
            Action::Replace { value } => Op::Replace(value.clone()),
            Action::Mask {
                keep_start,
                keep_end,
                with,
            } => Op::Mask {
                start: *keep_start,
                end: *keep_end,
                with: *with,
            },
            Action::Pseudonymize { length, name } => Op::Pseudonymize(
                Pseudonymizer::new(
                    key()?,
                    *length,
                    Options {
                        name: *name,
                        ..Options::default()
                    },
                )
                .map_err(|e| e.to_string())?,
            ),
            Action::Tokenize { length } => {
                if !(8..=32).contains(length) {
                    return Err(format!("token length must be 8 to 32 (got {length})"));
                }
                key()?;
                Op::Tokenize
            }
            Action::GeneralizeDate { to } => Op::GeneralizeDate(*to),
            Action::Age { band, top_code } => {
                let reference = context.reference_date.ok_or(
                    "age needs the policy's reference_date (the day ages are computed at)",
                )?;
                Op::Age(date::AgeRule::new(reference, *band, *top_code)?)
            }
            Action::TopCode { at } => Op::TopCode(*at),
            Action::DateShift { max_days } => {
                if context.patient_id.is_none() {
                    return Err(
                        "date_shift needs the policy's patient_id column (one shift per patient)"
                            .into(),
                    );
                }
                Op::DateShift(DateShifter::new(key()?, *max_days)?)
            }
            Action::GeneralizePostal { digits } => {
                if *digits > 7 {
                    return Err(format!("a postal code has 7 digits (got digits: {digits})"));
                }
                Op::GeneralizePostal(*digits)
            }
            Action::GeneralizeAddress { to } => Op::GeneralizeAddress(*to),
            Action::Generalize {
                quasi_identifier, ..
            } => {
                if !quasi_identifier {
                    return Err(
                        "a generalized column is a quasi-identifier (quasi_identifier: true)"
                            .into(),
                    );
                }
                // The index is set by the policy's compile, which numbers the quasi-identifiers.
                Op::Generalize(0)
            }
            Action::ScrubText { surrogates, .. } => Op::ScrubText(Scrubber::new(ScrubOptions {
                surrogates: if *surrogates {
                    Some(Surrogates::new(key()?))
                } else {
                    None
                },
            })),
        };
        Ok(Some(op))
    }

    /// `keep`, not sensitive.
    pub fn keep() -> Action {
        Action::Keep { sensitive: false }
    }

    /// Token length, for `tokenize`.
    pub fn token_length(&self) -> Option<usize> {
        match self {
            Action::Tokenize { length } => Some(*length),
            _ => None,
        }
    }
}

impl Op {
    /// Writes the de-identified form of `value` into `out`. An empty (blank) value stays empty for
    /// every operation but `replace`.
    ///
    /// # Errors
    /// [`Invalid`] when the value cannot be read by this operation (a date that is not a date).
    pub fn apply(
        &self,
        value: &str,
        row: &mut RowContext<'_>,
        out: &mut String,
    ) -> Result<(), Invalid> {
        if value.trim().is_empty() && !matches!(self, Op::Keep) {
            return Ok(());
        }
        match self {
            Op::Keep => out.push_str(value),
            // Written by the pipeline from the anonymization's result, never from here.
            Op::Generalize(_) => {
                return Err(Invalid("no anonymization result for this column".into()))
            }
            Op::Replace(constant) => out.push_str(constant),
            Op::Mask { start, end, with } => text::mask(value, *start, *end, *with, out),
            Op::Pseudonymize(p) => out.push_str(&p.pseudonym(value)),
            Op::Tokenize => out.push_str(
                row.tokens
                    .token(value)
                    .map_err(|e| Invalid(e.to_string()))?,
            ),
            Op::GeneralizeDate(level) => date::generalize(value, *level, out)?,
            Op::Age(rule) => rule.apply(value, out)?,
            Op::TopCode(at) => number::top_code(value, *at, out)?,
            Op::DateShift(shifter) => shifter.apply(value, row.patient_id, out)?,
            Op::GeneralizePostal(digits) => place::postal(value, *digits, out)?,
            Op::GeneralizeAddress(level) => place::address(value, *level, out)?,
            Op::ScrubText(scrubber) => {
                scrubber.scrub_into(value, row.identity, out, &mut row.scrubbed)
            }
        }
        Ok(())
    }
}

impl From<crate::ja::wareki::DateError> for Invalid {
    fn from(e: crate::ja::wareki::DateError) -> Invalid {
        Invalid(e.to_string())
    }
}
