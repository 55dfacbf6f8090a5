//! What `update` asks the runtime to do: plain data, so tests can check it without a database.
//! Each load carries a request id; its result comes back as a `Msg` with the same id, and a result
//! whose id is no longer the newest is dropped.

use super::holds::HoldEffect;
use crate::store::{QueueQuery, SortKey};

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
    /// Take, release or renew holds (a write: refused while offline); answered by `Msg::Hold`.
    Hold(HoldEffect),
}
