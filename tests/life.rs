//! A claim's whole life on every backend (issue 11): an information request, the partner's
//! reply through the feed (paused time moving `sla_due_at`), an approval, another partner's
//! later claim contested with the incumbent that approval made, a dispute inside the window, the
//! re-decision by another reviewer (the association ending when the approval is overturned), and
//! the outbox and audit log saying so. The feed
//! replays safely; the same id with other content is refused; a dispute after the window is
//! refused saying when it closed.

mod common;

use chrono::{DateTime, TimeDelta, Utc};

use claimdesk::domain::{BusinessCalendar, DecisionOutcome, Partner, SlaPolicy, Status};
use claimdesk::interchange::parse_str;
use claimdesk::model::{ClaimView, EventKind, OutboxKind};
use claimdesk::store::{
    Anchor, DecisionRequest, ImportBatch, InfoRequest, QueueQuery, QueueRow, QueueSort, QueueTab,
    Seen, Store, StoreError,
};

fn rfc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn seen(store: &Store, id: &str) -> (Seen, Status) {
    let v = store.claim(id).await.unwrap().expect("claim");
    (
        Seen {
            claim_id: id.into(),
            version: v.version,
        },
        v.claim.status,
    )
}

async fn view(store: &Store, id: &str) -> ClaimView {
    store.claim(id).await.unwrap().expect("claim")
}

/// The claim ids of the contest opened from `id`, and the party count each of them shows.
async fn parties(store: &Store, id: &str) -> (Vec<String>, Vec<u32>) {
    let views = store.contest(&[id.to_string()]).await.unwrap();
    let ids: Vec<String> = views.iter().map(|v| v.claim.claim_id.clone()).collect();
    let mut counts = Vec::new();
    for id in &ids {
        let rows = queue(store, QueueTab::All, &id.to_lowercase()).await;
        counts.extend(rows.iter().filter(|r| &r.claim_id == id).map(|r| r.parties));
    }
    (ids, counts)
}

async fn queue(store: &Store, tab: QueueTab, filter: &str) -> Vec<QueueRow> {
    store
        .queue_page(&QueueQuery {
            tab,
            sort: QueueSort::ClaimId,
            reverse: false,
            behind: None,
            filter: filter.into(),
            reviewer: "lee".into(),
            anchor: Anchor::First,
            limit: 10,
        })
        .await
        .unwrap()
}

async fn contested_tab(store: &Store) -> Vec<String> {
    let rows = queue(store, QueueTab::Contested, "").await;
    rows.into_iter().map(|r| r.claim_id).collect()
}

/// alice decides the contest of C-1 and C-2: C-1 approved, C-2 rejected with it.
async fn arbitrate(store: &Store) {
    let (s1, _) = seen(store, "C-1").await;
    let (s2, _) = seen(store, "C-2").await;
    store
        .decide(
            &[
                decide(s1, DecisionOutcome::Approved, "Most recent valid PoE"),
                decide(s2, DecisionOutcome::Rejected, "Lost in arbitration"),
            ],
            "alice",
        )
        .await
        .unwrap();
}

fn feed(lines: &[String]) -> ImportBatch {
    parse_str(&lines.join("\n")).expect("feed parses")
}

fn decide(seen: Seen, outcome: DecisionOutcome, reason: &str) -> DecisionRequest {
    DecisionRequest {
        seen,
        outcome,
        reason: reason.into(),
    }
}

#[tokio::test]
async fn request_reply_decide_dispute_and_decide_again_with_the_outbox_and_audit_saying_so() {
    for t in common::stores().await {
        let b = t.backend;
        let store = &t.store;
        let mut claim = common::plain_claim("C-1");
        claim.submitted_at = Utc::now() - TimeDelta::hours(1);
        store
            .import(
                &ImportBatch {
                    claims: vec![(1, claim.clone())],
                    ..Default::default()
                },
                &common::by("feed"),
            )
            .await
            .unwrap();

        // A request: the outbox carries it once, the clock pauses.
        let (s, _) = seen(store, "C-1").await;
        store
            .request_info(
                &[InfoRequest {
                    seen: s,
                    body: "Please attach the signed SOW".into(),
                }],
                "alice",
            )
            .await
            .unwrap();
        let out = store.outbox("lead", 0, 100).await.unwrap();
        assert_eq!(out.len(), 1, "{b}: {out:?}");
        assert_eq!(out[0].kind, OutboxKind::InfoRequest);
        assert_eq!(
            (out[0].status, out[0].mpn_id.as_str()),
            (Status::InfoRequested, "100")
        );
        let requested_at = out[0].at;
        assert!(store
            .outbox("lead", out[0].seq, 100)
            .await
            .unwrap()
            .is_empty());
        let v = store.claim("C-1").await.unwrap().unwrap();
        assert_eq!(v.clock.waiting_since(), Some(requested_at), "{b}");

        // The reply, two days later: back under review, the wait recorded.
        let replied_at = requested_at + TimeDelta::days(2);
        let reply = format!(
            r#"{{"type":"reply","claim_id":"C-1","reply_id":"R-1","at":"{}","body":"SOW attached","poe":[{{"kind":"SOW","date":"2026-11-01","summary":"signed","by":"Customer","attachment":"sow.pdf"}}]}}"#,
            rfc(replied_at)
        );
        let summary = store
            .import(&feed(std::slice::from_ref(&reply)), &common::by("feed"))
            .await
            .unwrap();
        assert_eq!((summary.feed, summary.replayed), (1, 0), "{b}");
        let v = store.claim("C-1").await.unwrap().unwrap();
        assert_eq!(v.claim.status, Status::UnderReview, "{b}");
        assert_eq!(v.claim.poe.len(), 1);
        let partner_comment = v.claim.comments.last().unwrap();
        assert_eq!(partner_comment.author, "partner:100");
        assert_eq!(v.clock.waits, vec![(requested_at, Some(replied_at))]);
        let calendar = BusinessCalendar::default();
        let pausing = SlaPolicy {
            pause_while_info_requested: true,
            ..SlaPolicy::default()
        };
        let paused = calendar.business_time_between(requested_at, replied_at);
        assert!(paused > TimeDelta::zero());
        assert_eq!(
            pausing.sla_due_at(&calendar, claim.submitted_at, &v.clock),
            pausing.due_at(&calendar, claim.submitted_at, paused),
            "{b}"
        );
        assert!(
            pausing.sla_due_at(&calendar, claim.submitted_at, &v.clock)
                > SlaPolicy::default().sla_due_at(&calendar, claim.submitted_at, &v.clock),
            "{b}: the paused time moves the deadline"
        );
        let events = store.events("C-1").await.unwrap();
        let replied = events.iter().find(|e| e.kind.code() == "replied").unwrap();
        assert_eq!(
            (replied.actor.as_str(), replied.via.as_deref()),
            ("partner:100", Some("feed"))
        );

        // Approved by alice; the outbox says so.
        let (s, _) = seen(store, "C-1").await;
        store
            .decide(
                &[decide(s, DecisionOutcome::Approved, "Signed SOW verified")],
                "alice",
            )
            .await
            .unwrap();
        let cursor = out[0].seq;
        let out = store.outbox("lead", cursor, 100).await.unwrap();
        assert_eq!(
            out.len(),
            1,
            "{b}: a partner's own reply is no message: {out:?}"
        );
        assert_eq!(
            (out[0].kind, out[0].status, out[0].outcome.as_deref()),
            (OutboxKind::Decision, Status::Approved, Some("approved"))
        );
        assert_eq!(out[0].body, "Signed SOW verified");
        let cursor = out[0].seq;

        // Another partner's later claim on that tenant + product: contested with the incumbent
        // the approval made, and the same parties from either claim.
        let mut rival = common::plain_claim("C-2");
        rival.partner = Partner {
            name: "Northwind".into(),
            mpn_id: "200".into(),
        };
        store
            .import(
                &ImportBatch {
                    claims: vec![(1, rival)],
                    ..Default::default()
                },
                &common::by("feed"),
            )
            .await
            .unwrap();
        let (c1, c2) = (view(store, "C-1").await, view(store, "C-2").await);
        assert_eq!(
            (c2.contested(), c2.incumbent_mpn_id.as_deref()),
            (true, Some("100")),
            "{b}"
        );
        assert_eq!(c2.competing_claim_ids, ["C-1"], "{b}");
        assert_eq!(c1.competing_claim_ids, ["C-2"], "{b}");
        assert!(c1.is_incumbent() && !c2.is_incumbent(), "{b}");
        assert_eq!(parties(store, "C-1").await, parties(store, "C-2").await);
        let (ids, counts) = parties(store, "C-2").await;
        assert_eq!(
            (ids, counts),
            (vec!["C-1".into(), "C-2".into()], vec![2, 2]),
            "{b}"
        );
        assert_eq!(contested_tab(store).await, ["C-2"], "{b}");

        // A dispute inside the window; alice may not decide it again, bob may.
        let dispute = format!(
            r#"{{"type":"dispute","claim_id":"C-1","dispute_id":"D-1","at":"{}","body":"We never agreed"}}"#,
            rfc(Utc::now())
        );
        let lines = vec![reply.clone(), dispute.clone()];
        let summary = store
            .import(&feed(&lines), &common::by("feed"))
            .await
            .unwrap();
        assert_eq!((summary.feed, summary.replayed), (1, 1), "{b}");
        let (s, status) = seen(store, "C-1").await;
        assert_eq!(status, Status::Disputed);
        let err = store
            .decide(
                &[decide(s.clone(), DecisionOutcome::Approved, "Still fine")],
                "alice",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::NotAllowed(m) if m.contains("another reviewer")),
            "{b}: {err}"
        );
        store
            .decide(
                &[decide(
                    s,
                    DecisionOutcome::Rejected,
                    "The SOW is not countersigned",
                )],
                "bob",
            )
            .await
            .unwrap();
        let out = store.outbox("lead", cursor, 100).await.unwrap();
        assert_eq!(out.len(), 1, "{b}: {out:?}");
        assert_eq!(
            (out[0].kind, out[0].status, out[0].outcome.as_deref()),
            (
                OutboxKind::DisputeOutcome,
                Status::Rejected,
                Some("overturned")
            )
        );
        let events = store.events("C-1").await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.code()).collect();
        assert!(
            kinds.ends_with(&[
                "disputed",
                "decided",
                "dispute_resolved",
                "association_changed"
            ]),
            "{b}: {kinds:?}"
        );
        // The overturned approval's association ended (audited with before and after): the
        // rival has no incumbent any more and competes with nobody.
        match &events.last().unwrap().kind {
            EventKind::AssociationChanged {
                before: Some(before),
                after: None,
            } => assert_eq!(
                (before.mpn_id.as_str(), before.claim_id.as_deref()),
                ("100", Some("C-1")),
                "{b}"
            ),
            other => panic!("{b}: {other:?}"),
        }
        let c2 = view(store, "C-2").await;
        assert_eq!(
            (c2.contested(), c2.incumbent_mpn_id.as_deref()),
            (false, None),
            "{b}"
        );
        assert!(contested_tab(store).await.is_empty(), "{b}");

        // The whole feed again changes nothing; the same id with other content is refused.
        let before = store.claim("C-1").await.unwrap().unwrap();
        let summary = store
            .import(&feed(&lines), &common::by("feed"))
            .await
            .unwrap();
        assert_eq!((summary.feed, summary.replayed), (0, 2), "{b}");
        assert_eq!(store.claim("C-1").await.unwrap().unwrap(), before, "{b}");
        let changed = reply.replace("SOW attached", "something else");
        let err = store
            .import(&feed(&[changed]), &common::by("feed"))
            .await
            .unwrap_err();
        match err {
            StoreError::FeedRefused(p) => {
                assert_eq!((p[0].0, p[0].1.as_str()), (1, "reply_id"), "{b}");
            }
            other => panic!("{b}: {other:?}"),
        }
        assert_eq!(store.claim("C-1").await.unwrap().unwrap(), before, "{b}");
        assert!(
            store.verify_audit(None).await.unwrap().broken.is_none(),
            "{b}"
        );
    }
}

#[tokio::test]
async fn withdrawals_of_decided_claims_and_late_disputes_are_refused_whole() {
    for t in common::stores().await {
        let b = t.backend;
        let store = &t.store;
        store
            .import(&common::plain_batch(&["C-1", "C-2"]), &common::by("feed"))
            .await
            .unwrap();
        let (s, _) = seen(store, "C-1").await;
        store
            .decide(
                &[decide(s, DecisionOutcome::Rejected, "Insufficient PoE")],
                "alice",
            )
            .await
            .unwrap();
        let decided_at = store
            .claim("C-1")
            .await
            .unwrap()
            .unwrap()
            .decision
            .unwrap()
            .at;
        let late = decided_at + TimeDelta::days(31);
        let lines = vec![
            r#"{"type":"withdrawal","claim_id":"C-2","at":"2026-11-30T10:00:00Z"}"#.to_string(),
            r#"{"type":"withdrawal","claim_id":"C-1","at":"2026-11-30T10:00:00Z","reason":"oops"}"#
                .to_string(),
            format!(
                r#"{{"type":"dispute","claim_id":"C-1","dispute_id":"D-9","at":"{}","body":"late"}}"#,
                rfc(late)
            ),
        ];
        let err = store
            .import(&feed(&lines), &common::by("feed"))
            .await
            .unwrap_err();
        let StoreError::FeedRefused(problems) = err else {
            panic!("{b}: {err:?}")
        };
        assert_eq!(problems.len(), 2, "{b}: {problems:?}");
        assert!(
            problems[0].2.contains("withdrawn only before"),
            "{problems:?}"
        );
        let closes =
            (decided_at + TimeDelta::days(30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert!(
            problems[1]
                .2
                .contains(&format!("the dispute window closed at {closes}")),
            "{b}: {problems:?}"
        );
        // Nothing was written: C-2 is still under review.
        assert_eq!(seen(store, "C-2").await.1, Status::UnderReview, "{b}");
        // Alone, the withdrawal goes through, as the partner.
        store
            .import(&feed(&lines[..1]), &common::by("feed"))
            .await
            .unwrap();
        assert_eq!(seen(store, "C-2").await.1, Status::Withdrawn, "{b}");
        let events = store.events("C-2").await.unwrap();
        assert_eq!(events.last().unwrap().actor, "partner:100");
    }
}

#[tokio::test]
async fn a_contest_decided_in_one_step_sends_each_party_only_its_own_line_and_no_internal_comment()
{
    for t in common::stores().await {
        let b = t.backend;
        let store = &t.store;
        let mut rival = common::plain_claim("C-2");
        rival.partner.mpn_id = "200".into();
        let batch = ImportBatch {
            claims: vec![(1, common::plain_claim("C-1")), (2, rival)],
            ..Default::default()
        };
        store.import(&batch, &common::by("feed")).await.unwrap();
        let (s, _) = seen(store, "C-1").await;
        store
            .comment(
                &s,
                "alice",
                claimdesk::domain::Visibility::Internal,
                "C-2's PoE is older",
            )
            .await
            .unwrap();
        arbitrate(store).await;
        let out = store.outbox("lead", 0, 100).await.unwrap();
        let lines: Vec<(&str, &str, &str)> = out
            .iter()
            .map(|m| (m.claim_id.as_str(), m.mpn_id.as_str(), m.body.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("C-1", "100", "Most recent valid PoE"),
                ("C-2", "200", "Lost in arbitration")
            ],
            "{b}"
        );
        assert!(out[0].seq < out[1].seq);
        // --limit and --after page through it without a gap or a repeat.
        let first = store.outbox("lead", 0, 1).await.unwrap();
        let rest = store.outbox("lead", first[0].seq, 100).await.unwrap();
        assert_eq!(first.len() + rest.len(), 2, "{b}");
        assert_eq!(rest[0].claim_id, "C-2");
    }
}

fn dispute_line(claim_id: &str, dispute_id: &str) -> String {
    format!(
        r#"{{"type":"dispute","claim_id":"{claim_id}","dispute_id":"{dispute_id}","at":"{}","body":"We disagree"}}"#,
        rfc(Utc::now())
    )
}

fn of(name: &str, mpn: &str, id: &str) -> claimdesk::domain::Claim {
    let mut c = common::plain_claim(id);
    c.partner = Partner {
        name: name.into(),
        mpn_id: mpn.into(),
    };
    c
}

#[tokio::test]
async fn a_disputed_claim_stays_a_party_of_its_contest_and_a_disputed_approval_still_stands() {
    for t in common::stores().await {
        let b = t.backend;
        let store = &t.store;
        // Fabrikam (MPN 100) and Northwind (MPN 200) claim tenant 1's Exchange Online.
        let batch = ImportBatch {
            claims: vec![
                (1, of("Fabrikam", "100", "C-1")),
                (2, of("Northwind", "200", "C-2")),
            ],
            ..Default::default()
        };
        store.import(&batch, &common::by("feed")).await.unwrap();
        arbitrate(store).await;

        // Northwind disputes its rejection: C-2 is a party again, the same from either claim,
        // in the Contested and the Disputed tabs.
        let lines = [dispute_line("C-2", "D-2")];
        store
            .import(&feed(&lines), &common::by("feed"))
            .await
            .unwrap();
        let (c1, c2) = (view(store, "C-1").await, view(store, "C-2").await);
        assert_eq!(c2.claim.status, Status::Disputed, "{b}");
        assert_eq!(
            (c2.contested(), c2.incumbent_mpn_id.as_deref()),
            (true, Some("100")),
            "{b}"
        );
        assert_eq!(c2.competing_claim_ids, ["C-1"], "{b}");
        assert_eq!(c1.competing_claim_ids, ["C-2"], "{b}");
        assert_eq!(parties(store, "C-1").await, parties(store, "C-2").await);
        assert_eq!(parties(store, "C-2").await.1, [2, 2], "{b}");
        assert_eq!(contested_tab(store).await, ["C-2"], "{b}");
        let disputed: Vec<String> = queue(store, QueueTab::Disputed, "")
            .await
            .into_iter()
            .map(|r| r.claim_id)
            .collect();
        assert_eq!(disputed, ["C-2"], "{b}");

        // Overturning the rejection would be a second approval: refused, naming the first.
        let (s2, _) = seen(store, "C-2").await;
        let err = store
            .decide(
                &[decide(s2.clone(), DecisionOutcome::Approved, "Newer PoE")],
                "bob",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::AlreadyApproved { other, .. } if other == "C-1"),
            "{b}: {err}"
        );
        // Upheld: C-2 leaves the contest again.
        store
            .decide(
                &[decide(s2, DecisionOutcome::Rejected, "Lost in arbitration")],
                "bob",
            )
            .await
            .unwrap();
        assert!(
            view(store, "C-1").await.competing_claim_ids.is_empty(),
            "{b}"
        );

        // Fabrikam disputes its own approval: while disputed, the approval stands (its
        // association holds, and another partner's claim cannot be approved over it).
        store
            .import(&feed(&[dispute_line("C-1", "D-1")]), &common::by("feed"))
            .await
            .unwrap();
        let batch = ImportBatch {
            claims: vec![(1, of("Tailspin", "300", "C-3"))],
            ..Default::default()
        };
        store.import(&batch, &common::by("feed")).await.unwrap();
        let c3 = view(store, "C-3").await;
        assert_eq!(c3.incumbent_mpn_id.as_deref(), Some("100"), "{b}");
        assert_eq!(c3.competing_claim_ids, ["C-1"], "{b}");
        let (s3, _) = seen(store, "C-3").await;
        let err = store
            .decide(
                &[decide(s3, DecisionOutcome::Approved, "Signed PoE")],
                "bob",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::AlreadyApproved { other, .. } if other == "C-1"),
            "{b}: {err}"
        );
        // Overturned by bob: the association ends, C-3 competes with nobody and may be approved,
        // making the next association.
        let (s1, _) = seen(store, "C-1").await;
        store
            .decide(
                &[decide(
                    s1,
                    DecisionOutcome::Rejected,
                    "PoE predates the tenant",
                )],
                "bob",
            )
            .await
            .unwrap();
        let c3 = view(store, "C-3").await;
        assert_eq!(
            (c3.contested(), c3.incumbent_mpn_id.as_deref()),
            (false, None),
            "{b}"
        );
        let (s3, _) = seen(store, "C-3").await;
        store
            .decide(
                &[decide(s3, DecisionOutcome::Approved, "Signed PoE")],
                "bob",
            )
            .await
            .unwrap();
        let made = store.events("C-3").await.unwrap();
        match &made.last().unwrap().kind {
            EventKind::AssociationChanged {
                before: None,
                after: Some(after),
            } => assert_eq!(after.mpn_id, "300", "{b}"),
            other => panic!("{b}: {other:?}"),
        }
        assert!(
            store.verify_audit(None).await.unwrap().broken.is_none(),
            "{b}"
        );
    }
}
