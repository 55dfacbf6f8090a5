//! Resuming an interrupted `generate`: each batch is one transaction, so a run stopped half way
//! leaves whole batches. Started again with the same options, the run finds each of those
//! batches stored whole and skips it. Anything else already stored under this seed's claim ids
//! (a run with another `--claims`, `--as-of` or batch size makes other claims under the same
//! ids) is refused with a short statement of what is stored, never a list of every id.

use crate::domain::Claim;
use crate::store::{ImportBatch, Store, StoreError};

/// Accepts a batch whose `stored` claim ids are already in the store only when all of them are,
/// as this run makes them; else says exactly what is there.
pub(super) async fn check_stored(
    store: &Store,
    batch: &ImportBatch,
    stored: usize,
) -> Result<(), StoreError> {
    let (Some((_, first)), Some((_, last))) = (batch.claims.first(), batch.claims.last()) else {
        return Ok(());
    };
    let span = format!("{} .. {}", first.claim_id, last.claim_id);
    let advice = "they come from a run with other options (--claims, --as-of); rerun with that \
                  run's options to resume it, or use another --seed";
    if stored < batch.claims.len() {
        return Err(StoreError::Invalid(format!(
            "{stored} of the {} claims {span} are already stored and the rest are not: {advice}",
            batch.claims.len()
        )));
    }
    for made in [first, last] {
        let Some(view) = store.claim(&made.claim_id).await? else {
            continue;
        };
        if !same(&view.claim, made) {
            return Err(StoreError::Invalid(format!(
                "claims {span} are stored, but not as this run makes them ({} was submitted \
                 {} by MPN {} there, {} by MPN {} here): {advice}",
                made.claim_id,
                view.claim.submitted_at.to_rfc3339(),
                view.claim.partner.mpn_id,
                made.submitted_at.to_rfc3339(),
                made.partner.mpn_id,
            )));
        }
    }
    Ok(())
}

/// Whether a stored claim is the one this run makes (the fields the seed and options decide).
fn same(stored: &Claim, made: &Claim) -> bool {
    stored.submitted_at == made.submitted_at
        && stored.partner.mpn_id == made.partner.mpn_id
        && stored.customer.tenant_id == made.customer.tenant_id
        && stored.product == made.product
}
