//! Reading a Microsoft FHIR anonymizer configuration file (`fhirPathRules`, `parameters`).
//!
//! Every rule is compiled once: its path with the kit's FHIRPath subset, its method checked,
//! generalize cases compiled. Anything this mode cannot reproduce exactly — `encrypt` and
//! `perturb` (random by design), custom methods, paths or cases outside the subset, a missing key
//! that MS would replace with a random one — is refused with a message naming the rule, never
//! skipped.

use serde_json::{Map, Value};

use super::generalize::Cases;
use crate::fhir::path::Path;

/// One compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub path: Path,
    /// MS evaluates a rule written `nodesByType('T')[.name]` on the resource's descendants only.
    pub excludes_root: bool,
    pub method: Method,
}

/// What a rule does to the nodes it selects.
#[derive(Debug, Clone)]
pub(crate) enum Method {
    Keep,
    Redact,
    CryptoHash,
    DateShift,
    Substitute(Value),
    Generalize { cases: Cases, keep_others: bool },
}

/// Where the date-shift key prefix comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Resource,
    File,
    Folder,
}

/// The `parameters` object.
#[derive(Debug, Clone)]
pub(crate) struct Parameters {
    pub date_shift_key: Option<String>,
    pub date_shift_scope: Scope,
    pub date_shift_fixed_offset: Option<i64>,
    pub crypto_hash_key: Option<String>,
    pub partial_ages: bool,
    pub partial_dates: bool,
    pub partial_zip_codes: bool,
    pub restricted_zip_areas: Vec<String>,
}

/// A whole configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub rules: Vec<Rule>,
    pub parameters: Parameters,
}

const KNOWN_RULE_KEYS: &[&str] = &[
    "path",
    "method",
    "replaceWith",
    "cases",
    "otherValues",
    "span",
    "rangeType",
    "roundTo",
];

pub(crate) fn parse(json: &str) -> Result<Config, String> {
    // MS's sample files start with a UTF-8 BOM.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let root: Value =
        serde_json::from_str(json).map_err(|e| format!("MS config is not valid JSON: {e}"))?;
    let root = root
        .as_object()
        .ok_or("MS config: the top level must be an object")?;
    for key in root.keys() {
        if ![
            "fhirVersion",
            "fhirPathRules",
            "parameters",
            "processingErrors",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("MS config: unknown key `{key}`"));
        }
    }
    match root.get("fhirVersion").and_then(Value::as_str) {
        None | Some("") => {}
        Some(v) if v.eq_ignore_ascii_case("R4") => {}
        Some(v) => {
            return Err(format!(
                "MS config: fhirVersion `{v}` is not supported (R4 only)"
            ))
        }
    }
    if let Some(mode) = root.get("processingErrors").and_then(Value::as_str) {
        if !mode.eq_ignore_ascii_case("raise") {
            return Err(format!(
                "MS config: processingErrors `{mode}` is not supported; failures are always raised"
            ));
        }
    }
    let parameters = parameters(root.get("parameters"))?;
    let rules_json = root
        .get("fhirPathRules")
        .and_then(Value::as_array)
        .ok_or("MS config: `fhirPathRules` (an array) is required")?;
    let mut rules = Vec::with_capacity(rules_json.len());
    for (index, rule) in rules_json.iter().enumerate() {
        let rule = rule
            .as_object()
            .ok_or_else(|| format!("MS config: fhirPathRules[{index}] is not an object"))?;
        rules.push(compile_rule(index, rule, &parameters)?);
    }
    Ok(Config { rules, parameters })
}

fn compile_rule(
    index: usize,
    rule: &Map<String, Value>,
    parameters: &Parameters,
) -> Result<Rule, String> {
    let at = |what: String| format!("MS config: fhirPathRules[{index}]: {what}");
    for key in rule.keys() {
        if !KNOWN_RULE_KEYS.contains(&key.as_str()) {
            return Err(at(format!("unknown key `{key}`")));
        }
    }
    let path_text = rule
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| at("missing `path`".to_owned()))?;
    let method_name = rule
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| at("missing `method`".to_owned()))?;
    let path = Path::parse(path_text).map_err(at)?;
    let method = match method_name.to_ascii_lowercase().as_str() {
        "keep" => Method::Keep,
        "redact" => Method::Redact,
        "cryptohash" => {
            if parameters.crypto_hash_key.is_none() {
                return Err(at(
                    "cryptoHash needs parameters.cryptoHashKey (MS would use a random key, \
                     which makes the output irreproducible)"
                        .to_owned(),
                ));
            }
            Method::CryptoHash
        }
        "dateshift" => {
            if parameters.date_shift_key.is_none() && parameters.date_shift_fixed_offset.is_none() {
                return Err(at(
                    "dateShift needs parameters.dateShiftKey or dateShiftFixedOffsetInDays (MS \
                     would use a random key, which makes the output irreproducible)"
                        .to_owned(),
                ));
            }
            Method::DateShift
        }
        "substitute" => {
            let with = rule
                .get("replaceWith")
                .ok_or_else(|| at("substitute needs `replaceWith`".to_owned()))?;
            Method::Substitute(with.clone())
        }
        "generalize" => {
            let cases = rule
                .get("cases")
                .and_then(Value::as_object)
                .ok_or_else(|| at("generalize needs `cases` (an object)".to_owned()))?;
            let keep_others = match rule.get("otherValues").and_then(Value::as_str) {
                None => false,
                Some(v) if v.eq_ignore_ascii_case("redact") => false,
                Some(v) if v.eq_ignore_ascii_case("keep") => true,
                Some(v) => return Err(at(format!("otherValues `{v}` is not redact or keep"))),
            };
            Method::Generalize {
                cases: Cases::compile(cases).map_err(at)?,
                keep_others,
            }
        }
        "encrypt" | "perturb" => {
            return Err(at(format!(
                "method `{method_name}` is not implemented in deid-kit's MS-compatible mode (its \
                 output is random, so it cannot be reproduced); remove the rule or use redact"
            )))
        }
        _ => {
            return Err(at(format!(
                "unknown method `{method_name}` (custom processors are not supported)"
            )))
        }
    };
    Ok(Rule {
        excludes_root: path_text.trim_start().starts_with("nodesByType("),
        path,
        method,
    })
}

fn parameters(value: Option<&Value>) -> Result<Parameters, String> {
    let empty = Map::new();
    let p = match value {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(map)) => map,
        Some(_) => return Err("MS config: `parameters` must be an object".to_owned()),
    };
    let known = [
        "dateShiftKey",
        "dateShiftScope",
        "dateShiftFixedOffsetInDays",
        "cryptoHashKey",
        "encryptKey",
        "enablePartialAgesForRedact",
        "enablePartialDatesForRedact",
        "enablePartialZipCodesForRedact",
        "restrictedZipCodeTabulationAreas",
    ];
    for key in p.keys() {
        if !known.contains(&key.as_str()) {
            return Err(format!("MS config: parameters.{key} is not supported"));
        }
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match p.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("MS config: parameters.{key} must be a string")),
        }
    };
    let flag = |key: &str| -> Result<bool, String> {
        match p.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("MS config: parameters.{key} must be true or false")),
        }
    };
    let date_shift_scope = match text("dateShiftScope")?.map(|s| s.to_ascii_lowercase()) {
        None => Scope::Resource,
        Some(s) if s == "resource" => Scope::Resource,
        Some(s) if s == "file" => Scope::File,
        Some(s) if s == "folder" => Scope::Folder,
        Some(s) => {
            return Err(format!(
                "MS config: dateShiftScope `{s}` is not resource, file or folder"
            ))
        }
    };
    let date_shift_fixed_offset = match p.get("dateShiftFixedOffsetInDays") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|d| i32::try_from(*d).is_ok())
                .ok_or("MS config: parameters.dateShiftFixedOffsetInDays must be an integer")?,
        ),
    };
    let restricted_zip_areas = match p.get("restrictedZipCodeTabulationAreas") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or("MS config: restrictedZipCodeTabulationAreas must be strings")?,
        Some(_) => {
            return Err("MS config: restrictedZipCodeTabulationAreas must be an array".to_owned())
        }
    };
    Ok(Parameters {
        date_shift_key: text("dateShiftKey")?,
        date_shift_scope,
        date_shift_fixed_offset,
        crypto_hash_key: text("cryptoHashKey")?,
        partial_ages: flag("enablePartialAgesForRedact")?,
        partial_dates: flag("enablePartialDatesForRedact")?,
        partial_zip_codes: flag("enablePartialZipCodesForRedact")?,
        restricted_zip_areas,
    })
}
