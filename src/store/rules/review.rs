//! Comments, information requests and starting a review.

use chrono::{DateTime, Utc};

use super::reviewers::require_reviewing;
use super::{find, require_text, set_status, Current};
use crate::domain::{Comment, Status, Visibility};
use crate::model::{Actor, EventKind, InfoRequest, Seen};
use crate::store::plan::{Write, WritePlan};
use crate::store::StoreError;

/// A comment on the claim at the version the reviewer saw.
pub(crate) fn plan_comment(
    actor: &Actor,
    cur: &Current,
    seen: &Seen,
    visibility: Visibility,
    body: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "comment on claims")?;
    require_text("the comment", body)?;
    cur.check_seen(seen)?;
    cur.check_hold(actor, now)?;
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Comment {
        claim_id: cur.claim_id.clone(),
        comment: Comment {
            author: actor.login.clone(),
            visibility,
            body: body.to_string(),
            at: now,
        },
    });
    plan.writes.push(Write::Touch {
        claim_id: cur.claim_id.clone(),
    });
    plan.event(
        now,
        actor,
        Some(&cur.claim_id),
        EventKind::Commented {
            visibility,
            body: body.to_string(),
        },
    );
    Ok(plan)
}

/// Information requests to one or several partners: each a partner-visible comment, each claim
/// then waits on its partner. All or nothing.
pub(crate) fn plan_request_info(
    actor: &Actor,
    current: &[Current],
    requests: &[InfoRequest],
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "request information")?;
    for r in requests {
        require_text("the request for information", &r.body)?;
    }
    let mut plan = WritePlan::default();
    for r in requests {
        let cur = find(current, &r.seen.claim_id)?;
        cur.check_seen(&r.seen)?;
        cur.check_hold(actor, now)?;
        cur.check_transition(Status::InfoRequested)?;
        plan.writes.push(Write::Comment {
            claim_id: cur.claim_id.clone(),
            comment: Comment {
                author: actor.login.clone(),
                visibility: Visibility::Partner,
                body: r.body.clone(),
                at: now,
            },
        });
        set_status(&mut plan, cur, Status::InfoRequested, now);
        plan.event(
            now,
            actor,
            Some(&cur.claim_id),
            EventKind::InfoRequested {
                from: cur.status,
                body: r.body.clone(),
            },
        );
        plan.groups.push(cur.group.clone());
    }
    Ok(plan)
}

/// A `submitted` or `info_requested` claim goes (back) under review.
pub(crate) fn plan_start_review(
    actor: &Actor,
    cur: &Current,
    seen: &Seen,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "start reviews")?;
    cur.check_seen(seen)?;
    cur.check_hold(actor, now)?;
    cur.check_transition(Status::UnderReview)?;
    let mut plan = WritePlan::default();
    set_status(&mut plan, cur, Status::UnderReview, now);
    plan.event(
        now,
        actor,
        Some(&cur.claim_id),
        EventKind::ReviewStarted { from: cur.status },
    );
    plan.groups.push(cur.group.clone());
    Ok(plan)
}
