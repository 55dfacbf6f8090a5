//! Live refresh through the app's own message loop, on every backend: another connection takes
//! and comments on a claim, and a running session's `State` shows it (and says who did it)
//! within a second. The loop here is the runtime's without a terminal: `update`, then each effect
//! run against the store with `tui::run_effect`, the change feed turned into messages by
//! `app::feed::msgs`, exactly as the runtime delivers them.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use claimdesk::app::{feed, update, Key, KeyCode, Keymap, Msg, Screen, State};
use claimdesk::config::Config;
use claimdesk::domain::Visibility;
use claimdesk::store::{Audit, AuditMode, Change, Seen, Store, DEFAULT_LEASE};
use tokio::sync::mpsc::Receiver;

/// Applies `msgs`, then runs every effect they call for (and the effects of the answers) until
/// the session is idle, as the runtime would.
async fn settle(store: &Store, state: &mut State, msgs: Vec<Msg>) {
    let mut queue: std::collections::VecDeque<Msg> = msgs.into();
    while let Some(msg) = queue.pop_front() {
        for effect in update(state, msg) {
            queue.push_back(claimdesk::tui::run_effect(store, effect).await);
        }
    }
}

/// Feeds the change feed's reports into the session until `done` holds, or fails after 1 s.
async fn wait_for(
    store: &Store,
    state: &mut State,
    changes: &mut Receiver<Change>,
    what: &str,
    done: impl Fn(&State) -> bool,
) -> Duration {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(1);
    while !done(state) {
        let left = deadline.saturating_duration_since(Instant::now());
        let change = tokio::time::timeout(left, changes.recv())
            .await
            .unwrap_or_else(|_| panic!("{what}: not seen within a second"))
            .expect("the change feed stopped");
        settle(store, state, feed::msgs(change)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn another_sessions_take_and_comment_reach_a_running_session_within_a_second() {
    for t in common::stores().await {
        let jsonl = claimdesk::demo::jsonl(&Config::default(), Utc::now());
        let batch = claimdesk::interchange::parse_reader(jsonl.as_bytes())
            .unwrap()
            .expect("the demo data imports");
        let audit = Audit {
            actor: "importer".into(),
            mode: AuditMode::PerClaim,
        };
        t.store.import(&batch, &audit).await.unwrap();

        // alice's session: started, the queue read, the feed running.
        let store = t.store.clone();
        let mut state = State::new(
            &Config::default(),
            Keymap::default(),
            "alice",
            vec!["dark".into()],
            0,
            Utc::now(),
        );
        settle(&store, &mut state, vec![Msg::Start]).await;
        let claim_id = state.queue.selected().expect("a claim").claim_id.clone();
        let mut changes = store.watch(store.last_event_id().await.unwrap());
        // alice opens the claim.
        settle(
            &store,
            &mut state,
            vec![Msg::Key(Key::plain(KeyCode::Enter))],
        )
        .await;
        assert_eq!(state.screen, Screen::Detail);

        // bob, on another connection, takes it.
        let other = Store::open(&t.url).await.unwrap();
        other
            .take(std::slice::from_ref(&claim_id), "bob", DEFAULT_LEASE)
            .await
            .unwrap();
        let took = wait_for(&store, &mut state, &mut changes, "bob's take", |s| {
            s.notice.as_deref() == Some(format!("bob took {claim_id}").as_str())
        })
        .await;
        let now = Utc::now();
        let row = state
            .queue
            .window
            .rows
            .iter()
            .find(|r| r.claim_id == claim_id);
        assert_eq!(
            row.and_then(|r| r.holder(now)),
            Some("bob"),
            "{}",
            t.backend
        );
        let view = &state
            .detail
            .as_ref()
            .unwrap()
            .claim
            .loaded()
            .unwrap()
            .as_ref()
            .unwrap()
            .view;
        assert_eq!(view.holder(now), Some("bob"), "{}", t.backend);

        // carol comments on it (in single-reviewer mode everyone may).
        let version = other.claim(&claim_id).await.unwrap().unwrap().version;
        let seen = Seen {
            claim_id: claim_id.clone(),
            version,
        };
        other
            .comment(
                &seen,
                "carol",
                Visibility::Internal,
                "Checked the PoE dates.",
            )
            .await
            .unwrap();
        let commented = wait_for(&store, &mut state, &mut changes, "carol's comment", |s| {
            // Told after bob's take while that news still shows.
            s.notice
                .as_deref()
                .is_some_and(|n| n == format!("bob took {claim_id}; carol commented on {claim_id}"))
        })
        .await;
        let detail = state
            .detail
            .as_ref()
            .unwrap()
            .claim
            .loaded()
            .unwrap()
            .as_ref()
            .unwrap();
        assert!(
            detail
                .view
                .claim
                .comments
                .iter()
                .any(|c| c.body == "Checked the PoE dates."),
            "{}: the open claim was re-read",
            t.backend
        );
        eprintln!(
            "{}: take seen in {took:?}, comment in {commented:?}",
            t.backend
        );

        // alice's own act reloads but tells her nothing.
        state.notice = None;
        other
            .release(std::slice::from_ref(&claim_id), "alice")
            .await
            .unwrap();
        wait_for(&store, &mut state, &mut changes, "alice's release", |s| {
            s.queue
                .window
                .rows
                .iter()
                .any(|r| r.claim_id == claim_id && r.holder(Utc::now()).is_none())
        })
        .await;
        assert_eq!(state.notice, None, "{}", t.backend);
    }
}
