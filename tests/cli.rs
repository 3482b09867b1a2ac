//! The native front doors: the core and the CLI binary agree with the shared vectors, and the CLI
//! refuses bad key files with a one-line reason that never shows the key.

use std::path::PathBuf;
use std::process::Command;

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

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_deid-kit"))
        .args(args)
        .output()
        .unwrap()
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
