//! Reviewing writes: comments, information requests, decisions, holds, reviewers and drafts.
//!
//! The rules every backend applies inside its write transaction live here, so SQLite and
//! PostgreSQL refuse exactly the same things: a stale version, a claim someone else holds, a
//! transition the lifecycle forbids, a second approval for one customer and product, and
//! lead-only acts (override, reassign, managing reviewers) by a plain reviewer.

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::Status;
pub use crate::model::{Actor, DecisionRequest, Draft, InfoRequest, Reviewer, Role, Seen};

impl Actor {
    /// Resolves `login` from its reviewers row (if any) and the number of registered reviewers.
    pub(crate) fn resolve(
        login: &str,
        row: Option<(String, bool)>,
        registered: i64,
    ) -> Result<Actor, StoreError> {
        if registered == 0 {
            return Ok(Actor {
                login: login.to_string(),
                role: Role::Lead,
                open_mode: true,
            });
        }
        match row {
            Some((role, true)) => Ok(Actor {
                login: login.to_string(),
                role: Role::from_code(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
                open_mode: false,
            }),
            Some((_, false)) => Err(StoreError::NotAllowed(format!(
                "reviewer {login} is deactivated; ask a lead"
            ))),
            None => Err(StoreError::NotAllowed(format!(
                "{login} is not a registered reviewer; a lead can add you with `claimdesk reviewer add {login}`"
            ))),
        }
    }

    /// Refuses lead-only acts by a plain reviewer.
    pub(crate) fn require_lead(&self, what: &str) -> Result<(), StoreError> {
        if self.role == Role::Lead {
            Ok(())
        } else {
            Err(StoreError::NotAllowed(format!(
                "only a lead may {what} ({} is a reviewer)",
                self.login
            )))
        }
    }
}

/// A claim's state as read (and locked) inside a write transaction.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    pub claim_id: String,
    pub status: Status,
    pub version: i64,
    pub assigned_to: Option<String>,
    pub held_until: Option<DateTime<Utc>>,
}

impl Current {
    /// Who holds the claim now, if anyone (an expired lease holds nothing).
    pub fn holder(&self, now: DateTime<Utc>) -> Option<&str> {
        match (&self.assigned_to, self.held_until) {
            (Some(who), Some(until)) if until > now => Some(who.as_str()),
            _ => None,
        }
    }

    /// Refuses to act on a claim another reviewer holds, unless the actor is a lead.
    pub fn check_hold(&self, actor: &Actor, now: DateTime<Utc>) -> Result<(), StoreError> {
        match self.holder(now) {
            Some(who) if who != actor.login && actor.role != Role::Lead => Err(StoreError::Held {
                claim_id: self.claim_id.clone(),
                by: who.to_string(),
                until: self
                    .held_until
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
            }),
            _ => Ok(()),
        }
    }

    /// Refuses a move the lifecycle does not allow.
    pub fn check_transition(&self, to: Status) -> Result<(), StoreError> {
        if self.status.can_become(to) {
            Ok(())
        } else {
            Err(StoreError::Transition {
                claim_id: self.claim_id.clone(),
                from: self.status.code().to_string(),
                to: to.code().to_string(),
            })
        }
    }
}

/// A decision needs a reason; a comment needs a body.
pub(crate) fn require_text(what: &str, text: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        Err(StoreError::Invalid(format!("{what} is empty")))
    } else {
        Ok(())
    }
}

/// An audit event's kind from its stored columns (an unknown kind is unreadable data).
pub(crate) fn event_kind(
    code: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<crate::model::EventKind, StoreError> {
    crate::model::EventKind::from_columns(code, before.as_deref(), after.as_deref())
        .map_err(StoreError::Corrupt)
}
