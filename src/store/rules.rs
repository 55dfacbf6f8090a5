//! The review engine's rules, once for both databases: each write reads the current rows, then
//! one of these pure functions checks them and returns the [`WritePlan`] to apply, or the refusal.
//! Stale versions, holds, the lifecycle's transitions, one approval per customer and product, and
//! lead-only acts are all decided here, so SQLite and PostgreSQL refuse exactly the same things and
//! every rule is tested without a database (see the tests at the end).

use std::collections::HashMap;

use crate::domain::text::{self, TextKind};
use chrono::{DateTime, TimeDelta, Utc};

use super::plan::NewEvent;
use super::plan::{GroupKey, Write, WritePlan};
use super::StoreError;
use crate::domain::{
    Association, Comment, Decision, DecisionOutcome, FindingCode, Status, Visibility,
};
use crate::model::{
    Actor, DecisionRequest, DisputeOutcome, EventKind, FeedLine, FeedPolicy, Guard, Identity,
    InfoRequest, Reviewer, ReviewerRecord, Role, Seen, SshKey,
};

/// A claim's state as read (and locked) inside a write transaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Current {
    pub claim_id: String,
    pub status: Status,
    pub version: i64,
    pub assigned_to: Option<String>,
    pub held_until: Option<DateTime<Utc>>,
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

/// The proven-identity rule: `--reviewer` may only repeat the login the database, the OS or an
/// SSH key proved, except for the store's administrator, who may act for a named reviewer. In
/// single-reviewer mode (nobody registered) the name is only a label, as it always was.
pub(crate) fn check_identity(identity: &Identity, registered: i64) -> Result<(), StoreError> {
    if registered == 0 || !identity.on_behalf() || identity.administrator {
        return Ok(());
    }
    Err(StoreError::NotAllowed(format!(
        "you are {} ({}); --reviewer may only repeat it, not name {} \
         (only the store's administrator may act for a reviewer)",
        identity.proven,
        identity.proof_text(),
        identity.login
    )))
}

/// Who acts, from the proven identity, their reviewers row (role, active) and how many
/// reviewers are registered. With none registered the store is in single-reviewer mode:
/// everyone acts as a lead, under whatever name they give.
pub(crate) fn resolve_actor(
    identity: &Identity,
    row: Option<(String, bool)>,
    registered: i64,
) -> Result<Actor, StoreError> {
    let login = identity.login.as_str();
    if registered == 0 {
        return Ok(Actor {
            login: login.to_string(),
            role: Role::Lead,
            open_mode: true,
            via: None,
        });
    }
    check_identity(identity, registered)?;
    match row {
        Some((role, true)) => Ok(Actor {
            login: login.to_string(),
            role: Role::from_code(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
            open_mode: false,
            via: identity.via(),
        }),
        Some((_, false)) => Err(StoreError::NotAllowed(format!(
            "reviewer {login} is deactivated; ask a lead"
        ))),
        None if identity.on_behalf() || !identity.administrator => {
            Err(StoreError::NotAllowed(format!(
                "{login} is not a registered reviewer; a lead can add you with `claimdesk reviewer add {login}`"
            )))
        }
        None => Err(StoreError::NotAllowed(format!(
            "{login} is the store's administrator, not a registered reviewer; \
             name the reviewer you act for with --reviewer LOGIN"
        ))),
    }
}

/// Refuses lead-only acts by a plain reviewer (or an integration login).
pub(crate) fn require_lead(actor: &Actor, what: &str) -> Result<(), StoreError> {
    if actor.role == Role::Lead {
        Ok(())
    } else {
        Err(StoreError::NotAllowed(format!(
            "only a lead may {what} ({} is {})",
            actor.login,
            article(actor.role)
        )))
    }
}

/// Refuses reviewing acts (holds, comments, requests, decisions) by an integration login:
/// it brings the partners' feed in and reads the outbox, and decides nothing.
pub(crate) fn require_reviewing(actor: &Actor, what: &str) -> Result<(), StoreError> {
    if actor.role == Role::Integration {
        Err(StoreError::NotAllowed(format!(
            "{} is an integration login: only reviewers and leads may {what}",
            actor.login
        )))
    } else {
        Ok(())
    }
}

/// Who may write in bulk: `import` a lead or an integration login, `generate` (synthetic
/// claims) only a lead; anyone in single-reviewer mode.
pub(crate) fn check_import(actor: &Actor, generated: bool) -> Result<(), StoreError> {
    if generated {
        require_lead(actor, "generate claims")
    } else if actor.role == Role::Reviewer {
        Err(StoreError::NotAllowed(format!(
            "only a lead or an integration login may import ({} is a reviewer)",
            actor.login
        )))
    } else {
        Ok(())
    }
}

/// An import of at least this many claims is told on the change feed as one bulk write
/// ("carol imported 100,000 claims"), so that watching sessions need not read an event per claim.
pub(crate) const BULK_FEED_CLAIMS: usize = 100;

/// The run of an import's events the change feed tells as one bulk write, as `(first_id,
/// last_id)`: its per-claim events, which follow any reference-data events in `ids` (every id
/// the import appended, in order). None for a small import, or a generated batch (already one
/// event).
pub(crate) fn bulk_run(ids: &[i64], claims: usize, generated: bool) -> Option<(i64, i64)> {
    if generated || claims < BULK_FEED_CLAIMS || claims > ids.len() {
        return None;
    }
    let run = &ids[ids.len() - claims..];
    Some((*run.first()?, *run.last()?))
}

fn article(role: Role) -> String {
    match role {
        Role::Integration => "an integration login".into(),
        other => format!("a {}", other.code()),
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

/// What a decision needs to know about the contests it decides in, read with the claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Contests {
    /// The claims already approved in the decided claims' contests.
    pub approved: Vec<(GroupKey, String)>,
    /// The association each of these contests has now.
    pub associations: Vec<(GroupKey, Association)>,
    /// The error findings of each claim to be approved (claims without any are left out).
    pub errors: Vec<(String, Vec<FindingCode>)>,
}

/// The approval guard: a claim with an error finding is approved only by a lead who says so
/// (`Guard::LeadOverride`); the refusal names the findings. Returns the findings overridden.
fn check_guard(
    actor: &Actor,
    cur: &Current,
    contests: &Contests,
    guard: Guard,
) -> Result<Vec<FindingCode>, StoreError> {
    let Some((_, errors)) = contests
        .errors
        .iter()
        .find(|(id, errors)| *id == cur.claim_id && !errors.is_empty())
    else {
        return Ok(Vec::new());
    };
    if guard == Guard::LeadOverride && actor.role == Role::Lead {
        return Ok(errors.clone());
    }
    Err(StoreError::Guarded {
        claim_id: cur.claim_id.clone(),
        findings: errors.iter().map(|f| f.code().to_string()).collect(),
        lead: actor.role == Role::Lead,
    })
}

/// Decisions on one or more claims (approve one party, reject the others), all or nothing.
/// An approval makes the approved MPN the association of its customer and product (ending the
/// one before, audited); a claim with error findings is approved only over the guard.
pub(crate) fn plan_decide(
    actor: &Actor,
    current: &[Current],
    contests: &Contests,
    decisions: &[DecisionRequest],
    guard: Guard,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_reviewing(actor, "decide claims")?;
    for d in decisions {
        require_text("the reason", &d.reason)?;
    }
    let deciding: Vec<&str> = decisions.iter().map(|d| d.seen.claim_id.as_str()).collect();
    let mut plan = WritePlan::default();
    for d in decisions {
        let cur = find(current, &d.seen.claim_id)?;
        cur.check_seen(&d.seen)?;
        cur.check_hold(actor, now)?;
        let to = Status::decided(d.outcome);
        let dispute = check_dispute(actor, cur, d.outcome)?;
        let overriding = !cur.status.is_open() && dispute.is_none();
        if dispute.is_some() {
            // Decided again by another reviewer: checked above.
        } else if overriding {
            require_lead(actor, "override a decision")?;
            if cur.status == to {
                return Err(cur.transition(to));
            }
        } else {
            cur.check_transition(to)?;
        }
        let mut over_findings = Vec::new();
        if d.outcome == DecisionOutcome::Approved {
            let other = contests.approved.iter().find(|(group, id)| {
                *group == cur.group && *id != cur.claim_id && !deciding.contains(&id.as_str())
            });
            if let Some((_, other)) = other {
                return Err(StoreError::AlreadyApproved {
                    claim_id: cur.claim_id.clone(),
                    other: other.clone(),
                });
            }
            over_findings = check_guard(actor, cur, contests, guard)?;
        }
        set_status(&mut plan, cur, to, now);
        plan.writes.push(Write::Decision {
            claim_id: cur.claim_id.clone(),
            decision: Decision {
                outcome: d.outcome,
                by: actor.login.clone(),
                at: now,
                reason: d.reason.clone(),
            },
        });
        let (from, outcome, reason) = (cur.status, d.outcome, d.reason.clone());
        let kind = if overriding || !over_findings.is_empty() {
            EventKind::Overridden {
                from,
                outcome,
                reason,
                findings: over_findings,
            }
        } else {
            EventKind::Decided {
                from,
                outcome,
                reason,
            }
        };
        plan.event(now, actor, Some(&cur.claim_id), kind);
        if let Some(dispute) = dispute {
            plan.event(
                now,
                actor,
                Some(&cur.claim_id),
                EventKind::DisputeResolved {
                    dispute_id: dispute.dispute_id.clone(),
                    outcome: if dispute.outcome == d.outcome {
                        DisputeOutcome::Upheld
                    } else {
                        DisputeOutcome::Overturned
                    },
                    decision: d.outcome,
                    reason: d.reason.clone(),
                },
            );
        }
        if d.outcome == DecisionOutcome::Approved {
            associate(&mut plan, actor, cur, contests, now);
        }
        plan.groups.push(cur.group.clone());
    }
    Ok(plan)
}

/// An approval makes the claim's MPN the association of its customer and product, ending the
/// one before (audited with both).
fn associate(
    plan: &mut WritePlan,
    actor: &Actor,
    cur: &Current,
    contests: &Contests,
    now: DateTime<Utc>,
) {
    let before = contests
        .associations
        .iter()
        .find(|(group, _)| *group == cur.group)
        .map(|(_, a)| a.clone());
    let after = Association {
        tenant_id: cur.group.tenant_id,
        product: cur.product.clone(),
        mpn_id: cur.mpn_id.clone(),
        claim_id: Some(cur.claim_id.clone()),
    };
    plan.writes.push(Write::Associate {
        product_key: cur.group.product_key.clone(),
        association: after.clone(),
    });
    plan.event(
        now,
        actor,
        Some(&cur.claim_id),
        EventKind::AssociationChanged { before, after },
    );
}

/// A lead assigns a claim and the open claims of its contest (`contest[0]` is the claim asked
/// for) to a named, active reviewer: they show in that reviewer's Mine, free for them to take.
/// A hold someone else has on them ends.
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
        let already = claim.assigned_to.as_deref() == Some(login) && claim.holder(now).is_none();
        if already {
            continue;
        }
        plan.writes.push(Write::Hold {
            claim_id: claim.claim_id.clone(),
            holder: Some(login.to_string()),
            until: None,
        });
        plan.event(
            now,
            actor,
            Some(&claim.claim_id),
            EventKind::Assigned {
                from: claim.assigned_to.clone(),
                to: login.to_string(),
            },
        );
    }
    Ok(plan)
}

/// A disputed claim is decided again (approved or rejected) only by a reviewer other than the
/// one who made the disputed decision, a lead included: a second pair of eyes is the point.
/// Returns the dispute being resolved, or `None` when the claim is not disputed.
fn check_dispute<'a>(
    actor: &Actor,
    cur: &'a Current,
    outcome: DecisionOutcome,
) -> Result<Option<&'a OpenDispute>, StoreError> {
    if cur.status != Status::Disputed {
        return Ok(None);
    }
    cur.check_transition(Status::decided(outcome))?;
    let dispute = cur.dispute.as_ref().ok_or_else(|| {
        StoreError::Corrupt(format!(
            "claim {} is disputed but has no dispute",
            cur.claim_id
        ))
    })?;
    if dispute.decided_by == actor.login {
        return Err(StoreError::NotAllowed(format!(
            "claim {} is disputed: {} made the disputed decision, so another reviewer must \
             decide it again",
            cur.claim_id, actor.login
        )));
    }
    Ok(Some(dispute))
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

/// Registers or changes a reviewer (a lead's job; the first one must be a lead).
pub(crate) fn plan_add_reviewer(
    actor: &Actor,
    before: Option<&Reviewer>,
    reviewer: &Reviewer,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "add reviewers")?;
    within("the login", TextKind::Id, &reviewer.login)?;
    within("the name", TextKind::Short, &reviewer.display_name)?;
    if actor.open_mode && reviewer.role != Role::Lead {
        return Err(StoreError::NotAllowed(
            "the first reviewer added must be a lead (use --role lead), so someone can manage the team".into(),
        ));
    }
    let record = |r: &Reviewer| ReviewerRecord {
        login: r.login.clone(),
        display_name: r.display_name.clone(),
        role: r.role,
        active: r.active,
    };
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Reviewer(reviewer.clone()));
    plan.event(
        now,
        actor,
        None,
        EventKind::ReviewerAdded {
            before: before.map(record),
            after: record(reviewer),
        },
    );
    Ok(plan)
}

/// Stops a reviewer (a lead's job); `current` is their row, if any.
pub(crate) fn plan_deactivate(
    actor: &Actor,
    current: Option<&Reviewer>,
    login: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "deactivate reviewers")?;
    if !current.is_some_and(|r| r.active) {
        return Err(StoreError::NotFound(format!("active reviewer {login}")));
    }
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Deactivate {
        login: login.to_string(),
    });
    plan.event(
        now,
        actor,
        None,
        EventKind::ReviewerDeactivated {
            login: login.to_string(),
        },
    );
    Ok(plan)
}

/// A claim as the partner feed needs it: its state, its partner's MPN, its decision, its PoE.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeedClaim {
    pub current: Current,
    pub mpn_id: String,
    pub decision: Option<Decision>,
    /// How many PoE items it holds (a reply's PoE is numbered after them).
    pub poe: i64,
}

/// What the feed's lines change, and how many were new or replayed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FeedPlan {
    pub plan: WritePlan,
    pub applied: usize,
    pub replayed: usize,
}

/// The partner feed's `reply`, `withdrawal` and `dispute` lines, in file order, against the
/// claims they name (`claims`, read after the import's own claims were written) and the lines
/// already applied (`applied`: kind and id → content). A line already applied with the same
/// content changes nothing; with other content it is refused, as is a withdrawal of a decided
/// claim and a dispute outside the window. Each act is audited as `partner:MPN` via the importer.
/// All or nothing: every refused line is reported (`StoreError::FeedRefused`).
pub(crate) fn plan_feed(
    importer: &Actor,
    lines: &[(usize, FeedLine)],
    claims: &[FeedClaim],
    applied: &HashMap<(String, String), String>,
    policy: FeedPolicy,
    now: DateTime<Utc>,
) -> Result<FeedPlan, StoreError> {
    let mut state: HashMap<&str, FeedClaim> = claims
        .iter()
        .map(|c| (c.current.claim_id.as_str(), c.clone()))
        .collect();
    let mut out = FeedPlan::default();
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    for (number, line) in lines {
        let number = *number;
        let key = (line.kind().to_string(), line.line_id().to_string());
        if let Some(content) = applied.get(&key) {
            if *content == line.content() {
                out.replayed += 1;
            } else {
                problems.push((
                    number,
                    line.id_field().into(),
                    format!(
                        "{} {} was already imported with other content (a feed line is never \
                         changed once applied)",
                        line.kind(),
                        text::escape(line.line_id())
                    ),
                ));
            }
            continue;
        }
        let Some(claim) = state.get_mut(line.claim_id()) else {
            problems.push((
                number,
                "claim_id".into(),
                format!("no claim {}", text::escape(line.claim_id())),
            ));
            continue;
        };
        match feed_one(&mut out.plan, importer, claim, line, policy, now) {
            Ok(()) => out.applied += 1,
            Err((field, message)) => problems.push((number, field.into(), message)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(StoreError::FeedRefused(problems))
    }
}

/// One new feed line on `claim` (whose state follows, for the lines after it).
fn feed_one(
    plan: &mut WritePlan,
    importer: &Actor,
    claim: &mut FeedClaim,
    line: &FeedLine,
    policy: FeedPolicy,
    now: DateTime<Utc>,
) -> Result<(), (&'static str, String)> {
    let cur = claim.current.clone();
    let partner = format!("partner:{}", claim.mpn_id);
    let claim_id = cur.claim_id.clone();
    let event = |kind: EventKind| NewEvent {
        at: now,
        actor: partner.clone(),
        claim_id: Some(claim_id.clone()),
        via: Some(importer.login.clone()),
        kind,
    };
    let to = match line {
        FeedLine::Reply {
            reply_id,
            at,
            body,
            poe,
            ..
        } => {
            plan.writes.push(Write::Comment {
                claim_id: claim_id.clone(),
                comment: Comment {
                    author: partner.clone(),
                    visibility: Visibility::Partner,
                    body: body.clone(),
                    at: *at,
                },
            });
            for (i, item) in poe.iter().enumerate() {
                plan.writes.push(Write::Poe {
                    claim_id: claim_id.clone(),
                    seq: claim.poe + i64::try_from(i).unwrap_or(i64::MAX),
                    item: item.clone(),
                });
            }
            claim.poe += i64::try_from(poe.len()).unwrap_or(i64::MAX);
            // A reply brings a claim waiting on its partner back; on any other it is a comment.
            let to = if cur.status == Status::InfoRequested {
                set_status(plan, &cur, Status::UnderReview, *at);
                Status::UnderReview
            } else {
                plan.writes.push(Write::Touch {
                    claim_id: claim_id.clone(),
                });
                cur.status
            };
            plan.events.push(event(EventKind::Replied {
                reply_id: reply_id.clone(),
                from: cur.status,
                to,
                body: body.clone(),
                poe: poe.len() as u64,
            }));
            to
        }
        FeedLine::Withdrawal { at, reason, .. } => {
            if !cur.status.is_open() {
                return Err((
                    "claim_id",
                    format!(
                        "claim {} is {}: a claim can be withdrawn only before it is decided",
                        text::escape(&claim_id),
                        cur.status.code()
                    ),
                ));
            }
            // The status and the audited `withdrawn` event record it: a decision is a
            // reviewer's, and the feed's login may write none (PostgreSQL refuses it too).
            set_status(plan, &cur, Status::Withdrawn, *at);
            plan.events.push(event(EventKind::Withdrawn {
                from: cur.status,
                reason: reason.clone(),
            }));
            Status::Withdrawn
        }
        FeedLine::Dispute {
            dispute_id,
            at,
            body,
            ..
        } => {
            let decision = match (&claim.decision, cur.status.is_decided()) {
                (Some(d), true) => d.clone(),
                _ => {
                    return Err((
                        "claim_id",
                        format!(
                        "claim {} is {}: only a decision (approved or rejected) can be disputed",
                        text::escape(&claim_id),
                        cur.status.code()
                    ),
                    ))
                }
            };
            let closes = dispute_window_closes(decision.at, policy);
            let shown = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            if *at < decision.at {
                return Err((
                    "at",
                    format!(
                        "{} is before the decision it disputes ({})",
                        shown(*at),
                        shown(decision.at)
                    ),
                ));
            }
            if *at > closes {
                return Err((
                    "at",
                    format!(
                        "the dispute window closed at {} ({} days after the decision of {}); \
                         the partner must file a new claim",
                        shown(closes),
                        policy.dispute_window_days,
                        shown(decision.at)
                    ),
                ));
            }
            set_status(plan, &cur, Status::Disputed, *at);
            plan.writes.push(Write::Dispute {
                dispute_id: dispute_id.clone(),
                claim_id: claim_id.clone(),
                at: *at,
                body: body.clone(),
                decision: decision.clone(),
            });
            plan.events.push(event(EventKind::Disputed {
                dispute_id: dispute_id.clone(),
                from: cur.status,
                body: body.clone(),
            }));
            claim.current.dispute = Some(OpenDispute {
                dispute_id: dispute_id.clone(),
                outcome: decision.outcome,
                decided_by: decision.by.clone(),
            });
            Status::Disputed
        }
    };
    plan.writes.push(Write::FeedLine {
        kind: line.kind(),
        line_id: line.line_id().to_string(),
        claim_id: claim_id.clone(),
        at: line.at(),
        content: line.content(),
    });
    if to != cur.status {
        plan.groups.push(cur.group.clone());
        if cur.status == Status::InfoRequested {
            claim.current.waiting_since = None;
        }
    }
    claim.current.status = to;
    Ok(())
}

/// The last instant a decision made at `decided_at` may be disputed.
pub(crate) fn dispute_window_closes(
    decided_at: DateTime<Utc>,
    policy: FeedPolicy,
) -> DateTime<Utc> {
    decided_at + TimeDelta::days(i64::from(policy.dispute_window_days))
}

/// Registers an SSH key to a reviewer (a lead's job): `owner` is the reviewer's row, `taken`
/// the key already stored under this fingerprint, if any. A key signs in one reviewer only.
pub(crate) fn plan_add_key(
    actor: &Actor,
    owner: Option<&Reviewer>,
    taken: Option<&SshKey>,
    key: &SshKey,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "register SSH keys")?;
    within("the login", TextKind::Id, &key.login)?;
    within("the key's comment", TextKind::Short, &key.comment)?;
    within("the key", TextKind::Long, &key.public_key)?;
    if !owner.is_some_and(|r| r.active) {
        return Err(StoreError::Invalid(format!(
            "no active reviewer {}; add them first with `claimdesk reviewer add {}`",
            key.login, key.login
        )));
    }
    if let Some(taken) = taken {
        return Err(StoreError::Invalid(format!(
            "key {} is already registered to {}{}",
            key.fingerprint,
            taken.login,
            if taken.login == key.login {
                ""
            } else {
                "; a key signs in one reviewer only (remove it there first)"
            }
        )));
    }
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Key(key.clone()));
    plan.event(
        key.added_at,
        actor,
        None,
        EventKind::KeyAdded {
            login: key.login.clone(),
            fingerprint: key.fingerprint.clone(),
            key: key.public_key.clone(),
        },
    );
    Ok(plan)
}

/// Removes a registered SSH key (a lead's job); `current` is the key stored under
/// `fingerprint`, if any.
pub(crate) fn plan_remove_key(
    actor: &Actor,
    current: Option<&SshKey>,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "remove SSH keys")?;
    let Some(key) = current else {
        return Err(StoreError::Invalid(format!(
            "no key {fingerprint} is registered (`claimdesk reviewer key list` shows them)"
        )));
    };
    let mut plan = WritePlan::default();
    plan.writes.push(Write::RemoveKey {
        fingerprint: key.fingerprint.clone(),
    });
    plan.event(
        now,
        actor,
        None,
        EventKind::KeyRemoved {
            login: key.login.clone(),
            fingerprint: key.fingerprint.clone(),
        },
    );
    Ok(plan)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
