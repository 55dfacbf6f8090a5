//! The SQLite backend: one file, one reviewer (or a few on one machine).
//!
//! WAL journal, `synchronous = NORMAL` and a busy timeout; every write transaction starts with
//! `BEGIN IMMEDIATE` so a read-then-write never fails at once with "database is locked".
//! Times are stored as INTEGER microseconds (UTC); GUIDs as lowercase TEXT.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use uuid::Uuid;

use super::rows::*;
use super::*;
use crate::domain::{party_key, product_key, Claim, Mpn};

/// Rows of the tab a filtered window reads in queue order before it turns to the trigram index.
const FILTER_PROBE_ROWS: i64 = 5000;

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters.
const INSERT_CHUNK: usize = 1000;

/// A SQLite-backed store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

pub(super) type Tx = Transaction<'static, Sqlite>;

pub(super) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(super) fn from_micros(v: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| StoreError::Corrupt(format!("bad time {v}")))
}

fn uuid_of(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("bad GUID {text:?}")))
}

/// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
fn json_list<I: IntoIterator<Item = S>, S: ToString>(items: I) -> String {
    let list: Vec<String> = items.into_iter().map(|s| s.to_string()).collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

impl SqliteStore {
    /// Opens or creates the file `options` name and applies the migrations.
    pub async fn open(
        options: SqliteConnectOptions,
        shown: &str,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        let pool = super::connect::sqlite_pool(options, shown, max_connections).await?;
        super::bulk_indexes::sqlite_ensure(&pool).await?;
        Ok(SqliteStore { pool })
    }

    pub(super) async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// See [`Store::import`].
    pub async fn import(
        &self,
        batch: &ImportBatch,
        audit: &Audit,
    ) -> Result<ImportSummary, StoreError> {
        let mut tx = self.begin_write().await?;
        let existing = existing_claims(&mut tx, batch).await?;
        if !existing.is_empty() {
            return Err(StoreError::ClaimsExist(existing));
        }
        let now = micros(Utc::now());
        // Bulk loads touch pages all over the GUID-keyed trees; a page cache that holds them
        // saves re-reading them from the OS and spilling dirty pages to the WAL mid-transaction.
        // (It fills only as far as the import needs it.)
        sqlx::query("PRAGMA cache_size = -524288")
            .execute(&mut *tx)
            .await?;
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
                b.push_bind(a.tenant_id.to_string())
                    .push_bind(product_key(&a.product))
                    .push_bind(a.product.clone())
                    .push_bind(a.mpn_id.clone());
            },
        )
        .await?;
        let mut groups: Vec<(String, String)> = associations
            .iter()
            .map(|a| (a.tenant_id.to_string(), product_key(&a.product)))
            .collect();
        let claims: Vec<&Claim> = batch.claims.iter().map(|(_, c)| c).collect();
        let last_rowid: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM claims")
            .fetch_one(&mut *tx)
            .await?;
        insert_claims(&mut tx, &claims).await?;
        // One statement indexes the new claims for the filter (no one else writes meanwhile:
        // this is an IMMEDIATE transaction).
        sqlx::query(
            "INSERT INTO claims_fts (rowid, search) SELECT rowid, search FROM claims WHERE rowid > ?",
        )
        .bind(last_rowid)
        .execute(&mut *tx)
        .await?;
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
                    .push_bind(micros(c.at));
            },
        )
        .await?;
        groups.extend(
            claims
                .iter()
                .map(|c| (c.customer.tenant_id.to_string(), product_key(&c.product))),
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
            .claim_rows("WHERE claim_id = ?", Some(claim_id), 1)
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
                self.claim_rows("WHERE claim_id > ? ORDER BY claim_id", Some(after), limit)
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
        let ids = json_list(rows.iter().map(|r| &r.claim_id));
        let poe = sqlx::query(
            "SELECT claim_id, kind, date, summary, by_whom, attachment FROM poe
             WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, seq",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let date: String = r.try_get("date")?;
            Ok(PoeRow {
                claim_id: r.try_get("claim_id")?,
                kind: r.try_get("kind")?,
                date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt(format!("bad PoE date {date:?}")))?,
                summary: r.try_get("summary")?,
                by_whom: r.try_get("by_whom")?,
                attachment: r.try_get("attachment")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let comments = sqlx::query(
            "SELECT claim_id, author, visibility, body, at FROM comments
             WHERE claim_id IN (SELECT value FROM json_each(?)) ORDER BY claim_id, at, id",
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
                at: from_micros(r.try_get("at")?)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let decisions = sqlx::query(
            "SELECT claim_id, outcome, decided_by, decided_at, reason FROM decisions
             WHERE claim_id IN (SELECT value FROM json_each(?))",
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
                decided_at: from_micros(r.try_get("decided_at")?)?,
                reason: r.try_get("reason")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let competing = sqlx::query(
            "SELECT a.claim_id AS claim_id, b.claim_id AS other FROM claims a
             JOIN claims b INDEXED BY claims_group ON b.tenant_id = a.tenant_id AND b.product_key = a.product_key
              AND b.queue_state <> 'closed' AND b.party_key <> a.party_key
             WHERE a.claim_id IN (SELECT value FROM json_each(?))
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
        let tenant_ids = json_list(rows.iter().map(|r| r.tenant_id));
        let tenants: Vec<Uuid> = sqlx::query(
            "SELECT tenant_id FROM tenants WHERE tenant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&tenant_ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| uuid_of(&r.try_get::<String, _>(0)?))
        .collect::<Result<_, _>>()?;
        let domains = sqlx::query(
            "SELECT tenant_id, domain FROM tenant_domains
             WHERE tenant_id IN (SELECT value FROM json_each(?)) ORDER BY tenant_id, domain",
        )
        .bind(&tenant_ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((uuid_of(&r.try_get::<String, _>(0)?)?, r.try_get(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let subscriptions = sqlx::query(
            "SELECT subscription_id, tenant_id, product, dynamics, channel, state FROM subscriptions
             WHERE tenant_id IN (SELECT value FROM json_each(?)) ORDER BY subscription_id",
        )
        .bind(&tenant_ids)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(subscription_row)
        .collect::<Result<Vec<_>, _>>()?;
        index.add_tenants(tenants, domains, subscriptions)?;

        let mpn_ids = json_list(rows.iter().map(|r| &r.mpn_id));
        for r in sqlx::query(
            "SELECT mpn_id, partner, enrolled, partner_type FROM mpns
             WHERE mpn_id IN (SELECT value FROM json_each(?))",
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
            let subs = json_list(&subs);
            for r in sqlx::query(
                "SELECT subscription_id, tenant_id FROM subscriptions
                 WHERE subscription_id IN (SELECT value FROM json_each(?))",
            )
            .bind(&subs)
            .fetch_all(&self.pool)
            .await?
            {
                index.subscription_owner.insert(
                    uuid_of(&r.try_get::<String, _>(0)?)?,
                    uuid_of(&r.try_get::<String, _>(1)?)?,
                );
            }
            for r in sqlx::query(
                "SELECT subscription_key, claim_id FROM claims
                 WHERE subscription_key IN (SELECT value FROM json_each(?)) AND status = 'approved'",
            )
            .bind(&subs)
            .fetch_all(&self.pool)
            .await?
            {
                index
                    .approved_on
                    .entry(uuid_of(&r.try_get::<String, _>(0)?)?)
                    .or_default()
                    .push(r.try_get(1)?);
            }
        }
        Ok(index)
    }

    /// The SQL of one queue window, and whether its rows come back in reverse.
    ///
    /// With `probe`, only the next `probe` rows of the tab in queue order are read and the filter
    /// is checked on each: a filter that matches often fills the window from those, without
    /// collecting every match through the trigram index first.
    fn queue_sql<'q>(
        query: &'q QueueQuery,
        select: &str,
        probe: Option<i64>,
    ) -> (QueryBuilder<'q, Sqlite>, bool) {
        let (column, natural_desc) = sort_column(query.sort);
        let backward = matches!(query.anchor, Anchor::Last | Anchor::Before(_));
        let desc = natural_desc != backward;
        let mut qb = QueryBuilder::<Sqlite>::new(match probe {
            Some(_) => format!(
                "{select}SELECT {CLAIM_COLUMNS} FROM (SELECT {CLAIM_COLUMNS}, search, party_key, product_key FROM claims WHERE 1 = 1"
            ),
            None => format!("{select}SELECT {CLAIM_COLUMNS} FROM claims WHERE 1 = 1"),
        });
        if probe.is_some() {
            push_tab_only(&mut qb, query);
        } else {
            push_tab(&mut qb, query);
        }
        let op = if desc { "<" } else { ">" };
        if let Anchor::After(key) | Anchor::Before(key) = &query.anchor {
            if column == "claim_id" {
                qb.push(format!(" AND claim_id {op} "))
                    .push_bind(key.claim_id.clone());
            } else {
                qb.push(format!(" AND ({column}, claim_id) {op} ("));
                match &key.value {
                    SortValue::Time(t) => qb.push_bind(micros(*t)),
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
        if let Some(probe) = probe {
            qb.push(&order)
                .push_bind(probe)
                .push(") WHERE search LIKE ")
                .push_bind(like_pattern(&query.filter))
                .push(" ESCAPE '\\'")
                .push(&order);
        } else {
            qb.push(order);
        }
        qb.push_bind(i64::from(query.limit));
        (qb, backward)
    }

    /// The database's plan for one queue window: how tests prove every window is an index range.
    pub async fn explain_queue_page(&self, query: &QueueQuery) -> Result<Vec<String>, StoreError> {
        let (mut qb, _) = Self::queue_sql(query, "EXPLAIN QUERY PLAN ", None);
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("detail"))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// See [`Store::queue_page`].
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, StoreError> {
        let mut rows = Vec::new();
        let mut backward = false;
        if uses_trigrams(&query.filter) {
            // Probe first: a filter that matches one row in fifty fills the window here.
            let (mut qb, back) = Self::queue_sql(query, "", Some(FILTER_PROBE_ROWS));
            backward = back;
            rows = qb.build().fetch_all(&self.pool).await?;
        }
        if rows.len() < query.limit as usize {
            // A rarer filter: its few matches come from the trigram index.
            let (mut qb, back) = Self::queue_sql(query, "", None);
            backward = back;
            rows = qb.build().fetch_all(&self.pool).await?;
        }
        let mut rows = rows.iter().map(claim_row).collect::<Result<Vec<_>, _>>()?;
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
            let mut qb = QueryBuilder::<Sqlite>::new(
                "SELECT COALESCE(SUM(queue_state = 'review'), 0), COALESCE(SUM(open_contested = 1), 0),
                        COALESCE(SUM(queue_state = 'info'), 0),
                        COALESCE(SUM(assigned_to = ",
            );
            qb.push_bind(reviewer.to_string())
                .push(" AND queue_state <> 'closed'), 0), COUNT(*) FROM claims WHERE 1 = 1");
            push_tab(
                &mut qb,
                &QueueQuery {
                    tab: QueueTab::All,
                    sort: QueueSort::Urgency,
                    filter: filter.to_string(),
                    reviewer: reviewer.to_string(),
                    anchor: Anchor::First,
                    limit: 0,
                },
            );
            let row = qb.build().fetch_one(&self.pool).await?;
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
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM claims WHERE 1 = 1");
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
             WHERE claim_id = ? ORDER BY id",
        )
        .bind(claim_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AuditEvent {
                id: r.try_get("id")?,
                at: from_micros(r.try_get("at")?)?,
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

fn claim_row(r: &SqliteRow) -> Result<ClaimRow, StoreError> {
    Ok(ClaimRow {
        claim_id: r.try_get("claim_id")?,
        partner_name: r.try_get("partner_name")?,
        mpn_id: r.try_get("mpn_id")?,
        tenant_id: uuid_of(&r.try_get::<String, _>("tenant_id")?)?,
        customer_domain: r.try_get("customer_domain")?,
        solution_area: r.try_get("solution_area")?,
        activity: r.try_get("activity")?,
        product: r.try_get("product")?,
        subscription_id: r.try_get("subscription_id")?,
        purchase_channel: r.try_get("purchase_channel")?,
        submitted_at: from_micros(r.try_get("submitted_at")?)?,
        status: r.try_get("status")?,
        version: r.try_get("version")?,
        parties: r.try_get("parties")?,
        incumbent_mpn_id: r.try_get("incumbent_mpn_id")?,
        assigned_to: r.try_get("assigned_to")?,
        held_until: r
            .try_get::<Option<i64>, _>("held_until")?
            .map(from_micros)
            .transpose()?,
    })
}

fn subscription_row(r: &SqliteRow) -> Result<SubscriptionRow, StoreError> {
    Ok(SubscriptionRow {
        subscription_id: uuid_of(&r.try_get::<String, _>("subscription_id")?)?,
        tenant_id: uuid_of(&r.try_get::<String, _>("tenant_id")?)?,
        product: r.try_get("product")?,
        dynamics: r.try_get("dynamics")?,
        channel: r.try_get("channel")?,
        state: r.try_get("state")?,
    })
}

/// The tab's predicate and the filter, appended to a `WHERE`.
fn push_tab(qb: &mut QueryBuilder<'_, Sqlite>, query: &QueueQuery) {
    push_tab_only(qb, query);
    push_filter(qb, query);
}

/// The tab's predicate alone, appended to a `WHERE`.
fn push_tab_only(qb: &mut QueryBuilder<'_, Sqlite>, query: &QueueQuery) {
    match query.tab {
        QueueTab::UnderReview => {
            qb.push(" AND queue_state = 'review'");
        }
        QueueTab::InfoRequested => {
            qb.push(" AND queue_state = 'info'");
        }
        QueueTab::Contested => {
            qb.push(" AND open_contested = 1");
        }
        QueueTab::Mine => {
            qb.push(" AND assigned_to = ")
                .push_bind(query.reviewer.clone())
                .push(" AND queue_state <> 'closed'");
        }
        QueueTab::All => {}
    }
}

/// Whether the filter is served by the trigram index (three or more characters, no wildcards).
fn uses_trigrams(filter: &str) -> bool {
    let filter = filter.trim();
    !filter.contains(['%', '_', '\\']) && filter.chars().count() >= 3
}

/// The filter, appended to a `WHERE`.
fn push_filter(qb: &mut QueryBuilder<'_, Sqlite>, query: &QueueQuery) {
    let filter = query.filter.trim();
    let literal = !filter.contains(['%', '_', '\\']);
    if literal && filter.chars().count() >= 3 {
        // The trigram index finds the few rows that can match (it cannot take an ESCAPE clause,
        // hence only for filters without LIKE wildcards); shorter filters match so much that
        // walking the sort order until the window is full is quicker.
        qb.push(" AND rowid IN (SELECT rowid FROM claims_fts WHERE search LIKE ")
            .push_bind(format!("%{}%", filter.to_lowercase()))
            .push(")");
    } else if !filter.is_empty() {
        qb.push(" AND search LIKE ")
            .push_bind(like_pattern(filter))
            .push(" ESCAPE '\\'");
    }
}

async fn existing_claims(
    tx: &mut Tx,
    batch: &ImportBatch,
) -> Result<Vec<(usize, String)>, StoreError> {
    if batch.claims.is_empty() {
        return Ok(Vec::new());
    }
    let ids = json_list(batch.claims.iter().map(|(_, c)| &c.claim_id));
    let found: std::collections::HashSet<String> = sqlx::query_scalar(
        "SELECT claim_id FROM claims WHERE claim_id IN (SELECT value FROM json_each(?))",
    )
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
    // In key order, each tree is walked once from left to right instead of at random.
    let mut tenants = dedup_by(tenants, |t| t.tenant_id);
    tenants.sort_by_key(|t| t.tenant_id);
    // Only tenants already stored have domains and subscriptions to replace: one probe each
    // instead of two deletes each, which at 85,000 new tenants a batch cost a second.
    let known: Vec<String> = sqlx::query_scalar(
        "SELECT tenant_id FROM tenants WHERE tenant_id IN (SELECT value FROM json_each(?))",
    )
    .bind(json_list(tenants.iter().map(|t| t.tenant_id)))
    .fetch_all(&mut **tx)
    .await?;
    if !known.is_empty() {
        let ids = json_list(&known);
        sqlx::query(
            "DELETE FROM tenant_domains WHERE tenant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "DELETE FROM subscriptions WHERE tenant_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    }
    bulk(
        tx,
        "INSERT OR IGNORE INTO tenants (tenant_id) ",
        "",
        &tenants,
        1,
        |mut b, t| {
            b.push_bind(t.tenant_id.to_string());
        },
    )
    .await?;
    let domains: Vec<(String, &String)> = tenants
        .iter()
        .flat_map(|t| t.domains.iter().map(|d| (t.tenant_id.to_string(), d)))
        .collect();
    bulk(
        tx,
        "INSERT OR IGNORE INTO tenant_domains (tenant_id, domain) ",
        "",
        &domains,
        2,
        |mut b, (t, d)| {
            b.push_bind(t.clone()).push_bind(d.to_string());
        },
    )
    .await?;
    let mut subs: Vec<(String, &crate::domain::Subscription)> = tenants
        .iter()
        .flat_map(|t| t.subscriptions.iter().map(|s| (t.tenant_id.to_string(), s)))
        .collect();
    subs.sort_by_key(|(_, s)| s.subscription_id);
    bulk(
        tx,
        "INSERT OR REPLACE INTO subscriptions
         (subscription_id, tenant_id, product, dynamics, channel, state) ",
        "",
        &subs,
        6,
        |mut b, (t, s)| {
            b.push_bind(s.subscription_id.to_string())
                .push_bind(t.clone())
                .push_bind(s.product.clone())
                .push_bind(s.dynamics)
                .push_bind(s.channel.code())
                .push_bind(s.state.code());
        },
    )
    .await?;
    Ok(())
}

/// Runs `head VALUES (..), (..) tail` over `items` in chunks that stay under SQLite's limit of
/// bound parameters: one statement per thousand-odd rows instead of one per row.
async fn bulk<T, F>(
    tx: &mut Tx,
    head: &str,
    tail: &str,
    items: &[T],
    columns: usize,
    mut push: F,
) -> Result<(), StoreError>
where
    F: for<'q, 'a> FnMut(sqlx::query_builder::Separated<'q, 'a, Sqlite, &'static str>, &T),
{
    let per_statement = (30_000 / columns.max(1)).max(1);
    run_chunks(tx, items.chunks(per_statement), |chunk| {
        let mut qb = QueryBuilder::<Sqlite>::new(head);
        qb.push_values(chunk, &mut push);
        qb.push(tail);
        qb
    })
    .await
}

/// Runs one statement per chunk, binding the next chunk's values (Rust work, on this thread)
/// while SQLite's worker thread executes the current one: a bulk load keeps both cores busy.
async fn run_chunks<T>(
    tx: &mut Tx,
    mut chunks: std::slice::Chunks<'_, T>,
    mut build: impl FnMut(&[T]) -> QueryBuilder<'static, Sqlite>,
) -> Result<(), StoreError> {
    let mut next = chunks.next().map(&mut build);
    while let Some(mut qb) = next {
        // `join!` polls the statement first, which hands it to the worker, then builds.
        let (done, built) = tokio::join!(biased; qb.build().execute(&mut **tx), async {
            chunks.next().map(&mut build)
        });
        done?;
        next = built;
    }
    Ok(())
}

async fn insert_claims(tx: &mut Tx, claims: &[&Claim]) -> Result<(), StoreError> {
    run_chunks(tx, claims.chunks(INSERT_CHUNK), |chunk| {
        let mut qb = QueryBuilder::<Sqlite>::new(
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
                .push_bind(c.customer.tenant_id.to_string())
                .push_bind(c.customer.domain.clone())
                .push_bind(c.solution_area.code())
                .push_bind(c.activity.code())
                .push_bind(c.product.clone())
                .push_bind(product_key(&c.product))
                .push_bind(c.subscription_id.clone())
                .push_bind(subscription_key(c).map(|u| u.to_string()))
                .push_bind(c.purchase_channel.code())
                .push_bind(micros(c.submitted_at))
                .push_bind(c.status.code())
                .push_bind(queue_state(c.status))
                .push_bind(search_text(c))
                .push_bind(i64::from(c.status.is_open()));
        });
        qb
    })
    .await
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
    run_chunks(tx, items.chunks(INSERT_CHUNK * 2), |chunk| {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO poe (claim_id, seq, kind, date, summary, by_whom, attachment) ",
        );
        qb.push_values(chunk, |mut b, (id, seq, p)| {
            b.push_bind(id.to_string())
                .push_bind(i64::try_from(*seq).unwrap_or(i64::MAX))
                .push_bind(p.kind.clone())
                .push_bind(p.date.format("%Y-%m-%d").to_string())
                .push_bind(p.summary.clone())
                .push_bind(p.by.clone())
                .push_bind(p.attachment.clone());
        });
        qb
    })
    .await
}

pub(super) async fn insert_comment(
    tx: &mut Tx,
    claim_id: &str,
    c: &crate::domain::Comment,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO comments (claim_id, author, visibility, body, at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(claim_id)
    .bind(&c.author)
    .bind(c.visibility.code())
    .bind(&c.body)
    .bind(micros(c.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the contest columns of every claim in the given (tenant, product key) groups.
/// With `fresh_only`, groups whose only member is a just-inserted claim are skipped: their
/// defaults are already right.
pub(super) async fn refresh_groups(
    tx: &mut Tx,
    mut groups: Vec<(String, String)>,
    fresh_only: bool,
) -> Result<(), StoreError> {
    if groups.is_empty() {
        return Ok(());
    }
    groups.sort();
    groups.dedup();
    let json = serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS touched_groups
         (tenant_id TEXT NOT NULL, product_key TEXT NOT NULL, PRIMARY KEY (tenant_id, product_key))
         WITHOUT ROWID",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM touched_groups")
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO touched_groups (tenant_id, product_key)
         SELECT value ->> 0, value ->> 1 FROM json_each(?)",
    )
    .bind(json)
    .execute(&mut **tx)
    .await?;
    if fresh_only {
        // Claims are inserted as lone open parties; only groups with company need the update.
        sqlx::query(
            "DELETE FROM touched_groups
             WHERE (SELECT COUNT(*) FROM claims c INDEXED BY claims_group WHERE c.tenant_id = touched_groups.tenant_id
                      AND c.product_key = touched_groups.product_key) < 2
               AND NOT EXISTS (SELECT 1 FROM associations a
                      WHERE a.tenant_id = touched_groups.tenant_id
                        AND a.product_key = touched_groups.product_key)",
        )
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "UPDATE claims INDEXED BY claims_group SET incumbent_mpn_id = (
             SELECT a.mpn_id FROM associations a
             WHERE a.tenant_id = claims.tenant_id AND a.product_key = claims.product_key
               AND a.mpn_id <> claims.mpn_id)
         WHERE (tenant_id, product_key) IN (SELECT tenant_id, product_key FROM touched_groups)",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE claims INDEXED BY claims_group SET
           parties = (SELECT COUNT(DISTINCT c.party_key) FROM claims c INDEXED BY claims_group
                      WHERE c.tenant_id = claims.tenant_id AND c.product_key = claims.product_key
                        AND c.queue_state <> 'closed')
                     + (incumbent_mpn_id IS NOT NULL),
           open_contested = (queue_state <> 'closed' AND (incumbent_mpn_id IS NOT NULL OR EXISTS (
                      SELECT 1 FROM claims c INDEXED BY claims_group
                      WHERE c.tenant_id = claims.tenant_id AND c.product_key = claims.product_key
                        AND c.queue_state <> 'closed' AND c.party_key <> claims.party_key)))
         WHERE (tenant_id, product_key) IN (SELECT tenant_id, product_key FROM touched_groups)",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_import_events(
    tx: &mut Tx,
    claims: &[&Claim],
    audit: &Audit,
    now: i64,
) -> Result<(), StoreError> {
    match &audit.mode {
        AuditMode::Summary(text) => {
            let after = serde_json::json!({ "summary": text, "claims": claims.len() }).to_string();
            sqlx::query("INSERT INTO events (at, actor, claim_id, kind, before, after) VALUES (?, ?, NULL, 'generated', NULL, ?)")
                .bind(now)
                .bind(&audit.actor)
                .bind(after)
                .execute(&mut **tx)
                .await?;
        }
        AuditMode::PerClaim => {
            bulk(
                tx,
                "INSERT INTO events (at, actor, claim_id, kind, before, after) ",
                "",
                claims,
                6,
                |mut b, c| {
                    b.push_bind(now)
                        .push_bind(audit.actor.clone())
                        .push_bind(c.claim_id.clone())
                        .push_bind("imported")
                        .push_bind(None::<String>)
                        .push_bind(serde_json::json!({ "status": c.status.code() }).to_string());
                },
            )
            .await?;
        }
    }
    Ok(())
}
