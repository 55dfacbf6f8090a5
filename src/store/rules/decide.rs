//! Decisions: the approval guard, one approval per customer and product, disputes decided
//! again by another reviewer, and the associations approvals make and end.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::reviewers::{require_lead, require_reviewing};
use super::{find, require_text, set_status, Current, OpenDispute};
use crate::domain::{Association, Decision, DecisionOutcome, FindingCode, Status};
use crate::model::{Actor, DecisionRequest, DisputeOutcome, EventKind, Guard, Role};
use crate::store::plan::{GroupKey, Write, WritePlan};
use crate::store::StoreError;

/// What a decision needs to know about the contests it decides in, read with the claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Contests {
    /// The claims whose standing decision in the decided claims' contests is an approval:
    /// approved, or disputed over an approval (it stands, and its association holds, until the
    /// dispute is decided).
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
    // The association of each contest as this plan leaves it so far.
    let mut associations: HashMap<GroupKey, Association> =
        contests.associations.iter().cloned().collect();
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
            associate(&mut plan, actor, cur, &mut associations, now);
        } else {
            dissociate(&mut plan, actor, cur, &mut associations, now);
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
    associations: &mut HashMap<GroupKey, Association>,
    now: DateTime<Utc>,
) {
    let after = Association {
        tenant_id: cur.group.tenant_id,
        product: cur.product.clone(),
        mpn_id: cur.mpn_id.clone(),
        claim_id: Some(cur.claim_id.clone()),
    };
    let before = associations.insert(cur.group.clone(), after.clone());
    plan.writes.push(Write::Associate {
        product_key: cur.group.product_key.clone(),
        association: after.clone(),
    });
    plan.event(
        now,
        actor,
        Some(&cur.claim_id),
        EventKind::AssociationChanged {
            before,
            after: Some(after),
        },
    );
}

/// A decision that is no longer an approval (a disputed approval overturned, or a lead's
/// override) ends the association that claim's approval made, if it still holds: the customer
/// and product have no associated partner until another approval (or the reference data) makes
/// one. The association the approval had replaced is not brought back: it ended then, audited.
fn dissociate(
    plan: &mut WritePlan,
    actor: &Actor,
    cur: &Current,
    associations: &mut HashMap<GroupKey, Association>,
    now: DateTime<Utc>,
) {
    let made_by_this = associations
        .get(&cur.group)
        .is_some_and(|a| a.claim_id.as_deref() == Some(cur.claim_id.as_str()));
    if !made_by_this {
        return;
    }
    let before = associations.remove(&cur.group);
    plan.writes.push(Write::Dissociate {
        group: cur.group.clone(),
    });
    plan.event(
        now,
        actor,
        Some(&cur.claim_id),
        EventKind::AssociationChanged {
            before,
            after: None,
        },
    );
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
