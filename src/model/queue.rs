//! The queue as the store serves it: tabs, sorts, keyset anchors, one window of rows, tab counts.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{Activity, ClockMarks, FindingCode, SolutionArea, Status};

/// The queue's tabs; each is a stored predicate with an index behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueTab {
    /// Open claims not waiting on a partner (`submitted`, `under_review`).
    UnderReview,
    /// Open claims with a competing partner or an incumbent.
    Contested,
    /// Claims waiting on the partner.
    InfoRequested,
    /// Decisions the partner disputed, to be decided again by another reviewer.
    Disputed,
    /// Open claims assigned to the reviewer.
    Mine,
    /// Every claim, decided or not.
    All,
}

impl QueueTab {
    /// Tabs in the order the screen shows them (keys `1`-`6`).
    pub const ALL: [QueueTab; 6] = [
        QueueTab::UnderReview,
        QueueTab::Contested,
        QueueTab::InfoRequested,
        QueueTab::Disputed,
        QueueTab::Mine,
        QueueTab::All,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            QueueTab::UnderReview => "Under review",
            QueueTab::Contested => "Contested",
            QueueTab::InfoRequested => "Info requested",
            QueueTab::Disputed => "Disputed",
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
    /// The sort's order turned around (oldest last, Z to A, ...).
    pub reverse: bool,
    /// Case-insensitive substring on claim id, MPN, partner, customer domain and product; empty
    /// for none.
    pub filter: String,
    /// Whose claims `Mine` shows.
    pub reviewer: String,
    pub anchor: Anchor,
    pub limit: u32,
    /// Only the claims behind a dashboard bar; `None`: all.
    pub behind: Option<super::BarFilter>,
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
    /// The reviewer holding the claim (or whose hold lapsed), if any.
    pub assigned_to: Option<String>,
    /// When that hold ends; past it, the claim is free to take.
    pub held_until: Option<DateTime<Utc>>,
    /// The reviewer a lead assigned the claim to, if any (kept when a hold ends).
    pub assignee: Option<String>,
    /// Its waits on the partner and its dispute: what its clocks are computed from.
    pub clock: ClockMarks,
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
    pub disputed: u64,
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
            QueueTab::Disputed => self.disputed,
            QueueTab::Mine => self.mine,
            QueueTab::All => self.all,
        }
    }
}

/// What a reviewer's workbench remembers between sessions (stored per reviewer, on both
/// backends): the theme, the sort and its direction, and the tab.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub theme: Option<String>,
    pub sort: Option<QueueSort>,
    pub reverse: bool,
    pub tab: Option<QueueTab>,
}

impl Preferences {
    /// `(name, value)` pairs as stored.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("reverse", self.reverse.to_string())];
        if let Some(theme) = &self.theme {
            out.push(("theme", theme.clone()));
        }
        if let Some(sort) = self.sort {
            out.push(("sort", sort.label().to_string()));
        }
        if let Some(tab) = self.tab {
            out.push(("tab", tab.title().to_string()));
        }
        out
    }

    /// Read back from stored pairs; names and values this build does not know are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Preferences {
        let mut out = Preferences::default();
        for (name, value) in pairs {
            match name {
                "theme" => out.theme = Some(value.to_string()),
                "sort" => out.sort = QueueSort::ALL.into_iter().find(|s| s.label() == value),
                "reverse" => out.reverse = value == "true",
                "tab" => out.tab = QueueTab::ALL.into_iter().find(|t| t.title() == value),
                _ => {}
            }
        }
        out
    }
}
