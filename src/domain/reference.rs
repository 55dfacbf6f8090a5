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
}

/// A product already associated with a partner on a tenant: that partner is the incumbent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Association {
    pub tenant_id: Uuid,
    pub product: String,
    pub mpn_id: String,
}
