//! The queue's window over the store: which rows to read next, and how answers join the window.
//!
//! Only a window of at most `MAX_WINDOW` rows is held. Moving near an edge of the window reads
//! the next page before the cursor gets there; `g`/`G` jump by reading the first or last page.

use super::effect::Effect;
use super::keymap::{Command, Context, Key};
use super::next::{Next, Step};
use super::state::{LoadKind, PendingLoad, QueueWindow, State, FILTER_DEBOUNCE, MAX_WINDOW, PAGE};
use crate::model::{Anchor, QueueQuery, QueueRow, QueueSort, QueueTab};

/// Where a full reload starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReloadFrom {
    First,
    Last,
}

/// Starts reading the queue afresh (tab, sort or filter changed, or a jump); `keep_rows` leaves
/// the old rows on screen until the answer arrives, so typing a filter does not flicker.
pub fn reload(state: &mut State, from: ReloadFrom, keep_rows: bool) -> Vec<Effect> {
    let req_id = state.next_req();
    let (anchor, kind) = match from {
        ReloadFrom::First => (Anchor::First, LoadKind::First),
        ReloadFrom::Last => (Anchor::Last, LoadKind::Last),
    };
    let q = &mut state.queue;
    q.displaced = None;
    q.pending = Some(PendingLoad { req_id, kind });
    // Any fresh read takes the filter as typed; a debounce still waiting has nothing left to do.
    q.filter_applied = q.filter.clone();
    q.filter_due = None;
    q.error = None;
    q.carry = 0;
    if !keep_rows {
        q.window = QueueWindow::default();
        q.cursor = 0;
        q.offset = 0;
        q.loaded = false;
    }
    vec![Effect::LoadQueue {
        req_id,
        query: query(state, anchor),
    }]
}

/// Reads the window around `row` under the current sort, so the cursor stays on its claim (the
/// old rows stay on screen until the answer).
fn reload_around(state: &mut State, row: &QueueRow) -> Vec<Effect> {
    let req_id = state.next_req();
    let from = row.sort_key(state.queue.sort);
    let q = &mut state.queue;
    q.pending = Some(PendingLoad {
        req_id,
        kind: LoadKind::Around,
    });
    q.around = Some(row.claim_id.clone());
    q.error = None;
    q.carry = 0;
    vec![Effect::ReloadQueueFrom {
        req_id,
        query: query(state, Anchor::Before(from.clone())),
        from,
    }]
}

/// Reads the window again where it is (someone changed the queue, or `r`): from the first row
/// held, keeping the cursor on its claim.
pub fn refresh(state: &mut State) -> Vec<Effect> {
    let full_reload = |p: PendingLoad| matches!(p.kind, LoadKind::First | LoadKind::Last);
    if state.queue.pending.is_some_and(full_reload) {
        // A full reload is on its way already and will show the change.
        return Vec::new();
    }
    let req_id = state.next_req();
    let q = &mut state.queue;
    q.error = None;
    q.refresh_stale = false;
    q.pending = Some(PendingLoad {
        req_id,
        kind: LoadKind::Refresh,
    });
    let from = match q.window.rows.first() {
        Some(first) if !q.window.at_start => first.sort_key(q.sort),
        _ => {
            return vec![Effect::LoadQueue {
                req_id,
                query: query(state, Anchor::First),
            }]
        }
    };
    vec![Effect::ReloadQueueFrom {
        req_id,
        query: query(state, Anchor::Before(from.clone())),
        from,
    }]
}

/// Someone changed the store: re-read the counts and the window, once per batch of changes. A
/// read already in flight is not repeated at once but marked stale and read again when it
/// answers, so a stream of changes (a bulk import) costs at most two reads of each, never one
/// per batch of events.
pub fn reread(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.queue.counts_pending {
        state.queue.counts_stale = true;
    } else {
        effects.push(load_counts(state));
    }
    match state.queue.pending {
        Some(p) if p.kind == LoadKind::Refresh => state.queue.refresh_stale = true,
        _ => effects.extend(refresh(state)),
    }
    effects
}

/// Takes a counts answer if it is for the newest request; reads again if it went stale.
pub fn counts_loaded(
    state: &mut State,
    req_id: u64,
    result: Result<crate::model::TabCounts, String>,
) -> Vec<Effect> {
    if req_id != state.queue.counts_req {
        return Vec::new();
    }
    state.queue.counts_pending = false;
    match result {
        Ok(counts) => state.queue.counts = Some(counts),
        Err(e) => state.notice = Some(format!("Counting claims failed: {e}")),
    }
    if std::mem::take(&mut state.queue.counts_stale) {
        return vec![load_counts(state)];
    }
    Vec::new()
}

/// Asks for the tab counts under the current filter.
pub fn load_counts(state: &mut State) -> Effect {
    let req_id = state.next_req();
    state.queue.counts_req = req_id;
    state.queue.counts_pending = true;
    state.queue.counts_stale = false;
    Effect::LoadCounts {
        req_id,
        reviewer: state.reviewer.clone(),
        filter: state.queue.filter_applied.clone(),
        behind: state.queue.behind.clone(),
    }
}

fn query(state: &State, anchor: Anchor) -> QueueQuery {
    QueueQuery {
        tab: state.queue.tab,
        sort: state.queue.sort,
        reverse: state.queue.reverse,
        filter: state.queue.filter_applied.clone(),
        reviewer: state.reviewer.clone(),
        anchor,
        limit: PAGE,
        behind: state.queue.behind.clone(),
    }
}

/// Takes a queue answer if it is for the newest request.
pub fn loaded(
    state: &mut State,
    req_id: u64,
    result: Result<Vec<QueueRow>, String>,
) -> Vec<Effect> {
    let q = &mut state.queue;
    let Some(pending) = q.pending.filter(|p| p.req_id == req_id) else {
        return Vec::new();
    };
    q.pending = None;
    let rows = match result {
        Ok(rows) => rows,
        Err(e) => {
            q.error = Some(e);
            q.loaded = true;
            return Vec::new();
        }
    };
    let full = rows.len() >= PAGE as usize;
    let w = &mut q.window;
    match pending.kind {
        LoadKind::First => {
            *w = QueueWindow {
                rows,
                at_start: true,
                at_end: !full,
                base: Some(0),
            };
            q.cursor = 0;
            q.offset = 0;
        }
        LoadKind::Last => {
            let len = rows.len();
            let total = q.counts.map(|c| c.get(q.tab));
            *w = QueueWindow {
                rows,
                at_start: !full,
                at_end: true,
                base: if full {
                    total.and_then(|t| t.checked_sub(len as u64))
                } else {
                    Some(0)
                },
            };
            q.cursor = len.saturating_sub(1);
        }
        LoadKind::Append => {
            w.at_end = !full;
            w.rows.extend(rows);
            let excess = w.rows.len().saturating_sub(MAX_WINDOW);
            if excess > 0 {
                w.rows.drain(..excess);
                w.at_start = false;
                w.base = w.base.map(|b| b + excess as u64);
                q.cursor = q.cursor.saturating_sub(excess);
                q.offset = q.offset.saturating_sub(excess);
            }
        }
        LoadKind::Refresh => {
            let keep = q.cursor.saturating_sub(q.offset);
            let selected = w.rows.get(q.cursor).map(|r| r.claim_id.clone());
            let at_start = w.at_start || w.rows.is_empty();
            let base = if at_start { Some(0) } else { w.base };
            *w = QueueWindow {
                rows,
                at_start,
                at_end: !full,
                base,
            };
            let found = selected
                .as_ref()
                .and_then(|id| w.rows.iter().position(|r| &r.claim_id == id));
            q.cursor = found.unwrap_or(q.cursor);
            q.offset = q.cursor.saturating_sub(keep);
            // The claim under the cursor left the tab: say so, so Enter is not pressed on its
            // neighbour by mistake.
            if let (Some(id), None) = (selected, found) {
                q.displaced = Some(id.clone());
                let left = format!("{id} left {}", q.tab.title());
                state.notice = Some(match state.notice.take() {
                    Some(news) => format!("{news}; {left}"),
                    None => left,
                });
            }
        }
        LoadKind::Around => {
            let keep = q.cursor.saturating_sub(q.offset);
            let at = q
                .around
                .take()
                .and_then(|id| rows.iter().position(|r| r.claim_id == id));
            // The window starts at the claim: whatever sorts before it is read next (a prepend
            // that finds nothing marks the queue's start), so `k` reaches it and the position
            // shown is never a guess.
            let at_start = rows.is_empty();
            *w = QueueWindow {
                rows,
                at_start,
                at_end: !full,
                base: at_start.then_some(0),
            };
            q.cursor = at.unwrap_or(0);
            q.offset = q.cursor.saturating_sub(keep);
        }
        LoadKind::Prepend => {
            let added = rows.len();
            w.at_start = !full;
            w.rows.splice(0..0, rows);
            w.base = if w.at_start {
                Some(0)
            } else {
                w.base.and_then(|b| b.checked_sub(added as u64))
            };
            q.cursor += added;
            q.offset += added;
            if w.rows.len() > MAX_WINDOW {
                w.rows.truncate(MAX_WINDOW);
                w.at_end = false;
            }
        }
    }
    q.loaded = true;
    if pending.kind == LoadKind::Refresh && std::mem::take(&mut q.refresh_stale) {
        return refresh(state);
    }
    let carry = std::mem::take(&mut q.carry);
    let moving_on = match pending.kind {
        LoadKind::Append => carry > 0,
        LoadKind::Prepend => carry < 0,
        _ => false,
    };
    if moving_on {
        return move_cursor(state, carry);
    }
    keep_cursor_visible(state);
    prefetch(state)
}

/// Scrolls the list so the cursor is visible.
pub fn keep_cursor_visible(state: &mut State) {
    let rows = state.viewport.list_rows.max(1);
    let q = &mut state.queue;
    q.cursor = q.cursor.min(q.window.rows.len().saturating_sub(1));
    if q.cursor < q.offset {
        q.offset = q.cursor;
    } else if q.cursor >= q.offset + rows {
        q.offset = q.cursor + 1 - rows;
    }
}

/// Reads the next page before the cursor reaches an edge of the window.
pub fn prefetch(state: &mut State) -> Vec<Effect> {
    let q = &state.queue;
    if q.pending.is_some() || !q.loaded || q.error.is_some() || q.window.rows.is_empty() {
        return Vec::new();
    }
    let margin = state.viewport.list_rows.max(10);
    let w = &q.window;
    let (anchor, kind) = if !w.at_end && q.cursor + margin >= w.rows.len() {
        let last = &w.rows[w.rows.len() - 1];
        (Anchor::After(last.sort_key(q.sort)), LoadKind::Append)
    } else if !w.at_start && q.cursor < margin {
        (
            Anchor::Before(w.rows[0].sort_key(q.sort)),
            LoadKind::Prepend,
        )
    } else {
        return Vec::new();
    };
    let req_id = state.next_req();
    state.queue.pending = Some(PendingLoad { req_id, kind });
    vec![Effect::LoadQueue {
        req_id,
        query: query(state, anchor),
    }]
}

/// Moves the cursor; a move past the loaded rows is finished when the next page arrives.
fn move_cursor(state: &mut State, delta: isize) -> Vec<Effect> {
    let q = &mut state.queue;
    q.displaced = None;
    let last = q.window.rows.len().saturating_sub(1);
    let target = (q.cursor as isize)
        .saturating_add(q.carry)
        .saturating_add(delta);
    q.carry = if target > last as isize && !q.window.at_end {
        target - last as isize
    } else if target < 0 && !q.window.at_start {
        target
    } else {
        0
    };
    q.cursor = target.clamp(0, last as isize) as usize;
    keep_cursor_visible(state);
    prefetch(state)
}

/// The sort changed: read the window around the claim under the cursor, which stays on it.
fn resort(state: &mut State) -> Vec<Effect> {
    state.notice = Some(format!("Sorted by {}", state.queue.sort_label()));
    match state.queue.selected().cloned() {
        Some(row) => reload_around(state, &row),
        None => reload(state, ReloadFrom::First, false),
    }
}

fn switch_tab(state: &mut State, tab: QueueTab) -> Vec<Effect> {
    if state.queue.tab == tab && state.queue.loaded {
        return Vec::new();
    }
    state.queue.tab = tab;
    reload(state, ReloadFrom::First, false)
}

fn cycle_tab(state: &mut State, step: isize) -> Vec<Effect> {
    let tabs = QueueTab::ALL;
    let at = tabs.iter().position(|t| *t == state.queue.tab).unwrap_or(0);
    let next = (at as isize + step).rem_euclid(tabs.len() as isize) as usize;
    switch_tab(state, tabs[next])
}

/// A queue command (help closed, filter not being typed or the key is not text).
pub fn command(state: &mut State, command: Command) -> Step {
    if command == Command::Open {
        if let Some(gone) = state.queue.displaced.take() {
            // The claim the reviewer chose is gone: Enter must not open its neighbour.
            if let Some(row) = state.queue.selected() {
                state.notice = Some(format!(
                    "{gone} left {}; the cursor is on {} now (Enter again opens it)",
                    state.queue.tab.title(),
                    row.claim_id
                ));
                return Step::default();
            }
        }
        return match state.queue.selected() {
            Some(row) => Step::then(Next::Open(row.claim_id.clone())),
            None => Step::default(),
        };
    }
    act(state, command).into()
}

fn act(state: &mut State, command: Command) -> Vec<Effect> {
    let page = state.viewport.list_rows.max(1) as isize;
    match command {
        Command::Down => move_cursor(state, 1),
        Command::Up => move_cursor(state, -1),
        Command::PageDown => move_cursor(state, page),
        Command::PageUp => move_cursor(state, -page),
        // With a read in flight the window may change under the cursor (a live update keeps the
        // cursor on its claim, wherever that claim now is): a jump then reads afresh, so the key
        // is not undone by the answer.
        Command::Top if state.queue.window.at_start && state.queue.pending.is_none() => {
            move_cursor(state, isize::MIN)
        }
        Command::Top => reload(state, ReloadFrom::First, false),
        Command::Bottom if state.queue.window.at_end && state.queue.pending.is_none() => {
            move_cursor(state, isize::MAX)
        }
        Command::Bottom => reload(state, ReloadFrom::Last, false),
        Command::NextTab => cycle_tab(state, 1),
        Command::PrevTab => cycle_tab(state, -1),
        Command::Tab1 => switch_tab(state, QueueTab::ALL[0]),
        Command::Tab2 => switch_tab(state, QueueTab::ALL[1]),
        Command::Tab3 => switch_tab(state, QueueTab::ALL[2]),
        Command::Tab4 => switch_tab(state, QueueTab::ALL[3]),
        Command::Tab5 => switch_tab(state, QueueTab::ALL[4]),
        Command::Tab6 => switch_tab(state, QueueTab::ALL[5]),
        Command::Sort => {
            let sorts = QueueSort::ALL;
            let at = sorts
                .iter()
                .position(|s| *s == state.queue.sort)
                .unwrap_or(0);
            state.queue.sort = sorts[(at + 1) % sorts.len()];
            resort(state)
        }
        Command::ReverseSort => {
            state.queue.reverse = !state.queue.reverse;
            resort(state)
        }
        Command::Filter => {
            state.queue.filter_editing = true;
            Vec::new()
        }
        Command::Back if state.queue.behind.is_some() => {
            // Leave a dashboard bar's claims for the whole tab.
            state.queue.behind = None;
            apply_filter(state)
        }
        Command::Back if !state.queue.filter.is_empty() => set_filter(state, String::new()),
        Command::Refresh => {
            let mut effects = refresh(state);
            effects.push(load_counts(state));
            effects
        }
        Command::Quit => {
            state.quit = true;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Applies `filter` at once (cleared with Esc, kept with Enter).
fn set_filter(state: &mut State, filter: String) -> Vec<Effect> {
    let q = &mut state.queue;
    q.filter = filter;
    if q.filter == q.filter_applied && q.filter_due.is_none() {
        return Vec::new();
    }
    apply_filter(state)
}

fn apply_filter(state: &mut State) -> Vec<Effect> {
    let mut effects = reload(state, ReloadFrom::First, true);
    effects.push(load_counts(state));
    effects
}

/// A typed filter: shown at once, read once typing pauses for `FILTER_DEBOUNCE`.
fn type_filter(state: &mut State, filter: String) -> Vec<Effect> {
    state.queue.filter = filter;
    if state.queue.filter == state.queue.filter_applied {
        state.queue.filter_due = None;
        return Vec::new();
    }
    let req_id = state.next_req();
    state.queue.filter_due = Some(req_id);
    vec![Effect::SettleFilter {
        req_id,
        after: FILTER_DEBOUNCE,
    }]
}

/// A debounce wait ended: apply the filter if no key came since.
pub fn filter_settled(state: &mut State, req_id: u64) -> Vec<Effect> {
    if state.queue.filter_due != Some(req_id) {
        return Vec::new();
    }
    apply_filter(state)
}

/// Pasted text joins the filter (on one line).
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let mut filter = state.queue.filter.clone();
    filter.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
    type_filter(state, filter)
}

/// A key while the filter is being typed; `None` lets the queue's keys handle it (arrows).
pub fn filter_key(state: &mut State, key: Key) -> Option<Vec<Effect>> {
    let mut filter = state.queue.filter.clone();
    match state.keymap.in_context(Context::Filter, key) {
        Some(Command::KeepFilter) => {
            state.queue.filter_editing = false;
            return Some(set_filter(state, filter));
        }
        Some(Command::ClearFilter) => {
            state.queue.filter_editing = false;
            return Some(set_filter(state, String::new()));
        }
        Some(Command::ClearLine) => return Some(type_filter(state, String::new())),
        Some(Command::DeleteWord) => {
            let kept = filter.trim_end().len();
            filter.truncate(kept);
            let cut = filter.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            filter.truncate(cut);
            return Some(type_filter(state, filter));
        }
        Some(Command::Down) => return Some(move_cursor(state, 1)),
        Some(Command::Up) => return Some(move_cursor(state, -1)),
        Some(_) => return None,
        None => {}
    }
    if let Some(c) = key.typed_char() {
        filter.push(c);
        return Some(type_filter(state, filter));
    }
    if key == Key::plain(super::keymap::KeyCode::Backspace) {
        filter.pop();
        return Some(type_filter(state, filter));
    }
    Some(Vec::new())
}
