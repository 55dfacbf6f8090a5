//! Counting a tab's claims between instants (the dashboard's SLA, aging and arrivals figures).
//!
//! Two ways, the same answers: [`scanned`] counts every claim of each segment from the tab's
//! submission index; [`by_day`] sums whole UTC days from the counters of migration 0017
//! (`claim_day_counts`: claims per queue state, contested flag and submission day, kept by
//! triggers on `claims`) and counts from the index only the part of a day at each bound, so a
//! read costs the number of days plus at most half a day of claims per bound, not the tab's
//! size. (SQLite's day is `submitted_at / 86400000000`, which truncates: the same as here for
//! every instant since 1970.)

use chrono::{DateTime, TimeDelta, Utc};

use super::db::{Exec, Sql};
use super::StoreError;

const DAY_MICROS: i64 = 86_400_000_000;

/// Whether to use the counters (the dashboard) or count every claim (the check of the counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counting {
    ByDay,
    Scanned,
}

/// A count read from the database (never negative; a negative sum reads as 0).
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

/// `SELECT i AS seg, COUNT(*) AS n` (negated if `minus`) of the claims matching `predicate`
/// with `column` in `[from, before)`.
fn push_scan(
    union: &mut Union,
    i: usize,
    predicate: &str,
    column: &str,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    minus: bool,
) {
    let sign = if minus { "-" } else { "" };
    let sql = union.next();
    sql.push(&format!(
        "SELECT {i} AS seg, {sign}COUNT(*) AS n FROM claims WHERE {predicate}"
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
        push_scan(&mut union, i, predicate, column, from, before, false);
    }
    sum_segments(db, union.sql, bounds.len() + 1).await
}

/// What [`by_day`] reads for one segment `[from, before)`: the counters of the days
/// `[first, last)` (either end open), plus or minus the claims of the `parts` counted from the
/// index (`true`: subtracted). A day the segment only partly covers is counted from the index
/// on the side of the bound it covers when that is at most half a day, else taken whole from
/// the counters less the rest of the day from the index: at most half a day of claims per bound.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    first: Option<i64>,
    last: Option<i64>,
    /// Whether the counters are read at all (not for a short segment within one day).
    counters: bool,
    parts: Vec<(DateTime<Utc>, DateTime<Utc>, bool)>,
}

fn plan(from: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>) -> Plan {
    let half_day = TimeDelta::hours(12);
    let mut p = Plan {
        first: from.map(first_day_from),
        last: before.map(day_of),
        counters: true,
        parts: Vec::new(),
    };
    if let (Some(f), Some(l), Some(a), Some(b)) = (p.first, p.last, from, before) {
        if f > l {
            // Within day `l`, neither end at its start.
            if b - a <= half_day {
                p.counters = false;
                p.parts.push((a, b, false));
            } else if let (Some(start), Some(end)) = (start_of(l), start_of(l + 1)) {
                p.first = Some(l);
                p.last = Some(l + 1);
                p.parts.push((start, a, true));
                p.parts.push((b, end, true));
            }
            return p;
        }
    }
    if let (Some(a), Some(f)) = (from, p.first) {
        if let (Some(start), Some(day_before)) = (start_of(f), start_of(f - 1)) {
            if a < start && start - a <= half_day {
                p.parts.push((a, start, false));
            } else if a < start {
                p.first = Some(f - 1);
                p.parts.push((day_before, a, true));
            }
        }
    }
    if let (Some(b), Some(l)) = (before, p.last) {
        if let (Some(start), Some(end)) = (start_of(l), start_of(l + 1)) {
            if start < b && b - start <= half_day {
                p.parts.push((start, b, false));
            } else if start < b {
                p.last = Some(l + 1);
                p.parts.push((b, end, true));
            }
        }
    }
    p
}

/// [`scanned`] of the claims' submissions, whole UTC days summed from `claim_day_counts`
/// (`predicate` names only its columns: `queue_state`, `open_contested`) and at most half a day
/// at each bound counted from the index (see [`Plan`]).
pub(crate) async fn by_day(
    db: &mut impl Exec,
    predicate: &str,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<u64>, StoreError> {
    let column = "submitted_at";
    let mut union = Union::default();
    for i in 0..=bounds.len() {
        let (from, before) = segment(bounds, i);
        let p = plan(from, before);
        if p.counters {
            let sql = union.next();
            sql.push(&format!(
                "SELECT {i} AS seg, CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n
                 FROM claim_day_counts WHERE {predicate}"
            ));
            if let Some(f) = p.first {
                sql.push(" AND day >= ").bind(f);
            }
            if let Some(l) = p.last {
                sql.push(" AND day < ").bind(l);
            }
        }
        for (a, b, minus) in p.parts {
            push_scan(&mut union, i, predicate, column, Some(a), Some(b), minus);
        }
    }
    sum_segments(db, union.sql, bounds.len() + 1).await
}

/// Runs a `seg, n` statement and adds its rows up per segment.
async fn sum_segments(db: &mut impl Exec, sql: Sql, len: usize) -> Result<Vec<u64>, StoreError> {
    let mut out = vec![0i64; len];
    for r in db.fetch_all(sql).await? {
        if let Some(slot) = usize::try_from(r.int("seg")?)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *slot += r.int("n")?;
        }
    }
    Ok(out.into_iter().map(count).collect())
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

    /// What a plan counts, over the claims submitted at `instants`.
    fn counted(p: &Plan, instants: &[DateTime<Utc>]) -> i64 {
        let in_days = |t: &&DateTime<Utc>| {
            p.first.is_none_or(|f| day_of(**t) >= f) && p.last.is_none_or(|l| day_of(**t) < l)
        };
        let days = if p.counters {
            instants.iter().filter(in_days).count() as i64
        } else {
            0
        };
        p.parts.iter().fold(days, |n, (a, b, minus)| {
            let part = instants.iter().filter(|t| *a <= **t && **t < *b).count() as i64;
            if *minus {
                n - part
            } else {
                n + part
            }
        })
    }

    #[test]
    fn a_plan_counts_exactly_the_segment_and_at_most_half_a_day_per_bound_from_the_index() {
        let base = at("2026-11-10T00:00:00Z");
        // A claim every 37 minutes and 11 seconds over six days, one at each midnight.
        let mut instants: Vec<DateTime<Utc>> = (0..240)
            .map(|k| base + TimeDelta::seconds(k * (37 * 60 + 11)))
            .collect();
        instants.extend((0..7).map(|d| base + TimeDelta::days(d)));
        // Bounds at midnights, just after, in the small hours, at noon, late in the day.
        let bounds: Vec<Option<DateTime<Utc>>> = std::iter::once(None)
            .chain((0..6).flat_map(|d| {
                [
                    0,
                    1,
                    3 * 3600,
                    12 * 3600,
                    12 * 3600 + 1,
                    23 * 3600 + 59 * 60,
                ]
                .map(|s| Some(base + TimeDelta::days(d) + TimeDelta::seconds(s)))
            }))
            .collect();
        for from in &bounds {
            for before in bounds.iter().skip(1).chain([&None]) {
                if let (Some(a), Some(b)) = (from, before) {
                    if a >= b {
                        continue;
                    }
                }
                let p = plan(*from, *before);
                let direct = instants
                    .iter()
                    .filter(|t| from.is_none_or(|a| a <= **t) && before.is_none_or(|b| **t < b))
                    .count() as i64;
                assert_eq!(
                    counted(&p, &instants),
                    direct,
                    "{from:?}..{before:?}: {p:?}"
                );
                for (a, b, _) in &p.parts {
                    assert!(
                        *b - *a <= TimeDelta::hours(12),
                        "{from:?}..{before:?}: {p:?}"
                    );
                }
            }
        }
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
