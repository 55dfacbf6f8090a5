//! Tabs, filter, sort, detail, help, themes and the change feed.

use super::super::fixtures::{claim_detail, rows};
use super::super::keymap::{Key, KeyCode};
use super::super::state::{Loadable, Screen, FILTER_DEBOUNCE};
use super::super::{update, Effect, Msg};
use super::{ch, key, queue_load, started};
use crate::model::{QueueSort, QueueTab};

#[test]
fn tabs_switch_and_reload() {
    let mut s = started(10, 10);
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::Tab)));
    assert_eq!(q.tab, QueueTab::Contested);
    assert!(
        s.queue.window.rows.is_empty(),
        "another tab's rows are not shown"
    );
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::BackTab)));
    assert_eq!(q.tab, QueueTab::UnderReview);
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::BackTab)));
    assert_eq!(q.tab, QueueTab::All);
    let (_, q) = queue_load(&ch(&mut s, '4'));
    assert_eq!(q.tab, QueueTab::Disputed);
    let (_, q) = queue_load(&ch(&mut s, '5'));
    assert_eq!((q.tab, q.reviewer.as_str()), (QueueTab::Mine, "alice"));
    let (_, q) = queue_load(&ch(&mut s, '6'));
    assert_eq!(q.tab, QueueTab::All);
}

/// The single debounce wait among `effects`.
fn settle(effects: &[Effect]) -> u64 {
    match effects {
        [Effect::SettleFilter { req_id, after }] => {
            assert_eq!(*after, FILTER_DEBOUNCE);
            *req_id
        }
        _ => panic!("expected one debounce wait in {effects:?}"),
    }
}

#[test]
fn the_filter_reloads_once_typing_pauses_and_esc_clears_it() {
    let mut s = started(10, 10);
    assert!(ch(&mut s, '/').is_empty());
    assert!(s.queue.filter_editing);
    let first_wait = settle(&ch(&mut s, 'c'));
    let wait = settle(&ch(&mut s, 'o'));
    assert_eq!(s.queue.filter, "co", "the typed text shows at once");
    assert!(
        update(&mut s, Msg::FilterSettled { req_id: first_wait }).is_empty(),
        "a wait overtaken by a newer key reads nothing"
    );
    let effects = update(&mut s, Msg::FilterSettled { req_id: wait });
    let (req_id, q) = queue_load(&effects);
    assert_eq!(q.filter, "co");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadCounts { filter, .. } if filter == "co")));
    assert_eq!(
        s.queue.window.rows.len(),
        10,
        "old rows stay until the answer"
    );
    // `j` is text while typing; arrows still move.
    let wait = settle(&ch(&mut s, 'j'));
    let (_, q) = queue_load(&update(&mut s, Msg::FilterSettled { req_id: wait }));
    assert_eq!(q.filter, "coj");
    let wait = settle(&key(&mut s, Key::plain(KeyCode::Backspace)));
    let (_, q) = queue_load(&update(&mut s, Msg::FilterSettled { req_id: wait }));
    assert_eq!(q.filter, "co");
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(0, 2)),
        },
    );
    assert_eq!(
        s.queue.window.rows.len(),
        10,
        "an answer for `co` before `coj` is stale"
    );
    // Typing back to the filter already read needs no read at all.
    settle(&ch(&mut s, 'x'));
    assert!(key(&mut s, Key::plain(KeyCode::Backspace)).is_empty());

    // Enter keeps the filter, reading it at once if typing had not paused yet.
    settle(&ch(&mut s, 'n'));
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::Enter)));
    assert_eq!(q.filter, "con");
    assert!(!s.queue.filter_editing);
    assert_eq!(s.queue.filter, "con");
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::Esc)));
    assert_eq!(q.filter, "");

    ch(&mut s, '/');
    let wait = settle(&ch(&mut s, 'x'));
    let (_, q) = queue_load(&key(&mut s, Key::plain(KeyCode::Esc)));
    assert_eq!(q.filter, "");
    assert!(!s.queue.filter_editing);
    assert!(update(&mut s, Msg::FilterSettled { req_id: wait }).is_empty());
}

#[test]
fn sort_cycles_through_every_order_and_the_cursor_stays_on_its_claim() {
    let mut s = started(10, 10);
    let mut seen = vec![s.queue.sort];
    for _ in 0..QueueSort::ALL.len() {
        let effects = ch(&mut s, 's');
        let Some(Effect::ReloadQueueFrom { query, from, .. }) = effects.first() else {
            panic!("the window around the selected claim: {effects:?}");
        };
        assert_eq!(from.claim_id, "CPOR-00001");
        seen.push(query.sort);
    }
    assert_eq!(&seen[..5], &QueueSort::ALL);
    assert_eq!(seen[5], QueueSort::Urgency);

    // On the fifth claim, sorted anew: the answer puts the cursor back on it.
    for _ in 0..4 {
        ch(&mut s, 'j');
    }
    let effects = ch(&mut s, 's');
    let Some(Effect::ReloadQueueFrom { req_id, .. }) = effects.first().cloned() else {
        panic!("a read around the claim");
    };
    let mut reordered = rows(0, 10);
    reordered.reverse();
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(reordered),
        },
    );
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00005");
}

#[test]
fn enter_opens_the_claim_and_q_goes_back_then_quits() {
    let mut s = started(10, 10);
    ch(&mut s, 'j');
    let effects = key(&mut s, Key::plain(KeyCode::Enter));
    let Some(Effect::LoadClaim { req_id, claim_id }) = effects.first().cloned() else {
        panic!("expected a claim read: {effects:?}");
    };
    assert_eq!(claim_id, "CPOR-00002");
    assert_eq!(s.screen, Screen::Detail);
    update(
        &mut s,
        Msg::ClaimLoaded {
            req_id,
            result: Ok(Some(Box::new(claim_detail()))),
        },
    );
    let detail = s.detail.as_ref().unwrap();
    assert!(matches!(detail.claim, Loadable::Loaded(Some(_))));
    ch(&mut s, 'G');
    assert_eq!(s.detail.as_ref().unwrap().scroll, 30);
    ch(&mut s, 'q');
    assert_eq!(s.screen, Screen::Queue);
    assert!(!s.quit);
    ch(&mut s, 'q');
    assert!(s.quit);
}

#[test]
fn help_toggles_and_swallows_queue_keys() {
    let mut s = started(10, 10);
    ch(&mut s, '?');
    assert!(s.help().is_some());
    assert!(ch(&mut s, 's').is_empty());
    ch(&mut s, 'j');
    assert_eq!((s.queue.cursor, s.help()), (0, Some(1)));
    key(&mut s, Key::plain(KeyCode::Esc));
    assert!(s.help().is_none());
    assert!(!s.quit);
}

#[test]
fn ticks_move_the_clock_and_t_cycles_themes() {
    let mut s = started(1, 1);
    let later = s.now + chrono::TimeDelta::hours(30);
    update(&mut s, Msg::Tick(later));
    assert_eq!(s.now, later);
    ch(&mut s, 'T');
    assert_eq!(s.theme_name(), "mono");
    ch(&mut s, 'T');
    assert_eq!(s.theme_name(), "dark");
}

#[test]
fn the_open_claim_is_reread_when_someone_changes_it_and_stays_on_screen_meanwhile() {
    let mut s = started(10, 10);
    let effects = key(&mut s, Key::plain(KeyCode::Enter));
    let Some(Effect::LoadClaim { req_id, .. }) = effects.first().cloned() else {
        panic!("expected a claim read");
    };
    update(
        &mut s,
        Msg::ClaimLoaded {
            req_id,
            result: Ok(Some(Box::new(claim_detail()))),
        },
    );
    let effects = update(&mut s, super::changed("CPOR-00099"));
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::LoadClaim { .. })));
    let effects = update(&mut s, super::changed("CPOR-00001"));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::LoadClaim { .. })));
    assert!(matches!(
        s.detail.as_ref().unwrap().claim,
        Loadable::Loaded(Some(_))
    ));
}

#[test]
fn the_change_feed_going_offline_is_shown_and_coming_back_rereads() {
    let mut s = started(10, 10);
    update(&mut s, Msg::StoreOffline(Some("connection reset".into())));
    assert_eq!(s.offline.as_deref(), Some("connection reset"));
    let effects = update(&mut s, Msg::StoreOffline(None));
    assert!(s.offline.is_none());
    queue_load(&effects);
}

#[test]
fn the_mouse_selects_a_row_switches_a_tab_and_the_wheel_moves() {
    use crate::app::view::MouseAct;
    let mut s = started(40, 40);
    s.viewport.list_top = 3;
    s.viewport.tabs = [(0, 10), (11, 20), (21, 30), (31, 40), (41, 50), (51, 60)];
    update(&mut s, Msg::Mouse(MouseAct::Click { column: 5, row: 7 }));
    assert_eq!(s.queue.cursor, 4);
    update(&mut s, Msg::Mouse(MouseAct::Wheel { up: false }));
    assert_eq!(s.queue.cursor, 7);
    update(&mut s, Msg::Mouse(MouseAct::Wheel { up: true }));
    assert_eq!(s.queue.cursor, 4);
    let (_, q) = queue_load(&update(
        &mut s,
        Msg::Mouse(MouseAct::Click { column: 15, row: 0 }),
    ));
    assert_eq!(q.tab, QueueTab::Contested);
}
