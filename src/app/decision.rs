//! Decisions: approve one party of a contest (the others rejected in the same transaction),
//! approve or reject a single claim, withdraw on the partner's request.
//!
//! Every claim touched needs a reason, written or picked from domain.md's list, one claim at a
//! time in the editor; then a confirmation shows what happens to each claim and defaults to No.
//! Only moves the lifecycle allows are offered; the store checks again inside its transaction.

use super::effect::Effect;
use super::keymap::{Command, Context, Key};
use super::next::{Next, Step};
use super::state::State;
use super::view::{contest_parties, recipient, Confirm, ConfirmAction, ContestParty};
use super::view::{DecisionPlan, Planned, Purpose};
use crate::domain::reasons::{LOST_IN_ARBITRATION, WITHDRAWN_ON_REQUEST};
use crate::domain::{DecisionOutcome, FindingCode, Severity, Status, Visibility};
use crate::model::{ClaimView, Role};

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

/// Starts deciding `view` (`a`, `x` or `w`) and the other claims of its party in `contest` (a
/// partner's claims under its other MPNs) that can take the same decision: a party is decided
/// as one. For an approval, every other open claim of `contest` by another partner is rejected
/// with it. `parties` is the contest for the guard (`None`: read it).
pub fn start(
    state: &mut State,
    command: Command,
    view: &ClaimView,
    contest: &[ClaimView],
    parties: Option<Vec<ContestParty>>,
) -> Step {
    let Some(outcome) = outcome_of(command) else {
        return Step::default();
    };
    let status = view.claim.status;
    if !status.can_become(target(outcome)) {
        state.notice = Some(format!(
            "{} is {}: it cannot become {}",
            view.claim.claim_id,
            status.label().to_lowercase(),
            target(outcome).label().to_lowercase()
        ));
        return Step::default();
    }
    // The focused claim last: when a party's claims are approved together, the association is
    // made by the last approval, so it names the claim the reviewer chose (its latest PoE).
    let party: Vec<&ClaimView> = contest
        .iter()
        .filter(|v| {
            v.claim.claim_id != view.claim.claim_id
                && v.party_key() == view.party_key()
                && v.claim.status.is_open()
                && v.claim.status.can_become(target(outcome))
        })
        .chain(std::iter::once(view))
        .collect();
    let mut over_findings = Vec::new();
    if outcome == DecisionOutcome::Approved {
        for v in &party {
            let errors = error_findings(v);
            if errors.is_empty() {
                continue;
            }
            let codes: Vec<&str> = errors.iter().map(|f| f.code()).collect();
            if !is_lead(state) {
                state.notice = Some(format!(
                    "Cannot approve {}: it has error findings: {}; only a lead may approve over them",
                    v.claim.claim_id,
                    codes.join(", ")
                ));
                return Step::default();
            }
            for code in errors {
                if !over_findings.contains(&code) {
                    over_findings.push(code);
                }
            }
        }
    }
    let mut items: Vec<Planned> = party
        .iter()
        .map(|v| Planned {
            recipient: recipient(v),
            from: v.claim.status,
            outcome,
            reason: match outcome {
                DecisionOutcome::Withdrawn => WITHDRAWN_ON_REQUEST.to_string(),
                _ => String::new(),
            },
            findings: findings(v),
        })
        .collect();
    if outcome == DecisionOutcome::Approved {
        // The other partners' open claims of the contest (a partner's own MPNs are one party).
        items.extend(
            contest
                .iter()
                .filter(|v| v.claim.claim_id != view.claim.claim_id)
                .filter(|v| {
                    v.claim.status.is_open() && view.competing_claim_ids.contains(&v.claim.claim_id)
                })
                .map(|v| Planned {
                    recipient: recipient(v),
                    from: v.claim.status,
                    outcome: DecisionOutcome::Rejected,
                    reason: LOST_IN_ARBITRATION.to_string(),
                    findings: findings(v),
                }),
        );
    }
    let parties = parties.or_else(|| (contest.len() > 1).then(|| contest_parties(contest)));
    Step::then(Next::Editor {
        purpose: Purpose::Decision(DecisionPlan {
            items,
            step: 0,
            over_findings,
        }),
        visibility: Visibility::Partner,
        parties,
    })
}

/// The claim's error findings: what the approval guard weighs.
fn error_findings(view: &ClaimView) -> Vec<FindingCode> {
    view.assessment()
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect()
}

/// Whether this session's reviewer may approve over error findings (a lead, or anyone in
/// single-reviewer mode; the store checks again).
fn is_lead(state: &State) -> bool {
    state
        .holds
        .actor
        .as_ref()
        .is_none_or(|a| a.open_mode || a.role == Role::Lead)
}

/// A claim's findings as the editor shows them while its reason is written.
fn findings(view: &ClaimView) -> Vec<String> {
    let a = view.assessment();
    let mut out: Vec<String> = a
        .findings
        .iter()
        .map(|f| format!("✗ {}", f.code.label()))
        .collect();
    out.extend(a.unknown.iter().map(|c| format!("? {} unknown", c.label())));
    out
}

/// Someone changed claims of the decision being confirmed: the question no longer says what
/// would happen, so it closes and the editor says what changed (nothing was recorded).
pub fn revalidate(state: &mut State, views: &[ClaimView]) {
    let asking = matches!(
        state.confirm(),
        Some(Confirm {
            action: ConfirmAction::Decide,
            ..
        })
    );
    let Some(Purpose::Decision(plan)) = state.editor().map(|e| &e.purpose) else {
        return;
    };
    let changed: Vec<String> = plan
        .items
        .iter()
        .filter_map(|p| {
            let v = views
                .iter()
                .find(|v| v.claim.claim_id == p.recipient.seen.claim_id)?;
            (v.version != p.recipient.seen.version).then(|| {
                let by = v
                    .decision
                    .as_ref()
                    .map_or_else(String::new, |d| format!(" by {}", d.by));
                format!(
                    "{} is now {}{by}",
                    v.claim.claim_id,
                    v.claim.status.label().to_lowercase()
                )
            })
        })
        .collect();
    if !asking || changed.is_empty() {
        return;
    }
    state.take_confirm();
    let text = format!(
        "Changed since you started: {}. Nothing was recorded; Esc goes back.",
        changed.join("; ")
    );
    if let Some(editor) = state.editor_mut() {
        editor.error = Some(text.clone());
    }
    state.notice = Some(text);
}

/// The current step's reason was sent from the editor: on to the next claim, or confirm.
pub fn reason_written(state: &mut State, reason: String) -> Step {
    let Some(editor) = state.editor_mut() else {
        return Step::default();
    };
    let Purpose::Decision(plan) = &mut editor.purpose else {
        return Step::default();
    };
    if let Some(item) = plan.items.get_mut(plan.step) {
        item.reason = reason.trim().to_string();
    }
    if plan.step + 1 < plan.items.len() {
        plan.step += 1;
        let next = plan.items[plan.step].reason.clone();
        return Step::then(Next::NextReason(next));
    }
    let mut lines = plan.lines();
    lines.push(String::new());
    lines.push("y: record it · n / Esc / Enter: go back".into());
    let title = format!(
        "Record this decision on {} claim{}?",
        plan.items.len(),
        if plan.items.len() == 1 { "" } else { "s" }
    );
    state.ask(Confirm {
        title,
        lines,
        action: ConfirmAction::Decide,
    });
    Step::default()
}

/// A key while a confirmation shows: `y` confirms; `n`, `Esc` and `Enter` (the default) cancel.
pub fn confirm_key(state: &mut State, key: Key) -> Step {
    match state.keymap.in_context(Context::Confirm, key) {
        Some(Command::Yes) => {
            let Some(confirm) = state.take_confirm() else {
                return Step::default();
            };
            match confirm.action {
                ConfirmAction::DiscardText => {
                    state.notice = Some("Discarded".into());
                    Step::then(Next::CloseEditor { discard: true })
                }
                ConfirmAction::SendAnyway => Step::then(Next::SendAnyway),
                ConfirmAction::Decide => Step::then(Next::Record),
                ConfirmAction::TakeOver(claim_id) => Step::then(Next::TakeOver(claim_id)),
                ConfirmAction::KeepMyDraft => Step::then(Next::KeepMyDraft),
            }
        }
        Some(Command::No) => {
            if let Some(Confirm {
                action: ConfirmAction::KeepMyDraft,
                ..
            }) = state.take_confirm()
            {
                return Step::then(Next::TakeTheirDraft);
            }
            Step::default()
        }
        Some(Command::Help) => {
            state.toggle_help();
            Step::default()
        }
        Some(Command::ForceQuit) => {
            state.take_confirm();
            state.quit = true;
            Step::default()
        }
        _ => Step::default(),
    }
}

/// Records the editor's decision plan (its confirmation said yes).
pub fn record(state: &mut State) -> Vec<Effect> {
    let req_id = state.next_req();
    let login = state.reviewer.clone();
    let Some(editor) = state.editor_mut() else {
        return Vec::new();
    };
    let Purpose::Decision(plan) = &editor.purpose else {
        return Vec::new();
    };
    let decisions = plan.requests();
    let guard = plan.guard();
    editor.sending = Some(req_id);
    vec![Effect::Decide {
        req_id,
        login,
        decisions,
        guard,
    }]
}
