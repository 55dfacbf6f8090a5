//! Data every layer shares: a claim as read, a queue window, an audit event and its kind, the
//! values of reviewing writes. Plain types with no sqlx, tokio or terminal in them, so `app` and
//! `ui` never import the module that owns the database.

mod claim;
mod dashboard;
mod event;
mod identity;
mod import;
mod outbox;
mod queue;
mod review;

pub use claim::{ClaimDetail, ClaimView};
pub use dashboard::{
    days_back, AgingBucket, BarFilter, Behind, Cut, Dashboard, DashboardPeriod, OutcomeFigures,
    ReasonCount, ReviewerFigures, ReviewerPace, SlaFigures, SlaTab, WeekFigures, AGING_DAYS,
};
pub use event::{
    AuditEvent, BulkWrite, ChainCheck, Change, DisputeOutcome, EventKind, ReviewerRecord,
};
pub use identity::{Identity, Proof};
pub use import::{Audit, AuditMode, Backend, FeedLine, FeedPolicy, ImportBatch, ImportSummary};
pub use outbox::{OutboxKind, OutboxMessage};
pub use queue::{
    holder, Anchor, Preferences, QueueQuery, QueueRow, QueueSort, QueueTab, SortKey, SortValue,
    TabCounts,
};
pub use review::{
    Actor, DecisionRequest, Draft, Guard, InfoRequest, LoginGrant, Reviewer, Role, Seen, SshKey,
    DEFAULT_LEASE,
};

/// `1234567` as `1,234,567`: how counts read on screen and in the news.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
