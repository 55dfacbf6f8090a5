//! Store errors: sqlx's errors mapped to what a reviewer can act on.

use thiserror::Error;

/// Why a store operation failed. Messages are one line, fit for the status bar or stderr.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The URL names no database claimdesk can open (the password is already hidden).
    #[error("{0}")]
    BadUrl(String),
    /// The store was written by a newer claimdesk; this one would misread it.
    #[error("the claims store was written by a newer claimdesk (schema {found}, this one knows {known}); use a newer claimdesk")]
    NewerSchema { found: i64, known: i64 },
    /// The database could not be reached or opened.
    #[error("cannot open the claims store at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// Applying the schema migrations failed.
    #[error("cannot migrate the claims store: {0}")]
    Migrate(String),
    /// An import named claims that are already stored; nothing was written.
    #[error("{} claim id(s) already stored: {}", .0.len(), some_ids(.0))]
    ClaimsExist(Vec<(usize, String)>),
    /// Partner feed lines (`reply`, `withdrawal`, `dispute`) the store refused, each as its
    /// line, field and message; nothing was written.
    #[error("{} feed line(s) refused, first on line {}", .0.len(), .0.first().map_or(0, |p| p.0))]
    FeedRefused(Vec<(usize, String, String)>),
    /// The claim does not exist.
    #[error("no claim {0}")]
    NotFound(String),
    /// The claim changed since it was read; nothing was written.
    #[error("claim {claim_id} was changed by {by} at {at} ({what}); reload and try again")]
    Stale {
        claim_id: String,
        by: String,
        at: String,
        what: String,
    },
    /// The lifecycle does not allow this change.
    #[error("claim {claim_id} is {from}; it cannot become {to}")]
    Transition {
        claim_id: String,
        from: String,
        to: String,
    },
    /// Someone else holds the claim; only a lead may act on it or reassign it.
    #[error("claim {claim_id} is held by {by} until {until}")]
    Held {
        claim_id: String,
        by: String,
        until: String,
    },
    /// The actor's role does not allow this (or they are unknown or deactivated).
    #[error("{0}")]
    NotAllowed(String),
    /// Another claim for the same customer and product is already approved.
    #[error(
        "cannot approve {claim_id}: {other} is already approved for this customer and product"
    )]
    AlreadyApproved { claim_id: String, other: String },
    /// The approval guard: the claim has error findings; only a lead approves over them, saying
    /// so (`lead`: the actor is one, and may).
    #[error("cannot approve {claim_id}: it has error findings: {}; {}", .findings.join(", "),
        if *.lead { "approve over them as a lead, with a written reason (an override)" }
        else { "only a lead may approve over them" })]
    Guarded {
        claim_id: String,
        findings: Vec<String>,
        lead: bool,
    },
    /// The request itself is incomplete (an empty reason or comment).
    #[error("{0}")]
    Invalid(String),
    /// Data in the database that claimdesk cannot read back (hand-edited or from a newer version).
    #[error("unreadable data in the store: {0}")]
    Corrupt(String),
    /// Any other database failure (connection lost, disk full, ...).
    #[error("database error: {0}")]
    Database(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        StoreError::Database(err.to_string())
    }
}

/// The first few ids of a long list and how many more: an error stays one short line even when
/// a hundred thousand claims are named.
fn some_ids(ids: &[(usize, String)]) -> String {
    const SHOWN: usize = 5;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .map(|(_, id)| crate::domain::text::escape(id).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}
