//! The claims behind a dashboard bar as one predicate on `claims` (see [`BarFilter`]): the queue
//! lists them with it and counts its tabs with it, on both databases. Ranges of events are read
//! through the audit log's `events_kind_at` index (migration 0013), submissions through the
//! tabs' submission indexes, so a bar's list costs what the bar covers, not the store's size.

use super::db::{Dialect, Sql};
use crate::domain::reasons::REJECTIONS;
use crate::model::{BarFilter, Behind, Cut};

/// The instant of a disputed claim's own clock: its latest dispute.
pub(crate) const LATEST_DISPUTE: &str =
    "(SELECT MAX(d.at) FROM disputes d WHERE d.claim_id = claims.claim_id)";

/// A field of an event's `after` JSON, as text.
fn detail(dialect: Dialect, event: &str, key: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("json_extract({event}.after, '$.{key}')"),
        Dialect::Postgres => format!("({event}.after::jsonb ->> '{key}')"),
    }
}

fn push_between(sql: &mut Sql, column: &str, f: &BarFilter) {
    if let Some(from) = f.from {
        sql.push(&format!(" AND {column} >= ")).bind(from);
    }
    if let Some(before) = f.before {
        sql.push(&format!(" AND {column} < ")).bind(before);
    }
}

/// ` AND (` one of the cuts, its event at `at` and its limit compared with `limited` by `op` `)`.
fn push_cuts(sql: &mut Sql, at: &str, limited: &str, op: &str, cuts: &[Cut]) {
    sql.push(" AND (FALSE");
    for c in cuts {
        sql.push(&format!(" OR ({at} >= "))
            .bind(c.from)
            .push(&format!(" AND {at} < "))
            .bind(c.before)
            .push(&format!(" AND {limited} {op} "))
            .bind(c.limit)
            .push(")");
    }
    sql.push(")");
}

/// Whether a reason (an SQL expression) was written from the template at `index` of
/// [`REJECTIONS`]: the rule of `rejection_reason_name`, the first template that matches wins.
fn push_reason_is(sql: &mut Sql, reason: &str, index: usize) {
    let folded = format!("LOWER(TRIM({reason}))");
    let matches = |sql: &mut Sql, (name, text): (&str, &str)| {
        let mut prefix = String::new();
        for ch in text.to_lowercase().chars() {
            if matches!(ch, '%' | '_' | '\\') {
                prefix.push('\\');
            }
            prefix.push(ch);
        }
        prefix.push('%');
        sql.push(&format!("({folded} LIKE "))
            .bind(prefix)
            .push(&format!(" ESCAPE '\\' OR {folded} = "))
            .bind(name.to_lowercase())
            .push(")");
    };
    for earlier in REJECTIONS.iter().take(index) {
        sql.push(" AND NOT ");
        matches(sql, *earlier);
    }
    if let Some(template) = REJECTIONS.get(index) {
        sql.push(" AND ");
        matches(sql, *template);
    }
}

/// The bar's predicate, appended to a `WHERE` on `claims`.
pub(crate) fn push_behind(sql: &mut Sql, dialect: Dialect, f: &BarFilter) {
    match &f.which {
        Behind::Submitted => push_between(sql, "submitted_at", f),
        Behind::Disputed => {
            sql.push(" AND queue_state = 'disputed'");
            push_between(sql, LATEST_DISPUTE, f);
        }
        Behind::Decided {
            reviewer,
            outcome,
            reason,
            late,
        } => {
            sql.push(
                " AND claim_id IN (SELECT e.claim_id FROM events e JOIN claims s \
                 ON s.claim_id = e.claim_id WHERE e.kind = 'decided'",
            );
            push_between(sql, "e.at", f);
            if let Some(login) = reviewer {
                sql.push(" AND e.actor = ").bind(login.clone());
            }
            if let Some(outcome) = outcome {
                sql.push(&format!(" AND {} = ", detail(dialect, "e", "outcome")))
                    .bind(outcome.clone());
            }
            if let Some(name) = reason {
                let index = REJECTIONS
                    .iter()
                    .position(|(n, _)| n == name)
                    .unwrap_or(REJECTIONS.len());
                push_reason_is(sql, &detail(dialect, "e", "reason"), index);
            }
            if let Some(cuts) = late {
                push_cuts(sql, "e.at", "s.submitted_at", "<", cuts);
            }
            sql.push(")");
        }
        Behind::Withdrawn => {
            sql.push(&format!(
                " AND claim_id IN (SELECT e.claim_id FROM events e WHERE \
                 (e.kind = 'withdrawn' OR (e.kind = 'decided' AND {} = 'withdrawn'))",
                detail(dialect, "e", "outcome")
            ));
            push_between(sql, "e.at", f);
            sql.push(")");
        }
        Behind::DisputeReceived => {
            sql.push(" AND claim_id IN (SELECT e.claim_id FROM events e WHERE e.kind = 'disputed'");
            push_between(sql, "e.at", f);
            sql.push(")");
        }
        Behind::Overturned => {
            sql.push(&format!(
                " AND claim_id IN (SELECT e.claim_id FROM events e WHERE \
                 e.kind = 'dispute_resolved' AND {} = 'overturned'",
                detail(dialect, "e", "outcome")
            ));
            push_between(sql, "e.at", f);
            sql.push(")");
        }
        Behind::InfoRequested { replied } => {
            sql.push(
                " AND claim_id IN (SELECT r.claim_id FROM events r WHERE r.kind = 'info_requested'",
            );
            push_between(sql, "r.at", f);
            if let Some((in_time, cuts)) = replied {
                push_cuts(
                    sql,
                    "r.at",
                    FIRST_REPLY,
                    if *in_time { "<=" } else { ">" },
                    cuts,
                );
            }
            sql.push(")");
        }
        Behind::HeldBy(login) => {
            sql.push(" AND assigned_to = ")
                .bind(login.clone())
                .push(" AND queue_state <> 'closed'");
            if let Some(now) = f.from {
                sql.push(" AND held_until > ").bind(now);
            }
        }
    }
}

/// The partner's first reply after the information request `r` (NULL: none yet).
pub(crate) const FIRST_REPLY: &str = "(SELECT MIN(p.at) FROM events p \
     WHERE p.claim_id = r.claim_id AND p.id > r.id AND p.kind = 'replied')";
