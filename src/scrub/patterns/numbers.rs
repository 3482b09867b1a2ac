//! Numbers that identify someone: phone numbers (valid Japanese numbers only), postal codes
//! (after 〒 or 郵便番号, or hyphenated), My Numbers (check digit), numbers after an ID keyword
//! (患者ID, 保険者番号, No.) and long digit runs that are not measurements.

use super::{digit_run_end, is_digit, is_hyphen, is_measurement, Scan};
use crate::ja::identifiers;
use crate::scrub::view::View;
use crate::scrub::Tag;

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
    /// A phone number from `i` (a digit, `(` or `+81`): the longest prefix of the run of
    /// digits and separators that is a valid Japanese number and ends at a digit group's end.
    pub(super) fn phone(&mut self, i: usize) -> Option<usize> {
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
    pub(super) fn postal_mark(&mut self, i: usize) -> Option<usize> {
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
    pub(super) fn postal_bare(&mut self, i: usize) -> Option<usize> {
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
    pub(super) fn id_number(&mut self, i: usize) -> Option<usize> {
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
        let run = digit_run_end(v, i);
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
}

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

/// The end of a postal code NNN-NNNN or NNNNNNN at `j`, not inside a longer number.
fn postal_end(v: &View, j: usize) -> Option<usize> {
    if is_digit(v.before(j)) || is_hyphen(v.before(j)) {
        return None;
    }
    let a = digit_run_end(v, j);
    if a - j == 7 {
        return (!is_hyphen(v.at(a))).then_some(a);
    }
    if a - j != 3 || !(is_hyphen(v.at(a)) || v.at(a) == ' ') {
        return None;
    }
    let b = digit_run_end(v, a + 1);
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

#[cfg(test)]
mod tests {
    use super::super::testing::{none, one};
    use crate::scrub::Tag;

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
}
