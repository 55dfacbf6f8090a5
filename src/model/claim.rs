//! One claim as read from the store, with what the store computes around it.

use chrono::{DateTime, Utc};

use crate::domain::{Assessment, Claim, ClaimFacts, ClockMarks, Decision};

/// One claim with what the store computes around it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimView {
    pub claim: Claim,
    /// Bumped by every change; a write on an older version is refused as stale.
    pub version: i64,
    /// Other open claims for the same tenant and product by a different partner, in id order.
    pub competing_claim_ids: Vec<String>,
    /// The MPN of an existing association of this tenant and product with another MPN.
    pub incumbent_mpn_id: Option<String>,
    /// Reference data for the findings.
    pub facts: ClaimFacts,
    pub decision: Option<Decision>,
    /// The reviewer the claim is assigned to, if any.
    pub assigned_to: Option<String>,
    /// When the assignee's hold ends; past it, the claim is free to take.
    pub held_until: Option<DateTime<Utc>>,
    /// Its waits on the partner and its dispute: what its clocks are computed from.
    pub clock: ClockMarks,
}

impl ClaimView {
    /// The claim's findings and undecidable checks with what the store knows now.
    pub fn assessment(&self) -> Assessment {
        crate::domain::assess(&self.claim, &self.facts)
    }

    /// Contested: another partner competes for the same customer and product, or an incumbent holds it.
    pub fn contested(&self) -> bool {
        !self.competing_claim_ids.is_empty() || self.incumbent_mpn_id.is_some()
    }

    /// Who holds the claim at `now` (an expired lease holds nothing).
    pub fn holder(&self, now: DateTime<Utc>) -> Option<&str> {
        super::holder(self.assigned_to.as_deref(), self.held_until, now)
    }

    /// The claim itself.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }
}

/// A claim with its audit trail: everything the detail screen shows, read in one store call.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDetail {
    pub view: ClaimView,
    pub events: Vec<super::AuditEvent>,
}
