//! `claimdesk outbox`: the partner-facing messages, read from the audit log in commit order
//! (event ids ascend in commit order under the log's append lock, see `apply::insert_events`).
//! Which events are messages, and what each carries, is `model::OutboxMessage::from_event`.

use super::db::{Exec, Sql};
use super::reads::event_row;
use super::{Store, StoreError};
use crate::domain::Status;
use crate::model::{OutboxMessage, Role};

/// The event kinds that can be partner-facing messages.
const MESSAGE_KINDS: &str =
    "'commented', 'info_requested', 'decided', 'overridden', 'dispute_resolved'";

/// Events read per round while filling a page (internal comments are skipped).
const ROUND: i64 = 500;

impl Store {
    /// The partner-facing messages after `after` (a `seq` already seen; 0 for all), at most
    /// `limit`, oldest first. Read by the integration login that sends them, or a lead.
    pub async fn outbox(
        &self,
        login: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let actor = self.actor(login).await?;
        if !matches!(actor.role, Role::Integration | Role::Lead) {
            return Err(StoreError::NotAllowed(format!(
                "only an integration login or a lead may read the outbox ({} is a reviewer)",
                actor.login
            )));
        }
        let mut db = self.pool.clone();
        let mut out = Vec::new();
        let mut cursor = after;
        while out.len() < limit as usize {
            let sql = Sql::new(format!(
                "SELECT e.id, e.at, e.actor, e.claim_id, e.via, e.kind, e.before, e.after,
                        c.mpn_id, c.status AS claim_status
                 FROM events e JOIN claims c ON c.claim_id = e.claim_id
                 WHERE e.id > $1 AND e.kind IN ({MESSAGE_KINDS})
                 ORDER BY e.id LIMIT $2"
            ))
            .arg(cursor)
            .arg(ROUND);
            let rows = db.fetch_all(sql).await?;
            let Some(last) = rows.last() else { break };
            cursor = last.int("id")?;
            for row in &rows {
                let event = event_row(row)?;
                let Some(mut message) = OutboxMessage::from_event(&event, &row.text("mpn_id")?)
                else {
                    continue;
                };
                if message.status_from_claim() {
                    message.status = status_before(&mut db, &event.claim_id, event.id)
                        .await?
                        .map_or_else(|| row.text("claim_status"), Ok)
                        .and_then(|s| {
                            Status::from_code(&s)
                                .ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
                        })?;
                }
                out.push(message);
                if out.len() == limit as usize {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// The claim's status as the last status-changing event before `id` left it (every such
/// event's `after` names the status; a comment's does not).
async fn status_before(
    db: &mut impl Exec,
    claim_id: &Option<String>,
    id: i64,
) -> Result<Option<String>, StoreError> {
    let Some(claim_id) = claim_id else {
        return Ok(None);
    };
    let sql = Sql::new(
        "SELECT after FROM events WHERE claim_id = $1 AND id < $2 AND after LIKE '%\"status\":%'
         ORDER BY id DESC LIMIT 1",
    )
    .arg(claim_id)
    .arg(id);
    let Some(row) = db.fetch_optional(sql).await? else {
        return Ok(None);
    };
    let after: Option<String> = row.opt_text(0)?;
    Ok(after
        .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
        .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string)))
}
