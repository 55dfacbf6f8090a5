//! `claimdesk reviewer add|list|deactivate` and `claimdesk audit`: managing the team and reading
//! the audit log from a shell.
//!
//! The store decides who may do what (only a lead manages reviewers; the first reviewer added
//! must be a lead, so someone can manage the team): its refusal is printed as is.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use clap::{Args, Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use std::io::Write;
use std::path::PathBuf;

use claimdesk::config::Config;
use claimdesk::domain::text::escape;
use claimdesk::serve::KeyId;
use claimdesk::store::{AuditEvent, LoginGrant, Reviewer, Role, Store, StoreError};

/// `claimdesk reviewer ...`.
#[derive(Debug, Subcommand)]
pub enum ReviewerCommand {
    /// Register a reviewer, or change one's name or role (a lead's job; the first must be a lead).
    Add {
        /// Their login, as they pass it to --reviewer (or their login user name).
        login: String,
        /// The name shown to others. Default: the login.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value_t = RoleArg::Reviewer)]
        role: RoleArg,
        /// PostgreSQL: do not create or change their database login (a team that works only
        /// through `claimdesk serve` never gives reviewers database logins).
        #[arg(long)]
        no_db_login: bool,
    },
    /// Print the registered reviewers.
    List,
    /// Stop a reviewer from working the queue (a lead's job); their holds lapse with the lease,
    /// and their sessions through `claimdesk serve` end.
    Deactivate { login: String },
    /// The SSH keys reviewers sign in with through `claimdesk serve`.
    #[command(subcommand)]
    Key(KeyCommand),
}

/// `claimdesk reviewer key ...`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Register an SSH public key to a reviewer (a lead's job): through `claimdesk serve` it
    /// signs them in.
    Add {
        /// The reviewer the key signs in as.
        login: String,
        /// The public key: `ssh-ed25519 AAAA... comment` (quoted), as in their .pub file.
        #[arg(
            value_name = "KEY",
            required_unless_present = "file",
            conflicts_with = "file"
        )]
        key: Option<String>,
        /// Read the public key from this file (their `id_ed25519.pub`; `-` for stdin).
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
    /// Print the registered keys: reviewer, fingerprint, type, comment, when added.
    List,
    /// Remove a registered key (a lead's job): it signs nobody in any more, and sessions it
    /// opened end.
    Remove {
        /// The key's fingerprint (`SHA256:...`, as `key list` prints it) or the public key.
        #[arg(
            value_name = "FINGERPRINT|KEY",
            required_unless_present = "file",
            conflicts_with = "file"
        )]
        key: Option<String>,
        /// Read the public key from this file.
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
}

/// `--role`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Reviewer,
    Lead,
    /// A tool that imports the partner feed and reads the outbox; decides nothing.
    Integration,
}

/// `claimdesk audit` options.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this claim's events.
    #[arg(long, value_name = "ID")]
    claim: Option<String>,
    /// Only events at or after this instant (RFC 3339), or this day (YYYY-MM-DD, from midnight in
    /// the calendar's time zone).
    #[arg(long, value_name = "WHEN", value_parser = parse_since)]
    since: Option<Since>,
    /// At most this many events, oldest first.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Check the hash chain from the first event instead of printing: exit 1 naming the first
    /// broken event, else print the head hash (keep it: a later check can be given it).
    #[arg(long, conflicts_with_all = ["claim", "since"])]
    pub verify: bool,
    /// With --verify: a head hash printed by an earlier check, which must still be in the chain
    /// (catches a log rewritten from some point on, hashes and all).
    #[arg(long, value_name = "HASH", requires = "verify")]
    known_head: Option<String>,
}

/// How `audit --verify` ended when the log does not check out: the one line to print.
#[derive(Debug)]
pub struct Broken(pub String);

/// `claimdesk audit --verify`: prints the head hash on `out`, or returns the first broken link.
pub async fn verify(
    store: &Store,
    args: &AuditArgs,
    out: &mut (dyn Write + Send),
) -> Result<Result<(), Broken>, StoreError> {
    let known = args.known_head.as_deref().map(str::trim);
    let check = store.verify_audit(known).await?;
    if let Some((id, why)) = check.broken {
        return Ok(Err(Broken(format!(
            "audit log broken at event {id}: {why} ({} events before it check out)",
            check.events
        ))));
    }
    if check.known_found == Some(false) {
        return Ok(Err(Broken(
            "the head hash you kept is not in the audit log: events up to it were removed or \
             rewritten"
                .into(),
        )));
    }
    match check.head {
        Some((id, hash)) => {
            let _ = writeln!(
                out,
                "audit log intact: {} events; head (event {id}): {hash}",
                check.events
            );
            if known.is_some() {
                let _ = writeln!(out, "the head you kept is still in the chain");
            }
        }
        None => {
            let _ = writeln!(out, "audit log empty: nothing to verify");
        }
    }
    Ok(Ok(()))
}

/// `--since` as given: an instant, or a day resolved in the calendar's zone.
#[derive(Debug, Clone, Copy)]
pub enum Since {
    At(DateTime<Utc>),
    Day(NaiveDate),
}

fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(Since::At(at.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Since::Day)
        .map_err(|_| format!("{text:?} is not an RFC 3339 instant or a YYYY-MM-DD day"))
}

/// Runs a `reviewer` subcommand acting as `by`.
pub async fn reviewer(store: &Store, by: &str, command: ReviewerCommand) -> Result<(), StoreError> {
    match command {
        ReviewerCommand::Add {
            login,
            name,
            role,
            no_db_login,
        } => {
            let role = match role {
                RoleArg::Reviewer => Role::Reviewer,
                RoleArg::Lead => Role::Lead,
                RoleArg::Integration => Role::Integration,
            };
            let reviewer = Reviewer {
                display_name: name.unwrap_or_else(|| login.clone()),
                login,
                role,
                active: true,
            };
            store.add_reviewer(&reviewer, by).await?;
            println!(
                "{} ({}) is a {}",
                escape(&reviewer.login),
                escape(&reviewer.display_name),
                role.code()
            );
            if !no_db_login {
                report_login(&reviewer.login, store.grant_login(&reviewer.login).await?);
            }
        }
        ReviewerCommand::List => {
            let reviewers = store.reviewers().await?;
            if reviewers.is_empty() {
                println!(
                    "no reviewers registered: single-reviewer mode (anyone may act); \
                     `claimdesk reviewer add LOGIN --role lead` starts a team"
                );
                return Ok(());
            }
            let rows: Vec<Vec<String>> = reviewers
                .iter()
                .map(|r| {
                    vec![
                        r.login.clone(),
                        r.display_name.clone(),
                        r.role.code().to_string(),
                        if r.active { "active" } else { "deactivated" }.to_string(),
                    ]
                })
                .collect();
            print!("{}", align(&["LOGIN", "NAME", "ROLE", "STATUS"], &rows));
        }
        ReviewerCommand::Deactivate { login } => {
            // The store's `NotFound` speaks of claims; say what is missing here.
            store
                .deactivate_reviewer(&login, by)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound(_) => {
                        StoreError::Invalid(format!("no active reviewer {login}"))
                    }
                    e => e,
                })?;
            println!("{} is deactivated", escape(&login));
            report_login(&login, store.grant_login(&login).await?);
        }
        ReviewerCommand::Key(command) => key(store, by, command).await?,
    }
    Ok(())
}

/// Runs a `reviewer key` subcommand acting as `by`.
async fn key(store: &Store, by: &str, command: KeyCommand) -> Result<(), StoreError> {
    match command {
        KeyCommand::Add { login, key, file } => {
            let (id, comment) =
                KeyId::parse(&key_text(key, file.as_deref())?).map_err(StoreError::Invalid)?;
            store
                .add_key(&login, &id.fingerprint, &id.openssh, &comment, by)
                .await?;
            println!(
                "key {} ({}) now signs in {} through claimdesk serve",
                id.fingerprint,
                escape(key_type(&id.openssh)),
                escape(&login)
            );
        }
        KeyCommand::List => {
            let keys = store.keys().await?;
            if keys.is_empty() {
                println!(
                    "no SSH keys registered; a lead adds one with \
                     `claimdesk reviewer key add LOGIN --file KEY.pub`"
                );
                return Ok(());
            }
            let rows: Vec<Vec<String>> = keys
                .iter()
                .map(|k| {
                    vec![
                        k.login.clone(),
                        k.fingerprint.clone(),
                        key_type(&k.public_key).to_string(),
                        k.added_at
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        k.comment.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                align(&["LOGIN", "FINGERPRINT", "TYPE", "ADDED", "COMMENT"], &rows)
            );
        }
        KeyCommand::Remove { key, file } => {
            let text = key_text(key, file.as_deref())?;
            let fingerprint = if text.trim().starts_with("SHA256:") {
                text.trim().to_string()
            } else {
                KeyId::parse(&text)
                    .map_err(StoreError::Invalid)?
                    .0
                    .fingerprint
            };
            let removed = store.remove_key(&fingerprint, by).await?;
            println!(
                "key {} of {} removed: it signs nobody in any more",
                removed.fingerprint,
                escape(&removed.login)
            );
        }
    }
    Ok(())
}

/// The key as given on the command line, or read from `--file` (`-`: stdin).
fn key_text(given: Option<String>, file: Option<&std::path::Path>) -> Result<String, StoreError> {
    match (given, file) {
        (Some(text), _) => Ok(text),
        (None, Some(path)) if path == std::path::Path::new("-") => {
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| StoreError::Invalid(format!("cannot read the key from stdin: {e}")))
        }
        (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot read the key file {}: {e}",
                escape(&path.display().to_string())
            ))
        }),
        (None, None) => Err(StoreError::Invalid(
            "give the public key, or --file PATH".into(),
        )),
    }
}

/// `ssh-ed25519 AAAA...` → `ssh-ed25519`.
fn key_type(openssh: &str) -> &str {
    openssh.split_whitespace().next().unwrap_or("")
}

/// Says what became of the reviewer's database login (PostgreSQL).
fn report_login(login: &str, grant: LoginGrant) {
    match grant {
        LoginGrant::NotApplicable => {}
        LoginGrant::Done(statements) if statements.is_empty() => {}
        LoginGrant::Done(statements) => {
            println!("database login {login}: {}", statements.join("; "));
            if statements.iter().any(|s| s.starts_with("CREATE ROLE")) {
                println!(
                    "it logs in once it can authenticate (a password: ALTER ROLE ... PASSWORD, \
                     or your pg_hba.conf)"
                );
            }
        }
        LoginGrant::ForAdministrator(statements) => {
            println!(
                "only the store's administrator can change database logins; \
                 ask them to run (as the owner of the store):"
            );
            for statement in statements {
                println!("  {statement};");
            }
        }
    }
}

/// Prints the audit log on `out`, oldest first; says so on `err` when `--limit` cut it short.
pub async fn audit(
    store: &Store,
    config: &Config,
    args: &AuditArgs,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> Result<(), StoreError> {
    let since = args.since.map(|s| match s {
        Since::At(at) => at,
        Since::Day(day) => {
            let tz = config.calendar.timezone();
            let midnight = day.and_time(NaiveTime::MIN);
            tz.from_local_datetime(&midnight)
                .earliest()
                .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
        }
    });
    let mut events = store
        .audit(args.claim.as_deref(), since, args.limit.saturating_add(1))
        .await?;
    let more = events.len() > args.limit as usize;
    events.truncate(args.limit as usize);
    let rows: Vec<Vec<String>> = events.iter().map(row).collect();
    // A reader that went away (`| head`) is not a failure.
    if rows.is_empty() {
        let _ = writeln!(err, "no audit events match");
        return Ok(());
    }
    let _ = write!(
        out,
        "{}",
        align(&["TIME", "ACTOR", "CLAIM", "KIND", "BEFORE → AFTER"], &rows)
    );
    if more {
        let _ = writeln!(
            err,
            "first {} events shown; use --since or a larger --limit for more",
            args.limit
        );
    }
    Ok(())
}

fn row(e: &AuditEvent) -> Vec<String> {
    let (before, after) = e.kind.columns();
    let change = match (values(before.as_deref()), values(after.as_deref())) {
        (None, None) => String::new(),
        (before, after) => format!(
            "{} → {}",
            before.unwrap_or_else(|| "-".into()),
            after.unwrap_or_else(|| "-".into())
        ),
    };
    vec![
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        match &e.via {
            Some(via) => format!("{} via {via}", e.actor),
            None => e.actor.clone(),
        },
        e.claim_id.clone().unwrap_or_else(|| "-".into()),
        e.kind.code().to_string(),
        change,
    ]
}

/// A before/after JSON object as `key=value, ...` on one line.
fn values(json: Option<&str>) -> Option<String> {
    let json = json?;
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={}", one_line(s)),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => one_line(json),
    };
    Some(text)
}

/// Columns padded to their widest cell (by display width); the last column is not padded.
/// Cells are escaped first, so stored text never reaches the terminal raw.
fn align(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for r in std::iter::once(&header).chain(&rows) {
        let last = r.len().saturating_sub(1);
        for (i, cell) in r.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_json_reads_as_words() {
        let rows = vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["long".to_string(), "c".to_string()],
        ];
        assert_eq!(align(&["X", "Y"], &rows), "X     Y\na     b\nlong  c\n");
        assert_eq!(
            values(Some(r#"{"holder":"bob","next":true}"#)).as_deref(),
            Some("holder=bob, next=true")
        );
        assert!(matches!(parse_since("2026-11-05"), Ok(Since::Day(_))));
        assert!(matches!(
            parse_since("2026-11-05T10:00:00Z"),
            Ok(Since::At(_))
        ));
        assert!(parse_since("yesterday").is_err());
    }
}
