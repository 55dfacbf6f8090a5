//! `claimdesk reviewer ...` and `claimdesk audit` on every backend: the store's role rules reach
//! the shell as one line and exit status 2, and the audit log prints as aligned text. Reviewers
//! with fixed names are added with `--no-db-login`, so no cluster-wide PostgreSQL login is made
//! for them (`tests/roles.rs` makes and drops uniquely named ones).

use chrono::TimeDelta;
use claimdesk::store::Store;

use super::{claimdesk, urls, FIXTURE};

#[tokio::test]
async fn reviewers_are_managed_by_leads_only() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        let as_ = |who: &'static str, args: &[&str]| {
            let mut all = vec!["--reviewer", who];
            all.extend_from_slice(args);
            claimdesk(url, &all, None)
        };
        let run = as_("tester", &["reviewer", "list"]).expect_code(0);
        assert!(run.stdout.contains("single-reviewer mode"), "{backend}");

        // The first reviewer must be a lead.
        let run = as_("tester", &["reviewer", "add", "bob"]).expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("must be a lead"), "{}", run.stderr);
        as_(
            "tester",
            &[
                "reviewer",
                "add",
                "alice",
                "--role",
                "lead",
                "--name",
                "Alice Ames",
                "--no-db-login",
            ],
        )
        .expect_code(0);

        // Now only registered leads manage the team.
        let run = as_("bob", &["reviewer", "add", "carol"]).expect_code(2);
        assert!(
            run.stderr.contains("bob is not a registered reviewer"),
            "{}",
            run.stderr
        );
        as_("alice", &["reviewer", "add", "bob", "--no-db-login"]).expect_code(0);
        let run = as_("bob", &["reviewer", "add", "carol"]).expect_code(2);
        assert!(
            run.stderr.contains("only a lead may add reviewers"),
            "{}",
            run.stderr
        );
        as_("bob", &["reviewer", "deactivate", "alice"]).expect_code(2);
        as_("alice", &["reviewer", "deactivate", "bob"]).expect_code(0);
        let run = as_("alice", &["reviewer", "deactivate", "bob"]).expect_code(1);
        assert!(
            run.stderr.contains("no active reviewer bob"),
            "{}",
            run.stderr
        );

        let run = as_("alice", &["reviewer", "list"]).expect_code(0);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(
            lines,
            [
                "LOGIN  NAME        ROLE      STATUS",
                "alice  Alice Ames  lead      active",
                "bob    bob         reviewer  deactivated",
            ],
            "{backend}"
        );

        // A deactivated reviewer cannot open the workbench: one line, exit 2, terminal untouched.
        let run = as_("bob", &[]).expect_code(2);
        assert!(run.stderr.contains("bob is deactivated"), "{}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{backend}: {:?}", run.stdout);
    }
}

#[tokio::test]
async fn audit_prints_who_did_what_when() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        claimdesk(url, &["--reviewer", "importer", "import", FIXTURE], None).expect_code(0);
        let store = Store::open(url).await.unwrap();
        store
            .take(&["DEMO-0001".to_string()], "alice", TimeDelta::minutes(30))
            .await
            .unwrap();
        store
            .release(&["DEMO-0001".to_string()], "alice")
            .await
            .unwrap();

        let run = claimdesk(url, &["audit", "--claim", "DEMO-0001"], None).expect_code(0);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 4, "{backend}:\n{}", run.stdout);
        let header = lines[0];
        assert!(header.starts_with("TIME") && header.contains("BEFORE → AFTER"));
        let col = |name: &str| header.find(name).unwrap();
        for line in &lines[1..] {
            assert_eq!(line.find("DEMO-0001"), Some(col("CLAIM")), "{line}");
        }
        assert!(lines[1].contains("importer") && lines[1].contains("imported"));
        assert!(lines[2].contains("alice") && lines[2].contains("taken"));
        assert!(lines[2].ends_with("- → holder=alice"), "{}", lines[2]);
        assert!(lines[3].ends_with("holder=alice → -"), "{}", lines[3]);

        let run = claimdesk(url, &["audit", "--limit", "2"], None).expect_code(0);
        assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
        assert!(
            run.stderr.contains("first 2 events shown"),
            "{}",
            run.stderr
        );

        let run = claimdesk(url, &["audit", "--since", "2999-01-01"], None).expect_code(0);
        assert!(run.stdout.is_empty());
        let run = claimdesk(url, &["audit", "--since", "2000-01-01T00:00:00Z"], None);
        assert!(run.expect_code(0).stdout.contains("released"));
        claimdesk(url, &["audit", "--since", "last tuesday"], None).expect_code(2);
    }
}

#[tokio::test]
async fn audit_verify_prints_the_head_or_names_the_first_broken_event() {
    use sqlx::Connection;
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        claimdesk(url, &["--reviewer", "importer", "import", FIXTURE], None).expect_code(0);
        let run = claimdesk(url, &["audit", "--verify"], None).expect_code(0);
        let head = run.stdout.trim().rsplit(' ').next().unwrap().to_string();
        assert!(
            run.stdout.starts_with("audit log intact: "),
            "{}",
            run.stdout
        );
        assert_eq!(head.len(), 64, "{backend}: {}", run.stdout);
        let run = claimdesk(url, &["audit", "--verify", "--known-head", &head], None);
        assert!(run.expect_code(0).stdout.contains("still in the chain"));

        // The owner rewrites the second event's actor.
        let tamper =
            "UPDATE events SET actor = 'mallory' WHERE id = (SELECT MIN(id) + 1 FROM events)";
        if *backend == "sqlite" {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql("DROP TRIGGER events_no_update")
                .execute(&mut c)
                .await
                .unwrap();
            sqlx::raw_sql(tamper).execute(&mut c).await.unwrap();
        } else {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let lifted = format!("SET session_replication_role = replica; {tamper}");
            sqlx::raw_sql(&lifted).execute(&mut c).await.unwrap();
        }
        let run = claimdesk(url, &["audit", "--verify"], None).expect_code(1);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("audit log broken at event 2: its hash does not match")
                && run.stderr.contains("(1 events before it check out)"),
            "{backend}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn reviewer_add_by_the_administrator_makes_the_database_login_on_postgres() {
    use sqlx::Connection;
    let (_dir, urls) = urls().await;
    let Some((_, url)) = urls.iter().find(|(backend, _)| *backend == "postgres") else {
        return;
    };
    let login = format!("rv_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let run = claimdesk(
        url,
        &[
            "--reviewer",
            &login,
            "reviewer",
            "add",
            &login,
            "--role",
            "lead",
        ],
        None,
    );
    let base = super::common::pg_base_url().unwrap();
    let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
    let member: Option<String> = sqlx::query_scalar(
        "SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
         JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1",
    )
    .bind(&login)
    .fetch_optional(&mut c)
    .await
    .unwrap();
    sqlx::raw_sql(&format!("DROP ROLE IF EXISTS \"{login}\""))
        .execute(&mut c)
        .await
        .unwrap();
    let run = run.expect_code(0);
    assert!(
        run.stdout.contains(&format!(
            "database login {login}: CREATE ROLE \"{login}\" LOGIN; GRANT"
        )),
        "{}",
        run.stdout
    );
    assert!(member.is_some_and(|g| g.ends_with("_lead")));
}
