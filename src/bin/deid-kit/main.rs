//! The native CLI: file I/O, argument parsing and exit codes over the core. No logic of its own.
//! This file holds the arguments and the dispatch; `apply` runs a policy over a file, `files` the
//! outputs written under a temporary name and the key file, `ms_fhir` Microsoft's configuration.

use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod apply;
mod files;
mod ms_fhir;

use apply::{apply, parse_preset, reference, PolicySource, SUGGEST_BYTES};
use deid_kit::action::tokenize;
use deid_kit::ja::normalize::Options;
use deid_kit::preset::suggest;
use deid_kit::{pseudonym, Pseudonymizer, SiteKey};
use files::{load_key, write_secret, Output};

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
        } => ms_fhir::run(&config, &input, &out, reference(today.as_deref())?),
    }
}
