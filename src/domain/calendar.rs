//! The business calendar: which local days count as business days, in which time zone.
//!
//! A business day is a whole local day (midnight to midnight) whose weekday is in the weekmask and
//! which is not a holiday. Business time is wall time that falls inside business days.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use thiserror::Error;

/// Why a calendar from the config file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("unknown time zone {0:?} (use an IANA name such as \"Europe/Dublin\" or \"UTC\")")]
    TimeZone(String),
    #[error("unknown weekday {0:?} in the weekmask (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")]
    Weekday(String),
    #[error("the weekmask names no day, so no deadline could ever fall")]
    EmptyWeekmask,
    #[error("holiday {0:?} is not a date (use YYYY-MM-DD)")]
    Holiday(String),
}

/// Weekdays, holidays and a time zone: what "five business days" means for a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    tz: Tz,
    /// Indexed by `Weekday::num_days_from_monday`.
    weekmask: [bool; 7],
    holidays: BTreeSet<NaiveDate>,
}

impl Default for BusinessCalendar {
    /// UTC, Monday to Friday, no holidays.
    fn default() -> Self {
        BusinessCalendar {
            tz: Tz::UTC,
            weekmask: [true, true, true, true, true, false, false],
            holidays: BTreeSet::new(),
        }
    }
}

impl BusinessCalendar {
    /// Builds a calendar from the config file's words, refusing anything it cannot read.
    pub fn new<W: AsRef<str>, H: AsRef<str>>(
        timezone: &str,
        weekmask: &[W],
        holidays: &[H],
    ) -> Result<Self, CalendarError> {
        let tz: Tz = timezone
            .trim()
            .parse()
            .map_err(|_| CalendarError::TimeZone(timezone.to_string()))?;
        let mut mask = [false; 7];
        for day in weekmask {
            let day = day.as_ref();
            let weekday: Weekday = day
                .trim()
                .parse()
                .map_err(|_| CalendarError::Weekday(day.to_string()))?;
            mask[weekday.num_days_from_monday() as usize] = true;
        }
        if !mask.contains(&true) {
            return Err(CalendarError::EmptyWeekmask);
        }
        let holidays = holidays
            .iter()
            .map(|h| {
                NaiveDate::parse_from_str(h.as_ref().trim(), "%Y-%m-%d")
                    .map_err(|_| CalendarError::Holiday(h.as_ref().to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok(BusinessCalendar {
            tz,
            weekmask: mask,
            holidays,
        })
    }

    /// The calendar's time zone.
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// Whether `day` counts toward the SLA.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        self.weekmask[day.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains(&day)
    }

    /// The local date of an instant in the calendar's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The instant a local day starts (its midnight; the first valid time if DST skips midnight).
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut local = day.and_time(chrono::NaiveTime::MIN);
        // A DST gap is at most a few hours; step until the local time exists.
        for _ in 0..48 {
            if let Some(t) = self.tz.from_local_datetime(&local).earliest() {
                return t.with_timezone(&Utc);
            }
            local += TimeDelta::minutes(30);
        }
        Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
    }

    /// The end (next local midnight) of the `n`th business day strictly after the local date of
    /// `from`. With `n == 0`, the end of `from`'s own day.
    pub fn end_of_nth_business_day_after(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let mut day = self.local_date(from);
        let mut counted = 0;
        while counted < n {
            day = next_day(day);
            if self.is_business_day(day) {
                counted += 1;
            }
        }
        self.day_start(next_day(day))
    }

    /// Business time in `[from, to)`; zero if `to` is not after `from`.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        if to <= from {
            return total;
        }
        let mut day = self.local_date(from);
        loop {
            let start = self.day_start(day);
            if start >= to {
                break;
            }
            let end = self.day_start(next_day(day));
            if self.is_business_day(day) {
                total += end.min(to) - start.max(from);
            }
            day = next_day(day);
        }
        total
    }

    /// The latest instant `t` with at least `amount` of business time in `[t, now)`: whatever
    /// started at or before it is at least `amount` of business time old at `now`.
    pub fn business_time_back(&self, now: DateTime<Utc>, amount: TimeDelta) -> DateTime<Utc> {
        if amount <= TimeDelta::zero() {
            return now;
        }
        let mut remaining = amount;
        let mut day = self.local_date(now);
        // A calendar has at least one business day a week: ten years back is far enough.
        for _ in 0..3700 {
            let start = self.day_start(day);
            let end = self.day_start(next_day(day)).min(now);
            if self.is_business_day(day) && end > start {
                let span = end - start;
                if span >= remaining {
                    return end - remaining;
                }
                remaining -= span;
            }
            day = day.pred_opt().unwrap_or(NaiveDate::MIN);
        }
        self.day_start(day)
    }

    /// The Monday of `day`'s week.
    pub fn week_monday(&self, day: NaiveDate) -> NaiveDate {
        let back = u64::from(day.weekday().num_days_from_monday());
        day.checked_sub_days(Days::new(back)).unwrap_or(day)
    }
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn cal(tz: &str, holidays: &[&str]) -> BusinessCalendar {
        BusinessCalendar::new(tz, &["Mon", "Tue", "Wed", "Thu", "Fri"], holidays).unwrap()
    }

    #[test]
    fn five_business_days_after_a_monday_end_the_next_monday_at_midnight() {
        let c = cal("UTC", &[]);
        // Mon 2026-11-02 → Tue..Fri (4) + Mon 9th (5th) → due Tue 10th 00:00.
        assert_eq!(
            c.end_of_nth_business_day_after(utc("2026-11-02T09:30:00Z"), 5),
            utc("2026-11-10T00:00:00Z")
        );
        // Submitted on a Saturday: Mon..Fri of the next week.
        assert_eq!(
            c.end_of_nth_business_day_after(utc("2026-11-07T12:00:00Z"), 5),
            utc("2026-11-14T00:00:00Z")
        );
    }

    #[test]
    fn holidays_are_skipped_and_the_zone_decides_the_local_date() {
        let c = cal("UTC", &["2026-12-25", "2027-01-01"]);
        // Tue 22 Dec: Wed 23, Thu 24, (Fri 25 holiday), Mon 28, Tue 29, Wed 30 → due Thu 31 00:00.
        assert_eq!(
            c.end_of_nth_business_day_after(utc("2026-12-22T10:00:00Z"), 5),
            utc("2026-12-31T00:00:00Z")
        );
        // 23:30 UTC on a Friday is already Saturday in Auckland.
        let nz = cal("Pacific/Auckland", &[]);
        assert_eq!(
            nz.local_date(utc("2026-11-06T23:30:00Z")).weekday(),
            Weekday::Sat
        );
    }

    #[test]
    fn bad_calendar_words_are_refused() {
        let days = ["Mon"];
        assert_eq!(
            BusinessCalendar::new::<_, &str>("Mars/Olympus", &days, &[]),
            Err(CalendarError::TimeZone("Mars/Olympus".into()))
        );
        assert_eq!(
            BusinessCalendar::new::<_, &str>("UTC", &["Funday"], &[]),
            Err(CalendarError::Weekday("Funday".into()))
        );
        assert_eq!(
            BusinessCalendar::new::<&str, &str>("UTC", &[], &[]),
            Err(CalendarError::EmptyWeekmask)
        );
        assert_eq!(
            BusinessCalendar::new("UTC", &days, &["25/12/2026"]),
            Err(CalendarError::Holiday("25/12/2026".into()))
        );
    }

    #[test]
    fn business_time_skips_weekends() {
        let c = cal("UTC", &[]);
        // Fri 12:00 → Mon 12:00 is 12h of Friday and 12h of Monday.
        assert_eq!(
            c.business_time_between(utc("2026-11-06T12:00:00Z"), utc("2026-11-09T12:00:00Z")),
            TimeDelta::hours(24)
        );
        assert_eq!(
            c.business_time_between(utc("2026-11-09T12:00:00Z"), utc("2026-11-06T12:00:00Z")),
            TimeDelta::zero()
        );
    }

    #[test]
    fn a_day_whose_midnight_dst_skips_starts_at_its_first_valid_time() {
        // Santiago skipped 2022-09-11 00:00 (clocks went to 01:00).
        let c = cal("America/Santiago", &[]);
        let start = c.day_start(NaiveDate::from_ymd_opt(2022, 9, 11).unwrap());
        assert_eq!(
            c.local_date(start),
            NaiveDate::from_ymd_opt(2022, 9, 11).unwrap()
        );
    }

    fn arb_calendar() -> impl Strategy<Value = BusinessCalendar> {
        let zones = prop::sample::select(vec![
            "UTC",
            "Europe/Dublin",
            "America/New_York",
            "Pacific/Auckland",
            "Asia/Kolkata",
            "America/Santiago",
        ]);
        let mask = prop::collection::vec(any::<bool>(), 7)
            .prop_filter("at least one business day", |m| m.contains(&true));
        let holidays = prop::collection::vec(0u32..1200, 0..40);
        (zones, mask, holidays).prop_map(|(tz, mask, holidays)| {
            let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let days: Vec<&str> = names
                .iter()
                .zip(&mask)
                .filter(|(_, on)| **on)
                .map(|(n, _)| *n)
                .collect();
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let holidays: Vec<String> = holidays
                .iter()
                .map(|d| (base + Days::new(u64::from(*d))).to_string())
                .collect();
            BusinessCalendar::new(tz, &days, &holidays).unwrap()
        })
    }

    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2025-01-01 .. about 2027-12-31
        (1_735_689_600i64..1_830_297_600).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
    }

    proptest! {
        #[test]
        fn due_is_the_end_of_a_business_day_after_the_submission(
            c in arb_calendar(), at in arb_instant(), n in 1u32..10
        ) {
            let due = c.end_of_nth_business_day_after(at, n);
            prop_assert!(due > at);
            // `due` is a local midnight, and the day it ends is a business day.
            let last_day = c.local_date(due - TimeDelta::seconds(1));
            prop_assert_eq!(c.day_start(c.local_date(due)), due);
            prop_assert!(c.is_business_day(last_day));
            prop_assert!(last_day > c.local_date(at));
        }

        #[test]
        fn exactly_n_business_days_lie_strictly_between_submission_day_and_due(
            c in arb_calendar(), at in arb_instant(), n in 1u32..10
        ) {
            let due = c.end_of_nth_business_day_after(at, n);
            let mut day = c.local_date(at).succ_opt().unwrap();
            let last = c.local_date(due - TimeDelta::seconds(1));
            let mut counted = 0;
            while day <= last {
                if c.is_business_day(day) { counted += 1; }
                day = day.succ_opt().unwrap();
            }
            prop_assert_eq!(counted, n);
        }

        #[test]
        fn due_is_monotonic_in_the_submission_time(
            c in arb_calendar(), a in arb_instant(), b in arb_instant(), n in 1u32..10
        ) {
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(c.end_of_nth_business_day_after(early, n) <= c.end_of_nth_business_day_after(late, n));
        }

        #[test]
        fn business_time_to_due_is_at_least_n_days(
            c in arb_calendar(), at in arb_instant(), n in 1u32..6
        ) {
            let due = c.end_of_nth_business_day_after(at, n);
            let left = c.business_time_between(at, due);
            // DST days may be 23 hours long.
            prop_assert!(left >= TimeDelta::hours(23 * i64::from(n)));
        }
    }
}
