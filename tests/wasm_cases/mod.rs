//! Test bodies shared by the Node (`tests/node.rs`) and Chromium (`tests/browser.rs`) suites, so
//! both hosts are held to the same vectors as the native tests (`tests/cli.rs`).

use deid_kit::wasm;
use deid_kit::wasm::types::PseudonymOptions;
use serde_json::Value;
use wasm_bindgen::JsValue;

#[path = "../support/chunks.rs"]
mod chunks;
use chunks::chunks;

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

const SAMPLE: &[u8] = include_bytes!("../../www/samples/sample-sjis.csv");
const EXPECTED: &[u8] = include_bytes!("../data/sample-expected.csv");
const POLICY: &str = include_str!("../data/policy-sample.json");

fn policy_object(json: &str) -> deid_kit::wasm::types::PolicyInput {
    js_sys::JSON::parse(json).unwrap().into()
}

/// Pushes `input` in `sizes` (cycled) and finishes: the bytes written and the report.
fn output_pass(mut session: wasm::Session, input: &[u8], sizes: &[usize]) -> (Vec<u8>, JsValue) {
    let mut out = Vec::new();
    for chunk in chunks(input, sizes) {
        out.extend(session.push(chunk).unwrap());
    }
    let done: JsValue = session.finish().unwrap().into();
    let tail = js_sys::Reflect::get(&done, &"tail".into()).unwrap();
    out.extend(js_sys::Uint8Array::new(&tail).to_vec());
    (out, js_sys::Reflect::get(&done, &"report".into()).unwrap())
}

fn run_session(chunk_sizes: &[usize]) -> (Vec<u8>, JsValue) {
    let session = wasm::Session::new(policy_object(POLICY), Some(TEST_KEY.to_vec()), None).unwrap();
    output_pass(session, SAMPLE, chunk_sizes)
}

pub fn session_output_equals_the_native_expected_bytes_for_any_chunking() {
    for sizes in [
        &[1 << 20][..],
        &[1],
        &[2, 3, 5, 7],
        &[4096, 1, 65_537],
        &[33_333],
    ] {
        let (out, report) = run_session(sizes);
        assert!(
            out == EXPECTED,
            "chunks {sizes:?}: output differs from the CLI's"
        );
        let rows = js_sys::Reflect::get(&report, &"rows".into()).unwrap();
        let get = |k: &str| {
            js_sys::Reflect::get(&rows, &k.into())
                .unwrap()
                .as_f64()
                .unwrap()
        };
        assert_eq!(
            (get("in"), get("out"), get("rejected"), get("opted_out")),
            (200.0, 200.0, 0.0, 0.0)
        );
    }
}

pub fn session_errors_are_deid_errors_with_paths_and_rows() {
    let bad: deid_kit::wasm::types::PolicyInput =
        JsValue::from_str(r#"{"version":1,"columns":{"a":{"action":"dorp"}}}"#).into();
    let err = wasm::Session::new(bad, Some(TEST_KEY.to_vec()), None)
        .err()
        .unwrap();
    let msg = message(err.clone());
    assert!(msg.contains("/columns/a/action"), "{msg}");
    assert_eq!(
        js_sys::Reflect::get(&err, &"code".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("policy")
    );
    // No key, no pseudonyms.
    assert!(wasm::Session::new(policy_object(POLICY), None, None).is_err());
    // An unterminated quote at the end names its line.
    let keep: deid_kit::wasm::types::PolicyInput =
        JsValue::from_str(r#"{"version":1,"columns":{"a":{"action":"keep"}}}"#).into();
    let mut s = wasm::Session::new(keep, None, None).unwrap();
    s.push(b"a\n1\n\"open").unwrap();
    let msg = message(s.finish().err().unwrap());
    assert!(msg.contains("line 3"), "{msg}");
    // Opt-out through options.
    let o = js_sys::Object::new();
    let ids = js_sys::Array::of1(&"42604685".into());
    js_sys::Reflect::set(&o, &"optOut".into(), &ids).unwrap();
    let mut s = wasm::Session::new(
        policy_object(POLICY),
        Some(TEST_KEY.to_vec()),
        Some(JsValue::from(o).into()),
    )
    .unwrap();
    s.push(SAMPLE).unwrap();
    let done: JsValue = s.finish().unwrap().into();
    let report = js_sys::Reflect::get(&done, &"report".into()).unwrap();
    let rows = js_sys::Reflect::get(&report, &"rows".into()).unwrap();
    let opted = js_sys::Reflect::get(&rows, &"opted_out".into())
        .unwrap()
        .as_f64()
        .unwrap();
    assert_eq!(opted, 1.0);
}

/// suggestPolicy in wasm gives the same policy as the native `suggest`, and previewFile reads
/// the sample like the native preview.
pub fn suggest_and_preview_match_native() {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"referenceDate".into(), &"2024-04-01".into()).unwrap();
    let js = wasm::suggest_policy(SAMPLE, "kamei", Some(JsValue::from(o).into())).unwrap();
    let json = String::from(js_sys::JSON::stringify(&js).unwrap());
    let from_js = deid_kit::Policy::from_json(&json).unwrap();
    let today = deid_kit::ja::wareki::Date::new(2024, 4, 1).unwrap();
    let native = deid_kit::preset::suggest(SAMPLE, deid_kit::preset::Preset::Kamei, today).unwrap();
    assert_eq!(from_js, native);
    assert!(wasm::suggest_policy(SAMPLE, "other", None).is_err());
    let p = wasm::preview_file(SAMPLE, SAMPLE.len() as f64, Some(3)).unwrap();
    let get = |k: &str| js_sys::Reflect::get(&p, &k.into()).unwrap();
    assert_eq!(get("encoding").as_string().as_deref(), Some("shift_jis"));
    assert_eq!(get("estimated_rows").as_f64(), Some(200.0));
    assert_eq!(js_sys::Array::from(&get("rows")).length(), 3);
}

/// 匿名加工 through the JS API: scan, search, then the second pass; the output is k-anonymous.
pub fn anonymization_two_passes() {
    let policy = r#"{"version":1,"privacy":{"k":2,"max_suppression":0.2},"columns":{
        "age":{"action":"generalize","hierarchy":"age"},
        "sex":{"action":"generalize","hierarchy":"sex"},
        "病名":{"action":"keep"}}}"#;
    let input = "age,sex,病名\n31,男,a\n33,男,b\n34,男,c\n52,女,d\n58,女,e\n90,女,f\n";
    let p = || -> deid_kit::wasm::types::PolicyInput { JsValue::from_str(policy).into() };
    let mut scan = wasm::Session::scan(p(), None, None).unwrap();
    assert!(scan.push(input.as_bytes()).unwrap().is_empty());
    let anonymization = scan.finish_scan().unwrap();
    let summary = anonymization.summary().unwrap();
    let levels = js_sys::Reflect::get(&summary, &"levels".into()).unwrap();
    assert_eq!(js_sys::Array::from(&levels).length(), 2);
    let s = wasm::Session::with_anonymization(p(), None, None, &anonymization).unwrap();
    let (out, _) = output_pass(s, input.as_bytes(), &[input.len()]);
    let text = String::from_utf8(out).unwrap();
    let mut classes = std::collections::HashMap::new();
    for line in text.lines().skip(1) {
        let key: Vec<&str> = line.split(',').take(2).collect();
        *classes.entry(key.join(",")).or_insert(0) += 1;
    }
    assert!(classes.values().all(|&n| n >= 2), "{text}");
    // One pass is refused for such a policy.
    let mut one = wasm::Session::new(p(), None, None).unwrap();
    one.push(input.as_bytes()).unwrap(); // buffered until the encoding is known
    assert!(message(one.finish().err().unwrap()).contains("two passes"));
}

const FHIR_SAMPLE: &[u8] = include_bytes!("../data/fhir-sample.ndjson");
const FHIR_EXPECTED_KAMEI: &[u8] = include_bytes!("../data/fhir-expected-kamei.ndjson");
const FHIR_EXPECTED_TOKUMEI: &[u8] = include_bytes!("../data/fhir-expected-tokumei.ndjson");
const FHIR_POLICY_KAMEI: &str = include_str!("../data/fhir-policy-kamei.json");
const FHIR_POLICY_TOKUMEI: &str = include_str!("../data/fhir-policy-tokumei.json");
/// Resources (lines) in the fixture; `tests/fhir_expected.rs` holds the CLI to the same count.
const FHIR_RESOURCES: f64 = 254.0;

/// The browser worker's FHIR run: `Session.scan` → push → `finishScan` →
/// `Session.withAnonymization(policy, key, options, scanned)` → push → `finish`.
fn run_fhir(policy: &str, input: &[u8], sizes: &[usize]) -> (Vec<u8>, JsValue) {
    let mut scan =
        wasm::Session::scan(policy_object(policy), Some(TEST_KEY.to_vec()), None).unwrap();
    for chunk in chunks(input, sizes) {
        assert!(
            scan.push(chunk).unwrap().is_empty(),
            "a scan writes nothing"
        );
    }
    let scanned = scan.finish_scan().unwrap();
    let session = wasm::Session::with_anonymization(
        policy_object(policy),
        Some(TEST_KEY.to_vec()),
        None,
        &scanned,
    )
    .unwrap();
    output_pass(session, input, sizes)
}

fn number_at(value: &JsValue, path: &[&str]) -> f64 {
    let mut v = value.clone();
    for key in path {
        v = js_sys::Reflect::get(&v, &(*key).into()).unwrap();
    }
    v.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number"))
}

/// Both presets over the whole FHIR fixture, in the chunk sizes a browser's stream and Node's
/// 64 KiB reads give, equal the CLI's committed output byte for byte.
pub fn fhir_two_passes_equal_the_cli_bytes() {
    for (policy, expected) in [
        (FHIR_POLICY_KAMEI, FHIR_EXPECTED_KAMEI),
        (FHIR_POLICY_TOKUMEI, FHIR_EXPECTED_TOKUMEI),
    ] {
        for sizes in [&[4096][..], &[65_536], &[65_536, 4096, 1, 7]] {
            let (out, report) = run_fhir(policy, FHIR_SAMPLE, sizes);
            assert!(
                out == expected,
                "chunks {sizes:?}: FHIR output differs from the CLI's"
            );
            assert_eq!(
                [
                    number_at(&report, &["rows", "in"]),
                    number_at(&report, &["rows", "out"]),
                    number_at(&report, &["rows", "rejected"]),
                    number_at(&report, &["rows", "opted_out"]),
                    number_at(&report, &["fhir", "patients"]),
                ],
                [FHIR_RESOURCES, FHIR_RESOURCES, 0.0, 0.0, 16.0]
            );
        }
    }
}

/// Chunks of 1 and 7 bytes cut inside JSON strings and multibyte characters; on a prefix of the
/// fixture (a whole file byte by byte is slow over the JS boundary) they give the bytes one
/// chunk gives.
pub fn fhir_small_chunks_give_the_same_bytes() {
    let lines = FHIR_SAMPLE
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1);
    let end = lines.take(24).last().unwrap();
    let prefix = &FHIR_SAMPLE[..end];
    let (whole, report) = run_fhir(FHIR_POLICY_KAMEI, prefix, &[prefix.len()]);
    assert_eq!(number_at(&report, &["rows", "out"]), 24.0);
    assert!(!whole.is_empty());
    for sizes in [&[1][..], &[7], &[1, 7, 4096]] {
        let (out, _) = run_fhir(FHIR_POLICY_KAMEI, prefix, sizes);
        assert!(out == whole, "chunks {sizes:?}: output depends on chunking");
    }
}
