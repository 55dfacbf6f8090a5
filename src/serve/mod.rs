//! `claimdesk serve`: the SSH server. One process serves the whole team; a reviewer runs
//! `ssh -p PORT HOST` and gets a workbench, proven to be who they are by their key, with no shell
//! and no database credentials handed out (design.md: "Serving over SSH", "Who is acting").
//!
//! The rules this module keeps, each in one place:
//! - **Identity is bound only once the key's signature is verified** (`handler`): a key merely
//!   offered is looked up so the client can move on to its next key, never trusted. Passwords and
//!   keyboard-interactive logins are refused (keyboard-interactive only carries the one line that
//!   tells a refused client how a lead registers its key); the SSH user name changes nothing.
//! - **What runs**: a shell request on a terminal gets a workbench (`SessionHost::shell`); an exec
//!   request runs a read-only subcommand (`exec`), anything that writes is refused.
//! - **How a session ends** (`session`): the client quits, drops, idles past `--idle-timeout`,
//!   loses its access, or the server shuts down. It is told why, given `GRACE` to save its draft
//!   and release its holds, then its channel is closed.
//!
//! Who a key belongs to (`KeyRegistry`) and what a session runs (`SessionHost`) are given to the
//! server, so the store's key registry and the workbench's event loop plug in without this module
//! knowing about either.

mod exec;
mod handler;
mod host_key;
mod input;
mod output;
mod session;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use russh::keys::{HashAlg, PublicKey};
use russh::server::Handle;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Semaphore};

pub use exec::{Refusal, READ_ONLY};
pub use host_key::{HostKey, HostKeyError};
pub use input::InputParser;
pub use output::{Output, Stream};
pub use session::{EndReason, EndSignal};

/// How long a session has, once told to end, to save its draft and release its holds.
pub const GRACE: Duration = Duration::from_secs(3);
/// How long shutdown waits for every session to end before dropping the connections (SIGTERM
/// must see the process gone within 5 s).
const SHUTDOWN_WAIT: Duration = Duration::from_millis(4200);
/// A connection that has not signed in by then is dropped.
const AUTH_DEADLINE: Duration = Duration::from_secs(30);

/// A public key as the key registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId {
    /// `SHA256:...`, as `ssh-keygen -l` prints it.
    pub fingerprint: String,
    /// `ALGORITHM BASE64`, as in an `.pub` file without its comment.
    pub openssh: String,
}

impl KeyId {
    /// The registry's view of a key the client offered or proved.
    pub fn of(key: &PublicKey) -> KeyId {
        let mut key = key.clone();
        key.set_comment("");
        KeyId {
            fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
            // Encoding a key russh has just decoded cannot fail; an empty string matches nothing.
            openssh: key.to_openssh().unwrap_or_default().trim().to_string(),
        }
    }
}

impl KeyId {
    /// A public key as a `.pub` file or `authorized_keys` line gives it (`ALGORITHM BASE64
    /// [COMMENT]`; one key, blank and `#` lines ignored): the key and its comment. The error is
    /// one line.
    pub fn parse(text: &str) -> Result<(KeyId, String), String> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        if lines.iter().any(|l| l.starts_with("-----BEGIN")) {
            return Err("that is a private key: give the public one (the .pub file)".into());
        }
        let line = match lines.as_slice() {
            [line] => *line,
            [] => {
                return Err("no public key given (expected `ssh-ed25519 AAAA... comment`)".into())
            }
            more => {
                return Err(format!(
                    "{} keys given; register one key at a time",
                    more.len()
                ))
            }
        };
        let key = PublicKey::from_openssh(line).map_err(|e| {
            format!("not an OpenSSH public key (expected `ssh-ed25519 AAAA... comment`): {e}")
        })?;
        let comment = key.comment().to_string();
        Ok((KeyId::of(&key), comment))
    }
}

/// Who a session acts as: a registered reviewer, proven by the key they signed in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub login: String,
    pub key: KeyId,
}

/// What a key lookup answers: the reviewer's login, none for an unregistered (or deactivated)
/// key, or why the registry could not be asked.
pub type Lookup<'a> = BoxFuture<'a, Result<Option<String>, String>>;

/// Who each key belongs to. The store's registry (`claimdesk reviewer key add`) implements it;
/// `KeyMap` is a fixed one for tests and benchmarks.
pub trait KeyRegistry: Send + Sync + 'static {
    /// The login of the active reviewer `key` is registered to.
    fn reviewer<'a>(&'a self, key: &'a KeyId) -> Lookup<'a>;
}

/// A fixed registry: fingerprint → login.
#[derive(Debug, Clone, Default)]
pub struct KeyMap(pub HashMap<String, String>);

impl KeyRegistry for KeyMap {
    fn reviewer<'a>(&'a self, key: &'a KeyId) -> Lookup<'a> {
        Box::pin(async move { Ok(self.0.get(&key.fingerprint).cloned()) })
    }
}

/// The client's terminal, from its pty request and later window changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalInfo {
    /// `TERM` as the client sent it (`xterm-256color`).
    pub term: String,
    pub cols: u16,
    pub rows: u16,
}

/// The environment variables a client may pass (`ssh -o SetEnv=NO_COLOR=1`, `SendEnv=LANG`);
/// others are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionEnv {
    /// `NO_COLOR` set to anything but the empty string.
    pub no_color: bool,
    /// `LANG`, `LC_ALL`, `LC_CTYPE`: whether the client's terminal takes UTF-8.
    pub lang: Option<String>,
    pub lc_all: Option<String>,
    pub lc_ctype: Option<String>,
}

/// A workbench to run: who, on what terminal, its input as crossterm events (keys, paste, mouse,
/// `Resize` on window change), where its frames go, and when it must stop. `input` closes when
/// the client is gone; `end` then already holds the reason.
pub struct ShellSession {
    pub identity: Identity,
    pub terminal: TerminalInfo,
    pub env: SessionEnv,
    pub input: mpsc::Receiver<crossterm::event::Event>,
    pub output: Output,
    pub end: EndSignal,
}

/// A read-only subcommand to run: its words (the subcommand first, already allowed by `exec`).
pub struct ExecSession {
    pub identity: Identity,
    pub argv: Vec<String>,
    pub env: SessionEnv,
    pub stdout: Output,
    pub stderr: Output,
    pub end: EndSignal,
}

/// What sessions run. A shell's error is one line for the client; an exec returns its exit status.
pub trait SessionHost: Send + Sync + 'static {
    /// Runs a workbench until the reviewer quits or `end` fires.
    fn shell(&self, session: ShellSession) -> BoxFuture<'static, Result<(), String>>;
    /// Runs a read-only subcommand and returns its exit status.
    fn exec(&self, session: ExecSession) -> BoxFuture<'static, u32>;
}

/// `claimdesk serve`'s settings.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `HOST:PORT` (port 0: any free port).
    pub listen: String,
    pub host_key: PathBuf,
    /// Sessions (workbenches and commands) at once; more are refused with a line saying so.
    pub max_sessions: usize,
    /// A workbench with no input for this long is ended.
    pub idle_timeout: Option<Duration>,
}

/// Why the server could not start: one line.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    HostKey(#[from] HostKeyError),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
}

/// A session in progress, as shutdown and deactivation see it.
struct Live {
    identity: Identity,
    end: Arc<session::SessionEnd>,
}

/// What every connection shares.
struct Shared {
    config: Arc<russh::server::Config>,
    keys: Arc<dyn KeyRegistry>,
    host: Arc<dyn SessionHost>,
    max_sessions: usize,
    idle_timeout: Option<Duration>,
    permits: Arc<Semaphore>,
    sessions: Mutex<HashMap<u64, Live>>,
    /// How many sessions are still running (shutdown waits for 0).
    running: watch::Sender<usize>,
    connections: Mutex<HashMap<u64, Handle>>,
    next_id: AtomicU64,
}

impl Shared {
    fn id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Live>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn connections(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Handle>> {
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends every session whose reviewer matches `login` (all with `None`); returns how many.
    fn end_sessions(&self, login: Option<&str>, reason: EndReason) -> usize {
        self.end_where(|i| login.is_none_or(|l| l == i.login), reason)
    }

    /// Ends every session whose identity `which` picks; returns how many.
    fn end_where(&self, which: impl Fn(&Identity) -> bool, reason: EndReason) -> usize {
        let sessions = self.sessions();
        let mut ended = 0;
        for live in sessions.values() {
            if which(&live.identity) {
                live.end.end(reason.clone());
                ended += 1;
            }
        }
        ended
    }
}

/// Ends sessions from outside: a reviewer deactivated, or how many are open.
#[derive(Clone)]
pub struct Control(Arc<Shared>);

impl Control {
    /// Ends every open session of `login` (their access was removed); returns how many.
    pub fn end_sessions_of(&self, login: &str) -> usize {
        self.0.end_sessions(Some(login), EndReason::AccessRemoved)
    }

    /// Ends every open session signed in with the key `fingerprint` (it was removed); returns
    /// how many.
    pub fn end_sessions_of_key(&self, fingerprint: &str) -> usize {
        self.0.end_where(
            |i| i.key.fingerprint == fingerprint,
            EndReason::AccessRemoved,
        )
    }

    /// The logins of the sessions open now, one entry per session.
    pub fn open_sessions(&self) -> Vec<String> {
        self.0
            .sessions()
            .values()
            .map(|l| l.identity.login.clone())
            .collect()
    }

    /// Who each open session is (login and key), one entry per session.
    pub fn open_identities(&self) -> Vec<Identity> {
        self.0
            .sessions()
            .values()
            .map(|l| l.identity.clone())
            .collect()
    }
}

/// A bound server, ready to `run`.
pub struct Server {
    listener: TcpListener,
    host_key: HostKey,
    shared: Arc<Shared>,
}

impl Server {
    /// Loads (or makes) the host key and binds the listening socket.
    pub async fn bind(
        options: &ServeOptions,
        keys: Arc<dyn KeyRegistry>,
        host: Arc<dyn SessionHost>,
    ) -> Result<Server, ServeError> {
        let host_key = HostKey::load_or_create(&options.host_key)?;
        let listener =
            TcpListener::bind(&options.listen)
                .await
                .map_err(|e| ServeError::Listen {
                    addr: options.listen.clone(),
                    reason: e.to_string(),
                })?;
        let max_sessions = options.max_sessions.max(1);
        let shared = Arc::new(Shared {
            config: Arc::new(handler::config(host_key.key.clone())),
            keys,
            host,
            max_sessions,
            idle_timeout: options.idle_timeout,
            permits: Arc::new(Semaphore::new(max_sessions)),
            sessions: Mutex::new(HashMap::new()),
            running: watch::Sender::new(0),
            connections: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
        });
        Ok(Server {
            listener,
            host_key,
            shared,
        })
    }

    /// The address it listens on (the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The host key, its fingerprint, and whether this run made it.
    pub fn host_key(&self) -> &HostKey {
        &self.host_key
    }

    /// A handle to end sessions while the server runs.
    pub fn control(&self) -> Control {
        Control(self.shared.clone())
    }

    /// Serves until `stop` completes, then tells every session, gives them `GRACE` to save and
    /// release, and drops what is left; returns within `SHUTDOWN_WAIT` of `stop`.
    pub async fn run(self, stop: impl Future<Output = ()>) {
        let Server {
            listener, shared, ..
        } = self;
        // Connections beyond this are closed before any SSH is spoken (a flood of handshakes).
        let connection_slots = Arc::new(Semaphore::new(shared.max_sessions * 2 + 32));
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                accepted = listener.accept() => {
                    let Ok((tcp, _peer)) = accepted else { continue };
                    let Ok(slot) = connection_slots.clone().try_acquire_owned() else { continue };
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        handler::serve_connection(shared, tcp).await;
                        drop(slot);
                    });
                }
            }
        }
        drop(listener);
        shared.end_sessions(None, EndReason::Shutdown);
        let deadline = tokio::time::Instant::now() + SHUTDOWN_WAIT;
        let mut running = shared.running.subscribe();
        let _ = tokio::time::timeout_at(deadline, running.wait_for(|n| *n == 0)).await;
        // Clients leave once their sessions are closed; one that has not (or a connection with
        // no session) is disconnected. Disconnecting first would cut off the line saying why.
        while !shared.connections().is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let handles: Vec<Handle> = shared.connections().values().cloned().collect();
        for handle in handles {
            let _ = tokio::time::timeout(
                Duration::from_millis(200),
                handle.disconnect(
                    russh::Disconnect::ByApplication,
                    "claimdesk serve is shutting down".into(),
                    String::new(),
                ),
            )
            .await;
        }
    }
}
