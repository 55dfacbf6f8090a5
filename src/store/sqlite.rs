//! The SQLite backend's own parts (opening a file is `connect.rs`'s: WAL, `synchronous = NORMAL`,
//! a busy timeout, 16 KiB pages): the trigram index of a bulk import, and the contest refresh
//! tuned for SQLite's planner. Everything else is the shared SQL of `db.rs`'s callers. Times are stored as INTEGER
//! microseconds (UTC), GUIDs as lowercase TEXT.

use sqlx::{Sqlite, Transaction};

use super::plan::GroupKey;
use super::reads::{live, INCUMBENT_KEY};
use super::StoreError;

type Tx = Transaction<'static, Sqlite>;

/// Prepares a bulk import: a page cache that holds the GUID-keyed trees it touches all over (it
/// fills only as far as the import needs it), and the last rowid before it, so
/// [`index_new_claims`] finds the new claims.
pub(super) async fn before_bulk(tx: &mut Tx) -> Result<i64, StoreError> {
    sqlx::query("PRAGMA cache_size = -524288")
        .execute(&mut **tx)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM claims")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Adds the claims inserted after `watermark` to the filter's trigram index, in one statement
/// (no one else writes meanwhile: this is an IMMEDIATE transaction).
pub(super) async fn index_new_claims(tx: &mut Tx, watermark: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO claims_fts (rowid, search) SELECT rowid, search FROM claims WHERE rowid > ?",
    )
    .bind(watermark)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// SQLite's contest refresh (see `apply::refresh_contests`): the touched groups go into a
/// temporary table, then two updates pinned to the group index.
pub(super) async fn refresh_groups(
    tx: &mut Tx,
    groups: &[GroupKey],
    fresh_only: bool,
) -> Result<(), StoreError> {
    let pairs: Vec<(String, &str)> = groups
        .iter()
        .map(|g| (g.tenant_id.to_string(), g.product_key.as_str()))
        .collect();
    let json = serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS touched_groups
         (tenant_id TEXT NOT NULL, product_key TEXT NOT NULL, PRIMARY KEY (tenant_id, product_key))
         WITHOUT ROWID",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM touched_groups")
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO touched_groups (tenant_id, product_key)
         SELECT value ->> 0, value ->> 1 FROM json_each(?)",
    )
    .bind(json)
    .execute(&mut **tx)
    .await?;
    if fresh_only {
        // Claims are inserted as lone open parties; only groups with company need the update.
        sqlx::query(
            "DELETE FROM touched_groups
             WHERE (SELECT COUNT(*) FROM claims c INDEXED BY claims_group WHERE c.tenant_id = touched_groups.tenant_id
                      AND c.product_key = touched_groups.product_key) < 2
               AND NOT EXISTS (SELECT 1 FROM associations a
                      WHERE a.tenant_id = touched_groups.tenant_id
                        AND a.product_key = touched_groups.product_key)",
        )
        .execute(&mut **tx)
        .await?;
    }
    let touched =
        "WHERE (tenant_id, product_key) IN (SELECT tenant_id, product_key FROM touched_groups)";
    let same_group = "c.tenant_id = claims.tenant_id AND c.product_key = claims.product_key";
    let association = "a.tenant_id = claims.tenant_id AND a.product_key = claims.product_key";
    // The incumbent: another partner's association, shown on the open claims.
    sqlx::query(&format!(
        "UPDATE claims INDEXED BY claims_group SET incumbent_mpn_id = (
             SELECT a.mpn_id FROM associations a
             WHERE {association} AND claims.queue_state <> 'closed'
               AND a.mpn_id <> claims.mpn_id AND {INCUMBENT_KEY} <> claims.partner_key)
         {touched}"
    ))
    .execute(&mut **tx)
    .await?;
    // The parties: the partners of the claims still in the contest, and the incumbent once.
    sqlx::query(&format!(
        "UPDATE claims INDEXED BY claims_group SET parties = CASE WHEN {live_claims} THEN
             (SELECT COUNT(DISTINCT c.partner_key) FROM claims c INDEXED BY claims_group
              WHERE {same_group} AND {live_c})
             + (SELECT COUNT(*) FROM associations a WHERE {association} AND NOT EXISTS (
                  SELECT 1 FROM claims c INDEXED BY claims_group
                  WHERE {same_group} AND {live_c} AND c.partner_key = {INCUMBENT_KEY}))
             ELSE 0 END
         {touched}",
        live_claims = live("claims"),
        live_c = live("c"),
    ))
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE claims INDEXED BY claims_group
         SET open_contested = (queue_state <> 'closed' AND parties >= 2) {touched}"
    ))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit log's triggers as they must be (`chain::guard`): no update, no delete, and no
/// insert over an existing id (`INSERT OR REPLACE` deletes without firing the delete trigger).
const AUDIT_TRIGGERS: [(&str, &str); 3] = [
    (
        "events_no_update",
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events \
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
    (
        "events_no_delete",
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events \
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
    (
        "events_no_replace",
        "CREATE TRIGGER events_no_replace BEFORE INSERT ON events \
         WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id) \
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
];

/// Statement text compared without its layout.
fn normalized(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    words.join(" ").trim_end_matches(';').trim_end().to_string()
}

/// Restores any audit trigger that was dropped or altered (`DROP TRIGGER events_no_delete;
/// DELETE ...` then reopening gives the guard back). One catalog read when all are in place.
pub(super) async fn restore_audit_triggers(pool: &sqlx::SqlitePool) -> Result<(), StoreError> {
    let present: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'",
    )
    .fetch_all(pool)
    .await?;
    let wrong: Vec<&(&str, &str)> = AUDIT_TRIGGERS
        .iter()
        .filter(|(name, sql)| {
            !present
                .iter()
                .any(|(n, s)| n == name && normalized(s) == normalized(sql))
        })
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    for (name, sql) in wrong {
        sqlx::query(&format!("DROP TRIGGER IF EXISTS {name}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Writes the hashes of events older than the chain (`chain::seal`), with the update trigger
/// lifted for this transaction only.
pub(super) async fn seal_hashes(tx: &mut Tx, hashes: &[(i64, String)]) -> Result<(), StoreError> {
    sqlx::query("DROP TRIGGER events_no_update")
        .execute(&mut **tx)
        .await?;
    for chunk in hashes.chunks(20_000) {
        let json = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "UPDATE events SET hash = j.value ->> 1 FROM json_each(?) AS j
             WHERE events.id = j.value ->> 0",
        )
        .bind(json)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(AUDIT_TRIGGERS[0].1).execute(&mut **tx).await?;
    Ok(())
}
