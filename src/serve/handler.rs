//! One SSH connection: who signed in, and what each of its channels asked for.
//!
//! Sign-in: a key that is merely offered (`auth_publickey_offered`) is looked up only so that an
//! unregistered one is turned down early and the client tries its next key; the reviewer is bound
//! in `auth_publickey`, which russh calls only after it has verified the key's signature. The SSH
//! user name is never read. When every key has failed, a client that tries keyboard-interactive
//! (OpenSSH does, unless in batch mode) gets one line saying how a lead registers its key, and is
//! refused like everything else that is not a verified, registered key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use russh::keys::PrivateKey;
use russh::server::{
    Auth, ChannelOpenHandle, Config, Handler, Msg, PublicKeyOffer, Response, Session,
    VerifiedPublicKey,
};
use russh::{Channel, ChannelId, ChannelWriteHalf, MethodKind, MethodSet, Pty};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::input::InputParser;
use super::output::{self, Stream};
use super::session::{self, Activity, EndReason, SessionEnd, Start};
use super::AUTH_DEADLINE;
use super::{exec, ExecSession, Identity, KeyId, SessionEnv, Shared, ShellSession, TerminalInfo};

/// Input events a workbench may have waiting before the client is made to wait.
const INPUT_QUEUE: usize = 1024;
/// Session channels one connection may hold open (each running session also needs a permit).
const MAX_CHANNELS: usize = 8;

/// The russh settings: publickey (and keyboard-interactive, only to explain a refusal), no
/// connection timeout of russh's own (`--idle-timeout` is ours), keepalives to notice a client
/// that vanished without closing its connection.
pub(super) fn config(host_key: PrivateKey) -> Config {
    Config {
        methods: MethodSet::from(&[MethodKind::PublicKey, MethodKind::KeyboardInteractive][..]),
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![host_key],
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Config::default()
    }
}

/// Serves one TCP connection until it closes; a client that has not signed in within
/// `AUTH_DEADLINE` is dropped.
pub(super) async fn serve_connection(shared: Arc<Shared>, tcp: TcpStream) {
    // Keystrokes and frames are small: send them now, not after Nagle's delay.
    let _ = tcp.set_nodelay(true);
    let id = shared.id();
    let signed_in = Arc::new(AtomicBool::new(false));
    let connection = Connection {
        shared: shared.clone(),
        identity: None,
        refused: Vec::new(),
        lookup_failed: None,
        explained: false,
        signed_in: signed_in.clone(),
        channels: HashMap::new(),
    };
    let config = shared.config.clone();
    let started = tokio::time::timeout(
        AUTH_DEADLINE,
        russh::server::run_stream(config, tcp, connection),
    );
    let Ok(Ok(running)) = started.await else {
        return;
    };
    let handle = running.handle();
    shared.connections().insert(id, handle.clone());
    let deadline = tokio::spawn(async move {
        tokio::time::sleep(AUTH_DEADLINE).await;
        if !signed_in.load(Ordering::Relaxed) {
            let _ = handle
                .disconnect(
                    russh::Disconnect::ByApplication,
                    "not signed in in time".into(),
                    String::new(),
                )
                .await;
        }
    });
    let _ = running.await;
    deadline.abort();
    shared.connections().remove(&id);
}

/// A session channel: what the client asked for before its shell or command started.
#[derive(Default)]
struct ChannelState {
    write: Option<ChannelWriteHalf<Msg>>,
    terminal: Option<TerminalInfo>,
    env: SessionEnv,
    /// Set once a shell or command runs on the channel.
    end: Option<Arc<SessionEnd>>,
    /// A workbench's input: bytes in, events out.
    input: Option<Input>,
}

struct Input {
    parser: InputParser,
    events: mpsc::Sender<crossterm::event::Event>,
    activity: Arc<Activity>,
}

/// The russh handler of one connection.
pub(super) struct Connection {
    shared: Arc<Shared>,
    /// Set only by `auth_publickey`, after the signature was verified.
    identity: Option<Identity>,
    /// Keys offered or proved that are not registered (for the one-line explanation).
    refused: Vec<KeyId>,
    lookup_failed: Option<String>,
    explained: bool,
    signed_in: Arc<AtomicBool>,
    channels: HashMap<ChannelId, ChannelState>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        for state in self.channels.values() {
            if let Some(end) = &state.end {
                end.end(EndReason::Disconnected);
            }
        }
    }
}

impl Connection {
    /// The registry's answer for `key`, remembering a refusal for the explanation.
    async fn lookup(&mut self, key: &KeyId) -> Option<String> {
        match self.shared.keys.reviewer(key).await {
            Ok(Some(login)) => Some(login),
            Ok(None) => {
                if !self.refused.contains(key) {
                    self.refused.push(key.clone());
                }
                None
            }
            Err(e) => {
                self.lookup_failed = Some(e);
                None
            }
        }
    }

    /// The one line a refused client is shown.
    fn explanation(&self) -> String {
        if let Some(e) = &self.lookup_failed {
            return format!("claimdesk: cannot check your key right now ({e}); try again shortly");
        }
        let how = "a lead registers it with: claimdesk reviewer key add LOGIN --file KEY.pub";
        match self.refused.as_slice() {
            [] => format!("claimdesk: sign in with an SSH key registered here; {how}"),
            [key] => format!(
                "claimdesk: key {} is not registered here; {how}",
                key.fingerprint
            ),
            keys => format!(
                "claimdesk: none of your keys ({}) is registered here; {how}",
                keys.iter()
                    .map(|k| k.fingerprint.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Starts a shell or command on `channel`: `None` when the server is full (after saying so).
    fn begin(&mut self, channel: ChannelId) -> Option<(Start, Arc<SessionEnd>, u64, Identity)> {
        let identity = self.identity.clone()?;
        let state = self.channels.get_mut(&channel)?;
        if state.end.is_some() {
            return None;
        }
        let write = Arc::new(state.write.take()?);
        let out = output::Channel::start(write.clone());
        let pty = state.terminal.is_some();
        let Ok(permit) = self.shared.permits.clone().try_acquire_owned() else {
            let full = format!(
                "claimdesk: the server is full ({} sessions); try again shortly",
                self.shared.max_sessions
            );
            let _ = out.output(Stream::Stderr, pty).line(&full);
            tokio::spawn(async move {
                out.finish(Duration::from_secs(1)).await;
                let _ = write.exit_status(1).await;
                let _ = write.close().await;
            });
            return None;
        };
        let (id, end) = session::register(&self.shared, &identity);
        state.end = Some(end.clone());
        let start = Start {
            shared: self.shared.clone(),
            write,
            channel: out,
            permit,
            idle: None,
            pty,
        };
        Some((start, end, id, identity))
    }

    /// Refuses a command with one line on stderr and exit status 2 (a CLI refusal's status).
    fn refuse(&mut self, channel: ChannelId, line: String) {
        let Some(state) = self.channels.get_mut(&channel) else {
            return;
        };
        let Some(write) = state.write.take() else {
            return;
        };
        let write = Arc::new(write);
        let out = output::Channel::start(write.clone());
        let _ = out
            .output(Stream::Stderr, state.terminal.is_some())
            .line(&line);
        tokio::spawn(async move {
            out.finish(Duration::from_secs(1)).await;
            let _ = write.exit_status(2).await;
            let _ = write.eof().await;
            let _ = write.close().await;
        });
    }
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let key = KeyId::of(offer.public_key);
        Ok(match self.lookup(&key).await {
            Some(_) => Auth::Accept,
            None => Auth::reject(),
        })
    }

    async fn auth_publickey(
        &mut self,
        _user: &str,
        verified: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let key = KeyId::of(verified.public_key);
        Ok(match self.lookup(&key).await {
            Some(login) => {
                self.identity = Some(Identity { login, key });
                Auth::Accept
            }
            None => Auth::reject(),
        })
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if response.is_some() || self.explained {
            // Nothing a client types here signs it in; publickey is all that is left to try.
            return Ok(Auth::Reject {
                proceed_with_methods: Some(MethodSet::from(&[MethodKind::PublicKey][..])),
                partial_success: false,
            });
        }
        self.explained = true;
        Ok(Auth::Partial {
            name: "".into(),
            instructions: self.explanation().into(),
            prompts: Vec::new().into(),
        })
    }

    async fn auth_succeeded(&mut self, _session: &mut Session) -> Result<(), Self::Error> {
        self.signed_in.store(true, Ordering::Relaxed);
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.identity.is_none() || self.channels.len() >= MAX_CHANNELS {
            return Ok(()); // dropping `reply` refuses the channel
        }
        // Input arrives through `data`; the read half is dropped so it never fills up.
        let id = channel.id();
        let (_read, write) = channel.split();
        let state = ChannelState {
            write: Some(write),
            ..ChannelState::default()
        };
        self.channels.insert(id, state);
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(state) if state.end.is_none() => {
                state.terminal = Some(TerminalInfo {
                    term: term.to_string(),
                    cols: dimension(cols, 80),
                    rows: dimension(rows, 24),
                });
                session.channel_success(channel)
            }
            _ => session.channel_failure(channel),
        }
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(state) = self.channels.get_mut(&channel) else {
            return session.channel_failure(channel);
        };
        match name {
            "NO_COLOR" => state.env.no_color = !value.is_empty(),
            "LANG" => state.env.lang = Some(value.to_string()),
            "LC_ALL" => state.env.lc_all = Some(value.to_string()),
            "LC_CTYPE" => state.env.lc_ctype = Some(value.to_string()),
            _ => return session.channel_failure(channel),
        }
        session.channel_success(channel)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(state) = self.channels.get_mut(&channel) else {
            return Ok(());
        };
        let Some(terminal) = &mut state.terminal else {
            return Ok(());
        };
        terminal.cols = dimension(cols, terminal.cols);
        terminal.rows = dimension(rows, terminal.rows);
        let resize = crossterm::event::Event::Resize(terminal.cols, terminal.rows);
        if let Some(input) = &state.input {
            let _ = input.events.send(resize).await;
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let terminal = self.channels.get(&channel).map(|s| s.terminal.clone());
        let Some(terminal) = terminal else {
            return session.channel_failure(channel);
        };
        session.channel_success(channel)?;
        let Some(terminal) = terminal else {
            let line = "claimdesk: the workbench needs a terminal; connect with `ssh -t`, or give \
                        a read-only command (queue, audit, outbox)";
            self.refuse(channel, line.to_string());
            return Ok(());
        };
        let Some((mut start, end, id, identity)) = self.begin(channel) else {
            return Ok(());
        };
        start.idle = self.shared.idle_timeout;
        let (events, input) = mpsc::channel(INPUT_QUEUE);
        let activity = Activity::new();
        let Some(state) = self.channels.get_mut(&channel) else {
            return Ok(());
        };
        state.input = Some(Input {
            parser: InputParser::default(),
            events,
            activity: activity.clone(),
        });
        let shell = ShellSession {
            identity,
            terminal,
            env: state.env.clone(),
            input,
            output: start.channel.output(Stream::Stdout, false),
            end: end.signal(),
        };
        let work = self.shared.host.shell(shell);
        let work = Box::pin(async move { work.await.map(|()| 0) });
        tokio::spawn(session::run(start, id, end, activity, work));
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        command: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if !self.channels.contains_key(&channel) {
            return session.channel_failure(channel);
        }
        session.channel_success(channel)?;
        let argv = match exec::parse(command) {
            Ok(argv) => argv,
            Err(refusal) => {
                self.refuse(channel, format!("claimdesk: {refusal}"));
                return Ok(());
            }
        };
        let Some((start, end, id, identity)) = self.begin(channel) else {
            return Ok(());
        };
        let env = self.channels.get(&channel).map(|s| s.env.clone());
        let exec = ExecSession {
            identity,
            argv,
            env: env.unwrap_or_default(),
            stdout: start.channel.output(Stream::Stdout, start.pty),
            stderr: start.channel.output(Stream::Stderr, start.pty),
            end: end.signal(),
        };
        let work = self.shared.host.exec(exec);
        let work = Box::pin(async move { Ok(work.await) });
        tokio::spawn(session::run(start, id, end, Activity::new(), work));
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        bytes: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(input) = self
            .channels
            .get_mut(&channel)
            .and_then(|s| s.input.as_mut())
        else {
            return Ok(());
        };
        input.activity.touch();
        for event in input.parser.feed(bytes) {
            // A session that has ended no longer reads; its input is dropped.
            if input.events.send(event).await.is_err() {
                break;
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // A workbench with no more input can do nothing: end it. A command reads no input.
        if let Some(state) = self.channels.get(&channel) {
            if let (Some(end), Some(_)) = (&state.end, &state.input) {
                end.end(EndReason::Disconnected);
            }
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(state) = self.channels.remove(&channel) {
            if let Some(end) = state.end {
                end.end(EndReason::Disconnected);
            }
        }
        Ok(())
    }
}

/// A terminal dimension from the client, within what a terminal can be.
fn dimension(value: u32, otherwise: u16) -> u16 {
    match u16::try_from(value) {
        Ok(0) => otherwise,
        Ok(v) => v,
        Err(_) => u16::MAX,
    }
}
