//! Who acts and with what role: the proven-identity rule, lead-only and reviewing acts, and
//! the lead's registering of reviewers and their SSH keys.

use chrono::{DateTime, Utc};

use super::within;
use crate::domain::text::TextKind;
use crate::model::{Actor, EventKind, Identity, Reviewer, ReviewerRecord, Role, SshKey};
use crate::store::plan::{Write, WritePlan};
use crate::store::StoreError;

/// The proven-identity rule: `--reviewer` may only repeat the login the database, the OS or an
/// SSH key proved, except for the store's administrator, who may act for a named reviewer. In
/// single-reviewer mode (nobody registered) the name is only a label, as it always was.
pub(crate) fn check_identity(identity: &Identity, registered: i64) -> Result<(), StoreError> {
    if registered == 0 || !identity.on_behalf() || identity.administrator {
        return Ok(());
    }
    Err(StoreError::NotAllowed(format!(
        "you are {} ({}); --reviewer may only repeat it, not name {} \
         (only the store's administrator may act for a reviewer)",
        identity.proven,
        identity.proof_text(),
        identity.login
    )))
}

/// Who acts, from the proven identity, their reviewers row (role, active) and how many
/// reviewers are registered. With none registered the store is in single-reviewer mode:
/// everyone acts as a lead, under whatever name they give.
pub(crate) fn resolve_actor(
    identity: &Identity,
    row: Option<(String, bool)>,
    registered: i64,
) -> Result<Actor, StoreError> {
    let login = identity.login.as_str();
    if registered == 0 {
        return Ok(Actor {
            login: login.to_string(),
            role: Role::Lead,
            open_mode: true,
            via: None,
        });
    }
    check_identity(identity, registered)?;
    match row {
        Some((role, true)) => Ok(Actor {
            login: login.to_string(),
            role: Role::from_code(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown role {role:?}")))?,
            open_mode: false,
            via: identity.via(),
        }),
        Some((_, false)) => Err(StoreError::NotAllowed(format!(
            "reviewer {login} is deactivated; ask a lead"
        ))),
        None if identity.on_behalf() || !identity.administrator => {
            Err(StoreError::NotAllowed(format!(
                "{login} is not a registered reviewer; a lead can add you with `claimdesk reviewer add {login}`"
            )))
        }
        None => Err(StoreError::NotAllowed(format!(
            "{login} is the store's administrator, not a registered reviewer; \
             name the reviewer you act for with --reviewer LOGIN"
        ))),
    }
}

/// Refuses lead-only acts by a plain reviewer (or an integration login).
pub(crate) fn require_lead(actor: &Actor, what: &str) -> Result<(), StoreError> {
    if actor.role == Role::Lead {
        Ok(())
    } else {
        Err(StoreError::NotAllowed(format!(
            "only a lead may {what} ({} is {})",
            actor.login,
            article(actor.role)
        )))
    }
}

/// Refuses reviewing acts (holds, comments, requests, decisions) by an integration login:
/// it brings the partners' feed in and reads the outbox, and decides nothing.
pub(crate) fn require_reviewing(actor: &Actor, what: &str) -> Result<(), StoreError> {
    if actor.role == Role::Integration {
        Err(StoreError::NotAllowed(format!(
            "{} is an integration login: only reviewers and leads may {what}",
            actor.login
        )))
    } else {
        Ok(())
    }
}

fn article(role: Role) -> String {
    match role {
        Role::Integration => "an integration login".into(),
        other => format!("a {}", other.code()),
    }
}

/// Registers or changes a reviewer (a lead's job; the first one must be a lead).
pub(crate) fn plan_add_reviewer(
    actor: &Actor,
    before: Option<&Reviewer>,
    reviewer: &Reviewer,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "add reviewers")?;
    within("the login", TextKind::Id, &reviewer.login)?;
    within("the name", TextKind::Short, &reviewer.display_name)?;
    if actor.open_mode && reviewer.role != Role::Lead {
        return Err(StoreError::NotAllowed(
            "the first reviewer added must be a lead (use --role lead), so someone can manage the team".into(),
        ));
    }
    let record = |r: &Reviewer| ReviewerRecord {
        login: r.login.clone(),
        display_name: r.display_name.clone(),
        role: r.role,
        active: r.active,
    };
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Reviewer(reviewer.clone()));
    plan.event(
        now,
        actor,
        None,
        EventKind::ReviewerAdded {
            before: before.map(record),
            after: record(reviewer),
        },
    );
    Ok(plan)
}

/// Stops a reviewer (a lead's job); `current` is their row, if any.
pub(crate) fn plan_deactivate(
    actor: &Actor,
    current: Option<&Reviewer>,
    login: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "deactivate reviewers")?;
    if !current.is_some_and(|r| r.active) {
        return Err(StoreError::NotFound(format!("active reviewer {login}")));
    }
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Deactivate {
        login: login.to_string(),
    });
    plan.event(
        now,
        actor,
        None,
        EventKind::ReviewerDeactivated {
            login: login.to_string(),
        },
    );
    Ok(plan)
}

/// Registers an SSH key to a reviewer (a lead's job): `owner` is the reviewer's row, `taken`
/// the key already stored under this fingerprint, if any. A key signs in one reviewer only.
pub(crate) fn plan_add_key(
    actor: &Actor,
    owner: Option<&Reviewer>,
    taken: Option<&SshKey>,
    key: &SshKey,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "register SSH keys")?;
    within("the login", TextKind::Id, &key.login)?;
    within("the key's comment", TextKind::Short, &key.comment)?;
    within("the key", TextKind::Long, &key.public_key)?;
    if !owner.is_some_and(|r| r.active) {
        return Err(StoreError::Invalid(format!(
            "no active reviewer {}; add them first with `claimdesk reviewer add {}`",
            key.login, key.login
        )));
    }
    if let Some(taken) = taken {
        return Err(StoreError::Invalid(format!(
            "key {} is already registered to {}{}",
            key.fingerprint,
            taken.login,
            if taken.login == key.login {
                ""
            } else {
                "; a key signs in one reviewer only (remove it there first)"
            }
        )));
    }
    let mut plan = WritePlan::default();
    plan.writes.push(Write::Key(key.clone()));
    plan.event(
        key.added_at,
        actor,
        None,
        EventKind::KeyAdded {
            login: key.login.clone(),
            fingerprint: key.fingerprint.clone(),
            key: key.public_key.clone(),
        },
    );
    Ok(plan)
}

/// Removes a registered SSH key (a lead's job); `current` is the key stored under
/// `fingerprint`, if any.
pub(crate) fn plan_remove_key(
    actor: &Actor,
    current: Option<&SshKey>,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<WritePlan, StoreError> {
    require_lead(actor, "remove SSH keys")?;
    let Some(key) = current else {
        return Err(StoreError::Invalid(format!(
            "no key {fingerprint} is registered (`claimdesk reviewer key list` shows them)"
        )));
    };
    let mut plan = WritePlan::default();
    plan.writes.push(Write::RemoveKey {
        fingerprint: key.fingerprint.clone(),
    });
    plan.event(
        now,
        actor,
        None,
        EventKind::KeyRemoved {
            login: key.login.clone(),
            fingerprint: key.fingerprint.clone(),
        },
    );
    Ok(plan)
}
