//! The row's own identifiers ([`Identity`]): every spelling of the patient's name and reading
//! (spaced or not, full or half width, 異体字, hiragana or katakana), ID (with or without leading
//! zeros and separators), phone, birth date, postal code and address; `search` finds them in a
//! note. Values are normalized once when added; a note is searched with plain substring search in
//! its normalized views, which is fast for the handful of values a row has. A row that adds the same
//! values as the row before (the same patient's next row, or next FHIR resource) reuses their
//! spellings instead of normalizing them again.

mod search;

use super::lexicon::lexicon;
use super::Tag;
use crate::detect::ColumnKind;
use crate::ja::normalize::{normalize, patient_id, Options};
use crate::ja::{address, identifiers, wareki};

/// A number to find on its digits, across separators.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Digits {
    digits: String,
    /// Leading zeros in the note are skipped (IDs lose them in spreadsheets).
    strip_zeros: bool,
    tag: Tag,
}

/// The row's (patient's) own identifiers, added column by column and searched in its notes,
/// even when the column itself is dropped from the output. Reuse one across rows with
/// [`Identity::clear`].
///
/// # Example
/// ```
/// use deid_kit::detect::ColumnKind;
/// use deid_kit::scrub::{Identity, Options, Scrubber};
/// let mut id = Identity::new();
/// id.add(ColumnKind::Name, "髙橋 誠");
/// id.add(ColumnKind::NameKana, "タカハシ マコト");
/// id.add(ColumnKind::PatientId, "000123456");
/// let (out, _) = Scrubber::new(Options::default()).scrub("高橋さん(たかはし)、ID 123456。", &id);
/// assert_eq!(out, "＜氏名＞さん(＜氏名＞)、ID ＜ID＞。");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Identity {
    /// Every value added since [`Identity::clear`] (and, past `live`, the previous row's), with
    /// what it contributed: the spellings below are appended value by value, so the first
    /// `live` steps' spellings are a prefix of each list.
    steps: Vec<Step>,
    /// How many of `steps` belong to this row. After `clear` the previous row's steps stay, and
    /// each value added that equals the next of them only moves this on.
    live: usize,
    /// Name-view strings (names, readings, address parts) and whether they need an honorific
    /// after them (single characters).
    names: Vec<(String, bool, Tag)>,
    /// Text-view strings (e-mail, non-numeric IDs).
    texts: Vec<(String, Tag)>,
    numbers: Vec<Digits>,
}

/// One value added to an [`Identity`] and the list lengths after it.
#[derive(Debug, Clone)]
struct Step {
    /// The column kind, or `None` for [`Identity::set_patient`].
    kind: Option<ColumnKind>,
    /// The value as given (trimmed for `add`).
    value: String,
    /// The patient it set (normalized), if it set one.
    patient: Option<String>,
    names: usize,
    texts: usize,
    numbers: usize,
}

impl Identity {
    /// An empty identity.
    pub fn new() -> Identity {
        Identity::default()
    }

    /// Forgets every value (keeps the allocations, and the values themselves for a next row
    /// that adds the same ones).
    pub fn clear(&mut self) {
        self.live = 0;
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        let (names, texts, numbers) = self.lengths();
        names == 0 && texts == 0 && numbers == 0
    }

    /// Sets the patient whose surrogates these are (normalized, leading zeros stripped);
    /// [`Identity::add`] with [`ColumnKind::PatientId`] sets it too.
    pub fn set_patient(&mut self, id: &str) {
        if self.replays(None, id) {
            return;
        }
        let patient = patient_id(id, true);
        self.push_step(None, id, Some(patient));
    }

    /// The patient set by [`Identity::set_patient`] (empty when none).
    pub fn patient(&self) -> &str {
        self.steps
            .get(..self.live)
            .unwrap_or_default()
            .iter()
            .rev()
            .find_map(|step| step.patient.as_deref())
            .unwrap_or_default()
    }

    /// The lengths of this row's prefix of each list.
    fn lengths(&self) -> (usize, usize, usize) {
        self.live
            .checked_sub(1)
            .and_then(|last| self.steps.get(last))
            .map_or((0, 0, 0), |step| (step.names, step.texts, step.numbers))
    }

    /// Whether the previous row's next step is this very value, and if so takes it over.
    /// Otherwise drops the previous row's remaining steps and their spellings, so that the
    /// value is added after exactly this row's.
    fn replays(&mut self, kind: Option<ColumnKind>, value: &str) -> bool {
        if self.live >= self.steps.len() {
            return false;
        }
        if let Some(step) = self.steps.get(self.live) {
            if step.kind == kind && step.value == value {
                self.live += 1;
                return true;
            }
        }
        let (names, texts, numbers) = self.lengths();
        self.steps.truncate(self.live);
        self.names.truncate(names);
        self.texts.truncate(texts);
        self.numbers.truncate(numbers);
        false
    }

    /// Records a value just added, with the list lengths after it.
    fn push_step(&mut self, kind: Option<ColumnKind>, value: &str, patient: Option<String>) {
        self.steps.push(Step {
            kind,
            value: value.to_owned(),
            patient,
            names: self.names.len(),
            texts: self.texts.len(),
            numbers: self.numbers.len(),
        });
        self.live = self.steps.len();
    }

    /// Adds a value of the row. `kind` is what its column holds; for [`ColumnKind::Unknown`] the
    /// value's own shape decides (phone, e-mail, postal code, My Number, date, long number).
    pub fn add(&mut self, kind: ColumnKind, value: &str) {
        let value = value.trim();
        if value.is_empty() || self.replays(Some(kind), value) {
            return;
        }
        let mut patient = None;
        match kind {
            ColumnKind::Name => self.add_name(value, false),
            ColumnKind::NameKana => self.add_name(value, true),
            ColumnKind::PatientId => {
                if self.patient().is_empty() {
                    patient = Some(patient_id(value, true));
                }
                self.add_number(value, true, Tag::Id);
            }
            ColumnKind::BirthDate => self.add_date(value),
            ColumnKind::Phone => self.add_number(value, false, Tag::Phone),
            ColumnKind::PostalCode => {
                self.add_number(value.trim_start_matches('〒'), false, Tag::Postal)
            }
            ColumnKind::Address => self.add_address(value),
            ColumnKind::Email => self.push_text(normalize(value, Options::default()), Tag::Email),
            ColumnKind::MyNumber
            | ColumnKind::InsurerNumber
            | ColumnKind::InsuredSymbol
            | ColumnKind::InsuredNumber
            | ColumnKind::PublicPayerNumber
            | ColumnKind::PublicRecipientNumber
            | ColumnKind::Financial
            | ColumnKind::OtherIdentifier => self.add_number(value, true, Tag::Id),
            ColumnKind::Unknown => self.add_by_shape(value),
            _ => {}
        }
        self.push_step(Some(kind), value, patient);
    }

    fn add_by_shape(&mut self, value: &str) {
        match identifiers::recognize(value) {
            Some(identifiers::Kind::Email) => {
                self.push_text(normalize(value, Options::default()), Tag::Email)
            }
            Some(identifiers::Kind::Phone) => self.add_number(value, false, Tag::Phone),
            Some(identifiers::Kind::PostalCode) => {
                self.add_number(value.trim_start_matches('〒'), false, Tag::Postal)
            }
            Some(_) => self.add_number(value, true, Tag::Id),
            None => {
                if wareki::parse(value).is_ok() {
                    self.add_date(value);
                } else if identifiers::digits_of(&normalize(value, Options::default()))
                    .is_some_and(|d| d.len() >= 4)
                {
                    self.add_number(value, true, Tag::Id);
                }
            }
        }
    }

    fn push_name(&mut self, variant: String, tag: Tag) {
        let chars = variant.chars().count();
        if chars == 0 || self.names.iter().any(|(v, _, _)| *v == variant) {
            return;
        }
        self.names.push((variant, chars < 2, tag));
    }

    fn push_text(&mut self, text: String, tag: Tag) {
        if text.chars().count() >= 2 && !self.texts.iter().any(|(t, _)| *t == text) {
            self.texts.push((text, tag));
        }
    }

    /// A name or its reading: the whole, and family and given name alone (split at a space, or
    /// by the lexicon's surnames when there is none).
    fn add_name(&mut self, value: &str, kana: bool) {
        let spaced = normalize(value, Options::default());
        let full = normalize(value, Options::NAME);
        let parts: Vec<String> = spaced
            .split(' ')
            .map(|p| normalize(p, Options::NAME))
            .filter(|p| !p.is_empty())
            .collect();
        self.push_name(full.clone(), Tag::Name);
        if parts.len() > 1 {
            for p in parts {
                self.push_name(p, Tag::Name);
            }
            return;
        }
        if let Some((family, given)) = split_name(&full, kana) {
            self.push_name(family.to_owned(), Tag::Name);
            self.push_name(given.to_owned(), Tag::Name);
        }
    }

    /// A number (ID, phone, postal code) found on its digits; other IDs as text.
    fn add_number(&mut self, value: &str, strip_zeros: bool, tag: Tag) {
        let text = normalize(value, Options::default());
        match identifiers::digits_of(&text) {
            Some(digits) => {
                let digits = if strip_zeros {
                    let stripped = digits.trim_start_matches('0');
                    if stripped.is_empty() { "0" } else { stripped }.to_owned()
                } else {
                    digits
                };
                // One or two digits (枝番) would match everywhere.
                if digits.len() >= 3 {
                    let number = Digits {
                        digits,
                        strip_zeros,
                        tag,
                    };
                    if !self.numbers.contains(&number) {
                        self.numbers.push(number);
                    }
                }
            }
            None => self.push_text(text, tag),
        }
    }

    /// A birth date: its compact spellings as numbers (19580314, era code 3330314); the
    /// written spellings are dates to the pattern detector anyway.
    fn add_date(&mut self, value: &str) {
        let Ok(date) = wareki::parse(value) else {
            return;
        };
        let compact = format!("{:04}{:02}{:02}", date.year, date.month, date.day);
        self.add_number(&compact, false, Tag::Date);
        if let Some(code) = wareki::format(date, wareki::Style::Code) {
            self.add_number(&code, false, Tag::Date);
        }
    }

    /// An address: whole, without the prefecture, from the municipality on, and its 町域
    /// (town) alone.
    fn add_address(&mut self, value: &str) {
        let full = normalize(value, Options::NAME);
        let full = full.trim_start_matches('〒').to_owned();
        let parts = address::split(&full);
        let rest = parts.rest.to_owned();
        let after_prefecture = match parts.prefecture {
            Some(p) => full
                .get(full.find(p).map_or(0, |at| at + p.len())..)
                .map(str::to_owned),
            None => None,
        };
        let town: String = rest
            .chars()
            .take_while(|c| !c.is_ascii_digit() && !is_street_char(*c) && !is_hyphenish(*c))
            .collect();
        let town = town
            .trim_end_matches(|c: char| "〇一二三四五六七八九十".contains(c))
            .to_owned();
        let building: String = rest
            .chars()
            .skip(town.chars().count())
            .skip_while(|c| c.is_ascii_digit() || is_street_char(*c) || is_hyphenish(*c))
            .collect();
        if building.chars().count() >= 3 {
            self.push_address(building);
        }
        if parts.municipality.is_some() || parts.prefecture.is_some() {
            self.push_address(full.clone());
        }
        if let Some(after) = after_prefecture {
            self.push_address(after);
        }
        if parts.municipality.is_some() {
            self.push_address(rest.clone());
            if town.chars().count() >= 2 {
                self.push_address(town);
            }
        }
    }

    fn push_address(&mut self, variant: String) {
        if variant.chars().count() >= 2 {
            self.push_name(variant, Tag::Address);
        }
    }
}

fn is_hyphenish(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '−' | 'ー' | '―')
}

fn is_street_char(c: char) -> bool {
    matches!(
        c,
        '丁' | '目'
            | '番'
            | '地'
            | '号'
            | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
    )
}

/// Splits a name without a space: the lexicon surname prefix whose remainder is a given name,
/// else the longest surname prefix that leaves something.
fn split_name(full: &str, kana: bool) -> Option<(&str, &str)> {
    let lexicon = lexicon();
    let mut fallback = None;
    for (len, entry) in lexicon.prefixes(full) {
        let is_surname = if kana {
            entry.surname_kana()
        } else {
            entry.surname()
        };
        if !is_surname || len >= full.len() {
            continue;
        }
        let (family, given) = (full.get(..len)?, full.get(len..)?);
        let g = lexicon.get(given);
        if if kana { g.given_kana() } else { g.given() } {
            return Some((family, given));
        }
        fallback = Some((family, given));
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_split_without_space() {
        assert_eq!(split_name("田中太郎", false), Some(("田中", "太郎")));
        assert_eq!(split_name("タナカタロウ", true), Some(("タナカ", "タロウ")));
        assert_eq!(split_name("太郎", false), None);
    }

    #[test]
    fn values_are_normalized_once() {
        let mut id = Identity::new();
        id.add(ColumnKind::Name, "髙橋　誠");
        id.add(ColumnKind::PatientId, "０００１２３");
        id.add(ColumnKind::Phone, "(03)1234-5678");
        assert!(id.names.iter().any(|(v, short, _)| v == "高橋誠" && !short));
        assert!(id.names.iter().any(|(v, short, _)| v == "誠" && *short));
        assert_eq!(id.patient(), "123");
        assert!(id.numbers.iter().any(|d| d.digits == "0312345678"));
        id.clear();
        assert!(id.is_empty());
    }
}
