//! Identifiers recognized by their shape and validated where the format allows: phone numbers,
//! postal codes, e-mail addresses, URLs, My Numbers, insurance and patient numbers, dates, ages
//! and addresses. Hand-written scanners over the normalized view (digits are ASCII there), one
//! pass, no allocation per candidate except for the few checks that reuse `ja::identifiers`.

use super::view::View;
use super::{Span, Tag};
use crate::ja::{address, identifiers, wareki};

/// Appends every pattern match in `view` (of `original`) to `out`.
pub(crate) fn find(original: &str, view: &View, out: &mut Vec<Span>) {
    let mut scan = Scan {
        original,
        view,
        out,
    };
    scan.run();
}

struct Scan<'a> {
    original: &'a str,
    view: &'a View,
    out: &'a mut Vec<Span>,
}

pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '‐' | '‑' | '−' | '–' | '—' | 'ー' | '―' | '～' | '〜'
    ) && c != '～'
        && c != '〜'
}

pub(crate) fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '\u{20000}'..='\u{2FFFF}')
}

pub(crate) fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

pub(crate) fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}')
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

const ERAS: [&str; 5] = ["明治", "大正", "昭和", "平成", "令和"];
const ERA_ABBREVIATIONS: [char; 5] = ['明', '大', '昭', '平', '令'];

/// Words after which a number is an ID (患者番号 12345, ID:0012345, No.123).
const ID_KEYWORDS: [&str; 20] = [
    "ID",
    "Id",
    "id",
    "番号",
    "No",
    "NO",
    "no",
    "No.",
    "NO.",
    "no.",
    "記号",
    "カルテ",
    "患者コード",
    "コード",
    "登録",
    "整理番号",
    "受付番号",
    "#",
    "証番号",
    "枝番",
];

impl Scan<'_> {
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
            let numeric = is_digit(c) || kanji_digit(c).is_some() || c == '元' || c == '十';
            let next = if numeric && (is_digit(c) || self.numeric_kanji_starts(i)) {
                self.numeric(i)
            } else if c == '〒' {
                self.postal_mark(i)
            } else if c == '@' {
                self.email(i)
            } else if c == 'h' || c == 'w' {
                self.url(i)
            } else if c == '(' || c == '+' {
                self.phone(i)
            } else if c.is_ascii_alphabetic() {
                self.era_letter_date(i)
            } else if is_kanji(c) {
                self.era_date(i)
                    .or_else(|| self.infant_age(i))
                    .or_else(|| self.address(i))
            } else if is_hiragana(c) && !is_hiragana(v.before(i)) {
                self.address(i)
            } else {
                None
            };
            i = match next {
                Some(end) if end > i => end,
                _ => i + 1,
            };
        }
    }

    /// Whether a kanji numeral at `i` starts a date or an age rather than a word (八王子).
    fn numeric_kanji_starts(&self, i: usize) -> bool {
        let v = self.view;
        let mut k = i;
        while kanji_digit(v.at(k)).is_some() || matches!(v.at(k), '十' | '百' | '元') {
            k += 1;
        }
        matches!(v.at(k), '年' | '月' | '歳' | '才')
    }

    /// A run of ASCII digits from `i`: its end.
    fn digits(&self, i: usize) -> usize {
        let mut j = i;
        while is_digit(self.view.at(j)) {
            j += 1;
        }
        j
    }

    fn number(&self, i: usize, j: usize) -> Option<u32> {
        if j <= i || j - i > 9 {
            return None;
        }
        let mut n = 0u32;
        for k in i..j {
            n = n * 10 + self.view.at(k).to_digit(10)?;
        }
        Some(n)
    }

    /// A number in ASCII digits or kanji numerals (三十三, 二〇二四, 十四) at `i`: value and end.
    fn any_number(&self, i: usize) -> Option<(u32, usize)> {
        let j = self.digits(i);
        if j > i {
            return Some((self.number(i, j)?, j));
        }
        kanji_number(self.view, i)
    }

    /// Everything that starts with a digit (or a kanji numeral): dates, ages, phones, postal
    /// codes, My Numbers, IDs.
    fn numeric(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let prev = v.before(i);
        let decimal = prev == '.' && is_digit(v.before(i - 1));
        if is_digit(v.at(i)) && (is_digit(prev) || decimal || prev.is_ascii_alphabetic()) {
            // Inside a number or a code (HbA1c, 1.25): skip the rest of the run.
            return Some(self.digits(i));
        }
        if !is_digit(v.at(i)) {
            // Kanji numerals: dates and ages only, not inside another kanji numeral.
            if kanji_digit(prev).is_some() || prev == '十' {
                return None;
            }
            return self.date_from(i, i).or_else(|| self.age(i));
        }
        if let Some(end) = self.date_from(i, i) {
            return Some(end);
        }
        if let Some(end) = self.age(i) {
            return Some(end);
        }
        if let Some(end) = self.phone(i) {
            return Some(end);
        }
        if let Some(end) = self.postal_bare(i) {
            return Some(end);
        }
        self.id_number(i)
    }

    /// A date starting at `i` (its era or number); `start` is where the span begins.
    fn date_from(&mut self, start: usize, i: usize) -> Option<usize> {
        let end = date_end(self.view, i, None)?;
        let end = self.birth_suffix(end);
        self.emit(start, end, Tag::Date);
        Some(end)
    }

    fn birth_suffix(&self, end: usize) -> usize {
        let v = self.view;
        for s in ["生まれ", "生"] {
            if v.has(end, s) {
                return end + s.chars().count();
            }
        }
        end
    }

    /// An era in kanji (昭和, or 昭 before a digit) starting a date.
    fn era_date(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let c = v.at(i);
        if !ERA_ABBREVIATIONS.contains(&c) {
            return None;
        }
        let after = if ERAS.iter().any(|e| v.has(i, e)) {
            i + 2
        } else if is_digit(v.at(i + 1)) && !is_kanji(v.before(i)) {
            i + 1
        } else {
            return None;
        };
        let end = date_end(v, after, Some(i))?;
        let end = self.birth_suffix(end);
        self.emit(i, end, Tag::Date);
        Some(end)
    }

    /// An era letter (S33.3.14, H1/1/8, R6年4月1日).
    fn era_letter_date(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let c = v.at(i).to_ascii_uppercase();
        if !matches!(c, 'M' | 'T' | 'S' | 'H' | 'R') || v.before(i).is_ascii_alphanumeric() {
            return None;
        }
        if !is_digit(v.at(i + 1)) {
            return None;
        }
        let end = date_end(v, i + 1, Some(i))?;
        let end = self.birth_suffix(end);
        self.emit(i, end, Tag::Date);
        Some(end)
    }

    /// An age: 82歳, 八十二歳, 82才, 82 y.o., 82yo.
    fn age(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let (value, j) = self.any_number(i)?;
        if value > 130 {
            return None;
        }
        let mut k = j;
        if v.at(k) == ' ' {
            k += 1;
        }
        let end = if matches!(v.at(j), '歳' | '才') {
            j + 1
        } else if v.has(k, "y.o.") {
            k + 4
        } else if v.has(k, "y.o") || v.has(k, "yrs") {
            k + 3
        } else if v.has(k, "yo") && !v.at(k + 2).is_ascii_alphanumeric() {
            k + 2
        } else {
            return None;
        };
        let end = if v.at(end) == '代' {
            end + 1
        } else {
            months_after(v, end)
        };
        self.emit(i, end, Tag::Age);
        Some(end)
    }

    /// 生後3か月, 生後10日: an infant's age.
    fn infant_age(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        if !v.has(i, "生後") {
            return None;
        }
        let j = self.digits(i + 2);
        if j == i + 2 {
            return None;
        }
        let end = months_after(v, i + 2);
        let end = if end == i + 2 && matches!(v.at(j), '日' | '週') {
            j + 1
        } else {
            end
        };
        if end <= j {
            return None;
        }
        self.emit(i, end, Tag::Age);
        Some(end)
    }

    /// A phone number from `i` (a digit, `(` or `+81`): the longest prefix of the run of
    /// digits and separators that is a valid Japanese number and ends at a digit group's end.
    fn phone(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let prev = v.before(i);
        if is_digit(prev) || is_hyphen(prev) {
            return None;
        }
        let start = i;
        let mut j = i;
        let mut candidate = String::new();
        let mut best = None;
        if v.has(j, "+81") {
            candidate.push_str("+81");
            j += 3;
        }
        let mut digits = usize::from(!candidate.is_empty());
        let mut group = 0;
        let mut separated = false;
        while j < v.chars.len() && digits < 12 {
            let c = v.at(j);
            if is_digit(c) {
                candidate.push(c);
                digits += 1;
                group += 1;
                j += 1;
                // A hyphenated number ends with its 4-digit group even when the sentence
                // runs on with a digit.
                let group_end = !is_digit(v.at(j)) || (separated && group == 4);
                if group_end && (10..=11).contains(&digits) && identifiers::is_phone(&candidate) {
                    best = Some(j);
                    if is_digit(v.at(j)) {
                        break;
                    }
                }
            } else if is_hyphen(c)
                || c == '('
                || c == ')'
                || (c == ' ' && is_digit(v.at(j + 1)) && is_digit(v.before(j)))
            {
                // A hyphen between digits, one space between digits, parentheses around an
                // area code.
                candidate.push(if is_hyphen(c) { '-' } else { c });
                j += 1;
                group = 0;
                separated = true;
                if (c == ')' || is_hyphen(c)) && v.at(j) == ' ' {
                    j += 1;
                }
            } else {
                break;
            }
        }
        let end = best?;
        self.emit(start, end, Tag::Phone);
        Some(end)
    }

    /// 〒 and a postal code (〒123-4567, 〒 1234567).
    fn postal_mark(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let mut j = i + 1;
        while v.at(j) == ' ' {
            j += 1;
        }
        let end = postal_end(v, j)?;
        self.emit(i, end, Tag::Postal);
        Some(end)
    }

    /// NNN-NNNN without a mark, and 7 digits after 郵便番号.
    fn postal_bare(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let end = postal_end(v, i)?;
        let hyphenated = v.digits_between(i, end) != end - i;
        let keyword =
            v.ends_with(trim_back(v, i), "郵便番号") || v.ends_with(trim_back(v, i), "〒");
        if !(hyphenated || keyword) {
            return None;
        }
        self.emit(i, end, Tag::Postal);
        Some(end)
    }

    /// ID-like numbers: after an ID keyword, My Numbers (check digit), long digit runs.
    fn id_number(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        // The token: digits with single hyphens or spaces inside (1234 5678 9018, 12-345).
        let mut j = i;
        let mut digits = 0usize;
        let mut end = i;
        loop {
            let c = v.at(j);
            if is_digit(c) {
                digits += 1;
                j += 1;
                end = j;
            } else if (is_hyphen(c) || c == ' ') && is_digit(v.at(j + 1)) && digits > 0 {
                j += 1;
            } else {
                break;
            }
        }
        let run = self.digits(i);
        let keyword = self.id_keyword_before(i);
        // A plain run followed by a unit or a decimal part is a measurement.
        let measured = |e: usize| is_measurement(v, e);
        if keyword {
            let mut alnum_end = alnum_token_end(v, end);
            while matches!(v.at(alnum_end), '・' | '-') && is_digit(v.at(alnum_end + 1)) {
                alnum_end = alnum_token_end(v, alnum_end + 1);
            }
            if digits >= 2 || alnum_end > end {
                self.emit(i, alnum_end, Tag::Id);
                return Some(alnum_end);
            }
        }
        if digits == 12 {
            let all: String = (i..end).map(|k| v.at(k)).filter(|c| is_digit(*c)).collect();
            if identifiers::is_my_number(&all) {
                self.emit(i, end, Tag::Id);
                return Some(end);
            }
        }
        if run - i >= 6 && !measured(run) {
            self.emit(i, run, Tag::Id);
            return Some(run);
        }
        Some(run)
    }

    fn id_keyword_before(&self, i: usize) -> bool {
        let v = self.view;
        let k = trim_back(v, i);
        ID_KEYWORDS.iter().any(|w| v.ends_with(k, w))
    }

    fn email(&mut self, at: usize) -> Option<usize> {
        let v = self.view;
        let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
        let domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
        let mut s = at;
        while s > 0 && local(v.at(s - 1)) {
            s -= 1;
        }
        let mut e = at + 1;
        while domain(v.at(e)) {
            e += 1;
        }
        while e > at + 1 && v.at(e - 1) == '.' {
            e -= 1;
        }
        let text: String = (s..e).map(|k| v.at(k)).collect();
        if s == at || !identifiers::is_email(&text) {
            return None;
        }
        self.emit(s, e, Tag::Email);
        Some(e)
    }

    fn url(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        if v.before(i).is_ascii_alphabetic() {
            return None;
        }
        if !(v.has(i, "http://") || v.has(i, "https://") || v.has(i, "www.")) {
            return None;
        }
        let mut e = i;
        while v.at(e).is_ascii_graphic() && !matches!(v.at(e), '<' | '>' | '"' | '\'' | '`') {
            e += 1;
        }
        while e > i && matches!(v.at(e - 1), '.' | ',' | ')' | ';' | ':') {
            e -= 1;
        }
        if e < i + 8 {
            return None;
        }
        self.emit(i, e, Tag::Url);
        Some(e)
    }

    /// An address: a prefecture and what follows it, or a municipality with a street number or
    /// a residence word (世田谷区在住).
    fn address(&mut self, i: usize) -> Option<usize> {
        let v = self.view;
        let prev = v.before(i);
        let after_context =
            RESIDENCE_BEFORE.iter().any(|w| v.ends_with(i, w)) || after_postal_code(v, i);
        if is_kanji(prev) && !after_context {
            return None;
        }
        // A municipality may start in hiragana (つくば市, さいたま市, いわき市).
        let mut from = i;
        if is_hiragana(v.at(i)) {
            while is_hiragana(v.at(from)) && from < i + 6 {
                from += 1;
            }
            if !matches!(v.at(from), '市' | '町' | '村') {
                return None;
            }
        }
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
            let lexicon = super::lexicon::lexicon();
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

/// The end of a months part after an age (3歳6か月) or of a count of months at `end`.
fn months_after(v: &View, end: usize) -> usize {
    let mut k = end;
    while is_digit(v.at(k)) {
        k += 1;
    }
    if k == end {
        return end;
    }
    for unit in ["か月", "ヶ月", "カ月", "ケ月", "ヵ月"] {
        if v.has(k, unit) {
            return k + unit.chars().count();
        }
    }
    end
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
            || (is_hiragana(c) && hiragana_municipality(v, j))
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

/// Whether the hiragana at `j` belongs to a municipality's name (つくば市, さいたま市).
fn hiragana_municipality(v: &View, j: usize) -> bool {
    let mut k = j;
    while is_hiragana(v.at(k)) && k < j + 6 {
        k += 1;
    }
    matches!(v.at(k), '市' | '町' | '村')
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

/// Skips spaces, colons and similar between a keyword and its value, backwards from `i`.
fn trim_back(v: &View, i: usize) -> usize {
    let mut k = i;
    let mut skipped = 0;
    while k > 0
        && skipped < 3
        && matches!(v.at(k - 1), ' ' | ':' | '#' | '=' | '・' | '】' | ')' | '.')
    {
        if v.at(k - 1) == '.' && !matches!(v.before(k - 1), 'o' | 'O') {
            break;
        }
        if v.at(k - 1) == '#' && k - 1 < i && skipped == 0 {
            // "#" itself is a keyword (#12345).
            break;
        }
        k -= 1;
        skipped += 1;
    }
    k
}

/// The end of an alphanumeric ID token that continues a digit run (12345-A, 0012B).
fn alnum_token_end(v: &View, mut end: usize) -> usize {
    loop {
        if v.has(end, "http") || v.has(end, "www.") {
            return end;
        }
        let c = v.at(end);
        if c.is_ascii_alphanumeric() || (c == '-' && v.at(end + 1).is_ascii_alphanumeric()) {
            end += 1;
        } else {
            return end;
        }
    }
}

/// A number ending at `e` that is followed by a unit, a decimal part or a ratio.
fn is_measurement(v: &View, e: usize) -> bool {
    let mut k = e;
    if v.at(k) == ' ' {
        k += 1;
    }
    let c = v.at(k);
    if c == '.' && is_digit(v.at(k + 1)) {
        return true;
    }
    if matches!(
        c,
        '/' | '%'
            | '万'
            | '円'
            | '個'
            | '人'
            | '件'
            | '回'
            | '歩'
            | '倍'
            | '×'
            | '℃'
            | 'μ'
            | '単'
            | '錠'
            | '秒'
            | '分'
            | '時'
    ) {
        return true;
    }
    c.is_ascii_alphabetic() && !v.at(k + 1).is_ascii_digit()
}

/// The end of a postal code NNN-NNNN or NNNNNNN at `j`, not inside a longer number.
fn postal_end(v: &View, j: usize) -> Option<usize> {
    let digits = |from: usize| {
        let mut k = from;
        while is_digit(v.at(k)) {
            k += 1;
        }
        k
    };
    if is_digit(v.before(j)) || is_hyphen(v.before(j)) {
        return None;
    }
    let a = digits(j);
    if a - j == 7 {
        return (!is_hyphen(v.at(a))).then_some(a);
    }
    if a - j != 3 || !(is_hyphen(v.at(a)) || v.at(a) == ' ') {
        return None;
    }
    let b = digits(a + 1);
    if b - (a + 1) != 4 || is_hyphen(v.at(b)) || v.at(b) == '.' {
        return None;
    }
    if v.at(a) == ' ' && !v.ends_with(j, "〒") && !v.ends_with(j, "〒 ") {
        return None;
    }
    Some(b)
}

impl View {
    /// How many of the characters `i..j` are ASCII digits.
    fn digits_between(&self, i: usize, j: usize) -> usize {
        (i..j).filter(|&k| is_digit(self.at(k))).count()
    }
}

/// A kanji number at `i` (三十三, 二〇二四, 十四, 百二): value and end.
fn kanji_number(v: &View, i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut positional = String::new();
    let mut total = 0u32;
    let mut current = 0u32;
    let mut used_unit = false;
    while j < i + 8 {
        let c = v.at(j);
        if let Some(d) = kanji_digit(c) {
            positional.push(char::from_digit(d, 10).unwrap_or('0'));
            current = current * 10 + d;
        } else if c == '十' || c == '百' {
            let unit = if c == '十' { 10 } else { 100 };
            total += current.max(1) * unit;
            current = 0;
            used_unit = true;
            positional.clear();
        } else {
            break;
        }
        j += 1;
    }
    if j == i {
        return None;
    }
    let value = if used_unit { total + current } else { current };
    Some((value, j))
}

/// The end of a date whose number starts at `i`; `era` is where an era prefix started.
/// Partial dates count (令和6年3月, 3月14日, 2024/3), durations never (3日間, 3か月).
fn date_end(v: &View, i: usize, era: Option<usize>) -> Option<usize> {
    let number = |k: usize| -> Option<(u32, usize)> {
        let mut e = k;
        while is_digit(v.at(e)) {
            e += 1;
        }
        if e > k {
            if e - k > 4 {
                return None;
            }
            let mut n = 0u32;
            for x in k..e {
                n = n * 10 + v.at(x).to_digit(10)?;
            }
            return Some((n, e));
        }
        kanji_number(v, k)
    };
    let first_is_digit = is_digit(v.at(i));
    // Compact forms: 20240314, and with an era letter S330314.
    let run_end = (i..).find(|&k| !is_digit(v.at(k))).unwrap_or(i);
    let compact_len = run_end - i;
    if (compact_len == 8 && era.is_none()) || (compact_len == 6 && era.is_some()) {
        let text: String = (era.unwrap_or(i)..run_end).map(|k| v.at(k)).collect();
        if era.is_none() {
            let year: u32 = text.get(..4)?.parse().ok()?;
            if !(1900..=2100).contains(&year) {
                return None;
            }
        }
        return wareki::parse(&text).ok().map(|_| run_end);
    }
    // The year (or, without one, the month).
    let (first, a, gannen) = if v.at(i) == '元' && v.at(i + 1) == '年' {
        (1, i + 1, true)
    } else {
        let (n, a) = number(i)?;
        (n, a, false)
    };
    let first_len = a - i;
    let sep = v.at(a);
    let valid = |s: usize, e: usize| -> Option<usize> {
        let text: String = (era.unwrap_or(i)..e).map(|k| v.at(k)).collect();
        wareki::parse(&text).ok().map(|_| s.max(e))
    };
    match sep {
        '年' => {
            if v.at(a + 1) == '間'
                || v.at(a + 1) == '前'
                || v.at(a + 1) == '後'
                || v.at(a + 1) == '目'
            {
                return None;
            }
            let year_ok = era.is_some()
                || gannen
                || (first_is_digit && first_len == 4)
                || (!first_is_digit && (1000..=2999).contains(&first))
                || first_len == 2;
            if !year_ok {
                return None;
            }
            let m_at = a + 1;
            match number(m_at) {
                Some((m, b)) if v.at(b) == '月' && (1..=12).contains(&m) => {
                    if let Some((d, c)) = number(b + 1) {
                        if v.at(c) == '日' && (1..=31).contains(&d) {
                            if era.is_some() || first_len == 4 {
                                return valid(0, c + 1);
                            }
                            return Some(c + 1);
                        }
                    }
                    if first_len == 2 && era.is_none() {
                        return None;
                    }
                    Some(b + 1)
                }
                _ => {
                    // A year alone: an era year (昭和33年) or a western one (2016年).
                    let western =
                        first_len == 4 && first_is_digit && (1868..=2100).contains(&first);
                    (era.is_some() || western).then_some(a + 1)
                }
            }
        }
        '月' => {
            if era.is_some() || !(1..=12).contains(&first) || first_len > 2 {
                return None;
            }
            let (d, c) = number(a + 1)?;
            if v.at(c) != '日' || !(1..=31).contains(&d) || v.at(c + 1) == '間' {
                return None;
            }
            day_ok(first, d).then_some(c + 1)
        }
        '/' | '.' | '-' => {
            if !first_is_digit {
                return None;
            }
            let (m, b) = number(a + 1)?;
            if !is_digit(v.at(a + 1)) || b - (a + 1) > 2 {
                return None;
            }
            let full = v.at(b) == sep && is_digit(v.at(b + 1));
            if full {
                let (_, c) = number(b + 1)?;
                if c - (b + 1) > 2 || is_digit(v.at(c)) || (v.at(c) == sep && is_digit(v.at(c + 1)))
                {
                    return None;
                }
                if era.is_none() && first_len != 4 {
                    return None;
                }
                return valid(c, c);
            }
            // Two parts: 2024/3 (year-month) or 3/14 (month-day), slashes only.
            if sep != '/' || era.is_some() || is_digit(v.at(b)) {
                return None;
            }
            if first_len == 4 && (1900..=2100).contains(&first) && (1..=12).contains(&m) {
                return (!is_measurement(v, b)).then_some(b);
            }
            if first_len <= 2
                && (1..=12).contains(&first)
                && (1..=31).contains(&m)
                && day_ok(first, m)
                && !matches!(v.before(i), '/' | '.' | '-')
                && !after_fraction_word(v, b)
                && !after_score_name(v, i)
                && !is_measurement(v, b)
            {
                return Some(b);
            }
            None
        }
        _ => {
            // 8 digits: 20240314 (and with an era letter, S330314).
            if era.is_some() && first_len == 6 {
                return valid(a, a);
            }
            if era.is_none() && first_len == 8 {
                let text: String = (i..a).map(|k| v.at(k)).collect();
                let year: u32 = text.get(..4)?.parse().ok()?;
                if (1900..=2100).contains(&year) {
                    return wareki::parse(&text).ok().map(|_| a);
                }
            }
            None
        }
    }
}

/// A score or measurement name before a slash number (HDS-R 12/30, MMSE: 24/30).
fn after_score_name(v: &View, i: usize) -> bool {
    let mut k = i;
    while k > 0 && matches!(v.at(k - 1), ' ' | ':') {
        k -= 1;
    }
    v.before(k).is_ascii_alphanumeric() || matches!(v.before(k), '点' | '式' | '数')
}

/// Words after a slash number that make it a fraction (1/2錠, 1/3程度).
fn after_fraction_word(v: &View, b: usize) -> bool {
    [
        "程度", "量", "以下", "以上", "錠", "包", "T", "A", "V", "回", "本", "倍",
    ]
    .iter()
    .any(|w| v.has(b, w))
}

/// Whether `day` exists in `month` (29 February allowed: the year is often unknown).
fn day_ok(month: u32, day: u32) -> bool {
    let max = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=max).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::super::view::Fold;
    use super::*;

    fn tags(text: &str) -> Vec<(String, Tag)> {
        let view = View::new(text, Fold::Text);
        let mut out = Vec::new();
        find(text, &view, &mut out);
        let spans = super::super::resolve(text, out);
        spans
            .into_iter()
            .map(|s| (text[s.start..s.end].to_owned(), s.tag))
            .collect()
    }

    fn one(text: &str, expected: &str, tag: Tag) {
        let found = tags(text);
        assert!(
            found.iter().any(|(s, t)| s == expected && *t == tag),
            "{text:?}: expected {expected:?} as {tag:?}, got {found:?}"
        );
    }

    fn none(text: &str) {
        let found = tags(text);
        assert!(
            found.is_empty(),
            "{text:?}: expected nothing, got {found:?}"
        );
    }

    #[test]
    fn phones() {
        one("TEL 03-1234-5678 まで", "03-1234-5678", Tag::Phone);
        one("携帯090-1234-5678", "090-1234-5678", Tag::Phone);
        one("(03)1234-5678", "(03)1234-5678", Tag::Phone);
        one(
            "０９０－１２３４－５６７８に連絡",
            "０９０－１２３４－５６７８",
            Tag::Phone,
        );
        one("連絡先 09012345678", "09012345678", Tag::Phone);
        one("+81 90 1234 5678", "+81 90 1234 5678", Tag::Phone);
        one("0120-123-456", "0120-123-456", Tag::Phone);
        none("BP 142/88 HR 72");
    }

    #[test]
    fn postal_codes() {
        one("〒160-0023 東京都", "〒160-0023", Tag::Postal);
        one("〒１６０－００２３", "〒１６０－００２３", Tag::Postal);
        one("郵便番号 1600023", "1600023", Tag::Postal);
        one("住所 160-0023", "160-0023", Tag::Postal);
    }

    #[test]
    fn emails_and_urls() {
        one(
            "mail: taro.yamada@example.co.jp まで",
            "taro.yamada@example.co.jp",
            Tag::Email,
        );
        one("taro＠example.jp", "taro＠example.jp", Tag::Email);
        one(
            "参照 https://example.jp/a?b=1 。",
            "https://example.jp/a?b=1",
            Tag::Url,
        );
        one("www.example.jp を参照", "www.example.jp", Tag::Url);
        none("@の後に");
    }

    #[test]
    fn my_number_and_ids() {
        one("個人番号 1234 5678 9018", "1234 5678 9018", Tag::Id);
        one("123456789018", "123456789018", Tag::Id);
        one("患者ID: 0012345", "0012345", Tag::Id);
        one("カルテ番号12345", "12345", Tag::Id);
        one("No.4567", "4567", Tag::Id);
        one("保険者番号 33120015", "33120015", Tag::Id);
        one("記号 12-34 番号 567", "12-34", Tag::Id);
        one("登録 8812345", "8812345", Tag::Id);
        none("WBC 12000/μL, PLT 23.4万");
        none("Cr 1.1 mg/dL, HbA1c 7.2%");
    }

    #[test]
    fn dates() {
        for d in [
            "昭和33年3月14日",
            "S33.3.14",
            "s33.3.14",
            "昭33.3.14",
            "1958/03/14",
            "1958-3-14",
            "1958年3月14日",
            "1958.3.14",
            "令和元年5月1日",
            "R1.5.1",
            "令和6年3月",
            "3月14日",
            "３月１４日",
            "三月十四日",
            "昭和三十三年三月十四日",
            "2024/3",
            "20240314",
            "平成20年",
            "58年3月14日",
        ] {
            one(&format!("は{d}に"), d, Tag::Date);
        }
        one("3/14(木)受診", "3/14", Tag::Date);
        one("昭和33年3月14日生まれ", "昭和33年3月14日生まれ", Tag::Date);
        for no in [
            "3日間",
            "2週間",
            "3か月",
            "3ヶ月",
            "BP 142/88",
            "14:30",
            "1/2錠",
            "5mg 1日2回",
            "3年間",
            "2年前",
        ] {
            none(&format!("{no}の"));
        }
        // Impossible dates are not dates.
        none("2月30日");
        let found = tags("平成31年5月1日 ");
        assert!(
            !found.iter().any(|(s, _)| s == "平成31年5月1日"),
            "{found:?}"
        );
    }

    #[test]
    fn ages() {
        one("82歳男性", "82歳", Tag::Age);
        one("八十二歳", "八十二歳", Tag::Age);
        one("82才", "82才", Tag::Age);
        one("82 y.o. male", "82 y.o.", Tag::Age);
        one("70歳代", "70歳代", Tag::Age);
    }

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
