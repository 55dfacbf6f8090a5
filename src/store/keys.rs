//! SSH keys registered to reviewers (`claimdesk reviewer key add|list|remove`), and the lookup
//! `claimdesk serve` signs a session in with. Registering and removing are audited writes like
//! any other: read the rows, let `rules::plan_add_key` / `plan_remove_key` decide, apply.

use super::apply::apply;
use super::db::{Exec, Row, Sql};
use super::engine::{now, read_actor, read_reviewer};
use super::rules;
use super::{Store, StoreError};
use crate::model::SshKey;

const KEY_COLUMNS: &str = "fingerprint, login, public_key, comment, added_at";

impl Store {
    /// Registers `key` (its `fingerprint`, `public_key` and `comment`) to reviewer `login`, as
    /// `by` (a lead); returns the key as stored.
    pub async fn add_key(
        &self,
        login: &str,
        fingerprint: &str,
        public_key: &str,
        comment: &str,
        by: &str,
    ) -> Result<SshKey, StoreError> {
        let mut tx = self.pool.begin_write().await?;
        let actor = read_actor(&mut tx, &self.identity_for(by)?).await?;
        let owner = read_reviewer(&mut tx, login).await?;
        let taken = read_key(&mut tx, fingerprint).await?;
        let key = SshKey {
            fingerprint: fingerprint.to_string(),
            login: login.to_string(),
            public_key: public_key.to_string(),
            comment: comment.to_string(),
            added_at: now(),
        };
        let plan = rules::plan_add_key(&actor, owner.as_ref(), taken.as_ref(), &key)?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Removes the key registered under `fingerprint`, as `by` (a lead); returns what it was.
    pub async fn remove_key(&self, fingerprint: &str, by: &str) -> Result<SshKey, StoreError> {
        let mut tx = self.pool.begin_write().await?;
        let actor = read_actor(&mut tx, &self.identity_for(by)?).await?;
        let current = read_key(&mut tx, fingerprint).await?;
        let plan = rules::plan_remove_key(&actor, current.as_ref(), fingerprint, now())?;
        apply(&mut tx, &plan).await?;
        tx.commit().await?;
        // The plan refuses a missing key, so there is one here.
        current.ok_or_else(|| StoreError::Invalid(format!("no key {fingerprint} is registered")))
    }

    /// Every registered key, by reviewer then when it was added.
    pub async fn keys(&self) -> Result<Vec<SshKey>, StoreError> {
        let sql = Sql::new(format!(
            "SELECT {KEY_COLUMNS} FROM reviewer_keys ORDER BY login, added_at, fingerprint"
        ));
        let mut db = self.pool.clone();
        db.fetch_all(sql).await?.iter().map(key_row).collect()
    }

    /// The login an SSH key signs in as: the active reviewer it is registered to, with the same
    /// key (not only the same fingerprint); `None` for an unregistered key or a deactivated
    /// reviewer.
    pub async fn key_owner(
        &self,
        fingerprint: &str,
        public_key: &str,
    ) -> Result<Option<String>, StoreError> {
        let sql = Sql::new(
            "SELECT k.login FROM reviewer_keys k JOIN reviewers r ON r.login = k.login
             WHERE k.fingerprint = $1 AND k.public_key = $2 AND r.active",
        )
        .arg(fingerprint)
        .arg(public_key);
        let mut db = self.pool.clone();
        db.fetch_optional(sql).await?.map(|r| r.text(0)).transpose()
    }
}

async fn read_key(db: &mut impl Exec, fingerprint: &str) -> Result<Option<SshKey>, StoreError> {
    let sql = Sql::new(format!(
        "SELECT {KEY_COLUMNS} FROM reviewer_keys WHERE fingerprint = $1"
    ))
    .arg(fingerprint);
    db.fetch_optional(sql)
        .await?
        .map(|r| key_row(&r))
        .transpose()
}

fn key_row(r: &Row) -> Result<SshKey, StoreError> {
    Ok(SshKey {
        fingerprint: r.text("fingerprint")?,
        login: r.text("login")?,
        public_key: r.text("public_key")?,
        comment: r.text("comment")?,
        added_at: r.time("added_at")?,
    })
}
