//! Scoring of free-text scrubbing against the gold spans of `scripts/notes.py`: loading the notes,
//! building each note's [`Identity`] from its record, converting the scrubber's byte spans to char
//! indices, and the metrics (per-tag recall and precision, identifiers left, kept text, clinical
//! kept). `bench/scrub/evaluate.py` computes the same numbers in Python for any tool's spans:
//! change both together.
#![allow(dead_code)] // the test and the example each use a part

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use deid_kit::detect::ColumnKind;
use deid_kit::scrub::{Identity, Span, Tag};
use serde::{Deserialize, Serialize};

/// The tags of notes.py, in report order.
pub const TAGS: [&str; 10] = [
    "name", "phone", "address", "postal", "date", "age", "facility", "id", "email", "url",
];

/// A span in char (Unicode code point) indices, end exclusive: notes.py's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharSpan {
    pub start: usize,
    pub end: usize,
    pub tag: String,
}

/// A clinical mention the scrubber must keep (disease, drug, lab, value, dose, time, duration).
#[derive(Debug, Clone, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub term: String,
}

/// One line of notes.py's JSONL.
#[derive(Debug, Clone, Deserialize)]
pub struct Note {
    pub id: String,
    pub record: BTreeMap<String, String>,
    pub text: String,
    pub spans: Vec<CharSpan>,
    pub clinical: Vec<Mention>,
}

/// One line of a tool's output: the spans it found in note `id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Found {
    pub id: String,
    pub spans: Vec<CharSpan>,
}

pub fn load_notes(path: &Path) -> Result<Vec<Note>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// The record's columns as the scrubber's caller would declare them.
pub fn identity_of(record: &BTreeMap<String, String>, identity: &mut Identity) {
    identity.clear();
    let columns = [
        ("患者ID", ColumnKind::PatientId),
        ("氏名", ColumnKind::Name),
        ("カナ氏名", ColumnKind::NameKana),
        ("生年月日", ColumnKind::BirthDate),
        ("電話番号", ColumnKind::Phone),
        ("郵便番号", ColumnKind::PostalCode),
        ("住所", ColumnKind::Address),
    ];
    for (column, kind) in columns {
        if let Some(value) = record.get(column) {
            identity.add(kind, value);
        }
    }
}

/// Byte spans to char spans. A span edge inside a char (a scrubber bug) widens the span to whole
/// chars rather than failing, so the score still counts what it covered.
pub fn to_char_spans(text: &str, spans: &[Span]) -> Vec<CharSpan> {
    let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let floor = |byte: usize| starts.partition_point(|&b| b <= byte).saturating_sub(1);
    let ceil = |byte: usize| starts.partition_point(|&b| b < byte);
    spans
        .iter()
        .map(|span| CharSpan {
            start: floor(span.start),
            end: ceil(span.end),
            tag: tag_name(span.tag).to_owned(),
        })
        .collect()
}

pub fn tag_name(tag: Tag) -> &'static str {
    tag.name()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct TagScore {
    /// Gold spans of this tag, and how many were wholly covered by predictions of any tag.
    pub gold: u64,
    pub found: u64,
    /// Predicted spans of this tag, and how many overlap some gold span (of any tag).
    pub predicted: u64,
    pub correct: u64,
}

#[derive(Debug, Default, Clone)]
pub struct Score {
    pub notes: u64,
    pub chars: u64,
    pub tags: BTreeMap<String, TagScore>,
    /// Chars outside every gold span, and those of them no prediction covers.
    pub plain_chars: u64,
    pub plain_kept: u64,
    /// Clinical mentions, and those with no char covered; the same per term.
    pub clinical: u64,
    pub clinical_kept: u64,
    pub terms: BTreeMap<String, (u64, u64)>,
    /// Up to `keep_examples` misses and over-scrubbings, for reading.
    pub missed: Vec<String>,
    pub overscrubbed: Vec<String>,
    pub keep_examples: usize,
}

pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Score {
    pub fn new(keep_examples: usize) -> Score {
        let mut score = Score {
            keep_examples,
            ..Score::default()
        };
        for tag in TAGS {
            score.tags.insert(tag.to_owned(), TagScore::default());
        }
        score
    }

    pub fn add(&mut self, note: &Note, predicted: &[CharSpan]) {
        let chars: Vec<char> = note.text.chars().collect();
        let len = chars.len();
        let mut covered = vec![false; len];
        for span in predicted {
            for c in covered.iter_mut().take(span.end.min(len)).skip(span.start) {
                *c = true;
            }
        }
        let mut gold = vec![false; len];
        for span in &note.spans {
            for g in gold.iter_mut().take(span.end.min(len)).skip(span.start) {
                *g = true;
            }
        }
        let piece = |start: usize, end: usize| -> String {
            chars
                .get(start.min(len)..end.min(len))
                .unwrap_or_default()
                .iter()
                .collect()
        };
        self.notes += 1;
        self.chars += len as u64;
        for span in &note.spans {
            let whole = span.end.min(len) > span.start
                && covered
                    .get(span.start..span.end.min(len))
                    .is_some_and(|cs| cs.iter().all(|&c| c));
            let entry = self.tags.entry(span.tag.clone()).or_default();
            entry.gold += 1;
            if whole {
                entry.found += 1;
            } else if self.missed.len() < self.keep_examples {
                self.missed.push(format!(
                    "{} {}: {:?}",
                    note.id,
                    span.tag,
                    piece(span.start, span.end)
                ));
            }
        }
        for span in predicted {
            let hit = note
                .spans
                .iter()
                .any(|g| span.start < g.end && g.start < span.end);
            let entry = self.tags.entry(span.tag.clone()).or_default();
            entry.predicted += 1;
            if hit {
                entry.correct += 1;
            } else if self.overscrubbed.len() < self.keep_examples {
                self.overscrubbed.push(format!(
                    "{} {}: {:?}",
                    note.id,
                    span.tag,
                    piece(span.start, span.end)
                ));
            }
        }
        for (&is_gold, &is_covered) in gold.iter().zip(&covered) {
            if !is_gold {
                self.plain_chars += 1;
                if !is_covered {
                    self.plain_kept += 1;
                }
            }
        }
        for mention in &note.clinical {
            let kept = !covered
                .get(mention.start.min(len)..mention.end.min(len))
                .unwrap_or_default()
                .iter()
                .any(|&c| c);
            self.clinical += 1;
            let term = self.terms.entry(mention.term.clone()).or_default();
            term.0 += 1;
            if kept {
                self.clinical_kept += 1;
                term.1 += 1;
            }
        }
    }

    pub fn tag(&self, tag: &str) -> TagScore {
        self.tags.get(tag).copied().unwrap_or_default()
    }

    pub fn recall(&self, tag: &str) -> f64 {
        let t = self.tag(tag);
        ratio(t.found, t.gold)
    }

    pub fn precision(&self, tag: &str) -> f64 {
        let t = self.tag(tag);
        ratio(t.correct, t.predicted)
    }

    /// Gold identifiers not wholly covered: what a reader could still see.
    pub fn left(&self) -> u64 {
        self.tags.values().map(|t| t.gold - t.found).sum()
    }

    pub fn all_recall(&self) -> f64 {
        let (found, gold) = self
            .tags
            .values()
            .fold((0, 0), |(f, g), t| (f + t.found, g + t.gold));
        ratio(found, gold)
    }

    pub fn all_precision(&self) -> f64 {
        let (correct, predicted) = self
            .tags
            .values()
            .fold((0, 0), |(c, p), t| (c + t.correct, p + t.predicted));
        ratio(correct, predicted)
    }

    pub fn kept_text(&self) -> f64 {
        ratio(self.plain_kept, self.plain_chars)
    }

    pub fn clinical_kept(&self) -> f64 {
        ratio(self.clinical_kept, self.clinical)
    }

    /// A markdown table, the same layout as evaluate.py's.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| tag | gold | recall | predicted | precision |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for tag in TAGS {
            let t = self.tag(tag);
            let _ = writeln!(
                out,
                "| {tag} | {} | {:.4} | {} | {:.4} |",
                t.gold,
                self.recall(tag),
                t.predicted,
                self.precision(tag)
            );
        }
        let (gold, predicted) = self
            .tags
            .values()
            .fold((0, 0), |(g, p), t| (g + t.gold, p + t.predicted));
        let _ = writeln!(
            out,
            "| **all** | {gold} | {:.4} | {predicted} | {:.4} |",
            self.all_recall(),
            self.all_precision()
        );
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "notes {}, chars {}, identifiers left {}, kept text {:.4} ({}/{}), clinical kept {:.4} ({}/{})",
            self.notes,
            self.chars,
            self.left(),
            self.kept_text(),
            self.plain_kept,
            self.plain_chars,
            self.clinical_kept(),
            self.clinical_kept,
            self.clinical
        );
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|(term, (all, kept))| format!("{term} {:.4}", ratio(*kept, *all)))
            .collect();
        let _ = writeln!(out, "clinical kept by term: {}", terms.join(", "));
        out
    }
}
