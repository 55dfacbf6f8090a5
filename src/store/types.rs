//! The values that cross the store's API: what goes in (imports), what comes out (claim views,
//! queue windows, tab counts, audit events). Plain data, no sqlx types.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{Activity, SolutionArea};
use crate::domain::{Association, Claim, ClaimFacts, Decision, FindingCode, Mpn, Status, Tenant};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Who writes, and how the write is recorded in the audit log.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The reviewer (or tool) making the change.
    pub actor: String,
    /// `PerClaim`: one `imported` event per claim; `Summary`: one event for a bulk load.
    pub mode: AuditMode,
}

/// How a bulk write appears in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditMode {
    /// One event per claim written (imports a person made).
    PerClaim,
    /// One event for the whole batch, with this description (synthetic data from `generate`).
    Summary(String),
}

/// A validated import, ready to write; `line` numbers are kept for error messages.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub claims: Vec<(usize, Claim)>,
    pub tenants: Vec<Tenant>,
    pub mpns: Vec<Mpn>,
    pub associations: Vec<Association>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub claims: usize,
    pub tenants: usize,
    pub mpns: usize,
    pub associations: usize,
}

/// One claim with what the store computes around it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimView {
    pub claim: Claim,
    /// Bumped by every change; a write on an older version is refused as stale.
    pub version: i64,
    /// Other open claims for the same tenant and product by a different partner, in id order.
    pub competing_claim_ids: Vec<String>,
    /// The MPN of an existing association of this tenant and product with another MPN.
    pub incumbent_mpn_id: Option<String>,
    /// Reference data for the findings.
    pub facts: ClaimFacts,
    pub decision: Option<Decision>,
    /// The reviewer the claim is assigned to, if any.
    pub assigned_to: Option<String>,
    /// When the assignee's hold ends; past it, the claim is free to take.
    pub held_until: Option<DateTime<Utc>>,
}

/// The queue's tabs; each is a stored predicate with an index behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueTab {
    /// Open claims not waiting on a partner (`submitted`, `under_review`).
    UnderReview,
    /// Open claims with a competing partner or an incumbent.
    Contested,
    /// Claims waiting on the partner.
    InfoRequested,
    /// Open claims assigned to the reviewer.
    Mine,
    /// Every claim, decided or not.
    All,
}

impl QueueTab {
    /// Tabs in the order the screen shows them (keys `1`-`5`).
    pub const ALL: [QueueTab; 5] = [
        QueueTab::UnderReview,
        QueueTab::Contested,
        QueueTab::InfoRequested,
        QueueTab::Mine,
        QueueTab::All,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            QueueTab::UnderReview => "Under review",
            QueueTab::Contested => "Contested",
            QueueTab::InfoRequested => "Info requested",
            QueueTab::Mine => "Mine",
            QueueTab::All => "All",
        }
    }
}

/// The orders the queue offers (`s` cycles them); each has an index on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueSort {
    /// Oldest submission first: the SLA deadline is monotonic in the submission time.
    Urgency,
    /// Newest submission first.
    Newest,
    ClaimId,
    Partner,
    Product,
}

impl QueueSort {
    /// Sorts in the order `s` cycles through them.
    pub const ALL: [QueueSort; 5] = [
        QueueSort::Urgency,
        QueueSort::Newest,
        QueueSort::ClaimId,
        QueueSort::Partner,
        QueueSort::Product,
    ];

    /// What the status bar says.
    pub fn label(self) -> &'static str {
        match self {
            QueueSort::Urgency => "SLA urgency",
            QueueSort::Newest => "newest first",
            QueueSort::ClaimId => "claim id",
            QueueSort::Partner => "partner",
            QueueSort::Product => "product",
        }
    }
}

/// A position in a sorted queue: the row's sort value and its claim id (the tie breaker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The sort column's value: microseconds since the epoch for time sorts, else lowercase text.
    pub value: SortValue,
    pub claim_id: String,
}

/// The sort column's value of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Time(DateTime<Utc>),
    Text(String),
}

/// Where the window starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The first rows of the queue.
    First,
    /// The last rows of the queue (still returned in queue order).
    Last,
    /// Rows strictly after this key, in queue order.
    After(SortKey),
    /// Rows strictly before this key (returned in queue order, ending just before it).
    Before(SortKey),
}

/// A request for one window of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    pub tab: QueueTab,
    pub sort: QueueSort,
    /// Case-insensitive substring on claim id, MPN, partner, customer domain and product; empty
    /// for none.
    pub filter: String,
    /// Whose claims `Mine` shows.
    pub reviewer: String,
    pub anchor: Anchor,
    pub limit: u32,
}

/// One row of the queue: just what its columns, flags and sort key need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRow {
    pub claim_id: String,
    pub partner_name: String,
    pub mpn_id: String,
    pub customer_domain: String,
    pub solution_area: SolutionArea,
    pub activity: Activity,
    pub product: String,
    pub submitted_at: DateTime<Utc>,
    pub status: Status,
    /// Parties in the contest: distinct open partners for the customer and product, plus the
    /// incumbent; 0 or 1 when uncontested.
    pub parties: u32,
    pub incumbent_mpn_id: Option<String>,
    pub findings: Vec<FindingCode>,
    /// How many checks could not be decided for lack of data.
    pub unknown_checks: u32,
    pub assigned_to: Option<String>,
    /// When the assignee's hold ends; past it, the claim is free to take.
    pub held_until: Option<DateTime<Utc>>,
}

/// Who holds a claim at `now`: the assignee while the lease runs, else nobody.
pub fn holder(
    assigned_to: Option<&str>,
    held_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<&str> {
    match (assigned_to, held_until) {
        (Some(who), Some(until)) if until > now => Some(who),
        _ => None,
    }
}

impl QueueRow {
    /// Who holds the claim at `now` (an expired lease holds nothing).
    pub fn holder(&self, now: DateTime<Utc>) -> Option<&str> {
        holder(self.assigned_to.as_deref(), self.held_until, now)
    }

    /// Another partner or an incumbent competes with this claim.
    pub fn contested(&self) -> bool {
        self.parties > 1 || self.incumbent_mpn_id.is_some()
    }

    /// This row's position under `sort`, for the next window's anchor.
    pub fn sort_key(&self, sort: QueueSort) -> SortKey {
        let value = match sort {
            QueueSort::Urgency | QueueSort::Newest => SortValue::Time(self.submitted_at),
            QueueSort::ClaimId => SortValue::Text(self.claim_id.clone()),
            QueueSort::Partner => SortValue::Text(crate::domain::party_key(&self.partner_name)),
            QueueSort::Product => SortValue::Text(crate::domain::product_key(&self.product)),
        };
        SortKey {
            value,
            claim_id: self.claim_id.clone(),
        }
    }
}

/// How many claims each tab holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TabCounts {
    pub under_review: u64,
    pub contested: u64,
    pub info_requested: u64,
    pub mine: u64,
    pub all: u64,
}

impl TabCounts {
    /// The count shown on `tab`.
    pub fn get(&self, tab: QueueTab) -> u64 {
        match tab {
            QueueTab::UnderReview => self.under_review,
            QueueTab::Contested => self.contested,
            QueueTab::InfoRequested => self.info_requested,
            QueueTab::Mine => self.mine,
            QueueTab::All => self.all,
        }
    }
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub claim_id: Option<String>,
    /// What happened: `imported`, `generated`, `commented`, `decided`, ...
    pub kind: String,
    /// JSON of the state before, if any.
    pub before: Option<String>,
    /// JSON of the state after, if any.
    pub after: Option<String>,
}
