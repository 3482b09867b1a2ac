//! Facility names (施設名): the name run before a facility suffix (山田クリニック, さくら病院,
//! ひまわり訪問看護ステーション), and names after a facility kind (グループホームさくら苑),
//! minus generic heads (当院, 近医, 大学病院, 内科クリニック) that name no facility.

use super::Finder;
use crate::scrub::patterns::{is_hiragana, is_kanji, is_katakana};
use crate::scrub::Tag;

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

/// Whether `c` may start a facility suffix or kind (病院, クリニック, 特別養護老人ホーム …),
/// so that the lookup at `c` is worth it.
pub(super) fn may_start_here(c: char) -> bool {
    matches!(
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
    )
}

impl Finder<'_> {
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
    pub(super) fn facility(&mut self, i: usize) -> Option<usize> {
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

fn is_particle(c: char) -> bool {
    matches!(
        c,
        'の' | 'に' | 'を' | 'は' | 'が' | 'で' | 'と' | 'へ' | 'も' | 'や'
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{has, none};
    use crate::scrub::Tag;

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
