//! What each reviewer's workbench remembers between sessions (theme, sort, tab): private
//! settings like drafts, so not audited.

use super::db::{Exec, Sql};
use super::{Preferences, Store, StoreError};

impl Store {
    /// The reviewer's remembered preferences (all unset for someone new).
    pub async fn preferences(&self, login: &str) -> Result<Preferences, StoreError> {
        let rows = self
            .pool
            .clone()
            .fetch_all(
                Sql::new("SELECT name, value FROM preferences WHERE reviewer = $1").arg(login),
            )
            .await?;
        let pairs = rows
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect::<Result<Vec<(String, String)>, StoreError>>()?;
        Ok(Preferences::from_pairs(
            pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        ))
    }

    /// Remembers the reviewer's preferences, in one transaction.
    pub async fn save_preferences(
        &self,
        login: &str,
        preferences: &Preferences,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin_write().await?;
        for (name, value) in preferences.to_pairs() {
            super::rules::within("a preference", crate::domain::text::TextKind::Short, &value)?;
            tx.execute(
                Sql::new(
                    "INSERT INTO preferences (reviewer, name, value) VALUES ($1, $2, $3)
                     ON CONFLICT (reviewer, name) DO UPDATE SET value = excluded.value",
                )
                .arg(login)
                .arg(name)
                .arg(value),
            )
            .await?;
        }
        tx.commit().await
    }
}
