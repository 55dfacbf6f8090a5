//! What goes into the store in bulk: a validated import batch, who writes it and how it is audited.

use crate::domain::{Association, Claim, Mpn, Tenant};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Who writes, and how the write is recorded in the audit log.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The reviewer (or tool) making the change.
    pub actor: String,
    /// `PerClaim`: one `imported` event per claim; `Summary`: one event for a bulk load.
    pub mode: AuditMode,
}

/// How a bulk write appears in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditMode {
    /// One event per claim written (imports a person made).
    PerClaim,
    /// One event for the whole batch, with this description (synthetic data from `generate`).
    Summary(String),
}

/// A validated import, ready to write; `line` numbers are kept for error messages.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub claims: Vec<(usize, Claim)>,
    pub tenants: Vec<Tenant>,
    pub mpns: Vec<Mpn>,
    pub associations: Vec<Association>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub claims: usize,
    pub tenants: usize,
    pub mpns: usize,
    pub associations: usize,
}
