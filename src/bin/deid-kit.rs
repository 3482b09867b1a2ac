//! The native CLI: file I/O, argument parsing and exit codes over the core. No logic of its own.

use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use deid_kit::action::tokenize;
use deid_kit::format::encoding;
use deid_kit::ja::normalize::Options;
use deid_kit::ja::wareki::{self, Date};
use deid_kit::pipeline::anonymize;
use deid_kit::preset::{suggest, Preset};
use deid_kit::{pseudonym, Policy, Pseudonymizer, Session, SessionOptions, SiteKey};

#[derive(Parser)]
#[command(
    name = "deid-kit",
    version,
    about = "De-identify Japanese medical records on site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site key file (keep it on site; losing it breaks linkage).
    Keygen {
        /// Where to write the key file.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing file (its pseudonyms can then never be recomputed).
        #[arg(long)]
        force: bool,
    },
    /// Print the fingerprint of a key file.
    Fingerprint {
        #[arg(long)]
        key: PathBuf,
    },
    /// Print the keyed pseudonym of each VALUE (or of each line of stdin), one per line.
    Pseudonym {
        #[arg(long)]
        key: PathBuf,
        /// Characters per pseudonym (8 to 51).
        #[arg(long, default_value_t = pseudonym::DEFAULT_LENGTH)]
        length: usize,
        /// Fold values as person names (kana, spaces, variant kanji).
        #[arg(long)]
        name: bool,
        values: Vec<String>,
    },
    /// Suggest a policy for a file under a preset and print it (JSON).
    Suggest {
        /// kamei (仮名加工) or tokumei (匿名加工).
        #[arg(long)]
        preset: String,
        /// The day ages are computed at (default: today).
        #[arg(long)]
        reference_date: Option<String>,
        /// The input CSV.
        input: PathBuf,
    },
    /// De-identify a CSV file or a FHIR export (NDJSON, Bundle) with a policy (or a preset),
    /// streaming.
    Apply {
        /// The policy (JSON).
        #[arg(long, required_unless_present = "preset", conflicts_with = "preset")]
        policy: Option<PathBuf>,
        /// Suggest the policy from the input under this preset (kamei or tokumei) and apply it.
        #[arg(long)]
        preset: Option<String>,
        /// The day ages are computed at, with --preset (default: today).
        #[arg(long)]
        reference_date: Option<String>,
        /// The site key file (needed when the policy pseudonymizes, tokenizes or shifts dates).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Input CSV, or - for stdin.
        #[arg(long = "in")]
        input: PathBuf,
        /// Output CSV, or - for stdout. Written to a temporary file and renamed when complete,
        /// so a failed run never leaves a partial output.
        #[arg(long)]
        out: PathBuf,
        /// Where to write the report (JSON).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Patient IDs that opted out (提供停止), one per line.
        #[arg(long)]
        opt_out: Option<PathBuf>,
        /// Where to write the encrypted correspondence table (required when the policy tokenizes).
        #[arg(long)]
        tokens: Option<PathBuf>,
    },
    /// Measure re-identification risk under an anonymizing policy (before and after its
    /// generalization) and print it as JSON; writes no data.
    Risk {
        /// The policy (JSON) with a privacy model.
        #[arg(long)]
        policy: PathBuf,
        /// The site key file, if the policy needs one.
        #[arg(long)]
        key: Option<PathBuf>,
        /// The input CSV.
        input: PathBuf,
    },
    /// Decrypt a correspondence table (対応表) on site and print it as CSV.
    Tokens {
        #[arg(long)]
        key: PathBuf,
        /// The table written by `apply --tokens`.
        #[arg(long = "in")]
        input: PathBuf,
        /// Where to write the CSV (default: stdout).
        #[arg(long, default_value = "-")]
        out: PathBuf,
    },
    /// Microsoft FHIR anonymizer compatibility mode: apply an MS configuration file to NDJSON
    /// (line by line; bad lines reported and skipped) or to one resource/Bundle (`.json`).
    MsFhir {
        /// The MS configuration (fhirPathRules, parameters).
        #[arg(long)]
        config: PathBuf,
        #[arg(long = "in")]
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// "Today" for MS's age-over-89 rule (default: today, UTC).
        #[arg(long)]
        today: Option<String>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("deid-kit: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Keygen { out, force } => {
            let key = SiteKey::generate().map_err(|e| e.to_string())?;
            write_secret(&out, &key.to_file(), force)?;
            println!(
                "wrote {} (fingerprint {})",
                out.display(),
                key.fingerprint()
            );
            println!("Keep this file on site and never upload it. 院内で保管し、アップロードしないこと。");
            Ok(())
        }
        Command::Fingerprint { key } => {
            println!("{}", load_key(&key)?.fingerprint());
            Ok(())
        }
        Command::Pseudonym {
            key,
            length,
            name,
            values,
        } => {
            let p = Pseudonymizer::new(
                &load_key(&key)?,
                length,
                Options {
                    name,
                    ..Options::default()
                },
            )
            .map_err(|e| e.to_string())?;
            let mut out = std::io::stdout().lock();
            let mut emit = |v: &str| writeln!(out, "{}", p.pseudonym(v)).map_err(|e| e.to_string());
            if values.is_empty() {
                for line in std::io::stdin().lock().lines() {
                    emit(&line.map_err(|e| format!("stdin: {e}"))?)?;
                }
            } else {
                values.iter().try_for_each(|v| emit(v))?;
            }
            Ok(())
        }
        Command::Suggest {
            preset,
            reference_date,
            input,
        } => {
            let preset = parse_preset(&preset)?;
            let today = reference(reference_date.as_deref())?;
            let mut sample = Vec::new();
            File::open(&input)
                .and_then(|f| f.take(SUGGEST_BYTES).read_to_end(&mut sample))
                .map_err(|e| format!("{}: {e}", input.display()))?;
            let policy = suggest(&sample, preset, today).map_err(|e| e.to_string())?;
            println!("{}", policy.to_json());
            Ok(())
        }
        Command::Apply {
            policy,
            preset,
            reference_date,
            key,
            input,
            out,
            report,
            opt_out,
            tokens,
        } => apply(
            match (&policy, &preset) {
                (Some(path), _) => PolicySource::File(path),
                (None, Some(name)) => {
                    PolicySource::Preset(parse_preset(name)?, reference(reference_date.as_deref())?)
                }
                (None, None) => return Err("pass --policy FILE or --preset kamei|tokumei".into()),
            },
            key.as_deref(),
            &input,
            Some(&out),
            report.as_deref(),
            opt_out.as_deref(),
            tokens.as_deref(),
        ),
        Command::Risk { policy, key, input } => {
            let dir = std::env::temp_dir().join(format!("deid-kit-risk-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let report = dir.join("report.json");
            let result = apply(
                PolicySource::File(&policy),
                key.as_deref(),
                &input,
                None,
                Some(&report),
                None,
                None,
            );
            let text = std::fs::read_to_string(&report);
            let _ = std::fs::remove_dir_all(&dir);
            result?;
            let json: serde_json::Value = serde_json::from_str(&text.map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
            let summary = serde_json::json!({
                "rows": json["rows"],
                "anonymization": json["anonymization"],
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Tokens { key, input, out } => {
            let key = load_key(&key)?;
            let file = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let table =
                tokenize::open(&file, &key).map_err(|e| format!("{}: {e}", input.display()))?;
            let mut sink = Output::create(&out)?;
            sink.write(&table)?;
            sink.commit()
        }
        Command::MsFhir {
            config,
            input,
            out,
            today,
        } => {
            use deid_kit::fhir::ms;
            let mut settings = ms::MsSettings::new(reference(today.as_deref())?);
            let name = |p: Option<&Path>| p.map(|n| n.to_string_lossy().into_owned());
            settings.file_name = name(input.file_name().map(Path::new));
            settings.folder_name = name(input.parent().and_then(Path::file_name).map(Path::new));
            let text = std::fs::read_to_string(&config)
                .map_err(|e| format!("{}: {e}", config.display()))?;
            let ms = ms::Anonymizer::from_config(&text, settings)?;
            let file = File::open(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let mut reader = std::io::BufReader::new(file);
            let created = File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let mut writer = std::io::BufWriter::new(created);
            if input.extension().is_some_and(|e| e == "json") {
                let mut bytes = Vec::new();
                reader
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("{}: {e}", input.display()))?;
                let json = ms::anonymize_document(&ms, &bytes)
                    .map_err(|e| format!("{}: {e}", input.display()))?;
                writeln!(writer, "{json}")
                    .and_then(|()| writer.flush())
                    .map_err(|e| format!("{}: {e}", out.display()))
            } else {
                let summary = ms::anonymize_ndjson(&ms, reader, &mut writer)?;
                for (line, reason) in &summary.rejected {
                    eprintln!(
                        "deid-kit: {}: line {line}: {reason} (skipped)",
                        input.display()
                    );
                }
                eprintln!(
                    "ms-fhir: {} resources in, {} written, {} rejected",
                    summary.lines_in,
                    summary.written,
                    summary.rejected.len()
                );
                Ok(())
            }
        }
    }
}

/// Bytes read from the start of a file to suggest its policy.
const SUGGEST_BYTES: u64 = 256 * 1024;

enum PolicySource<'a> {
    File(&'a Path),
    Preset(Preset, Date),
}

fn parse_preset(name: &str) -> Result<Preset, String> {
    Preset::from_name(name).ok_or_else(|| format!("unknown preset {name:?}: use kamei or tokumei"))
}

/// The reference date: given, or today (UTC).
fn reference(given: Option<&str>) -> Result<Date, String> {
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

fn apply(
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
    if tokens.is_none()
        && policy_doc
            .columns
            .values()
            .any(|a| a.token_length().is_some())
    {
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
fn load_policy(path: &Path) -> Result<Policy, String> {
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

/// The output file, written under a temporary name and renamed only when the run succeeds.
enum Output {
    /// Nothing is kept (the `risk` command).
    Discard,
    Stdout(std::io::Stdout),
    File {
        file: std::io::BufWriter<File>,
        temp: PathBuf,
        path: PathBuf,
    },
}

impl Output {
    fn create(path: &Path) -> Result<Output, String> {
        if path == Path::new("-") {
            return Ok(Output::Stdout(std::io::stdout()));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.partial"));
        let file = File::create(&temp).map_err(|e| format!("{}: {e}", temp.display()))?;
        Ok(Output::File {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            temp,
            path: path.to_owned(),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Output::Discard => Ok(()),
            Output::Stdout(s) => s
                .lock()
                .write_all(bytes)
                .map_err(|e| format!("stdout: {e}")),
            Output::File { file, temp, .. } => file
                .write_all(bytes)
                .map_err(|e| format!("{}: {e}", temp.display())),
        }
    }

    fn commit(self) -> Result<(), String> {
        match self {
            Output::Discard => Ok(()),
            Output::Stdout(s) => s.lock().flush().map_err(|e| format!("stdout: {e}")),
            Output::File { file, temp, path } => {
                let file = file
                    .into_inner()
                    .map_err(|e| format!("{}: {e}", temp.display()))?;
                file.sync_all()
                    .map_err(|e| format!("{}: {e}", temp.display()))?;
                std::fs::rename(&temp, &path).map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }

    fn abandon(self) {
        if let Output::File { temp, .. } = self {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// An opt-out list: one patient ID per line, UTF-8 or Shift_JIS; blank lines ignored.
fn read_id_list(path: &Path) -> Result<Vec<String>, String> {
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

fn load_key(path: &Path) -> Result<SiteKey, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    SiteKey::from_file(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes a secret file readable by its owner only, refusing to replace one unless `force`.
fn write_secret(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} exists; pass --force to replace it (pseudonyms made with the old key cannot be recomputed)",
            path.display()
        ),
        _ => format!("{}: {e}", path.display()),
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))
}
