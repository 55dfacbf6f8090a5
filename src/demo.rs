//! `claimdesk demo`: a small hand-made data set that shows a new reviewer everything at once:
//! a three-party and a two-party contest, an incumbent association imported and one made by an
//! approval, a partner with two MPNs (one `partner_id`), every finding code, checks
//! left unknown (a tenant and an MPN missing from the reference data), non-ASCII partner names,
//! every status, SLA clocks that are fine, nearly due and overdue, and partner-visible and
//! internal comments; then the partner feed: a replied claim, an overdue reply and a dispute.
//!
//! Times are set relative to `now` through the configured calendar, so the clocks look right on
//! any day. The set is written as interchange JSON Lines and read back through the importer, so
//! the demo can never drift from the file contract; `tests/fixtures/realistic.jsonl` is the same
//! set at a fixed instant.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::config::Config;
use crate::domain::{DecisionOutcome, SlaState, Status};
use crate::generate::SplitMix64;
use crate::interchange::{self, Problem};
use crate::store::{Audit, AuditMode, DecisionRequest, ImportBatch, Seen, Store, StoreError};

/// The instant the shipped fixture file was made at (a Wednesday afternoon).
pub const FIXTURE_NOW: &str = "2026-11-18T15:00:00Z";

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The built-in data set broke the import contract (a bug, caught by the unit tests).
    #[error("the demo data set is invalid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Loads the demo set into `store` if it holds no claims yet; `Some(claims)` if it did.
pub async fn load_if_empty(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<usize>, DemoError> {
    if store.claim_count().await? > 0 {
        return Ok(None);
    }
    let mut batch = batch(config, now).map_err(|problems| {
        DemoError::Invalid(problems.first().map(Problem::to_string).unwrap_or_default())
    })?;
    // Closed claims are filed open and then decided through the store, so the demo shows who
    // decided, when and why, as a real decision would.
    let mut decisions = Vec::new();
    for (_, claim) in &mut batch.claims {
        if let Some((outcome, reason)) = closing(claim.status) {
            decisions.push((claim.claim_id.clone(), outcome, reason));
            claim.status = Status::UnderReview;
        }
    }
    let audit = Audit {
        actor: DEMO_LEAD.to_string(),
        mode: AuditMode::PerClaim,
    };
    let loaded = store.import(&batch, &audit).await?.claims;
    for (claim_id, outcome, reason) in decisions {
        let Some(view) = store.claim(&claim_id).await? else {
            continue;
        };
        let request = DecisionRequest {
            seen: Seen {
                claim_id,
                version: view.version,
            },
            outcome,
            reason: reason.to_string(),
        };
        store.decide(&[request], DEMO_LEAD).await?;
    }
    partner_feed(store, config, now).await?;
    Ok(Some(loaded))
}

/// The claim's life after filing: DEMO-0002 was asked for more and its partner has replied
/// (back under review, the reply marked as the partner's), and the partner of DEMO-0022
/// disputes its rejection (in the Disputed tab, for a reviewer other than the demo lead).
/// DEMO-0003 waits on a reply that is overdue (filed that way).
async fn partner_feed(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<(), DemoError> {
    if let Some(view) = store.claim("DEMO-0002").await? {
        let request = crate::store::InfoRequest {
            seen: Seen {
                claim_id: "DEMO-0002".into(),
                version: view.version,
            },
            body: "Please send the deployment report signed by the customer.".into(),
        };
        store.request_info(&[request], DEMO_LEAD).await?;
    }
    // After the decisions just made (a dispute cannot come before the decision it disputes).
    let at = crate::interchange::export::rfc3339(now.max(Utc::now()));
    let lines = [
        json!({"type": "reply", "claim_id": "DEMO-0002", "reply_id": "DEMO-R-1", "at": at,
               "body": "Attached: the deployment report, countersigned by the customer's CIO.",
               "poe": [{"kind": "Deployment report (signed)", "date": now.date_naive().to_string(),
                        "summary": "Production deployment report, countersigned",
                        "by": "Müller IT GmbH", "attachment": "poe/DEMO-0002-R1.pdf"}]}),
        json!({"type": "dispute", "claim_id": "DEMO-0022", "dispute_id": "DEMO-D-1", "at": at,
               "body": "Our PoE names every product: see page 2 of the signed SOW."}),
    ];
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    let mut batch = interchange::parse_str(&text.join("\n")).map_err(|problems| {
        DemoError::Invalid(problems.first().map(Problem::to_string).unwrap_or_default())
    })?;
    batch.policy = config.feed_policy();
    let audit = Audit {
        actor: DEMO_LEAD.to_string(),
        mode: AuditMode::PerClaim,
    };
    store.import(&batch, &audit).await?;
    Ok(())
}

/// Who loads the demo and records its decisions.
const DEMO_LEAD: &str = "demo-lead";

/// The decision that closes a claim filed with a closed status, with a reason reviewers use.
fn closing(status: Status) -> Option<(DecisionOutcome, &'static str)> {
    match status {
        Status::Approved => Some((
            DecisionOutcome::Approved,
            "Most recent valid PoE, signed by the customer",
        )),
        Status::Rejected => Some((DecisionOutcome::Rejected, "Products missing from the PoE")),
        Status::Withdrawn => Some((DecisionOutcome::Withdrawn, "Partner request")),
        _ => None,
    }
}

/// The demo set, parsed.
pub fn batch(config: &Config, now: DateTime<Utc>) -> Result<ImportBatch, Vec<Problem>> {
    interchange::parse_str(&jsonl(config, now))
}

/// The demo set as interchange JSON Lines: reference data first, then the claims.
pub fn jsonl(config: &Config, now: DateTime<Utc>) -> String {
    // Whole minutes, so the file reads like something people typed.
    let now = DateTime::from_timestamp(now.timestamp().div_euclid(60) * 60, 0).unwrap_or(now);
    let ids = Ids::new();
    let mut lines: Vec<Value> = Vec::new();
    lines.extend(tenants(&ids));
    lines.extend(MPNS.iter().map(|(mpn, partner, enrolled, kind)| {
        let mut line = json!({"type": "mpn", "mpn_id": mpn, "partner": partner,
                              "enrolled": enrolled, "partner_type": kind});
        if TWO_MPNS.0.contains(mpn) {
            line["partner_id"] = json!(TWO_MPNS.1);
        }
        line
    }));
    lines.push(json!({"type": "association", "tenant_id": ids.tenant[2],
                      "product": "Dynamics 365 Finance", "mpn_id": "5100010"}));
    for (n, spec) in claims().iter().enumerate() {
        lines.push(spec.to_json(n, &ids, config, now));
    }
    let mut out = String::new();
    for mut line in lines {
        // `type` first, so a person reading the file sees what each line is.
        let kind = line
            .as_object_mut()
            .and_then(|m| m.remove("type"))
            .unwrap_or(Value::Null);
        let rest = line.to_string();
        out.push_str(&format!("{{\"type\":{kind},{}", &rest[1..]));
        out.push('\n');
    }
    out
}

/// Stable GUIDs for the demo's tenants and subscriptions.
struct Ids {
    tenant: Vec<Uuid>,
    sub: Vec<Uuid>,
}

impl Ids {
    fn new() -> Self {
        let mut rng = SplitMix64::new(20_261_118);
        Ids {
            tenant: (0..9).map(|_| rng.guid()).collect(),
            sub: (0..16).map(|_| rng.guid()).collect(),
        }
    }
}

/// Each tenant's own domain; 6 and 7 are unused.
const TENANT_DOMAINS: [&str; 9] = [
    "contosopharma.onmicrosoft.com",
    "fabrikamresidences.onmicrosoft.com",
    "woodgrovebank.onmicrosoft.com",
    "alpineskihouse.onmicrosoft.com",
    "lucernepublishing.onmicrosoft.com",
    "tailwindtraders.onmicrosoft.com",
    "",
    "",
    "worldwideimporters.onmicrosoft.com",
];

/// Known tenants with their subscriptions; tenant 8 (World Wide Importers) is left out on
/// purpose, so its claim shows unknown checks.
fn tenants(ids: &Ids) -> Vec<Value> {
    let sub = |i: usize, product: &str, dynamics: bool, channel: &str, state: &str| {
        json!({"subscription_id": ids.sub[i], "product": product, "dynamics": dynamics,
               "channel": channel, "state": state})
    };
    let tenant = |t: usize, extra_domains: &[&str], subs: Vec<Value>| {
        let mut domains = vec![TENANT_DOMAINS[t].to_string()];
        domains.extend(extra_domains.iter().map(|d| d.to_string()));
        json!({"type": "tenant", "tenant_id": ids.tenant[t], "domains": domains,
               "subscriptions": subs})
    };
    vec![
        tenant(
            0,
            &["contoso-pharma.com"],
            vec![
                sub(0, "Dynamics 365 Sales", true, "volume_licensing", "active"),
                sub(1, "Exchange Online", false, "csp", "active"),
                sub(
                    2,
                    "Dynamics 365 Customer Service",
                    true,
                    "web_direct",
                    "grace",
                ),
            ],
        ),
        tenant(
            1,
            &[],
            vec![
                sub(3, "Microsoft Teams", false, "web_direct", "active"),
                sub(4, "Exchange Online", false, "web_direct", "active"),
            ],
        ),
        tenant(
            2,
            &[],
            vec![
                sub(
                    5,
                    "Dynamics 365 Finance",
                    true,
                    "volume_licensing",
                    "active",
                ),
                sub(6, "Exchange Online", false, "volume_licensing", "active"),
            ],
        ),
        tenant(
            3,
            &[],
            vec![
                sub(
                    7,
                    "Dynamics 365 Business Central",
                    true,
                    "web_direct",
                    "active",
                ),
                sub(8, "Exchange Online", false, "volume_licensing", "active"),
            ],
        ),
        tenant(
            4,
            &[],
            vec![
                sub(
                    9,
                    "Dynamics 365 Supply Chain Management",
                    true,
                    "csp",
                    "active",
                ),
                sub(
                    10,
                    "Dynamics 365 Field Service",
                    true,
                    "volume_licensing",
                    "unprovisioned",
                ),
                sub(11, "Microsoft Intune", false, "web_direct", "active"),
                sub(12, "Dynamics 365 Sales", true, "volume_licensing", "active"),
                sub(
                    15,
                    "Dynamics 365 Business Central",
                    true,
                    "web_direct",
                    "ended",
                ),
            ],
        ),
        tenant(
            5,
            &[],
            vec![
                sub(13, "Dynamics 365 Sales", true, "volume_licensing", "active"),
                sub(
                    14,
                    "Dynamics 365 Customer Service",
                    true,
                    "web_direct",
                    "active",
                ),
            ],
        ),
    ]
}

/// MPN ID, partner, enrolled, partner type. 5100012 is Müller's second, unenrolled MPN;
/// 5199999 (Humongous Digital) is deliberately absent.
const MPNS: [(&str, &str, bool, Option<&str>); 24] = [
    ("5100001", "Société Générale Conseil", true, None),
    ("5100002", "Müller IT GmbH", true, Some("FRP FastTrack")),
    ("5100003", "株式会社フジ", true, None),
    ("5100004", "Contoso Consulting", true, None),
    ("5100005", "Northwind Solutions", true, None),
    ("5100006", "Litware Digital", true, None),
    ("5100007", "Proseware Cloud Services", true, None),
    ("5100008", "Tailspin Technologies", true, None),
    ("5100009", "Wingtip Advisory", true, None),
    (
        "5100010",
        "Adatum Partners",
        true,
        Some("Solutions Partner"),
    ),
    ("5100011", "Ølstad Rådgivning AS", true, None),
    ("5100012", "Müller IT GmbH", false, None),
    ("5100013", "Çelik Bilişim A.Ş.", true, None),
    ("5100014", "Núñez & Asociados S.L.", true, None),
    ("5100015", "Łódź Cloud Sp. z o.o.", true, None),
    ("5100016", "Fourth Coffee Partners", true, None),
    ("5100017", "Relecloud Systems", true, None),
    ("5100018", "Trey Research Partners", true, None),
    ("5100019", "Coho Solutions", true, None),
    ("5100020", "Blue Yonder Consulting", true, None),
    ("5100021", "Wide World Partners", true, None),
    ("5100022", "Lamna Advisory", true, None),
    ("5100023", "Margie's Digital", true, None),
    ("5100024", "VanArsdel Solutions", true, None),
];

/// Müller's two MPNs, one partner: its claims under either never compete with each other.
const TWO_MPNS: ([&str; 2], &str) = (["5100002", "5100012"], "P-MULLER-IT");

/// What the partner typed as the subscription.
enum Sub {
    None,
    Known(usize),
    /// A known subscription typed in capitals with braces (forgiven by the check).
    Braced(usize),
    Typed(&'static str),
}

/// One demo claim, written compactly.
struct Spec {
    partner: &'static str,
    mpn: &'static str,
    tenant: usize,
    /// A domain other than the tenant's own (for the mismatch finding).
    domain: Option<&'static str>,
    ba: bool,
    activity: &'static str,
    product: &'static str,
    sub: Sub,
    channel: &'static str,
    status: &'static str,
    /// The SLA state to show now, and at least how many hours ago the claim came in.
    sla: (SlaState, i64),
    poe: &'static [(&'static str, &'static str)],
    comments: &'static [(&'static str, &'static str, &'static str)],
}

impl Spec {
    fn to_json(&self, n: usize, ids: &Ids, config: &Config, now: DateTime<Utc>) -> Value {
        let submitted = submitted_for(config, now, self.sla.0, self.sla.1, (n as i64 * 7) % 53);
        let subscription = match self.sub {
            Sub::None => Value::Null,
            Sub::Known(i) => json!(ids.sub[i]),
            Sub::Braced(i) => json!(format!("{{{}}}", ids.sub[i].to_string().to_uppercase())),
            Sub::Typed(s) => json!(s),
        };
        let tenant_id = ids.tenant[self.tenant];
        let domain = self.domain.unwrap_or(TENANT_DOMAINS[self.tenant]);
        let poe: Vec<Value> = self
            .poe
            .iter()
            .enumerate()
            .map(|(k, (kind, summary))| {
                let date = (submitted - TimeDelta::days(3 + 9 * k as i64)).date_naive();
                json!({"kind": kind, "date": date.to_string(), "summary": summary,
                       "by": self.partner, "attachment": format!("poe/DEMO-{:04}-{}.pdf", n + 1, k + 1)})
            })
            .collect();
        let comments: Vec<Value> = self
            .comments
            .iter()
            .enumerate()
            .map(|(k, (visibility, author, body))| {
                let at = (submitted + TimeDelta::hours(3 + 5 * k as i64)).min(now);
                json!({"author": author, "visibility": visibility, "body": body,
                       "at": crate::interchange::export::rfc3339(at)})
            })
            .collect();
        json!({
            "type": "claim",
            "claim_id": format!("DEMO-{:04}", n + 1),
            "partner": {"name": self.partner, "mpn_id": self.mpn},
            "customer": {"tenant_id": tenant_id, "domain": domain},
            "solution_area": if self.ba { "business_applications" } else { "microsoft_365" },
            "activity": self.activity,
            "product": self.product,
            "subscription_id": subscription,
            "purchase_channel": self.channel,
            "submitted_at": crate::interchange::export::rfc3339(submitted),
            "status": self.status,
            "poe": poe,
            "comments": comments,
        })
    }
}

/// The latest submission time at least `min_hours` (plus `minutes`) before `now` whose SLA
/// countdown shows `want` now, under the configured calendar and policy.
fn submitted_for(
    config: &Config,
    now: DateTime<Utc>,
    want: SlaState,
    min_hours: i64,
    minutes: i64,
) -> DateTime<Utc> {
    let at = |h: i64| now - TimeDelta::hours(h) - TimeDelta::minutes(minutes);
    (min_hours..24 * 90)
        .map(at)
        .find(|t| {
            let due = config.sla.due_at(&config.calendar, *t, TimeDelta::zero());
            config.sla.countdown(&config.calendar, due, now).state == want
        })
        .unwrap_or_else(|| at(min_hours))
}

mod data;
use data::claims;

#[cfg(test)]
mod tests;
