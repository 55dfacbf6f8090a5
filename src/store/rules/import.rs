//! Who may write in bulk, and how a large import is told on the change feed.

use super::reviewers::require_lead;
use crate::model::{Actor, Role};
use crate::store::StoreError;

/// Who may write in bulk: `import` a lead or an integration login, `generate` (synthetic
/// claims) only a lead; anyone in single-reviewer mode.
pub(crate) fn check_import(actor: &Actor, generated: bool) -> Result<(), StoreError> {
    if generated {
        require_lead(actor, "generate claims")
    } else if actor.role == Role::Reviewer {
        Err(StoreError::NotAllowed(format!(
            "only a lead or an integration login may import ({} is a reviewer)",
            actor.login
        )))
    } else {
        Ok(())
    }
}

/// An import of at least this many claims is told on the change feed as one bulk write
/// ("carol imported 100,000 claims"), so that watching sessions need not read an event per claim.
pub(crate) const BULK_FEED_CLAIMS: usize = 100;

/// The run of an import's events the change feed tells as one bulk write, as `(first_id,
/// last_id)`: its per-claim events, which follow any reference-data events in `ids` (every id
/// the import appended, in order). None for a small import, or a generated batch (already one
/// event).
pub(crate) fn bulk_run(ids: &[i64], claims: usize, generated: bool) -> Option<(i64, i64)> {
    if generated || claims < BULK_FEED_CLAIMS || claims > ids.len() {
        return None;
    }
    let run = &ids[ids.len() - claims..];
    Some((*run.first()?, *run.last()?))
}
