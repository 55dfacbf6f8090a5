//! Test data shared by the `update` tests and the screen snapshots: a fixed clock and claims
//! built by hand, so no test needs a database.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::keymap::Keymap;
use super::state::{ClaimDetail, State};
use crate::config::Config;
use crate::domain::{
    Activity, Claim, ClaimFacts, Comment, Customer, FindingCode, Mpn, Partner, PoeItem,
    PurchaseChannel, SolutionArea, Status, Visibility,
};
use crate::model::{AuditEvent, ClaimView, QueueRow, TabCounts};

/// Thursday 5 November 2026, 20:00 UTC: the instant every test sees.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 5, 20, 0, 0).unwrap()
}

const PARTNERS: [(&str, &str); 4] = [
    ("Contoso Consulting", "1000001"),
    ("Fabrikam Partners", "2000002"),
    ("Northwind Traders", "3000003"),
    ("Adatum Solutions", "4000004"),
];

/// The `n`th claim of an urgency-sorted queue: older claims first, so the first are breached.
pub fn row(n: usize) -> QueueRow {
    let (partner, mpn) = PARTNERS[n % PARTNERS.len()];
    let start = Utc.with_ymd_and_hms(2026, 10, 27, 9, 0, 0).unwrap();
    let business = n % 3 != 2;
    QueueRow {
        claim_id: format!("CPOR-{:05}", n + 1),
        partner_name: partner.into(),
        mpn_id: mpn.into(),
        customer_domain: format!("customer{}.onmicrosoft.com", n % 7),
        solution_area: if business {
            SolutionArea::BusinessApplications
        } else {
            SolutionArea::Microsoft365
        },
        activity: if business && n.is_multiple_of(2) {
            Activity::Presales
        } else {
            Activity::Usage
        },
        product: if business {
            "Dynamics 365 Sales".into()
        } else {
            "Exchange Online".into()
        },
        submitted_at: start + TimeDelta::hours(6 * n as i64),
        status: Status::UnderReview,
        parties: if n % 4 == 1 { 3 } else { 1 },
        incumbent_mpn_id: (n % 5 == 3).then(|| "9000009".to_string()),
        findings: if n.is_multiple_of(3) {
            vec![
                FindingCode::DomainTenantMismatch,
                FindingCode::MpnNotEnrolled,
            ]
        } else {
            vec![]
        },
        unknown_checks: (n % 2) as u32,
        assigned_to: None,
        held_until: None,
        // A lead's assignment (no hold): the preview says "assigned to alice".
        assignee: n.is_multiple_of(6).then(|| "alice".to_string()),
        clock: Default::default(),
    }
}

/// Rows `from..to` of the queue.
pub fn rows(from: usize, to: usize) -> Vec<QueueRow> {
    (from..to).map(row).collect()
}

/// A state for reviewer `alice` at `now()`, with the default keys and two themes.
pub fn state() -> State {
    State::new(
        &Config::default(),
        Keymap::default(),
        "alice",
        vec!["dark".into(), "mono".into()],
        0,
        now(),
    )
}

/// Counts that look like a busy morning.
pub fn counts() -> TabCounts {
    TabCounts {
        under_review: 1234,
        contested: 56,
        info_requested: 7,
        disputed: 2,
        mine: 12,
        all: 4321,
    }
}

/// A contested claim with findings, unknown checks, PoE, both kinds of comment and history.
pub fn claim_detail() -> ClaimDetail {
    let r = row(1);
    let at = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    let claim = Claim {
        claim_id: r.claim_id.clone(),
        partner: Partner {
            name: r.partner_name.clone(),
            mpn_id: r.mpn_id.clone(),
        },
        customer: Customer {
            tenant_id: Uuid::parse_str("6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60").unwrap(),
            domain: r.customer_domain.clone(),
        },
        solution_area: SolutionArea::BusinessApplications,
        activity: Activity::Presales,
        product: "Dynamics 365 Sales".into(),
        subscription_id: Some("not-a-guid".into()),
        purchase_channel: PurchaseChannel::Csp,
        submitted_at: r.submitted_at,
        status: Status::UnderReview,
        poe: vec![PoeItem {
            kind: "statement_of_work".into(),
            date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            summary: "Sales pipeline design workshop with the customer's sales leads".into(),
            by: "J. Smith (Fabrikam)".into(),
            attachment: "sow-4471.pdf".into(),
        }],
        comments: vec![
            Comment {
                author: "bob".into(),
                visibility: Visibility::Partner,
                body: "Please send the signed statement of work.".into(),
                at: at(2, 10),
            },
            Comment {
                author: "carol".into(),
                visibility: Visibility::Internal,
                body: "Competing claim from Contoso looks stronger.".into(),
                at: at(3, 11),
            },
        ],
    };
    ClaimDetail {
        view: ClaimView {
            claim,
            version: 3,
            competing_claim_ids: vec!["CPOR-00006".into(), "CPOR-00010".into()],
            incumbent_mpn_id: None,
            association: None,
            facts: ClaimFacts {
                mpn: Some(Mpn {
                    mpn_id: r.mpn_id.clone(),
                    partner: r.partner_name.clone(),
                    enrolled: false,
                    partner_type: None,
                    partner_id: None,
                }),
                ..ClaimFacts::default()
            },
            decision: None,
            assigned_to: None,
            held_until: None,
            assignee: Some("alice".into()),
            clock: Default::default(),
        },
        events: vec![AuditEvent {
            id: 1,
            at: at(2, 9),
            actor: "import".into(),
            claim_id: Some(r.claim_id),
            via: None,
            kind: crate::model::EventKind::Imported {
                status: crate::domain::Status::UnderReview,
            },
        }],
    }
}

/// A contest of `n` parties for one customer and product: claim `CPOR-0000i`, each with its own
/// partner, MPN and PoE (some with two items, out of date order), all under review at version
/// `i + 1`.
pub fn contest(n: usize) -> Vec<ClaimView> {
    const NAMES: [(&str, &str); 5] = [
        ("Contoso Consulting", "1000001"),
        ("Fabrikam Partners", "2000002"),
        ("Northwind Traders", "3000003"),
        ("Adatum Solutions", "4000004"),
        ("Tailspin Advisory", "5000005"),
    ];
    let ids: Vec<String> = (0..n).map(|i| format!("CPOR-{:05}", i + 1)).collect();
    (0..n)
        .map(|i| {
            let mut d = claim_detail().view;
            let (name, mpn) = NAMES[i % NAMES.len()];
            d.claim.claim_id = ids[i].clone();
            d.claim.partner = Partner {
                name: name.into(),
                mpn_id: mpn.into(),
            };
            d.claim.activity = if i % 2 == 0 {
                Activity::Presales
            } else {
                Activity::Usage
            };
            d.claim.purchase_channel = PurchaseChannel::VolumeLicensing;
            d.claim.submitted_at = now() - TimeDelta::hours(30 * (i as i64 + 1));
            d.claim.poe = vec![PoeItem {
                kind: "workshop".into(),
                date: NaiveDate::from_ymd_opt(2026, 10, 10 + i as u32).unwrap(),
                summary: format!(
                    "{name} ran a two-day envisioning workshop with the customer's sales leads"
                ),
                by: format!("J. Smith ({name})"),
                attachment: format!("poe-{i}.pdf"),
            }];
            if i % 2 == 1 {
                d.claim.poe.insert(
                    0,
                    PoeItem {
                        kind: "signed_sow".into(),
                        date: NaiveDate::from_ymd_opt(2026, 10, 30).unwrap(),
                        summary: "Statement of work for the Dynamics 365 Sales rollout, signed by the customer's CIO".into(),
                        by: "customer".into(),
                        attachment: format!("sow-{i}.pdf"),
                    },
                );
            }
            d.version = i as i64 + 1;
            d.competing_claim_ids = ids.iter().filter(|id| **id != ids[i]).cloned().collect();
            d.incumbent_mpn_id = None;
            d.facts.mpn = Some(Mpn {
                mpn_id: mpn.into(),
                partner: name.into(),
                enrolled: i != 1,
                partner_type: (i == 2).then(|| "FRP FastTrack".to_string()),
                partner_id: None,
            });
            d
        })
        .collect()
}
