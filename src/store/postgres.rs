//! The PostgreSQL backend: one database shared by a team of reviewers.
//!
//! Times are `timestamptz`, GUIDs `uuid`; sort columns use `COLLATE "C"` so every order is
//! SQLite's byte order and exports are the same bytes from either backend. Lists are passed as
//! arrays (`= ANY($1)`), never spliced into SQL.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgRow};
use sqlx::{Postgres, QueryBuilder, Row, Transaction};
use uuid::Uuid;

use super::rows::*;
use super::*;
use crate::domain::{party_key, product_key, Claim, Mpn};

/// Rows per multi-row INSERT: well under PostgreSQL's 65,535 bound parameters.
const INSERT_CHUNK: usize = 3000;

/// A PostgreSQL-backed store.
#[derive(Clone, Debug)]
pub struct PgStore {
    pub(super) pool: PgPool,
}

pub(super) type Tx = Transaction<'static, Postgres>;

impl PgStore {
    /// Connects to the server `location` names and applies the migrations.
    pub async fn open(
        location: &super::connect::Location,
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        let pool = super::connect::postgres_pool(location, options, max_connections).await?;
        super::bulk_indexes::postgres_ensure(&pool).await?;
        Ok(PgStore { pool })
    }

    /// See [`Store::import`].
    pub async fn import(
        &self,
        batch: &ImportBatch,
        audit: &Audit,
    ) -> Result<ImportSummary, StoreError> {
        let mut tx = self.pool.begin().await?;
        let existing = existing_claims(&mut tx, batch).await?;
        if !existing.is_empty() {
            return Err(StoreError::ClaimsExist(existing));
        }
        let now = Utc::now();
        put_tenants(&mut tx, &batch.tenants).await?;
        bulk(
            &mut tx,
            "INSERT INTO mpns (mpn_id, partner, enrolled, partner_type) ",
            " ON CONFLICT (mpn_id) DO UPDATE SET partner = excluded.partner,
             enrolled = excluded.enrolled, partner_type = excluded.partner_type",
            &dedup_by(&batch.mpns, |m| m.mpn_id.clone()),
            4,
            |mut b, m| {
                b.push_bind(m.mpn_id.clone())
                    .push_bind(m.partner.clone())
                    .push_bind(m.enrolled)
                    .push_bind(m.partner_type.clone());
            },
        )
        .await?;
        let associations = dedup_by(&batch.associations, |a| {
            (a.tenant_id, product_key(&a.product))
        });
        bulk(
            &mut tx,
            "INSERT INTO associations (tenant_id, product_key, product, mpn_id) ",
            " ON CONFLICT (tenant_id, product_key) DO UPDATE SET product = excluded.product,
             mpn_id = excluded.mpn_id",
            &associations,
            4,
            |mut b, a| {
                b.push_bind(a.tenant_id)
                    .push_bind(product_key(&a.product))
                    .push_bind(a.product.clone())
                    .push_bind(a.mpn_id.clone());
            },
        )
        .await?;
        let mut groups: Vec<(Uuid, String)> = associations
            .iter()
            .map(|a| (a.tenant_id, product_key(&a.product)))
            .collect();
        let claims: Vec<&Claim> = batch.claims.iter().map(|(_, c)| c).collect();
        insert_claims(&mut tx, &claims).await?;
        insert_poe(&mut tx, &claims).await?;
        let comments: Vec<(&str, &crate::domain::Comment)> = claims
            .iter()
            .flat_map(|c| c.comments.iter().map(|m| (c.claim_id.as_str(), m)))
            .collect();
        bulk(
            &mut tx,
            "INSERT INTO comments (claim_id, author, visibility, body, at) ",
            "",
            &comments,
            5,
            |mut b, (id, c)| {
                b.push_bind(id.to_string())
                    .push_bind(c.author.clone())
                    .push_bind(c.visibility.code())
                    .push_bind(c.body.clone())
                    .push_bind(c.at);
            },
        )
        .await?;
        groups.extend(
            claims
                .iter()
                .map(|c| (c.customer.tenant_id, product_key(&c.product))),
        );
        refresh_groups(&mut tx, groups, true).await?;
        write_import_events(&mut tx, &claims, audit, now).await?;
        tx.commit().await?;
        Ok(ImportSummary {
            claims: claims.len(),
            tenants: batch.tenants.len(),
            mpns: batch.mpns.len(),
            associations: batch.associations.len(),
        })
    }

    /// See [`Store::claim`].
    pub async fn claim(&self, claim_id: &str) -> Result<Option<ClaimView>, StoreError> {
        let rows = self
            .claim_rows("WHERE claim_id = $1", Some(claim_id), 1)
            .await?;
        Ok(self.views(rows).await?.pop())
    }

    /// See [`Store::claims_after`].
    pub async fn claims_after(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ClaimView>, StoreError> {
        let rows = match after {
            Some(after) => {
                self.claim_rows("WHERE claim_id > $1 ORDER BY claim_id", Some(after), limit)
                    .await?
            }
            None => self.claim_rows("ORDER BY claim_id", None, limit).await?,
        };
        self.views(rows).await
    }

    async fn claim_rows(
        &self,
        tail: &str,
        param: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ClaimRow>, StoreError> {
        let sql = format!("SELECT {CLAIM_COLUMNS} FROM claims {tail} LIMIT {limit}");
        let mut query = sqlx::query(&sql);
        if let Some(p) = param {
            query = query.bind(p);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(claim_row)
            .collect()
    }

    /// Everything around a batch of claims, in few queries.
    async fn views(&self, rows: Vec<ClaimRow>) -> Result<Vec<ClaimView>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = rows.iter().map(|r| r.claim_id.clone()).collect();
        let poe = sqlx::query(
            "SELECT claim_id, kind, date, summary, by_whom, attachment FROM poe
             WHERE claim_id = ANY($1) ORDER BY claim_id, seq",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(PoeRow {
                claim_id: r.try_get("claim_id")?,
                kind: r.try_get("kind")?,
                date: r.try_get("date")?,
                summary: r.try_get("summary")?,
                by_whom: r.try_get("by_whom")?,
                attachment: r.try_get("attachment")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let comments = sqlx::query(
            "SELECT claim_id, author, visibility, body, at FROM comments
             WHERE claim_id = ANY($1) ORDER BY claim_id, at, id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(CommentRow {
                claim_id: r.try_get("claim_id")?,
                author: r.try_get("author")?,
                visibility: r.try_get("visibility")?,
                body: r.try_get("body")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let decisions = sqlx::query(
            "SELECT claim_id, outcome, decided_by, decided_at, reason FROM decisions
             WHERE claim_id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(DecisionRow {
                claim_id: r.try_get("claim_id")?,
                outcome: r.try_get("outcome")?,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let competing = sqlx::query(
            "SELECT a.claim_id AS claim_id, b.claim_id AS other FROM claims a
             JOIN claims b ON b.tenant_id = a.tenant_id AND b.product_key = a.product_key
              AND b.queue_state <> 'closed' AND b.party_key <> a.party_key
             WHERE a.claim_id = ANY($1)
             ORDER BY a.claim_id, b.claim_id",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("claim_id")?, r.try_get("other")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let facts = self.facts(&rows).await?;
        ViewParts {
            poe,
            comments,
            decisions,
            competing,
            facts,
        }
        .assemble(rows)
    }

    /// Reference data for the findings of `rows`.
    async fn facts(&self, rows: &[ClaimRow]) -> Result<FactsIndex, StoreError> {
        let mut index = FactsIndex::default();
        let tenant_ids: Vec<Uuid> = rows.iter().map(|r| r.tenant_id).collect();
        let tenants: Vec<Uuid> =
            sqlx::query_scalar("SELECT tenant_id FROM tenants WHERE tenant_id = ANY($1)")
                .bind(&tenant_ids)
                .fetch_all(&self.pool)
                .await?;
        let domains: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT tenant_id, domain FROM tenant_domains
             WHERE tenant_id = ANY($1) ORDER BY tenant_id, domain",
        )
        .bind(&tenant_ids)
        .fetch_all(&self.pool)
        .await?;
        let subscriptions = sqlx::query(
            "SELECT subscription_id, tenant_id, product, dynamics, channel, state FROM subscriptions
             WHERE tenant_id = ANY($1) ORDER BY subscription_id",
        )
        .bind(&tenant_ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(subscription_row)
        .collect::<Result<Vec<_>, _>>()?;
        index.add_tenants(tenants, domains, subscriptions)?;

        let mpn_ids: Vec<String> = rows.iter().map(|r| r.mpn_id.clone()).collect();
        for r in sqlx::query(
            "SELECT mpn_id, partner, enrolled, partner_type FROM mpns WHERE mpn_id = ANY($1)",
        )
        .bind(&mpn_ids)
        .fetch_all(&self.pool)
        .await?
        {
            let mpn = Mpn {
                mpn_id: r.try_get("mpn_id")?,
                partner: r.try_get("partner")?,
                enrolled: r.try_get("enrolled")?,
                partner_type: r.try_get("partner_type")?,
            };
            index.mpns.insert(mpn.mpn_id.clone(), mpn);
        }

        let subs: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| {
                r.subscription_id
                    .as_deref()
                    .and_then(crate::domain::findings::parse_subscription_id)
            })
            .collect();
        if !subs.is_empty() {
            let owners: Vec<(Uuid, Uuid)> = sqlx::query_as(
                "SELECT subscription_id, tenant_id FROM subscriptions
                 WHERE subscription_id = ANY($1)",
            )
            .bind(&subs)
            .fetch_all(&self.pool)
            .await?;
            index.subscription_owner.extend(owners);
            let approved: Vec<(Uuid, String)> = sqlx::query_as(
                "SELECT subscription_key, claim_id FROM claims
                 WHERE subscription_key = ANY($1) AND status = 'approved'",
            )
            .bind(&subs)
            .fetch_all(&self.pool)
            .await?;
            for (sub, claim) in approved {
                index.approved_on.entry(sub).or_default().push(claim);
            }
        }
        Ok(index)
    }

    /// The SQL of one queue window, and whether its rows come back in reverse.
    fn queue_sql<'q>(query: &'q QueueQuery, select: &str) -> (QueryBuilder<'q, Postgres>, bool) {
        let (column, natural_desc) = sort_column(query.sort);
        let backward = matches!(query.anchor, Anchor::Last | Anchor::Before(_));
        let desc = natural_desc != backward;
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "{select}SELECT {CLAIM_COLUMNS} FROM claims WHERE TRUE"
        ));
        push_tab(&mut qb, query);
        let op = if desc { "<" } else { ">" };
        if let Anchor::After(key) | Anchor::Before(key) = &query.anchor {
            if column == "claim_id" {
                qb.push(format!(" AND claim_id {op} "))
                    .push_bind(key.claim_id.clone());
            } else {
                qb.push(format!(" AND ({column}, claim_id) {op} ("));
                match &key.value {
                    SortValue::Time(t) => qb.push_bind(*t),
                    SortValue::Text(s) => qb.push_bind(s.clone()),
                };
                qb.push(", ").push_bind(key.claim_id.clone()).push(")");
            }
        }
        let dir = if desc { "DESC" } else { "ASC" };
        let order = if column == "claim_id" {
            format!(" ORDER BY claim_id {dir} LIMIT ")
        } else {
            format!(" ORDER BY {column} {dir}, claim_id {dir} LIMIT ")
        };
        qb.push(order).push_bind(i64::from(query.limit));
        (qb, backward)
    }

    /// The database's plan for one queue window: how tests prove every window is an index range.
    pub async fn explain_queue_page(&self, query: &QueueQuery) -> Result<Vec<String>, StoreError> {
        let (mut qb, _) = Self::queue_sql(query, "EXPLAIN ");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// See [`Store::queue_page`].
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, StoreError> {
        let (mut qb, backward) = Self::queue_sql(query, "");
        let mut rows = qb
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(claim_row)
            .collect::<Result<Vec<_>, _>>()?;
        if backward {
            rows.reverse();
        }
        let facts = self.facts(&rows).await?;
        rows.iter().map(|r| r.to_queue_row(&facts)).collect()
    }

    /// See [`Store::tab_counts`].
    pub async fn tab_counts(&self, reviewer: &str, filter: &str) -> Result<TabCounts, StoreError> {
        if !filter.trim().is_empty() {
            // Under a filter every tab counts the same matching rows: find them once.
            let row = sqlx::query(
                "SELECT COUNT(*) FILTER (WHERE queue_state = 'review'),
                        COUNT(*) FILTER (WHERE open_contested),
                        COUNT(*) FILTER (WHERE queue_state = 'info'),
                        COUNT(*) FILTER (WHERE assigned_to = $1 AND queue_state <> 'closed'),
                        COUNT(*)
                 FROM claims WHERE search LIKE $2",
            )
            .bind(reviewer)
            .bind(like_pattern(filter))
            .fetch_one(&self.pool)
            .await?;
            let n = |i: usize| -> Result<u64, StoreError> {
                Ok(u64::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0))
            };
            return Ok(TabCounts {
                under_review: n(0)?,
                contested: n(1)?,
                info_requested: n(2)?,
                mine: n(3)?,
                all: n(4)?,
            });
        }
        let mut counts = TabCounts::default();
        // One pass over the state index gives three tabs (All is their sum).
        for r in sqlx::query("SELECT queue_state, COUNT(*) FROM claims GROUP BY queue_state")
            .fetch_all(&self.pool)
            .await?
        {
            let n = u64::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0);
            match r.try_get::<String, _>(0)?.as_str() {
                "review" => counts.under_review = n,
                "info" => counts.info_requested = n,
                _ => {}
            }
            counts.all += n;
        }
        for tab in [QueueTab::Contested, QueueTab::Mine] {
            let mut qb = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM claims WHERE TRUE");
            push_tab(
                &mut qb,
                &QueueQuery {
                    tab,
                    sort: QueueSort::Urgency,
                    filter: String::new(),
                    reviewer: reviewer.to_string(),
                    anchor: Anchor::First,
                    limit: 0,
                },
            );
            let n: i64 = qb.build().fetch_one(&self.pool).await?.try_get(0)?;
            let n = u64::try_from(n).unwrap_or(0);
            match tab {
                QueueTab::Contested => counts.contested = n,
                _ => counts.mine = n,
            }
        }
        Ok(counts)
    }

    /// See [`Store::events`].
    pub async fn events(&self, claim_id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        sqlx::query(
            "SELECT id, at, actor, claim_id, kind, before, after FROM events
             WHERE claim_id = $1 ORDER BY id",
        )
        .bind(claim_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditEvent {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                claim_id: r.try_get("claim_id")?,
                kind: super::review::event_kind(
                    &r.try_get::<String, _>("kind")?,
                    r.try_get("before")?,
                    r.try_get("after")?,
                )?,
            })
        })
        .collect()
    }

    /// See [`Store::claim_count`].
    pub async fn claim_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

const CLAIM_COLUMNS: &str = "claim_id, partner_name, mpn_id, tenant_id, customer_domain, \
    solution_area, activity, product, subscription_id, purchase_channel, submitted_at, status, \
    version, parties, incumbent_mpn_id, assigned_to, held_until";

fn claim_row(r: &PgRow) -> Result<ClaimRow, StoreError> {
    Ok(ClaimRow {
        claim_id: r.try_get("claim_id")?,
        partner_name: r.try_get("partner_name")?,
        mpn_id: r.try_get("mpn_id")?,
        tenant_id: r.try_get("tenant_id")?,
        customer_domain: r.try_get("customer_domain")?,
        solution_area: r.try_get("solution_area")?,
        activity: r.try_get("activity")?,
        product: r.try_get("product")?,
        subscription_id: r.try_get("subscription_id")?,
        purchase_channel: r.try_get("purchase_channel")?,
        submitted_at: r.try_get::<DateTime<Utc>, _>("submitted_at")?,
        status: r.try_get("status")?,
        version: r.try_get("version")?,
        parties: i64::from(r.try_get::<i32, _>("parties")?),
        incumbent_mpn_id: r.try_get("incumbent_mpn_id")?,
        assigned_to: r.try_get("assigned_to")?,
        held_until: r.try_get("held_until")?,
    })
}

fn subscription_row(r: &PgRow) -> Result<SubscriptionRow, StoreError> {
    Ok(SubscriptionRow {
        subscription_id: r.try_get("subscription_id")?,
        tenant_id: r.try_get("tenant_id")?,
        product: r.try_get("product")?,
        dynamics: r.try_get("dynamics")?,
        channel: r.try_get("channel")?,
        state: r.try_get("state")?,
    })
}

/// The tab's predicate and the filter, appended to a `WHERE`.
fn push_tab(qb: &mut QueryBuilder<'_, Postgres>, query: &QueueQuery) {
    match query.tab {
        QueueTab::UnderReview => {
            qb.push(" AND queue_state = 'review'");
        }
        QueueTab::InfoRequested => {
            qb.push(" AND queue_state = 'info'");
        }
        QueueTab::Contested => {
            qb.push(" AND open_contested");
        }
        QueueTab::Mine => {
            qb.push(" AND assigned_to = ")
                .push_bind(query.reviewer.clone())
                .push(" AND queue_state <> 'closed'");
        }
        QueueTab::All => {}
    }
    if !query.filter.trim().is_empty() {
        // Backslash is PostgreSQL's default LIKE escape; an explicit ESCAPE clause could keep the
        // planner from the trigram index.
        qb.push(" AND search LIKE ")
            .push_bind(like_pattern(&query.filter));
    }
}

async fn existing_claims(
    tx: &mut Tx,
    batch: &ImportBatch,
) -> Result<Vec<(usize, String)>, StoreError> {
    if batch.claims.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = batch
        .claims
        .iter()
        .map(|(_, c)| c.claim_id.clone())
        .collect();
    let found: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT claim_id FROM claims WHERE claim_id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
    Ok(batch
        .claims
        .iter()
        .filter(|(_, c)| found.contains(&c.claim_id))
        .map(|(line, c)| (*line, c.claim_id.clone()))
        .collect())
}

/// Inserts or replaces tenants with their domains and subscriptions (the last line for a tenant
/// wins, as if the lines were applied in order).
async fn put_tenants(tx: &mut Tx, tenants: &[crate::domain::Tenant]) -> Result<(), StoreError> {
    if tenants.is_empty() {
        return Ok(());
    }
    let tenants = dedup_by(tenants, |t| t.tenant_id);
    let ids: Vec<Uuid> = tenants.iter().map(|t| t.tenant_id).collect();
    sqlx::query("DELETE FROM tenant_domains WHERE tenant_id = ANY($1)")
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM subscriptions WHERE tenant_id = ANY($1)")
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO tenants (tenant_id) SELECT * FROM unnest($1::uuid[]) ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .execute(&mut **tx)
    .await?;
    let domains: Vec<(Uuid, &String)> = dedup_by(
        &tenants
            .iter()
            .flat_map(|t| t.domains.iter().map(|d| (t.tenant_id, d)))
            .collect::<Vec<_>>(),
        |(t, d)| (*t, d.to_string()),
    );
    bulk(
        tx,
        "INSERT INTO tenant_domains (tenant_id, domain) ",
        "",
        &domains,
        2,
        |mut b, (t, d)| {
            b.push_bind(*t).push_bind(d.to_string());
        },
    )
    .await?;
    let subs: Vec<(Uuid, &crate::domain::Subscription)> = dedup_by(
        &tenants
            .iter()
            .flat_map(|t| t.subscriptions.iter().map(|s| (t.tenant_id, s)))
            .collect::<Vec<_>>(),
        |(_, s)| s.subscription_id,
    );
    bulk(
        tx,
        "INSERT INTO subscriptions (subscription_id, tenant_id, product, dynamics, channel, state) ",
        " ON CONFLICT (subscription_id) DO UPDATE SET tenant_id = excluded.tenant_id,
         product = excluded.product, dynamics = excluded.dynamics,
         channel = excluded.channel, state = excluded.state",
        &subs,
        6,
        |mut b, (t, s)| {
            b.push_bind(s.subscription_id)
                .push_bind(*t)
                .push_bind(s.product.clone())
                .push_bind(s.dynamics)
                .push_bind(s.channel.code())
                .push_bind(s.state.code());
        },
    )
    .await?;
    Ok(())
}

/// Runs `head VALUES (..), (..) tail` over `items` in chunks under PostgreSQL's limit of bound
/// parameters: one round trip per few thousand rows instead of one per row.
async fn bulk<T, F>(
    tx: &mut Tx,
    head: &str,
    tail: &str,
    items: &[T],
    columns: usize,
    mut push: F,
) -> Result<(), StoreError>
where
    F: for<'q, 'a> FnMut(sqlx::query_builder::Separated<'q, 'a, Postgres, &'static str>, &T),
{
    let per_statement = (60_000 / columns.max(1)).max(1);
    for chunk in items.chunks(per_statement) {
        let mut qb = QueryBuilder::<Postgres>::new(head);
        qb.push_values(chunk, &mut push);
        qb.push(tail);
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_claims(tx: &mut Tx, claims: &[&Claim]) -> Result<(), StoreError> {
    for chunk in claims.chunks(INSERT_CHUNK) {
        let mut qb = QueryBuilder::<Postgres>::new(
            "INSERT INTO claims (claim_id, partner_name, party_key, mpn_id, tenant_id,
             customer_domain, solution_area, activity, product, product_key, subscription_id,
             subscription_key, purchase_channel, submitted_at, status, queue_state, search,
             parties) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.claim_id.clone())
                .push_bind(c.partner.name.clone())
                .push_bind(party_key(&c.partner.name))
                .push_bind(c.partner.mpn_id.clone())
                .push_bind(c.customer.tenant_id)
                .push_bind(c.customer.domain.clone())
                .push_bind(c.solution_area.code())
                .push_bind(c.activity.code())
                .push_bind(c.product.clone())
                .push_bind(product_key(&c.product))
                .push_bind(c.subscription_id.clone())
                .push_bind(subscription_key(c))
                .push_bind(c.purchase_channel.code())
                .push_bind(c.submitted_at)
                .push_bind(c.status.code())
                .push_bind(queue_state(c.status))
                .push_bind(search_text(c))
                .push_bind(i32::from(c.status.is_open()));
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

async fn insert_poe(tx: &mut Tx, claims: &[&Claim]) -> Result<(), StoreError> {
    let items: Vec<(&str, usize, &crate::domain::PoeItem)> = claims
        .iter()
        .flat_map(|c| {
            c.poe
                .iter()
                .enumerate()
                .map(|(i, p)| (c.claim_id.as_str(), i, p))
        })
        .collect();
    for chunk in items.chunks(INSERT_CHUNK * 2) {
        let mut qb = QueryBuilder::<Postgres>::new(
            "INSERT INTO poe (claim_id, seq, kind, date, summary, by_whom, attachment) ",
        );
        qb.push_values(chunk, |mut b, (id, seq, p)| {
            b.push_bind(id.to_string())
                .push_bind(i32::try_from(*seq).unwrap_or(i32::MAX))
                .push_bind(p.kind.clone())
                .push_bind(p.date)
                .push_bind(p.summary.clone())
                .push_bind(p.by.clone())
                .push_bind(p.attachment.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn insert_comment(
    tx: &mut Tx,
    claim_id: &str,
    c: &crate::domain::Comment,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO comments (claim_id, author, visibility, body, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(claim_id)
    .bind(&c.author)
    .bind(c.visibility.code())
    .bind(&c.body)
    .bind(c.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the contest columns of every claim in the given (tenant, product key) groups.
/// With `fresh_only`, groups whose only member is a just-inserted claim are skipped: their
/// defaults are already right.
pub(super) async fn refresh_groups(
    tx: &mut Tx,
    mut groups: Vec<(Uuid, String)>,
    fresh_only: bool,
) -> Result<(), StoreError> {
    if groups.is_empty() {
        return Ok(());
    }
    groups.sort();
    groups.dedup();
    let (mut tenants, mut products): (Vec<Uuid>, Vec<String>) = groups.into_iter().unzip();
    if fresh_only {
        // Claims are inserted as lone open parties; only groups with company need the update.
        let shared: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT g.t, g.p FROM unnest($1::uuid[], $2::text[]) AS g(t, p)
             WHERE (SELECT COUNT(*) FROM claims c WHERE c.tenant_id = g.t AND c.product_key = g.p) > 1
                OR EXISTS (SELECT 1 FROM associations a WHERE a.tenant_id = g.t AND a.product_key = g.p)",
        )
        .bind(&tenants)
        .bind(&products)
        .fetch_all(&mut **tx)
        .await?;
        (tenants, products) = shared.into_iter().unzip();
        if tenants.is_empty() {
            return Ok(());
        }
    }
    // One pass: per-group counts from the group index, then only rows whose contest columns
    // actually change are rewritten.
    sqlx::query(
        "WITH g AS (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[]) AS g(t, p)),
         stats AS (
             SELECT c.tenant_id, c.product_key,
                    COUNT(DISTINCT c.party_key) FILTER (WHERE c.queue_state <> 'closed') AS open_parties
             FROM g JOIN claims c ON c.tenant_id = g.t AND c.product_key = g.p
             GROUP BY c.tenant_id, c.product_key),
         target AS (
             SELECT c.claim_id,
                    CASE WHEN a.mpn_id <> c.mpn_id THEN a.mpn_id END AS incumbent,
                    s.open_parties, c.queue_state
             FROM stats s
             JOIN claims c ON c.tenant_id = s.tenant_id AND c.product_key = s.product_key
             LEFT JOIN associations a ON a.tenant_id = s.tenant_id AND a.product_key = s.product_key)
         UPDATE claims SET
             incumbent_mpn_id = t.incumbent,
             parties = t.open_parties + (t.incumbent IS NOT NULL)::int,
             open_contested = t.queue_state <> 'closed'
                 AND (t.incumbent IS NOT NULL OR t.open_parties >= 2)
         FROM target t
         WHERE claims.claim_id = t.claim_id
           AND (claims.incumbent_mpn_id, claims.parties, claims.open_contested)
               IS DISTINCT FROM (t.incumbent, t.open_parties + (t.incumbent IS NOT NULL)::int,
                                 t.queue_state <> 'closed'
                                     AND (t.incumbent IS NOT NULL OR t.open_parties >= 2))",
    )
    .bind(&tenants)
    .bind(&products)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_import_events(
    tx: &mut Tx,
    claims: &[&Claim],
    audit: &Audit,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match &audit.mode {
        AuditMode::Summary(text) => {
            let after = serde_json::json!({ "summary": text, "claims": claims.len() }).to_string();
            sqlx::query(
                "INSERT INTO events (at, actor, claim_id, kind, before, after)
                 VALUES ($1, $2, NULL, 'generated', NULL, $3)",
            )
            .bind(now)
            .bind(&audit.actor)
            .bind(after)
            .execute(&mut **tx)
            .await?;
        }
        AuditMode::PerClaim => {
            for chunk in claims.chunks(INSERT_CHUNK * 2) {
                let mut qb = QueryBuilder::<Postgres>::new(
                    "INSERT INTO events (at, actor, claim_id, kind, before, after) ",
                );
                qb.push_values(chunk, |mut b, c| {
                    b.push_bind(now)
                        .push_bind(audit.actor.clone())
                        .push_bind(c.claim_id.clone())
                        .push_bind("imported")
                        .push_bind(None::<String>)
                        .push_bind(serde_json::json!({ "status": c.status.code() }).to_string());
                });
                qb.build().execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}
