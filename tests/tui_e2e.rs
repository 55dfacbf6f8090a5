//! End to end: the real binary in a pseudo-terminal at 80x24 (vt100 as the terminal), on a SQLite
//! store filled through the library. Types keys like a new reviewer would and reads the screen;
//! checks that quitting leaves the alternate screen and exits 0.

use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use claimdesk::domain::{
    Activity, Claim, Comment, Customer, Partner, PoeItem, PurchaseChannel, SolutionArea, Status,
    Visibility,
};
use claimdesk::store::{Audit, AuditMode, ImportBatch, Store};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

const PARTNERS: [(&str, &str); 5] = [
    ("Contoso Consulting", "1000001"),
    ("Fabrikam Partners", "2000002"),
    ("Northwind Traders", "3000003"),
    ("Adatum Solutions", "4000004"),
    ("Tailspin Advisory", "5000005"),
];

/// `n` claims submitted over the last two weeks, some competing for the same customer.
pub fn claims(n: usize) -> ImportBatch {
    let now = Utc::now();
    let mut batch = ImportBatch::default();
    for i in 0..n {
        let (name, mpn) = PARTNERS[i % PARTNERS.len()];
        let business = i % 3 != 2;
        let customer = i / 2;
        let claim = Claim {
            claim_id: format!("CPOR-{:05}", i + 1),
            partner: Partner {
                name: name.into(),
                mpn_id: mpn.into(),
            },
            customer: Customer {
                tenant_id: uuid::Uuid::from_u128(0x6f1c_2a4e_0000 + customer as u128),
                domain: format!("customer{customer}.onmicrosoft.com"),
            },
            solution_area: if business {
                SolutionArea::BusinessApplications
            } else {
                SolutionArea::Microsoft365
            },
            activity: if business && i % 2 == 0 {
                Activity::Presales
            } else {
                Activity::Usage
            },
            product: if business {
                "Dynamics 365 Sales".into()
            } else {
                "Exchange Online".into()
            },
            subscription_id: business.then(|| uuid::Uuid::from_u128(i as u128 + 7).to_string()),
            purchase_channel: if i % 7 == 3 {
                PurchaseChannel::Csp
            } else {
                PurchaseChannel::VolumeLicensing
            },
            submitted_at: now - TimeDelta::days(14) + TimeDelta::minutes(77 * i as i64),
            status: if i % 11 == 5 {
                Status::InfoRequested
            } else {
                Status::UnderReview
            },
            poe: vec![PoeItem {
                kind: "statement_of_work".into(),
                date: (now - TimeDelta::days(30)).date_naive(),
                summary: format!("Deployment workshop run by {name}"),
                by: format!("J. Smith ({name})"),
                attachment: format!("sow-{i}.pdf"),
            }],
            comments: vec![
                Comment {
                    author: "bob".into(),
                    visibility: Visibility::Partner,
                    body: "Please send the signed statement of work.".into(),
                    at: now - TimeDelta::days(3),
                },
                Comment {
                    author: "carol".into(),
                    visibility: Visibility::Internal,
                    body: "Competing claim looks stronger.".into(),
                    at: now - TimeDelta::days(2),
                },
            ],
        };
        batch.claims.push((i + 1, claim));
    }
    batch
}

/// Opens a SQLite store at `path` and fills it with `n` claims.
pub async fn seed(path: &std::path::Path, n: usize) -> String {
    let url = format!("sqlite:{}", path.display());
    seed_url(&url, n).await;
    url
}

/// Opens the store at `url` and fills it with `n` claims.
pub async fn seed_url(url: &str, n: usize) {
    let store = Store::open(url).await.expect("open store");
    let audit = Audit {
        actor: "test".into(),
        mode: AuditMode::PerClaim,
    };
    store.import(&claims(n), &audit).await.expect("import");
}

/// A vt100 terminal of 24 rows by 80 columns.
fn parser() -> vt100::Parser {
    let rows = std::num::NonZeroU16::new(24).unwrap();
    let cols = std::num::NonZeroU16::new(80).unwrap();
    vt100::Parser::new(rows, cols, 0)
}

/// The terminal: a vt100 parser fed by the pty's output.
struct Screen {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `want` is true of the screen text, or fails after 10 s.
    fn wait_for(&mut self, what: &str, want: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !want(&self.text()) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .output
                .recv_timeout(left.min(Duration::from_millis(100)))
            {
                Ok(bytes) => self.parser.process(&bytes),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.text()),
            }
        }
    }

    fn drain(&mut self) {
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(50)) {
            self.parser.process(&bytes);
        }
    }
}

/// The binary running in an 80x24 pseudo-terminal, with the screen it draws and its keyboard.
struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    screen: Screen,
    keys: Box<dyn Write + Send>,
}

impl Session {
    /// Starts claimdesk on `url` as alice with `TERM=term`, isolated from the caller's config.
    fn launch(url: &str, home: &std::path::Path, term: &str) -> Session {
        Session::launch_with(url, home, term, &[])
    }

    /// `launch` with more environment variables.
    fn launch_with(url: &str, home: &std::path::Path, term: &str, env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_claimdesk"));
        cmd.args(["--db", url, "--reviewer", "alice"]);
        cmd.env("TERM", term);
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home);
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("CLAIMDESK_CONFIG");
        cmd.env_remove("CLAIMDESK_DATABASE_URL");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let keys = pty.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            screen: Screen {
                parser: parser(),
                output: rx,
            },
            keys,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_reviewer_moves_filters_opens_a_claim_reads_help_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 250).await;

    let Session {
        mut child,
        mut screen,
        mut keys,
    } = Session::launch(&url, dir.path(), "xterm-256color");
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
    };

    // The queue, with counts, countdowns and the first claim previewed.
    screen.wait_for("the queue", |t| {
        t.contains("Under review") && t.contains("CPOR-00001") && t.contains("┌ CPOR-00001")
    });
    assert!(screen.parser.screen().alternate_screen());
    let text = screen.text();
    assert!(text.contains("✗ -"), "old claims show as overdue:\n{text}");

    // Another reviewer takes a claim: the counts follow without a key press.
    let other = Store::open(&url).await.unwrap();
    other
        .take(&["CPOR-00002".to_string()], "alice", TimeDelta::minutes(30))
        .await
        .unwrap();
    screen.wait_for("the change from another session", |t| t.contains("Mine 1 "));

    // Move down: the preview follows the cursor.
    send("jj");
    screen.wait_for("the third claim previewed", |t| t.contains("┌ CPOR-00003"));

    // Filter as you type.
    send("/Tailspin");
    screen.wait_for("the filtered queue", |t| {
        t.contains("Filter: /Tailspin") && t.contains("46 matches") && !t.contains("Contoso")
    });
    send("\r");
    // Open the claim under the cursor: its findings, PoE and comments.
    send("\r");
    screen.wait_for("the claim's detail", |t| {
        t.contains("Claim CPOR-00005 · Tailspin Advisory") && t.contains("Findings (")
    });
    send("G");
    screen.wait_for("the end of the claim", |t| {
        t.contains("[INTERNAL]") && t.contains("[PARTNER-VISIBLE]")
    });
    send("q");
    screen.wait_for("back on the queue", |t| t.contains("Filter: /Tailspin"));
    send("\x1b");
    screen.wait_for("the filter cleared", |t| {
        t.contains("/ filter") && t.contains("Contoso")
    });

    // Paging past the first window reads more from the store.
    for _ in 0..12 {
        send("\x1b[6~");
    }
    screen.wait_for("a later claim", |t| t.contains("145/227"));
    send("G");
    screen.wait_for("the last claim", |t| t.contains("┌ CPOR-00250"));

    // Help, generated from the keymap.
    send("?");
    screen.wait_for("help", |t| {
        t.contains("Help") && t.contains("Keys here: Queue") && t.contains("Move down")
    });
    send("\x1b");
    screen.wait_for("help closed", |t| !t.contains("Keys here"));

    // Switch theme: said in the status bar.
    send("T");
    screen.wait_for("the next theme", |t| t.contains("Theme: light"));

    send("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "claimdesk did not quit");
        std::thread::sleep(Duration::from_millis(20));
    };
    screen.drain();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        !screen.parser.screen().alternate_screen(),
        "the alternate screen was left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 5).await;
    let Session {
        mut child,
        mut screen,
        keys: _keys,
    } = Session::launch(&url, dir.path(), "screen");
    screen.wait_for("the queue", |t| t.contains("CPOR-00001"));
    let pid = child.process_id().expect("pid");
    std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "claimdesk ignored SIGHUP");
        std::thread::sleep(Duration::from_millis(20));
    }
    screen.drain();
    assert!(!screen.parser.screen().alternate_screen());
}

/// Not a test: fills a store for trying the TUI by hand (`sqlite:PATH` or `postgres://...`).
/// `CLAIMDESK_SEED=sqlite:/tmp/try.db cargo test --test tui_e2e -- --ignored seed_a_store`
#[tokio::test]
#[ignore]
async fn seed_a_store() {
    let url = std::env::var("CLAIMDESK_SEED").expect("CLAIMDESK_SEED=URL");
    let n = std::env::var("CLAIMDESK_SEED_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400);
    seed_url(&url, n).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_keys_or_theme_fail_before_the_terminal_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 1).await;
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys]\ndwn = \"j\"\n").unwrap();
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimdesk"))
            .args(["--db", &url, "--reviewer", "alice"])
            .args(extra)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env_remove("CLAIMDESK_CONFIG")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(!stdout.contains("\x1b[?1049h"), "the terminal was touched");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let err = run(&["--config", config.to_str().unwrap()]);
    assert!(err.contains("unknown action \"dwn\""), "{err}");
    let err = run(&["--theme", "neon"]);
    assert!(err.contains("unknown theme \"neon\""), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn n_takes_the_next_claim_and_its_row_shows_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let Session {
        mut child,
        mut screen,
        mut keys,
    } = Session::launch(&url, dir.path(), "xterm-256color");
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
    };
    // Nobody is registered: the status bar says so.
    screen.wait_for("the queue", |t| {
        t.contains("┌ CPOR-00001") && t.contains("alice · single-reviewer mode")
    });

    // bob (another session) holds the most urgent claim: `n` skips it.
    let other = Store::open(&url).await.unwrap();
    other
        .take(&["CPOR-00001".to_string()], "bob", TimeDelta::minutes(30))
        .await
        .unwrap();
    screen.wait_for("bob's hold", |t| {
        t.lines()
            .any(|l| l.contains("CPOR-00001") && l.contains("@bob"))
    });

    // `n` takes the next free claim and opens it; back on the queue its row shows the hold.
    send("n");
    screen.wait_for("the claim taken and opened", |t| {
        t.contains("Claim CPOR-00002") && t.contains("Held by       alice until")
    });
    send("q");
    screen.wait_for("its row", |t| {
        t.lines()
            .any(|l| l.contains("CPOR-00002") && l.contains("@alice"))
    });
    send("j");
    screen.wait_for("CPOR-00002 selected", |t| t.contains("┌ CPOR-00002"));
    let held = other.claim("CPOR-00002").await.unwrap().unwrap();
    assert_eq!(held.holder(Utc::now()), Some("alice"));

    // Releasing it frees the row.
    send("u");
    screen.wait_for("the release", |t| {
        t.contains("Released CPOR-00002")
            && t.lines()
                .any(|l| l.contains("CPOR-00002") && !l.contains("@alice"))
    });

    send("q");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "claimdesk did not quit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status:?}");
}

impl Session {
    /// Launched as `launch` does, on the queue with its first claim previewed.
    fn started(url: &str, home: &std::path::Path) -> Session {
        let mut s = Session::launch(url, home, "xterm-256color");
        s.screen
            .wait_for("the queue", |t| t.contains("┌ CPOR-00001"));
        s
    }

    fn send(&mut self, s: &str) {
        self.keys.write_all(s.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// SIGHUP (a dropped connection), and waits for the program to end.
    fn hang_up(&mut self) {
        let pid = self.child.process_id().expect("pid").to_string();
        std::process::Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap();
        self.wait_exit();
    }

    /// Opens the first claim and its comment editor.
    fn comment_on_the_first_claim(&mut self) {
        self.send("\r");
        self.screen
            .wait_for("the detail", |t| t.contains("Claim CPOR-00001"));
        self.send("m");
        self.screen
            .wait_for("the editor", |t| t.contains("Comment on CPOR-00001"));
    }

    /// Waits up to 10 s for the program to end; returns whether it exited 0.
    fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.screen.drain();
                return status.success();
            }
            assert!(Instant::now() < deadline, "claimdesk did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Audit events whose kind is `code`.
async fn events_of(store: &Store, code: &str) -> usize {
    store
        .audit(None, None, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind.code() == code)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_a_and_text_lands_in_the_intended_claims_editor_and_takes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let mut s = Session::started(&url, dir.path());
    s.send("\r");
    s.screen
        .wait_for("the detail", |t| t.contains("Claim CPOR-00001 · Contoso"));
    // One burst: approve, then the reason (with letters that are commands elsewhere).
    s.send("anttt quick reason");
    s.screen.wait_for("the reason editor of CPOR-00001", |t| {
        t.contains("Reason 1 of 2: approve CPOR-00001") && t.contains("nttt quick reason")
    });
    let store = Store::open(&url).await.unwrap();
    assert_eq!(events_of(&store, "taken").await, 0, "nothing was taken");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_3_kb_paste_in_the_queue_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let store = Store::open(&url).await.unwrap();
    let before = store.last_event_id().await.unwrap();
    let mut s = Session::started(&url, dir.path());
    let notes = "tnu Notes from the call: n t u x a r. ".repeat(80);
    assert!(notes.len() >= 3000);
    s.send(&format!("\x1b[200~{notes}\x1b[201~"));
    s.screen
        .wait_for("the paste refused", |t| t.contains("Pasted text ignored"));
    assert_eq!(store.last_event_id().await.unwrap(), before, "no event");
    s.send("q");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn holds_end_with_the_session_on_quit_and_on_sighup() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let store = Store::open(&url).await.unwrap();
    for hangup in [false, true] {
        let mut s = Session::launch(&url, dir.path(), "xterm-256color");
        s.screen
            .wait_for("the queue", |t| t.contains("┌ CPOR-00001"));
        s.send("t");
        s.screen
            .wait_for("the hold", |t| t.contains("You hold CPOR-00001"));
        let held = store.claim("CPOR-00001").await.unwrap().unwrap();
        assert_eq!(held.holder(Utc::now()), Some("alice"));
        if hangup {
            s.hang_up();
        } else {
            s.send("q");
            assert!(s.wait_exit());
        }
        let view = store.claim("CPOR-00001").await.unwrap().unwrap();
        assert_eq!(view.holder(Utc::now()), None, "released (SIGHUP: {hangup})");
        for id in &view.competing_claim_ids {
            let other = store.claim(id).await.unwrap().unwrap();
            assert_eq!(other.holder(Utc::now()), None, "{id} released too");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_l_removes_stray_output() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let mut s = Session::started(&url, dir.path());
    // Another program wrote over the screen (a `wall`, a background job).
    s.screen
        .parser
        .process(b"\x1b[6;10HSTRAY OUTPUT FROM SOMEONE ELSE\x1b[12;3Hmore stray");
    assert!(s.screen.text().contains("STRAY OUTPUT"));
    s.send("\x0c");
    s.screen.wait_for("a clean screen", |t| {
        !t.contains("STRAY") && !t.contains("more stray") && t.contains("┌ CPOR-00001")
    });
    s.send("q");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cursor_stays_on_its_claim_when_a_row_above_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let mut s = Session::started(&url, dir.path());
    s.send("jjjj");
    s.screen
        .wait_for("CPOR-00005 selected", |t| t.contains("┌ CPOR-00005"));
    // Another reviewer withdraws CPOR-00002: it leaves Under review, above the cursor.
    let other = Store::open(&url).await.unwrap();
    let version = other.claim("CPOR-00002").await.unwrap().unwrap().version;
    let request = claimdesk::store::DecisionRequest {
        seen: claimdesk::store::Seen {
            claim_id: "CPOR-00002".into(),
            version,
        },
        outcome: claimdesk::domain::DecisionOutcome::Withdrawn,
        reason: "Partner request".into(),
    };
    other.decide(&[request], "bob").await.unwrap();
    s.screen.wait_for("the row gone, the cursor kept", |t| {
        t.contains("bob withdrew CPOR-00002") && t.contains("┌ CPOR-00005")
    });
    s.send("\r");
    s.screen
        .wait_for("the same claim opened", |t| t.contains("Claim CPOR-00005"));
    s.send("\x03");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_e_edits_the_text_in_editor() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 5).await;
    let script = dir.path().join("fake-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf 'Written in the editor' >> \"$1\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", script.to_str().unwrap()])
        .status()
        .unwrap();
    let editor = script.to_str().unwrap();
    let mut s = Session::launch_with(
        &url,
        dir.path(),
        "xterm-256color",
        &[("EDITOR", editor), ("VISUAL", "")],
    );
    s.screen
        .wait_for("the queue", |t| t.contains("┌ CPOR-00001"));
    s.comment_on_the_first_claim();
    s.send("Typed here. ");
    s.screen
        .wait_for("the typed text", |t| t.contains("Typed here."));
    s.send("\x05");
    s.screen.wait_for("the editor's text back", |t| {
        t.contains("Typed here. Written in the editor") && t.contains("Comment on CPOR-00001")
    });
    s.send("\x03");
    assert!(s.wait_exit());
}

/// A three-party contest: Müller IT (MULLER-1), Société Générale Conseil (SG-2), 株式会社フジ
/// (FUJI-3), all for one customer and product that Wingtip Toys (7000009) already holds.
async fn contest_store(path: &std::path::Path) -> String {
    let url = format!("sqlite:{}", path.display());
    let mut batch = claims(3);
    for (i, (id, name, mpn)) in [
        ("MULLER-1", "Müller IT", "7000001"),
        ("SG-2", "Société Générale Conseil", "7000002"),
        ("FUJI-3", "株式会社フジ", "7000003"),
    ]
    .into_iter()
    .enumerate()
    {
        let claim = &mut batch.claims[i].1;
        claim.claim_id = id.into();
        claim.partner.name = name.into();
        claim.partner.mpn_id = mpn.into();
        claim.customer = batch_customer();
        claim.product = "Dynamics 365 Sales".into();
        claim.poe[0].attachment = format!("{id}-sow.pdf");
        claim.status = Status::UnderReview;
    }
    // Wingtip Toys (7000009) already holds the association: the incumbent.
    batch.mpns.push(claimdesk::domain::Mpn {
        mpn_id: "7000009".into(),
        partner: "Wingtip Toys".into(),
        enrolled: true,
        partner_type: None,
        partner_id: None,
    });
    batch.associations.push(claimdesk::domain::Association {
        tenant_id: batch_customer().tenant_id,
        product: "Dynamics 365 Sales".into(),
        mpn_id: "7000009".into(),
        claim_id: None,
    });
    let store = Store::open(&url).await.unwrap();
    let audit = Audit {
        actor: "test".into(),
        mode: AuditMode::PerClaim,
    };
    store.import(&batch, &audit).await.unwrap();
    url
}

fn batch_customer() -> Customer {
    Customer {
        tenant_id: uuid::Uuid::from_u128(0x7e57),
        domain: "fujicustomer.onmicrosoft.com".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_guard_catches_names_typed_plainly_japanese_names_claim_ids_attachments_and_the_incumbent(
) {
    let dir = tempfile::tempdir().unwrap();
    let url = contest_store(&dir.path().join("claims.db")).await;
    let mut s = Session::launch(&url, dir.path(), "xterm-256color");
    s.screen.wait_for("the queue", |t| t.contains("MULLER-1"));
    s.screen
        .wait_for("the first claim previewed", |t| t.contains("┌ MULLER-1"));
    let cases = [
        (
            "Muller IT and Societe Generale Conseil asked too.",
            "names another party: Société",
        ),
        ("株式会社フジの提案書と比べてください。", "株式会社フジ"),
        ("See what sg-2 sent.", "claim id: SG-2"),
        ("Like SG-2-sow.pdf, please.", "attachment of Société"),
        (
            "Wingtip toys did this already.",
            "names another party: Wingtip Toys",
        ),
    ];
    // MULLER-1 is asked; the others must not be given away (naming itself is fine).
    for (text, warned) in cases {
        s.send("c");
        s.screen.wait_for("compare", |t| t.contains("▶Müller IT"));
        s.send("r");
        s.screen.wait_for("the scope prompt", |t| {
            t.contains("Request information from")
        });
        s.send("o");
        s.screen.wait_for("the editor", |t| {
            t.contains("Request for information · MULLER-1")
        });
        s.send(&format!("\x1b[200~{text}\x1b[201~"));
        s.send("\x13");
        s.screen.wait_for(warned, |t| {
            t.contains("Confidentiality: send this partner-visible text?") && t.contains(warned)
        });
        s.send("n");
        s.send("\x1b");
        s.screen
            .wait_for("asked to discard", |t| t.contains("Discard the text?"));
        s.send("y");
        s.send("q");
        s.screen.wait_for("the queue", |t| t.contains("┌ MULLER-1"));
    }
    let store = Store::open(&url).await.unwrap();
    assert_eq!(
        events_of(&store, "info_requested").await,
        0,
        "nothing was sent"
    );
    s.send("q");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn text_typed_just_before_sighup_is_kept_as_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 5).await;
    let mut s = Session::started(&url, dir.path());
    s.comment_on_the_first_claim();
    s.send("Typed a moment before the line dropped");
    s.screen.wait_for("the text", |t| {
        t.contains("Typed a moment before the line dropped")
    });
    // Well inside the 500 ms draft debounce.
    s.hang_up();

    let mut s = Session::started(&url, dir.path());
    s.send("\rm");
    s.screen.wait_for("the draft back", |t| {
        t.contains("Draft restored") && t.contains("Typed a moment before the line dropped")
    });
    s.send("\x03");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_filter_finds_names_typed_plainly_and_japanese_names_inside_text() {
    let dir = tempfile::tempdir().unwrap();
    let url = contest_store(&dir.path().join("claims.db")).await;
    let mut s = Session::launch(&url, dir.path(), "xterm-256color");
    s.screen.wait_for("the queue", |t| {
        t.contains("┌ MULLER-1") && t.contains("FUJI-3")
    });
    s.send("/mul");
    s.screen.wait_for("Müller found by \"mul\"", |t| {
        t.contains("Filter: /mul")
            && t.contains("1 match")
            && t.contains("MULLER-1")
            && !t.contains("SG-2")
            && !t.contains("FUJI-3")
    });
    // Ctrl-U clears the filter text; "societe" finds Société Générale.
    s.send("\x15societe");
    s.screen.wait_for("Société found by \"societe\"", |t| {
        t.contains("Filter: /societe") && t.contains("SG-2") && !t.contains("MULLER-1")
    });
    s.send("\x15フジ");
    s.screen.wait_for("株式会社フジ found by フジ", |t| {
        t.contains("FUJI-3") && !t.contains("MULLER-1") && !t.contains("SG-2")
    });
    s.send("\x1b");
    s.screen.wait_for("the filter cleared", |t| {
        t.contains("MULLER-1") && t.contains("SG-2")
    });
    s.send("q");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sort_and_tab_are_remembered_for_the_next_session() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 10).await;
    let mut s = Session::started(&url, dir.path());
    s.send("sS5");
    s.screen.wait_for("Mine, newest first reversed", |t| {
        t.contains("Sort: newest first (reversed)") && t.contains("No claims in Mine.")
    });
    s.send("q");
    assert!(s.wait_exit());

    let mut s = Session::launch(&url, dir.path(), "xterm-256color");
    s.screen.wait_for("the same tab and sort", |t| {
        t.contains("Sort: newest first (reversed)") && t.contains("No claims in Mine.")
    });
    s.send("q");
    assert!(s.wait_exit());
}

/// One reviewer in two workbenches writing the same comment: the second to save is asked
/// which text to keep, and the first, saving after that, is asked in turn, even though its
/// text reads as it did (drafts are compared by version, not by text).
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_changed_in_another_workbench_asks_which_text_to_keep() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 5).await;
    let mut a = Session::started(&url, dir.path());
    let mut b = Session::started(&url, dir.path());
    a.comment_on_the_first_claim();
    b.comment_on_the_first_claim();
    a.send("from A");
    a.screen.wait_for("A's draft saved", |t| {
        t.contains("from A") && t.contains("draft saved")
    });
    b.send("from B");
    b.screen.wait_for("B asked", |t| {
        t.contains("This draft was changed in another session")
            && t.contains("There it reads: \"from A\"")
            && t.contains("draft NOT saved: changed in another session")
    });
    b.send("y");
    b.screen.wait_for("B's text kept and saved", |t| {
        t.contains("from B") && t.contains("draft saved") && !t.contains("There it reads")
    });
    // A types and takes it back: the same text as before, but the draft moved on meanwhile.
    a.send("!\x7f");
    a.screen
        .wait_for("A asked", |t| t.contains("There it reads: \"from B\""));
    a.send("n");
    a.screen.wait_for("A took B's text", |t| {
        t.contains("from B") && !t.contains("from A") && !t.contains("There it reads")
    });
    let store = Store::open(&url).await.unwrap();
    let draft = store.draft("alice", "comment:CPOR-00001").await.unwrap();
    assert_eq!(draft.map(|d| d.body), Some("from B".to_string()));
    a.send("\x03");
    b.send("\x03");
    assert!(a.wait_exit());
    assert!(b.wait_exit());
}

/// A workbench killed outright (SIGKILL: no goodbye, nothing saved at the end) still opens the
/// next time with the sort, its direction and the tab it had: each is saved as it changes.
#[tokio::test(flavor = "multi_thread")]
async fn the_sort_and_tab_survive_a_killed_workbench() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 10).await;
    let mut s = Session::started(&url, dir.path());
    s.send("sS");
    s.screen.wait_for("newest first, reversed", |t| {
        t.contains("Sort: newest first (reversed)")
    });
    s.send("5");
    s.screen
        .wait_for("the Mine tab", |t| t.contains("No claims in Mine."));
    let store = Store::open(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.preferences("alice").await.unwrap().tab != Some(claimdesk::model::QueueTab::Mine) {
        assert!(Instant::now() < deadline, "the tab was never saved");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = s.child.process_id().expect("pid");
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "claimdesk survived SIGKILL");
        std::thread::sleep(Duration::from_millis(20));
    }

    let mut s = Session::launch(&url, dir.path(), "xterm-256color");
    s.screen.wait_for("the same tab and sort", |t| {
        t.contains("Sort: newest first (reversed)") && t.contains("No claims in Mine.")
    });
    s.send("q");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn d_opens_the_dashboard_and_enter_lists_the_claims_behind_a_bar() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 250).await;
    let mut s = Session::started(&url, dir.path());
    s.send("D");
    s.screen.wait_for("the dashboard", |t| {
        t.contains("SLA now") && t.contains("▶ Under review · on time: ")
    });
    // Two bars right: the breached claims under review.
    s.send("ll");
    s.screen.wait_for("the breached bar", |t| {
        t.contains("▶ Under review · breached: ")
    });
    let text = s.screen.text();
    let n: String = text
        .split("▶ Under review · breached: ")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    assert!(!n.is_empty() && n != "0", "a breached count:\n{text}");
    s.send("\r");
    s.screen.wait_for("the bar's claims in the queue", |t| {
        t.contains("Dashboard: breached (Esc: all)")
            && t.contains(&format!("1/{n}"))
            && t.contains("┌ CPOR-")
    });
    // Every claim listed is overdue (no claim on time or in warning); Esc shows the whole tab.
    let text = s.screen.text();
    assert!(
        text.contains("✗ -") && !text.contains("✓ ") && !text.contains("! "),
        "{text}"
    );
    s.send("\x1b");
    s.screen.wait_for("the whole tab", |t| {
        !t.contains("Dashboard:") && t.contains("Under review")
    });
    s.send("\x03");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn enter_on_a_week_s_decided_bar_lists_the_claims_decided_that_week() {
    use claimdesk::domain::DecisionOutcome;
    use claimdesk::store::{DecisionRequest, Seen};
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 40).await;
    let store = Store::open(&url).await.unwrap();
    let mut decisions = Vec::new();
    for id in ["CPOR-00002", "CPOR-00003", "CPOR-00004"] {
        let version = store.claim(id).await.unwrap().unwrap().version;
        decisions.push(DecisionRequest {
            seen: Seen {
                claim_id: id.into(),
                version,
            },
            outcome: DecisionOutcome::Rejected,
            reason: "Not their customer.".into(),
        });
    }
    store.decide(&decisions, "ann").await.unwrap();
    drop(store);
    let mut s = Session::started(&url, dir.path());
    s.send("D");
    s.screen.wait_for("the dashboard", |t| {
        t.contains("▶ Under review · on time: ")
    });
    // The weeks' chart, last bar (this week's overturned), then three left: this week's decided.
    s.send("3Ghhh");
    s.screen
        .wait_for("this week's decided bar", |t| t.contains(" · decided: 3  "));
    s.send("\r");
    s.screen.wait_for("the decided claims in the queue", |t| {
        t.contains("Dashboard: decided in the week of")
            && t.contains("All 3 ")
            && t.contains("CPOR-00004")
    });
    let text = s.screen.text();
    for id in ["CPOR-00002", "CPOR-00003", "CPOR-00004"] {
        assert!(text.contains(id), "{id}:\n{text}");
    }
    s.send("\x1b");
    s.screen.wait_for("the whole tab", |t| {
        !t.contains("Dashboard:") && t.contains("All 40")
    });
    s.send("\x03");
    assert!(s.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_reply_imported_by_another_process_brings_the_claim_back_under_review() {
    let dir = tempfile::tempdir().unwrap();
    let url = seed(&dir.path().join("claims.db"), 30).await;
    let mut s = Session::started(&url, dir.path());
    // bob asks the partner of CPOR-00001 for more: it leaves Under review.
    let other = Store::open(&url).await.unwrap();
    let version = other.claim("CPOR-00001").await.unwrap().unwrap().version;
    other
        .request_info(
            &[claimdesk::store::InfoRequest {
                seen: claimdesk::store::Seen {
                    claim_id: "CPOR-00001".into(),
                    version,
                },
                body: "Please send the signed SOW".into(),
            }],
            "bob",
        )
        .await
        .unwrap();
    // A queue row (not the status bar's news) of CPOR-00001.
    let row = |l: &str| l.contains(" CPOR-00001 ") && (l.starts_with("  ") || l.starts_with('▶'));
    s.screen.wait_for("the claim gone from Under review", |t| {
        t.contains("bob asked the partner for information on CPOR-00001") && !t.lines().any(row)
    });
    // The partner's reply comes in through `claimdesk import` run by another process.
    let feed = dir.path().join("feed.jsonl");
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::fs::write(
        &feed,
        format!(
            r#"{{"type":"reply","claim_id":"CPOR-00001","reply_id":"R-1","at":"{at}","body":"Signed SOW attached"}}"#
        ),
    )
    .unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_claimdesk"))
        .args(["--db", &url, "import"])
        .arg(&feed)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env_remove("CLAIMDESK_CONFIG")
        .env_remove("CLAIMDESK_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    s.screen.wait_for("the news and the counts", |t| {
        t.contains("partner:1000001 replied on CPOR-00001") && t.contains("Review 27 │")
    });
    // Back at the top of Under review (the cursor stayed on its own claim meanwhile), and its
    // thread shows the reply as the partner's.
    s.send("g");
    s.screen.wait_for("CPOR-00001 back in the list", |t| {
        t.lines().any(row) && t.contains("┌ CPOR-00001")
    });
    s.send("\r");
    s.screen.wait_for("the detail", |t| {
        t.contains("Claim CPOR-00001") && t.contains("Findings (")
    });
    s.send(&"j".repeat(40));
    s.screen.wait_for("the partner's reply", |t| {
        t.contains("[FROM PARTNER]") && t.contains("Signed SOW attached")
    });
    s.send("\x03");
    assert!(s.wait_exit());
}
