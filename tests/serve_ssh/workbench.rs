//! `claimdesk serve` itself (the binary) over a real store, reached with the real OpenSSH client:
//! keys registered with the store's registry, the workbench acting as the key's reviewer, exec,
//! and every way a session ends saving its draft and releasing its holds.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use claimdesk::config::Config;
use claimdesk::store::{Anchor, QueueQuery, QueueSort, QueueTab, Reviewer, Role, Store};

use crate::common::{self, TestStore};
use crate::support::{keygen, ssh, ssh_args, Key, Terminal};

/// A store with the demo claims, a lead (lena) and a reviewer (alice) with registered keys, and
/// `claimdesk serve` running over it on a random port.
pub struct Served {
    pub store: Store,
    pub url: String,
    pub port: u16,
    pub alice: Key,
    pub lena: Key,
    pub mallory: Key,
    child: Child,
    dir: tempfile::TempDir,
    _test: TestStore,
}

impl Served {
    /// On SQLite, or PostgreSQL when it is configured (`None` otherwise).
    pub async fn start(postgres: bool, extra: &[&str]) -> Option<Served> {
        let test = if postgres {
            common::postgres().await?
        } else {
            common::sqlite().await
        };
        let dir = tempfile::tempdir().unwrap();
        let store = test.store.clone();
        claimdesk::demo::load_if_empty(&store, &Config::default(), Utc::now())
            .await
            .unwrap();
        for (login, role) in [("lena", Role::Lead), ("alice", Role::Reviewer)] {
            let r = Reviewer {
                login: login.into(),
                display_name: login.into(),
                role,
                active: true,
            };
            store.add_reviewer(&r, "lena").await.unwrap();
        }
        let alice = keygen(dir.path(), "alice");
        let lena = keygen(dir.path(), "lena");
        let mallory = keygen(dir.path(), "mallory");
        for (key, login) in [(&alice, "alice"), (&lena, "lena")] {
            register(&test.url, dir.path(), key, login);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdesk"))
            .args(["--db", &test.url, "serve", "--listen", "127.0.0.1:0"])
            .arg("--host-key")
            .arg(dir.path().join("host_ed25519"))
            .args(extra)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .env_remove("CLAIMDESK_CONFIG")
            .env_remove("CLAIMDESK_REVIEWER")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let addr = first
            .split("listening on ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        let port = addr.rsplit(':').next().unwrap().parse().unwrap();
        // Keep reading its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Some(Served {
            store,
            url: test.url.clone(),
            port,
            alice,
            lena,
            mallory,
            child,
            dir,
            _test: test,
        })
    }

    /// A reviewer's terminal: `ssh` with `key` in a 100x30 pseudo-terminal.
    pub fn terminal(&self, key: &Key, extra: &[&str]) -> Terminal {
        let mut args = vec!["-tt"];
        args.extend_from_slice(extra);
        Terminal::open(&ssh_args(self.port, key, &args), 100, 30)
    }

    /// `terminal`, with `ssh` run in the environment `env` (`None` removes a variable).
    pub fn terminal_env(
        &self,
        key: &Key,
        extra: &[&str],
        env: &[(&str, Option<&str>)],
    ) -> Terminal {
        let mut args = vec!["-tt"];
        args.extend_from_slice(extra);
        Terminal::open_with_env(&ssh_args(self.port, key, &args), 100, 30, env)
    }

    /// SIGTERM, then how long the server took to exit and whether it exited 0.
    pub fn terminate(&mut self) -> (Duration, bool) {
        let started = Instant::now();
        signal(&self.child, "-TERM");
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (started.elapsed(), status.success());
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "serve ignored SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The claim the queue's cursor starts on (Under review, most urgent first).
    pub async fn first_claim(&self) -> String {
        let page = self
            .store
            .queue_page(&QueueQuery {
                tab: QueueTab::UnderReview,
                sort: QueueSort::Urgency,
                reverse: false,
                filter: String::new(),
                reviewer: "alice".into(),
                anchor: Anchor::First,
                limit: 1,
                behind: None,
            })
            .await
            .unwrap();
        page[0].claim_id.clone()
    }

    pub async fn holder(&self, claim_id: &str) -> Option<String> {
        let view = self.store.claim(claim_id).await.unwrap().unwrap();
        view.holder(Utc::now()).map(str::to_string)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn signal(child: &Child, which: &str) {
    Command::new("kill")
        .args([which, &child.id().to_string()])
        .status()
        .unwrap();
}

/// `claimdesk reviewer key add LOGIN --file KEY.pub`, as lena (the administrator acts for her).
fn register(url: &str, home: &Path, key: &Key, login: &str) {
    let out = claimdesk_cli(
        url,
        home,
        &[
            "--reviewer",
            "lena",
            "reviewer",
            "key",
            "add",
            login,
            "--file",
            key.path.with_extension("pub").to_str().unwrap(),
        ],
    );
    assert!(out.0, "key add: {}", out.2);
    assert!(out.1.contains(&key.fingerprint), "{}", out.1);
}

/// Runs the binary; (success, stdout, stderr).
fn claimdesk_cli(url: &str, home: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_claimdesk"))
        .args(["--db", url])
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env_remove("CLAIMDESK_CONFIG")
        .env_remove("CLAIMDESK_REVIEWER")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Waits up to `within` for `check`; returns how long it took.
async fn within<F, Fut>(within: Duration, what: &str, check: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Both backends where PostgreSQL is configured.
fn backends() -> Vec<bool> {
    let mut out = vec![false];
    if common::pg_base_url().is_some() {
        out.push(true);
    }
    out
}

/// `reviewer key add|list|remove`: a lead's job, audited, one key one reviewer; a reviewer
/// cannot register keys, and a private key or junk is refused with one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_register_list_and_remove_keys_audited() {
    for postgres in backends() {
        let s = Served::start(postgres, &[]).await.unwrap();
        let home = s.dir.path();
        let (ok, out, _) = claimdesk_cli(&s.url, home, &["reviewer", "key", "list"]);
        assert!(ok);
        assert!(out.starts_with("LOGIN"), "{out}");
        assert!(out.contains(&s.alice.fingerprint) && out.contains("ssh-ed25519"));
        // `reviewer key ARGS` as `by`.
        let key = |by: &str, args: &[&str]| {
            let mut all = vec!["--reviewer", by, "reviewer", "key"];
            all.extend_from_slice(args);
            claimdesk_cli(&s.url, home, &all)
        };
        let file = |k: &Key| k.path.with_extension("pub").display().to_string();
        // A plain reviewer may not register a key, not even their own.
        let (ok, _, err) = key("alice", &["add", "alice", "--file", &file(&s.mallory)]);
        assert!(!ok);
        assert!(err.contains("only a lead may register SSH keys"), "{err}");
        // A key signs in one reviewer only.
        let (ok, _, err) = key("lena", &["add", "lena", "--file", &file(&s.alice)]);
        assert!(!ok);
        assert!(err.contains("already registered to alice"), "{err}");
        let private = s.alice.path.display().to_string();
        let (ok, _, err) = key("lena", &["add", "alice", "--file", &private]);
        assert!(!ok);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("private key"), "{err}");
        // Removed by fingerprint: gone from the list, and audited.
        let (ok, out, err) = key("lena", &["remove", &s.lena.fingerprint]);
        assert!(ok, "{err}");
        assert!(out.contains("removed"), "{out}");
        let (_, out, _) = claimdesk_cli(&s.url, home, &["reviewer", "key", "list"]);
        assert!(!out.contains(&s.lena.fingerprint));
        let kinds: Vec<String> = s
            .store
            .audit(None, None, 1000)
            .await
            .unwrap()
            .iter()
            .map(|e| e.kind.code().to_string())
            .collect();
        assert_eq!(kinds.iter().filter(|k| *k == "key_added").count(), 2);
        assert_eq!(kinds.iter().filter(|k| *k == "key_removed").count(), 1);
        let (ok, out, _) = claimdesk_cli(&s.url, home, &["audit", "--verify"]);
        assert!(ok, "{out}");
    }
}

/// A registered key gets the workbench as its reviewer whatever `-l` says; an unregistered key
/// is refused with one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_workbench_is_the_keys_reviewer_whatever_the_user_name() {
    for postgres in backends() {
        let s = Served::start(postgres, &[]).await.unwrap();
        let mut term = s.terminal(&s.alice, &["-l", "lena"]);
        // The status bar: who, in what role, through what (the fingerprint is cut at 100 columns).
        term.wait_screen("alice's workbench", |t| {
            t.contains("alice (reviewer) via ssh key SHA256")
        });
        term.type_bytes(b"q");
        assert_eq!(term.exit_code(Duration::from_secs(10)), 0);

        let (code, stdout, stderr) = ssh(s.port, &s.mallory, &["-T"], &["queue"]).await;
        assert_eq!(code, 255, "{stderr}");
        assert_eq!(stdout, "");
        let told: Vec<&str> = stderr.lines().filter(|l| l.contains("claimdesk")).collect();
        assert_eq!(told.len(), 1, "{stderr}");
        assert!(
            told[0].contains("not registered here")
                && told[0].contains("claimdesk reviewer key add"),
            "{stderr}"
        );
    }
}

/// `ssh HOST queue` prints the queue as the key's reviewer; `audit` names the key; a write is
/// refused over exec.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exec_runs_queue_and_audit_as_the_key_and_refuses_writes() {
    for postgres in backends() {
        let s = Served::start(postgres, &[]).await.unwrap();
        let first = s.first_claim().await;
        let (code, out, err) = ssh(s.port, &s.alice, &["-T"], &["queue", "--tab", "all"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&first), "{out}");
        let (code, out, err) =
            ssh(s.port, &s.alice, &["-T"], &["queue", "--tab", "contested"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("SLA"), "{out}");
        let (code, out, _) = ssh(s.port, &s.alice, &["-T"], &["audit", "--limit", "5000"]).await;
        assert_eq!(code, 0);
        assert!(out.contains("key_added"), "{out}");
        let (code, out, _) = ssh(s.port, &s.alice, &["-T"], &["audit", "--verify"]).await;
        assert_eq!(code, 0);
        assert!(out.contains("audit log intact"), "{out}");
        // The outbox: a lead's (or an integration login's) read, not a reviewer's.
        let (code, out, err) = ssh(s.port, &s.lena, &["-T"], &["outbox", "--limit", "5"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.lines().all(|l| l.starts_with("{\"seq\":")), "{out}");
        let (code, _, err) = ssh(s.port, &s.alice, &["-T"], &["outbox"]).await;
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("only an integration login or a lead"), "{err}");
        let before = s.store.last_event_id().await.unwrap();
        for write in [
            vec!["reviewer", "deactivate", "lena"],
            vec!["import", "-"],
            vec!["queue", "--reviewer", "lena"],
        ] {
            let (code, out, err) = ssh(s.port, &s.lena, &["-T"], &write).await;
            assert_ne!(code, 0, "{write:?}");
            assert_eq!(out, "");
            let told: Vec<&str> = err.lines().filter(|l| l.contains("claimdesk")).collect();
            assert_eq!(told.len(), 1, "{err}");
            assert!(told[0].contains("refused over ssh"), "{err}");
        }
        let (code, _, err) = ssh(s.port, &s.alice, &["-T"], &["queue", "--tab", "nope"]).await;
        assert_eq!(code, 2, "{err}");
        assert_eq!(s.store.last_event_id().await.unwrap(), before);
    }
}

/// A client that asks for compression (`ssh -C`, for a slow link) gets it, for exec and for the
/// workbench alike; one that does not is served uncompressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_asking_for_compression_gets_it() {
    let s = Served::start(false, &[]).await.unwrap();
    let first = s.first_claim().await;
    let (code, out, err) = ssh(s.port, &s.alice, &["-T", "-C", "-v"], &["queue"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&first), "{out}");
    assert!(
        err.contains("compression: zlib@openssh.com"),
        "the client was offered zlib: {err}"
    );
    let (code, _, err) = ssh(s.port, &s.alice, &["-T", "-v"], &["queue"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("compression: none"), "{err}");
    let mut term = s.terminal(&s.alice, &["-C"]);
    term.wait_screen("the workbench over a compressed link", |t| {
        t.contains(&first) && t.contains("alice (reviewer)")
    });
    term.type_bytes(b"q");
    assert_eq!(term.exit_code(Duration::from_secs(10)), 0);
}

/// What a reviewer does through serve is recorded via the key; a lead-only act (taking over
/// someone else's hold) is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acts_are_recorded_via_the_key_and_lead_only_acts_are_refused() {
    let s = Served::start(false, &[]).await.unwrap();
    let first = s.first_claim().await;
    let mut term = s.terminal(&s.alice, &[]);
    term.wait_screen("the queue", |t| {
        t.contains(&first) && t.contains("alice (reviewer)")
    });
    term.type_bytes(b"t");
    term.wait_screen("the hold", |t| t.contains(&format!("You hold {first}")));
    let events = s.store.audit(Some(&first), None, 100).await.unwrap();
    let taken = events.iter().rfind(|e| e.kind.code() == "taken").unwrap();
    assert_eq!(taken.actor, "alice");
    assert_eq!(
        taken.via.as_deref(),
        Some(format!("ssh key {}", s.alice.fingerprint).as_str())
    );
    term.type_bytes(b"u");
    let (served, claim) = (&s, &first);
    within(Duration::from_secs(5), "released", move || async move {
        served.holder(claim).await.is_none()
    })
    .await;
    // lena holds it now: alice may not take it over.
    s.store
        .take_contest(&first, "lena", claimdesk::store::DEFAULT_LEASE, false)
        .await
        .unwrap();
    term.wait_screen("lena's hold", |t| t.contains("@lena"));
    term.type_bytes(b"t");
    term.wait_screen("the refusal", |t| {
        t.contains("only a lead can take it over")
    });
    assert_eq!(s.holder(&first).await.as_deref(), Some("lena"));
    term.type_bytes(b"q");
    assert_eq!(term.exit_code(Duration::from_secs(10)), 0);
}

/// Opens the first claim's comment editor and types `text` into it, holding the claim.
fn comment(term: &mut Terminal, first: &str, text: &str) {
    term.wait_screen("the queue", |t| t.contains(first));
    term.type_bytes(b"t");
    term.wait_screen("the hold", |t| t.contains(&format!("You hold {first}")));
    term.type_bytes(b"\r");
    term.wait_screen("the detail", |t| t.contains(&format!("Claim {first}")));
    term.type_bytes(b"m");
    term.wait_screen("the editor", |t| t.contains(&format!("Comment on {first}")));
    term.type_bytes(text.as_bytes());
    term.wait_screen("the text", |t| t.contains(text));
}

/// A connection that drops (the client killed) keeps the draft and releases the holds within
/// 2 s; so does an idle timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dropped_or_idle_session_keeps_its_draft_and_releases_its_holds_within_2s() {
    for postgres in backends() {
        let s = Served::start(postgres, &["--idle-timeout", "3s"])
            .await
            .unwrap();
        let first = s.first_claim().await;
        let mut term = s.terminal(&s.alice, &[]);
        comment(&mut term, &first, "Typed just before the line dropped");
        term.child.kill().unwrap();
        let key = format!("comment:{first}");
        let (served, claim, draft_key) = (&s, &first, &key);
        let done = move || async move {
            let draft = served.store.draft("alice", draft_key).await.unwrap();
            draft.is_some_and(|d| d.body.contains("Typed just before"))
                && served.holder(claim).await.is_none()
        };
        let took = within(Duration::from_secs(2), "draft kept and hold released", done).await;
        eprintln!("dropped connection: draft and holds done in {took:?}");

        // Idle: the session ends by itself after 3 s without input.
        s.store.discard_draft("alice", &key).await.unwrap();
        let mut term = s.terminal(&s.alice, &[]);
        comment(&mut term, &first, "Left alone");
        let code = term.exit_code(Duration::from_secs(10));
        assert_ne!(code, 0);
        assert!(term.text.contains("no input for 3s"), "{}", term.text);
        let draft = s.store.draft("alice", &key).await.unwrap().unwrap();
        assert!(draft.body.contains("Left alone"));
        assert_eq!(s.holder(&first).await, None);
    }
}

/// Quitting (Ctrl-c from the editor) keeps the draft and releases the holds within 2 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn quitting_keeps_the_draft_and_releases_the_holds_within_2s() {
    for postgres in backends() {
        let s = Served::start(postgres, &[]).await.unwrap();
        let first = s.first_claim().await;
        let mut term = s.terminal(&s.alice, &[]);
        comment(&mut term, &first, "Written before quitting");
        assert_eq!(s.holder(&first).await.as_deref(), Some("alice"));
        term.type_bytes(b"\x03");
        let key = format!("comment:{first}");
        let (served, claim, draft_key) = (&s, &first, &key);
        let done = move || async move {
            let draft = served.store.draft("alice", draft_key).await.unwrap();
            draft.is_some_and(|d| d.body.contains("Written before quitting"))
                && served.holder(claim).await.is_none()
        };
        let took = within(Duration::from_secs(2), "draft kept and hold released", done).await;
        eprintln!("quit: draft and holds done in {took:?}");
        assert_eq!(term.exit_code(Duration::from_secs(5)), 0);
    }
}

/// A client whose locale is not UTF-8 (`LANG=C`, passed with `SendEnv`) gets the workbench in
/// ASCII: no byte above 0x7F on its terminal, borders and all, on every screen it opens. A UTF-8
/// client (`LANG=de_DE.UTF-8`) gets the Unicode borders.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_whose_locale_is_not_utf8_gets_the_workbench_in_ascii() {
    let s = Served::start(false, &[]).await.unwrap();
    let first = s.first_claim().await;
    for (lang, ascii) in [("C", true), ("POSIX", true), ("de_DE.UTF-8", false)] {
        let env = [("LANG", Some(lang)), ("LC_ALL", None), ("LC_CTYPE", None)];
        let mut term = s.terminal_env(&s.alice, &["-o", "SendEnv=LANG"], &env);
        term.wait_screen("alice's workbench", |t| t.contains("alice (reviewer)"));
        term.type_bytes(b"j");
        term.type_bytes(b"k");
        term.type_bytes(b"\r");
        term.wait_screen("the detail", |t| t.contains(&format!("Claim {first}")));
        term.type_bytes(b"?");
        term.wait_screen("the help", |t| t.contains("Quit"));
        // Ctrl-c quits from anywhere.
        term.type_bytes(b"\x03");
        term.exit_code(Duration::from_secs(10));
        let above: String = term.text.chars().filter(|c| !c.is_ascii()).collect();
        if ascii {
            assert_eq!(above, "", "LANG={lang}: {}", term.contents());
            assert!(term.text.contains("+-"), "LANG={lang}: no ASCII border");
        } else {
            assert!(above.contains('─'), "LANG={lang}: {above:?}");
        }
    }
}

/// Deactivating a reviewer ends their open session (and only theirs); removing a key ends the
/// sessions it opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deactivation_and_key_removal_end_sessions() {
    for postgres in backends() {
        let s = Served::start(postgres, &[]).await.unwrap();
        let mut alice = s.terminal(&s.alice, &[]);
        alice.wait_screen("alice's workbench", |t| t.contains("alice (reviewer)"));
        let mut lena = s.terminal(&s.lena, &[]);
        lena.wait_screen("lena's workbench", |t| t.contains("lena (lead)"));
        s.store.deactivate_reviewer("alice", "lena").await.unwrap();
        let code = alice.exit_code(Duration::from_secs(5));
        assert_ne!(code, 0);
        assert!(
            alice.text.contains("your access was removed"),
            "{}",
            alice.text
        );
        // And she cannot come back.
        let (code, _, err) = ssh(s.port, &s.alice, &["-T"], &["queue"]).await;
        assert_eq!(code, 255, "{err}");
        // lena's session goes on until her key is removed.
        assert!(lena.child.try_wait().unwrap().is_none());
        s.store
            .remove_key(&s.lena.fingerprint, "lena")
            .await
            .unwrap();
        assert_ne!(lena.exit_code(Duration::from_secs(5)), 0);
        assert!(
            lena.text.contains("your access was removed"),
            "{}",
            lena.text
        );
    }
}

/// SIGTERM: every session is told, drafts are saved, holds released, and the server exits
/// within 5 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_tells_every_session_saves_drafts_and_exits_within_5s() {
    let mut s = Served::start(false, &[]).await.unwrap();
    let first = s.first_claim().await;
    let mut alice = s.terminal(&s.alice, &[]);
    comment(&mut alice, &first, "Half a thought");
    let mut lena = s.terminal(&s.lena, &[]);
    lena.wait_screen("lena's workbench", |t| t.contains("lena (lead)"));
    let (took, ok) = s.terminate();
    assert!(ok, "serve exited with an error");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    eprintln!("SIGTERM: serve exited in {took:?}");
    for term in [&mut alice, &mut lena] {
        assert_ne!(term.exit_code(Duration::from_secs(5)), 0);
        assert!(
            term.text.contains("the server is shutting down"),
            "{}",
            term.text
        );
    }
    let draft = s
        .store
        .draft("alice", &format!("comment:{first}"))
        .await
        .unwrap();
    assert!(draft.is_some_and(|d| d.body.contains("Half a thought")));
    assert_eq!(s.holder(&first).await, None);
}

/// Twenty workbenches at once on one server, each its own reviewer's screen, all quitting
/// cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_workbenches_at_once() {
    let s = Served::start(false, &[]).await.unwrap();
    let mut terms: Vec<Terminal> = (0..20)
        .map(|i| s.terminal(if i % 2 == 0 { &s.alice } else { &s.lena }, &[]))
        .collect();
    for (i, term) in terms.iter_mut().enumerate() {
        let who = if i % 2 == 0 {
            "alice (reviewer)"
        } else {
            "lena (lead)"
        };
        term.wait_screen(who, |t| t.contains(who));
        term.type_bytes(b"j");
    }
    for term in &mut terms {
        term.type_bytes(b"q");
    }
    for term in &mut terms {
        assert_eq!(term.exit_code(Duration::from_secs(15)), 0);
    }
}
