//! The queue window: reading pages at its edges, jumps, stale answers, refreshes.

use super::super::fixtures::{counts, row, rows, state};
use super::super::keymap::{Key, KeyCode};
use super::super::state::MAX_WINDOW;
use super::super::{update, Effect, Msg};
use super::{ch, key, queue_load, started};
use crate::model::{Anchor, QueueSort};

#[test]
fn start_reads_the_first_window_and_the_counts() {
    let s = started(40, 40);
    assert_eq!(s.queue.window.rows.len(), 40);
    assert!(s.queue.window.at_start && s.queue.window.at_end);
    assert_eq!(s.queue.counts, Some(counts()));
    assert_eq!(
        s.queue.selected().map(|r| r.claim_id.as_str()),
        Some("CPOR-00001")
    );
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut s = state();
    let first = queue_load(&update(&mut s, Msg::Start)).0;
    let second = queue_load(&ch(&mut s, '2')).0;
    assert!(second > first);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id: first,
            result: Ok(rows(0, 5)),
        },
    );
    assert!(
        s.queue.window.rows.is_empty(),
        "the Under review answer came too late"
    );
    assert!(!s.queue.loaded);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id: second,
            result: Ok(rows(0, 3)),
        },
    );
    assert_eq!(s.queue.window.rows.len(), 3);
}

#[test]
fn moving_stays_inside_the_rows_and_keeps_the_cursor_visible() {
    let mut s = started(40, 40);
    ch(&mut s, 'k');
    assert_eq!(s.queue.cursor, 0);
    for _ in 0..25 {
        ch(&mut s, 'j');
    }
    assert_eq!(s.queue.cursor, 25);
    assert_eq!(s.queue.offset, 6, "cursor on the last visible row");
    key(&mut s, Key::plain(KeyCode::Up));
    assert_eq!(s.queue.cursor, 24);
    assert!(ch(&mut s, 'G').is_empty(), "the end is already loaded");
    assert_eq!(s.queue.cursor, 39);
    assert!(ch(&mut s, 'g').is_empty());
    assert_eq!((s.queue.cursor, s.queue.offset), (0, 0));
    key(&mut s, Key::plain(KeyCode::PageDown));
    assert_eq!(s.queue.cursor, 20);
    key(&mut s, Key::plain(KeyCode::PageDown));
    key(&mut s, Key::plain(KeyCode::PageDown));
    assert_eq!(s.queue.cursor, 39);
    key(&mut s, Key::plain(KeyCode::PageUp));
    assert_eq!(s.queue.cursor, 19);
}

#[test]
fn nearing_the_end_of_the_window_reads_the_next_page_once() {
    let mut s = started(100, 1000);
    assert!(!s.queue.window.at_end);
    let mut effects = Vec::new();
    for _ in 0..80 {
        effects.extend(ch(&mut s, 'j'));
    }
    let (req_id, query) = queue_load(&effects);
    assert_eq!(
        query.anchor,
        Anchor::After(row(99).sort_key(QueueSort::Urgency))
    );
    assert_eq!(s.queue.cursor, 80);

    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(100, 200)),
        },
    );
    assert_eq!(s.queue.window.rows.len(), 200);
    assert_eq!(s.queue.selected(), Some(&row(80)));
}

#[test]
fn the_window_never_grows_past_its_limit_and_reads_back_when_going_up() {
    let mut s = started(100, 1000);
    let mut next = 100;
    // Walk down 350 rows, answering each read.
    for _ in 0..350 {
        for effect in ch(&mut s, 'j') {
            if let Effect::LoadQueue { req_id, query } = effect {
                assert!(matches!(query.anchor, Anchor::After(_)));
                update(
                    &mut s,
                    Msg::QueueLoaded {
                        req_id,
                        result: Ok(rows(next, next + 100)),
                    },
                );
                next += 100;
            }
        }
    }
    assert!(s.queue.window.rows.len() <= MAX_WINDOW);
    assert_eq!(s.queue.selected(), Some(&row(350)));
    assert_eq!(s.queue.position(), Some(351));
    assert!(!s.queue.window.at_start);

    // Going back up reads the rows before the window.
    let first = s.queue.window.rows[0].clone();
    let mut effects = Vec::new();
    while s.queue.cursor > 5 {
        effects.extend(ch(&mut s, 'k'));
    }
    let (req_id, query) = queue_load(&effects);
    assert_eq!(
        query.anchor,
        Anchor::Before(first.sort_key(QueueSort::Urgency))
    );
    let first_n = s.queue.window.base.unwrap() as usize;
    let selected = s.queue.selected().cloned();
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(first_n - 100, first_n)),
        },
    );
    assert_eq!(
        s.queue.selected().cloned(),
        selected,
        "the cursor stays on its claim"
    );
    assert!(s.queue.window.rows.len() <= MAX_WINDOW);
    assert!(!s.queue.window.at_end);
}

#[test]
fn bottom_reads_the_last_page_and_top_the_first() {
    let mut s = started(100, 1000);
    let (req_id, query) = queue_load(&ch(&mut s, 'G'));
    assert_eq!(query.anchor, Anchor::Last);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(900, 1000)),
        },
    );
    assert_eq!(s.queue.selected(), Some(&row(999)));
    assert!(s.queue.window.at_end);
    // The counts (4321 in the tab) say where the last page starts.
    assert_eq!(s.queue.position(), Some(1234));
    assert_eq!(s.queue.offset, 80);

    let (_, query) = queue_load(&ch(&mut s, 'g'));
    assert_eq!(query.anchor, Anchor::First);
}

#[test]
fn a_failed_read_is_shown_not_swallowed() {
    let mut s = state();
    let (req_id, _) = queue_load(&update(&mut s, Msg::Start));
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Err("database error: disk full".into()),
        },
    );
    assert_eq!(s.queue.error.as_deref(), Some("database error: disk full"));
}

#[test]
fn a_page_move_past_the_loaded_rows_finishes_when_the_page_arrives() {
    let mut s = started(100, 1000);
    let mut effects = Vec::new();
    for _ in 0..6 {
        effects.extend(key(&mut s, Key::plain(KeyCode::PageDown)));
    }
    assert_eq!(s.queue.cursor, 99, "held at the last loaded row");
    let (req_id, _) = queue_load(&effects);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(100, 200)),
        },
    );
    assert_eq!(s.queue.selected(), Some(&row(120)));
}

#[test]
fn others_changes_reread_the_window_in_place_and_keep_the_cursor_on_its_claim() {
    let mut s = started(40, 40);
    for _ in 0..5 {
        ch(&mut s, 'j');
    }
    let effects = update(&mut s, super::changed("CPOR-00002"));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadCounts { .. })));
    let (req_id, q) = queue_load(&effects);
    assert_eq!(q.anchor, Anchor::First, "the window starts the queue");
    // CPOR-00002 was decided and left the tab: the cursor stays on CPOR-00006.
    let mut fresh = rows(0, 40);
    fresh.remove(1);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(fresh),
        },
    );
    assert_eq!(s.queue.selected(), Some(&row(5)));
    assert_eq!(s.queue.cursor, 4);
}

#[test]
fn a_window_deep_in_the_queue_is_reread_from_its_first_row() {
    let mut s = started(100, 1000);
    let (req_id, _) = queue_load(&ch(&mut s, 'G'));
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(900, 1000)),
        },
    );
    let effects = key(&mut s, Key::ch('r'));
    let from = effects.iter().find_map(|e| match e {
        Effect::ReloadQueueFrom { from, .. } => Some(from.clone()),
        _ => None,
    });
    assert_eq!(from, Some(row(900).sort_key(QueueSort::Urgency)));
}

#[test]
fn when_the_claim_under_the_cursor_leaves_the_tab_it_is_said() {
    let mut s = started(40, 40);
    for _ in 0..5 {
        ch(&mut s, 'j');
    }
    let effects = update(&mut s, super::changed("CPOR-00006"));
    let (req_id, _) = queue_load(&effects);
    let mut fresh = rows(0, 40);
    fresh.remove(5);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(fresh),
        },
    );
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.ends_with("CPOR-00006 left Under review"), "{notice}");
}

#[test]
fn g_pressed_while_a_live_update_is_read_is_not_undone_by_its_answer() {
    let mut s = started(40, 40);
    ch(&mut s, 'j');
    // Someone's change: the window is read again, the cursor to stay on CPOR-00002.
    let (refresh, _) = queue_load(&update(&mut s, super::changed("CPOR-00009")));
    // `g` before the answer: a fresh read from the top, not a move the answer would undo.
    let (top, q) = queue_load(&ch(&mut s, 'g'));
    assert_eq!(q.anchor, Anchor::First);
    assert!(top > refresh);
    // A claim came back at the top meanwhile: the queue now starts with CPOR-00000.
    let mut fresh = rows(0, 40);
    fresh.insert(0, row(1000));
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id: refresh,
            result: Ok(fresh.clone()),
        },
    );
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id: top,
            result: Ok(fresh),
        },
    );
    assert_eq!(s.queue.cursor, 0);
    assert_eq!(s.queue.selected(), Some(&row(1000)));
}
