//! Runs hold effects against the store: what a take or release covers is the store's rule.

use crate::app::{HoldEffect, HoldMsg, Msg};
use crate::store::{Store, StoreError};

/// Runs one hold effect; the answer is a `Msg::Hold`.
pub async fn run(store: &Store, effect: HoldEffect) -> Msg {
    let text = |e: StoreError| e.to_string();
    Msg::Hold(match effect {
        // Someone else's hold is refused unless the reviewer confirmed taking it over (a lead).
        HoldEffect::Take {
            login,
            claim_id,
            lease,
            take_over,
        } => {
            let result = store
                .take_contest(&claim_id, &login, lease, take_over)
                .await
                .map_err(text);
            HoldMsg::Taken { claim_id, result }
        }
        HoldEffect::TakeNext { login, lease } => {
            HoldMsg::TookNext(store.take_next_contest(&login, lease).await.map_err(text))
        }
        HoldEffect::Release { login, claim_id } => {
            let result = store.release_contest(&claim_id, &login).await.map_err(text);
            HoldMsg::Released { claim_id, result }
        }
        HoldEffect::LetGo { login, claim_ids } => {
            let result = store.release(&claim_ids, &login).await.map_err(text);
            HoldMsg::Released {
                claim_id: claim_ids.first().cloned().unwrap_or_default(),
                result: result.map(|()| claim_ids),
            }
        }
        HoldEffect::Renew {
            login,
            claim_ids,
            lease,
        } => HoldMsg::Renewed(store.renew(&claim_ids, &login, lease).await.map_err(text)),
    })
}
