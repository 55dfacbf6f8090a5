//! Validation findings: what a reviewer must see at a glance about a claim (domain.md, "Checks").
//!
//! Each finding has a stable code, a severity and a plain-language explanation. A check the store
//! lacks the data for is reported in `Assessment::unknown`, never passed in silence.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::claim::{product_key, word_enum, Claim, PurchaseChannel, SolutionArea};
use super::reference::{Mpn, Subscription, SubscriptionState, Tenant};

word_enum! {
    /// The stable finding codes; files, the database and scripts rely on these exact spellings.
    FindingCode {
        DomainTenantMismatch => "domain_tenant_mismatch", "Domain does not belong to the tenant";
        ProductNotOnTenant => "product_not_on_tenant", "Product not on the customer's tenant";
        SubscriptionNotOnTenant => "subscription_not_on_tenant", "Subscription belongs to another tenant";
        SubscriptionProductMismatch => "subscription_product_mismatch", "Subscription is for another product";
        SubscriptionNotDynamics => "subscription_not_dynamics", "Subscription is not for Dynamics";
        SubscriptionIsCsp => "subscription_is_csp", "Subscription is a CSP subscription";
        SubscriptionNotProvisioned => "subscription_not_provisioned", "Subscription not yet provisioned";
        SubscriptionEnded => "subscription_ended", "Subscription has ended";
        SubscriptionAlreadyClaimed => "subscription_already_claimed", "Subscription already claimed";
        NotASubscriptionId => "not_a_subscription_id", "Not a subscription ID";
        ActivityNotApplicable => "activity_not_applicable", "Activity not applicable";
        ChannelNotEligible => "channel_not_eligible", "Purchase channel not eligible";
        MpnNotEnrolled => "mpn_not_enrolled", "MPN not enrolled";
    }
}

word_enum! {
    /// A check that could not be decided because the store lacks its data.
    Check {
        /// The claimed tenant is not in the reference data.
        DomainTenant => "domain_tenant", "domain belongs to tenant";
        /// The tenant's subscriptions are unknown, so the subscription cannot be verified.
        Subscription => "subscription", "subscription details";
        /// The tenant's products are unknown.
        ProductOnTenant => "product_on_tenant", "product on tenant";
        /// The MPN is not in the reference data.
        MpnEnrollment => "mpn_enrollment", "MPN enrollment";
    }
}

word_enum! {
    /// How much a finding weighs against the claim.
    Severity {
        /// The claim cannot be approved as filed.
        Error => "error", "error";
        /// Worth a question to the partner before deciding.
        Warning => "warning", "warning";
    }
}

impl FindingCode {
    /// How serious the finding is.
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::SubscriptionNotProvisioned | FindingCode::MpnNotEnrolled => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    /// What the finding means and what to do about it, in the reviewer's words.
    pub fn explanation(self) -> &'static str {
        match self {
            FindingCode::DomainTenantMismatch => "The customer domain given is not one of the claimed tenant's domains.",
            FindingCode::ProductNotOnTenant => "None of the customer's subscriptions on this tenant is for the claimed product.",
            FindingCode::SubscriptionNotOnTenant => "The subscription exists, but on another customer tenant than the one claimed.",
            FindingCode::SubscriptionProductMismatch => "The subscription is on the claimed tenant, but for another product than the one claimed (e.g. the tenant's Sales subscription given for a Customer Service claim).",
            FindingCode::SubscriptionNotDynamics => "The subscription is not a Dynamics 365 subscription, so it cannot back a Business Applications claim.",
            FindingCode::SubscriptionIsCsp => "The subscription was bought through CSP; Business Applications claims need Volume Licensing or Web Direct.",
            FindingCode::SubscriptionNotProvisioned => "The customer has not yet activated or provisioned the products of this subscription.",
            FindingCode::SubscriptionEnded => "The subscription has ended; a new subscription needs a new claim.",
            FindingCode::SubscriptionAlreadyClaimed => "Another claim on this subscription has already been approved.",
            FindingCode::NotASubscriptionId => "The identifier given is not a subscription ID: not a GUID, or not a subscription the customer has.",
            FindingCode::ActivityNotApplicable => "This activity cannot be claimed in this solution area (Microsoft 365 is Usage only).",
            FindingCode::ChannelNotEligible => "Business Applications activities apply only to Volume Licensing or Web Direct purchases, not CSP.",
            FindingCode::MpnNotEnrolled => "The MPN ID claimed with is not enrolled in an incentive program; claiming with the wrong MPN can lose eligibility.",
        }
    }
}

/// One thing wrong with a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub explanation: &'static str,
}

impl From<FindingCode> for Finding {
    fn from(code: FindingCode) -> Self {
        Finding {
            code,
            severity: code.severity(),
            explanation: code.explanation(),
        }
    }
}

/// What the store knows around one claim, gathered so the checks themselves stay pure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFacts {
    /// The claimed tenant, if the store knows it.
    pub tenant: Option<Tenant>,
    /// The claimed MPN, if the store knows it.
    pub mpn: Option<Mpn>,
    /// The tenant that holds the claimed subscription ID, when it is on a known tenant.
    pub subscription_owner: Option<Uuid>,
    /// Whether another claim on the same subscription is already approved.
    pub subscription_approved_elsewhere: bool,
}

/// The findings of one claim and the checks that could not be decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assessment {
    pub findings: Vec<Finding>,
    pub unknown: Vec<Check>,
}

impl Assessment {
    /// Finding codes in a stable order, as exported.
    pub fn codes(&self) -> Vec<FindingCode> {
        self.findings.iter().map(|f| f.code).collect()
    }

    /// True if the claim shows the given finding.
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// Parses what the partner typed as a subscription GUID, forgiving case and surrounding braces.
pub fn parse_subscription_id(typed: &str) -> Option<Uuid> {
    let trimmed = typed.trim().trim_start_matches('{').trim_end_matches('}');
    Uuid::parse_str(trimmed).ok()
}

/// Runs every check of domain.md on `claim` with what the store knows.
pub fn assess(claim: &Claim, facts: &ClaimFacts) -> Assessment {
    let mut out = Assessment::default();
    let mut found = |code: FindingCode| out.findings.push(code.into());

    match &facts.tenant {
        Some(tenant) => {
            let domain = claim.customer.domain.trim().to_lowercase();
            if !tenant
                .domains
                .iter()
                .any(|d| d.trim().to_lowercase() == domain)
            {
                found(FindingCode::DomainTenantMismatch);
            }
        }
        None => out.unknown.push(Check::DomainTenant),
    }

    let business_apps = claim.solution_area == SolutionArea::BusinessApplications;
    if business_apps {
        check_subscription(claim, facts, &mut out);
    }

    if !claim.solution_area.allows(claim.activity) {
        out.findings.push(FindingCode::ActivityNotApplicable.into());
    }
    if business_apps && claim.purchase_channel == PurchaseChannel::Csp {
        out.findings.push(FindingCode::ChannelNotEligible.into());
    }

    match &facts.mpn {
        Some(mpn) if !mpn.enrolled => out.findings.push(FindingCode::MpnNotEnrolled.into()),
        Some(_) => {}
        None => out.unknown.push(Check::MpnEnrollment),
    }
    out.findings.sort_by_key(|f| f.code);
    out
}

/// The Business Applications subscription checks (domain.md check 2 and 5).
fn check_subscription(claim: &Claim, facts: &ClaimFacts, out: &mut Assessment) {
    let mut found = |code: FindingCode| out.findings.push(code.into());
    let wanted = product_key(&claim.product);
    match &facts.tenant {
        Some(tenant) => {
            if !tenant
                .subscriptions
                .iter()
                .any(|s| product_key(&s.product) == wanted)
            {
                found(FindingCode::ProductNotOnTenant);
            }
        }
        None => out.unknown.push(Check::ProductOnTenant),
    }

    let Some(id) = claim
        .subscription_id
        .as_deref()
        .and_then(parse_subscription_id)
    else {
        out.findings.push(FindingCode::NotASubscriptionId.into());
        return;
    };
    if facts.subscription_approved_elsewhere {
        out.findings
            .push(FindingCode::SubscriptionAlreadyClaimed.into());
    }
    let Some(tenant) = &facts.tenant else {
        out.unknown.push(Check::Subscription);
        return;
    };
    match tenant
        .subscriptions
        .iter()
        .find(|s| s.subscription_id == id)
    {
        Some(sub) => {
            if product_key(&sub.product) != wanted {
                out.findings
                    .push(FindingCode::SubscriptionProductMismatch.into());
            }
            subscription_state_findings(sub, out)
        }
        None if facts
            .subscription_owner
            .is_some_and(|owner| owner != tenant.tenant_id) =>
        {
            out.findings
                .push(FindingCode::SubscriptionNotOnTenant.into());
        }
        None => out.findings.push(FindingCode::NotASubscriptionId.into()),
    }
}

fn subscription_state_findings(sub: &Subscription, out: &mut Assessment) {
    let mut found = |code: FindingCode| out.findings.push(code.into());
    if !sub.dynamics {
        found(FindingCode::SubscriptionNotDynamics);
    }
    if sub.channel == PurchaseChannel::Csp {
        found(FindingCode::SubscriptionIsCsp);
    }
    match sub.state {
        SubscriptionState::Active | SubscriptionState::Grace => {}
        SubscriptionState::Ended => found(FindingCode::SubscriptionEnded),
        SubscriptionState::Unprovisioned => found(FindingCode::SubscriptionNotProvisioned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::claim::{Activity, Customer, Partner};
    use crate::domain::Status;
    use chrono::{TimeZone, Utc};

    const TENANT: &str = "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60";
    const SUB: &str = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

    fn claim() -> Claim {
        Claim {
            claim_id: "C-1".into(),
            partner: Partner {
                name: "Contoso".into(),
                mpn_id: "1000001".into(),
            },
            customer: Customer {
                tenant_id: Uuid::parse_str(TENANT).unwrap(),
                domain: "fabrikam.onmicrosoft.com".into(),
            },
            solution_area: SolutionArea::BusinessApplications,
            activity: Activity::Presales,
            product: "Dynamics 365 Sales".into(),
            subscription_id: Some(SUB.into()),
            purchase_channel: PurchaseChannel::VolumeLicensing,
            submitted_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
            status: Status::UnderReview,
            poe: vec![],
            comments: vec![],
        }
    }

    fn sub(state: SubscriptionState) -> Subscription {
        Subscription {
            subscription_id: Uuid::parse_str(SUB).unwrap(),
            product: "Dynamics 365 Sales".into(),
            dynamics: true,
            channel: PurchaseChannel::VolumeLicensing,
            state,
        }
    }

    fn known(subs: Vec<Subscription>) -> ClaimFacts {
        ClaimFacts {
            tenant: Some(Tenant {
                tenant_id: Uuid::parse_str(TENANT).unwrap(),
                domains: vec!["Fabrikam.onmicrosoft.com".into()],
                subscriptions: subs,
            }),
            mpn: Some(Mpn {
                mpn_id: "1000001".into(),
                partner: "Contoso".into(),
                enrolled: true,
                partner_type: None,
                partner_id: None,
            }),
            ..ClaimFacts::default()
        }
    }

    #[test]
    fn a_clean_claim_with_full_facts_has_no_findings_and_no_unknowns() {
        let a = assess(&claim(), &known(vec![sub(SubscriptionState::Grace)]));
        assert_eq!(a, Assessment::default());
    }

    #[test]
    fn missing_reference_data_is_unknown_not_passed() {
        let a = assess(&claim(), &ClaimFacts::default());
        assert!(a.findings.is_empty());
        assert_eq!(
            a.unknown,
            vec![
                Check::DomainTenant,
                Check::ProductOnTenant,
                Check::Subscription,
                Check::MpnEnrollment
            ]
        );
    }

    #[test]
    fn subscription_state_findings() {
        let mut bad = sub(SubscriptionState::Ended);
        bad.dynamics = false;
        bad.channel = PurchaseChannel::Csp;
        let a = assess(&claim(), &known(vec![bad]));
        assert_eq!(
            a.codes(),
            vec![
                FindingCode::SubscriptionNotDynamics,
                FindingCode::SubscriptionIsCsp,
                FindingCode::SubscriptionEnded
            ]
        );
        let a = assess(
            &claim(),
            &known(vec![sub(SubscriptionState::Unprovisioned)]),
        );
        assert_eq!(a.codes(), vec![FindingCode::SubscriptionNotProvisioned]);
        assert_eq!(a.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn subscription_identity_findings() {
        let mut c = claim();
        c.subscription_id = Some("not-a-guid".into());
        assert!(assess(&c, &ClaimFacts::default()).has(FindingCode::NotASubscriptionId));
        c.subscription_id = None;
        assert!(assess(&c, &ClaimFacts::default()).has(FindingCode::NotASubscriptionId));

        let mut facts = known(vec![]);
        let a = assess(&claim(), &facts);
        assert_eq!(
            a.codes(),
            vec![
                FindingCode::ProductNotOnTenant,
                FindingCode::NotASubscriptionId
            ]
        );
        facts.subscription_owner = Some(Uuid::nil());
        assert!(assess(&claim(), &facts).has(FindingCode::SubscriptionNotOnTenant));

        let mut facts = known(vec![sub(SubscriptionState::Active)]);
        facts.subscription_approved_elsewhere = true;
        assert_eq!(
            assess(&claim(), &facts).codes(),
            vec![FindingCode::SubscriptionAlreadyClaimed]
        );
    }

    #[test]
    fn a_subscription_for_another_product_on_the_tenant_is_a_mismatch() {
        let mut c = claim();
        c.product = "Dynamics 365 Customer Service".into();
        let mut service = sub(SubscriptionState::Active);
        service.subscription_id = Uuid::from_u128(99);
        service.product = "Dynamics 365 Customer Service".into();
        // The tenant has the claimed product, but the subscription given is its Sales one.
        let a = assess(&c, &known(vec![sub(SubscriptionState::Active), service]));
        assert_eq!(a.codes(), vec![FindingCode::SubscriptionProductMismatch]);
        assert_eq!(a.findings[0].severity, Severity::Error);
        // The product compared as a key: spacing and case are no mismatch.
        c.product = "  dynamics 365 SALES ".into();
        c.subscription_id = Some(format!("{{{}}}", SUB.to_uppercase()));
        assert!(assess(&c, &known(vec![sub(SubscriptionState::Active)]))
            .findings
            .is_empty());
    }

    #[test]
    fn braces_and_case_in_a_typed_subscription_id_are_forgiven() {
        let mut c = claim();
        c.subscription_id = Some(format!("{{{}}}", SUB.to_uppercase()));
        assert!(assess(&c, &known(vec![sub(SubscriptionState::Active)]))
            .findings
            .is_empty());
    }

    #[test]
    fn activity_channel_mpn_and_domain_findings() {
        let mut c = claim();
        c.solution_area = SolutionArea::Microsoft365;
        c.activity = Activity::Presales;
        c.purchase_channel = PurchaseChannel::Csp;
        c.customer.domain = "other.onmicrosoft.com".into();
        let mut facts = known(vec![]);
        if let Some(m) = facts.mpn.as_mut() {
            m.enrolled = false;
        }
        assert_eq!(
            assess(&c, &facts).codes(),
            vec![
                FindingCode::DomainTenantMismatch,
                FindingCode::ActivityNotApplicable,
                FindingCode::MpnNotEnrolled
            ]
        );
        let mut c = claim();
        c.purchase_channel = PurchaseChannel::Csp;
        assert!(assess(&c, &known(vec![sub(SubscriptionState::Active)]))
            .has(FindingCode::ChannelNotEligible));
    }
}
