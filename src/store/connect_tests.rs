use super::*;

fn pg(given: &str) -> PgConnectOptions {
    match parse(given).expect("parses").target {
        Target::Postgres(o) => o,
        Target::Sqlite(_) => panic!("{given} opened SQLite"),
    }
}

fn refused(given: &str) -> String {
    match parse(given) {
        Ok(l) => panic!("{given} was accepted as {}", l.shown),
        Err(e) => e.to_string(),
    }
}

#[test]
fn passwords_are_masked_in_every_form() {
    assert_eq!(
        mask("postgres://bob:s3cret@db:5432/claims"),
        "postgres://bob:***@db:5432/claims"
    );
    assert_eq!(
        mask("postgres://bob:p@ss@db/claims"),
        "postgres://bob:***@db/claims"
    );
    assert_eq!(
        mask("postgres://bob@db/claims?sslmode=require&password=S3cret&application_name=x"),
        "postgres://bob@db/claims?sslmode=require&password=***&application_name=x"
    );
    assert_eq!(
        mask("postgresql://db/claims?pass%77ord=S3cret"),
        "postgresql://db/claims?pass%77ord=***"
    );
    assert_eq!(
        mask("host=db user=bob password=S3cret dbname=claims"),
        "host=db user=bob password=*** dbname=claims"
    );
    assert_eq!(
        mask("host=db password = 'it\\'s S3cret' dbname=claims"),
        "host=db password = *** dbname=claims"
    );
    assert_eq!(
        mask("host=db password='unterminated S3cret"),
        "host=db password=***"
    );
    assert_eq!(mask("postgres://db/claims"), "postgres://db/claims");
    assert_eq!(mask("sqlite:claims.db"), "sqlite:claims.db");
}

#[test]
fn a_key_value_string_is_postgres_never_a_file() {
    let o = pg("host=db.example.com port=6432 user=bob password='a b\\'c' dbname=claims");
    assert_eq!(o.get_host(), "db.example.com");
    assert_eq!(o.get_port(), 6432);
    assert_eq!(o.get_username(), "bob");
    assert_eq!(o.get_database(), Some("claims"));
    let o = pg("dbname=claims sslmode=require");
    assert_eq!(o.get_database(), Some("claims"));
    assert!(matches!(
        o.get_ssl_mode(),
        sqlx::postgres::PgSslMode::Require
    ));
    // What libpq would take but claimdesk would not honour is refused, password never shown.
    let msg = refused("host=db password=S3cret connect_timeout=10");
    assert!(msg.contains("\"connect_timeout\""), "{msg}");
    assert!(!msg.contains("S3cret"), "{msg}");
    let msg = refused("host=db password='S3cret");
    assert!(
        msg.contains("closing quote") && !msg.contains("S3cret"),
        "{msg}"
    );
    // A file named like a setting is refused, with the way to name it.
    let msg = refused("x=1.db");
    assert!(
        msg.contains("\"x\"") && msg.contains("sqlite:NAME"),
        "{msg}"
    );
    assert!(matches!(
        parse("sqlite:x=1.db").unwrap().target,
        Target::Sqlite(_)
    ));
}

#[test]
fn unknown_url_options_and_bad_modes_are_refused_not_ignored() {
    let msg = refused("postgres://bob:S3cret@db/claims?ssl=true");
    assert!(msg.contains("\"ssl\"") && !msg.contains("S3cret"), "{msg}");
    let msg = refused("postgres://db/claims?sslmode=verify_full&password=S3cret");
    assert!(
        msg.contains("verify-full") && !msg.contains("S3cret"),
        "{msg}"
    );
    assert!(refused("mysql://root:S3cret@db/claims").contains("mysql://root:***@db/claims"));
    assert!(refused("").contains("empty"));
    assert!(refused("sqlite:").contains("names no SQLite file"));
    // sqlx's spellings are the same options.
    let o = pg("postgres://db/claims?ssl-mode=disable&options=-c%20search_path%3Dx");
    assert!(matches!(
        o.get_ssl_mode(),
        sqlx::postgres::PgSslMode::Disable
    ));
    assert_eq!(o.get_options(), Some("-c search_path=x"));
}

#[test]
fn tls_follows_libpq() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root.crt");
    std::fs::write(
        &root,
        "-----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let root = root.display().to_string();
    // require with a root certificate checks the chain, as libpq does.
    let o = pg(&format!(
        "postgres://db/c?sslmode=require&sslrootcert={root}"
    ));
    assert!(matches!(
        o.get_ssl_mode(),
        sqlx::postgres::PgSslMode::VerifyCa
    ));
    let o = pg("postgres://db/c?sslrootcert=system");
    assert!(matches!(
        o.get_ssl_mode(),
        sqlx::postgres::PgSslMode::VerifyFull
    ));
    assert!(refused("postgres://db/c?sslrootcert=system&sslmode=require").contains("verify-full"));
    let missing = refused("postgres://db/c?sslmode=verify-ca&sslrootcert=/no/such/root.crt");
    assert!(
        missing.contains("cannot read sslrootcert /no/such/root.crt"),
        "{missing}"
    );
    let not_pem = dir.path().join("x.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    let msg = refused(&format!(
        "host=db sslmode=verify-full sslrootcert={}",
        not_pem.display()
    ));
    assert!(msg.contains("holds no PEM certificate"), "{msg}");
}

#[test]
fn library_messages_are_scrubbed_of_every_password() {
    let l = parse("postgres://bob:S%3Acret@db/claims?password=Other").unwrap();
    assert_eq!(l.shown, "postgres://bob:***@db/claims?password=***");
    assert_eq!(
        l.hide("auth failed for S%3Acret / S:cret / Other"),
        "auth failed for *** / *** / ***"
    );
    assert!(!format!("{l:?}").contains("cret"));
}

#[test]
fn a_key_value_string_without_host_uses_libpq_defaults() {
    let o = pg("dbname=claims");
    assert!(!o.get_host().is_empty() || o.get_socket().is_some());
}
