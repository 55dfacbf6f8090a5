//! Carrying out a [`WritePlan`] inside the open transaction: the same statements on both
//! databases, then the audit events in one insert, then the contests the plan touched.

use super::chain;
use super::db::{Arg, Exec, Sql, Tx};
use super::plan::{GroupKey, NewEvent, Write, WritePlan};
use super::rows::queue_state;
use super::StoreError;

/// Applies every change of `plan`, appends its audit events and recomputes its contests.
pub(crate) async fn apply(tx: &mut Tx, plan: &WritePlan) -> Result<(), StoreError> {
    for write in &plan.writes {
        tx.execute(statement(write)).await?;
    }
    insert_events(tx, &plan.events).await?;
    refresh_contests(tx, plan.groups.clone(), false).await
}

/// The statement that carries out one write.
pub(crate) fn statement(write: &Write) -> Sql {
    match write {
        Write::Status { claim_id, status } => Sql::new(
            "UPDATE claims SET status = $1, queue_state = $2, version = version + 1
             WHERE claim_id = $3",
        )
        .arg(status.code())
        .arg(queue_state(*status))
        .arg(claim_id),
        Write::Touch { claim_id } => {
            Sql::new("UPDATE claims SET version = version + 1 WHERE claim_id = $1").arg(claim_id)
        }
        Write::Comment { claim_id, comment } => Sql::new(
            "INSERT INTO comments (claim_id, author, visibility, body, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .arg(claim_id)
        .arg(&comment.author)
        .arg(comment.visibility.code())
        .arg(&comment.body)
        .arg(comment.at),
        Write::Decision { claim_id, decision } => Sql::new(
            "INSERT INTO decisions (claim_id, outcome, decided_by, decided_at, reason)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (claim_id) DO UPDATE SET outcome = excluded.outcome,
             decided_by = excluded.decided_by, decided_at = excluded.decided_at,
             reason = excluded.reason",
        )
        .arg(claim_id)
        .arg(decision.outcome.code())
        .arg(&decision.by)
        .arg(decision.at)
        .arg(&decision.reason),
        Write::Hold {
            claim_id,
            holder,
            until,
        } => Sql::new("UPDATE claims SET assigned_to = $1, held_until = $2 WHERE claim_id = $3")
            .arg(holder.clone())
            .arg(*until)
            .arg(claim_id),
        Write::Assign { claim_id, assignee } => {
            Sql::new("UPDATE claims SET assignee = $1 WHERE claim_id = $2")
                .arg(assignee.clone())
                .arg(claim_id)
        }
        Write::Reviewer(r) => Sql::new(
            "INSERT INTO reviewers (login, display_name, role, active) VALUES ($1, $2, $3, $4)
             ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name,
             role = excluded.role, active = excluded.active",
        )
        .arg(&r.login)
        .arg(&r.display_name)
        .arg(r.role.code())
        .arg(r.active),
        Write::Associate {
            product_key,
            association: a,
        } => Sql::new(
            "INSERT INTO associations (tenant_id, product_key, product, mpn_id, claim_id)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, product_key) DO UPDATE SET product = excluded.product,
             mpn_id = excluded.mpn_id, claim_id = excluded.claim_id",
        )
        .arg(a.tenant_id)
        .arg(product_key)
        .arg(&a.product)
        .arg(&a.mpn_id)
        .arg(a.claim_id.clone()),
        Write::Dissociate { group } => {
            Sql::new("DELETE FROM associations WHERE tenant_id = $1 AND product_key = $2")
                .arg(group.tenant_id)
                .arg(&group.product_key)
        }
        Write::Deactivate { login } => {
            Sql::new("UPDATE reviewers SET active = FALSE WHERE login = $1").arg(login)
        }
        Write::PauseStart { claim_id, at } => Sql::new(
            "INSERT INTO pauses (claim_id, started_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .arg(claim_id)
        .arg(*at),
        Write::PauseEnd { claim_id, at } => Sql::new(
            "UPDATE pauses SET ended_at = $1 WHERE claim_id = $2 AND ended_at IS NULL",
        )
        .arg(*at)
        .arg(claim_id),
        Write::Poe {
            claim_id,
            seq,
            item,
        } => Sql::new(
            "INSERT INTO poe (claim_id, seq, kind, date, summary, by_whom, attachment)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .arg(claim_id)
        .arg(*seq)
        .arg(&item.kind)
        .arg(item.date)
        .arg(&item.summary)
        .arg(&item.by)
        .arg(&item.attachment),
        Write::Dispute {
            dispute_id,
            claim_id,
            at,
            body,
            decision,
        } => Sql::new(
            "INSERT INTO disputes (dispute_id, claim_id, at, body, outcome, decided_by, decided_at, reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .arg(dispute_id)
        .arg(claim_id)
        .arg(*at)
        .arg(body)
        .arg(decision.outcome.code())
        .arg(&decision.by)
        .arg(decision.at)
        .arg(&decision.reason),
        Write::FeedLine {
            kind,
            line_id,
            claim_id,
            at,
            content,
        } => Sql::new(
            "INSERT INTO feed_lines (kind, line_id, claim_id, at, content) VALUES ($1, $2, $3, $4, $5)",
        )
        .arg(*kind)
        .arg(line_id)
        .arg(claim_id)
        .arg(*at)
        .arg(content),
        Write::Key(k) => Sql::new(
            "INSERT INTO reviewer_keys (fingerprint, login, public_key, comment, added_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .arg(&k.fingerprint)
        .arg(&k.login)
        .arg(&k.public_key)
        .arg(&k.comment)
        .arg(k.added_at),
        Write::RemoveKey { fingerprint } => {
            Sql::new("DELETE FROM reviewer_keys WHERE fingerprint = $1").arg(fingerprint)
        }
    }
}

/// Appends audit events, as many per statement as the database takes, each chained to the one
/// before it by its hash (`chain.rs`).
///
/// Events are appended under the log's append lock, held until the transaction ends, so event
/// ids ascend in commit order: a reader that has seen every event up to id N never later finds
/// a smaller id committed after it (the change feed, `claimdesk outbox --after`), and the hash
/// chain has one end to append to. SQLite's `BEGIN IMMEDIATE` already admits one writer at a
/// time; PostgreSQL takes a transaction-scoped advisory lock. Returns the ids given, in order.
pub(crate) async fn insert_events(
    tx: &mut Tx,
    events: &[NewEvent],
) -> Result<Vec<i64>, StoreError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    if let Tx::Postgres(tx) = tx {
        super::postgres::lock_event_log(tx).await?;
    }
    let mut prev = chain::last_hash(tx).await?;
    let ids = chain::next_ids(tx, events.len()).await?;
    let per_statement = tx.dialect().max_params() / 9;
    let rows: Vec<Vec<Arg>> = events
        .iter()
        .zip(ids.iter().copied())
        .map(|(e, id)| {
            let link = chain::Link::new(id, e);
            let hash = link.hash(&prev);
            let row = link.args(&hash);
            prev = hash;
            row
        })
        .collect();
    for chunk in rows.chunks(per_statement.max(1)) {
        let mut sql = Sql::new(
            "INSERT INTO events (id, at, actor, claim_id, via, kind, before, after, hash) ",
        );
        sql.values(chunk.iter().cloned());
        tx.execute(sql).await?;
    }
    Ok(ids)
}

/// Recomputes the stored contest columns (parties, incumbent, contested) of every claim in
/// `groups`. With `fresh_only`, groups whose only member is a just-inserted claim are skipped:
/// their defaults are already right. Each database has its own tuned statement for this.
pub(crate) async fn refresh_contests(
    tx: &mut Tx,
    mut groups: Vec<GroupKey>,
    fresh_only: bool,
) -> Result<(), StoreError> {
    if groups.is_empty() {
        return Ok(());
    }
    groups.sort();
    groups.dedup();
    match tx {
        Tx::Sqlite(tx) => super::sqlite::refresh_groups(tx, &groups, fresh_only).await,
        Tx::Postgres(tx) => super::postgres::refresh_groups(tx, &groups, fresh_only).await,
    }
}
