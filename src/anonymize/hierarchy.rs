//! Generalization hierarchies (一般化階層, ippanka kaisō): how one quasi-identifier value is
//! coarsened level by level, from the value itself (level 0) to `*`.
//!
//! Two kinds: a list hierarchy, one row per value and one column per level, as ARX writes it
//! (`adult_hierarchy_age.csv`: `39;35-39;30-39;20-39;*`), and the built-in functional ones for
//! age, dates, 郵便番号 (yūbin bangō, postal codes), 住所 (jūsho, addresses) and sex. Every
//! hierarchy is a function at every step: a value at one level always generalizes to the same
//! value at the next, which is what makes the lattice search monotone.

use std::collections::HashMap;

use super::builtin::Builtin;

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

    /// Every level of `value`, level 0 first. A missing (empty) value is `*` at every level,
    /// unless a list hierarchy names it: it says nothing, so the record stays in the data as a
    /// class of its own (suppressed if that class is too small) instead of being rejected.
    pub(crate) fn path(&self, value: &str) -> Result<Vec<String>, String> {
        let missing = || vec![SUPPRESSED.to_owned(); self.levels()];
        match self {
            Hierarchy::List(h) => match h.index.get(value).and_then(|&i| h.rows.get(i)) {
                Some(row) => Ok(row.clone()),
                None if value.trim().is_empty() => Ok(missing()),
                None => Err("value is not in the hierarchy".to_owned()),
            },
            Hierarchy::Builtin(_) if value.trim().is_empty() => Ok(missing()),
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_missing_value_is_suppressed_unless_the_list_names_it() {
        let row = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let named =
            Hierarchy::from_rows(&[row(&["", "unknown", "U", "*"]), row(&["a", "x", "X", "*"])])
                .unwrap();
        assert_eq!(named.path("").unwrap(), ["", "unknown", "U", "*"]);
        // Above min_level the list still decides (the rule sits at the bottom layer).
        assert_eq!(
            named.clone().starting_at(1).unwrap().path("").unwrap(),
            ["unknown", "U", "*"]
        );
        let unnamed = Hierarchy::from_rows(&[row(&["a", "x", "*"])]).unwrap();
        assert_eq!(unnamed.path(" ").unwrap(), ["*", "*", "*"]);
        assert_eq!(
            unnamed.clone().starting_at(1).unwrap().path("").unwrap(),
            ["*", "*"]
        );
        assert!(unnamed.path("b").is_err());
    }
}
