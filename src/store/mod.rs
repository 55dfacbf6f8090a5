//! The claims store: one API over SQLite (a file, one reviewer) and PostgreSQL (a team).
//!
//! This is the only place with SQL, and the review engine: every write reads the current rows,
//! lets a pure rule of `rules/` plan the change and applies the plan with its audit events, in
//! one transaction (`engine.rs`). Statements are written once for both databases (`db.rs` binds
//! and reads each database's types); `sqlite.rs` and `postgres.rs` hold only what truly differs.
//!
//! - `engine.rs`: the writes; `rules/` + `plan.rs`: what they may do; `apply.rs`: doing it.
//! - `dashboard.rs`: the lead's figures, from index ranges only; `segments.rs`: its counts of a
//!   tab between instants, whole days from the counters triggers keep (migration 0017);
//!   `behind.rs`: the claims behind each of its bars, as a queue filter.
//! - `reads.rs`: claims, contests, the audit log, reviewers, drafts; `queue.rs`: queue windows
//!   and tab counts; `import.rs`: bulk writes; `watch.rs`: the change feed.
//! - `identity.rs`: who acts, proven once and bound to the store; `chain.rs`: the audit log's
//!   hash chain, its check, and the guards restored on open; `reference.rs`: reference data
//!   audited with before and after.
//!
//! PostgreSQL privileges (migration 0008): tables a later migration adds are readable by every
//! group role through default privileges; their writes must be granted in that same migration,
//! e.g. `SELECT store_grant('INSERT', 'TABLE outbox', ARRAY['reviewer', 'integration', 'lead']);`
//! (each group is granted what it needs itself). Audit events go through `apply::insert_events` only:
//! it reserves their ids and chains their hashes under the log's append lock.

mod apply;
mod behind;
mod bulk_indexes;
mod chain;
pub mod connect;
mod dashboard;
mod db;
mod engine;
mod error;
mod identity;
mod import;
mod keys;
mod outbox;
mod plan;
mod postgres;
mod preferences;
mod queue;
mod reads;
mod reference;
mod rows;
mod rules;
mod search;
mod segments;
mod sqlite;
mod watch;

pub use crate::model::*;
pub use error::StoreError;
pub use reads::DraftSave;

use db::Pool;

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The most connections the pool opens (the change feed's listener on PostgreSQL is one of
    /// them while it runs); `None` for the default (4 on SQLite, 5 on PostgreSQL).
    pub max_connections: Option<u32>,
}

/// An open claims store. Cheap to clone: it holds a connection pool (and, once a session's
/// identity is proven, who acts through it: see [`Store::acting_as`]).
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    identity: Option<std::sync::Arc<Identity>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.backend() {
            Backend::Sqlite => "Store(sqlite)",
            Backend::Postgres => "Store(postgres)",
        })
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the store behind `url`.
    ///
    /// `sqlite:PATH`, `sqlite://PATH` or a plain file path open SQLite; `postgres://`,
    /// `postgresql://` or a libpq `key=value` string open PostgreSQL (see `connect`). A bad URL
    /// or an unreachable server is a `StoreError` with one clear line, never a panic.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &OpenOptions::default()).await
    }

    /// Opens the store with a chosen connection pool (a workbench needs one working connection;
    /// `serve` shares one pool among every session).
    pub async fn open_with(url: &str, options: &OpenOptions) -> Result<Store, StoreError> {
        let location = connect::parse(url)?;
        let (pool, before) = match location.target.clone() {
            connect::Target::Postgres(pg) => {
                let (pool, before) =
                    connect::postgres_pool(&location, pg, options.max_connections.unwrap_or(5))
                        .await?;
                (Pool::Postgres(pool), before)
            }
            connect::Target::Sqlite(file) => {
                let (pool, before) = connect::sqlite_pool(
                    file,
                    &location.shown,
                    options.max_connections.unwrap_or(4),
                )
                .await?;
                (Pool::Sqlite(pool), before)
            }
        };
        // A store migrated before, without the migration that folds the search text (whatever
        // number its newest is: migrations may land out of order).
        if before.is_some_and(|v| !v.is_empty() && !v.contains(&search::FOLDED_SINCE)) {
            search::refold(&pool).await?;
        }
        bulk_indexes::ensure(&pool).await?;
        chain::guard(&pool).await?;
        Ok(Store {
            pool,
            identity: None,
        })
    }

    /// Which database is behind this store.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Drops the indexes that serve only the queue's orders, tabs and filter, for a bulk load
    /// that would otherwise update each of them row by row; `ensure_indexes` (also run by
    /// `open`) builds them again. Until then the queue reads slowly, though correctly.
    pub async fn suspend_indexes(&self) -> Result<(), StoreError> {
        bulk_indexes::suspend(&self.pool).await
    }

    /// Builds whichever queue index is missing (after `suspend_indexes`, or an interrupted load).
    pub async fn ensure_indexes(&self) -> Result<(), StoreError> {
        bulk_indexes::ensure(&self.pool).await
    }
}

/// Hides every password of a database URL (any form: userinfo, `?password=`, libpq
/// `password=`) so it never reaches a screen or a log.
pub fn redact_url(url: &str) -> String {
    connect::mask(url)
}
