//! Bulk writes: an import (or a `generate` batch) in one transaction, with multi-row statements
//! as large as each database takes. Written once; SQLite adds only its page cache and its trigram
//! index (FTS5 has no trigger here: one statement indexes a whole import).

use chrono::Utc;

use std::collections::HashMap;

use super::apply::{insert_events, refresh_contests, statement};
use super::db::{Arg, Exec, Sql, Tx};
use super::plan::{GroupKey, NewEvent};
use super::reads::stored_ids;
use super::reference;
use super::rows::*;
use super::{Audit, AuditMode, ImportBatch, ImportSummary, Store, StoreError};

use crate::domain::{
    partner_key, party_key, product_key, Claim, Comment, Decision, DecisionOutcome, PoeItem,
    Status, Subscription, Tenant, Visibility,
};
use crate::model::{Actor, EventKind};

/// An import of this many claims or more refreshes PostgreSQL's planner statistics after it.
const BULK_ANALYZE_FROM: usize = 10_000;

impl Store {
    /// Writes a validated import in one transaction: reference data is inserted or replaced
    /// (each row that changes audited with before and after), claims are inserted with their
    /// PoE and comments. Only a lead or an integration login imports, only a lead generates. If any claim id is already stored, nothing
    /// is written and `StoreError::ClaimsExist` lists them.
    pub async fn import(
        &self,
        batch: &ImportBatch,
        audit: &Audit,
    ) -> Result<ImportSummary, StoreError> {
        let identity = self.identity_for(&audit.actor)?;
        let mut tx = self.pool.begin_write().await?;
        let actor = super::engine::read_actor(&mut tx, &identity).await?;
        super::rules::check_import(&actor, matches!(audit.mode, AuditMode::Summary(_)))?;
        let existing = existing_claims(&mut tx, batch).await?;
        if !existing.is_empty() {
            return Err(StoreError::ClaimsExist(existing));
        }
        let now = super::engine::now();
        let generated = matches!(audit.mode, AuditMode::Summary(_));
        let implied = if generated {
            Vec::new()
        } else {
            implied_associations(&mut tx, batch).await?
        };
        let mut reference_keys = reference::keys(&mut tx, batch).await?;
        reference_keys.add_associations(&implied);
        let reference_before = reference::snapshot(&mut tx, &reference_keys).await?;
        let claims: Vec<&Claim> = batch.claims.iter().map(|(_, c)| c).collect();
        let watermark = match &mut tx {
            Tx::Sqlite(tx) => Some(super::sqlite::before_bulk(tx).await?),
            Tx::Postgres(_) => None,
        };
        put_tenants(&mut tx, &batch.tenants).await?;
        let mpns = dedup_by(&batch.mpns, |m| m.mpn_id.clone());
        bulk(
            &mut tx,
            "INSERT INTO mpns (mpn_id, partner, enrolled, partner_type, partner_id, party_key) ",
            " ON CONFLICT (mpn_id) DO UPDATE SET partner = excluded.partner,
             enrolled = excluded.enrolled, partner_type = excluded.partner_type,
             partner_id = excluded.partner_id, party_key = excluded.party_key",
            &mpns,
            |m| {
                vec![
                    Arg::from(&m.mpn_id),
                    Arg::from(&m.partner),
                    Arg::from(m.enrolled),
                    Arg::from(m.partner_type.clone()),
                    Arg::from(m.partner_id.clone()),
                    Arg::from(party_key(&m.partner)),
                ]
            },
        )
        .await?;
        let mut groups = move_partners(&mut tx, &reference_before, &mpns).await?;
        let partners = partner_ids(&mut tx, &claims).await?;
        let mut associations = batch.associations.clone();
        associations.extend(implied);
        let associations = dedup_by(&associations, |a| (a.tenant_id, product_key(&a.product)));
        bulk(
            &mut tx,
            "INSERT INTO associations (tenant_id, product_key, product, mpn_id, claim_id) ",
            " ON CONFLICT (tenant_id, product_key) DO UPDATE SET product = excluded.product,
             mpn_id = excluded.mpn_id, claim_id = excluded.claim_id",
            &associations,
            |a| {
                vec![
                    Arg::from(a.tenant_id),
                    Arg::from(product_key(&a.product)),
                    Arg::from(&a.product),
                    Arg::from(&a.mpn_id),
                    Arg::from(a.claim_id.clone()),
                ]
            },
        )
        .await?;
        bulk(&mut tx, CLAIMS_INSERT, "", &claims, |c| {
            claim_args(c, partners.get(&c.partner.mpn_id).map(String::as_str))
        })
        .await?;
        if let (Tx::Sqlite(tx), Some(watermark)) = (&mut tx, watermark) {
            super::sqlite::index_new_claims(tx, watermark).await?;
        }
        let poe: Vec<(&str, usize, &PoeItem)> = claims
            .iter()
            .flat_map(|c| {
                c.poe
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (c.claim_id.as_str(), i, p))
            })
            .collect();
        bulk(
            &mut tx,
            "INSERT INTO poe (claim_id, seq, kind, date, summary, by_whom, attachment) ",
            "",
            &poe,
            |(id, seq, p)| {
                vec![
                    Arg::from(*id),
                    Arg::from(i64::try_from(*seq).unwrap_or(i64::MAX)),
                    Arg::from(&p.kind),
                    Arg::from(p.date),
                    Arg::from(&p.summary),
                    Arg::from(&p.by),
                    Arg::from(&p.attachment),
                ]
            },
        )
        .await?;
        let comments: Vec<(&str, &Comment)> = claims
            .iter()
            .flat_map(|c| c.comments.iter().map(|m| (c.claim_id.as_str(), m)))
            .collect();
        bulk(
            &mut tx,
            "INSERT INTO comments (claim_id, author, visibility, body, at) ",
            "",
            &comments,
            |(id, c)| {
                vec![
                    Arg::from(*id),
                    Arg::from(&c.author),
                    Arg::from(c.visibility.code()),
                    Arg::from(&c.body),
                    Arg::from(c.at),
                ]
            },
        )
        .await?;
        // A claim filed already waiting on its partner has waited since the request (its latest
        // partner-visible comment), or since it was filed.
        let waits: Vec<(&str, chrono::DateTime<Utc>)> = claims
            .iter()
            .filter(|c| c.status == Status::InfoRequested)
            .map(|c| {
                let asked = c
                    .comments
                    .iter()
                    .filter(|m| m.visibility == Visibility::Partner)
                    .map(|m| m.at)
                    .max();
                (c.claim_id.as_str(), asked.unwrap_or(c.submitted_at))
            })
            .collect();
        bulk(
            &mut tx,
            "INSERT INTO pauses (claim_id, started_at) ",
            "",
            &waits,
            |(id, at)| vec![Arg::from(*id), Arg::from(*at)],
        )
        .await?;
        let feed = apply_feed(&mut tx, batch, &actor, now).await?;
        groups.extend(
            associations
                .iter()
                .map(|a| (a.tenant_id, product_key(&a.product)))
                .chain(
                    claims
                        .iter()
                        .map(|c| (c.customer.tenant_id, product_key(&c.product))),
                )
                .map(|(tenant_id, product_key)| GroupKey {
                    tenant_id,
                    product_key,
                })
                .chain(feed.plan.groups.iter().cloned()),
        );
        refresh_contests(&mut tx, groups, true).await?;
        let reference_keys = if generated {
            reference_keys.stored_in(&reference_before)
        } else {
            reference_keys
        };
        let reference_after = reference::snapshot(&mut tx, &reference_keys).await?;
        let mut events: Vec<NewEvent> = reference::changes(&reference_before, &reference_after)
            .into_iter()
            .map(|kind| NewEvent {
                at: now,
                actor: actor.login.clone(),
                claim_id: None,
                via: actor.via.clone(),
                kind,
            })
            .collect();
        events.extend(import_events(&claims, audit, &actor, now));
        let feed_events = feed.plan.events.len();
        events.extend(feed.plan.events);
        let ids = insert_events(&mut tx, &events).await?;
        // The feed's events come after the claims' own: a bulk run is only of the latter.
        let ids = &ids[..ids.len() - feed_events];
        if let Some((first_id, last_id)) = super::rules::bulk_run(ids, claims.len(), generated) {
            let sql = Sql::new(
                "INSERT INTO bulk_writes (last_id, first_id, at, actor, via, claims)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .arg(last_id)
            .arg(first_id)
            .arg(now)
            .arg(&actor.login)
            .arg(actor.via.clone())
            .arg(i64::try_from(claims.len()).unwrap_or(i64::MAX));
            tx.execute(sql).await?;
        }
        tx.commit().await?;
        if !generated && claims.len() >= BULK_ANALYZE_FROM {
            // The planner's statistics would still describe the store before the load (the
            // dashboard's and the queue's plans go wrong); `generate` refreshes them once at
            // its end instead (bulk_indexes.rs).
            super::bulk_indexes::refresh_statistics(&self.pool).await?;
        }
        Ok(ImportSummary {
            claims: claims.len(),
            tenants: batch.tenants.len(),
            mpns: batch.mpns.len(),
            associations: batch.associations.len(),
            feed: feed.applied,
            replayed: feed.replayed,
        })
    }
}

/// Applies the partner feed's lines (after the import's own claims, which they may name):
/// reads the claims they name and the lines already applied, lets `rules::plan_feed` decide,
/// and carries out its writes. Its events and contests are left to the caller, which appends
/// them after the import's own.
async fn apply_feed(
    tx: &mut Tx,
    batch: &ImportBatch,
    importer: &Actor,
    now: chrono::DateTime<Utc>,
) -> Result<super::rules::FeedPlan, StoreError> {
    if batch.feed.is_empty() {
        return Ok(super::rules::FeedPlan::default());
    }
    let mut ids: Vec<String> = batch
        .feed
        .iter()
        .map(|(_, l)| l.claim_id().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    let sql = Sql::new(format!(
        "{current}, c.mpn_id,
         (SELECT COALESCE(MAX(p.seq) + 1, 0) FROM poe p WHERE p.claim_id = c.claim_id) AS next_poe,
         (SELECT d.outcome FROM decisions d WHERE d.claim_id = c.claim_id) AS dec_outcome,
         (SELECT d.decided_by FROM decisions d WHERE d.claim_id = c.claim_id) AS dec_by,
         (SELECT d.decided_at FROM decisions d WHERE d.claim_id = c.claim_id) AS dec_at,
         (SELECT d.reason FROM decisions d WHERE d.claim_id = c.claim_id) AS dec_reason
         FROM claims c WHERE c.claim_id IN_LIST($1) ORDER BY c.claim_id /*+FOR_UPDATE*/",
        current = super::engine::CURRENT
    ))
    .arg(ids.clone());
    let mut claims = Vec::new();
    for row in tx.fetch_all(sql).await? {
        let decision = match (
            row.opt_text("dec_outcome")?,
            row.opt_text("dec_by")?,
            row.opt_time("dec_at")?,
            row.opt_text("dec_reason")?,
        ) {
            (Some(outcome), Some(by), Some(at), Some(reason)) => Some(Decision {
                outcome: DecisionOutcome::from_code(&outcome).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown decision outcome {outcome:?}"))
                })?,
                by,
                at,
                reason,
            }),
            _ => None,
        };
        claims.push(super::rules::FeedClaim {
            current: super::engine::current_row(&row)?,
            mpn_id: row.text("mpn_id")?,
            decision,
            poe: row.int("next_poe")?,
        });
    }
    let line_ids: Vec<String> = batch
        .feed
        .iter()
        .map(|(_, l)| l.line_id().to_string())
        .collect();
    let mut applied = HashMap::new();
    let sql = Sql::new("SELECT kind, line_id, content FROM feed_lines WHERE line_id IN_LIST($1)")
        .arg(line_ids);
    for row in tx.fetch_all(sql).await? {
        applied.insert((row.text(0)?, row.text(1)?), row.text(2)?);
    }
    let feed =
        super::rules::plan_feed(importer, &batch.feed, &claims, &applied, batch.policy, now)?;
    for write in &feed.plan.writes {
        tx.execute(statement(write)).await?;
    }
    Ok(feed)
}

/// How an import is audited: one event per claim a person imported, one for a generated batch.
fn import_events(
    claims: &[&Claim],
    audit: &Audit,
    actor: &Actor,
    at: chrono::DateTime<Utc>,
) -> Vec<NewEvent> {
    match &audit.mode {
        AuditMode::Summary(text) => vec![NewEvent {
            at,
            actor: actor.login.clone(),
            claim_id: None,
            via: actor.via.clone(),
            kind: EventKind::Generated {
                summary: text.clone(),
                claims: claims.len() as u64,
            },
        }],
        AuditMode::PerClaim => claims
            .iter()
            .map(|c| NewEvent {
                at,
                actor: actor.login.clone(),
                claim_id: Some(c.claim_id.clone()),
                via: actor.via.clone(),
                kind: EventKind::Imported { status: c.status },
            })
            .collect(),
    }
}

const CLAIMS_INSERT: &str = "INSERT INTO claims (claim_id, partner_name, party_key, mpn_id, \
    tenant_id, customer_domain, solution_area, activity, product, product_key, subscription_id, \
    subscription_key, purchase_channel, submitted_at, status, queue_state, search, parties, \
    partner_key) ";

/// A claim's row; `partner_id`: its MPN's, when the store knows one.
fn claim_args(c: &Claim, partner_id: Option<&str>) -> Vec<Arg> {
    vec![
        Arg::from(&c.claim_id),
        Arg::from(&c.partner.name),
        Arg::from(party_key(&c.partner.name)),
        Arg::from(&c.partner.mpn_id),
        Arg::from(c.customer.tenant_id),
        Arg::from(&c.customer.domain),
        Arg::from(c.solution_area.code()),
        Arg::from(c.activity.code()),
        Arg::from(&c.product),
        Arg::from(product_key(&c.product)),
        Arg::from(c.subscription_id.clone()),
        Arg::from(subscription_key(c)),
        Arg::from(c.purchase_channel.code()),
        Arg::from(c.submitted_at),
        Arg::from(c.status.code()),
        Arg::from(queue_state(c.status)),
        Arg::from(search_text(c)),
        Arg::from(i64::from(c.status.is_open())),
        Arg::from(partner_key(partner_id, &c.partner.name)),
    ]
}

/// The associations a person's import implies: a claim filed as `approved` makes its MPN the
/// association of its customer and product, as an approval in claimdesk would, unless the
/// import gives that association itself or the store already holds one (the last approved
/// claim of a group in the file wins). `generate` writes none: its claims are synthetic.
async fn implied_associations(
    tx: &mut Tx,
    batch: &ImportBatch,
) -> Result<Vec<crate::domain::Association>, StoreError> {
    let given: std::collections::HashSet<(uuid::Uuid, String)> = batch
        .associations
        .iter()
        .map(|a| (a.tenant_id, product_key(&a.product)))
        .collect();
    let mut implied: Vec<crate::domain::Association> = batch
        .claims
        .iter()
        .map(|(_, c)| c)
        .filter(|c| c.status == crate::domain::Status::Approved)
        .filter(|c| !given.contains(&(c.customer.tenant_id, product_key(&c.product))))
        .map(|c| crate::domain::Association {
            tenant_id: c.customer.tenant_id,
            product: c.product.clone(),
            mpn_id: c.partner.mpn_id.clone(),
            claim_id: Some(c.claim_id.clone()),
        })
        .collect();
    if implied.is_empty() {
        return Ok(implied);
    }
    let tenants: Vec<uuid::Uuid> = implied.iter().map(|a| a.tenant_id).collect();
    let stored: std::collections::HashSet<(uuid::Uuid, String)> = tx
        .fetch_all(
            Sql::new("SELECT tenant_id, product_key FROM associations WHERE tenant_id IN_LIST($1)")
                .arg(tenants),
        )
        .await?
        .iter()
        .map(|r| Ok((r.guid(0)?, r.text(1)?)))
        .collect::<Result<_, StoreError>>()?;
    implied.retain(|a| !stored.contains(&(a.tenant_id, product_key(&a.product))));
    Ok(implied)
}

/// The partner ids the store knows for the MPNs of `claims` (this import's MPN lines included).
async fn partner_ids(
    tx: &mut Tx,
    claims: &[&Claim],
) -> Result<HashMap<String, String>, StoreError> {
    let mut mpns: Vec<String> = claims.iter().map(|c| c.partner.mpn_id.clone()).collect();
    mpns.sort();
    mpns.dedup();
    if mpns.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = Sql::new(
        "SELECT mpn_id, partner_id FROM mpns WHERE mpn_id IN_LIST($1) AND partner_id IS NOT NULL",
    )
    .arg(mpns);
    tx.fetch_all(sql)
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect()
}

/// The `id:` partner key of the claim's MPN, when it has a partner id (as [`partner_key`]).
const MPN_PARTNER: &str =
    "SELECT 'id:' || NULLIF(m.partner_id, '') FROM mpns m WHERE m.mpn_id = claims.mpn_id";

/// Moves the stored claims of every MPN whose `partner_id` this import changes to their new
/// partner, and returns the contests that changes (theirs, and those the MPN holds).
async fn move_partners(
    tx: &mut Tx,
    before: &reference::Snapshot,
    mpns: &[crate::domain::Mpn],
) -> Result<Vec<GroupKey>, StoreError> {
    let moved: Vec<&crate::domain::Mpn> = mpns
        .iter()
        .filter(|m| before.partner_id(&m.mpn_id) != m.partner_id.as_deref())
        .collect();
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = moved.iter().map(|m| m.mpn_id.clone()).collect();
    let sql = Sql::new(format!(
        "UPDATE claims SET partner_key = COALESCE(({MPN_PARTNER}), 'name:' || party_key)
         WHERE mpn_id IN_LIST($1)",
    ))
    .arg(ids.clone());
    tx.execute(sql).await?;
    let sql = Sql::new(
        "SELECT tenant_id, product_key FROM claims WHERE mpn_id IN_LIST($1)
         UNION SELECT tenant_id, product_key FROM associations WHERE mpn_id IN_LIST($1)",
    )
    .arg(ids);
    tx.fetch_all(sql)
        .await?
        .iter()
        .map(|r| {
            Ok(GroupKey {
                tenant_id: r.guid(0)?,
                product_key: r.text(1)?,
            })
        })
        .collect()
}

async fn existing_claims(
    tx: &mut Tx,
    batch: &ImportBatch,
) -> Result<Vec<(usize, String)>, StoreError> {
    if batch.claims.is_empty() {
        return Ok(Vec::new());
    }
    let ids = batch
        .claims
        .iter()
        .map(|(_, c)| c.claim_id.clone())
        .collect();
    let found = stored_ids(tx, ids).await?;
    Ok(batch
        .claims
        .iter()
        .filter(|(_, c)| found.contains_key(&c.claim_id))
        .map(|(line, c)| (*line, c.claim_id.clone()))
        .collect())
}

/// Inserts or replaces tenants with their domains and subscriptions (the last line for a tenant
/// wins, as if the lines were applied in order).
async fn put_tenants(tx: &mut Tx, tenants: &[Tenant]) -> Result<(), StoreError> {
    if tenants.is_empty() {
        return Ok(());
    }
    // In key order, each tree is walked once from left to right instead of at random.
    let mut tenants = dedup_by(tenants, |t| t.tenant_id);
    tenants.sort_by_key(|t| t.tenant_id);
    // Only tenants already stored have domains and subscriptions to replace: one probe each
    // instead of two deletes each, which at 85,000 new tenants a batch cost a second on SQLite.
    let ids: Vec<uuid::Uuid> = tenants.iter().map(|t| t.tenant_id).collect();
    let known = tx
        .fetch_all(Sql::new("SELECT tenant_id FROM tenants WHERE tenant_id IN_LIST($1)").arg(ids))
        .await?
        .iter()
        .map(|r| r.guid(0))
        .collect::<Result<Vec<_>, _>>()?;
    if !known.is_empty() {
        for table in ["tenant_domains", "subscriptions"] {
            let sql = Sql::new(format!("DELETE FROM {table} WHERE tenant_id IN_LIST($1)"))
                .arg(known.clone());
            tx.execute(sql).await?;
        }
    }
    bulk(
        tx,
        "INSERT INTO tenants (tenant_id) ",
        " ON CONFLICT DO NOTHING",
        &tenants,
        |t| vec![Arg::from(t.tenant_id)],
    )
    .await?;
    let domains: Vec<(uuid::Uuid, &String)> = tenants
        .iter()
        .flat_map(|t| t.domains.iter().map(|d| (t.tenant_id, d)))
        .collect();
    bulk(
        tx,
        "INSERT INTO tenant_domains (tenant_id, domain) ",
        " ON CONFLICT DO NOTHING",
        &domains,
        |(t, d)| vec![Arg::from(*t), Arg::from(*d)],
    )
    .await?;
    let mut subs: Vec<(uuid::Uuid, &Subscription)> = dedup_by(
        &tenants
            .iter()
            .flat_map(|t| t.subscriptions.iter().map(|s| (t.tenant_id, s)))
            .collect::<Vec<_>>(),
        |(_, s)| s.subscription_id,
    );
    subs.sort_by_key(|(_, s)| s.subscription_id);
    bulk(
        tx,
        "INSERT INTO subscriptions (subscription_id, tenant_id, product, dynamics, channel, state) ",
        " ON CONFLICT (subscription_id) DO UPDATE SET tenant_id = excluded.tenant_id,
         product = excluded.product, dynamics = excluded.dynamics,
         channel = excluded.channel, state = excluded.state",
        &subs,
        |(t, s)| {
            vec![
                Arg::from(s.subscription_id),
                Arg::from(*t),
                Arg::from(&s.product),
                Arg::from(s.dynamics),
                Arg::from(s.channel.code()),
                Arg::from(s.state.code()),
            ]
        },
    )
    .await
}

/// Runs `head VALUES (..), (..) tail` over `items`, as many rows per statement as the database
/// takes, binding the next statement's values (work on this thread) while the database executes
/// the current one: a bulk load keeps both cores busy.
async fn bulk<T>(
    tx: &mut Tx,
    head: &str,
    tail: &str,
    items: &[T],
    row: impl Fn(&T) -> Vec<Arg>,
) -> Result<(), StoreError> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let per_statement = (tx.dialect().max_params() / row(first).len().max(1)).max(1);
    let build = |chunk: &[T]| {
        let mut sql = Sql::new(head);
        sql.values(chunk.iter().map(&row));
        sql.push(tail);
        sql
    };
    let mut chunks = items.chunks(per_statement);
    let mut next = chunks.next().map(build);
    while let Some(sql) = next {
        // `join!` polls the statement first, which hands it to the database, then builds.
        let (done, built) =
            tokio::join!(biased; tx.execute(sql), async { chunks.next().map(build) });
        done?;
        next = built;
    }
    Ok(())
}
