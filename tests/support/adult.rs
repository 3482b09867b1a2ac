//! ARX's "adult" data (`../shared/data/arx-adult`) for the tests and the benchmark: where it is,
//! its columns, records and hierarchies. Machines without `../shared` skip what needs it.
#![allow(dead_code)] // each test crate uses a part

use std::path::{Path, PathBuf};

use deid_kit::anonymize::{Hierarchy, Stats};

/// adult's columns, all of them quasi-identifiers in ARX's reference runs.
pub const COLUMNS: [&str; 9] = [
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
    "salary-class",
];

/// The data directory, or `None` (with a note) when it is not on this machine.
pub fn dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/arx-adult");
    if dir.join("adult.csv").is_file() {
        Some(dir)
    } else {
        println!("note: {} is missing; ARX comparison skipped", dir.display());
        None
    }
}

/// The adult records (without the header) as rows of 9 fields.
pub fn records(dir: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("adult.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_end_matches('\r')
        .split(';')
        .collect();
    assert_eq!(header, COLUMNS);
    lines
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

/// The hierarchy file of `column`.
pub fn hierarchy(dir: &Path, column: &str) -> Hierarchy {
    let text = std::fs::read_to_string(dir.join(format!("adult_hierarchy_{column}.csv"))).unwrap();
    Hierarchy::from_arx_csv(&text).unwrap()
}

/// Statistics over the given columns (indices into COLUMNS), with an optional sensitive column.
pub fn stats(dir: &Path, rows: &[Vec<String>], qis: &[usize], sensitive: Option<usize>) -> Stats {
    let hierarchies = qis.iter().map(|&c| hierarchy(dir, COLUMNS[c])).collect();
    let mut stats = Stats::new(hierarchies, sensitive.is_some());
    for r in rows {
        let qi: Vec<&str> = qis.iter().map(|&c| r[c].as_str()).collect();
        stats.add(&qi, sensitive.map(|s| r[s].as_str())).unwrap();
    }
    stats
}
