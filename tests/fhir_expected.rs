//! The committed FHIR fixture (`tests/data/fhir-sample.ndjson`, 16 synthetic JP Core patients)
//! and its committed outputs under both presets are the reference the Node and Chromium suites
//! (`tests/wasm_cases`) and the browser e2e test compare against: this test holds the CLI and the
//! core session to the same bytes, so the three hosts agree through one file.
//!
//! The policies are committed too (`tests/data/fhir-policy-{kamei,tokumei}.json`, what
//! `suggest --preset P --reference-date 2024-04-01` gives for the fixture): a preset's policy
//! carries `reference_date`, today unless pinned, and the fixture must not change with the day.
//! After an intended change of output, regenerate with the release CLI:
//!
//! ```text
//! deid-kit suggest --preset kamei --reference-date 2024-04-01 tests/data/fhir-sample.ndjson > tests/data/fhir-policy-kamei.json
//! deid-kit apply --policy tests/data/fhir-policy-kamei.json --key tests/data/test.key \
//!   --in tests/data/fhir-sample.ndjson --out tests/data/fhir-expected-kamei.ndjson
//! ```
//! (and the same with tokumei).

use std::path::{Path, PathBuf};
use std::process::Command;

use deid_kit::ja::wareki::Date;
use deid_kit::preset::{suggest, Preset};
use deid_kit::{Policy, Report, SessionOptions, SiteKey};

#[path = "support/passes.rs"]
mod passes;

const SAMPLE: &[u8] = include_bytes!("data/fhir-sample.ndjson");
const TEST_KEY: &[u8] = include_bytes!("data/test.key");

/// Resources in the fixture: 16 patients' resources plus the shared Practitioners and
/// Organizations.
const RESOURCES: u64 = 254;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn committed_policy(preset: &str) -> Policy {
    let text = std::fs::read_to_string(data(&format!("fhir-policy-{preset}.json"))).unwrap();
    Policy::from_json(&text).unwrap()
}

fn expected(preset: &str) -> Vec<u8> {
    std::fs::read(data(&format!("fhir-expected-{preset}.ndjson"))).unwrap()
}

/// Both passes through the public session, as the CLI, Node and the browser run them (tokumei:
/// k-anonymity over the patients, searched on the first pass's statistics).
fn run(policy: &Policy, sizes: &[usize]) -> (Vec<u8>, Report) {
    let key = SiteKey::from_file(TEST_KEY).unwrap();
    passes::fhir_two_passes(policy, Some(&key), SessionOptions::default(), SAMPLE, sizes)
}

fn cli(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_deid-kit"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "deid-kit {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn committed_policies_are_what_the_presets_suggest_for_the_fixture() {
    let day = Date::new(2024, 4, 1).unwrap();
    for (name, preset) in [("kamei", Preset::Kamei), ("tokumei", Preset::Tokumei)] {
        let suggested = suggest(SAMPLE, preset, day).unwrap();
        assert_eq!(
            suggested,
            committed_policy(name),
            "{name}: the preset changed; regenerate the fixture (see the module comment)"
        );
        assert_eq!(suggested.reference_date.as_deref(), Some("2024-04-01"));
    }
}

#[test]
fn core_session_gives_the_committed_bytes_for_any_chunking() {
    for preset in ["kamei", "tokumei"] {
        let policy = committed_policy(preset);
        let want = expected(preset);
        for sizes in [&[1 << 20][..], &[4096], &[1, 7, 4096], &[65_536, 3]] {
            let (out, report) = run(&policy, sizes);
            assert!(
                out == want,
                "{preset}, chunks {sizes:?}: the session's output differs from the committed one"
            );
            let rows = report.rows;
            assert_eq!(
                (rows.rows_in, rows.rows_out, rows.rejected, rows.opted_out),
                (RESOURCES, RESOURCES, 0, 0),
                "{preset}"
            );
            let fhir = report.fhir.unwrap();
            assert_eq!(fhir.format, "ndjson");
            assert_eq!(fhir.patients, 16);
            assert_eq!(fhir.resources.values().sum::<u64>(), RESOURCES);
        }
        // One line per resource, in the input's order.
        assert_eq!(
            want.iter().filter(|&&b| b == b'\n').count() as u64,
            RESOURCES
        );
    }
}

#[test]
fn cli_gives_the_committed_bytes_with_the_policy_file_and_with_the_pinned_preset() {
    let dir = std::env::temp_dir().join(format!("deid-kit-fhir-expected-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sample = data("fhir-sample.ndjson");
    let key = data("test.key");
    for preset in ["kamei", "tokumei"] {
        let want = expected(preset);
        let policy = data(&format!("fhir-policy-{preset}.json"));
        let by_policy = dir.join(format!("{preset}-policy.ndjson"));
        let by_preset = dir.join(format!("{preset}-preset.ndjson"));
        let path = |p: &Path| p.to_str().unwrap().to_owned();
        cli(&[
            "apply",
            "--policy",
            &path(&policy),
            "--key",
            &path(&key),
            "--in",
            &path(&sample),
            "--out",
            &path(&by_policy),
        ]);
        cli(&[
            "apply",
            "--preset",
            preset,
            "--reference-date",
            "2024-04-01",
            "--key",
            &path(&key),
            "--in",
            &path(&sample),
            "--out",
            &path(&by_preset),
        ]);
        assert!(
            std::fs::read(&by_policy).unwrap() == want,
            "{preset}: --policy"
        );
        assert!(
            std::fs::read(&by_preset).unwrap() == want,
            "{preset}: --preset"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
