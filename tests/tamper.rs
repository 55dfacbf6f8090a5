//! The audit log is tamper-evident: whatever raw SQL does to it, as the owner of the file or
//! the tables, `verify_audit` names the first event that no longer checks out; the guards that
//! were dropped or disabled are back when the store is opened again.

mod common;

use claimdesk::store::*;
use sqlx::Connection;

/// A store with a few events: an import of three claims, a take and a release.
async fn with_history(t: &common::TestStore) -> ChainCheck {
    let batch = common::plain_batch(&["C-1", "C-2", "C-3"]);
    let audit = common::by("alice");
    t.store.import(&batch, &audit).await.unwrap();
    let ids = ["C-2".to_string()];
    t.store.take(&ids, "alice", DEFAULT_LEASE).await.unwrap();
    t.store.release(&ids, "alice").await.unwrap();
    let check = t.store.verify_audit(None).await.unwrap();
    assert_eq!(check.broken, None, "{}", t.backend);
    assert_eq!(check.events, 5, "{}", t.backend);
    check
}

/// The ids of the events, oldest first.
async fn ids(store: &Store) -> Vec<i64> {
    store
        .audit(None, None, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect()
}

/// Runs raw SQL on the store's database, as the owner; `Err` if the database refused it.
async fn raw(t: &common::TestStore, statements: &[&str]) -> Result<(), sqlx::Error> {
    if t.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&t.url).await?;
        for s in statements {
            sqlx::raw_sql(s).execute(&mut c).await?;
        }
    } else {
        let mut c = sqlx::PgConnection::connect(&t.url).await?;
        for s in statements {
            sqlx::raw_sql(s).execute(&mut c).await?;
        }
    }
    Ok(())
}

/// The first broken event `verify_audit` names.
async fn broken_at(t: &common::TestStore) -> Option<i64> {
    t.store
        .verify_audit(None)
        .await
        .unwrap()
        .broken
        .map(|(id, _)| id)
}

/// The statements that lift the log's guards on this backend, as its owner can.
fn lift_guards(backend: &str) -> Vec<&'static str> {
    if backend == "sqlite" {
        vec![
            "DROP TRIGGER events_no_update",
            "DROP TRIGGER events_no_delete",
            "DROP TRIGGER events_no_replace",
        ]
    } else {
        vec!["ALTER TABLE events DISABLE TRIGGER USER"]
    }
}

#[tokio::test]
async fn every_rewrite_by_the_owner_is_caught_at_the_first_event_it_touched() {
    for t in common::stores().await {
        with_history(&t).await;
        let e = ids(&t.store).await;
        // Each rewrite, on a fresh copy of the history, and where the check must stop.
        let cases: Vec<(String, i64)> = vec![
            (
                format!("UPDATE events SET actor = 'mallory' WHERE id = {}", e[1]),
                e[1],
            ),
            (
                format!("UPDATE events SET after = '{{\"status\":\"approved\"}}' WHERE id = {}", e[0]),
                e[0],
            ),
            (
                format!("UPDATE events SET hash = NULL WHERE id = {}", e[4]),
                e[4],
            ),
            (format!("DELETE FROM events WHERE id = {}", e[2]), e[3]),
            (
                format!("UPDATE events SET id = id + 100 WHERE id = {}", e[4]),
                e[4] + 100,
            ),
            (
                format!(
                    "INSERT INTO events (id, at, actor, claim_id, kind, before, after) \
                     SELECT {}, at, 'mallory', claim_id, kind, before, after FROM events WHERE id = {}",
                    e[4] + 1,
                    e[4]
                ),
                e[4] + 1,
            ),
        ];
        for (i, (tamper, first_broken)) in cases.iter().enumerate() {
            let fresh = if t.backend == "sqlite" {
                common::sqlite().await
            } else {
                common::postgres().await.unwrap()
            };
            with_history(&fresh).await;
            let mut statements = lift_guards(fresh.backend);
            statements.push(tamper);
            raw(&fresh, &statements)
                .await
                .unwrap_or_else(|err| panic!("{}: case {i}: {err}", fresh.backend));
            assert_eq!(
                broken_at(&fresh).await,
                Some(*first_broken),
                "{}: case {i}: {tamper}",
                fresh.backend
            );
        }
    }
}

#[tokio::test]
async fn the_guards_refuse_what_they_can_and_come_back_when_lifted() {
    for t in common::stores().await {
        let head = with_history(&t).await.head.unwrap();
        let e = ids(&t.store).await;
        let update = format!("UPDATE events SET actor = 'mallory' WHERE id = {}", e[0]);
        let delete = format!("DELETE FROM events WHERE id = {}", e[0]);
        assert!(raw(&t, &[&update]).await.is_err(), "{}", t.backend);
        assert!(raw(&t, &[&delete]).await.is_err(), "{}", t.backend);
        if t.backend == "sqlite" {
            // REPLACE deletes the old row without the delete trigger: refused all the same.
            let replace = format!(
                "INSERT OR REPLACE INTO events (id, at, actor, kind) VALUES ({}, 0, 'mallory', 'taken')",
                e[0]
            );
            assert!(raw(&t, &[&replace]).await.is_err());
        } else {
            assert!(raw(&t, &["TRUNCATE events"]).await.is_err());
        }

        // The owner lifts the guards and removes the newest event: the chain alone cannot see
        // a shortened log, the head kept earlier does.
        let mut statements = lift_guards(t.backend);
        let last = format!("DELETE FROM events WHERE id = {}", e[4]);
        statements.push(&last);
        raw(&t, &statements).await.unwrap();
        let check = t.store.verify_audit(Some(&head.1)).await.unwrap();
        assert_eq!(
            (check.broken, check.known_found),
            (None, Some(false)),
            "{}",
            t.backend
        );

        // Opening the store puts every guard back.
        let reopened = Store::open(&t.url).await.unwrap();
        assert!(raw(&t, &[&update]).await.is_err(), "{}: update", t.backend);
        assert!(raw(&t, &[&delete]).await.is_err(), "{}: delete", t.backend);
        assert_eq!(
            reopened.verify_audit(None).await.unwrap().broken,
            None,
            "{}",
            t.backend
        );
    }
}

#[tokio::test]
async fn events_from_before_the_chain_are_sealed_once_and_new_ones_chain_on() {
    for t in common::stores().await {
        with_history(&t).await;
        // As a store from before this version: no event has a hash.
        let mut statements = lift_guards(t.backend);
        statements.push("UPDATE events SET hash = NULL");
        raw(&t, &statements).await.unwrap();
        assert!(broken_at(&t).await.is_some());
        let reopened = Store::open(&t.url).await.unwrap();
        let check = reopened.verify_audit(None).await.unwrap();
        assert_eq!((check.broken, check.events), (None, 5), "{}", t.backend);
        reopened
            .take(&["C-1".to_string()], "alice", DEFAULT_LEASE)
            .await
            .unwrap();
        assert_eq!(reopened.verify_audit(None).await.unwrap().events, 6);
        // A later event without a hash is never sealed: it is reported.
        let forged = "INSERT INTO events (at, actor, kind) SELECT at, 'mallory', kind FROM events \
                      WHERE id = (SELECT MAX(id) FROM events)";
        raw(&t, &[forged]).await.unwrap();
        let reopened = Store::open(&t.url).await.unwrap();
        let (_, why) = reopened.verify_audit(None).await.unwrap().broken.unwrap();
        assert!(why.contains("no hash"), "{}: {why}", t.backend);
    }
}
