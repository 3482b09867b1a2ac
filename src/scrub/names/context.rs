//! The words around a name that make it one or unmake it: honorifics and titles after it (様,
//! さん, 先生, Dr, Ns), kinship and role words before it (長男, 妻, 主治医, 紹介元) and eponym
//! words after it (病, 症, 療法) that make it a disease or a method instead.

use std::sync::OnceLock;

use crate::scrub::patterns::is_kanji;
use crate::scrub::view::View;

/// Honorifics and titles after a name.
const HONORIFICS: &[&str] = &[
    "様",
    "さま",
    "さん",
    "君",
    "くん",
    "ちゃん",
    "氏",
    "先生",
    "医師",
    "Dr",
    "看護師",
    "Ns",
    "NS",
    "PT",
    "OT",
    "ST",
    "薬剤師",
    "殿",
    "院長",
    "部長",
    "医長",
    "技師",
    "ケアマネ",
    "MSW",
    "師長",
    "婦長",
];

/// Words after 様/氏 that make it not an honorific (様子, 氏名, パーキンソン氏病).
const NOT_HONORIFIC_AFTER: &[&str] = &[
    "様子",
    "様々",
    "様式",
    "様態",
    "様相",
    "様の",
    "氏名",
    "氏病",
    "さんか",
    "君臨",
    "殿堂",
    "先生方",
];

/// Kinship and role words before a name.
pub(super) const CONTEXT_BEFORE: &[&str] = &[
    "記載",
    "記録",
    "記入",
    "記載者",
    "記録者",
    "作成者",
    "署名",
    "報告者",
    "担当Ns",
    "担当看護師",
    "長男",
    "長女",
    "次男",
    "次女",
    "三男",
    "三女",
    "妻",
    "夫",
    "母",
    "父",
    "母親",
    "父親",
    "息子",
    "娘",
    "孫",
    "兄",
    "姉",
    "弟",
    "妹",
    "嫁",
    "婿",
    "義母",
    "義父",
    "祖母",
    "祖父",
    "叔母",
    "叔父",
    "伯母",
    "伯父",
    "姪",
    "甥",
    "キーパーソン",
    "KP",
    "担当",
    "担当医",
    "担当者",
    "主治医",
    "紹介元",
    "紹介先",
    "Dr.",
    "医師",
    "看護師",
    "Ns.",
    "薬剤師",
    "本人",
    "氏名",
    "友人",
    "知人",
    "隣人",
    "ケアマネ",
    "ケアマネジャー",
    "ケアマネージャー",
    "MSW",
    "宛先",
    "患者",
    "家族",
];

/// Words after a name that make it an eponym (橋本病, 川崎病, 森田療法).
const EPONYM_AFTER: &[&str] = &[
    "母斑",
    "病",
    "症",
    "療法",
    "法",
    "反射",
    "徴候",
    "現象",
    "分類",
    "試験",
    "型",
    "甲状腺",
    "脳症",
    "憩室",
    "潰瘍",
    "腫",
    "細胞",
    "管",
    "膜",
    "式",
    "手術",
    "スコア",
    "テスト",
];

/// Whether a honorific or title starts at `i` (after at most one space): its length.
pub(super) fn honorific_at(v: &View, i: usize) -> Option<usize> {
    let j = if v.at(i) == ' ' { i + 1 } else { i };
    if !matches!(
        v.at(j),
        '様' | 'さ'
            | '君'
            | 'く'
            | 'ち'
            | '氏'
            | '先'
            | '医'
            | 'D'
            | '看'
            | 'N'
            | 'P'
            | 'O'
            | 'S'
            | '薬'
            | '殿'
            | '院'
            | '部'
            | '技'
            | 'ケ'
            | 'M'
            | '師'
            | '婦'
            | '('
    ) {
        return None;
    }
    if NOT_HONORIFIC_AFTER.iter().any(|w| v.has(j, w)) {
        return None;
    }
    // A title in parentheses: 内田（Ns）.
    if v.at(j) == '(' {
        let word = ["Ns", "NS", "Dr", "PT", "OT", "ST"]
            .iter()
            .find(|h| v.has(j + 1, h))?;
        let end = j + 1 + word.chars().count();
        return (v.at(end) == ')').then_some(end + 1 - i);
    }
    let word = HONORIFICS.iter().find(|h| v.has(j, h))?;
    let end = j + word.chars().count();
    // Latin titles must end there (PTSD is no PT, PT-INR no title); Dr and Ns run into
    // the next sentence's capitals in terse notes (田口DrPlt, 野田NsADL).
    if word.is_ascii() {
        let next = v.at(end);
        let runs_on = next.is_ascii_lowercase() || next.is_ascii_digit() || next == '-';
        let capital = next.is_ascii_uppercase();
        if runs_on || (capital && !matches!(*word, "Dr" | "Ns" | "NS")) {
            return None;
        }
    }
    Some(end - i)
}

/// Whether `c` can end a context word (so that a lookup mid-run is worth it).
pub(super) fn context_could_end(c: char) -> bool {
    context_words().last_chars.binary_search(&c).is_ok()
}

/// [`CONTEXT_BEFORE`] decoded once: these checks run at every kanji and katakana of a note,
/// where decoding each word's last character again cost more than the rest of the name scan.
struct ContextWords {
    /// Every word's last character, sorted and deduplicated.
    last_chars: Vec<char>,
    /// Each word with its last character and its length in characters, in list order.
    words: Vec<(char, &'static str, usize)>,
}

fn context_words() -> &'static ContextWords {
    static WORDS: OnceLock<ContextWords> = OnceLock::new();
    WORDS.get_or_init(|| {
        let words: Vec<(char, &'static str, usize)> = CONTEXT_BEFORE
            .iter()
            .filter_map(|w| Some((w.chars().next_back()?, *w, w.chars().count())))
            .collect();
        let mut last_chars: Vec<char> = words.iter().map(|(c, _, _)| *c).collect();
        last_chars.sort_unstable();
        last_chars.dedup();
        ContextWords { last_chars, words }
    })
}

/// Whether a kinship or role word ends just before `i` (with a space, の, colon between).
pub(super) fn context_before(v: &View, i: usize) -> bool {
    let mut k = i;
    let mut skipped = 0;
    while k > 0 && skipped < 2 && matches!(v.before(k), ' ' | ':' | 'の' | '・' | '(' | '（') {
        k -= 1;
        skipped += 1;
    }
    // A department before a name (内科 高橋, 小児科 Dr.林).
    if skipped > 0 && v.before(k) == '科' {
        return true;
    }
    // Most positions end no context word: compare the last character before spelling words.
    let last = v.before(k);
    context_words().words.iter().any(|&(end, w, chars)| {
        if end != last || !v.ends_with(k, w) {
            return false;
        }
        // Titles usually follow a name (西田医師); before one only with a separator.
        if skipped == 0 && matches!(w, "医師" | "看護師" | "薬剤師" | "担当看護師") {
            return false;
        }
        // A role word must itself start a word (担当 in 担当医 is fine; 父 in 神父 is not).
        let start = k - chars;
        let before = v.before(start);
        !(is_kanji(before) && chars == 1)
    })
}

/// Whether an eponym word (病, 症, 療法 …) starts at `end`, so that the name before it names a
/// disease, a sign or a method rather than a person.
pub(crate) fn eponym_at(v: &View, end: usize) -> bool {
    EPONYM_AFTER.iter().any(|w| v.has(end, w))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{has, none};
    use crate::scrub::Tag;

    #[test]
    fn honorifics_and_context() {
        has("森さんに説明した", "森", Tag::Name);
        has("主治医 林より", "林", Tag::Name);
        has("主治医林先生", "林", Tag::Name);
        has("長男の誠が来院", "誠", Tag::Name);
        has("ヤマダ様より電話", "ヤマダ", Tag::Name);
        has("田中太郎さん", "田中太郎", Tag::Name);
        has("妻 花子と同居", "花子", Tag::Name);
        has("鈴木様へ", "鈴木", Tag::Name);
    }

    #[test]
    fn eponyms_are_kept() {
        none("橋本病で加療中");
        none("川崎病の既往");
        none("パーキンソン病");
    }
}
