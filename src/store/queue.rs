//! The queue, a window at a time: keyset pagination on each sort's index, never the whole table,
//! and the tab counts. One statement builder for both databases; they differ only in how the
//! Contested tab's partial indexes are named in a predicate and in the filter's trigram index
//! (FTS5 on SQLite, pg_trgm on PostgreSQL).

use super::behind::push_behind;
use super::db::{Dialect, Exec, Pool, Sql};
use super::reads::{claim_row, facts, CLAIM_COLUMNS};
use super::rows::{like_pattern, sort_column};
use super::{
    Anchor, BarFilter, QueueQuery, QueueRow, QueueSort, QueueTab, SortValue, Store, StoreError,
    TabCounts,
};
use crate::domain::confidentiality::fold;

/// Rows of the tab a filtered SQLite window reads in queue order before it turns to the trigram
/// index: a filter that matches often fills the window from those.
const FILTER_PROBE_ROWS: i64 = 5000;

/// The Contested tab's predicate: each spelling matches its partial indexes' own predicate
/// exactly, so the planner can use them.
pub(crate) fn contested(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "open_contested = 1",
        Dialect::Postgres => "open_contested",
    }
}

/// The tab's predicate, appended to a `WHERE`.
fn push_tab(sql: &mut Sql, dialect: Dialect, query: &QueueQuery) {
    match query.tab {
        QueueTab::UnderReview => {
            sql.push(" AND queue_state = 'review'");
        }
        QueueTab::InfoRequested => {
            sql.push(" AND queue_state = 'info'");
        }
        QueueTab::Disputed => {
            sql.push(" AND queue_state = 'disputed'");
        }
        QueueTab::Contested => {
            sql.push(" AND ").push(contested(dialect));
        }
        QueueTab::Mine => {
            // Held by the reviewer, or assigned to them by a lead.
            sql.push(" AND (assigned_to = ")
                .bind(query.reviewer.clone())
                .push(" OR assignee = ")
                .bind(query.reviewer.clone())
                .push(") AND queue_state <> 'closed'");
        }
        QueueTab::All => {}
    }
}

/// Whether SQLite's trigram index serves the filter (three or more characters, no wildcards: it
/// cannot take an ESCAPE clause). Shorter filters match so much that walking the sort order until
/// the window is full is quicker.
fn uses_trigrams(filter: &str) -> bool {
    let filter = fold(filter.trim());
    !filter.contains(['%', '_', '\\']) && filter.chars().count() >= 3
}

/// The filter, appended to a `WHERE`.
fn push_filter(sql: &mut Sql, dialect: Dialect, filter: &str) {
    let filter = filter.trim();
    if filter.is_empty() {
        return;
    }
    match dialect {
        Dialect::Sqlite if uses_trigrams(filter) => {
            sql.push(" AND rowid IN (SELECT rowid FROM claims_fts WHERE search LIKE ")
                .bind(format!("%{}%", fold(filter)))
                .push(")");
        }
        Dialect::Sqlite => {
            sql.push(" AND search LIKE ")
                .bind(like_pattern(filter))
                .push(" ESCAPE '\\'");
        }
        // Backslash is PostgreSQL's default LIKE escape; an explicit ESCAPE clause could keep
        // the planner from the trigram index.
        Dialect::Postgres => {
            sql.push(" AND search LIKE ").bind(like_pattern(filter));
        }
    }
}

/// The statement of one queue window, and whether its rows come back in reverse.
///
/// With `probe` (SQLite), only the next `probe` rows of the tab in queue order are read and the
/// filter is checked on each, without collecting every match through the trigram index first.
fn queue_sql(
    dialect: Dialect,
    query: &QueueQuery,
    select: &str,
    probe: Option<i64>,
) -> (Sql, bool) {
    let (column, natural_desc) = sort_column(query.sort);
    let backward = matches!(query.anchor, Anchor::Last | Anchor::Before(_));
    let desc = (natural_desc != query.reverse) != backward;
    let mut sql = Sql::new(match probe {
        Some(_) => format!(
            "{select}SELECT {CLAIM_COLUMNS} FROM (SELECT {CLAIM_COLUMNS}, search, party_key, product_key FROM claims WHERE TRUE"
        ),
        None => format!("{select}SELECT {CLAIM_COLUMNS} FROM claims WHERE TRUE"),
    });
    push_tab(&mut sql, dialect, query);
    if let Some(behind) = &query.behind {
        push_behind(&mut sql, dialect, behind);
    }
    if probe.is_none() {
        push_filter(&mut sql, dialect, &query.filter);
    }
    let op = if desc { "<" } else { ">" };
    if let Anchor::After(key) | Anchor::Before(key) = &query.anchor {
        if column == "claim_id" {
            sql.push(&format!(" AND claim_id {op} "))
                .bind(key.claim_id.clone());
        } else {
            sql.push(&format!(" AND ({column}, claim_id) {op} ("));
            match &key.value {
                SortValue::Time(t) => sql.bind(*t),
                SortValue::Text(s) => sql.bind(s.clone()),
            };
            sql.push(", ").bind(key.claim_id.clone()).push(")");
        }
    }
    let dir = if desc { "DESC" } else { "ASC" };
    let order = if column == "claim_id" {
        format!(" ORDER BY claim_id {dir} LIMIT ")
    } else {
        format!(" ORDER BY {column} {dir}, claim_id {dir} LIMIT ")
    };
    if let Some(probe) = probe {
        sql.push(&order)
            .bind(probe)
            .push(") AS probe WHERE search LIKE ")
            .bind(like_pattern(&query.filter))
            .push(" ESCAPE '\\'")
            .push(&order);
    } else {
        sql.push(&order);
    }
    sql.bind(i64::from(query.limit));
    (sql, backward)
}

impl Store {
    fn pool_exec(&self) -> Pool {
        self.pool.clone()
    }

    /// One window of the queue (keyset pagination on the sort key; never the whole table).
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, StoreError> {
        let mut db = self.pool_exec();
        let dialect = db.dialect();
        let mut rows = Vec::new();
        let mut backward = false;
        if dialect == Dialect::Sqlite && uses_trigrams(&query.filter) {
            // Probe first: a filter that matches one row in fifty fills the window here.
            let (sql, back) = queue_sql(dialect, query, "", Some(FILTER_PROBE_ROWS));
            backward = back;
            rows = db.fetch_all(sql).await?;
        }
        if rows.len() < query.limit as usize {
            // A rarer filter (or PostgreSQL): the matches come from the trigram index.
            let (sql, back) = queue_sql(dialect, query, "", None);
            backward = back;
            rows = db.fetch_all(sql).await?;
        }
        let mut rows = rows.iter().map(claim_row).collect::<Result<Vec<_>, _>>()?;
        if backward {
            rows.reverse();
        }
        let facts = facts(&mut db, &rows).await?;
        rows.iter().map(|r| r.to_queue_row(&facts)).collect()
    }

    /// The database's plan for one queue window (`EXPLAIN QUERY PLAN` / `EXPLAIN`), so tests and
    /// benchmarks can check that every window is read through an index.
    pub async fn explain_queue_page(&self, query: &QueueQuery) -> Result<Vec<String>, StoreError> {
        let mut db = self.pool_exec();
        let dialect = db.dialect();
        let (prefix, column) = match dialect {
            Dialect::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
            Dialect::Postgres => ("EXPLAIN ", 0),
        };
        let (sql, _) = queue_sql(dialect, query, prefix, None);
        db.fetch_all(sql)
            .await?
            .iter()
            .map(|r| r.text(column))
            .collect()
    }

    /// How many claims each queue tab holds under the current filter.
    pub async fn tab_counts(&self, reviewer: &str, filter: &str) -> Result<TabCounts, StoreError> {
        self.tab_counts_within(reviewer, filter, None).await
    }

    /// How many claims each queue tab holds under the filter, of the claims behind a dashboard
    /// bar when given.
    pub async fn tab_counts_within(
        &self,
        reviewer: &str,
        filter: &str,
        behind: Option<&BarFilter>,
    ) -> Result<TabCounts, StoreError> {
        let mut db = self.pool_exec();
        let dialect = db.dialect();
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        if !filter.trim().is_empty() || behind.is_some() {
            // Under a filter every tab counts the same matching rows: find them once.
            let mut sql = Sql::new(
                "SELECT COUNT(*) FILTER (WHERE queue_state = 'review'),
                        COUNT(*) FILTER (WHERE open_contested),
                        COUNT(*) FILTER (WHERE queue_state = 'info'),
                        COUNT(*) FILTER (WHERE queue_state = 'disputed'),
                        COUNT(*) FILTER (WHERE (assigned_to = ",
            );
            sql.bind(reviewer)
                .push(" OR assignee = ")
                .bind(reviewer)
                .push(") AND queue_state <> 'closed'), COUNT(*) FROM claims WHERE TRUE");
            push_filter(&mut sql, dialect, filter);
            if let Some(behind) = behind {
                push_behind(&mut sql, dialect, behind);
            }
            let row = db.fetch_one(sql).await?;
            return Ok(TabCounts {
                under_review: n(row.int(0)?),
                contested: n(row.int(1)?),
                info_requested: n(row.int(2)?),
                disputed: n(row.int(3)?),
                mine: n(row.int(4)?),
                all: n(row.int(5)?),
            });
        }
        let mut counts = TabCounts::default();
        // One pass over the state index gives four tabs (All is their sum).
        let states = Sql::new("SELECT queue_state, COUNT(*) FROM claims GROUP BY queue_state");
        for r in db.fetch_all(states).await? {
            let count = n(r.int(1)?);
            match r.text(0)?.as_str() {
                "review" => counts.under_review = count,
                "info" => counts.info_requested = count,
                "disputed" => counts.disputed = count,
                _ => {}
            }
            counts.all += count;
        }
        for tab in [QueueTab::Contested, QueueTab::Mine] {
            let mut sql = Sql::new("SELECT COUNT(*) FROM claims WHERE TRUE");
            let query = QueueQuery {
                tab,
                sort: QueueSort::Urgency,
                reverse: false,
                filter: String::new(),
                reviewer: reviewer.to_string(),
                anchor: Anchor::First,
                limit: 0,
                behind: None,
            };
            push_tab(&mut sql, dialect, &query);
            let count = n(db.fetch_one(sql).await?.int(0)?);
            match tab {
                QueueTab::Contested => counts.contested = count,
                _ => counts.mine = count,
            }
        }
        Ok(counts)
    }
}
