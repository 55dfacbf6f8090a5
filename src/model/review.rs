//! The values of reviewing writes: what the reviewer saw, what they ask for, who they are.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{DecisionOutcome, Visibility};

/// The claim and the version the reviewer saw when they chose to act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seen {
    pub claim_id: String,
    pub version: i64,
}

/// One claim's part of a decision (approve one party and reject the others in one call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    pub seen: Seen,
    pub outcome: DecisionOutcome,
    pub reason: String,
}

/// Whether a lead approves over error findings (the approval guard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Guard {
    /// A claim with an error finding is not approved.
    #[default]
    Enforce,
    /// A lead approves over them, recorded as an override with the decision's reason.
    LeadOverride,
}

/// A request for more information on one claim: a partner-visible comment, and the claim waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoRequest {
    pub seen: Seen,
    pub body: String,
}

/// What a reviewer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Decides what is assigned to them or what they pick from the queue.
    Reviewer,
    /// Also reassigns held work, overrides decisions, manages reviewers and generates data.
    Lead,
    /// A tool, not a person: imports the partner feed and reads the outbox; decides nothing.
    Integration,
}

impl Role {
    /// The stored spelling.
    pub fn code(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Lead => "lead",
            Role::Integration => "integration",
        }
    }

    /// Parses the stored spelling.
    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "reviewer" => Some(Role::Reviewer),
            "lead" => Some(Role::Lead),
            "integration" => Some(Role::Integration),
            _ => None,
        }
    }
}

/// A person who may work the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// An SSH public key registered to a reviewer: `claimdesk serve` signs a session in as its
/// reviewer once the key's signature is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SshKey {
    /// `SHA256:...`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// The reviewer it signs in as.
    pub login: String,
    /// `ALGORITHM BASE64`, as in a `.pub` file without its comment.
    pub public_key: String,
    /// The `.pub` file's comment (`alice@laptop`), to tell a reviewer's keys apart.
    pub comment: String,
    pub added_at: DateTime<Utc>,
}

/// The person behind a write, as the store resolved them inside the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub login: String,
    pub role: Role,
    /// No reviewer is registered yet: single-reviewer mode, everyone acts as a lead.
    pub open_mode: bool,
    /// What the act comes through, recorded with each of its audit events (the administrator
    /// acting for this reviewer, an SSH key); `None` when the reviewer acts directly.
    pub via: Option<String>,
}

/// The default hold: 30 minutes, renewed while the reviewer is active on the claim.
pub const DEFAULT_LEASE: TimeDelta = TimeDelta::minutes(30);

/// An editor draft kept in the store so a dropped SSH connection loses nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub key: String,
    pub visibility: Visibility,
    pub body: String,
    pub saved_at: DateTime<Utc>,
    /// Raised by every save: another session's save shows as a new version, even of the
    /// same text.
    pub version: i64,
}

/// What `reviewer add` / `deactivate` did to the reviewer's database login (PostgreSQL, where the
/// database enforces each role through group roles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGrant {
    /// No database login to manage (SQLite, or a PostgreSQL store migrated without CREATEROLE,
    /// which has no group roles).
    NotApplicable,
    /// The login now matches the reviewer: these statements were run (none: it already did).
    Done(Vec<String>),
    /// This login may not manage roles: the administrator must run these statements.
    ForAdministrator(Vec<String>),
}
