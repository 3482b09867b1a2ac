//! `deid-kit apply` (and `risk`): a policy file or a preset's suggestion over one file, both
//! passes when the policy needs them, the output renamed into place only when the run succeeds.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use deid_kit::format::encoding;
use deid_kit::ja::wareki::{self, Date};
use deid_kit::pipeline::anonymize;
use deid_kit::preset::{suggest, Preset};
use deid_kit::{Policy, Session, SessionOptions};

use crate::files::{load_key, write_secret, Output};

/// Bytes read from the start of a file to suggest its policy.
pub(crate) const SUGGEST_BYTES: u64 = 256 * 1024;

pub(crate) enum PolicySource<'a> {
    File(&'a Path),
    Preset(Preset, Date),
}

pub(crate) fn parse_preset(name: &str) -> Result<Preset, String> {
    Preset::from_name(name).ok_or_else(|| format!("unknown preset {name:?}: use kamei or tokumei"))
}

/// The reference date: given, or today (UTC).
pub(crate) fn reference(given: Option<&str>) -> Result<Date, String> {
    match given {
        Some(text) => wareki::parse(text).map_err(|e| format!("--reference-date: {e}")),
        None => {
            let days = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs()
                / 86_400;
            Date::from_days_since_epoch(days as i64).ok_or_else(|| "bad system clock".into())
        }
    }
}

pub(crate) fn apply(
    source: PolicySource<'_>,
    key: Option<&Path>,
    input: &Path,
    out: Option<&Path>,
    report: Option<&Path>,
    opt_out: Option<&Path>,
    tokens: Option<&Path>,
) -> Result<(), String> {
    let mut reader: Box<dyn Read> = if input == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(input).map_err(|e| format!("{}: {e}", input.display()))?)
    };
    // With a preset, the first bytes are read to suggest the policy, then fed to the session.
    let mut head = Vec::new();
    let policy_doc = match source {
        PolicySource::File(path) => load_policy(path)?,
        PolicySource::Preset(preset, today) => {
            (&mut reader)
                .take(SUGGEST_BYTES)
                .read_to_end(&mut head)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            suggest(&head, preset, today).map_err(|e| format!("{}: {e}", input.display()))?
        }
    };
    if tokens.is_none() && policy_doc.token_length().is_some() {
        return Err("the policy tokenizes: pass --tokens FILE for the correspondence table".into());
    }
    let key = key.map(load_key).transpose()?;
    let mut options = SessionOptions {
        opt_out: opt_out.map(read_id_list).transpose()?.unwrap_or_default(),
        ..SessionOptions::default()
    };
    if policy_doc.needs_scan() {
        // 匿名加工 takes two passes: statistics of the quasi-identifiers, then the output; FHIR
        // too: the patients (identities, opt-outs) first, wherever their Patient resources are.
        if input == Path::new("-") {
            return Err(
                "an anonymizing (privacy) or FHIR policy reads the input twice: give a file, not stdin"
                    .into(),
            );
        }
        let started = std::time::Instant::now();
        let mut scan =
            Session::scan(&policy_doc, key.as_ref(), options.clone()).map_err(|e| e.to_string())?;
        let mut first = File::open(input).map_err(|e| format!("{}: {e}", input.display()))?;
        let mut buf = vec![0u8; 1 << 20];
        let mut ignored = Vec::new();
        loop {
            let n = first
                .read(&mut buf)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                break;
            };
            scan.push_into(chunk, &mut ignored)
                .map_err(|e| e.to_string())?;
        }
        let mut scanned = scan
            .finish()
            .map_err(|e| e.to_string())?
            .scanned
            .ok_or("the first pass found no quasi-identifiers")?;
        if let Some(patients) = scanned.patients.take() {
            options.patients = Some(std::sync::Arc::new(patients));
        }
        if policy_doc.privacy.is_some() {
            let anonymized = anonymize(&policy_doc, scanned).map_err(|e| e.to_string())?;
            eprintln!(
            "anonymization: levels {:?}, {} {} suppressed, {} classes, {} of {} transformations checked in {:.2} s",
            anonymized.solution.levels,
            anonymized.solution.suppressed,
            // On FHIR the unit of k-anonymity is the patient.
            if policy_doc.is_fhir() { "patients" } else { "rows" },
            anonymized.solution.classes,
            anonymized.solution.checked,
            anonymized.solution.lattice,
            started.elapsed().as_secs_f64()
        );
            options.anonymization = Some(std::sync::Arc::new(anonymized));
        }
    }
    let mut session =
        Session::new(&policy_doc, key.as_ref(), options).map_err(|e| e.to_string())?;
    let mut sink = match out {
        Some(path) => Output::create(path)?,
        None => Output::Discard,
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut produced = Vec::with_capacity(2 << 20);
    let run = (|| -> Result<deid_kit::Finished, String> {
        session
            .push_into(&head, &mut produced)
            .map_err(|e| e.to_string())?;
        sink.write(&produced)?;
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                break;
            };
            produced.clear();
            session
                .push_into(chunk, &mut produced)
                .map_err(|e| e.to_string())?;
            sink.write(&produced)?;
        }
        let done = session.finish().map_err(|e| e.to_string())?;
        sink.write(&done.tail)?;
        Ok(done)
    })();
    let done = match run {
        Ok(done) => done,
        Err(e) => {
            sink.abandon();
            return Err(e);
        }
    };
    if let (Some(path), Some(table)) = (tokens, &done.tokens) {
        write_secret(path, table, true)?;
    }
    sink.commit()?;
    let r = &done.report;
    if let Some(path) = report {
        let json = serde_json::to_string_pretty(r).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let suppressed = if policy_doc.privacy.is_some() {
        format!(", suppressed {}", r.rows.suppressed)
    } else {
        String::new()
    };
    let unit = if r.fhir.is_some() {
        "resources"
    } else {
        "rows"
    };
    eprintln!(
        "{unit} in {}, out {}, rejected {}, opted out {}{suppressed}{}",
        r.rows.rows_in,
        r.rows.rows_out,
        r.rows.rejected,
        r.rows.opted_out,
        if r.warnings.is_empty() {
            String::new()
        } else {
            format!("; {} warnings (see the report)", r.warnings.len())
        }
    );
    Ok(())
}

/// Reads a policy file and puts the hierarchy files it names inline (paths relative to it).
pub(crate) fn load_policy(path: &Path) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut policy = Policy::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    policy
        .inline_hierarchies(|name| {
            let file = dir.join(name);
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
        })
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(policy)
}

/// An opt-out list: one patient ID per line, UTF-8 or Shift_JIS; blank lines ignored.
pub(crate) fn read_id_list(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let detected =
        encoding::detect(&bytes, true).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    detected
        .encoding
        .decode_into(bytes.get(detected.bom..).unwrap_or_default(), &mut text)
        .map_err(|at| {
            format!(
                "{}: byte {at} is not valid {}",
                path.display(),
                detected.encoding.name()
            )
        })?;
    Ok(text
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}
