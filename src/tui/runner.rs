//! The effect runner: every `Effect` becomes a tokio task against the store, and its answer
//! comes back to the event loop as a `Msg`. Reads and waits have a slot each (queue window,
//! counts, claim, contest, draft, ...): a newer request aborts the task it supersedes, so a
//! reviewer moving fast never queues up reads nobody will look at. Writes have no slot and
//! always run to the end.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::AbortHandle;

use crate::app::{Effect, Msg, Slot, WriteError, WriteErrorKind};
use crate::store::{
    Anchor, DashboardPeriod, DraftSave, QueueQuery, QueueRow, SortKey, Store, StoreError,
};

/// What a finished task reports: a message for `update`, or a panic's description.
pub type TaskResult = Result<Msg, String>;

/// Runs effects as tasks, one per slot for reads.
pub struct Runner {
    store: Store,
    tx: UnboundedSender<TaskResult>,
    slots: HashMap<Slot, AbortHandle>,
    /// Preference saves, in the order they were asked for (see `Ordered`).
    preferences: Ordered,
}

/// Saves that must land in the order they were asked for, though their tasks run at once: each
/// gets a number when it is started, and one that finds a later number already written writes
/// nothing (the theme, sort and tab are saved as each changes; an older state must never land
/// over a newer one).
#[derive(Clone, Default)]
struct Ordered {
    next: u64,
    written: std::sync::Arc<tokio::sync::Mutex<u64>>,
}

impl Ordered {
    /// The effect as a future that writes only if nothing newer has been written.
    fn run(&mut self, store: Store, effect: Effect) -> impl std::future::Future<Output = Msg> {
        self.next += 1;
        let (number, written) = (self.next, self.written.clone());
        async move {
            let mut last = written.lock().await;
            if *last > number {
                return Msg::PreferencesSaved(Ok(()));
            }
            let msg = run_effect(&store, effect).await;
            *last = number;
            msg
        }
    }
}

impl Runner {
    /// A runner on `store` and the receiver its answers arrive on.
    pub fn new(store: Store) -> (Runner, UnboundedReceiver<TaskResult>) {
        let (tx, rx) = unbounded_channel();
        let runner = Runner {
            store,
            tx,
            slots: HashMap::new(),
            preferences: Ordered::default(),
        };
        (runner, rx)
    }

    /// Starts `effect`; a read aborts the older read of its slot.
    pub fn spawn(&mut self, effect: Effect) {
        let slot = effect.slot();
        let work = self.run(effect);
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let result = AssertUnwindSafe(work)
                .catch_unwind()
                .await
                .map_err(|panic| {
                    panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "a background task panicked".to_string())
                });
            // A closed channel means the session has ended; the answer is no longer wanted.
            let _ = tx.send(result);
        });
        if let Some(slot) = slot {
            if let Some(older) = self.slots.insert(slot, task.abort_handle()) {
                older.abort();
            }
        }
    }

    /// Runs `effects` to the end, all at once, for at most `limit` (how a session ends: its draft
    /// saved and its holds released, but never held up by a store that does not answer).
    pub async fn finish(&mut self, effects: Vec<Effect>, limit: std::time::Duration) -> bool {
        let work: Vec<_> = effects.into_iter().map(|effect| self.run(effect)).collect();
        tokio::time::timeout(limit, futures::future::join_all(work))
            .await
            .is_ok()
    }

    /// The future that runs `effect` (preference saves in the order they were asked for).
    fn run(&mut self, effect: Effect) -> futures::future::BoxFuture<'static, Msg> {
        let store = self.store.clone();
        if matches!(effect, Effect::SavePreferences { .. }) {
            return Box::pin(self.preferences.run(store, effect));
        }
        Box::pin(async move { run_effect(&store, effect).await })
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        for (_, task) in self.slots.drain() {
            task.abort();
        }
    }
}

/// Runs one effect against the store and returns its answer (what a task sends back).
pub async fn run_effect(store: &Store, effect: Effect) -> Msg {
    let text = |e: StoreError| e.to_string();
    match effect {
        Effect::LoadQueue { req_id, query } => Msg::QueueLoaded {
            req_id,
            result: store.queue_page(&query).await.map_err(text),
        },
        Effect::ReloadQueueFrom {
            req_id,
            query,
            from,
        } => Msg::QueueLoaded {
            req_id,
            result: reload_from(store, query, from).await.map_err(text),
        },
        Effect::LoadCounts {
            req_id,
            reviewer,
            filter,
            behind,
        } => Msg::CountsLoaded {
            req_id,
            result: store
                .tab_counts_within(&reviewer, &filter, behind.as_ref())
                .await
                .map_err(text),
        },
        Effect::LoadDashboard {
            req_id,
            calendar,
            policy,
            until,
        } => Msg::DashboardLoaded {
            req_id,
            result: store
                .dashboard(&calendar, &policy, &DashboardPeriod::at(until))
                .await
                .map(Box::new)
                .map_err(text),
        },
        Effect::LoadClaim { req_id, claim_id } => Msg::ClaimLoaded {
            req_id,
            result: store
                .claim_detail(&claim_id)
                .await
                .map(|d| d.map(Box::new))
                .map_err(text),
        },
        Effect::SettleFilter { req_id, after } => {
            tokio::time::sleep(after).await;
            Msg::FilterSettled { req_id }
        }
        Effect::LoadCompare { req_id, claim_ids }
        | Effect::LoadGuardParties { req_id, claim_ids } => Msg::CompareLoaded {
            req_id,
            result: store.contest(&claim_ids).await.map_err(text),
        },
        Effect::LoadDraft { req_id, login, key } => Msg::DraftLoaded {
            req_id,
            result: store.draft(&login, &key).await.map_err(text),
        },
        Effect::DraftTimer { token, after } => {
            tokio::time::sleep(after).await;
            Msg::DraftDue { token }
        }
        Effect::SaveDraft {
            login,
            key,
            visibility,
            body,
            known,
        } => {
            // Another session of the same reviewer may have changed the draft since this one
            // read or saved it: never overwrite it silently.
            let saved = store
                .save_draft_unless_changed(&login, &key, visibility, &body, known)
                .await;
            match saved {
                Ok(DraftSave::Changed { theirs }) => Msg::DraftConflict {
                    key,
                    theirs: theirs.body,
                    version: theirs.version,
                },
                Ok(DraftSave::Saved { version }) => Msg::DraftStored {
                    result: Ok(Some(version)),
                    key,
                    body,
                },
                Err(e) => Msg::DraftStored {
                    result: Err(text(e)),
                    key,
                    body,
                },
            }
        }
        Effect::SavePreferences { login, preferences } => Msg::PreferencesSaved(
            store
                .save_preferences(&login, &preferences)
                .await
                .map_err(text),
        ),
        Effect::DiscardDraft { login, key } => Msg::DraftStored {
            result: store
                .discard_draft(&login, &key)
                .await
                .map(|()| None)
                .map_err(text),
            key,
            body: String::new(),
        },
        Effect::PostComment {
            req_id,
            login,
            seen,
            visibility,
            body,
        } => Msg::Written {
            req_id,
            result: store
                .comment(&seen, &login, visibility, &body)
                .await
                .map(|_| ())
                .map_err(write_error),
        },
        Effect::RequestInfo {
            req_id,
            login,
            requests,
        } => Msg::Written {
            req_id,
            result: store
                .request_info(&requests, &login)
                .await
                .map_err(write_error),
        },
        Effect::Decide {
            req_id,
            login,
            decisions,
            guard,
        } => Msg::Written {
            req_id,
            result: store
                .decide_guarded(&decisions, &login, guard)
                .await
                .map_err(write_error),
        },
        Effect::Hold(effect) => super::holds::run(store, effect).await,
        Effect::LoadReviewers { req_id } => Msg::ReviewersLoaded {
            req_id,
            result: store.reviewers().await.map_err(|e| e.to_string()),
        },
        Effect::Assign {
            req_id,
            login,
            claim_id,
            to,
        } => Msg::Assigned {
            req_id,
            result: store
                .assign(&claim_id, &to, &login)
                .await
                .map_err(|e| e.to_string()),
        },
        // The session runs these itself; one reaching here has nothing to do.
        Effect::Terminal(_) => Msg::Tick(chrono::Utc::now()),
    }
}

/// Sorts a store error by what the reviewer should do: reload (stale, refused) or retry (failed).
fn write_error(e: StoreError) -> WriteError {
    let kind = match &e {
        StoreError::Stale { .. } => WriteErrorKind::Stale,
        StoreError::Held { .. }
        | StoreError::Transition { .. }
        | StoreError::AlreadyApproved { .. }
        | StoreError::Guarded { .. }
        | StoreError::NotAllowed(_)
        | StoreError::Invalid(_)
        | StoreError::NotFound(_) => WriteErrorKind::Refused,
        _ => WriteErrorKind::Failed,
    };
    WriteError {
        kind,
        message: e.to_string(),
    }
}

/// The window starting at `from` inclusive: the row before it, then a page after that row.
async fn reload_from(
    store: &Store,
    query: QueueQuery,
    from: SortKey,
) -> Result<Vec<QueueRow>, StoreError> {
    let before = QueueQuery {
        anchor: Anchor::Before(from),
        limit: 1,
        ..query.clone()
    };
    let anchor = match store.queue_page(&before).await?.last() {
        Some(row) => Anchor::After(row.sort_key(query.sort)),
        None => Anchor::First,
    };
    store.queue_page(&QueueQuery { anchor, ..query }).await
}
