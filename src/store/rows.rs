//! Plain row types both backends read into, and the shared assembly of claim views and queue rows
//! from them. Keeps the backend modules down to SQL and type conversion.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{ClaimView, QueueRow, StoreError};
use crate::domain::confidentiality::fold;
use crate::domain::findings::parse_subscription_id;
use crate::domain::*;

/// The `claims` columns every read needs.
#[derive(Debug, Clone)]
pub(crate) struct ClaimRow {
    pub claim_id: String,
    pub partner_name: String,
    pub mpn_id: String,
    pub tenant_id: Uuid,
    pub customer_domain: String,
    pub solution_area: String,
    pub activity: String,
    pub product: String,
    pub subscription_id: Option<String>,
    pub purchase_channel: String,
    pub submitted_at: DateTime<Utc>,
    pub status: String,
    pub version: i64,
    pub parties: i64,
    pub incumbent_mpn_id: Option<String>,
    pub assigned_to: Option<String>,
    /// When `assigned_to`'s hold ends (an expired lease holds nothing).
    pub held_until: Option<DateTime<Utc>>,
    /// Whom a lead assigned the claim to (apart from the hold).
    pub assignee: Option<String>,
}

/// A `poe` row.
#[derive(Debug, Clone)]
pub(crate) struct PoeRow {
    pub claim_id: String,
    pub kind: String,
    pub date: NaiveDate,
    pub summary: String,
    pub by_whom: String,
    pub attachment: String,
}

/// A `comments` row.
#[derive(Debug, Clone)]
pub(crate) struct CommentRow {
    pub claim_id: String,
    pub author: String,
    pub visibility: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A `decisions` row.
#[derive(Debug, Clone)]
pub(crate) struct DecisionRow {
    pub claim_id: String,
    pub outcome: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
    pub reason: String,
}

/// A `subscriptions` row.
#[derive(Debug, Clone)]
pub(crate) struct SubscriptionRow {
    pub subscription_id: Uuid,
    pub tenant_id: Uuid,
    pub product: String,
    pub dynamics: bool,
    pub channel: String,
    pub state: String,
}

/// Reference data and related claims gathered for a set of claims, so findings need no further IO.
#[derive(Debug, Default)]
pub(crate) struct FactsIndex {
    pub tenants: HashMap<Uuid, Tenant>,
    pub mpns: HashMap<String, Mpn>,
    /// Which known tenant holds each subscription the claims name.
    pub subscription_owner: HashMap<Uuid, Uuid>,
    /// Approved claims on each subscription the claims name.
    pub approved_on: HashMap<Uuid, Vec<String>>,
    /// Each claim's waits on the partner and latest dispute (its clocks).
    pub clocks: HashMap<String, ClockMarks>,
}

impl FactsIndex {
    /// Builds the tenants from their domain and subscription rows.
    pub fn add_tenants(
        &mut self,
        ids: impl IntoIterator<Item = Uuid>,
        domains: Vec<(Uuid, String)>,
        subscriptions: Vec<SubscriptionRow>,
    ) -> Result<(), StoreError> {
        for id in ids {
            self.tenants.insert(
                id,
                Tenant {
                    tenant_id: id,
                    domains: Vec::new(),
                    subscriptions: Vec::new(),
                },
            );
        }
        for (id, domain) in domains {
            if let Some(t) = self.tenants.get_mut(&id) {
                t.domains.push(domain);
            }
        }
        for s in subscriptions {
            let sub = Subscription {
                subscription_id: s.subscription_id,
                product: s.product,
                dynamics: s.dynamics,
                channel: word(
                    PurchaseChannel::from_code(&s.channel),
                    "channel",
                    &s.channel,
                )?,
                state: word(SubscriptionState::from_code(&s.state), "state", &s.state)?,
            };
            if let Some(t) = self.tenants.get_mut(&s.tenant_id) {
                t.subscriptions.push(sub);
            }
        }
        Ok(())
    }

    /// The facts for one claim.
    pub fn facts(&self, row: &ClaimRow) -> ClaimFacts {
        let sub = row
            .subscription_id
            .as_deref()
            .and_then(parse_subscription_id);
        ClaimFacts {
            tenant: self.tenants.get(&row.tenant_id).cloned(),
            mpn: self.mpns.get(&row.mpn_id).cloned(),
            subscription_owner: sub.and_then(|s| self.subscription_owner.get(&s).copied()),
            subscription_approved_elsewhere: sub
                .and_then(|s| self.approved_on.get(&s))
                .is_some_and(|ids| ids.iter().any(|id| *id != row.claim_id)),
        }
    }
}

fn word<T>(parsed: Option<T>, what: &str, value: &str) -> Result<T, StoreError> {
    parsed.ok_or_else(|| StoreError::Corrupt(format!("unknown {what} {value:?}")))
}

impl ClaimRow {
    /// The claim as filed, with its PoE and comments.
    pub fn to_claim(&self, poe: Vec<PoeItem>, comments: Vec<Comment>) -> Result<Claim, StoreError> {
        Ok(Claim {
            claim_id: self.claim_id.clone(),
            partner: Partner {
                name: self.partner_name.clone(),
                mpn_id: self.mpn_id.clone(),
            },
            customer: Customer {
                tenant_id: self.tenant_id,
                domain: self.customer_domain.clone(),
            },
            solution_area: word(
                SolutionArea::from_code(&self.solution_area),
                "solution area",
                &self.solution_area,
            )?,
            activity: word(
                Activity::from_code(&self.activity),
                "activity",
                &self.activity,
            )?,
            product: self.product.clone(),
            subscription_id: self.subscription_id.clone(),
            purchase_channel: word(
                PurchaseChannel::from_code(&self.purchase_channel),
                "purchase channel",
                &self.purchase_channel,
            )?,
            submitted_at: self.submitted_at,
            status: word(Status::from_code(&self.status), "status", &self.status)?,
            poe,
            comments,
        })
    }

    /// The queue's row for this claim, with its findings from `facts`.
    pub fn to_queue_row(&self, facts: &FactsIndex) -> Result<QueueRow, StoreError> {
        let claim = self.to_claim(Vec::new(), Vec::new())?;
        let assessment = assess(&claim, &facts.facts(self));
        Ok(QueueRow {
            claim_id: claim.claim_id,
            partner_name: claim.partner.name,
            mpn_id: claim.partner.mpn_id,
            customer_domain: claim.customer.domain,
            solution_area: claim.solution_area,
            activity: claim.activity,
            product: claim.product,
            submitted_at: claim.submitted_at,
            status: claim.status,
            parties: u32::try_from(self.parties).unwrap_or(0),
            incumbent_mpn_id: self.incumbent_mpn_id.clone(),
            findings: assessment.codes(),
            unknown_checks: u32::try_from(assessment.unknown.len()).unwrap_or(u32::MAX),
            assigned_to: self.assigned_to.clone(),
            held_until: self.held_until,
            assignee: self.assignee.clone(),
            clock: facts
                .clocks
                .get(&self.claim_id)
                .cloned()
                .unwrap_or_default(),
        })
    }
}

/// Everything fetched for a batch of claims, turned into views in the rows' order.
pub(crate) struct ViewParts {
    pub poe: Vec<PoeRow>,
    pub comments: Vec<CommentRow>,
    pub decisions: Vec<DecisionRow>,
    /// (claim, competing claim) pairs, competing ids in id order.
    pub competing: Vec<(String, String)>,
    /// The associations of the claims' customers and products, by (tenant, product key).
    pub associations: HashMap<(Uuid, String), Association>,
    pub facts: FactsIndex,
}

impl ViewParts {
    /// Assembles the views.
    pub fn assemble(self, rows: Vec<ClaimRow>) -> Result<Vec<ClaimView>, StoreError> {
        let mut poe: HashMap<String, Vec<PoeItem>> = HashMap::new();
        for p in self.poe {
            poe.entry(p.claim_id).or_default().push(PoeItem {
                kind: p.kind,
                date: p.date,
                summary: p.summary,
                by: p.by_whom,
                attachment: p.attachment,
            });
        }
        let mut comments: HashMap<String, Vec<Comment>> = HashMap::new();
        for c in self.comments {
            let visibility = word(
                Visibility::from_code(&c.visibility),
                "visibility",
                &c.visibility,
            )?;
            comments.entry(c.claim_id).or_default().push(Comment {
                author: c.author,
                visibility,
                body: c.body,
                at: c.at,
            });
        }
        let mut decisions: HashMap<String, Decision> = HashMap::new();
        for d in self.decisions {
            let outcome = word(
                DecisionOutcome::from_code(&d.outcome),
                "decision",
                &d.outcome,
            )?;
            decisions.insert(
                d.claim_id,
                Decision {
                    outcome,
                    by: d.decided_by,
                    at: d.decided_at,
                    reason: d.reason,
                },
            );
        }
        let mut competing: HashMap<String, Vec<String>> = HashMap::new();
        for (claim, other) in self.competing {
            competing.entry(claim).or_default().push(other);
        }
        rows.into_iter()
            .map(|row| {
                let claim = row.to_claim(
                    poe.remove(&row.claim_id).unwrap_or_default(),
                    comments.remove(&row.claim_id).unwrap_or_default(),
                )?;
                Ok(ClaimView {
                    facts: self.facts.facts(&row),
                    version: row.version,
                    competing_claim_ids: competing.remove(&row.claim_id).unwrap_or_default(),
                    incumbent_mpn_id: row.incumbent_mpn_id.clone(),
                    association: self
                        .associations
                        .get(&(row.tenant_id, crate::domain::product_key(&row.product)))
                        .map(|a| {
                            let partner = self.facts.mpns.get(&a.mpn_id).map(|m| m.partner.clone());
                            (a.clone(), partner)
                        }),
                    decision: decisions.remove(&row.claim_id),
                    assigned_to: row.assigned_to.clone(),
                    held_until: row.held_until,
                    assignee: row.assignee.clone(),
                    clock: self
                        .facts
                        .clocks
                        .get(&row.claim_id)
                        .cloned()
                        .unwrap_or_default(),
                    claim,
                })
            })
            .collect()
    }
}

/// The queue tab a status falls in: `review`, `info`, `disputed` or `closed`.
pub(crate) fn queue_state(status: Status) -> &'static str {
    match status {
        Status::Submitted | Status::UnderReview => "review",
        Status::InfoRequested => "info",
        Status::Disputed => "disputed",
        Status::Approved | Status::Rejected | Status::Withdrawn => "closed",
    }
}

/// What the queue filter searches: id, MPN, partner, domain and product, folded as people type
/// (case, diacritics and compatibility forms: "mul" finds Müller, "celik" Çelik).
pub(crate) fn search_text(claim: &Claim) -> String {
    fold(&format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
        claim.claim_id,
        claim.partner.mpn_id,
        claim.partner.name,
        claim.customer.domain,
        claim.product
    ))
}

/// A LIKE pattern matching `filter` anywhere, with LIKE's wildcards escaped by `\`.
pub(crate) fn like_pattern(filter: &str) -> String {
    let mut out = String::from("%");
    for ch in fold(filter.trim()).chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The typed subscription id as a GUID, for matching subscriptions and other claims.
pub(crate) fn subscription_key(claim: &Claim) -> Option<Uuid> {
    claim
        .subscription_id
        .as_deref()
        .and_then(parse_subscription_id)
}

/// The SQL column a queue sort orders by, and whether its natural direction is descending.
pub(crate) fn sort_column(sort: super::QueueSort) -> (&'static str, bool) {
    use super::QueueSort::*;
    match sort {
        Urgency => ("submitted_at", false),
        Newest => ("submitted_at", true),
        ClaimId => ("claim_id", false),
        Partner => ("party_key", false),
        Product => ("product_key", false),
    }
}

/// The last item for each key, in first-seen order: later lines of an import replace earlier ones
/// (a multi-row upsert may not name the same key twice).
pub(crate) fn dedup_by<T: Clone, K: std::hash::Hash + Eq>(
    items: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<T> = Vec::new();
    for item in items {
        match index.get(&key(item)) {
            Some(&i) => out[i] = item.clone(),
            None => {
                index.insert(key(item), out.len());
                out.push(item.clone());
            }
        }
    }
    out
}
