//! Holds in the workbench: `t` takes the claim under the cursor (with its competing claims, so a
//! contest is reviewed by one person), `n` takes the most urgent claim nobody holds, `u` lets go.
//!
//! A hold is a row with a lease, never an open transaction: it lapses by itself when a reviewer
//! walks away. While the reviewer keeps working (keys pressed), the session renews the leases of
//! what it holds every few minutes. Writes need the change feed online: while it is offline the
//! reviewer cannot see others' acts, so writes are refused with a message, never queued to run
//! later on a screen that has moved on.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};

use super::effect::Effect;
use super::feed::Touched;
use super::keymap::Command;
use super::queue;
use super::state::{DetailView, Loadable, Screen, State};
use super::update::store_changed;
use crate::model::{Actor, Role, DEFAULT_LEASE};

/// How often the leases of a working reviewer are renewed (well inside the 30-minute lease).
pub const RENEW_EVERY: TimeDelta = TimeDelta::minutes(5);

/// The session's identity and holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holds {
    /// Who the reviewer is, as the store resolved them at start-up (`None`: not resolved, as in
    /// render tests).
    pub actor: Option<Actor>,
    /// Claims this session took and may still hold; renewed while the reviewer is active.
    pub held: BTreeSet<String>,
    /// The last key press.
    pub last_activity: Option<DateTime<Utc>>,
    /// The last lease written (a take or a renewal).
    pub last_renewal: Option<DateTime<Utc>>,
}

/// Hold work for the runtime (all of it writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldEffect {
    /// Hold `claim_id` and every claim competing with it for `login`; answered by `Taken`.
    Take {
        login: String,
        claim_id: String,
        lease: TimeDelta,
    },
    /// Hold the most urgent claim under review nobody holds; answered by `TookNext`.
    TakeNext { login: String, lease: TimeDelta },
    /// Let go of `claim_id` and of the competing claims `login` holds; answered by `Released`.
    Release { login: String, claim_id: String },
    /// Let go of exactly these claims (the session's holds when it ends); answered by
    /// `Released` for the first.
    LetGo {
        login: String,
        claim_ids: Vec<String>,
    },
    /// Extend `login`'s live holds on these claims (a heartbeat, not audited); answered by
    /// `Renewed`.
    Renew {
        login: String,
        claim_ids: Vec<String>,
        lease: TimeDelta,
    },
}

/// What a hold write did, or why the store refused it (one line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldMsg {
    /// These claims are now held by the reviewer (the asked-for one first).
    Taken {
        claim_id: String,
        result: Result<Vec<String>, String>,
    },
    /// The claim taken by `n`, or `None` when every claim under review is held.
    TookNext(Result<Option<String>, String>),
    /// These claims were let go (empty: the reviewer held none of them).
    Released {
        claim_id: String,
        result: Result<Vec<String>, String>,
    },
    /// A renewal finished.
    Renewed(Result<(), String>),
}

/// Remembers that the reviewer is at work (leases are renewed only for an active reviewer).
pub fn touch(state: &mut State) {
    state.holds.last_activity = Some(state.now);
}

/// The claim a key acts on: the open claim on the detail screen, the focused party in compare,
/// else the one under the cursor.
pub fn focused(state: &State) -> Option<String> {
    match (&state.screen, &state.detail, &state.compare) {
        (Screen::Detail, Some(detail), _) => Some(detail.claim_id.clone()),
        (Screen::Compare, _, Some(c)) => c.focused().map(|v| v.claim.claim_id.clone()),
        _ => state.queue.selected().map(|r| r.claim_id.clone()),
    }
}

/// Handles `t`, `n` and `u`; `None` for any other command.
pub fn command(state: &mut State, command: Command) -> Option<Vec<Effect>> {
    if !matches!(
        command,
        Command::Take | Command::TakeNext | Command::Release
    ) {
        return None;
    }
    let login = state.reviewer.clone();
    if let Some(reason) = &state.offline {
        state.notice = Some(format!(
            "Offline ({reason}): nothing was taken or released; try again once the store is back"
        ));
        return Some(Vec::new());
    }
    let effect = match command {
        Command::TakeNext => HoldEffect::TakeNext {
            login,
            lease: DEFAULT_LEASE,
        },
        _ => {
            let Some(claim_id) = focused(state) else {
                state.notice = Some("No claim here to take or release".into());
                return Some(Vec::new());
            };
            if command == Command::Take {
                HoldEffect::Take {
                    login,
                    claim_id,
                    lease: DEFAULT_LEASE,
                }
            } else {
                HoldEffect::Release { login, claim_id }
            }
        }
    };
    Some(vec![Effect::Hold(effect)])
}

/// Applies a hold write's outcome: says what happened in one line and reloads what shows.
pub fn on_msg(state: &mut State, msg: HoldMsg) -> Vec<Effect> {
    let until = state.now + DEFAULT_LEASE;
    let until = until
        .with_timezone(&state.calendar.timezone())
        .format("%H:%M");
    match msg {
        HoldMsg::Taken { claim_id, result } => match result {
            Ok(ids) => {
                state.holds.last_renewal = Some(state.now);
                state.holds.held.extend(ids.iter().cloned());
                state.notice = Some(match ids.len() {
                    0 | 1 => format!("You hold {claim_id} until {until}"),
                    n => format!(
                        "You hold {claim_id} and {} competing claim{} until {until}",
                        n - 1,
                        if n == 2 { "" } else { "s" }
                    ),
                });
                state.echoes.expect(&ids, state.now);
                store_changed(state, &Touched::claims(&ids))
            }
            Err(e) => refused(state, e, &claim_id),
        },
        HoldMsg::TookNext(result) => match result {
            Ok(Some(id)) => {
                state.holds.last_renewal = Some(state.now);
                state.holds.held.insert(id.clone());
                state.echoes.expect([&id], state.now);
                state.notice = Some(format!("You hold {id} until {until}"));
                go_to(state, id)
            }
            Ok(None) => {
                state.notice = Some("Nothing to take: every claim under review is held".into());
                store_changed(state, &Touched::everything())
            }
            Err(e) => refused(state, e, ""),
        },
        HoldMsg::Released { claim_id, result } => match result {
            Ok(ids) if ids.is_empty() => {
                state.notice = Some(format!("Nobody holds {claim_id}: nothing to release"));
                Vec::new()
            }
            Ok(ids) => {
                for id in &ids {
                    state.holds.held.remove(id);
                }
                state.notice = Some(format!("Released {}", ids.join(", ")));
                state.echoes.expect(&ids, state.now);
                store_changed(state, &Touched::claims(&ids))
            }
            Err(e) => refused(state, e, &claim_id),
        },
        HoldMsg::Renewed(result) => {
            if let Err(e) = result {
                state.notice = Some(format!("Could not renew your holds: {e}"));
            }
            Vec::new()
        }
    }
}

/// A refused write: the store's one-line reason, and the screen reloads to show why.
fn refused(state: &mut State, error: String, claim_id: &str) -> Vec<Effect> {
    state.notice = Some(error);
    let touched = if claim_id.is_empty() {
        Touched::everything()
    } else {
        Touched::claims([&claim_id.to_string()])
    };
    store_changed(state, &touched)
}

/// Puts the reviewer on the claim `n` took: the open claim switches to it; on the queue the
/// cursor moves to its row, or its detail opens when the row is outside the loaded window.
fn go_to(state: &mut State, claim_id: String) -> Vec<Effect> {
    if state.screen == Screen::Queue {
        let at = state
            .queue
            .window
            .rows
            .iter()
            .position(|r| r.claim_id == claim_id);
        if let Some(at) = at {
            state.queue.cursor = at;
            queue::keep_cursor_visible(state);
            return store_changed(state, &Touched::claims([&claim_id]));
        }
    }
    let req_id = state.next_req();
    state.screen = Screen::Detail;
    state.detail = Some(DetailView {
        claim_id: claim_id.clone(),
        claim: Loadable::Loading(req_id),
        pending: Some(req_id),
        scroll: 0,
    });
    let mut effects = vec![Effect::LoadClaim {
        req_id,
        claim_id: claim_id.clone(),
    }];
    effects.push(queue::load_counts(state));
    effects.extend(queue::refresh(state));
    effects
}

/// Once a second: renews the leases of an active reviewer every `RENEW_EVERY`, and lets the
/// news of others' acts fade.
pub fn tick(state: &mut State) -> Vec<Effect> {
    let h = &state.holds;
    let due = match (h.last_renewal, h.last_activity) {
        (Some(renewed), Some(active)) => state.now - renewed >= RENEW_EVERY && active > renewed,
        _ => false,
    };
    if !due || state.offline.is_some() {
        return Vec::new();
    }
    let mut claim_ids: BTreeSet<String> = h.held.clone();
    // A claim held from an earlier session counts too while the reviewer works on it.
    let mine = |who: Option<&str>| who == Some(state.reviewer.as_str());
    if let Some(row) = state.queue.selected().filter(|r| mine(r.holder(state.now))) {
        claim_ids.insert(row.claim_id.clone());
    }
    let open = state.detail.as_ref().and_then(|d| d.claim.loaded());
    if let Some(view) = open.and_then(|c| c.as_ref()).map(|c| &c.view) {
        if mine(view.holder(state.now)) {
            claim_ids.insert(view.claim.claim_id.clone());
        }
    }
    if claim_ids.is_empty() {
        return Vec::new();
    }
    state.holds.last_renewal = Some(state.now);
    vec![Effect::Hold(HoldEffect::Renew {
        login: state.reviewer.clone(),
        claim_ids: claim_ids.into_iter().collect(),
        lease: DEFAULT_LEASE,
    })]
}

/// Whether an effect only reads. Anything not listed writes, so a write effect added later is
/// refused while offline by default.
pub fn reads_only(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::LoadQueue { .. }
            | Effect::ReloadQueueFrom { .. }
            | Effect::LoadCounts { .. }
            | Effect::LoadClaim { .. }
            | Effect::LoadCompare { .. }
            | Effect::LoadGuardParties { .. }
            | Effect::LoadDraft { .. }
            | Effect::DraftTimer { .. }
            | Effect::SettleFilter { .. }
            | Effect::Terminal(_)
    )
}

/// Drops write effects while the change feed is offline, saying so in the status bar.
pub fn refuse_writes_offline(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let Some(reason) = state.offline.clone() else {
        return effects;
    };
    let before = effects.len();
    let reads: Vec<Effect> = effects.into_iter().filter(reads_only).collect();
    if reads.len() < before {
        // The editor keeps its text and may send again once the store is back.
        if let Some(editor) = state.editor.as_mut() {
            editor.sending = None;
        }
        state.notice = Some(format!(
            "Offline ({reason}): nothing was written; try again once the store is back"
        ));
    }
    reads
}

/// How the status bar names the reviewer: `alice (lead)`, or single-reviewer mode.
pub fn identity(state: &State) -> String {
    match &state.holds.actor {
        Some(a) if a.open_mode => format!("{} · single-reviewer mode", a.login),
        Some(a) => format!(
            "{} ({})",
            a.login,
            match a.role {
                Role::Lead => "lead",
                Role::Reviewer => "reviewer",
            }
        ),
        None => state.reviewer.clone(),
    }
}

/// The session is ending: let go of everything it took (holds end with the session, not with
/// their lease).
pub fn release_all(state: &mut State) -> Option<Effect> {
    if state.holds.held.is_empty() {
        return None;
    }
    let claim_ids: Vec<String> = std::mem::take(&mut state.holds.held).into_iter().collect();
    Some(Effect::Hold(HoldEffect::LetGo {
        login: state.reviewer.clone(),
        claim_ids,
    }))
}
