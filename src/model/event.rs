//! The audit log's events, typed: one enum of kinds, each with what it records. The store writes
//! them, the change feed carries them, the status bar tells them and `claimdesk audit` prints them,
//! all from this one definition. Stored as a kind code with JSON before/after columns; a kind this
//! build does not know is an error when read, never silently skipped.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::review::Role;
use crate::domain::{Association, DecisionOutcome, FindingCode, Mpn, Status, Tenant, Visibility};

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub claim_id: Option<String>,
    /// Who or what the act came through, when not the actor directly (the importer of a
    /// partner's reply, the administrator acting for a reviewer, an SSH key's fingerprint).
    pub via: Option<String>,
    /// What happened.
    pub kind: EventKind,
}

/// A reviewer as an audit event records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerRecord {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

/// What an audit event says happened, with its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A claim came in through `import`, in this status.
    Imported { status: Status },
    /// `generate` wrote a batch of synthetic claims (one event for the batch).
    Generated { summary: String, claims: u64 },
    /// A comment was added to the claim.
    Commented {
        visibility: Visibility,
        body: String,
    },
    /// The partner was asked for more information (a partner-visible comment).
    InfoRequested { from: Status, body: String },
    /// The claim went (back) under review.
    ReviewStarted { from: Status },
    /// The claim was decided.
    Decided {
        from: Status,
        outcome: DecisionOutcome,
        reason: String,
    },
    /// A lead changed an earlier decision, or approved a claim over its error findings
    /// (`findings`: the error findings approved over; empty for a changed decision).
    Overridden {
        from: Status,
        outcome: DecisionOutcome,
        reason: String,
        findings: Vec<FindingCode>,
    },
    /// A reviewer took a free claim (`next`: with `n`).
    Taken { holder: String, next: bool },
    /// A lead took a claim someone else held.
    Reassigned { from: String, to: String },
    /// A hold was let go.
    Released { holder: Option<String> },
    /// A lead assigned the claim to a named reviewer (`from`: who it was assigned to before).
    Assigned { from: Option<String>, to: String },
    /// A reviewer was registered or changed (`before`: what was stored, if anything).
    ReviewerAdded {
        before: Option<ReviewerRecord>,
        after: ReviewerRecord,
    },
    /// A reviewer was deactivated.
    ReviewerDeactivated { login: String },
    /// An SSH key was registered to a reviewer (`claimdesk reviewer key add`).
    KeyAdded {
        login: String,
        fingerprint: String,
        /// `ALGORITHM BASE64`.
        key: String,
    },
    /// A reviewer's SSH key was removed: it signs nobody in any more.
    KeyRemoved { login: String, fingerprint: String },
    /// An import added or changed a customer tenant: its domains and subscriptions
    /// (`before`: what was stored, if anything). A subscription that moved away from a tenant
    /// changes that tenant too.
    TenantChanged {
        before: Option<Tenant>,
        after: Tenant,
    },
    /// An import added or changed an MPN (its partner, enrollment, partner type).
    MpnChanged { before: Option<Mpn>, after: Mpn },
    /// An import set or changed the partner associated with a customer's product (the
    /// incumbent every later claim there competes with).
    AssociationChanged {
        before: Option<Association>,
        after: Association,
    },
    /// The partner answered through the feed (`reply` line): a partner-visible comment and
    /// `poe` more PoE items; a claim waiting on the partner goes back under review (`to`).
    Replied {
        reply_id: String,
        from: Status,
        to: Status,
        body: String,
        poe: u64,
    },
    /// The partner withdrew the claim through the feed (`withdrawal` line).
    Withdrawn {
        from: Status,
        reason: Option<String>,
    },
    /// The partner disputed the decision through the feed (`dispute` line).
    Disputed {
        dispute_id: String,
        from: Status,
        body: String,
    },
    /// A disputed claim was decided again (alongside its `decided` event): `upheld` when the
    /// new decision is the disputed one, `overturned` otherwise.
    DisputeResolved {
        dispute_id: String,
        outcome: DisputeOutcome,
        decision: DecisionOutcome,
        reason: String,
    },
}

/// How a dispute ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// Decided again the way it was.
    Upheld,
    /// Decided again the other way.
    Overturned,
}

impl DisputeOutcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            DisputeOutcome::Upheld => "upheld",
            DisputeOutcome::Overturned => "overturned",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "upheld" => Some(DisputeOutcome::Upheld),
            "overturned" => Some(DisputeOutcome::Overturned),
            _ => None,
        }
    }
}

impl EventKind {
    /// The stored kind code.
    pub fn code(&self) -> &'static str {
        match self {
            EventKind::Imported { .. } => "imported",
            EventKind::Generated { .. } => "generated",
            EventKind::Commented { .. } => "commented",
            EventKind::InfoRequested { .. } => "info_requested",
            EventKind::ReviewStarted { .. } => "review_started",
            EventKind::Decided { .. } => "decided",
            EventKind::Overridden { .. } => "overridden",
            EventKind::Taken { .. } => "taken",
            EventKind::Reassigned { .. } => "reassigned",
            EventKind::Released { .. } => "released",
            EventKind::Assigned { .. } => "assigned",
            EventKind::ReviewerAdded { .. } => "reviewer_added",
            EventKind::ReviewerDeactivated { .. } => "reviewer_deactivated",
            EventKind::KeyAdded { .. } => "key_added",
            EventKind::KeyRemoved { .. } => "key_removed",
            EventKind::TenantChanged { .. } => "tenant_changed",
            EventKind::MpnChanged { .. } => "mpn_changed",
            EventKind::AssociationChanged { .. } => "association_changed",
            EventKind::Replied { .. } => "replied",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::Disputed { .. } => "disputed",
            EventKind::DisputeResolved { .. } => "dispute_resolved",
        }
    }

    /// Whether this event changes who holds a claim.
    pub fn moves_hold(&self) -> bool {
        matches!(
            self,
            EventKind::Taken { .. } | EventKind::Reassigned { .. } | EventKind::Released { .. }
        )
    }

    /// The JSON `before` and `after` columns as stored (the shapes every earlier version wrote).
    pub fn columns(&self) -> (Option<String>, Option<String>) {
        let status = |s: &Status| json!({ "status": s.code() });
        let (before, after) = match self {
            EventKind::Imported { status: s } => (None, Some(status(s))),
            EventKind::Generated { summary, claims } => {
                (None, Some(json!({ "summary": summary, "claims": claims })))
            }
            EventKind::Commented { visibility, body } => (
                None,
                Some(json!({ "visibility": visibility.code(), "body": body })),
            ),
            EventKind::InfoRequested { from, body } => (
                Some(status(from)),
                Some(json!({ "status": Status::InfoRequested.code(), "body": body })),
            ),
            EventKind::ReviewStarted { from } => {
                (Some(status(from)), Some(status(&Status::UnderReview)))
            }
            EventKind::Decided {
                from,
                outcome,
                reason,
            } => (
                Some(status(from)),
                Some(decision_json(*outcome, reason, &[])),
            ),
            EventKind::Overridden {
                from,
                outcome,
                reason,
                findings,
            } => (
                Some(status(from)),
                Some(decision_json(*outcome, reason, findings)),
            ),
            EventKind::Taken { holder, next } => (
                None,
                Some(if *next {
                    json!({ "holder": holder, "next": true })
                } else {
                    json!({ "holder": holder })
                }),
            ),
            EventKind::Reassigned { from, to } => (
                Some(json!({ "holder": from })),
                Some(json!({ "holder": to })),
            ),
            EventKind::Released { holder } => (Some(json!({ "holder": holder })), None),
            EventKind::Assigned { from, to } => (
                Some(json!({ "assigned_to": from })),
                Some(json!({ "assigned_to": to })),
            ),
            EventKind::ReviewerAdded { before, after } => (
                before.as_ref().map(reviewer_json),
                Some(reviewer_json(after)),
            ),
            EventKind::ReviewerDeactivated { login } => (
                Some(json!({ "login": login, "active": true })),
                Some(json!({ "login": login, "active": false })),
            ),
            EventKind::KeyAdded {
                login,
                fingerprint,
                key,
            } => (
                None,
                Some(json!({ "login": login, "fingerprint": fingerprint, "key": key })),
            ),
            EventKind::KeyRemoved { login, fingerprint } => (
                Some(json!({ "login": login, "fingerprint": fingerprint })),
                None,
            ),
            EventKind::TenantChanged { before, after } => {
                (before.as_ref().map(to_json), Some(to_json(after)))
            }
            EventKind::MpnChanged { before, after } => {
                (before.as_ref().map(to_json), Some(to_json(after)))
            }
            EventKind::AssociationChanged { before, after } => {
                (before.as_ref().map(to_json), Some(to_json(after)))
            }
            EventKind::Replied {
                reply_id,
                from,
                to,
                body,
                poe,
            } => (
                Some(status(from)),
                Some(json!({
                    "status": to.code(),
                    "reply_id": reply_id,
                    "body": body,
                    "poe": poe,
                })),
            ),
            EventKind::Withdrawn { from, reason } => (
                Some(status(from)),
                Some(json!({ "status": Status::Withdrawn.code(), "reason": reason })),
            ),
            EventKind::Disputed {
                dispute_id,
                from,
                body,
            } => (
                Some(status(from)),
                Some(json!({
                    "status": Status::Disputed.code(),
                    "dispute_id": dispute_id,
                    "body": body,
                })),
            ),
            EventKind::DisputeResolved {
                dispute_id,
                outcome,
                decision,
                reason,
            } => (
                Some(status(&Status::Disputed)),
                Some(json!({
                    "status": Status::decided(*decision).code(),
                    "dispute_id": dispute_id,
                    "outcome": outcome.code(),
                    "decision": decision.code(),
                    "reason": reason,
                })),
            ),
        };
        (before.map(|v| v.to_string()), after.map(|v| v.to_string()))
    }

    /// Reads a stored event back; an unknown kind or a missing detail is an error naming it.
    pub fn from_columns(
        code: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Result<EventKind, String> {
        let before = Fields::parse(code, "before", before)?;
        let after = Fields::parse(code, "after", after)?;
        Ok(match code {
            "imported" => EventKind::Imported {
                status: after.status("status")?,
            },
            "generated" => EventKind::Generated {
                summary: after.text("summary")?,
                claims: after.value("claims").and_then(Value::as_u64).unwrap_or(0),
            },
            "commented" => EventKind::Commented {
                visibility: after.parsed("visibility", Visibility::from_code)?,
                body: after.text("body")?,
            },
            "info_requested" => EventKind::InfoRequested {
                from: before.status("status")?,
                body: after.text("body")?,
            },
            "review_started" => EventKind::ReviewStarted {
                from: before.status("status")?,
            },
            "decided" | "overridden" => {
                let from = before.status("status")?;
                let outcome = after.parsed("outcome", DecisionOutcome::from_code)?;
                let reason = after.text("reason")?;
                if code == "decided" {
                    EventKind::Decided {
                        from,
                        outcome,
                        reason,
                    }
                } else {
                    EventKind::Overridden {
                        from,
                        outcome,
                        reason,
                        findings: after.findings()?,
                    }
                }
            }
            "taken" => EventKind::Taken {
                holder: after.text("holder")?,
                next: after
                    .value("next")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            },
            "reassigned" => EventKind::Reassigned {
                from: before.text("holder")?,
                to: after.text("holder")?,
            },
            "released" => EventKind::Released {
                holder: before
                    .value("holder")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            "assigned" => EventKind::Assigned {
                from: before
                    .value("assigned_to")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                to: after.text("assigned_to")?,
            },
            "reviewer_added" => EventKind::ReviewerAdded {
                before: if before.0.is_some() {
                    Some(before.reviewer()?)
                } else {
                    None
                },
                after: after.reviewer()?,
            },
            "reviewer_deactivated" => EventKind::ReviewerDeactivated {
                login: after.text("login")?,
            },
            "key_added" => EventKind::KeyAdded {
                login: after.text("login")?,
                fingerprint: after.text("fingerprint")?,
                key: after.text("key")?,
            },
            "key_removed" => EventKind::KeyRemoved {
                login: before.text("login")?,
                fingerprint: before.text("fingerprint")?,
            },
            "tenant_changed" => EventKind::TenantChanged {
                before: before.optional()?,
                after: after.typed()?,
            },
            "mpn_changed" => EventKind::MpnChanged {
                before: before.optional()?,
                after: after.typed()?,
            },
            "association_changed" => EventKind::AssociationChanged {
                before: before.optional()?,
                after: after.typed()?,
            },
            "replied" => EventKind::Replied {
                reply_id: after.text("reply_id")?,
                from: before.status("status")?,
                to: after.status("status")?,
                body: after.text("body")?,
                poe: after.value("poe").and_then(Value::as_u64).unwrap_or(0),
            },
            "withdrawn" => EventKind::Withdrawn {
                from: before.status("status")?,
                reason: after
                    .value("reason")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            "disputed" => EventKind::Disputed {
                dispute_id: after.text("dispute_id")?,
                from: before.status("status")?,
                body: after.text("body")?,
            },
            "dispute_resolved" => EventKind::DisputeResolved {
                dispute_id: after.text("dispute_id")?,
                outcome: after.parsed("outcome", DisputeOutcome::from_code)?,
                decision: after.parsed("decision", DecisionOutcome::from_code)?,
                reason: after.text("reason")?,
            },
            other => return Err(format!("unknown audit event kind {other:?}")),
        })
    }
}

/// Reference data as its interchange shape (the same fields an import line gives).
fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A decision's `after` column; `findings` (the error findings a lead approved over) only when
/// there are any, so a plain decision keeps the shape every earlier version wrote.
fn decision_json(outcome: DecisionOutcome, reason: &str, findings: &[FindingCode]) -> Value {
    let mut after = json!({
        "status": Status::decided(outcome).code(),
        "outcome": outcome.code(),
        "reason": reason,
    });
    if !findings.is_empty() {
        after["findings"] = findings.iter().map(|f| f.code()).collect();
    }
    after
}

fn reviewer_json(r: &ReviewerRecord) -> Value {
    json!({
        "login": r.login,
        "display_name": r.display_name,
        "role": r.role.code(),
        "active": r.active,
    })
}

/// One stored JSON column, for reading an event's details.
struct Fields<'a>(Option<Value>, &'a str, &'static str);

impl<'a> Fields<'a> {
    fn parse(code: &'a str, column: &'static str, json: Option<&str>) -> Result<Self, String> {
        let value = match json {
            Some(text) => Some(
                serde_json::from_str(text)
                    .map_err(|e| format!("audit event {code:?}: its {column} is not JSON ({e})"))?,
            ),
            None => None,
        };
        Ok(Fields(value, code, column))
    }

    /// The whole column as a typed value (reference data).
    fn typed<T: DeserializeOwned>(&self) -> Result<T, String> {
        let value = self.0.clone().ok_or_else(|| self.missing("(all)"))?;
        serde_json::from_value(value)
            .map_err(|e| format!("audit event {:?}: {} ({e})", self.1, self.2))
    }

    /// The whole column as a typed value, or `None` when the column is empty.
    fn optional<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        match self.0 {
            Some(_) => self.typed().map(Some),
            None => Ok(None),
        }
    }

    fn value(&self, name: &str) -> Option<&Value> {
        self.0.as_ref()?.get(name)
    }

    fn missing(&self, name: &str) -> String {
        format!(
            "audit event {:?}: {}.{name} is missing or wrong",
            self.1, self.2
        )
    }

    fn text(&self, name: &str) -> Result<String, String> {
        self.value(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| self.missing(name))
    }

    fn parsed<T>(&self, name: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
        self.value(name)
            .and_then(Value::as_str)
            .and_then(parse)
            .ok_or_else(|| self.missing(name))
    }

    /// The `findings` list of codes (absent: none).
    fn findings(&self) -> Result<Vec<FindingCode>, String> {
        let Some(list) = self.value("findings") else {
            return Ok(Vec::new());
        };
        list.as_array()
            .ok_or_else(|| self.missing("findings"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(FindingCode::from_code)
                    .ok_or_else(|| self.missing("findings"))
            })
            .collect()
    }

    fn status(&self, name: &str) -> Result<Status, String> {
        self.parsed(name, Status::from_code)
    }

    fn reviewer(&self) -> Result<ReviewerRecord, String> {
        Ok(ReviewerRecord {
            login: self.text("login")?,
            display_name: self.text("display_name")?,
            // Early versions stored the role by its Rust name ("Lead").
            role: self.parsed("role", |r| Role::from_code(&r.to_ascii_lowercase()))?,
            active: self
                .value("active")
                .and_then(Value::as_bool)
                .ok_or_else(|| self.missing("active"))?,
        })
    }
}

/// What checking the audit log's hash chain found (`claimdesk audit --verify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// How many events checked out, from the first.
    pub events: u64,
    /// The last event that checked out: its id and hash (the head a lead can keep).
    pub head: Option<(i64, String)>,
    /// The first event that does not check out, and why.
    pub broken: Option<(i64, String)>,
    /// With a head hash kept earlier: whether it is among the events that checked out.
    pub known_found: Option<bool>,
}

/// What the change feed tells a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Connected (again); events missed meanwhile follow as `Events`.
    Online,
    /// The change feed lost the database; writes will fail until `Online`.
    Offline(String),
    /// Changes made since the last report, oldest first.
    Events(Vec<AuditEvent>),
    /// A bulk write, told as one report instead of one event per claim; what came before it
    /// has been reported, what comes after follows.
    Bulk(BulkWrite),
}

/// A run of audit events one transaction appended for a bulk write (an import of many claims,
/// one `Imported` event each), as the change feed tells it: who, when and how many, without the
/// events themselves. They are in the audit log like any others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkWrite {
    /// The run's oldest and newest event ids (the oldest not yet reported, if a watcher was
    /// already past the start of the run).
    pub first_id: i64,
    pub last_id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub via: Option<String>,
    /// How many claims (events of the run from `first_id` on).
    pub claims: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(kind: EventKind) {
        let (before, after) = kind.columns();
        let back = EventKind::from_columns(kind.code(), before.as_deref(), after.as_deref());
        assert_eq!(back, Ok(kind));
    }

    #[test]
    fn every_kind_reads_back_what_it_wrote() {
        let tenant = Tenant {
            tenant_id: uuid::Uuid::from_u128(7),
            domains: vec!["contoso.onmicrosoft.com".into()],
            subscriptions: vec![crate::domain::Subscription {
                subscription_id: uuid::Uuid::from_u128(8),
                product: "Dynamics 365 Sales".into(),
                dynamics: true,
                channel: crate::domain::PurchaseChannel::WebDirect,
                state: crate::domain::SubscriptionState::Active,
            }],
        };
        let mpn = Mpn {
            mpn_id: "1234567".into(),
            partner: "Fabrikam".into(),
            enrolled: true,
            partner_type: None,
            partner_id: None,
        };
        let association = Association {
            tenant_id: tenant.tenant_id,
            product: "Dynamics 365 Sales".into(),
            mpn_id: "1234567".into(),
            claim_id: None,
        };
        let r = ReviewerRecord {
            login: "bob".into(),
            display_name: "Bob".into(),
            role: Role::Lead,
            active: true,
        };
        for kind in [
            EventKind::Imported {
                status: Status::UnderReview,
            },
            EventKind::Generated {
                summary: "10 claims".into(),
                claims: 10,
            },
            EventKind::Commented {
                visibility: Visibility::Partner,
                body: "hi".into(),
            },
            EventKind::InfoRequested {
                from: Status::UnderReview,
                body: "PoE?".into(),
            },
            EventKind::ReviewStarted {
                from: Status::Submitted,
            },
            EventKind::Decided {
                from: Status::UnderReview,
                outcome: DecisionOutcome::Rejected,
                reason: "no PoE".into(),
            },
            EventKind::Overridden {
                from: Status::Rejected,
                outcome: DecisionOutcome::Approved,
                reason: "new PoE".into(),
                findings: Vec::new(),
            },
            EventKind::Overridden {
                from: Status::UnderReview,
                outcome: DecisionOutcome::Approved,
                reason: "the customer confirmed the subscription by phone".into(),
                findings: vec![FindingCode::SubscriptionProductMismatch],
            },
            EventKind::Assigned {
                from: None,
                to: "carol".into(),
            },
            EventKind::Assigned {
                from: Some("carol".into()),
                to: "dave".into(),
            },
            EventKind::Taken {
                holder: "bob".into(),
                next: true,
            },
            EventKind::Reassigned {
                from: "bob".into(),
                to: "carol".into(),
            },
            EventKind::Released {
                holder: Some("bob".into()),
            },
            EventKind::ReviewerAdded {
                before: None,
                after: r.clone(),
            },
            EventKind::ReviewerAdded {
                before: Some(r.clone()),
                after: ReviewerRecord { active: false, ..r },
            },
            EventKind::ReviewerDeactivated {
                login: "bob".into(),
            },
            EventKind::KeyAdded {
                login: "bob".into(),
                fingerprint: "SHA256:abc".into(),
                key: "ssh-ed25519 AAAA".into(),
            },
            EventKind::KeyRemoved {
                login: "bob".into(),
                fingerprint: "SHA256:abc".into(),
            },
            EventKind::TenantChanged {
                before: None,
                after: tenant.clone(),
            },
            EventKind::TenantChanged {
                before: Some(tenant.clone()),
                after: Tenant {
                    subscriptions: Vec::new(),
                    ..tenant
                },
            },
            EventKind::MpnChanged {
                before: Some(mpn.clone()),
                after: Mpn {
                    enrolled: false,
                    ..mpn
                },
            },
            EventKind::AssociationChanged {
                before: None,
                after: association,
            },
            EventKind::Replied {
                reply_id: "R-1".into(),
                from: Status::InfoRequested,
                to: Status::UnderReview,
                body: "signed PoE attached".into(),
                poe: 1,
            },
            EventKind::Withdrawn {
                from: Status::UnderReview,
                reason: Some("filed twice".into()),
            },
            EventKind::Withdrawn {
                from: Status::Submitted,
                reason: None,
            },
            EventKind::Disputed {
                dispute_id: "D-1".into(),
                from: Status::Rejected,
                body: "we did the work".into(),
            },
            EventKind::DisputeResolved {
                dispute_id: "D-1".into(),
                outcome: DisputeOutcome::Overturned,
                decision: DecisionOutcome::Approved,
                reason: "PoE verified".into(),
            },
        ] {
            round_trip(kind);
        }
    }

    #[test]
    fn stored_shapes_of_earlier_versions_still_read() {
        let kind = EventKind::from_columns(
            "reviewer_added",
            None,
            Some(r#"{"login":"al","display_name":"Al","role":"Lead","active":true}"#),
        )
        .unwrap();
        assert!(matches!(kind, EventKind::ReviewerAdded { after, .. } if after.role == Role::Lead));
        let (_, after) = EventKind::Taken {
            holder: "bob".into(),
            next: false,
        }
        .columns();
        assert_eq!(after.as_deref(), Some(r#"{"holder":"bob"}"#));
    }

    #[test]
    fn an_unknown_kind_is_an_error_not_a_skip() {
        let err = EventKind::from_columns("teleported", None, None).unwrap_err();
        assert!(err.contains("teleported"), "{err}");
        let err = EventKind::from_columns("decided", Some("{"), None).unwrap_err();
        assert!(err.contains("not JSON"), "{err}");
    }
}
