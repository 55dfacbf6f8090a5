//! Runs hold effects against the store. A take covers the claim's competing claims (one
//! reviewer per contest); a release lets go of the claim and of the competing claims the
//! reviewer holds, never of someone else's hold on another claim of the group.

use chrono::Utc;

use crate::app::{HoldEffect, HoldMsg, Msg};
use crate::store::{Store, StoreError};

/// Runs one hold effect; the answer is a `Msg::Hold`.
pub async fn run(store: &Store, effect: HoldEffect) -> Msg {
    let text = |e: StoreError| e.to_string();
    Msg::Hold(match effect {
        HoldEffect::Take {
            login,
            claim_id,
            lease,
        } => {
            let result = take(store, &login, &claim_id, lease).await.map_err(text);
            HoldMsg::Taken { claim_id, result }
        }
        HoldEffect::TakeNext { login, lease } => {
            HoldMsg::TookNext(take_next(store, &login, lease).await.map_err(text))
        }
        HoldEffect::Release { login, claim_id } => {
            let result = release(store, &login, &claim_id).await.map_err(text);
            HoldMsg::Released { claim_id, result }
        }
        HoldEffect::Renew {
            login,
            claim_ids,
            lease,
        } => HoldMsg::Renewed(store.renew(&claim_ids, &login, lease).await.map_err(text)),
    })
}

/// The claim and its competing claims, the claim first.
async fn group(store: &Store, claim_id: &str) -> Result<Vec<String>, StoreError> {
    let view = store
        .claim(claim_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(claim_id.to_string()))?;
    let mut ids = vec![claim_id.to_string()];
    ids.extend(view.competing_claim_ids);
    Ok(ids)
}

async fn take(
    store: &Store,
    login: &str,
    claim_id: &str,
    lease: chrono::TimeDelta,
) -> Result<Vec<String>, StoreError> {
    let ids = group(store, claim_id).await?;
    store.take(&ids, login, lease).await?;
    Ok(ids)
}

/// Takes the next claim, then the free claims competing with it, so a contest is still reviewed
/// by one person; a competitor someone else holds stays theirs (even when a lead presses `n`).
async fn take_next(
    store: &Store,
    login: &str,
    lease: chrono::TimeDelta,
) -> Result<Option<String>, StoreError> {
    let Some(id) = store.take_next(login, lease).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let mut free = Vec::new();
    for other in group(store, &id).await?.into_iter().skip(1) {
        let view = store.claim(&other).await?;
        if view.is_some_and(|v| v.holder(now).is_none()) {
            free.push(other);
        }
    }
    if !free.is_empty() {
        match store.take(&free, login, lease).await {
            // Taken meanwhile by someone else: the contest's other claims stay theirs.
            Ok(()) | Err(StoreError::Held { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(id))
}

/// Releases the claim if anyone holds it (the store refuses another's hold to a non-lead) and
/// the competing claims `login` holds; returns what was let go.
async fn release(store: &Store, login: &str, claim_id: &str) -> Result<Vec<String>, StoreError> {
    let now = Utc::now();
    let mut ids = Vec::new();
    for (i, id) in group(store, claim_id).await?.into_iter().enumerate() {
        let Some(view) = store.claim(&id).await? else {
            continue;
        };
        let keep = match view.holder(now) {
            Some(who) => i == 0 || who == login,
            None => false,
        };
        if keep {
            ids.push(id);
        }
    }
    if !ids.is_empty() {
        store.release(&ids, login).await?;
    }
    Ok(ids)
}
