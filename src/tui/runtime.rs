//! The event loop: one `tokio::select!` over terminal events, store results, a one-second tick
//! (the countdowns) and SIGTERM/SIGHUP. Every queued event is applied before drawing once, so key
//! repeat over SSH costs one frame per batch. Store work runs as tasks; the loop never awaits the
//! database, and the first frame is drawn before the first query answers. Other reviewers'
//! changes arrive from the store's change feed and re-read what is on screen.

use std::future::poll_fn;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use anyhow::{bail, Context};
use chrono::Utc;
use crossterm::event::EventStream;
use futures::{FutureExt, StreamExt};
use ratatui::DefaultTerminal;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use super::events;
use crate::app::{feed, update, Effect, Msg, State, WriteError, WriteErrorKind};
use crate::store::{Anchor, QueueQuery, QueueRow, SortKey, Store, StoreError};
use crate::ui::{self, Theme};

/// Set by the panic hook: a panic anywhere (also in a task) ends the loop before it draws again
/// on a terminal the hook has already restored.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// What a finished task reports: a message for `update`, or a panic's description.
type TaskResult = Result<Msg, String>;

/// Sets the terminal up, runs the loop, and restores the terminal whatever happened.
pub async fn run(store: Store, mut state: State, themes: Vec<Theme>) -> anyhow::Result<()> {
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        previous(info);
    }));
    let result = event_loop(&mut terminal, store, &mut state, &themes).await;
    // After SIGHUP the terminal may be gone: restoring can fail, and that is fine.
    let _ = ratatui::try_restore();
    result
}

async fn event_loop(
    terminal: &mut DefaultTerminal,
    store: Store,
    state: &mut State,
    themes: &[Theme],
) -> anyhow::Result<()> {
    let (tx, mut rx) = unbounded_channel::<TaskResult>();
    let mut terminal_events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut queued = vec![Msg::Start];
    let mut scroller = super::scroll::Scroller::default();
    spawn_watcher(&store, tx.clone());

    loop {
        for msg in queued.drain(..) {
            for effect in update(state, msg) {
                if state.quit && matches!(effect, Effect::SaveDraft { .. }) {
                    // Quitting with unsaved text: save it before the loop ends (bounded wait).
                    let save = run_effect(&store, effect);
                    let _ = tokio::time::timeout(Duration::from_secs(3), save).await;
                } else {
                    spawn_effect(&store, effect, tx.clone());
                }
            }
        }
        if state.quit {
            return Ok(());
        }
        if PANICKED.load(Ordering::SeqCst) {
            bail!("claimdesk stopped after an internal error (see the panic message above)");
        }
        let theme = &themes[state.theme.min(themes.len().saturating_sub(1))];
        let mut viewport = state.viewport;
        scroller.before_draw(terminal, state)?;
        let drawn = terminal.draw(|frame| viewport = ui::render(frame, state, theme))?;
        if viewport != state.viewport {
            // The geometry changed (first frame, resize): page by what is really on screen.
            for effect in update(state, Msg::Viewport(viewport)) {
                spawn_effect(&store, effect, tx.clone());
            }
            let drawn = terminal.draw(|frame| {
                ui::render(frame, state, theme);
            })?;
            scroller.after_draw(drawn.buffer, state);
        } else {
            scroller.after_draw(drawn.buffer, state);
        }

        tokio::select! {
            event = terminal_events.next() => match event {
                Some(Ok(event)) => queued.extend(events::to_msg(&event)),
                Some(Err(e)) => return Err(e).context("cannot read the terminal"),
                None => return Ok(()),
            },
            Some(result) = rx.recv() => match result {
                Ok(msg) => queued.push(msg),
                Err(panic) => bail!("claimdesk stopped after an internal error: {panic}"),
            },
            _ = tick.tick() => queued.push(Msg::Tick(Utc::now())),
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
        }
        // Take everything else already waiting, then draw once. Polled with this task's own
        // waker: a throwaway waker (`now_or_never`) would swallow crossterm's wake-up.
        while let Poll::Ready(Some(event)) =
            poll_fn(|cx| Poll::Ready(terminal_events.poll_next_unpin(cx))).await
        {
            queued.extend(events::to_msg(&event.context("cannot read the terminal")?));
        }
        while let Ok(result) = rx.try_recv() {
            match result {
                Ok(msg) => queued.push(msg),
                Err(panic) => bail!("claimdesk stopped after an internal error: {panic}"),
            }
        }
    }
}

/// Runs one effect as a task; its result (or its panic) comes back on `tx`.
fn spawn_effect(store: &Store, effect: Effect, tx: UnboundedSender<TaskResult>) {
    let store = store.clone();
    tokio::spawn(async move {
        let result = AssertUnwindSafe(run_effect(&store, effect))
            .catch_unwind()
            .await
            .map_err(|panic| {
                panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a background task panicked".to_string())
            });
        // A closed channel means the loop has ended; the answer is no longer wanted.
        let _ = tx.send(result);
    });
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
        } => Msg::CountsLoaded {
            req_id,
            result: store.tab_counts(&reviewer, &filter).await.map_err(text),
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
        Effect::LoadCompare { req_id, claim_ids } => Msg::CompareLoaded {
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
        } => Msg::DraftStored {
            result: store
                .save_draft(&login, &key, visibility, &body)
                .await
                .map_err(text),
            key,
        },
        Effect::DiscardDraft { login, key } => Msg::DraftStored {
            result: store.discard_draft(&login, &key).await.map_err(text),
            key,
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
        } => Msg::Written {
            req_id,
            result: store.decide(&decisions, &login).await.map_err(write_error),
        },
        Effect::Hold(effect) => super::holds::run(store, effect).await,
    }
}

/// Sorts a store error by what the reviewer should do: reload (stale, refused) or retry (failed).
fn write_error(e: StoreError) -> WriteError {
    let kind = match &e {
        StoreError::Stale { .. } => WriteErrorKind::Stale,
        StoreError::Held { .. }
        | StoreError::Transition { .. }
        | StoreError::AlreadyApproved { .. }
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

/// Forwards other sessions' changes (and the feed going offline or back) to the loop.
fn spawn_watcher(store: &Store, tx: UnboundedSender<TaskResult>) {
    let store = store.clone();
    tokio::spawn(async move {
        let after = match store.last_event_id().await {
            Ok(id) => id,
            Err(e) => {
                let _ = tx.send(Ok(Msg::StoreOffline(Some(e.to_string()))));
                return;
            }
        };
        let mut changes = store.watch(after);
        // Anything that changed between the first reads and now is older than `after`: read the
        // screen once more so it is not missed.
        if tx
            .send(Ok(Msg::StoreChanged {
                claim_ids: Vec::new(),
            }))
            .is_err()
        {
            return;
        }
        while let Some(change) = changes.recv().await {
            for msg in feed::msgs(change) {
                if tx.send(Ok(msg)).is_err() {
                    return;
                }
            }
        }
    });
}
