//! The lead's dashboard as the screen holds it: the figures (read in one store call), which
//! chart has the cursor and which bar in it. The bars of each chart are listed here, once, with
//! the queue each opens (Enter), so the renderer and `update` agree on what the cursor is over.

use crate::model::{Dashboard, QueueTab, SubmittedRange};

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
            DashPanel::Sla => "Open claims of each tab by their SLA deadline now: on time, in warning (under the margin), breached; and due by the end of the next business day",
            DashPanel::Aging => "Open claims by whole business days since submission, per tab (contested claims also count in their own tab)",
            DashPanel::Weeks => "Per week (Monday to Sunday, the last to now): claims received and decisions made; decisions after the deadline, disputes and overturned disputes below",
            DashPanel::Reviewers => "Decisions per reviewer in the last 7 and 30 days, median business time from submission to decision, claims held now",
            DashPanel::Outcomes => "Decisions of the period by outcome, rejections by reason; information requests and how many got a reply in time",
        }
    }

    /// The index of the chart in `ALL`.
    pub fn index(self) -> usize {
        DashPanel::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// One bar: its group (a tab, an age, a week, a reviewer), what it counts, its value, and the
/// queue that lists its claims (`None`: a count of events, not a list of open claims).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashBar {
    pub group: String,
    pub series: &'static str,
    pub value: u64,
    pub opens: Option<(QueueTab, SubmittedRange)>,
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

fn range(
    label: String,
    from: Option<chrono::DateTime<chrono::Utc>>,
    before: Option<chrono::DateTime<chrono::Utc>>,
) -> SubmittedRange {
    SubmittedRange {
        from,
        before,
        label,
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
                let mut bar = |series: &'static str, value, from, before| {
                    out.push(DashBar {
                        group: group.clone(),
                        series,
                        value,
                        opens: Some((t.tab, range(series.to_string(), from, before))),
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
                ] {
                    out.push(DashBar {
                        group: label.clone(),
                        series,
                        value,
                        opens: Some((
                            tab,
                            range(format!("{label} old"), a.submitted_from, a.submitted_before),
                        )),
                    });
                }
            }
        }
        DashPanel::Weeks => {
            for w in &d.weeks {
                let group = w.monday.format("%m-%d").to_string();
                out.push(DashBar {
                    group: group.clone(),
                    series: "received",
                    value: w.received,
                    opens: Some((
                        QueueTab::All,
                        range(
                            format!("received in the week of {}", w.monday),
                            Some(w.from),
                            Some(w.before),
                        ),
                    )),
                });
                out.push(DashBar {
                    group,
                    series: "decided",
                    value: w.decided,
                    opens: None,
                });
            }
        }
        DashPanel::Reviewers => {
            for r in &d.reviewers {
                for (series, value) in [
                    ("decisions, 7 days", r.last_7_days.decisions),
                    ("decisions, 30 days", r.last_30_days.decisions),
                    ("holds now", r.open_holds),
                ] {
                    out.push(DashBar {
                        group: r.login.clone(),
                        series,
                        value,
                        opens: None,
                    });
                }
            }
        }
        DashPanel::Outcomes => {
            let o = &d.outcomes;
            let mut bar = |group: String, series: &'static str, value| {
                out.push(DashBar {
                    group,
                    series,
                    value,
                    opens: None,
                })
            };
            bar("Approved".into(), "decisions", o.approvals);
            for r in &o.rejections {
                bar(format!("Rejected: {}", r.reason), "decisions", r.count);
            }
            bar("Withdrawn".into(), "decisions", o.withdrawals);
            bar("Info requests".into(), "requests", o.info_requests);
            bar("Replied in time".into(), "requests", o.replied_in_time);
            bar("Replied late".into(), "requests", o.replied_late);
        }
    }
    out
}
