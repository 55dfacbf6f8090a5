//! Reviewing writes on PostgreSQL. Each runs in one transaction that locks the claim rows it
//! checks (`FOR UPDATE`, in claim id order), so two reviewers deciding the same group serialise
//! and the second is told the claim changed; `take_next` uses `FOR UPDATE SKIP LOCKED`.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::Row;

use super::postgres::{insert_comment, refresh_groups, PgStore, Tx};
use super::review::*;
use super::rows::queue_state;
use super::{AuditEvent, StoreError};
use crate::domain::{Comment, DecisionOutcome, Status, Visibility};
use crate::model::{EventKind, ReviewerRecord};

async fn actor(tx: &mut Tx, login: &str) -> Result<Actor, StoreError> {
    let registered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reviewers")
        .fetch_one(&mut **tx)
        .await?;
    let row: Option<(String, bool)> =
        sqlx::query_as("SELECT role, active FROM reviewers WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut **tx)
            .await?;
    Actor::resolve(login, row, registered)
}

async fn current(tx: &mut Tx, claim_id: &str) -> Result<Current, StoreError> {
    let row = sqlx::query(
        "SELECT status, version, assigned_to, held_until FROM claims WHERE claim_id = $1 FOR UPDATE",
    )
    .bind(claim_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(claim_id.to_string()))?;
    let status: String = row.try_get("status")?;
    Ok(Current {
        claim_id: claim_id.to_string(),
        status: Status::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status:?}")))?,
        version: row.try_get("version")?,
        assigned_to: row.try_get("assigned_to")?,
        held_until: row.try_get("held_until")?,
    })
}

/// The claim as seen, or `Stale` naming the last change and who made it.
async fn current_as_seen(tx: &mut Tx, seen: &Seen) -> Result<Current, StoreError> {
    let cur = current(tx, &seen.claim_id).await?;
    if cur.version == seen.version {
        return Ok(cur);
    }
    let last: Option<(String, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT actor, at, kind FROM events WHERE claim_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(&seen.claim_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (by, at, what) = match last {
        Some((by, at, kind)) => (
            by,
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            kind,
        ),
        None => ("someone".into(), "an unknown time".into(), "changed".into()),
    };
    Err(StoreError::Stale {
        claim_id: seen.claim_id.clone(),
        by,
        at,
        what,
    })
}

/// Serialises writers on the same customer and product: a transaction-scoped advisory lock per
/// group, taken in a fixed order, so two approvals in one group can never both pass their checks.
/// (Transaction-scoped locks end with the transaction, unlike session locks on pooled connections.)
async fn lock_groups(tx: &mut Tx, claim_ids: &[&str]) -> Result<(), StoreError> {
    let ids: Vec<String> = claim_ids.iter().map(|s| s.to_string()).collect();
    let mut keys: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT tenant_id::text || '|' || product_key FROM claims WHERE claim_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    keys.sort();
    for key in keys {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "SELECT claim_id FROM claims WHERE claim_id = ANY($1) ORDER BY claim_id FOR UPDATE",
    )
    .bind(&ids)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn event(
    tx: &mut Tx,
    now: DateTime<Utc>,
    actor: &str,
    claim_id: Option<&str>,
    kind: &EventKind,
) -> Result<(), StoreError> {
    let (before, after) = kind.columns();
    sqlx::query(
        "INSERT INTO events (at, actor, claim_id, kind, before, after) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(actor)
    .bind(claim_id)
    .bind(kind.code())
    .bind(before)
    .bind(after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn set_status(tx: &mut Tx, claim_id: &str, status: Status) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE claims SET status = $1, queue_state = $2, version = version + 1 WHERE claim_id = $3",
    )
    .bind(status.code())
    .bind(queue_state(status))
    .bind(claim_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn group_of(tx: &mut Tx, claim_id: &str) -> Result<(uuid::Uuid, String), StoreError> {
    Ok(
        sqlx::query_as("SELECT tenant_id, product_key FROM claims WHERE claim_id = $1")
            .bind(claim_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}

fn now() -> DateTime<Utc> {
    // Whole microseconds, as both databases store them.
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

impl PgStore {
    /// See [`super::Store::actor`].
    pub async fn actor(&self, login: &str) -> Result<Actor, StoreError> {
        let mut tx = self.pool.begin().await?;
        let a = actor(&mut tx, login).await;
        tx.rollback().await?;
        a
    }

    /// See [`super::Store::comment`].
    pub async fn comment(
        &self,
        seen: &Seen,
        login: &str,
        visibility: Visibility,
        body: &str,
    ) -> Result<i64, StoreError> {
        require_text("the comment", body)?;
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let cur = current_as_seen(&mut tx, seen).await?;
        cur.check_hold(&who, now())?;
        let at = now();
        let comment = Comment {
            author: who.login.clone(),
            visibility,
            body: body.to_string(),
            at,
        };
        insert_comment(&mut tx, &seen.claim_id, &comment).await?;
        sqlx::query("UPDATE claims SET version = version + 1 WHERE claim_id = $1")
            .bind(&seen.claim_id)
            .execute(&mut *tx)
            .await?;
        event(
            &mut tx,
            at,
            &who.login,
            Some(&seen.claim_id),
            &EventKind::Commented {
                visibility,
                body: body.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(seen.version + 1)
    }

    /// See [`super::Store::request_info`].
    pub async fn request_info(
        &self,
        requests: &[InfoRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        for r in requests {
            require_text("the request for information", &r.body)?;
        }
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let ids: Vec<&str> = requests.iter().map(|r| r.seen.claim_id.as_str()).collect();
        lock_groups(&mut tx, &ids).await?;
        let at = now();
        let mut groups = Vec::new();
        for r in requests {
            let cur = current_as_seen(&mut tx, &r.seen).await?;
            cur.check_hold(&who, at)?;
            cur.check_transition(Status::InfoRequested)?;
            let comment = Comment {
                author: who.login.clone(),
                visibility: Visibility::Partner,
                body: r.body.clone(),
                at,
            };
            insert_comment(&mut tx, &r.seen.claim_id, &comment).await?;
            set_status(&mut tx, &r.seen.claim_id, Status::InfoRequested).await?;
            event(
                &mut tx,
                at,
                &who.login,
                Some(&r.seen.claim_id),
                &EventKind::InfoRequested {
                    from: cur.status,
                    body: r.body.clone(),
                },
            )
            .await?;
            groups.push(group_of(&mut tx, &r.seen.claim_id).await?);
        }
        refresh_groups(&mut tx, groups, false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::start_review`].
    pub async fn start_review(&self, seen: &Seen, login: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let at = now();
        let cur = current_as_seen(&mut tx, seen).await?;
        cur.check_hold(&who, at)?;
        cur.check_transition(Status::UnderReview)?;
        set_status(&mut tx, &seen.claim_id, Status::UnderReview).await?;
        event(
            &mut tx,
            at,
            &who.login,
            Some(&seen.claim_id),
            &EventKind::ReviewStarted { from: cur.status },
        )
        .await?;
        let group = group_of(&mut tx, &seen.claim_id).await?;
        refresh_groups(&mut tx, vec![group], false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::decide`].
    pub async fn decide(
        &self,
        decisions: &[DecisionRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        for d in decisions {
            require_text("the reason", &d.reason)?;
        }
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let at = now();
        let mut groups = Vec::new();
        let deciding: Vec<&str> = decisions.iter().map(|d| d.seen.claim_id.as_str()).collect();
        lock_groups(&mut tx, &deciding).await?;
        for d in decisions {
            let cur = current_as_seen(&mut tx, &d.seen).await?;
            cur.check_hold(&who, at)?;
            let to = Status::decided(d.outcome);
            let overriding = !cur.status.is_open();
            if overriding {
                who.require_lead("override a decision")?;
                if cur.status == to {
                    return Err(StoreError::Transition {
                        claim_id: cur.claim_id.clone(),
                        from: cur.status.code().into(),
                        to: to.code().into(),
                    });
                }
            } else {
                cur.check_transition(to)?;
            }
            let group = group_of(&mut tx, &d.seen.claim_id).await?;
            if d.outcome == DecisionOutcome::Approved {
                let others: Vec<String> = sqlx::query_scalar(
                    "SELECT claim_id FROM claims WHERE tenant_id = $1 AND product_key = $2
                     AND status = 'approved' AND claim_id <> $3 ORDER BY claim_id",
                )
                .bind(group.0)
                .bind(&group.1)
                .bind(&d.seen.claim_id)
                .fetch_all(&mut *tx)
                .await?;
                if let Some(other) = others.into_iter().find(|o| !deciding.contains(&o.as_str())) {
                    return Err(StoreError::AlreadyApproved {
                        claim_id: d.seen.claim_id.clone(),
                        other,
                    });
                }
            }
            set_status(&mut tx, &d.seen.claim_id, to).await?;
            sqlx::query(
                "INSERT INTO decisions (claim_id, outcome, decided_by, decided_at, reason)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (claim_id) DO UPDATE SET outcome = excluded.outcome,
                 decided_by = excluded.decided_by, decided_at = excluded.decided_at,
                 reason = excluded.reason",
            )
            .bind(&d.seen.claim_id)
            .bind(d.outcome.code())
            .bind(&who.login)
            .bind(at)
            .bind(&d.reason)
            .execute(&mut *tx)
            .await?;
            event(
                &mut tx,
                at,
                &who.login,
                Some(&d.seen.claim_id),
                &if overriding {
                    EventKind::Overridden {
                        from: cur.status,
                        outcome: d.outcome,
                        reason: d.reason.clone(),
                    }
                } else {
                    EventKind::Decided {
                        from: cur.status,
                        outcome: d.outcome,
                        reason: d.reason.clone(),
                    }
                },
            )
            .await?;
            groups.push(group);
        }
        refresh_groups(&mut tx, groups, false).await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::take`].
    pub async fn take(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: TimeDelta,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let at = now();
        for id in claim_ids {
            let cur = current(&mut tx, id).await?;
            let holder = cur.holder(at).map(str::to_string);
            if let Some(other) = holder.as_deref().filter(|h| *h != who.login) {
                if who.role != Role::Lead {
                    cur.check_hold(&who, at)?;
                }
                event(
                    &mut tx,
                    at,
                    &who.login,
                    Some(id),
                    &EventKind::Reassigned {
                        from: other.to_string(),
                        to: who.login.clone(),
                    },
                )
                .await?;
            } else if holder.is_none() {
                event(
                    &mut tx,
                    at,
                    &who.login,
                    Some(id),
                    &EventKind::Taken {
                        holder: who.login.clone(),
                        next: false,
                    },
                )
                .await?;
            }
            sqlx::query("UPDATE claims SET assigned_to = $1, held_until = $2 WHERE claim_id = $3")
                .bind(&who.login)
                .bind(at + lease)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::take_next`].
    pub async fn take_next(
        &self,
        login: &str,
        lease: TimeDelta,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let at = now();
        let next: Option<String> = sqlx::query_scalar(
            "SELECT claim_id FROM claims
             WHERE queue_state = 'review' AND (held_until IS NULL OR held_until <= $1)
             ORDER BY submitted_at, claim_id LIMIT 1 FOR UPDATE SKIP LOCKED",
        )
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = &next {
            sqlx::query("UPDATE claims SET assigned_to = $1, held_until = $2 WHERE claim_id = $3")
                .bind(&who.login)
                .bind(at + lease)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            event(
                &mut tx,
                at,
                &who.login,
                Some(id),
                &EventKind::Taken {
                    holder: who.login.clone(),
                    next: true,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(next)
    }

    /// See [`super::Store::release`].
    pub async fn release(&self, claim_ids: &[String], login: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, login).await?;
        let at = now();
        for id in claim_ids {
            let cur = current(&mut tx, id).await?;
            cur.check_hold(&who, at)?;
            if cur.assigned_to.is_some() {
                sqlx::query(
                    "UPDATE claims SET assigned_to = NULL, held_until = NULL WHERE claim_id = $1",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                event(
                    &mut tx,
                    at,
                    &who.login,
                    Some(id),
                    &EventKind::Released {
                        holder: cur.assigned_to.clone(),
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::renew`].
    pub async fn renew(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: TimeDelta,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        for id in claim_ids {
            sqlx::query(
                "UPDATE claims SET held_until = $1 WHERE claim_id = $2 AND assigned_to = $3 AND held_until > $4",
            )
            .bind(at + lease)
            .bind(id)
            .bind(login)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::add_reviewer`].
    pub async fn add_reviewer(&self, reviewer: &Reviewer, by: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, by).await?;
        who.require_lead("add reviewers")?;
        if who.open_mode && reviewer.role != Role::Lead {
            return Err(StoreError::NotAllowed(
                "the first reviewer added must be a lead (use --role lead), so someone can manage the team".into(),
            ));
        }
        let before: Option<(String, String, bool)> =
            sqlx::query_as("SELECT display_name, role, active FROM reviewers WHERE login = $1")
                .bind(&reviewer.login)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO reviewers (login, display_name, role, active) VALUES ($1, $2, $3, $4)
             ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name,
             role = excluded.role, active = excluded.active",
        )
        .bind(&reviewer.login)
        .bind(&reviewer.display_name)
        .bind(reviewer.role.code())
        .bind(reviewer.active)
        .execute(&mut *tx)
        .await?;
        let record = |display_name: String, role: Role, active: bool| ReviewerRecord {
            login: reviewer.login.clone(),
            display_name,
            role,
            active,
        };
        let before = match before {
            Some((name, role, active)) => Some(record(
                name,
                Role::from_code(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
                active,
            )),
            None => None,
        };
        let after = record(
            reviewer.display_name.clone(),
            reviewer.role,
            reviewer.active,
        );
        event(
            &mut tx,
            now(),
            &who.login,
            None,
            &EventKind::ReviewerAdded { before, after },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::deactivate_reviewer`].
    pub async fn deactivate_reviewer(&self, login: &str, by: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let who = actor(&mut tx, by).await?;
        who.require_lead("deactivate reviewers")?;
        let changed =
            sqlx::query("UPDATE reviewers SET active = FALSE WHERE login = $1 AND active")
                .bind(login)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound(format!("active reviewer {login}")));
        }
        event(
            &mut tx,
            now(),
            &who.login,
            None,
            &EventKind::ReviewerDeactivated {
                login: login.to_string(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::reviewers`].
    pub async fn reviewers(&self) -> Result<Vec<Reviewer>, StoreError> {
        let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
            "SELECT login, display_name, role, active FROM reviewers ORDER BY login",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(login, display_name, role, active)| {
                Ok(Reviewer {
                    login,
                    display_name,
                    role: Role::from_code(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
                    active,
                })
            })
            .collect()
    }

    /// See [`super::Store::save_draft`].
    pub async fn save_draft(
        &self,
        login: &str,
        key: &str,
        visibility: Visibility,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO drafts (reviewer, draft_key, visibility, body, saved_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (reviewer, draft_key) DO UPDATE SET visibility = excluded.visibility,
             body = excluded.body, saved_at = excluded.saved_at",
        )
        .bind(login)
        .bind(key)
        .bind(visibility.code())
        .bind(body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// See [`super::Store::draft`].
    pub async fn draft(&self, login: &str, key: &str) -> Result<Option<Draft>, StoreError> {
        let row: Option<(String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT visibility, body, saved_at FROM drafts WHERE reviewer = $1 AND draft_key = $2",
        )
        .bind(login)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(visibility, body, saved_at)| {
            Ok(Draft {
                key: key.to_string(),
                visibility: Visibility::from_code(&visibility).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown visibility {visibility:?}"))
                })?,
                body,
                saved_at,
            })
        })
        .transpose()
    }

    /// See [`super::Store::discard_draft`].
    pub async fn discard_draft(&self, login: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE reviewer = $1 AND draft_key = $2")
            .bind(login)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// See [`super::Store::audit`].
    pub async fn audit(
        &self,
        claim_id: Option<&str>,
        since: Option<DateTime<Utc>>,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        sqlx::query(
            "SELECT id, at, actor, claim_id, kind, before, after FROM events
             WHERE ($1::text IS NULL OR claim_id = $2) AND ($3::timestamptz IS NULL OR at >= $3)
             ORDER BY id LIMIT $4",
        )
        .bind(claim_id)
        .bind(claim_id)
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_row)
        .collect()
    }

    /// See [`super::Store::events_since`].
    pub async fn events_since(
        &self,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        sqlx::query(
            "SELECT id, at, actor, claim_id, kind, before, after FROM events
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_row)
        .collect()
    }

    /// See [`super::Store::last_event_id`].
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

fn event_row(r: &sqlx::postgres::PgRow) -> Result<AuditEvent, StoreError> {
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
}
