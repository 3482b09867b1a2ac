//! The synthetic JP Core FHIR export of `scripts/fhir_synth.py` for the FHIR tests, and reading
//! NDJSON output back into resources. Machines without python3 skip what needs the export.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

/// `python3 scripts/fhir_synth.py --patients N --seed S`, as NDJSON (`--out`) or one Bundle
/// (`--bundle`): the export's bytes and the identifying values per patient (`--values`), or
/// `None` (with a note) where the script cannot run.
pub fn fhir_synth(patients: u32, seed: u32, bundle: bool) -> Option<(Vec<u8>, Value)> {
    // Tests of one binary run in parallel: each call writes to a directory of its own.
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "deid-kit-fhir-synth-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join(if bundle { "b.json" } else { "e.ndjson" });
    let values = dir.join("values.json");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/fhir_synth.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["--patients", &patients.to_string()])
        .args(["--seed", &seed.to_string()])
        .arg(if bundle { "--bundle" } else { "--out" })
        .arg(&data)
        .arg("--values")
        .arg(&values)
        .output();
    let read = match output {
        Ok(o) if o.status.success() => {
            let export = std::fs::read(&data).unwrap();
            let values = serde_json::from_slice(&std::fs::read(&values).unwrap()).unwrap();
            Some((export, values))
        }
        other => {
            println!("note: python3 scripts/fhir_synth.py unavailable ({other:?}); skipped");
            None
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    read
}

/// The resources of NDJSON bytes, one a non-empty line.
pub fn resources(ndjson: &[u8]) -> Vec<Value> {
    ndjson
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}
