//! Every queue window is an index range on SQLite: a million claims must open as fast as a
//! hundred. This fails the moment a queue query falls back to a table scan or a sort.

mod common;

use chrono::Utc;
use claimdesk::store::*;

fn key(sort: QueueSort) -> SortKey {
    SortKey {
        value: match sort {
            QueueSort::Urgency | QueueSort::Newest => SortValue::Time(Utc::now()),
            _ => SortValue::Text("m".into()),
        },
        claim_id: "C-1".into(),
    }
}

#[tokio::test]
async fn every_queue_window_reads_an_index_range_without_sorting() {
    let t = common::sqlite().await;
    for tab in QueueTab::ALL {
        for sort in QueueSort::ALL {
            for anchor in [
                Anchor::First,
                Anchor::Last,
                Anchor::After(key(sort)),
                Anchor::Before(key(sort)),
            ] {
                let query = QueueQuery {
                    tab,
                    sort,
                    reverse: false,
                    filter: String::new(),
                    reviewer: "alice".into(),
                    anchor: anchor.clone(),
                    limit: 60,
                    behind: None,
                };
                let plan = t
                    .store
                    .explain_queue_page(&query)
                    .await
                    .unwrap()
                    .join(" / ");
                assert!(
                    plan.contains("USING") && plan.contains("INDEX"),
                    "{tab:?} {sort:?} {anchor:?}: {plan}"
                );
                assert!(
                    !plan.contains("SCAN claims\u{20}/") && plan != "SCAN claims",
                    "{plan}"
                );
                // A reviewer's Mine (the claims they hold or a lead assigned them) is few
                // claims, read through two partial indexes (holder, assignee): only there may
                // the database sort.
                if tab != QueueTab::Mine {
                    assert!(
                        !plan.contains("TEMP B-TREE"),
                        "{tab:?} {sort:?} {anchor:?}: {plan}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_filter_of_three_or_more_characters_uses_the_trigram_index() {
    let t = common::sqlite().await;
    for tab in QueueTab::ALL {
        let query = QueueQuery {
            tab,
            sort: QueueSort::Urgency,
            reverse: false,
            filter: "Contoso".into(),
            reviewer: "alice".into(),
            anchor: Anchor::First,
            limit: 60,
            behind: None,
        };
        let plan = t
            .store
            .explain_queue_page(&query)
            .await
            .unwrap()
            .join(" / ");
        assert!(
            plan.contains("claims_fts VIRTUAL TABLE INDEX 0:L"),
            "{tab:?}: {plan}"
        );
    }
}

/// The store opened again on the same PostgreSQL schema with sequential scans and sorts priced
/// out: what remains in a plan is what an index can do. (On a test-sized table the planner would
/// rightly pick a scan and a sort; at a million rows it picks the index when there is one.)
async fn pg_without_scans_or_sorts(t: &common::TestStore) -> Store {
    let url = format!(
        "{}%20-c%20enable_seqscan%3Doff%20-c%20enable_sort%3Doff",
        t.url
    );
    Store::open(&url).await.unwrap()
}

#[tokio::test]
async fn every_queue_window_has_an_index_in_its_order_on_postgres() {
    let Some(t) = common::postgres().await else {
        return;
    };
    let store = pg_without_scans_or_sorts(&t).await;
    for tab in QueueTab::ALL {
        for sort in QueueSort::ALL {
            for anchor in [
                Anchor::First,
                Anchor::Last,
                Anchor::After(key(sort)),
                Anchor::Before(key(sort)),
            ] {
                let query = QueueQuery {
                    tab,
                    sort,
                    reverse: false,
                    filter: String::new(),
                    reviewer: "alice".into(),
                    anchor: anchor.clone(),
                    limit: 60,
                    behind: None,
                };
                let plan = store.explain_queue_page(&query).await.unwrap().join(" / ");
                assert!(
                    plan.contains("Index"),
                    "{tab:?} {sort:?} {anchor:?}: {plan}"
                );
                assert!(
                    !plan.contains("Seq Scan"),
                    "{tab:?} {sort:?} {anchor:?}: {plan}"
                );
                if tab != QueueTab::Mine || sort == QueueSort::Urgency {
                    assert!(
                        !plan.contains("Sort"),
                        "{tab:?} {sort:?} {anchor:?}: {plan}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_filter_can_use_the_trigram_index_on_postgres() {
    let Some(t) = common::postgres().await else {
        return;
    };
    let store = pg_without_scans_or_sorts(&t).await;
    let query = QueueQuery {
        tab: QueueTab::All,
        sort: QueueSort::Urgency,
        reverse: false,
        filter: "Contoso".into(),
        reviewer: "alice".into(),
        anchor: Anchor::First,
        limit: 60,
        behind: None,
    };
    let plan = store.explain_queue_page(&query).await.unwrap().join(" / ");
    assert!(
        plan.contains("claims_search_trgm") || plan.contains("Index Scan"),
        "{plan}"
    );
}

/// The index definitions of the claims table, by name.
async fn index_definitions(t: &common::TestStore) -> Vec<(String, String)> {
    use sqlx::Connection;
    let sql = match t.backend {
        "sqlite" => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'
             AND sql IS NOT NULL ORDER BY name"
        }
        _ => {
            "SELECT indexname::text, indexdef::text FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename = 'claims' ORDER BY indexname"
        }
    };
    let rows: Vec<(String, String)> = if t.backend == "sqlite" {
        let mut conn = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(&t.url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    };
    // The same definition, however it was spaced.
    rows.into_iter()
        .map(|(name, sql)| (name, sql.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

#[tokio::test]
async fn indexes_suspended_for_a_bulk_load_come_back_exactly_as_migrated() {
    for t in common::stores().await {
        let migrated = index_definitions(&t).await;
        assert!(migrated.len() >= 14, "{}: {migrated:?}", t.backend);
        t.store.suspend_indexes().await.unwrap();
        let suspended = index_definitions(&t).await;
        assert!(
            suspended.len() <= 2,
            "{}: only the PK and the group index stay: {suspended:?}",
            t.backend
        );
        // Opening the store again repairs what an interrupted load left behind.
        let reopened = Store::open(&t.url).await.unwrap();
        assert_eq!(index_definitions(&t).await, migrated, "{}", t.backend);
        reopened.suspend_indexes().await.unwrap();
        t.store.ensure_indexes().await.unwrap();
        assert_eq!(index_definitions(&t).await, migrated, "{}", t.backend);
    }
}
