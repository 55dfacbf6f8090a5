//! What `update` asks the runtime to do: plain data, so tests can check it without a database.
//! Each load carries a request id; its result comes back as a `Msg` with the same id, and a result
//! whose id is no longer the newest is dropped.

use std::time::Duration;

use super::holds::HoldEffect;
use crate::domain::Visibility;
use crate::model::{DecisionRequest, InfoRequest, QueueQuery, Seen, SortKey};

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
    },
    /// Read one claim and its audit trail; answered by `Msg::ClaimLoaded`.
    LoadClaim { req_id: u64, claim_id: String },
    /// Wait `after`, then answer `Msg::FilterSettled`: how filter keystrokes are debounced (only
    /// the newest wait counts, so a burst of typing costs one query).
    SettleFilter { req_id: u64, after: Duration },
    /// Read the claims of a contest: these claims and every claim competing with them; answered
    /// by `Msg::CompareLoaded`.
    LoadCompare { req_id: u64, claim_ids: Vec<String> },
    /// Read the reviewer's saved draft `key`; answered by `Msg::DraftLoaded`.
    LoadDraft {
        req_id: u64,
        login: String,
        key: String,
    },
    /// Send `Msg::DraftDue { token }` after `after` (the draft debounce).
    DraftTimer { token: u64, after: Duration },
    /// Save the editor's text as draft `key`; answered by `Msg::DraftStored`.
    SaveDraft {
        login: String,
        key: String,
        visibility: Visibility,
        body: String,
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
    },
    /// Take, release or renew holds (a write: refused while offline); answered by `Msg::Hold`.
    Hold(HoldEffect),
}
