//! Reference data the store knows about the world: tenants and their subscriptions, MPN
//! enrollment, and existing associations (incumbents). Checks that need it say "unknown" without it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::claim::{word_enum, PurchaseChannel};

word_enum! {
    /// A subscription's life: only `active` and `grace` subscriptions can carry a claim.
    SubscriptionState {
        Active => "active", "active";
        Grace => "grace", "in grace";
        Ended => "ended", "ended";
        /// Bought but not yet activated or provisioned by the customer.
        Unprovisioned => "unprovisioned", "not provisioned";
    }
}

/// A subscription on a customer tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub subscription_id: Uuid,
    pub product: String,
    /// Whether it is a Dynamics 365 subscription (Business Applications claims need one).
    pub dynamics: bool,
    pub channel: PurchaseChannel,
    pub state: SubscriptionState,
}

/// A customer tenant with the domains that belong to it and its subscriptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub tenant_id: Uuid,
    pub domains: Vec<String>,
    pub subscriptions: Vec<Subscription>,
}

/// An MPN ID and whether it is enrolled in an incentive program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mpn {
    pub mpn_id: String,
    pub partner: String,
    pub enrolled: bool,
    pub partner_type: Option<String>,
    /// The partner (company) the MPN belongs to: MPNs with the same `partner_id` are one
    /// partner, so its claims under any of them never compete with each other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
}

impl Mpn {
    /// Who this MPN's claims compete as (see [`partner_key`]).
    pub fn partner_key(&self) -> String {
        partner_key(self.partner_id.as_deref(), &self.partner)
    }
}

/// Who a claim competes as: its MPN's partner (`id:` + `partner_id`) when the store knows one,
/// else its partner's name as compared (`name:` + [`super::party_key`]). Claims with the same key
/// are one party: a partner's claim under another of its own MPNs is no rivalry with itself.
pub fn partner_key(partner_id: Option<&str>, partner_name: &str) -> String {
    match partner_id.filter(|p| !p.is_empty()) {
        Some(id) => format!("id:{id}"),
        None => format!("name:{}", super::party_key(partner_name)),
    }
}

/// A product already associated with a partner on a tenant: that partner is the incumbent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub tenant_id: Uuid,
    pub product: String,
    pub mpn_id: String,
    /// The approved claim that made it (`None`: imported as reference data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_id: Option<String>,
}
