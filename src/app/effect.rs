//! What `update` asks the runtime to do: plain data, so tests can check it without a database.
//! Each load carries a request id; its result comes back as a `Msg` with the same id, and a result
//! whose id is no longer the newest is dropped.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::{BusinessCalendar, SlaPolicy, Visibility};
use crate::model::{
    BarFilter, DecisionRequest, Guard, InfoRequest, Preferences, QueueQuery, Seen, SortKey,
};

/// A side effect for the runtime to run as a task against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read one window of the queue; answered by `Msg::QueueLoaded`.
    LoadQueue { req_id: u64, query: QueueQuery },
    /// Re-read the window in place, starting at the row with key `from` (inclusive): the runtime
    /// reads the row before `from`, then a page after it (or the first page if there is none).
    /// Answered by `Msg::QueueLoaded`.
    ReloadQueueFrom {
        req_id: u64,
        query: QueueQuery,
        from: SortKey,
    },
    /// Count every tab under the filter; answered by `Msg::CountsLoaded`.
    LoadCounts {
        req_id: u64,
        reviewer: String,
        filter: String,
        /// Only the claims behind a dashboard bar.
        behind: Option<BarFilter>,
    },
    /// Read the dashboard's figures as of `until` under this calendar and policy; answered by
    /// `Msg::DashboardLoaded`.
    LoadDashboard {
        req_id: u64,
        calendar: BusinessCalendar,
        policy: SlaPolicy,
        until: DateTime<Utc>,
    },
    /// Read one claim and its audit trail; answered by `Msg::ClaimLoaded`.
    LoadClaim { req_id: u64, claim_id: String },
    /// Wait `after`, then answer `Msg::FilterSettled`: how filter keystrokes are debounced (only
    /// the newest wait counts, so a burst of typing costs one query).
    SettleFilter { req_id: u64, after: Duration },
    /// Read the claims of a contest: these claims and every claim competing with them; answered
    /// by `Msg::CompareLoaded`.
    LoadCompare { req_id: u64, claim_ids: Vec<String> },
    /// The same read for the editor's confidentiality guard (its own slot: it must not cancel
    /// the compare view's read, nor be cancelled by it); answered by `Msg::CompareLoaded`.
    LoadGuardParties { req_id: u64, claim_ids: Vec<String> },
    /// Read the reviewer's saved draft `key`; answered by `Msg::DraftLoaded`.
    LoadDraft {
        req_id: u64,
        login: String,
        key: String,
    },
    /// Send `Msg::DraftDue { token }` after `after` (the draft debounce).
    DraftTimer { token: u64, after: Duration },
    /// Save the editor's text as draft `key`, unless the stored draft is no longer `known` (the
    /// text this session last read or saved: another session changed it); answered by
    /// `Msg::DraftStored`, or `Msg::DraftConflict`.
    SaveDraft {
        login: String,
        key: String,
        visibility: Visibility,
        body: String,
        /// The draft's version as this session last saw it (`None`: it had none).
        known: Option<i64>,
    },
    /// Forget draft `key` (sent or discarded); answered by `Msg::DraftStored`.
    DiscardDraft { login: String, key: String },
    /// Add a comment at the version seen; answered by `Msg::Written`.
    PostComment {
        req_id: u64,
        login: String,
        seen: Seen,
        visibility: Visibility,
        body: String,
    },
    /// Ask partners for more information, all or nothing; answered by `Msg::Written`.
    RequestInfo {
        req_id: u64,
        login: String,
        requests: Vec<InfoRequest>,
    },
    /// Record decisions in one transaction; answered by `Msg::Written`.
    Decide {
        req_id: u64,
        login: String,
        decisions: Vec<DecisionRequest>,
        /// `LeadOverride`: a lead approves over error findings (confirmed on screen).
        guard: Guard,
    },
    /// Read the registered reviewers (the `A` picker); answered by `Msg::ReviewersLoaded`.
    LoadReviewers { req_id: u64 },
    /// Assign a claim and its contest to reviewer `to`, as `login` (a lead); answered by
    /// `Msg::Assigned`.
    Assign {
        req_id: u64,
        login: String,
        claim_id: String,
        to: String,
    },
    /// Remember the reviewer's theme, sort and tab (at the session's end); answered by
    /// `Msg::PreferencesSaved`.
    SavePreferences {
        login: String,
        preferences: Preferences,
    },
    /// Something only the terminal can do; run by the session at once, never against the store.
    Terminal(TerminalAct),
    /// Take, release or renew holds (a write: refused while offline); answered by `Msg::Hold`.
    Hold(HoldEffect),
}

/// What the session does on its terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalAct {
    /// Clear the terminal and draw everything again (Ctrl-L: stray output gone).
    Redraw,
    /// Hand the terminal back and stop until the shell resumes claimdesk (Ctrl-Z).
    Suspend,
    /// Put this text on the clipboard of the reviewer's terminal (OSC 52; works over SSH).
    Copy(String),
    /// Hand the terminal to the reviewer's `$EDITOR` on this text; answered by
    /// `Msg::EditedExternally`.
    EditExternally(String),
}

/// A kind of read (or wait) of which only the newest matters: the runtime keeps one task per
/// slot and aborts the one a newer request supersedes. Writes have no slot: they always finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The queue window.
    Queue,
    /// The tab counts.
    Counts,
    /// The open claim.
    Claim,
    /// The compare view's contest.
    Contest,
    /// The contest read for the editor's guard.
    GuardParties,
    /// The editor's saved draft.
    Draft,
    /// The filter's debounce wait.
    FilterWait,
    /// The draft's debounce wait.
    DraftWait,
    /// The dashboard's figures.
    Dashboard,
}

impl Effect {
    /// The slot of a read or a wait; `None` for writes.
    pub fn slot(&self) -> Option<Slot> {
        Some(match self {
            Effect::LoadQueue { .. } | Effect::ReloadQueueFrom { .. } => Slot::Queue,
            Effect::LoadCounts { .. } => Slot::Counts,
            Effect::LoadClaim { .. } => Slot::Claim,
            Effect::LoadDashboard { .. } => Slot::Dashboard,
            Effect::LoadCompare { .. } => Slot::Contest,
            Effect::LoadGuardParties { .. } => Slot::GuardParties,
            Effect::LoadDraft { .. } => Slot::Draft,
            Effect::SettleFilter { .. } => Slot::FilterWait,
            Effect::DraftTimer { .. } => Slot::DraftWait,
            _ => return None,
        })
    }
}

/// Hold work for the runtime (all of it writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldEffect {
    /// Hold `claim_id` and every claim competing with it for `login`; answered by `Taken`.
    /// `take_over`: a lead confirmed taking it from someone who holds it.
    Take {
        login: String,
        claim_id: String,
        lease: TimeDelta,
        take_over: bool,
    },
    /// Hold the most urgent claim under review nobody holds; answered by `TookNext`.
    TakeNext { login: String, lease: TimeDelta },
    /// Let go of `claim_id` and of the competing claims `login` holds; answered by `Released`.
    Release { login: String, claim_id: String },
    /// Let go of exactly these claims (the session's holds when it ends); answered by
    /// `Released` for the first.
    LetGo {
        login: String,
        claim_ids: Vec<String>,
    },
    /// Extend `login`'s live holds on these claims (a heartbeat, not audited); answered by
    /// `Renewed`.
    Renew {
        login: String,
        claim_ids: Vec<String>,
        lease: TimeDelta,
    },
}
