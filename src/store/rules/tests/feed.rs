//! The partner feed's lines.

use super::*;

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
