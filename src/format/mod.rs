//! Bytes in and out: text encodings, the CSV syntax, NDJSON lines and streamed FHIR Bundles.
//! Knows nothing of policies or actions.

pub mod bundle;
pub mod csv;
pub mod encoding;
pub mod ndjson;
