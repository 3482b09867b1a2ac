//! The built-in functional hierarchies: age bands with top-coding, dates (和暦 or western) to
//! month, quarter and year, 郵便番号 to their leading digits, addresses to municipality,
//! prefecture and region, and sex.

use crate::ja::address::{self, Level as AddressLevel};
use crate::ja::identifiers;
use crate::ja::normalize::{normalize, Options};
use crate::ja::wareki;

use super::hierarchy::SUPPRESSED;

/// The built-in hierarchies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Age in years: the age → 5-year band → 10-year band → 20-year band → `*`, with ages of 90
    /// and over top-coded as `90+` (and `80+` at the 20-year level).
    Age,
    /// A date (和暦 or western, read by [`wareki::parse`]): day (`2024-04-01`) → month
    /// (`2024-04`) → quarter (`2024-Q2`) → year (`2024`) → `*`.
    Date,
    /// A 7-digit 郵便番号: `1600023` → `160` → `1` → `*`.
    Postal,
    /// A Japanese address: as written (NFKC) → 市区町村 (municipality) → 都道府県 (prefecture)
    /// → region (北海道, 東北, 関東, 中部, 近畿, 中国, 四国, 九州・沖縄) → `*`.
    Address,
    /// Sex: the value (男/女 for the common spellings) → `*`.
    Sex,
}

impl Builtin {
    /// The name [`Hierarchy::builtin`](super::Hierarchy::builtin) knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Age => "age",
            Builtin::Date => "date",
            Builtin::Postal => "postal",
            Builtin::Address => "address",
            Builtin::Sex => "sex",
        }
    }

    pub(super) fn levels(self) -> usize {
        match self {
            Builtin::Age | Builtin::Date | Builtin::Address => 5,
            Builtin::Postal => 4,
            Builtin::Sex => 2,
        }
    }

    /// Every level of `value`, from its canonical spelling (level 0) to `*`.
    pub(super) fn path(self, value: &str) -> Result<Vec<String>, String> {
        match self {
            Builtin::Age => age_path(value),
            Builtin::Date => date_path(value),
            Builtin::Postal => postal_path(value),
            Builtin::Address => address_path(value),
            Builtin::Sex => sex_path(value),
        }
    }
}

/// The oldest age the built-in hierarchy reads (older is not an age but a typo).
const MAX_AGE: u32 = 150;
/// Ages from here on are top-coded.
const TOP_CODE: u32 = 90;

fn age_path(value: &str) -> Result<Vec<String>, String> {
    let text = normalize(value, Options::default());
    let digits = text
        .strip_suffix("歳")
        .or_else(|| text.strip_suffix('才'))
        .unwrap_or(&text)
        .trim();
    let age: u32 =
        if !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().map_err(|_| "not an age".to_owned())?
        } else {
            return Err("not an age in years".to_owned());
        };
    if age > MAX_AGE {
        return Err(format!("age above {MAX_AGE}"));
    }
    let band = |width: u32| {
        let low = age / width * width;
        format!("{low}-{}", low + width - 1)
    };
    let top = |at: u32| format!("{at}+");
    Ok(vec![
        age.to_string(),
        if age >= TOP_CODE {
            top(TOP_CODE)
        } else {
            band(5)
        },
        if age >= TOP_CODE {
            top(TOP_CODE)
        } else {
            band(10)
        },
        if age >= 80 { top(80) } else { band(20) },
        SUPPRESSED.to_owned(),
    ])
}

fn date_path(value: &str) -> Result<Vec<String>, String> {
    let d = wareki::parse(value).map_err(|e| e.to_string())?;
    let quarter = (d.month - 1) / 3 + 1;
    Ok(vec![
        d.iso(),
        format!("{:04}-{:02}", d.year, d.month),
        format!("{:04}-Q{quarter}", d.year),
        format!("{:04}", d.year),
        SUPPRESSED.to_owned(),
    ])
}

fn postal_path(value: &str) -> Result<Vec<String>, String> {
    let text = normalize(value, Options::default());
    if !identifiers::is_postal_code(&text) {
        return Err("not a 7-digit postal code".to_owned());
    }
    let digits = identifiers::digits_of(text.trim().trim_start_matches('〒'))
        .filter(|d| d.len() == 7)
        .ok_or("not a 7-digit postal code")?;
    let prefix = |n: usize| {
        digits
            .get(..n)
            .map(str::to_owned)
            .ok_or("not a postal code")
    };
    Ok(vec![
        digits.clone(),
        prefix(3)?,
        prefix(1)?,
        SUPPRESSED.to_owned(),
    ])
}

fn address_path(value: &str) -> Result<Vec<String>, String> {
    let text = normalize(value, Options::default());
    let municipality = address::generalize(&text, AddressLevel::Municipality)
        .ok_or("address without a municipality")?;
    // The prefecture is read from the municipality level, so that one municipality always
    // generalizes to one prefecture.
    let prefecture = address::generalize(&municipality, AddressLevel::Prefecture)
        .ok_or("address without a known prefecture")?;
    let region = region_of(&prefecture).ok_or("address without a known prefecture")?;
    Ok(vec![
        text,
        municipality,
        prefecture,
        region.to_owned(),
        SUPPRESSED.to_owned(),
    ])
}

fn sex_path(value: &str) -> Result<Vec<String>, String> {
    let text = normalize(value, Options::default());
    if text.is_empty() {
        return Err("empty value".to_owned());
    }
    let canonical = match text.to_ascii_lowercase().as_str() {
        "男" | "男性" | "m" | "male" | "man" => "男".to_owned(),
        "女" | "女性" | "f" | "female" | "woman" => "女".to_owned(),
        _ => text,
    };
    Ok(vec![canonical, SUPPRESSED.to_owned()])
}

/// The eight regions (地方, chihō) used for the level above the prefecture.
static REGIONS: [(&str, &[&str]); 8] = [
    ("北海道", &["北海道"]),
    (
        "東北",
        &["青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"],
    ),
    (
        "関東",
        &[
            "茨城県",
            "栃木県",
            "群馬県",
            "埼玉県",
            "千葉県",
            "東京都",
            "神奈川県",
        ],
    ),
    (
        "中部",
        &[
            "新潟県",
            "富山県",
            "石川県",
            "福井県",
            "山梨県",
            "長野県",
            "岐阜県",
            "静岡県",
            "愛知県",
        ],
    ),
    (
        "近畿",
        &[
            "三重県",
            "滋賀県",
            "京都府",
            "大阪府",
            "兵庫県",
            "奈良県",
            "和歌山県",
        ],
    ),
    ("中国", &["鳥取県", "島根県", "岡山県", "広島県", "山口県"]),
    ("四国", &["徳島県", "香川県", "愛媛県", "高知県"]),
    (
        "九州・沖縄",
        &[
            "福岡県",
            "佐賀県",
            "長崎県",
            "熊本県",
            "大分県",
            "宮崎県",
            "鹿児島県",
            "沖縄県",
        ],
    ),
];

/// The region of a prefecture.
pub fn region_of(prefecture: &str) -> Option<&'static str> {
    REGIONS
        .iter()
        .find(|(_, list)| list.contains(&prefecture))
        .map(|(region, _)| *region)
}

#[cfg(test)]
mod tests {
    use super::super::hierarchy::Hierarchy;
    use super::*;

    fn path(name: &str, value: &str) -> Vec<String> {
        Hierarchy::builtin(name).unwrap().path(value).unwrap()
    }

    #[test]
    fn age_bands_and_top_coding() {
        let cases: &[(&str, [&str; 5])] = &[
            ("0", ["0", "0-4", "0-9", "0-19", "*"]),
            ("37", ["37", "35-39", "30-39", "20-39", "*"]),
            ("３７歳", ["37", "35-39", "30-39", "20-39", "*"]),
            ("84", ["84", "80-84", "80-89", "80+", "*"]),
            ("90", ["90", "90+", "90+", "80+", "*"]),
            ("116", ["116", "90+", "90+", "80+", "*"]),
        ];
        for (value, want) in cases {
            assert_eq!(path("age", value), want.to_vec(), "{value}");
        }
        let age = Hierarchy::builtin("age").unwrap();
        for bad in ["abc", "-3", "151", "37.5"] {
            assert!(age.path(bad).is_err(), "{bad}");
        }
        // A missing value says nothing: `*` at every level.
        assert_eq!(age.path("").unwrap(), vec!["*"; 5]);
        assert_eq!(age.starting_at(1).unwrap().path(" ").unwrap(), vec!["*"; 4]);
    }

    #[test]
    fn dates_western_and_wareki() {
        let want = ["1958-03-14", "1958-03", "1958-Q1", "1958", "*"];
        for v in [
            "1958-03-14",
            "昭和33年3月14日",
            "S33.3.14",
            "３３３０３１４",
        ] {
            assert_eq!(path("date", v), want.to_vec(), "{v}");
        }
        assert_eq!(path("date", "令和元年12月31日")[2], "2019-Q4");
        assert!(Hierarchy::builtin("date")
            .unwrap()
            .path("平成31年5月1日")
            .is_err());
    }

    #[test]
    fn postal_codes() {
        for v in ["160-0023", "〒160-0023", "1600023", "１６０－００２３"] {
            assert_eq!(path("postal", v), ["1600023", "160", "1", "*"], "{v}");
        }
        assert!(Hierarchy::builtin("postal")
            .unwrap()
            .path("160-002")
            .is_err());
    }

    #[test]
    fn addresses_to_regions() {
        assert_eq!(
            path("address", "神奈川県横浜市港北区日吉4-1-1"),
            [
                "神奈川県横浜市港北区日吉4-1-1",
                "神奈川県横浜市",
                "神奈川県",
                "関東",
                "*"
            ]
        );
        assert_eq!(path("address", "札幌市中央区北1条")[3], "北海道");
        assert_eq!(path("address", "沖縄県那覇市泉崎1-2-2")[3], "九州・沖縄");
        assert!(Hierarchy::builtin("address")
            .unwrap()
            .path("日吉4-1-1")
            .is_err());
        let regions: usize = REGIONS.iter().map(|(_, l)| l.len()).sum();
        assert_eq!(regions, 47);
    }

    #[test]
    fn sex_values() {
        assert_eq!(path("sex", "男性"), ["男", "*"]);
        assert_eq!(path("sex", "F"), ["女", "*"]);
        assert_eq!(path("sex", "1"), ["1", "*"]);
    }
}
