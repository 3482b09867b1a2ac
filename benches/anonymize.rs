//! Criterion benchmark of the anonymization search on ARX's "adult" data set (30,162 rows, 9
//! quasi-identifiers, 12,960 transformations) for the seven configurations whose optima and
//! warm times ARX lists in `../shared/data/arx-adult/README.md`. The first pass (statistics) is
//! built once, outside the timing: what is timed is `search`, as ARX's `anonymize()` is.
//!
//! `cargo bench --bench anonymize`; skipped with a note when the data directory is missing.

use criterion::{criterion_group, criterion_main, Criterion};
use deid_kit::anonymize::{search, Metric, Privacy, Stats};

#[path = "../tests/support/adult.rs"]
mod adult;

/// First-pass statistics of adult with all 9 columns as quasi-identifiers.
fn adult() -> Option<Stats> {
    let dir = adult::dir()?;
    let all: Vec<usize> = (0..adult::COLUMNS.len()).collect();
    Some(adult::stats(&dir, &adult::records(&dir), &all, None))
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
