//! A claim's whole life on every backend (issue 11): an information request, the partner's
//! reply through the feed (paused time moving `sla_due_at`), a decision, a dispute inside the
//! window, the re-decision by another reviewer, and the outbox and audit log saying so. The feed
//! replays safely; the same id with other content is refused; a dispute after the window is
//! refused saying when it closed.

mod common;

use chrono::{DateTime, TimeDelta, Utc};

use claimdesk::domain::{BusinessCalendar, DecisionOutcome, SlaPolicy, Status};
use claimdesk::interchange::parse_str;
use claimdesk::model::OutboxKind;
use claimdesk::store::{DecisionRequest, ImportBatch, InfoRequest, Seen, Store, StoreError};

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
            kinds.ends_with(&["disputed", "decided", "dispute_resolved"]),
            "{b}: {kinds:?}"
        );

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
        let (one, _) = seen(store, "C-1").await;
        let (two, _) = seen(store, "C-2").await;
        store
            .decide(
                &[
                    decide(one, DecisionOutcome::Approved, "Most recent valid PoE"),
                    decide(two, DecisionOutcome::Rejected, "Lost in arbitration"),
                ],
                "alice",
            )
            .await
            .unwrap();
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
