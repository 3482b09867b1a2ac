//! What the CLI writes and reads besides the data: outputs written under a temporary name and
//! renamed when complete, the key file, and files that hold secrets (created, never overwritten
//! unless asked).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use deid_kit::SiteKey;

/// The output file, written under a temporary name and renamed only when the run succeeds.
pub(crate) enum Output {
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
    pub(crate) fn create(path: &Path) -> Result<Output, String> {
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

    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
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

    pub(crate) fn commit(self) -> Result<(), String> {
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

    pub(crate) fn abandon(self) {
        if let Output::File { temp, .. } = self {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// For writers of the core that take `impl Write` (the MS-compatible FHIR stream).
impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Discard => Ok(bytes.len()),
            Output::Stdout(s) => s.lock().write(bytes),
            Output::File { file, .. } => file.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Discard => Ok(()),
            Output::Stdout(s) => s.lock().flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}

pub(crate) fn load_key(path: &Path) -> Result<SiteKey, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    SiteKey::from_file(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes a secret file readable by its owner only, refusing to replace one unless `force`.
pub(crate) fn write_secret(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
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
