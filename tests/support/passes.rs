//! Runs of the public [`Session`], as the CLI, Node and the browser drive it: the first pass (the
//! scan: FHIR's patient index, and the k-anonymity search when the policy has a privacy model),
//! the second pass (the output) and both, each fed in chunks of given sizes. Every run checks
//! that a scan writes nothing and that rows in = out + rejected + opted out.
#![allow(dead_code)] // each test crate uses a part

use std::sync::Arc;

use deid_kit::pipeline::anonymize;
use deid_kit::{Policy, Report, Session, SessionOptions, SiteKey};

// Public, so that a test with these runs reaches the chunker through here (a file may be loaded
// as a module only once per test crate).
#[path = "chunks.rs"]
pub mod chunks;
use chunks::chunks;

/// The first pass over `input` in `sizes` (cycled), with `options` (its opt-out list is kept):
/// the options for the second pass, with the scan's patient index and, under a privacy model,
/// the search's result.
pub fn first_pass(
    policy: &Policy,
    key: Option<&SiteKey>,
    options: SessionOptions,
    input: &[u8],
    sizes: &[usize],
) -> SessionOptions {
    let mut scan = Session::scan(policy, key, options.clone()).unwrap();
    let mut written = Vec::new();
    for chunk in chunks(input, sizes) {
        scan.push_into(chunk, &mut written).unwrap();
    }
    let done = scan.finish().unwrap();
    assert!(
        written.is_empty() && done.tail.is_empty(),
        "a scan writes nothing"
    );
    let mut scanned = done.scanned.unwrap();
    let patients = scanned.patients.take().map(Arc::new);
    // An anonymizing policy (tokumei): the search on the scan's statistics, as the CLI does.
    let anonymization = policy
        .privacy
        .is_some()
        .then(|| Arc::new(anonymize(policy, scanned).unwrap()));
    SessionOptions {
        patients,
        anonymization,
        ..options
    }
}

/// The output pass over `input` in `sizes` (cycled): the bytes written and the report.
pub fn second_pass(
    policy: &Policy,
    key: Option<&SiteKey>,
    options: SessionOptions,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<u8>, Report) {
    let mut session = Session::new(policy, key, options).unwrap();
    let mut out = Vec::new();
    for chunk in chunks(input, sizes) {
        session.push_into(chunk, &mut out).unwrap();
    }
    let done = session.finish().unwrap();
    out.extend(done.tail);
    assert!(done.report.rows.balanced(), "{:?}", done.report.rows);
    (out, done.report)
}

/// Both passes over FHIR input, each fed in `sizes` (cycled); the scan must index the patients.
pub fn fhir_two_passes(
    policy: &Policy,
    key: Option<&SiteKey>,
    options: SessionOptions,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<u8>, Report) {
    let options = first_pass(policy, key, options, input, sizes);
    assert!(
        options.patients.is_some(),
        "a FHIR scan indexes the patients"
    );
    second_pass(policy, key, options, input, sizes)
}
