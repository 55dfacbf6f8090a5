//! The lead's figures in one call (`Store::dashboard`), the same statements on both databases.
//!
//! Nothing here scans the claims table: the deadline and the age of an open claim are monotonic
//! in its submission time (domain/sla.rs), so every SLA state and every aging bar is one range
//! of a tab's submissions, counted segment by segment (store/segments.rs): whole UTC days from
//! the per-day counters `claim_day_counts` (migration 0017), the part of a day at each bound from
//! the tab's submission index (`claims_state_submitted`, `claims_contested_submitted`); the
//! weeks' arrivals likewise (`claims_submitted`); decisions,
//! disputes, information requests and replies are ranges of the audit log's `events_kind_at`
//! (migration 0013), so their cost follows the period's events, not the store's size; holds come
//! from the partial index `claims_assigned`. Business time is the domain's, computed here on the
//! few rows read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde_json::Value;

use super::behind::{FIRST_REPLY, LATEST_DISPUTE};
use super::db::{Exec, Pool, Sql};
use super::queue::contested;
use super::segments::{self, between, count, Counting};
use super::{Store, StoreError};
use crate::domain::reasons::rejection_reason_name;
use crate::domain::sla::{aged_at_least_before, SlaPolicy};
use crate::domain::BusinessCalendar;
use crate::model::{
    days_back, AgingBucket, Cut, Dashboard, DashboardPeriod, OutcomeFigures, QueueTab, ReasonCount,
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

/// One audit event the period figures count.
struct Counted {
    at: DateTime<Utc>,
    actor: String,
    kind: String,
    after: Option<String>,
    claim_id: String,
    submitted_at: Option<DateTime<Utc>>,
}

/// One reviewer's decided claims and times to decision over 7 and 30 days.
#[derive(Default)]
struct Pace<'a> {
    week: BTreeSet<&'a str>,
    month: BTreeSet<&'a str>,
    week_spans: Vec<TimeDelta>,
    month_spans: Vec<TimeDelta>,
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
        self.figures(calendar, policy, period, Counting::ByDay)
            .await
    }

    /// [`Store::dashboard`] counted the slow way: every claim from the tabs' submission indexes,
    /// without the per-day counters (so a test can check the counters give the same figures).
    #[doc(hidden)]
    pub async fn dashboard_scanned(
        &self,
        calendar: &BusinessCalendar,
        policy: &SlaPolicy,
        period: &DashboardPeriod,
    ) -> Result<Dashboard, StoreError> {
        self.figures(calendar, policy, period, Counting::Scanned)
            .await
    }

    async fn figures(
        &self,
        calendar: &BusinessCalendar,
        policy: &SlaPolicy,
        period: &DashboardPeriod,
        counting: Counting,
    ) -> Result<Dashboard, StoreError> {
        let mut db: Pool = self.pool.clone();
        let dialect = db.dialect();
        let now = period.until;

        // SLA now and aging: one segmentation of each tab's submissions (a disputed claim's
        // clock runs from its latest dispute instead, over as many business days as a partner
        // has to answer: the dispute's own clock).
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
        let dispute_clock = policy.dispute_clock();
        let tabs = [
            (
                QueueTab::UnderReview,
                "queue_state = 'review'",
                "submitted_at",
                policy,
            ),
            (
                QueueTab::Contested,
                contested(dialect),
                "submitted_at",
                policy,
            ),
            (
                QueueTab::InfoRequested,
                "queue_state = 'info'",
                "submitted_at",
                policy,
            ),
            (
                QueueTab::Disputed,
                "queue_state = 'disputed'",
                LATEST_DISPUTE,
                &dispute_clock,
            ),
        ];
        let mut sla = Vec::new();
        let mut per_tab = Vec::new();
        for (tab, predicate, column, clock) in tabs {
            let breached = clock.breached_before(calendar, now);
            let warning = clock.warning_before(calendar, now);
            let due_next = clock.due_next_business_day_before(calendar, now);
            let mut bounds: Vec<DateTime<Utc>> = vec![breached, warning, due_next];
            bounds.extend(ages.iter().flat_map(|a| [a.2, a.3]).flatten());
            bounds.sort();
            bounds.dedup();
            let segments = if counting == Counting::ByDay && column == "submitted_at" {
                segments::by_day(&mut db, predicate, &bounds).await?
            } else {
                segments::scanned(&mut db, predicate, column, &bounds).await?
            };
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
            per_tab.push((tab, bounds, segments));
        }
        let aging = ages
            .iter()
            .map(|&(min, max, from, before)| {
                let of = |tab: QueueTab| {
                    per_tab
                        .iter()
                        .find(|(t, _, _)| *t == tab)
                        .map_or(0, |(_, b, s)| between(b, s, from, before))
                };
                AgingBucket {
                    min_days: min,
                    max_days: max,
                    submitted_from: from,
                    submitted_before: before,
                    under_review: of(QueueTab::UnderReview),
                    info_requested: of(QueueTab::InfoRequested),
                    contested: of(QueueTab::Contested),
                    disputed: of(QueueTab::Disputed),
                }
            })
            .collect();

        // Twelve weeks, Monday to Monday in the calendar's zone, the last ending now.
        let this_monday = calendar.week_monday(calendar.local_date(now));
        let mondays: Vec<_> = (0..WEEKS as u64)
            .rev()
            .filter_map(|k| this_monday.checked_sub_days(Days::new(7 * k)))
            .collect();
        // A decision on day d is late for claims breached at the day's start (deadlines fall on
        // the start of a day, so one instant per day decides it).
        let late_cut = |day: NaiveDate| {
            let from = calendar.day_start(day);
            Cut {
                from,
                before: calendar.day_start(day.succ_opt().unwrap_or(day)),
                limit: policy.breached_before(calendar, from),
            }
        };
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
                    late_cuts: m.iter_days().take(7).map(late_cut).collect(),
                }
            })
            .collect();
        let first = weeks.first().map_or(now, |w| w.from);
        let week_bounds: Vec<DateTime<Utc>> = weeks
            .iter()
            .map(|w| w.from)
            .chain(std::iter::once(now))
            .collect();
        let received = match counting {
            Counting::ByDay => segments::by_day(&mut db, "TRUE", &week_bounds).await?,
            Counting::Scanned => {
                segments::scanned(&mut db, "TRUE", "submitted_at", &week_bounds).await?
            }
        };
        for (i, w) in weeks.iter_mut().enumerate() {
            w.received = received.get(i + 1).copied().unwrap_or(0);
        }

        // The period's events: decisions, disputes and their outcomes.
        let since = period.since.unwrap_or(first);
        let month_ago = days_back(now, 30);
        let week_ago = days_back(now, 7);
        let read_from = since.min(first).min(month_ago);
        let events = db
            .fetch_all(
                Sql::new(
                    "SELECT e.at, e.actor, e.kind, e.after, e.claim_id, c.submitted_at
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
                    claim_id: r.opt_text("claim_id")?.unwrap_or_default(),
                    submitted_at: r.opt_time("submitted_at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        // Each bar counts claims (the list Enter opens), so each keeps a set of claim ids.
        type Claims<'a> = BTreeSet<&'a str>;
        let mut per_week: Vec<[Claims; 4]> = weeks.iter().map(|_| Default::default()).collect();
        let (mut approved, mut withdrawn) = (Claims::new(), Claims::new());
        let mut reasons: BTreeMap<&'static str, Claims> = BTreeMap::new();
        let mut paces: BTreeMap<String, Pace> = BTreeMap::new();
        for e in &events {
            let id = e.claim_id.as_str();
            let week = weeks
                .iter()
                .position(|w| w.from <= e.at && e.at < w.before)
                .and_then(|i| Some((weeks.get(i)?, per_week.get_mut(i)?)));
            match e.kind.as_str() {
                "decided" => {
                    if let Some((w, sets)) = week {
                        sets[0].insert(id);
                        let late = Cut::of(&w.late_cuts, e.at)
                            .zip(e.submitted_at)
                            .is_some_and(|(c, s)| s < c.limit);
                        if late {
                            sets[1].insert(id);
                        }
                    }
                    if e.at >= since {
                        match e.detail("outcome").as_deref() {
                            Some("approved") => {
                                approved.insert(id);
                            }
                            Some("rejected") => {
                                let reason = e.detail("reason").unwrap_or_default();
                                reasons
                                    .entry(rejection_reason_name(&reason))
                                    .or_default()
                                    .insert(id);
                            }
                            Some("withdrawn") => {
                                withdrawn.insert(id);
                            }
                            _ => {}
                        }
                    }
                    if e.at >= month_ago {
                        let span = e
                            .submitted_at
                            .map(|s| calendar.business_time_between(s, e.at))
                            .unwrap_or_default();
                        let pace = paces.entry(e.actor.clone()).or_default();
                        pace.month.insert(id);
                        pace.month_spans.push(span);
                        if e.at >= week_ago {
                            pace.week.insert(id);
                            pace.week_spans.push(span);
                        }
                    }
                }
                // A partner's withdrawal through the feed is an outcome, not a decision.
                "withdrawn" if e.at >= since => {
                    withdrawn.insert(id);
                }
                "disputed" => {
                    if let Some((_, sets)) = week {
                        sets[2].insert(id);
                    }
                }
                "dispute_resolved" => {
                    if let (Some((_, sets)), Some("overturned")) =
                        (week, e.detail("outcome").as_deref())
                    {
                        sets[3].insert(id);
                    }
                }
                _ => {}
            }
        }
        for (w, sets) in weeks.iter_mut().zip(&per_week) {
            let n = |i: usize| sets.get(i).map_or(0, |s| s.len() as u64);
            (w.decided, w.breached_at_decision, w.disputes, w.overturned) =
                (n(0), n(1), n(2), n(3));
        }
        let mut rejections: Vec<ReasonCount> = reasons
            .into_iter()
            .map(|(reason, claims)| ReasonCount {
                reason: reason.to_string(),
                count: claims.len() as u64,
            })
            .collect();
        rejections.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));

        // Information requests of the period and the partner's first reply after each; a
        // request made on day d is due at the end of the reply window counted from that day.
        let reply_cuts: Vec<Cut> = calendar
            .local_date(since)
            .iter_days()
            .map(|day| {
                let from = calendar.day_start(day);
                Cut {
                    from,
                    before: calendar.day_start(day.succ_opt().unwrap_or(day)),
                    limit: policy.reply_due_at(calendar, from),
                }
            })
            .take_while(|c| c.from < now && c.before > c.from)
            .collect();
        let requests = db
            .fetch_all(
                Sql::new(format!(
                    "SELECT r.at, r.claim_id, {FIRST_REPLY} AS replied_at
                     FROM events r
                     WHERE r.kind = 'info_requested' AND r.at >= $1 AND r.at < $2"
                ))
                .arg(since)
                .arg(now),
            )
            .await?;
        let (mut asked, mut in_time, mut late) = (Claims::new(), BTreeSet::new(), BTreeSet::new());
        let request_ids: Vec<String> = requests
            .iter()
            .map(|r| Ok(r.opt_text("claim_id")?.unwrap_or_default()))
            .collect::<Result<_, StoreError>>()?;
        for (r, id) in requests.iter().zip(&request_ids) {
            asked.insert(id.as_str());
            let due = Cut::of(&reply_cuts, r.time("at")?).map(|c| c.limit);
            if let (Some(replied), Some(due)) = (r.opt_time("replied_at")?, due) {
                if replied <= due {
                    in_time.insert(id.as_str());
                } else {
                    late.insert(id.as_str());
                }
            }
        }
        let outcomes = OutcomeFigures {
            from: Some(since),
            before: Some(now),
            approvals: approved.len() as u64,
            rejections,
            withdrawals: withdrawn.len() as u64,
            info_requests: asked.len() as u64,
            replied_in_time: in_time.len() as u64,
            replied_late: late.len() as u64,
            reply_cuts,
        };

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
        for (login, pace) in paces {
            let entry = reviewers
                .entry(login.clone())
                .or_insert_with(|| blank(&login));
            entry.last_7_days = ReviewerPace {
                decisions: pace.week.len() as u64,
                median_to_decision: median(pace.week_spans),
            };
            entry.last_30_days = ReviewerPace {
                decisions: pace.month.len() as u64,
                median_to_decision: median(pace.month_spans),
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
