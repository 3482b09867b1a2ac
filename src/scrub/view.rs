//! The normalized view of a note that every detector searches: NFKC per character (full-width
//! digits and letters to ASCII, half-width kana to full-width with their voiced marks composed),
//! 異体字 folded, optionally hiragana as katakana and whitespace dropped, with a map from each
//! normalized byte back to the original character it came from, so that a match in the view is a
//! span of the original text on char boundaries.

use unicode_normalization::UnicodeNormalization;

/// How far to fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fold {
    /// NFKC and 異体字 only; whitespace kept (as ASCII spaces and newlines). For patterns and
    /// for context words, which are written in hiragana.
    Text,
    /// Also hiragana as katakana and whitespace dropped: for names and readings, so that
    /// 山田　太郎, 山田太郎, 山田\n太郎, やまだ and ﾔﾏﾀﾞ meet their record values. The scrubber
    /// derives this view from the text view ([`View::name_fold`]); building it from the
    /// original is its definition, which the tests hold the derivation to.
    Name,
}

/// A normalized copy of a text with its way back.
#[derive(Debug, Default)]
pub(crate) struct View {
    /// The normalized text.
    pub text: String,
    /// For each byte of `text`, the byte offset in the original of the character it came from.
    origin: Vec<u32>,
    /// The characters of `text`, for scanners that look around.
    pub chars: Vec<char>,
    /// The byte offset in `text` of each of `chars`, plus `text.len()` at the end.
    pub offsets: Vec<usize>,
}

impl View {
    /// Builds the view of `original` (notes longer than 4 GiB are cut, never indexed wrongly).
    pub fn new(original: &str, fold: Fold) -> View {
        // One view char per original char in the common case; the few that NFKC expands
        // (㍻, ligatures) let the vectors grow.
        let chars = original.chars().count();
        let mut view = View {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(original.len()),
            chars: Vec::with_capacity(chars),
            offsets: Vec::with_capacity(chars + 1),
        };
        let mut buf = [0u8; 4];
        for (at, c) in original.char_indices() {
            let Ok(at32) = u32::try_from(at) else { break };
            if c.is_ascii() {
                let c = if c.is_ascii_whitespace() && c != '\n' {
                    ' '
                } else {
                    c
                };
                if fold == Fold::Name && c.is_ascii_whitespace() {
                    continue;
                }
                view.push(c, at32, &mut buf);
                continue;
            }
            if is_nfkc_stable(c) {
                view.push(fold_char(c, fold), at32, &mut buf);
                continue;
            }
            for n in std::iter::once(c).nfkc() {
                if n.is_whitespace() {
                    if fold == Fold::Text {
                        view.push(' ', at32, &mut buf);
                    }
                    continue;
                }
                // A half-width voiced mark (ﾞ, ﾟ) composes with the kana before it.
                if matches!(n, '\u{3099}' | '\u{309A}') {
                    if let Some(prev) = view.text.chars().next_back() {
                        if let Some(composed) = unicode_normalization::char::compose(prev, n) {
                            let prev_at = view.origin_of(view.text.len() - prev.len_utf8());
                            view.pop();
                            view.push(composed, prev_at, &mut buf);
                            continue;
                        }
                    }
                }
                view.push(fold_char(n, fold), at32, &mut buf);
            }
        }
        view.offsets.push(view.text.len());
        view
    }

    /// The [`Fold::Name`] view of the same original, derived from this [`Fold::Text`] view
    /// instead of normalizing the note a second time: whitespace dropped, hiragana as katakana,
    /// and a voiced mark composed with the character now before it (in `か゛` or `カ ﾞ` the text
    /// view has a space between the two, the name view does not). Equal to
    /// `View::new(original, Fold::Name)`, byte for byte and offset for offset.
    pub fn name_fold(&self) -> View {
        let mut view = View {
            text: String::with_capacity(self.text.len()),
            origin: Vec::with_capacity(self.origin.len()),
            chars: Vec::with_capacity(self.chars.len()),
            offsets: Vec::with_capacity(self.offsets.len()),
        };
        let mut buf = [0u8; 4];
        for (&c, &offset) in self.chars.iter().zip(&self.offsets) {
            if c == ' ' || c == '\n' {
                continue;
            }
            let at = self.origin_of(offset);
            if matches!(c, '\u{3099}' | '\u{309A}') {
                if let Some(prev) = view.text.chars().next_back() {
                    if let Some(composed) = unicode_normalization::char::compose(prev, c) {
                        let prev_at = view.origin_of(view.text.len() - prev.len_utf8());
                        view.pop();
                        view.push(composed, prev_at, &mut buf);
                        continue;
                    }
                }
            }
            view.push(hiragana_as_katakana(c), at, &mut buf);
        }
        view.offsets.push(view.text.len());
        view
    }

    /// The span of the original text behind the view's characters `start..end`.
    pub fn span(
        &self,
        original: &str,
        start: usize,
        end: usize,
        tag: super::Tag,
    ) -> Option<super::Span> {
        let (from, to) =
            self.original(original, *self.offsets.get(start)?, *self.offsets.get(end)?)?;
        Some(super::Span {
            start: from,
            end: to,
            tag,
        })
    }

    /// The character at `i`, or `'\0'` outside the text.
    pub fn at(&self, i: usize) -> char {
        self.chars.get(i).copied().unwrap_or('\0')
    }

    /// The character before `i`, or `'\0'` at the start.
    pub fn before(&self, i: usize) -> char {
        i.checked_sub(1).map_or('\0', |j| self.at(j))
    }

    /// Whether the characters at `i` spell `word`.
    pub fn has(&self, i: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(k, w)| self.at(i + k) == w)
    }

    /// Whether the characters just before `i` spell `word`.
    pub fn ends_with(&self, i: usize, word: &str) -> bool {
        // Backwards from `i`: a mismatch on the last character ends it without counting.
        word.chars()
            .rev()
            .enumerate()
            .all(|(k, w)| i.checked_sub(k + 1).is_some_and(|j| self.at(j) == w))
    }

    /// Appends `c` (from the original byte `at`) to the text, its origin, chars and offsets,
    /// all four in one pass.
    fn push(&mut self, c: char, at: u32, buf: &mut [u8; 4]) {
        self.offsets.push(self.text.len());
        self.chars.push(c);
        let s = c.encode_utf8(buf);
        self.text.push_str(s);
        self.origin.extend(std::iter::repeat_n(at, s.len()));
    }

    fn pop(&mut self) {
        if let Some(c) = self.text.pop() {
            self.origin
                .truncate(self.origin.len().saturating_sub(c.len_utf8()));
            self.chars.pop();
            self.offsets.pop();
        }
    }

    fn origin_of(&self, at: usize) -> u32 {
        self.origin.get(at).copied().unwrap_or(0)
    }

    /// The original byte range of the view's range `start..end`, widened to whole original
    /// characters.
    pub fn original(&self, original: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let from = usize::try_from(*self.origin.get(start)?).ok()?;
        let last = usize::try_from(*self.origin.get(end - 1)?).ok()?;
        let mut end = last + original.get(last..)?.chars().next()?.len_utf8();
        // A half-width voiced mark was composed into the kana before it.
        while let Some(c) = original.get(end..).and_then(|r| r.chars().next()) {
            if !matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}' | '\u{309A}') {
                break;
            }
            end += c.len_utf8();
        }
        Some((from, end))
    }
}

/// Characters NFKC leaves alone: CJK ideographs, hiragana and katakana (except the spacing
/// voiced marks ゛゜ and the digraphs ゟ ヿ, which decompose).
fn is_nfkc_stable(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' | '\u{30A1}'..='\u{30FE}' | '\u{4E00}'..='\u{9FFF}' | '\u{3005}' | '\u{3006}' | '\u{3001}' | '\u{3002}' | '\u{300C}'..='\u{300F}')
}

fn fold_char(c: char, fold: Fold) -> char {
    match fold {
        Fold::Text => fold_variant(c),
        Fold::Name => match c {
            '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => hiragana_as_katakana(c),
            _ => fold_variant(c),
        },
    }
}

/// Hiragana (and ゝゞ) as the katakana 0x60 above it; anything else unchanged.
fn hiragana_as_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(u32::from(c) + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// 異体字 folded as the crate's name normalization folds them, one character at a time, so
/// that the view keeps one character per original character.
fn fold_variant(c: char) -> char {
    if u32::from(c) < 0x3400 {
        return c;
    }
    let table = variants();
    match table.binary_search_by_key(&c, |(from, _)| *from) {
        Ok(i) => table.get(i).map_or(c, |(_, to)| *to),
        Err(_) => c,
    }
}

/// The ideographs that name normalization maps to another single character, found once by
/// asking `ja::normalize` itself (so the two never disagree), sorted for binary search.
fn variants() -> &'static [(char, char)] {
    static TABLE: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let ranges = [0x3400u32..=0x9FFF, 0xF900..=0xFAFF, 0x20000..=0x2A6DF];
        let mut table = Vec::new();
        let mut buf = [0u8; 4];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let folded = crate::ja::normalize::normalize(
                c.encode_utf8(&mut buf),
                crate::ja::normalize::Options::NAME,
            );
            let mut chars = folded.chars();
            if let (Some(f), None) = (chars.next(), chars.next()) {
                if f != c {
                    table.push((c, f));
                }
            }
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_back_to_original_chars() {
        let text = "ﾀﾅｶﾞ　髙橋さん０３";
        let v = View::new(text, Fold::Text);
        assert_eq!(v.text, "タナガ 高橋さん03");
        let at = v.text.find("高橋").unwrap();
        let (s, e) = v.original(text, at, at + "高橋".len()).unwrap();
        assert_eq!(&text[s..e], "髙橋");
        let at = v.text.find("ガ").unwrap();
        let (s, e) = v.original(text, at, at + "ガ".len()).unwrap();
        assert_eq!(&text[s..e], "ｶﾞ");
        let n = View::new("やまだ\n太郎　様", Fold::Name);
        assert_eq!(n.text, "ヤマダ太郎様");
    }

    fn assert_same(a: &View, b: &View, text: &str) {
        assert_eq!(a.text, b.text, "{text:?}");
        assert_eq!(a.origin, b.origin, "{text:?}");
        assert_eq!(a.chars, b.chars, "{text:?}");
        assert_eq!(a.offsets, b.offsets, "{text:?}");
    }

    #[test]
    fn name_fold_equals_a_name_view_built_from_the_original() {
        let cases = [
            "",
            "やまだ\n太郎　様",
            "ﾀﾅｶﾞ　髙橋さん０３",
            // Voiced marks after a space, a line break, a full-width space or a spacing mark:
            // the text view keeps something between, the name view composes.
            "か ﾞ",
            "カ\nﾟ",
            "は　ﾟ",
            "か゛き゜",
            "わﾞヰﾞゝﾞ",
            "ｳﾞ ｳ ﾞ う゛",
            "\u{3099}始まり",
            " ﾞ",
            "ﾞﾞﾞ",
            "ワ\u{3099}",
            "㍻3年 ㈱ﾔﾏﾀﾞ\tﾀﾛｳ\r\n\u{000B}\u{0085}\u{2028}end",
            "𠮷野家ｱｲｳ①②ⅢＡＢＣ　ｰ－",
        ];
        for text in cases {
            let text_view = View::new(text, Fold::Text);
            assert_same(&text_view.name_fold(), &View::new(text, Fold::Name), text);
        }
        // Every character from U+0000 to U+FFFF (and some beyond) alone and around kana and
        // voiced marks.
        let mut text = String::new();
        for c in (0u32..0x1_0000)
            .chain(0x2_0000..0x2_0100)
            .filter_map(char::from_u32)
        {
            for (before, after) in [("", ""), ("か", "ﾞ"), ("わ", " ﾟ"), ("ｶ", "\u{3099}")]
            {
                text.clear();
                text.push_str(before);
                text.push(c);
                text.push_str(after);
                let text_view = View::new(&text, Fold::Text);
                assert_same(&text_view.name_fold(), &View::new(&text, Fold::Name), &text);
            }
        }
    }
}
