//! Who acts: roles, proven identity, integration logins, bulk imports and SSH keys.

use super::*;

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
