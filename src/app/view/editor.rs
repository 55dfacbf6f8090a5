//! The editor's data: the text (a ratatui-textarea), who it goes to, what it is for, and the
//! state of its draft.

use std::time::Duration;

use ratatui::style::Style;
use ratatui_textarea::{Input, Key as TaKey, TextArea, WrapMode};

use super::decision::DecisionPlan;
use crate::app::keymap::{Command, Key, KeyCode};
use crate::domain::confidentiality::{leaks, OtherParty};
use crate::domain::reasons::{Template, TemplateKind};
use crate::domain::Visibility;
use crate::model::Seen;

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

    /// Runs an editing command of the keymap (undo, delete a word, move by words...); true if
    /// the text changed.
    pub fn act(&mut self, command: Command) -> bool {
        use ratatui_textarea::CursorMove;
        let area = &mut self.0;
        let before = area.lines().to_vec();
        match command {
            Command::Undo => {
                area.undo();
            }
            Command::Redo => {
                area.redo();
            }
            Command::DeleteWord => {
                area.delete_word();
            }
            Command::DeleteLineEnd => {
                area.delete_line_by_end();
            }
            Command::LineStart => area.move_cursor(CursorMove::Head),
            Command::LineEnd => area.move_cursor(CursorMove::End),
            Command::WordLeft => area.move_cursor(CursorMove::WordBack),
            Command::WordRight => area.move_cursor(CursorMove::WordForward),
            _ => return false,
        }
        area.lines() != before.as_slice()
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
    /// The partner the claim is filed by (`ClaimView::party_key`; the incumbent's MPN): a
    /// partner's claims under its other MPNs are no other party to it.
    pub party_key: String,
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
    /// Where the text on screen stands with its saved draft.
    pub draft: DraftState,
    /// The draft's version as the store last held it, as far as this session knows (what it
    /// read or saved): a later version there means another session changed it.
    pub draft_known: Option<i64>,
    /// The other session's text, while the reviewer chooses between it and this one.
    pub draft_theirs: Option<String>,
    /// The write in flight, if any.
    pub sending: Option<u64>,
    /// Why the last send did not happen (shown in the editor until the next send).
    pub error: Option<String>,
    /// Every party of the contest (empty when uncontested), for the guard.
    pub parties: Vec<ContestParty>,
    /// The contest read for the guard, while it is in flight.
    pub parties_req: Option<u64>,
    /// A write was refused as stale: take the versions of the next read.
    pub resync: bool,
}

/// Where the editor's text stands with its draft in the store. Drafts are saved 500 ms after
/// the last keystroke, at once when the session ends, and again once a store that was away is
/// back: text is never lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftState {
    /// The saved draft is being read (this request); keys typed meanwhile wait for it.
    Loading(u64),
    /// Nothing typed since it opened, the draft came back, or this decision step began.
    Untouched,
    /// Typed since the last save; saved when the debounce timer `token` fires.
    Typed { token: u64 },
    /// Saving was asked for; the store has not answered.
    Saving,
    /// The store confirmed the text on screen is saved.
    Saved,
    /// The last save failed (why): saved again once the store is back.
    Unsaved(String),
}

impl DraftState {
    /// The text on screen may differ from the saved draft.
    pub fn unsaved(&self) -> bool {
        matches!(self, DraftState::Typed { .. } | DraftState::Unsaved(_))
    }

    /// The draft is still being read.
    pub fn loading(&self) -> bool {
        matches!(self, DraftState::Loading(_))
    }
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
                .filter(|p| Some(p.party_key.as_str()) != recipient_party(&self.parties, r))
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

/// The recipient's own party: its claims under its other MPNs are no leak either.
fn recipient_party<'p>(parties: &'p [ContestParty], r: &Recipient) -> Option<&'p str> {
    parties
        .iter()
        .find(|p| p.claim_id.as_deref() == Some(r.seen.claim_id.as_str()))
        .map(|p| p.party_key.as_str())
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
