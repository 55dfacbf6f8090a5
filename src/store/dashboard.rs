//! The lead's figures in one call (`Store::dashboard`), the same statements on both databases.
//!
//! Nothing here scans the claims table: the deadline and the age of an open claim are monotonic
//! in its submission time (domain/sla.rs), so every SLA state and every aging bar is one range
//! of a tab's submission index (`claims_state_submitted`, `claims_contested_submitted`), counted
//! segment by segment; the weeks' arrivals are ranges of `claims_submitted`; decisions,
//! disputes, information requests and replies are ranges of the audit log's `events_kind_at`
//! (migration 0013), so their cost follows the period's events, not the store's size; holds come
//! from the partial index `claims_assigned`. Business time is the domain's, computed here on the
//! few rows read.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, TimeDelta, Utc};
use serde_json::Value;

use super::db::{Exec, Pool, Sql};
use super::queue::contested;
use super::{Store, StoreError};
use crate::domain::reasons::rejection_reason_name;
use crate::domain::sla::{aged_at_least_before, SlaPolicy};
use crate::domain::BusinessCalendar;
use crate::model::{
    AgingBucket, Dashboard, DashboardPeriod, OutcomeFigures, QueueTab, ReasonCount,
    ReviewerFigures, ReviewerPace, SlaFigures, SlaTab, WeekFigures, AGING_DAYS,
};

/// One aging bar: its ages (min, max) and the submissions it holds, `[from, before)`.
type Age = (
    u32,
    Option<u32>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// How many weeks the throughput figures cover.
pub const WEEKS: usize = 12;

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// How many claims matching `predicate` fall in each segment that `bounds` (ascending) cut the
/// submission times into: `len + 1` counts, the first before `bounds[0]`, the last from the
/// last bound on. One statement; each segment is an index range.
async fn segment_counts(
    db: &mut impl Exec,
    predicate: &str,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<u64>, StoreError> {
    let mut sql = Sql::new("");
    for i in 0..=bounds.len() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push(&format!(
            "SELECT {i} AS seg, COUNT(*) AS n FROM claims WHERE {predicate}"
        ));
        if let Some(from) = i.checked_sub(1).and_then(|j| bounds.get(j)) {
            sql.push(" AND submitted_at >= ").bind(*from);
        }
        if let Some(before) = bounds.get(i) {
            sql.push(" AND submitted_at < ").bind(*before);
        }
    }
    let mut out = vec![0; bounds.len() + 1];
    for r in db.fetch_all(sql).await? {
        if let Some(slot) = usize::try_from(r.int("seg")?)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *slot = count(r.int("n")?);
        }
    }
    Ok(out)
}

/// Claims counted by [`segment_counts`] submitted in `[from, before)` (either end open).
fn between(
    bounds: &[DateTime<Utc>],
    segments: &[u64],
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> u64 {
    segments
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let seg_from = i.checked_sub(1).and_then(|j| bounds.get(j));
            let seg_before = bounds.get(*i);
            let after_from = match (from, seg_from) {
                (None, _) => true,
                (Some(f), Some(s)) => *s >= f,
                (Some(_), None) => false,
            };
            let before_end = match (before, seg_before) {
                (None, _) => true,
                (Some(b), Some(s)) => *s <= b,
                (Some(_), None) => false,
            };
            after_from && before_end
        })
        .map(|(_, n)| n)
        .sum()
}

/// One audit event the period figures count.
struct Counted {
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    after: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
}

impl Counted {
    /// A field of the event's `after` JSON (an outcome, a reason).
    fn detail(&self, key: &str) -> Option<String> {
        let v: Value = serde_json::from_str(self.after.as_deref()?).ok()?;
        v.get(key)?.as_str().map(str::to_string)
    }
}

fn median(mut spans: Vec<TimeDelta>) -> Option<TimeDelta> {
    spans.sort();
    let n = spans.len();
    match n {
        0 => None,
        _ if !n.is_multiple_of(2) => spans.get(n / 2).copied(),
        _ => Some((spans[n / 2 - 1] + spans[n / 2]) / 2),
    }
}

impl Store {
    /// Every dashboard figure as of `period.until` (see [`Dashboard`]), in a few indexed
    /// statements whatever the number of claims.
    pub async fn dashboard(
        &self,
        calendar: &BusinessCalendar,
        policy: &SlaPolicy,
        period: &DashboardPeriod,
    ) -> Result<Dashboard, StoreError> {
        let mut db: Pool = self.pool.clone();
        let dialect = db.dialect();
        let now = period.until;

        // SLA now and aging: one segmentation of each tab's submissions.
        let breached = policy.breached_before(calendar, now);
        let warning = policy.warning_before(calendar, now);
        let due_next = policy.due_next_business_day_before(calendar, now);
        let age_bound = |days: u32| aged_at_least_before(calendar, now, days);
        // A bar of ages min..=max holds claims submitted in [aged(max + 1), aged(min)).
        let ages: Vec<Age> = AGING_DAYS
            .iter()
            .map(|&(min, max)| {
                let from = max.map(|m| age_bound(m + 1));
                let before = (min > 0).then(|| age_bound(min));
                (min, max, from, before)
            })
            .collect();
        let mut bounds: Vec<DateTime<Utc>> = vec![breached, warning, due_next];
        bounds.extend(ages.iter().flat_map(|a| [a.2, a.3]).flatten());
        bounds.sort();
        bounds.dedup();

        let tabs = [
            (QueueTab::UnderReview, "queue_state = 'review'"),
            (QueueTab::Contested, contested(dialect)),
            (QueueTab::InfoRequested, "queue_state = 'info'"),
        ];
        let mut sla = Vec::new();
        let mut per_tab = Vec::new();
        for (tab, predicate) in tabs {
            let segments = segment_counts(&mut db, predicate, &bounds).await?;
            let total: u64 = segments.iter().sum();
            let upto = |b: DateTime<Utc>| between(&bounds, &segments, None, Some(b));
            let breached_n = upto(breached);
            let warning_n = upto(warning).saturating_sub(breached_n);
            sla.push(SlaTab {
                tab,
                figures: SlaFigures {
                    on_time: total.saturating_sub(breached_n + warning_n),
                    warning: warning_n,
                    breached: breached_n,
                    due_next_business_day: upto(due_next.max(breached)).saturating_sub(breached_n),
                },
                breached_before: breached,
                warning_before: warning,
                due_next_before: due_next,
            });
            per_tab.push((tab, segments));
        }
        let aging = ages
            .iter()
            .map(|&(min, max, from, before)| {
                let of = |tab: QueueTab| {
                    per_tab
                        .iter()
                        .find(|(t, _)| *t == tab)
                        .map_or(0, |(_, s)| between(&bounds, s, from, before))
                };
                AgingBucket {
                    min_days: min,
                    max_days: max,
                    submitted_from: from,
                    submitted_before: before,
                    under_review: of(QueueTab::UnderReview),
                    info_requested: of(QueueTab::InfoRequested),
                    contested: of(QueueTab::Contested),
                }
            })
            .collect();

        // Twelve weeks, Monday to Monday in the calendar's zone, the last ending now.
        let this_monday = calendar.week_monday(calendar.local_date(now));
        let mondays: Vec<_> = (0..WEEKS as u64)
            .rev()
            .filter_map(|k| this_monday.checked_sub_days(Days::new(7 * k)))
            .collect();
        let mut weeks: Vec<WeekFigures> = mondays
            .iter()
            .map(|m| {
                let from = calendar.day_start(*m);
                let next = m.checked_add_days(Days::new(7)).unwrap_or(*m);
                WeekFigures {
                    monday: *m,
                    from,
                    before: calendar.day_start(next).min(now),
                    received: 0,
                    decided: 0,
                    breached_at_decision: 0,
                    disputes: 0,
                    overturned: 0,
                }
            })
            .collect();
        let first = weeks.first().map_or(now, |w| w.from);
        let week_bounds: Vec<DateTime<Utc>> = weeks
            .iter()
            .map(|w| w.from)
            .chain(std::iter::once(now))
            .collect();
        let received = segment_counts(&mut db, "TRUE", &week_bounds).await?;
        for (i, w) in weeks.iter_mut().enumerate() {
            w.received = received.get(i + 1).copied().unwrap_or(0);
        }

        // The period's events: decisions, disputes and their outcomes.
        let since = period.since.unwrap_or(first);
        let month_ago = now - TimeDelta::days(30);
        let read_from = since.min(first).min(month_ago);
        let events = db
            .fetch_all(
                Sql::new(
                    "SELECT e.at, e.actor, e.kind, e.after, c.submitted_at
                     FROM events e LEFT JOIN claims c ON c.claim_id = e.claim_id
                     WHERE e.kind IN ('decided', 'withdrawn', 'disputed', 'dispute_resolved')
                       AND e.at >= $1 AND e.at < $2
                     ORDER BY e.id",
                )
                .arg(read_from)
                .arg(now),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Counted {
                    at: r.time("at")?,
                    actor: r.text("actor")?,
                    kind: r.text("kind")?,
                    after: r.opt_text("after")?,
                    submitted_at: r.opt_time("submitted_at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let mut outcomes = OutcomeFigures {
            from: Some(since),
            before: Some(now),
            ..OutcomeFigures::default()
        };
        let mut reasons: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut paces: BTreeMap<String, (Vec<TimeDelta>, Vec<TimeDelta>)> = BTreeMap::new();
        let week_ago = now - TimeDelta::days(7);
        for e in &events {
            let week = weeks.iter_mut().find(|w| w.from <= e.at && e.at < w.before);
            match e.kind.as_str() {
                "decided" => {
                    let late = e
                        .submitted_at
                        .is_some_and(|s| e.at > policy.due_at(calendar, s, TimeDelta::zero()));
                    if let Some(w) = week {
                        w.decided += 1;
                        w.breached_at_decision += u64::from(late);
                    }
                    if e.at >= since {
                        match e.detail("outcome").as_deref() {
                            Some("approved") => outcomes.approvals += 1,
                            Some("rejected") => {
                                let reason = e.detail("reason").unwrap_or_default();
                                *reasons.entry(rejection_reason_name(&reason)).or_default() += 1;
                            }
                            Some("withdrawn") => outcomes.withdrawals += 1,
                            _ => {}
                        }
                    }
                    if e.at >= month_ago {
                        let span = e
                            .submitted_at
                            .map(|s| calendar.business_time_between(s, e.at))
                            .unwrap_or_default();
                        let (week_spans, month_spans) = paces.entry(e.actor.clone()).or_default();
                        month_spans.push(span);
                        if e.at >= week_ago {
                            week_spans.push(span);
                        }
                    }
                }
                // A partner's withdrawal through the feed is an outcome, not a decision.
                "withdrawn" if e.at >= since => outcomes.withdrawals += 1,
                "disputed" => {
                    if let Some(w) = week {
                        w.disputes += 1;
                    }
                }
                "dispute_resolved" => {
                    if let (Some(w), Some("overturned")) = (week, e.detail("outcome").as_deref()) {
                        w.overturned += 1;
                    }
                }
                _ => {}
            }
        }
        let mut rejections: Vec<ReasonCount> = reasons
            .into_iter()
            .map(|(reason, count)| ReasonCount {
                reason: reason.to_string(),
                count,
            })
            .collect();
        rejections.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        outcomes.rejections = rejections;

        // Information requests of the period and the partner's first reply after each.
        let requests = db
            .fetch_all(
                Sql::new(
                    "SELECT r.at,
                            (SELECT MIN(p.at) FROM events p
                              WHERE p.claim_id = r.claim_id AND p.id > r.id AND p.kind = 'replied') AS replied_at
                     FROM events r
                     WHERE r.kind = 'info_requested' AND r.at >= $1 AND r.at < $2",
                )
                .arg(since)
                .arg(now),
            )
            .await?;
        for r in &requests {
            let asked = r.time("at")?;
            outcomes.info_requests += 1;
            if let Some(replied) = r.opt_time("replied_at")? {
                let due = calendar.end_of_nth_business_day_after(asked, period.reply_business_days);
                if replied <= due {
                    outcomes.replied_in_time += 1;
                } else {
                    outcomes.replied_late += 1;
                }
            }
        }

        // Holds now.
        let holds = db
            .fetch_all(
                Sql::new(
                    "SELECT assigned_to, COUNT(*) AS n FROM claims
                     WHERE assigned_to IS NOT NULL AND held_until > $1 AND queue_state <> 'closed'
                     GROUP BY assigned_to",
                )
                .arg(now),
            )
            .await?;
        let mut reviewers: BTreeMap<String, ReviewerFigures> = BTreeMap::new();
        let blank = |login: &str| ReviewerFigures {
            login: login.to_string(),
            last_7_days: ReviewerPace::default(),
            last_30_days: ReviewerPace::default(),
            open_holds: 0,
        };
        for (login, (week_spans, month_spans)) in paces {
            let entry = reviewers
                .entry(login.clone())
                .or_insert_with(|| blank(&login));
            entry.last_7_days = ReviewerPace {
                decisions: week_spans.len() as u64,
                median_to_decision: median(week_spans),
            };
            entry.last_30_days = ReviewerPace {
                decisions: month_spans.len() as u64,
                median_to_decision: median(month_spans),
            };
        }
        for r in &holds {
            let login = r.text("assigned_to")?;
            reviewers
                .entry(login.clone())
                .or_insert_with(|| blank(&login))
                .open_holds = count(r.int("n")?);
        }

        Ok(Dashboard {
            until: now,
            sla,
            aging,
            weeks,
            reviewers: reviewers.into_values().collect(),
            outcomes,
        })
    }
}
