//! `deid-kit ms-fhir`: Microsoft's FHIR anonymizer configuration over an NDJSON file or one JSON
//! document (a resource or a Bundle), in the MS-compatible mode of `deid_kit::fhir::ms`.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use deid_kit::fhir::ms;
use deid_kit::ja::wareki::Date;

use crate::files::Output;

/// Runs `config` over `input` into `out`, with `today` for age-dependent rules.
pub fn run(config: &Path, input: &Path, out: &Path, today: Date) -> Result<(), String> {
    let mut settings = ms::MsSettings::new(today);
    let name = |p: Option<&Path>| p.map(|n| n.to_string_lossy().into_owned());
    settings.file_name = name(input.file_name().map(Path::new));
    settings.folder_name = name(input.parent().and_then(Path::file_name).map(Path::new));
    let text = std::fs::read_to_string(config).map_err(|e| format!("{}: {e}", config.display()))?;
    let ms = ms::Anonymizer::from_config(&text, settings)?;
    // Written under a temporary name and renamed when complete, as `apply` does: a run that
    // fails half way leaves no partial output.
    let mut sink = Output::create(out)?;
    match write(&ms, input, &mut sink) {
        Ok(()) => sink.commit(),
        Err(e) => {
            sink.abandon();
            Err(e)
        }
    }
}

/// The anonymized `input` into `sink`: one JSON document (`.json`) or NDJSON, bad lines skipped
/// and reported on stderr.
fn write(ms: &ms::Anonymizer, input: &Path, sink: &mut Output) -> Result<(), String> {
    let file = File::open(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut reader = std::io::BufReader::new(file);
    if input.extension().is_some_and(|e| e == "json") {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {e}", input.display()))?;
        let json =
            ms::anonymize_document(ms, &bytes).map_err(|e| format!("{}: {e}", input.display()))?;
        return sink.write(format!("{json}\n").as_bytes());
    }
    let summary = ms::anonymize_ndjson(ms, reader, &mut *sink)?;
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
