//! One claim as read from the store, with what the store computes around it.

use chrono::{DateTime, Utc};

use crate::domain::{Assessment, Association, Claim, ClaimFacts, ClockMarks, Decision};

/// One claim with what the store computes around it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimView {
    pub claim: Claim,
    /// Bumped by every change; a write on an older version is refused as stale.
    pub version: i64,
    /// The other partners' claims still in this claim's contest (open, or the incumbent's
    /// approved claim), in id order; empty when this claim is out of it (decided, withdrawn).
    pub competing_claim_ids: Vec<String>,
    /// The MPN of another partner's association of this tenant and product, on an open claim.
    pub incumbent_mpn_id: Option<String>,
    /// The association this tenant and product have now (whoever holds it), with the partner
    /// name its MPN is known by.
    pub association: Option<(Association, Option<String>)>,
    /// Reference data for the findings.
    pub facts: ClaimFacts,
    pub decision: Option<Decision>,
    /// The reviewer holding the claim (or whose hold lapsed), if any.
    pub assigned_to: Option<String>,
    /// When that hold ends; past it, the claim is free to take.
    pub held_until: Option<DateTime<Utc>>,
    /// The reviewer a lead assigned the claim to, if any (kept when a hold ends).
    pub assignee: Option<String>,
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

    /// This claim is the incumbent's in its contest: the approved claim that made the
    /// association, or an open claim of the partner that holds it.
    pub fn is_incumbent(&self) -> bool {
        match &self.association {
            Some((a, _)) if a.claim_id.as_deref() == Some(self.claim.claim_id.as_str()) => true,
            Some(_) => self.claim.status.is_open() && self.incumbent_mpn_id.is_none(),
            None => false,
        }
    }

    /// Who holds the claim at `now` (an expired lease holds nothing).
    pub fn holder(&self, now: DateTime<Utc>) -> Option<&str> {
        super::holder(self.assigned_to.as_deref(), self.held_until, now)
    }

    /// The party the claim is filed by: its partner (`partner_id`) when the store knows the
    /// MPN's partner, else the MPN itself. A partner's claims under its several MPNs are one
    /// party of a contest.
    pub fn party_key(&self) -> &str {
        self.facts
            .mpn
            .as_ref()
            .and_then(|m| m.partner_id.as_deref())
            .unwrap_or(&self.claim.partner.mpn_id)
    }

    /// The date of the claim's most recent PoE, if it has any.
    pub fn latest_poe(&self) -> Option<chrono::NaiveDate> {
        self.claim.poe.iter().map(|p| p.date).max()
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
