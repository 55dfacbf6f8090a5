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
fn after_a_sort_the_claims_before_the_cursor_are_read_and_reachable() {
    let mut s = started(10, 10);
    for _ in 0..4 {
        ch(&mut s, 'j');
    }
    let effects = ch(&mut s, 's');
    let Some(Effect::ReloadQueueFrom { req_id, .. }) = effects.first().cloned() else {
        panic!("a read around the claim: {effects:?}");
    };
    // The store answers from the claim on (how the runtime reads "from" a key).
    let effects = update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(4, 10)),
        },
    );
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00005");
    assert_eq!(s.queue.position(), None, "not claimed to be the first");
    // What sorts before it is read at once.
    let (req_id, query) = queue_load(&effects);
    assert!(
        matches!(&query.anchor, crate::model::Anchor::Before(k) if k.claim_id == "CPOR-00005"),
        "{query:?}"
    );
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(rows(0, 4)),
        },
    );
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00005");
    assert_eq!(s.queue.position(), Some(5));
    ch(&mut s, 'k');
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00004");
}

#[test]
fn s_reverses_the_sort_and_the_cursor_stays_on_its_claim() {
    let mut s = started(10, 10);
    ch(&mut s, 'j');
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'S');
    let Some(Effect::ReloadQueueFrom {
        req_id,
        query,
        from,
    }) = effects.first().cloned()
    else {
        panic!("the window around the selected claim: {effects:?}");
    };
    assert!(query.reverse && query.sort == QueueSort::Urgency);
    assert_eq!(from.claim_id, "CPOR-00003");
    assert_eq!(
        s.notice.as_deref(),
        Some("Sorted by SLA urgency (reversed)")
    );
    let mut reversed = rows(0, 10);
    reversed.reverse();
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(reversed),
        },
    );
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00003");
    // Every later read keeps the order turned around, until `S` again.
    let (_, q) = queue_load(&ch(&mut s, '3'));
    assert!(q.reverse);
    let effects = ch(&mut s, 'S');
    let (_, q) = queue_load(&effects);
    assert!(!q.reverse);
}

#[test]
fn enter_after_a_live_update_removed_the_claim_under_the_cursor_opens_nothing() {
    let mut s = started(10, 10);
    ch(&mut s, 'j');
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00002");
    // Someone decided CPOR-00002: the re-read window no longer has it.
    let effects = update(&mut s, Msg::StoreChanged);
    let req_id = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadQueue { req_id, .. } | Effect::ReloadQueueFrom { req_id, .. } => {
                Some(*req_id)
            }
            _ => None,
        })
        .expect("the window re-read");
    let mut without: Vec<_> = rows(0, 10);
    without.remove(1);
    update(
        &mut s,
        Msg::QueueLoaded {
            req_id,
            result: Ok(without),
        },
    );
    assert_eq!(s.queue.selected().unwrap().claim_id, "CPOR-00003");
    let effects = key(&mut s, Key::plain(KeyCode::Enter));
    assert!(effects.is_empty(), "nothing opened: {effects:?}");
    assert_eq!(s.screen, Screen::Queue);
    assert!(s
        .notice
        .as_deref()
        .is_some_and(|n| n.contains("CPOR-00002 left") && n.contains("CPOR-00003")));
    // Enter again opens the claim now under the cursor, chosen knowingly.
    let effects = key(&mut s, Key::plain(KeyCode::Enter));
    assert!(matches!(
        effects.first(),
        Some(Effect::LoadClaim { claim_id, .. }) if claim_id == "CPOR-00003"
    ));
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
fn help_opens_over_the_assign_picker_and_the_dashboard_with_their_keys_first() {
    use crate::app::Context;
    let mut s = started(10, 10);
    ch(&mut s, 'A');
    assert_eq!(s.context(), Context::Assign);
    key(&mut s, Key::plain(KeyCode::F(1)));
    assert!(s.help().is_some());
    assert_eq!(s.help_context(), Context::Assign);
    key(&mut s, Key::plain(KeyCode::Esc));
    assert_eq!(s.context(), Context::Assign, "the picker is back");
    key(&mut s, Key::plain(KeyCode::Esc));
    ch(&mut s, 'D');
    assert_eq!(s.context(), Context::Dashboard);
    ch(&mut s, '?');
    assert!(s.help().is_some(), "help opens while the figures load");
    assert_eq!(s.help_context(), Context::Dashboard);
    ch(&mut s, '?');
    assert_eq!(s.context(), Context::Dashboard);
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

#[test]
fn the_theme_sort_and_tab_are_saved_as_soon_as_they_change_and_restored_at_the_start() {
    use crate::app::closing;
    let saved = |effects: Vec<Effect>| {
        effects.into_iter().find_map(|e| match e {
            Effect::SavePreferences { login, preferences } => Some((login, preferences)),
            _ => None,
        })
    };
    let mut s = started(10, 10);
    assert_eq!(
        saved(closing(&mut s)),
        None,
        "nothing changed, nothing written"
    );
    assert_eq!(saved(ch(&mut s, 'j')), None, "a move is no preference");
    let (_, p) = saved(ch(&mut s, 's')).expect("the sort saved at once");
    assert_eq!(p.sort, Some(QueueSort::Newest));
    let (_, p) = saved(ch(&mut s, 'S')).expect("the reverse saved at once");
    assert!(p.reverse);
    let (_, p) = saved(ch(&mut s, '2')).expect("the tab saved at once");
    assert_eq!(p.tab, Some(QueueTab::Contested));
    assert!(
        saved(closing(&mut s)).is_some(),
        "saves not yet answered are made again at the end"
    );
    for _ in 0..3 {
        update(&mut s, Msg::PreferencesSaved(Ok(())));
    }
    let (login, preferences) = saved(ch(&mut s, 'T')).expect("the theme saved at once");
    assert_eq!(login, "alice");
    assert_eq!(preferences.sort, Some(QueueSort::Newest));
    assert!(preferences.reverse);
    assert_eq!(preferences.tab, Some(QueueTab::Contested));
    let theme = preferences.theme.clone().expect("the theme");
    assert_eq!(theme, s.theme_name());
    update(&mut s, Msg::PreferencesSaved(Ok(())));
    assert_eq!(saved(closing(&mut s)), None, "already saved");

    // Offline, a change waits, and is saved once the store is back; a failed save is tried
    // again at the end.
    update(&mut s, Msg::StoreOffline(Some("gone".into())));
    assert_eq!(saved(ch(&mut s, '3')), None, "offline: not yet");
    let (_, p) = saved(update(&mut s, Msg::StoreOffline(None))).expect("saved once back");
    assert_eq!(p.tab, Some(QueueTab::InfoRequested));
    update(&mut s, Msg::PreferencesSaved(Err("disk full".into())));
    assert!(s.notice.as_deref().unwrap_or("").contains("disk full"));
    assert!(saved(closing(&mut s)).is_some(), "tried again at the end");

    // The next session starts where this one left off; a `--theme` flag still wins.
    let mut next = super::state();
    next.remember(preferences.clone(), false);
    assert_eq!(
        (next.queue.sort, next.queue.reverse, next.queue.tab),
        (QueueSort::Newest, true, QueueTab::Contested)
    );
    assert_eq!(next.theme_name(), theme);
    let (_, q) = queue_load(&update(&mut next, Msg::Start));
    assert_eq!(
        (q.sort, q.reverse, q.tab),
        (QueueSort::Newest, true, QueueTab::Contested)
    );
    let mut flagged = super::state();
    let first = flagged.theme_name().to_string();
    flagged.remember(preferences, true);
    assert_eq!(flagged.theme_name(), first);
    assert_eq!(
        saved(closing(&mut flagged)).map(|(_, p)| p.theme),
        None,
        "nothing changed"
    );
}
