//! The review engine's rules, checked without a database.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::PoeItem;

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
fn who_may_act() {
    let me = |login: &str| Identity::trusted(login);
    assert!(resolve_actor(&me("anyone"), None, 0).unwrap().open_mode);
    let err = resolve_actor(&me("mallory"), None, 2).unwrap_err();
    assert!(err.to_string().contains("reviewer add mallory"), "{err}");
    let err = resolve_actor(&me("bob"), Some(("reviewer".into(), false)), 2).unwrap_err();
    assert!(err.to_string().contains("deactivated"), "{err}");
    let bob = resolve_actor(&me("bob"), Some(("reviewer".into(), true)), 2).unwrap();
    let new = Reviewer {
        login: "carl".into(),
        display_name: "Carl".into(),
        role: Role::Reviewer,
        active: true,
    };
    assert!(matches!(
        plan_add_reviewer(&bob, None, &new, now()),
        Err(StoreError::NotAllowed(_))
    ));
    // The first reviewer registered must be a lead.
    let open = resolve_actor(&me("root"), None, 0).unwrap();
    assert!(plan_add_reviewer(&open, None, &new, now()).is_err());
    let lead = Reviewer {
        role: Role::Lead,
        ..new.clone()
    };
    assert!(plan_add_reviewer(&open, None, &lead, now()).is_ok());
    assert!(matches!(
        plan_deactivate(&open, None, "ghost", now()),
        Err(StoreError::NotFound(_))
    ));
    assert!(plan_deactivate(&open, Some(&new), "carl", now()).is_ok());
}

fn proven(login: &str, administrator: bool) -> Identity {
    Identity {
        login: login.into(),
        proven: login.into(),
        proof: crate::model::Proof::DatabaseLogin,
        administrator,
    }
}

#[test]
fn reviewer_may_only_repeat_the_proven_login_unless_the_administrator_acts_for_someone() {
    let lead = Some(("lead".to_string(), true));
    // mallory, proven, names alice: refused once a team exists, with who they are.
    let mallory = proven("mallory", false).acting_as("alice");
    let err = resolve_actor(&mallory, lead.clone(), 2).unwrap_err();
    assert!(matches!(err, StoreError::NotAllowed(_)));
    assert!(
        err.to_string()
            .contains("you are mallory (the database login)"),
        "{err}"
    );
    assert!(check_identity(&mallory, 2).is_err());
    // In single-reviewer mode the name is only a label, as it always was.
    assert!(check_identity(&mallory, 0).is_ok());
    let labelled = resolve_actor(&mallory, None, 0).unwrap();
    assert_eq!((labelled.login.as_str(), labelled.via), ("alice", None));
    // alice as herself acts directly; the administrator acting for her is recorded as via.
    let alice = resolve_actor(&proven("alice", false), lead.clone(), 2).unwrap();
    assert_eq!((alice.role, alice.via), (Role::Lead, None));
    let admin = proven("postgres", true).acting_as("alice");
    let acted = resolve_actor(&admin, lead, 2).unwrap();
    assert_eq!(acted.login, "alice");
    assert_eq!(acted.via.as_deref(), Some("postgres"));
    // The administrator is not a reviewer by being one: told to name whom they act for.
    let err = resolve_actor(&proven("postgres", true), None, 2).unwrap_err();
    assert!(err.to_string().contains("--reviewer LOGIN"), "{err}");
}

#[test]
fn events_record_what_an_act_came_through() {
    let mut via_admin = actor("alice", Role::Lead);
    via_admin.via = Some("postgres".into());
    let plan = plan_start_review(
        &via_admin,
        &claim("C-1", Status::Submitted, 1),
        &seen("C-1", 1),
        now(),
    )
    .unwrap();
    assert_eq!(plan.events[0].actor, "alice");
    assert_eq!(plan.events[0].via.as_deref(), Some("postgres"));
}

#[test]
fn an_integration_login_imports_and_decides_nothing() {
    let feed = actor("feed", Role::Integration);
    let c = claim("C-1", Status::UnderReview, 1);
    let refused = |r: Result<WritePlan, StoreError>| {
        let err = r.unwrap_err();
        assert!(
            err.to_string().contains("feed is an integration login"),
            "{err}"
        );
    };
    refused(plan_decide(
        &feed,
        std::slice::from_ref(&c),
        &[],
        &[decide("C-1", 1, DecisionOutcome::Approved)],
        now(),
    ));
    refused(plan_comment(
        &feed,
        &c,
        &seen("C-1", 1),
        Visibility::Internal,
        "x",
        now(),
    ));
    refused(plan_take(&feed, std::slice::from_ref(&c), lease(), now()));
    refused(plan_take_next(&feed, &c, &[], lease(), now()));
    refused(plan_release(&feed, std::slice::from_ref(&c), now()));
    refused(plan_request_info(
        &feed,
        std::slice::from_ref(&c),
        &[InfoRequest {
            seen: seen("C-1", 1),
            body: "PoE?".into(),
        }],
        now(),
    ));
    // Bulk writes: import a lead or an integration login, generate a lead only.
    assert!(check_import(&feed, false).is_ok());
    assert!(check_import(&feed, true).is_err());
    assert!(check_import(&actor("al", Role::Lead), true).is_ok());
    let err = check_import(&actor("bob", Role::Reviewer), false).unwrap_err();
    assert!(
        err.to_string()
            .contains("only a lead or an integration login may import"),
        "{err}"
    );
    let err = require_lead(&feed, "add reviewers").unwrap_err();
    assert!(err.to_string().contains("an integration login"), "{err}");
}

#[test]
fn a_large_import_is_told_as_one_bulk_write_of_its_claims_events() {
    let ids: Vec<i64> = (11..=11 + 3 + 150 - 1).collect();
    // Three reference-data events first, then one per claim.
    assert_eq!(bulk_run(&ids, 150, false), Some((14, 163)));
    let exact: Vec<i64> = (1..=BULK_FEED_CLAIMS as i64).collect();
    assert_eq!(
        bulk_run(&exact, BULK_FEED_CLAIMS, false),
        Some((1, BULK_FEED_CLAIMS as i64))
    );
    // Small imports stay event by event; a generated batch is already one event.
    assert_eq!(bulk_run(&exact[1..], BULK_FEED_CLAIMS - 1, false), None);
    assert_eq!(bulk_run(&ids, 150, true), None);
    // More claims than events appended cannot happen; never a run then.
    assert_eq!(bulk_run(&ids[..10], 150, false), None);
}

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
    let plan = super::plan_decide(
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
            after
        }
    );
    assert_eq!(plan.events[1].claim_id.as_deref(), Some("C-1"));
    // A rejection associates nobody.
    let reject = [decide("C-1", 1, DecisionOutcome::Rejected)];
    let plan = super::plan_decide(&bob, &[cur], &contests, &reject, Guard::Enforce, now()).unwrap();
    assert!(!plan
        .writes
        .iter()
        .any(|w| matches!(w, Write::Associate { .. })));
    assert_eq!(plan.events.len(), 1);
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
        let err = super::plan_decide(
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
        super::plan_decide(&lee, one, &contests, &approve, Guard::Enforce, now()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Guarded { lead: true, .. }),
        "{err}"
    );
    // A lead's override is recorded as one, naming the findings, with the reason.
    let plan =
        super::plan_decide(&lee, one, &contests, &approve, Guard::LeadOverride, now()).unwrap();
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
    assert!(super::plan_decide(&bob, one, &contests, &reject, Guard::Enforce, now()).is_ok());
    let plan = super::plan_decide(
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
    assert!(plan.writes.contains(&Write::Hold {
        claim_id: "C-1".into(),
        holder: Some("carol".into()),
        until: None,
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
    // Assigning again to the same reviewer changes nothing.
    let mut assigned = claim("C-2", Status::UnderReview, 1);
    assigned.assigned_to = Some("carol".into());
    let plan = plan_assign(&lee, &[assigned], Some(&carol), "carol", now()).unwrap();
    assert!(plan.events.is_empty() && plan.writes.is_empty());
}

fn feed_claim(id: &str, status: Status, decision: Option<Decision>) -> FeedClaim {
    FeedClaim {
        current: claim(id, status, 1),
        mpn_id: "1234567".into(),
        decision,
        poe: 2,
    }
}

fn decided(outcome: DecisionOutcome, by: &str, at: DateTime<Utc>) -> Decision {
    Decision {
        outcome,
        by: by.into(),
        at,
        reason: "PoE checked".into(),
    }
}

fn reply(id: &str, reply_id: &str, body: &str) -> FeedLine {
    FeedLine::Reply {
        claim_id: id.into(),
        reply_id: reply_id.into(),
        at: now(),
        body: body.into(),
        poe: vec![PoeItem {
            kind: "signed SOW".into(),
            date: now().date_naive(),
            summary: "countersigned".into(),
            by: "Fabrikam".into(),
            attachment: "sow.pdf".into(),
        }],
    }
}

fn dispute(id: &str, dispute_id: &str, at: DateTime<Utc>) -> FeedLine {
    FeedLine::Dispute {
        claim_id: id.into(),
        dispute_id: dispute_id.into(),
        at,
        body: "we did the work".into(),
    }
}

fn refused_lines(err: StoreError) -> Vec<(usize, String, String)> {
    match err {
        StoreError::FeedRefused(problems) => problems,
        other => panic!("expected a feed refusal, got {other:?}"),
    }
}

#[test]
fn a_reply_brings_a_waiting_claim_back_as_the_partner_via_the_importer() {
    let feed = actor("feed", Role::Integration);
    let mut waiting = feed_claim("C-1", Status::InfoRequested, None);
    waiting.current.waiting_since = Some(now() - TimeDelta::days(2));
    let lines = vec![(3, reply("C-1", "R-1", "signed PoE attached"))];
    let out = plan_feed(
        &feed,
        &lines,
        &[waiting],
        &HashMap::new(),
        FeedPolicy::default(),
        now(),
    )
    .unwrap();
    assert_eq!((out.applied, out.replayed), (1, 0));
    let plan = out.plan;
    assert!(plan.writes.contains(&Write::Status {
        claim_id: "C-1".into(),
        status: Status::UnderReview
    }));
    assert!(plan.writes.contains(&Write::PauseEnd {
        claim_id: "C-1".into(),
        at: now()
    }));
    // Its PoE is numbered after the claim's own two items.
    assert!(plan
        .writes
        .iter()
        .any(|w| matches!(w, Write::Poe { seq: 2, .. })));
    assert!(plan.writes.iter().any(|w| matches!(w,
        Write::Comment { comment, .. } if comment.author == "partner:1234567"
            && comment.visibility == Visibility::Partner)));
    let event = &plan.events[0];
    assert_eq!(event.actor, "partner:1234567");
    assert_eq!(event.via.as_deref(), Some("feed"));
    assert!(matches!(
        &event.kind,
        EventKind::Replied {
            from: Status::InfoRequested,
            to: Status::UnderReview,
            poe: 1,
            ..
        }
    ));
}

#[test]
fn a_replayed_line_changes_nothing_and_the_same_id_with_other_content_is_refused() {
    let feed = actor("feed", Role::Integration);
    let line = reply("C-1", "R-1", "signed PoE attached");
    let mut applied = HashMap::new();
    applied.insert(("reply".to_string(), "R-1".to_string()), line.content());
    let claims = [feed_claim("C-1", Status::UnderReview, None)];
    let out = plan_feed(
        &feed,
        &[(1, line)],
        &claims,
        &applied,
        FeedPolicy::default(),
        now(),
    )
    .unwrap();
    assert_eq!((out.applied, out.replayed), (0, 1));
    assert!(out.plan.writes.is_empty() && out.plan.events.is_empty());

    let other = reply("C-1", "R-1", "a different answer");
    let err = plan_feed(
        &feed,
        &[(4, other)],
        &claims,
        &applied,
        FeedPolicy::default(),
        now(),
    )
    .unwrap_err();
    let problems = refused_lines(err);
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].0, problems[0].1.as_str()), (4, "reply_id"));
    assert!(problems[0].2.contains("other content"), "{problems:?}");
}

#[test]
fn a_withdrawal_is_refused_once_decided_and_every_bad_line_is_reported() {
    let feed = actor("feed", Role::Integration);
    let claims = [
        feed_claim(
            "C-1",
            Status::Approved,
            Some(decided(DecisionOutcome::Approved, "bob", now())),
        ),
        feed_claim("C-2", Status::UnderReview, None),
    ];
    let withdraw = |id: &str| FeedLine::Withdrawal {
        claim_id: id.into(),
        at: now(),
        reason: None,
    };
    let lines = vec![
        (1, withdraw("C-1")),
        (2, withdraw("C-2")),
        (3, withdraw("C-9")),
    ];
    let problems = refused_lines(
        plan_feed(
            &feed,
            &lines,
            &claims,
            &HashMap::new(),
            FeedPolicy::default(),
            now(),
        )
        .unwrap_err(),
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, 1);
    assert!(problems[0].2.contains("is approved"), "{problems:?}");
    assert_eq!((problems[1].0, problems[1].2.as_str()), (3, "no claim C-9"));
    // The undecided claim alone is withdrawn, as the partner.
    let out = plan_feed(
        &feed,
        &lines[1..2],
        &claims,
        &HashMap::new(),
        FeedPolicy::default(),
        now(),
    )
    .unwrap();
    assert!(matches!(
        &out.plan.events[0].kind,
        EventKind::Withdrawn {
            from: Status::UnderReview,
            ..
        }
    ));
}

#[test]
fn a_dispute_outside_the_window_says_when_it_closed() {
    let feed = actor("feed", Role::Integration);
    let decided_at = now() - TimeDelta::days(40);
    let claims = [feed_claim(
        "C-1",
        Status::Rejected,
        Some(decided(DecisionOutcome::Rejected, "bob", decided_at)),
    )];
    let late = [(7, dispute("C-1", "D-1", now()))];
    let problems = refused_lines(
        plan_feed(
            &feed,
            &late,
            &claims,
            &HashMap::new(),
            FeedPolicy::default(),
            now(),
        )
        .unwrap_err(),
    );
    assert_eq!((problems[0].0, problems[0].1.as_str()), (7, "at"));
    assert!(
        problems[0]
            .2
            .contains("the dispute window closed at 2026-11-20T10:00:00Z"),
        "{problems:?}"
    );
    // A longer window takes it.
    let out = plan_feed(
        &feed,
        &late,
        &claims,
        &HashMap::new(),
        FeedPolicy {
            dispute_window_days: 45,
        },
        now(),
    )
    .unwrap();
    assert!(out.plan.writes.contains(&Write::Status {
        claim_id: "C-1".into(),
        status: Status::Disputed
    }));
    // An undecided claim has nothing to dispute.
    let open = [feed_claim("C-2", Status::UnderReview, None)];
    let problems = refused_lines(
        plan_feed(
            &feed,
            &[(1, dispute("C-2", "D-2", now()))],
            &open,
            &HashMap::new(),
            FeedPolicy::default(),
            now(),
        )
        .unwrap_err(),
    );
    assert!(problems[0].2.contains("only a decision"), "{problems:?}");
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

fn ssh_key(login: &str, fingerprint: &str) -> SshKey {
    SshKey {
        fingerprint: fingerprint.into(),
        login: login.into(),
        public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample".into(),
        comment: "alice@laptop".into(),
        added_at: now(),
    }
}

fn reviewer(login: &str, active: bool) -> Reviewer {
    Reviewer {
        login: login.into(),
        display_name: login.into(),
        role: Role::Reviewer,
        active,
    }
}

#[test]
fn a_lead_registers_a_key_to_one_active_reviewer_audited_with_its_fingerprint() {
    let lead = actor("lena", Role::Lead);
    let key = ssh_key("alice", "SHA256:aaa");
    let alice = reviewer("alice", true);
    let plan = plan_add_key(&lead, Some(&alice), None, &key).unwrap();
    assert_eq!(plan.writes, vec![Write::Key(key.clone())]);
    assert_eq!(plan.events.len(), 1);
    assert_eq!(plan.events[0].actor, "lena");
    assert_eq!(
        plan.events[0].kind,
        EventKind::KeyAdded {
            login: "alice".into(),
            fingerprint: "SHA256:aaa".into(),
            key: key.public_key.clone(),
        }
    );
    // Not a lead: refused, whoever the key is for (their own included).
    let err = plan_add_key(&actor("alice", Role::Reviewer), Some(&alice), None, &key).unwrap_err();
    assert!(matches!(err, StoreError::NotAllowed(_)), "{err}");
    // Nobody, or a deactivated reviewer, to sign in as.
    let err = plan_add_key(&lead, None, None, &key).unwrap_err();
    assert!(
        err.to_string().contains("claimdesk reviewer add alice"),
        "{err}"
    );
    assert!(plan_add_key(&lead, Some(&reviewer("alice", false)), None, &key).is_err());
    // A key signs in one reviewer: already bob's, it is not also alice's.
    let err = plan_add_key(
        &lead,
        Some(&alice),
        Some(&ssh_key("bob", "SHA256:aaa")),
        &key,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("already registered to bob"),
        "{err}"
    );
}

#[test]
fn a_lead_removes_a_registered_key_audited_with_whose_it_was() {
    let lead = actor("lena", Role::Lead);
    let key = ssh_key("alice", "SHA256:aaa");
    let plan = plan_remove_key(&lead, Some(&key), "SHA256:aaa", now()).unwrap();
    assert_eq!(
        plan.writes,
        vec![Write::RemoveKey {
            fingerprint: "SHA256:aaa".into()
        }]
    );
    assert_eq!(
        plan.events[0].kind,
        EventKind::KeyRemoved {
            login: "alice".into(),
            fingerprint: "SHA256:aaa".into(),
        }
    );
    let err = plan_remove_key(&lead, None, "SHA256:zzz", now()).unwrap_err();
    assert!(err.to_string().contains("reviewer key list"), "{err}");
    assert!(matches!(
        plan_remove_key(
            &actor("bob", Role::Integration),
            Some(&key),
            "SHA256:aaa",
            now()
        ),
        Err(StoreError::NotAllowed(_))
    ));
}
