//! The parts of the SSH tests: the real OpenSSH client (`ssh`, `ssh-keygen`), a `serve` on a
//! random 127.0.0.1 port, and a session host that reports what each session received.
//!
//! The host is the test's window into the server: a workbench session writes one line per
//! input event it gets ("key j", "resize 120x40", "paste hi"), and every session's end is logged
//! with its reviewer and reason, which is where the real workbench saves its draft and releases
//! its holds.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use claimdesk::serve::{
    Control, ExecSession, KeyId, KeyMap, ServeOptions, Server, SessionHost, ShellSession,
};
use crossterm::event::{Event, KeyCode};
use futures::future::BoxFuture;
use portable_pty::{native_pty_system, CommandBuilder, MasterPty, PtySize};
use russh::keys::{PrivateKey, PublicKey};

/// What sessions reported, in order: `shell alice`, `ended alice: <reason>`, `exec alice ...`.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// Waits up to `within` for a line containing `text`.
    pub async fn wait_for(&self, text: &str, within: Duration) -> Instant {
        let deadline = Instant::now() + within;
        loop {
            if self.lines().iter().any(|l| l.contains(text)) {
                return Instant::now();
            }
            assert!(
                Instant::now() < deadline,
                "no {text:?} in the log within {within:?}: {:?}",
                self.lines()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Reports every session's input and end (see the module doc).
pub struct EchoHost {
    pub log: Log,
}

impl SessionHost for EchoHost {
    fn shell(&self, mut s: ShellSession) -> BoxFuture<'static, Result<(), String>> {
        let log = self.log.clone();
        Box::pin(async move {
            let login = s.identity.login.clone();
            log.push(format!("shell {login}"));
            let t = &s.terminal;
            let hello = format!(
                "hello {login} {} TERM={} size={}x{} no_color={} lang={}\r\n",
                s.identity.key.fingerprint,
                t.term,
                t.cols,
                t.rows,
                s.env.no_color,
                s.env.lang.as_deref().unwrap_or("-")
            );
            write(&mut s.output, &hello)?;
            loop {
                tokio::select! {
                    event = s.input.recv() => {
                        let Some(event) = event else { break };
                        if let Event::Key(k) = &event {
                            if k.code == KeyCode::Char('q') {
                                log.push(format!("ended {login}: quit"));
                                return Ok(());
                            }
                        }
                        write(&mut s.output, &format!("{}\r\n", describe(&event)))?;
                    }
                    reason = s.end.ended() => {
                        log.push(format!("ended {login}: {reason:?}"));
                        return Ok(());
                    }
                }
            }
            // Input ends when the connection does; the reason is set before that.
            match s.end.reason() {
                Some(reason) => log.push(format!("ended {login}: {reason:?}")),
                None => log.push(format!("ended {login}: input closed")),
            }
            Ok(())
        })
    }

    fn exec(&self, mut s: ExecSession) -> BoxFuture<'static, u32> {
        let line = format!("exec {} {}", s.identity.login, s.argv.join(" "));
        self.log.push(line.clone());
        Box::pin(async move {
            match s.stdout.line(&line) {
                Ok(()) => 0,
                Err(_) => 1,
            }
        })
    }
}

fn write(out: &mut claimdesk::serve::Output, text: &str) -> Result<(), String> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

/// One input event as the echo host prints it.
fn describe(event: &Event) -> String {
    match event {
        Event::Key(k) => match k.code {
            KeyCode::Char(c) if k.modifiers.is_empty() => format!("key {c}"),
            code if k.modifiers.is_empty() => format!("key {code:?}"),
            code => format!("key {code:?} {:?}", k.modifiers),
        },
        Event::Paste(text) => format!("paste {text}"),
        Event::Resize(cols, rows) => format!("resize {cols}x{rows}"),
        Event::Mouse(m) => format!("mouse {:?} {},{}", m.kind, m.column, m.row),
        other => format!("{other:?}"),
    }
}

/// A key pair made by `ssh-keygen` in `dir`, and its fingerprint.
pub struct Key {
    pub path: PathBuf,
    pub fingerprint: String,
}

pub fn keygen(dir: &Path, name: &str) -> Key {
    let path = dir.join(name);
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .status()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(status.success());
    let public = PublicKey::read_openssh_file(path.with_extension("pub")).unwrap();
    Key {
        fingerprint: KeyId::of(&public).fingerprint,
        path,
    }
}

/// A running `serve` on 127.0.0.1 with the echo host.
pub struct Serving {
    pub port: u16,
    pub log: Log,
    pub control: Control,
    pub host_fingerprint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Serving {
    /// Starts a server knowing `keys` (fingerprint, login).
    pub async fn start(keys: &[(&Key, &str)], max_sessions: usize, idle: Option<Duration>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let map = KeyMap(
            keys.iter()
                .map(|(k, login)| (k.fingerprint.clone(), login.to_string()))
                .collect(),
        );
        let log = Log::default();
        let options = ServeOptions {
            listen: "127.0.0.1:0".into(),
            host_key: dir.path().join("host_ed25519"),
            max_sessions,
            idle_timeout: idle,
        };
        let host = EchoHost { log: log.clone() };
        let server = Server::bind(&options, Arc::new(map), Arc::new(host))
            .await
            .unwrap();
        let port = server.local_addr().unwrap().port();
        let control = server.control();
        let host_fingerprint = server.host_key().fingerprint.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Serving {
            port,
            log,
            control,
            host_fingerprint,
            stop: Some(stop),
            task,
            _dir: dir,
        }
    }

    /// Stops the server (as SIGTERM does) and returns how long it took to finish.
    pub async fn stop(&mut self) -> Duration {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap();
        started.elapsed()
    }

    /// The `ssh` arguments that reach this server with `key`, then `extra`.
    pub fn ssh_args(&self, key: &Key, extra: &[&str]) -> Vec<String> {
        ssh_args(self.port, key, extra)
    }

    /// Runs `ssh` without a terminal (stdin closed) and returns (exit code, stdout, stderr).
    pub async fn ssh(&self, key: &Key, extra: &[&str], command: &[&str]) -> (i32, String, String) {
        ssh(self.port, key, extra, command).await
    }
}

/// The `ssh` arguments that reach a server on 127.0.0.1:`port` with `key`, then `extra`.
pub fn ssh_args(port: u16, key: &Key, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "-p",
        &port.to_string(),
        "-i",
        &key.path.display().to_string(),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "ConnectTimeout=10",
        "-F",
        "/dev/null",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push("127.0.0.1".into());
    args
}

/// Runs `ssh` to 127.0.0.1:`port` without a terminal (stdin closed) and returns (exit code,
/// stdout, stderr).
pub async fn ssh(port: u16, key: &Key, extra: &[&str], command: &[&str]) -> (i32, String, String) {
    let mut args = ssh_args(port, key, extra);
    args.extend(command.iter().map(|s| s.to_string()));
    let out = tokio::task::spawn_blocking(move || {
        Command::new("ssh")
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ssh` in a pseudo-terminal, as a reviewer runs it: what it prints, and its keyboard.
pub struct Terminal {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    keys: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    pub text: String,
    /// What a terminal shows of it.
    pub screen: vt100::Parser,
}

impl Terminal {
    pub fn open(args: &[String], cols: u16, rows: u16) -> Terminal {
        Terminal::open_with_env(args, cols, rows, &[])
    }

    /// `open`, with `ssh` run in the environment `env` (a value of `None` removes the variable).
    pub fn open_with_env(
        args: &[String],
        cols: u16,
        rows: u16,
        env: &[(&str, Option<&str>)],
    ) -> Terminal {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new("ssh");
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (name, value) in env {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            }
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let keys = pty.master.take_writer().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Terminal {
            child,
            master: pty.master,
            keys,
            output,
            text: String::new(),
            screen: vt100::Parser::new(
                std::num::NonZeroU16::new(rows.max(1)).unwrap(),
                std::num::NonZeroU16::new(cols.max(1)).unwrap(),
                0,
            ),
        }
    }

    pub fn type_bytes(&mut self, bytes: &[u8]) {
        self.keys.write_all(bytes).unwrap();
        self.keys.flush().unwrap();
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Reads output until it contains `want`, or fails after 10 s.
    pub fn wait_for(&mut self, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.text.contains(want) {
            match self.output.recv_timeout(Duration::from_millis(100)) {
                Ok(bytes) => self.took(&bytes),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("timed out waiting for {want:?}; output:\n{}", self.text),
            }
        }
    }

    fn took(&mut self, bytes: &[u8]) {
        self.text.push_str(&String::from_utf8_lossy(bytes));
        self.screen.process(bytes);
    }

    /// The screen's text now.
    pub fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Reads output until `want` is true of the screen's text, or fails after 15 s.
    pub fn wait_screen(&mut self, what: &str, want: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !want(&self.contents()) {
            match self.output.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => self.took(&bytes),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.contents()),
            }
        }
    }

    /// Waits for `ssh` to exit and returns its exit code.
    pub fn exit_code(&mut self, within: Duration) -> u32 {
        let deadline = Instant::now() + within;
        loop {
            while let Ok(bytes) = self.output.try_recv() {
                self.took(&bytes);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                // What it printed last may still be on its way from the pty: read to the end.
                while let Ok(bytes) = self.output.recv_timeout(Duration::from_secs(2)) {
                    self.took(&bytes);
                }
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "ssh still running after {within:?}; output:\n{}",
                self.text
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Signs the client's part of a publickey sign-in with whichever private key it holds.
struct KeySigner(Option<PrivateKey>);

/// The signer's only failure: the connection went away.
#[derive(Debug)]
pub struct Gone;

impl From<russh::SendError> for Gone {
    fn from(_: russh::SendError) -> Self {
        Gone
    }
}

impl russh::Signer for KeySigner {
    type Error = Gone;

    async fn auth_sign(
        &mut self,
        _key: &russh::keys::agent::AgentIdentity,
        _hash_alg: Option<russh::keys::HashAlg>,
        mut data: Vec<u8>,
    ) -> Result<Vec<u8>, Self::Error> {
        use russh::keys::ssh_encoding::Encode;
        let Some(key) = &self.0 else {
            return Err(Gone); // offer the key, then do not sign (as OpenSSH without the key)
        };
        let signature: russh::keys::ssh_key::Signature =
            russh::keys::signature::Signer::try_sign(key, &data).unwrap();
        let blob = signature.encode_vec().unwrap();
        blob.as_slice().encode(&mut data).unwrap();
        Ok(data)
    }
}

struct TrustAnyHost;

impl russh::client::Handler for TrustAnyHost {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A client (russh's, since OpenSSH cannot be told to lie) that offers `claimed` and signs
/// with `signer`'s private key.
pub async fn sign_in_as(port: u16, claimed: &PublicKey, signer: &Key) -> russh::client::AuthResult {
    let mut handle = connect(port).await;
    let private = PrivateKey::read_openssh_file(&signer.path).unwrap();
    handle
        .authenticate_publickey_with(
            "alice",
            claimed.clone(),
            None,
            &mut KeySigner(Some(private)),
        )
        .await
        .unwrap()
}

/// A client that first offers `offered` without signing (the server answers that it would take
/// it), then signs in with `key`, and runs `queue`: returns what the command printed.
pub async fn offer_then_sign_in(port: u16, offered: &PublicKey, key: &Key) -> String {
    let mut handle = connect(port).await;
    let probe = handle
        .authenticate_publickey_with("alice", offered.clone(), None, &mut KeySigner(None))
        .await;
    assert!(
        probe.is_err(),
        "the unsigned offer was answered as a sign-in"
    );
    let private = PrivateKey::read_openssh_file(&key.path).unwrap();
    let key = russh::keys::PrivateKeyWithHashAlg::new(Arc::new(private), None);
    let signed_in = handle.authenticate_publickey("alice", key).await.unwrap();
    assert!(signed_in.success());
    let mut channel = handle.channel_open_session().await.unwrap();
    channel.exec(true, "queue").await.unwrap();
    let mut out = Vec::new();
    while let Some(msg) = channel.wait().await {
        match msg {
            russh::ChannelMsg::Data { data } => out.extend_from_slice(&data),
            russh::ChannelMsg::Eof | russh::ChannelMsg::Close => break,
            _ => {}
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn connect(port: u16) -> russh::client::Handle<TrustAnyHost> {
    let config = Arc::new(russh::client::Config::default());
    russh::client::connect(config, ("127.0.0.1", port), TrustAnyHost)
        .await
        .unwrap()
}
