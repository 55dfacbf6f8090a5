//! The SQLite backend's own parts (opening a file is `connect.rs`'s: WAL, `synchronous = NORMAL`,
//! a busy timeout, 16 KiB pages): the trigram index of a bulk import, and the contest refresh
//! tuned for SQLite's planner. Everything else is the shared SQL of `db.rs`'s callers. Times are stored as INTEGER
//! microseconds (UTC), GUIDs as lowercase TEXT.

use sqlx::{Sqlite, Transaction};

use super::plan::GroupKey;
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
    sqlx::query(
        "UPDATE claims INDEXED BY claims_group SET incumbent_mpn_id = (
             SELECT a.mpn_id FROM associations a
             WHERE a.tenant_id = claims.tenant_id AND a.product_key = claims.product_key
               AND a.mpn_id <> claims.mpn_id)
         WHERE (tenant_id, product_key) IN (SELECT tenant_id, product_key FROM touched_groups)",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE claims INDEXED BY claims_group SET
           parties = (SELECT COUNT(DISTINCT c.party_key) FROM claims c INDEXED BY claims_group
                      WHERE c.tenant_id = claims.tenant_id AND c.product_key = claims.product_key
                        AND c.queue_state <> 'closed')
                     + (incumbent_mpn_id IS NOT NULL),
           open_contested = (queue_state <> 'closed' AND (incumbent_mpn_id IS NOT NULL OR EXISTS (
                      SELECT 1 FROM claims c INDEXED BY claims_group
                      WHERE c.tenant_id = claims.tenant_id AND c.product_key = claims.product_key
                        AND c.queue_state <> 'closed' AND c.party_key <> claims.party_key)))
         WHERE (tenant_id, product_key) IN (SELECT tenant_id, product_key FROM touched_groups)",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
