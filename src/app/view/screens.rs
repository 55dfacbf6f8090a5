//! What each screen shows: the queue's window, one claim's detail, loading states and the
//! geometry of the last frame.

use crate::model::{BarFilter, QueueSort, QueueTab};
use crate::model::{ClaimDetail, QueueRow, TabCounts};

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
    /// The lead's figures (`D`).
    Dashboard,
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
    /// The screen row of the queue list's first claim (for mouse clicks).
    pub list_top: u16,
    /// The screen columns each queue tab's title covers, on the first row (for mouse clicks).
    pub tabs: [(u16, u16); 6],
}

/// A mouse act, already turned from the terminal's representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseAct {
    /// A left click at (column, row).
    Click { column: u16, row: u16 },
    /// The wheel, up (`true`) or down.
    Wheel { up: bool },
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
    /// The window around the claim in `QueueView::around` under a new sort: the cursor stays on
    /// that claim.
    Around,
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
    /// The sort's order turned around (`S`).
    pub reverse: bool,
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
    /// The claim that was under the cursor until a live update removed it: the cursor now rests
    /// on a neighbour the reviewer has not chosen, so the next Enter only says so.
    pub displaced: Option<String>,
    /// The claim an `Around` read keeps the cursor on.
    pub around: Option<String>,
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
    /// Only the claims behind a dashboard bar (opened with Enter); `Esc`
    /// clears it.
    pub behind: Option<BarFilter>,
}

impl QueueView {
    /// The row under the cursor.
    pub fn selected(&self) -> Option<&QueueRow> {
        self.window.rows.get(self.cursor)
    }

    /// The sort as the status line and notices name it.
    pub fn sort_label(&self) -> String {
        if self.reverse {
            format!("{} (reversed)", self.sort.label())
        } else {
            self.sort.label().to_string()
        }
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
