//! Decisions: approve one party of a contest (the others rejected in the same transaction),
//! approve or reject a single claim, withdraw on the partner's request.
//!
//! Every claim touched needs a reason, written or picked from domain.md's list, one claim at a
//! time in the editor; then a confirmation shows what happens to each claim and defaults to No.
//! Only moves the lifecycle allows are offered; the store checks again inside its transaction.

use super::compare::{contest_parties, recipient};
use super::editor::{self, ContestParty, Purpose, Recipient};
use super::effect::Effect;
use super::keymap::{Command, Key};
use super::state::State;
use crate::domain::reasons::{LOST_IN_ARBITRATION, WITHDRAWN_ON_REQUEST};
use crate::domain::{party_key, DecisionOutcome, Status, Visibility};
use crate::model::{ClaimView, DecisionRequest};

/// One claim's part of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The claim, at the version the reviewer saw.
    pub recipient: Recipient,
    /// Its status now (for the confirmation's "from → to").
    pub from: Status,
    /// Approved, rejected or withdrawn.
    pub outcome: DecisionOutcome,
    /// The reason, prefilled where domain.md gives the obvious one, edited by the reviewer.
    pub reason: String,
}

/// A decision being prepared: the claims it touches, and whose reason is being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPlan {
    /// Every claim touched, the one decided on first.
    pub items: Vec<Planned>,
    /// The item whose reason the editor shows.
    pub step: usize,
}

impl DecisionPlan {
    /// The claim whose reason is being written.
    pub fn current(&self) -> Option<&Planned> {
        self.items.get(self.step)
    }

    /// What the confirmation says happens to every claim touched.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.items {
            out.push(p.recipient.label.clone());
            out.push(format!(
                "  {} → {}: {}",
                p.from.label().to_lowercase(),
                p.outcome.label().to_uppercase(),
                p.reason.replace('\n', " ")
            ));
        }
        out
    }

    /// The status-bar line once it is recorded.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .items
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p.recipient.seen.claim_id,
                    p.outcome.label().to_lowercase()
                )
            })
            .collect();
        format!("Decision recorded: {}", parts.join(", "))
    }

    /// The store's requests, one per claim.
    pub fn requests(&self) -> Vec<DecisionRequest> {
        self.items
            .iter()
            .map(|p| DecisionRequest {
                seen: p.recipient.seen.clone(),
                outcome: p.outcome,
                reason: p.reason.clone(),
            })
            .collect()
    }
}

/// A yes/no question; `Enter` takes the default, which is always No.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The question.
    pub title: String,
    /// What will happen, one claim or warning per line.
    pub lines: Vec<String>,
    /// What `y` does.
    pub action: ConfirmAction,
}

/// What `y` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmAction {
    /// Record the editor's decision plan.
    Decide,
    /// Close the editor and forget its text.
    DiscardText,
    /// Send a text the confidentiality guard warned about.
    SendAnyway,
}

/// The outcome a command asks for.
fn outcome_of(command: Command) -> Option<DecisionOutcome> {
    match command {
        Command::Approve => Some(DecisionOutcome::Approved),
        Command::Reject => Some(DecisionOutcome::Rejected),
        Command::Withdraw => Some(DecisionOutcome::Withdrawn),
        _ => None,
    }
}

fn target(outcome: DecisionOutcome) -> Status {
    match outcome {
        DecisionOutcome::Approved => Status::Approved,
        DecisionOutcome::Rejected => Status::Rejected,
        DecisionOutcome::Withdrawn => Status::Withdrawn,
    }
}

/// Starts deciding `view` (`a`, `x` or `w`). For an approval, every other open claim of
/// `contest` by another partner is rejected with it. `parties` is the contest for the guard
/// (`None`: read it).
pub fn start(
    state: &mut State,
    command: Command,
    view: &ClaimView,
    contest: &[ClaimView],
    parties: Option<Vec<ContestParty>>,
) -> Vec<Effect> {
    let Some(outcome) = outcome_of(command) else {
        return Vec::new();
    };
    let status = view.claim.status;
    if !status.can_become(target(outcome)) {
        state.notice = Some(format!(
            "{} is {}: it cannot become {}",
            view.claim.claim_id,
            status.label().to_lowercase(),
            target(outcome).label().to_lowercase()
        ));
        return Vec::new();
    }
    let first = Planned {
        recipient: recipient(view),
        from: status,
        outcome,
        reason: match outcome {
            DecisionOutcome::Withdrawn => WITHDRAWN_ON_REQUEST.to_string(),
            _ => String::new(),
        },
    };
    let mut items = vec![first];
    if outcome == DecisionOutcome::Approved {
        let me = party_key(&view.claim.partner.name);
        items.extend(
            contest
                .iter()
                .filter(|v| v.claim.claim_id != view.claim.claim_id)
                .filter(|v| v.claim.status.is_open() && party_key(&v.claim.partner.name) != me)
                .map(|v| Planned {
                    recipient: recipient(v),
                    from: v.claim.status,
                    outcome: DecisionOutcome::Rejected,
                    reason: LOST_IN_ARBITRATION.to_string(),
                }),
        );
    }
    let parties = parties.or_else(|| (contest.len() > 1).then(|| contest_parties(contest)));
    editor::open(
        state,
        Purpose::Decision(DecisionPlan { items, step: 0 }),
        Visibility::Partner,
        parties,
    )
}

/// The current step's reason was sent from the editor: on to the next claim, or confirm.
pub fn reason_written(state: &mut State, reason: String) -> Vec<Effect> {
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    let Purpose::Decision(plan) = &mut editor.purpose else {
        return Vec::new();
    };
    if let Some(item) = plan.items.get_mut(plan.step) {
        item.reason = reason.trim().to_string();
    }
    if plan.step + 1 < plan.items.len() {
        plan.step += 1;
        let next = plan.items[plan.step].reason.clone();
        return editor::next_step(state, &next);
    }
    let mut lines = plan.lines();
    lines.push(String::new());
    lines.push("y: record it · n / Esc / Enter: go back".into());
    state.confirm = Some(Confirm {
        title: format!(
            "Record this decision on {} claim{}?",
            plan.items.len(),
            if plan.items.len() == 1 { "" } else { "s" }
        ),
        lines,
        action: ConfirmAction::Decide,
    });
    Vec::new()
}

/// A key while a confirmation shows: `y` confirms; `n`, `Esc` and `Enter` (the default) cancel.
pub fn confirm_key(state: &mut State, key: Key) -> Vec<Effect> {
    let own = [
        Command::Yes,
        Command::No,
        Command::Back,
        Command::Open,
        Command::ForceQuit,
    ];
    match state.keymap.command_among(key, &own) {
        Some(Command::Yes) => {
            let Some(confirm) = state.confirm.take() else {
                return Vec::new();
            };
            match confirm.action {
                ConfirmAction::DiscardText => {
                    state.notice = Some("Discarded".into());
                    editor::close(state, true)
                }
                ConfirmAction::SendAnyway => editor::send(state, true),
                ConfirmAction::Decide => decide(state),
            }
        }
        Some(Command::No | Command::Back | Command::Open) => {
            state.confirm = None;
            Vec::new()
        }
        Some(Command::ForceQuit) => {
            state.confirm = None;
            state.quit = true;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn decide(state: &mut State) -> Vec<Effect> {
    let req_id = state.next_req();
    let login = state.reviewer.clone();
    let Some(editor) = state.editor.as_deref_mut() else {
        return Vec::new();
    };
    let Purpose::Decision(plan) = &editor.purpose else {
        return Vec::new();
    };
    let decisions = plan.requests();
    editor.sending = Some(req_id);
    vec![Effect::Decide {
        req_id,
        login,
        decisions,
    }]
}
