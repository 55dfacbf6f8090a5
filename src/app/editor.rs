//! The editor modal (ratatui-textarea): comments, requests for more information and the reasons
//! of a decision.
//!
//! The app takes its own keys first (send, cancel, visibility, templates, force quit); every
//! other key goes to the text. What is typed is saved to the store as a draft 500 ms after the
//! last keystroke, so a dropped SSH connection or a crash loses nothing, and opening the editor
//! on the same claims brings the draft back. Before a partner-visible text is sent, the
//! confidentiality guard warns if it names another party of the contest or quotes its PoE.

use std::time::Duration;

use ratatui::style::Style;
use ratatui_textarea::{Input, Key as TaKey, TextArea, WrapMode};

use super::decision::{self, Confirm, ConfirmAction, DecisionPlan};
use super::effect::Effect;
use super::keymap::{Command, Key, KeyCode};
use super::msg::{WriteError, WriteErrorKind};
use super::state::State;
use crate::domain::confidentiality::{leaks, OtherParty};
use crate::domain::reasons::{Template, TemplateKind};
use crate::domain::Visibility;
use crate::model::{ClaimView, Draft, InfoRequest, Seen};

/// How long after the last keystroke the draft is saved.
pub const DRAFT_DEBOUNCE: Duration = Duration::from_millis(500);

/// The text being written: a ratatui-textarea, compared by its lines (it has no `PartialEq`).
#[derive(Debug, Clone)]
pub struct TextBox(TextArea<'static>);

impl PartialEq for TextBox {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines() && self.0.cursor() == other.0.cursor()
    }
}

impl TextBox {
    /// A text area holding `text`, cursor at its end, wrapping at word boundaries.
    pub fn new(text: &str) -> TextBox {
        let mut area = TextArea::default();
        area.set_cursor_line_style(Style::default());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_placeholder_text("Type here, or pick a template…");
        area.insert_str(text);
        TextBox(area)
    }

    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }

    /// Nothing but white space: sending it would be refused, cancelling loses nothing.
    pub fn is_blank(&self) -> bool {
        self.0.lines().iter().all(|l| l.trim().is_empty())
    }

    /// The widget, for the renderer.
    pub fn area(&self) -> &TextArea<'static> {
        &self.0
    }

    /// Types one key; true if the text changed.
    pub fn input(&mut self, key: Key) -> bool {
        let code = match key.code {
            KeyCode::Char(c) => TaKey::Char(c),
            KeyCode::Enter => TaKey::Enter,
            KeyCode::Tab => TaKey::Tab,
            KeyCode::Backspace => TaKey::Backspace,
            KeyCode::Delete => TaKey::Delete,
            KeyCode::Up => TaKey::Up,
            KeyCode::Down => TaKey::Down,
            KeyCode::Left => TaKey::Left,
            KeyCode::Right => TaKey::Right,
            KeyCode::Home => TaKey::Home,
            KeyCode::End => TaKey::End,
            KeyCode::PageUp => TaKey::PageUp,
            KeyCode::PageDown => TaKey::PageDown,
            KeyCode::F(n) => TaKey::F(n),
            KeyCode::Esc | KeyCode::BackTab => return false,
        };
        self.0.input(Input {
            key: code,
            ctrl: key.ctrl,
            alt: key.alt,
            shift: false,
        })
    }

    /// Inserts `text` at the cursor (a template).
    pub fn insert(&mut self, text: &str) {
        self.0.insert_str(text);
    }
}

/// A claim the text goes to, at the version the reviewer saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The claim and the version on screen when the editor opened (sent with the write).
    pub seen: Seen,
    /// `CPOR-00002 · Fabrikam Partners (2000002)`.
    pub label: String,
}

/// What the text is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A comment on one claim, partner-visible or internal.
    Comment(Recipient),
    /// A request for more information: the same text as a partner-visible comment on each
    /// party's own claim (each partner sees only its own), and each claim waits on its partner.
    Info(Vec<Recipient>),
    /// The reasons of a decision, one claim at a time, then a confirmation.
    Decision(DecisionPlan),
}

impl Purpose {
    /// Every claim the text goes to (all steps of a decision).
    pub fn claim_ids(&self) -> Vec<String> {
        match self {
            Purpose::Comment(r) => vec![r.seen.claim_id.clone()],
            Purpose::Info(rs) => rs.iter().map(|r| r.seen.claim_id.clone()).collect(),
            Purpose::Decision(plan) => plan
                .items
                .iter()
                .map(|p| p.recipient.seen.claim_id.clone())
                .collect(),
        }
    }
}

/// A party of the contest, for the confidentiality guard (`claim_id` is `None` for an
/// incumbent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestParty {
    /// Its claim in the contest (`None` for the incumbent).
    pub claim_id: Option<String>,
    /// What the guard looks for: name, MPN, PoE summaries.
    pub party: OtherParty,
}

/// The editor modal.
#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    /// Comment, information request, or the reasons of a decision.
    pub purpose: Purpose,
    /// Who may read it; information requests and reasons are always partner-visible.
    pub visibility: Visibility,
    /// What the reviewer is writing.
    pub text: TextBox,
    /// Where the draft is kept: `comment:<id>`, `info:<id>[,<id>...]`, `reason:<id>`.
    pub draft_key: String,
    /// The draft read in flight; a draft arriving after the reviewer typed is not applied.
    pub draft_req: Option<u64>,
    /// Changes typed since the editor (or this decision step) opened.
    pub edits: u64,
    /// The newest keystroke's debounce token; its timer saves the draft.
    pub token: u64,
    /// Saving the text on screen as the draft has been asked for.
    pub saved: bool,
    /// The store has confirmed that the text on screen is saved.
    pub stored: bool,
    /// The write in flight, if any.
    pub sending: Option<u64>,
    /// Why the last send did not happen (shown in the editor until the next send).
    pub error: Option<String>,
    /// The template picker is open, with this row selected.
    pub picker: Option<usize>,
    /// Every party of the contest (empty when uncontested), for the guard.
    pub parties: Vec<ContestParty>,
    /// The contest read for the guard, while it is in flight.
    pub parties_req: Option<u64>,
    /// A write was refused as stale: take the versions of the next read.
    pub resync: bool,
}

impl Editor {
    /// The claims the text goes to now (the current step of a decision).
    pub fn recipients(&self) -> Vec<&Recipient> {
        match &self.purpose {
            Purpose::Comment(r) => vec![r],
            Purpose::Info(rs) => rs.iter().collect(),
            Purpose::Decision(plan) => plan.current().map(|p| &p.recipient).into_iter().collect(),
        }
    }

    /// Whether the partner(s) will read the text.
    pub fn partner_visible(&self) -> bool {
        match self.purpose {
            Purpose::Comment(_) => self.visibility == Visibility::Partner,
            Purpose::Info(_) | Purpose::Decision(_) => true,
        }
    }

    /// The templates that fit what is being written.
    pub fn templates<'t>(&self, all: &'t [Template]) -> Vec<&'t Template> {
        let kinds: &[TemplateKind] = match &self.purpose {
            Purpose::Comment(_) => &[TemplateKind::InfoRequest, TemplateKind::Own],
            Purpose::Info(_) => &[TemplateKind::InfoRequest, TemplateKind::Own],
            Purpose::Decision(plan) => match plan.current().map(|p| p.outcome) {
                Some(crate::domain::DecisionOutcome::Approved) => {
                    &[TemplateKind::Approval, TemplateKind::Own]
                }
                _ => &[TemplateKind::Rejection, TemplateKind::Own],
            },
        };
        all.iter().filter(|t| kinds.contains(&t.kind)).collect()
    }

    /// What the guard finds in the text for its recipients: each recipient's text must not give
    /// away any other party of the contest.
    pub fn leaks(&self) -> Vec<String> {
        if !self.partner_visible() || self.parties.is_empty() {
            return Vec::new();
        }
        let text = self.text.text();
        let mut out: Vec<String> = Vec::new();
        for r in self.recipients() {
            let others: Vec<OtherParty> = self
                .parties
                .iter()
                .filter(|p| p.claim_id.as_deref() != Some(r.seen.claim_id.as_str()))
                .filter(|p| p.party.mpn_id != recipient_mpn(&self.parties, r))
                .map(|p| p.party.clone())
                .collect();
            for leak in leaks(&text, &others) {
                let line = leak.describe();
                if !out.contains(&line) {
                    out.push(line);
                }
            }
        }
        out
    }
}

/// The recipient's own MPN: naming oneself is no leak.
fn recipient_mpn(parties: &[ContestParty], r: &Recipient) -> String {
    parties
        .iter()
        .find(|p| p.claim_id.as_deref() == Some(r.seen.claim_id.as_str()))
        .map(|p| p.party.mpn_id.clone())
        .unwrap_or_default()
}

/// The draft key of a purpose.
pub fn draft_key(purpose: &Purpose) -> String {
    match purpose {
        Purpose::Comment(r) => format!("comment:{}", r.seen.claim_id),
        Purpose::Info(rs) => {
            let ids: Vec<&str> = rs.iter().map(|r| r.seen.claim_id.as_str()).collect();
            format!("info:{}", ids.join(","))
        }
        Purpose::Decision(plan) => plan
            .current()
            .map(|p| format!("reason:{}", p.recipient.seen.claim_id))
            .unwrap_or_default(),
    }
}

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
            let ids = purpose.claim_ids();
            effects.push(Effect::LoadGuardParties {
                req_id,
                claim_ids: ids,
            });
            (Vec::new(), Some(req_id))
        }
    };
    state.editor = Some(Box::new(Editor {
        purpose,
        visibility,
        text: TextBox::new(&prefill),
        draft_key: key,
        draft_req: Some(draft_req),
        edits: 0,
        token: 0,
        saved: false,
        stored: false,
        sending: None,
        error: None,
        picker: None,
        parties,
        parties_req,
        resync: false,
    }));
    effects
}

/// The contest read for the guard arrived.
pub fn parties_loaded(state: &mut State, req_id: u64, result: &Result<Vec<ClaimView>, String>) {
    let Some(editor) = state.editor.as_deref_mut() else {
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
                super::compare::contest_parties(views)
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

/// The draft arrived: it replaces the text unless the reviewer has typed meanwhile.
pub fn draft_loaded(state: &mut State, req_id: u64, result: Result<Option<Draft>, String>) {
    let Some(editor) = state.editor.as_deref_mut() else {
        return;
    };
    if editor.draft_req != Some(req_id) {
        return;
    }
    editor.draft_req = None;
    match result {
        Ok(Some(draft)) if editor.edits == 0 && !draft.body.trim().is_empty() => {
            editor.text = TextBox::new(&draft.body);
            if matches!(editor.purpose, Purpose::Comment(_)) {
                editor.visibility = draft.visibility;
            }
            editor.saved = true;
            editor.stored = true;
            state.notice = Some("Draft restored".into());
        }
        Ok(_) => {}
        Err(e) => state.notice = Some(format!("Cannot read the saved draft: {e}")),
    }
}

/// The store answered a draft save: only a confirmed save is shown as saved.
pub fn draft_stored(state: &mut State, key: &str, result: Result<(), String>) {
    let editor = state.editor.as_deref_mut().filter(|e| e.draft_key == key);
    match (result, editor) {
        (Ok(()), Some(editor)) => editor.stored = editor.saved,
        (Ok(()), None) => {}
        (Err(e), editor) => {
            state.notice = Some(format!("Draft {key} not saved: {e}"));
            if let Some(editor) = editor {
                editor.saved = false;
            }
        }
    }
}

/// The debounce timer ran out: save if nothing was typed since it was set.
pub fn draft_due(state: &mut State, token: u64) -> Vec<Effect> {
    let login = state.reviewer.clone();
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    if editor.token != token || editor.saved {
        return Vec::new();
    }
    save_now(editor, login)
}

fn save_now(editor: &mut Editor, login: String) -> Vec<Effect> {
    editor.saved = true;
    vec![Effect::SaveDraft {
        login,
        key: editor.draft_key.clone(),
        visibility: editor.visibility,
        body: editor.text.text(),
    }]
}

/// A key while the editor is open: the app's own keys first, then the text's.
pub fn key(state: &mut State, key: Key) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    if let Some(cursor) = editor.picker {
        let own = [
            Command::ForceQuit,
            Command::Down,
            Command::Up,
            Command::Open,
            Command::Back,
            Command::Template,
        ];
        let count = editor.templates(&state.templates).len();
        match state.keymap.command_among(key, &own) {
            Some(Command::ForceQuit) => return force_quit(state),
            Some(Command::Down) => editor.picker = Some((cursor + 1).min(count.saturating_sub(1))),
            Some(Command::Up) => editor.picker = Some(cursor.saturating_sub(1)),
            Some(Command::Open) => {
                let text = editor
                    .templates(&state.templates)
                    .get(cursor)
                    .map(|t| t.text.clone());
                editor.picker = None;
                if let Some(text) = text {
                    editor.text.insert(&text);
                    return edited(state);
                }
            }
            Some(Command::Back | Command::Template) => editor.picker = None,
            _ => {}
        }
        return Vec::new();
    }
    let own = [
        Command::ForceQuit,
        Command::Send,
        Command::Back,
        Command::ToggleVisibility,
        Command::Template,
    ];
    match state.keymap.command_among(key, &own) {
        Some(Command::ForceQuit) => force_quit(state),
        Some(Command::Send) => send(state, false),
        Some(Command::Back) => cancel(state),
        Some(Command::ToggleVisibility) => {
            if matches!(editor.purpose, Purpose::Comment(_)) {
                editor.visibility = match editor.visibility {
                    Visibility::Partner => Visibility::Internal,
                    Visibility::Internal => Visibility::Partner,
                };
                return edited(state);
            }
            state.notice =
                Some("Information requests and decision reasons are always partner-visible".into());
            Vec::new()
        }
        Some(Command::Template) => {
            editor.picker = Some(0);
            Vec::new()
        }
        _ => {
            if editor.sending.is_some() {
                return Vec::new();
            }
            if editor.text.input(key) {
                edited(state)
            } else {
                Vec::new()
            }
        }
    }
}

/// Pasted text goes in at the cursor (not while a write is on its way).
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref_mut() else {
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
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    editor.edits += 1;
    editor.token = token;
    editor.saved = false;
    editor.stored = false;
    vec![Effect::DraftTimer {
        token,
        after: DRAFT_DEBOUNCE,
    }]
}

/// Ctrl-c in the editor: save the draft at once, then quit (the runtime waits for the save).
fn force_quit(state: &mut State) -> Vec<Effect> {
    state.quit = true;
    let login = state.reviewer.clone();
    match state.editor.as_deref_mut() {
        Some(editor) if !editor.saved && !editor.text.is_blank() => save_now(editor, login),
        _ => Vec::new(),
    }
}

/// The session is ending: the editor's text, if not saved yet, is saved as its draft now.
pub fn save_unsaved(state: &mut State) -> Vec<Effect> {
    let login = state.reviewer.clone();
    match state.editor.as_deref_mut() {
        Some(editor) if !editor.stored && !editor.text.is_blank() => save_now(editor, login),
        _ => Vec::new(),
    }
}

/// `Esc`: close, asking first if text would be lost.
fn cancel(state: &mut State) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref() else {
        return Vec::new();
    };
    if editor.text.is_blank() {
        return close(state, true);
    }
    state.confirm = Some(Confirm {
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
    let Some(editor) = state.editor.take() else {
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

/// `Ctrl-S`: checks, the guard (unless `anyway`), then the write or the next decision step.
pub fn send(state: &mut State, anyway: bool) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    if editor.sending.is_some() {
        return Vec::new();
    }
    if editor.text.is_blank() {
        editor.error = Some(match editor.purpose {
            Purpose::Decision(_) => {
                "A decision needs a reason: write one, or pick one with the template key".into()
            }
            _ => "Nothing to send: the text is empty".into(),
        });
        return Vec::new();
    }
    if editor.partner_visible() && editor.parties_req.is_some() {
        editor.error =
            Some("Still reading the other parties for the confidentiality check…".into());
        return Vec::new();
    }
    if !anyway {
        let found = editor.leaks();
        if !found.is_empty() {
            let mut lines: Vec<String> = found.iter().map(|l| format!("• This text {l}")).collect();
            lines.push("Partners must never see another party's name, MPN or PoE.".into());
            lines.push("y: send anyway · n / Esc / Enter: go back and edit".into());
            state.confirm = Some(Confirm {
                title: "Confidentiality: send this partner-visible text?".into(),
                lines,
                action: ConfirmAction::SendAnyway,
            });
            return Vec::new();
        }
    }
    editor.error = None;
    let body = editor.text.text();
    if matches!(editor.purpose, Purpose::Decision(_)) {
        return decision::reason_written(state, body);
    }
    let login = state.reviewer.clone();
    let req_id = state.next_req();
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    match &editor.purpose {
        Purpose::Comment(r) => {
            editor.sending = Some(req_id);
            vec![Effect::PostComment {
                req_id,
                login,
                seen: r.seen.clone(),
                visibility: editor.visibility,
                body,
            }]
        }
        Purpose::Info(rs) => {
            editor.sending = Some(req_id);
            let requests = rs
                .iter()
                .map(|r| InfoRequest {
                    seen: r.seen.clone(),
                    body: body.clone(),
                })
                .collect();
            vec![Effect::RequestInfo {
                req_id,
                login,
                requests,
            }]
        }
        Purpose::Decision(_) => Vec::new(),
    }
}

/// Moves a decision to its next step's reason, keeping the text written so far.
pub fn next_step(state: &mut State, text: &str) -> Vec<Effect> {
    let login = state.reviewer.clone();
    let draft_req = state.next_req();
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    // What was written for the finished step is kept as its draft too.
    let mut effects = if editor.saved {
        Vec::new()
    } else {
        save_now(editor, login.clone())
    };
    editor.text = TextBox::new(text);
    editor.draft_key = draft_key(&editor.purpose);
    editor.draft_req = Some(draft_req);
    editor.edits = 0;
    editor.saved = false;
    editor.stored = false;
    editor.error = None;
    effects.push(Effect::LoadDraft {
        req_id: draft_req,
        login,
        key: editor.draft_key.clone(),
    });
    effects
}

/// A write answered.
pub fn written(state: &mut State, req_id: u64, result: Result<(), WriteError>) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    if editor.sending != Some(req_id) {
        return Vec::new();
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
            let mut effects = close(state, true);
            state.notice = Some(done);
            effects.extend(super::update::after_write(state));
            effects
        }
        Err(WriteError {
            kind: WriteErrorKind::Failed,
            message,
        }) => {
            let text = format!("Not sent: {message}. Your text is kept; Ctrl-S tries again.");
            editor.error = Some(text.clone());
            state.notice = Some(text);
            Vec::new()
        }
        Err(WriteError { message, .. }) => {
            let text = format!("Nothing was written: {message}. Reloaded; check and send again.");
            editor.error = Some(text.clone());
            editor.resync = true;
            state.notice = Some(text);
            super::update::after_write(state)
        }
    }
}
