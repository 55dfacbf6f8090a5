//! The claim lifecycle: `submitted` → `under_review` → (`info_requested` ⇄ `under_review`) →
//! `approved` | `rejected`, and `withdrawn` at any point before a decision; a decision may be
//! `disputed` by the partner and is then decided again (`disputed` → `approved` | `rejected`).
//! Only these moves are allowed; the store refuses any other so no screen can invent a shortcut.

use serde::{Deserialize, Serialize};

use super::claim::word_enum;

word_enum! {
    /// Where a claim stands; Partner Center calls `info_requested` "Partner action required".
    Status {
        /// Filed, nobody has looked yet.
        Submitted => "submitted", "Submitted";
        /// A reviewer is verifying it.
        UnderReview => "under_review", "Under review";
        /// Waiting for the partner to answer a request for more information.
        InfoRequested => "info_requested", "Info requested";
        Approved => "approved", "Approved";
        Rejected => "rejected", "Rejected";
        /// Withdrawn by the partner before a decision.
        Withdrawn => "withdrawn", "Withdrawn";
        /// The partner disputed the decision within the window; a reviewer other than the one
        /// who made it decides again.
        Disputed => "disputed", "Disputed";
    }
}

impl Status {
    /// Still waiting for a decision: these are the claims that compete and count against the SLA.
    pub const OPEN: [Status; 3] = [
        Status::Submitted,
        Status::UnderReview,
        Status::InfoRequested,
    ];

    /// True until the claim is approved, rejected or withdrawn.
    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// Approved or rejected: a decision stands (and may be disputed).
    pub fn is_decided(self) -> bool {
        matches!(self, Status::Approved | Status::Rejected)
    }

    /// The status a decision leaves a claim in.
    pub fn decided(outcome: super::DecisionOutcome) -> Status {
        match outcome {
            super::DecisionOutcome::Approved => Status::Approved,
            super::DecisionOutcome::Rejected => Status::Rejected,
            super::DecisionOutcome::Withdrawn => Status::Withdrawn,
        }
    }

    /// Whether the lifecycle allows going from `self` to `to`.
    pub fn can_become(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Submitted, UnderReview)
                | (UnderReview, InfoRequested)
                | (InfoRequested, UnderReview)
                | (
                    Submitted | UnderReview | InfoRequested,
                    Approved | Rejected | Withdrawn
                )
                | (Approved | Rejected, Disputed)
                | (Disputed, Approved | Rejected)
        ) || (self == Submitted && to == InfoRequested)
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;

    #[test]
    fn decisions_only_from_open_claims() {
        for from in [Submitted, UnderReview, InfoRequested] {
            assert!(from.can_become(Approved));
            assert!(from.can_become(Rejected));
            assert!(from.can_become(Withdrawn));
        }
        for closed in [Approved, Rejected, Withdrawn] {
            for to in super::Status::ALL {
                let disputing = closed != Withdrawn && *to == Disputed;
                assert_eq!(closed.can_become(*to), disputing, "{closed} -> {to}");
            }
        }
    }

    #[test]
    fn a_dispute_reopens_only_a_decision_and_ends_in_one() {
        assert!(Approved.can_become(Disputed));
        assert!(Rejected.can_become(Disputed));
        assert!(!UnderReview.can_become(Disputed));
        assert!(Disputed.can_become(Approved) && Disputed.can_become(Rejected));
        assert!(!Disputed.can_become(Withdrawn) && !Disputed.can_become(UnderReview));
    }

    #[test]
    fn info_requests_go_back_and_forth_with_review() {
        assert!(UnderReview.can_become(InfoRequested));
        assert!(InfoRequested.can_become(UnderReview));
        assert!(!UnderReview.can_become(Submitted));
        assert!(!UnderReview.can_become(UnderReview));
    }
}
