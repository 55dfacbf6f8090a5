//! What a `--db` value names, how to reach it, and how it may be shown.
//!
//! Three forms open PostgreSQL: `postgres://user:pass@host/db?...`, `postgresql://...`, and
//! libpq's `host=... dbname=... password=...` key=value string; `sqlite:PATH`, `sqlite://PATH` or
//! a plain file path open SQLite. A key=value string is PostgreSQL or refused, never a file name,
//! and every connection option claimdesk would not honour is refused rather than ignored (a
//! JDBC-style `ssl=true` silently ignored would leave a team on plaintext believing otherwise).
//!
//! TLS follows libpq's `sslmode` (`disable`, `allow`, `prefer`, `require`, `verify-ca`,
//! `verify-full`) and `sslrootcert`; `require` with a root certificate checks the chain as
//! `verify-ca`, as libpq does, and `sslrootcert=system` means the built-in public roots.
//! Passwords come from the URL, `PGPASSWORD`, or `~/.pgpass` (`PGPASSFILE`), and are masked in
//! every form of URL, in success output and in errors: only [`Location::shown`] is ever printed.
//!
//! The pools are opened here too, and a store written by a newer claimdesk is recognised before
//! any migration runs.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::StoreError;

#[path = "connect_syntax.rs"]
mod syntax;

pub use syntax::mask;
use syntax::{encode, key_value_pairs, looks_like_key_value, query_pairs, scrub, secrets};

/// Where a store is: a SQLite file or a PostgreSQL server.
#[derive(Clone)]
pub enum Target {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

/// A parsed `--db` value: how to connect, and the only form of it that may be shown.
#[derive(Clone)]
pub struct Location {
    pub target: Target,
    /// The value as given, every password replaced by `***`.
    pub shown: String,
    /// The passwords it carries, raw and decoded, to scrub from any library message.
    secrets: Vec<String>,
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({})", self.shown)
    }
}

impl Location {
    /// `text` with every password this location carries replaced by `***`.
    pub fn hide(&self, text: &str) -> String {
        scrub(text, &self.secrets)
    }
}

/// The connection options claimdesk honours (libpq's names, and sqlx's spellings of them).
const KNOWN_OPTIONS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "options",
];
/// sqlx's own spellings, accepted as their libpq names.
const ALIASES: &[(&str, &str)] = &[
    ("ssl-mode", "sslmode"),
    ("ssl-root-cert", "sslrootcert"),
    ("ssl-ca", "sslrootcert"),
    ("ssl-cert", "sslcert"),
    ("ssl-key", "sslkey"),
];
const SSL_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// Parses a `--db` value. Refusals name what is wrong and never carry a password.
pub fn parse(given: &str) -> Result<Location, StoreError> {
    let shown = mask(given);
    let lower = given.trim_start().to_ascii_lowercase();
    if given.trim().is_empty() {
        return Err(StoreError::BadUrl(
            "an empty database URL names no store".into(),
        ));
    }
    let secrets = secrets(given);
    let hide = |text: String| StoreError::BadUrl(scrub(&text, &secrets));
    let target = if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        let (base, query) = match given.split_once('?') {
            Some((base, query)) => (base, query),
            None => (given, ""),
        };
        let pairs = query_pairs(query);
        Target::Postgres(postgres_options(base, pairs, &shown, "").map_err(hide)?)
    } else if looks_like_key_value(given) {
        let pairs = key_value_pairs(given).map_err(|e| {
            StoreError::BadUrl(format!("{shown}: not a libpq key=value string: {e}"))
        })?;
        let hint = "; a SQLite file so named is written sqlite:NAME";
        Target::Postgres(postgres_options("postgres://", pairs, &shown, hint).map_err(hide)?)
    } else if lower.contains("://") && !lower.starts_with("sqlite:") {
        return Err(StoreError::BadUrl(format!(
            "not a database URL claimdesk can open: {shown} (use sqlite:PATH or postgres://...)"
        )));
    } else {
        Target::Sqlite(sqlite_options(given, &shown).map_err(hide)?)
    };
    Ok(Location {
        target,
        shown,
        secrets,
    })
}

/// SQLite options for `sqlite:PATH`, `sqlite://PATH` or a plain path.
fn sqlite_options(given: &str, shown: &str) -> Result<SqliteConnectOptions, String> {
    let options = if given.starts_with("sqlite:") {
        let path = given.trim_start_matches("sqlite:").trim_start_matches("//");
        if path.split('?').next().unwrap_or_default().is_empty() {
            return Err(format!("{shown} names no SQLite file"));
        }
        SqliteConnectOptions::from_str(given).map_err(|e| format!("{shown}: {e}"))?
    } else {
        SqliteConnectOptions::new().filename(given)
    };
    // Takes effect only when the file is created. With 16 KiB pages a million-claim load does a
    // quarter of the page splits, cache lookups and WAL frames it does with 4 KiB pages:
    // `generate --claims 1000000` went from 55 s to 42-48 s.
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .page_size(16_384))
}

/// PostgreSQL options from a URL base (`postgres://user:pass@host:port/db`, or `postgres://`
/// for a key=value string) and its options, checked and completed: unknown options refused,
/// the TLS mode settled, and `~/.pgpass` consulted by sqlx for the final host, user and database.
fn postgres_options(
    base: &str,
    pairs: Vec<(String, String)>,
    shown: &str,
    hint: &str,
) -> Result<PgConnectOptions, String> {
    let bad = |why: String| format!("{shown}: {why}");
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut mode: Option<String> = None;
    let mut root: Option<String> = None;
    for (key, value) in pairs {
        let key = ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .map_or(key.clone(), |(_, name)| (*name).to_string());
        let known = KNOWN_OPTIONS.contains(&key.as_str())
            || key == "statement-cache-capacity"
            || (key.starts_with("options[") && key.ends_with(']'));
        if !known {
            return Err(bad(format!(
                "connection option {key:?} is not one claimdesk honours (it knows {}){hint}",
                KNOWN_OPTIONS.join(", ")
            )));
        }
        match key.as_str() {
            "sslmode" => mode = Some(value),
            "sslrootcert" => root = Some(value),
            _ => kept.push((key, value)),
        }
    }
    // The environment's defaults, as libpq reads them, so they are settled the same way.
    let mode = mode.or_else(|| std::env::var("PGSSLMODE").ok().filter(|v| !v.is_empty()));
    let root = root.or_else(|| {
        std::env::var("PGSSLROOTCERT")
            .ok()
            .filter(|v| !v.is_empty())
    });
    if let Some(m) = &mode {
        if !SSL_MODES.contains(&m.as_str()) {
            return Err(bad(format!(
                "sslmode {m:?} is not one of {}",
                SSL_MODES.join(", ")
            )));
        }
    }
    let (mode, root) = settle_tls(mode, root).map_err(bad)?;
    if let Some(path) = &root {
        check_root_cert(Path::new(path)).map_err(bad)?;
        kept.push(("sslrootcert".into(), path.clone()));
    }
    if let Some(mode) = mode {
        kept.push(("sslmode".into(), mode));
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        let query: Vec<String> = kept
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("{base}?{}", query.join("&"))
    };
    PgConnectOptions::from_str(&url).map_err(|e| bad(e.to_string()))
}

/// libpq's TLS rules on top of sqlx's: `sslrootcert=system` means the built-in public roots and
/// needs `verify-full`; `require` with a root certificate verifies the chain (`verify-ca`).
fn settle_tls(
    mode: Option<String>,
    root: Option<String>,
) -> Result<(Option<String>, Option<String>), String> {
    if root.as_deref() == Some("system") {
        return match mode.as_deref() {
            None | Some("verify-full") => Ok((Some("verify-full".into()), None)),
            Some(weaker) => Err(format!(
                "sslrootcert=system needs sslmode=verify-full, not {weaker}"
            )),
        };
    }
    match (mode.as_deref(), &root) {
        (Some("require"), Some(_)) => Ok((Some("verify-ca".into()), root)),
        _ => Ok((mode, root)),
    }
}

/// A root certificate file must exist and hold a PEM certificate: sqlx would otherwise fall
/// back to the public roots alone and refuse the server with a puzzling message.
fn check_root_cert(path: &Path) -> Result<(), String> {
    let shown = crate::domain::text::escape(&path.display().to_string()).into_owned();
    let text = std::fs::read(path).map_err(|e| format!("cannot read sslrootcert {shown}: {e}"))?;
    if !text
        .windows(27)
        .any(|w| w == b"-----BEGIN CERTIFICATE-----")
    {
        return Err(format!("sslrootcert {shown} holds no PEM certificate"));
    }
    Ok(())
}

/// Opens the SQLite pool and brings its schema up to date; with the newest migration the store
/// had before (`None` for a new store).
pub(super) async fn sqlite_pool(
    options: SqliteConnectOptions,
    shown: &str,
    max_connections: u32,
) -> Result<(SqlitePool, Option<i64>), StoreError> {
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections.max(1))
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Unreachable {
            url: shown.to_string(),
            reason: e.to_string(),
        })?;
    let newest = newest_migration(
        &pool,
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '_sqlx_migrations')",
    )
    .await?;
    upgrade(&sqlx::migrate!("./migrations/sqlite"), newest, &pool).await?;
    Ok((pool, newest))
}

/// Connects to PostgreSQL (saying why when it cannot) and brings its schema up to date; with the
/// newest migration the store had before, when this open migrated it.
pub(super) async fn postgres_pool(
    location: &Location,
    options: PgConnectOptions,
    max_connections: u32,
) -> Result<(PgPool, Option<i64>), StoreError> {
    let unreachable = |reason: String| StoreError::Unreachable {
        url: location.shown.clone(),
        reason: explain_tls(&location.hide(&reason)),
    };
    // One direct connection first: the pool would only say it timed out, while this says
    // why (connection refused, unknown host, no such database, a certificate refused, ...).
    let probe = tokio::time::timeout(Duration::from_secs(5), async {
        use sqlx::Connection;
        sqlx::PgConnection::connect_with(&options).await
    })
    .await;
    match probe {
        Ok(Ok(conn)) => {
            use sqlx::Connection;
            let _ = conn.close().await;
        }
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => return Err(unreachable("no answer within 5 seconds".into())),
    }
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let migrator = sqlx::migrate!("./migrations/postgres");
    let mut before = None;
    if !super::postgres::migrated(&pool, &migrator).await? {
        let newest =
            newest_migration(&pool, "SELECT to_regclass('_sqlx_migrations') IS NOT NULL").await?;
        upgrade(&migrator, newest, &pool).await?;
        before = newest;
    }
    Ok((pool, before))
}

/// The newest migration applied to the store, if it has ever been migrated (`exists_sql` says
/// whether sqlx's table is there; a second statement reads it, as a query on a missing table
/// fails even in a branch that is not taken).
async fn newest_migration<DB>(
    pool: &sqlx::Pool<DB>,
    exists_sql: &'static str,
) -> Result<Option<i64>, StoreError>
where
    DB: sqlx::Database,
    bool: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    i64: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let exists: bool = sqlx::query_scalar(exists_sql).fetch_one(pool).await?;
    if !exists {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(pool)
            .await?,
    )
}

/// Applies the migrations, unless the store's newest applied one (`newest`) is past this
/// build's newest: then the store was written by a newer claimdesk, and it says so instead of
/// sqlx's "migration N was previously applied but is missing".
async fn upgrade<'a, A>(migrator: &Migrator, newest: Option<i64>, pool: A) -> Result<(), StoreError>
where
    A: sqlx::Acquire<'a>,
    <A::Connection as std::ops::Deref>::Target: sqlx::migrate::Migrate,
{
    let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(found) = newest.filter(|&found| found > known) {
        return Err(StoreError::NewerSchema { found, known });
    }
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::Migrate(e.to_string()))
}

/// A TLS refusal in words a reviewer can act on (sqlx says `invalid peer certificate: ...`).
fn explain_tls(reason: &str) -> String {
    if reason.contains("NotValidForName") || reason.contains("not valid for name") {
        format!("{reason} (sslmode=verify-full: the certificate is not for this host name)")
    } else if reason.contains("invalid peer certificate") {
        format!("{reason} (the server's certificate is not signed by sslrootcert or a public root)")
    } else {
        reason.to_string()
    }
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
