//! Every reviewing write, the same shape on both databases: begin, read the current rows (locked
//! on PostgreSQL), let a rule of `rules/` plan the change, apply it with its audit events,
//! commit. Nothing here decides anything; it only reads what the rules need.

use chrono::{DateTime, TimeDelta, Utc};

use super::apply::apply;
use super::db::{Exec, Pool, Sql, Tx};
use super::plan::GroupKey;
use super::rules::{self, Current};
use super::{Store, StoreError};
use crate::domain::{Status, Visibility};
use crate::model::{
    Actor, DecisionRequest, Guard, Identity, InfoRequest, LoginGrant, Reviewer, Role, Seen,
};

/// The current instant in whole microseconds, as both databases store it.
pub(crate) fn now() -> DateTime<Utc> {
    let t = Utc::now();
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// How many reviewers are registered (none: single-reviewer mode).
pub(crate) async fn registered(db: &mut impl Exec) -> Result<i64, StoreError> {
    db.fetch_one(Sql::new("SELECT COUNT(*) FROM reviewers"))
        .await?
        .int(0)
}

/// Who acts, read in the transaction that acts.
pub(crate) async fn read_actor(
    db: &mut impl Exec,
    identity: &Identity,
) -> Result<Actor, StoreError> {
    let registered = registered(db).await?;
    let row = db
        .fetch_optional(
            Sql::new("SELECT role, active FROM reviewers WHERE login = $1").arg(&identity.login),
        )
        .await?
        .map(|r| Ok::<_, StoreError>((r.text(0)?, r.bool(1)?)))
        .transpose()?;
    rules::resolve_actor(identity, row, registered)
}

/// The columns of a claim's current state, with its last audit event.
pub(crate) const CURRENT: &str = "SELECT c.claim_id, c.status, c.version, c.assigned_to, c.held_until, c.assignee,
    c.tenant_id, c.product_key, c.mpn_id, c.product,
    (SELECT e.actor FROM events e WHERE e.claim_id = c.claim_id ORDER BY e.id DESC LIMIT 1) AS last_actor,
    (SELECT e.at FROM events e WHERE e.claim_id = c.claim_id ORDER BY e.id DESC LIMIT 1) AS last_at,
    (SELECT e.kind FROM events e WHERE e.claim_id = c.claim_id ORDER BY e.id DESC LIMIT 1) AS last_kind,
    (SELECT p.started_at FROM pauses p WHERE p.claim_id = c.claim_id AND p.ended_at IS NULL
     ORDER BY p.started_at DESC LIMIT 1) AS waiting_since,
    (SELECT d.dispute_id FROM disputes d WHERE d.claim_id = c.claim_id
     ORDER BY d.at DESC, d.dispute_id DESC LIMIT 1) AS dispute_id,
    (SELECT d.outcome FROM disputes d WHERE d.claim_id = c.claim_id
     ORDER BY d.at DESC, d.dispute_id DESC LIMIT 1) AS disputed_outcome,
    (SELECT d.decided_by FROM disputes d WHERE d.claim_id = c.claim_id
     ORDER BY d.at DESC, d.dispute_id DESC LIMIT 1) AS disputed_by";

pub(crate) fn current_row(r: &super::db::Row) -> Result<Current, StoreError> {
    let status = r.text("status")?;
    let last_change = match (r.opt_text("last_actor")?, r.opt_time("last_at")?) {
        (Some(by), Some(at)) => Some((by, at, r.opt_text("last_kind")?.unwrap_or_default())),
        _ => None,
    };
    Ok(Current {
        status: Status::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown status {status:?}")))?,
        claim_id: r.text("claim_id")?,
        version: r.int("version")?,
        assigned_to: r.opt_text("assigned_to")?,
        held_until: r.opt_time("held_until")?,
        assignee: r.opt_text("assignee")?,
        group: GroupKey {
            tenant_id: r.guid("tenant_id")?,
            product_key: r.text("product_key")?,
        },
        mpn_id: r.text("mpn_id")?,
        product: r.text("product")?,
        last_change,
        waiting_since: r.opt_time("waiting_since")?,
        dispute: match (
            r.opt_text("dispute_id")?,
            r.opt_text("disputed_outcome")?,
            r.opt_text("disputed_by")?,
        ) {
            (Some(dispute_id), Some(outcome), Some(decided_by)) => Some(rules::OpenDispute {
                dispute_id,
                outcome: crate::domain::DecisionOutcome::from_code(&outcome).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown decision outcome {outcome:?}"))
                })?,
                decided_by,
            }),
            _ => None,
        },
    })
}

/// The current state of these claims (those that exist), in claim id order, locked on PostgreSQL.
async fn read_current(tx: &mut Tx, ids: &[String]) -> Result<Vec<Current>, StoreError> {
    let sql = Sql::new(format!(
        "{CURRENT} FROM claims c WHERE c.claim_id IN_LIST($1) ORDER BY c.claim_id /*+FOR_UPDATE*/"
    ))
    .arg(ids.to_vec());
    tx.fetch_all(sql).await?.iter().map(current_row).collect()
}

/// A claim and the open claims competing with it, the claim first, locked on PostgreSQL.
async fn read_contest(tx: &mut Tx, claim_id: &str) -> Result<Vec<Current>, StoreError> {
    let mut contest = read_current(tx, &[claim_id.to_string()]).await?;
    if contest.is_empty() {
        return Err(StoreError::NotFound(claim_id.to_string()));
    }
    let sql = Sql::new(format!(
        "{CURRENT} FROM claims a JOIN claims c /*+INDEXED claims_group*/ ON {competes}
         WHERE a.claim_id = $1 AND c.queue_state <> 'closed' ORDER BY c.claim_id /*+FOR_UPDATE*/",
        competes = super::reads::competes("a", "c")
    ))
    .arg(claim_id);
    for row in tx.fetch_all(sql).await? {
        contest.push(current_row(&row)?);
    }
    Ok(contest)
}

/// The claims whose standing decision in these contests is an approval: approved, or disputed
/// over an approval (see [`rules::Contests::approved`]).
async fn approved_in(
    tx: &mut Tx,
    groups: &[GroupKey],
) -> Result<Vec<(GroupKey, String)>, StoreError> {
    let mut approved = Vec::new();
    for g in groups {
        let sql = Sql::new(
            "SELECT claim_id FROM claims /*+INDEXED claims_group*/
             WHERE tenant_id = $1 AND product_key = $2 AND (status = 'approved'
               OR status = 'disputed' AND EXISTS (SELECT 1 FROM decisions d
                  WHERE d.claim_id = claims.claim_id AND d.outcome = 'approved'))
             ORDER BY claim_id",
        )
        .arg(g.tenant_id)
        .arg(&g.product_key);
        for row in tx.fetch_all(sql).await? {
            approved.push((g.clone(), row.text(0)?));
        }
    }
    Ok(approved)
}

/// Serialises writers on the same contests (PostgreSQL: a transaction-scoped advisory lock per
/// customer and product, in a fixed order), so two approvals in one contest can never both pass
/// their checks. SQLite's `BEGIN IMMEDIATE` already admits one writer at a time.
async fn lock_contests(tx: &mut Tx, ids: &[String]) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(_) => Ok(()),
        Tx::Postgres(tx) => super::postgres::lock_groups(tx, ids).await,
    }
}

/// The most urgent claim under review nobody holds (on PostgreSQL, skipping rows another
/// transaction is taking right now, so two reviewers never get the same one).
async fn pick_next(tx: &mut Tx, at: DateTime<Utc>) -> Result<Option<String>, StoreError> {
    let sql = Sql::new(
        "SELECT claim_id FROM claims
         WHERE queue_state = 'review' AND (held_until IS NULL OR held_until <= $1)
         ORDER BY submitted_at, claim_id LIMIT 1 /*+SKIP_LOCKED*/",
    )
    .arg(at);
    tx.fetch_optional(sql).await?.map(|r| r.text(0)).transpose()
}

fn ids_of<'a>(seen: impl Iterator<Item = &'a Seen>) -> Vec<String> {
    let mut ids: Vec<String> = seen.map(|s| s.claim_id.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

impl Store {
    async fn begin(&self) -> Result<Tx, StoreError> {
        self.pool.begin_write().await
    }

    /// Who `login` is for writing: a registered, active reviewer (or anyone, while no reviewer
    /// is registered). Unknown or deactivated logins, and a login this store's identity may
    /// not act as, are refused with a clear message.
    pub async fn actor(&self, login: &str) -> Result<Actor, StoreError> {
        let mut pool: Pool = self.pool.clone();
        read_actor(&mut pool, &self.identity_for(login)?).await
    }

    /// Adds a comment to a claim at the version the reviewer saw; returns the new version.
    pub async fn comment(
        &self,
        seen: &Seen,
        login: &str,
        visibility: Visibility,
        body: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let current = read_current(&mut tx, std::slice::from_ref(&seen.claim_id)).await?;
        let cur = current
            .first()
            .ok_or_else(|| StoreError::NotFound(seen.claim_id.clone()))?;
        let plan = rules::plan_comment(&actor, cur, seen, visibility, body, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(seen.version + 1)
    }

    /// Asks one or several partners for more information: a partner-visible comment on each
    /// claim and each moves to `info_requested`, all or nothing.
    pub async fn request_info(
        &self,
        requests: &[InfoRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        let ids = ids_of(requests.iter().map(|r| &r.seen));
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        lock_contests(&mut tx, &ids).await?;
        let current = read_current(&mut tx, &ids).await?;
        let plan = rules::plan_request_info(&actor, &current, requests, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Moves a `submitted` or `info_requested` claim (back) to `under_review`.
    pub async fn start_review(&self, seen: &Seen, login: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let current = read_current(&mut tx, std::slice::from_ref(&seen.claim_id)).await?;
        let cur = current
            .first()
            .ok_or_else(|| StoreError::NotFound(seen.claim_id.clone()))?;
        let plan = rules::plan_start_review(&actor, cur, seen, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Records decisions on one or more claims in one transaction (approve one party, reject the
    /// others). Refused whole if any claim is stale, held by someone else, already decided (unless
    /// a lead overrides), a second approval for the same customer and product, or an approval
    /// of a claim with error findings (the guard: see [`Store::decide_guarded`]). An approval
    /// makes the claim's MPN the association of its customer and product.
    pub async fn decide(
        &self,
        decisions: &[DecisionRequest],
        login: &str,
    ) -> Result<(), StoreError> {
        self.decide_guarded(decisions, login, Guard::Enforce).await
    }

    /// [`Store::decide`], where a lead may approve over error findings with
    /// `Guard::LeadOverride`: recorded as an override naming them, with the decision's reason.
    pub async fn decide_guarded(
        &self,
        decisions: &[DecisionRequest],
        login: &str,
        guard: Guard,
    ) -> Result<(), StoreError> {
        let ids = ids_of(decisions.iter().map(|d| &d.seen));
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        lock_contests(&mut tx, &ids).await?;
        let current = read_current(&mut tx, &ids).await?;
        let mut groups: Vec<GroupKey> = current.iter().map(|c| c.group.clone()).collect();
        groups.sort();
        groups.dedup();
        let approving: Vec<String> = decisions
            .iter()
            .filter(|d| d.outcome == crate::domain::DecisionOutcome::Approved)
            .map(|d| d.seen.claim_id.clone())
            .collect();
        let contests = rules::Contests {
            approved: approved_in(&mut tx, &groups).await?,
            associations: super::reads::associations_of(&mut tx, &groups).await?,
            errors: super::reads::error_findings(&mut tx, &approving).await?,
        };
        let plan = rules::plan_decide(&actor, &current, &contests, decisions, guard, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// A lead assigns `claim_id` and the open claims competing with it to reviewer `to`: they
    /// show in that reviewer's Mine. Returns the claims assigned now (none already were).
    pub async fn assign(
        &self,
        claim_id: &str,
        to: &str,
        login: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let reviewer = read_reviewer(&mut tx, to).await?;
        let contest = read_contest(&mut tx, claim_id).await?;
        let plan = rules::plan_assign(&actor, &contest, reviewer.as_ref(), to, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(plan.events.into_iter().filter_map(|e| e.claim_id).collect())
    }

    /// Holds exactly these claims for `login` for `lease`; taking a claim someone else holds is a
    /// lead's reassignment.
    pub async fn take(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: TimeDelta,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let current = read_current(&mut tx, claim_ids).await?;
        if let Some(missing) = claim_ids
            .iter()
            .find(|id| !current.iter().any(|c| &c.claim_id == *id))
        {
            return Err(StoreError::NotFound(missing.clone()));
        }
        let plan = rules::plan_take(&actor, &current, lease, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Takes `claim_id` and the claims competing with it for `login` (one reviewer per contest);
    /// returns what is now held. A claim of the contest someone else holds is refused
    /// (`StoreError::Held`) unless `take_over` is set, and then only for a lead, audited as a
    /// reassignment.
    pub async fn take_contest(
        &self,
        claim_id: &str,
        login: &str,
        lease: TimeDelta,
        take_over: bool,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let contest = read_contest(&mut tx, claim_id).await?;
        let plan = rules::plan_take_contest(&actor, &contest, lease, take_over, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(contest.into_iter().map(|c| c.claim_id).collect())
    }

    /// Holds the most urgent free claim under review for `login` (two reviewers never get the
    /// same one) and the free claims competing with it; a competitor someone else holds stays
    /// theirs. Returns the claim taken, if any was free.
    pub async fn take_next_contest(
        &self,
        login: &str,
        lease: TimeDelta,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        rules::require_reviewing(&actor, "hold claims")?;
        let at = now();
        let Some(id) = pick_next(&mut tx, at).await? else {
            return Ok(None);
        };
        let mut contest = read_contest(&mut tx, &id).await?;
        let first = contest.remove(0);
        let plan = rules::plan_take_next(&actor, &first, &contest, lease, at)?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Holds the most urgent free claim under review (alone) for `login`.
    pub async fn take_next(
        &self,
        login: &str,
        lease: TimeDelta,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        rules::require_reviewing(&actor, "hold claims")?;
        let at = now();
        let Some(id) = pick_next(&mut tx, at).await? else {
            return Ok(None);
        };
        let current = read_current(&mut tx, std::slice::from_ref(&id)).await?;
        let plan = match current.first() {
            Some(cur) => rules::plan_take_next(&actor, cur, &[], lease, at)?,
            None => return Err(StoreError::NotFound(id)),
        };
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Lets go of exactly these held claims (a reviewer only of their own).
    pub async fn release(&self, claim_ids: &[String], login: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let current = read_current(&mut tx, claim_ids).await?;
        let plan = rules::plan_release(&actor, &current, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Lets go of `claim_id` (anyone's hold, for a lead) and of the competing claims `login`
    /// holds, never of someone else's hold on another claim of the contest; returns what was let go.
    pub async fn release_contest(
        &self,
        claim_id: &str,
        login: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(login)?).await?;
        let contest = read_contest(&mut tx, claim_id).await?;
        let plan = rules::plan_release_contest(&actor, &contest, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(plan.events.into_iter().filter_map(|e| e.claim_id).collect())
    }

    /// Extends `login`'s live holds while they keep working (not audited: a heartbeat).
    pub async fn renew(
        &self,
        claim_ids: &[String],
        login: &str,
        lease: TimeDelta,
    ) -> Result<(), StoreError> {
        let login = &self.identity_for(login)?.login;
        let mut tx = self.begin().await?;
        let current = read_current(&mut tx, claim_ids).await?;
        let plan = rules::plan_renew(login, &current, lease, now());
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Adds or updates a reviewer (a lead's job; the first one must be a lead).
    pub async fn add_reviewer(&self, reviewer: &Reviewer, by: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(by)?).await?;
        let before = read_reviewer(&mut tx, &reviewer.login).await?;
        let plan = rules::plan_add_reviewer(&actor, before.as_ref(), reviewer, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }

    /// Deactivates a reviewer (a lead's job).
    pub async fn deactivate_reviewer(&self, login: &str, by: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let actor = read_actor(&mut tx, &self.identity_for(by)?).await?;
        let current = read_reviewer(&mut tx, login).await?;
        let plan = rules::plan_deactivate(&actor, current.as_ref(), login, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await
    }
}

impl Store {
    /// Makes `login`'s database login match their reviewers row (PostgreSQL): an active
    /// reviewer's login role is created if missing and made a member of their role's group
    /// only; a deactivated or unknown one is a member of none. Run by the administrator it is
    /// done; by anyone else PostgreSQL refuses, and the statements come back for the
    /// administrator to run.
    pub async fn grant_login(&self, login: &str) -> Result<LoginGrant, StoreError> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(LoginGrant::NotApplicable);
        };
        let mut db = self.pool.clone();
        let role = read_reviewer(&mut db, login)
            .await?
            .filter(|r| r.active)
            .map(|r| r.role);
        super::postgres::grant_login(pool, login, role).await
    }
}

/// A reviewer's row, if registered.
pub(crate) async fn read_reviewer(
    db: &mut impl Exec,
    login: &str,
) -> Result<Option<Reviewer>, StoreError> {
    let sql = Sql::new("SELECT login, display_name, role, active FROM reviewers WHERE login = $1")
        .arg(login);
    db.fetch_optional(sql)
        .await?
        .map(|r| reviewer_row(&r))
        .transpose()
}

/// A `reviewers` row.
pub(crate) fn reviewer_row(r: &super::db::Row) -> Result<Reviewer, StoreError> {
    let role = r.text("role")?;
    Ok(Reviewer {
        login: r.text("login")?,
        display_name: r.text("display_name")?,
        role: Role::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
        active: r.bool("active")?,
    })
}
