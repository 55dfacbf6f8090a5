//! The PostgreSQL backend's own parts (connecting is `connect.rs`'s): the per-contest advisory
//! locks that serialise decisions, and the contest refresh tuned for PostgreSQL.
//! Everything else is the shared SQL of `db.rs`'s callers. Times are `timestamptz`, GUIDs `uuid`;
//! sort columns use `COLLATE "C"` so every order is SQLite's byte order and exports are the same
//! bytes from either backend.

use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::plan::GroupKey;
use super::StoreError;

type Tx = Transaction<'static, Postgres>;

/// Serialises writers on the same customer and product: a transaction-scoped advisory lock per
/// group, taken in a fixed order, so two approvals in one group can never both pass their checks.
/// (Transaction-scoped locks end with the transaction, unlike session locks on pooled connections.)
pub(super) async fn lock_groups(tx: &mut Tx, claim_ids: &[String]) -> Result<(), StoreError> {
    let mut keys: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT tenant_id::text || '|' || product_key FROM claims WHERE claim_id = ANY($1)",
    )
    .bind(claim_ids)
    .fetch_all(&mut **tx)
    .await?;
    keys.sort();
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Takes the audit log's append lock for the rest of the transaction (see
/// `apply::insert_events`): one key for the whole database, ended by commit or rollback.
pub(super) async fn lock_event_log(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('claimdesk events', 0))")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// PostgreSQL's contest refresh (see `apply::refresh_contests`): one statement over the touched
/// groups that rewrites only the rows whose contest columns change.
pub(super) async fn refresh_groups(
    tx: &mut Tx,
    groups: &[GroupKey],
    fresh_only: bool,
) -> Result<(), StoreError> {
    let (mut tenants, mut products): (Vec<Uuid>, Vec<String>) = groups
        .iter()
        .map(|g| (g.tenant_id, g.product_key.clone()))
        .unzip();
    if fresh_only {
        // Claims are inserted as lone open parties; only groups with company need the update.
        let shared: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT g.t, g.p FROM unnest($1::uuid[], $2::text[]) AS g(t, p)
             WHERE (SELECT COUNT(*) FROM claims c WHERE c.tenant_id = g.t AND c.product_key = g.p) > 1
                OR EXISTS (SELECT 1 FROM associations a WHERE a.tenant_id = g.t AND a.product_key = g.p)",
        )
        .bind(&tenants)
        .bind(&products)
        .fetch_all(&mut **tx)
        .await?;
        (tenants, products) = shared.into_iter().unzip();
        if tenants.is_empty() {
            return Ok(());
        }
    }
    // One pass: per-group counts from the group index, then only rows whose contest columns
    // actually change are rewritten.
    sqlx::query(
        "WITH g AS (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[]) AS g(t, p)),
         stats AS (
             SELECT c.tenant_id, c.product_key,
                    COUNT(DISTINCT c.party_key) FILTER (WHERE c.queue_state <> 'closed') AS open_parties
             FROM g JOIN claims c ON c.tenant_id = g.t AND c.product_key = g.p
             GROUP BY c.tenant_id, c.product_key),
         target AS (
             SELECT c.claim_id,
                    CASE WHEN a.mpn_id <> c.mpn_id THEN a.mpn_id END AS incumbent,
                    s.open_parties, c.queue_state
             FROM stats s
             JOIN claims c ON c.tenant_id = s.tenant_id AND c.product_key = s.product_key
             LEFT JOIN associations a ON a.tenant_id = s.tenant_id AND a.product_key = s.product_key)
         UPDATE claims SET
             incumbent_mpn_id = t.incumbent,
             parties = t.open_parties + (t.incumbent IS NOT NULL)::int,
             open_contested = t.queue_state <> 'closed'
                 AND (t.incumbent IS NOT NULL OR t.open_parties >= 2)
         FROM target t
         WHERE claims.claim_id = t.claim_id
           AND (claims.incumbent_mpn_id, claims.parties, claims.open_contested)
               IS DISTINCT FROM (t.incumbent, t.open_parties + (t.incumbent IS NOT NULL)::int,
                                 t.queue_state <> 'closed'
                                     AND (t.incumbent IS NOT NULL OR t.open_parties >= 2))",
    )
    .bind(&tenants)
    .bind(&products)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
