//! Bytes in and out: text encodings and the CSV syntax. Knows nothing of policies or actions.

pub mod csv;
pub mod encoding;
