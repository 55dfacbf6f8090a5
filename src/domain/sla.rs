//! The SLA: every claim is reviewed within N business days of its submission (default 5).
//!
//! `sla_due_at` is the end of the Nth business day strictly after the submission's local date.
//! The countdown shows business time left, then wall time overdue.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::BusinessCalendar;
use super::Status;

/// How long reviewers have, and when to warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub business_days: u32,
    pub warn_below_business_days: u32,
    /// Stop the clock while the claim waits on the partner (`info_requested`).
    pub pause_while_info_requested: bool,
    /// Business days a partner has to answer an information request (`reply_due_at`), and a
    /// disputed decision to be decided again.
    #[serde(default = "default_reply_days")]
    pub partner_reply_business_days: u32,
}

fn default_reply_days() -> u32 {
    5
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            business_days: 5,
            warn_below_business_days: 1,
            pause_while_info_requested: false,
            partner_reply_business_days: default_reply_days(),
        }
    }
}

/// Where a claim stands against its deadline; shown with a symbol as well as a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaState {
    /// More than the warning margin left.
    Ok,
    /// Less than the warning margin left.
    Warning,
    /// Past the deadline.
    Breached,
}

/// A claim's clock at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub state: SlaState,
    pub due_at: DateTime<Utc>,
    /// Business time left (if not breached) or wall time overdue (if breached).
    pub amount: TimeDelta,
}

impl Countdown {
    /// `3d 4h` left, `-1d 2h` overdue, `45m` under an hour. Days are 24 hours of business time.
    pub fn label(&self) -> String {
        let text = short_duration(self.amount);
        match self.state {
            SlaState::Breached => format!("-{text}"),
            _ => text,
        }
    }

    /// A symbol that carries the state without colour.
    pub fn symbol(&self) -> &'static str {
        match self.state {
            SlaState::Ok => " ",
            SlaState::Warning => "!",
            SlaState::Breached => "✖",
        }
    }
}

/// What a claim's clocks are computed from besides its submission: its waits on the partner
/// and its dispute, as the store keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClockMarks {
    /// Each wait on the partner (`info_requested`), oldest first: when it began and, once the
    /// partner answered or the claim moved on, when it ended.
    pub waits: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// The partner's latest dispute of a decision.
    pub dispute: Option<DisputeNote>,
}

/// A partner's dispute as screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeNote {
    pub dispute_id: String,
    pub at: DateTime<Utc>,
    pub body: String,
}

impl ClockMarks {
    /// Since when the claim has been waiting on its partner, if it is.
    pub fn waiting_since(&self) -> Option<DateTime<Utc>> {
        self.waits
            .iter()
            .rev()
            .find(|(_, end)| end.is_none())
            .map(|(start, _)| *start)
    }
}

/// A claim's clocks at one instant: the one rule every screen, `queue` and `export` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    /// The review deadline (`sla_due_at`) and its countdown; stopped while the claim waits on
    /// the partner when the policy pauses.
    pub review: Countdown,
    /// While the claim waits on the partner: the partner's answer deadline (`reply_due_at`).
    pub reply: Option<Countdown>,
    /// While the claim is disputed: the dispute's own deadline.
    pub dispute: Option<Countdown>,
}

impl Clocks {
    /// The partner's answer is overdue ("no reply"): the claim may be rejected for it.
    pub fn no_reply(&self) -> bool {
        self.reply.is_some_and(|c| c.state == SlaState::Breached)
    }
}

/// A compact duration: `3d 4h`, `5h 12m`, `45m`.
pub fn short_duration(d: TimeDelta) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins}m")
    } else {
        format!("{mins}m")
    }
}

impl SlaPolicy {
    /// The deadline of a claim submitted at `submitted_at`, extended by `paused` business time
    /// when the policy pauses the clock while waiting on the partner.
    pub fn due_at(
        &self,
        calendar: &BusinessCalendar,
        submitted_at: DateTime<Utc>,
        paused: TimeDelta,
    ) -> DateTime<Utc> {
        let due = calendar.end_of_nth_business_day_after(submitted_at, self.business_days);
        if self.pause_while_info_requested && paused > TimeDelta::zero() {
            extend_by_business_time(calendar, due, paused)
        } else {
            due
        }
    }

    /// When the partner must answer an information request made at `requested_at`: the end of
    /// the `partner_reply_business_days`th business day after it.
    pub fn reply_due_at(
        &self,
        calendar: &BusinessCalendar,
        requested_at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        calendar.end_of_nth_business_day_after(requested_at, self.partner_reply_business_days)
    }

    /// A dispute's own clock: the same business days, from the dispute.
    pub fn dispute_due_at(
        &self,
        calendar: &BusinessCalendar,
        disputed_at: DateTime<Utc>,
    ) -> DateTime<Utc> {
        calendar.end_of_nth_business_day_after(disputed_at, self.partner_reply_business_days)
    }

    /// A disputed claim's own clock as a policy: its deadline is [`SlaPolicy::dispute_due_at`]
    /// counted from the dispute, so the dashboard's bounds below hold for dispute instants.
    pub fn dispute_clock(&self) -> SlaPolicy {
        SlaPolicy {
            business_days: self.partner_reply_business_days,
            pause_while_info_requested: false,
            ..*self
        }
    }

    /// The business time the claim's finished waits on the partner took (the current wait is
    /// counted once it ends, so `sla_due_at` is the same whenever it is read).
    pub fn paused(&self, calendar: &BusinessCalendar, marks: &ClockMarks) -> TimeDelta {
        marks
            .waits
            .iter()
            .filter_map(|(start, end)| end.map(|end| (*start, end)))
            .filter(|(start, end)| end > start)
            .map(|(start, end)| calendar.business_time_between(start, end))
            .fold(TimeDelta::zero(), |a, b| a + b)
    }

    /// `sla_due_at`: the review deadline, later by the finished waits when the policy pauses.
    pub fn sla_due_at(
        &self,
        calendar: &BusinessCalendar,
        submitted_at: DateTime<Utc>,
        marks: &ClockMarks,
    ) -> DateTime<Utc> {
        self.due_at(calendar, submitted_at, self.paused(calendar, marks))
    }

    /// `reply_due_at`: while the claim waits on the partner, when the answer is due.
    pub fn reply_due(
        &self,
        calendar: &BusinessCalendar,
        status: Status,
        marks: &ClockMarks,
    ) -> Option<DateTime<Utc>> {
        if status != Status::InfoRequested {
            return None;
        }
        marks
            .waiting_since()
            .map(|since| self.reply_due_at(calendar, since))
    }

    /// Every clock of a claim at `now`. While it waits on the partner under the pausing
    /// policy, the review countdown stands where it was when the wait began.
    pub fn clocks(
        &self,
        calendar: &BusinessCalendar,
        submitted_at: DateTime<Utc>,
        status: Status,
        marks: &ClockMarks,
        now: DateTime<Utc>,
    ) -> Clocks {
        let due = self.sla_due_at(calendar, submitted_at, marks);
        let waiting = marks
            .waiting_since()
            .filter(|_| status == Status::InfoRequested);
        let seen_at = match waiting {
            Some(since) if self.pause_while_info_requested => since.min(now),
            _ => now,
        };
        Clocks {
            review: self.countdown(calendar, due, seen_at),
            reply: self
                .reply_due(calendar, status, marks)
                .map(|due| self.countdown(calendar, due, now)),
            dispute: marks
                .dispute
                .as_ref()
                .filter(|_| status == Status::Disputed)
                .map(|d| self.countdown(calendar, self.dispute_due_at(calendar, d.at), now)),
        }
    }

    /// The countdown for a deadline seen at `now`.
    pub fn countdown(
        &self,
        calendar: &BusinessCalendar,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Countdown {
        if now >= due_at {
            return Countdown {
                state: SlaState::Breached,
                due_at,
                amount: now - due_at,
            };
        }
        let left = calendar.business_time_between(now, due_at);
        let warn = TimeDelta::days(i64::from(self.warn_below_business_days));
        Countdown {
            state: if left < warn {
                SlaState::Warning
            } else {
                SlaState::Ok
            },
            due_at,
            amount: left,
        }
    }
}

/// Figures over many claims at once (the dashboard) rest on the deadline being monotonic in the
/// submission time (with no paused time, as the queue shows it): "breached", "in warning" or
/// "due by tomorrow" is then "submitted before some instant", and a tab's claims in each state
/// are one range of its submission index.
impl SlaPolicy {
    /// Claims submitted before this instant have a deadline for which `due` holds; those
    /// submitted at or after it do not (`due` must hold for earlier deadlines if for later ones).
    fn submitted_before_where(
        &self,
        calendar: &BusinessCalendar,
        near: DateTime<Utc>,
        due: impl Fn(DateTime<Utc>) -> bool,
    ) -> DateTime<Utc> {
        let deadline = |day: chrono::NaiveDate| {
            calendar.end_of_nth_business_day_after(calendar.day_start(day), self.business_days)
        };
        let mut day = calendar.local_date(near);
        // Find the last local submission day whose deadline satisfies `due` (a few weeks away
        // at most: the deadline moves with every business day).
        if due(deadline(day)) {
            for _ in 0..3700 {
                let Some(next) = day.succ_opt() else { break };
                if !due(deadline(next)) {
                    break;
                }
                day = next;
            }
        } else {
            for _ in 0..3700 {
                let Some(prev) = day.pred_opt() else { break };
                day = prev;
                if due(deadline(day)) {
                    break;
                }
            }
        }
        calendar.day_start(day.succ_opt().unwrap_or(day))
    }

    /// Claims submitted before this instant are breached at `now`.
    pub fn breached_before(
        &self,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        self.submitted_before_where(calendar, now, |due| due <= now)
    }

    /// Claims submitted before this instant are in warning or breached at `now`.
    pub fn warning_before(&self, calendar: &BusinessCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
        self.submitted_before_where(calendar, now, |due| {
            self.countdown(calendar, due, now).state != SlaState::Ok
        })
    }

    /// Claims submitted before this instant are due by the end of the business day after
    /// `now`'s day (or are already breached).
    pub fn due_next_business_day_before(
        &self,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let by = calendar.end_of_nth_business_day_after(now, 1);
        self.submitted_before_where(calendar, now, |due| due <= by)
    }
}

/// A claim's age at `now` in whole business days since its submission.
pub fn business_days_old(
    calendar: &BusinessCalendar,
    submitted_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> i64 {
    calendar.business_time_between(submitted_at, now).num_days()
}

/// Claims submitted before this instant are at least `days` whole business days old at `now`.
pub fn aged_at_least_before(
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
    days: u32,
) -> DateTime<Utc> {
    // At least `days` old means submitted at or before the latest instant with that much
    // business time after it: one microsecond more makes the bound exclusive.
    calendar.business_time_back(now, TimeDelta::days(i64::from(days))) + TimeDelta::microseconds(1)
}

/// The instant at which `extra` more business time has passed after `from`.
fn extend_by_business_time(
    calendar: &BusinessCalendar,
    from: DateTime<Utc>,
    extra: TimeDelta,
) -> DateTime<Utc> {
    let mut remaining = extra;
    let mut day = calendar.local_date(from);
    loop {
        let start = calendar.day_start(day).max(from);
        let next = day.succ_opt().unwrap_or(day);
        let end = calendar.day_start(next);
        if calendar.is_business_day(day) && end > start {
            let span = end - start;
            if span >= remaining {
                return start + remaining;
            }
            remaining -= span;
        }
        if next == day {
            return end;
        }
        day = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn countdown_states_and_labels() {
        let cal = BusinessCalendar::default();
        let policy = SlaPolicy::default();
        let due = policy.due_at(&cal, utc("2026-11-02T09:00:00Z"), TimeDelta::zero());
        assert_eq!(due, utc("2026-11-10T00:00:00Z"));

        let c = policy.countdown(&cal, due, utc("2026-11-05T20:00:00Z"));
        // Thu 4h + Fri + Mon = 2d 4h of business time.
        assert_eq!((c.state, c.label()), (SlaState::Ok, "2d 4h".to_string()));

        let c = policy.countdown(&cal, due, utc("2026-11-09T14:30:00Z"));
        assert_eq!(
            (c.state, c.label()),
            (SlaState::Warning, "9h 30m".to_string())
        );

        let c = policy.countdown(&cal, due, utc("2026-11-11T02:00:00Z"));
        assert_eq!(
            (c.state, c.label(), c.symbol()),
            (SlaState::Breached, "-1d 2h".to_string(), "✖")
        );
    }

    #[test]
    fn dashboard_bounds_split_submissions_by_state_and_age() {
        let cal = BusinessCalendar::default();
        let policy = SlaPolicy::default();
        // Wednesday 2 December 2026, 15:00.
        let now = utc("2026-12-02T15:00:00Z");
        // Submitted Tue 24 Nov: due the end of Tue 1 Dec, breached. Wed 25 Nov: due the end of
        // Wed 2 Dec, 9h left: warning. Thu 26 Nov: due the end of Thu 3 Dec: on time, but due by
        // the end of the next business day.
        assert_eq!(
            policy.breached_before(&cal, now),
            utc("2026-11-25T00:00:00Z")
        );
        assert_eq!(
            policy.warning_before(&cal, now),
            utc("2026-11-26T00:00:00Z")
        );
        assert_eq!(
            policy.due_next_business_day_before(&cal, now),
            utc("2026-11-27T00:00:00Z")
        );
        for (submitted, state) in [
            ("2026-11-24T23:59:59Z", SlaState::Breached),
            ("2026-11-25T00:00:00Z", SlaState::Warning),
            ("2026-11-26T00:00:00Z", SlaState::Ok),
        ] {
            let due = policy.due_at(&cal, utc(submitted), TimeDelta::zero());
            assert_eq!(policy.countdown(&cal, due, now).state, state, "{submitted}");
        }
        // Ages: 1 business day back from Wed 15:00 is Tue 15:00; 3 back is Fri 27 Nov 15:00.
        assert_eq!(
            aged_at_least_before(&cal, now, 1),
            utc("2026-12-01T15:00:00.000001Z")
        );
        assert_eq!(
            aged_at_least_before(&cal, now, 3),
            utc("2026-11-27T15:00:00.000001Z")
        );
        assert_eq!(business_days_old(&cal, utc("2026-11-27T15:00:00Z"), now), 3);
        assert_eq!(business_days_old(&cal, utc("2026-11-27T15:00:01Z"), now), 2);
        assert_eq!(
            aged_at_least_before(&cal, now, 0),
            now + TimeDelta::microseconds(1)
        );
    }

    #[test]
    fn pausing_extends_the_deadline_by_business_time_only_when_the_policy_says_so() {
        let cal = BusinessCalendar::default();
        let mut policy = SlaPolicy::default();
        let at = utc("2026-11-02T09:00:00Z");
        assert_eq!(
            policy.due_at(&cal, at, TimeDelta::hours(30)),
            utc("2026-11-10T00:00:00Z")
        );
        policy.pause_while_info_requested = true;
        // Tue 10th 00:00 + 30h of business time = Wed 11th 06:00.
        assert_eq!(
            policy.due_at(&cal, at, TimeDelta::hours(30)),
            utc("2026-11-11T06:00:00Z")
        );
        // Due Fri 00:00 + 36h skips the weekend: Fri 24h + Mon 12h.
        let due = policy.due_at(&cal, utc("2026-10-29T10:00:00Z"), TimeDelta::hours(36));
        assert_eq!(due, utc("2026-11-09T12:00:00Z"));
    }

    #[test]
    fn a_wait_on_the_partner_moves_the_deadline_by_its_business_time_once_it_ends() {
        let cal = BusinessCalendar::default();
        let policy = SlaPolicy {
            pause_while_info_requested: true,
            ..SlaPolicy::default()
        };
        let submitted = utc("2026-11-02T09:00:00Z");
        // Asked Wed 12:00, answered Mon 12:00: Wed 12h + Thu + Fri + Mon 12h = 3 business days.
        let mut marks = ClockMarks {
            waits: vec![(utc("2026-11-04T12:00:00Z"), None)],
            dispute: None,
        };
        let waiting = policy.clocks(
            &cal,
            submitted,
            Status::InfoRequested,
            &marks,
            utc("2026-11-09T12:00:00Z"),
        );
        // While waiting: the deadline is the plain one, its countdown stands at Wed 12:00.
        assert_eq!(waiting.review.due_at, utc("2026-11-10T00:00:00Z"));
        assert_eq!(waiting.review.label(), "3d 12h");
        // The partner has until the end of the 5th business day after the request.
        let reply = waiting.reply.unwrap();
        assert_eq!(reply.due_at, utc("2026-11-12T00:00:00Z"));
        assert!(!waiting.no_reply());
        let late = policy.clocks(
            &cal,
            submitted,
            Status::InfoRequested,
            &marks,
            utc("2026-11-12T01:00:00Z"),
        );
        assert!(late.no_reply());

        marks.waits[0].1 = Some(utc("2026-11-09T12:00:00Z"));
        assert_eq!(policy.paused(&cal, &marks), TimeDelta::days(3));
        assert_eq!(
            policy.sla_due_at(&cal, submitted, &marks),
            utc("2026-11-13T00:00:00Z")
        );
        let back = policy.clocks(
            &cal,
            submitted,
            Status::UnderReview,
            &marks,
            utc("2026-11-09T12:00:00Z"),
        );
        assert_eq!(
            (back.review.label(), back.reply),
            ("3d 12h".to_string(), None)
        );
        // Without the pausing policy the wait counts like any other time.
        let plain = SlaPolicy::default();
        assert_eq!(
            plain.sla_due_at(&cal, submitted, &marks),
            utc("2026-11-10T00:00:00Z")
        );
    }

    #[test]
    fn a_dispute_has_its_own_clock_from_the_dispute() {
        let cal = BusinessCalendar::default();
        let policy = SlaPolicy::default();
        let marks = ClockMarks {
            waits: Vec::new(),
            dispute: Some(DisputeNote {
                dispute_id: "D-1".into(),
                at: utc("2026-11-20T15:00:00Z"),
                body: "we did the work".into(),
            }),
        };
        let at = utc("2026-11-23T00:00:00Z");
        let disputed = policy.clocks(
            &cal,
            utc("2026-11-02T09:00:00Z"),
            Status::Disputed,
            &marks,
            at,
        );
        assert_eq!(
            disputed.dispute.unwrap().due_at,
            utc("2026-11-28T00:00:00Z")
        );
        let decided = policy.clocks(
            &cal,
            utc("2026-11-02T09:00:00Z"),
            Status::Approved,
            &marks,
            at,
        );
        assert_eq!(decided.dispute, None);
    }
}
