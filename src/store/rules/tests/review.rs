//! Stale versions, empty text, the lifecycle and information requests.

use super::*;

#[test]
fn a_stale_version_is_refused_naming_the_last_change() {
    let bob = actor("bob", Role::Reviewer);
    let cur = claim("C-1", Status::UnderReview, 3);
    let err = plan_comment(
        &bob,
        &cur,
        &seen("C-1", 2),
        Visibility::Internal,
        "hi",
        now(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale { by, what, .. } if by == "carol" && what == "commented"),
        "{err:?}"
    );
    let plan = plan_comment(
        &bob,
        &cur,
        &seen("C-1", 3),
        Visibility::Internal,
        "hi",
        now(),
    )
    .unwrap();
    assert_eq!(plan.events.len(), 1);
    assert!(plan.writes.contains(&Write::Touch {
        claim_id: "C-1".into()
    }));
}

#[test]
fn empty_text_is_refused_before_anything_else() {
    let bob = actor("bob", Role::Reviewer);
    let cur = claim("C-1", Status::UnderReview, 1);
    let err = plan_comment(
        &bob,
        &cur,
        &seen("C-1", 9),
        Visibility::Internal,
        "  ",
        now(),
    );
    assert!(matches!(err, Err(StoreError::Invalid(_))));
    let mut d = decide("C-1", 1, DecisionOutcome::Rejected);
    d.reason = String::new();
    let err = plan_decide(&bob, &[cur], &[], &[d], now());
    assert!(matches!(err, Err(StoreError::Invalid(_))));
}

#[test]
fn the_lifecycle_forbids_moves_it_does_not_know() {
    let bob = actor("bob", Role::Reviewer);
    let waiting = claim("C-1", Status::InfoRequested, 1);
    let ask = InfoRequest {
        seen: seen("C-1", 1),
        body: "more PoE please".into(),
    };
    let err = plan_request_info(&bob, std::slice::from_ref(&waiting), &[ask], now());
    assert!(matches!(err, Err(StoreError::Transition { .. })));
    let plan = plan_start_review(&bob, &waiting, &seen("C-1", 1), now()).unwrap();
    assert_eq!(
        plan.writes,
        vec![Write::Status {
            claim_id: "C-1".into(),
            status: Status::UnderReview
        }]
    );
    let approved = claim("C-2", Status::Approved, 1);
    assert!(plan_start_review(&bob, &approved, &seen("C-2", 1), now()).is_err());
}

#[test]
fn an_information_request_pauses_the_clock_and_a_decision_ends_the_pause() {
    let bob = actor("bob", Role::Reviewer);
    let plan = plan_request_info(
        &bob,
        &[claim("C-1", Status::UnderReview, 1)],
        &[InfoRequest {
            seen: seen("C-1", 1),
            body: "PoE?".into(),
        }],
        now(),
    )
    .unwrap();
    assert!(plan.writes.contains(&Write::PauseStart {
        claim_id: "C-1".into(),
        at: now()
    }));
    let mut waiting = claim("C-1", Status::InfoRequested, 2);
    waiting.waiting_since = Some(now() - TimeDelta::hours(3));
    let plan = plan_decide(
        &bob,
        &[waiting],
        &[],
        &[decide("C-1", 2, DecisionOutcome::Rejected)],
        now(),
    )
    .unwrap();
    assert!(plan.writes.contains(&Write::PauseEnd {
        claim_id: "C-1".into(),
        at: now()
    }));
}
