//! The associations approvals make and end.

use super::*;
use crate::store::rules;

#[test]
fn an_approval_makes_the_association_ending_the_one_before() {
    let bob = actor("bob", Role::Reviewer);
    let cur = claim("C-1", Status::UnderReview, 1);
    let earlier = Association {
        tenant_id: group(1).tenant_id,
        product: "Dynamics 365 Sales".into(),
        mpn_id: "9000009".into(),
        claim_id: None,
    };
    let contests = Contests {
        associations: vec![(group(1), earlier.clone())],
        ..Contests::default()
    };
    let approve = [decide("C-1", 1, DecisionOutcome::Approved)];
    let plan = rules::plan_decide(
        &bob,
        std::slice::from_ref(&cur),
        &contests,
        &approve,
        Guard::Enforce,
        now(),
    )
    .unwrap();
    let after = Association {
        tenant_id: group(1).tenant_id,
        product: "Dynamics 365 Sales".into(),
        mpn_id: "MPN-C-1".into(),
        claim_id: Some("C-1".into()),
    };
    assert!(plan.writes.contains(&Write::Associate {
        product_key: "dynamics 365 sales".into(),
        association: after.clone(),
    }));
    assert_eq!(
        plan.events[1].kind,
        EventKind::AssociationChanged {
            before: Some(earlier),
            after: Some(after)
        }
    );
    assert_eq!(plan.events[1].claim_id.as_deref(), Some("C-1"));
    // A rejection associates nobody.
    let reject = [decide("C-1", 1, DecisionOutcome::Rejected)];
    let plan = rules::plan_decide(&bob, &[cur], &contests, &reject, Guard::Enforce, now()).unwrap();
    assert!(!plan
        .writes
        .iter()
        .any(|w| matches!(w, Write::Associate { .. })));
    assert_eq!(plan.events.len(), 1);
}

fn association_of(claim_id: &str) -> Association {
    Association {
        tenant_id: group(1).tenant_id,
        product: "Dynamics 365 Sales".into(),
        mpn_id: format!("MPN-{claim_id}"),
        claim_id: Some(claim_id.into()),
    }
}

fn disputed_over(outcome: DecisionOutcome, by: &str) -> Current {
    let mut c = disputed_claim(by);
    if let Some(d) = c.dispute.as_mut() {
        d.outcome = outcome;
    }
    c
}

fn dissociations(plan: &WritePlan) -> Vec<&Write> {
    plan.writes
        .iter()
        .filter(|w| matches!(w, Write::Dissociate { .. }))
        .collect()
}

#[test]
fn an_approval_overturned_on_dispute_ends_the_association_it_made() {
    let c = disputed_over(DecisionOutcome::Approved, "bob");
    let made = association_of("C-1");
    let contests = Contests {
        approved: vec![(group(1), "C-1".into())],
        associations: vec![(group(1), made.clone())],
        ..Contests::default()
    };
    let carol = actor("carol", Role::Reviewer);
    let reject = [decide("C-1", 4, DecisionOutcome::Rejected)];
    let one = std::slice::from_ref(&c);
    let plan = rules::plan_decide(&carol, one, &contests, &reject, Guard::Enforce, now()).unwrap();
    assert_eq!(
        dissociations(&plan),
        [&Write::Dissociate { group: group(1) }]
    );
    let kinds: Vec<&EventKind> = plan.events.iter().map(|e| &e.kind).collect();
    assert!(matches!(
        kinds[1],
        EventKind::DisputeResolved {
            outcome: DisputeOutcome::Overturned,
            ..
        }
    ));
    assert_eq!(
        kinds[2],
        &EventKind::AssociationChanged {
            before: Some(made.clone()),
            after: None,
        }
    );
    // Upheld, the approval stands: it counts as the approval and its association stays.
    let approve = [decide("C-1", 4, DecisionOutcome::Approved)];
    let plan = rules::plan_decide(&carol, one, &contests, &approve, Guard::Enforce, now()).unwrap();
    assert!(dissociations(&plan).is_empty());
    assert!(matches!(
        plan.events[1].kind,
        EventKind::DisputeResolved {
            outcome: DisputeOutcome::Upheld,
            ..
        }
    ));
    // An association another approval (or the reference data) made since is not this claim's
    // to end.
    let other = Contests {
        associations: vec![(group(1), association_of("C-9"))],
        ..contests.clone()
    };
    let plan = rules::plan_decide(&carol, one, &other, &reject, Guard::Enforce, now()).unwrap();
    assert!(dissociations(&plan).is_empty());
    assert_eq!(plan.events.len(), 2);
    // A lead's override of an approval into a rejection ends it too.
    let approved = claim("C-1", Status::Approved, 3);
    let lee = actor("lee", Role::Lead);
    let plan = rules::plan_decide(
        &lee,
        std::slice::from_ref(&approved),
        &contests,
        &[decide("C-1", 3, DecisionOutcome::Rejected)],
        Guard::Enforce,
        now(),
    )
    .unwrap();
    assert_eq!(dissociations(&plan).len(), 1);
}

#[test]
fn a_rejection_overturned_into_an_approval_makes_the_association_if_no_other_approval_stands() {
    let c = disputed_over(DecisionOutcome::Rejected, "bob");
    let carol = actor("carol", Role::Reviewer);
    let approve = [decide("C-1", 4, DecisionOutcome::Approved)];
    let one = std::slice::from_ref(&c);
    let plan = rules::plan_decide(
        &carol,
        one,
        &Contests::default(),
        &approve,
        Guard::Enforce,
        now(),
    )
    .unwrap();
    assert!(plan.writes.contains(&Write::Associate {
        product_key: "dynamics 365 sales".into(),
        association: association_of("C-1"),
    }));
    assert_eq!(
        plan.events[2].kind,
        EventKind::AssociationChanged {
            before: None,
            after: Some(association_of("C-1")),
        }
    );
    // Another claim's approval stands (approved, or itself disputed over an approval): one
    // approval per customer and product, so this one is refused naming it.
    let contests = Contests {
        approved: vec![(group(1), "C-2".into())],
        associations: vec![(group(1), association_of("C-2"))],
        ..Contests::default()
    };
    let err =
        rules::plan_decide(&carol, one, &contests, &approve, Guard::Enforce, now()).unwrap_err();
    assert!(
        matches!(&err, StoreError::AlreadyApproved { other, .. } if other == "C-2"),
        "{err}"
    );
}

#[test]
fn a_lead_moving_an_approval_to_another_party_leaves_the_new_association_standing() {
    // C-2 was approved; a lead approves C-1 and overrides C-2 into a rejection in one plan, in
    // either order: C-1's association is the one left, each change audited once.
    let lee = actor("lee", Role::Lead);
    let mut first = claim("C-1", Status::UnderReview, 1);
    first.group = group(1);
    let mut second = claim("C-2", Status::Approved, 2);
    second.group = group(1);
    let contests = Contests {
        approved: vec![(group(1), "C-2".into())],
        associations: vec![(group(1), association_of("C-2"))],
        ..Contests::default()
    };
    let both = [first, second];
    let approve = decide("C-1", 1, DecisionOutcome::Approved);
    let reject = decide("C-2", 2, DecisionOutcome::Rejected);
    for order in [
        [approve.clone(), reject.clone()],
        [reject.clone(), approve.clone()],
    ] {
        let plan =
            rules::plan_decide(&lee, &both, &contests, &order, Guard::Enforce, now()).unwrap();
        let changes: Vec<&EventKind> = plan
            .events
            .iter()
            .map(|e| &e.kind)
            .filter(|k| matches!(k, EventKind::AssociationChanged { .. }))
            .collect();
        let last = match changes.last() {
            Some(EventKind::AssociationChanged { after, .. }) => after.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(last, Some(association_of("C-1")), "{order:?}");
        let dissociated = !dissociations(&plan).is_empty();
        // Rejected first, C-2's association ends, then C-1's begins from none; approved first,
        // C-1's replaces C-2's and there is nothing of C-2's left to end.
        assert_eq!(dissociated, order[0].outcome == DecisionOutcome::Rejected);
        assert_eq!(changes.len(), if dissociated { 2 } else { 1 });
    }
}
