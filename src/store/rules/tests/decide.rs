//! Decisions: overrides, one approval per customer and product, the guard, disputes.

use super::*;
use crate::store::rules;

#[test]
fn only_a_lead_overrides_a_decision_and_never_to_the_same_outcome() {
    let done = claim("C-1", Status::Rejected, 4);
    let approve = [decide("C-1", 4, DecisionOutcome::Approved)];
    let err = plan_decide(
        &actor("bob", Role::Reviewer),
        std::slice::from_ref(&done),
        &[],
        &approve,
        now(),
    );
    assert!(matches!(err, Err(StoreError::NotAllowed(_))));
    let plan = plan_decide(
        &actor("lee", Role::Lead),
        std::slice::from_ref(&done),
        &[],
        &approve,
        now(),
    )
    .unwrap();
    assert!(matches!(plan.events[0].kind, EventKind::Overridden { .. }));
    let again = [decide("C-1", 4, DecisionOutcome::Rejected)];
    let err = plan_decide(&actor("lee", Role::Lead), &[done], &[], &again, now());
    assert!(matches!(err, Err(StoreError::Transition { .. })));
}

#[test]
fn one_approval_per_customer_and_product() {
    let lead = actor("lee", Role::Lead);
    let a = claim("C-1", Status::UnderReview, 1);
    let mut elsewhere = claim("C-9", Status::UnderReview, 1);
    elsewhere.group = group(2);
    let approved = vec![(group(1), "C-2".to_string())];
    let approve = [decide("C-1", 1, DecisionOutcome::Approved)];
    let err = plan_decide(&lead, std::slice::from_ref(&a), &approved, &approve, now());
    assert!(matches!(err, Err(StoreError::AlreadyApproved { other, .. }) if other == "C-2"));
    // Another customer's approval is no obstacle.
    let approve_elsewhere = [decide("C-9", 1, DecisionOutcome::Approved)];
    assert!(plan_decide(&lead, &[elsewhere], &approved, &approve_elsewhere, now()).is_ok());
    // Rejecting the approved claim in the same decision frees the way (a lead's override).
    let c2 = claim("C-2", Status::Approved, 1);
    let swap = [
        decide("C-1", 1, DecisionOutcome::Approved),
        decide("C-2", 1, DecisionOutcome::Rejected),
    ];
    let plan = plan_decide(&lead, &[a, c2], &approved, &swap, now()).unwrap();
    let kinds: Vec<&str> = plan.events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["decided", "association_changed", "overridden"]);
    assert_eq!(plan.groups, vec![group(1), group(1)]);
}

#[test]
fn the_guard_refuses_a_reviewers_approval_over_error_findings_and_records_a_leads_override() {
    let cur = claim("C-1", Status::UnderReview, 1);
    let errors = vec![
        FindingCode::DomainTenantMismatch,
        FindingCode::SubscriptionProductMismatch,
    ];
    let contests = Contests {
        errors: vec![("C-1".into(), errors.clone())],
        ..Contests::default()
    };
    let approve = [decide("C-1", 1, DecisionOutcome::Approved)];
    let one = std::slice::from_ref(&cur);
    // A reviewer is refused, even asking to override; the refusal names the findings.
    for guard in [Guard::Enforce, Guard::LeadOverride] {
        let err = rules::plan_decide(
            &actor("bob", Role::Reviewer),
            one,
            &contests,
            &approve,
            guard,
            now(),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("domain_tenant_mismatch, subscription_product_mismatch")
                && text.contains("only a lead"),
            "{text}"
        );
    }
    // A lead without saying so is refused too, told how to override.
    let lee = actor("lee", Role::Lead);
    let err =
        rules::plan_decide(&lee, one, &contests, &approve, Guard::Enforce, now()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Guarded { lead: true, .. }),
        "{err}"
    );
    // A lead's override is recorded as one, naming the findings, with the reason.
    let plan =
        rules::plan_decide(&lee, one, &contests, &approve, Guard::LeadOverride, now()).unwrap();
    assert_eq!(
        plan.events[0].kind,
        EventKind::Overridden {
            from: Status::UnderReview,
            outcome: DecisionOutcome::Approved,
            reason: "PoE checked".into(),
            findings: errors,
        }
    );
    // Rejecting needs no override; a claim without error findings needs none either.
    let reject = [decide("C-1", 1, DecisionOutcome::Rejected)];
    let bob = actor("bob", Role::Reviewer);
    assert!(rules::plan_decide(&bob, one, &contests, &reject, Guard::Enforce, now()).is_ok());
    let plan = rules::plan_decide(
        &bob,
        one,
        &Contests::default(),
        &approve,
        Guard::Enforce,
        now(),
    )
    .unwrap();
    assert!(matches!(plan.events[0].kind, EventKind::Decided { .. }));
}

#[test]
fn a_dispute_is_decided_again_only_by_another_reviewer_and_says_how_it_ended() {
    let c = disputed_claim("bob");
    for who in [actor("bob", Role::Reviewer), actor("bob", Role::Lead)] {
        let err = plan_decide(
            &who,
            std::slice::from_ref(&c),
            &[],
            &[decide("C-1", 4, DecisionOutcome::Approved)],
            now(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("bob made the disputed decision, so another reviewer"),
            "{err}"
        );
    }
    let carol = actor("carol", Role::Reviewer);
    let ended = |outcome| {
        let plan = plan_decide(
            &carol,
            std::slice::from_ref(&c),
            &[],
            &[decide("C-1", 4, outcome)],
            now(),
        )
        .unwrap();
        assert!(matches!(
            plan.events[0].kind,
            EventKind::Decided {
                from: Status::Disputed,
                ..
            }
        ));
        match &plan.events[1].kind {
            EventKind::DisputeResolved { outcome, .. } => *outcome,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(ended(DecisionOutcome::Rejected), DisputeOutcome::Upheld);
    assert_eq!(ended(DecisionOutcome::Approved), DisputeOutcome::Overturned);
    // Withdrawal is no way to end a dispute.
    assert!(plan_decide(
        &carol,
        std::slice::from_ref(&c),
        &[],
        &[decide("C-1", 4, DecisionOutcome::Withdrawn)],
        now(),
    )
    .is_err());
}
