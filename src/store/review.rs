//! Reviewing writes: comments, information requests, decisions, holds, reviewers and drafts.
//!
//! The rules every backend applies inside its write transaction live here, so SQLite and
//! PostgreSQL refuse exactly the same things: a stale version, a claim someone else holds, a
//! transition the lifecycle forbids, a second approval for one customer and product, and
//! lead-only acts (override, reassign, managing reviewers) by a plain reviewer.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::StoreError;
use crate::domain::{DecisionOutcome, Status, Visibility};

/// The claim and the version the reviewer saw when they chose to act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seen {
    pub claim_id: String,
    pub version: i64,
}

/// One claim's part of a decision (approve one party and reject the others in one call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    pub seen: Seen,
    pub outcome: DecisionOutcome,
    pub reason: String,
}

/// A request for more information on one claim: a partner-visible comment, and the claim waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoRequest {
    pub seen: Seen,
    pub body: String,
}

/// What a reviewer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    /// Decides what is assigned to them or what they pick from the queue.
    Reviewer,
    /// Also reassigns held work, overrides decisions and manages reviewers.
    Lead,
}

impl Role {
    /// The stored spelling.
    pub fn code(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Lead => "lead",
        }
    }

    /// Parses the stored spelling.
    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "reviewer" => Some(Role::Reviewer),
            "lead" => Some(Role::Lead),
            _ => None,
        }
    }
}

/// A person who may work the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// The person behind a write, as the store resolved them inside the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub role: Role,
    /// No reviewer is registered yet: single-reviewer mode, everyone acts as a lead.
    pub open_mode: bool,
}

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

/// The status a decision leaves a claim in.
pub(crate) fn status_of(outcome: DecisionOutcome) -> Status {
    match outcome {
        DecisionOutcome::Approved => Status::Approved,
        DecisionOutcome::Rejected => Status::Rejected,
        DecisionOutcome::Withdrawn => Status::Withdrawn,
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

/// The default hold: 30 minutes, renewed while the reviewer is active on the claim.
pub const DEFAULT_LEASE: TimeDelta = TimeDelta::minutes(30);

/// An editor draft kept in the store so a dropped SSH connection loses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub key: String,
    pub visibility: Visibility,
    pub body: String,
    pub saved_at: DateTime<Utc>,
}

/// JSON for an audit event's before/after column.
pub(crate) fn json(value: serde_json::Value) -> Option<String> {
    Some(value.to_string())
}
