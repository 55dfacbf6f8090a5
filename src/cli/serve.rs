//! `claimdesk serve`: the SSH server over this store. The administrator runs it; each session
//! signs in with a reviewer's registered key and acts as that reviewer (recorded `via` the key's
//! fingerprint). One connection pool and one change-feed listener serve every session; the
//! feed also tells the server when a reviewer is deactivated or a key removed, and their open
//! sessions end.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use futures::future::BoxFuture;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::broadcast::error::RecvError;

use claimdesk::config::Config;
use claimdesk::domain::text::escape;
use claimdesk::model::{Change, EventKind, Identity, Proof};
use claimdesk::serve::{
    self, Control, ExecSession, KeyId, KeyRegistry, Lookup, ServeOptions, Server, SessionHost,
    ShellSession,
};
use claimdesk::store::{Store, StoreError};
use claimdesk::tui::{self, NoHost, SharedFeed, Sink};
use claimdesk::ui::Glyphs;

use super::outbox::{self, OutboxArgs};
use super::queue::{self, QueueArgs};
use super::team::{self, AuditArgs};

/// `claimdesk serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen: `HOST:PORT` (`0.0.0.0:2222` for everyone, `127.0.0.1:0` for any free
    /// port on this machine).
    #[arg(long, value_name = "ADDR")]
    listen: String,
    /// The server's SSH host key (Ed25519, OpenSSH format), made on the first run (mode 0600).
    /// Default: ssh_host_ed25519_key in claimdesk's data directory.
    #[arg(long, value_name = "PATH")]
    host_key: Option<PathBuf>,
    /// Sessions (workbenches and commands) at once; more are refused with a line saying so.
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_sessions: u32,
    /// End a workbench that has had no input for this long (`90s`, `30m`, `2h`; `0`: never).
    /// Its draft is saved and its holds released.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = parse_duration)]
    idle_timeout: Duration,
    /// Database connections shared by every session (and the change feed's listener).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_POOL,
          value_parser = clap::value_parser!(u32).range(2..=200))]
    pub pool: u32,
}

/// The default pool: enough for a team's bursts, well inside a default PostgreSQL server's 100.
pub const DEFAULT_POOL: u32 = 16;

/// Why `serve` stopped or could not start: one line.
#[derive(Debug, thiserror::Error)]
pub enum ServeFailure {
    /// Cannot start (the host key, the address, who runs it): exit 2.
    #[error("{0}")]
    Setup(String),
}

/// Runs the server until SIGTERM or SIGINT. `store` is bound to whoever runs it, who must be
/// the store's administrator (sessions then act as their keys' reviewers).
pub async fn run(store: Store, config: Config, args: ServeArgs) -> Result<(), ServeFailure> {
    let setup = |e: &dyn std::fmt::Display| ServeFailure::Setup(e.to_string());
    let runner = store.identity().cloned();
    if !runner.as_ref().is_some_and(|i| i.administrator) {
        let who = runner.map(|i| i.proven).unwrap_or_default();
        return Err(ServeFailure::Setup(format!(
            "only the store's administrator runs claimdesk serve ({who} is not: on PostgreSQL \
             the role owning the store, on SQLite the owner of its file); sessions act as their \
             keys' reviewers"
        )));
    }
    let host_key = match args.host_key {
        Some(path) => path,
        None => claimdesk::config::default_database_path()
            .and_then(|p| p.parent().map(|d| d.join("ssh_host_ed25519_key")))
            .ok_or_else(|| {
                ServeFailure::Setup("no data directory for the host key; pass --host-key".into())
            })?,
    };
    let mut sigterm = signal(SignalKind::terminate()).map_err(|e| setup(&e))?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| setup(&e))?;
    let options = ServeOptions {
        listen: args.listen,
        host_key,
        max_sessions: args.max_sessions as usize,
        idle_timeout: Some(args.idle_timeout).filter(|d| !d.is_zero()),
    };
    // One listener for every session: subscribe before each session's first read.
    let feed = Arc::new(SharedFeed::start(&store).await);
    let host = StoreHost {
        store: store.clone(),
        config: Arc::new(config),
        feed: feed.clone(),
    };
    let keys = StoreKeys(store.clone());
    let server = Server::bind(&options, Arc::new(keys), Arc::new(host))
        .await
        .map_err(|e| setup(&e))?;
    let addr = server.local_addr().map_err(|e| setup(&e))?;
    let key = server.host_key();
    println!(
        "claimdesk serve: listening on {addr}; host key {} ({}){}",
        escape(&key.path.display().to_string()),
        key.fingerprint,
        if key.created { ", made now" } else { "" }
    );
    println!(
        "{} connection(s) to the store for up to {} session(s); SIGTERM or Ctrl-C stops",
        args.pool, options.max_sessions
    );
    let _ = std::io::stdout().flush();
    let watcher = tokio::spawn(end_removed_access(
        store.clone(),
        feed.clone(),
        server.control(),
    ));
    server
        .run(async {
            tokio::select! {
                _ = sigterm.recv() => {}
                _ = sigint.recv() => {}
            }
        })
        .await;
    watcher.abort();
    println!("claimdesk serve: stopped");
    Ok(())
}

/// Ends the sessions of a reviewer deactivated or a key removed, as the change feed reports it.
/// When the feed fell behind (or came back), every open session is checked against the store.
async fn end_removed_access(store: Store, feed: Arc<SharedFeed>, control: Control) {
    let mut changes = feed.subscribe();
    loop {
        match changes.recv().await {
            Ok(Change::Events(events)) => {
                for event in events {
                    match event.kind {
                        EventKind::ReviewerDeactivated { login } => {
                            control.end_sessions_of(&login);
                        }
                        EventKind::KeyRemoved { fingerprint, .. } => {
                            control.end_sessions_of_key(&fingerprint);
                        }
                        // A role change (reviewer added again) keeps the session: every write
                        // reads the role in its own transaction.
                        _ => {}
                    }
                }
            }
            Ok(Change::Online) | Err(RecvError::Lagged(_)) => {
                for identity in control.open_identities() {
                    let owner = store
                        .key_owner(&identity.key.fingerprint, &identity.key.openssh)
                        .await;
                    if matches!(owner, Ok(None)) {
                        control.end_sessions_of_key(&identity.key.fingerprint);
                    }
                }
            }
            // A bulk import writes claims, never keys or reviewers.
            Ok(Change::Offline(_)) | Ok(Change::Bulk(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

/// The store's key registry: a key signs in the active reviewer it is registered to.
struct StoreKeys(Store);

impl KeyRegistry for StoreKeys {
    fn reviewer<'a>(&'a self, key: &'a KeyId) -> Lookup<'a> {
        Box::pin(async move {
            self.0
                .key_owner(&key.fingerprint, &key.openssh)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// What sessions run: the workbench, or a read-only command, against the shared store.
struct StoreHost {
    store: Store,
    config: Arc<Config>,
    feed: Arc<SharedFeed>,
}

/// The store acting as the session's reviewer, proven by its key.
fn bound(store: &Store, identity: &serve::Identity) -> Store {
    store.acting_as(Identity {
        login: identity.login.clone(),
        proven: identity.login.clone(),
        proof: Proof::SshKey {
            fingerprint: identity.key.fingerprint.clone(),
        },
        administrator: false,
    })
}

impl SessionHost for StoreHost {
    fn shell(&self, s: ShellSession) -> BoxFuture<'static, Result<(), String>> {
        let store = bound(&self.store, &s.identity);
        let config = self.config.clone();
        // Subscribed before the workbench's first read, so nothing committed after it is missed.
        let feed = self.feed.subscribe();
        Box::pin(async move {
            let login = s.identity.login.clone();
            let mut bench = tui::workbench(&store, &config, &login, None, s.env.no_color)
                .await
                .map_err(|e| format!("{e:#}"))?;
            bench.glyphs = Glyphs::for_locale(
                s.env.lc_all.as_deref(),
                s.env.lc_ctype.as_deref(),
                s.env.lang.as_deref(),
            );
            let (cols, rows) = (s.terminal.cols, s.terminal.rows);
            let mut terminal = Terminal::with_options(
                Sink::new(s.output, cols, rows),
                TerminalOptions {
                    viewport: Viewport::Fixed(Rect::new(0, 0, cols, rows)),
                },
            )
            .map_err(|e| e.to_string())?;
            let input = Box::pin(futures::stream::unfold(s.input, |mut input| async move {
                input.recv().await.map(|event| (Ok(event), input))
            }));
            let mut end = s.end;
            let shutdown = async move {
                end.ended().await;
            };
            tui::run_session(
                &store,
                bench,
                &mut terminal,
                input,
                feed,
                shutdown,
                &mut NoHost,
            )
            .await
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
        })
    }

    fn exec(&self, s: ExecSession) -> BoxFuture<'static, u32> {
        let store = bound(&self.store, &s.identity);
        let config = self.config.clone();
        Box::pin(async move {
            let ExecSession {
                identity,
                argv,
                mut stdout,
                mut stderr,
                ..
            } = s;
            let status = exec(
                &store,
                &config,
                &identity.login,
                argv,
                &mut stdout,
                &mut stderr,
            )
            .await;
            let _ = stdout.flush();
            let _ = stderr.flush();
            status
        })
    }
}

/// The read-only commands, as `ssh HOST COMMAND` runs them.
#[derive(Debug, Parser)]
#[command(name = "claimdesk", no_binary_name = true, disable_version_flag = true)]
struct ExecLine {
    #[command(subcommand)]
    command: ExecCommand,
}

#[derive(Debug, Subcommand)]
enum ExecCommand {
    /// Print the queue as aligned text columns.
    Queue(QueueArgs),
    /// Print the audit log (or check it with --verify).
    Audit(AuditArgs),
    /// Print the partner-facing messages as JSON Lines (an integration login's or a lead's).
    Outbox(OutboxArgs),
}

/// Runs one read-only command as `login`; returns its exit status (the CLI's: 0 done, 1
/// failed, 2 refused or bad arguments). Everything sent is escaped.
async fn exec(
    store: &Store,
    config: &Config,
    login: &str,
    argv: Vec<String>,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> u32 {
    let line = match ExecLine::try_parse_from(&argv) {
        Ok(line) => line,
        Err(e) => {
            let text = e.render().to_string();
            for l in text.lines() {
                let _ = match e.use_stderr() {
                    true => writeln!(err, "{}", escape(l)),
                    false => writeln!(out, "{}", escape(l)),
                };
            }
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let done: Result<(), StoreError> = match line.command {
        ExecCommand::Queue(args) => match queue::text(store, config, login, &args).await {
            Ok(text) => {
                let _ = write!(out, "{text}");
                Ok(())
            }
            Err(e) => Err(e),
        },
        ExecCommand::Audit(args) if args.verify => match team::verify(store, &args, out).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(team::Broken(line))) => {
                let _ = writeln!(err, "claimdesk: {}", escape(&line));
                return 1;
            }
            Err(e) => Err(e),
        },
        ExecCommand::Audit(args) => team::audit(store, config, &args, out, err).await,
        ExecCommand::Outbox(args) => outbox::print(store, config, login, &args, out).await,
    };
    match done {
        Ok(()) => 0,
        Err(e) => {
            let line = e
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let _ = writeln!(err, "claimdesk: {}", escape(&line));
            match e {
                StoreError::NotAllowed(_) => 2,
                _ => 1,
            }
        }
    }
}

/// `90s`, `30m`, `2h`, `1h30m`, or a bare number of seconds; `0` is zero.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad = || format!("{text:?} is not a duration (like 90s, 30m, 2h, or 0 for never)");
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(Duration::from_secs(seconds));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        for bad in ["", "m", "10x", "5m3", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
