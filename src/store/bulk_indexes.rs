//! Bulk loads without index upkeep: the indexes that serve only the queue's orders, the tabs and
//! the filter are dropped before a large `generate` and built again in one sort each at the end.
//! Inserting a million claims into fifteen B-trees (and a trigram GIN index on PostgreSQL) one
//! row at a time costs several times what sorting them afterwards does.
//!
//! Opening a store re-creates any of them that is missing, so a load that was interrupted (or
//! crashed) leaves a slower store until the next open, never a broken one. The definitions here
//! must match the migrations; a test compares the schema before and after a suspend/restore.

use sqlx::Executor;

use super::db::{Dialect, Exec, Pool, Sql};
use super::StoreError;

/// `(name, definition)` of the indexes a bulk load may drop, as the migrations define them
/// (PostgreSQL's spelling of the Contested tab's predicate; SQLite's is `open_contested = 1`).
/// `claims_group` stays: the contest refresh of every batch reads through it.
const INDEXES: &[(&str, &str)] = &[
    (
        "claims_state_submitted",
        "ON claims (queue_state, submitted_at, claim_id)",
    ),
    (
        "claims_state_party",
        "ON claims (queue_state, party_key, claim_id)",
    ),
    (
        "claims_state_product",
        "ON claims (queue_state, product_key, claim_id)",
    ),
    ("claims_state_id", "ON claims (queue_state, claim_id)"),
    ("claims_submitted", "ON claims (submitted_at, claim_id)"),
    ("claims_party", "ON claims (party_key, claim_id)"),
    ("claims_product", "ON claims (product_key, claim_id)"),
    (
        "claims_contested_submitted",
        "ON claims (submitted_at, claim_id) WHERE open_contested",
    ),
    (
        "claims_contested_party",
        "ON claims (party_key, claim_id) WHERE open_contested",
    ),
    (
        "claims_contested_product",
        "ON claims (product_key, claim_id) WHERE open_contested",
    ),
    (
        "claims_contested_id",
        "ON claims (claim_id) WHERE open_contested",
    ),
    (
        "claims_assigned",
        "ON claims (assigned_to, submitted_at, claim_id) WHERE assigned_to IS NOT NULL",
    ),
    (
        "claims_assignee",
        "ON claims (assignee, submitted_at, claim_id) WHERE assignee IS NOT NULL",
    ),
    (
        "claims_subscription",
        "ON claims (subscription_key) WHERE subscription_key IS NOT NULL",
    ),
];

/// The filter's trigram index on PostgreSQL (SQLite's FTS5 table is kept up by each import).
const TRIGRAM: (&str, &str) = (
    "claims_search_trgm",
    "ON claims USING gin (search public.gin_trgm_ops)",
);

/// The bulk-load indexes of one database, in its spelling.
fn indexes(dialect: Dialect) -> Vec<(&'static str, String)> {
    let mut list: Vec<(&'static str, String)> = INDEXES
        .iter()
        .map(|(name, definition)| match dialect {
            Dialect::Sqlite => (
                *name,
                definition.replace("WHERE open_contested", "WHERE open_contested = 1"),
            ),
            Dialect::Postgres => (*name, definition.to_string()),
        })
        .collect();
    if dialect == Dialect::Postgres {
        list.push((TRIGRAM.0, TRIGRAM.1.to_string()));
    }
    list
}

/// Whether this login may drop and build the indexes: on PostgreSQL only the tables' owner (the
/// administrator); a lead's own login loads without suspending them, and a reviewer's opens a
/// store whose indexes are missing as it is (slower until the administrator opens it).
async fn owns_indexes(pool: &Pool) -> Result<bool, StoreError> {
    match pool {
        Pool::Sqlite(_) => Ok(true),
        Pool::Postgres(_) => pool
            .clone()
            .fetch_one(Sql::new(
                "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class
                 WHERE oid = 'claims'::regclass",
            ))
            .await?
            .bool(0),
    }
}

/// Drops the bulk-load indexes, in one transaction (when this login owns them).
pub(super) async fn suspend(pool: &Pool) -> Result<(), StoreError> {
    if !owns_indexes(pool).await? {
        return Ok(());
    }
    let mut tx = pool.begin_write().await?;
    for (name, _) in indexes(tx.dialect()) {
        tx.execute(Sql::new(format!("DROP INDEX IF EXISTS {name}")))
            .await?;
    }
    tx.commit().await
}

/// Builds whichever bulk-load index is missing; one catalog read when none is.
pub(super) async fn ensure(pool: &Pool) -> Result<(), StoreError> {
    let mut db = pool.clone();
    let dialect = db.dialect();
    let catalog = match dialect {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'"
        }
        Dialect::Postgres => {
            "SELECT indexname::text FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename = 'claims'"
        }
    };
    let present = db
        .fetch_all(Sql::new(catalog))
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>, _>>()?;
    let missing: Vec<(&str, String)> = indexes(dialect)
        .into_iter()
        .filter(|(name, _)| !present.iter().any(|p| p == name))
        .collect();
    if missing.is_empty() || !owns_indexes(pool).await? {
        return Ok(());
    }
    match pool {
        Pool::Sqlite(p) => sqlite_build(p, &missing).await,
        Pool::Postgres(p) => postgres_build(p, missing).await,
    }
}

async fn sqlite_build(
    pool: &sqlx::SqlitePool,
    missing: &[(&str, String)],
) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await?;
    // A small page cache makes SQLite's sorter cut the keys into runs of a few megabytes, which
    // `threads` lets a second core sort while the first reads the table: at a million claims the
    // thirteen builds take 7 s instead of 14 s with a 256 MB cache sorting in one piece.
    conn.execute("PRAGMA cache_size = -4000").await?;
    conn.execute("PRAGMA threads = 2").await?;
    let mut built = Ok(());
    for (name, definition) in missing {
        let sql = format!("CREATE INDEX IF NOT EXISTS {name} {definition}");
        if let Err(e) = conn.execute(sql.as_str()).await {
            built = Err(e.into());
            break;
        }
    }
    conn.execute("PRAGMA threads = 0").await?;
    conn.execute("PRAGMA cache_size = -2000").await?;
    built
}

async fn postgres_build(
    pool: &sqlx::PgPool,
    missing: Vec<(&str, String)>,
) -> Result<(), StoreError> {
    // The trigram index takes longer than all the B-trees together: build it on a connection of
    // its own while another builds the rest (the server gives each its own core).
    let (gin, btrees): (Vec<_>, Vec<_>) = missing
        .into_iter()
        .partition(|(_, definition)| definition.contains("USING gin"));
    futures::future::try_join(postgres_create(pool, gin), postgres_create(pool, btrees)).await?;
    // After a bulk load the planner has no statistics: it guessed 5,000 rows and sorted a
    // filtered window (0.4 s instead of 20 ms) and scanned the tenants for a window's findings
    // (0.2 s). And until a VACUUM sets the visibility map, the dashboard's counts of index
    // ranges visit the table for every entry (2.9 s at a million claims instead of 0.6 s):
    // VACUUM (ANALYZE) does both in one pass, a few seconds at a million claims.
    sqlx::raw_sql(
        "VACUUM (ANALYZE) claims, events, poe, comments, tenants, tenant_domains, subscriptions, \
         mpns, associations",
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// After a large import on PostgreSQL: fresh planner statistics for the tables it filled (a
/// login that does not own them is skipped with a notice, not an error). Nothing on SQLite.
pub(crate) async fn refresh_statistics(pool: &Pool) -> Result<(), StoreError> {
    if let Pool::Postgres(pg) = pool {
        sqlx::raw_sql("ANALYZE claims, events, poe, comments")
            .execute(pg)
            .await?;
    }
    Ok(())
}

async fn postgres_create(
    pool: &sqlx::PgPool,
    indexes: Vec<(&str, String)>,
) -> Result<(), StoreError> {
    if indexes.is_empty() {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    // Each index is one sort; with room for it in memory it never spills to disk.
    conn.execute("SET maintenance_work_mem = '256MB'").await?;
    for (name, definition) in indexes {
        conn.execute(format!("CREATE INDEX IF NOT EXISTS {name} {definition}").as_str())
            .await?;
    }
    conn.execute("RESET maintenance_work_mem").await?;
    Ok(())
}
