//! Counting a tab's claims between instants (the dashboard's SLA, aging and arrivals figures).
//!
//! Two ways, the same answers: [`scanned`] counts every claim of each segment from the tab's
//! submission index; [`by_day`] sums whole UTC days from the counters of migration 0017
//! (`claim_day_counts`: claims per queue state, contested flag and submission day, kept by
//! triggers on `claims`) and counts from the index only the part of a day at each bound, so a
//! read costs the number of days plus a day of claims per bound, not the tab's size.

use chrono::{DateTime, Utc};

use super::db::{Exec, Sql};
use super::StoreError;

const DAY_MICROS: i64 = 86_400_000_000;

/// Whether to use the counters (the dashboard) or count every claim (the check of the counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counting {
    ByDay,
    Scanned,
}

pub(crate) fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The UTC day (days since 1970-01-01) an instant falls on, as the migration computes it.
fn day_of(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros().div_euclid(DAY_MICROS)
}

/// The first instant of a UTC day.
fn start_of(day: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(day.checked_mul(DAY_MICROS)?)
}

/// The first whole day at or after `t`.
fn first_day_from(t: DateTime<Utc>) -> i64 {
    let day = day_of(t);
    if start_of(day) == Some(t) {
        day
    } else {
        day + 1
    }
}

/// Segment `i` of `bounds`: `[bounds[i-1], bounds[i])`, either end open.
fn segment(bounds: &[DateTime<Utc>], i: usize) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let from = i.checked_sub(1).and_then(|j| bounds.get(j)).copied();
    (from, bounds.get(i).copied())
}

/// A `UNION ALL` of `SELECT seg, n` parts, one statement.
#[derive(Default)]
struct Union {
    sql: Sql,
    parts: usize,
}

impl Union {
    /// The statement, ready for the next part.
    fn next(&mut self) -> &mut Sql {
        if self.parts > 0 {
            self.sql.push(" UNION ALL ");
        }
        self.parts += 1;
        &mut self.sql
    }
}

/// `SELECT i AS seg, COUNT(*) AS n` of the claims matching `predicate` with `column` in
/// `[from, before)`.
fn push_scan(
    union: &mut Union,
    i: usize,
    predicate: &str,
    column: &str,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) {
    let sql = union.next();
    sql.push(&format!(
        "SELECT {i} AS seg, COUNT(*) AS n FROM claims WHERE {predicate}"
    ));
    if let Some(from) = from {
        sql.push(&format!(" AND {column} >= ")).bind(from);
    }
    if let Some(before) = before {
        sql.push(&format!(" AND {column} < ")).bind(before);
    }
}

/// How many claims matching `predicate` fall in each segment that `bounds` (ascending) cut the
/// instants `column` (their submission, or a disputed claim's latest dispute) into: `len + 1`
/// counts, the first before `bounds[0]`, the last from the last bound on. Every claim is
/// counted from the index.
pub(crate) async fn scanned(
    db: &mut impl Exec,
    predicate: &str,
    column: &str,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<u64>, StoreError> {
    let mut union = Union::default();
    for i in 0..=bounds.len() {
        let (from, before) = segment(bounds, i);
        push_scan(&mut union, i, predicate, column, from, before);
    }
    sum_segments(db, union.sql, bounds.len() + 1).await
}

/// [`scanned`] of the claims' submissions, whole UTC days summed from `claim_day_counts`
/// (`predicate` names only its columns: `queue_state`, `open_contested`) and the rest of each
/// segment counted from the index.
pub(crate) async fn by_day(
    db: &mut impl Exec,
    predicate: &str,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<u64>, StoreError> {
    let column = "submitted_at";
    let mut union = Union::default();
    for i in 0..=bounds.len() {
        let (from, before) = segment(bounds, i);
        // Whole days [first, last) of the segment.
        let first = from.map(first_day_from);
        let last = before.map(day_of);
        if let (Some(f), Some(l)) = (first, last) {
            if f >= l {
                // Within one day (or its start and part of it): counted from the index.
                push_scan(&mut union, i, predicate, column, from, before);
                continue;
            }
        }
        let sql = union.next();
        sql.push(&format!(
            "SELECT {i} AS seg, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n
             FROM claim_day_counts WHERE {predicate}"
        ));
        if let Some(f) = first {
            sql.push(" AND day >= ").bind(f);
        }
        if let Some(l) = last {
            sql.push(" AND day < ").bind(l);
        }
        // The part of a day before the first whole one, and after the last.
        if let (Some(from), Some(start)) = (from, first.and_then(start_of)) {
            if from < start {
                push_scan(&mut union, i, predicate, column, Some(from), Some(start));
            }
        }
        if let (Some(before), Some(end)) = (before, last.and_then(start_of)) {
            if end < before {
                push_scan(&mut union, i, predicate, column, Some(end), Some(before));
            }
        }
    }
    sum_segments(db, union.sql, bounds.len() + 1).await
}

/// Runs a `seg, n` statement and adds its rows up per segment.
async fn sum_segments(db: &mut impl Exec, sql: Sql, len: usize) -> Result<Vec<u64>, StoreError> {
    let mut out = vec![0; len];
    for r in db.fetch_all(sql).await? {
        if let Some(slot) = usize::try_from(r.int("seg")?)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *slot += count(r.int("n")?);
        }
    }
    Ok(out)
}

/// Claims counted by [`scanned`] or [`by_day`] in `[from, before)` (either end open).
pub(crate) fn between(
    bounds: &[DateTime<Utc>],
    segments: &[u64],
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> u64 {
    segments
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let (seg_from, seg_before) = segment(bounds, *i);
            let after_from = match (from, seg_from) {
                (None, _) => true,
                (Some(f), Some(s)) => s >= f,
                (Some(_), None) => false,
            };
            let before_end = match (before, seg_before) {
                (None, _) => true,
                (Some(b), Some(s)) => s <= b,
                (Some(_), None) => false,
            };
            after_from && before_end
        })
        .map(|(_, n)| n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()).unwrap()
    }

    #[test]
    fn a_bound_at_midnight_starts_its_day_and_any_later_instant_the_next() {
        let midnight = at("2026-11-16T00:00:00Z");
        assert_eq!(first_day_from(midnight), day_of(midnight));
        assert_eq!(
            first_day_from(at("2026-11-16T00:00:00.000001Z")),
            day_of(midnight) + 1
        );
        assert_eq!(start_of(day_of(at("2026-11-16T13:05:00Z"))), Some(midnight));
    }
}
