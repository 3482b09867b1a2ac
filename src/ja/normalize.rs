//! Normalization (正規化, seikika) of values before they are matched or pseudonymized.
//!
//! Normalized text is for comparing and hashing only: kept columns are written exactly as they
//! came in (NFKC turns ㈱ into (株), which is right for matching and wrong for output).

use unicode_normalization::UnicodeNormalization;

/// What to fold beyond NFKC and whitespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Name mode: hiragana to katakana, spaces between family and given name removed, common
    /// 異体字 (itaiji, variant kanji) folded (髙→高, 﨑→崎 …), so that 山田　太郎, 山田太郎 and
    /// やまだ たろう's katakana form meet.
    pub name: bool,
    /// Loose kana, for matching readings only (never for pseudonyms): small kana as large
    /// (ァ→ア, ッ→ツ) and vowel length ignored (the mark ー and a vowel that only lengthens the
    /// one before it are dropped), voiced marks kept. オオノ, オーノ and オノ, サトウ and サトー,
    /// or キャ and キヤ then meet.
    pub loose_kana: bool,
}

impl Options {
    /// Name mode ([`Options::name`]) only.
    pub const NAME: Options = Options {
        name: true,
        loose_kana: false,
    };
}

/// Normalizes `value`: NFKC (full-width ASCII to ASCII, half-width katakana to full-width),
/// trimmed, every run of whitespace folded to one ASCII space; with [`Options::name`], further
/// folded for names.
///
/// # Example
/// ```
/// use deid_kit::ja::normalize::{normalize, Options};
/// assert_eq!(normalize("  ＡＢ１２\u{3000}３ ", Options::default()), "AB12 3");
/// assert_eq!(normalize("髙橋　ｼﾞﾛｳ", Options::NAME), "高橋ジロウ");
/// ```
pub fn normalize(value: &str, options: Options) -> String {
    // Fast path: text that NFKC leaves alone and that has nothing to fold (no space to fold or
    // trim, and in name mode nothing to fold at all) is returned as it is.
    let plain = |c: char| !c.is_whitespace() && (!options.name || fold_name_char(c) == c);
    if !options.loose_kana
        && value.chars().all(plain)
        && unicode_normalization::is_nfkc_quick(value.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut pending_space = false;
    for c in value.nfkc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space && !options.name {
            out.push(' ');
        }
        pending_space = false;
        let c = if options.name { fold_name_char(c) } else { c };
        if options.loose_kana {
            if let Some(c) = fold_loose(c) {
                if !lengthens(out.chars().next_back(), c) {
                    out.push(c);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The vowel of a katakana syllable.
fn vowel(c: char) -> Option<char> {
    const ROWS: [(char, &str); 5] = [
        ('a', "アカガサザタダナハバパマヤラワ"),
        ('i', "イキギシジチヂニヒビピミリ"),
        ('u', "ウクグスズツヅヌフブプムユル"),
        ('e', "エケゲセゼテデネヘベペメレ"),
        ('o', "オコゴソゾトドノホボポモヨロヲ"),
    ];
    ROWS.iter()
        .find(|(_, row)| row.contains(c))
        .map(|(v, _)| *v)
}

/// Whether `c` only lengthens the vowel of `previous` (トウ, オオ, ケイ, カア).
fn lengthens(previous: Option<char>, c: char) -> bool {
    matches!(
        (previous.and_then(vowel), c),
        (Some('a'), 'ア')
            | (Some('i' | 'e'), 'イ')
            | (Some('u' | 'o'), 'ウ')
            | (Some('e'), 'エ')
            | (Some('o'), 'オ')
    )
}

/// Small kana to large and the long vowel mark dropped (`None`), for loose matching.
fn fold_loose(c: char) -> Option<char> {
    match c {
        'ー' | '〜' | '～' => None,
        'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ぁ' | 'ぃ'
        | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' => {
            char::from_u32(u32::from(c) + 1)
        }
        'ヵ' => Some('カ'),
        'ヶ' => Some('ケ'),
        _ => Some(c),
    }
}

/// A patient ID as compared across files: normalized, and, when it is all digits and
/// `strip_leading_zeros` is set, without leading zeros (spreadsheets drop them: 000123 → 123).
///
/// # Example
/// ```
/// use deid_kit::ja::normalize::patient_id;
/// assert_eq!(patient_id(" ０００１２３ ", true), "123");
/// assert_eq!(patient_id("000", true), "0");
/// assert_eq!(patient_id("A-0012", true), "A-0012");
/// assert_eq!(patient_id("000123", false), "000123");
/// ```
pub fn patient_id(value: &str, strip_leading_zeros: bool) -> String {
    let id = normalize(value, Options::default());
    if strip_leading_zeros && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let stripped = id.trim_start_matches('0');
        return if stripped.is_empty() {
            "0".into()
        } else {
            stripped.into()
        };
    }
    id
}

/// Hiragana to katakana, then variant kanji to their common form.
fn fold_name_char(c: char) -> char {
    match c {
        // ぁ..ゖ and ゝゞ sit exactly 0x60 below their katakana.
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(u32::from(c) + 0x60).unwrap_or(c)
        }
        _ => fold_variant(c),
    }
}

/// Common 異体字 in Japanese names, folded for matching. No registry crate ships this table for
/// Rust; it covers the variants named in the Act's guidance and in hospital exports (CP932's NEC
/// and IBM extensions).
fn fold_variant(c: char) -> char {
    match c {
        '髙' => '高',
        '﨑' | '嵜' => '崎',
        '𠮷' => '吉',
        '邊' | '邉' => '辺',
        '齋' | '齊' => '斎',
        '濵' | '濱' => '浜',
        '德' => '徳',
        '澤' => '沢',
        '櫻' => '桜',
        '廣' => '広',
        '國' => '国',
        '龍' => '竜',
        '藪' | '籔' => '薮',
        '冨' => '富',
        '槇' => '槙',
        '眞' => '真',
        '惠' => '恵',
        '將' => '将',
        '淺' => '浅',
        '實' => '実',
        '壽' => '寿',
        '嶋' | '嶌' => '島',
        '峯' => '峰',
        '舘' => '館',
        '髮' => '髪',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: Options = Options::NAME;

    #[test]
    fn nfkc_trim_and_whitespace() {
        for (input, expected) in [
            ("ＡＢＣ１２３", "ABC123"),
            ("  00123 ", "00123"),
            ("a \t\u{3000} b", "a b"),
            ("ｶﾞｷﾞ", "ガギ"),
            ("", ""),
            ("\u{3000}", ""),
        ] {
            assert_eq!(normalize(input, Options::default()), expected, "{input:?}");
        }
    }

    #[test]
    fn names_meet_across_spellings() {
        let forms = ["山田　太郎", "山田 太郎", "山田太郎", " 山田\t太郎 "];
        for f in forms {
            assert_eq!(normalize(f, NAME), "山田太郎", "{f:?}");
        }
        assert_eq!(normalize("やまだ たろう", NAME), "ヤマダタロウ");
        assert_eq!(normalize("ﾔﾏﾀﾞ ﾀﾛｳ", NAME), "ヤマダタロウ");
        assert_eq!(normalize("髙橋", NAME), normalize("高橋", NAME));
        assert_eq!(normalize("山﨑", NAME), normalize("山崎", NAME));
        assert_eq!(normalize("渡邊", NAME), normalize("渡辺", NAME));
        assert_eq!(normalize("渡邉", NAME), normalize("渡辺", NAME));
        assert_eq!(normalize("齋藤", NAME), normalize("斎藤", NAME));
        assert_eq!(normalize("𠮷田", NAME), normalize("吉田", NAME));
    }

    #[test]
    fn loose_kana_meets_readings() {
        let loose = Options {
            name: true,
            loose_kana: true,
        };
        for (a, b) in [
            ("オオノ", "オーノ"),
            ("オオノ", "おおの"),
            ("サトウ", "サトー"),
            ("ケイコ", "ケーコ"),
            ("キャ", "キヤ"),
            ("ユウコ", "ユーコ"),
        ] {
            assert_eq!(normalize(a, loose), normalize(b, loose), "{a} {b}");
        }
        assert_eq!(normalize("ｷｬｯﾁ", loose), "キヤツチ");
        assert_eq!(normalize("ガッコウ", loose), "ガツコ");
        assert_ne!(normalize("サトウ", loose), normalize("サイトウ", loose));
        assert_ne!(
            normalize("キャ", Options::NAME),
            normalize("キヤ", Options::NAME)
        );
    }

    #[test]
    fn variants_are_not_folded_outside_name_mode() {
        assert_eq!(normalize("髙橋", Options::default()), "髙橋");
        assert_eq!(normalize("やまだ", Options::default()), "やまだ");
    }
}
