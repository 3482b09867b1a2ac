//! The scrubber on 2,000 synthetic clinical notes (`scripts/notes.py --n 2000 --seed 7`) with
//! gold identifier spans: per-tag recall and precision, how much non-identifying text and how
//! many clinical mentions survive. Needs `python3` on PATH.
//!
//! `cargo test --test scrub_eval -- --nocapture` prints the table and the first misses.

use std::path::PathBuf;
use std::process::Command;

use deid_kit::scrub::{Identity, Options, Scrubber};

#[path = "support/scrub_metrics.rs"]
mod scrub_metrics;

use scrub_metrics::{identity_of, load_notes, to_char_spans, Score};

fn notes_file() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scrub_eval");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("notes.jsonl");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/notes.py");
    let status = Command::new("python3")
        .arg(&script)
        .args(["--n", "2000", "--seed", "7", "--out"])
        .arg(&out)
        .status()
        .expect("python3 runs scripts/notes.py");
    assert!(status.success(), "notes.py failed: {status}");
    out
}

fn score() -> Score {
    let notes = load_notes(&notes_file()).expect("notes.jsonl parses");
    assert_eq!(notes.len(), 2000);
    let scrubber = Scrubber::new(Options::default());
    let mut identity = Identity::new();
    let mut score = Score::new(40);
    for note in &notes {
        identity_of(&note.record, &mut identity);
        let spans = scrubber.find(&note.text, &identity);
        assert!(
            spans.windows(2).all(|w| w[0].end <= w[1].start),
            "{}: spans must be sorted and disjoint",
            note.id
        );
        assert!(
            spans.iter().all(|s| note.text.is_char_boundary(s.start)
                && note.text.is_char_boundary(s.end)
                && s.start < s.end),
            "{}: spans must be non-empty and on char boundaries",
            note.id
        );
        score.add(note, &to_char_spans(&note.text, &spans));
    }
    println!("{}", score.table());
    println!("first misses:");
    for line in &score.missed {
        println!("  {line}");
    }
    println!("first over-scrubbed:");
    for line in &score.overscrubbed {
        println!("  {line}");
    }
    score
}

#[test]
fn scrubber_meets_the_targets_on_synthetic_notes() {
    let score = score();
    let mut failures = Vec::new();
    let name = score.recall("name");
    if name < 0.98 {
        failures.push(format!("name recall {name:.4} < 0.98"));
    }
    for tag in ["phone", "postal", "id", "email", "url"] {
        let t = score.tag(tag);
        assert!(t.gold > 0, "the corpus has no {tag} spans");
        if t.found < t.gold {
            failures.push(format!("{tag} recall {}/{} < 1", t.found, t.gold));
        }
    }
    if score.kept_text() < 0.97 {
        failures.push(format!("kept text {:.4} < 0.97", score.kept_text()));
    }
    if score.clinical_kept() < 0.98 {
        failures.push(format!("clinical kept {:.4} < 0.98", score.clinical_kept()));
    }
    assert!(failures.is_empty(), "{}", failures.join("; "));
}

/// The metrics themselves, on a hand-made note: "田中様 HbA1c 7.2%、03-1234-5678".
#[test]
fn metrics_count_coverage_by_chars() {
    use scrub_metrics::{CharSpan, Mention, Note};
    let span = |start, end, tag: &str| CharSpan {
        start,
        end,
        tag: tag.to_owned(),
    };
    let note = Note {
        id: "T1".to_owned(),
        record: Default::default(),
        text: "田中様 HbA1c 7.2%、03-1234-5678".to_owned(),
        spans: vec![span(0, 2, "name"), span(15, 27, "phone")],
        clinical: vec![
            Mention {
                start: 4,
                end: 9,
                term: "lab".to_owned(),
            },
            Mention {
                start: 10,
                end: 14,
                term: "value".to_owned(),
            },
        ],
    };
    // The name half covered, the phone wholly (by a wrong tag), one clinical char eaten.
    let mut score = Score::new(10);
    score.add(
        &note,
        &[span(1, 3, "name"), span(13, 14, "date"), span(14, 27, "id")],
    );
    assert_eq!(score.tag("name").found, 0);
    assert_eq!(score.tag("phone").found, 1);
    assert_eq!(score.left(), 1);
    assert_eq!(
        (score.tag("name").predicted, score.tag("name").correct),
        (1, 1)
    );
    assert_eq!(
        (score.tag("date").predicted, score.tag("date").correct),
        (1, 0)
    );
    assert_eq!((score.tag("id").predicted, score.tag("id").correct), (1, 1));
    // 27 chars, 14 in gold spans: 13 plain, of which 様, % and 、 are covered.
    assert_eq!((score.plain_kept, score.plain_chars), (10, 13));
    assert_eq!((score.clinical_kept, score.clinical), (1, 2));
    // Byte spans land on the same chars.
    let bytes = deid_kit::scrub::Span {
        start: "田中様 HbA1c 7.2%、".len(),
        end: note.text.len(),
        tag: deid_kit::scrub::Tag::Phone,
    };
    assert_eq!(
        to_char_spans(&note.text, &[bytes]),
        vec![span(15, 27, "phone")]
    );
}
