//! What goes out to partners (design.md, "What goes out to partners"): every partner-facing
//! message once, in commit order, each carrying only its own claim's and partner's data.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::event::{AuditEvent, EventKind};
use crate::domain::{Status, Visibility};

/// What a message tells the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    /// A reviewer's partner-visible comment.
    Comment,
    /// A request for more information; the partner has until `reply_due_at` to answer.
    InfoRequest,
    /// A decision (or a lead's change of one) with its partner-visible reason.
    Decision,
    /// A disputed decision decided again: upheld or overturned.
    DisputeOutcome,
}

/// One outbox line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    /// Strictly increasing in commit order: the audit event's id (a consumer's cursor).
    pub seq: i64,
    /// Stable across reads: the same message always has the same id.
    pub message_id: String,
    pub kind: OutboxKind,
    pub claim_id: String,
    pub mpn_id: String,
    pub at: DateTime<Utc>,
    pub body: String,
    /// The claim's status after the message.
    pub status: Status,
    /// A decision's outcome (`approved`, `rejected`) or a dispute's (`upheld`, `overturned`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// An information request's answer deadline (filled in from the SLA policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_due_at: Option<DateTime<Utc>>,
}

impl OutboxMessage {
    /// The message an audit event sends to the claim's partner (`mpn_id`), if it sends one.
    /// Internal comments, holds, imports and the partner's own acts send nothing; a re-decision
    /// of a dispute goes out once, as its outcome.
    pub fn from_event(event: &AuditEvent, mpn_id: &str) -> Option<OutboxMessage> {
        let claim_id = event.claim_id.clone()?;
        let (kind, body, status, outcome) = match &event.kind {
            EventKind::Commented {
                visibility: Visibility::Partner,
                body,
            } => (OutboxKind::Comment, body.clone(), None, None),
            EventKind::InfoRequested { body, .. } => (
                OutboxKind::InfoRequest,
                body.clone(),
                Some(Status::InfoRequested),
                None,
            ),
            EventKind::Decided { from, .. } if *from == Status::Disputed => return None,
            EventKind::Decided {
                outcome, reason, ..
            }
            | EventKind::Overridden {
                outcome, reason, ..
            } => (
                OutboxKind::Decision,
                reason.clone(),
                Some(Status::decided(*outcome)),
                Some(outcome.code().to_string()),
            ),
            EventKind::DisputeResolved {
                outcome,
                decision,
                reason,
                ..
            } => (
                OutboxKind::DisputeOutcome,
                reason.clone(),
                Some(Status::decided(*decision)),
                Some(outcome.code().to_string()),
            ),
            _ => return None,
        };
        Some(OutboxMessage {
            seq: event.id,
            message_id: format!("claimdesk-{}", event.id),
            kind,
            claim_id,
            mpn_id: mpn_id.to_string(),
            at: event.at,
            body,
            // A comment leaves the status as it was: the store fills it in.
            status: status.unwrap_or(Status::UnderReview),
            outcome,
            reply_due_at: None,
        })
    }

    /// Whether the message's status must be read from the claim (a comment changes none).
    pub fn status_from_claim(&self) -> bool {
        self.kind == OutboxKind::Comment
    }
}
