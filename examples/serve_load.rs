//! `claimdesk serve` under load (issue 14's benchmark): N concurrent SSH sessions on one
//! `serve` process, each pressing `j` five times a second. The clients are russh's client side,
//! in this process (N OpenSSH processes would cost the 2-core machine more than the server
//! does); each connection's socket is wrapped to count the bytes read from the network, i.e.
//! the encrypted SSH packets (not TCP/IP headers).
//!
//! Reported: keystroke-to-screen latency as the client sees it (from writing `j` to the first
//! bytes of the next screen update arriving), percentiles; bytes per `j` (channel payload, and
//! encrypted bytes on the wire, both including whatever else the session drew meanwhile, e.g.
//! its clock); the server's RSS (VmRSS at the end and VmHWM, its peak); the server's CPU; then
//! the cost of sessions that only idle (bytes per minute and CPU per session).
//!
//! ```text
//! cargo build --release --examples
//! target/release/examples/serve_load --db postgres://postgres@127.0.0.1:5432/test \
//!     [--sessions 200] [--seconds 60] [--pool 16] [--claims 20000] [--idle 20] [--idle-seconds 60]
//!     [--pin] [--callgrind FILE] [--compress]
//! ```
//! `--compress`: the clients ask for zlib compression, as `ssh -C` does (without it they ask for
//! none, as OpenSSH does by default).
//! `--pin`: the server on CPU 0 and this process (the clients) on CPU 1, so 200 clients cannot
//! starve the server. `--callgrind FILE`: the server under valgrind's callgrind, instructions
//! counted only while pressing (dump `FILE.1`) and idling (`FILE.2`); for instructions per `j`,
//! which do not depend on the machine's load.
//! The store is a fresh schema `serve_load_<random>` of that database (dropped afterwards);
//! `serve` is `target/release/claimdesk` beside this example.

use std::io;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use chrono::Utc;
use claimdesk::generate::{generate_into, GenerateOptions};
use claimdesk::serve::KeyId;
use claimdesk::store::{Reviewer, Role, Store};
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

struct Options {
    db: String,
    sessions: usize,
    seconds: u64,
    pool: u32,
    claims: u64,
    idle: usize,
    idle_seconds: u64,
    /// Server on CPU 0, this process (the clients) on CPU 1.
    pin: bool,
    /// The clients ask for compression (`ssh -C`).
    compress: bool,
    /// Run the server under callgrind, counting instructions only while pressing and idling
    /// (zeroed when a phase starts, dumped when it ends).
    callgrind: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        db: String::new(),
        sessions: 200,
        seconds: 60,
        pool: 16,
        claims: 20_000,
        idle: 20,
        idle_seconds: 60,
        pin: false,
        compress: false,
        callgrind: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--pin" {
            o.pin = true;
            continue;
        }
        if arg == "--compress" {
            o.compress = true;
            continue;
        }
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        let n = || value.parse::<u64>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--db" => o.db = value.clone(),
            "--sessions" => o.sessions = n()? as usize,
            "--seconds" => o.seconds = n()?,
            "--pool" => o.pool = n()? as u32,
            "--claims" => o.claims = n()?,
            "--idle" => o.idle = n()? as usize,
            "--idle-seconds" => o.idle_seconds = n()?,
            "--callgrind" => o.callgrind = Some(value.clone()),
            _ => return Err(format!("unknown option {arg}")),
        }
    }
    if !o.db.starts_with("postgres") {
        return Err("--db postgres://... is required".into());
    }
    Ok(o)
}

/// The claimdesk binary built beside this example (`target/<profile>/claimdesk`).
fn bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let profile = exe.parent().and_then(|p| p.parent());
    profile.map_or_else(|| "claimdesk".into(), |p| p.join("claimdesk"))
}

/// A socket that counts the bytes read from it (the encrypted SSH stream).
struct Counted {
    inner: TcpStream,
    read: Arc<AtomicU64>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        polled
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
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

/// What one session measured.
#[derive(Default)]
struct Measured {
    latencies: Vec<Duration>,
    presses: u64,
    unanswered: u64,
    payload: u64,
    wire: u64,
}

/// A signed-in session with a workbench on a 100x30 terminal, its first screen drawn.
struct Session {
    channel: russh::Channel<russh::client::Msg>,
    wire: Arc<AtomicU64>,
    _handle: russh::client::Handle<TrustAnyHost>,
}

async fn open(port: u16, key: PrivateKey, compress: bool) -> Result<Session, String> {
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let wire = Arc::new(AtomicU64::new(0));
    let stream = Counted {
        inner: tcp,
        read: wire.clone(),
    };
    let mut config = russh::client::Config::default();
    if compress {
        use russh::compression::{NONE, ZLIB, ZLIB_LEGACY};
        config.preferred.compression = vec![ZLIB_LEGACY, ZLIB, NONE].into();
    }
    let config = Arc::new(config);
    let mut handle = russh::client::connect_stream(config, stream, TrustAnyHost)
        .await
        .map_err(|e| e.to_string())?;
    let key = PrivateKeyWithHashAlg::new(Arc::new(key), None);
    let auth = handle
        .authenticate_publickey("bench", key)
        .await
        .map_err(|e| e.to_string())?;
    if !auth.success() {
        return Err("the key was refused".into());
    }
    let mut channel = handle
        .channel_open_session()
        .await
        .map_err(|e| e.to_string())?;
    channel
        .request_pty(true, "xterm-256color", 100, 30, 0, 0, &[])
        .await
        .map_err(|e| e.to_string())?;
    channel
        .request_shell(true)
        .await
        .map_err(|e| e.to_string())?;
    // The first screen: wait until output has been quiet for 300 ms.
    let mut seen = 0usize;
    loop {
        match tokio::time::timeout(Duration::from_millis(300), channel.wait()).await {
            Ok(Some(russh::ChannelMsg::Data { data })) => seen += data.len(),
            Ok(Some(_)) => {}
            Ok(None) => return Err("the session closed".into()),
            Err(_) if seen > 1000 => break,
            Err(_) => {}
        }
    }
    Ok(Session {
        channel,
        wire,
        _handle: handle,
    })
}

/// Presses `j` every 200 ms for `seconds`, timing each to the first screen bytes after it.
async fn press(mut s: Session, seconds: u64, start_in: Duration) -> Measured {
    tokio::time::sleep(start_in).await;
    let mut m = Measured::default();
    // What arrived while the other sessions opened is not this phase's.
    drain(&mut s.channel).await;
    let wire_before = s.wire.load(Ordering::Relaxed);
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let mut pending: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if tokio::time::Instant::now() >= end {
                    break;
                }
                if pending.take().is_some() {
                    m.unanswered += 1;
                }
                if s.channel.data(&b"j"[..]).await.is_err() {
                    break;
                }
                m.presses += 1;
                pending = Some(Instant::now());
            }
            msg = s.channel.wait() => match msg {
                Some(russh::ChannelMsg::Data { data }) => {
                    m.payload += data.len() as u64;
                    if let Some(sent) = pending.take() {
                        m.latencies.push(sent.elapsed());
                    }
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    m.wire = s.wire.load(Ordering::Relaxed) - wire_before;
    let _ = s.channel.data(&b"q"[..]).await;
    m
}

/// Reads whatever has already arrived (until 50 ms pass without anything).
async fn drain(channel: &mut russh::Channel<russh::client::Msg>) {
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(50), channel.wait()).await {}
}

/// Bytes the idle sessions received over `seconds`.
async fn idle(mut s: Session, seconds: u64) -> (u64, u64) {
    drain(&mut s.channel).await;
    let wire_before = s.wire.load(Ordering::Relaxed);
    let mut payload = 0;
    let end = tokio::time::Instant::now() + Duration::from_secs(seconds);
    while let Ok(msg) = tokio::time::timeout_at(end, s.channel.wait()).await {
        match msg {
            Some(russh::ChannelMsg::Data { data }) => payload += data.len() as u64,
            Some(_) => {}
            None => break,
        }
    }
    let wire = s.wire.load(Ordering::Relaxed) - wire_before;
    let _ = s.channel.data(&b"q"[..]).await;
    (payload, wire)
}

/// (VmRSS, VmHWM) in MB.
fn rss(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU seconds (user + system) the process has used.
fn cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the `)`.
    (ticks(11) + ticks(12)) / 100.0
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `callgrind_control ARGS PID` when the server runs under callgrind.
fn callgrind(o: &Options, pid: u32, args: &[&str]) {
    if o.callgrind.is_some() {
        let _ = Command::new("callgrind_control")
            .args(args)
            .arg(pid.to_string())
            .stdout(Stdio::null())
            .status();
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let o = options()?;
    let schema = format!("serve_load_{}", uuid::Uuid::new_v4().simple());
    {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&o.db)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
    }
    let sep = if o.db.contains('?') { '&' } else { '?' };
    let url = format!("{}{sep}options=-c%20search_path%3D{schema}", o.db);
    let result = run(&o, &url).await;
    {
        use sqlx::Connection;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&o.db).await {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut conn)
                .await;
        }
    }
    result
}

async fn run(o: &Options, url: &str) -> Result<(), String> {
    let e = |e: claimdesk::store::StoreError| e.to_string();
    let store = Store::open(url).await.map_err(e)?;
    let lead = Reviewer {
        login: "lead".into(),
        display_name: "Lead".into(),
        role: Role::Lead,
        active: true,
    };
    store.add_reviewer(&lead, "lead").await.map_err(e)?;
    let options = GenerateOptions {
        claims: o.claims,
        seed: 14,
        as_of: Utc::now().date_naive(),
        batch_claims: claimdesk::generate::BATCH_CLAIMS,
    };
    generate_into(&store, options, "lead", |_, _| {})
        .await
        .map_err(e)?;
    let total = o.sessions + o.idle;
    let mut keys = Vec::new();
    for i in 0..total {
        let login = format!("r{i:03}");
        let reviewer = Reviewer {
            login: login.clone(),
            display_name: login.clone(),
            role: Role::Reviewer,
            active: true,
        };
        store.add_reviewer(&reviewer, "lead").await.map_err(e)?;
        let key =
            PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(|e| e.to_string())?;
        let id = KeyId::of(key.public_key());
        store
            .add_key(&login, &id.fingerprint, &id.openssh, "", "lead")
            .await
            .map_err(e)?;
        keys.push(key);
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // The server alone on CPU 0 (with `--pin`), under callgrind (with `--callgrind FILE`).
    let mut wrap: Vec<String> = Vec::new();
    if o.pin {
        wrap.extend(["taskset", "-c", "0"].map(String::from));
    }
    if let Some(out) = &o.callgrind {
        wrap.extend([
            "valgrind".to_string(),
            "--tool=callgrind".to_string(),
            format!("--callgrind-out-file={out}"),
        ]);
    }
    wrap.push(bin().display().to_string());
    let mut child = Command::new(&wrap[0])
        .args(&wrap[1..])
        .args(["--db", url, "serve", "--listen", "127.0.0.1:0"])
        .arg("--host-key")
        .arg(dir.path().join("host"))
        .args(["--pool", &o.pool.to_string()])
        .args(["--max-sessions", &(total + 10).to_string()])
        .args(["--idle-timeout", "0"])
        .env("HOME", dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin().display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    if o.pin {
        // Every thread of this process (the 200 clients) on the other core.
        let _ = Command::new("taskset")
            .args(["-a", "-p", "-c", "1", &std::process::id().to_string()])
            .stdout(Stdio::null())
            .status();
    }
    let server = Server(child);
    let pid = server.0.id();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let first = lines
        .next()
        .ok_or("serve said nothing")?
        .map_err(|e| e.to_string())?;
    let port: u16 = first
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split(';').next())
        .and_then(|a| a.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .ok_or(format!("no port in {first:?}"))?;
    std::thread::spawn(move || for _ in lines {});
    println!(
        "serve_load: {} claims on PostgreSQL, pool {}, {} pressing sessions + {} idle; load before: {}",
        o.claims, o.pool, o.sessions, o.idle, load()
    );
    let (rss_start, _) = rss(pid);

    // Phase 1: the pressing sessions, opened a few at a time.
    let mut keys = keys.into_iter();
    let mut sessions = Vec::new();
    let opened = Instant::now();
    for _ in 0..o.sessions {
        let key = keys.next().ok_or("no key")?;
        sessions.push(tokio::spawn(open(port, key, o.compress)));
        if sessions.len() % 20 == 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let mut ready = Vec::new();
    for s in sessions {
        ready.push(s.await.map_err(|e| e.to_string())??);
    }
    println!(
        "{} sessions signed in and drawn in {:.1}s; server RSS {:.0} MB (at start {:.0} MB)",
        ready.len(),
        opened.elapsed().as_secs_f64(),
        rss(pid).0,
        rss_start
    );
    callgrind(o, pid, &["-z"]);
    let cpu_before = cpu(pid);
    let clients_before = cpu(std::process::id());
    let started = Instant::now();
    let n = ready.len().max(1) as u32;
    let tasks: Vec<_> = ready
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            // Spread the presses over the 200 ms period.
            let offset = Duration::from_millis(200) * i as u32 / n;
            tokio::spawn(press(s, o.seconds, offset))
        })
        .collect();
    let mut all = Measured::default();
    for t in tasks {
        let m = t.await.map_err(|e| e.to_string())?;
        all.latencies.extend(m.latencies);
        all.presses += m.presses;
        all.unanswered += m.unanswered;
        all.payload += m.payload;
        all.wire += m.wire;
    }
    let busy = started.elapsed().as_secs_f64();
    let cpu_used = cpu(pid) - cpu_before;
    let clients_used = cpu(std::process::id()) - clients_before;
    callgrind(o, pid, &["-d", "pressing"]);
    let (rss_now, rss_peak) = rss(pid);
    all.latencies.sort();
    let presses = all.presses.max(1) as f64;
    println!(
        "pressing: {} presses in {:.0}s ({:.0}/s), {} without a screen update before the next",
        all.presses,
        busy,
        all.presses as f64 / busy,
        all.unanswered
    );
    println!(
        "keystroke-to-screen: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&all.latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&all.latencies, 0.9).as_secs_f64() * 1e3,
        percentile(&all.latencies, 0.99).as_secs_f64() * 1e3,
        all.latencies
            .last()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    );
    println!(
        "bytes per j: {:.0} payload, {:.0} encrypted on the wire (everything the session \
         received while pressing, divided by presses)",
        all.payload as f64 / presses,
        all.wire as f64 / presses
    );
    println!(
        "server: RSS {rss_now:.0} MB now, {rss_peak:.0} MB peak; CPU {:.1} s over {busy:.0} s \
         ({:.0}% of one core); load after: {}",
        cpu_used,
        cpu_used / busy * 100.0,
        load()
    );
    println!(
        "server CPU per j: {:.0} us (ticks included); clients (this process) used {:.1} s ({:.0}% \
         of one core){}",
        cpu_used / presses * 1e6,
        clients_used,
        clients_used / busy * 100.0,
        if o.pin {
            "; server pinned to CPU 0, clients to CPU 1"
        } else {
            ""
        }
    );

    // Phase 2: sessions that only idle (the pressing ones have quit).
    if o.idle > 0 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut idlers = Vec::new();
        for _ in 0..o.idle {
            let key = keys.next().ok_or("no key")?;
            idlers.push(open(port, key, o.compress).await?);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        callgrind(o, pid, &["-z"]);
        let cpu_before = cpu(pid);
        let started = Instant::now();
        let tasks: Vec<_> = idlers
            .into_iter()
            .map(|s| tokio::spawn(idle(s, o.idle_seconds)))
            .collect();
        let (mut payload, mut wire) = (0u64, 0u64);
        for t in tasks {
            let (p, w) = t.await.map_err(|e| e.to_string())?;
            payload += p;
            wire += w;
        }
        let minutes = started.elapsed().as_secs_f64() / 60.0;
        let per = |b: u64| b as f64 / o.idle as f64 / minutes;
        let cpu_used = cpu(pid) - cpu_before;
        callgrind(o, pid, &["-d", "idle"]);
        println!(
            "idle: {} sessions for {:.0}s: {:.0} payload bytes/min, {:.0} encrypted bytes/min per \
             session; server CPU {:.2} s in all ({:.3}% of one core per session)",
            o.idle,
            minutes * 60.0,
            per(payload),
            per(wire),
            cpu_used,
            cpu_used / (minutes * 60.0) * 100.0 / o.idle as f64
        );
    }
    drop(server);
    Ok(())
}
