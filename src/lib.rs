//! deid-kit: de-identification of Japanese medical records, on site.
//!
//! A hospital pseudonymizes (仮名加工, kamei kakō) or anonymizes (匿名加工, tokumei kakō) its
//! exports under the Next Generation Medical Infrastructure Act (次世代医療基盤法) before anything
//! leaves the building. This crate is the pure Rust core; `src/wasm/` binds it for the browser and
//! Node, and `src/bin/deid-kit/` is the native CLI. All three give the same bytes for the same
//! input, policy and key.
//!
//! # Example
//! ```
//! use deid_kit::{Pseudonymizer, SiteKey, ja::normalize::Options};
//! let key = SiteKey::generate()?;
//! let file = key.to_file();                       // what `deid-kit keygen` writes
//! let key = SiteKey::from_file(&file)?;
//! let p = Pseudonymizer::new(&key, 16, Options::default())?;
//! assert_eq!(p.pseudonym("00012345"), p.pseudonym("０００１２３４５"));
//! # Ok::<(), deid_kit::Error>(())
//! ```
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]
#![forbid(unsafe_code)]

pub mod action;
pub mod anonymize;
pub mod detect;
pub mod error;
pub mod fhir;
pub mod format;
pub mod ja;
pub mod key;
pub mod pipeline;
pub mod policy;
pub mod preset;
pub mod preview;
pub mod pseudonym;
pub mod report;
pub mod scrub;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, ErrorKind, Position, Result};
pub use key::SiteKey;
pub use pipeline::{Finished, Session, SessionOptions};
pub use policy::Policy;
pub use pseudonym::Pseudonymizer;
pub use report::Report;

/// The kit's version, as written into reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
