//! Assignment: a lead presses `A` on the queue or a claim's detail, picks an active reviewer
//! from a list, and the claim with the open claims of its contest goes to that reviewer's Mine.
//!
//! The picker lists the store's active reviewers and leads (read when it opens); `Enter`
//! assigns, `Esc` cancels. A plain reviewer is told at once that only a lead assigns (the
//! store refuses it too).

use super::effect::Effect;
use super::keymap::Command;
use super::next::{Next, Step};
use super::state::State;
use super::view::{AssignPicker, Loadable, Modal};
use crate::model::{Reviewer, Role};

/// `A`: opens the picker for the claim a key acts on (a lead only).
pub fn open(state: &mut State) -> Step {
    let Some(claim_id) = super::holds::focused(state) else {
        state.notice = Some("No claim to assign here".into());
        return Step::default();
    };
    let lead = state
        .holds
        .actor
        .as_ref()
        .is_none_or(|a| a.open_mode || a.role == Role::Lead);
    if !lead {
        state.notice = Some(format!(
            "Only a lead may assign claims; {claim_id} was not assigned"
        ));
        return Step::default();
    }
    if let Some(reason) = &state.offline {
        state.notice = Some(format!("Offline ({reason}): nothing was assigned"));
        return Step::default();
    }
    let req_id = state.next_req();
    state.modal = Modal::Assign(AssignPicker {
        claim_id,
        reviewers: Loadable::Loading(req_id),
        row: 0,
        sending: None,
    });
    vec![Effect::LoadReviewers { req_id }].into()
}

/// The reviewers arrived: the active reviewers and leads, by login.
pub fn loaded(state: &mut State, req_id: u64, result: Result<Vec<Reviewer>, String>) {
    let Modal::Assign(picker) = &mut state.modal else {
        return;
    };
    if picker.reviewers != Loadable::Loading(req_id) {
        return;
    }
    picker.reviewers = match result {
        Ok(all) => Loadable::Loaded(
            all.into_iter()
                .filter(|r| r.active && r.role != Role::Integration)
                .collect(),
        ),
        Err(e) => Loadable::Failed(e),
    };
}

/// A key in the picker: move, assign to the reviewer under the cursor, or cancel.
pub fn command(state: &mut State, command: Command) -> Step {
    let login = state.reviewer.clone();
    let req_id = state.next_req();
    let Modal::Assign(picker) = &mut state.modal else {
        return Step::default();
    };
    let count = picker.reviewers.loaded().map_or(0, Vec::len);
    match command {
        Command::Down => picker.row = (picker.row + 1).min(count.saturating_sub(1)),
        Command::Up => picker.row = picker.row.saturating_sub(1),
        Command::Top => picker.row = 0,
        Command::Bottom => picker.row = count.saturating_sub(1),
        Command::Open if picker.sending.is_none() => {
            let Some(to) = picker
                .reviewers
                .loaded()
                .and_then(|r| r.get(picker.row))
                .map(|r| r.login.clone())
            else {
                return Step::default();
            };
            picker.sending = Some(req_id);
            return vec![Effect::Assign {
                req_id,
                login,
                claim_id: picker.claim_id.clone(),
                to,
            }]
            .into();
        }
        Command::Back | Command::Quit => state.modal = Modal::None,
        _ => {}
    }
    Step::default()
}

/// The store assigned the claims (or refused): say so, close the picker, re-read what shows.
pub fn assigned(state: &mut State, req_id: u64, result: Result<Vec<String>, String>) -> Step {
    let Modal::Assign(picker) = &state.modal else {
        return Step::default();
    };
    if picker.sending != Some(req_id) {
        return Step::default();
    }
    let to = picker
        .reviewers
        .loaded()
        .and_then(|r| r.get(picker.row))
        .map(|r| r.login.clone())
        .unwrap_or_default();
    let claim_id = picker.claim_id.clone();
    state.modal = Modal::None;
    state.notice = Some(match result {
        Ok(ids) if ids.is_empty() => format!("{claim_id} is already assigned to {to}"),
        Ok(ids) => format!("Assigned {} to {to}", ids.join(", ")),
        Err(e) => format!("Not assigned: {e}"),
    });
    Step::then(Next::AfterWrite)
}
