//! The name lexicon: Japanese family and given names (with their katakana readings) and place
//! names from IPADIC, shipped as an FST (data/lexicon/ipadic-names.fst, built by
//! scripts/lexicon.sh; licence in data/lexicon/NOTICE). The FST is searched in place: no parsing
//! at start-up, one walk per position for every name that starts there.

use std::sync::OnceLock;

use fst::raw::{Fst, Output};
use fst::Map;

static DATA: &[u8] = include_bytes!("../../data/lexicon/ipadic-names.fst");

/// What the lexicon knows about one word: flag bits and a frequency bucket.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Entry(u16);

impl Entry {
    /// 姓: a family name (田中, 森).
    pub const SURNAME: u16 = 1;
    /// 名: a given name (太郎, 誠).
    pub const GIVEN: u16 = 1 << 1;
    /// 人名・一般: the full name of a well-known person.
    pub const PERSON: u16 = 1 << 2;
    /// 地域: a place name.
    pub const PLACE: u16 = 1 << 3;
    /// A family name's reading (タナカ).
    pub const SURNAME_KANA: u16 = 1 << 4;
    /// A given name's reading (タロウ).
    pub const GIVEN_KANA: u16 = 1 << 5;
    /// The surface is also an ordinary word in IPADIC (森, 林, 春, 誠).
    pub const COMMON_WORD: u16 = 1 << 6;
    /// Where the cost bucket sits.
    pub const COST_SHIFT: u16 = 8;
    /// The cost bucket's bits.
    pub const COST_MASK: u16 = 0xF << Entry::COST_SHIFT;

    fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }

    /// Not in the lexicon.
    pub fn is_empty(self) -> bool {
        self.0 & !Entry::COST_MASK == 0
    }
    /// A family name.
    pub fn surname(self) -> bool {
        self.has(Entry::SURNAME)
    }
    /// A given name.
    pub fn given(self) -> bool {
        self.has(Entry::GIVEN)
    }
    /// A well-known person's full name.
    pub fn person(self) -> bool {
        self.has(Entry::PERSON)
    }
    /// A place name.
    pub fn place(self) -> bool {
        self.has(Entry::PLACE)
    }
    /// A family name's katakana reading.
    pub fn surname_kana(self) -> bool {
        self.has(Entry::SURNAME_KANA)
    }
    /// A given name's katakana reading.
    pub fn given_kana(self) -> bool {
        self.has(Entry::GIVEN_KANA)
    }
    /// Also an ordinary word: scrub only with context.
    pub fn common_word(self) -> bool {
        self.has(Entry::COMMON_WORD)
    }
    /// IPADIC's word cost in thousands, 0 to 15: lower is a more common name.
    pub fn cost(self) -> u8 {
        ((self.0 & Entry::COST_MASK) >> Entry::COST_SHIFT) as u8
    }
}

/// The embedded lexicon.
pub struct Lexicon {
    map: Option<Map<&'static [u8]>>,
}

/// The lexicon, opened once. A damaged file gives an empty lexicon (names are then found by
/// record and context only) rather than a panic.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon {
        map: Map::new(DATA).ok(),
    })
}

impl Lexicon {
    /// What the lexicon knows about `word` (empty when absent).
    pub fn get(&self, word: &str) -> Entry {
        self.map
            .as_ref()
            .and_then(|m| m.get(word))
            .map_or(Entry::default(), entry)
    }

    /// Every lexicon word that is a prefix of `text`, shortest first: (byte length, entry).
    pub fn prefixes<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (usize, Entry)> + 'a {
        Prefixes {
            fst: self.map.as_ref().map(Map::as_fst),
            text: text.as_bytes(),
            at: 0,
            node: None,
            output: Output::zero(),
        }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.map.as_ref().map_or(0, Map::len)
    }

    /// Whether the lexicon failed to open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn entry(value: u64) -> Entry {
    Entry(u16::try_from(value).unwrap_or_default())
}

/// Walks the FST along the text, one byte at a time, yielding at final states.
struct Prefixes<'a> {
    fst: Option<&'a Fst<&'static [u8]>>,
    text: &'a [u8],
    at: usize,
    node: Option<fst::raw::CompiledAddr>,
    output: Output,
}

impl Iterator for Prefixes<'_> {
    type Item = (usize, Entry);

    fn next(&mut self) -> Option<(usize, Entry)> {
        let fst = self.fst?;
        let mut node = match self.node {
            Some(addr) => fst.node(addr),
            None => fst.root(),
        };
        loop {
            let byte = *self.text.get(self.at)?;
            let index = node.find_input(byte)?;
            let transition = node.transition(index);
            self.output = self.output.cat(transition.out);
            node = fst.node(transition.addr);
            self.at += 1;
            self.node = Some(transition.addr);
            if node.is_final() {
                let value = self.output.cat(node.final_output()).value();
                return Some((self.at, entry(value)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_names_readings_and_common_words() {
        let lex = lexicon();
        assert!(lex.len() > 100_000, "{}", lex.len());
        let tanaka = lex.get("田中");
        assert!(tanaka.surname() && !tanaka.common_word());
        assert!(tanaka.cost() <= 5);
        assert!(lex.get("タナカ").surname_kana());
        assert!(lex.get("太郎").given());
        assert!(lex.get("タロウ").given_kana());
        for word in ["森", "林", "和", "誠"] {
            let e = lex.get(word);
            assert!(e.surname() || e.given(), "{word}");
            assert!(e.common_word(), "{word}");
        }
        assert!(lex.get("世田谷").place());
        assert!(lex.get("高血圧").is_empty());
        assert!(lex.get("").is_empty());
    }

    #[test]
    fn prefixes_are_every_word_starting_here() {
        let found: Vec<(usize, Entry)> = lexicon().prefixes("田中太郎さん").collect();
        let lengths: Vec<usize> = found.iter().map(|(n, _)| *n).collect();
        assert!(lengths.contains(&"田".len()) || lengths.contains(&"田中".len()));
        assert!(lengths.contains(&"田中".len()));
        assert!(lengths.windows(2).all(|w| w[0] < w[1]));
        let (n, e) = found
            .iter()
            .find(|(n, _)| *n == "田中".len())
            .copied()
            .unwrap();
        assert_eq!(e, lexicon().get("田中"));
        assert_eq!(n, 6);
        assert_eq!(lexicon().prefixes("").count(), 0);
        assert_eq!(lexicon().prefixes("xyz").count(), 0);
    }
}
