//! `update(&mut State, Msg) -> Vec<Effect>`: every change of state, with no terminal and no SQL.

use super::compare::{self, recipient};
use super::decision;
use super::editor::{self, Purpose};
use super::effect::{Effect, TerminalAct};
use super::feed::Touched;
use super::keymap::{Command, Key, KeyCode};
use super::msg::Msg;
use super::queue;
use super::state::{DetailView, Loadable, Screen, State};
use super::typeahead::{self, Typed};
use super::{feed, holds};
use crate::domain::{Status, Visibility};
use crate::model::AuditEvent;

/// Applies one message and returns the store work it calls for. While the change feed is
/// offline, writes are refused here (with a message), never queued.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(state, msg);
    // Data may have arrived for a screen that keys were typed ahead for.
    while let Some(input) = typeahead::next_ready(state) {
        effects.extend(typed(state, input));
    }
    holds::refuse_writes_offline(state, effects)
}

/// A key or a paste for the screen as it is now.
fn typed(state: &mut State, input: Typed) -> Vec<Effect> {
    match input {
        Typed::Key(key) => on_key(state, key),
        Typed::Paste(text) => paste(state, text),
    }
}

/// Pasted text goes to the text field that has focus (the editor, the filter); anywhere else it
/// is ignored, with a message, so a paste can never run as commands.
fn paste(state: &mut State, text: String) -> Vec<Effect> {
    if state.too_small() || state.confirm.is_some() {
        return Vec::new();
    }
    if state.editor.as_ref().is_some_and(|e| e.picker.is_none()) {
        return editor::paste(state, &text);
    }
    if state.screen == Screen::Queue && state.queue.filter_editing && !state.help_open {
        return queue::paste(state, &text);
    }
    state.notice = Some(format!(
        "Pasted text ignored: no text field has focus ({} filters, {} comments)",
        state.keymap.hint(Command::Filter),
        state.keymap.hint(Command::Comment)
    ));
    Vec::new()
}

fn apply(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => {
            // The counts come after the first rows: counting a million claims would otherwise
            // compete with the first window for the store and the CPU (48 ms to first rows
            // instead of 17 at a million claims).
            state.queue.counts_after_first_rows = true;
            queue::reload(state, queue::ReloadFrom::First, false)
        }
        Msg::Key(key) => {
            holds::touch(state);
            match typeahead::hold_back(state, Typed::Key(key)) {
                Some(input) => typed(state, input),
                None => Vec::new(),
            }
        }
        Msg::Paste(text) => {
            holds::touch(state);
            match typeahead::hold_back(state, Typed::Paste(text)) {
                Some(input) => typed(state, input),
                None => Vec::new(),
            }
        }
        Msg::Tick(now) => {
            state.now = now;
            fade_news(state);
            holds::tick(state)
        }
        Msg::Resize { width, height } => {
            state.size = Some((width, height));
            Vec::new()
        }
        Msg::Viewport(viewport) => {
            state.viewport = viewport;
            queue::keep_cursor_visible(state);
            clamp_scrolls(state);
            queue::prefetch(state)
        }
        Msg::QueueLoaded { req_id, result } => {
            let mut effects = queue::loaded(state, req_id, result);
            if std::mem::take(&mut state.queue.counts_after_first_rows) {
                effects.push(queue::load_counts(state));
            }
            effects
        }
        Msg::FilterSettled { req_id } => queue::filter_settled(state, req_id),
        Msg::CountsLoaded { req_id, result } => queue::counts_loaded(state, req_id, result),
        Msg::StoreChanged => store_changed(state, &Touched::everything()),
        Msg::Changes(events) => changes(state, &events),
        Msg::StoreOffline(reason) => {
            let back = state.offline.is_some() && reason.is_none();
            state.offline = reason;
            if back {
                // Whatever was missed meanwhile arrives as changes; still, re-read what shows.
                return store_changed(state, &Touched::everything());
            }
            Vec::new()
        }
        Msg::Hold(msg) => holds::on_msg(state, msg),
        Msg::ClaimLoaded { req_id, result } => {
            if let Some(detail) = &mut state.detail {
                if detail.pending == Some(req_id) {
                    detail.pending = None;
                    detail.claim = match result {
                        Ok(claim) => {
                            if let Some(c) = &claim {
                                let views = std::slice::from_ref(&c.view);
                                editor::sync_versions(state.editor.as_deref_mut(), views);
                            }
                            Loadable::Loaded(claim)
                        }
                        Err(e) => Loadable::Failed(e),
                    };
                }
            }
            Vec::new()
        }
        Msg::CompareLoaded { req_id, result } => compare::loaded(state, req_id, result),
        Msg::DraftLoaded { req_id, result } => {
            editor::draft_loaded(state, req_id, result);
            Vec::new()
        }
        Msg::DraftDue { token } => editor::draft_due(state, token),
        Msg::DraftStored { key, result } => {
            editor::draft_stored(state, &key, result);
            Vec::new()
        }
        Msg::Written { req_id, result } => editor::written(state, req_id, result),
    }
}

/// After this reviewer wrote: re-read the counts, the queue window, and the claim or contest on
/// screen, so what shows is what the store now holds.
pub(super) fn after_write(state: &mut State) -> Vec<Effect> {
    let mut effects = vec![queue::load_counts(state)];
    effects.extend(queue::refresh(state));
    if state.detail.is_some() {
        effects.extend(reload_claim(state));
    }
    effects.extend(compare::reload(state));
    effects
}

/// A batch of events from the change feed: what shows is re-read once for the whole batch (the
/// echo of this session's own write left out), others' acts are told, and claims this session
/// held that someone else took or released are no longer renewed.
fn changes(state: &mut State, events: &[AuditEvent]) -> Vec<Effect> {
    state.echoes.expire(state.now);
    let touched = feed::touched(events, &state.reviewer, &state.echoes);
    for e in events.iter().filter(|e| e.actor != state.reviewer) {
        if let (true, Some(id)) = (e.kind.moves_hold(), &e.claim_id) {
            state.holds.held.remove(id);
        }
    }
    // News still on screen grows rather than being replaced (`n` on a contest is two events).
    let showing = matches!((&state.news.shown, &state.notice), (Some((news, _)), Some(shown)) if news == shown);
    if !showing {
        state.news.clear();
    }
    if let Some(text) = state.news.add(events, &state.reviewer) {
        state.notice = Some(text.clone());
        state.news.shown = Some((text, state.now + feed::NEWS_FOR));
    }
    if touched.is_empty() {
        return Vec::new();
    }
    store_changed(state, &touched)
}

/// Clears the news once its time is up (unless something else has replaced it).
fn fade_news(state: &mut State) {
    let Some((text, until)) = &state.news.shown else {
        return;
    };
    if state.now >= *until {
        if state.notice.as_deref() == Some(text.as_str()) {
            state.notice = None;
        }
        state.news.clear();
    }
}

/// Claims changed: re-read the counts and the queue window in place (once per batch), and the
/// open claim or contest if it is among them.
pub(super) fn store_changed(state: &mut State, touched: &Touched) -> Vec<Effect> {
    let mut effects = queue::reread(state);
    let reload_detail = state
        .detail
        .as_ref()
        .is_some_and(|d| touched.covers(&d.claim_id));
    if reload_detail {
        effects.extend(reload_claim(state));
    }
    let reload_compare = state
        .compare
        .as_ref()
        .is_some_and(|c| c.claim_ids.iter().any(|id| touched.covers(id)));
    if reload_compare {
        effects.extend(compare::reload(state));
    }
    effects
}

/// Reads the open claim again, keeping it on screen until the new version arrives.
fn reload_claim(state: &mut State) -> Vec<Effect> {
    let req_id = state.next_req();
    let Some(detail) = &mut state.detail else {
        return Vec::new();
    };
    detail.pending = Some(req_id);
    if !matches!(detail.claim, Loadable::Loaded(_)) {
        detail.claim = Loadable::Loading(req_id);
    }
    vec![Effect::LoadClaim {
        req_id,
        claim_id: detail.claim_id.clone(),
    }]
}

fn clamp_scrolls(state: &mut State) {
    state.help_scroll = state.help_scroll.min(state.viewport.help_max_scroll);
    let max = state.viewport.detail_max_scroll;
    if let Some(detail) = &mut state.detail {
        detail.scroll = detail.scroll.min(max);
    }
    let (max, poe_max) = (
        state.viewport.compare_max_scroll,
        state.viewport.poe_max_scroll,
    );
    if let Some(c) = &mut state.compare {
        c.scroll = c.scroll.min(max);
        c.poe_scroll = c.poe_scroll.min(poe_max);
    }
    compare::keep_focus_visible(state);
}

/// What ends a session (quit, SIGTERM, SIGHUP, a dropped connection): the editor's unsaved text
/// saved as its draft, and this session's holds released.
pub fn closing(state: &mut State) -> Vec<Effect> {
    let mut effects = editor::save_unsaved(state);
    effects.extend(holds::release_all(state));
    effects
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    if state.too_small() {
        // Only quit acts on a screen too small to show what a key would act on.
        if matches!(
            state.keymap.command(key),
            Some(Command::Quit | Command::ForceQuit)
        ) {
            state.quit = true;
        }
        return Vec::new();
    }
    if state.confirm.is_some() {
        return decision::confirm_key(state, key);
    }
    if state.editor.is_some() {
        return editor::key(state, key);
    }
    if state.info_scope {
        let own = [
            Command::InfoFocused,
            Command::InfoAll,
            Command::Back,
            Command::No,
            Command::ForceQuit,
        ];
        return match state.keymap.command_among(key, &own) {
            Some(Command::ForceQuit) => {
                state.quit = true;
                Vec::new()
            }
            Some(c @ (Command::InfoFocused | Command::InfoAll)) => compare::info_scope(state, c),
            Some(_) => {
                state.info_scope = false;
                Vec::new()
            }
            None => Vec::new(),
        };
    }
    if state.screen == Screen::Queue && state.queue.filter_editing && !state.help_open {
        if let Some(effects) = queue::filter_key(state, key) {
            return effects;
        }
    }
    let prefers: &[Command] = match state.screen {
        Screen::Queue => &[],
        Screen::Detail => &DETAIL_COMMANDS,
        Screen::Compare => &COMPARE_COMMANDS,
    };
    let Some(command) = state.keymap.command_preferring(key, prefers) else {
        return Vec::new();
    };
    state.notice = None;
    match command {
        Command::ForceQuit => {
            state.quit = true;
            return Vec::new();
        }
        Command::Help => {
            state.help_open = !state.help_open;
            state.help_scroll = 0;
            return Vec::new();
        }
        Command::Redraw => return vec![Effect::Terminal(TerminalAct::Redraw)],
        Command::Suspend => return vec![Effect::Terminal(TerminalAct::Suspend)],
        Command::CopyId => {
            let Some(id) = holds::focused(state) else {
                state.notice = Some("No claim here to copy".into());
                return Vec::new();
            };
            state.notice = Some(format!("Copied {id} to the clipboard"));
            return vec![Effect::Terminal(TerminalAct::Copy(id))];
        }
        Command::Theme => {
            if !state.themes.is_empty() {
                state.theme = (state.theme + 1) % state.themes.len();
                state.notice = Some(format!("Theme: {}", state.theme_name()));
            }
            return Vec::new();
        }
        _ => {}
    }
    if state.help_open {
        help_command(state, command);
        return Vec::new();
    }
    if let Some(effects) = holds::command(state, command) {
        return effects;
    }
    match state.screen {
        Screen::Queue if command == Command::Compare => compare_selected(state),
        Screen::Queue => queue::command(state, command),
        Screen::Detail => detail_command(state, command),
        Screen::Compare => compare::command(state, command),
    }
}

/// What a key means first on the detail screen (`r` asks for information there, not refresh).
const DETAIL_COMMANDS: [Command; 6] = [
    Command::Compare,
    Command::Comment,
    Command::RequestInfo,
    Command::Approve,
    Command::Reject,
    Command::Withdraw,
];

/// What a key means first in the compare view.
const COMPARE_COMMANDS: [Command; 9] = [
    Command::FocusLeft,
    Command::FocusRight,
    Command::Open,
    Command::Comment,
    Command::RequestInfo,
    Command::Approve,
    Command::Reject,
    Command::Withdraw,
    Command::Back,
];

/// `c` on the queue: compare the contest of the claim under the cursor.
fn compare_selected(state: &mut State) -> Vec<Effect> {
    let Some(row) = state.queue.selected() else {
        return Vec::new();
    };
    if !row.contested() {
        state.notice = Some(format!(
            "{} is not contested: nothing to compare",
            row.claim_id
        ));
        return Vec::new();
    }
    let claim_id = row.claim_id.clone();
    compare::open(state, claim_id, Screen::Queue, None)
}

/// The acts of the detail screen on its claim: compare, comment, request info, decide.
fn detail_act(state: &mut State, command: Command) -> Vec<Effect> {
    let Some(view) = state
        .detail
        .as_ref()
        .and_then(|d| d.claim.loaded())
        .and_then(|c| c.as_ref())
        .map(|c| c.view.clone())
    else {
        state.notice = Some("The claim is still loading".into());
        return Vec::new();
    };
    let id = view.claim.claim_id.clone();
    match command {
        Command::Compare if view.contested() => compare::open(state, id, Screen::Detail, None),
        Command::Compare => {
            state.notice = Some(format!("{id} is not contested: nothing to compare"));
            Vec::new()
        }
        Command::Comment => editor::open(
            state,
            Purpose::Comment(recipient(&view)),
            Visibility::Internal,
            None,
        ),
        Command::RequestInfo if !view.claim.status.can_become(Status::InfoRequested) => {
            state.notice = Some(format!(
                "{id} is {}: no information can be requested (m adds a comment)",
                view.claim.status.label().to_lowercase()
            ));
            Vec::new()
        }
        Command::RequestInfo => editor::open(
            state,
            Purpose::Info(vec![recipient(&view)]),
            Visibility::Partner,
            None,
        ),
        // Approving a party of a contest rejects the others: that is decided in compare.
        Command::Approve if view.contested() && view.claim.status.is_open() => {
            compare::open(state, id, Screen::Detail, Some(Command::Approve))
        }
        _ => {
            let parties = (!view.contested()).then(Vec::new);
            decision::start(state, command, &view, std::slice::from_ref(&view), parties)
        }
    }
}

fn help_command(state: &mut State, command: Command) {
    let max = state.viewport.help_max_scroll;
    let scroll = &mut state.help_scroll;
    match command {
        Command::Back | Command::Quit => state.help_open = false,
        Command::Down => *scroll = (*scroll + 1).min(max),
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll = (*scroll + 10).min(max),
        Command::PageUp => *scroll = scroll.saturating_sub(10),
        Command::Top => *scroll = 0,
        Command::Bottom => *scroll = max,
        _ => {}
    }
}

/// Opens the detail screen of the claim under the cursor.
pub(super) fn open_selected(state: &mut State) -> Vec<Effect> {
    let Some(claim_id) = state.queue.selected().map(|r| r.claim_id.clone()) else {
        return Vec::new();
    };
    let req_id = state.next_req();
    state.screen = Screen::Detail;
    state.detail = Some(DetailView {
        claim_id: claim_id.clone(),
        claim: Loadable::Loading(req_id),
        pending: Some(req_id),
        scroll: 0,
    });
    vec![Effect::LoadClaim { req_id, claim_id }]
}

fn detail_command(state: &mut State, command: Command) -> Vec<Effect> {
    if command == Command::Refresh {
        return reload_claim(state);
    }
    if DETAIL_COMMANDS.contains(&command) {
        return detail_act(state, command);
    }
    let page = state.viewport.detail_rows.max(1);
    let max = state.viewport.detail_max_scroll;
    let Some(detail) = &mut state.detail else {
        state.screen = Screen::Queue;
        return Vec::new();
    };
    let scroll = &mut detail.scroll;
    match command {
        Command::Down => *scroll = (*scroll + 1).min(max),
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll = (*scroll + page).min(max),
        Command::PageUp => *scroll = scroll.saturating_sub(page),
        Command::Top => *scroll = 0,
        Command::Bottom => *scroll = max,
        Command::Back | Command::Quit => {
            state.screen = Screen::Queue;
            state.detail = None;
        }
        _ => {}
    }
    Vec::new()
}

/// Whether a key types text into the filter (a printable character without Ctrl or Alt).
pub(super) fn typed_char(key: Key) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.ctrl && !key.alt => Some(c),
        _ => None,
    }
}
