//! Runs the scrubber over a notes file of `scripts/notes.py` and writes what it found, for
//! `bench/scrub/evaluate.py` and the side-by-side with Presidio (`bench/scrub/run.sh`).
//!
//! `cargo run --release --example scrub_notes -- notes.jsonl spans.jsonl`
//!
//! Each output line is `{"id", "spans": [{"start", "end", "tag"}]}` in char indices. Prints the
//! speed of `Scrubber::find` alone (reading, JSON and index conversion excluded) and the score.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use deid_kit::scrub::{Identity, Options, Scrubber};

#[path = "../tests/support/scrub_metrics.rs"]
mod scrub_metrics;

use scrub_metrics::{identity_of, load_notes, to_char_spans, Found, Score};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        return Err("usage: scrub_notes NOTES.jsonl SPANS.jsonl".to_owned());
    };
    let notes = load_notes(&PathBuf::from(input))?;
    let scrubber = Scrubber::new(Options::default());
    let mut identity = Identity::new();

    // Warm-up pass: the lexicon is parsed on first use, which is a one-off cost, not throughput.
    if let Some(note) = notes.first() {
        identity_of(&note.record, &mut identity);
        let _ = scrubber.find(&note.text, &identity);
    }

    let mut found = Vec::with_capacity(notes.len());
    let mut elapsed = Duration::ZERO;
    let mut chars = 0usize;
    for note in &notes {
        identity_of(&note.record, &mut identity);
        let started = Instant::now();
        let spans = scrubber.find(&note.text, &identity);
        elapsed += started.elapsed();
        chars += note.text.chars().count();
        found.push(spans);
    }

    let file = std::fs::File::create(output).map_err(|e| format!("{output}: {e}"))?;
    let mut out = BufWriter::new(file);
    let mut score = Score::new(0);
    for (note, spans) in notes.iter().zip(&found) {
        let spans = to_char_spans(&note.text, spans);
        score.add(note, &spans);
        let line = serde_json::to_string(&Found {
            id: note.id.clone(),
            spans,
        })
        .map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| format!("{output}: {e}"))?;
    }
    out.flush().map_err(|e| format!("{output}: {e}"))?;

    let seconds = elapsed.as_secs_f64().max(1e-9);
    println!(
        "deid-kit scrub: {} notes, {} chars in {:.3} s (1 thread): {:.0} notes/s, {:.0} chars/s",
        notes.len(),
        chars,
        seconds,
        notes.len() as f64 / seconds,
        chars as f64 / seconds
    );
    println!("{}", score.table());
    Ok(())
}
