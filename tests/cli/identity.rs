//! Proven identity at the shell: `--reviewer` may only repeat who the database (PostgreSQL) or
//! the OS (SQLite) says you are, except for the store's administrator, who acts for a named
//! reviewer and is recorded as doing so; with a team registered, every write needs the right
//! role. Here the tests run as the administrator (the OS user owning the SQLite file, the
//! `postgres` login); `as_someone_else` makes the SQLite file another user's.

use super::{claimdesk, urls, FIXTURE};

fn one_line(run: &super::Run) -> &str {
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    run.stderr.trim_end()
}

#[tokio::test]
async fn with_a_team_each_write_needs_a_registered_reviewer_with_the_right_role() {
    let (dir, urls) = urls().await;
    let extra = dir.path().join("extra.jsonl");
    std::fs::write(
        &extra,
        r#"{"type":"mpn","mpn_id":"9999999","partner":"Made Up","enrolled":true,"partner_type":null}"#,
    )
    .unwrap();
    let extra = extra.to_str().unwrap();
    for (backend, url) in &urls {
        let as_ = |who: &str, args: &[&str]| {
            let mut all = vec!["--reviewer", who];
            all.extend_from_slice(args);
            claimdesk(url, &all, None)
        };
        let add = |login: &str, role: &str| {
            as_(
                "alice",
                &["reviewer", "add", login, "--role", role, "--no-db-login"],
            )
            .expect_code(0)
        };
        add("alice", "lead");
        add("bob", "reviewer");
        add("feed", "integration");
        add("gone", "reviewer");
        as_("alice", &["reviewer", "deactivate", "gone"]).expect_code(0);
        let events_before = claimdesk(url, &["audit"], None).expect_code(0).stdout;

        // What the issue measured: unregistered, plain and deactivated reviewers wrote in bulk.
        for (who, args, says) in [
            (
                "mallory",
                &["import", extra][..],
                "mallory is not a registered reviewer",
            ),
            (
                "bob",
                &["import", extra],
                "only a lead or an integration login may import",
            ),
            ("gone", &["import", extra], "gone is deactivated"),
            (
                "mallory",
                &["generate", "--claims", "3"],
                "not a registered reviewer",
            ),
            (
                "bob",
                &["generate", "--claims", "3"],
                "only a lead may generate claims",
            ),
            (
                "feed",
                &["generate", "--claims", "3"],
                "only a lead may generate claims",
            ),
        ] {
            let run = as_(who, args).expect_code(2);
            assert!(
                one_line(&run).contains(says),
                "{backend} {who} {args:?}: {}",
                run.stderr
            );
        }
        let events_after = claimdesk(url, &["audit"], None).expect_code(0).stdout;
        assert_eq!(
            events_before, events_after,
            "{backend}: a refusal wrote nothing"
        );

        // The integration login imports; a lead imports and generates.
        as_("feed", &["import", extra]).expect_code(0);
        as_("alice", &["import", FIXTURE]).expect_code(0);
        as_("alice", &["generate", "--claims", "3"]).expect_code(0);

        // Each act the administrator did for a reviewer says so.
        let run = claimdesk(url, &["audit", "--limit", "1000"], None).expect_code(0);
        let via = if *backend == "sqlite" {
            whoami()
        } else {
            "postgres".into()
        };
        let mpn_line = run
            .stdout
            .lines()
            .find(|l| l.contains("mpn_changed"))
            .unwrap_or_else(|| panic!("{backend}: no mpn_changed in\n{}", run.stdout));
        assert!(
            mpn_line.contains(&format!("feed via {via}")) && mpn_line.contains("mpn_id=9999999"),
            "{backend}: {mpn_line}"
        );
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(&format!("alice via {via}")) && l.contains("generated")),
            "{backend}:\n{}",
            run.stdout
        );

        // Without --reviewer the administrator is who the store proved, not a reviewer.
        let run = claimdesk(url, &["reviewer", "add", "carol"], None).expect_code(2);
        assert!(
            one_line(&run).contains("administrator, not a registered reviewer"),
            "{backend}: {}",
            run.stderr
        );
        // Reading needs no role.
        claimdesk(url, &["queue", "--limit", "1"], None).expect_code(0);
    }
}

/// The OS login the tests run as (the proven identity on SQLite).
fn whoami() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn on_sqlite_only_the_files_owner_may_name_another_reviewer() {
    let (_dir, urls) = urls().await;
    let (_, url) = &urls[0];
    claimdesk(
        url,
        &[
            "--reviewer",
            "alice",
            "reviewer",
            "add",
            "alice",
            "--role",
            "lead",
        ],
        None,
    )
    .expect_code(0);
    let me = whoami();
    claimdesk(url, &["--reviewer", "alice", "reviewer", "add", &me], None).expect_code(0);
    // Give the file to another user: whoever runs the tests is now a plain OS login.
    let path = url.trim_start_matches("sqlite:");
    if let Err(e) = std::os::unix::fs::chown(path, Some(65534), None) {
        eprintln!("skipped: cannot give the store to another user ({e}); run as root");
        return;
    }
    let run = claimdesk(
        url,
        &["--reviewer", "alice", "reviewer", "add", "carol"],
        None,
    )
    .expect_code(2);
    let line = one_line(&run);
    assert!(
        line.contains(&format!("you are {me} (the operating-system login)"))
            && line.contains("--reviewer may only repeat it"),
        "{line}"
    );
    assert!(run.stdout.is_empty());
    // The same refusal for a read and for the workbench: the name is never accepted.
    claimdesk(url, &["--reviewer", "alice", "queue"], None).expect_code(2);
    claimdesk(url, &["--reviewer", "alice"], None).expect_code(2);
    // Repeating one's own login is fine; it acts as the reviewer it is.
    claimdesk(url, &["--reviewer", &me, "queue"], None).expect_code(0);
    let run = claimdesk(url, &["reviewer", "add", "carol"], None).expect_code(2);
    assert!(
        one_line(&run).contains("only a lead may add reviewers"),
        "{}",
        run.stderr
    );
}
