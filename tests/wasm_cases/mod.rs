//! Test bodies shared by the Node (`tests/node.rs`) and Chromium (`tests/browser.rs`) suites, so
//! both hosts are held to the same vectors as the native tests (`tests/cli.rs`).

use deid_kit::wasm;
use deid_kit::wasm::types::PseudonymOptions;
use serde_json::Value;
use wasm_bindgen::JsValue;

const TEST_KEY: &[u8] = include_bytes!("../data/test.key");
const OTHER_KEY: &[u8] = include_bytes!("../data/other.key");

fn vectors() -> Value {
    serde_json::from_str(include_str!("../data/vectors.json")).unwrap()
}

fn options(length: u64, name: bool) -> PseudonymOptions {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"length".into(), &(length as f64).into()).unwrap();
    js_sys::Reflect::set(&o, &"name".into(), &name.into()).unwrap();
    JsValue::from(o).into()
}

fn message(err: JsValue) -> String {
    js_sys::Error::from(err).message().into()
}

pub fn vectors_match_native() {
    let v = vectors();
    assert_eq!(wasm::key_fingerprint(TEST_KEY).unwrap(), v["fingerprint"]);
    assert_eq!(
        wasm::key_fingerprint(OTHER_KEY).unwrap(),
        v["other_fingerprint"]
    );
    for case in v["cases"].as_array().unwrap() {
        let value = case["value"].as_str().unwrap();
        let opts = || {
            options(
                case["length"].as_u64().unwrap(),
                case["name"].as_bool().unwrap(),
            )
        };
        assert_eq!(
            wasm::pseudonymize(TEST_KEY, value, Some(opts())).unwrap(),
            case["pseudonym"]
        );
        assert_eq!(
            wasm::pseudonymize(OTHER_KEY, value, Some(opts())).unwrap(),
            case["other_key"]
        );
    }
    let default = wasm::pseudonymize(TEST_KEY, "00012345", None).unwrap();
    assert_eq!(default, v["cases"][0]["pseudonym"]);
}

pub fn generated_keys_load_and_differ() {
    let a = wasm::generate_key().unwrap();
    let b = wasm::generate_key().unwrap();
    assert_ne!(a, b);
    let fa = wasm::key_fingerprint(&a).unwrap();
    assert_ne!(fa, wasm::key_fingerprint(&b).unwrap());
    let pa = wasm::pseudonymize(&a, "00012345", None).unwrap();
    let pb = wasm::pseudonymize(&b, "00012345", None).unwrap();
    assert_ne!(pa, pb);
}

pub fn corrupted_key_files_throw_deid_errors() {
    let hex: String = String::from_utf8_lossy(TEST_KEY)
        .lines()
        .find_map(|l| l.strip_prefix("key: ").map(str::to_owned))
        .unwrap();
    let mut flipped = TEST_KEY.to_vec();
    flipped[TEST_KEY.len() - 30] ^= 0x04;
    let wrong_length = String::from_utf8_lossy(TEST_KEY).replace(&hex, &hex[..60]);
    let cases: [&[u8]; 4] = [b"", &flipped, &TEST_KEY[..50], wrong_length.as_bytes()];
    for bad in cases {
        let err = wasm::pseudonymize(bad, "x", None).unwrap_err();
        let js = js_sys::Error::from(err.clone());
        assert_eq!(String::from(js.name()), "DeidError");
        let code = js_sys::Reflect::get(&err, &"code".into()).unwrap();
        assert_eq!(code.as_string().as_deref(), Some("key_file"));
        let msg = message(err);
        assert!(msg.starts_with("key file refused"), "{msg}");
        assert!(!msg.contains(&hex[..12]));
    }
}

pub fn bad_options_are_refused() {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"salt".into(), &"x".into()).unwrap();
    let err = wasm::pseudonymize(TEST_KEY, "x", Some(JsValue::from(o).into())).unwrap_err();
    assert!(message(err).contains("salt"));
    let err = wasm::pseudonymize(TEST_KEY, "x", Some(options(4, false))).unwrap_err();
    assert!(message(err).contains("length"));
}
