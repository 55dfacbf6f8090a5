//! A CPOR association claim as a partner filed it, with its PoE and comment thread.
//!
//! Enum spellings are the interchange contract's (`snake_case`), so serde and the store agree.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::status::Status;

/// Declares a closed set of words with one spelling shared by JSON, the database and the screen.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code used in files and in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The words a reviewer reads on screen.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a stable code; `None` for anything else.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The accepted codes, for error messages.
            pub fn codes() -> String {
                [$($code,)+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use word_enum;

word_enum! {
    /// The Partner Center solution area a claim belongs to; it decides which activities apply.
    SolutionArea {
        BusinessApplications => "business_applications", "Business Applications";
        Microsoft365 => "microsoft_365", "Microsoft 365";
    }
}

word_enum! {
    /// What the partner says it did for the customer.
    Activity {
        Presales => "presales", "Presales";
        Usage => "usage", "Usage";
        /// Revenue association only, never incentive payments.
        RevenueAssociation => "revenue_association", "Revenue association";
    }
}

word_enum! {
    /// How the customer bought the product; Business Applications activities need VL or Web Direct.
    PurchaseChannel {
        VolumeLicensing => "volume_licensing", "Volume Licensing";
        WebDirect => "web_direct", "Web Direct";
        Csp => "csp", "CSP";
    }
}

word_enum! {
    /// Who may read a comment: the claim's own partner, or reviewers only.
    Visibility {
        Partner => "partner", "partner-visible";
        Internal => "internal", "internal";
    }
}

word_enum! {
    /// How a claim was closed.
    DecisionOutcome {
        Approved => "approved", "Approved";
        Rejected => "rejected", "Rejected";
        /// Withdrawn at the partner's request before a decision.
        Withdrawn => "withdrawn", "Withdrawn";
    }
}

impl SolutionArea {
    /// Whether `activity` may be claimed in this solution area (Microsoft 365 is usage only).
    pub fn allows(self, activity: Activity) -> bool {
        match self {
            SolutionArea::BusinessApplications => true,
            SolutionArea::Microsoft365 => activity == Activity::Usage,
        }
    }
}

/// The claiming company and the MPN ID it filed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    pub name: String,
    pub mpn_id: String,
}

/// The customer tenant the claim is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub tenant_id: Uuid,
    pub domain: String,
}

/// One piece of proof of execution attached to a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoeItem {
    pub kind: String,
    pub date: NaiveDate,
    pub summary: String,
    pub by: String,
    pub attachment: String,
}

/// One message in a claim's thread; partner-visible ones are what the partner reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub author: String,
    pub visibility: Visibility,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// Who closed a claim, when, and why; every decision is recorded with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: DecisionOutcome,
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// A claim with everything the partner filed and what reviewers have added since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub claim_id: String,
    pub partner: Partner,
    pub customer: Customer,
    pub solution_area: SolutionArea,
    pub activity: Activity,
    pub product: String,
    /// What the partner typed, judged by the findings rather than refused at import.
    pub subscription_id: Option<String>,
    pub purchase_channel: PurchaseChannel,
    pub submitted_at: DateTime<Utc>,
    pub status: Status,
    pub poe: Vec<PoeItem>,
    pub comments: Vec<Comment>,
}

/// How two partners are told apart in a contest: names compared ignoring case and outer spaces.
pub fn party_key(partner_name: &str) -> String {
    partner_name.trim().to_lowercase()
}

/// How products are matched across claims, subscriptions and associations.
pub fn product_key(product: &str) -> String {
    product.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reject_unknown_words() {
        for area in SolutionArea::ALL {
            assert_eq!(SolutionArea::from_code(area.code()), Some(*area));
        }
        assert_eq!(Activity::from_code("Usage"), None);
        assert_eq!(
            PurchaseChannel::codes(),
            "volume_licensing, web_direct, csp"
        );
    }

    #[test]
    fn serde_uses_the_interchange_spelling() {
        assert_eq!(
            serde_json::to_string(&SolutionArea::Microsoft365).unwrap(),
            "\"microsoft_365\""
        );
        let back: PurchaseChannel = serde_json::from_str("\"web_direct\"").unwrap();
        assert_eq!(back, PurchaseChannel::WebDirect);
    }

    #[test]
    fn microsoft_365_is_usage_only() {
        assert!(SolutionArea::Microsoft365.allows(Activity::Usage));
        assert!(!SolutionArea::Microsoft365.allows(Activity::Presales));
        assert!(SolutionArea::BusinessApplications.allows(Activity::RevenueAssociation));
    }

    #[test]
    fn party_key_ignores_case_and_outer_spaces_only() {
        assert_eq!(
            party_key("  Contoso Consulting "),
            party_key("contoso consulting")
        );
        assert_ne!(
            party_key("Contoso Consulting"),
            party_key("ContosoConsulting")
        );
        assert_eq!(party_key("ÉCLAIR Conseil"), party_key("éclair conseil"));
    }
}
