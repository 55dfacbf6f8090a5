//! A decision being prepared and the yes/no questions asked before acting.

use super::editor::Recipient;
use crate::domain::{DecisionOutcome, FindingCode, Status};
use crate::model::{DecisionRequest, Guard};

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
    /// The claim's findings, one short label each, shown while its reason is written.
    pub findings: Vec<String>,
}

/// A decision being prepared: the claims it touches, and whose reason is being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionPlan {
    /// Every claim touched, the one decided on first.
    pub items: Vec<Planned>,
    /// The item whose reason the editor shows.
    pub step: usize,
    /// The error findings a lead approves the first claim over (empty: none; the store refuses
    /// a reviewer's approval of such a claim, so only a lead's plan carries them).
    pub over_findings: Vec<FindingCode>,
}

impl DecisionPlan {
    /// The claim whose reason is being written.
    pub fn current(&self) -> Option<&Planned> {
        self.items.get(self.step)
    }

    /// What the confirmation says happens to every claim touched.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.over_findings.is_empty() {
            let codes: Vec<&str> = self.over_findings.iter().map(|f| f.code()).collect();
            out.push(format!(
                "⚠ Approving over error findings: {}. Recorded as a lead's override, with the reason.",
                codes.join(", ")
            ));
        }
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

    /// How the store weighs the approval guard for this plan.
    pub fn guard(&self) -> Guard {
        if self.over_findings.is_empty() {
            Guard::Enforce
        } else {
            Guard::LeadOverride
        }
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAction {
    /// Keep this session's draft text over the one another session saved.
    KeepMyDraft,
    /// Take over the hold someone else has on this claim (a lead's act, audited).
    TakeOver(String),
    /// Record the editor's decision plan.
    Decide,
    /// Close the editor and forget its text.
    DiscardText,
    /// Send a text the confidentiality guard warned about.
    SendAnyway,
}
