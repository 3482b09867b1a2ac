//! Generalization hierarchies (一般化階層, ippanka kaisō): how one quasi-identifier value is
//! coarsened level by level, from the value itself (level 0) to `*`.
//!
//! Two kinds: a list hierarchy, one row per value and one column per level, as ARX writes it
//! (`adult_hierarchy_age.csv`: `39;35-39;30-39;20-39;*`), and the built-in functional ones for
//! age, dates, 郵便番号 (yūbin bangō, postal codes), 住所 (jūsho, addresses) and sex. Every
//! hierarchy is a function at every step: a value at one level always generalizes to the same
//! value at the next, which is what makes the lattice search monotone.

use std::collections::HashMap;

use crate::ja::address::{self, Level as AddressLevel};
use crate::ja::identifiers;
use crate::ja::normalize::{normalize, Options};
use crate::ja::wareki;

/// The top of every built-in hierarchy (and of ARX's).
pub const SUPPRESSED: &str = "*";

/// A generalization hierarchy for one quasi-identifier.
#[derive(Debug, Clone, PartialEq)]
pub enum Hierarchy {
    /// A hierarchy given as rows (ARX's CSV format or inline rows).
    List(ListHierarchy),
    /// A built-in functional hierarchy.
    Builtin(Builtin),
    /// Another hierarchy without its lowest levels (a policy's `min_level`): the search never
    /// chooses a level below `skip`.
    Above {
        /// The whole hierarchy.
        inner: Box<Hierarchy>,
        /// Levels left out at the bottom.
        skip: usize,
    },
}

/// A hierarchy given as rows: each row holds a value and its generalization at every level.
#[derive(Debug, Clone, PartialEq)]
pub struct ListHierarchy {
    rows: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

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
    /// The name [`Hierarchy::builtin`] knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Age => "age",
            Builtin::Date => "date",
            Builtin::Postal => "postal",
            Builtin::Address => "address",
            Builtin::Sex => "sex",
        }
    }

    fn levels(self) -> usize {
        match self {
            Builtin::Age | Builtin::Date | Builtin::Address => 5,
            Builtin::Postal => 4,
            Builtin::Sex => 2,
        }
    }

    /// Every level of `value`, from its canonical spelling (level 0) to `*`.
    fn path(self, value: &str) -> Result<Vec<String>, String> {
        match self {
            Builtin::Age => age_path(value),
            Builtin::Date => date_path(value),
            Builtin::Postal => postal_path(value),
            Builtin::Address => address_path(value),
            Builtin::Sex => sex_path(value),
        }
    }
}

impl Hierarchy {
    /// Reads a hierarchy in ARX's CSV format: one row per value, one column per level, no
    /// header. The delimiter is `;` or `,`, whichever the first line has (`;` when both), fields
    /// may be double-quoted, and blank lines (trailing ones included) are ignored.
    ///
    /// # Errors
    /// As [`Hierarchy::from_rows`], and for a quote that is never closed.
    ///
    /// # Example
    /// ```
    /// use deid_kit::anonymize::Hierarchy;
    /// let h = Hierarchy::from_arx_csv("Male;*\r\nFemale;*\r\n\r\n")?;
    /// assert_eq!(h.levels(), 2);
    /// assert_eq!(h.generalize("Female", 1)?, "*");
    /// # Ok::<(), String>(())
    /// ```
    pub fn from_arx_csv(text: &str) -> Result<Hierarchy, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let delimiter = if first.contains(';') || !first.contains(',') {
            ';'
        } else {
            ','
        };
        let mut rows = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let row = split_csv_line(line, delimiter)
                .ok_or_else(|| format!("hierarchy line {}: unclosed quote", n + 1))?;
            rows.push(row);
        }
        Hierarchy::from_rows(&rows)
    }

    /// A hierarchy from rows: `rows[i][0]` is a value and `rows[i][l]` its generalization at
    /// level `l`.
    ///
    /// # Errors
    /// No rows, rows of different lengths, a value listed twice, or a value at some level that
    /// generalizes to two different values at the next level (the hierarchy would not be a
    /// function, and the search could not prune). Messages give row and level, never values.
    ///
    /// # Example
    /// ```
    /// use deid_kit::anonymize::Hierarchy;
    /// let rows = vec![
    ///     vec!["A01".to_owned(), "A0".to_owned(), "*".to_owned()],
    ///     vec!["A02".to_owned(), "A0".to_owned(), "*".to_owned()],
    /// ];
    /// let h = Hierarchy::from_rows(&rows)?;
    /// assert_eq!(h.generalize("A02", 1)?, "A0");
    /// assert!(h.generalize("B01", 1).is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn from_rows(rows: &[Vec<String>]) -> Result<Hierarchy, String> {
        let width = rows.first().map(Vec::len).ok_or("hierarchy has no rows")?;
        if width == 0 {
            return Err("hierarchy row 1 is empty".to_owned());
        }
        let mut index = HashMap::with_capacity(rows.len());
        // Per level above 0: the value at level l → its value at level l + 1.
        let mut next: Vec<HashMap<&str, &str>> = vec![HashMap::new(); width];
        for (i, row) in rows.iter().enumerate() {
            if row.len() != width {
                return Err(format!(
                    "hierarchy row {} has {} levels, row 1 has {width}",
                    i + 1,
                    row.len()
                ));
            }
            let value = row.first().ok_or("hierarchy row is empty")?;
            if index.insert(value.clone(), i).is_some() {
                return Err(format!("hierarchy row {}: value listed twice", i + 1));
            }
            for (level, pair) in row.windows(2).enumerate().skip(1) {
                let (Some(from), Some(to)) = (pair.first(), pair.get(1)) else {
                    continue;
                };
                let Some(map) = next.get_mut(level) else {
                    continue;
                };
                if let Some(old) = map.insert(from.as_str(), to.as_str()) {
                    if old != to {
                        return Err(format!(
                            "hierarchy row {}: a level-{level} value generalizes to two different \
                             level-{} values",
                            i + 1,
                            level + 1
                        ));
                    }
                }
            }
        }
        Ok(Hierarchy::List(ListHierarchy {
            rows: rows.to_vec(),
            index,
        }))
    }

    /// A built-in hierarchy by name: `age`, `date`, `postal`, `address` or `sex`.
    ///
    /// # Example
    /// ```
    /// use deid_kit::anonymize::Hierarchy;
    /// let age = Hierarchy::builtin("age").unwrap();
    /// assert_eq!(age.generalize("37", 1)?, "35-39");
    /// assert_eq!(age.generalize("93", 2)?, "90+");
    /// let date = Hierarchy::builtin("date").unwrap();
    /// assert_eq!(date.generalize("令和6年4月1日", 2)?, "2024-Q2");
    /// assert!(Hierarchy::builtin("height").is_none());
    /// # Ok::<(), String>(())
    /// ```
    pub fn builtin(name: &str) -> Option<Hierarchy> {
        let b = match name {
            "age" => Builtin::Age,
            "date" => Builtin::Date,
            "postal" => Builtin::Postal,
            "address" => Builtin::Address,
            "sex" => Builtin::Sex,
            _ => return None,
        };
        Some(Hierarchy::Builtin(b))
    }

    /// Number of levels, counting level 0 (the value itself).
    pub fn levels(&self) -> usize {
        match self {
            Hierarchy::List(h) => h.rows.first().map_or(0, Vec::len),
            Hierarchy::Builtin(b) => b.levels(),
            Hierarchy::Above { inner, skip } => inner.levels().saturating_sub(*skip),
        }
    }

    /// The hierarchy from `level` up: its level 0 is this one's `level` (for `min_level`).
    ///
    /// # Errors
    /// When `level` is not below the top level.
    ///
    /// # Example
    /// ```
    /// use deid_kit::anonymize::Hierarchy;
    /// let h = Hierarchy::builtin("date").unwrap().starting_at(1)?;
    /// assert_eq!(h.levels(), 4);
    /// assert_eq!(h.generalize("昭和33年3月14日", 0)?, "1958-03");
    /// # Ok::<(), String>(())
    /// ```
    pub fn starting_at(self, level: usize) -> Result<Hierarchy, String> {
        match level {
            0 => Ok(self),
            n if n + 1 < self.levels() => Ok(Hierarchy::Above {
                inner: Box::new(self),
                skip: n,
            }),
            n => Err(format!(
                "min_level {n} leaves no level to choose (the hierarchy has {} levels)",
                self.levels()
            )),
        }
    }

    /// `value` generalized to `level` (0 gives its canonical spelling: the date in ISO form, the
    /// postal code as 7 digits …).
    ///
    /// # Errors
    /// When the value is not in a list hierarchy, cannot be read by a built-in one, or `level`
    /// is out of range. The message never contains the value.
    pub fn generalize(&self, value: &str, level: usize) -> Result<String, String> {
        if level >= self.levels() {
            return Err(format!(
                "level {level} is out of range (the hierarchy has {} levels)",
                self.levels()
            ));
        }
        self.path(value)?
            .into_iter()
            .nth(level)
            .ok_or_else(|| format!("level {level} is out of range"))
    }

    /// Every level of `value`, level 0 first.
    pub(crate) fn path(&self, value: &str) -> Result<Vec<String>, String> {
        match self {
            Hierarchy::List(h) => h
                .index
                .get(value)
                .and_then(|&i| h.rows.get(i))
                .cloned()
                .ok_or_else(|| "value is not in the hierarchy".to_owned()),
            Hierarchy::Builtin(b) => b.path(value),
            Hierarchy::Above { inner, skip } => {
                let mut path = inner.path(value)?;
                Ok(path.split_off((*skip).min(path.len())))
            }
        }
    }

    /// For a list hierarchy: how many of its rows have each value at each level (ARX's domain
    /// shares for the Loss metric); `None` for a built-in one.
    pub(crate) fn row_counts(&self) -> Option<(usize, Vec<HashMap<&str, u64>>)> {
        if let Hierarchy::Above { inner, skip } = self {
            let (rows, mut counts) = inner.row_counts()?;
            return Some((rows, counts.split_off((*skip).min(counts.len()))));
        }
        let Hierarchy::List(h) = self else {
            return None;
        };
        let mut counts: Vec<HashMap<&str, u64>> = vec![HashMap::new(); self.levels()];
        for row in &h.rows {
            for (value, map) in row.iter().zip(counts.iter_mut()) {
                *map.entry(value.as_str()).or_insert(0) += 1;
            }
        }
        Some((h.rows.len(), counts))
    }
}

/// Splits one CSV line at `delimiter`, honouring double quotes (`""` inside quotes is a quote).
fn split_csv_line(line: &str, delimiter: char) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            c if c == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(field);
    Some(fields)
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
        for bad in ["", "abc", "-3", "151", "37.5"] {
            assert!(age.path(bad).is_err(), "{bad}");
        }
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

    #[test]
    fn arx_csv() {
        let h = Hierarchy::from_arx_csv("a,x,*\n\"b\",x,*\n\n").unwrap();
        assert_eq!(h.levels(), 3);
        assert_eq!(h.generalize("b", 1).unwrap(), "x");
        let err = h.generalize("secret", 1).unwrap_err();
        assert!(!err.contains("secret"));
        assert!(Hierarchy::from_arx_csv("a;x;*\nb;x\n").is_err());
        assert!(Hierarchy::from_arx_csv("a;x;*\nb;x;y\n").is_err());
        assert!(Hierarchy::from_arx_csv("a;x;*\na;y;*\n").is_err());
        assert!(Hierarchy::from_arx_csv("\n\n").is_err());
    }
}
