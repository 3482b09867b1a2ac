//! Criterion benchmark of the anonymization search on ARX's "adult" data set (30,162 rows, 9
//! quasi-identifiers, 12,960 transformations) for the seven configurations whose optima and
//! warm times ARX lists in `../shared/data/arx-adult/README.md`. The first pass (statistics) is
//! built once, outside the timing: what is timed is `search`, as ARX's `anonymize()` is.
//!
//! `cargo bench --bench anonymize`; skipped with a note when the data directory is missing.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use deid_kit::anonymize::{search, Hierarchy, Metric, Privacy, Stats};

const COLUMNS: [&str; 9] = [
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

/// First-pass statistics of adult with all 9 columns as quasi-identifiers.
fn adult() -> Option<Stats> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/arx-adult");
    let text = std::fs::read_to_string(dir.join("adult.csv")).ok()?;
    let hierarchies = COLUMNS
        .iter()
        .map(|c| {
            let h = std::fs::read_to_string(dir.join(format!("adult_hierarchy_{c}.csv"))).ok()?;
            Hierarchy::from_arx_csv(&h).ok()
        })
        .collect::<Option<Vec<_>>>()?;
    let mut stats = Stats::new(hierarchies, false);
    for line in text.lines().skip(1) {
        let line = line.trim_end_matches('\r');
        if !line.is_empty() {
            let qi: Vec<&str> = line.split(';').collect();
            stats.add(&qi, None).ok()?;
        }
    }
    Some(stats)
}

fn bench(c: &mut Criterion) {
    let Some(stats) = adult() else {
        eprintln!("note: ../shared/data/arx-adult is missing; anonymize benchmark skipped");
        return;
    };
    let cases = [
        ("entropy_k5_supp4", 5, 0.04, Metric::NonUniformEntropy),
        ("entropy_k5_supp0", 5, 0.0, Metric::NonUniformEntropy),
        ("entropy_k100_supp4", 100, 0.04, Metric::NonUniformEntropy),
        ("entropy_k100_supp0", 100, 0.0, Metric::NonUniformEntropy),
        ("loss_k5_supp0", 5, 0.0, Metric::Loss),
        ("loss_k5_supp5", 5, 0.05, Metric::Loss),
        ("loss_k5_supp100", 5, 1.0, Metric::Loss),
    ];
    let mut group = c.benchmark_group("adult_search");
    group.sample_size(10);
    for (name, k, max_suppression, metric) in cases {
        let privacy = Privacy {
            k,
            l: None,
            max_suppression,
        };
        group.bench_function(name, |b| {
            b.iter(|| search(&stats, &privacy, metric).map(|s| s.loss))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
