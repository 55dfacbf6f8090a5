//! The claims store: one API over SQLite (a file, one reviewer) and PostgreSQL (a team).
//!
//! This is the only place with SQL. Each backend has its own small data-access module
//! (`sqlite.rs`, `postgres.rs`) because `sqlx::Any` has no chrono types; `Store` dispatches to them.
//! Every write is one transaction that also appends to the append-only `events` audit log.

mod bulk_indexes;
pub mod connect;
mod error;
mod postgres;
mod postgres_review;
mod review;
mod rows;
mod sqlite;
mod sqlite_review;
mod watch;

pub use crate::model::*;

use crate::domain::text::{self, TextKind};
pub use error::StoreError;

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The most connections the pool opens (the change feed's listener on PostgreSQL is one of
    /// them while it runs); `None` for the default (4 on SQLite, 5 on PostgreSQL).
    pub max_connections: Option<u32>,
}

/// An open claims store. Cheap to clone: both backends hold a connection pool.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Sqlite(_) => "Store(sqlite)",
            Store::Postgres(_) => "Store(postgres)",
        })
    }
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            Store::Sqlite($store) => $call,
            Store::Postgres($store) => $call,
        }
    };
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
        match location.target.clone() {
            connect::Target::Postgres(pg) => Ok(Store::Postgres(
                postgres::PgStore::open(&location, pg, options.max_connections.unwrap_or(5))
                    .await?,
            )),
            connect::Target::Sqlite(file) => Ok(Store::Sqlite(
                sqlite::SqliteStore::open(
                    file,
                    &location.shown,
                    options.max_connections.unwrap_or(4),
                )
                .await?,
            )),
        }
    }

    /// Which database is behind this store.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Writes a validated import in one transaction: reference data is inserted or replaced,
    /// claims are inserted with their PoE and comments. If any claim id is already stored, nothing
    /// is written and `StoreError::ClaimsExist` lists them.
    pub async fn import(
        &self,
        batch: &ImportBatch,
        audit: &Audit,
    ) -> Result<ImportSummary, StoreError> {
        dispatch!(self, s => s.import(batch, audit).await)
    }

    /// One claim with everything the detail screen shows, or `None` if there is no such claim.
    pub async fn claim(&self, claim_id: &str) -> Result<Option<ClaimView>, StoreError> {
        dispatch!(self, s => s.claim(claim_id).await)
    }

    /// Up to `limit` claims in `claim_id` order after `after`: how export walks the whole store
    /// without holding it in memory.
    pub async fn claims_after(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ClaimView>, StoreError> {
        dispatch!(self, s => s.claims_after(after, limit).await)
    }

    /// One window of the queue (keyset pagination on the sort key; never the whole table).
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, StoreError> {
        dispatch!(self, s => s.queue_page(query).await)
    }

    /// The database's plan for one queue window (`EXPLAIN QUERY PLAN` / `EXPLAIN`), so tests and
    /// benchmarks can check that every window is read through an index.
    pub async fn explain_queue_page(&self, query: &QueueQuery) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.explain_queue_page(query).await)
    }

    /// How many claims each queue tab holds under the current filter.
    pub async fn tab_counts(&self, reviewer: &str, filter: &str) -> Result<TabCounts, StoreError> {
        dispatch!(self, s => s.tab_counts(reviewer, filter).await)
    }

    /// The audit trail of one claim, oldest first.
    pub async fn events(&self, claim_id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        dispatch!(self, s => s.events(claim_id).await)
    }

    /// Who `login` is for writing: a registered, active reviewer (or anyone, while no reviewer
    /// is registered). Unknown or deactivated logins are refused with a clear message.
    pub async fn actor(&self, login: &str) -> Result<Actor, StoreError> {
        dispatch!(self, s => s.actor(login).await)
    }

    /// Adds a comment to a claim at the version the reviewer saw; returns the new version.
    pub async fn comment(
        &self,
        seen: &Seen,
        login: &str,
        visibility: crate::domain::Visibility,
        body: &str,
    ) -> Result<i64, StoreError> {
        limit("comment", TextKind::Long, body)?;
        dispatch!(self, s => s.comment(seen, login, visibility, body).await)
    }

    /// Asks one or several partners for more information: a partner-visible comment on each
    /// claim and each moves to `info_requested`, all or nothing.
    pub async fn request_info(
        &self,
        requests: &[InfoRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        for r in requests {
            limit("information request", TextKind::Long, &r.body)?;
        }
        dispatch!(self, s => s.request_info(requests, login).await)
    }

    /// Moves a `submitted` or `info_requested` claim (back) to `under_review`.
    pub async fn start_review(&self, seen: &Seen, login: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.start_review(seen, login).await)
    }

    /// Records decisions on one or more claims in one transaction (approve one party, reject the
    /// others). Refused whole if any claim is stale, held by someone else, already decided (unless
    /// a lead overrides), or a second approval for the same customer and product.
    pub async fn decide(
        &self,
        decisions: &[DecisionRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        for d in decisions {
            limit("reason", TextKind::Long, &d.reason)?;
        }
        dispatch!(self, s => s.decide(decisions, login).await)
    }

    /// One claim with its audit trail (the detail screen), or `None` if there is no such claim.
    pub async fn claim_detail(&self, claim_id: &str) -> Result<Option<ClaimDetail>, StoreError> {
        let Some(view) = self.claim(claim_id).await? else {
            return Ok(None);
        };
        let events = self.events(claim_id).await?;
        Ok(Some(ClaimDetail { view, events }))
    }

    /// The contest of `claim_ids`: these claims and every claim competing with them, in claim id
    /// order (the compare view's one read).
    pub async fn contest(&self, claim_ids: &[String]) -> Result<Vec<ClaimView>, StoreError> {
        let mut wanted: Vec<String> = claim_ids.to_vec();
        let mut views: Vec<ClaimView> = Vec::new();
        let mut i = 0;
        // Bounded: a contest is a handful of parties, never the whole store.
        while i < wanted.len() && i < 64 {
            if let Some(view) = self.claim(&wanted[i]).await? {
                for id in &view.competing_claim_ids {
                    if !wanted.contains(id) {
                        wanted.push(id.clone());
                    }
                }
                views.push(view);
            }
            i += 1;
        }
        views.sort_by(|a, b| a.claim.claim_id.cmp(&b.claim.claim_id));
        Ok(views)
    }

    /// Takes `claim_id` and the claims competing with it for `login` (one reviewer per contest);
    /// returns what is now held.
    pub async fn take_contest(
        &self,
        claim_id: &str,
        login: &str,
        lease: chrono::TimeDelta,
    ) -> Result<Vec<String>, StoreError> {
        let ids = self.contest_ids(claim_id).await?;
        self.take(&ids, login, lease).await?;
        Ok(ids)
    }

    /// Takes the most urgent free claim under review and the free claims competing with it; a
    /// competitor someone else holds stays theirs. Returns the claim taken, if any was free.
    pub async fn take_next_contest(
        &self,
        login: &str,
        lease: chrono::TimeDelta,
    ) -> Result<Option<String>, StoreError> {
        let Some(id) = self.take_next(login, lease).await? else {
            return Ok(None);
        };
        let now = chrono::Utc::now();
        let mut free = Vec::new();
        for other in self.contest_ids(&id).await?.into_iter().skip(1) {
            let view = self.claim(&other).await?;
            if view.is_some_and(|v| v.holder(now).is_none()) {
                free.push(other);
            }
        }
        if !free.is_empty() {
            match self.take(&free, login, lease).await {
                // Taken meanwhile by someone else: the contest's other claims stay theirs.
                Ok(()) | Err(StoreError::Held { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Some(id))
    }

    /// Lets go of `claim_id` (anyone's hold, for a lead) and of the competing claims `login`
    /// holds, never of someone else's hold on another claim of the contest; returns what was let go.
    pub async fn release_contest(
        &self,
        claim_id: &str,
        login: &str,
    ) -> Result<Vec<String>, StoreError> {
        let now = chrono::Utc::now();
        let mut ids = Vec::new();
        for (i, id) in self.contest_ids(claim_id).await?.into_iter().enumerate() {
            let Some(view) = self.claim(&id).await? else {
                continue;
            };
            let keep = match view.holder(now) {
                Some(who) => i == 0 || who == login,
                None => false,
            };
            if keep {
                ids.push(id);
            }
        }
        if !ids.is_empty() {
            self.release(&ids, login).await?;
        }
        Ok(ids)
    }

    /// The claim and its competing claims, the claim first.
    async fn contest_ids(&self, claim_id: &str) -> Result<Vec<String>, StoreError> {
        let view = self
            .claim(claim_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(claim_id.to_string()))?;
        let mut ids = vec![claim_id.to_string()];
        ids.extend(view.competing_claim_ids);
        Ok(ids)
    }

    /// Holds claims for `login` for `lease`; taking a claim someone else holds is a lead's
    /// reassignment.
    pub async fn take(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: chrono::TimeDelta,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.take(claim_ids, login, lease).await)
    }

    /// Holds the most urgent unheld claim under review for `login`; two reviewers never get the
    /// same one.
    pub async fn take_next(
        &self,
        login: &str,
        lease: chrono::TimeDelta,
    ) -> Result<Option<String>, StoreError> {
        dispatch!(self, s => s.take_next(login, lease).await)
    }

    /// Lets go of held claims.
    pub async fn release(&self, claim_ids: &[String], login: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.release(claim_ids, login).await)
    }

    /// Extends `login`'s live holds while they keep working (not audited: a heartbeat).
    pub async fn renew(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: chrono::TimeDelta,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.renew(claim_ids, login, lease).await)
    }

    /// Adds or updates a reviewer (a lead's job; the first one must be a lead).
    pub async fn add_reviewer(&self, reviewer: &Reviewer, by: &str) -> Result<(), StoreError> {
        limit("login", TextKind::Id, &reviewer.login)?;
        limit("name", TextKind::Short, &reviewer.display_name)?;
        dispatch!(self, s => s.add_reviewer(reviewer, by).await)
    }

    /// Deactivates a reviewer (a lead's job).
    pub async fn deactivate_reviewer(&self, login: &str, by: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.deactivate_reviewer(login, by).await)
    }

    /// Every registered reviewer, by login.
    pub async fn reviewers(&self) -> Result<Vec<Reviewer>, StoreError> {
        dispatch!(self, s => s.reviewers().await)
    }

    /// Saves the editor's text as the reviewer types (private scratch: not audited).
    pub async fn save_draft(
        &self,
        login: &str,
        key: &str,
        visibility: crate::domain::Visibility,
        body: &str,
    ) -> Result<(), StoreError> {
        limit("draft", TextKind::Long, body)?;
        dispatch!(self, s => s.save_draft(login, key, visibility, body).await)
    }

    /// The saved draft for `key`, if any.
    pub async fn draft(&self, login: &str, key: &str) -> Result<Option<Draft>, StoreError> {
        dispatch!(self, s => s.draft(login, key).await)
    }

    /// Forgets a draft (after sending, or when the reviewer discards it).
    pub async fn discard_draft(&self, login: &str, key: &str) -> Result<(), StoreError> {
        dispatch!(self, s => s.discard_draft(login, key).await)
    }

    /// The audit log, oldest first, for one claim or all, since an instant.
    pub async fn audit(
        &self,
        claim_id: Option<&str>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        dispatch!(self, s => s.audit(claim_id, since, limit).await)
    }

    /// Audit events after `after_id`: how sessions learn what others changed.
    pub async fn events_since(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        dispatch!(self, s => s.events_since(after_id, limit).await)
    }

    /// The newest audit event's id (0 for none).
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        dispatch!(self, s => s.last_event_id().await)
    }

    /// Drops the indexes that serve only the queue's orders, tabs and filter, for a bulk load
    /// that would otherwise update each of them row by row; `ensure_indexes` (also run by
    /// `open`) builds them again. Until then the queue reads slowly, though correctly.
    pub async fn suspend_indexes(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => bulk_indexes::sqlite_drop(&s.pool).await,
            Store::Postgres(s) => bulk_indexes::postgres_drop(&s.pool).await,
        }
    }

    /// Builds whichever queue index is missing (after `suspend_indexes`, or an interrupted load).
    pub async fn ensure_indexes(&self) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => bulk_indexes::sqlite_ensure(&s.pool).await,
            Store::Postgres(s) => bulk_indexes::postgres_ensure(&s.pool).await,
        }
    }

    /// How many claims the store holds.
    pub async fn claim_count(&self) -> Result<u64, StoreError> {
        dispatch!(self, s => s.claim_count().await)
    }
}

/// Refuses text past the limits every input is held to (domain::text), before any write: the
/// same refusal on both backends, where PostgreSQL alone would fail on a NUL.
fn limit(what: &str, kind: TextKind, text: &str) -> Result<(), StoreError> {
    text::check(kind, text).map_err(|e| StoreError::Invalid(format!("{what} {e}")))
}

/// Hides every password of a database URL (any form: userinfo, `?password=`, libpq
/// `password=`) so it never reaches a screen or a log.
pub fn redact_url(url: &str) -> String {
    connect::mask(url)
}
