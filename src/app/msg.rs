//! Everything that can happen to the app: keys, time, the screen's size, and store results.

use chrono::{DateTime, Utc};

use super::keymap::Key;
use super::view::Viewport;
use crate::model::ClaimDetail;
use crate::model::{
    AuditEvent, BulkWrite, ClaimView, Dashboard, Draft, QueueRow, Reviewer, TabCounts,
};

/// One event for `update`. Store failures arrive as one-line messages for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The program started: load the first window and the counts.
    Start,
    /// A key press (already converted from the terminal's representation).
    Key(Key),
    /// `$EDITOR` finished: the text it left, or why there is none.
    EditedExternally(Result<String, String>),
    /// The reviewer's preferences were stored (or why not).
    PreferencesSaved(Result<(), String>),
    /// The mouse (when on): a click on a row or a tab, the wheel.
    Mouse(super::view::MouseAct),
    /// Text pasted (bracketed paste): for the text field that has focus, if any.
    Paste(String),
    /// The clock moved on (about once a second): the countdowns follow it.
    Tick(DateTime<Utc>),
    /// The terminal's size changed (also sent once at start).
    Resize { width: u16, height: u16 },
    /// The last frame's geometry: how many rows the list and the scrollable panes show.
    Viewport(Viewport),
    /// A queue window arrived for request `req_id`.
    QueueLoaded {
        req_id: u64,
        result: Result<Vec<QueueRow>, String>,
    },
    /// Tab counts arrived for request `req_id`.
    CountsLoaded {
        req_id: u64,
        result: Result<TabCounts, String>,
    },
    /// Anything may have changed (the change feed started, or fell behind and skipped reports):
    /// re-read what shows.
    StoreChanged,
    /// The change feed lost the database (`Some(reason)`) or got it back (`None`).
    StoreOffline(Option<String>),
    /// The dashboard's figures arrived for request `req_id` (boxed: they are large).
    DashboardLoaded {
        req_id: u64,
        result: Result<Box<Dashboard>, String>,
    },
    /// A claim arrived for request `req_id` (`None`: no such claim any more; boxed: it is large).
    ClaimLoaded {
        req_id: u64,
        result: Result<Option<Box<ClaimDetail>>, String>,
    },
    /// The filter wait `req_id` is over; if no key was typed since, the filter is applied.
    FilterSettled { req_id: u64 },
    /// The claims of a contest arrived for request `req_id` (claim id order).
    CompareLoaded {
        req_id: u64,
        result: Result<Vec<ClaimView>, String>,
    },
    /// The saved draft for the editor arrived (`None`: there is none).
    DraftLoaded {
        req_id: u64,
        result: Result<Option<Draft>, String>,
    },
    /// The editor's debounce timer `token` ran out: save the draft if nothing was typed since.
    DraftDue { token: u64 },
    /// Saving (the text `body`) or discarding the draft `key` finished: the draft's version
    /// now (`None` once discarded).
    DraftStored {
        key: String,
        body: String,
        result: Result<Option<i64>, String>,
    },
    /// Draft `key` was not saved: another session of this reviewer changed it to `theirs`,
    /// now at `version`.
    DraftConflict {
        key: String,
        theirs: String,
        version: i64,
    },
    /// A comment, information request or decision (request `req_id`) was written or refused.
    Written {
        req_id: u64,
        result: Result<(), WriteError>,
    },
    /// What was done in the store (by anyone), oldest first: what shows is re-read once for the
    /// batch (not for the echo of this session's own write), and others' acts are told in the
    /// status bar.
    Changes(Vec<AuditEvent>),
    /// Someone wrote claims in bulk (an import told as one report, its events not read):
    /// anything may have changed, re-read once, and told in the status bar with its count.
    Bulk(BulkWrite),
    /// A hold write finished.
    Hold(HoldMsg),
    /// The reviewers for the `A` picker arrived for request `req_id`.
    ReviewersLoaded {
        req_id: u64,
        result: Result<Vec<Reviewer>, String>,
    },
    /// An assignment (request `req_id`) was written (the claims assigned now) or refused.
    Assigned {
        req_id: u64,
        result: Result<Vec<String>, String>,
    },
}

/// Why a write did not happen, sorted by what the reviewer should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    pub kind: WriteErrorKind,
    /// One line, e.g. who changed the claim and what.
    pub message: String,
}

/// What kind of refusal or failure a write met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteErrorKind {
    /// Someone changed a claim since it was read; nothing was written, the view reloads.
    Stale,
    /// The store refused the act (held by another, a forbidden transition, already approved, not
    /// allowed, empty text); nothing was written, the view reloads.
    Refused,
    /// The database failed (gone, disk full); nothing was written, the text stays in the editor.
    Failed,
}

/// What a hold write did, or why the store refused it (one line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldMsg {
    /// These claims are now held by the reviewer (the asked-for one first).
    Taken {
        claim_id: String,
        result: Result<Vec<String>, String>,
    },
    /// The claim taken by `n`, or `None` when every claim under review is held.
    TookNext(Result<Option<String>, String>),
    /// These claims were let go (empty: the reviewer held none of them).
    Released {
        claim_id: String,
        result: Result<Vec<String>, String>,
    },
    /// A renewal finished.
    Renewed(Result<(), String>),
}
