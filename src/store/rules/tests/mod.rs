//! The review engine's rules, checked without a database.

use std::collections::HashMap;

use chrono::{TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::import::BULK_FEED_CLAIMS;
use super::reviewers::require_lead;
use super::*;
use crate::domain::{
    Association, Decision, DecisionOutcome, FindingCode, PoeItem, Status, Visibility,
};
use crate::model::{
    Actor, DecisionRequest, DisputeOutcome, EventKind, FeedLine, FeedPolicy, Guard, Identity,
    InfoRequest, Reviewer, Role, Seen, SshKey,
};

mod associations;
mod decide;
mod feed;
mod holds;
mod review;
mod reviewers;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn group(n: u8) -> GroupKey {
    GroupKey {
        tenant_id: Uuid::from_u128(u128::from(n)),
        product_key: "dynamics 365 sales".into(),
    }
}

fn claim(id: &str, status: Status, version: i64) -> Current {
    Current {
        claim_id: id.into(),
        status,
        version,
        assigned_to: None,
        held_until: None,
        assignee: None,
        group: group(1),
        mpn_id: format!("MPN-{id}"),
        product: "Dynamics 365 Sales".into(),
        last_change: Some(("carol".into(), now(), "commented".into())),
        waiting_since: None,
        dispute: None,
    }
}

/// `plan_decide` with only the approvals known and the guard enforced (the tests before the
/// guard and associations).
fn plan_decide(
    actor: &Actor,
    current: &[Current],
    approved: &[(GroupKey, String)],
    decisions: &[DecisionRequest],
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    let contests = Contests {
        approved: approved.to_vec(),
        ..Contests::default()
    };
    super::plan_decide(actor, current, &contests, decisions, Guard::Enforce, now)
}

fn held_by(mut c: Current, who: &str) -> Current {
    c.assigned_to = Some(who.into());
    c.held_until = Some(now() + TimeDelta::minutes(5));
    c
}

fn actor(login: &str, role: Role) -> Actor {
    Actor {
        login: login.into(),
        role,
        open_mode: false,
        via: None,
    }
}

fn seen(id: &str, version: i64) -> Seen {
    Seen {
        claim_id: id.into(),
        version,
    }
}

fn decide(id: &str, version: i64, outcome: DecisionOutcome) -> DecisionRequest {
    DecisionRequest {
        seen: seen(id, version),
        outcome,
        reason: "PoE checked".into(),
    }
}

fn lease() -> TimeDelta {
    TimeDelta::minutes(30)
}

fn disputed_claim(by: &str) -> Current {
    let mut c = claim("C-1", Status::Disputed, 4);
    c.dispute = Some(OpenDispute {
        dispute_id: "D-1".into(),
        outcome: DecisionOutcome::Rejected,
        decided_by: by.into(),
    });
    c
}
