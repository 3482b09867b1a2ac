//! `Session` for JS: the core's streaming session, with bytes in and out as `Uint8Array`.

use serde::Deserialize;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::error::{self, into_js, JsResult};
use super::types;
use std::sync::Arc;

use crate::fhir::PatientIndex;
use crate::pipeline::{anonymize, Anonymized};
use crate::{Policy, SessionOptions, SiteKey};

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct Options {
    opt_out: Vec<String>,
}

/// A streaming de-identification run: `push` chunks, then `finish`.
#[wasm_bindgen]
pub struct Session {
    inner: crate::Session,
    policy: Policy,
}

/// The result of a first pass: the generalization the search chose (匿名加工) and, for FHIR,
/// the patients found.
#[wasm_bindgen]
pub struct Anonymization {
    inner: Option<Arc<Anonymized>>,
    patients: Option<Arc<PatientIndex>>,
}

#[wasm_bindgen]
impl Anonymization {
    /// The chosen levels, information loss, suppressed rows, classes and nodes checked.
    #[wasm_bindgen(getter, unchecked_return_type = "AnonymizationSummary")]
    pub fn summary(&self) -> JsResult<JsValue> {
        self.inner
            .as_ref()
            .map_or(Ok(JsValue::NULL), |a| to_js(&a.solution))
    }
}

/// The three arguments every session constructor takes, converted.
fn arguments(
    policy: &JsValue,
    key_file: Option<Vec<u8>>,
    options: Option<types::SessionOptions>,
) -> JsResult<(Policy, Option<SiteKey>, SessionOptions)> {
    let policy = policy_from_js(policy)?;
    let key = key_file
        .map(|f| SiteKey::from_file(&f))
        .transpose()
        .map_err(into_js)?;
    let options: Options = options
        .map(|o| error::from_js(&o))
        .transpose()?
        .unwrap_or_default();
    let options = SessionOptions {
        opt_out: options.opt_out,
        ..SessionOptions::default()
    };
    Ok((policy, key, options))
}

#[wasm_bindgen]
impl Session {
    /// Starts a session from a policy (object or JSON text), a key file and options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        policy: types::PolicyInput,
        key_file: Option<Vec<u8>>,
        options: Option<types::SessionOptions>,
    ) -> JsResult<Session> {
        let (policy, key, options) = arguments(&policy, key_file, options)?;
        let inner = crate::Session::new(&policy, key.as_ref(), options).map_err(into_js)?;
        Ok(Session { inner, policy })
    }

    /// The first pass of an anonymizing policy (one with `privacy`): push the whole file, then
    /// `finishScan()`; nothing is written.
    pub fn scan(
        policy: types::PolicyInput,
        key_file: Option<Vec<u8>>,
        options: Option<types::SessionOptions>,
    ) -> JsResult<Session> {
        let (policy, key, options) = arguments(&policy, key_file, options)?;
        let inner = crate::Session::scan(&policy, key.as_ref(), options).map_err(into_js)?;
        Ok(Session { inner, policy })
    }

    /// The second pass: a session that writes the file generalized and suppressed as the first
    /// pass's search chose.
    #[wasm_bindgen(js_name = withAnonymization)]
    pub fn with_anonymization(
        policy: types::PolicyInput,
        key_file: Option<Vec<u8>>,
        options: Option<types::SessionOptions>,
        anonymization: &Anonymization,
    ) -> JsResult<Session> {
        let (policy, key, mut options) = arguments(&policy, key_file, options)?;
        options.anonymization = anonymization.inner.clone();
        options.patients = anonymization.patients.clone();
        let inner = crate::Session::new(&policy, key.as_ref(), options).map_err(into_js)?;
        Ok(Session { inner, policy })
    }

    /// Ends the first pass and runs the search: the chosen generalization, for
    /// `Session.withAnonymization`.
    #[wasm_bindgen(js_name = finishScan)]
    pub fn finish_scan(&mut self) -> JsResult<Anonymization> {
        let done = self.inner.finish().map_err(into_js)?;
        let mut scanned = done
            .scanned
            .ok_or_else(|| error::argument("this session is not a scan (use Session.scan)"))?;
        let patients = scanned.patients.take().map(Arc::new);
        let inner = match self.policy.privacy {
            Some(_) => Some(Arc::new(anonymize(&self.policy, scanned).map_err(into_js)?)),
            None => None,
        };
        Ok(Anonymization { inner, patients })
    }

    /// Feeds a chunk (any size, cut anywhere); returns the output of the rows it completes.
    pub fn push(&mut self, chunk: &[u8]) -> JsResult<Vec<u8>> {
        self.inner.push(chunk).map_err(into_js)
    }

    /// Data rows read so far (for progress displays).
    #[wasm_bindgen(getter, js_name = rowsIn)]
    pub fn rows_in(&self) -> f64 {
        self.inner.rows().rows_in as f64
    }

    /// Ends the input: `{ tail, report, tokens? }`.
    pub fn finish(&mut self) -> JsResult<types::FinishResult> {
        let done = self.inner.finish().map_err(into_js)?;
        let result = js_sys::Object::new();
        error::set(
            &result,
            "tail",
            &js_sys::Uint8Array::from(done.tail.as_slice()),
        );
        error::set(&result, "report", &to_js(&done.report)?);
        if let Some(tokens) = done.tokens {
            error::set(
                &result,
                "tokens",
                &js_sys::Uint8Array::from(tokens.as_slice()),
            );
        }
        Ok(JsValue::from(result).into())
    }
}

/// A policy given as JSON text or as a plain object, parsed by the same code as the CLI's.
pub fn policy_from_js(value: &JsValue) -> JsResult<Policy> {
    let json = match value.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(value)
            .map(String::from)
            .map_err(|_| error::argument("the policy is not a JSON object"))?,
    };
    Policy::from_json(&json).map_err(into_js)
}

/// A Rust document as a plain JS object (maps as objects, not `Map`s).
pub fn to_js<T: Serialize>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(error::argument)
}
