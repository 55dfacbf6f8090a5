//! The audit log's hash chain: each event stores SHA-256 over the previous event's hash and its
//! own fields, so changing, removing or slipping in an event breaks every link after it, and
//! [`Store::verify_audit`] names the first broken one. Rewriting the whole chain from some point on
//! is possible for whoever can write the table (the hash has no secret): a head hash kept
//! outside the store (printed by `claimdesk audit --verify`) catches that.
//!
//! Also here: keeping the log's guards up when a store is opened. SQLite's triggers are restored
//! if dropped or altered; PostgreSQL's are restored (and re-enabled) when the administrator opens
//! the store; events written before the chain existed are sealed into it once.

use chrono::DateTime;
use sha2::{Digest, Sha256};

use super::db::{Arg, Exec, Pool, Row, Sql, Tx};
use super::plan::NewEvent;
use super::{ChainCheck, Store, StoreError};

/// One event as the chain covers it: every stored column but the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    id: i64,
    at_micros: i64,
    actor: String,
    claim_id: Option<String>,
    via: Option<String>,
    kind: String,
    before: Option<String>,
    after: Option<String>,
}

impl Link {
    /// A new event as it will be stored under `id` (its time in whole microseconds, as both
    /// databases keep it).
    pub fn new(id: i64, e: &NewEvent) -> Link {
        let (before, after) = e.kind.columns();
        Link {
            id,
            at_micros: e.at.timestamp_micros(),
            actor: e.actor.clone(),
            claim_id: e.claim_id.clone(),
            via: e.via.clone(),
            kind: e.kind.code().to_string(),
            before,
            after,
        }
    }

    /// A stored event, and the hash stored with it.
    fn read(r: &Row) -> Result<(Link, Option<String>), StoreError> {
        let link = Link {
            id: r.int("id")?,
            at_micros: r.time("at")?.timestamp_micros(),
            actor: r.text("actor")?,
            claim_id: r.opt_text("claim_id")?,
            via: r.opt_text("via")?,
            kind: r.text("kind")?,
            before: r.opt_text("before")?,
            after: r.opt_text("after")?,
        };
        Ok((link, r.opt_text("hash")?))
    }

    /// SHA-256 (hex) over `prev` and each field, every field length-prefixed so no two events
    /// encode alike; an absent value is marked apart from an empty one.
    pub fn hash(&self, prev: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"claimdesk audit v1\0");
        let mut field = |value: Option<&[u8]>| match value {
            Some(bytes) => {
                h.update([1u8]);
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            None => h.update([0u8]),
        };
        field(Some(prev.as_bytes()));
        field(Some(&self.id.to_le_bytes()));
        field(Some(&self.at_micros.to_le_bytes()));
        field(Some(self.actor.as_bytes()));
        field(self.claim_id.as_deref().map(str::as_bytes));
        field(self.via.as_deref().map(str::as_bytes));
        field(Some(self.kind.as_bytes()));
        field(self.before.as_deref().map(str::as_bytes));
        field(self.after.as_deref().map(str::as_bytes));
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The values of `INSERT INTO events (id, at, actor, claim_id, via, kind, before, after, hash)`.
    pub fn args(&self, hash: &str) -> Vec<Arg> {
        vec![
            Arg::from(self.id),
            Arg::from(DateTime::from_timestamp_micros(self.at_micros).unwrap_or_default()),
            Arg::from(&self.actor),
            Arg::from(self.claim_id.clone()),
            Arg::from(self.via.clone()),
            Arg::from(&self.kind),
            Arg::from(self.before.clone()),
            Arg::from(self.after.clone()),
            Arg::from(hash),
        ]
    }
}

/// The hash the next event chains to: the last event's (empty before the first event).
pub(crate) async fn last_hash(tx: &mut Tx) -> Result<String, StoreError> {
    let row = tx
        .fetch_optional(Sql::new("SELECT hash FROM events ORDER BY id DESC LIMIT 1"))
        .await?;
    Ok(match row {
        Some(r) => r.opt_text(0)?.unwrap_or_default(),
        None => String::new(),
    })
}

/// Ids for `n` new events, ascending, never one used before (PostgreSQL: the table's sequence;
/// SQLite: past the highest AUTOINCREMENT has handed out). Called under the append lock.
pub(crate) async fn next_ids(tx: &mut Tx, n: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    match tx {
        Tx::Postgres(_) => {
            let sql = Sql::new(
                "SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, $1)",
            )
            .arg(count);
            let mut ids = tx
                .fetch_all(sql)
                .await?
                .iter()
                .map(|r| r.int(0))
                .collect::<Result<Vec<_>, _>>()?;
            ids.sort_unstable();
            Ok(ids)
        }
        Tx::Sqlite(_) => {
            let sql = Sql::new(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
                            COALESCE((SELECT MAX(id) FROM events), 0))",
            );
            let last = tx.fetch_one(sql).await?.int(0)?;
            Ok((1..=count).map(|i| last + i).collect())
        }
    }
}

/// How many events one page of the check reads.
const PAGE: i64 = 5000;

impl Store {
    /// Recomputes the audit log's hash chain from the first event: the first event whose hash
    /// is missing or wrong, else how many events checked out and the head hash. With `known`
    /// (a head hash kept earlier), also whether it is still in the chain.
    pub async fn verify_audit(&self, known: Option<&str>) -> Result<ChainCheck, StoreError> {
        let mut db = self.pool.clone();
        let mut check = ChainCheck {
            events: 0,
            head: None,
            broken: None,
            known_found: known.map(|_| false),
        };
        let mut prev = String::new();
        let mut after = i64::MIN;
        loop {
            let sql = Sql::new(
                "SELECT id, at, actor, claim_id, via, kind, before, after, hash FROM events
                 WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .arg(after)
            .arg(PAGE);
            let rows = db.fetch_all(sql).await?;
            let Some(last) = rows.last() else {
                return Ok(check);
            };
            after = last.int("id")?;
            for row in &rows {
                let (link, stored) = Link::read(row)?;
                let expected = link.hash(&prev);
                let why = match stored {
                    None => Some("it has no hash: it was written outside claimdesk".to_string()),
                    Some(ref s) if *s != expected => Some(
                        "its hash does not match: it was changed, or an event before it was \
                         changed, removed or slipped in"
                            .to_string(),
                    ),
                    Some(_) => None,
                };
                if let Some(why) = why {
                    check.broken = Some((link.id, why));
                    return Ok(check);
                }
                if known == Some(expected.as_str()) {
                    check.known_found = Some(true);
                }
                check.events += 1;
                check.head = Some((link.id, expected.clone()));
                prev = expected;
            }
        }
    }
}

/// Keeps the audit log's guards when a store is opened: on SQLite its triggers (restored if
/// dropped or altered), on PostgreSQL its triggers and their function when the administrator
/// opens it; then seals events written before the chain existed. Cheap when all is in place.
pub(crate) async fn guard(pool: &Pool) -> Result<(), StoreError> {
    let owner = match pool {
        Pool::Sqlite(p) => {
            super::sqlite::restore_audit_triggers(p).await?;
            true
        }
        Pool::Postgres(p) => super::postgres::restore_audit_triggers(p).await?,
    };
    if owner {
        seal(pool).await?;
    }
    Ok(())
}

/// Gives the events of a store older than the chain their hashes, once: only while no event has
/// one yet, so an event slipped in later without a hash is never blessed, only reported.
async fn seal(pool: &Pool) -> Result<(), StoreError> {
    let mut db = pool.clone();
    let last = db
        .fetch_optional(Sql::new("SELECT hash FROM events ORDER BY id DESC LIMIT 1"))
        .await?;
    match last {
        Some(r) if r.opt_text(0)?.is_none() => {}
        _ => return Ok(()),
    }
    let mut tx = pool.begin_write().await?;
    if let Tx::Postgres(t) = &mut tx {
        super::postgres::lock_event_log(t).await?;
    }
    let chained = tx
        .fetch_optional(Sql::new(
            "SELECT id FROM events WHERE hash IS NOT NULL LIMIT 1",
        ))
        .await?;
    if chained.is_some() {
        return Ok(());
    }
    let rows = tx
        .fetch_all(Sql::new(
            "SELECT id, at, actor, claim_id, via, kind, before, after, hash FROM events ORDER BY id",
        ))
        .await?;
    let mut hashes = Vec::with_capacity(rows.len());
    let mut prev = String::new();
    for row in &rows {
        let (link, _) = Link::read(row)?;
        prev = link.hash(&prev);
        hashes.push((link.id, prev.clone()));
    }
    match &mut tx {
        Tx::Sqlite(t) => super::sqlite::seal_hashes(t, &hashes).await?,
        Tx::Postgres(t) => super::postgres::seal_hashes(t, &hashes).await?,
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    fn link() -> Link {
        let event = NewEvent {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default(),
            actor: "alice".into(),
            claim_id: Some("C-1".into()),
            via: None,
            kind: EventKind::Taken {
                holder: "alice".into(),
                next: false,
            },
        };
        Link::new(7, &event)
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = link();
        let h = base.hash("");
        assert_eq!(h.len(), 64);
        assert_eq!(h, link().hash(""), "the same event hashes alike");
        assert_ne!(h, base.hash("00"));
        let changed = [
            Link { id: 8, ..link() },
            Link {
                at_micros: base.at_micros + 1,
                ..link()
            },
            Link {
                actor: "mallory".into(),
                ..link()
            },
            Link {
                claim_id: None,
                ..link()
            },
            Link {
                via: Some(String::new()),
                ..link()
            },
            Link {
                kind: "released".into(),
                ..link()
            },
            Link {
                before: Some("{}".into()),
                ..link()
            },
            Link {
                after: None,
                ..link()
            },
        ];
        for other in changed {
            assert_ne!(other.hash(""), h, "{other:?}");
        }
        // Moving bytes from one field to the next does not give the same encoding.
        let a = Link {
            actor: "ab".into(),
            claim_id: Some("c".into()),
            ..link()
        };
        let b = Link {
            actor: "a".into(),
            claim_id: Some("bc".into()),
            ..link()
        };
        assert_ne!(a.hash(""), b.hash(""));
    }
}
