//! Names of people other than the patient (family, staff, referring doctors) and of facilities,
//! from the lexicon plus context: honorifics after a name (様, さん, 先生 …), kinship and role
//! words before it (長男, 妻, 主治医 …), a surname followed by a given name. Words that are also
//! ordinary words (森, 林, 春, 誠 …) count only with context, and a name followed by a disease
//! word (橋本病, 川崎病) is the disease.

use super::lexicon::{lexicon, Entry};
use super::patterns::{is_hiragana, is_kanji, is_katakana};
use super::view::View;
use super::{Span, Tag};

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
const CONTEXT_BEFORE: &[&str] = &[
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

/// Words after a name that make it an eponym (橋本病, 川崎病, 森田療法).
pub(crate) const EPONYM_AFTER: &[&str] = &[
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

/// Facility suffixes that make any non-generic name before them a facility.
const FACILITY_SUFFIXES: &[&str] = &[
    "訪問看護ステーション",
    "特別養護老人ホーム",
    "介護老人保健施設",
    "有料老人ホーム",
    "メディカルセンター",
    "医療センター",
    "がんセンター",
    "グループホーム",
    "デイサービス",
    "老人ホーム",
    "介護施設",
    "クリニック",
    "総合病院",
    "大学病院",
    "歯科医院",
    "調剤薬局",
    "病院",
    "医院",
    "診療所",
    "薬局",
    "ケアセンター",
];

/// Names before a facility suffix that do not name one (当院, 近医, 大学病院 alone).
const GENERIC_FACILITY: &[&str] = &[
    "当",
    "近",
    "前",
    "他",
    "同",
    "別",
    "各",
    "大",
    "小",
    "本",
    "某",
    "当該",
    "該当",
    "地域",
    "専門",
    "一般",
    "市中",
    "総合",
    "大学",
    "精神科",
    "療養型",
    "急性期",
    "回復期",
    "救急",
    "基幹",
    "民間",
    "公立",
    "市立",
    "県立",
    "国立",
    "私立",
    "市民",
    "大きな",
    "大きい",
    "かかりつけ",
    "近くの",
    "入院",
    "通院",
    "転院",
    "受診",
    "紹介",
    "搬送",
    "同一",
    "周辺",
    "近隣",
    "動物",
];

/// Words a facility's name run may start with that belong to the sentence, not the name.
const FACILITY_LEAD: &[&str] = &[
    "紹介元",
    "紹介先",
    "前医",
    "近医",
    "当院",
    "他院",
    "同院",
    "転院先",
    "入院先",
    "通院先",
    "受診先",
    "主治医",
    "本日",
    "昨日",
    "後日",
    "今回",
    "以前",
    "先日",
    "翌日",
    "当日",
    "再度",
    "至急",
];

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

/// A lexicon word found at a position.
#[derive(Clone, Copy)]
struct Word {
    end: usize,
    entry: Entry,
    chars: usize,
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
            if matches!(
                c,
                '病' | 'ク'
                    | '医'
                    | '診'
                    | 'セ'
                    | '薬'
                    | '介'
                    | 'ホ'
                    | 'ス'
                    | 'デ'
                    | '老'
                    | '特'
                    | '総'
                    | '大'
                    | '歯'
                    | '調'
                    | '訪'
                    | '有'
                    | 'メ'
                    | 'が'
                    | 'グ'
                    | 'ケ'
            ) {
                if let Some(end) = self.facility(i) {
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
    }

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
    fn lexicon_names(&mut self, i: usize) {
        let v = self.view;
        let c = v.at(i);
        let kana = is_katakana(c);
        let prev = v.before(i);
        let run_start = if kana {
            !is_katakana(prev)
        } else {
            !is_kanji(prev)
        };
        if !run_start && !context_could_end(v.before(i)) {
            return;
        }
        let context = context_before(v, i);
        if !run_start && !context {
            return;
        }
        let words = self.words_at(i, kana);
        if words.is_empty() {
            return;
        }
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
    fn before_honorific(&mut self, h: usize) {
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
        for word in CONTEXT_BEFORE.iter().chain(["紹介元", "担当医"].iter()) {
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

    /// A facility whose kind comes first: 特別養護老人ホーム緑ヶ丘の里, グループホームさくら苑.
    fn facility_kind_first(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let kind = KIND_FIRST.iter().find(|k| v.has(i, k))?;
        let from = i + kind.chars().count();
        let mut e = from;
        while e < from + 12
            && (is_kanji(v.at(e))
                || is_katakana(v.at(e))
                || is_hiragana(v.at(e))
                || v.at(e) == 'ヶ')
        {
            e += 1;
            if ["の里", "の家", "の郷", "苑", "園", "荘", "ハウス", "ホーム"]
                .iter()
                .any(|t| v.ends_with(e, t))
                && !(is_kanji(v.at(e)) || is_katakana(v.at(e)))
            {
                self.emit(i, e, Tag::Facility);
                return Some(e);
            }
        }
        None
    }

    /// A facility whose suffix starts at `i`: its name run before, without sentence words.
    fn facility(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        if let Some(end) = self.facility_kind_first(i) {
            return Some(end);
        }
        let suffix = FACILITY_SUFFIXES.iter().find(|s| v.has(i, s))?;
        let suffix_end = i + suffix.chars().count();
        // 病院 inside 総合病院/大学病院 is found from their own start.
        let mut s = i;
        let name_char = |c: char| {
            is_kanji(c)
                || is_katakana(c)
                || c.is_ascii_alphanumeric()
                || matches!(c, '・' | 'ヶ' | '&')
        };
        while s > 0 && i - s < 16 && name_char(v.before(s)) {
            s -= 1;
        }
        let mut hiragana_name = false;
        if s < i && is_hiragana(v.before(s)) {
            // A hiragana head (ひまわり記念病院, つくば市民病院) after a particle or a mark.
            let mut h = s;
            while h > 0 && s - h < 5 && is_hiragana(v.before(h)) && !is_particle(v.before(h)) {
                h -= 1;
            }
            if ((h < s && !is_hiragana(v.before(h))) || is_particle(v.before(h)))
                && !is_kanji(v.before(h))
            {
                s = h;
            }
        } else if s == i {
            while s > 0 && i - s < 6 && is_hiragana(v.before(s)) && !is_particle(v.before(s)) {
                s -= 1;
            }
            hiragana_name = s < i;
            if hiragana_name && i - s < 2 {
                return Some(suffix_end);
            }
        }
        let run: String = (s..i).map(|k| v.at(k)).collect();
        let mut name: &str = &run;
        loop {
            let stripped = FACILITY_LEAD.iter().find_map(|w| name.strip_prefix(w));
            match stripped {
                Some(rest) => name = rest,
                None => break,
            }
        }
        let name_start = i - name.chars().count();
        if name.is_empty() || GENERIC_FACILITY.contains(&name) {
            return Some(suffix_end);
        }
        if hiragana_name
            && (is_hiragana(v.before(s)) && !is_particle(v.before(s)) || is_kanji(v.before(s)))
        {
            return Some(suffix_end);
        }
        // 大病院, 小児科病院: a department or size word alone before 病院.
        if name.ends_with('科') {
            let department = DEPARTMENTS
                .iter()
                .filter(|d| name.ends_with(*d))
                .max_by_key(|d| d.len());
            let head = department.map_or(name, |d| &name[..name.len() - d.len()]);
            if head.is_empty() || GENERIC_FACILITY.contains(&head) || head.ends_with('器') {
                return Some(suffix_end);
            }
        }
        self.emit(name_start, suffix_end, Tag::Facility);
        Some(suffix_end)
    }
}

/// Facility kinds written before the name.
const KIND_FIRST: &[&str] = &[
    "特別養護老人ホーム",
    "介護老人保健施設",
    "有料老人ホーム",
    "グループホーム",
    "老人ホーム",
];

/// Departments (診療科) that name no facility alone (内科クリニック, 整形外科医院).
const DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "整形外科",
    "形成外科",
    "脳神経外科",
    "心臓血管外科",
    "小児科",
    "眼科",
    "皮膚科",
    "耳鼻科",
    "耳鼻咽喉科",
    "泌尿器科",
    "産婦人科",
    "婦人科",
    "精神科",
    "心療内科",
    "神経内科",
    "歯科",
    "放射線科",
    "麻酔科",
    "リハビリテーション科",
    "循環器科",
    "消化器科",
    "呼吸器科",
];

fn is_particle(c: char) -> bool {
    matches!(
        c,
        'の' | 'に' | 'を' | 'は' | 'が' | 'で' | 'と' | 'へ' | 'も' | 'や'
    )
}

/// Whether a honorific or title starts at `i` (after at most one space): its length.
fn honorific_at(v: &View, i: usize) -> Option<usize> {
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
fn context_could_end(c: char) -> bool {
    CONTEXT_BEFORE.iter().any(|w| w.ends_with(c))
}

/// Whether a kinship or role word ends just before `i` (with a space, の, colon between).
fn context_before(v: &View, i: usize) -> bool {
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
    CONTEXT_BEFORE.iter().any(|w| {
        if !v.ends_with(k, w) {
            return false;
        }
        // Titles usually follow a name (西田医師); before one only with a separator.
        if skipped == 0 && matches!(*w, "医師" | "看護師" | "薬剤師" | "担当看護師") {
            return false;
        }
        // A role word must itself start a word (担当 in 担当医 is fine; 父 in 神父 is not).
        let start = k - w.chars().count();
        let before = v.before(start);
        !(is_kanji(before) && w.chars().count() == 1)
    })
}

fn eponym_at(v: &View, end: usize) -> bool {
    EPONYM_AFTER.iter().any(|w| v.has(end, w))
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
    use super::super::view::Fold;
    use super::*;

    fn names(text: &str) -> Vec<(String, Tag)> {
        let view = View::new(text, Fold::Text);
        let mut out = Vec::new();
        find(text, &view, &mut out);
        super::super::resolve(text, out)
            .into_iter()
            .map(|s| (text[s.start..s.end].to_owned(), s.tag))
            .collect()
    }

    fn has(text: &str, expected: &str, tag: Tag) {
        let found = names(text);
        assert!(
            found.iter().any(|(s, t)| s == expected && *t == tag),
            "{text:?}: expected {expected:?} as {tag:?}, got {found:?}"
        );
    }

    fn none(text: &str) {
        let found = names(text);
        assert!(
            found.is_empty(),
            "{text:?}: expected nothing, got {found:?}"
        );
    }

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
    fn eponyms_are_kept() {
        none("橋本病で加療中");
        none("川崎病の既往");
        none("パーキンソン病");
    }

    #[test]
    fn split_by_line_break() {
        has("田中\n太郎さん", "田中\n太郎", Tag::Name);
    }

    #[test]
    fn facilities() {
        has("山田クリニックより紹介", "山田クリニック", Tag::Facility);
        has("紹介元：さくら病院", "さくら病院", Tag::Facility);
        has(
            "本日横浜市立市民病院へ転院",
            "横浜市立市民病院",
            Tag::Facility,
        );
        has(
            "ひまわり訪問看護ステーション",
            "ひまわり訪問看護ステーション",
            Tag::Facility,
        );
        none("当院に入院");
        none("近医受診し病院へ");
        none("大学病院で精査");
        none("前医の診療所");
    }
}
