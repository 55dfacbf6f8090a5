//! Secrets and what names a store: a password never shows, whichever form carries it; a libpq
//! key=value string is PostgreSQL or refused, never a file name; PGPASSWORD and ~/.pgpass are
//! used; an empty --db is an error; a store from a newer claimdesk says so.

use sqlx::Connection;

use super::{claimdesk, claimdesk_at, common, urls};

/// The parts of a fresh-schema test URL (`postgres://USER@HOST:PORT/DB?options=...search_path=S`).
struct PgParts {
    user: String,
    host: String,
    port: String,
    db: String,
    schema: String,
}

fn parts(url: &str) -> PgParts {
    let rest = url.split_once("://").expect("a URL").1;
    let (user, rest) = rest.split_once('@').expect("the test URL names its user");
    let (host_port, rest) = rest.split_once('/').expect("a database");
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "5432"));
    let (db, query) = rest.split_once('?').expect("the schema option");
    let schema = query
        .split("search_path%3D")
        .nth(1)
        .expect("search_path")
        .split('&')
        .next()
        .unwrap();
    PgParts {
        user: user.split(':').next().unwrap().to_string(),
        host: host.to_string(),
        port: port.to_string(),
        db: db.to_string(),
        schema: schema.to_string(),
    }
}

#[tokio::test]
async fn passwords_never_show_in_any_form_of_url_on_success_or_error() {
    let Some(url) = common::fresh_pg_url().await else {
        return;
    };
    let p = parts(&url);
    // The local server trusts these logins, so each form opens the store.
    let forms = [
        format!("{url}&password=S3cretQ"),
        url.replacen(&format!("{}@", p.user), &format!("{}:S3cretU@", p.user), 1),
        format!(
            "host={} port={} user={} password='S3cret K' dbname={} options='-c search_path={}'",
            p.host, p.port, p.user, p.db, p.schema
        ),
    ];
    for form in &forms {
        let run = claimdesk(form, &["migrate"], None).expect_code(0);
        assert!(run.stdout.contains("migrated"), "{form}: {}", run.stdout);
        assert!(run.stdout.contains("***"), "{}", run.stdout);
        assert!(!run.stdout.contains("S3cret"), "{}", run.stdout);
        // The same form against a port nobody listens on: one line, no password.
        let dead = form.replacen(&p.port, "1", 1);
        let run = claimdesk(&dead, &["migrate"], None).expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains("***"), "{}", run.stderr);
        assert!(!run.stderr.contains("S3cret"), "{}", run.stderr);
    }
}

#[tokio::test]
async fn a_key_value_string_is_refused_rather_than_taken_as_a_file_name() {
    let home = tempfile::tempdir().unwrap();
    for given in [
        "host=db.example.com password=S3cret connect_timeout=3",
        "host=db.example.com password='S3cret",
        "dbname=claims ssl=true",
    ] {
        let run = claimdesk_at(home.path(), given, &["migrate"], None, &[]).expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("S3cret"), "{}", run.stderr);
    }
    let left: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files were created: {left:?}");
}

#[tokio::test]
async fn an_empty_db_is_an_error_not_the_personal_store() {
    let home = tempfile::tempdir().unwrap();
    let run = claimdesk_at(home.path(), "", &["--db", "", "migrate"], None, &[]).expect_code(2);
    assert!(run.stderr.contains("--db"), "{}", run.stderr);
    let run = claimdesk_at(
        home.path(),
        "",
        &["migrate"],
        None,
        &[("CLAIMDESK_DATABASE_URL", " ")],
    )
    .expect_code(2);
    assert!(run.stderr.contains("empty"), "{}", run.stderr);
    assert!(
        !home.path().join("data").exists(),
        "a default store was made"
    );
}

#[tokio::test]
async fn a_store_written_by_a_newer_claimdesk_says_so() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        claimdesk(url, &["migrate"], None).expect_code(0);
        let insert = "INSERT INTO _sqlx_migrations
                      (version, description, success, checksum, execution_time)
                      VALUES (9999, 'from the future', TRUE, $1, 0)";
        if *backend == "sqlite" {
            let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(insert)
                .bind(vec![0u8])
                .execute(&mut conn)
                .await
                .unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(insert)
                .bind(vec![0u8])
                .execute(&mut conn)
                .await
                .unwrap();
        }
        let run = claimdesk(url, &["queue"], None).expect_code(2);
        // This build's newest migration: the highest number among the files.
        let known = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.split('_').next().and_then(|n| n.parse::<i64>().ok())
        })
        .max()
        .unwrap();
        let expected =
            format!("written by a newer claimdesk (schema 9999, this one knows {known})");
        assert!(run.stderr.contains(&expected), "{backend}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
}

/// Runs SQL as the test server's administrator.
async fn admin(sql: &str) {
    let base = common::pg_base_url().expect("PostgreSQL");
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
}

#[tokio::test]
async fn pgpassword_and_pgpass_are_used_and_a_wrong_password_refused() {
    let Some(url) = common::fresh_pg_url().await else {
        return;
    };
    let p = parts(&url);
    // A login of its own that must give a password (.ci/pg-password-auth: members of
    // claimdesk_password_auth are not trusted), owning the test's schema.
    let role = format!("cd_pw_{}", uuid::Uuid::new_v4().simple());
    let password = format!("Pw-{}", uuid::Uuid::new_v4().simple());
    admin(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE claimdesk_password_auth;
         ALTER SCHEMA {} OWNER TO {role};",
        p.schema
    ))
    .await;
    let as_role = url.replacen(&format!("{}@", p.user), &format!("{role}@"), 1);
    let home = tempfile::tempdir().unwrap();
    let run = |env: &[(&str, &str)]| claimdesk_at(home.path(), &as_role, &["migrate"], None, env);
    let without = run(&[]);
    let wrong = run(&[("PGPASSWORD", "not-it")]);
    let from_env = run(&[("PGPASSWORD", &password)]);
    let pgpass = home.path().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!("{}:{}:{}:{role}:{password}\n", p.host, p.port, p.db),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let from_pgpass = run(&[]);
    admin(&format!(
        "DROP SCHEMA {} CASCADE; DROP ROLE {role};",
        p.schema
    ))
    .await;

    let wrong = wrong.expect_code(2);
    assert!(
        wrong.stderr.contains("password authentication failed"),
        "a wrong password was not refused: is .ci/pg-password-auth applied? {}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("not-it"), "{}", wrong.stderr);
    without.expect_code(2);
    from_env.expect_code(0);
    from_pgpass.expect_code(0);
}
