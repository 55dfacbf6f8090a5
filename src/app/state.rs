//! The whole app state: what every screen shows, and nothing the terminal or the database owns.
//!
//! The queue holds only a window of rows around the viewport (keyset pagination): a million claims
//! cost the same as a hundred. `now` is injected by tick messages, so SLA rendering is testable.

use chrono::{DateTime, TimeDelta, Utc};

use super::compare::CompareView;
use super::decision::Confirm;
use super::editor::Editor;
use super::feed::{Echoes, News};
use super::holds::Holds;
use super::keymap::Keymap;
use crate::config::Config;
use crate::domain::reasons::Template;
use crate::domain::sla::Countdown;
use crate::domain::{BusinessCalendar, SlaPolicy};
pub use crate::model::ClaimDetail;
use crate::model::{QueueRow, QueueSort, QueueTab, TabCounts};

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

/// Something loaded from the store for one request; results for older requests are ignored.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    /// Asked for with this request id, not answered yet.
    Loading(u64),
    /// The newest answer.
    Loaded(T),
    /// The store failed; the message is one line.
    Failed(String),
}

impl<T> Loadable<T> {
    /// The value, once loaded.
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Loadable::Loaded(v) => Some(v),
            _ => None,
        }
    }
}

/// Which full screen shows (help is an overlay on either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The tabs, the claim list and the preview (where the program starts).
    Queue,
    /// One claim in full (`Enter` on the queue).
    Detail,
    /// The parties of a contest side by side (`c`).
    Compare,
}

/// The geometry of the last frame, reported back by the renderer so paging matches the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    /// Claim rows the queue list shows.
    pub list_rows: usize,
    /// Lines the detail pane shows at once.
    pub detail_rows: usize,
    /// The furthest the detail pane can scroll.
    pub detail_max_scroll: usize,
    /// The furthest the help overlay can scroll.
    pub help_max_scroll: usize,
    /// Party columns the compare view shows at once.
    pub compare_columns: usize,
    /// The furthest the compare view can scroll down.
    pub compare_max_scroll: usize,
    /// The furthest the full PoE overlay can scroll.
    pub poe_max_scroll: usize,
}

/// A queue read in flight and what to do with its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingLoad {
    pub req_id: u64,
    pub kind: LoadKind,
}

/// How a queue read's rows join the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// Replace the window with the queue's first rows.
    First,
    /// Replace the window with the queue's last rows (cursor on the last).
    Last,
    /// Rows after the window's last row.
    Append,
    /// Rows before the window's first row.
    Prepend,
    /// The same stretch of the queue read again (someone changed it); the cursor stays on its
    /// claim when it is still there.
    Refresh,
}

/// The contiguous slice of the queue held in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueWindow {
    pub rows: Vec<QueueRow>,
    /// `rows[0]` is the queue's first row.
    pub at_start: bool,
    /// The last row is the queue's last row.
    pub at_end: bool,
    /// The position of `rows[0]` in the whole queue, when known.
    pub base: Option<u64>,
}

/// The queue screen.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueView {
    pub tab: QueueTab,
    pub sort: QueueSort,
    /// The filter as typed (what the filter line shows).
    pub filter: String,
    /// The filter the window and counts were read with; it follows `filter` once typing pauses.
    pub filter_applied: String,
    /// The debounce wait in flight for a typed filter, if any; only the newest one applies it.
    pub filter_due: Option<u64>,
    /// Keys go to the filter text (after `/`, until Enter or Esc).
    pub filter_editing: bool,
    pub window: QueueWindow,
    /// The selected row, an index into `window.rows`.
    pub cursor: usize,
    /// The first visible row, an index into `window.rows`.
    pub offset: usize,
    /// Rows a move still has to go once the next page arrives (it went past the loaded rows).
    pub carry: isize,
    /// The queue read in flight, if any; only its answer is taken.
    pub pending: Option<PendingLoad>,
    /// At least one answer for the current tab, sort and filter has arrived.
    pub loaded: bool,
    /// The last counts (kept on screen while new ones load).
    pub counts: Option<TabCounts>,
    pub counts_req: u64,
    /// A counts read is in flight.
    pub counts_pending: bool,
    /// Others changed the store while the counts were being read: read them once more after.
    pub counts_stale: bool,
    /// Others changed the store while the window was being re-read: re-read it once more after.
    pub refresh_stale: bool,
    /// The counts are asked for once the first queue answer is in (set at start).
    pub counts_after_first_rows: bool,
    /// The last queue read failed with this message.
    pub error: Option<String>,
}

impl QueueView {
    /// The row under the cursor.
    pub fn selected(&self) -> Option<&QueueRow> {
        self.window.rows.get(self.cursor)
    }

    /// The cursor's position in the whole queue (1-based), when known.
    pub fn position(&self) -> Option<u64> {
        self.window.base.map(|b| b + self.cursor as u64 + 1)
    }
}

/// The detail screen of one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub claim_id: String,
    pub claim: Loadable<Option<Box<ClaimDetail>>>,
    /// The newest read of this claim in flight; only its answer is taken.
    pub pending: Option<u64>,
    pub scroll: usize,
}

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
    /// The editor modal (comments, information requests, decision reasons).
    pub editor: Option<Box<Editor>>,
    /// A yes/no question over everything else; Enter answers No.
    pub confirm: Option<Confirm>,
    /// After `r` in compare: asking whether the request goes to the focused party or to all.
    pub info_scope: bool,
    /// Built-in templates and the reviewer's own from `[templates]`.
    pub templates: Vec<Template>,
    pub help_open: bool,
    pub help_scroll: usize,
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
    pub typeahead: super::typeahead::Waiting,
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
        State {
            now,
            calendar: config.calendar.clone(),
            sla: config.sla,
            reviewer: reviewer.to_string(),
            keymap,
            screen: Screen::Queue,
            queue: QueueView {
                tab: QueueTab::UnderReview,
                sort: QueueSort::Urgency,
                filter: String::new(),
                filter_applied: String::new(),
                filter_due: None,
                filter_editing: false,
                window: QueueWindow::default(),
                cursor: 0,
                offset: 0,
                carry: 0,
                pending: None,
                loaded: false,
                counts: None,
                counts_req: 0,
                counts_pending: false,
                counts_stale: false,
                refresh_stale: false,
                counts_after_first_rows: false,
                error: None,
            },
            detail: None,
            compare: None,
            editor: None,
            confirm: None,
            info_scope: false,
            templates: crate::domain::reasons::templates(&config.file.templates),
            help_open: false,
            help_scroll: 0,
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
            next_req: 0,
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

    /// The theme in use.
    pub fn theme_name(&self) -> &str {
        self.themes.get(self.theme).map_or("dark", String::as_str)
    }

    /// The SLA clock of a claim submitted at `submitted_at`, seen at `now`.
    pub fn countdown(&self, submitted_at: DateTime<Utc>) -> Countdown {
        let due = self
            .sla
            .due_at(&self.calendar, submitted_at, TimeDelta::zero());
        self.sla.countdown(&self.calendar, due, self.now)
    }
}
