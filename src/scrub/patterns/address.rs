//! Addresses: a prefecture and what follows it, or a municipality that a street number, a
//! residence word (在住, 出身) or a preceding 住所 or postal code marks as a place, cut before
//! the clinical words that follow (在宅, 病院, より). The split into prefecture, municipality
//! and rest is `ja::address`'s.

use super::{is_digit, is_hiragana, is_hyphen, is_kanji, is_katakana, kanji_digit, Scan};
use crate::ja::address;
use crate::scrub::view::View;
use crate::scrub::Tag;

impl Scan<'_> {
    /// An address: a prefecture and what follows it, or a municipality with a street number or
    /// a residence word (世田谷区在住).
    pub(super) fn address(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let prev = v.before(i);
        let after_context =
            RESIDENCE_BEFORE.iter().any(|w| v.ends_with(i, w)) || after_postal_code(v, i);
        if is_kanji(prev) && !after_context {
            return None;
        }
        // A municipality may start in hiragana (つくば市, さいたま市, いわき市).
        let from = if is_hiragana(v.at(i)) {
            hiragana_municipality(v, i)?
        } else {
            i
        };
        let limit = (i + 40).min(v.chars.len());
        let candidate_end = address_extent(v, from, limit);
        if candidate_end <= i + 1
            || !(i..candidate_end).any(|k| {
                matches!(
                    v.at(k),
                    '都' | '道' | '府' | '県' | '市' | '区' | '町' | '村' | '郡'
                )
            })
        {
            return None;
        }
        let start_byte = *v.offsets.get(i)?;
        let end_byte = *v.offsets.get(candidate_end)?;
        let candidate = v.text.get(start_byte..end_byte)?;
        let parts = address::split(candidate);
        let municipality = parts.municipality?;
        // The municipality found by rule must start the candidate (or follow the prefecture).
        let head = parts.prefecture.map_or(0, str::len);
        let mun_at = candidate.get(head..)?.trim_start();
        if !mun_at.starts_with(municipality) {
            return None;
        }
        let rest_chars = parts.rest.chars().count();
        let rest_start = candidate_end - rest_chars;
        let rest_end = street_end(v, rest_start, candidate_end);
        let has_street =
            (rest_start..rest_end).any(|k| is_digit(v.at(k)) || kanji_digit(v.at(k)).is_some());
        let residence = RESIDENCE_AFTER.iter().any(|w| v.has(rest_end, w));
        let name = municipality
            .char_indices()
            .next_back()
            .and_then(|(at, _)| municipality.get(..at))
            .unwrap_or("");
        let (known_place, surname) = {
            let lexicon = crate::scrub::lexicon::lexicon();
            let (a, b) = (lexicon.get(name), lexicon.get(municipality));
            (a.place() || b.place(), b.surname())
        };
        let municipality_chars = municipality.chars().count();
        if parts.prefecture.is_none() {
            if !(has_street || residence || known_place || after_context) || municipality_chars < 2
            {
                return None;
            }
            // 木村病, 中村さん: a surname that ends in 村 or 町 is a municipality only with
            // a street number or a residence word.
            if is_common_municipality_word(municipality)
                || (surname && !has_street && !residence && !after_context)
                || ["病", "症", "さん", "様", "先生", "氏"]
                    .iter()
                    .any(|w| v.has(rest_start, w))
            {
                return None;
            }
        }
        let mut end = if rest_end > rest_start {
            rest_end
        } else {
            candidate_end - rest_chars
        };
        while end > rest_start && v.at(end - 1) == 'の' {
            end -= 1;
        }
        // A building after a comma (…4-1-2, ハイツ502).
        if has_street && matches!(v.at(end), ',' | '、') {
            let mut k = end + 1;
            if v.at(k) == ' ' {
                k += 1;
            }
            let b = k;
            while is_katakana(v.at(k)) || is_kanji(v.at(k)) {
                k += 1;
            }
            if k > b && is_digit(v.at(k)) {
                while is_digit(v.at(k)) || matches!(v.at(k), '号' | '室' | '-') {
                    k += 1;
                }
                end = k;
            }
        }
        self.emit(i, end, Tag::Address);
        Some(end)
    }
}

/// Words before a place name that make it a residence.
const RESIDENCE_BEFORE: [&str; 4] = ["住所", "自宅", "現住所", "居住地"];
/// Words after a place name that make it a residence.
const RESIDENCE_AFTER: [&str; 8] = [
    "在住",
    "出身",
    "在",
    "から転",
    "へ転",
    "に転",
    "の自宅",
    "に住",
];

/// Municipality-shaped words of clinical text (市販, 区域 never reach here; these do).
fn is_common_municipality_word(m: &str) -> bool {
    matches!(
        m,
        "都市" | "地区" | "学区" | "市町村" | "同市" | "同区" | "同町" | "当市" | "当区" | "近隣市"
    )
}

/// Where an address candidate from `i` stops: at punctuation, whitespace runs, particles.
fn address_extent(v: &View, i: usize, limit: usize) -> usize {
    let mut j = i;
    while j < limit {
        let c = v.at(j);
        let ok = is_kanji(c)
            || is_katakana(c)
            || is_digit(c)
            || is_hyphen(c)
            || c.is_ascii_alphabetic()
            || matches!(c, 'ヶ' | 'ケ' | 'の')
            || (is_hiragana(c) && hiragana_municipality(v, j).is_some())
            || (c == 'が' && is_kanji(v.at(j + 1)))
            || (c == ' ' && (is_digit(v.at(j + 1)) || is_katakana(v.at(j + 1))) && j > i);
        if !ok {
            break;
        }
        // の inside a town name (丸の内, 宮の森): kanji on both sides, and the town ends in a
        // street number or a residence word within three characters.
        if c == 'の' && !(is_kanji(v.before(j)) && is_kanji(v.at(j + 1)) && town_goes_on(v, j + 1))
        {
            break;
        }
        j += 1;
    }
    j
}

/// Whether the hiragana at `j` belongs to a municipality's name (つくば市, さいたま市): where
/// the hiragana stop, before its 市, 町 or 村.
fn hiragana_municipality(v: &View, j: usize) -> Option<usize> {
    let mut k = j;
    while is_hiragana(v.at(k)) && k < j + 6 {
        k += 1;
    }
    matches!(v.at(k), '市' | '町' | '村').then_some(k)
}

/// Whether the kanji after a の end, within three characters, in a street number or a
/// residence word.
fn town_goes_on(v: &View, k: usize) -> bool {
    (k..k + 4).any(|x| {
        is_digit(v.at(x))
            || kanji_digit(v.at(x)).is_some()
            || RESIDENCE_AFTER.iter().any(|w| v.has(x, w))
            || matches!(v.at(x), '\n' | '\0' | '、' | '。' | ' ')
    })
}

/// Whether a postal code (〒 and digits) ends just before `i`.
fn after_postal_code(v: &View, i: usize) -> bool {
    let mut k = i;
    while k > 0 && v.at(k - 1) == ' ' {
        k -= 1;
    }
    let end = k;
    while k > 0 && (is_digit(v.at(k - 1)) || is_hyphen(v.at(k - 1))) {
        k -= 1;
    }
    end - k >= 7 && (v.before(k) == '〒' || v.ends_with(k, "〒 "))
}

/// The end of the street part of an address (町域 + 丁目/番地/号 + building), from `start`,
/// cut before residence and clinical words.
fn street_end(v: &View, start: usize, limit: usize) -> usize {
    let mut j = start;
    while j < limit {
        if STREET_STOPS.iter().any(|w| v.has(j, w)) {
            break;
        }
        j += 1;
    }
    while j > start && (is_hyphen(v.at(j - 1)) || v.at(j - 1) == ' ') {
        j -= 1;
    }
    j
}

const STREET_STOPS: [&str; 22] = [
    "在住",
    "出身",
    "在宅",
    "方面",
    "付近",
    "周辺",
    "近辺",
    "内の",
    "市内",
    "区内",
    "自宅",
    "居住",
    "転居",
    "独居",
    "同居",
    "生まれ",
    "にて",
    "より",
    "から",
    "在",
    "病院",
    "クリニック",
];

#[cfg(test)]
mod tests {
    use super::super::testing::{none, one};
    use crate::scrub::Tag;

    #[test]
    fn addresses() {
        one(
            "住所は東京都世田谷区桜新町2-20-1です",
            "東京都世田谷区桜新町2-20-1",
            Tag::Address,
        );
        one(
            "神奈川県横浜市港北区日吉4-1-1在住",
            "神奈川県横浜市港北区日吉4-1-1",
            Tag::Address,
        );
        one(
            "大阪府大阪市北区梅田１２３番地４にて",
            "大阪府大阪市北区梅田１２３番地４",
            Tag::Address,
        );
        one("世田谷区在住の女性", "世田谷区", Tag::Address);
        one(
            "東京都新宿区西新宿二丁目8番1号",
            "東京都新宿区西新宿二丁目8番1号",
            Tag::Address,
        );
        none("都市部の病院");
    }
}
