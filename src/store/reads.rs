//! Reading claims: one claim with everything around it, a batch of them for export, a contest,
//! and the reference data their findings need, in a handful of queries per call whatever the
//! number of claims. The same statements on both databases.

use std::collections::HashMap;

use uuid::Uuid;

use super::db::{Arg, Exec, Pool, Row, Sql};
use super::plan::GroupKey;
use super::rows::*;
use super::{Store, StoreError};
use crate::domain::{
    findings::parse_subscription_id, product_key, Association, DisputeNote, FindingCode, Mpn,
    Severity,
};
use crate::model::{AuditEvent, BulkWrite, ClaimDetail, ClaimView, Draft};

/// The `claims` columns every read needs.
pub(crate) const CLAIM_COLUMNS: &str = "claim_id, partner_name, mpn_id, tenant_id, \
    customer_domain, solution_area, activity, product, subscription_id, purchase_channel, \
    submitted_at, status, version, parties, incumbent_mpn_id, assigned_to, held_until, assignee";

/// Claim `c` competes with claim `a`: another partner's claim for the same customer tenant and
/// product, both still in the contest (see [`live`]). The relation is symmetric, so a contest
/// is the same set of parties from whichever of its claims it is read.
pub(crate) fn competes(a: &str, c: &str) -> String {
    format!(
        "{c}.tenant_id = {a}.tenant_id AND {c}.product_key = {a}.product_key \
         AND {c}.partner_key <> {a}.partner_key AND {} AND {}",
        live(c),
        live(a)
    )
}

/// Claim `alias` is still a party of its contest: open, or the approved claim that made the
/// association its customer and product have now (the incumbent's claim, shown with its PoE).
pub(crate) fn live(alias: &str) -> String {
    format!(
        "({alias}.queue_state <> 'closed' OR EXISTS (SELECT 1 FROM associations s \
         WHERE s.tenant_id = {alias}.tenant_id AND s.product_key = {alias}.product_key \
         AND s.claim_id = {alias}.claim_id))"
    )
}

/// Who the association `a` (an `associations` row) belongs to, as a claim's `partner_key`: the
/// approved claim's that made it; else a claim of the same MPN in the contest's; else its MPN's
/// partner id or partner name; else the MPN itself. The incumbent is a party of the contest
/// once, however it is also a claimant.
pub(crate) const INCUMBENT_KEY: &str = "COALESCE(
    (SELECT w.partner_key FROM claims w WHERE w.claim_id = a.claim_id),
    (SELECT MIN(w.partner_key) FROM claims w WHERE w.tenant_id = a.tenant_id
        AND w.product_key = a.product_key AND w.mpn_id = a.mpn_id),
    (SELECT COALESCE('id:' || NULLIF(m.partner_id, ''), 'name:' || m.party_key)
        FROM mpns m WHERE m.mpn_id = a.mpn_id),
    'mpn:' || a.mpn_id)";

/// A `claims` row as read with [`CLAIM_COLUMNS`].
pub(crate) fn claim_row(r: &Row) -> Result<ClaimRow, StoreError> {
    Ok(ClaimRow {
        claim_id: r.text("claim_id")?,
        partner_name: r.text("partner_name")?,
        mpn_id: r.text("mpn_id")?,
        tenant_id: r.guid("tenant_id")?,
        customer_domain: r.text("customer_domain")?,
        solution_area: r.text("solution_area")?,
        activity: r.text("activity")?,
        product: r.text("product")?,
        subscription_id: r.opt_text("subscription_id")?,
        purchase_channel: r.text("purchase_channel")?,
        submitted_at: r.time("submitted_at")?,
        status: r.text("status")?,
        version: r.int("version")?,
        parties: r.int("parties")?,
        incumbent_mpn_id: r.opt_text("incumbent_mpn_id")?,
        assigned_to: r.opt_text("assigned_to")?,
        held_until: r.opt_time("held_until")?,
        assignee: r.opt_text("assignee")?,
    })
}

/// An `events` row.
pub(crate) fn event_row(r: &Row) -> Result<AuditEvent, StoreError> {
    let kind = r.text("kind")?;
    Ok(AuditEvent {
        id: r.int("id")?,
        at: r.time("at")?,
        actor: r.text("actor")?,
        claim_id: r.opt_text("claim_id")?,
        via: r.opt_text("via")?,
        kind: crate::model::EventKind::from_columns(
            &kind,
            r.opt_text("before")?.as_deref(),
            r.opt_text("after")?.as_deref(),
        )
        .map_err(StoreError::Corrupt)?,
    })
}

/// `columns` (a comma-separated list) each prefixed with `alias.`.
fn qualified(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const EVENT_COLUMNS: &str = "id, at, actor, claim_id, via, kind, before, after";

/// The claims selected by `tail` (a `WHERE`/`ORDER BY` with `$1` for `param`), at most `limit`.
async fn claim_rows(
    db: &mut impl Exec,
    tail: &str,
    param: Option<Arg>,
    limit: u32,
) -> Result<Vec<ClaimRow>, StoreError> {
    let mut sql = Sql::new(format!(
        "SELECT {CLAIM_COLUMNS} FROM claims {tail} LIMIT {limit}"
    ));
    if let Some(p) = param {
        sql = sql.arg(p);
    }
    fetch_claims(db, sql).await
}

/// The claims a `SELECT` of [`CLAIM_COLUMNS`] returns, as rows.
async fn fetch_claims(db: &mut impl Exec, sql: Sql) -> Result<Vec<ClaimRow>, StoreError> {
    db.fetch_all(sql).await?.iter().map(claim_row).collect()
}

/// Everything around a batch of claims (PoE, thread, decision, competitors, reference data).
async fn views(db: &mut impl Exec, rows: Vec<ClaimRow>) -> Result<Vec<ClaimView>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.claim_id.clone()).collect();
    let poe = db
        .fetch_all(
            Sql::new(
                "SELECT claim_id, kind, date, summary, by_whom, attachment FROM poe
                 WHERE claim_id IN_LIST($1) ORDER BY claim_id, seq",
            )
            .arg(ids.clone()),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(PoeRow {
                claim_id: r.text("claim_id")?,
                kind: r.text("kind")?,
                date: r.date("date")?,
                summary: r.text("summary")?,
                by_whom: r.text("by_whom")?,
                attachment: r.text("attachment")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let comments = db
        .fetch_all(
            Sql::new(
                "SELECT claim_id, author, visibility, body, at FROM comments
                 WHERE claim_id IN_LIST($1) ORDER BY claim_id, at, id",
            )
            .arg(ids.clone()),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(CommentRow {
                claim_id: r.text("claim_id")?,
                author: r.text("author")?,
                visibility: r.text("visibility")?,
                body: r.text("body")?,
                at: r.time("at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let decisions = db
        .fetch_all(
            Sql::new(
                "SELECT claim_id, outcome, decided_by, decided_at, reason FROM decisions
                 WHERE claim_id IN_LIST($1)",
            )
            .arg(ids.clone()),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(DecisionRow {
                claim_id: r.text("claim_id")?,
                outcome: r.text("outcome")?,
                decided_by: r.text("decided_by")?,
                decided_at: r.time("decided_at")?,
                reason: r.text("reason")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let competing = db
        .fetch_all(
            Sql::new(format!(
                "SELECT a.claim_id AS claim_id, c.claim_id AS other FROM claims a
                 JOIN claims c /*+INDEXED claims_group*/ ON {competes}
                 WHERE a.claim_id IN_LIST($1) ORDER BY a.claim_id, c.claim_id",
                competes = competes("a", "c")
            ))
            .arg(ids),
        )
        .await?
        .iter()
        .map(|r| Ok((r.text("claim_id")?, r.text("other")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut facts = facts(db, &rows).await?;
    let associations = read_associations(db, &rows).await?;
    let holders: Vec<String> = associations
        .values()
        .map(|a| a.mpn_id.clone())
        .filter(|m| !facts.mpns.contains_key(m))
        .collect();
    read_mpns(db, holders, &mut facts).await?;
    ViewParts {
        poe,
        comments,
        decisions,
        competing,
        associations,
        facts,
    }
    .assemble(rows)
}

/// The associations of the customers and products of `rows`.
async fn read_associations(
    db: &mut impl Exec,
    rows: &[ClaimRow],
) -> Result<HashMap<(Uuid, String), Association>, StoreError> {
    let mut tenants: Vec<Uuid> = rows.iter().map(|r| r.tenant_id).collect();
    tenants.sort();
    tenants.dedup();
    let wanted: std::collections::HashSet<(Uuid, String)> = rows
        .iter()
        .map(|r| (r.tenant_id, product_key(&r.product)))
        .collect();
    let sql = Sql::new(
        "SELECT tenant_id, product_key, product, mpn_id, claim_id FROM associations
         WHERE tenant_id IN_LIST($1)",
    )
    .arg(tenants);
    let mut out = HashMap::new();
    for r in db.fetch_all(sql).await? {
        let key = (r.guid(0)?, r.text(1)?);
        if wanted.contains(&key) {
            let association = Association {
                tenant_id: key.0,
                product: r.text(2)?,
                mpn_id: r.text(3)?,
                claim_id: r.opt_text(4)?,
            };
            out.insert(key, association);
        }
    }
    Ok(out)
}

/// The stored tenants among `ids`, with their domains and subscriptions (each in key order).
pub(crate) async fn read_tenants(
    db: &mut impl Exec,
    ids: Vec<Uuid>,
    index: &mut FactsIndex,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let tenants = db
        .fetch_all(Sql::new("SELECT tenant_id FROM tenants WHERE tenant_id IN_LIST($1)").arg(ids))
        .await?
        .iter()
        .map(|r| r.guid(0))
        .collect::<Result<Vec<_>, _>>()?;
    if tenants.is_empty() {
        return Ok(());
    }
    let domains = db
        .fetch_all(
            Sql::new(
                "SELECT tenant_id, domain FROM tenant_domains
                 WHERE tenant_id IN_LIST($1) ORDER BY tenant_id, domain",
            )
            .arg(tenants.clone()),
        )
        .await?
        .iter()
        .map(|r| Ok((r.guid(0)?, r.text(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let subscriptions = db
        .fetch_all(
            Sql::new(
                "SELECT subscription_id, tenant_id, product, dynamics, channel, state FROM subscriptions
                 WHERE tenant_id IN_LIST($1) ORDER BY subscription_id",
            )
            .arg(tenants.clone()),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(SubscriptionRow {
                subscription_id: r.guid("subscription_id")?,
                tenant_id: r.guid("tenant_id")?,
                product: r.text("product")?,
                dynamics: r.bool("dynamics")?,
                channel: r.text("channel")?,
                state: r.text("state")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    index.add_tenants(tenants, domains, subscriptions)
}

/// The stored MPNs among `ids`.
pub(crate) async fn read_mpns(
    db: &mut impl Exec,
    ids: Vec<String>,
    index: &mut FactsIndex,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mpns = db
        .fetch_all(
            Sql::new(
                "SELECT mpn_id, partner, enrolled, partner_type, partner_id FROM mpns
                 WHERE mpn_id IN_LIST($1)",
            )
            .arg(ids),
        )
        .await?;
    for r in mpns {
        let mpn = Mpn {
            mpn_id: r.text("mpn_id")?,
            partner: r.text("partner")?,
            enrolled: r.bool("enrolled")?,
            partner_type: r.opt_text("partner_type")?,
            partner_id: r.opt_text("partner_id")?,
        };
        index.mpns.insert(mpn.mpn_id.clone(), mpn);
    }
    Ok(())
}

/// The waits on the partner and the latest dispute of `rows` (what their clocks need).
async fn read_clocks(
    db: &mut impl Exec,
    rows: &[ClaimRow],
    index: &mut FactsIndex,
) -> Result<(), StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.claim_id.clone()).collect();
    let waits = Sql::new(
        "SELECT claim_id, started_at, ended_at FROM pauses WHERE claim_id IN_LIST($1)
         ORDER BY claim_id, started_at",
    )
    .arg(ids.clone());
    for r in db.fetch_all(waits).await? {
        index
            .clocks
            .entry(r.text(0)?)
            .or_default()
            .waits
            .push((r.time(1)?, r.opt_time(2)?));
    }
    let disputes = Sql::new(
        "SELECT claim_id, dispute_id, at, body FROM disputes WHERE claim_id IN_LIST($1)
         ORDER BY claim_id, at, dispute_id",
    )
    .arg(ids);
    for r in db.fetch_all(disputes).await? {
        // The latest one stays (rows come oldest first).
        index.clocks.entry(r.text(0)?).or_default().dispute = Some(DisputeNote {
            dispute_id: r.text(1)?,
            at: r.time(2)?,
            body: r.text(3)?,
        });
    }
    Ok(())
}

/// Reference data for the findings of `rows`.
pub(crate) async fn facts(db: &mut impl Exec, rows: &[ClaimRow]) -> Result<FactsIndex, StoreError> {
    let mut index = FactsIndex::default();
    if rows.is_empty() {
        return Ok(index);
    }
    let tenant_ids: Vec<Uuid> = rows.iter().map(|r| r.tenant_id).collect();
    read_tenants(db, tenant_ids, &mut index).await?;
    let mpn_ids: Vec<String> = rows.iter().map(|r| r.mpn_id.clone()).collect();
    read_mpns(db, mpn_ids, &mut index).await?;
    read_clocks(db, rows, &mut index).await?;

    let subs: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.subscription_id.as_deref().and_then(parse_subscription_id))
        .collect();
    if !subs.is_empty() {
        let owners = db
            .fetch_all(
                Sql::new(
                    "SELECT subscription_id, tenant_id FROM subscriptions
                     WHERE subscription_id IN_LIST($1)",
                )
                .arg(subs.clone()),
            )
            .await?;
        for r in owners {
            index.subscription_owner.insert(r.guid(0)?, r.guid(1)?);
        }
        let approved = db
            .fetch_all(
                Sql::new(
                    "SELECT subscription_key, claim_id FROM claims
                     WHERE subscription_key IN_LIST($1) AND status = 'approved'",
                )
                .arg(subs),
            )
            .await?;
        for r in approved {
            index
                .approved_on
                .entry(r.guid(0)?)
                .or_default()
                .push(r.text(1)?);
        }
    }
    Ok(index)
}

impl Store {
    fn db(&self) -> Pool {
        self.pool.clone()
    }

    /// One claim with everything the detail screen shows, or `None` if there is no such claim.
    pub async fn claim(&self, claim_id: &str) -> Result<Option<ClaimView>, StoreError> {
        let mut db = self.db();
        let rows = claim_rows(&mut db, "WHERE claim_id = $1", Some(claim_id.into()), 1).await?;
        Ok(views(&mut db, rows).await?.pop())
    }

    /// One claim with its audit trail (the detail screen), or `None` if there is no such claim.
    pub async fn claim_detail(&self, claim_id: &str) -> Result<Option<ClaimDetail>, StoreError> {
        let Some(view) = self.claim(claim_id).await? else {
            return Ok(None);
        };
        let events = self.events(claim_id).await?;
        Ok(Some(ClaimDetail { view, events }))
    }

    /// The contest of `claim_ids`: these claims and, for each in a contest of two parties or
    /// more, every claim still in it (the open ones, and the incumbent's approved claim), in
    /// claim id order, read together (the compare view's one call).
    pub async fn contest(&self, claim_ids: &[String]) -> Result<Vec<ClaimView>, StoreError> {
        let mut db = self.db();
        let columns = qualified(CLAIM_COLUMNS, "c");
        let sql = Sql::new(format!(
            "SELECT {CLAIM_COLUMNS} FROM claims WHERE claim_id IN_LIST($1)
             UNION
             SELECT {columns} FROM claims a JOIN claims c /*+INDEXED claims_group*/
               ON c.tenant_id = a.tenant_id AND c.product_key = a.product_key AND {live_c}
             WHERE a.claim_id IN_LIST($1) AND a.parties >= 2 AND {live_a}
             ORDER BY claim_id LIMIT 64",
            live_c = live("c"),
            live_a = live("a"),
        ))
        .arg(claim_ids.to_vec());
        let rows = fetch_claims(&mut db, sql).await?;
        views(&mut db, rows).await
    }

    /// Up to `limit` claims in `claim_id` order after `after`: how export walks the whole store
    /// without holding it in memory.
    pub async fn claims_after(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ClaimView>, StoreError> {
        let mut db = self.db();
        let rows = match after {
            Some(after) => {
                claim_rows(
                    &mut db,
                    "WHERE claim_id > $1 ORDER BY claim_id",
                    Some(after.into()),
                    limit,
                )
                .await?
            }
            None => claim_rows(&mut db, "ORDER BY claim_id", None, limit).await?,
        };
        views(&mut db, rows).await
    }

    /// The audit trail of one claim, oldest first.
    pub async fn events(&self, claim_id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = Sql::new(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE claim_id = $1 ORDER BY id"
        ))
        .arg(claim_id);
        self.db()
            .fetch_all(sql)
            .await?
            .iter()
            .map(event_row)
            .collect()
    }

    /// The audit log, oldest first, for one claim or all, since an instant.
    pub async fn audit(
        &self,
        claim_id: Option<&str>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = Sql::new(format!("SELECT {EVENT_COLUMNS} FROM events WHERE TRUE"));
        if let Some(id) = claim_id {
            sql.push(" AND claim_id = ").bind(id);
        }
        if let Some(since) = since {
            sql.push(" AND at >= ").bind(since);
        }
        sql.push(" ORDER BY id LIMIT ").bind(i64::from(limit));
        self.db()
            .fetch_all(sql)
            .await?
            .iter()
            .map(event_row)
            .collect()
    }

    /// Audit events after `after_id`: how sessions learn what others changed.
    pub async fn events_since(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = Sql::new(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .arg(after_id)
        .arg(i64::from(limit));
        self.db()
            .fetch_all(sql)
            .await?
            .iter()
            .map(event_row)
            .collect()
    }

    /// What the change feed reports after event `after_id`: up to `limit` events one by one,
    /// then, if they reach a bulk write (an import told as one, see `rules::bulk_run`), that bulk
    /// write as one item instead of its events, which are not read. The caller goes on after the
    /// bulk write's `last_id`, or else after the last event.
    ///
    /// Both are read in one snapshot: the bulk write's events were committed with it, and every
    /// event before it earlier (ids ascend in commit order), so the events read are all there
    /// are up to it. A caller that is past the start of a run (it read some of its events one
    /// by one) is told the rest of it, counted.
    pub async fn changes_since(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<(Vec<AuditEvent>, Option<BulkWrite>), StoreError> {
        let mut db = self.pool.begin_read().await?;
        let bulk = Sql::new(
            "SELECT last_id, first_id, at, actor, via, claims FROM bulk_writes
             WHERE last_id > $1 ORDER BY last_id LIMIT 1",
        )
        .arg(after_id);
        let bulk = match db.fetch_optional(bulk).await? {
            Some(r) => Some(BulkWrite {
                first_id: r.int("first_id")?,
                last_id: r.int("last_id")?,
                at: r.time("at")?,
                actor: r.text("actor")?,
                via: r.opt_text("via")?,
                claims: u64::try_from(r.int("claims")?).unwrap_or(0),
            }),
            None => None,
        };
        let mut sql = Sql::new(format!("SELECT {EVENT_COLUMNS} FROM events WHERE id > "));
        sql.bind(after_id);
        if let Some(b) = &bulk {
            sql.push(" AND id < ").bind(b.first_id);
        }
        sql.push(" ORDER BY id LIMIT ").bind(i64::from(limit));
        let events = db
            .fetch_all(sql)
            .await?
            .iter()
            .map(event_row)
            .collect::<Result<Vec<_>, _>>()?;
        let bulk = match bulk {
            // More events may come before the bulk write: it is told on a later call.
            Some(_) if events.len() == limit as usize => None,
            bulk => bulk,
        };
        let Some(mut bulk) = bulk else {
            db.commit().await?;
            return Ok((events, None));
        };
        if bulk.first_id <= after_id {
            // Part of the run was already reported event by event: count the rest.
            let rest = Sql::new(
                "SELECT COUNT(*), COALESCE(MIN(id), $2) FROM events WHERE id > $1 AND id <= $2",
            )
            .arg(after_id)
            .arg(bulk.last_id);
            let row = db.fetch_one(rest).await?;
            bulk.claims = u64::try_from(row.int(0)?).unwrap_or(0);
            bulk.first_id = row.int(1)?;
        }
        db.commit().await?;
        Ok((events, Some(bulk)))
    }

    /// The newest audit event's id (0 for none).
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        self.db()
            .fetch_one(Sql::new("SELECT COALESCE(MAX(id), 0) FROM events"))
            .await?
            .int(0)
    }

    /// How many claims the store holds.
    pub async fn claim_count(&self) -> Result<u64, StoreError> {
        let n = self
            .db()
            .fetch_one(Sql::new("SELECT COUNT(*) FROM claims"))
            .await?
            .int(0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every registered reviewer, by login.
    pub async fn reviewers(&self) -> Result<Vec<crate::model::Reviewer>, StoreError> {
        let sql =
            Sql::new("SELECT login, display_name, role, active FROM reviewers ORDER BY login");
        self.db()
            .fetch_all(sql)
            .await?
            .iter()
            .map(super::engine::reviewer_row)
            .collect()
    }

    /// Saves the editor's text as the reviewer types (private scratch: not audited).
    pub async fn save_draft(
        &self,
        login: &str,
        key: &str,
        visibility: crate::domain::Visibility,
        body: &str,
    ) -> Result<(), StoreError> {
        super::rules::within("the draft", crate::domain::text::TextKind::Long, body)?;
        self.db()
            .execute(draft_upsert(login, key, visibility, body))
            .await?;
        Ok(())
    }

    /// Saves the draft as `save_draft` does, unless another session of the same reviewer saved it
    /// since this one last read or saved it. `known` is the draft's version as this session last
    /// saw it (`None`: there was no draft). Drafts carry a version counter that every save
    /// raises, so a change is seen even when the other session wrote the same text back.
    /// Compare and set happen in one transaction (the `UPDATE ... WHERE version = known` decides),
    /// so two sessions cannot both win. When the stored text is already this text, there is
    /// nothing to choose: its version is taken.
    pub async fn save_draft_unless_changed(
        &self,
        login: &str,
        key: &str,
        visibility: crate::domain::Visibility,
        body: &str,
        known: Option<i64>,
    ) -> Result<DraftSave, StoreError> {
        super::rules::within("the draft", crate::domain::text::TextKind::Long, body)?;
        let mut tx = self.pool.begin_write().await?;
        let written = match known {
            Some(version) => {
                tx.execute(
                    Sql::new(
                        "UPDATE drafts SET visibility = $3, body = $4, saved_at = $5,
                         version = version + 1
                         WHERE reviewer = $1 AND draft_key = $2 AND version = $6",
                    )
                    .arg(login)
                    .arg(key)
                    .arg(visibility.code())
                    .arg(body)
                    .arg(super::engine::now())
                    .arg(version),
                )
                .await?
            }
            None => 0,
        };
        if written == 0 {
            // Nothing known, or the draft vanished (sent or discarded elsewhere): a new draft,
            // unless one is there (then another session made or changed it).
            let version = known.map_or(1, |v| v + 1);
            tx.execute(
                Sql::new(
                    "INSERT INTO drafts (reviewer, draft_key, visibility, body, saved_at, version)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reviewer, draft_key) DO NOTHING",
                )
                .arg(login)
                .arg(key)
                .arg(visibility.code())
                .arg(body)
                .arg(super::engine::now())
                .arg(version),
            )
            .await?;
        }
        let stored = read_draft(&mut tx, login, key).await?;
        tx.commit().await?;
        let Some(stored) = stored else {
            return Err(StoreError::Corrupt(format!(
                "draft {key} vanished as it was saved"
            )));
        };
        Ok(if written > 0 || stored.body == body {
            DraftSave::Saved {
                version: stored.version,
            }
        } else {
            DraftSave::Changed { theirs: stored }
        })
    }

    /// The saved draft for `key`, if any.
    pub async fn draft(&self, login: &str, key: &str) -> Result<Option<Draft>, StoreError> {
        read_draft(&mut self.db(), login, key).await
    }

    /// Forgets a draft (after sending, or when the reviewer discards it).
    pub async fn discard_draft(&self, login: &str, key: &str) -> Result<(), StoreError> {
        let sql = Sql::new("DELETE FROM drafts WHERE reviewer = $1 AND draft_key = $2")
            .arg(login)
            .arg(key);
        self.db().execute(sql).await?;
        Ok(())
    }
}

/// What became of a draft saved with `save_draft_unless_changed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftSave {
    /// Saved (or the store already held this very text): the draft's version now.
    Saved { version: i64 },
    /// Not saved: another session of the reviewer changed the draft; what it holds now.
    Changed { theirs: Draft },
}

/// Draft `key` of `login` as stored, with its version.
async fn read_draft(
    db: &mut impl Exec,
    login: &str,
    key: &str,
) -> Result<Option<Draft>, StoreError> {
    let sql = Sql::new(
        "SELECT visibility, body, saved_at, version FROM drafts
         WHERE reviewer = $1 AND draft_key = $2",
    )
    .arg(login)
    .arg(key);
    let Some(r) = db.fetch_optional(sql).await? else {
        return Ok(None);
    };
    let visibility = r.text("visibility")?;
    Ok(Some(Draft {
        key: key.to_string(),
        visibility: crate::domain::Visibility::from_code(&visibility)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown visibility {visibility:?}")))?,
        body: r.text("body")?,
        saved_at: r.time("saved_at")?,
        version: r.int("version")?,
    }))
}

/// Writes draft `key` of `login`, replacing the one stored (and raising its version).
fn draft_upsert(login: &str, key: &str, visibility: crate::domain::Visibility, body: &str) -> Sql {
    Sql::new(
        "INSERT INTO drafts (reviewer, draft_key, visibility, body, saved_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reviewer, draft_key) DO UPDATE SET visibility = excluded.visibility,
         body = excluded.body, saved_at = excluded.saved_at, version = drafts.version + 1",
    )
    .arg(login)
    .arg(key)
    .arg(visibility.code())
    .arg(body)
    .arg(super::engine::now())
}

/// The error findings of each of these claims that has any (what the approval guard weighs),
/// with the reference data as it is now.
pub(crate) async fn error_findings(
    db: &mut impl Exec,
    ids: &[String],
) -> Result<Vec<(String, Vec<FindingCode>)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = Sql::new(format!(
        "SELECT {CLAIM_COLUMNS} FROM claims WHERE claim_id IN_LIST($1) ORDER BY claim_id"
    ))
    .arg(ids.to_vec());
    let rows = fetch_claims(db, sql).await?;
    let index = facts(db, &rows).await?;
    let mut out = Vec::new();
    for row in &rows {
        let claim = row.to_claim(Vec::new(), Vec::new())?;
        let errors: Vec<FindingCode> = crate::domain::assess(&claim, &index.facts(row))
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code)
            .collect();
        if !errors.is_empty() {
            out.push((row.claim_id.clone(), errors));
        }
    }
    Ok(out)
}

/// The associations these contests have now.
pub(crate) async fn associations_of(
    db: &mut impl Exec,
    groups: &[GroupKey],
) -> Result<Vec<(GroupKey, Association)>, StoreError> {
    let mut out = Vec::new();
    for g in groups {
        let sql = Sql::new(
            "SELECT product, mpn_id, claim_id FROM associations
             WHERE tenant_id = $1 AND product_key = $2",
        )
        .arg(g.tenant_id)
        .arg(&g.product_key);
        if let Some(r) = db.fetch_optional(sql).await? {
            let association = Association {
                tenant_id: g.tenant_id,
                product: r.text(0)?,
                mpn_id: r.text(1)?,
                claim_id: r.opt_text(2)?,
            };
            out.push((g.clone(), association));
        }
    }
    Ok(out)
}

/// Which of `ids` are stored.
pub(crate) async fn stored_ids(
    db: &mut impl Exec,
    ids: Vec<String>,
) -> Result<HashMap<String, ()>, StoreError> {
    let sql = Sql::new("SELECT claim_id FROM claims WHERE claim_id IN_LIST($1)").arg(ids);
    db.fetch_all(sql)
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, ())))
        .collect()
}
