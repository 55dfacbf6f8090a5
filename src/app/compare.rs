//! The compare view's logic: every party of a contest side by side, one column each (the incumbent
//! association too), so the reviewer can weigh their PoE and act on one party without leaving it.
//!
//! The parties are the claims it was opened on plus every claim competing with them, read in one
//! request; once a decision closes some of them they stay in view (their ids are remembered), so
//! the reviewer sees what was done.

use super::effect::Effect;
use super::keymap::Command;
use super::next::{Next, Step};
use super::state::State;
use super::view::Screen;
use super::view::{contest_parties, recipient, CompareView, Loadable, Modal, Purpose, Recipient};
use crate::domain::{Status, Visibility};
use crate::model::ClaimView;

pub use super::view::compare::{label, parties, Column};

/// Opens the compare view on `claim_id` (contested claims only; the caller checks).
pub fn open(
    state: &mut State,
    claim_id: String,
    back_to: Screen,
    then: Option<Command>,
) -> Vec<Effect> {
    let req_id = state.next_req();
    state.compare = Some(CompareView {
        claim_id: claim_id.clone(),
        claim_ids: vec![claim_id.clone()],
        parties: Loadable::Loading(req_id),
        pending: Some(req_id),
        focus: 0,
        first_column: 0,
        scroll: 0,
        poe_open: false,
        poe_scroll: 0,
        back_to,
        then,
    });
    state.screen = Screen::Compare;
    vec![Effect::LoadCompare {
        req_id,
        claim_ids: vec![claim_id],
    }]
}

/// Reads the contest again (after a write, or someone else changed it), keeping it on screen.
pub fn reload(state: &mut State) -> Vec<Effect> {
    let req_id = state.next_req();
    let Some(c) = &mut state.compare else {
        return Vec::new();
    };
    c.pending = Some(req_id);
    if !matches!(c.parties, Loadable::Loaded(_)) {
        c.parties = Loadable::Loading(req_id);
    }
    vec![Effect::LoadCompare {
        req_id,
        claim_ids: c.claim_ids.clone(),
    }]
}

/// Takes the contest's claims if they answer the newest read; the editor's guard may want them
/// too.
pub fn loaded(state: &mut State, req_id: u64, result: Result<Vec<ClaimView>, String>) -> Step {
    let Some(c) = &mut state.compare else {
        return Step::default();
    };
    if c.pending != Some(req_id) {
        return Step::default();
    }
    c.pending = None;
    let first_load = !matches!(c.parties, Loadable::Loaded(_));
    match result {
        Ok(views) => {
            for v in &views {
                if !c.claim_ids.contains(&v.claim.claim_id) {
                    c.claim_ids.push(v.claim.claim_id.clone());
                }
            }
            if first_load {
                c.focus = super::view::compare::parties(&views)
                    .iter()
                    .position(|p| p.iter().any(|v| v.claim.claim_id == c.claim_id))
                    .unwrap_or(0);
            }
            c.parties = Loadable::Loaded(views);
            let columns = c.columns().len();
            c.focus = c.focus.min(columns.saturating_sub(1));
        }
        Err(e) => {
            if first_load {
                c.parties = Loadable::Failed(e);
            } else {
                state.notice = Some(format!("Reloading the contest failed: {e}"));
            }
        }
    }
    keep_focus_visible(state);
    match state.compare.as_mut().and_then(|c| c.then.take()) {
        Some(command) => self::command(state, command),
        None => Step::default(),
    }
}

/// Scrolls sideways so the focused column shows.
pub fn keep_focus_visible(state: &mut State) {
    let shown = state.viewport.compare_columns.max(1);
    if let Some(c) = &mut state.compare {
        if c.focus < c.first_column {
            c.first_column = c.focus;
        } else if c.focus >= c.first_column + shown {
            c.first_column = c.focus + 1 - shown;
        }
        let columns = c.columns().len();
        c.first_column = c.first_column.min(columns.saturating_sub(shown));
    }
}

/// A compare command (no modal open).
pub fn command(state: &mut State, command: Command) -> Step {
    let Some(c) = &mut state.compare else {
        state.screen = Screen::Queue;
        return Step::default();
    };
    if c.poe_open {
        let max = state.viewport.poe_max_scroll;
        match command {
            Command::Back | Command::Quit | Command::Open => c.poe_open = false,
            Command::Down => c.poe_scroll = (c.poe_scroll + 1).min(max),
            Command::Up => c.poe_scroll = c.poe_scroll.saturating_sub(1),
            Command::FocusLeft | Command::FocusRight => {
                move_focus(state, command);
                if let Some(c) = &mut state.compare {
                    c.poe_scroll = 0;
                }
            }
            _ => {}
        }
        return Step::default();
    }
    let max = state.viewport.compare_max_scroll;
    match command {
        Command::FocusLeft | Command::FocusRight => move_focus(state, command),
        Command::Down => c.scroll = (c.scroll + 1).min(max),
        Command::Up => c.scroll = c.scroll.saturating_sub(1),
        Command::PageDown => c.scroll = (c.scroll + 10).min(max),
        Command::PageUp => c.scroll = c.scroll.saturating_sub(10),
        Command::Top => c.scroll = 0,
        Command::Bottom => c.scroll = max,
        Command::Open => {
            if c.focused().is_some() {
                c.poe_open = true;
                c.poe_scroll = 0;
            } else {
                state.notice = Some("The incumbent has no claim or PoE here".into());
            }
        }
        Command::Refresh => return reload(state).into(),
        Command::Back | Command::Quit => {
            state.screen = c.back_to;
            state.compare = None;
            if state.screen == Screen::Detail && state.detail.is_none() {
                state.screen = Screen::Queue;
            }
        }
        Command::RequestInfo if c.parties.loaded().is_some() => state.modal = Modal::InfoScope,
        Command::Comment => return comment(state),
        Command::Approve | Command::Reject | Command::Withdraw => {
            return act_on_focus(state, command)
        }
        _ => {}
    }
    Step::default()
}

fn move_focus(state: &mut State, command: Command) {
    if let Some(c) = &mut state.compare {
        let last = c.columns().len().saturating_sub(1);
        c.focus = match command {
            Command::FocusLeft => c.focus.saturating_sub(1),
            _ => (c.focus + 1).min(last),
        };
    }
    keep_focus_visible(state);
}

/// The focused claim and the whole contest, or a notice saying why there is none.
fn focus_and_contest(state: &mut State) -> Option<(ClaimView, Vec<ClaimView>)> {
    let c = state.compare.as_ref()?;
    let Some(views) = c.parties.loaded() else {
        state.notice = Some("The contest is still loading".into());
        return None;
    };
    match c.focused() {
        Some(view) => Some((view.clone(), views.clone())),
        None => {
            state.notice =
                Some("The incumbent holds an association, not a claim: nothing to act on".into());
            None
        }
    }
}

fn comment(state: &mut State) -> Step {
    let Some((view, views)) = focus_and_contest(state) else {
        return Step::default();
    };
    Step::then(Next::Editor {
        purpose: Purpose::Comment(recipient(&view)),
        visibility: Visibility::Internal,
        parties: Some(contest_parties(&views)),
    })
}

fn act_on_focus(state: &mut State, command: Command) -> Step {
    let Some((view, views)) = focus_and_contest(state) else {
        return Step::default();
    };
    let parties = Some(contest_parties(&views));
    Step::then(Next::Decide {
        command,
        view: Box::new(view),
        contest: views,
        parties,
    })
}

/// `o` or `a` after `r`: the request goes to the focused party, or to every open party (each
/// open claim of the party: a partner's claims under its other MPNs too).
pub fn info_scope(state: &mut State, command: Command) -> Step {
    state.modal = Modal::None;
    let all = match command {
        Command::InfoFocused => false,
        Command::InfoAll => true,
        _ => return Step::default(),
    };
    let Some((view, views)) = focus_and_contest(state) else {
        return Step::default();
    };
    let can_ask = |v: &ClaimView| v.claim.status.can_become(Status::InfoRequested);
    let chosen: Vec<&ClaimView> = if all {
        views.iter().filter(|v| v.claim.status.is_open()).collect()
    } else {
        // The focused party: each of its open claims (the lead one even if it is not open).
        super::view::compare::parties(&views)
            .into_iter()
            .find(|p| p.iter().any(|v| v.claim.claim_id == view.claim.claim_id))
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.claim.claim_id == view.claim.claim_id || v.claim.status.is_open())
            .collect()
    };
    let (askable, waiting): (Vec<&ClaimView>, Vec<&ClaimView>) =
        chosen.into_iter().partition(|v| can_ask(v));
    let skipped: Vec<String> = waiting
        .iter()
        .map(|v| {
            format!(
                "{} is {}",
                v.claim.claim_id,
                v.claim.status.label().to_lowercase()
            )
        })
        .collect();
    if askable.is_empty() {
        state.notice = Some(format!(
            "No information can be requested: {} (m adds a partner-visible comment)",
            skipped.join(", ")
        ));
        return Step::default();
    }
    if !skipped.is_empty() {
        state.notice = Some(format!("Not asked: {}", skipped.join(", ")));
    }
    let targets: Vec<Recipient> = askable.into_iter().map(recipient).collect();
    Step::then(Next::Editor {
        purpose: Purpose::Info(targets),
        visibility: Visibility::Partner,
        parties: Some(contest_parties(&views)),
    })
}

/// The parties an information request to "all" would go to: those with an open claim that can
/// still be asked (what the scope prompt counts; `a` asks each such claim of each party).
pub fn askable(views: &[ClaimView]) -> usize {
    super::view::compare::parties(views)
        .iter()
        .filter(|p| {
            p.iter()
                .any(|v| v.claim.status.can_become(Status::InfoRequested))
        })
        .count()
}
