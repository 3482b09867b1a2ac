//! 住所 (jūsho, address) splitting: a Japanese address cut into 都道府県 (todōfuken, prefecture),
//! 市区町村 (shikuchōson, municipality), the 区 (ku, ward) of a 政令指定都市 (seirei shitei toshi,
//! designated city) and the rest, and its generalization to one of those levels.
//!
//! Everything here works on slices of the raw input, without allocating in [`split`] and without
//! normalizing: callers compare the results after NFKC. Municipalities are found by rule (the
//! shortest name ending in 市, 区, 町, 村 or 郡, then 町/村 after a 郡) plus a small table of names
//! with one of those characters inside them (四日市市, 東村山郡 …); wards by a table of the wards of
//! the 20 designated cities, so that a street never passes for a ward.

/// The 47 都道府県, sorted by bytes for `binary_search`.
#[rustfmt::skip]
static PREFECTURES: [&str; 47] = [
    "三重県", "京都府", "佐賀県", "兵庫県", "北海道", "千葉県", "和歌山県", "埼玉県",
    "大分県", "大阪府", "奈良県", "宮城県", "宮崎県", "富山県", "山口県", "山形県",
    "山梨県", "岐阜県", "岡山県", "岩手県", "島根県", "広島県", "徳島県", "愛媛県",
    "愛知県", "新潟県", "東京都", "栃木県", "沖縄県", "滋賀県", "熊本県", "石川県",
    "神奈川県", "福井県", "福岡県", "福島県", "秋田県", "群馬県", "茨城県", "長崎県",
    "長野県", "青森県", "静岡県", "香川県", "高知県", "鳥取県", "鹿児島県",
];

/// Tokyo's special wards (特別区, tokubetsu-ku) whose names no designated city uses: a bare one
/// infers 東京都 (中央区, 港区 and 北区 are left out as ambiguous).
#[rustfmt::skip]
static TOKYO_WARDS: [&str; 20] = [
    "世田谷区", "中野区", "千代田区", "台東区", "品川区", "墨田区", "大田区", "文京区",
    "新宿区", "杉並区", "板橋区", "江戸川区", "江東区", "渋谷区", "目黒区", "練馬区",
    "荒川区", "葛飾区", "豊島区", "足立区",
];

/// Every ward of the 20 designated cities (the union; 浜松市's wards before and after 2024;
/// 保土ケ谷区 in three spellings), sorted by bytes.
#[rustfmt::skip]
static WARDS: [&str; 115] = [
    "上京区", "下京区", "中京区", "中区", "中原区", "中央区", "中川区", "中村区",
    "伏見区", "住之江区", "住吉区", "佐伯区", "保土ケ谷区", "保土ヶ谷区", "保土ｹ谷区", "八幡東区",
    "八幡西区", "兵庫区", "北区", "千種区", "南区", "博多区", "厚別区", "右京区",
    "名東区", "垂水区", "城南区", "城東区", "堺区", "多摩区", "大宮区", "大正区",
    "天王寺区", "天白区", "天竜区", "太白区", "守山区", "安佐北区", "安佐南区", "安芸区",
    "宮前区", "宮城野区", "小倉北区", "小倉南区", "山科区", "岩槻区", "川崎区", "左京区",
    "平野区", "幸区", "戸塚区", "戸畑区", "手稲区", "早良区", "旭区", "昭和区",
    "東住吉区", "東区", "東山区", "東成区", "東淀川区", "東灘区", "栄区", "桜区",
    "此花区", "江南区", "泉区", "浜北区", "浜名区", "浦和区", "浪速区", "淀川区",
    "清水区", "清田区", "港北区", "港区", "港南区", "瀬谷区", "灘区", "熱田区",
    "瑞穂区", "生野区", "白石区", "磯子区", "神奈川区", "福島区", "秋葉区", "稲毛区",
    "緑区", "美原区", "美浜区", "花見川区", "若松区", "若林区", "若葉区", "葵区",
    "西京区", "西区", "西成区", "西淀川区", "西蒲区", "見沼区", "豊平区", "都島区",
    "都筑区", "金沢区", "長田区", "門司区", "阿倍野区", "青葉区", "須磨区", "駿河区",
    "高津区", "鶴見区", "麻生区",
];

/// Municipalities and 郡 whose names hold 市, 区, 町, 村 or 郡 after their first character, which the
/// shortest-name rule would cut short (四日市市 → 四日市). Names starting with one (市川市, 町田市,
/// 郡山市) need no entry: the rule skips the first character.
#[rustfmt::skip]
static INNER_SUFFIX_NAMES: [&str; 23] = [
    "上市町", "下市町", "中村区", "余市町", "余市郡", "北村山郡", "十日町市", "四日市市",
    "大和郡山市", "大村市", "大町市", "大町町", "廿日市市", "東村山市", "東村山郡", "武蔵村山市",
    "玉村町", "田村市", "田村郡", "羽村市", "西村山郡", "野々市市", "高市郡",
];

/// The 20 政令指定都市 and their prefectures, sorted by city.
#[rustfmt::skip]
static DESIGNATED_CITIES: [(&str, &str); 20] = [
    ("さいたま市", "埼玉県"),
    ("京都市", "京都府"),
    ("仙台市", "宮城県"),
    ("北九州市", "福岡県"),
    ("千葉市", "千葉県"),
    ("名古屋市", "愛知県"),
    ("堺市", "大阪府"),
    ("大阪市", "大阪府"),
    ("岡山市", "岡山県"),
    ("川崎市", "神奈川県"),
    ("広島市", "広島県"),
    ("新潟市", "新潟県"),
    ("札幌市", "北海道"),
    ("横浜市", "神奈川県"),
    ("浜松市", "静岡県"),
    ("熊本市", "熊本県"),
    ("相模原市", "神奈川県"),
    ("神戸市", "兵庫県"),
    ("福岡市", "福岡県"),
    ("静岡市", "静岡県"),
];

/// The parts of a Japanese address, as slices of the input (so the output keeps the input's exact spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    /// 都道府県: 東京都, 北海道, 大阪府, 神奈川県 …
    pub prefecture: Option<&'a str>,
    /// 市区町村: 新宿区, 横浜市 (without its ward), 北佐久郡軽井沢町, 八王子市.
    pub municipality: Option<&'a str>,
    /// The 区 of a 政令指定都市 (港北区 in 横浜市港北区), else `None`.
    pub ward: Option<&'a str>,
    /// 町域 + 丁目/番地/号 + building …, trimmed of leading spaces.
    pub rest: &'a str,
}

/// Generalization levels used by the `generalize_address` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 都道府県 only.
    Prefecture,
    /// 都道府県 + 市区町村 (a designated city without its ward).
    Municipality,
    /// 都道府県 + 市区町村 + the ward of a 政令指定都市 (falls back to the municipality).
    Ward,
}

/// Longest name a municipality part (before its 市/区/町/村/郡) may have, in characters.
const MAX_NAME_CHARS: usize = 8;

/// Splits `address` into prefecture, municipality, ward and rest; a leading 〒 and postal code
/// and spaces are skipped, and parts that cannot be found are `None`.
///
/// # Example
/// ```
/// use deid_kit::ja::address::split;
/// let p = split("〒222-0000 神奈川県横浜市港北区日吉4-1-1");
/// assert_eq!(p.prefecture, Some("神奈川県"));
/// assert_eq!(p.municipality, Some("横浜市"));
/// assert_eq!(p.ward, Some("港北区"));
/// assert_eq!(p.rest, "日吉4-1-1");
/// ```
pub fn split(address: &str) -> Parts<'_> {
    let s = skip_postal_code(address);
    let (prefecture, s) = take(s, longest_prefix_in(s, &PREFECTURES, 4));
    let s = s.trim_start();
    let (municipality, s) = take(s, municipality_len(s));
    let s = s.trim_start();
    let (ward, s) = match municipality {
        Some(m) if designated_city(m).is_some() => take(s, longest_prefix_in(s, &WARDS, 5)),
        _ => (None, s),
    };
    Parts {
        prefecture,
        municipality,
        ward,
        rest: s.trim_start(),
    }
}

/// The address cut to `level` ("東京都新宿区", "神奈川県横浜市港北区"), or `None` when that level
/// cannot be found, so that the caller can fail closed instead of passing the street through.
///
/// The prefecture is kept only when the input has one, except at [`Level::Prefecture`], where it is
/// inferred for the 20 政令指定都市 and for Tokyo's wards (except 中央区, 港区 and 北区, which
/// designated cities have too).
///
/// # Example
/// ```
/// use deid_kit::ja::address::{generalize, Level};
/// let a = "神奈川県横浜市港北区日吉4-1-1";
/// assert_eq!(generalize(a, Level::Prefecture).as_deref(), Some("神奈川県"));
/// assert_eq!(generalize(a, Level::Municipality).as_deref(), Some("神奈川県横浜市"));
/// assert_eq!(generalize(a, Level::Ward).as_deref(), Some("神奈川県横浜市港北区"));
/// assert_eq!(generalize("横浜市港北区日吉", Level::Prefecture).as_deref(), Some("神奈川県"));
/// assert_eq!(generalize("日吉4-1-1", Level::Municipality), None);
/// ```
pub fn generalize(address: &str, level: Level) -> Option<String> {
    let p = split(address);
    let ward = match level {
        Level::Prefecture => {
            let prefecture = p
                .prefecture
                .or_else(|| p.municipality.and_then(infer_prefecture))?;
            return Some(prefecture.to_owned());
        }
        Level::Municipality => None,
        Level::Ward => p.ward,
    };
    let parts = [p.prefecture, Some(p.municipality?), ward];
    let mut out = String::with_capacity(parts.iter().flatten().map(|s| s.len()).sum());
    for part in parts.iter().flatten() {
        out.push_str(part);
    }
    Some(out)
}

/// The prefecture of a designated city or of an unambiguous Tokyo ward.
fn infer_prefecture(municipality: &str) -> Option<&'static str> {
    designated_city(municipality).or_else(|| {
        TOKYO_WARDS
            .binary_search(&municipality)
            .is_ok()
            .then_some("東京都")
    })
}

/// The prefecture of `city` when it is one of the 20 政令指定都市.
fn designated_city(city: &str) -> Option<&'static str> {
    DESIGNATED_CITIES
        .binary_search_by(|(name, _)| (*name).cmp(city))
        .ok()
        .and_then(|i| DESIGNATED_CITIES.get(i))
        .map(|(_, prefecture)| *prefecture)
}

/// Splits `s` after `len` bytes, or returns it whole when `len` is `None` (or not a boundary).
fn take(s: &str, len: Option<usize>) -> (Option<&str>, &str) {
    match len.and_then(|n| s.split_at_checked(n)) {
        Some((head, tail)) => (Some(head), tail),
        None => (None, s),
    }
}

/// `s` without leading spaces and a leading postal code (〒 optional; ASCII or full-width digits,
/// with or without a hyphen). Without 〒 only the shapes 123-4567 and 1234567 count as a code.
fn skip_postal_code(s: &str) -> &str {
    let s = s.trim_start();
    let (marked, t) = match s.strip_prefix('〒') {
        Some(t) => (true, t.trim_start()),
        None => (false, s),
    };
    let (head, t1) = digits(t);
    let (hyphen, t2) = match t1.strip_prefix(is_hyphen) {
        Some(t2) => (true, t2),
        None => (false, t1),
    };
    let (tail, t3) = if hyphen { digits(t2) } else { (0, t1) };
    let code = (head == 3 && hyphen && tail == 4) || (head == 7 && !hyphen);
    if code || (marked && head > 0) {
        t3.trim_start()
    } else if marked {
        t
    } else {
        s
    }
}

/// The number of leading ASCII or full-width digits of `s`, and what follows them.
fn digits(s: &str) -> (usize, &str) {
    let count = s.chars().take_while(|&c| is_digit(c)).count();
    (count, s.trim_start_matches(is_digit))
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '－' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | 'ｰ'
    )
}

/// Characters that never occur in a municipality name: the street has begun.
fn is_stop(c: char) -> bool {
    c.is_whitespace()
        || is_digit(c)
        || is_hyphen(c)
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '。' | '，' | '．' | '（' | '）' | '「' | '」' | '〒' | '＃' | '／'
        )
}

/// Byte length of the longest prefix of `s`, at most `max_chars` characters, found in `table`.
/// Every entry of the tables ends in an administrative suffix, so only prefixes ending in one are
/// looked up (this runs on every cell of an address column).
fn longest_prefix_in(s: &str, table: &[&str], max_chars: usize) -> Option<usize> {
    let mut best = None;
    for (i, c) in s.char_indices().take(max_chars) {
        if !matches!(
            c,
            '都' | '道' | '府' | '県' | '市' | '区' | '町' | '村' | '郡'
        ) {
            continue;
        }
        let end = i + c.len_utf8();
        if s.get(..end)
            .is_some_and(|p| table.binary_search(&p).is_ok())
        {
            best = Some(end);
        }
    }
    best
}

/// Byte length of the shortest prefix of `s` ending in one of `suffixes`, with at least one
/// character before the suffix and at most [`MAX_NAME_CHARS`]; `None` at a digit, space or
/// punctuation first.
fn shortest_name(s: &str, suffixes: &[char]) -> Option<usize> {
    for (n, (i, c)) in s.char_indices().enumerate() {
        if n > MAX_NAME_CHARS || is_stop(c) {
            return None;
        }
        if n > 0 && suffixes.contains(&c) {
            return Some(i + c.len_utf8());
        }
    }
    None
}

/// Byte length of the 市区町村 at the start of `s`: a 市, a 区, a 町/村, or a 郡 with the 町/村
/// after it (the 郡 alone when no 町/村 follows: coarser, never finer).
fn municipality_len(s: &str) -> Option<usize> {
    let first = longest_prefix_in(s, &INNER_SUFFIX_NAMES, 5)
        .or_else(|| shortest_name(s, &['市', '区', '町', '村', '郡']))?;
    let (head, after) = s.split_at_checked(first)?;
    if !head.ends_with('郡') {
        return Some(first);
    }
    let town = after.trim_start();
    let gap = after.len() - town.len();
    let town_len = longest_prefix_in(town, &INNER_SUFFIX_NAMES, 5)
        .filter(|&n| town.get(..n).is_some_and(|t| t.ends_with(['町', '村'])))
        .or_else(|| shortest_name(town, &['町', '村']));
    Some(match town_len {
        Some(n) => first + gap + n,
        None => first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, prefecture, municipality, ward, rest, generalize at Prefecture, Municipality, Ward);
    /// "" stands for `None` except in the rest column.
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    );

    #[rustfmt::skip]
    const CASES: &[Row] = &[
        // Postal codes, spaces, full-width forms.
        ("〒160-0023 東京都新宿区西新宿2-8-1", "東京都", "新宿区", "", "西新宿2-8-1", "東京都", "東京都新宿区", "東京都新宿区"),
        ("〒１６０－００２３　東京都新宿区西新宿２丁目８番１号", "東京都", "新宿区", "", "西新宿２丁目８番１号", "東京都", "東京都新宿区", "東京都新宿区"),
        ("1600023 東京都新宿区西新宿", "東京都", "新宿区", "", "西新宿", "東京都", "東京都新宿区", "東京都新宿区"),
        ("160-0023東京都新宿区西新宿", "東京都", "新宿区", "", "西新宿", "東京都", "東京都新宿区", "東京都新宿区"),
        ("〒 100-0001 東京都千代田区千代田1-1", "東京都", "千代田区", "", "千代田1-1", "東京都", "東京都千代田区", "東京都千代田区"),
        ("〒1000001東京都千代田区千代田1-1", "東京都", "千代田区", "", "千代田1-1", "東京都", "東京都千代田区", "東京都千代田区"),
        ("〒160ー0023 東京都新宿区西新宿", "東京都", "新宿区", "", "西新宿", "東京都", "東京都新宿区", "東京都新宿区"),
        ("  東京都 新宿区 西新宿2-8-1", "東京都", "新宿区", "", "西新宿2-8-1", "東京都", "東京都新宿区", "東京都新宿区"),
        ("\u{3000}東京都\u{3000}新宿区\u{3000}西新宿", "東京都", "新宿区", "", "西新宿", "東京都", "東京都新宿区", "東京都新宿区"),
        // Tokyo: wards whose streets hold 市 or 町, cities, islands.
        ("東京都中央区築地市場", "東京都", "中央区", "", "築地市場", "東京都", "東京都中央区", "東京都中央区"),
        ("東京都千代田区神田神保町1丁目", "東京都", "千代田区", "", "神田神保町1丁目", "東京都", "東京都千代田区", "東京都千代田区"),
        ("東京都港区芝公園4-2-8", "東京都", "港区", "", "芝公園4-2-8", "東京都", "東京都港区", "東京都港区"),
        ("東京都北区王子本町1-15-22", "東京都", "北区", "", "王子本町1-15-22", "東京都", "東京都北区", "東京都北区"),
        ("東京都世田谷区世田谷4-21-27", "東京都", "世田谷区", "", "世田谷4-21-27", "東京都", "東京都世田谷区", "東京都世田谷区"),
        ("東京都八王子市元本郷町3-24-1", "東京都", "八王子市", "", "元本郷町3-24-1", "東京都", "東京都八王子市", "東京都八王子市"),
        ("東京都町田市森野2-2-22", "東京都", "町田市", "", "森野2-2-22", "東京都", "東京都町田市", "東京都町田市"),
        ("東京都東村山市本町1-2-3", "東京都", "東村山市", "", "本町1-2-3", "東京都", "東京都東村山市", "東京都東村山市"),
        ("東京都武蔵村山市本町1-1-1", "東京都", "武蔵村山市", "", "本町1-1-1", "東京都", "東京都武蔵村山市", "東京都武蔵村山市"),
        ("東京都羽村市緑ケ丘5-2-1", "東京都", "羽村市", "", "緑ケ丘5-2-1", "東京都", "東京都羽村市", "東京都羽村市"),
        ("東京都府中市宮西町2-24", "東京都", "府中市", "", "宮西町2-24", "東京都", "東京都府中市", "東京都府中市"),
        ("東京都大島町元町1-1-14", "東京都", "大島町", "", "元町1-1-14", "東京都", "東京都大島町", "東京都大島町"),
        ("東京都八丈町三根", "東京都", "八丈町", "", "三根", "東京都", "東京都八丈町", "東京都八丈町"),
        ("東京都八丈島八丈町大賀郷2345", "東京都", "八丈島八丈町", "", "大賀郷2345", "東京都", "東京都八丈島八丈町", "東京都八丈島八丈町"),
        ("東京都三宅島三宅村阿古", "東京都", "三宅島三宅村", "", "阿古", "東京都", "東京都三宅島三宅村", "東京都三宅島三宅村"),
        ("東京都小笠原村父島", "東京都", "小笠原村", "", "父島", "東京都", "東京都小笠原村", "東京都小笠原村"),
        // Hokkaido and Tohoku.
        ("北海道札幌市中央区北一条西2丁目", "北海道", "札幌市", "中央区", "北一条西2丁目", "北海道", "北海道札幌市", "北海道札幌市中央区"),
        ("北海道余市郡余市町黒川町1-1", "北海道", "余市郡余市町", "", "黒川町1-1", "北海道", "北海道余市郡余市町", "北海道余市郡余市町"),
        ("北海道余市町朝日町", "北海道", "余市町", "", "朝日町", "北海道", "北海道余市町", "北海道余市町"),
        ("北海道旭川市6条通9丁目", "北海道", "旭川市", "", "6条通9丁目", "北海道", "北海道旭川市", "北海道旭川市"),
        ("北海道虻田郡ニセコ町字富士見47", "北海道", "虻田郡ニセコ町", "", "字富士見47", "北海道", "北海道虻田郡ニセコ町", "北海道虻田郡ニセコ町"),
        ("北海道函館市東雲町4-13", "北海道", "函館市", "", "東雲町4-13", "北海道", "北海道函館市", "北海道函館市"),
        ("宮城県仙台市青葉区国分町3-7-1", "宮城県", "仙台市", "青葉区", "国分町3-7-1", "宮城県", "宮城県仙台市", "宮城県仙台市青葉区"),
        ("福島県郡山市朝日1-23-7", "福島県", "郡山市", "", "朝日1-23-7", "福島県", "福島県郡山市", "福島県郡山市"),
        ("福島県田村市船引町船引字畑添76-2", "福島県", "田村市", "", "船引町船引字畑添76-2", "福島県", "福島県田村市", "福島県田村市"),
        ("福島県田村郡三春町大町1-2", "福島県", "田村郡三春町", "", "大町1-2", "福島県", "福島県田村郡三春町", "福島県田村郡三春町"),
        ("山形県村山市中央1-3-6", "山形県", "村山市", "", "中央1-3-6", "山形県", "山形県村山市", "山形県村山市"),
        ("山形県東村山郡中山町長崎120", "山形県", "東村山郡中山町", "", "長崎120", "山形県", "山形県東村山郡中山町", "山形県東村山郡中山町"),
        ("山形県西村山郡河北町谷地戊81", "山形県", "西村山郡河北町", "", "谷地戊81", "山形県", "山形県西村山郡河北町", "山形県西村山郡河北町"),
        ("山形県北村山郡大石田町緑町1", "山形県", "北村山郡大石田町", "", "緑町1", "山形県", "山形県北村山郡大石田町", "山形県北村山郡大石田町"),
        // Kanto and Chubu.
        ("埼玉県さいたま市浦和区常盤6-4-4", "埼玉県", "さいたま市", "浦和区", "常盤6-4-4", "埼玉県", "埼玉県さいたま市", "埼玉県さいたま市浦和区"),
        ("千葉県市川市八幡1-1-1", "千葉県", "市川市", "", "八幡1-1-1", "千葉県", "千葉県市川市", "千葉県市川市"),
        ("千葉県市原市国分寺台中央1-1-1", "千葉県", "市原市", "", "国分寺台中央1-1-1", "千葉県", "千葉県市原市", "千葉県市原市"),
        ("千葉県千葉市美浜区中瀬1", "千葉県", "千葉市", "美浜区", "中瀬1", "千葉県", "千葉県千葉市", "千葉県千葉市美浜区"),
        ("神奈川県横浜市港北区日吉4-1-1", "神奈川県", "横浜市", "港北区", "日吉4-1-1", "神奈川県", "神奈川県横浜市", "神奈川県横浜市港北区"),
        ("神奈川県横浜市 港北区 日吉", "神奈川県", "横浜市", "港北区", "日吉", "神奈川県", "神奈川県横浜市", "神奈川県横浜市港北区"),
        ("神奈川県横浜市保土ケ谷区川辺町2-9", "神奈川県", "横浜市", "保土ケ谷区", "川辺町2-9", "神奈川県", "神奈川県横浜市", "神奈川県横浜市保土ケ谷区"),
        ("神奈川県横浜市", "神奈川県", "横浜市", "", "", "神奈川県", "神奈川県横浜市", "神奈川県横浜市"),
        ("神奈川県横浜市青葉台地区センター", "神奈川県", "横浜市", "", "青葉台地区センター", "神奈川県", "神奈川県横浜市", "神奈川県横浜市"),
        ("神奈川県川崎市中原区小杉町3-1", "神奈川県", "川崎市", "中原区", "小杉町3-1", "神奈川県", "神奈川県川崎市", "神奈川県川崎市中原区"),
        ("神奈川県相模原市緑区橋本6-2-1", "神奈川県", "相模原市", "緑区", "橋本6-2-1", "神奈川県", "神奈川県相模原市", "神奈川県相模原市緑区"),
        ("神奈川県足柄下郡箱根町湯本256", "神奈川県", "足柄下郡箱根町", "", "湯本256", "神奈川県", "神奈川県足柄下郡箱根町", "神奈川県足柄下郡箱根町"),
        ("栃木県芳賀郡市貝町市塙1280", "栃木県", "芳賀郡市貝町", "", "市塙1280", "栃木県", "栃木県芳賀郡市貝町", "栃木県芳賀郡市貝町"),
        ("群馬県佐波郡玉村町下新田201", "群馬県", "佐波郡玉村町", "", "下新田201", "群馬県", "群馬県佐波郡玉村町", "群馬県佐波郡玉村町"),
        ("新潟県十日町市千歳町3-3", "新潟県", "十日町市", "", "千歳町3-3", "新潟県", "新潟県十日町市", "新潟県十日町市"),
        ("新潟県村上市三之町1-1", "新潟県", "村上市", "", "三之町1-1", "新潟県", "新潟県村上市", "新潟県村上市"),
        ("新潟県新潟市中央区学校町通1番町602-1", "新潟県", "新潟市", "中央区", "学校町通1番町602-1", "新潟県", "新潟県新潟市", "新潟県新潟市中央区"),
        ("長野県北佐久郡軽井沢町大字軽井沢1323", "長野県", "北佐久郡軽井沢町", "", "大字軽井沢1323", "長野県", "長野県北佐久郡軽井沢町", "長野県北佐久郡軽井沢町"),
        ("長野県大町市大町3887", "長野県", "大町市", "", "大町3887", "長野県", "長野県大町市", "長野県大町市"),
        ("富山県中新川郡上市町稗田2", "富山県", "中新川郡上市町", "", "稗田2", "富山県", "富山県中新川郡上市町", "富山県中新川郡上市町"),
        ("石川県野々市市三納1-1", "石川県", "野々市市", "", "三納1-1", "石川県", "石川県野々市市", "石川県野々市市"),
        ("静岡県浜松市中央区元城町103-2", "静岡県", "浜松市", "中央区", "元城町103-2", "静岡県", "静岡県浜松市", "静岡県浜松市中央区"),
        ("静岡県静岡市葵区追手町5-1", "静岡県", "静岡市", "葵区", "追手町5-1", "静岡県", "静岡県静岡市", "静岡県静岡市葵区"),
        ("愛知県名古屋市中村区名駅1-1-4", "愛知県", "名古屋市", "中村区", "名駅1-1-4", "愛知県", "愛知県名古屋市", "愛知県名古屋市中村区"),
        // Kinki.
        ("三重県四日市市諏訪町1-5", "三重県", "四日市市", "", "諏訪町1-5", "三重県", "三重県四日市市", "三重県四日市市"),
        ("京都府京都市左京区吉田本町", "京都府", "京都市", "左京区", "吉田本町", "京都府", "京都府京都市", "京都府京都市左京区"),
        ("京都府京都市中京区寺町通御池上る上本能寺前町488", "京都府", "京都市", "中京区", "寺町通御池上る上本能寺前町488", "京都府", "京都府京都市", "京都府京都市中京区"),
        ("大阪府大阪市北区梅田3-1-1", "大阪府", "大阪市", "北区", "梅田3-1-1", "大阪府", "大阪府大阪市", "大阪府大阪市北区"),
        ("大阪府堺市堺区南瓦町3-1", "大阪府", "堺市", "堺区", "南瓦町3-1", "大阪府", "大阪府堺市", "大阪府堺市堺区"),
        ("大阪府豊中市中桜塚3-1-1", "大阪府", "豊中市", "", "中桜塚3-1-1", "大阪府", "大阪府豊中市", "大阪府豊中市"),
        ("兵庫県神戸市中央区加納町6-5-1", "兵庫県", "神戸市", "中央区", "加納町6-5-1", "兵庫県", "兵庫県神戸市", "兵庫県神戸市中央区"),
        ("奈良県大和郡山市北郡山町248-4", "奈良県", "大和郡山市", "", "北郡山町248-4", "奈良県", "奈良県大和郡山市", "奈良県大和郡山市"),
        ("奈良県高市郡明日香村岡55", "奈良県", "高市郡明日香村", "", "岡55", "奈良県", "奈良県高市郡明日香村", "奈良県高市郡明日香村"),
        ("奈良県吉野郡下市町下市1", "奈良県", "吉野郡下市町", "", "下市1", "奈良県", "奈良県吉野郡下市町", "奈良県吉野郡下市町"),
        ("和歌山県和歌山市七番丁23", "和歌山県", "和歌山市", "", "七番丁23", "和歌山県", "和歌山県和歌山市", "和歌山県和歌山市"),
        // Chugoku, Shikoku, Kyushu, Okinawa.
        ("広島県廿日市市下平良1-11-1", "広島県", "廿日市市", "", "下平良1-11-1", "広島県", "広島県廿日市市", "広島県廿日市市"),
        ("広島県広島市安佐南区古市1-33-14", "広島県", "広島市", "安佐南区", "古市1-33-14", "広島県", "広島県広島市", "広島県広島市安佐南区"),
        ("岡山県岡山市北区大供1-1-1", "岡山県", "岡山市", "北区", "大供1-1-1", "岡山県", "岡山県岡山市", "岡山県岡山市北区"),
        ("香川県高松市番町4-1-10", "香川県", "高松市", "", "番町4-1-10", "香川県", "香川県高松市", "香川県高松市"),
        ("福岡県北九州市八幡西区黒崎3-15-3", "福岡県", "北九州市", "八幡西区", "黒崎3-15-3", "福岡県", "福岡県北九州市", "福岡県北九州市八幡西区"),
        ("福岡県福岡市博多区博多駅前1", "福岡県", "福岡市", "博多区", "博多駅前1", "福岡県", "福岡県福岡市", "福岡県福岡市博多区"),
        ("福岡県久留米市城南町15-3", "福岡県", "久留米市", "", "城南町15-3", "福岡県", "福岡県久留米市", "福岡県久留米市"),
        ("佐賀県杵島郡大町町大町5017", "佐賀県", "杵島郡大町町", "", "大町5017", "佐賀県", "佐賀県杵島郡大町町", "佐賀県杵島郡大町町"),
        ("長崎県大村市玖島1-25", "長崎県", "大村市", "", "玖島1-25", "長崎県", "長崎県大村市", "長崎県大村市"),
        ("熊本県熊本市中央区手取本町1-1", "熊本県", "熊本市", "中央区", "手取本町1-1", "熊本県", "熊本県熊本市", "熊本県熊本市中央区"),
        ("鹿児島県鹿児島郡十島村中之島", "鹿児島県", "鹿児島郡十島村", "", "中之島", "鹿児島県", "鹿児島県鹿児島郡十島村", "鹿児島県鹿児島郡十島村"),
        ("鹿児島県鹿児島市山下町11-1", "鹿児島県", "鹿児島市", "", "山下町11-1", "鹿児島県", "鹿児島県鹿児島市", "鹿児島県鹿児島市"),
        ("沖縄県国頭郡東村平良804", "沖縄県", "国頭郡東村", "", "平良804", "沖縄県", "沖縄県国頭郡東村", "沖縄県国頭郡東村"),
        ("沖縄県那覇市泉崎1-1-1", "沖縄県", "那覇市", "", "泉崎1-1-1", "沖縄県", "沖縄県那覇市", "沖縄県那覇市"),
        // No prefecture: the municipality is still found; the prefecture is inferred when sure.
        ("横浜市港北区日吉4-1-1", "", "横浜市", "港北区", "日吉4-1-1", "神奈川県", "横浜市", "横浜市港北区"),
        ("大阪市北区梅田", "", "大阪市", "北区", "梅田", "大阪府", "大阪市", "大阪市北区"),
        ("京都市左京区吉田本町", "", "京都市", "左京区", "吉田本町", "京都府", "京都市", "京都市左京区"),
        ("〒160-0023 新宿区西新宿", "", "新宿区", "", "西新宿", "東京都", "新宿区", "新宿区"),
        ("中央区銀座1-1", "", "中央区", "", "銀座1-1", "", "中央区", "中央区"),
        ("中村区名駅1-1-4", "", "中村区", "", "名駅1-1-4", "", "中村区", "中村区"),
        ("八王子市元本郷町3-24-1", "", "八王子市", "", "元本郷町3-24-1", "", "八王子市", "八王子市"),
        ("北佐久郡軽井沢町大字軽井沢", "", "北佐久郡軽井沢町", "", "大字軽井沢", "", "北佐久郡軽井沢町", "北佐久郡軽井沢町"),
        // Nothing to find: fail closed.
        ("", "", "", "", "", "", "", ""),
        ("   \u{3000}", "", "", "", "", "", "", ""),
        ("〒160-0023", "", "", "", "", "", "", ""),
        ("東京都", "東京都", "", "", "", "東京都", "", ""),
        ("北海道上川郡", "北海道", "上川郡", "", "", "北海道", "北海道上川郡", "北海道上川郡"),
        ("西新宿2-8-1", "", "", "", "西新宿2-8-1", "", "", ""),
        ("1-2-3 Nishi-Shinjuku", "", "", "", "1-2-3 Nishi-Shinjuku", "", "", ""),
        ("〒", "", "", "", "", "", "", ""),
    ];

    fn opt(s: &str) -> Option<&str> {
        (!s.is_empty()).then_some(s)
    }

    #[test]
    fn split_table() {
        for &(input, prefecture, municipality, ward, rest, ..) in CASES {
            let expected = Parts {
                prefecture: opt(prefecture),
                municipality: opt(municipality),
                ward: opt(ward),
                rest,
            };
            assert_eq!(split(input), expected, "split({input:?})");
        }
    }

    #[test]
    fn generalize_table() {
        for &(input, .., prefecture, municipality, ward) in CASES {
            let got = [Level::Prefecture, Level::Municipality, Level::Ward]
                .map(|level| generalize(input, level));
            let expected = [prefecture, municipality, ward].map(|s| opt(s).map(str::to_owned));
            assert_eq!(got, expected, "generalize({input:?})");
        }
    }

    #[test]
    fn table_has_enough_cases() {
        assert!(CASES.len() >= 60);
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        for table in [
            &PREFECTURES[..],
            &TOKYO_WARDS[..],
            &WARDS[..],
            &INNER_SUFFIX_NAMES[..],
        ] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "{:?}", table.first());
        }
        assert!(DESIGNATED_CITIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn table_lengths_fit_the_lookups() {
        assert!(PREFECTURES
            .iter()
            .all(|p| (3..=4).contains(&p.chars().count())));
        assert!(WARDS
            .iter()
            .all(|w| w.chars().count() <= 5 && w.ends_with('区')));
        assert!(INNER_SUFFIX_NAMES.iter().all(|n| n.chars().count() <= 5));
        assert!(TOKYO_WARDS.iter().all(|w| WARDS.binary_search(w).is_err()));
    }

    #[test]
    fn every_prefecture_and_designated_city_is_found() {
        for p in PREFECTURES {
            assert_eq!(split(&format!("{p}某市1-1")).prefecture, Some(p));
        }
        for (city, prefecture) in DESIGNATED_CITIES {
            let address = format!("{prefecture}{city}1-1");
            let parts = split(&address);
            assert_eq!(
                (parts.prefecture, parts.municipality),
                (Some(prefecture), Some(city))
            );
            assert_eq!(
                generalize(city, Level::Prefecture).as_deref(),
                Some(prefecture)
            );
        }
    }

    #[test]
    fn slices_come_from_the_input_on_any_cut() {
        for &(input, ..) in CASES {
            for (i, _) in input.char_indices().chain([(input.len(), ' ')]) {
                for s in [&input[..i], &input[i..]] {
                    let p = split(s);
                    for part in [p.prefecture, p.municipality, p.ward, Some(p.rest)]
                        .into_iter()
                        .flatten()
                    {
                        let start = part.as_ptr() as usize - s.as_ptr() as usize;
                        assert!(start + part.len() <= s.len());
                    }
                    for level in [Level::Prefecture, Level::Municipality, Level::Ward] {
                        let _ = generalize(s, level);
                    }
                }
            }
        }
    }

    #[test]
    fn level_serde_names() {
        for (level, name) in [
            (Level::Prefecture, "\"prefecture\""),
            (Level::Municipality, "\"municipality\""),
            (Level::Ward, "\"ward\""),
        ] {
            assert_eq!(serde_json::to_string(&level).ok().as_deref(), Some(name));
            assert_eq!(serde_json::from_str::<Level>(name).ok(), Some(level));
        }
    }
}
