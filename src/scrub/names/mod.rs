//! Names of people other than the patient (family, staff, referring doctors) and of facilities,
//! from the lexicon plus context: honorifics after a name (様, さん, 先生 …), kinship and role
//! words before it (長男, 妻, 主治医 …), a surname followed by a given name. Words that are also
//! ordinary words (森, 林, 春, 誠 …) count only with context, and a name followed by a disease
//! word (橋本病, 川崎病) is the disease.
//!
//! This module owns the pass over the view ([`find`]); the context words and their checks are
//! in `context`, person names in `people`, facility names in `facility`.

mod context;
mod facility;
mod people;

pub(super) use context::eponym_at;

use super::patterns::{is_kanji, is_katakana};
use super::view::View;
use super::{Span, Tag};
use context::honorific_at;

/// Appends every name and facility found in `view` (of `original`) to `out`.
pub(crate) fn find(original: &str, view: &View, out: &mut Vec<Span>) {
    let mut finder = Finder {
        original,
        view,
        out,
    };
    finder.run();
}

struct Finder<'a> {
    original: &'a str,
    view: &'a View,
    out: &'a mut Vec<Span>,
}

impl Finder<'_> {
    fn emit(&mut self, start: usize, end: usize, tag: Tag) {
        if let Some(span) = self.view.span(self.original, start, end, tag) {
            self.out.push(span);
        }
    }

    fn run(&mut self) {
        let v = self.view;
        let n = v.chars.len();
        let mut i = 0;
        while i < n {
            let c = v.at(i);
            if is_kanji(c) || is_katakana(c) {
                self.lexicon_names(i);
            }
            if let Some(len) = honorific_at(v, i) {
                self.before_honorific(i);
                i += len.max(1);
                continue;
            }
            if facility::may_start_here(c) {
                if let Some(end) = self.facility(i) {
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }
}

/// What the detectors' tests share: `scrub::testing`'s assertions, for this `find`.
#[cfg(test)]
mod testing {
    use super::super::testing::{assert_has, assert_none};
    use super::find;
    use crate::scrub::Tag;

    pub(super) fn has(text: &str, expected: &str, tag: Tag) {
        assert_has(find, text, expected, tag);
    }

    pub(super) fn none(text: &str) {
        assert_none(find, text);
    }
}
