//! What goes into the store in bulk: a validated import batch, who writes it and how it is audited.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::{Association, Claim, Mpn, PoeItem, Tenant};

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
    /// The partner feed's lines (`reply`, `withdrawal`, `dispute`), applied after the claims.
    pub feed: Vec<(usize, FeedLine)>,
    /// The rules the feed is held to.
    pub policy: FeedPolicy,
}

/// What the partner feed is held to (config `[disputes]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPolicy {
    /// A decision may be disputed for this many calendar days after it (default 30).
    pub dispute_window_days: u32,
}

impl Default for FeedPolicy {
    fn default() -> Self {
        FeedPolicy {
            dispute_window_days: 30,
        }
    }
}

/// One line of the partner-facing system's feed (design.md, "What comes back from partners").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedLine {
    /// The partner answers: a partner-visible comment, its PoE appended; a claim waiting on the
    /// partner goes back under review.
    Reply {
        claim_id: String,
        reply_id: String,
        at: DateTime<Utc>,
        body: String,
        poe: Vec<PoeItem>,
    },
    /// The partner withdraws an undecided claim.
    Withdrawal {
        claim_id: String,
        at: DateTime<Utc>,
        reason: Option<String>,
    },
    /// The partner disputes a decision within the window.
    Dispute {
        claim_id: String,
        dispute_id: String,
        at: DateTime<Utc>,
        body: String,
    },
}

impl FeedLine {
    /// The line type, as in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            FeedLine::Reply { .. } => "reply",
            FeedLine::Withdrawal { .. } => "withdrawal",
            FeedLine::Dispute { .. } => "dispute",
        }
    }

    /// The claim it is about.
    pub fn claim_id(&self) -> &str {
        match self {
            FeedLine::Reply { claim_id, .. }
            | FeedLine::Withdrawal { claim_id, .. }
            | FeedLine::Dispute { claim_id, .. } => claim_id,
        }
    }

    /// What makes it unique: the reply or dispute id; a claim is withdrawn once.
    pub fn line_id(&self) -> &str {
        match self {
            FeedLine::Reply { reply_id, .. } => reply_id,
            FeedLine::Withdrawal { claim_id, .. } => claim_id,
            FeedLine::Dispute { dispute_id, .. } => dispute_id,
        }
    }

    /// The id field's name, for error messages.
    pub fn id_field(&self) -> &'static str {
        match self {
            FeedLine::Reply { .. } => "reply_id",
            FeedLine::Withdrawal { .. } => "claim_id",
            FeedLine::Dispute { .. } => "dispute_id",
        }
    }

    /// When the partner sent it.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            FeedLine::Reply { at, .. }
            | FeedLine::Withdrawal { at, .. }
            | FeedLine::Dispute { at, .. } => *at,
        }
    }

    /// Its content as canonical JSON (keys sorted, times in UTC microseconds): a replayed line
    /// compares equal, a line with the same id and other content does not.
    pub fn content(&self) -> String {
        let at = self
            .at()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let value = match self {
            FeedLine::Reply {
                claim_id,
                reply_id,
                body,
                poe,
                ..
            } => json!({
                "claim_id": claim_id, "reply_id": reply_id, "at": at, "body": body,
                "poe": poe.iter().map(|p| json!({
                    "kind": p.kind, "date": p.date.to_string(), "summary": p.summary,
                    "by": p.by, "attachment": p.attachment,
                })).collect::<Vec<_>>(),
            }),
            FeedLine::Withdrawal {
                claim_id, reason, ..
            } => json!({ "claim_id": claim_id, "at": at, "reason": reason }),
            FeedLine::Dispute {
                claim_id,
                dispute_id,
                body,
                ..
            } => json!({ "claim_id": claim_id, "dispute_id": dispute_id, "at": at, "body": body }),
        };
        value.to_string()
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub claims: usize,
    pub tenants: usize,
    pub mpns: usize,
    pub associations: usize,
    /// Feed lines applied now (replies, withdrawals, disputes).
    pub feed: usize,
    /// Feed lines already applied by an earlier import (replayed: nothing changed).
    pub replayed: usize,
}
