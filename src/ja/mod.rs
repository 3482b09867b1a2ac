//! The Japanese layer: text normalization for matching and pseudonym input.

pub mod normalize;
