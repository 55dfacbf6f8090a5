//! The PostgreSQL backend's own parts (connecting is `connect.rs`'s): the per-contest advisory
//! locks that serialise decisions, and the contest refresh tuned for PostgreSQL.
//! Everything else is the shared SQL of `db.rs`'s callers. Times are `timestamptz`, GUIDs `uuid`;
//! sort columns use `COLLATE "C"` so every order is SQLite's byte order and exports are the same
//! bytes from either backend.

use sqlx::postgres::PgPool;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::plan::GroupKey;
use super::reads::{live, INCUMBENT_KEY};
use super::{LoginGrant, Role, StoreError};

type Tx = Transaction<'static, Postgres>;

/// Whether every migration this build knows is applied, unchanged, and no other: then there is
/// nothing to migrate, and a login that may not change the schema (everyone but the
/// administrator) opens the store without running sqlx's migrator, which would try to create
/// its table and be refused.
pub(super) async fn migrated(
    pool: &PgPool,
    migrator: &sqlx::migrate::Migrator,
) -> Result<bool, StoreError> {
    let table: Option<String> = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
        .fetch_one(pool)
        .await?;
    if table.is_none() {
        return Ok(false);
    }
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?;
    let known = |version: i64, checksum: &[u8]| {
        migrator
            .iter()
            .any(|m| m.version == version && *m.checksum == *checksum)
    };
    Ok(applied.len() == migrator.iter().count()
        && applied
            .iter()
            .all(|(version, checksum)| known(*version, checksum)))
}

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
    // One pass: the contest's parties (the partners of the claims still in it, and the
    // incumbent once), then only rows whose contest columns actually change are rewritten.
    sqlx::query(&format!(
        "WITH g AS (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[]) AS g(t, p)),
         members AS (
             SELECT c.claim_id, c.tenant_id, c.product_key, c.mpn_id, c.partner_key,
                    c.queue_state, {live_c} AS live
             FROM g JOIN claims c ON c.tenant_id = g.t AND c.product_key = g.p),
         inc AS (
             SELECT a.tenant_id, a.product_key, a.mpn_id, {INCUMBENT_KEY} AS key
             FROM g JOIN associations a ON a.tenant_id = g.t AND a.product_key = g.p),
         keys AS (
             SELECT tenant_id, product_key, partner_key AS key FROM members WHERE live
             UNION SELECT tenant_id, product_key, key FROM inc),
         stats AS (
             SELECT tenant_id, product_key, COUNT(*)::int AS parties FROM keys
             GROUP BY tenant_id, product_key),
         target AS (
             SELECT m.claim_id,
                    CASE WHEN m.queue_state <> 'closed' AND i.mpn_id <> m.mpn_id
                              AND i.key <> m.partner_key THEN i.mpn_id END AS incumbent,
                    CASE WHEN m.live THEN COALESCE(s.parties, 0) ELSE 0 END AS parties,
                    m.queue_state <> 'closed' AND COALESCE(s.parties, 0) >= 2 AS contested
             FROM members m
             LEFT JOIN stats s ON s.tenant_id = m.tenant_id AND s.product_key = m.product_key
             LEFT JOIN inc i ON i.tenant_id = m.tenant_id AND i.product_key = m.product_key)
         UPDATE claims SET incumbent_mpn_id = t.incumbent, parties = t.parties,
             open_contested = t.contested
         FROM target t
         WHERE claims.claim_id = t.claim_id
           AND (claims.incumbent_mpn_id, claims.parties, claims.open_contested)
               IS DISTINCT FROM (t.incumbent, t.parties, t.contested)",
        live_c = live("c"),
    ))
    .bind(&tenants)
    .bind(&products)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit log's triggers (`chain::guard`): name, and the statement that (re)creates it.
const AUDIT_TRIGGERS: [(&str, &str); 3] = [
    (
        "events_no_update_delete",
        "CREATE OR REPLACE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
         FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    ),
    (
        "events_no_truncate",
        "CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
         FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
    ),
    (
        "events_actor",
        "CREATE OR REPLACE TRIGGER events_actor AFTER INSERT ON events
         REFERENCING NEW TABLE AS new_events
         FOR EACH STATEMENT EXECUTE FUNCTION events_check_actor()",
    ),
];

/// The body the append-only function must have.
const APPEND_ONLY: &str = "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;";

/// When the store's administrator opens it, restores any audit trigger that was dropped or
/// disabled and the append-only function if it was rewritten; returns whether this login is
/// the administrator (others cannot change them, so there is nothing to restore for them).
pub(super) async fn restore_audit_triggers(pool: &PgPool) -> Result<bool, StoreError> {
    let (owner, live, body): (bool, i64, Option<String>) = sqlx::query_as(
        "SELECT pg_has_role(current_user, c.relowner, 'USAGE'),
                (SELECT COUNT(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgenabled = 'O'
                   AND t.tgname IN ('events_no_update_delete', 'events_no_truncate', 'events_actor')),
                (SELECT p.prosrc FROM pg_proc p WHERE p.oid = to_regproc('events_append_only'))
         FROM pg_class c WHERE c.oid = 'events'::regclass",
    )
    .fetch_one(pool)
    .await?;
    let body_ok =
        body.is_some_and(|b| b.split_whitespace().collect::<Vec<_>>().join(" ") == APPEND_ONLY);
    if !owner || (live == 3 && body_ok) {
        return Ok(owner);
    }
    let mut tx = pool.begin().await?;
    sqlx::query(&format!(
        "CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ {APPEND_ONLY} $$"
    ))
    .execute(&mut *tx)
    .await?;
    for (name, create) in AUDIT_TRIGGERS {
        sqlx::query(create).execute(&mut *tx).await?;
        sqlx::query(&format!("ALTER TABLE events ENABLE TRIGGER {name}"))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Writes the hashes of events older than the chain (`chain::seal`), the update trigger off for
/// this transaction only (the administrator's, who owns the table).
pub(super) async fn seal_hashes(tx: &mut Tx, hashes: &[(i64, String)]) -> Result<(), StoreError> {
    let (ids, sums): (Vec<i64>, Vec<String>) = hashes.iter().cloned().unzip();
    sqlx::query("ALTER TABLE events DISABLE TRIGGER events_no_update_delete")
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE events SET hash = u.h FROM unnest($1::bigint[], $2::text[]) AS u(id, h)
         WHERE events.id = u.id",
    )
    .bind(&ids)
    .bind(&sums)
    .execute(&mut **tx)
    .await?;
    sqlx::query("ALTER TABLE events ENABLE TRIGGER events_no_update_delete")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `"name"`: a role name as an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Makes the database login `login` match its reviewers row: a login role (created if missing)
/// that is a member of exactly the group of `role`, or of none (`None`: deactivated or gone).
/// Returns the statements it ran, or, when this login may not manage roles, the statements the
/// administrator must run (nothing is changed then).
pub(super) async fn grant_login(
    pool: &PgPool,
    login: &str,
    role: Option<Role>,
) -> Result<LoginGrant, StoreError> {
    if login.len() > 63 {
        return Err(StoreError::Invalid(format!(
            "{login} is longer than a PostgreSQL login may be (63 bytes)"
        )));
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(login)
            .fetch_one(pool)
            .await?;
    let groups: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT s.role, s.pg_role, EXISTS (
                    SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    JOIN pg_roles u ON u.oid = m.member
                    WHERE g.rolname = s.pg_role AND u.rolname = $1)
         FROM store_roles s ORDER BY s.role",
    )
    .bind(login)
    .fetch_all(pool)
    .await?;
    if groups.is_empty() {
        // Migrated without CREATEROLE: no group roles, nothing PostgreSQL enforces here.
        return Ok(LoginGrant::NotApplicable);
    }
    let mut statements = Vec::new();
    if !exists && role.is_some() {
        statements.push(format!("CREATE ROLE {} LOGIN", ident(login)));
    }
    for (group_role, group, member) in &groups {
        let wanted = role.is_some_and(|r| r.code() == group_role);
        if wanted && !member {
            statements.push(format!("GRANT {} TO {}", ident(group), ident(login)));
        } else if !wanted && *member {
            statements.push(format!("REVOKE {} FROM {}", ident(group), ident(login)));
        }
    }
    if statements.is_empty() {
        return Ok(LoginGrant::Done(statements));
    }
    let mut tx = pool.begin().await?;
    for statement in &statements {
        if let Err(e) = sqlx::query(statement).execute(&mut *tx).await {
            let denied = e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|code| code == "42501");
            return if denied {
                Ok(LoginGrant::ForAdministrator(statements))
            } else {
                Err(e.into())
            };
        }
    }
    tx.commit().await?;
    Ok(LoginGrant::Done(statements))
}
