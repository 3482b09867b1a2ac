//! Builds data/lexicon/ipadic-names.fst, the scrubber's name lexicon, from IPADIC's source CSVs
//! (EUC-JP, as Debian's `mecab-ipadic` package ships them). Run by scripts/lexicon.sh:
//!
//! ```text
//! cargo run --release --example build_lexicon -- /usr/share/mecab/dic/ipadic data/lexicon/ipadic-names.fst
//! ```
//!
//! Keys are IPADIC's surfaces (kanji) and the katakana readings of surnames and given names;
//! values are the flag bits of `deid_kit::scrub::lexicon::Entry`.

use std::collections::BTreeMap;
use std::path::Path;

use deid_kit::scrub::lexicon::Entry;

/// Files whose surfaces are ordinary words: a name that is also one of them needs context.
const ORDINARY: &[&str] = &[
    "Noun.csv",
    "Noun.adverbal.csv",
    "Noun.verbal.csv",
    "Noun.adjv.csv",
    "Noun.nai.csv",
    "Noun.others.csv",
    "Noun.demonst.csv",
    "Adverb.csv",
    "Adj.csv",
    "Verb.csv",
    "Adnominal.csv",
    "Conjunction.csv",
    "Interjection.csv",
    "Prefix.csv",
    "Suffix.csv",
];

fn read(dir: &Path, file: &str) -> Result<Vec<Vec<String>>, String> {
    let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let (text, _, errors) = encoding_rs::EUC_JP.decode(&bytes);
    if errors {
        return Err(format!("{file}: not EUC-JP"));
    }
    Ok(text
        .lines()
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, out] = args.as_slice() else {
        return Err("usage: build_lexicon IPADIC_DIR OUT.fst".into());
    };
    let dir = Path::new(dir);
    let mut words: BTreeMap<String, u16> = BTreeMap::new();
    let mut add = |word: &str, bits: u16, cost: Option<u32>| {
        let entry = words.entry(word.to_owned()).or_insert(Entry::COST_MASK);
        *entry |= bits;
        if let Some(cost) = cost {
            // The most common sense decides: keep the lowest cost bucket.
            let bucket = (cost / 1000).min(15) as u16;
            let current = (*entry & Entry::COST_MASK) >> Entry::COST_SHIFT;
            if bucket < current {
                *entry = (*entry & !Entry::COST_MASK) | (bucket << Entry::COST_SHIFT);
            }
        }
    };
    for row in read(dir, "Noun.name.csv")? {
        let (Some(surface), Some(cost), Some(kind), Some(reading)) =
            (row.first(), row.get(3), row.get(7), row.get(11))
        else {
            continue;
        };
        let cost = cost.parse().ok();
        match kind.as_str() {
            "姓" => {
                add(surface, Entry::SURNAME, cost);
                add(reading, Entry::SURNAME_KANA, cost);
            }
            "名" => {
                add(surface, Entry::GIVEN, cost);
                add(reading, Entry::GIVEN_KANA, cost);
            }
            _ => add(surface, Entry::PERSON, cost),
        }
    }
    for row in read(dir, "Noun.place.csv")? {
        if let (Some(surface), Some(cost)) = (row.first(), row.get(3)) {
            add(surface, Entry::PLACE, cost.parse().ok());
        }
    }
    for file in ORDINARY {
        for row in read(dir, file)? {
            if let Some(surface) = row.first() {
                if let Some(bits) = words.get_mut(surface.as_str()) {
                    *bits |= Entry::COMMON_WORD;
                }
            }
        }
    }
    let mut builder = fst::MapBuilder::memory();
    for (word, bits) in &words {
        builder
            .insert(word, u64::from(*bits))
            .map_err(|e| e.to_string())?;
    }
    let bytes = builder.into_inner().map_err(|e| e.to_string())?;
    std::fs::write(out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    println!("{} keys, {} bytes", words.len(), bytes.len());
    Ok(())
}
