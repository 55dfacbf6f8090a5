//! `serve` against the real OpenSSH client on a random 127.0.0.1 port, with throwaway keys made
//! by `ssh-keygen`: who gets in and as whom, what a session receives from a reviewer's terminal,
//! what exec may run, and every way a session ends (quit, dropped connection, idle, deactivation,
//! shutdown, a full server).

#[path = "../common/mod.rs"]
mod common;
mod support;
mod workbench;

use std::time::{Duration, Instant};

use russh::keys::PublicKey;
use support::{keygen, Serving, Terminal};

/// A registered key signs in as its reviewer whatever user name is given, on a terminal whose
/// type and size the session sees; keys, arrows, paste, mouse and resizes arrive as events.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registered_key_gets_a_session_as_its_reviewer_with_its_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let server = Serving::start(&[(&alice, "alice")], 8, None).await;

    let args = server.ssh_args(
        &alice,
        &["-l", "mallory", "-o", "SetEnv=NO_COLOR=1 LANG=de_DE.UTF-8"],
    );
    let mut term = Terminal::open(&args, 100, 30);
    term.wait_for(&format!(
        "hello alice {} TERM=xterm-256color size=100x30 no_color=true lang=de_DE.UTF-8",
        alice.fingerprint
    ));
    term.type_bytes(b"j");
    term.wait_for("key j");
    term.type_bytes(b"\x1b[B");
    term.wait_for("key Down\r\n");
    term.type_bytes(b"\x1b[200~two words\x1b[201~");
    term.wait_for("paste two words");
    term.type_bytes(b"\x1b[<0;10;5M");
    term.wait_for("mouse Down(Left) 9,4");
    term.resize(120, 40);
    term.wait_for("resize 120x40");
    term.type_bytes(b"q");
    assert_eq!(term.exit_code(Duration::from_secs(5)), 0);
    assert_eq!(server.log.lines(), ["shell alice", "ended alice: quit"]);
}

/// An unregistered key is refused with one line naming it and saying how a lead registers it;
/// no session starts. A client with no key at all is told the same, and a password is useless.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unregistered_keys_and_passwords_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let mallory = keygen(dir.path(), "mallory");
    let server = Serving::start(&[(&alice, "alice")], 8, None).await;

    let (code, stdout, stderr) = server.ssh(&mallory, &["-T"], &["queue"]).await;
    assert_eq!(code, 255, "{stderr}");
    assert_eq!(stdout, "");
    let told: Vec<&str> = stderr.lines().filter(|l| l.contains("claimdesk")).collect();
    assert_eq!(
        told,
        [format!(
            "claimdesk: key {} is not registered here; a lead registers it with: \
             claimdesk reviewer key add LOGIN --file KEY.pub",
            mallory.fingerprint
        )],
        "{stderr}"
    );
    assert!(stderr.contains("Permission denied"), "{stderr}");

    let (code, _, stderr) = server
        .ssh(&alice, &["-o", "PubkeyAuthentication=no"], &["queue"])
        .await;
    assert_eq!(code, 255);
    assert!(
        stderr.contains("claimdesk: sign in with an SSH key registered here"),
        "{stderr}"
    );
    let (code, _, stderr) = server
        .ssh(
            &alice,
            &[
                "-o",
                "PreferredAuthentications=password",
                "-o",
                "BatchMode=yes",
            ],
            &["queue"],
        )
        .await;
    assert_eq!(code, 255);
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(server.log.lines().is_empty(), "{:?}", server.log.lines());
}

/// Identity is bound only once the key's signature verifies: a client that offers alice's
/// registered public key but signs with another key is refused, and the same client signing
/// with alice's key gets in (so it is the signature, not the client, that decides).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registered_key_with_a_forged_signature_signs_nobody_in() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let mallory = keygen(dir.path(), "mallory");
    let server = Serving::start(&[(&alice, "alice")], 8, None).await;
    let alice_public = PublicKey::read_openssh_file(alice.path.with_extension("pub")).unwrap();

    let forged = support::sign_in_as(server.port, &alice_public, &mallory).await;
    assert!(!forged.success(), "a forged signature signed in");
    let honest = support::sign_in_as(server.port, &alice_public, &alice).await;
    assert!(honest.success(), "the honest client was refused");
}

/// A key that was only offered binds nobody: mallory offers alice's registered public key
/// (which the server says it would take), cannot sign for it, signs in with her own key, and
/// acts as mallory.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_offered_key_is_not_who_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let mallory = keygen(dir.path(), "mallory");
    let server = Serving::start(&[(&alice, "alice"), (&mallory, "mallory")], 8, None).await;
    let alice_public = PublicKey::read_openssh_file(alice.path.with_extension("pub")).unwrap();
    let printed = support::offer_then_sign_in(server.port, &alice_public, &mallory).await;
    assert_eq!(printed, "exec mallory queue\n");
}

/// Exec runs the read-only subcommands as the key's reviewer and refuses anything that writes
/// or picks another identity, with one line and exit status 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exec_runs_read_only_commands_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let bob = keygen(dir.path(), "bob");
    let server = Serving::start(&[(&bob, "bob")], 8, None).await;

    let (code, stdout, stderr) = server
        .ssh(&bob, &["-l", "alice"], &["queue", "--tab", "'contested'"])
        .await;
    assert_eq!(
        (code, stdout.as_str()),
        (0, "exec bob queue --tab contested\n"),
        "{stderr}"
    );

    for (command, says) in [
        (
            vec!["import", "claims.jsonl"],
            "`import` is refused over ssh",
        ),
        (
            vec!["reviewer", "deactivate", "alice"],
            "`reviewer` is refused over ssh",
        ),
        (
            vec!["queue", "--reviewer", "alice"],
            "--reviewer is refused over ssh",
        ),
    ] {
        let (code, stdout, stderr) = server.ssh(&bob, &[], &command).await;
        assert_eq!(code, 2, "{command:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(says), "{command:?}: {stderr}");
    }
    // A shell without a terminal is refused too (the workbench needs one).
    let (code, _, stderr) = server.ssh(&bob, &["-T"], &[]).await;
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the workbench needs a terminal"),
        "{stderr}"
    );
    assert_eq!(server.log.lines(), ["exec bob queue --tab contested"]);
}

/// A dropped connection (the client killed) ends the session at once; so does idling past the
/// timeout, with the reviewer told why.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dropped_connection_or_an_idle_one_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let server = Serving::start(&[(&alice, "alice")], 8, Some(Duration::from_secs(2))).await;

    let mut term = Terminal::open(&server.ssh_args(&alice, &[]), 80, 24);
    term.wait_for("hello alice");
    term.child.kill().unwrap();
    let killed = Instant::now();
    let ended = server
        .log
        .wait_for("ended alice: Disconnected", Duration::from_secs(2))
        .await;
    assert!(ended - killed < Duration::from_secs(2));

    let mut term = Terminal::open(&server.ssh_args(&alice, &[]), 80, 24);
    term.wait_for("hello alice");
    term.type_bytes(b"j");
    term.wait_for("key j");
    term.wait_for("claimdesk: no input for 2s; this session has ended");
    assert_eq!(term.exit_code(Duration::from_secs(3)), 1);
    assert!(server
        .log
        .lines()
        .contains(&"ended alice: Idle(2s)".to_string()));
}

/// Deactivation ends the reviewer's sessions (only theirs); a full server refuses the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn access_removed_ends_only_that_reviewers_sessions_and_a_full_server_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let alice = keygen(dir.path(), "alice");
    let bob = keygen(dir.path(), "bob");
    let mut server = Serving::start(&[(&alice, "alice"), (&bob, "bob")], 2, None).await;

    let mut a = Terminal::open(&server.ssh_args(&alice, &[]), 80, 24);
    a.wait_for("hello alice");
    let mut b = Terminal::open(&server.ssh_args(&bob, &[]), 80, 24);
    b.wait_for("hello bob");
    let (code, _, stderr) = server.ssh(&alice, &[], &["audit"]).await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("claimdesk: the server is full (2 sessions); try again shortly"),
        "{stderr}"
    );

    assert_eq!(server.control.end_sessions_of("alice"), 1);
    a.wait_for("claimdesk: your access was removed by a lead; this session has ended");
    assert_eq!(a.exit_code(Duration::from_secs(3)), 1);
    b.type_bytes(b"k");
    b.wait_for("key k");

    // Shutdown: the remaining session is told and the server is gone well within 5 s.
    let took = server.stop().await;
    assert!(took < Duration::from_secs(5), "{took:?}");
    b.wait_for("claimdesk: the server is shutting down; this session has ended");
    assert_eq!(b.exit_code(Duration::from_secs(3)), 1);
    let log = server.log.lines();
    assert!(
        log.contains(&"ended alice: AccessRemoved".to_string()),
        "{log:?}"
    );
    assert!(log.contains(&"ended bob: Shutdown".to_string()), "{log:?}");
}

/// Twenty reviewers' sessions at once, each answering its own keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_sessions_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<_> = (0..20)
        .map(|i| keygen(dir.path(), &format!("r{i}")))
        .collect();
    let logins: Vec<String> = (0..20).map(|i| format!("reviewer{i}")).collect();
    let registry: Vec<_> = keys
        .iter()
        .zip(&logins)
        .map(|(k, l)| (k, l.as_str()))
        .collect();
    let server = Serving::start(&registry, 20, None).await;
    let mut terms: Vec<Terminal> = keys
        .iter()
        .map(|k| Terminal::open(&server.ssh_args(k, &[]), 80, 24))
        .collect();
    for (term, login) in terms.iter_mut().zip(&logins) {
        term.wait_for(&format!("hello {login} "));
    }
    assert_eq!(server.control.open_sessions().len(), 20);
    for term in &mut terms {
        term.type_bytes(b"x");
    }
    for term in &mut terms {
        term.wait_for("key x");
        term.type_bytes(b"q");
    }
    for term in &mut terms {
        assert_eq!(term.exit_code(Duration::from_secs(5)), 0);
    }
    assert!(server.host_fingerprint.starts_with("SHA256:"));
}
