//! The native front doors: the core and the CLI binary agree with the shared vectors, and the CLI
//! refuses bad key files with a one-line reason that never shows the key.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use deid_kit::{ja::normalize::Options, Pseudonymizer, SiteKey};
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/vectors.json")).unwrap()
}

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_deid-kit"));
    command.args(args);
    command
}

fn cli(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

/// `deid-kit apply` with the sample's policy and the test key, then `io` (input, output, ...).
fn apply_sample(io: &[&str]) -> Command {
    let (policy, key) = (data("policy-sample.json"), data("test.key"));
    let mut command = command(&["apply", "--policy", path(&policy), "--key", path(&key)]);
    command.args(io);
    command
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deid-kit-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn core_matches_vectors_for_both_keys() {
    let v = vectors();
    let key = SiteKey::from_file(&std::fs::read(data("test.key")).unwrap()).unwrap();
    let other = SiteKey::from_file(&std::fs::read(data("other.key")).unwrap()).unwrap();
    assert_eq!(key.fingerprint(), v["fingerprint"]);
    assert_eq!(other.fingerprint(), v["other_fingerprint"]);
    for case in v["cases"].as_array().unwrap() {
        let options = Options {
            name: case["name"].as_bool().unwrap(),
            ..Options::default()
        };
        let length = case["length"].as_u64().unwrap() as usize;
        let value = case["value"].as_str().unwrap();
        let p = Pseudonymizer::new(&key, length, options).unwrap();
        let q = Pseudonymizer::new(&other, length, options).unwrap();
        assert_eq!(p.pseudonym(value), case["pseudonym"], "{value}");
        assert_eq!(q.pseudonym(value), case["other_key"], "{value}");
        if !value.trim().is_empty() {
            assert_ne!(case["pseudonym"], case["other_key"]);
        }
    }
}

#[test]
fn cli_matches_vectors() {
    let v = vectors();
    let key = data("test.key");
    let key = key.to_str().unwrap();
    for case in v["cases"].as_array().unwrap() {
        let length = case["length"].to_string();
        let mut args = vec!["pseudonym", "--key", key, "--length", &length];
        if case["name"].as_bool().unwrap() {
            args.push("--name");
        }
        args.push("--");
        args.push(case["value"].as_str().unwrap());
        let out = cli(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = format!("{}\n", case["pseudonym"].as_str().unwrap());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    }
    let out = cli(&["fingerprint", "--key", key]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        v["fingerprint"]
    );
}

#[test]
fn keygen_writes_a_loadable_private_key_and_never_overwrites() {
    let dir = temp_dir("keygen");
    let path = dir.join("site.key");
    let p = path.to_str().unwrap();
    let out = cli(&["keygen", "--out", p]);
    assert!(out.status.success());
    let key = SiteKey::from_file(&std::fs::read(&path).unwrap()).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&key.fingerprint()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "key file must not be readable by others");
    }
    let again = cli(&["keygen", "--out", p]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        SiteKey::from_file(&std::fs::read(&path).unwrap())
            .unwrap()
            .fingerprint(),
        key.fingerprint()
    );
    let forced = cli(&["keygen", "--out", p, "--force"]);
    assert!(forced.status.success());
    let replaced = SiteKey::from_file(&std::fs::read(&path).unwrap()).unwrap();
    assert_ne!(replaced.fingerprint(), key.fingerprint());
    // The key never reaches stdout or stderr.
    let file = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    let hex = file.lines().find_map(|l| l.strip_prefix("key: ")).unwrap();
    assert!(!String::from_utf8_lossy(&forced.stdout).contains(hex));
    assert!(!String::from_utf8_lossy(&forced.stderr).contains(hex));
}

#[test]
fn cli_refuses_corrupted_key_files_with_one_line_and_no_key() {
    let good = std::fs::read(data("test.key")).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let hex = text.lines().find_map(|l| l.strip_prefix("key: ")).unwrap();
    let mut flipped = good.clone();
    let at = text.find("key: ").unwrap() + 10;
    flipped[at] ^= 0x01;
    let wrong_length = text.replace(hex, &hex[..62]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("flipped", flipped),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("wrong-length", wrong_length.into_bytes()),
        ("binary", vec![0xff, 0x00, 0x81, 0x40]),
    ];
    let dir = temp_dir("corrupt");
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = cli(&["pseudonym", "--key", path.to_str().unwrap(), "x"]);
        assert!(!out.status.success(), "{name}");
        assert!(out.stdout.is_empty(), "{name}: no pseudonym without a key");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains("key file refused"), "{name}: {err}");
        assert!(!err.contains(&hex[..12]), "{name}: key leaked");
        assert!(!err.contains("panicked"), "{name}");
    }
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("www/samples/sample-sjis.csv")
}

#[test]
fn apply_writes_the_expected_file_and_report() {
    let dir = temp_dir("apply");
    let (out, report) = (dir.join("out.csv"), dir.join("report.json"));
    let run = apply_sample(&[
        "--in",
        path(&sample()),
        "--out",
        path(&out),
        "--report",
        path(&report),
    ])
    .output()
    .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(data("sample-expected.csv")).unwrap()
    );
    let r: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["rows"]["in"], 200);
    assert_eq!(r["key_fingerprint"], vectors()["fingerprint"]);
    let input = std::fs::read(sample()).unwrap();
    let sha: String = sha2_hex(&input);
    assert_eq!(r["input"]["sha256"], sha);
    assert_eq!(
        r["output"]["sha256"],
        sha2_hex(&std::fs::read(&out).unwrap())
    );
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert!(
        stderr.starts_with("rows in 200, out 200, rejected 0, opted out 0"),
        "{stderr}"
    );
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn apply_streams_stdin_to_stdout_with_an_opt_out_file() {
    let dir = temp_dir("stdio");
    let opt_out = dir.join("optout.txt");
    std::fs::write(&opt_out, "４２６０４６８５\n\n99821839\n").unwrap();
    let child = apply_sample(&["--in", "-", "--out", "-", "--opt-out", path(&opt_out)])
        .stdin(std::fs::File::open(sample()).unwrap())
        .output()
        .unwrap();
    assert!(child.status.success());
    let stderr = String::from_utf8(child.stderr).unwrap();
    assert!(
        stderr.contains("out 198, rejected 0, opted out 2"),
        "{stderr}"
    );
    let expected = std::fs::read(data("sample-expected.csv")).unwrap();
    assert!(child.stdout.len() < expected.len());
    assert!(child.stdout.starts_with(&expected[..100]));
}

#[test]
fn a_failed_apply_leaves_no_output_file() {
    let dir = temp_dir("fail");
    let input = dir.join("in.csv");
    std::fs::write(&input, "a\n1\n\"never closed\n2\n").unwrap();
    let policy = dir.join("p.json");
    std::fs::write(
        &policy,
        r#"{"version":1,"columns":{"a":{"action":"keep"}}}"#,
    )
    .unwrap();
    let out = dir.join("out.csv");
    let apply = || {
        cli(&[
            "apply",
            "--policy",
            path(&policy),
            "--in",
            path(&input),
            "--out",
            path(&out),
        ])
    };
    let run = apply();
    assert!(!run.status.success());
    let err = String::from_utf8(run.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("not closed") && err.contains("line 3"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no partial file left"
    );
    // A policy error names the JSON path.
    std::fs::write(&policy, r#"{"version":1,"columns":{"a":{"action":"kep"}}}"#).unwrap();
    let run = apply();
    assert!(String::from_utf8(run.stderr)
        .unwrap()
        .contains("/columns/a/action"));
}

#[test]
fn tokens_round_trip_through_the_cli_and_need_a_tokens_file() {
    let dir = temp_dir("tokens");
    let input = dir.join("in.csv");
    std::fs::write(&input, "id,v\nA-1,1\nA-2,2\nA-1,3\n").unwrap();
    let policy = dir.join("p.json");
    std::fs::write(
        &policy,
        r#"{"version":1,"columns":{"id":{"action":"tokenize"},"v":{"action":"keep"}}}"#,
    )
    .unwrap();
    let (out, table) = (dir.join("out.csv"), dir.join("table.bin"));
    let key = data("test.key");
    let base = [
        "apply",
        "--policy",
        path(&policy),
        "--key",
        path(&key),
        "--in",
        path(&input),
        "--out",
        path(&out),
    ];
    let refused = cli(&base);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--tokens"));
    // A FHIR policy that tokenizes in `paths` needs the table as well.
    let fhir_policy = dir.join("fhir.json");
    std::fs::write(
        &fhir_policy,
        r#"{"version":1,"input":{"format":"ndjson"},"columns":{},"paths":{"Patient.id":{"action":"tokenize"}}}"#,
    )
    .unwrap();
    let fhir_input = dir.join("in.ndjson");
    std::fs::write(
        &fhir_input,
        "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n",
    )
    .unwrap();
    let refused = cli(&[
        "apply",
        "--policy",
        path(&fhir_policy),
        "--key",
        path(&key),
        "--in",
        path(&fhir_input),
        "--out",
        path(&dir.join("out.ndjson")),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--tokens"));
    assert!(!dir.join("out.ndjson").exists());
    let mut args = base.to_vec();
    args.extend(["--tokens", path(&table)]);
    assert!(cli(&args).status.success());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(!written.contains("A-1"));
    let token = written
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let tokens = |key: &Path| cli(&["tokens", "--key", path(key), "--in", path(&table)]);
    let back = tokens(&key);
    assert!(back.status.success());
    let csv = String::from_utf8(back.stdout).unwrap();
    assert!(csv.contains(&format!("{token},A-1")), "{csv}");
    let other = tokens(&data("other.key"));
    assert!(!other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("another site key"));
}
