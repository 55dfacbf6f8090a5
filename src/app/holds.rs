//! Holds in the workbench: `t` takes the claim under the cursor (with its competing claims, so a
//! contest is reviewed by one person), `n` takes the most urgent claim nobody holds and opens it,
//! `u` lets go. Holds end with the session (`release_all`), not only with their lease.
//!
//! A hold is a row with a lease, never an open transaction: it lapses by itself when a reviewer
//! walks away. While the reviewer keeps working (keys pressed), the session renews the leases of
//! what it holds every few minutes. Writes need the change feed online: while it is offline the
//! reviewer cannot see others' acts, so writes are refused with a message, never queued to run
//! later on a screen that has moved on.

use std::collections::BTreeSet;

use chrono::TimeDelta;

use super::effect::{Effect, HoldEffect};
use super::feed::Touched;
use super::keymap::Command;
use super::msg::HoldMsg;
use super::next::{Next, Step};
use super::state::{Screen, State};
use super::view::{Confirm, ConfirmAction, DraftState};
use crate::model::{Role, DEFAULT_LEASE};

/// How often the leases of a working reviewer are renewed (well inside the 30-minute lease).
pub const RENEW_EVERY: TimeDelta = TimeDelta::minutes(5);

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

/// Handles `t`, `n` and `u`; `None` for any other command. Taking a claim someone else holds
/// asks first (a lead's take-over is audited and its holder told at once).
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
            if command == Command::Release {
                HoldEffect::Release { login, claim_id }
            } else if let Some(holder) = held_by_another(state, &claim_id) {
                ask_take_over(state, claim_id, holder);
                return Some(Vec::new());
            } else {
                take(login, claim_id, false)
            }
        }
    };
    Some(vec![Effect::Hold(effect)])
}

fn take(login: String, claim_id: String, take_over: bool) -> HoldEffect {
    HoldEffect::Take {
        login,
        claim_id,
        lease: DEFAULT_LEASE,
        take_over,
    }
}

/// Who else holds `claim_id` right now, as the screen shows it.
fn held_by_another(state: &State, claim_id: &str) -> Option<String> {
    let now = state.now;
    let me = state.reviewer.as_str();
    let from_row = state
        .queue
        .window
        .rows
        .iter()
        .find(|r| r.claim_id == claim_id)
        .and_then(|r| r.holder(now).map(str::to_string));
    let from_detail = state
        .detail
        .as_ref()
        .and_then(|d| d.claim.loaded())
        .and_then(|c| c.as_ref())
        .filter(|c| c.view.claim.claim_id == claim_id)
        .and_then(|c| c.view.holder(now).map(str::to_string));
    from_detail.or(from_row).filter(|who| who != me)
}

fn ask_take_over(state: &mut State, claim_id: String, holder: String) {
    let lead = state
        .holds
        .actor
        .as_ref()
        .is_none_or(|a| a.open_mode || a.role == Role::Lead);
    if !lead {
        state.notice = Some(format!(
            "{claim_id} is held by {holder}: only a lead can take it over"
        ));
        return;
    }
    state.ask(Confirm {
        title: format!("Take {claim_id} over from {holder}?"),
        lines: vec![
            format!("{holder} holds {claim_id} (and its competing claims) right now."),
            format!(
                "Taking it over is recorded as a lead's override, and {holder} is told at once."
            ),
            String::new(),
            "y: take it over · n / Esc / Enter: leave it".into(),
        ],
        action: ConfirmAction::TakeOver(claim_id),
    });
}

/// The take-over was confirmed.
pub fn take_over(state: &mut State, claim_id: String) -> Vec<Effect> {
    vec![Effect::Hold(take(state.reviewer.clone(), claim_id, true))]
}

/// Applies a hold write's outcome: says what happened in one line; what shows is re-read, and
/// the claim `n` took opens.
pub fn on_msg(state: &mut State, msg: HoldMsg) -> Step {
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
                Step::then(Next::Reread(Touched::claims(&ids)))
            }
            Err(e) => refused(state, e, &claim_id),
        },
        HoldMsg::TookNext(result) => match result {
            Ok(Some(id)) => {
                state.holds.last_renewal = Some(state.now);
                state.holds.held.insert(id.clone());
                state.echoes.expect([&id], state.now);
                state.notice = Some(format!("You hold {id} until {until}"));
                Step::then(Next::OpenTaken(id))
            }
            Ok(None) => {
                state.notice = Some("Nothing to take: every claim under review is held".into());
                Step::then(Next::Reread(Touched::everything()))
            }
            Err(e) => refused(state, e, ""),
        },
        HoldMsg::Released { claim_id, result } => match result {
            Ok(ids) if ids.is_empty() => {
                state.notice = Some(format!("Nobody holds {claim_id}: nothing to release"));
                Step::default()
            }
            Ok(ids) => {
                for id in &ids {
                    state.holds.held.remove(id);
                }
                state.notice = Some(format!("Released {}", ids.join(", ")));
                state.echoes.expect(&ids, state.now);
                Step::then(Next::Reread(Touched::claims(&ids)))
            }
            Err(e) => refused(state, e, &claim_id),
        },
        HoldMsg::Renewed(result) => {
            if let Err(e) = result {
                state.notice = Some(format!("Could not renew your holds: {e}"));
            }
            Step::default()
        }
    }
}

/// A refused write: the store's one-line reason, and the screen reloads to show why.
fn refused(state: &mut State, error: String, claim_id: &str) -> Step {
    state.notice = Some(error);
    let touched = if claim_id.is_empty() {
        Touched::everything()
    } else {
        Touched::claims([&claim_id.to_string()])
    };
    Step::then(Next::Reread(touched))
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
    // A draft saved as the reviewer types is kept for when the store is back (`save_unsaved`),
    // without a word: the text stays on screen and nothing was asked of them.
    let drafts = effects
        .iter()
        .filter(|e| matches!(e, Effect::SaveDraft { .. }))
        .count();
    if drafts > 0 {
        if let Some(editor) = state.editor_mut() {
            editor.draft = DraftState::Unsaved(format!("offline ({reason})"));
        }
    }
    let before = effects.len() - drafts;
    let reads: Vec<Effect> = effects
        .into_iter()
        .filter(|e| !matches!(e, Effect::SaveDraft { .. }))
        .filter(reads_only)
        .collect();
    if reads.len() < before {
        // The editor keeps its text and may send again once the store is back.
        if let Some(editor) = state.editor_mut() {
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
        Some(a) => match &a.via {
            Some(via) => format!("{} ({}) via {via}", a.login, a.role.code()),
            None => format!("{} ({})", a.login, a.role.code()),
        },
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
