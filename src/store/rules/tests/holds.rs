//! Holds and a lead's assignment.

use super::*;

#[test]
fn another_reviewers_hold_stops_a_reviewer_but_not_a_lead() {
    let cur = held_by(claim("C-1", Status::UnderReview, 1), "alice");
    let d = [decide("C-1", 1, DecisionOutcome::Rejected)];
    let err = plan_decide(
        &actor("bob", Role::Reviewer),
        std::slice::from_ref(&cur),
        &[],
        &d,
        now(),
    );
    assert!(matches!(err, Err(StoreError::Held { by, .. }) if by == "alice"));
    assert!(plan_decide(
        &actor("lee", Role::Lead),
        std::slice::from_ref(&cur),
        &[],
        &d,
        now()
    )
    .is_ok());
    // An expired lease holds nothing.
    let mut expired = cur;
    expired.held_until = Some(now() - TimeDelta::seconds(1));
    assert!(plan_decide(&actor("bob", Role::Reviewer), &[expired], &[], &d, now()).is_ok());
}

#[test]
fn a_contest_held_by_someone_else_is_taken_over_only_by_a_lead_who_means_it() {
    let contest = vec![
        claim("C-1", Status::UnderReview, 1),
        held_by(claim("C-2", Status::UnderReview, 1), "alice"),
    ];
    let lead = actor("lee", Role::Lead);
    let err = plan_take_contest(&lead, &contest, lease(), false, now());
    assert!(matches!(err, Err(StoreError::Held { by, .. }) if by == "alice"));
    let err = plan_take_contest(
        &actor("bob", Role::Reviewer),
        &contest,
        lease(),
        true,
        now(),
    );
    assert!(matches!(err, Err(StoreError::Held { .. })));
    let plan = plan_take_contest(&lead, &contest, lease(), true, now()).unwrap();
    let kinds: Vec<&str> = plan.events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["taken", "reassigned"]);
    assert_eq!(plan.writes.len(), 2);
}

#[test]
fn taking_ones_own_hold_again_only_renews_it() {
    let mine = held_by(claim("C-1", Status::UnderReview, 1), "bob");
    let plan = plan_take(&actor("bob", Role::Reviewer), &[mine], lease(), now()).unwrap();
    assert!(plan.events.is_empty());
    assert_eq!(
        plan.writes,
        vec![Write::Hold {
            claim_id: "C-1".into(),
            holder: Some("bob".into()),
            until: Some(now() + lease())
        }]
    );
}

#[test]
fn next_takes_the_free_competitors_and_leaves_others_holds_alone() {
    let lead = actor("lee", Role::Lead);
    let next = claim("C-1", Status::UnderReview, 1);
    let others = vec![
        claim("C-2", Status::UnderReview, 1),
        held_by(claim("C-3", Status::UnderReview, 1), "alice"),
    ];
    let plan = plan_take_next(&lead, &next, &others, lease(), now()).unwrap();
    let taken: Vec<&str> = plan
        .events
        .iter()
        .filter_map(|e| e.claim_id.as_deref())
        .collect();
    assert_eq!(taken, ["C-1", "C-2"]);
    assert!(matches!(
        plan.events[0].kind,
        EventKind::Taken { next: true, .. }
    ));
}

#[test]
fn releasing_a_contest_never_releases_another_reviewers_other_claims() {
    let bob = actor("bob", Role::Reviewer);
    let contest = vec![
        held_by(claim("C-1", Status::UnderReview, 1), "bob"),
        held_by(claim("C-2", Status::UnderReview, 1), "bob"),
        held_by(claim("C-3", Status::UnderReview, 1), "alice"),
        claim("C-4", Status::UnderReview, 1),
    ];
    let plan = plan_release_contest(&bob, &contest, now()).unwrap();
    let released: Vec<&str> = plan
        .events
        .iter()
        .filter_map(|e| e.claim_id.as_deref())
        .collect();
    assert_eq!(released, ["C-1", "C-2"]);
    // Someone else's hold on the claim itself: a reviewer is refused, a lead lets it go.
    let theirs = vec![held_by(claim("C-3", Status::UnderReview, 1), "alice")];
    assert!(matches!(
        plan_release_contest(&bob, &theirs, now()),
        Err(StoreError::Held { .. })
    ));
    let plan = plan_release_contest(&actor("lee", Role::Lead), &theirs, now()).unwrap();
    assert_eq!(
        plan.events[0].kind,
        EventKind::Released {
            holder: Some("alice".into())
        }
    );
}

#[test]
fn renewing_extends_only_ones_own_live_holds_and_is_not_audited() {
    let mut expired = held_by(claim("C-2", Status::UnderReview, 1), "bob");
    expired.held_until = Some(now() - TimeDelta::seconds(1));
    let claims = vec![
        held_by(claim("C-1", Status::UnderReview, 1), "bob"),
        expired,
        held_by(claim("C-3", Status::UnderReview, 1), "alice"),
    ];
    let plan = plan_renew("bob", &claims, lease(), now());
    assert_eq!(plan.writes.len(), 1);
    assert!(plan.events.is_empty());
}

#[test]
fn a_lead_assigns_a_contest_to_an_active_reviewer() {
    let carol = Reviewer {
        login: "carol".into(),
        display_name: "Carol".into(),
        role: Role::Reviewer,
        active: true,
    };
    let contest = [
        held_by(claim("C-1", Status::UnderReview, 1), "alice"),
        claim("C-2", Status::InfoRequested, 1),
    ];
    let lee = actor("lee", Role::Lead);
    let plan = plan_assign(&lee, &contest, Some(&carol), "carol", now()).unwrap();
    assert_eq!(
        plan.events
            .iter()
            .map(|e| e.kind.clone())
            .collect::<Vec<_>>(),
        vec![
            EventKind::Assigned {
                from: Some("alice".into()),
                to: "carol".into()
            },
            EventKind::Assigned {
                from: None,
                to: "carol".into()
            },
        ]
    );
    // Alice's hold ends; the assignment is its own column, apart from the hold.
    assert!(plan.writes.contains(&Write::Hold {
        claim_id: "C-1".into(),
        holder: None,
        until: None,
    }));
    assert!(plan.writes.contains(&Write::Assign {
        claim_id: "C-2".into(),
        assignee: Some("carol".into()),
    }));
    // Non-leads are refused; so is an inactive or unknown reviewer, and a decided claim.
    let err = plan_assign(
        &actor("bob", Role::Reviewer),
        &contest,
        Some(&carol),
        "carol",
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("only a lead"), "{err}");
    let gone = Reviewer {
        active: false,
        ..carol.clone()
    };
    assert!(plan_assign(&lee, &contest, Some(&gone), "carol", now()).is_err());
    assert!(plan_assign(&lee, &contest, None, "zed", now()).is_err());
    let done = [claim("C-3", Status::Approved, 2)];
    assert!(plan_assign(&lee, &done, Some(&carol), "carol", now()).is_err());
    // Assigning again to the same reviewer changes nothing, even while she holds it.
    let mut assigned = held_by(claim("C-2", Status::UnderReview, 1), "carol");
    assigned.assignee = Some("carol".into());
    let plan = plan_assign(&lee, &[assigned], Some(&carol), "carol", now()).unwrap();
    assert!(plan.events.is_empty() && plan.writes.is_empty());
    // Releasing her hold keeps the assignment: only the hold is written.
    let mut held = held_by(claim("C-4", Status::UnderReview, 1), "carol");
    held.assignee = Some("carol".into());
    let plan = plan_release(&actor("carol", Role::Reviewer), &[held], now()).unwrap();
    assert_eq!(
        plan.writes,
        vec![Write::Hold {
            claim_id: "C-4".into(),
            holder: None,
            until: None,
        }]
    );
}
