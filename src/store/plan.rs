//! What a write changes, as data: the rules in `rules/` return a [`WritePlan`] and `apply.rs`
//! carries it out in the open transaction, the same statements on both databases.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{Association, Comment, Decision, PoeItem, Status};
use crate::model::{Actor, EventKind, Reviewer, SshKey};

/// A customer tenant and product: the claims that compete with each other.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct GroupKey {
    pub tenant_id: Uuid,
    pub product_key: String,
}

/// One change to a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Write {
    /// The claim moves to `status` (its queue tab follows; its version goes up).
    Status { claim_id: String, status: Status },
    /// The claim changed without a new status (a comment): its version goes up.
    Touch { claim_id: String },
    /// A comment joins the claim's thread.
    Comment { claim_id: String, comment: Comment },
    /// The claim's decision (replacing an earlier one when a lead overrides).
    Decision {
        claim_id: String,
        decision: Decision,
    },
    /// Who holds the claim, and until when (`None`: nobody).
    Hold {
        claim_id: String,
        holder: Option<String>,
        until: Option<DateTime<Utc>>,
    },
    /// Whom a lead assigned the claim to (`None`: nobody), apart from its hold: releasing or
    /// losing a hold keeps the assignment.
    Assign {
        claim_id: String,
        assignee: Option<String>,
    },
    /// An approval's association of the customer and product with the claim's MPN (replacing
    /// the one before).
    Associate {
        product_key: String,
        association: Association,
    },
    /// The association of a customer and product ends (the approval that made it no longer
    /// stands).
    Dissociate { group: GroupKey },
    /// A reviewer is registered or changed.
    Reviewer(Reviewer),
    /// A reviewer may no longer act.
    Deactivate { login: String },
    /// The claim starts waiting on its partner (entering `info_requested`): its clock pauses.
    PauseStart { claim_id: String, at: DateTime<Utc> },
    /// The claim stops waiting on its partner: its open pause ends at `at`.
    PauseEnd { claim_id: String, at: DateTime<Utc> },
    /// A PoE item joins the claim (a partner's reply), numbered `seq`.
    Poe {
        claim_id: String,
        seq: i64,
        item: PoeItem,
    },
    /// A partner's dispute of `decision`.
    Dispute {
        dispute_id: String,
        claim_id: String,
        at: DateTime<Utc>,
        body: String,
        decision: Decision,
    },
    /// A feed line was applied (so replaying it changes nothing).
    FeedLine {
        kind: &'static str,
        line_id: String,
        claim_id: String,
        at: DateTime<Utc>,
        content: String,
    },
    /// An SSH key now signs its reviewer in.
    Key(SshKey),
    /// An SSH key signs nobody in any more.
    RemoveKey { fingerprint: String },
}

/// An audit event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub claim_id: Option<String>,
    /// See [`crate::model::AuditEvent::via`].
    pub via: Option<String>,
    pub kind: EventKind,
}

/// Everything one write changes, with its audit events and the contests to recompute.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WritePlan {
    pub writes: Vec<Write>,
    pub events: Vec<NewEvent>,
    /// Contests whose stored columns (parties, incumbent, contested) must be recomputed.
    pub groups: Vec<GroupKey>,
}

impl WritePlan {
    /// Records an event by `actor` at `at` (with what the act came through, if anything).
    pub fn event(
        &mut self,
        at: DateTime<Utc>,
        actor: &Actor,
        claim_id: Option<&str>,
        kind: EventKind,
    ) {
        self.events.push(NewEvent {
            at,
            actor: actor.login.clone(),
            claim_id: claim_id.map(str::to_string),
            via: actor.via.clone(),
            kind,
        });
    }
}
