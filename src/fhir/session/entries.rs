//! A Bundle run: its shell (the Bundle's own members) through the rules as a `Bundle`
//! resource, each entry's resource de-identified and its `fullUrl` and `request.url`
//! rewritten like references.

use serde_json::{Map, Value};

use super::resource::parse;
use super::{Engine, Fate, Mode};
use crate::error::{Error, Result};
use crate::fhir::links;
use crate::fhir::walk::Walk;
use crate::format::bundle::{self, Part};
use crate::policy::OnInvalid;
use crate::pseudonym::Pseudonymizer;
use crate::scrub::Identity;

impl Engine {
    pub(super) fn part(
        &mut self,
        part: Part<'_>,
        writer: &mut bundle::Writer,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let scanning = matches!(self.mode, Mode::Scan);
        match part {
            Part::Head { bytes, complete } => {
                if scanning {
                    return Ok(());
                }
                let shell = self.shell(&bundle::shell_object(bytes, true))?;
                writer.head(&shell, out);
                if complete {
                    writer.tail(b"{}", out);
                    out.extend_from_slice(self.terminator);
                } else {
                    writer.open_entries(out);
                }
            }
            Part::Entry { bytes, line, .. } => {
                self.rows.rows_in += 1;
                let (fate, entry) = match parse(bytes) {
                    Ok(Value::Object(entry)) => self.entry(entry),
                    Ok(_) => (
                        Fate::Rejected(None, "the entry is not an object".into()),
                        Map::new(),
                    ),
                    Err(reason) => (Fate::Rejected(None, reason), Map::new()),
                };
                if let Some(resource) = self.account(fate, line) {
                    let mut entry = entry;
                    entry.insert("resource".into(), resource);
                    self.scratch.clear();
                    if serde_json::to_writer(&mut self.scratch, &entry).is_ok() {
                        writer.entry(&self.scratch, out);
                    }
                }
            }
            Part::Tail(bytes) => {
                if scanning {
                    return Ok(());
                }
                let shell = self.shell(&bundle::shell_object(bytes, false))?;
                writer.tail(&shell, out);
                out.extend_from_slice(self.terminator);
            }
        }
        Ok(())
    }

    /// The Bundle's own members, through the rules as a `Bundle` resource.
    fn shell(&mut self, object: &[u8]) -> Result<Vec<u8>> {
        let mut value: Value = serde_json::from_slice(object).map_err(|e| {
            Error::input(format!(
                "the Bundle is not valid JSON (column {})",
                e.column()
            ))
        })?;
        if let Some(kind) = value.get("resourceType") {
            if kind.as_str() != Some("Bundle") {
                return Err(Error::input(
                    "input.format is bundle but the file's resourceType is not Bundle",
                ));
            }
        }
        let decided = self.rules.decide(&value, "Bundle");
        if let Value::Object(map) = &mut value {
            let no_one = Identity::new();
            let mut walk = Walk::new(
                &self.rules,
                &decided,
                None,
                &mut self.tokens,
                &no_one,
                OnInvalid::Blank,
                &mut self.tally,
            );
            walk.resource(map, "Bundle")
                .map_err(|e| Error::input(format!("{}: {}", e.path, e.reason)))?;
        }
        serde_json::to_vec(&value).map_err(|e| Error::input(e.to_string()))
    }

    /// One Bundle entry: its resource de-identified, `fullUrl` and `request.url` rewritten like
    /// references, anything else (search, response) removed and counted.
    fn entry(&mut self, mut entry: Map<String, Value>) -> (Fate, Map<String, Value>) {
        let full_url = entry
            .get("fullUrl")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(resource) = entry.remove("resource") else {
            return (
                Fate::Rejected(None, "the entry has no resource".into()),
                entry,
            );
        };
        let fate = self.resource(resource, full_url.as_deref());
        let mut kept = Map::new();
        for (key, value) in entry {
            let rewritten = match (key.as_str(), &self.link) {
                ("fullUrl", Some(link)) => value
                    .as_str()
                    .map(|u| Value::String(links::rewrite(u, link))),
                ("request", Some(link)) => request(value, link),
                _ => None,
            };
            match rewritten {
                Some(value) => {
                    kept.insert(key, value);
                }
                None if !matches!(self.mode, Mode::Scan) => {
                    *self
                        .tally
                        .removed
                        .entry(format!("Bundle.entry.{key}"))
                        .or_insert(0) += 1;
                }
                None => {}
            }
        }
        // The resource goes back in its place when written (see `part`).
        (fate, kept)
    }
}

/// A transaction entry's request: the method kept, the URL rewritten like a reference.
fn request(value: Value, link: &Pseudonymizer) -> Option<Value> {
    let Value::Object(map) = value else {
        return None;
    };
    let mut kept = Map::new();
    if let Some(method) = map.get("method") {
        kept.insert("method".into(), method.clone());
    }
    if let Some(url) = map.get("url").and_then(Value::as_str) {
        let bare_type = url.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && url.chars().all(|c| c.is_ascii_alphanumeric());
        let url = if bare_type {
            url.to_owned()
        } else {
            links::rewrite(url, link)
        };
        kept.insert("url".into(), Value::String(url));
    }
    (!kept.is_empty()).then_some(Value::Object(kept))
}
