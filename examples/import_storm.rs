//! Workbenches stay responsive while another process imports a large file (issue 10's
//! benchmark). Several `claimdesk` workbenches run in real pseudo-terminals (120x40, read by a
//! vt100 parser) on one store; each holds a claim and presses `j`/`k` every 100 ms. Meanwhile
//! `claimdesk import` loads N claims (one audit event each). Reported: keystroke-to-frame
//! latency during the import (the time from writing the key to the preview showing the next
//! claim), how long after the import's commit the new count shows in every workbench, how long
//! `q` takes to end a session during the import and after it, and (PostgreSQL) the database
//! connections each workbench holds, from `pg_stat_activity`.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example import_storm -- --db sqlite:/tmp/storm.db [--sessions 10] [--claims 100000]
//! cargo run --release --example import_storm -- --db postgres://postgres@127.0.0.1/storm
//! ```
//! The store must be new (or empty): the example imports its own claims.

use std::io::{Read, Write};
use std::process::Command;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// The claimdesk binary built beside this example (`target/<profile>/claimdesk`).
fn bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let profile = exe.parent().and_then(|p| p.parent());
    profile.map_or_else(|| "claimdesk".into(), |p| p.join("claimdesk"))
}
const TENANT: &str = "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60";

fn main() -> Result<(), String> {
    let mut db = None;
    let (mut sessions, mut claims, mut seed) = (10usize, 100_000usize, 2_000usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--db" => db = Some(value()?),
            "--sessions" => sessions = value()?.parse().map_err(|e| format!("{e}"))?,
            "--claims" => claims = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let db = db.ok_or("--db URL")?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let seed_file = dir.path().join("seed.jsonl");
    let big_file = dir.path().join("big.jsonl");
    write_claims(&seed_file, "SEED", seed)?;
    write_claims(&big_file, "LOAD", claims)?;
    run(&[&db, "import", &seed_file.display().to_string()], "bench")?;
    let total = claimdesk::model::thousands((seed + claims) as u64);
    eprintln!("{seed} claims seeded; {sessions} workbenches; importing {claims}");

    let mut benches: Vec<Bench> = (0..sessions)
        .map(|i| Bench::start(&db, i, dir.path()))
        .collect::<Result<_, _>>()?;
    let connections = if db.starts_with("postgres") {
        std::thread::sleep(Duration::from_secs(1));
        Some(pg_connections(&db)?)
    } else {
        None
    };

    // Every workbench presses j/k in its own thread and reports what it measured.
    let (tx, rx) = channel::<Report>();
    let controls: Vec<Sender<Order>> = benches
        .drain(..)
        .enumerate()
        .map(|(i, bench)| {
            let (order_tx, order_rx) = channel();
            let tx = tx.clone();
            let total = total.clone();
            std::thread::spawn(move || bench.work(i, &total, order_rx, tx));
            order_tx
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    let mut import = Command::new(bin())
        .args(["--db", &db, "--reviewer", "carol", "import"])
        .arg(&big_file)
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    // Half the workbenches quit while the import runs.
    std::thread::sleep(Duration::from_millis(1500));
    for c in controls.iter().take(sessions / 2) {
        let _ = c.send(Order::Quit);
    }
    let status = import.wait().map_err(|e| e.to_string())?;
    let committed = Instant::now();
    if !status.success() {
        return Err(format!("the import failed: {status}"));
    }
    eprintln!(
        "import done in {:.1} s",
        committed.duration_since(started).as_secs_f64()
    );
    std::thread::sleep(Duration::from_secs(3));
    for c in controls.iter().skip(sessions / 2) {
        let _ = c.send(Order::Quit);
    }
    drop(tx);
    let reports: Vec<Report> = rx.iter().collect();

    let during: Vec<f64> = reports
        .iter()
        .flat_map(|r| r.keys.iter())
        .filter(|(at, _)| *at >= started && *at <= committed + Duration::from_secs(2))
        .map(|(_, ms)| *ms)
        .collect();
    let counts: Vec<f64> = reports
        .iter()
        .filter(|r| r.index >= sessions / 2)
        .filter_map(|r| r.count_seen)
        .map(|at| signed_ms(at, committed))
        .collect();
    let quits_during: Vec<f64> = reports
        .iter()
        .filter(|r| r.index < sessions / 2)
        .filter_map(|r| r.quit_ms)
        .collect();
    let quits_after: Vec<f64> = reports
        .iter()
        .filter(|r| r.index >= sessions / 2)
        .filter_map(|r| r.quit_ms)
        .collect();
    println!("| measure | value |");
    println!("| --- | ---: |");
    println!(
        "| import of {claims} claims (s) | {:.1} |",
        committed.duration_since(started).as_secs_f64()
    );
    println!(
        "| keystroke to frame during the import, {} keys: p50 / p99 / max (ms) | {} |",
        during.len(),
        percentiles(&during)
    );
    let slow = during.iter().filter(|ms| **ms > 50.0).count();
    println!("| keys over 50 ms during the import | {slow} |");
    let worst: Vec<String> = reports
        .iter()
        .map(|r| {
            let max = r
                .keys
                .iter()
                .filter(|(at, _)| *at >= started && *at <= committed + Duration::from_secs(2))
                .map(|(_, ms)| *ms)
                .fold(0.0, f64::max);
            format!("{max:.0}")
        })
        .collect();
    println!("| slowest key per workbench (ms) | {} |", worst.join(" "));
    println!(
        "| new count shown after the commit, in {} of {} workbenches still open: max (ms) | {:.0} |",
        counts.len(),
        sessions - sessions / 2,
        counts.iter().copied().fold(f64::MIN, f64::max)
    );
    println!(
        "| `q` to exit during the import ({}): max (ms) | {:.0} |",
        quits_during.len(),
        quits_during.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "| `q` to exit after it ({}): max (ms) | {:.0} |",
        quits_after.len(),
        quits_after.iter().copied().fold(0.0, f64::max)
    );
    if let Some(n) = connections {
        println!(
            "| PostgreSQL connections, {sessions} workbenches open | {n} ({:.1} each) |",
            n as f64 / sessions as f64
        );
    }
    Ok(())
}

fn signed_ms(at: Instant, from: Instant) -> f64 {
    if at >= from {
        at.duration_since(from).as_secs_f64() * 1000.0
    } else {
        -(from.duration_since(at).as_secs_f64() * 1000.0)
    }
}

fn percentiles(v: &[f64]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!("{:.1} / {:.1} / {:.1}", at(0.5), at(0.99), v[v.len() - 1])
}

/// Runs `claimdesk --db URL ...` as `reviewer` and checks it succeeded.
fn run(args: &[&str], reviewer: &str) -> Result<(), String> {
    let out = Command::new(bin())
        .args(["--reviewer", reviewer, "--db"])
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// `n` claims `PREFIX-00001`...: a pair per customer, so some compete.
fn write_claims(path: &std::path::Path, prefix: &str, n: usize) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| e.to_string())?);
    const NAMES: [&str; 3] = [
        "Contoso Consulting",
        "Fabrikam Partners",
        "Northwind Traders",
    ];
    for i in 0..n {
        let name = NAMES[i % 3];
        let line = serde_json::json!({
            "type": "claim",
            "claim_id": format!("{prefix}-{:06}", i + 1),
            "partner": {"name": name,
                        "mpn_id": format!("{}", 1_000_001 + i % 3)},
            "customer": {"tenant_id": TENANT.replace("1b2c3d4e5f60", &format!("{:012x}", i / 2)),
                         "domain": format!("{prefix}customer{}.onmicrosoft.com", i / 2).to_lowercase()},
            "solution_area": "business_applications",
            "activity": "presales",
            "product": "Dynamics 365 Sales",
            "subscription_id": null,
            "purchase_channel": "volume_licensing",
            "submitted_at": format!("2026-11-{:02}T{:02}:{:02}:00Z", 2 + i % 20, i % 24, i % 60),
            "poe": [{"kind": "workshop", "date": "2026-10-01", "summary": "Envisioning workshop",
                     "by": "J. Smith", "attachment": format!("{prefix}-{i}.pdf")}],
            "comments": []
        });
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

/// Connections to the benchmark's database other than this query's own.
fn pg_connections(db: &str) -> Result<usize, String> {
    let out = Command::new("psql")
        .args([
            db,
            "-tAc",
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("psql said {:?}: {e}", String::from_utf8_lossy(&out.stderr)))
}

enum Order {
    Quit,
}

/// What one workbench measured.
struct Report {
    index: usize,
    /// When each key was sent, and its latency in ms.
    keys: Vec<(Instant, f64)>,
    /// When the new total first showed.
    count_seen: Option<Instant>,
    /// From `q` to the process's exit.
    quit_ms: Option<f64>,
}

/// One workbench in a pty.
struct Bench {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Bench {
    fn start(db: &str, index: usize, home: &std::path::Path) -> Result<Bench, String> {
        let reviewer = format!("r{index}");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| e.to_string())?;
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(["--db", db, "--reviewer", &reviewer]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home);
        let child = pty.slave.spawn_command(cmd).map_err(|e| e.to_string())?;
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().map_err(|e| e.to_string())?;
        let keys = pty.master.take_writer().map_err(|e| e.to_string())?;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let nz = |n: u16| std::num::NonZeroU16::new(n).ok_or("zero size");
        let mut bench = Bench {
            parser: vt100::Parser::new(nz(40)?, nz(120)?, 0),
            output: rx,
            keys,
            child,
            _master: pty.master,
        };
        bench.wait(Duration::from_secs(30), |t| t.contains("┌ SEED-"))?;
        // Hold a contest of its own: quitting must release it.
        bench.send(&"jj".repeat(index));
        bench.send("t");
        bench.wait(Duration::from_secs(10), |t| t.contains("You hold"))?;
        Ok(bench)
    }

    fn send(&mut self, keys: &str) {
        let _ = self.keys.write_all(keys.as_bytes());
        let _ = self.keys.flush();
    }

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    fn wait(&mut self, limit: Duration, want: impl Fn(&str) -> bool) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        while !want(&self.text()) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("timed out; screen:\n{}", self.text()));
            }
            if let Ok(bytes) = self
                .output
                .recv_timeout(left.min(Duration::from_millis(20)))
            {
                self.parser.process(&bytes);
            }
        }
        Ok(())
    }

    /// The claim the preview shows.
    fn previewed(&self) -> Option<String> {
        let text = self.text();
        let at = text.find("┌ SEED-").or_else(|| text.find("┌ LOAD-"))?;
        let id: String = text[at + "┌ ".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        Some(id)
    }

    fn work(mut self, index: usize, total: &str, orders: Receiver<Order>, tx: Sender<Report>) {
        let mut report = Report {
            index,
            keys: Vec::new(),
            count_seen: None,
            quit_ms: None,
        };
        let counted = format!("All {total}");
        let mut down = true;
        loop {
            if orders.try_recv().is_ok() {
                let sent = Instant::now();
                self.send("q");
                let deadline = sent + Duration::from_secs(10);
                while Instant::now() < deadline {
                    while let Ok(bytes) = self.output.try_recv() {
                        self.parser.process(&bytes);
                    }
                    if let Ok(Some(_)) = self.child.try_wait() {
                        report.quit_ms = Some(sent.elapsed().as_secs_f64() * 1000.0);
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
                break;
            }
            let before = self.previewed();
            let sent = Instant::now();
            self.send(if down { "j" } else { "k" });
            down = !down;
            let moved = self.wait(Duration::from_secs(5), |t| {
                let at = t.find("┌ SEED-").or_else(|| t.find("┌ LOAD-"));
                let now = at.map(|a| {
                    t[a + "┌ ".len()..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect::<String>()
                });
                now.is_some() && now != before
            });
            let ms = sent.elapsed().as_secs_f64() * 1000.0;
            report
                .keys
                .push((sent, if moved.is_ok() { ms } else { 5000.0 }));
            if report.count_seen.is_none() && self.text().contains(&counted) {
                report.count_seen = Some(Instant::now());
            }
            let pause = Instant::now() + Duration::from_millis(100);
            while Instant::now() < pause {
                if let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(5)) {
                    self.parser.process(&bytes);
                }
                if report.count_seen.is_none() && self.text().contains(&counted) {
                    report.count_seen = Some(Instant::now());
                }
            }
        }
        let _ = tx.send(report);
    }
}
