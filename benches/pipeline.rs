//! Criterion benchmarks of the core: the whole session on a generated export (UTF-8 and
//! Shift_JIS), and the per-cell pieces that dominate it.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use deid_kit::ja::normalize::Options;
use deid_kit::{ja, Policy, Pseudonymizer, Session, SessionOptions, SiteKey};

const POLICY: &str = include_str!("../bench/policy.json");
const SAMPLE: &[u8] = include_bytes!("../www/samples/sample-sjis.csv");

/// The bundled 200-row sample repeated to `rows` rows (patient IDs made unique per copy).
fn export(rows: usize, utf8: bool) -> Vec<u8> {
    let (text, _, _) = encoding_rs::SHIFT_JIS.decode(SAMPLE);
    let mut lines = text.split_inclusive("\r\n");
    let header = lines.next().unwrap_or_default().to_owned();
    let body: Vec<&str> = text[header.len()..].split_inclusive("\r\n").collect();
    let mut out = header;
    let mut n = 0;
    'outer: for copy in 0.. {
        for line in &body {
            // Records with quoted newlines span lines; counting lines is close enough here.
            out.push_str(&format!("{copy:02}"));
            out.push_str(line);
            n += 1;
            if n >= rows {
                break 'outer;
            }
        }
    }
    if utf8 {
        out.into_bytes()
    } else {
        encoding_rs::SHIFT_JIS.encode(&out).0.into_owned()
    }
}

fn session(c: &mut Criterion) {
    let policy = Policy::from_json(POLICY).unwrap();
    let key = SiteKey::from_bytes([7; 32]);
    let mut group = c.benchmark_group("session");
    group.sample_size(10);
    for (name, utf8) in [("utf-8", true), ("shift_jis", false)] {
        let input = export(20_000, utf8);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new(name, "20k rows"), &input, |b, input| {
            b.iter(|| {
                let mut s = Session::new(&policy, Some(&key), SessionOptions::default()).unwrap();
                let mut out = Vec::with_capacity(input.len());
                for chunk in input.chunks(1 << 20) {
                    s.push_into(chunk, &mut out).unwrap();
                }
                let done = s.finish().unwrap();
                assert_eq!(done.report.rows.rejected, 0);
                out.len()
            })
        });
    }
    group.finish();
}

fn cells(c: &mut Criterion) {
    let key = SiteKey::from_bytes([7; 32]);
    let p = Pseudonymizer::new(&key, 16, Options::default()).unwrap();
    c.bench_function("pseudonym", |b| b.iter(|| p.pseudonym("00012345")));
    c.bench_function("wareki::parse 昭和", |b| {
        b.iter(|| ja::wareki::parse("昭和33年3月14日"))
    });
    c.bench_function("wareki::parse western", |b| {
        b.iter(|| ja::wareki::parse("1958/03/14"))
    });
    c.bench_function("address::generalize", |b| {
        b.iter(|| {
            ja::address::generalize(
                "神奈川県横浜市港北区日吉4丁目1番1号",
                ja::address::Level::Municipality,
            )
        })
    });
}

criterion_group!(benches, session, cells);
criterion_main!(benches);
