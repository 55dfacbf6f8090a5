//! The queue filter's search text, brought up to date once when a store written before
//! migration 0012 is upgraded: search text used to be only lowercased; now it is folded as people
//! type (`rows::search_text`). Text that is plain ASCII folds to itself, so only claims with other
//! characters in it are read and rewritten, in batches, each in one transaction. On SQLite the
//! trigram index follows through its update trigger.

use super::db::{Exec, Pool, Sql};
use super::StoreError;
use crate::domain::confidentiality::fold;

/// The migration whose application calls for the refold.
pub(super) const FOLDED_SINCE: i64 = 12;

/// Claims rewritten per transaction.
const BATCH: i64 = 2000;

/// Folds the stored search text of every claim that has characters outside ASCII.
pub(super) async fn refold(pool: &Pool) -> Result<u64, StoreError> {
    let mut changed = 0;
    let mut after = String::new();
    loop {
        let mut db = pool.clone();
        let rows = db
            .fetch_all(
                Sql::new(
                    "SELECT claim_id, search FROM claims
                     WHERE claim_id > $1 AND octet_length(search) <> length(search)
                     ORDER BY claim_id LIMIT $2",
                )
                .arg(after.clone())
                .arg(BATCH),
            )
            .await?;
        let Some(last) = rows.last() else {
            return Ok(changed);
        };
        after = last.text(0)?;
        let mut tx = pool.begin_write().await?;
        for row in &rows {
            let (id, search) = (row.text(0)?, row.text(1)?);
            let folded = fold(&search);
            if folded != search {
                changed += tx
                    .execute(
                        Sql::new("UPDATE claims SET search = $1 WHERE claim_id = $2")
                            .arg(folded)
                            .arg(id),
                    )
                    .await?;
            }
        }
        tx.commit().await?;
    }
}
