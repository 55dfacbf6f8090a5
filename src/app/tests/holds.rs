//! Holds: `t`, `n`, `u`, their answers, lease renewal, others' acts in the status bar, and
//! writes refused while the change feed is offline.

use chrono::TimeDelta;

use super::super::fixtures::now;
use super::super::holds::{refuse_writes_offline, RENEW_EVERY};
use super::super::keymap::{Key, KeyCode};
use super::super::state::Screen;
use super::super::{feed, update, Effect, Msg};
use super::super::{HoldEffect, HoldMsg};
use super::{ch, key, started};
use crate::domain::{DecisionOutcome, Status, Visibility};
use crate::model::{AuditEvent, Change, EventKind, DEFAULT_LEASE};

fn take(claim_id: &str) -> Effect {
    Effect::Hold(HoldEffect::Take {
        login: "alice".into(),
        claim_id: claim_id.into(),
        lease: DEFAULT_LEASE,
        take_over: false,
    })
}

/// The effects re-read what shows (counts and the queue window).
fn reloads(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::LoadCounts { .. }))
        && effects
            .iter()
            .any(|e| matches!(e, Effect::LoadQueue { .. } | Effect::ReloadQueueFrom { .. }))
}

fn event(id: i64, actor: &str, claim: &str, kind: EventKind) -> AuditEvent {
    AuditEvent {
        id,
        at: now(),
        actor: actor.into(),
        claim_id: (!claim.is_empty()).then(|| claim.to_string()),
        via: None,
        kind,
    }
}

fn taken(holder: &str) -> EventKind {
    EventKind::Taken {
        holder: holder.into(),
        next: false,
    }
}

#[test]
fn t_takes_the_claim_under_the_cursor_or_the_open_claim() {
    let mut s = started(40, 40);
    ch(&mut s, 'j');
    assert_eq!(ch(&mut s, 't'), vec![take("CPOR-00002")]);
    ch(&mut s, 'j');
    key(&mut s, Key::plain(KeyCode::Enter));
    assert_eq!(s.screen, Screen::Detail);
    assert!(
        ch(&mut s, 't').is_empty(),
        "t waits for the claim it was typed for"
    );
    let req_id = s.detail.as_ref().and_then(|d| d.pending).unwrap();
    let mut detail = crate::app::fixtures::claim_detail();
    detail.view.claim.claim_id = "CPOR-00003".into();
    let effects = update(
        &mut s,
        Msg::ClaimLoaded {
            req_id,
            result: Ok(Some(Box::new(detail))),
        },
    );
    assert_eq!(effects, vec![take("CPOR-00003")]);
}

#[test]
fn a_take_says_what_is_held_and_reloads() {
    let mut s = started(40, 40);
    let effects = update(
        &mut s,
        Msg::Hold(HoldMsg::Taken {
            claim_id: "CPOR-00002".into(),
            result: Ok(vec!["CPOR-00002".into(), "CPOR-00006".into()]),
        }),
    );
    assert!(reloads(&effects), "{effects:?}");
    assert_eq!(
        s.notice.as_deref(),
        Some("You hold CPOR-00002 and 1 competing claim until 20:30")
    );
    assert!(s.holds.held.contains("CPOR-00006"));
}

#[test]
fn a_refused_take_shows_the_store_reason_in_one_line_and_reloads() {
    let mut s = started(40, 40);
    let reason = "claim CPOR-00002 is held by bob until 2026-11-05T20:20:00Z";
    let effects = update(
        &mut s,
        Msg::Hold(HoldMsg::Taken {
            claim_id: "CPOR-00002".into(),
            result: Err(reason.into()),
        }),
    );
    assert_eq!(s.notice.as_deref(), Some(reason));
    assert!(reloads(&effects), "{effects:?}");
    assert!(s.holds.held.is_empty());
}

#[test]
fn n_takes_the_next_claim_and_opens_it() {
    let mut s = started(40, 40);
    let effects = ch(&mut s, 'n');
    assert_eq!(
        effects,
        vec![Effect::Hold(HoldEffect::TakeNext {
            login: "alice".into(),
            lease: DEFAULT_LEASE,
        })]
    );
    let effects = update(
        &mut s,
        Msg::Hold(HoldMsg::TookNext(Ok(Some("CPOR-00005".into())))),
    );
    assert_eq!(s.screen, Screen::Detail);
    assert_eq!(s.detail.as_ref().unwrap().claim_id, "CPOR-00005");
    assert!(reloads(&effects), "{effects:?}");
    assert_eq!(s.notice.as_deref(), Some("You hold CPOR-00005 until 20:30"));

    // Outside the loaded window too.
    let effects = update(
        &mut s,
        Msg::Hold(HoldMsg::TookNext(Ok(Some("CPOR-09999".into())))),
    );
    assert_eq!(s.screen, Screen::Detail);
    assert_eq!(s.detail.as_ref().unwrap().claim_id, "CPOR-09999");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadClaim { claim_id, .. } if claim_id == "CPOR-09999")));

    update(&mut s, Msg::Hold(HoldMsg::TookNext(Ok(None))));
    assert!(s.notice.as_deref().unwrap().starts_with("Nothing to take"));
}

#[test]
fn u_releases_and_says_so() {
    let mut s = started(40, 40);
    assert_eq!(
        ch(&mut s, 'u'),
        vec![Effect::Hold(HoldEffect::Release {
            login: "alice".into(),
            claim_id: "CPOR-00001".into(),
        })]
    );
    s.holds.held.insert("CPOR-00001".into());
    let effects = update(
        &mut s,
        Msg::Hold(HoldMsg::Released {
            claim_id: "CPOR-00001".into(),
            result: Ok(vec!["CPOR-00001".into()]),
        }),
    );
    assert!(reloads(&effects));
    assert_eq!(s.notice.as_deref(), Some("Released CPOR-00001"));
    assert!(s.holds.held.is_empty());
    update(
        &mut s,
        Msg::Hold(HoldMsg::Released {
            claim_id: "CPOR-00001".into(),
            result: Ok(vec![]),
        }),
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("Nobody holds CPOR-00001: nothing to release")
    );
}

#[test]
fn writes_are_refused_while_offline_never_queued() {
    let mut s = started(40, 40);
    update(&mut s, Msg::StoreOffline(Some("connection refused".into())));
    for c in ['t', 'n', 'u'] {
        assert!(ch(&mut s, c).is_empty(), "{c} wrote while offline");
        assert!(
            s.notice.as_deref().unwrap().starts_with("Offline"),
            "{:?}",
            s.notice
        );
    }
    // Any write effect, whoever asks for it, is dropped with a message; reads go on.
    let renew = Effect::Hold(HoldEffect::Renew {
        login: "alice".into(),
        claim_ids: vec!["CPOR-00001".into()],
        lease: DEFAULT_LEASE,
    });
    s.notice = None;
    let kept = refuse_writes_offline(&mut s, vec![renew.clone()]);
    assert!(kept.is_empty());
    assert!(s.notice.as_deref().unwrap().contains("nothing was written"));
    // Reading goes on offline: the filter still narrows the queue (its debounce is a read).
    s.notice = None;
    let mut effects = ch(&mut s, '/');
    effects.extend(ch(&mut s, 'x'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SettleFilter { .. })),
        "{effects:?}"
    );
    assert_eq!(s.notice, None, "a filter is no write");
    key(&mut s, Key::plain(KeyCode::Esc));
    // Back online: the keys write again.
    update(&mut s, Msg::StoreOffline(None));
    assert_eq!(ch(&mut s, 't'), vec![take("CPOR-00001")]);
}

#[test]
fn leases_are_renewed_only_while_the_reviewer_works() {
    let mut s = started(40, 40);
    update(
        &mut s,
        Msg::Hold(HoldMsg::Taken {
            claim_id: "CPOR-00002".into(),
            result: Ok(vec!["CPOR-00002".into()]),
        }),
    );
    let at = |m: i64| now() + TimeDelta::minutes(m);
    update(&mut s, Msg::Tick(at(1)));
    ch(&mut s, 'j');
    assert!(update(&mut s, Msg::Tick(at(4))).is_empty(), "too early");
    let effects = update(&mut s, Msg::Tick(at(5)));
    assert_eq!(
        effects,
        vec![Effect::Hold(HoldEffect::Renew {
            login: "alice".into(),
            claim_ids: vec!["CPOR-00002".into()],
            lease: DEFAULT_LEASE,
        })]
    );
    assert_eq!(RENEW_EVERY, TimeDelta::minutes(5));
    // No key since: the lease is left to run out.
    assert!(update(&mut s, Msg::Tick(at(11))).is_empty());
    ch(&mut s, 'k');
    assert_eq!(update(&mut s, Msg::Tick(at(12))).len(), 1);
}

#[test]
fn others_acts_are_told_briefly_and_own_acts_are_not() {
    let mut s = started(40, 40);
    let events = vec![
        event(7, "bob", "CPOR-00012", taken("bob")),
        event(8, "bob", "CPOR-00013", taken("bob")),
        event(
            9,
            "alice",
            "CPOR-00001",
            EventKind::Commented {
                visibility: Visibility::Internal,
                body: "fine".into(),
            },
        ),
        event(
            10,
            "carol",
            "CPOR-00007",
            EventKind::Decided {
                from: Status::UnderReview,
                outcome: DecisionOutcome::Approved,
                reason: "best PoE".into(),
            },
        ),
    ];
    let msgs = feed::msgs(Change::Events(events.clone()));
    assert_eq!(msgs, vec![Msg::Changes(events.clone())]);
    for msg in msgs {
        assert!(reloads(&update(&mut s, msg)), "one re-read for the batch");
    }
    assert_eq!(
        s.notice.as_deref(),
        Some("bob took CPOR-00012, CPOR-00013; carol approved CPOR-00007")
    );
    // More acts while the news shows join it.
    let more = event(11, "bob", "CPOR-00014", taken("bob"));
    update(&mut s, Msg::Changes(vec![more]));
    assert_eq!(
        s.notice.as_deref(),
        Some("bob took CPOR-00012, CPOR-00013, CPOR-00014; carol approved CPOR-00007")
    );
    // The news fades after a few seconds.
    update(&mut s, Msg::Tick(now() + TimeDelta::seconds(3)));
    assert!(s.notice.is_some());
    update(&mut s, Msg::Tick(now() + TimeDelta::seconds(9)));
    assert_eq!(s.notice, None);

    // Only the reviewer's own acts: nothing to tell.
    update(&mut s, Msg::Changes(vec![events[2].clone()]));
    assert_eq!(s.notice, None);

    // A lead takes a claim this session holds: said, and no longer renewed.
    s.holds.held.insert("CPOR-00002".into());
    let reassigned = event(
        11,
        "dana",
        "CPOR-00002",
        EventKind::Reassigned {
            from: "alice".into(),
            to: "dana".into(),
        },
    );
    update(&mut s, Msg::Changes(vec![reassigned]));
    assert_eq!(s.notice.as_deref(), Some("dana took CPOR-00002 from you"));
    assert!(s.holds.held.is_empty());
}

#[test]
fn many_claims_are_summed_up_not_listed() {
    let events: Vec<AuditEvent> = (1..=6)
        .map(|i| {
            let kind = EventKind::Imported {
                status: Status::UnderReview,
            };
            event(i, "importer", &format!("C-{i}"), kind)
        })
        .collect();
    let refs: Vec<&AuditEvent> = events.iter().collect();
    assert_eq!(feed::summary(&refs, "alice"), "importer imported 6 claims");
}
