//! The whole app state: what every screen shows, and nothing the terminal or the database owns.
//!
//! The queue holds only a window of rows around the viewport (keyset pagination): a million claims
//! cost the same as a hundred. `now` is injected by tick messages, so SLA rendering is testable.

use chrono::{DateTime, Utc};

use super::feed::{Echoes, News};
use super::keymap::{Context, Keymap};
pub use super::view::screens::*;
use super::view::{CompareView, Confirm, DashboardView, Editor, Holds, Modal, Over, Waiting};
use crate::config::Config;
use crate::domain::reasons::Template;
use crate::domain::{BusinessCalendar, SlaPolicy};
use crate::domain::{ClockMarks, Clocks, Status};
pub use crate::model::ClaimDetail;
use crate::model::{Preferences, QueueSort, QueueTab};

/// The smallest terminal the screens are laid out for; below it a message says so and only
/// quit and resize act (a key must never act on a screen the reviewer cannot see).
pub const MIN_WIDTH: u16 = 60;
/// See `MIN_WIDTH`.
pub const MIN_HEIGHT: u16 = 16;

/// Rows asked for in one queue read.
pub const PAGE: u32 = 100;
/// How long typing must pause before the filter is applied: one query per burst of keys, and
/// still quicker than a reviewer notices.
pub const FILTER_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(120);
/// The most rows kept in memory; reading past this drops rows from the far edge.
pub const MAX_WINDOW: usize = 3 * PAGE as usize;

/// Everything the app knows; the renderer reads it, only `update` changes it.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The current instant, set by ticks (tests fix it).
    pub now: DateTime<Utc>,
    pub calendar: BusinessCalendar,
    pub sla: SlaPolicy,
    /// Whose claims `Mine` shows.
    pub reviewer: String,
    pub keymap: Keymap,
    pub screen: Screen,
    pub queue: QueueView,
    pub detail: Option<DetailView>,
    /// The compare view, while it shows.
    pub compare: Option<CompareView>,
    /// The dashboard, while it shows.
    pub dashboard: Option<DashboardView>,
    /// What shows over the screen (help, the editor, a question), if anything.
    pub modal: Modal,
    /// Built-in templates and the reviewer's own from `[templates]`.
    pub templates: Vec<Template>,
    /// Theme names `T` cycles through, and the one in use.
    pub themes: Vec<String>,
    pub theme: usize,
    pub viewport: Viewport,
    /// Why the change feed is offline (other reviewers' changes are not seen meanwhile).
    pub offline: Option<String>,
    /// A one-line message for the status bar (errors, theme changes).
    pub notice: Option<String>,
    /// Set when the reviewer quits; the runtime then restores the terminal.
    pub quit: bool,
    /// Keys (and pastes) typed for a screen still loading, applied once it has its data.
    pub typeahead: Waiting,
    /// The terminal's size, once known.
    pub size: Option<(u16, u16)>,
    /// Mouse reporting is on (clicks and the wheel act); `mouse = false` in the config turns it off.
    pub mouse: bool,
    /// Who the reviewer is and what this session holds.
    pub holds: Holds,
    /// The status-bar news of others' acts.
    pub news: News,
    /// Claims this session wrote lately: their echo on the change feed is not re-read.
    pub echoes: Echoes,
    /// The preferences as last saved for the reviewer (saved again as soon as the theme, sort or
    /// tab changes).
    pub remembered: Preferences,
    /// Saves of the preferences not yet answered, or failed: the session's end saves them again
    /// (a save still on its way when the process ends would be lost).
    pub preferences_unsaved: usize,
    /// `--theme` or `NO_COLOR` chose the theme: this session's theme is not remembered.
    pub theme_fixed: bool,
    next_req: u64,
}

impl State {
    /// A fresh state: the `Under review` tab sorted by SLA urgency, nothing loaded yet.
    pub fn new(
        config: &Config,
        keymap: Keymap,
        reviewer: &str,
        themes: Vec<String>,
        theme: usize,
        now: DateTime<Utc>,
    ) -> State {
        let mut state = State {
            now,
            calendar: config.calendar.clone(),
            sla: config.sla,
            reviewer: reviewer.to_string(),
            keymap,
            screen: Screen::Queue,
            queue: QueueView {
                tab: QueueTab::UnderReview,
                sort: QueueSort::Urgency,
                reverse: false,
                displaced: None,
                filter: String::new(),
                filter_applied: String::new(),
                filter_due: None,
                filter_editing: false,
                window: QueueWindow::default(),
                cursor: 0,
                offset: 0,
                carry: 0,
                pending: None,
                around: None,
                loaded: false,
                counts: None,
                counts_req: 0,
                counts_pending: false,
                counts_stale: false,
                refresh_stale: false,
                counts_after_first_rows: false,
                error: None,
                behind: None,
            },
            detail: None,
            compare: None,
            dashboard: None,
            modal: Modal::None,
            templates: crate::domain::reasons::templates(&config.file.templates),
            themes,
            theme,
            viewport: Viewport {
                list_rows: 10,
                detail_rows: 10,
                ..Viewport::default()
            },
            offline: None,
            notice: None,
            quit: false,
            typeahead: Default::default(),
            size: None,
            mouse: config.file.mouse.unwrap_or(true),
            holds: Holds::default(),
            news: News::default(),
            echoes: Echoes::default(),
            remembered: Preferences::default(),
            preferences_unsaved: 0,
            theme_fixed: false,
            next_req: 0,
        };
        state.remembered = state.preferences();
        state
    }

    /// Where keys are read now: the modal on top, else the screen.
    pub fn context(&self) -> Context {
        match &self.modal {
            Modal::Confirm(_) | Modal::Editor(_, Over::Confirm(_)) => Context::Confirm,
            Modal::Editor(_, Over::Picker(_)) => Context::Picker,
            Modal::Help { .. } | Modal::Editor(_, Over::Help { .. }) => Context::Help,
            Modal::Editor(_, Over::Nothing) => Context::Editor,
            Modal::InfoScope => Context::InfoScope,
            Modal::Assign(_) => Context::Assign,
            Modal::None => self.screen_context(),
        }
    }

    /// The context of the screen under any modal.
    pub fn screen_context(&self) -> Context {
        match self.screen {
            Screen::Queue if self.queue.filter_editing => Context::Filter,
            Screen::Queue => Context::Queue,
            Screen::Detail => Context::Detail,
            Screen::Compare if self.compare.as_ref().is_some_and(|c| c.poe_open) => Context::Poe,
            Screen::Compare => Context::Compare,
            Screen::Dashboard => Context::Dashboard,
        }
    }

    /// What help describes first: where it was opened (a question, a picker, the editor, or
    /// the screen).
    pub fn help_context(&self) -> Context {
        match &self.modal {
            Modal::Editor(_, Over::Help { under: Some(o), .. }) => match o.as_ref() {
                Over::Confirm(_) => return Context::Confirm,
                Over::Picker(_) => return Context::Picker,
                _ => {}
            },
            Modal::Help {
                under: Some(question),
                ..
            } => match question.as_ref() {
                Modal::Confirm(_) => return Context::Confirm,
                Modal::InfoScope => return Context::InfoScope,
                Modal::Assign(_) => return Context::Assign,
                _ => {}
            },
            _ => {}
        }
        if self.editor().is_some() {
            Context::Editor
        } else {
            self.screen_context()
        }
    }

    /// The editor, if open.
    pub fn editor(&self) -> Option<&Editor> {
        match &self.modal {
            Modal::Editor(editor, _) => Some(editor),
            _ => None,
        }
    }

    /// The editor, if open, to change.
    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        match &mut self.modal {
            Modal::Editor(editor, _) => Some(editor),
            _ => None,
        }
    }

    /// What shows over the editor (nothing when it is closed).
    pub fn over_editor(&self) -> Option<&Over> {
        match &self.modal {
            Modal::Editor(_, over) => Some(over),
            _ => None,
        }
    }

    /// Sets what shows over the open editor (nothing happens when it is closed).
    pub fn set_over_editor(&mut self, to: Over) {
        if let Modal::Editor(_, over) = &mut self.modal {
            *over = to;
        }
    }

    /// Opens the editor (over whatever the screen shows; help or a question close).
    pub fn open_editor(&mut self, editor: Editor) {
        self.modal = Modal::Editor(Box::new(editor), Over::Nothing);
    }

    /// Closes the editor and hands it back.
    pub fn take_editor(&mut self) -> Option<Editor> {
        match std::mem::take(&mut self.modal) {
            Modal::Editor(editor, _) => Some(*editor),
            other => {
                self.modal = other;
                None
            }
        }
    }

    /// The open question, over the screen or over the editor.
    pub fn confirm(&self) -> Option<&Confirm> {
        match &self.modal {
            Modal::Confirm(c) | Modal::Editor(_, Over::Confirm(c)) => Some(c),
            Modal::Editor(_, Over::Help { under: Some(o), .. }) => match o.as_ref() {
                Over::Confirm(c) => Some(c),
                _ => None,
            },
            Modal::Help {
                under: Some(question),
                ..
            } => match question.as_ref() {
                Modal::Confirm(c) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    /// Asks `confirm` (over the editor when it is open).
    pub fn ask(&mut self, confirm: Confirm) {
        match &mut self.modal {
            Modal::Editor(_, over) => *over = Over::Confirm(confirm),
            modal => *modal = Modal::Confirm(confirm),
        }
    }

    /// Closes the open question and hands it back.
    pub fn take_confirm(&mut self) -> Option<Confirm> {
        // Help open over the question: both close.
        if self.help().is_some() && self.confirm().is_some() {
            self.toggle_help();
        }
        match &mut self.modal {
            Modal::Editor(_, over @ Over::Confirm(_)) => match std::mem::take(over) {
                Over::Confirm(c) => Some(c),
                _ => None,
            },
            Modal::Confirm(_) => match std::mem::take(&mut self.modal) {
                Modal::Confirm(c) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    /// How far the help overlay is scrolled, while it shows (over the screen or the editor).
    pub fn help(&self) -> Option<usize> {
        match &self.modal {
            Modal::Help { scroll, .. } | Modal::Editor(_, Over::Help { scroll, .. }) => {
                Some(*scroll)
            }
            _ => None,
        }
    }

    /// The help overlay's scroll, to change.
    pub fn help_mut(&mut self) -> Option<&mut usize> {
        match &mut self.modal {
            Modal::Help { scroll, .. } | Modal::Editor(_, Over::Help { scroll, .. }) => {
                Some(scroll)
            }
            _ => None,
        }
    }

    /// Opens or closes the help overlay; what is under it (a confirmation, the information
    /// request's scope, a picker) is kept and shows again when help closes.
    pub fn toggle_help(&mut self) {
        self.modal = match std::mem::take(&mut self.modal) {
            Modal::Editor(e, Over::Help { under, .. }) => {
                Modal::Editor(e, under.map_or(Over::Nothing, |o| *o))
            }
            Modal::Editor(e, Over::Nothing) => Modal::Editor(
                e,
                Over::Help {
                    scroll: 0,
                    under: None,
                },
            ),
            Modal::Editor(e, over) => Modal::Editor(
                e,
                Over::Help {
                    scroll: 0,
                    under: Some(Box::new(over)),
                },
            ),
            Modal::Help { under, .. } => under.map_or(Modal::None, |m| *m),
            Modal::None => Modal::Help {
                scroll: 0,
                under: None,
            },
            question => Modal::Help {
                scroll: 0,
                under: Some(Box::new(question)),
            },
        };
    }

    /// The information request's scope prompt shows.
    pub fn info_scope(&self) -> bool {
        matches!(self.modal, Modal::InfoScope)
    }

    /// The template picker's row, while it shows.
    pub fn picker(&self) -> Option<usize> {
        match self.over_editor() {
            Some(Over::Picker(row)) => Some(*row),
            _ => None,
        }
    }

    /// A new request id, larger than every earlier one.
    pub fn next_req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }

    /// The terminal is smaller than the screens need.
    pub fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    /// The preferences as they are now: the theme (unless `--theme` or `NO_COLOR` chose it), the
    /// sort and the tab.
    pub fn preferences(&self) -> Preferences {
        Preferences {
            theme: if self.themes.len() > 1 && !self.theme_fixed {
                Some(self.theme_name().to_string())
            } else {
                self.remembered.theme.clone()
            },
            sort: Some(self.queue.sort),
            reverse: self.queue.reverse,
            tab: Some(self.queue.tab),
        }
    }

    /// Starts from the reviewer's remembered preferences (the theme unless `theme_fixed`: a
    /// `--theme` flag or `NO_COLOR` decided it).
    pub fn remember(&mut self, preferences: Preferences, theme_fixed: bool) {
        if let Some(i) = preferences
            .theme
            .as_ref()
            .filter(|_| !theme_fixed)
            .and_then(|t| self.themes.iter().position(|n| n == t))
        {
            self.theme = i;
        }
        if let Some(sort) = preferences.sort {
            self.queue.sort = sort;
        }
        self.queue.reverse = preferences.reverse;
        if let Some(tab) = preferences.tab {
            self.queue.tab = tab;
        }
        // Saved again at the end only if something changed from here (a theme the session did
        // not choose, under `--theme` or `NO_COLOR`, stays as stored).
        self.theme_fixed = theme_fixed;
        self.remembered = Preferences {
            theme: preferences.theme,
            ..self.preferences()
        };
    }

    /// The theme in use.
    pub fn theme_name(&self) -> &str {
        self.themes.get(self.theme).map_or("dark", String::as_str)
    }

    /// A claim's clocks (review, the partner's reply, its dispute), seen at `now`.
    pub fn clocks(
        &self,
        submitted_at: DateTime<Utc>,
        status: Status,
        marks: &ClockMarks,
    ) -> Clocks {
        self.sla
            .clocks(&self.calendar, submitted_at, status, marks, self.now)
    }
}
