//! Proving who acts, once, when a session starts: PostgreSQL by the database login, SQLite by
//! the operating-system login. The proven [`Identity`] is then bound to the store
//! ([`Store::acting_as`]) and every write is made as it; whether it may act at all, and as
//! whom, is `rules::check_identity` / `rules::resolve_actor`, decided inside each write.

use std::sync::Arc;

use super::db::{Exec, Pool, Sql};
use super::engine::registered;
use super::rules;
use super::{Identity, Proof, Store, StoreError};

impl Store {
    /// Proves who is running this session, from the connection itself: on PostgreSQL the role
    /// it logged in as (an administrator when it is a member of the role owning the schema);
    /// on SQLite the OS user (the administrator when that user owns the file).
    pub async fn prove_identity(&self) -> Result<Identity, StoreError> {
        match &self.pool {
            Pool::Postgres(_) => {
                let mut db = self.pool.clone();
                let row = db
                    .fetch_one(Sql::new(
                        "SELECT session_user::text,
                                pg_has_role(session_user, c.relowner, 'MEMBER')
                         FROM pg_class c WHERE c.oid = 'events'::regclass",
                    ))
                    .await?;
                Ok(Identity {
                    login: row.text(0)?,
                    proven: row.text(0)?,
                    proof: Proof::DatabaseLogin,
                    administrator: row.bool(1)?,
                })
            }
            Pool::Sqlite(pool) => {
                let login = os_login()?;
                let administrator = owns_file(pool.connect_options().get_filename())?;
                Ok(Identity {
                    login: login.clone(),
                    proven: login,
                    proof: Proof::OsLogin,
                    administrator,
                })
            }
        }
    }

    /// Checks the proven-identity rule for `identity` now (at start-up, so a session that may
    /// not act as the name it gave stops before anything else); every write checks it again.
    pub async fn check_identity(&self, identity: &Identity) -> Result<(), StoreError> {
        let mut db = self.pool.clone();
        rules::check_identity(identity, registered(&mut db).await?)
    }

    /// This store, acting as `identity` from now on: every write is made as it and records
    /// what it came through (`via`). Cheap: the connection pool is shared.
    pub fn acting_as(&self, identity: Identity) -> Store {
        Store {
            pool: self.pool.clone(),
            identity: Some(Arc::new(identity)),
        }
    }

    /// Who acts through this store, once bound.
    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_deref()
    }

    /// The identity a write named `login` is made as: the bound identity, which it must name;
    /// without one (tests, in-process tools), `login` as the program gives it.
    pub(crate) fn identity_for(&self, login: &str) -> Result<Identity, StoreError> {
        match self.identity.as_deref() {
            None => Ok(Identity::trusted(login)),
            Some(identity) if identity.login == login => Ok(identity.clone()),
            Some(identity) => Err(StoreError::NotAllowed(format!(
                "this session acts as {}; it cannot write as {login}",
                identity.login
            ))),
        }
    }
}

/// The OS user running claimdesk, by its user id (not `$USER`, which anyone can set).
#[cfg(unix)]
fn os_login() -> Result<String, StoreError> {
    let uid = nix::unistd::geteuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => Ok(user.name),
        Ok(None) => Ok(uid.to_string()),
        Err(e) => Err(StoreError::Database(format!(
            "cannot read who user {uid} is: {e}"
        ))),
    }
}

/// Elsewhere the login name the system reports (not proven: see README, "Security").
#[cfg(not(unix))]
fn os_login() -> Result<String, StoreError> {
    std::env::var("USERNAME")
        .map_err(|_| StoreError::Database("cannot tell who is logged in (USERNAME)".into()))
}

/// Whether the OS user running claimdesk owns the store's file.
#[cfg(unix)]
fn owns_file(path: &std::path::Path) -> Result<bool, StoreError> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        Ok(meta) => Ok(meta.uid() == nix::unistd::geteuid().as_raw()),
        // An in-memory store belongs to whoever opened it.
        Err(_) if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") => {
            Ok(true)
        }
        Err(e) => Err(StoreError::Database(format!(
            "cannot read who owns {}: {e}",
            path.display()
        ))),
    }
}

#[cfg(not(unix))]
fn owns_file(_path: &std::path::Path) -> Result<bool, StoreError> {
    Ok(false)
}
