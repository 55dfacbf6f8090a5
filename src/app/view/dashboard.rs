//! The lead's dashboard as the screen holds it: the figures (read in one store call), which
//! chart has the cursor and which bar in it. The bars of each chart are listed here, once, with
//! the queue each opens (Enter), so the renderer and `update` agree on what the cursor is over.

use chrono::{DateTime, Utc};

use crate::model::{BarFilter, Behind, Dashboard, QueueTab};

use super::screens::Loadable;

/// The dashboard's charts, in the order `Tab` (or `1`-`5`) moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DashPanel {
    /// Open claims per tab: on time, warning, breached, due by the end of the next business day.
    Sla,
    /// Open claims by whole business days since submission.
    Aging,
    /// The last 12 weeks: received, decided, breached at decision, disputes, overturned.
    Weeks,
    /// Each reviewer's decisions (7 and 30 days), median time to decision, holds now.
    Reviewers,
    /// Approvals, rejections by reason, withdrawals, information requests and replies.
    Outcomes,
}

impl DashPanel {
    pub const ALL: [DashPanel; 5] = [
        DashPanel::Sla,
        DashPanel::Aging,
        DashPanel::Weeks,
        DashPanel::Reviewers,
        DashPanel::Outcomes,
    ];

    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            DashPanel::Sla => "SLA now",
            DashPanel::Aging => "Aging",
            DashPanel::Weeks => "12 weeks",
            DashPanel::Reviewers => "Reviewers",
            DashPanel::Outcomes => "Outcomes",
        }
    }

    /// What the chart counts, in a sentence.
    pub fn counts(self) -> &'static str {
        match self {
            DashPanel::Sla => "Open claims per tab by deadline now (a dispute has its own): on time, in warning (under the margin), breached; due by the end of the next business day",
            DashPanel::Aging => "Open claims by whole business days since submission (disputed: since the dispute), per tab (contested claims also count in their own tab)",
            DashPanel::Weeks => "Per week (Monday to Sunday, the last to now): claims received and claims decided; claims decided after the deadline, disputed and overturned below",
            DashPanel::Reviewers => "Claims each reviewer decided in the last 7 and 30 days, median business time from submission to decision, claims held now",
            DashPanel::Outcomes => "Claims decided in the period by outcome, rejections by reason; claims asked for information and how many got a reply in time",
        }
    }

    /// The index of the chart in `ALL`.
    pub fn index(self) -> usize {
        DashPanel::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// One bar: its group (a tab, an age, a week, a reviewer), what it counts, its value (a number
/// of claims), and the queue that lists those claims (Enter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashBar {
    pub group: String,
    pub series: &'static str,
    pub value: u64,
    pub opens: (QueueTab, BarFilter),
}

/// The dashboard screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardView {
    /// The figures (kept on screen while a refresh is read).
    pub figures: Loadable<Box<Dashboard>>,
    /// The read in flight, if any.
    pub pending: Option<u64>,
    /// Another change arrived while a read was in flight: read again when it answers.
    pub stale: bool,
    pub panel: DashPanel,
    /// The bar under the cursor, in `bars(..)` order.
    pub bar: usize,
}

impl DashboardView {
    /// The bar under the cursor, once the figures are in.
    pub fn selected(&self) -> Option<DashBar> {
        let figures = self.figures.loaded()?;
        bars(figures, self.panel).into_iter().nth(self.bar)
    }
}

fn filter(
    label: String,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    which: Behind,
) -> BarFilter {
    BarFilter {
        from,
        before,
        which,
        label,
    }
}

fn decided(reviewer: Option<&str>, outcome: Option<&str>, reason: Option<&str>) -> Behind {
    Behind::Decided {
        reviewer: reviewer.map(str::to_string),
        outcome: outcome.map(str::to_string),
        reason: reason.map(str::to_string),
        late: None,
    }
}

/// The bars of one chart, in the order the cursor moves over them.
pub fn bars(d: &Dashboard, panel: DashPanel) -> Vec<DashBar> {
    let mut out = Vec::new();
    match panel {
        DashPanel::Sla => {
            for t in &d.sla {
                let f = &t.figures;
                let group = t.tab.title().to_string();
                // A disputed claim's clock runs from its latest dispute.
                let clock = |label: &str, from, before| {
                    let which = match t.tab {
                        QueueTab::Disputed => Behind::Disputed,
                        _ => Behind::Submitted,
                    };
                    filter(label.to_string(), from, before, which)
                };
                let mut bar = |series: &'static str, value, from, before| {
                    out.push(DashBar {
                        group: group.clone(),
                        series,
                        value,
                        opens: (t.tab, clock(series, from, before)),
                    });
                };
                bar("on time", f.on_time, Some(t.warning_before), None);
                bar(
                    "warning",
                    f.warning,
                    Some(t.breached_before),
                    Some(t.warning_before),
                );
                bar("breached", f.breached, None, Some(t.breached_before));
                bar(
                    "due next business day",
                    f.due_next_business_day,
                    Some(t.breached_before),
                    Some(t.due_next_before),
                );
            }
        }
        DashPanel::Aging => {
            for a in &d.aging {
                let label = a.label();
                for (series, tab, value) in [
                    ("under review", QueueTab::UnderReview, a.under_review),
                    ("info requested", QueueTab::InfoRequested, a.info_requested),
                    ("contested", QueueTab::Contested, a.contested),
                    ("disputed", QueueTab::Disputed, a.disputed),
                ] {
                    let which = match tab {
                        QueueTab::Disputed => Behind::Disputed,
                        _ => Behind::Submitted,
                    };
                    out.push(DashBar {
                        group: label.clone(),
                        series,
                        value,
                        opens: (
                            tab,
                            filter(
                                format!("{label} old"),
                                a.submitted_from,
                                a.submitted_before,
                                which,
                            ),
                        ),
                    });
                }
            }
        }
        DashPanel::Weeks => {
            for w in &d.weeks {
                let group = w.monday.format("%m-%d").to_string();
                let late = Behind::Decided {
                    reviewer: None,
                    outcome: None,
                    reason: None,
                    late: Some(w.late_cuts.clone()),
                };
                for (series, value, which, what) in [
                    ("received", w.received, Behind::Submitted, "received"),
                    ("decided", w.decided, decided(None, None, None), "decided"),
                    (
                        "after deadline",
                        w.breached_at_decision,
                        late,
                        "decided after the deadline",
                    ),
                    ("disputes", w.disputes, Behind::DisputeReceived, "disputed"),
                    (
                        "overturned",
                        w.overturned,
                        Behind::Overturned,
                        "overturned on dispute",
                    ),
                ] {
                    out.push(DashBar {
                        group: group.clone(),
                        series,
                        value,
                        opens: (
                            QueueTab::All,
                            filter(
                                format!("{what} in the week of {}", w.monday),
                                Some(w.from),
                                Some(w.before),
                                which,
                            ),
                        ),
                    });
                }
            }
        }
        DashPanel::Reviewers => {
            for r in &d.reviewers {
                let login = r.login.as_str();
                for (series, value, days) in [
                    ("decisions, 7 days", r.last_7_days.decisions, 7),
                    ("decisions, 30 days", r.last_30_days.decisions, 30),
                ] {
                    out.push(DashBar {
                        group: r.login.clone(),
                        series,
                        value,
                        opens: (
                            QueueTab::All,
                            filter(
                                format!("decided by {login} in the last {days} days"),
                                Some(d.days_back(days)),
                                Some(d.until),
                                decided(Some(login), None, None),
                            ),
                        ),
                    });
                }
                out.push(DashBar {
                    group: r.login.clone(),
                    series: "holds now",
                    value: r.open_holds,
                    opens: (
                        QueueTab::All,
                        filter(
                            format!("held by {login}"),
                            Some(d.until),
                            None,
                            Behind::HeldBy(r.login.clone()),
                        ),
                    ),
                });
            }
        }
        DashPanel::Outcomes => {
            let o = &d.outcomes;
            let mut bar = |group: String, series: &'static str, value, which| {
                out.push(DashBar {
                    opens: (
                        QueueTab::All,
                        filter(group.to_lowercase(), o.from, o.before, which),
                    ),
                    group,
                    series,
                    value,
                })
            };
            bar(
                "Approved".into(),
                "decisions",
                o.approvals,
                decided(None, Some("approved"), None),
            );
            for r in &o.rejections {
                bar(
                    format!("Rejected: {}", r.reason),
                    "decisions",
                    r.count,
                    decided(None, Some("rejected"), Some(&r.reason)),
                );
            }
            bar(
                "Withdrawn".into(),
                "decisions",
                o.withdrawals,
                Behind::Withdrawn,
            );
            bar(
                "Info requests".into(),
                "requests",
                o.info_requests,
                Behind::InfoRequested { replied: None },
            );
            bar(
                "Replied in time".into(),
                "requests",
                o.replied_in_time,
                Behind::InfoRequested {
                    replied: Some((true, o.reply_cuts.clone())),
                },
            );
            bar(
                "Replied late".into(),
                "requests",
                o.replied_late,
                Behind::InfoRequested {
                    replied: Some((false, o.reply_cuts.clone())),
                },
            );
        }
    }
    out
}
