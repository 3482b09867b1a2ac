//! The native CLI: file I/O, argument parsing and exit codes over the core. No logic of its own.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use deid_kit::ja::normalize::Options;
use deid_kit::{pseudonym, Pseudonymizer, SiteKey};

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
            let p = Pseudonymizer::new(&load_key(&key)?, length, Options { name })
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
    }
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
