//! End to end, as a reviewer arbitrates: claims imported with `claimdesk import`, the TUI in a
//! pseudo-terminal (vt100 as the terminal) at 80x24, a contest compared, both parties asked for
//! more information, one approved and the other rejected, then `claimdesk export` shows exactly
//! that. A second test kills the TUI with SIGKILL mid-typing and finds the draft on reopening.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const TENANT: &str = "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60";

fn claim_line(id: &str, partner: &str, mpn: &str, product: &str, poe: &str, day: u32) -> String {
    serde_json::json!({
        "type": "claim",
        "claim_id": id,
        "partner": {"name": partner, "mpn_id": mpn},
        "customer": {"tenant_id": TENANT, "domain": "contosopharma.onmicrosoft.com"},
        "solution_area": "business_applications",
        "activity": "presales",
        "product": product,
        "subscription_id": null,
        "purchase_channel": "volume_licensing",
        "submitted_at": format!("2026-11-{day:02}T09:00:00Z"),
        "poe": [{"kind": "workshop", "date": format!("2026-10-{day:02}"), "summary": poe,
                 "by": partner, "attachment": format!("{id}.pdf")}],
        "comments": []
    })
    .to_string()
}

/// A store with one two-party contest and one lone claim, imported through the CLI.
fn store(dir: &Path) -> String {
    let url = format!("sqlite:{}", dir.join("claims.db").display());
    let file = dir.join("claims.jsonl");
    let lines = [
        claim_line(
            "ARB-1",
            "Contoso Consulting",
            "1000001",
            "Dynamics 365 Sales",
            "Envisioning workshop with the sales leads",
            2,
        ),
        claim_line(
            "ARB-2",
            "Fabrikam Partners",
            "2000002",
            "Dynamics 365 Sales",
            "Pilot deployment for two sales teams",
            3,
        ),
        claim_line(
            "ARB-3",
            "Northwind Traders",
            "3000003",
            "Dynamics 365 Finance",
            "Training sessions",
            4,
        ),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = claimdesk(dir, &["--db", &url, "import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    url
}

fn claimdesk(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_claimdesk"))
        .args(args)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env_remove("CLAIMDESK_CONFIG")
        .env_remove("CLAIMDESK_DATABASE_URL")
        .output()
        .unwrap()
}

/// The TUI in a pty: its screen as vt100 sees it, and its keyboard.
struct Tui {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Tui {
    fn start(dir: &Path, url: &str) -> Tui {
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
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        cmd.env("XDG_CONFIG_HOME", dir);
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("CLAIMDESK_CONFIG");
        cmd.env_remove("CLAIMDESK_DATABASE_URL");
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
        let rows = std::num::NonZeroU16::new(24).unwrap();
        let cols = std::num::NonZeroU16::new(80).unwrap();
        Tui {
            parser: vt100::Parser::new(rows, cols, 0),
            output: rx,
            keys,
            child,
            _master: pty.master,
        }
    }

    fn text(&self) -> String {
        self.parser.screen().contents()
    }

    fn send(&mut self, s: &str) {
        self.keys.write_all(s.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Types text a key at a time, as a person would.
    fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn wait_for(&mut self, what: &str, want: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !want(&self.text()) {
            match self.output.recv_timeout(Duration::from_millis(100)) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("timed out waiting for {what}; screen:\n{}", self.text()),
            }
        }
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "claimdesk did not quit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

const CTRL_S: &str = "\x13";

#[test]
fn compare_ask_both_parties_decide_and_export_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = store(dir.path());
    let mut tui = Tui::start(dir.path(), &url);
    tui.wait_for("the queue", |t| t.contains("ARB-1"));

    // The contested tab, then the two parties side by side.
    tui.send("2");
    tui.wait_for("the contested tab", |t| {
        t.contains("ARB-1") && !t.contains("ARB-3")
    });
    tui.send("c");
    tui.wait_for("the compare view", |t| {
        t.contains("Compare")
            && t.contains("▶Contoso Consulting")
            && t.contains("Fabrikam Partners")
    });

    // Ask both parties for more information, with a typed text.
    tui.send("r");
    tui.wait_for("the scope prompt", |t| {
        t.contains("Request information from")
    });
    tui.send("a");
    tui.wait_for("the editor", |t| {
        t.contains("Request for information · 2 parties")
    });
    tui.type_text("Please send the signed statement of work.");
    tui.send(CTRL_S);
    tui.wait_for("the request sent", |t| {
        t.contains("Information requested from 2")
    });
    tui.wait_for("the statuses reloaded", |t| {
        t.matches("Info requested").count() >= 2
    });

    // Approve Fabrikam; Contoso is rejected in the same decision.
    tui.send("l");
    tui.wait_for("the focus on Fabrikam", |t| {
        t.contains("▶Fabrikam Partners")
    });
    tui.send("a");
    tui.wait_for("the approval reason", |t| {
        t.contains("Reason 1 of 2: approve ARB-2")
    });
    tui.type_text("Most recent signed PoE.");
    tui.send(CTRL_S);
    tui.wait_for("the rejection reason", |t| {
        t.contains("Reason 2 of 2: reject ARB-1") && t.contains("Lost in arbitration")
    });
    tui.send(CTRL_S);
    tui.wait_for("the confirmation", |t| {
        t.contains("Record this decision on 2 claims?")
    });
    // Enter takes the default: No.
    tui.send("\r");
    tui.wait_for("back to the reason", |t| {
        !t.contains("Record this decision")
    });
    tui.send(CTRL_S);
    tui.wait_for("the confirmation again", |t| {
        t.contains("Record this decision")
    });
    tui.send("y");
    tui.wait_for("the decision recorded", |t| {
        t.contains("Decision recorded") && t.contains("ARB-2 · Approved")
    });
    tui.send("q");
    tui.wait_for("the queue", |t| t.contains("Contested"));
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");

    let out = claimdesk(dir.path(), &["--db", &url, "export"]);
    assert!(out.status.success());
    let claims: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_id = |id: &str| claims.iter().find(|c| c["claim_id"] == id).unwrap().clone();
    let (one, two, three) = (by_id("ARB-1"), by_id("ARB-2"), by_id("ARB-3"));
    assert_eq!(one["status"], "rejected");
    assert_eq!(two["status"], "approved");
    assert_eq!(
        three["status"], "under_review",
        "the lone claim is untouched"
    );
    assert_eq!(two["decision"]["reason"], "Most recent signed PoE.");
    assert_eq!(two["decision"]["by"], "alice");
    assert_eq!(
        one["decision"]["reason"],
        "Lost in arbitration to another partner."
    );
    for c in [&one, &two] {
        let comments = c["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 1, "{c}");
        assert_eq!(
            comments[0]["body"],
            "Please send the signed statement of work."
        );
        assert_eq!(comments[0]["visibility"], "partner");
        assert_eq!(comments[0]["author"], "alice");
    }
}

#[test]
fn a_draft_survives_sigkill_mid_typing() {
    let dir = tempfile::tempdir().unwrap();
    let url = store(dir.path());
    let mut tui = Tui::start(dir.path(), &url);
    tui.wait_for("the queue", |t| t.contains("ARB-1"));
    tui.send("\r");
    tui.wait_for("the detail", |t| t.contains("Claim ARB-1 · Contoso"));
    tui.send("m");
    tui.wait_for("the editor", |t| t.contains("Comment on ARB-1"));
    tui.type_text("Checked with the customer's CIO");
    tui.wait_for("the draft saved", |t| t.contains("draft saved"));
    let pid = tui.child.process_id().expect("pid");
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    tui.wait_exit();

    let mut tui = Tui::start(dir.path(), &url);
    tui.wait_for("the queue", |t| t.contains("ARB-1"));
    tui.send("\r");
    tui.wait_for("the detail", |t| t.contains("Claim ARB-1 · Contoso"));
    tui.send("m");
    tui.wait_for("the draft back", |t| {
        t.contains("Draft restored") && t.contains("Checked with the customer's CIO")
    });
    tui.send("\x1b");
    tui.wait_for("asked before losing it", |t| {
        t.contains("Discard the text?")
    });
    tui.send("n");
    tui.send("\x03");
    tui.wait_exit();
}
