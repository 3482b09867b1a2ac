//! Contact addresses written in the note: e-mail addresses (checked by
//! `ja::identifiers::is_email`) and URLs (http://, https://, www.).

use super::Scan;
use crate::ja::identifiers;
use crate::scrub::Tag;

impl Scan<'_> {
    pub(super) fn email(&mut self, at: usize) -> Option<usize> {
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

    pub(super) fn url(&mut self, i: usize) -> Option<usize> {
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::{none, one};
    use crate::scrub::Tag;

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
}
