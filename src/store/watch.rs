//! Live refresh: how a session learns, within a second, what other reviewers changed.
//!
//! Both backends report new audit events (every change writes one). PostgreSQL wakes up on
//! `LISTEN/NOTIFY`; since notifications can be missed across a reconnect, it listens first, then
//! re-reads the events after the last one seen, and re-reads again after every reconnect. SQLite
//! has no notifications: a dedicated connection polls `PRAGMA data_version`, which changes when
//! any other connection commits.
//!
//! A bulk write (an import of many claims) is reported as one `Change::Bulk` with its count, read
//! from `bulk_writes`, instead of its events: a watcher's cost is in proportion to the reports,
//! not to the claims imported (`Store::changes_since`).

use std::time::Duration;

use sqlx::Connection;
use tokio::sync::mpsc;

use super::db::Pool;
use super::{Change, Store, StoreError};

/// How often SQLite is polled, and how long to wait before reconnecting.
const POLL: Duration = Duration::from_millis(250);
const RETRY: Duration = Duration::from_secs(1);
const BATCH: u32 = 500;

impl Store {
    /// Starts watching for changes after event `after_id`; the watcher stops when the receiver is
    /// dropped.
    pub fn watch(&self, after_id: i64) -> mpsc::Receiver<Change> {
        let (tx, rx) = mpsc::channel(64);
        let store = self.clone();
        tokio::spawn(async move {
            match &store.pool {
                Pool::Postgres(pg) => watch_postgres(&store, pg.clone(), after_id, tx).await,
                Pool::Sqlite(lite) => watch_sqlite(&store, lite, after_id, tx).await,
            }
        });
        rx
    }
}

/// Sends every event after `*last` (a bulk write as one report), advancing it; `false` once the
/// session has gone.
async fn catch_up(
    store: &Store,
    last: &mut i64,
    tx: &mpsc::Sender<Change>,
) -> Result<bool, StoreError> {
    loop {
        let (events, bulk) = store.changes_since(*last, BATCH).await?;
        let full = events.len() as u32 == BATCH;
        if let Some(newest) = events.last().map(|e| e.id) {
            *last = newest;
            if tx.send(Change::Events(events)).await.is_err() {
                return Ok(false);
            }
        }
        match bulk {
            Some(bulk) => {
                *last = bulk.last_id;
                if tx.send(Change::Bulk(bulk)).await.is_err() {
                    return Ok(false);
                }
            }
            None if !full => return Ok(true),
            None => {}
        }
    }
}

async fn watch_postgres(
    store: &Store,
    pool: sqlx::PgPool,
    mut last: i64,
    tx: mpsc::Sender<Change>,
) {
    let mut online = true;
    loop {
        let listener = async {
            let mut l = sqlx::postgres::PgListener::connect_with(&pool).await?;
            l.listen("claimdesk_changes").await?;
            Ok::<_, sqlx::Error>(l)
        }
        .await;
        let mut listener = match listener {
            Ok(l) => l,
            Err(e) => {
                if online && tx.send(Change::Offline(e.to_string())).await.is_err() {
                    return;
                }
                online = false;
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if !online && tx.send(Change::Online).await.is_err() {
            return;
        }
        // Listening now: re-read whatever happened before (or while we were away).
        loop {
            match catch_up(store, &mut last, &tx).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    let _ = tx.send(Change::Offline(e.to_string())).await;
                    online = false;
                    break;
                }
            }
            tokio::select! {
                _ = tx.closed() => return,
                got = listener.try_recv() => match got {
                    Ok(Some(_)) => {}
                    // The connection dropped and will be re-established: re-read after it.
                    Ok(None) => {}
                    Err(e) => {
                        if tx.send(Change::Offline(e.to_string())).await.is_err() {
                            return;
                        }
                        online = false;
                        break;
                    }
                },
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

async fn watch_sqlite(
    store: &Store,
    lite: &sqlx::SqlitePool,
    mut last: i64,
    tx: mpsc::Sender<Change>,
) {
    let mut conn = match lite.acquire().await {
        Ok(c) => c.detach(),
        Err(e) => {
            let _ = tx.send(Change::Offline(e.to_string())).await;
            return;
        }
    };
    let mut seen: Option<i64> = None;
    let mut online = true;
    loop {
        let version: Result<i64, sqlx::Error> = sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(&mut conn)
            .await;
        let outcome = match version {
            Ok(v) if seen != Some(v) => {
                let caught = catch_up(store, &mut last, &tx).await;
                if caught.is_ok() {
                    seen = Some(v);
                }
                caught
            }
            Ok(_) => Ok(true),
            Err(e) => Err(e.into()),
        };
        let alive = match outcome {
            Ok(alive) => {
                if !online && tx.send(Change::Online).await.is_err() {
                    break;
                }
                online = true;
                alive
            }
            Err(e) => {
                let alive = !online || tx.send(Change::Offline(e.to_string())).await.is_ok();
                online = false;
                alive
            }
        };
        if !alive {
            break;
        }
        tokio::select! {
            _ = tx.closed() => break,
            _ = tokio::time::sleep(POLL) => {}
        }
    }
    let _ = conn.close().await;
}
