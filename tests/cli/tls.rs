//! TLS to PostgreSQL against the real local server (it has `ssl = on` with a self-signed
//! certificate for `localhost`): each `sslmode` does what libpq's does, a wrong root certificate
//! is refused and the server's own accepted, and a refusal is one line without the password.

use claimdesk::store::connect::{self, Target};
use sqlx::{Connection, Row};

use super::{claimdesk, common};

/// The server's certificate file, as the server itself names it (the test runs as root, as CI
/// does, so it can read it). Doubles as the right root: the certificate is self-signed.
async fn server_certificate(base: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(base).await.expect("connect");
    let ssl: String = sqlx::query_scalar("SHOW ssl")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(ssl, "on", "the test PostgreSQL must have ssl = on");
    sqlx::query_scalar("SHOW ssl_cert_file")
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

const WRONG_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/wrong-root.crt");

/// Connects as claimdesk would to `url`: whether the session is encrypted, or the refusal.
async fn session_uses_tls(url: &str) -> Result<bool, String> {
    let location = connect::parse(url).map_err(|e| e.to_string())?;
    let Target::Postgres(options) = location.target else {
        panic!("{url} is not PostgreSQL");
    };
    let mut conn = sqlx::PgConnection::connect_with(&options)
        .await
        .map_err(|e| e.to_string())?;
    let row = sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.get::<bool, _>("ssl"))
}

/// The test URL with another host: the certificate is for `localhost`, not `127.0.0.1`.
fn with_host(url: &str, host: &str) -> String {
    let swapped = url.replacen("@127.0.0.1", &format!("@{host}"), 1).replacen(
        "@localhost",
        &format!("@{host}"),
        1,
    );
    assert!(
        swapped.contains(&format!("@{host}:")),
        "the test URL names no local host: {url}"
    );
    swapped
}

fn and(url: &str, query: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{query}")
}

#[tokio::test]
async fn each_sslmode_does_what_libpq_does() {
    let Some(base) = common::pg_base_url() else {
        return;
    };
    let right = server_certificate(&base).await;
    let ip = with_host(&base, "127.0.0.1");
    let name = with_host(&base, "localhost");

    assert_eq!(
        session_uses_tls(&and(&ip, "sslmode=disable")).await,
        Ok(false)
    );
    assert_eq!(
        session_uses_tls(&and(&ip, "sslmode=require")).await,
        Ok(true)
    );
    // Without sslmode, sqlx prefers TLS when the server offers it.
    assert_eq!(session_uses_tls(&ip).await, Ok(true));

    // verify-ca: the chain must lead to the root given; the host name is not checked.
    let ca = |root: &str| and(&ip, &format!("sslmode=verify-ca&sslrootcert={root}"));
    assert_eq!(session_uses_tls(&ca(&right)).await, Ok(true));
    let refused = session_uses_tls(&ca(WRONG_ROOT)).await.unwrap_err();
    assert!(refused.contains("certificate"), "{refused}");
    // require with a root certificate verifies the chain, as libpq does.
    let wrong_require = and(&ip, &format!("sslmode=require&sslrootcert={WRONG_ROOT}"));
    assert!(session_uses_tls(&wrong_require).await.is_err());

    // verify-full: the chain and the host name.
    let full = |url: &str, root: &str| and(url, &format!("sslmode=verify-full&sslrootcert={root}"));
    assert_eq!(session_uses_tls(&full(&name, &right)).await, Ok(true));
    assert!(session_uses_tls(&full(&name, WRONG_ROOT)).await.is_err());
    let wrong_name = session_uses_tls(&full(&ip, &right)).await.unwrap_err();
    assert!(wrong_name.contains("NotValidForName"), "{wrong_name}");
    // The public roots alone do not know a self-signed certificate.
    assert!(session_uses_tls(&and(&name, "sslrootcert=system"))
        .await
        .is_err());
}

#[tokio::test]
async fn the_binary_opens_a_verified_store_and_refuses_a_wrong_root_in_one_line() {
    let Some(url) = common::fresh_pg_url().await else {
        return;
    };
    let right = server_certificate(&url).await;
    let name = with_host(&url, "localhost");
    let verified = and(&name, &format!("sslmode=verify-full&sslrootcert={right}"));
    let run = claimdesk(&verified, &["migrate"], None).expect_code(0);
    assert!(run.stdout.contains("migrated"), "{}", run.stdout);

    // A password in the URL: refused for the root, and never printed.
    let user_at = url.find("://").unwrap() + 3;
    let at = url.find('@').expect("the test URL names its user");
    let with_password = format!(
        "{}:S3cretPw@localhost{}",
        &url[..at],
        &url[url[at..].find(':').map_or(at, |c| at + c)..]
    );
    assert!(with_password[user_at..].starts_with("postgres:S3cretPw@localhost:"));
    let wrong = and(
        &with_password,
        &format!("sslmode=verify-full&sslrootcert={WRONG_ROOT}"),
    );
    let run = claimdesk(&wrong, &["migrate"], None).expect_code(2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("certificate"), "{}", run.stderr);
    assert!(
        run.stderr.contains("postgres:***@localhost"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("S3cretPw"), "{}", run.stderr);
}
