//! `update(&mut State, Msg) -> Vec<Effect>`: every change of state, with no terminal and no SQL.
//!
//! This is the dispatcher: it routes a message to the sub-module it concerns, and only it acts
//! on the `Next` a sub-module hands back (re-read what shows, open a claim, open the editor,
//! start a decision...). No sub-module calls back up into it.

use super::assign;
use super::compare;
use super::dashboard;
use super::decision;
use super::editor;
use super::effect::{Effect, TerminalAct};
use super::feed::{self, Touched};
use super::holds;
use super::keymap::{Command, Context, Key};
use super::msg::Msg;
use super::next::{Next, Step};
use super::queue;
use super::state::{DetailView, Loadable, Screen, State};
use super::typeahead::{self, Typed};
use super::view::{recipient, Modal, MouseAct, Purpose};
use crate::domain::{Status, Visibility};
use crate::model::{AuditEvent, BulkWrite};

/// Applies one message and returns the store work it calls for. While the change feed is
/// offline, writes are refused here (with a message), never queued.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let step = apply(state, msg);
    let mut effects = follow(state, step);
    // Data may have arrived for a screen that keys were typed ahead for.
    while let Some(input) = typeahead::next_ready(state) {
        let step = typed(state, input);
        effects.extend(follow(state, step));
    }
    let mut effects = holds::refuse_writes_offline(state, effects);
    effects.extend(remember_changes(state));
    effects
}

/// The theme, sort and tab are saved as soon as they change, so a session that dies without a
/// goodbye (a killed process, a lost machine) still opens the next time as it was left. While
/// the store is offline they wait, and are saved with the first message after it is back.
fn remember_changes(state: &mut State) -> Vec<Effect> {
    let preferences = state.preferences();
    if state.offline.is_some() || preferences == state.remembered {
        return Vec::new();
    }
    state.remembered = preferences.clone();
    state.preferences_unsaved += 1;
    vec![Effect::SavePreferences {
        login: state.reviewer.clone(),
        preferences,
    }]
}

/// What ends a session (quit, SIGTERM, SIGHUP, a dropped connection): the editor's unsaved text
/// saved as its draft, and this session's holds released.
pub fn closing(state: &mut State) -> Vec<Effect> {
    let mut effects = editor::save_unsaved(state);
    effects.extend(holds::release_all(state));
    let preferences = state.preferences();
    if preferences != state.remembered || state.preferences_unsaved > 0 {
        effects.push(Effect::SavePreferences {
            login: state.reviewer.clone(),
            preferences,
        });
    }
    effects
}

/// Runs a step's follow-ups until there are none.
fn follow(state: &mut State, step: Step) -> Vec<Effect> {
    let Step {
        mut effects,
        mut next,
    } = step;
    while let Some(n) = next.take() {
        let step = dispatch(state, n);
        effects.extend(step.effects);
        next = step.next;
    }
    effects
}

/// Acts on what a sub-module asked for.
fn dispatch(state: &mut State, next: Next) -> Step {
    match next {
        Next::Reread(touched) => store_changed(state, &touched).into(),
        Next::AfterWrite => after_write(state).into(),
        Next::Open(claim_id) => open_claim(state, claim_id).into(),
        Next::OpenTaken(claim_id) => {
            let mut effects = store_changed(state, &Touched::claims([&claim_id]));
            effects.extend(open_claim(state, claim_id));
            effects.into()
        }
        Next::Editor {
            purpose,
            visibility,
            parties,
        } => editor::open(state, purpose, visibility, parties).into(),
        Next::Decide {
            command,
            view,
            contest,
            parties,
        } => decision::start(state, command, &view, &contest, parties),
        Next::ReasonWritten(reason) => decision::reason_written(state, reason),
        Next::NextReason(text) => editor::next_step(state, &text).into(),
        Next::CloseEditor { discard } => editor::close(state, discard).into(),
        Next::SendAnyway => editor::send(state, true),
        Next::Record => decision::record(state).into(),
        Next::TakeOver(claim_id) => holds::take_over(state, claim_id).into(),
        Next::KeepMyDraft => editor::save_unsaved(state).into(),
        Next::TakeTheirDraft => {
            editor::take_their_draft(state);
            Step::default()
        }
    }
}

fn apply(state: &mut State, msg: Msg) -> Step {
    match msg {
        Msg::Start => {
            // The counts come after the first rows: counting a million claims would otherwise
            // compete with the first window for the store and the CPU (48 ms to first rows
            // instead of 17 at a million claims).
            state.queue.counts_after_first_rows = true;
            queue::reload(state, queue::ReloadFrom::First, false).into()
        }
        Msg::Key(key) => {
            holds::touch(state);
            match typeahead::hold_back(state, Typed::Key(key)) {
                Some(input) => typed(state, input),
                None => Step::default(),
            }
        }
        Msg::Paste(text) => {
            holds::touch(state);
            match typeahead::hold_back(state, Typed::Paste(text)) {
                Some(input) => typed(state, input),
                None => Step::default(),
            }
        }
        Msg::Mouse(act) => {
            holds::touch(state);
            mouse(state, act)
        }
        Msg::Tick(now) => {
            state.now = now;
            fade_news(state);
            holds::tick(state).into()
        }
        Msg::Resize { width, height } => {
            state.size = Some((width, height));
            Step::default()
        }
        Msg::Viewport(viewport) => {
            state.viewport = viewport;
            queue::keep_cursor_visible(state);
            clamp_scrolls(state);
            queue::prefetch(state).into()
        }
        Msg::QueueLoaded { req_id, result } => {
            let mut effects = queue::loaded(state, req_id, result);
            if std::mem::take(&mut state.queue.counts_after_first_rows) {
                effects.push(queue::load_counts(state));
            }
            effects.into()
        }
        Msg::FilterSettled { req_id } => queue::filter_settled(state, req_id).into(),
        Msg::CountsLoaded { req_id, result } => queue::counts_loaded(state, req_id, result).into(),
        Msg::StoreChanged => store_changed(state, &Touched::everything()).into(),
        Msg::Changes(events) => changes(state, &events).into(),
        Msg::Bulk(bulk) => bulk_written(state, &bulk).into(),
        Msg::StoreOffline(reason) => {
            let back = state.offline.is_some() && reason.is_none();
            state.offline = reason;
            if !back {
                return Step::default();
            }
            // Whatever was missed meanwhile arrives as changes; still, re-read what shows, and
            // save the text typed while the store was away.
            let mut effects = store_changed(state, &Touched::everything());
            effects.extend(editor::save_unsaved(state));
            effects.into()
        }
        Msg::Hold(msg) => holds::on_msg(state, msg),
        Msg::ClaimLoaded { req_id, result } => {
            claim_loaded(state, req_id, result);
            Step::default()
        }
        Msg::DashboardLoaded { req_id, result } => dashboard::loaded(state, req_id, result).into(),
        Msg::CompareLoaded { req_id, result } => {
            editor::parties_loaded(state, req_id, &result);
            if let Ok(views) = &result {
                let ours = state.compare.as_ref().and_then(|c| c.pending) == Some(req_id);
                if ours {
                    decision::revalidate(state, views);
                    editor::sync_versions(state.editor_mut(), views);
                }
            }
            compare::loaded(state, req_id, result)
        }
        Msg::DraftLoaded { req_id, result } => {
            editor::draft_loaded(state, req_id, result);
            Step::default()
        }
        Msg::DraftDue { token } => editor::draft_due(state, token).into(),
        Msg::DraftStored { key, body, result } => {
            editor::draft_stored(state, &key, &body, result);
            Step::default()
        }
        Msg::DraftConflict {
            key,
            theirs,
            version,
        } => {
            editor::draft_conflict(state, &key, theirs, version);
            Step::default()
        }
        Msg::Written { req_id, result } => editor::written(state, req_id, result),
        Msg::ReviewersLoaded { req_id, result } => {
            assign::loaded(state, req_id, result);
            Step::default()
        }
        Msg::Assigned { req_id, result } => assign::assigned(state, req_id, result),
        Msg::EditedExternally(result) => editor::edited_externally(state, result).into(),
        Msg::PreferencesSaved(result) => {
            // A failed save is tried again when the session ends.
            if result.is_ok() {
                state.preferences_unsaved = state.preferences_unsaved.saturating_sub(1);
            }
            if let Err(e) = result {
                state.notice = Some(format!("Could not remember the theme, sort and tab: {e}"));
            }
            Step::default()
        }
    }
}

fn claim_loaded(
    state: &mut State,
    req_id: u64,
    result: Result<Option<Box<crate::model::ClaimDetail>>, String>,
) {
    let Some(detail) = &mut state.detail else {
        return;
    };
    if detail.pending != Some(req_id) {
        return;
    }
    detail.pending = None;
    if let Ok(Some(c)) = &result {
        decision::revalidate(state, std::slice::from_ref(&c.view));
    }
    let Some(detail) = &mut state.detail else {
        return;
    };
    detail.claim = match result {
        Ok(claim) => {
            if let Some(c) = &claim {
                let views = std::slice::from_ref(&c.view);
                if let Modal::Editor(editor, _) = &mut state.modal {
                    editor::sync_versions(Some(editor), views);
                }
            }
            Loadable::Loaded(claim)
        }
        Err(e) => Loadable::Failed(e),
    };
}

/// A key or a paste for the screen as it is now.
fn typed(state: &mut State, input: Typed) -> Step {
    match input {
        Typed::Key(key) => on_key(state, key),
        Typed::Paste(text) => paste(state, text).into(),
    }
}

/// Pasted text goes to the text field that has focus (the editor, the filter); anywhere else it
/// is ignored, with a message, so a paste can never run as commands.
fn paste(state: &mut State, text: String) -> Vec<Effect> {
    if state.too_small() {
        return Vec::new();
    }
    match state.context() {
        Context::Editor => return editor::paste(state, &text),
        Context::Filter => return queue::paste(state, &text),
        _ => {}
    }
    state.notice = Some(format!(
        "Pasted text ignored: no text field has focus ({} filters, {} comments)",
        state.keymap.hint_in(Context::Queue, Command::Filter),
        state.keymap.hint_in(Context::Detail, Command::Comment)
    ));
    Vec::new()
}

/// After this reviewer wrote: re-read the counts, the queue window, and the claim or contest on
/// screen, so what shows is what the store now holds.
fn after_write(state: &mut State) -> Vec<Effect> {
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
    keep_news_on_screen(state);
    let told = state.news.add(events, &state.reviewer);
    tell_news(state, told);
    if touched.is_empty() {
        return Vec::new();
    }
    store_changed(state, &touched)
}

/// Someone wrote claims in bulk: told with its count, and what shows is re-read once (a bulk
/// write moves no holds, and is never the echo of this session's own write).
fn bulk_written(state: &mut State, bulk: &BulkWrite) -> Vec<Effect> {
    keep_news_on_screen(state);
    let told = state.news.add_bulk(bulk, &state.reviewer);
    tell_news(state, told);
    store_changed(state, &Touched::everything())
}

/// News still on screen grows rather than being replaced (`n` on a contest is two events);
/// news gone from the screen starts over.
fn keep_news_on_screen(state: &mut State) {
    let showing = matches!((&state.news.shown, &state.notice), (Some((news, _)), Some(shown)) if news == shown);
    if !showing {
        state.news.clear();
    }
}

/// Shows the news line `told`, if anything was added.
fn tell_news(state: &mut State, told: Option<String>) {
    if let Some(text) = told {
        state.notice = Some(text.clone());
        state.news.shown = Some((text, state.now + feed::NEWS_FOR));
    }
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
fn store_changed(state: &mut State, touched: &Touched) -> Vec<Effect> {
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
    // Any change can move a figure: the dashboard reads them again (one read at a time).
    effects.extend(dashboard::load(state));
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
    let help_max = state.viewport.help_max_scroll;
    if let Some(scroll) = state.help_mut() {
        *scroll = (*scroll).min(help_max);
    }
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

fn on_key(state: &mut State, key: Key) -> Step {
    let context = state.context();
    let command = state.keymap.in_context(context, key);
    if state.too_small() {
        // Only quit acts on a screen too small to show what a key would act on.
        let quit =
            matches!(command, Some(Command::ForceQuit | Command::Quit)) || key == Key::ch('q');
        state.quit |= quit;
        return Step::default();
    }
    match context {
        // Ctrl-L redraws and Ctrl-Z suspends everywhere, over a question or the editor too.
        Context::Confirm | Context::Editor | Context::Picker
            if matches!(command, Some(Command::Redraw | Command::Suspend)) =>
        {
            let act = match command {
                Some(Command::Suspend) => TerminalAct::Suspend,
                _ => TerminalAct::Redraw,
            };
            return vec![Effect::Terminal(act)].into();
        }
        Context::Confirm => return decision::confirm_key(state, key),
        Context::Editor | Context::Picker => return editor::key(state, key),
        Context::Filter => {
            if let Some(effects) = queue::filter_key(state, key) {
                return effects.into();
            }
        }
        _ => {}
    }
    let Some(command) = command else {
        return Step::default();
    };
    state.notice = None;
    if let Some(effects) = everywhere(state, command) {
        return effects.into();
    }
    match context {
        Context::Help => {
            help_command(state, command);
            Step::default()
        }
        Context::Assign => assign::command(state, command),
        Context::InfoScope => match command {
            Command::InfoFocused | Command::InfoAll => compare::info_scope(state, command),
            _ => {
                state.modal = Modal::None;
                Step::default()
            }
        },
        _ => {
            if command == Command::Assign {
                return assign::open(state);
            }
            if let Some(effects) = holds::command(state, command) {
                return effects.into();
            }
            match state.screen {
                Screen::Queue if command == Command::Compare => compare_selected(state).into(),
                Screen::Queue if command == Command::Dashboard => dashboard::open(state).into(),
                Screen::Dashboard => dashboard::command(state, command).into(),
                Screen::Queue => queue::command(state, command),
                Screen::Detail => detail_command(state, command),
                Screen::Compare => compare::command(state, command),
            }
        }
    }
}

/// A click selects the row or tab under it; the wheel moves or scrolls as the arrow keys do.
/// Ignored while keys typed ahead wait, over a modal other than help, or on a screen too small.
fn mouse(state: &mut State, act: MouseAct) -> Step {
    if state.too_small() || !state.typeahead.is_empty() {
        return Step::default();
    }
    let context = state.context();
    match act {
        MouseAct::Wheel { up } => {
            let command = if up { Command::Up } else { Command::Down };
            let mut step = Step::default();
            for _ in 0..3 {
                let more = match context {
                    Context::Help => {
                        help_command(state, command);
                        Step::default()
                    }
                    Context::Queue | Context::Filter => queue::command(state, command),
                    Context::Detail => detail_command(state, command),
                    Context::Compare | Context::Poe => compare::command(state, command),
                    _ => return step,
                };
                step.effects.extend(more.effects);
            }
            step
        }
        MouseAct::Click { column, row } if context == Context::Queue => {
            if row == 0 {
                let tab = state
                    .viewport
                    .tabs
                    .iter()
                    .position(|(from, to)| column >= *from && column < *to);
                let commands = [
                    Command::Tab1,
                    Command::Tab2,
                    Command::Tab3,
                    Command::Tab4,
                    Command::Tab5,
                    Command::Tab6,
                ];
                return match tab {
                    Some(i) => queue::command(state, commands[i]),
                    None => Step::default(),
                };
            }
            let top = state.viewport.list_top;
            let shown = state.viewport.list_rows as u16;
            if row >= top && row < top + shown {
                let at = state.queue.offset + usize::from(row - top);
                if at < state.queue.window.rows.len() {
                    state.queue.cursor = at;
                }
            }
            Step::default()
        }
        MouseAct::Click { .. } => Step::default(),
    }
}

/// Commands that mean the same on every screen; `None` for the others.
fn everywhere(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    Some(match command {
        Command::ForceQuit => {
            state.quit = true;
            Vec::new()
        }
        Command::Help => {
            state.toggle_help();
            Vec::new()
        }
        Command::Redraw => vec![Effect::Terminal(TerminalAct::Redraw)],
        Command::Suspend => vec![Effect::Terminal(TerminalAct::Suspend)],
        Command::CopyId => {
            let Some(id) = holds::focused(state) else {
                state.notice = Some("No claim here to copy".into());
                return Some(Vec::new());
            };
            state.notice = Some(format!("Copied {id} to the clipboard"));
            vec![Effect::Terminal(TerminalAct::Copy(id))]
        }
        Command::Theme => {
            if !state.themes.is_empty() {
                state.theme = (state.theme + 1) % state.themes.len();
                state.notice = Some(format!("Theme: {}", state.theme_name()));
            }
            Vec::new()
        }
        _ => return None,
    })
}

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
fn detail_act(state: &mut State, command: Command) -> Step {
    let Some(view) = state
        .detail
        .as_ref()
        .and_then(|d| d.claim.loaded())
        .and_then(|c| c.as_ref())
        .map(|c| c.view.clone())
    else {
        state.notice = Some("The claim is still loading".into());
        return Step::default();
    };
    let id = view.claim.claim_id.clone();
    match command {
        Command::Compare if view.contested() => {
            compare::open(state, id, Screen::Detail, None).into()
        }
        Command::Compare => {
            state.notice = Some(format!("{id} is not contested: nothing to compare"));
            Step::default()
        }
        Command::Comment => editor::open(
            state,
            Purpose::Comment(recipient(&view)),
            Visibility::Internal,
            None,
        )
        .into(),
        Command::RequestInfo if !view.claim.status.can_become(Status::InfoRequested) => {
            state.notice = Some(format!(
                "{id} is {}: no information can be requested (m adds a comment)",
                view.claim.status.label().to_lowercase()
            ));
            Step::default()
        }
        Command::RequestInfo => editor::open(
            state,
            Purpose::Info(vec![recipient(&view)]),
            Visibility::Partner,
            None,
        )
        .into(),
        // Approving a party of a contest rejects the others: that is decided in compare.
        Command::Approve if view.contested() && view.claim.status.is_open() => {
            compare::open(state, id, Screen::Detail, Some(Command::Approve)).into()
        }
        _ => {
            let parties = (!view.contested()).then(Vec::new);
            decision::start(state, command, &view, std::slice::from_ref(&view), parties)
        }
    }
}

fn help_command(state: &mut State, command: Command) {
    let max = state.viewport.help_max_scroll;
    if command == Command::Back {
        state.toggle_help();
        return;
    }
    let Some(scroll) = state.help_mut() else {
        return;
    };
    match command {
        Command::Down => *scroll = (*scroll + 1).min(max),
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::PageDown => *scroll = (*scroll + 10).min(max),
        Command::PageUp => *scroll = scroll.saturating_sub(10),
        Command::Top => *scroll = 0,
        Command::Bottom => *scroll = max,
        _ => {}
    }
}

/// Opens the detail screen of `claim_id` (a "loading" placeholder until it arrives).
fn open_claim(state: &mut State, claim_id: String) -> Vec<Effect> {
    let req_id = state.next_req();
    state.screen = Screen::Detail;
    state.compare = None;
    state.detail = Some(DetailView {
        claim_id: claim_id.clone(),
        claim: Loadable::Loading(req_id),
        pending: Some(req_id),
        scroll: 0,
    });
    vec![Effect::LoadClaim { req_id, claim_id }]
}

fn detail_command(state: &mut State, command: Command) -> Step {
    if command == Command::Refresh {
        return reload_claim(state).into();
    }
    if matches!(
        command,
        Command::Compare
            | Command::Comment
            | Command::RequestInfo
            | Command::Approve
            | Command::Reject
            | Command::Withdraw
    ) {
        return detail_act(state, command);
    }
    let page = state.viewport.detail_rows.max(1);
    let max = state.viewport.detail_max_scroll;
    let Some(detail) = &mut state.detail else {
        state.screen = Screen::Queue;
        return Step::default();
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
    Step::default()
}
