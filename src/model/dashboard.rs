//! The lead's figures (issue 15): SLA health now, the backlog's age, twelve weeks of throughput,
//! each reviewer's pace and what decisions said. One value, read by the store in one batched
//! call (`Store::dashboard`), drawn by the dashboard screen and printed by `claimdesk report`.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::QueueTab;

/// What to count: the instant the figures are taken at and the period the period figures cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardPeriod {
    /// "Now": SLA states, ages and open holds are taken at this instant; the last week, the 7
    /// and 30 days per reviewer and the outcomes end here.
    pub until: DateTime<Utc>,
    /// Where the outcomes start (default: the start of the first of the 12 weeks).
    pub since: Option<DateTime<Utc>>,
}

impl DashboardPeriod {
    /// The figures as of `until`, outcomes over the twelve weeks. (How long a partner has to
    /// answer is the SLA policy's, from the configuration: `[sla] partner_reply_business_days`.)
    pub fn at(until: DateTime<Utc>) -> DashboardPeriod {
        DashboardPeriod { until, since: None }
    }
}

/// How many claims of one tab stand where against their deadline.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlaFigures {
    /// More than the warning margin left.
    pub on_time: u64,
    /// Less than the warning margin left.
    pub warning: u64,
    /// Past the deadline.
    pub breached: u64,
    /// Not breached, and due by the end of the next business day.
    pub due_next_business_day: u64,
}

/// The open claims of one tab, by SLA state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaTab {
    pub tab: QueueTab,
    pub figures: SlaFigures,
    /// Instants that split the tab into the states: claims submitted (a disputed claim: disputed)
    /// before `breached_before` are breached, before `warning_before` are in warning (or
    /// breached), and before `due_next_before` are due by the end of the next business day (or
    /// breached).
    pub breached_before: DateTime<Utc>,
    pub warning_before: DateTime<Utc>,
    pub due_next_before: DateTime<Utc>,
}

/// The aging histogram's bars: whole business days since submission (`None`: no upper end).
pub const AGING_DAYS: [(u32, Option<u32>); 8] = [
    (0, Some(0)),
    (1, Some(1)),
    (2, Some(2)),
    (3, Some(3)),
    (4, Some(4)),
    (5, Some(5)),
    (6, Some(10)),
    (11, None),
];

/// One bar of the aging histogram: open claims whose age in whole business days is in
/// `min_days..=max_days` (no upper end: `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingBucket {
    pub min_days: u32,
    pub max_days: Option<u32>,
    /// The bar's claims were submitted (disputed claims: disputed) in
    /// `[submitted_from, submitted_before)` (`None`: no end).
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_before: Option<DateTime<Utc>>,
    /// Open claims under review (the Under review tab).
    pub under_review: u64,
    /// Open claims waiting on a partner (the Info requested tab).
    pub info_requested: u64,
    /// Open claims with a competing partner or an incumbent (the Contested tab; they are also
    /// counted in one of the two others).
    pub contested: u64,
    /// Disputed claims, by business days since their latest dispute (the dispute's own clock).
    pub disputed: u64,
}

impl AgingBucket {
    /// `0d`, `3d`, `6-10d`, `11d+`.
    pub fn label(&self) -> String {
        match self.max_days {
            Some(max) if max == self.min_days => format!("{max}d"),
            Some(max) => format!("{}-{max}d", self.min_days),
            None => format!("{}d+", self.min_days),
        }
    }
}

/// One week (Monday to Sunday in the calendar's zone; the last one ends at `until`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekFigures {
    /// The Monday the week starts on.
    pub monday: NaiveDate,
    pub from: DateTime<Utc>,
    pub before: DateTime<Utc>,
    /// Claims submitted in the week.
    pub received: u64,
    /// Claims decided in the week (`decided` events: approvals, rejections, withdrawals; a
    /// claim decided twice counts once).
    pub decided: u64,
    /// Of those, claims decided at or after their SLA deadline.
    pub breached_at_decision: u64,
    /// Claims the partner disputed in the week.
    pub disputes: u64,
    /// Claims whose dispute was resolved in the week by overturning the decision.
    pub overturned: u64,
    /// The rule of `breached_at_decision`: a decision in a cut is late when the claim was
    /// submitted before the cut's limit (one cut per day).
    pub late_cuts: Vec<Cut>,
}

/// One reviewer's decisions over a period ending at `until`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewerPace {
    /// Claims decided (a claim decided twice counts once).
    pub decisions: u64,
    /// The median business time from submission to decision (`None`: no decisions).
    pub median_to_decision: Option<TimeDelta>,
}

/// One reviewer's figures: decisions over the last 7 and 30 days, and what they hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerFigures {
    pub login: String,
    pub last_7_days: ReviewerPace,
    pub last_30_days: ReviewerPace,
    /// Open claims this reviewer holds now (an unexpired lease).
    pub open_holds: u64,
}

/// How many decisions in the period gave one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCount {
    /// The reason's template name (`Insufficient PoE`), or `Other` for a reason written freely.
    pub reason: String,
    pub count: u64,
}

/// What decisions and information requests of the period said, in claims (a claim decided or
/// asked twice counts once in each bar it is in).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutcomeFigures {
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub approvals: u64,
    /// Rejections by reason, most frequent first (then by name).
    pub rejections: Vec<ReasonCount>,
    /// Withdrawals: decided as withdrawn by a reviewer, or by the partner through the feed.
    pub withdrawals: u64,
    /// Claims asked for information in the period.
    pub info_requests: u64,
    /// Of those, claims with a request the partner answered by its reply deadline.
    pub replied_in_time: u64,
    /// Claims with a request answered after its deadline.
    pub replied_late: u64,
    /// The rule of the replies: a request made in a cut is due at the cut's limit (one cut
    /// per day; `[sla] partner_reply_business_days`).
    pub reply_cuts: Vec<Cut>,
}

impl OutcomeFigures {
    /// Every rejection of the period.
    pub fn rejected(&self) -> u64 {
        self.rejections.iter().map(|r| r.count).sum()
    }
}

/// Every figure of the dashboard and the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub until: DateTime<Utc>,
    /// SLA now, per tab: Under review, Contested, Info requested.
    pub sla: Vec<SlaTab>,
    /// Open claims by business days since submission, youngest first.
    pub aging: Vec<AgingBucket>,
    /// The last 12 weeks, oldest first.
    pub weeks: Vec<WeekFigures>,
    /// Reviewers with a decision in the last 30 days or a hold now, by login.
    pub reviewers: Vec<ReviewerFigures>,
    pub outcomes: OutcomeFigures,
}

impl Dashboard {
    /// The instant `days` days before `until` (the reviewers' 7 and 30 days start there).
    pub fn days_back(&self, days: i64) -> DateTime<Utc> {
        days_back(self.until, days)
    }

    /// The SLA figures of one tab.
    pub fn sla_of(&self, tab: QueueTab) -> Option<&SlaTab> {
        self.sla.iter().find(|s| s.tab == tab)
    }
}

/// The instant `days` days before `until`.
pub fn days_back(until: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    until - TimeDelta::days(days)
}

/// The claims behind one dashboard bar, as the queue lists them (Enter on the bar): the queue's
/// tab narrowed to the claims whose instant (`which`) falls in `[from, before)`. The store turns
/// it into one predicate on claims (store/behind.rs), the same on both backends, and the figure
/// the bar shows is computed by the same rule, so its count is the length of its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarFilter {
    pub from: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub which: Behind,
    /// What the list is, as the queue's title says it (`breached`, `aged 3d`).
    pub label: String,
}

/// Which instant of a claim a bar's range is about, and what else the claim must show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behind {
    /// Its submission.
    Submitted,
    /// Its latest dispute (a disputed claim's own clock).
    Disputed,
    /// A decision (`decided` event) made by `reviewer`, with `outcome` (its code) and a reason of
    /// the template named `reason` (`Other`: none of them), when given. With `late`, only
    /// decisions made at or after the claim's deadline: a decision in a cut's
    /// `[from, before)` is late when the claim was submitted before the cut's `limit`.
    Decided {
        reviewer: Option<String>,
        outcome: Option<String>,
        reason: Option<String>,
        late: Option<Vec<Cut>>,
    },
    /// A withdrawal: decided as withdrawn, or withdrawn by the partner through the feed.
    Withdrawn,
    /// A dispute received from the partner.
    DisputeReceived,
    /// A dispute resolved by overturning the decision.
    Overturned,
    /// An information request; with `replied`, only requests whose first reply came by their
    /// reply deadline (`true`) or after it (`false`): a request made in a cut's `[from, before)`
    /// is due at the cut's `limit`.
    InfoRequested { replied: Option<(bool, Vec<Cut>)> },
    /// Held now (at `from`) by this reviewer, still open.
    HeldBy(String),
}

/// A piece of a period over which a deadline rule is one instant (see [`Behind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub from: DateTime<Utc>,
    pub before: DateTime<Utc>,
    pub limit: DateTime<Utc>,
}

impl Cut {
    /// The cut that holds `at`, if any.
    pub fn of(cuts: &[Cut], at: DateTime<Utc>) -> Option<&Cut> {
        cuts.iter().find(|c| c.from <= at && at < c.before)
    }
}
