//! Conformance of the MS FHIR anonymizer compatibility mode (`deid_kit::fhir::ms`) with the
//! vectors of ../shared/conformance/ms-fhir-anonymizer.md and MS's own functional-test fixtures
//! (tests/data/ms, see its README).

use deid_kit::fhir::ms::{Anonymizer, MsSettings};
use deid_kit::ja::wareki::Date;
use serde_json::{json, Value};

fn today() -> Date {
    Date::new(2025, 9, 5).unwrap_or_else(|| panic!("date"))
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/ms/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn anonymizer(config: &str) -> Anonymizer {
    Anonymizer::from_config(config, MsSettings::new(today())).unwrap_or_else(|e| panic!("{e}"))
}

fn run(ms: &Anonymizer, mut resource: Value) -> Value {
    ms.anonymize(&mut resource)
        .unwrap_or_else(|e| panic!("{e}"));
    resource
}

/// FHIR arrays of one element may be written as a single value in MS's inputs; its serializer
/// always writes arrays. Compare after wrapping singletons the way the target has them.
fn normalize(value: &Value, like: &Value) -> Value {
    match (value, like) {
        (Value::Object(a), Value::Object(b)) => Value::Object(
            a.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        b.get(k).map_or_else(|| v.clone(), |l| normalize(v, l)),
                    )
                })
                .collect(),
        ),
        (Value::Array(a), Value::Array(b)) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, v)| b.get(i).map_or_else(|| v.clone(), |l| normalize(v, l)))
                .collect(),
        ),
        (single, Value::Array(b)) if !single.is_array() => Value::Array(vec![b
            .first()
            .map_or_else(|| single.clone(), |l| normalize(single, l))]),
        _ => value.clone(),
    }
}

fn check_pair(config: &str, input: &str, target: &str) {
    let ms = anonymizer(&data(config));
    let input: Value = serde_json::from_str(&data(input)).unwrap_or_else(|e| panic!("{e}"));
    let expected: Value = serde_json::from_str(&data(target)).unwrap_or_else(|e| panic!("{e}"));
    let output = normalize(&run(&ms, input), &expected);
    assert_eq!(
        output,
        expected,
        "{config} on {input_name}:\n{}",
        serde_json::to_string_pretty(&output).unwrap_or_default(),
        input_name = target
    );
}

#[test]
fn ms_functional_fixtures() {
    let pairs = [
        (
            "common-config.json",
            "patient-basic.json",
            "patient-basic-target.json",
        ),
        (
            "redact-all-config.json",
            "patient-basic.json",
            "patient-redact-all-target.json",
        ),
        (
            "common-config.json",
            "patient-special-content.json",
            "patient-special-content-target.json",
        ),
        (
            "common-no-partial-config.json",
            "patient-no-partial.json",
            "patient-no-partial-target.json",
        ),
        (
            "substitute-primitive.json",
            "patient-substitute-primitive.json",
            "patient-substitute-primitive-target.json",
        ),
        (
            "substitute-complex.json",
            "patient-substitute-complex.json",
            "patient-substitute-complex-target.json",
        ),
        (
            "substitute-conflict-rules.json",
            "patient-substitute-conflict-rules.json",
            "patient-substitute-conflict-rules-target.json",
        ),
        (
            "substitute-multiple.json",
            "patient-substitute-multiple.json",
            "patient-substitute-multiple-target.json",
        ),
        (
            "substitute-multiple-2.json",
            "patient-substitute-multiple-2.json",
            "patient-substitute-multiple-2-target.json",
        ),
        (
            "generalize-patient-config.json",
            "patient-generalize.json",
            "patient-generalize-target.json",
        ),
        (
            "common-config.json",
            "bundle-basic.json",
            "bundle-basic-target.json",
        ),
        (
            "common-config.json",
            "contained-basic.json",
            "contained-basic-target.json",
        ),
    ];
    let mut failures = Vec::new();
    for (config, input, target) in pairs {
        if let Err(e) = std::panic::catch_unwind(|| check_pair(config, input, target)) {
            let message = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panic".to_owned());
            failures.push(message);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn config(rules: Value, parameters: Value) -> String {
    json!({"fhirVersion": "R4", "fhirPathRules": rules, "parameters": parameters}).to_string()
}

/// Runs `rules` on `resource` and returns the value at `pointer` (None when removed).
fn at(ms: &Anonymizer, resource: Value, pointer: &str) -> Option<Value> {
    run(ms, resource).pointer(pointer).cloned()
}

#[test]
fn crypto_hash_vectors() {
    let ms = anonymizer(&config(
        json!([{"path": "Observation.valueString", "method": "cryptoHash"},
               {"path": "Observation.subject.reference", "method": "cryptoHash"},
               {"path": "Patient.id", "method": "cryptoHash"}]),
        json!({"cryptoHashKey": "123"}),
    ));
    let values = [
        (
            "a",
            "69e99e82127c1f146f50653e02b92c4bb0c3bc182a6165a5bbce5f4f94e1ccb7",
        ),
        (
            "bb6f4872-e456-42d5-a9da-a0d82cb7ea29",
            "73defcb8fcaf4c0c3d5c77f05b479cadbe502db2ef6e9b1523d2bfee31f3b999",
        ),
        (
            "urn:oid:1.2.3.4.5",
            "6aa8e3e9af18cae990adc9c26dc006ebf633dd1332886867a691ee2d5247dd15",
        ),
        (
            "urn:uuid:c757873d-ec9a-4326-a141-556f43239520",
            "23a940be8f03522b52a393c7194407796bb5ea3c02b926b0e42fdab94ca30bad",
        ),
        (
            "2020-04-12",
            "1e99c6a8b99d3c8b4906c2e80911ad3b5961fd7498d3bc2b96fb128bc7148f90",
        ),
        (
            "2017-01-01T00:00:00.000Z",
            "4c765fc04a6f9967d493ff39238d47993c709d3392a72060efeff285cf7b2501",
        ),
        (
            "abc",
            "8f16771f9f8851b26f4d460fa17de93e2711c7e51337cb8a608a0f81e1c1b6ae",
        ),
    ];
    for (input, expected) in values {
        let obs = json!({"resourceType": "Observation", "valueString": input});
        assert_eq!(
            at(&ms, obs, "/valueString"),
            Some(json!(expected)),
            "{input}"
        );
    }
    let empty = run(
        &ms,
        json!({"resourceType": "Observation", "valueString": ""}),
    );
    assert_eq!(empty.pointer("/valueString"), Some(&json!("")));
    assert!(
        empty.get("meta").is_none(),
        "an empty value is not hashed, so not labelled"
    );
    let patient = run(&ms, json!({"resourceType": "Patient", "id": "a"}));
    assert_eq!(
        patient["id"],
        json!("69e99e82127c1f146f50653e02b92c4bb0c3bc182a6165a5bbce5f4f94e1ccb7")
    );
    assert_eq!(patient["meta"]["security"][0]["code"], json!("CRYTOHASH"));

    let references = [
        ("#", "#"),
        ("#p1", "#a10e6bee4fbeb6a7804153c25688dd4dd7b9c2a005417136026350fc33ac609f"),
        ("Patient/example", "Patient/698d54f0494528a759f19c8e87a9f99e75a5881b9267ee3926bcf62c992d84ba"),
        (
            "http://fhir.hl7.org/svc/StructureDefinition/c8973a22-2b5b-4e76-9c66-00639c99e61b",
            "http://fhir.hl7.org/svc/StructureDefinition/b0ff9c939b3507a79e2ae3d2d3b595d62819b9b8f6ef10d4099b3058d902642f",
        ),
        (
            "http://example.org/fhir/Observation/apo89654/_history/2",
            "http://example.org/fhir/Observation/b1e85ca33baf76575ad28588af85b8f10c0dd40e9ed8cd57cdb7ae94ccd75695/_history/2",
        ),
        ("urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "urn:uuid:24970eb3f915e516a2b5241c0d6979097a6357a13b89612c6a54b8ab5479df34"),
        ("urn:oid:1.2.3.4.5", "urn:oid:0543fb50485f58a47073f51aad1677607aec031c2c83c25ee7b040ade95cfbcc"),
    ];
    for (input, expected) in references {
        let obs = json!({"resourceType": "Observation", "subject": {"reference": input}});
        assert_eq!(
            at(&ms, obs, "/subject/reference"),
            Some(json!(expected)),
            "{input}"
        );
    }
}

#[test]
fn date_shift_vectors() {
    let rules = json!([{"path": "nodesByType('date')", "method": "dateShift"},
                       {"path": "nodesByType('dateTime')", "method": "dateShift"},
                       {"path": "nodesByType('instant')", "method": "dateShift"}]);
    // No resource id: the prefix is "" and key "dummy" folds to -21.
    let ms = anonymizer(&config(
        rules.clone(),
        json!({"dateShiftKey": "dummy", "enablePartialDatesForRedact": true}),
    ));
    let patient = |birth: &str| json!({"resourceType": "Patient", "birthDate": birth});
    assert_eq!(
        at(&ms, patient("2015-02-07"), "/birthDate"),
        Some(json!("2015-01-17"))
    );
    assert_eq!(
        at(&ms, patient("2015-02"), "/birthDate"),
        Some(json!("2015"))
    );
    assert_eq!(
        at(&ms, patient("1925-02-07"), "/birthDate"),
        None,
        "over 89: redacted"
    );
    let observation = |key: &str, value: &str| json!({"resourceType": "Observation", key: value});
    let date_times = [
        ("2015-02-07", "2015-01-17"),
        ("2015-02-07T13:28:17-05:00", "2015-01-17T00:00:00-05:00"),
        ("2015-02-07T13:28:17+05:00", "2015-01-17T00:00:00+05:00"),
        ("2015-02-07T13:28:17Z", "2015-01-17T00:00:00Z"),
        (
            "2015-02-07T13:28:17.12345-05:00",
            "2015-01-17T00:00:00.00000-05:00",
        ),
    ];
    for (input, expected) in date_times {
        let out = at(
            &ms,
            observation("effectiveDateTime", input),
            "/effectiveDateTime",
        );
        assert_eq!(out, Some(json!(expected)), "dateTime {input}");
    }
    // MS's unit test builds instants from DateTimeOffset, which writes Z as +00:00.
    for (input, expected) in [
        ("2015-02-07T13:28:17-05:00", "2015-01-17T00:00:00-05:00"),
        ("2015-02-07T13:28:17+00:00", "2015-01-17T00:00:00+00:00"),
        ("2015-02-07T01:01:01+00:00", "2015-01-17T00:00:00+00:00"),
    ] {
        assert_eq!(
            at(&ms, observation("issued", input), "/issued"),
            Some(json!(expected)),
            "instant {input}"
        );
    }
    let labelled = run(&ms, patient("2015-02-07"));
    assert_eq!(
        labelled["meta"]["security"],
        json!([{"code": "PERTURBED", "display": "exact value is replaced with another exact value"}])
    );

    let no_partial = anonymizer(&config(rules.clone(), json!({"dateShiftKey": "dummy"})));
    assert_eq!(at(&no_partial, patient("2015-02"), "/birthDate"), None);

    // Resource scope: the resource id is the prefix ("example" + "123" → +41).
    let by_id = anonymizer(&config(rules.clone(), json!({"dateShiftKey": "123"})));
    let with_id = json!({"resourceType": "Patient", "id": "example", "birthDate": "2001-01-01"});
    assert_eq!(at(&by_id, with_id, "/birthDate"), Some(json!("2001-02-11")));
    // A zone on a bare date is dropped.
    let zoned = json!({"resourceType": "Patient", "id": "example", "birthDate": "2001-01-01Z"});
    assert_eq!(at(&by_id, zoned, "/birthDate"), Some(json!("2001-02-11")));

    // File scope: "filename" + "123" → +4, the same for every resource of the file.
    let file_config = config(
        rules.clone(),
        json!({"dateShiftKey": "123", "dateShiftScope": "file"}),
    );
    assert!(
        Anonymizer::from_config(&file_config, MsSettings::new(today())).is_err(),
        "file scope needs the name"
    );
    let mut settings = MsSettings::new(today());
    settings.file_name = Some("filename".to_owned());
    let by_file = Anonymizer::from_config(&file_config, settings).unwrap_or_else(|e| panic!("{e}"));
    for id in ["a", "b"] {
        let p = json!({"resourceType": "Patient", "id": id, "birthDate": "2015-02-07"});
        assert_eq!(at(&by_file, p, "/birthDate"), Some(json!("2015-02-11")));
    }

    // Fixed offset: the day difference is offset-1 for positive offsets (the time is zeroed),
    // the offset itself for the others.
    for (input, offset, expected) in [
        ("2015-02-07T13:28:47-05:00", 0, "2015-02-07T00:00:00-05:00"),
        ("2015-02-07T13:28:47-05:00", 11, "2015-02-18T00:00:00-05:00"),
        (
            "2015-02-07T13:28:47-05:00",
            -10,
            "2015-01-28T00:00:00-05:00",
        ),
        ("1998-10-02T08:47:25+08:00", 2, "1998-10-04T00:00:00+08:00"),
        (
            "1998-10-02T08:47:25+08:00",
            -15,
            "1998-09-17T00:00:00+08:00",
        ),
    ] {
        let fixed = anonymizer(&config(
            rules.clone(),
            json!({"dateShiftFixedOffsetInDays": offset}),
        ));
        let out = at(
            &fixed,
            observation("effectiveDateTime", input),
            "/effectiveDateTime",
        );
        assert_eq!(out, Some(json!(expected)), "{input} {offset}");
    }

    // "Today" decides the age-over-89 rule: 1940-01-01 is shifted in 2025, redacted from 2030.
    let special = json!({"resourceType": "Patient", "id": "example", "birthDate": "1940-01-01"});
    assert_eq!(
        at(&by_id, special.clone(), "/birthDate"),
        Some(json!("1940-02-11"))
    );
    let later = Date::new(2030, 1, 1).unwrap_or_else(|| panic!("date"));
    let in_2030 = Anonymizer::from_config(
        &config(rules, json!({"dateShiftKey": "123"})),
        MsSettings::new(later),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(at(&in_2030, special, "/birthDate"), None);
}

#[test]
fn redact_vectors() {
    let rules = json!([{"path": "Patient.birthDate", "method": "redact"},
                       {"path": "Observation.effective", "method": "redact"},
                       {"path": "Observation.issued", "method": "redact"},
                       {"path": "Observation.value", "method": "redact"},
                       {"path": "Patient.address.postalCode", "method": "redact"},
                       {"path": "Patient.name.text", "method": "redact"}]);
    let partial = anonymizer(&config(
        rules.clone(),
        json!({
        "enablePartialDatesForRedact": true, "enablePartialAgesForRedact": true,
        "enablePartialZipCodesForRedact": true, "restrictedZipCodeTabulationAreas": ["203", "556"]}),
    ));
    let none = anonymizer(&config(rules, json!({})));
    let patient = |key: &str, value: Value| json!({"resourceType": "Patient", key: value});
    for (input, expected) in [
        ("2015", Some("2015")),
        ("2015-02", Some("2015")),
        ("2015-02-07", Some("2015")),
        ("1925-02-07", None),
    ] {
        assert_eq!(
            at(&partial, patient("birthDate", json!(input)), "/birthDate"),
            expected.map(|e| json!(e)),
            "{input}"
        );
        assert_eq!(
            at(&none, patient("birthDate", json!(input)), "/birthDate"),
            None,
            "{input}"
        );
    }
    let obs = |key: &str, value: Value| json!({"resourceType": "Observation", key: value});
    for (input, expected) in [
        ("2015", Some("2015")),
        ("2015-02-07T13:28:17-05:00", Some("2015")),
        ("1925-02-07T13:28:17-05:00", None),
    ] {
        assert_eq!(
            at(
                &partial,
                obs("effectiveDateTime", json!(input)),
                "/effectiveDateTime"
            ),
            expected.map(|e| json!(e)),
            "{input}"
        );
    }
    assert_eq!(
        at(
            &partial,
            obs("issued", json!("2015-02-07T13:28:17-05:00")),
            "/issued"
        ),
        Some(json!("2015"))
    );
    assert_eq!(
        at(
            &partial,
            obs("issued", json!("1925-02-07T13:28:17-05:00")),
            "/issued"
        ),
        None
    );
    for (age, kept) in [(92, false), (91, false), (89, true), (57, true)] {
        let out = at(
            &partial,
            obs("valueAge", json!({"value": age, "unit": "a"})),
            "/valueAge/value",
        );
        assert_eq!(out, kept.then(|| json!(age)), "age {age}");
        assert_eq!(
            at(&none, obs("valueAge", json!({"value": age})), "/valueAge"),
            None,
            "age {age}"
        );
    }
    for (input, expected) in [
        ("98052", "98000"),
        ("10104", "10100"),
        ("20301", "00000"),
        ("55602", "00000"),
        ("98028-1830", "98000-0000"),
        ("20301-1830", "00000-0000"),
    ] {
        let p = patient("address", json!([{"postalCode": input}]));
        assert_eq!(
            at(&partial, p.clone(), "/address/0/postalCode"),
            Some(json!(expected)),
            "{input}"
        );
        assert_eq!(at(&none, p, "/address"), None, "{input}");
    }
    let abstracted = run(
        &partial,
        patient("address", json!([{"postalCode": "98052"}])),
    );
    assert_eq!(abstracted["meta"]["security"][0]["code"], json!("ABSTRED"));
    assert_eq!(
        at(
            &partial,
            patient("name", json!([{"text": "TestString", "use": "official"}])),
            "/name/0"
        ),
        Some(json!({"use": "official"}))
    );
}

#[test]
fn unreproducible_or_unsupported_configs_are_refused() {
    let refused = [
        (
            json!([{"path": "Patient.name", "method": "encrypt"}]),
            json!({"encryptKey": "704ab12c8e3e46d4bea600ef62a6bec7"}),
            "encrypt",
        ),
        (
            json!([{"path": "Observation.valueQuantity.value", "method": "perturb", "span": 1}]),
            json!({}),
            "perturb",
        ),
        (
            json!([{"path": "Patient.name", "method": "perturb"}]),
            json!({}),
            "not implemented",
        ),
        (
            json!([{"path": "Patient.id", "method": "cryptoHash"}]),
            json!({}),
            "cryptoHashKey",
        ),
        (
            json!([{"path": "Patient.birthDate", "method": "dateShift"}]),
            json!({}),
            "dateShiftKey",
        ),
        (
            json!([{"path": "Patient.name", "method": "myCustomMethod"}]),
            json!({}),
            "unknown method",
        ),
        (
            json!([{"path": "Patient.name.select(given)", "method": "redact"}]),
            json!({}),
            "column",
        ),
        (
            json!([{"path": "Patient.birthDate", "method": "generalize",
                 "cases": {"true": "$this.toString().replaceMatches('x', 'y')"}}]),
            json!({}),
            "replaceMatches",
        ),
    ];
    for (rules, parameters, expected) in refused {
        match Anonymizer::from_config(&config(rules.clone(), parameters), MsSettings::new(today()))
        {
            Ok(_) => panic!("accepted {rules}"),
            Err(e) => assert!(e.contains(expected), "{rules}: {e}"),
        }
    }
    let mut not_a_resource = json!({"id": "x"});
    let ms = anonymizer(&config(json!([]), json!({})));
    assert!(ms.anonymize(&mut not_a_resource).is_err());
}

#[test]
fn cli_ms_fhir_streams_ndjson_and_reports_bad_lines() {
    let dir = std::env::temp_dir().join(format!("deid-kit-ms-fhir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let config_path = dir.join("config.json");
    let input_path = dir.join("export.ndjson");
    let out_path = dir.join("out.ndjson");
    std::fs::write(&config_path, data("common-config.json")).unwrap_or_else(|e| panic!("{e}"));
    let patient: Value =
        serde_json::from_str(&data("patient-basic.json")).unwrap_or_else(|e| panic!("{e}"));
    let input = format!(
        "{}\n{{not json\n\n{{\"id\":\"no-type\"}}\n{}\n",
        patient,
        json!({"resourceType": "Observation", "id": "o1", "subject": {"reference": "Patient/example"}})
    );
    std::fs::write(&input_path, input).unwrap_or_else(|e| panic!("{e}"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_deid-kit"))
        .args(["ms-fhir", "--config"])
        .arg(&config_path)
        .arg("--in")
        .arg(&input_path)
        .arg("--out")
        .arg(&out_path)
        .args(["--today", "2025-09-05"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("line 2:") && stderr.contains("line 4:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("4 resources in, 2 written, 2 rejected"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out_path).unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let expected: Value =
        serde_json::from_str(&data("patient-basic-target.json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lines.first(), Some(&expected));
    // Observation.subject is cryptoHashed as a Reference: the id part only, like Patient.id.
    assert_eq!(
        lines
            .get(1)
            .and_then(|o| o.pointer("/subject/reference"))
            .cloned(),
        Some(json!(
            "Patient/698d54f0494528a759f19c8e87a9f99e75a5881b9267ee3926bcf62c992d84ba"
        ))
    );
    // Key order of the input is kept (resourceType, id, meta, …).
    assert!(
        written.starts_with("{\"resourceType\":\"Patient\",\"id\":\"698d54f0"),
        "{written}"
    );

    // A config using encrypt is refused before anything is written.
    std::fs::write(
        &config_path,
        r#"{"fhirPathRules":[{"path":"Patient.name","method":"encrypt"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_deid-kit"))
        .args(["ms-fhir", "--config"])
        .arg(&config_path)
        .arg("--in")
        .arg(&input_path)
        .arg("--out")
        .arg(dir.join("never.ndjson"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("encrypt"));
    assert!(!dir.join("never.ndjson").exists());

    // A run that fails after the output was opened (the input is a directory: reading fails)
    // leaves neither the output nor its temporary file.
    std::fs::write(&config_path, data("common-config.json")).unwrap_or_else(|e| panic!("{e}"));
    let failed = std::process::Command::new(env!("CARGO_BIN_EXE_deid-kit"))
        .args(["ms-fhir", "--config"])
        .arg(&config_path)
        .arg("--in")
        .arg(&dir)
        .arg("--out")
        .arg(dir.join("partial.ndjson"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!failed.status.success());
    assert!(!dir.join("partial.ndjson").exists());
    assert!(!dir.join(".partial.ndjson.partial").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
