//! Names of people: lexicon surnames and given names (kanji or katakana) accepted on context, a
//! surname with an unknown given name after it, names split by a space or a line break
//! (田中\n太郎), and the kanji, katakana or hiragana run before an honorific (ヤマダ様,
//! 長女のみどりさん), minus the role words and ordinary nouns that also take one (患者様, 皆様).

use super::context::{context_before, context_could_end, eponym_at, honorific_at, CONTEXT_BEFORE};
use super::Finder;
use crate::scrub::lexicon::{lexicon, Entry};
use crate::scrub::patterns::{is_hiragana, is_kanji, is_katakana};
use crate::scrub::view::View;
use crate::scrub::Tag;

/// Kanji words before an honorific that are not names (皆様, 患者様, 奥様).
const NOT_NAMES: &[&str] = &[
    "本日",
    "昨日",
    "今日",
    "明日",
    "同日",
    "翌日",
    "前日",
    "当日",
    "午前",
    "午後",
    "夕方",
    "夜間",
    "今回",
    "前回",
    "次回",
    "術後",
    "現在",
    "皆",
    "患者",
    "奥",
    "子",
    "お子",
    "家族",
    "ご家族",
    "御家族",
    "同",
    "各",
    "主治医",
    "担当医",
    "先生",
    "医師",
    "看護師",
    "本人",
    "利用者",
    "旦那",
    "娘",
    "息子",
    "母",
    "父",
    "妻",
    "夫",
    "嫁",
    "孫",
    "担当",
    "外来",
    "病棟",
    "院長",
    "神",
    "王",
    "お客",
    "客",
    "殿",
    "兄",
    "姉",
    "弟",
    "妹",
    "相手",
];

/// Katakana words before an honorific that are not names.
const NOT_KATAKANA_NAMES: &[&str] = &[
    "ケアマネ",
    "ヘルパー",
    "ドクター",
    "ナース",
    "スタッフ",
    "ママ",
    "パパ",
    "オーナー",
    "リーダー",
    "マネージャー",
];

/// A lexicon word found at a position.
#[derive(Clone, Copy)]
struct Word {
    end: usize,
    entry: Entry,
    chars: usize,
}

impl Finder<'_> {
    /// Lexicon words starting at `i`.
    fn words_at(&self, i: usize, kana: bool) -> Vec<Word> {
        let v = self.view;
        let Some(&at) = v.offsets.get(i) else {
            return Vec::new();
        };
        let Some(rest) = v.text.get(at..) else {
            return Vec::new();
        };
        lexicon()
            .prefixes(rest)
            .filter(|(_, e)| {
                if kana {
                    e.surname_kana() || e.given_kana()
                } else {
                    e.surname() || e.given()
                }
            })
            .filter_map(|(len, entry)| {
                let end_byte = at.checked_add(len)?;
                let end = v.offsets.binary_search(&end_byte).ok()?;
                Some(Word {
                    end,
                    entry,
                    chars: end - i,
                })
            })
            .collect()
    }

    /// Names from the lexicon starting at `i`, accepted on context.
    pub(super) fn lexicon_names(&mut self, i: usize) {
        let v = self.view;
        let c = v.at(i);
        let kana = is_katakana(c);
        let prev = v.before(i);
        let run_start = if kana {
            !is_katakana(prev)
        } else {
            !is_kanji(prev)
        };
        // Mid-run, only a context word just before can start a name; at a run start the
        // lexicon walk comes first, since most positions start no word and the context scan
        // is the dearer of the two.
        let may_start = run_start || (context_could_end(prev) && context_before(v, i));
        if !may_start {
            return;
        }
        let words = self.words_at(i, kana);
        if words.is_empty() {
            return;
        }
        let context = !run_start || context_before(v, i);
        let mut best: Option<usize> = None;
        for w in &words {
            let is_surname = if kana {
                w.entry.surname_kana()
            } else {
                w.entry.surname()
            };
            // Surname + given name, possibly across one space or line break.
            if is_surname {
                let mut g_at = w.end;
                if matches!(v.at(g_at), ' ' | '\n') {
                    g_at += 1;
                    if v.at(g_at) == '\n' && v.before(g_at) == ' ' {
                        g_at += 1;
                    }
                }
                let spaced = g_at > w.end;
                for g in self.words_at(g_at, kana) {
                    let is_given = if kana {
                        g.entry.given_kana()
                    } else {
                        g.entry.given()
                    };
                    if !is_given {
                        continue;
                    }
                    let end = g.end;
                    if (kana && spaced) || self.accept_full(i, w, &g, context, kana) {
                        best = best.max(Some(end));
                    }
                }
            }
            if self.accept_single(i, w, context, kana) {
                best = best.max(Some(w.end));
            }
        }
        if !kana {
            if let Some(end) = self.given_after_surname(&words, context) {
                best = best.max(Some(end));
            }
        }
        if let Some(end) = best {
            self.emit(i, end, Tag::Name);
        }
    }

    /// With strong context (a role word before, an honorific after), a surname takes the
    /// given name after it even when the lexicon does not know it: a short kanji run, or
    /// after a space a short hiragana run (高橋 ひなた, 土屋麻衣).
    fn given_after_surname(&self, words: &[Word], context: bool) -> Option<usize> {
        let v = self.view;
        let surname = words
            .iter()
            .filter(|w| w.entry.surname())
            .max_by_key(|w| w.chars)?;
        if eponym_at(v, surname.end) {
            return None;
        }
        let mut g = surname.end;
        let spaced = v.at(g) == ' ';
        if spaced {
            g += 1;
        }
        let mut e = g;
        if is_kanji(v.at(g)) {
            while is_kanji(v.at(e)) && e < g + 3 && honorific_at(v, e).is_none() {
                e += 1;
            }
            if e == g || (is_kanji(v.at(e)) && honorific_at(v, e).is_none()) {
                return None;
            }
        } else if spaced && (is_hiragana(v.at(g)) || is_katakana(v.at(g))) {
            let same = |c: char| {
                if is_hiragana(v.at(g)) {
                    is_hiragana(c)
                } else {
                    is_katakana(c)
                }
            };
            while same(v.at(e)) && e < g + 4 {
                e += 1;
            }
            if e < g + 2 || (same(v.at(e)) && honorific_at(v, e).is_none()) {
                return None;
            }
        } else {
            return None;
        }
        if eponym_at(v, e) {
            return None;
        }
        let given: String = (g..e).map(|k| v.at(k)).collect();
        let full: String = (surname.end - surname.chars..e).map(|k| v.at(k)).collect();
        if NOT_NAMES.contains(&given.as_str())
            || ['者', '科', '医', '院', '日', '棟', '症', '炎', '障', '剤']
                .iter()
                .any(|c| full.ends_with(*c))
        {
            return None;
        }
        // With an honorific only, a one-kanji surname is too weak (上記患者様).
        if !context && surname.chars < 2 {
            return None;
        }
        (context || honorific_at(v, e).is_some()).then_some(e)
    }

    fn accept_full(&self, i: usize, s: &Word, g: &Word, context: bool, kana: bool) -> bool {
        let v = self.view;
        let end = g.end;
        if eponym_at(v, end) {
            return false;
        }
        let honorific = honorific_at(v, end).is_some();
        if honorific || context {
            return true;
        }
        let next = v.at(end);
        let boundary = if kana {
            !is_katakana(next)
        } else {
            !is_kanji(next)
        };
        if !boundary || (kana && is_katakana(v.before(i))) {
            return false;
        }
        if kana {
            return true;
        }
        let common = |w: &Word| w.entry.common_word() || w.entry.place();
        match (common(s), common(g)) {
            (false, false) => s.chars + g.chars >= 3,
            (true, false) => g.chars >= 2 && s.chars >= 2,
            (false, true) => s.chars >= 2 && g.chars >= 2,
            (true, true) => false,
        }
    }

    fn accept_single(&self, i: usize, w: &Word, context: bool, kana: bool) -> bool {
        let v = self.view;
        if eponym_at(v, w.end) {
            return false;
        }
        let honorific = honorific_at(v, w.end).is_some();
        if kana {
            return honorific;
        }
        if honorific {
            // The honorific rule below takes the whole run; here only whole words count.
            return !is_kanji(v.before(i)) || context;
        }
        if context {
            return !is_kanji(v.at(w.end)) || w.chars >= 2;
        }
        // No context: a surname alone, not an ordinary word, the whole kanji run, followed by
        // a particle (佐藤より連絡).
        w.entry.surname()
            && !w.entry.common_word()
            && !w.entry.place()
            && w.chars >= 2
            && !is_kanji(v.at(w.end))
            && matches!(
                v.at(w.end),
                'は' | 'が' | 'よ' | 'か' | 'へ' | 'と' | 'に' | 'の' | 'も'
            )
            && particle_follows(v, w.end)
    }

    /// A name just before an honorific at `h`: the kanji or katakana run before it, without
    /// leading context words.
    pub(super) fn before_honorific(&mut self, h: usize) {
        let v = self.view;
        let mut s = h;
        if v.before(s) == ' ' {
            s -= 1;
        }
        let end = s;
        let last = v.before(end);
        let kana = is_katakana(last);
        if is_hiragana(last) {
            // A given name in hiragana needs a kinship word too (長女のみどりさん).
            while s > 0 && end - s < 5 && is_hiragana(v.before(s)) {
                s -= 1;
            }
            if end - s >= 2 && end - s <= 4 && context_before(v, s) {
                self.emit(s, end, Tag::Name);
            }
            return;
        }
        if !(is_kanji(last) || kana) {
            return;
        }
        while s > 0
            && end - s < 12
            && (if kana {
                is_katakana(v.before(s))
            } else {
                is_kanji(v.before(s))
            })
        {
            s -= 1;
        }
        // A run of kanji may start with a context word (長男太郎さん, 主治医林先生).
        let run: String = (s..end).map(|k| v.at(k)).collect();
        let mut name_start = s;
        let mut name: &str = &run;
        for word in CONTEXT_BEFORE {
            if let Some(rest) = run.strip_prefix(word) {
                if !rest.is_empty() && rest.chars().count() < name.chars().count() {
                    name = rest;
                    name_start = end - rest.chars().count();
                }
            }
        }
        let chars = end - name_start;
        if kana {
            if chars < 2 || NOT_KATAKANA_NAMES.contains(&name) {
                return;
            }
        } else {
            if NOT_NAMES.contains(&name)
                || name.ends_with('医')
                || name.ends_with('者')
                || name.ends_with('科')
                || name.ends_with('棟')
            {
                return;
            }
            if chars > 4 {
                // Too long for a name alone: the lexicon must find one at its end.
                let tail = (name_start..end).find(|&k| {
                    let t: String = (k..end).map(|x| v.at(x)).collect();
                    let e = lexicon().get(&t);
                    e.surname() || e.given()
                });
                match tail {
                    Some(k) => name_start = k,
                    None => return,
                }
            }
        }
        // The surname before a space (田村 琴音医師).
        if !kana && v.before(name_start) == ' ' {
            let given_end = name_start - 1;
            let mut k = given_end;
            while k > 0 && given_end - k < 4 && is_kanji(v.before(k)) {
                k -= 1;
            }
            let family: String = (k..given_end).map(|x| v.at(x)).collect();
            if k < given_end && lexicon().get(&family).surname() {
                name_start = k;
            }
        }
        self.emit(name_start, end, Tag::Name);
    }
}

/// A particle that really is one (より, から, は …) rather than the start of a word.
fn particle_follows(v: &View, end: usize) -> bool {
    let c = v.at(end);
    match c {
        'よ' => v.has(end, "より"),
        'か' => v.has(end, "から"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{has, none};
    use crate::scrub::Tag;

    #[test]
    fn common_words_without_context_are_kept() {
        none("森林浴を勧めた");
        none("春になって症状が改善");
        none("誠実な対応");
        none("皆様によろしく");
        none("患者様の状態");
        none("同様の症状");
        none("様子を見る");
    }

    #[test]
    fn split_by_line_break() {
        has("田中\n太郎さん", "田中\n太郎", Tag::Name);
    }
}
