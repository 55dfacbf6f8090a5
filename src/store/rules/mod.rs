//! The review engine's rules, once for both databases: each write reads the current rows, then
//! one of these pure functions checks them and returns the [`WritePlan`] to apply, or the refusal.
//! Stale versions, holds, the lifecycle's transitions, one approval per customer and product, and
//! lead-only acts are all decided here, so SQLite and PostgreSQL refuse exactly the same things and
//! every rule is tested without a database (see `tests/`).
//!
//! By subject: `reviewers` (who acts), `import`, `review` (comments, requests), `decide`
//! (decisions, disputes, associations), `holds` (holds and assignment), `feed` (the partner
//! feed's lines).

mod decide;
mod feed;
mod holds;
mod import;
mod review;
mod reviewers;

use chrono::{DateTime, Utc};

use super::plan::{GroupKey, Write, WritePlan};
use super::StoreError;
use crate::domain::text::{self, TextKind};
use crate::domain::{DecisionOutcome, Status};
use crate::model::{Actor, Role, Seen};

pub(crate) use decide::{plan_decide, Contests};
pub(crate) use feed::{plan_feed, FeedClaim, FeedPlan};
pub(crate) use holds::{
    plan_assign, plan_release, plan_release_contest, plan_renew, plan_take, plan_take_contest,
    plan_take_next,
};
pub(crate) use import::{bulk_run, check_import};
pub(crate) use review::{plan_comment, plan_request_info, plan_start_review};
pub(crate) use reviewers::{
    check_identity, plan_add_key, plan_add_reviewer, plan_deactivate, plan_remove_key,
    require_reviewing, resolve_actor,
};

/// A claim's state as read (and locked) inside a write transaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Current {
    pub claim_id: String,
    pub status: Status,
    pub version: i64,
    pub assigned_to: Option<String>,
    pub held_until: Option<DateTime<Utc>>,
    /// Whom a lead assigned the claim to (kept when a hold ends).
    pub assignee: Option<String>,
    pub group: GroupKey,
    /// The claim's MPN and product as filed (what an approval associates).
    pub mpn_id: String,
    pub product: String,
    /// The claim's last audit event (who, when, what): how a stale write is explained.
    pub last_change: Option<(String, DateTime<Utc>, String)>,
    /// Since when the claim has been waiting on its partner (its open pause), if it is.
    pub waiting_since: Option<DateTime<Utc>>,
    /// The partner's latest dispute of a decision, with the decision it disputes.
    pub dispute: Option<OpenDispute>,
}

/// A dispute as a re-decision needs it: which one, and the disputed decision.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpenDispute {
    pub dispute_id: String,
    pub outcome: DecisionOutcome,
    pub decided_by: String,
}

impl Current {
    /// Who holds the claim now, if anyone (an expired lease holds nothing).
    pub fn holder(&self, now: DateTime<Utc>) -> Option<&str> {
        crate::model::holder(self.assigned_to.as_deref(), self.held_until, now)
    }

    /// Refuses a write on a version other than the one the reviewer saw.
    fn check_seen(&self, seen: &Seen) -> Result<(), StoreError> {
        if self.version == seen.version {
            return Ok(());
        }
        let (by, at, what) = match &self.last_change {
            Some((by, at, what)) => (
                by.clone(),
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                what.clone(),
            ),
            None => ("someone".into(), "an unknown time".into(), "changed".into()),
        };
        Err(StoreError::Stale {
            claim_id: self.claim_id.clone(),
            by,
            at,
            what,
        })
    }

    /// Refuses to act on a claim another reviewer holds, unless the actor is a lead.
    fn check_hold(&self, actor: &Actor, now: DateTime<Utc>) -> Result<(), StoreError> {
        match self.holder(now) {
            Some(who) if who != actor.login && actor.role != Role::Lead => Err(self.held(who)),
            _ => Ok(()),
        }
    }

    fn held(&self, by: &str) -> StoreError {
        StoreError::Held {
            claim_id: self.claim_id.clone(),
            by: by.to_string(),
            until: self
                .held_until
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
        }
    }

    /// Refuses a move the lifecycle does not allow.
    fn check_transition(&self, to: Status) -> Result<(), StoreError> {
        if self.status.can_become(to) {
            Ok(())
        } else {
            Err(self.transition(to))
        }
    }

    fn transition(&self, to: Status) -> StoreError {
        StoreError::Transition {
            claim_id: self.claim_id.clone(),
            from: self.status.code().to_string(),
            to: to.code().to_string(),
        }
    }
}

/// A decision needs a reason; a comment needs a body; either within the limits every input is
/// held to (domain::text: no NUL, at most `LONG_MAX` characters), the same on both backends.
fn require_text(what: &str, text: &str) -> Result<(), StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{what} is empty")));
    }
    within(what, TextKind::Long, text)
}

/// Refuses text past `kind`'s limits, before anything is written.
pub(crate) fn within(what: &str, kind: TextKind, text: &str) -> Result<(), StoreError> {
    text::check(kind, text).map_err(|e| StoreError::Invalid(format!("{what} {e}")))
}

/// The row read for `claim_id` (the engine reads every claim a write names).
fn find<'a>(current: &'a [Current], claim_id: &str) -> Result<&'a Current, StoreError> {
    current
        .iter()
        .find(|c| c.claim_id == claim_id)
        .ok_or_else(|| StoreError::NotFound(claim_id.to_string()))
}

/// Moves the claim to `to`; leaving `info_requested` ends its pause (at `at`, never before
/// it began), entering it starts one.
fn set_status(plan: &mut WritePlan, cur: &Current, to: Status, at: DateTime<Utc>) {
    plan.writes.push(Write::Status {
        claim_id: cur.claim_id.clone(),
        status: to,
    });
    if to == Status::InfoRequested && cur.status != Status::InfoRequested {
        plan.writes.push(Write::PauseStart {
            claim_id: cur.claim_id.clone(),
            at,
        });
    } else if to != Status::InfoRequested {
        if let Some(since) = cur.waiting_since {
            plan.writes.push(Write::PauseEnd {
                claim_id: cur.claim_id.clone(),
                at: at.max(since),
            });
        }
    }
}

#[cfg(test)]
mod tests;
