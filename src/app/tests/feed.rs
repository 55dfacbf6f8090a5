//! The change feed at volume: one re-read per batch, a bulk import told in one line, and the
//! echo of the session's own write not re-read.

use super::super::fixtures::now;
use super::super::{update, Effect, Msg};
use super::{changed, started};
use crate::domain::Status;
use crate::model::{AuditEvent, BulkWrite, EventKind, TabCounts};

fn imported(id: i64, actor: &str) -> AuditEvent {
    AuditEvent {
        id,
        at: now(),
        actor: actor.into(),
        claim_id: Some(format!("NEW-{id}")),
        via: None,
        kind: EventKind::Imported {
            status: Status::UnderReview,
        },
    }
}

fn counts_reads(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::LoadCounts { .. }))
        .count()
}

#[test]
fn a_bulk_import_is_one_line_and_reads_the_counts_at_most_twice() {
    let mut s = started(40, 40);
    let mut reads = Vec::new();
    // 100,000 claims arrive as 200 batches of 500 events while the first counts read runs.
    for batch in 0..200 {
        let events: Vec<AuditEvent> = (0..500)
            .map(|i| imported(batch * 500 + i + 1, "carol"))
            .collect();
        reads.extend(update(&mut s, Msg::Changes(events)));
    }
    assert_eq!(
        s.notice.as_deref(),
        Some("carol imported 100,000 claims"),
        "one line, however many events"
    );
    assert_eq!(counts_reads(&reads), 1, "one read in flight, the rest wait");
    let req_id = reads
        .iter()
        .find_map(|e| match e {
            Effect::LoadCounts { req_id, .. } => Some(*req_id),
            _ => None,
        })
        .unwrap();
    let again = update(
        &mut s,
        Msg::CountsLoaded {
            req_id,
            result: Ok(TabCounts::default()),
        },
    );
    assert_eq!(
        counts_reads(&again),
        1,
        "read once more: it went stale meanwhile"
    );
}

fn bulk(actor: &str, claims: u64) -> Msg {
    Msg::Bulk(BulkWrite {
        first_id: 1,
        last_id: claims as i64,
        at: now(),
        actor: actor.into(),
        via: None,
        claims,
    })
}

#[test]
fn a_bulk_write_is_one_line_with_its_count_and_one_read() {
    let mut s = started(40, 40);
    let reads = update(&mut s, bulk("carol", 100_000));
    assert_eq!(s.notice.as_deref(), Some("carol imported 100,000 claims"));
    assert_eq!(counts_reads(&reads), 1);
    // More of carol's imports, in bulk or one by one, grow the same phrase.
    update(&mut s, bulk("carol", 250));
    update(&mut s, Msg::Changes(vec![imported(7, "carol")]));
    assert_eq!(s.notice.as_deref(), Some("carol imported 100,251 claims"));
    // My own bulk write (an import in another terminal) is not told, but what shows is re-read.
    let mut s = started(40, 40);
    let reads = update(&mut s, bulk("alice", 500));
    assert_eq!(s.notice, None);
    assert_eq!(counts_reads(&reads), 1);
}

#[test]
fn the_echo_of_an_own_write_is_not_read_again_but_another_session_of_mine_is() {
    let mut s = started(40, 40);
    s.echoes.expect([&"CPOR-00003".to_string()], s.now);
    let mine = |claim: &str| {
        Msg::Changes(vec![AuditEvent {
            actor: "alice".into(),
            claim_id: Some(claim.into()),
            ..imported(9, "alice")
        }])
    };
    assert!(update(&mut s, mine("CPOR-00003")).is_empty(), "its echo");
    assert!(!s.queue.counts_stale && !s.queue.refresh_stale);
    assert_eq!(
        counts_reads(&update(&mut s, mine("CPOR-00004"))),
        1,
        "my act elsewhere is re-read"
    );
    assert!(update(&mut s, changed("CPOR-00003")).is_empty());
    assert!(
        s.queue.counts_stale,
        "others' act: read again once the read in flight answers"
    );
}

#[test]
fn while_the_terminal_is_too_small_only_quit_acts() {
    let mut s = started(40, 40);
    update(
        &mut s,
        Msg::Resize {
            width: 40,
            height: 10,
        },
    );
    assert!(super::ch(&mut s, 'j').is_empty());
    assert_eq!(s.queue.cursor, 0);
    super::ch(&mut s, 'q');
    assert!(s.quit);
}
