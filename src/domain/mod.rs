//! The rules of the game (see shared/domain.md): claims, parties, statuses, findings, the business
//! calendar and the SLA. Pure: no IO, no async, no database or terminal types, so every rule can be
//! tested on its own and shared by the store, the app and the exporters.

pub mod calendar;
pub mod claim;
pub mod confidentiality;
pub mod findings;
pub mod reasons;
pub mod reference;
pub mod sla;
pub mod status;
pub mod text;

pub use calendar::{BusinessCalendar, CalendarError};
pub use claim::{
    party_key, product_key, Activity, Claim, Comment, Customer, Decision, DecisionOutcome, Partner,
    PoeItem, PurchaseChannel, SolutionArea, Visibility,
};
pub use findings::{assess, Assessment, Check, ClaimFacts, Finding, FindingCode, Severity};
pub use reference::{partner_key, Association, Mpn, Subscription, SubscriptionState, Tenant};
pub use sla::{ClockMarks, Clocks, DisputeNote, SlaPolicy, SlaState};
pub use status::Status;
