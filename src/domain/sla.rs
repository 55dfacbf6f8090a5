//! The SLA: every claim is reviewed within N business days of its submission (default 5).
//!
//! `sla_due_at` is the end of the Nth business day strictly after the submission's local date.
//! The countdown shows business time left, then wall time overdue.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::BusinessCalendar;

/// How long reviewers have, and when to warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub business_days: u32,
    pub warn_below_business_days: u32,
    /// Stop the clock while the claim waits on the partner (`info_requested`).
    pub pause_while_info_requested: bool,
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy {
            business_days: 5,
            warn_below_business_days: 1,
            pause_while_info_requested: false,
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
}
