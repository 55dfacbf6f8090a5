//! The claims store: one API over SQLite (a file, one reviewer) and PostgreSQL (a team).
//!
//! This is the only place with SQL. Each backend has its own small data-access module
//! (`sqlite.rs`, `postgres.rs`) because `sqlx::Any` has no chrono types; `Store` dispatches to them.
//! Every write is one transaction that also appends to the append-only `events` audit log.

mod bulk_indexes;
mod error;
mod postgres;
mod postgres_review;
mod review;
mod rows;
mod sqlite;
mod sqlite_review;
mod types;
mod watch;

pub use error::StoreError;
pub use review::{Actor, DecisionRequest, Draft, InfoRequest, Reviewer, Role, Seen, DEFAULT_LEASE};
pub use types::*;
pub use watch::Change;

use crate::domain::{Assessment, Claim};

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
    /// `sqlite:PATH`, `sqlite://PATH` or a plain file path open SQLite; `postgres://` or
    /// `postgresql://` open PostgreSQL. A bad URL or an unreachable server is a `StoreError` with
    /// one clear line, never a panic.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Store::Postgres(postgres::PgStore::open(url).await?))
        } else if lower.contains("://") && !lower.starts_with("sqlite:") {
            Err(StoreError::BadUrl(redact_url(url)))
        } else {
            Ok(Store::Sqlite(sqlite::SqliteStore::open(url).await?))
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
        dispatch!(self, s => s.comment(seen, login, visibility, body).await)
    }

    /// Asks one or several partners for more information: a partner-visible comment on each
    /// claim and each moves to `info_requested`, all or nothing.
    pub async fn request_info(
        &self,
        requests: &[InfoRequest],
        login: &str,
    ) -> Result<(), StoreError> {
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
        dispatch!(self, s => s.decide(decisions, login).await)
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

impl ClaimView {
    /// The claim's findings and undecidable checks with what the store knows now.
    pub fn assessment(&self) -> Assessment {
        crate::domain::assess(&self.claim, &self.facts)
    }

    /// Contested: another partner competes for the same customer and product, or an incumbent holds it.
    pub fn contested(&self) -> bool {
        !self.competing_claim_ids.is_empty() || self.incumbent_mpn_id.is_some()
    }

    /// Who holds the claim at `now` (an expired lease holds nothing).
    pub fn holder(&self, now: chrono::DateTime<chrono::Utc>) -> Option<&str> {
        holder(self.assigned_to.as_deref(), self.held_until, now)
    }

    /// The claim itself.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }
}

/// Hides the password of a database URL so it never reaches a screen or a log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}://{}:***{}",
                    &url[..scheme_end],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://bob:s3cret@db:5432/claims"),
            "postgres://bob:***@db:5432/claims"
        );
        assert_eq!(redact_url("postgres://db/claims"), "postgres://db/claims");
        assert_eq!(redact_url("sqlite:claims.db"), "sqlite:claims.db");
    }
}
