//! The compare view's data: the parties of a contest side by side, and how a party is named and
//! addressed.

use super::editor::{ContestParty, Recipient};
use super::screens::{Loadable, Screen};
use crate::app::keymap::Command;
use crate::domain::confidentiality::OtherParty;
use crate::model::{ClaimView, Seen};

/// The compare screen of one contest.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareView {
    /// The claim it was opened on (focused first).
    pub claim_id: String,
    /// Every claim id seen in this contest so far (decided ones stay in view).
    pub claim_ids: Vec<String>,
    /// The contest's claims in claim id order.
    pub parties: Loadable<Vec<ClaimView>>,
    /// The newest read in flight; only its answer is taken.
    pub pending: Option<u64>,
    /// The focused column: a claim, or the incumbent (the last column) when there is one.
    pub focus: usize,
    /// The first column shown (past three parties the view scrolls sideways).
    pub first_column: usize,
    /// Lines scrolled down.
    pub scroll: usize,
    /// The focused party's PoE shown in full over the view.
    pub poe_open: bool,
    pub poe_scroll: usize,
    /// Where `q`/`Esc` go back to.
    pub back_to: Screen,
    /// A command to run once the parties are loaded (approve asked from the detail screen).
    pub then: Option<Command>,
}

/// One column of the compare view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Column<'a> {
    /// A party of the contest by its lead claim: the one with the party's latest PoE (a
    /// partner's other claims in the contest are [`CompareView::party_of`]).
    Claim(&'a ClaimView),
    /// The partner already associated with the customer and product, with no claim in the
    /// contest: its MPN, and its name when the store knows the MPN.
    Incumbent(&'a str, Option<&'a str>),
}

impl CompareView {
    /// The columns in order: the claims, then the incumbent if one holds the association.
    pub fn columns(&self) -> Vec<Column<'_>> {
        let Some(views) = self.parties.loaded() else {
            return Vec::new();
        };
        let mut out: Vec<Column> = parties(views)
            .into_iter()
            .filter_map(|party| party.first().copied().map(Column::Claim))
            .collect();
        let incumbent = views.iter().find_map(|v| v.incumbent_mpn_id.as_deref());
        if let Some(mpn) = incumbent {
            // The incumbent is a party once: by its claim when it has one in the contest.
            if !views
                .iter()
                .any(|v| v.is_incumbent() || v.claim.partner.mpn_id == mpn)
            {
                let name = views
                    .iter()
                    .filter_map(|v| v.association.as_ref())
                    .find(|(a, _)| a.mpn_id == mpn)
                    .and_then(|(_, name)| name.as_deref());
                out.push(Column::Incumbent(mpn, name));
            }
        }
        out
    }

    /// The focused party's lead claim, if the focus is on a party with a claim.
    pub fn focused(&self) -> Option<&ClaimView> {
        match self.columns().get(self.focus) {
            Some(Column::Claim(view)) => Some(view),
            _ => None,
        }
    }

    /// Every claim of the party `lead` leads, its latest PoE first (`lead` itself first).
    pub fn party_of(&self, lead: &ClaimView) -> Vec<&ClaimView> {
        let Some(views) = self.parties.loaded() else {
            return Vec::new();
        };
        parties(views)
            .into_iter()
            .find(|p| p.iter().any(|v| v.claim.claim_id == lead.claim.claim_id))
            .unwrap_or_default()
    }
}

/// The contest's claims by party (a partner's claims under any of its MPNs are one party), in
/// the order the parties first appear; each party's claims latest PoE first (a claim without
/// PoE last; the same date keeps claim id order).
pub fn parties(views: &[ClaimView]) -> Vec<Vec<&ClaimView>> {
    let mut out: Vec<Vec<&ClaimView>> = Vec::new();
    for v in views {
        match out.iter_mut().find(|p| p[0].party_key() == v.party_key()) {
            Some(party) => party.push(v),
            None => out.push(vec![v]),
        }
    }
    for party in &mut out {
        party.sort_by_key(|v| std::cmp::Reverse(v.latest_poe()));
    }
    out
}

/// The contest's parties as the confidentiality guard sees them.
pub fn contest_parties(views: &[ClaimView]) -> Vec<ContestParty> {
    let mut out: Vec<ContestParty> = views
        .iter()
        .map(|v| ContestParty {
            claim_id: Some(v.claim.claim_id.clone()),
            party_key: v.party_key().to_string(),
            party: OtherParty {
                name: v.claim.partner.name.clone(),
                mpn_id: v.claim.partner.mpn_id.clone(),
                claim_id: Some(v.claim.claim_id.clone()),
                poe_summaries: v.claim.poe.iter().map(|p| p.summary.clone()).collect(),
                attachments: v.claim.poe.iter().map(|p| p.attachment.clone()).collect(),
            },
        })
        .collect();
    if let Some(mpn) = views.iter().find_map(|v| v.incumbent_mpn_id.clone()) {
        if !views
            .iter()
            .any(|v| v.is_incumbent() || v.claim.partner.mpn_id == mpn)
        {
            let name = views
                .iter()
                .filter_map(|v| v.association.as_ref())
                .find(|(a, _)| a.mpn_id == mpn)
                .and_then(|(_, name)| name.clone())
                .unwrap_or_default();
            out.push(ContestParty {
                claim_id: None,
                party_key: mpn.clone(),
                party: OtherParty {
                    name,
                    mpn_id: mpn,
                    ..OtherParty::default()
                },
            });
        }
    }
    out
}

/// How a claim is named in titles and confirmations.
pub fn label(view: &ClaimView) -> String {
    format!(
        "{} · {} ({})",
        view.claim.claim_id, view.claim.partner.name, view.claim.partner.mpn_id
    )
}

/// A recipient for the editor: the claim at the version on screen.
pub fn recipient(view: &ClaimView) -> Recipient {
    Recipient {
        seen: Seen {
            claim_id: view.claim.claim_id.clone(),
            version: view.version,
        },
        label: label(view),
    }
}
