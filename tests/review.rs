//! Reviewing writes on both backends: comments, information requests, decisions, holds, roles,
//! drafts, and what two reviewers acting at once can and cannot do.

mod common;

use chrono::{TimeDelta, TimeZone, Utc};
use claimdesk::domain::*;
use claimdesk::store::*;
use uuid::Uuid;

fn claim(id: &str, partner: &str, tenant: u128, product: &str, day: u32) -> Claim {
    Claim {
        claim_id: id.into(),
        partner: Partner {
            name: partner.into(),
            mpn_id: format!("{}", 1000 + id.len()),
        },
        customer: Customer {
            tenant_id: Uuid::from_u128(tenant),
            domain: "t.onmicrosoft.com".into(),
        },
        // Microsoft 365: no subscription asked, so no error finding stands in a decision's way
        // (the approval guard is tests/associations.rs's).
        solution_area: SolutionArea::Microsoft365,
        activity: Activity::Usage,
        product: product.into(),
        subscription_id: None,
        purchase_channel: PurchaseChannel::WebDirect,
        submitted_at: Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap(),
        status: Status::UnderReview,
        poe: vec![],
        comments: vec![],
    }
}

/// A three-party contest (G-1..G-3) and 2 lone claims.
async fn seed(store: &Store) {
    let claims = vec![
        claim("G-1", "Contoso", 1, "Dynamics 365 Sales", 2),
        claim("G-2", "Fabrikam", 1, "Dynamics 365 Sales", 3),
        claim("G-3", "Northwind", 1, "Dynamics 365 Sales", 4),
        claim("L-1", "Tailspin", 2, "Exchange Online", 5),
        claim("L-2", "Wingtip", 3, "Exchange Online", 6),
    ];
    let batch = ImportBatch {
        claims: claims
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i + 1, c))
            .collect(),
        ..ImportBatch::default()
    };
    store
        .import(
            &batch,
            &Audit {
                actor: "loader".into(),
                mode: AuditMode::PerClaim,
            },
        )
        .await
        .unwrap();
}

async fn seen(store: &Store, id: &str) -> Seen {
    let v = store.claim(id).await.unwrap().unwrap();
    Seen {
        claim_id: id.into(),
        version: v.version,
    }
}

async fn status(store: &Store, id: &str) -> Status {
    store.claim(id).await.unwrap().unwrap().claim.status
}

fn reviewer(login: &str, role: Role) -> Reviewer {
    Reviewer {
        login: login.into(),
        display_name: login.to_uppercase(),
        role,
        active: true,
    }
}

/// Registers carol (lead), alice and bob (reviewers).
async fn team(store: &Store) {
    store
        .add_reviewer(&reviewer("carol", Role::Lead), "carol")
        .await
        .unwrap();
    store
        .add_reviewer(&reviewer("alice", Role::Reviewer), "carol")
        .await
        .unwrap();
    store
        .add_reviewer(&reviewer("bob", Role::Reviewer), "carol")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_comment_bumps_the_version_and_a_stale_one_writes_nothing() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let first = seen(s, "L-1").await;
        let v2 = s
            .comment(&first, "alice", Visibility::Internal, "checked the PoE")
            .await
            .unwrap();
        assert_eq!(v2, first.version + 1);
        // Bob still has the old version on screen.
        let err = s
            .comment(&first, "bob", Visibility::Partner, "please resend")
            .await
            .unwrap_err();
        match &err {
            StoreError::Stale { by, what, .. } => {
                assert_eq!((by.as_str(), what.as_str()), ("alice", "commented"))
            }
            other => panic!("{}: {other:?}", t.backend),
        }
        assert!(err.to_string().contains("changed by alice"), "{err}");
        let view = s.claim("L-1").await.unwrap().unwrap();
        assert_eq!(view.claim.comments.len(), 1);
        assert_eq!(view.claim.comments[0].author, "alice");
        let kinds: Vec<String> = s
            .events("L-1")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind.code().to_string())
            .collect();
        assert_eq!(kinds, vec!["imported", "commented"]);
        assert!(matches!(
            s.comment(&seen(s, "L-1").await, "alice", Visibility::Internal, "  ")
                .await,
            Err(StoreError::Invalid(_))
        ));
    }
}

#[tokio::test]
async fn text_past_the_limits_is_refused_alike_on_both_backends_and_writes_nothing() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let at = seen(s, "L-1").await;
        let too_long = "x".repeat(claimdesk::domain::text::LONG_MAX + 1);
        for (body, why) in [
            ("a\0b", "the comment contains a NUL character"),
            (too_long.as_str(), "the comment too long"),
        ] {
            let err = s
                .comment(&at, "alice", Visibility::Internal, body)
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::Invalid(_)),
                "{}: {err:?}",
                t.backend
            );
            assert!(err.to_string().starts_with(why), "{}: {err}", t.backend);
        }
        let decision = DecisionRequest {
            seen: at.clone(),
            outcome: DecisionOutcome::Rejected,
            reason: "no\0pe".into(),
        };
        assert!(matches!(
            s.decide(&[decision], "alice").await,
            Err(StoreError::Invalid(_))
        ));
        let err = s
            .add_reviewer(&reviewer("bad login", Role::Lead), "bad login")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("the login contains whitespace"),
            "{err}"
        );
        assert_eq!(seen(s, "L-1").await.version, at.version, "{}", t.backend);
        assert!(s.reviewers().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_info_request_to_a_group_writes_one_partner_comment_per_claim_or_nothing() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let mut requests = Vec::new();
        for id in ["G-1", "G-2", "G-3"] {
            requests.push(InfoRequest {
                seen: seen(s, id).await,
                body: format!("Please send signed PoE ({id})"),
            });
        }
        // One stale member spoils the whole request.
        let mut stale = requests.clone();
        stale[2].seen.version -= 1;
        assert!(matches!(
            s.request_info(&stale, "alice").await,
            Err(StoreError::Stale { .. })
        ));
        for id in ["G-1", "G-2", "G-3"] {
            assert_eq!(status(s, id).await, Status::UnderReview, "{}", t.backend);
            assert!(s
                .claim(id)
                .await
                .unwrap()
                .unwrap()
                .claim
                .comments
                .is_empty());
        }
        s.request_info(&requests, "alice").await.unwrap();
        for id in ["G-1", "G-2", "G-3"] {
            let v = s.claim(id).await.unwrap().unwrap();
            assert_eq!(v.claim.status, Status::InfoRequested);
            assert_eq!(v.claim.comments.len(), 1);
            let c = &v.claim.comments[0];
            assert_eq!(c.visibility, Visibility::Partner);
            assert_eq!(
                c.body,
                format!("Please send signed PoE ({id})"),
                "each partner sees only its own text"
            );
        }
        let counts = s.tab_counts("alice", "").await.unwrap();
        assert_eq!(
            (counts.info_requested, counts.under_review, counts.contested),
            (3, 2, 3)
        );
        // The partner answered: back to review.
        s.start_review(&seen(s, "G-1").await, "alice")
            .await
            .unwrap();
        assert_eq!(status(s, "G-1").await, Status::UnderReview);
    }
}

#[tokio::test]
async fn approving_one_party_rejects_the_others_atomically() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let decisions = vec![
            DecisionRequest {
                seen: seen(s, "G-2").await,
                outcome: DecisionOutcome::Approved,
                reason: "most recent valid PoE".into(),
            },
            DecisionRequest {
                seen: seen(s, "G-1").await,
                outcome: DecisionOutcome::Rejected,
                reason: "lost in arbitration to another partner".into(),
            },
            DecisionRequest {
                seen: seen(s, "G-3").await,
                outcome: DecisionOutcome::Rejected,
                reason: "insufficient PoE".into(),
            },
        ];
        // If one part fails (here: an empty reason), nothing is decided.
        let mut broken = decisions.clone();
        broken[2].reason = " ".into();
        assert!(s.decide(&broken, "alice").await.is_err());
        assert_eq!(status(s, "G-2").await, Status::UnderReview, "{}", t.backend);

        s.decide(&decisions, "alice").await.unwrap();
        let g2 = s.claim("G-2").await.unwrap().unwrap();
        assert_eq!(g2.claim.status, Status::Approved);
        let d = g2.decision.clone().unwrap();
        assert_eq!(
            (d.outcome, d.by.as_str(), d.reason.as_str()),
            (DecisionOutcome::Approved, "alice", "most recent valid PoE")
        );
        assert_eq!(status(s, "G-1").await, Status::Rejected);
        assert_eq!(status(s, "G-3").await, Status::Rejected);
        assert!(!g2.contested(), "no open rival is left");
        assert_eq!(s.tab_counts("alice", "").await.unwrap().contested, 0);

        // A decided claim cannot be decided again by a plain flow...
        let again = DecisionRequest {
            seen: seen(s, "G-1").await,
            outcome: DecisionOutcome::Rejected,
            reason: "x".into(),
        };
        assert!(matches!(
            s.decide(&[again], "alice").await,
            Err(StoreError::Transition { .. })
        ));
        // ...and a later claim for the same customer and product cannot be approved too.
        let late = ImportBatch {
            claims: vec![(1, claim("G-4", "Adatum", 1, "dynamics 365 sales", 9))],
            ..ImportBatch::default()
        };
        s.import(
            &late,
            &Audit {
                actor: "loader".into(),
                mode: AuditMode::PerClaim,
            },
        )
        .await
        .unwrap();
        let approve = DecisionRequest {
            seen: seen(s, "G-4").await,
            outcome: DecisionOutcome::Approved,
            reason: "ok".into(),
        };
        match s.decide(&[approve], "alice").await {
            Err(StoreError::AlreadyApproved { other, .. }) => assert_eq!(other, "G-2"),
            other => panic!("{}: {other:?}", t.backend),
        }
        let kinds: Vec<String> = s
            .events("G-2")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind.code().to_string())
            .collect();
        // The approval made G-2's MPN the association (issue 11).
        assert_eq!(kinds, vec!["imported", "decided", "association_changed"]);
    }
}

#[tokio::test]
async fn two_reviewers_deciding_one_group_at_once_land_exactly_one_decision() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let mut plans = Vec::new();
        for (winner, who) in [("G-1", "alice"), ("G-3", "bob")] {
            let mut decisions = Vec::new();
            for id in ["G-1", "G-2", "G-3"] {
                let outcome = if id == winner {
                    DecisionOutcome::Approved
                } else {
                    DecisionOutcome::Rejected
                };
                decisions.push(DecisionRequest {
                    seen: seen(s, id).await,
                    outcome,
                    reason: format!("{who} decided"),
                });
            }
            plans.push((decisions, who));
        }
        let (a, b) = (s.clone(), s.clone());
        let (p1, p2) = (plans.remove(0), plans.remove(0));
        let (r1, r2) = tokio::join!(async move { a.decide(&p1.0, p1.1).await }, async move {
            b.decide(&p2.0, p2.1).await
        });
        let landed = [r1.is_ok(), r2.is_ok()].iter().filter(|ok| **ok).count();
        assert_eq!(landed, 1, "{}: {r1:?} / {r2:?}", t.backend);
        let loser = if r1.is_ok() { r2 } else { r1 };
        assert!(
            matches!(loser, Err(StoreError::Stale { .. })),
            "{}: {loser:?}",
            t.backend
        );
        let mut approved = 0;
        for id in ["G-1", "G-2", "G-3"] {
            if status(s, id).await == Status::Approved {
                approved += 1;
            }
        }
        assert_eq!(approved, 1);
    }
}

#[tokio::test]
async fn pressing_next_together_never_hands_out_a_claim_twice() {
    for t in common::stores().await {
        let s = &t.store;
        let claims: Vec<(usize, Claim)> = (0..200u32)
            .map(|i| {
                (
                    i as usize + 1,
                    claim(
                        &format!("N-{i:03}"),
                        &format!("P{i}"),
                        u128::from(i) + 100,
                        "Teams",
                        1 + i % 20,
                    ),
                )
            })
            .collect();
        s.import(
            &ImportBatch {
                claims,
                ..ImportBatch::default()
            },
            &Audit {
                actor: "loader".into(),
                mode: AuditMode::Summary("200".into()),
            },
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for n in 0..20 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                for _ in 0..12 {
                    if let Some(id) = s
                        .take_next(&format!("rev{n}"), DEFAULT_LEASE)
                        .await
                        .unwrap()
                    {
                        got.push(id);
                    }
                }
                got
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        let handed = all.len();
        all.sort();
        all.dedup();
        assert_eq!(
            all.len(),
            handed,
            "{}: a claim was handed out twice",
            t.backend
        );
        assert_eq!(
            handed, 200,
            "{}: 240 presses on 200 claims hand out all of them",
            t.backend
        );
        assert_eq!(s.take_next("late", DEFAULT_LEASE).await.unwrap(), None);
    }
}

#[tokio::test]
async fn holds_roles_and_overrides_are_enforced_by_the_store() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        // Before anyone is registered, anyone may act; the first reviewer must be a lead.
        assert!(matches!(
            s.add_reviewer(&reviewer("alice", Role::Reviewer), "alice")
                .await,
            Err(StoreError::NotAllowed(_))
        ));
        team(s).await;
        let err = s
            .comment(&seen(s, "L-1").await, "mallory", Visibility::Internal, "hi")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("not a registered reviewer"),
            "{err}"
        );
        assert!(matches!(
            s.add_reviewer(&reviewer("eve", Role::Lead), "alice").await,
            Err(StoreError::NotAllowed(_))
        ));

        s.take(&["L-1".to_string()], "alice", DEFAULT_LEASE)
            .await
            .unwrap();
        let view = s.claim("L-1").await.unwrap().unwrap();
        assert_eq!(view.assigned_to.as_deref(), Some("alice"));
        assert_eq!(s.tab_counts("alice", "").await.unwrap().mine, 1);
        // Bob can neither decide nor take what Alice holds.
        let reject = DecisionRequest {
            seen: seen(s, "L-1").await,
            outcome: DecisionOutcome::Rejected,
            reason: "no PoE".into(),
        };
        match s.decide(std::slice::from_ref(&reject), "bob").await {
            Err(StoreError::Held { by, .. }) => assert_eq!(by, "alice"),
            other => panic!("{}: {other:?}", t.backend),
        }
        assert!(matches!(
            s.take(&["L-1".to_string()], "bob", DEFAULT_LEASE).await,
            Err(StoreError::Held { .. })
        ));
        // Carol, a lead, reassigns it to herself and decides.
        s.take(&["L-1".to_string()], "carol", DEFAULT_LEASE)
            .await
            .unwrap();
        s.decide(&[reject], "carol").await.unwrap();
        // Overriding a decision is a lead's act.
        let flip = DecisionRequest {
            seen: seen(s, "L-1").await,
            outcome: DecisionOutcome::Approved,
            reason: "PoE arrived late".into(),
        };
        s.release(&["L-1".to_string()], "carol").await.unwrap();
        assert!(matches!(
            s.decide(std::slice::from_ref(&flip), "bob").await,
            Err(StoreError::NotAllowed(_))
        ));
        s.decide(&[flip], "carol").await.unwrap();
        assert_eq!(status(s, "L-1").await, Status::Approved);
        let kinds: Vec<String> = s
            .events("L-1")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind.code().to_string())
            .collect();
        assert_eq!(
            kinds,
            vec![
                "imported",
                "taken",
                "reassigned",
                "decided",
                "released",
                "overridden",
                "association_changed",
            ],
            "{}",
            t.backend
        );

        // A deactivated reviewer can no longer write.
        s.deactivate_reviewer("bob", "carol").await.unwrap();
        let err = s
            .comment(&seen(s, "L-2").await, "bob", Visibility::Internal, "hi")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("deactivated"), "{err}");
        let logins: Vec<(String, bool)> = s
            .reviewers()
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.login, r.active))
            .collect();
        assert_eq!(
            logins,
            vec![
                ("alice".into(), true),
                ("bob".into(), false),
                ("carol".into(), true)
            ]
        );
        let audit = s.audit(None, None, 100).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.kind.code() == "reviewer_deactivated" && e.actor == "carol"));
    }
}

#[tokio::test]
async fn an_expired_hold_frees_the_claim() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        team(s).await;
        s.take(&["L-2".to_string()], "alice", TimeDelta::milliseconds(1))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        s.take(&["L-2".to_string()], "bob", DEFAULT_LEASE)
            .await
            .unwrap();
        assert_eq!(
            s.claim("L-2")
                .await
                .unwrap()
                .unwrap()
                .assigned_to
                .as_deref(),
            Some("bob")
        );
    }
}

#[tokio::test]
async fn drafts_survive_and_can_be_discarded() {
    for t in common::stores().await {
        let s = &t.store;
        assert_eq!(s.draft("alice", "comment:L-1").await.unwrap(), None);
        s.save_draft("alice", "comment:L-1", Visibility::Partner, "Dear partner")
            .await
            .unwrap();
        s.save_draft(
            "alice",
            "comment:L-1",
            Visibility::Internal,
            "Dear partner, please",
        )
        .await
        .unwrap();
        let d = s.draft("alice", "comment:L-1").await.unwrap().unwrap();
        assert_eq!(
            (d.visibility, d.body.as_str()),
            (Visibility::Internal, "Dear partner, please")
        );
        assert_eq!(
            s.draft("bob", "comment:L-1").await.unwrap(),
            None,
            "drafts are per reviewer"
        );
        s.discard_draft("alice", "comment:L-1").await.unwrap();
        assert_eq!(s.draft("alice", "comment:L-1").await.unwrap(), None);
    }
}

#[tokio::test]
async fn sessions_learn_what_changed_from_the_event_feed() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let mark = s.last_event_id().await.unwrap();
        s.comment(&seen(s, "L-1").await, "alice", Visibility::Internal, "note")
            .await
            .unwrap();
        let new = s.events_since(mark, 100).await.unwrap();
        assert_eq!(new.len(), 1, "{}", t.backend);
        assert_eq!(
            (new[0].claim_id.as_deref(), new[0].kind.code()),
            (Some("L-1"), "commented")
        );
        assert!(s.events_since(new[0].id, 100).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_watcher_hears_another_sessions_change_within_a_second() {
    for t in common::stores().await {
        let here = &t.store;
        seed(here).await;
        let mut feed = here.watch(here.last_event_id().await.unwrap());
        // Another reviewer's session: a second, independent connection to the same database.
        let there = Store::open(&t.url).await.unwrap();
        there
            .comment(
                &seen(&there, "L-2").await,
                "bob",
                Visibility::Internal,
                "on it",
            )
            .await
            .unwrap();
        let heard = tokio::time::timeout(std::time::Duration::from_secs(1), async {
            loop {
                match feed.recv().await {
                    Some(Change::Events(events)) => return events,
                    Some(_) => continue,
                    None => panic!("the feed closed"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{}: no change heard within a second", t.backend));
        assert_eq!(heard.len(), 1);
        assert_eq!(
            (heard[0].claim_id.as_deref(), heard[0].actor.as_str()),
            (Some("L-2"), "bob")
        );
    }
}

/// What a watcher reported, one line per report item: an event as "actor kind claim", a bulk
/// write as "actor bulk N"; collected until `done` holds (or fails after 5 s).
async fn heard_until(
    feed: &mut tokio::sync::mpsc::Receiver<Change>,
    done: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let mut heard = Vec::new();
    let collect = async {
        while !done(&heard) {
            match feed.recv().await {
                Some(Change::Events(events)) => heard.extend(events.iter().map(|e| {
                    let claim = e.claim_id.as_deref().unwrap_or("-");
                    format!("{} {} {claim}", e.actor, e.kind.code())
                })),
                Some(Change::Bulk(b)) => heard.push(format!("{} bulk {}", b.actor, b.claims)),
                Some(_) => {}
                None => panic!("the feed closed"),
            }
        }
    };
    if tokio::time::timeout(std::time::Duration::from_secs(5), collect)
        .await
        .is_err()
    {
        panic!("not all heard within 5 s: {heard:?}");
    }
    heard
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:04}")).collect()
}

fn plain(ids: &[String]) -> ImportBatch {
    common::plain_batch(&ids.iter().map(String::as_str).collect::<Vec<_>>())
}

#[tokio::test]
async fn a_bulk_import_reaches_a_watcher_as_one_report_and_other_events_one_by_one() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let mut feed = s.watch(s.last_event_id().await.unwrap());
        let there = Store::open(&t.url).await.unwrap();
        there
            .comment(&seen(&there, "L-1").await, "bob", Visibility::Internal, "a")
            .await
            .unwrap();
        there
            .import(&plain(&ids("BIG", 250)), &common::by("carol"))
            .await
            .unwrap();
        there
            .import(&plain(&ids("SMALL", 2)), &common::by("dave"))
            .await
            .unwrap();
        there
            .comment(&seen(&there, "L-2").await, "bob", Visibility::Internal, "b")
            .await
            .unwrap();
        let heard = heard_until(&mut feed, |h| h.len() >= 5).await;
        assert_eq!(
            heard,
            [
                "bob commented L-1",
                "carol bulk 250",
                "dave imported SMALL-0000",
                "dave imported SMALL-0001",
                "bob commented L-2",
            ],
            "{}",
            t.backend
        );
        // The audit log still holds every event, chained as ever.
        let all = s.audit(None, None, 10_000).await.unwrap();
        let imported = all.iter().filter(|e| e.kind.code() == "imported").count();
        assert_eq!(imported, 5 + 250 + 2, "{}", t.backend);
        let check = s.verify_audit(None).await.unwrap();
        assert_eq!(check.broken, None, "{}", t.backend);
        assert_eq!(check.events, all.len() as u64, "{}", t.backend);
    }
}

#[tokio::test]
async fn a_watcher_started_during_imports_misses_nothing() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let start = s.last_event_id().await.unwrap();
        // Three imports in a row on another connection, a watcher started while they run, and
        // one started before them.
        let there = Store::open(&t.url).await.unwrap();
        let imports = tokio::spawn(async move {
            for (i, prefix) in ["A", "B", "C"].into_iter().enumerate() {
                there
                    .import(&plain(&ids(prefix, 150 + i)), &common::by("carol"))
                    .await
                    .unwrap();
            }
        });
        while s.claim_count().await.unwrap() == 5 {
            tokio::task::yield_now().await;
        }
        let mid = s.last_event_id().await.unwrap();
        let mut late = s.watch(mid);
        let mut early = s.watch(start);
        imports.await.unwrap();
        let total = |h: &[String]| -> usize {
            h.iter()
                .map(|l| l.rsplit(' ').next().unwrap().parse::<usize>().unwrap_or(1))
                .sum()
        };
        let all = heard_until(&mut early, |h| total(h) >= 150 + 151 + 152).await;
        assert_eq!(
            all,
            ["carol bulk 150", "carol bulk 151", "carol bulk 152"],
            "{}",
            t.backend
        );
        // The late watcher began after at least the first import committed: it is told
        // exactly the imports after its start, as many claims as the store holds beyond it.
        let held = s.claim_count().await.unwrap() as usize;
        let already = s
            .events_since(start, 10_000)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.id <= mid)
            .count();
        let rest = heard_until(&mut late, |h| total(h) + already >= held - 5).await;
        assert_eq!(total(&rest) + already, held - 5, "{}: {rest:?}", t.backend);
        assert!(
            rest.iter().all(|l| l.starts_with("carol bulk ")),
            "{rest:?}"
        );
    }
}

#[tokio::test]
async fn a_watcher_inside_a_bulk_write_is_told_the_rest_of_it_counted() {
    for t in common::stores().await {
        let s = &t.store;
        seed(s).await;
        let mark = s.last_event_id().await.unwrap();
        s.import(&plain(&ids("BIG", 120)), &common::by("carol"))
            .await
            .unwrap();
        // As when the import committed between a watcher's two reads: it read the run's first
        // 20 events one by one.
        let (events, bulk) = s.changes_since(mark + 20, 500).await.unwrap();
        assert!(events.is_empty(), "{}", t.backend);
        let bulk = bulk.expect("the rest of the run");
        assert_eq!(
            (bulk.claims, bulk.first_id, bulk.actor.as_str()),
            (100, mark + 21, "carol"),
            "{}",
            t.backend
        );
        // Events before a run come first, up to the limit; the run follows them.
        let (events, bulk) = s.changes_since(0, 3).await.unwrap();
        assert_eq!((events.len(), bulk), (3, None), "{}", t.backend);
        let (events, bulk) = s.changes_since(3, 500).await.unwrap();
        assert_eq!(events.len() as i64, mark - 3, "{}", t.backend);
        assert_eq!(bulk.map(|b| b.claims), Some(120), "{}", t.backend);
        assert!(s.changes_since(mark + 120, 500).await.unwrap().0.is_empty());
    }
}

#[tokio::test]
async fn a_contest_is_taken_released_and_read_as_one() {
    for t in common::stores().await {
        let store = &t.store;
        seed(store).await;
        team(store).await;
        let lease = TimeDelta::minutes(30);
        let ids = |v: Vec<ClaimView>| -> Vec<String> {
            v.into_iter().map(|c| c.claim.claim_id).collect()
        };
        // Any claim of a contest reads the whole contest, in claim id order; a lone claim itself.
        for from in ["G-1", "G-3"] {
            let contest = store.contest(&[from.to_string()]).await.unwrap();
            assert_eq!(
                ids(contest),
                ["G-1", "G-2", "G-3"],
                "{} from {from}",
                t.backend
            );
        }
        assert_eq!(ids(store.contest(&["L-1".into()]).await.unwrap()), ["L-1"]);
        let detail = store.claim_detail("G-2").await.unwrap().unwrap();
        assert_eq!(detail.view.claim.claim_id, "G-2");
        assert_eq!(detail.events.len(), 1, "{}: the import event", t.backend);
        assert!(store.claim_detail("NOPE").await.unwrap().is_none());

        // bob takes the contest from G-2: all three are his.
        let taken = store
            .take_contest("G-2", "bob", lease, false)
            .await
            .unwrap();
        assert_eq!(taken, ["G-2", "G-1", "G-3"], "{}", t.backend);
        // A lead is refused until they mean to take it over; then it is audited as such.
        let err = store
            .take_contest("G-1", "carol", lease, false)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Held { ref by, .. } if by == "bob"),
            "{err}"
        );
        let err = store
            .take_contest("G-1", "alice", lease, true)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Held { .. }),
            "{}: a reviewer never takes over",
            t.backend
        );
        store
            .take_contest("G-1", "carol", lease, true)
            .await
            .unwrap();
        let events = store.events("G-3").await.unwrap();
        assert!(
            matches!(&events.last().unwrap().kind, EventKind::Reassigned { from, to } if from == "bob" && to == "carol"),
            "{}: {events:?}",
            t.backend
        );
        // Releasing from one claim lets go of the lead's holds on the whole contest.
        let released = store.release_contest("G-3", "carol").await.unwrap();
        assert_eq!(released, ["G-3", "G-1", "G-2"], "{}", t.backend);
        assert!(store
            .claim("G-1")
            .await
            .unwrap()
            .unwrap()
            .assigned_to
            .is_none());
    }
}
