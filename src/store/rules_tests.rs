//! The review engine's rules, checked without a database.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;

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
        last_change: Some(("carol".into(), now(), "commented".into())),
    }
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
    assert_eq!(plan.events.len(), 2);
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
