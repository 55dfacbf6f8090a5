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
                    filter: String::new(),
                    reviewer: "alice".into(),
                    anchor: anchor.clone(),
                    limit: 60,
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
                // A reviewer's own held claims are few; only there may the database sort.
                if tab != QueueTab::Mine || sort == QueueSort::Urgency {
                    assert!(
                        !plan.contains("TEMP B-TREE"),
                        "{tab:?} {sort:?} {anchor:?}: {plan}"
                    );
                }
            }
        }
    }
}
