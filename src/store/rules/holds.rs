//! Holds (take, take the contest, next, release, renew) and a lead's assignment.

use chrono::{DateTime, TimeDelta, Utc};

use super::reviewers::{require_lead, require_reviewing};
use super::Current;
use crate::model::{Actor, EventKind, Reviewer, Role};
use crate::store::plan::{Write, WritePlan};
use crate::store::StoreError;

/// A lead assigns a claim and the open claims of its contest (`contest[0]` is the claim asked
/// for) to a named, active reviewer: they show in that reviewer's Mine, free for them to take,
/// and stay there when a hold on them ends. A hold someone else has on them ends now.
pub(crate) fn plan_assign(
    actor: &Actor,
    contest: &[Current],
    to: Option<&Reviewer>,
    login: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "assign claims")?;
    let reviewer = to.filter(|r| r.active).ok_or_else(|| {
        StoreError::NotAllowed(format!("{login} is not an active reviewer of this store"))
    })?;
    if reviewer.role == Role::Integration {
        return Err(StoreError::NotAllowed(format!(
            "{login} is an integration login: claims are assigned to reviewers and leads"
        )));
    }
    let first = contest
        .first()
        .ok_or_else(|| StoreError::NotFound("the claim to assign".into()))?;
    if !first.status.is_open() {
        return Err(StoreError::Invalid(format!(
            "claim {} is {}: only open claims are assigned",
            first.claim_id,
            first.status.code()
        )));
    }
    let mut plan = WritePlan::default();
    for claim in contest.iter().filter(|c| c.status.is_open()) {
        let other_hold = claim.holder(now).filter(|who| *who != login);
        if claim.assignee.as_deref() == Some(login) && other_hold.is_none() {
            continue;
        }
        if other_hold.is_some() {
            plan.writes.push(Write::Hold {
                claim_id: claim.claim_id.clone(),
                holder: None,
                until: None,
            });
        }
        plan.writes.push(Write::Assign {
            claim_id: claim.claim_id.clone(),
            assignee: Some(login.to_string()),
        });
        // From the reviewer it was assigned to, else the one whose hold ends.
        let from = claim
            .assignee
            .clone()
            .or_else(|| other_hold.map(str::to_string));
        plan.event(
            now,
            actor,
            Some(&claim.claim_id),
            EventKind::Assigned {
                from,
                to: login.to_string(),
            },
        );
    }
    Ok(plan)
}

/// Holds `claim` for the actor: a take of a free claim, a renewal of the actor's own hold, or a
/// lead's reassignment of someone else's hold.
fn take_one(
    plan: &mut WritePlan,
    actor: &Actor,
    claim: &Current,
    lease: TimeDelta,
    now: DateTime<Utc>,
    next: bool,
) {
    match claim.holder(now) {
        Some(other) if other != actor.login => plan.event(
            now,
            actor,
            Some(&claim.claim_id),
            EventKind::Reassigned {
                from: other.to_string(),
                to: actor.login.clone(),
            },
        ),
        Some(_) => {}
        None => plan.event(
            now,
            actor,
            Some(&claim.claim_id),
            EventKind::Taken {
                holder: actor.login.clone(),
                next,
            },
        ),
    }
    plan.writes.push(Write::Hold {
        claim_id: claim.claim_id.clone(),
        holder: Some(actor.login.clone()),
        until: Some(now + lease),
    });
}

/// Holds exactly these claims; a claim someone else holds is refused to a reviewer and
/// reassigned by a lead.
pub(crate) fn plan_take(
    actor: &Actor,
    claims: &[Current],
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "hold claims")?;
    let mut plan = WritePlan::default();
    for claim in claims {
        claim.check_hold(actor, now)?;
        take_one(&mut plan, actor, claim, lease, now, false);
    }
    Ok(plan)
}

/// Holds a claim together with the claims competing with it (`contest[0]` is the claim asked
/// for): one reviewer per contest. A hold by someone else is refused unless `take_over` is set,
/// and then only a lead may take it over (audited as a reassignment).
pub(crate) fn plan_take_contest(
    actor: &Actor,
    contest: &[Current],
    lease: TimeDelta,
    take_over: bool,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "hold claims")?;
    for claim in contest {
        if let Some(other) = claim.holder(now).filter(|h| *h != actor.login) {
            if !take_over || actor.role != Role::Lead {
                return Err(claim.held(other));
            }
        }
    }
    plan_take(actor, contest, lease, now)
}

/// `n`: the most urgent free claim (chosen by the store) and the free claims competing with it;
/// a competitor someone else holds stays theirs, even when a lead presses `n`.
pub(crate) fn plan_take_next(
    actor: &Actor,
    next: &Current,
    competitors: &[Current],
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "hold claims")?;
    let mut plan = WritePlan::default();
    take_one(&mut plan, actor, next, lease, now, true);
    for claim in competitors {
        if claim.holder(now).is_none_or(|h| h == actor.login) {
            take_one(&mut plan, actor, claim, lease, now, false);
        }
    }
    Ok(plan)
}

/// Lets go of exactly these claims (a reviewer only of their own holds).
pub(crate) fn plan_release(
    actor: &Actor,
    claims: &[Current],
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "release claims")?;
    let mut plan = WritePlan::default();
    for claim in claims {
        claim.check_hold(actor, now)?;
        if claim.assigned_to.is_some() {
            plan.writes.push(Write::Hold {
                claim_id: claim.claim_id.clone(),
                holder: None,
                until: None,
            });
            plan.event(
                now,
                actor,
                Some(&claim.claim_id),
                EventKind::Released {
                    holder: claim.assigned_to.clone(),
                },
            );
        }
    }
    Ok(plan)
}

/// Lets go of a claim (`contest[0]`; someone else's hold only for a lead) and of the competing
/// claims the actor holds, never of another reviewer's hold on another claim of the contest.
pub(crate) fn plan_release_contest(
    actor: &Actor,
    contest: &[Current],
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    let held: Vec<Current> = contest
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            c.holder(now)
                .is_some_and(|who| *i == 0 || who == actor.login)
        })
        .map(|(_, c)| c.clone())
        .collect();
    plan_release(actor, &held, now)
}

/// Extends the actor's live holds while they keep working (a heartbeat: not audited).
pub(crate) fn plan_renew(
    login: &str,
    claims: &[Current],
    lease: TimeDelta,
    now: DateTime<Utc>,
) -> WritePlan {
    let mut plan = WritePlan::default();
    for claim in claims.iter().filter(|c| c.holder(now) == Some(login)) {
        plan.writes.push(Write::Hold {
            claim_id: claim.claim_id.clone(),
            holder: Some(login.to_string()),
            until: Some(now + lease),
        });
    }
    plan
}
