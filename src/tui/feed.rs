//! The change feed as sessions receive it: one listener on the store (`Store::watch`) shared
//! through a broadcast channel, so the local workbench runs one for itself and `serve` one for all
//! its sessions (each session costs no database connection of its own for it).

use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::AbortHandle;

use crate::model::Change;
use crate::store::Store;

/// What a session reads the change feed from. `Lagged` (the session fell more than
/// `CAPACITY` reports behind) is taken as "anything may have changed".
pub type Feed = broadcast::Receiver<Change>;

/// Reports kept for a slow session before it lags (an import of many claims is one report;
/// 100,000 events written one by one would be ~200).
const CAPACITY: usize = 4096;

/// One listener on the store, shared by every session that subscribes. Stops when dropped.
#[derive(Debug)]
pub struct SharedFeed {
    tx: broadcast::Sender<Change>,
    task: AbortHandle,
}

impl SharedFeed {
    /// Starts listening after the store's newest event. Subscribe before a session's first read
    /// so nothing committed after that read is missed. If the store cannot be read now, the feed
    /// says so (`Change::Offline`) and keeps trying; once it can, it says `Online`.
    pub async fn start(store: &Store) -> SharedFeed {
        let (tx, _) = broadcast::channel(CAPACITY);
        let first = store.last_event_id().await;
        let store = store.clone();
        let sender = tx.clone();
        let task = tokio::spawn(async move {
            let after = match first {
                Ok(id) => id,
                Err(e) => {
                    let _ = sender.send(Change::Offline(e.to_string()));
                    loop {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if let Ok(id) = store.last_event_id().await {
                            let _ = sender.send(Change::Online);
                            break id;
                        }
                    }
                }
            };
            let mut changes = store.watch(after);
            while let Some(change) = changes.recv().await {
                // No session listening right now is fine: the feed runs for those to come.
                let _ = sender.send(change);
            }
        });
        SharedFeed {
            tx,
            task: task.abort_handle(),
        }
    }

    /// A receiver for one session: every report from now on.
    pub fn subscribe(&self) -> Feed {
        self.tx.subscribe()
    }
}

impl Drop for SharedFeed {
    fn drop(&mut self) {
        self.task.abort();
    }
}
