//! What the finders' tests share: the spans one finder (`patterns::find`, `names::find`) gives
//! for a text after overlap resolution, and the two assertions made on them.

use super::view::{Fold, View};
use super::{resolve, Span, Tag};

/// A finder: appends the spans it finds in `original` (seen through `view`) to `out`.
pub(super) type Find = fn(&str, &View, &mut Vec<Span>);

/// The spans `find` gives for `text`, after overlap resolution, as (text, tag).
pub(super) fn spans(find: Find, text: &str) -> Vec<(String, Tag)> {
    let view = View::new(text, Fold::Text);
    let mut out = Vec::new();
    find(text, &view, &mut out);
    resolve(text, out)
        .into_iter()
        .map(|s| (text[s.start..s.end].to_owned(), s.tag))
        .collect()
}

/// Asserts that `find` tags `expected` in `text` as `tag`.
pub(super) fn assert_has(find: Find, text: &str, expected: &str, tag: Tag) {
    let found = spans(find, text);
    assert!(
        found.iter().any(|(s, t)| s == expected && *t == tag),
        "{text:?}: expected {expected:?} as {tag:?}, got {found:?}"
    );
}

/// Asserts that `find` tags nothing in `text`.
pub(super) fn assert_none(find: Find, text: &str) {
    let found = spans(find, text);
    assert!(
        found.is_empty(),
        "{text:?}: expected nothing, got {found:?}"
    );
}
