//! The editor modal (ratatui-textarea): comments, requests for more information and the reasons
//! of a decision.
//!
//! The app takes its own keys first (send, cancel, visibility, templates, help, force quit);
//! every other key goes to the text. What is typed is saved to the store as a draft 500 ms after
//! the last keystroke, at once when the session ends, and again once a store that was away is
//! back, so nothing typed is lost; opening the editor on the same claims brings the draft back.
//! A draft changed by another session of the same reviewer is not overwritten silently: the
//! reviewer chooses. Before a partner-visible text is sent, the confidentiality guard warns if it
//! names another party of the contest or quotes its PoE.

use super::effect::{Effect, TerminalAct};
use super::keymap::{Command, Key};
use super::msg::{WriteError, WriteErrorKind};
use super::next::{Next, Step};
use super::state::State;
use super::view::{contest_parties, Confirm, ConfirmAction, DraftState, Editor, Over, Purpose};
use super::view::{ContestParty, Recipient, TextBox};
use crate::domain::Visibility;
use crate::model::{ClaimView, Draft, InfoRequest};

pub use super::view::editor::{draft_key, DRAFT_DEBOUNCE};

/// Opens the editor and asks for its draft. `parties` is the contest when the caller has it;
/// `None` reads it for the guard when the claim is contested.
pub fn open(
    state: &mut State,
    purpose: Purpose,
    visibility: Visibility,
    parties: Option<Vec<ContestParty>>,
) -> Vec<Effect> {
    let prefill = match &purpose {
        Purpose::Decision(plan) => plan.current().map(|p| p.reason.clone()).unwrap_or_default(),
        _ => String::new(),
    };
    let key = draft_key(&purpose);
    let draft_req = state.next_req();
    let mut effects = vec![Effect::LoadDraft {
        req_id: draft_req,
        login: state.reviewer.clone(),
        key: key.clone(),
    }];
    let (parties, parties_req) = match parties {
        Some(p) => (p, None),
        None => {
            let req_id = state.next_req();
            effects.push(Effect::LoadGuardParties {
                req_id,
                claim_ids: purpose.claim_ids(),
            });
            (Vec::new(), Some(req_id))
        }
    };
    state.open_editor(Editor {
        purpose,
        visibility,
        text: TextBox::new(&prefill),
        draft_key: key,
        draft: DraftState::Loading(draft_req),
        draft_known: None,
        draft_theirs: None,
        sending: None,
        error: None,
        parties,
        parties_req,
        resync: false,
    });
    effects
}

/// The contest read for the guard arrived.
pub fn parties_loaded(state: &mut State, req_id: u64, result: &Result<Vec<ClaimView>, String>) {
    let Some(editor) = state.editor_mut() else {
        return;
    };
    if editor.parties_req != Some(req_id) {
        return;
    }
    editor.parties_req = None;
    match result {
        Ok(views) => {
            let contested = views.len() > 1 || views.iter().any(|v| v.contested());
            editor.parties = if contested {
                contest_parties(views)
            } else {
                Vec::new()
            };
            sync_versions(Some(editor), views);
        }
        Err(e) => {
            editor.error = Some(format!(
                "Cannot read the other parties for the confidentiality check: {e}"
            ));
        }
    }
}

/// After a refusal, the next read of the claims gives the editor their new versions (the
/// reviewer has been told what changed; sending again acts on what they now see).
pub fn sync_versions(editor: Option<&mut Editor>, views: &[ClaimView]) {
    let Some(editor) = editor else {
        return;
    };
    if !editor.resync {
        return;
    }
    editor.resync = false;
    let update = |r: &mut Recipient| {
        if let Some(v) = views.iter().find(|v| v.claim.claim_id == r.seen.claim_id) {
            r.seen.version = v.version;
        }
    };
    match &mut editor.purpose {
        Purpose::Comment(r) => update(r),
        Purpose::Info(rs) => rs.iter_mut().for_each(update),
        Purpose::Decision(plan) => plan.items.iter_mut().for_each(|p| update(&mut p.recipient)),
    }
}

/// The draft arrived: it replaces the text (keys typed meanwhile waited for it).
pub fn draft_loaded(state: &mut State, req_id: u64, result: Result<Option<Draft>, String>) {
    let Some(editor) = state.editor_mut() else {
        return;
    };
    if editor.draft != DraftState::Loading(req_id) {
        return;
    }
    editor.draft = DraftState::Untouched;
    if let Ok(Some(draft)) = &result {
        editor.draft_known = Some(draft.version);
    }
    match result {
        Ok(Some(draft)) if !draft.body.trim().is_empty() => {
            editor.text = TextBox::new(&draft.body);
            if matches!(editor.purpose, Purpose::Comment(_)) {
                editor.visibility = draft.visibility;
            }
            editor.draft = DraftState::Saved;
            state.notice = Some("Draft restored".into());
        }
        Ok(_) => {}
        Err(e) => state.notice = Some(format!("Cannot read the saved draft: {e}")),
    }
}

/// The store answered a draft save: only a confirmed save is shown as saved.
pub fn draft_stored(state: &mut State, key: &str, body: &str, result: Result<Option<i64>, String>) {
    let editor = state.editor_mut().filter(|e| e.draft_key == key);
    match (result, editor) {
        (Ok(version), Some(editor)) => {
            editor.draft_known = version;
            if editor.draft == DraftState::Saving && editor.text.text() == body {
                editor.draft = DraftState::Saved;
            }
        }
        (Ok(_), None) => {}
        (Err(e), editor) => {
            if let Some(editor) = editor {
                editor.draft = DraftState::Unsaved(e.clone());
            }
            state.notice = Some(format!("Draft {key} not saved: {e}"));
        }
    }
}

/// Another session of this reviewer saved the draft since this one read or saved it (even if
/// it wrote the same text back): the reviewer chooses which text to keep. Keeping this one
/// saves it over theirs (at their version); taking theirs puts their text in the editor.
pub fn draft_conflict(state: &mut State, key: &str, theirs: String, version: i64) {
    let Some(editor) = state.editor_mut().filter(|e| e.draft_key == key) else {
        return;
    };
    editor.draft = DraftState::Unsaved("changed in another session".into());
    let shown: String = theirs.chars().take(200).collect();
    editor.draft_known = Some(version);
    editor.draft_theirs = Some(theirs);
    state.ask(Confirm {
        title: "This draft was changed in another session".into(),
        lines: vec![
            format!("There it reads: \"{shown}\""),
            String::new(),
            "y: keep the text here (it replaces that one) · n / Esc / Enter: take that text".into(),
        ],
        action: ConfirmAction::KeepMyDraft,
    });
}

/// The reviewer took the other session's draft text.
pub fn take_their_draft(state: &mut State) {
    if let Some(editor) = state.editor_mut() {
        if let Some(theirs) = editor.draft_theirs.take() {
            editor.text = TextBox::new(&theirs);
            editor.draft = DraftState::Saved;
        }
    }
}

/// The debounce timer ran out: save if nothing was typed since it was set.
pub fn draft_due(state: &mut State, token: u64) -> Vec<Effect> {
    let login = state.reviewer.clone();
    match state.editor_mut() {
        Some(editor) if editor.draft == DraftState::Typed { token } => save_now(editor, login),
        _ => Vec::new(),
    }
}

fn save_now(editor: &mut Editor, login: String) -> Vec<Effect> {
    editor.draft = DraftState::Saving;
    editor.draft_theirs = None;
    vec![Effect::SaveDraft {
        login,
        key: editor.draft_key.clone(),
        visibility: editor.visibility,
        body: editor.text.text(),
        known: editor.draft_known,
    }]
}

/// Saves the text now if the store may not hold it: the session is ending, or the store is back
/// after being away.
pub fn save_unsaved(state: &mut State) -> Vec<Effect> {
    let login = state.reviewer.clone();
    match state.editor_mut() {
        Some(editor) if editor.draft.unsaved() && !editor.text.is_blank() => {
            save_now(editor, login)
        }
        _ => Vec::new(),
    }
}

/// A key while the editor is open: the app's own keys first, then the text's.
pub fn key(state: &mut State, key: Key) -> Step {
    if let Some(Over::Picker(row)) = state.over_editor().cloned() {
        return picker_key(state, key, row).into();
    }
    if let Some(Over::Help { .. }) = state.over_editor() {
        return Vec::new().into();
    }
    let command = state.keymap.in_context(super::keymap::Context::Editor, key);
    let Some(editor) = state.editor_mut() else {
        return Step::default();
    };
    match command {
        Some(Command::ForceQuit) => force_quit(state).into(),
        Some(Command::Send) => send(state, false),
        Some(Command::Back) => cancel(state).into(),
        Some(Command::Help) => {
            state.toggle_help();
            Step::default()
        }
        Some(Command::ToggleVisibility) => {
            if matches!(editor.purpose, Purpose::Comment(_)) {
                editor.visibility = match editor.visibility {
                    Visibility::Partner => Visibility::Internal,
                    Visibility::Internal => Visibility::Partner,
                };
                return edited(state).into();
            }
            state.notice =
                Some("Information requests and decision reasons are always partner-visible".into());
            Step::default()
        }
        Some(Command::Template) => {
            state.set_over_editor(Over::Picker(0));
            Step::default()
        }
        Some(Command::ExternalEditor) if editor.sending.is_none() => vec![Effect::Terminal(
            TerminalAct::EditExternally(editor.text.text()),
        )]
        .into(),
        Some(c) if editor.sending.is_none() && editor.text.act(c) => edited(state).into(),
        Some(_) => Step::default(),
        None => {
            if editor.sending.is_none() && editor.text.input(key) {
                edited(state).into()
            } else {
                Step::default()
            }
        }
    }
}

fn picker_key(state: &mut State, key: Key, row: usize) -> Vec<Effect> {
    let command = state.keymap.in_context(super::keymap::Context::Picker, key);
    let templates = state.templates.clone();
    let Some(editor) = state.editor_mut() else {
        return Vec::new();
    };
    let count = editor.templates(&templates).len();
    let over = match command {
        Some(Command::ForceQuit) => return force_quit(state),
        Some(Command::Help) => {
            state.toggle_help();
            return Vec::new();
        }
        Some(Command::Down) => Over::Picker((row + 1).min(count.saturating_sub(1))),
        Some(Command::Up) => Over::Picker(row.saturating_sub(1)),
        Some(Command::Open) => {
            let text = editor
                .templates(&templates)
                .get(row)
                .map(|t| t.text.clone());
            state.set_over_editor(Over::Nothing);
            if let (Some(text), Some(editor)) = (text, state.editor_mut()) {
                editor.text.insert(&text);
                return edited(state);
            }
            return Vec::new();
        }
        Some(Command::Back | Command::Template) => Over::Nothing,
        _ => Over::Picker(row),
    };
    state.set_over_editor(over);
    Vec::new()
}

/// `$EDITOR` is done: its text replaces the editor's (and is saved as the draft soon after).
pub fn edited_externally(state: &mut State, result: Result<String, String>) -> Vec<Effect> {
    match result {
        Ok(text) => {
            let Some(editor) = state.editor_mut() else {
                return Vec::new();
            };
            let text = text.strip_suffix('\n').unwrap_or(&text);
            if text == editor.text.text() {
                return Vec::new();
            }
            editor.text = TextBox::new(text);
            edited(state)
        }
        Err(why) => {
            state.notice = Some(why);
            Vec::new()
        }
    }
}

/// Pasted text goes in at the cursor (not while a write is on its way).
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let Some(editor) = state.editor_mut() else {
        return Vec::new();
    };
    if editor.sending.is_some() {
        return Vec::new();
    }
    editor
        .text
        .insert(&text.replace("\r\n", "\n").replace('\r', "\n"));
    edited(state)
}

/// The text changed: arm the debounce timer.
fn edited(state: &mut State) -> Vec<Effect> {
    let token = state.next_req();
    let Some(editor) = state.editor_mut() else {
        return Vec::new();
    };
    editor.draft = DraftState::Typed { token };
    vec![Effect::DraftTimer {
        token,
        after: DRAFT_DEBOUNCE,
    }]
}

/// Ctrl-c in the editor: quit; the session saves the draft as it ends.
fn force_quit(state: &mut State) -> Vec<Effect> {
    state.quit = true;
    Vec::new()
}

/// `Esc`: close, asking first if text would be lost.
fn cancel(state: &mut State) -> Vec<Effect> {
    let Some(editor) = state.editor() else {
        return Vec::new();
    };
    if editor.text.is_blank() {
        return close(state, true);
    }
    state.ask(Confirm {
        title: "Discard the text?".into(),
        lines: vec![
            "Closing the editor throws away what you wrote (and its saved draft).".into(),
            "n / Esc / Enter: keep writing.".into(),
        ],
        action: ConfirmAction::DiscardText,
    });
    Vec::new()
}

/// Closes the editor; `discard` forgets its draft(s) too.
pub fn close(state: &mut State, discard: bool) -> Vec<Effect> {
    let Some(editor) = state.take_editor() else {
        return Vec::new();
    };
    if !discard {
        return Vec::new();
    }
    let mut keys = vec![editor.draft_key.clone()];
    if let Purpose::Decision(plan) = &editor.purpose {
        keys = plan
            .items
            .iter()
            .map(|p| format!("reason:{}", p.recipient.seen.claim_id))
            .collect();
    }
    keys.into_iter()
        .map(|key| Effect::DiscardDraft {
            login: state.reviewer.clone(),
            key,
        })
        .collect()
}

/// `Ctrl-S`: checks, the guard (unless `anyway`), then the write or the decision's next step.
pub fn send(state: &mut State, anyway: bool) -> Step {
    let Some(editor) = state.editor_mut() else {
        return Step::default();
    };
    if editor.sending.is_some() {
        return Step::default();
    }
    if editor.text.is_blank() {
        editor.error = Some(match editor.purpose {
            Purpose::Decision(_) => {
                "A decision needs a reason: write one, or pick one with the template key".into()
            }
            _ => "Nothing to send: the text is empty".into(),
        });
        return Step::default();
    }
    if editor.partner_visible() && editor.parties_req.is_some() {
        editor.error =
            Some("Still reading the other parties for the confidentiality check…".into());
        return Step::default();
    }
    if !anyway {
        let found = editor.leaks();
        if !found.is_empty() {
            let mut lines: Vec<String> = found.iter().map(|l| format!("• This text {l}")).collect();
            lines.push("Partners must never see another party's name, MPN, claim or PoE.".into());
            lines.push("y: send anyway · n / Esc / Enter: go back and edit".into());
            state.ask(Confirm {
                title: "Confidentiality: send this partner-visible text?".into(),
                lines,
                action: ConfirmAction::SendAnyway,
            });
            return Step::default();
        }
    }
    editor.error = None;
    let body = editor.text.text();
    if matches!(editor.purpose, Purpose::Decision(_)) {
        return Step::then(Next::ReasonWritten(body));
    }
    let login = state.reviewer.clone();
    let req_id = state.next_req();
    let Some(editor) = state.editor_mut() else {
        return Step::default();
    };
    editor.sending = Some(req_id);
    let effect = match &editor.purpose {
        Purpose::Comment(r) => Effect::PostComment {
            req_id,
            login,
            seen: r.seen.clone(),
            visibility: editor.visibility,
            body,
        },
        Purpose::Info(rs) => Effect::RequestInfo {
            req_id,
            login,
            requests: rs
                .iter()
                .map(|r| InfoRequest {
                    seen: r.seen.clone(),
                    body: body.clone(),
                })
                .collect(),
        },
        Purpose::Decision(_) => return Step::default(),
    };
    vec![effect].into()
}

/// Moves a decision to its next step's reason, keeping the text written so far.
pub fn next_step(state: &mut State, text: &str) -> Vec<Effect> {
    let login = state.reviewer.clone();
    let draft_req = state.next_req();
    let Some(editor) = state.editor_mut() else {
        return Vec::new();
    };
    // What was written for the finished step is kept as its draft too.
    let mut effects = if editor.draft == DraftState::Saved {
        Vec::new()
    } else {
        save_now(editor, login.clone())
    };
    editor.text = TextBox::new(text);
    editor.draft_key = draft_key(&editor.purpose);
    editor.draft = DraftState::Loading(draft_req);
    editor.draft_known = None;
    editor.draft_theirs = None;
    editor.error = None;
    effects.push(Effect::LoadDraft {
        req_id: draft_req,
        login,
        key: editor.draft_key.clone(),
    });
    effects
}

/// A write answered: on success the editor closes and what shows is re-read.
pub fn written(state: &mut State, req_id: u64, result: Result<(), WriteError>) -> Step {
    let Some(editor) = state.editor_mut() else {
        return Step::default();
    };
    if editor.sending != Some(req_id) {
        return Step::default();
    }
    editor.sending = None;
    let done = match &editor.purpose {
        Purpose::Comment(r) => format!(
            "Comment ({}) added to {}",
            editor.visibility.label(),
            r.seen.claim_id
        ),
        Purpose::Info(rs) => format!(
            "Information requested from {} part{}: {}",
            rs.len(),
            if rs.len() == 1 { "y" } else { "ies" },
            rs.iter()
                .map(|r| r.seen.claim_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Purpose::Decision(plan) => plan.summary(),
    };
    match result {
        Ok(()) => {
            let written = editor.purpose.claim_ids();
            state.echoes.expect(&written, state.now);
            let effects = close(state, true);
            state.notice = Some(done);
            Step::with(effects, Next::AfterWrite)
        }
        Err(WriteError {
            kind: WriteErrorKind::Failed,
            message,
        }) => {
            let text = format!("Not sent: {message}. Your text is kept; Ctrl-S tries again.");
            editor.error = Some(text.clone());
            state.notice = Some(text);
            Step::default()
        }
        Err(WriteError { message, .. }) => {
            let text = format!("Nothing was written: {message}. Reloaded; check and send again.");
            editor.error = Some(text.clone());
            editor.resync = true;
            state.notice = Some(text);
            Step::then(Next::AfterWrite)
        }
    }
}
