//! Who the reviewer is and what this session holds.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::model::Actor;

/// The session's identity and holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holds {
    /// Who the reviewer is, as the store resolved them at start-up (`None`: not resolved, as in
    /// render tests).
    pub actor: Option<Actor>,
    /// Claims this session took and may still hold; renewed while the reviewer is active.
    pub held: BTreeSet<String>,
    /// The last key press.
    pub last_activity: Option<DateTime<Utc>>,
    /// The last lease written (a take or a renewal).
    pub last_renewal: Option<DateTime<Utc>>,
}
