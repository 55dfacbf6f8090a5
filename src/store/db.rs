//! The one seam between the store's shared SQL and the two databases.
//!
//! Statements are written once, with `$1`-style placeholders both dialects accept, as a [`Sql`]
//! value: the text plus typed [`Arg`]s. Each backend binds an argument in its own encoding (SQLite
//! keeps times as INTEGER microseconds and GUIDs as lowercase TEXT; PostgreSQL has `timestamptz`
//! and `uuid`) and reads a column back through [`Row`]. The few clauses that truly differ are
//! marked in the text and rendered per [`Dialect`]:
//! - `IN_LIST($n)`: membership in a list argument (`IN (SELECT value FROM json_each($n))` on
//!   SQLite, `= ANY($n)` on PostgreSQL);
//! - `/*+INDEXED name*/`: SQLite's `INDEXED BY name` (where its planner, without statistics,
//!   would pick a worse index), nothing on PostgreSQL;
//! - `/*+FOR_UPDATE*/` and `/*+SKIP_LOCKED*/`: PostgreSQL's row locks, nothing on SQLite, whose
//!   write transactions (`BEGIN IMMEDIATE`) already exclude every other writer.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};
use uuid::Uuid;

use super::StoreError;

/// Which SQL a statement is rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The most bound parameters one statement may carry (with room to spare).
    pub fn max_params(self) -> usize {
        match self {
            Dialect::Sqlite => 30_000,
            Dialect::Postgres => 60_000,
        }
    }

    /// `text` with its dialect markers rendered; unmarked text is returned as it is.
    pub fn render<'a>(self, text: &'a str) -> Cow<'a, str> {
        if !text.contains("IN_LIST(") && !text.contains("/*+") {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 32);
        let mut rest = text;
        while let Some(start) = find_marker(rest) {
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            if let Some(tail) = rest.strip_prefix("IN_LIST(") {
                let end = tail.find(')').unwrap_or(tail.len());
                let param = &tail[..end];
                match self {
                    Dialect::Sqlite => {
                        out.push_str("IN (SELECT value FROM json_each(");
                        out.push_str(param);
                        out.push_str("))");
                    }
                    Dialect::Postgres => {
                        out.push_str("= ANY(");
                        out.push_str(param);
                        out.push(')');
                    }
                }
                rest = tail.get(end + 1..).unwrap_or("");
            } else {
                let end = rest.find("*/").map_or(rest.len(), |i| i + 2);
                let marker = rest[3..end.saturating_sub(2).max(3)].trim();
                out.push_str(&self.hint(marker));
                rest = &rest[end..];
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    fn hint(self, marker: &str) -> String {
        match (self, marker.split_once(' ')) {
            (Dialect::Sqlite, Some(("INDEXED", index))) => format!("INDEXED BY {index}"),
            (Dialect::Postgres, None) if marker == "FOR_UPDATE" => "FOR UPDATE".into(),
            (Dialect::Postgres, None) if marker == "SKIP_LOCKED" => "FOR UPDATE SKIP LOCKED".into(),
            _ => String::new(),
        }
    }
}

/// A statement's text and arguments as `dialect` takes them.
fn prepare(dialect: Dialect, sql: Sql) -> (String, Vec<Arg>) {
    let text = dialect.render(&sql.text);
    match dialect {
        Dialect::Sqlite => sqlite_placeholders(&text, sql.args),
        Dialect::Postgres => (text.into_owned(), sql.args),
    }
}

/// SQLite's text for a statement: every `$N` placeholder becomes a plain `?`, and the arguments
/// are put in the order (and repeated as often as) the placeholders appear.
///
/// Plain `?` because sqlx asks SQLite for the name of every parameter it binds, and SQLite finds
/// a parameter's name by a linear search: with named (`$N`, `?N`) parameters a 30,000-value bulk
/// insert spends its time in quadratic name lookups (200,000 claims took 10 minutes, not 9 s).
fn sqlite_placeholders(text: &str, args: Vec<Arg>) -> (String, Vec<Arg>) {
    let mut out = String::with_capacity(text.len());
    let mut order: Vec<usize> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            let mut n = 0usize;
            while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                n = n * 10 + (*d as usize - '0' as usize);
                chars.next();
            }
            order.push(n);
            out.push('?');
        } else {
            out.push(c);
        }
    }
    let in_order = order.len() == args.len() && order.iter().enumerate().all(|(i, n)| *n == i + 1);
    if in_order {
        return (out, args);
    }
    let args = order
        .iter()
        .map(|n| {
            args.get(n.wrapping_sub(1))
                .cloned()
                .unwrap_or(Arg::OptText(None))
        })
        .collect();
    (out, args)
}

fn find_marker(text: &str) -> Option<usize> {
    match (text.find("IN_LIST("), text.find("/*+")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// One bound value, in the type the store means; each backend encodes it its own way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Bool(bool),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Guid(Uuid),
    OptGuid(Option<Uuid>),
    Date(NaiveDate),
    /// A list for `IN_LIST`.
    Texts(Vec<String>),
    /// A list of GUIDs for `IN_LIST`.
    Guids(Vec<Uuid>),
}

macro_rules! arg_from {
    ($($t:ty => $variant:ident $(via $conv:expr)?;)+) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::$variant($($conv)?(v))
            }
        }
    )+};
}

arg_from! {
    String => Text;
    &str => Text via str::to_string;
    &String => Text via String::clone;
    Option<String> => OptText;
    Option<&str> => OptText via |v: Option<&str>| v.map(str::to_string);
    i64 => Int;
    bool => Bool;
    DateTime<Utc> => Time;
    Option<DateTime<Utc>> => OptTime;
    Uuid => Guid;
    Option<Uuid> => OptGuid;
    NaiveDate => Date;
    Vec<String> => Texts;
    Vec<Uuid> => Guids;
}

/// A statement and its arguments, written once for both databases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    /// A statement whose placeholders (`$1`, `$2`, ...) take the arguments added with [`Sql::arg`].
    pub fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Adds the next argument (for a statement written with its placeholders).
    pub fn arg(mut self, arg: impl Into<Arg>) -> Sql {
        self.args.push(arg.into());
        self
    }

    /// Appends text (for a statement built piece by piece).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Sql {
        use std::fmt::Write as _;
        self.args.push(arg.into());
        let _ = write!(self.text, "${}", self.args.len());
        self
    }

    /// Appends `(..), (..)` rows of placeholders: a multi-row `VALUES`.
    pub fn values<I: IntoIterator<Item = Vec<Arg>>>(&mut self, rows: I) -> &mut Sql {
        self.text.push_str("VALUES ");
        for (i, row) in rows.into_iter().enumerate() {
            self.text.push_str(if i == 0 { "(" } else { ", (" });
            for (j, arg) in row.into_iter().enumerate() {
                if j > 0 {
                    self.text.push_str(", ");
                }
                self.bind(arg);
            }
            self.text.push(')');
        }
        self
    }

    /// The statement's text as written (markers unrendered).
    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The SQLite query for a statement: times as microseconds, GUIDs as text, lists as JSON.
fn sqlite_query(
    text: &str,
    args: Vec<Arg>,
) -> sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments<'_>> {
    // `text` is already in SQLite's form (see `sqlite_placeholders`).
    let json = |list: Vec<String>| serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
    args.into_iter()
        .fold(sqlx::query(text), |q, arg| match arg {
            Arg::Text(v) => q.bind(v),
            Arg::OptText(v) => q.bind(v),
            Arg::Int(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Time(v) => q.bind(v.timestamp_micros()),
            Arg::OptTime(v) => q.bind(v.map(|t| t.timestamp_micros())),
            Arg::Guid(v) => q.bind(v.to_string()),
            Arg::OptGuid(v) => q.bind(v.map(|u| u.to_string())),
            Arg::Date(v) => q.bind(v.format("%Y-%m-%d").to_string()),
            Arg::Texts(v) => q.bind(json(v)),
            Arg::Guids(v) => q.bind(json(v.iter().map(Uuid::to_string).collect())),
        })
}

/// The PostgreSQL query for a statement: every value in its native type, lists as arrays.
fn postgres_query(
    text: &str,
    args: Vec<Arg>,
) -> sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments> {
    args.into_iter()
        .fold(sqlx::query(text), |q, arg| match arg {
            Arg::Text(v) => q.bind(v),
            Arg::OptText(v) => q.bind(v),
            Arg::Int(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Time(v) => q.bind(v),
            Arg::OptTime(v) => q.bind(v),
            Arg::Guid(v) => q.bind(v),
            Arg::OptGuid(v) => q.bind(v),
            Arg::Date(v) => q.bind(v),
            Arg::Texts(v) => q.bind(v),
            Arg::Guids(v) => q.bind(v),
        })
}

/// One result row from either database.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// A column by position or by name.
pub(crate) trait Col:
    sqlx::ColumnIndex<SqliteRow> + sqlx::ColumnIndex<PgRow> + Copy + std::fmt::Debug
{
}
impl<T: sqlx::ColumnIndex<SqliteRow> + sqlx::ColumnIndex<PgRow> + Copy + std::fmt::Debug> Col
    for T
{
}

fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("bad {what} {value:?}"))
}

impl Row {
    fn get<T, I: Col>(&self, i: I) -> Result<T, StoreError>
    where
        T: for<'r> sqlx::Decode<'r, Sqlite>
            + sqlx::Type<Sqlite>
            + for<'r> sqlx::Decode<'r, Postgres>
            + sqlx::Type<Postgres>,
    {
        use sqlx::Row as _;
        Ok(match self {
            Row::Sqlite(r) => r.try_get(i)?,
            Row::Postgres(r) => r.try_get(i)?,
        })
    }

    pub fn text<I: Col>(&self, i: I) -> Result<String, StoreError> {
        self.get(i)
    }

    pub fn opt_text<I: Col>(&self, i: I) -> Result<Option<String>, StoreError> {
        self.get(i)
    }

    /// An integer column (PostgreSQL `integer` or `bigint`).
    pub fn int<I: Col>(&self, i: I) -> Result<i64, StoreError> {
        use sqlx::Row as _;
        match self {
            Row::Sqlite(r) => Ok(r.try_get(i)?),
            Row::Postgres(r) => match r.try_get::<i64, _>(i) {
                Ok(v) => Ok(v),
                Err(_) => Ok(i64::from(r.try_get::<i32, _>(i)?)),
            },
        }
    }

    pub fn bool<I: Col>(&self, i: I) -> Result<bool, StoreError> {
        self.get(i)
    }

    pub fn time<I: Col>(&self, i: I) -> Result<DateTime<Utc>, StoreError> {
        match self {
            Row::Sqlite(_) => {
                let micros: i64 = self.get(i)?;
                DateTime::from_timestamp_micros(micros).ok_or_else(|| corrupt("time", micros))
            }
            Row::Postgres(_) => self.get(i),
        }
    }

    pub fn opt_time<I: Col>(&self, i: I) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self {
            Row::Sqlite(_) => self
                .get::<Option<i64>, _>(i)?
                .map(|m| DateTime::from_timestamp_micros(m).ok_or_else(|| corrupt("time", m)))
                .transpose(),
            Row::Postgres(_) => self.get(i),
        }
    }

    pub fn guid<I: Col>(&self, i: I) -> Result<Uuid, StoreError> {
        match self {
            Row::Sqlite(_) => {
                let text: String = self.get(i)?;
                Uuid::parse_str(&text).map_err(|_| corrupt("GUID", text))
            }
            Row::Postgres(_) => self.get(i),
        }
    }

    pub fn date<I: Col>(&self, i: I) -> Result<NaiveDate, StoreError> {
        match self {
            Row::Sqlite(_) => {
                let text: String = self.get(i)?;
                NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| corrupt("date", text))
            }
            Row::Postgres(_) => self.get(i),
        }
    }
}

/// Something statements run on: the pool (each statement on its own) or a transaction.
pub(crate) trait Exec: Send {
    fn dialect(&self) -> Dialect;

    /// Runs a statement; returns how many rows it changed.
    fn execute(
        &mut self,
        sql: Sql,
    ) -> impl std::future::Future<Output = Result<u64, StoreError>> + Send;

    /// Every row a query returns.
    fn fetch_all(
        &mut self,
        sql: Sql,
    ) -> impl std::future::Future<Output = Result<Vec<Row>, StoreError>> + Send;

    /// The first row a query returns, if any.
    fn fetch_optional(
        &mut self,
        sql: Sql,
    ) -> impl std::future::Future<Output = Result<Option<Row>, StoreError>> + Send {
        async move { Ok(self.fetch_all(sql).await?.into_iter().next()) }
    }

    /// The first row, which must exist (an aggregate, a row just checked).
    fn fetch_one(
        &mut self,
        sql: Sql,
    ) -> impl std::future::Future<Output = Result<Row, StoreError>> + Send {
        async move {
            self.fetch_optional(sql)
                .await?
                .ok_or_else(|| StoreError::Database("a query returned no row".into()))
        }
    }
}

/// The connection pool of an open store.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction: a write (SQLite: `BEGIN IMMEDIATE`) or a read of one snapshot.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Pool {
    /// Begins a write transaction: on SQLite `BEGIN IMMEDIATE`, so a read-then-write waits for
    /// the other writers instead of failing with "database is locked".
    pub async fn begin_write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a read-only transaction whose statements all see one snapshot of the store (SQLite
    /// in WAL mode: from the first read on; PostgreSQL: `REPEATABLE READ`).
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Exec for Pool {
    fn dialect(&self) -> Dialect {
        match self {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        let (text, args) = prepare(self.dialect(), sql);
        Ok(match self {
            Pool::Sqlite(p) => sqlite_query(&text, args)
                .execute(&*p)
                .await?
                .rows_affected(),
            Pool::Postgres(p) => postgres_query(&text, args)
                .execute(&*p)
                .await?
                .rows_affected(),
        })
    }

    async fn fetch_all(&mut self, sql: Sql) -> Result<Vec<Row>, StoreError> {
        let (text, args) = prepare(self.dialect(), sql);
        Ok(match self {
            Pool::Sqlite(p) => {
                sqlite_query(&text, args)
                    .fetch(&*p)
                    .map_ok(Row::Sqlite)
                    .try_collect()
                    .await?
            }
            Pool::Postgres(p) => {
                postgres_query(&text, args)
                    .fetch(&*p)
                    .map_ok(Row::Postgres)
                    .try_collect()
                    .await?
            }
        })
    }
}

impl Exec for Tx {
    fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        let (text, args) = prepare(self.dialect(), sql);
        Ok(match self {
            Tx::Sqlite(tx) => sqlite_query(&text, args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => postgres_query(&text, args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    async fn fetch_all(&mut self, sql: Sql) -> Result<Vec<Row>, StoreError> {
        let (text, args) = prepare(self.dialect(), sql);
        Ok(match self {
            Tx::Sqlite(tx) => {
                sqlite_query(&text, args)
                    .fetch(&mut **tx)
                    .map_ok(Row::Sqlite)
                    .try_collect()
                    .await?
            }
            Tx::Postgres(tx) => {
                postgres_query(&text, args)
                    .fetch(&mut **tx)
                    .map_ok(Row::Postgres)
                    .try_collect()
                    .await?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_render_per_dialect() {
        let text = "SELECT claim_id FROM claims /*+INDEXED claims_group*/ WHERE claim_id IN_LIST($1) /*+FOR_UPDATE*/";
        assert_eq!(
            Dialect::Sqlite.render(text),
            "SELECT claim_id FROM claims INDEXED BY claims_group WHERE claim_id IN (SELECT value FROM json_each($1)) "
        );
        assert_eq!(
            Dialect::Postgres.render(text),
            "SELECT claim_id FROM claims  WHERE claim_id = ANY($1) FOR UPDATE"
        );
        assert_eq!(Dialect::Postgres.render("SELECT 1"), "SELECT 1");
        let (text, args) = sqlite_placeholders(
            "SELECT '$x' WHERE a = $2 OR b = $1 OR c = $2",
            vec![Arg::from(1i64), Arg::from(2i64)],
        );
        assert_eq!(text, "SELECT '$x' WHERE a = ? OR b = ? OR c = ?");
        assert_eq!(args, [Arg::Int(2), Arg::Int(1), Arg::Int(2)]);
    }

    #[test]
    fn built_statements_number_their_placeholders() {
        let mut sql = Sql::new("INSERT INTO t (a, b) ");
        sql.values(vec![
            vec![Arg::from("x"), Arg::from(1i64)],
            vec![Arg::from("y"), Arg::from(2i64)],
        ]);
        sql.push(" WHERE c = ").bind(true);
        assert_eq!(
            sql.text(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) WHERE c = $5"
        );
    }
}
