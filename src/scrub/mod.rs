//! Free-text scrubbing of Japanese clinical notes (医師所見, 看護記録, 紹介状): every identifier in
//! a note is found and replaced by a tag (＜氏名＞, ＜電話番号＞ …) or by a consistent surrogate,
//! and the clinical sentence around it is kept byte for byte.
//!
//! Three detectors feed one list of spans:
//! - record-aware ([`Identity`]): the row's own name, reading, ID, phone, birth date, postal
//!   code and address in every spelling (`identity.rs`);
//! - patterns with validation: phone, postal code, e-mail, URL, My Number, insurance numbers,
//!   ID-like numbers, dates, ages, addresses (`patterns/`);
//! - names of other people and facilities, from the lexicon plus context (`names/`).
//!
//! Every detector searches a normalized view of the note (`view.rs`) and maps its matches back
//! to the original text, so spans always fall on char boundaries. Output is deterministic: the
//! same text, identity and options give the same bytes on native and wasm32.

mod identity;
pub mod lexicon;
mod names;
mod patterns;
mod view;

use serde::{Deserialize, Serialize};

pub use identity::Identity;

use crate::key::Subkey;
use crate::SiteKey;
use view::{Fold, View};

/// What kind of identifier a span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// A person's name (氏名) or its reading.
    Name,
    /// A phone number (電話番号).
    Phone,
    /// An address (住所) or a part of one below the prefecture.
    Address,
    /// A postal code (郵便番号).
    Postal,
    /// A date (日付), full or partial.
    Date,
    /// An age (年齢).
    Age,
    /// A named facility (施設名): hospital, clinic, pharmacy, care home.
    Facility,
    /// A patient ID, My Number, insurance number or other identifying number.
    Id,
    /// An e-mail address.
    Email,
    /// A URL.
    Url,
}

impl Tag {
    /// Every tag, in report order.
    pub const ALL: [Tag; 10] = [
        Tag::Name,
        Tag::Phone,
        Tag::Address,
        Tag::Postal,
        Tag::Date,
        Tag::Age,
        Tag::Facility,
        Tag::Id,
        Tag::Email,
        Tag::Url,
    ];

    /// The replacement written into the text.
    ///
    /// # Example
    /// ```
    /// assert_eq!(deid_kit::scrub::Tag::Name.label(), "＜氏名＞");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Tag::Name => "＜氏名＞",
            Tag::Phone => "＜電話番号＞",
            Tag::Address => "＜住所＞",
            Tag::Postal => "＜郵便番号＞",
            Tag::Date => "＜日付＞",
            Tag::Age => "＜年齢＞",
            Tag::Facility => "＜施設名＞",
            Tag::Id => "＜ID＞",
            Tag::Email => "＜メール＞",
            Tag::Url => "＜URL＞",
        }
    }

    /// The report key (`"name"`, `"phone"` …).
    pub fn name(self) -> &'static str {
        match self {
            Tag::Name => "name",
            Tag::Phone => "phone",
            Tag::Address => "address",
            Tag::Postal => "postal",
            Tag::Date => "date",
            Tag::Age => "age",
            Tag::Facility => "facility",
            Tag::Id => "id",
            Tag::Email => "email",
            Tag::Url => "url",
        }
    }

    /// The label without its closing bracket, for surrogates (`＜氏名` + `:7K2Q＞`).
    fn stem(self) -> &'static str {
        let label = self.label();
        label.strip_suffix('＞').unwrap_or(label)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Which tag wins between two equally long overlapping spans: the more specific, validated
    /// formats first.
    fn priority(self) -> u8 {
        match self {
            Tag::Email => 0,
            Tag::Url => 1,
            Tag::Phone => 2,
            Tag::Postal => 3,
            Tag::Id => 4,
            Tag::Date => 5,
            Tag::Age => 6,
            Tag::Name => 7,
            Tag::Address => 8,
            Tag::Facility => 9,
        }
    }
}

/// A found identifier: byte range into the scrubbed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it is.
    pub tag: Tag,
}

impl Span {
    fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
}

/// Replacements per [`Tag`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts([u64; 10]);

impl Counts {
    /// How many spans of `tag` were replaced.
    pub fn get(&self, tag: Tag) -> u64 {
        self.0.get(tag.index()).copied().unwrap_or(0)
    }

    /// Counts one more `tag`.
    pub fn add(&mut self, tag: Tag) {
        if let Some(n) = self.0.get_mut(tag.index()) {
            *n = n.saturating_add(1);
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Counts) {
        for (n, m) in self.0.iter_mut().zip(other.0.iter()) {
            *n = n.saturating_add(*m);
        }
    }

    /// The tags with a non-zero count, in [`Tag::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Tag, u64)> + '_ {
        Tag::ALL
            .iter()
            .map(|&tag| (tag, self.get(tag)))
            .filter(|(_, n)| *n > 0)
    }
}

/// Consistent surrogates: the subkey of the site key for purpose `scrub-surrogate`.
#[derive(Clone)]
pub struct Surrogates {
    key: Subkey,
}

impl Surrogates {
    /// Derives the surrogate subkey from the site key.
    pub fn new(key: &SiteKey) -> Surrogates {
        Surrogates {
            key: key.derive("scrub-surrogate"),
        }
    }

    /// Four Crockford base-32 characters: HMAC(subkey, patient ‖ tag ‖ value).
    fn code(&self, patient: &str, tag: Tag, value: &str) -> [u8; 4] {
        use hmac::Mac;
        let mut mac = crate::key::keyed(self.key.as_ref());
        for part in [patient, tag.name(), value] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        let bits = digest
            .iter()
            .take(3)
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut out = [b'0'; 4];
        for (i, slot) in out.iter_mut().enumerate() {
            let shift = 19 - 5 * i as u32;
            let index = ((bits >> shift) & 31) as usize;
            *slot = CROCKFORD.get(index).copied().unwrap_or(b'0');
        }
        out
    }
}

impl std::fmt::Debug for Surrogates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Surrogates(..)")
    }
}

/// Scrubbing options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Consistent surrogates instead of bare tags: `＜氏名:7K2Q＞`, where the four Crockford
    /// base-32 characters are a keyed hash of the patient (its normalized ID, see
    /// [`Identity::set_patient`]) and the normalized value: the same name gives the same
    /// surrogate within one patient, and unrelated ones across patients.
    pub surrogates: Option<Surrogates>,
}

/// The scrubber: options plus the embedded lexicon. Cheap to build; build it once per run and
/// reuse it for every note.
#[derive(Debug, Clone)]
pub struct Scrubber {
    options: Options,
}

impl Scrubber {
    /// A scrubber with `options`.
    pub fn new(options: Options) -> Scrubber {
        Scrubber { options }
    }

    /// Every identifier in `text`: sorted by start, non-overlapping (overlaps resolved: longest
    /// wins, then tag priority).
    ///
    /// # Example
    /// ```
    /// use deid_kit::scrub::{Identity, Options, Scrubber, Tag};
    /// let s = Scrubber::new(Options::default());
    /// let spans = s.find("TEL 090-1234-5678 まで", &Identity::new());
    /// assert_eq!(spans.len(), 1);
    /// assert_eq!(spans[0].tag, Tag::Phone);
    /// ```
    pub fn find(&self, text: &str, identity: &Identity) -> Vec<Span> {
        if text.is_empty() {
            return Vec::new();
        }
        let view = View::new(text, Fold::Text);
        let mut found = Vec::new();
        patterns::find(text, &view, &mut found);
        names::find(text, &view, &mut found);
        if !identity.is_empty() {
            let name_view = view.name_fold();
            identity.find(text, &view, &name_view, &mut found);
        }
        resolve(text, found)
    }

    /// Writes `text` with each span replaced by its tag's label (or a surrogate, with the
    /// identity's patient), counting replacements.
    ///
    /// # Example
    /// ```
    /// use deid_kit::detect::ColumnKind;
    /// use deid_kit::scrub::{Counts, Identity, Options, Scrubber, Tag};
    /// let mut id = Identity::new();
    /// id.add(ColumnKind::Name, "山田 太郎");
    /// let (mut out, mut counts) = (String::new(), Counts::default());
    /// Scrubber::new(Options::default()).scrub_into("山田太郎様、血圧安定。", &id, &mut out, &mut counts);
    /// assert_eq!(out, "＜氏名＞様、血圧安定。");
    /// assert_eq!(counts.get(Tag::Name), 1);
    /// ```
    pub fn scrub_into(
        &self,
        text: &str,
        identity: &Identity,
        out: &mut String,
        counts: &mut Counts,
    ) {
        let spans = self.find(text, identity);
        out.reserve(text.len());
        let mut at = 0;
        for span in spans {
            let (Some(before), Some(value)) =
                (text.get(at..span.start), text.get(span.start..span.end))
            else {
                continue;
            };
            out.push_str(before);
            match &self.options.surrogates {
                Some(surrogates) => {
                    let value = surrogate_value(span.tag, value);
                    let code = surrogates.code(identity.patient(), span.tag, &value);
                    out.push_str(span.tag.stem());
                    out.push(':');
                    out.extend(code.iter().map(|&b| char::from(b)));
                    out.push('＞');
                }
                None => out.push_str(span.tag.label()),
            }
            counts.add(span.tag);
            at = span.end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
    }

    /// [`Scrubber::scrub_into`] into a new string.
    pub fn scrub(&self, text: &str, identity: &Identity) -> (String, Counts) {
        let mut out = String::new();
        let mut counts = Counts::default();
        self.scrub_into(text, identity, &mut out, &mut counts);
        (out, counts)
    }
}

/// The value a surrogate hashes: name-normalized, without spaces, and for numbers only the
/// digits, so that 髙橋 and 高橋, or 090-1234-5678 and 09012345678, get one surrogate.
fn surrogate_value(tag: Tag, value: &str) -> String {
    let normalized = crate::ja::normalize::normalize(value, crate::ja::normalize::Options::NAME);
    match tag {
        Tag::Phone | Tag::Id | Tag::Postal => {
            let digits: String = normalized
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let trimmed = digits.trim_start_matches('0');
            if trimmed.is_empty() {
                digits
            } else {
                trimmed.to_owned()
            }
        }
        _ => normalized.chars().filter(|c| !c.is_whitespace()).collect(),
    }
}

/// Sorts and de-overlaps candidate spans: longer spans first, then by tag priority, then the
/// earlier one; a span overlapping one already taken is dropped.
fn resolve(text: &str, mut found: Vec<Span>) -> Vec<Span> {
    found.retain(|s| {
        s.start < s.end
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
            && s.end <= text.len()
    });
    found.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(a.tag.priority().cmp(&b.tag.priority()))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: std::collections::BTreeMap<usize, Span> = std::collections::BTreeMap::new();
    for span in found {
        let before = taken.range(..span.end).next_back();
        if before.is_some_and(|(_, b)| b.end > span.start) {
            continue;
        }
        taken.insert(span.start, span);
    }
    taken.into_values().collect()
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
