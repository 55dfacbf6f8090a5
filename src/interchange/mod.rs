//! The interchange contract (design.md, "Interchange"): JSON Lines in, JSON Lines or CSV out.
//!
//! Other tools and the tests rely on it, so it is checked strictly: an import either validates
//! completely or writes nothing and names every problem as `LINE:FIELD: message`. Exports are
//! written from serde structs with a fixed field order, so both backends give the same bytes.
//! Pure code: no SQL, no async; the CLI feeds it the store's pages.

pub mod export;
pub mod import;
mod strict_json;

pub use export::{ExportFormat, ExportWriter};
pub use import::{parse_reader, parse_str};

use std::fmt;

/// One thing wrong with an import file, located by line and field so it can be fixed by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number in the file.
    pub line: usize,
    /// A dotted path to the field (`customer.tenant_id`, `poe[1].date`, 0-based indexes), `json`
    /// for a line that is not JSON, `type` for a missing or unknown line type.
    pub field: String,
    pub message: String,
}

impl Problem {
    /// A problem with `field` on `line`.
    pub fn new(line: usize, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            line,
            field: field.into(),
            message: message.into(),
        }
    }

    /// The store refused a claim id it already holds (`StoreError::ClaimsExist`).
    pub fn already_stored(line: usize) -> Self {
        Problem::new(line, "claim_id", "claim id already stored")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.field, self.message)
    }
}
