//! PostgreSQL itself enforces the roles (issue 12, item 2): logged in as a reviewer's own role,
//! the database refuses to change or delete audit events, to disable their triggers, to set
//! session_replication_role, to record another actor, and lead-only acts; the integration login
//! imports and decides nothing; a lead who is not the administrator gets the SQL to hand over.
//! Runs only with PostgreSQL (CI always has it). Login roles are cluster-wide: each test makes
//! uniquely named ones and drops them, whatever happened.

mod common;

use std::panic::AssertUnwindSafe;

use claimdesk::domain::*;
use claimdesk::store::*;
use common::{by, plain_batch as batch, reviewer};
use futures::FutureExt;
use sqlx::Connection;
use uuid::Uuid;

/// `url` logged in as `login` instead.
fn as_login(url: &str, login: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{login}@{host}")
}

/// The SQLSTATE of a refusal.
fn code(result: Result<sqlx::postgres::PgQueryResult, sqlx::Error>) -> String {
    match result {
        Ok(_) => "accepted".into(),
        Err(e) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map_or_else(|| e.to_string(), |c| c.into_owned()),
    }
}

/// Drops the login roles a test made (members of nothing else, owners of nothing).
async fn drop_logins(url: &str, logins: &[&str]) {
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    for login in logins {
        let sql = format!("DROP ROLE IF EXISTS \"{login}\"");
        sqlx::raw_sql(&sql)
            .execute(&mut c)
            .await
            .expect("drop role");
    }
}

#[tokio::test]
async fn postgres_itself_refuses_what_a_reviewers_login_may_not_do() {
    let Some(admin) = common::postgres().await else {
        return;
    };
    let tag = &Uuid::new_v4().simple().to_string()[..10];
    let logins = [
        format!("lead_{tag}"),
        format!("rev_{tag}"),
        format!("feed_{tag}"),
        format!("carol_{tag}"),
    ];
    let [lead, rev, feed, carol] = logins.each_ref().map(String::as_str);
    let outcome = AssertUnwindSafe(story(&admin, lead, rev, feed, carol))
        .catch_unwind()
        .await;
    drop_logins(&admin.url, &[lead, rev, feed, carol]).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn story(admin: &common::TestStore, lead: &str, rev: &str, feed: &str, carol: &str) {
    // The administrator (the schema's owner) registers the team; each gets a login role.
    let a = &admin.store;
    a.add_reviewer(&reviewer(lead, Role::Lead), lead)
        .await
        .unwrap();
    a.add_reviewer(&reviewer(rev, Role::Reviewer), lead)
        .await
        .unwrap();
    a.add_reviewer(&reviewer(feed, Role::Integration), lead)
        .await
        .unwrap();
    for login in [lead, rev, feed] {
        let LoginGrant::Done(done) = a.grant_login(login).await.unwrap() else {
            panic!("the administrator manages logins");
        };
        assert!(
            done[0].starts_with("CREATE ROLE") && done[1].starts_with("GRANT"),
            "{done:?}"
        );
    }
    a.import(&batch(&["C-1", "C-2"]), &by(lead)).await.unwrap();

    // The reviewer, logged in as themselves, works through claimdesk as usual.
    let rev_url = as_login(&admin.url, rev);
    let mine = Store::open(&rev_url).await.unwrap();
    let me = mine.prove_identity().await.unwrap();
    assert_eq!((me.login.as_str(), me.administrator), (rev, false));
    let mine = mine.acting_as(me);
    mine.take(&["C-1".to_string()], rev, DEFAULT_LEASE)
        .await
        .unwrap();
    let seen = Seen {
        claim_id: "C-1".into(),
        version: mine.claim("C-1").await.unwrap().unwrap().version,
    };
    let decision = DecisionRequest {
        seen,
        outcome: DecisionOutcome::Rejected,
        reason: "Insufficient PoE".into(),
    };
    mine.decide(&[decision], rev).await.unwrap();
    // An approval by the reviewer's own login makes the association (migration 0010's grant).
    let approve = DecisionRequest {
        seen: Seen {
            claim_id: "C-2".into(),
            version: mine.claim("C-2").await.unwrap().unwrap().version,
        },
        outcome: DecisionOutcome::Approved,
        reason: "Signed PoE".into(),
    };
    mine.decide(&[approve], rev).await.unwrap();
    let made = mine.claim("C-2").await.unwrap().unwrap().association;
    assert_eq!(made.map(|(a, _)| a.claim_id), Some(Some("C-2".to_string())));
    // Drafts by the reviewer's own login: made, then saved over by version (migration 0018).
    let draft = |known| {
        mine.save_draft_unless_changed(rev, "comment:C-1", Visibility::Internal, "x", known)
    };
    let DraftSave::Saved { version } = draft(None).await.unwrap() else {
        panic!("a new draft is saved")
    };
    assert!(matches!(
        draft(Some(version)).await.unwrap(),
        DraftSave::Saved { version: v } if v == version + 1
    ));
    // ... and cannot act as anyone else, through claimdesk or around it.
    let err = mine.release(&["C-1".to_string()], lead).await.unwrap_err();
    assert!(err.to_string().contains("cannot write as"), "{err}");

    // PostgreSQL refuses what the reviewer's role may not do, whatever tool they use.
    let mut raw = sqlx::PgConnection::connect(&rev_url).await.unwrap();
    let forged = format!(
        "INSERT INTO events (at, actor, kind, after) VALUES (now(), '{lead}', 'decided', '{{}}')"
    );
    for (sql, expected) in [
        ("UPDATE events SET actor = 'mallory'", "42501"),
        ("DELETE FROM events", "42501"),
        ("TRUNCATE events", "42501"),
        (
            "ALTER TABLE events DISABLE TRIGGER events_no_update_delete",
            "42501",
        ),
        ("ALTER TABLE events DISABLE TRIGGER USER", "42501"),
        ("DROP TRIGGER events_no_update_delete ON events", "42501"),
        ("SET session_replication_role = replica", "42501"),
        ("UPDATE events SET hash = NULL", "42501"),
        // Lead-only acts: managing the team.
        (
            "INSERT INTO reviewers (login, display_name, role) VALUES ('x', 'x', 'lead')",
            "42501",
        ),
        ("UPDATE reviewers SET role = 'lead'", "42501"),
        // Importing is not a reviewer's job either.
        ("DELETE FROM subscriptions", "42501"),
        (
            "INSERT INTO bulk_writes (last_id, first_id, at, actor, claims) VALUES (9, 1, now(), 'x', 9)",
            "42501",
        ),
        ("DELETE FROM bulk_writes", "42501"),
        // The dashboard's counters are written only by the triggers on claims (migration 0017).
        ("UPDATE claim_day_counts SET n = n + 1", "42501"),
        ("SELECT claim_day_counts_add('[]')", "42501"),
        ("SELECT COUNT(*) FROM claim_day_counts", "accepted"),
        (forged.as_str(), "P0001"),
    ] {
        let got = code(sqlx::raw_sql(sql).execute(&mut raw).await);
        assert_eq!(got, expected, "{sql}");
    }
    let owned: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM pg_class WHERE relowner = r.oid)
              + (SELECT COUNT(*) FROM pg_proc WHERE proowner = r.oid)
              + (SELECT COUNT(*) FROM pg_namespace WHERE nspowner = r.oid)
         FROM pg_roles r WHERE r.rolname = session_user",
    )
    .fetch_one(&mut raw)
    .await
    .unwrap();
    assert_eq!(owned, 0, "a reviewer's login owns nothing");

    // The integration login imports, the partner feed included, and decides nothing.
    let feeds = Store::open(&as_login(&admin.url, feed)).await.unwrap();
    feeds
        .import(&batch(&["C-3", "C-4"]), &by(feed))
        .await
        .unwrap();
    let withdrawal = claimdesk::interchange::parse_str(concat!(
        r#"{"type":"withdrawal","claim_id":"C-4","at":"2026-11-30T10:00:00Z"}"#,
        "\n",
        r#"{"type":"reply","claim_id":"C-3","reply_id":"R-1","at":"2026-11-30T10:00:00Z","#,
        r#""body":"PoE attached","poe":[{"kind":"SOW","date":"2026-11-29","summary":"signed","#,
        r#""by":"Fabrikam","attachment":"sow.pdf"}]}"#,
    ))
    .unwrap();
    feeds.import(&withdrawal, &by(feed)).await.unwrap();
    let withdrawn = feeds.claim("C-4").await.unwrap().unwrap();
    assert_eq!(withdrawn.claim.status, claimdesk::domain::Status::Withdrawn);
    let mut raw_feed = sqlx::PgConnection::connect(&as_login(&admin.url, feed))
        .await
        .unwrap();
    for sql in [
        "UPDATE claims SET status = 'approved' WHERE claim_id = 'C-3'",
        "INSERT INTO decisions (claim_id, outcome, decided_by, decided_at, reason) \
         VALUES ('C-3', 'approved', 'x', now(), 'x')",
        "DELETE FROM events",
    ] {
        assert_eq!(
            code(sqlx::raw_sql(sql).execute(&mut raw_feed).await),
            "42501",
            "{sql}"
        );
    }
    // A large import is recorded as one bulk write for the change feed, under its own name
    // only: it cannot pass a bulk write off as someone else's, nor remove one.
    let many: Vec<String> = (0..120).map(|i| format!("F-{i:03}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    feeds.import(&batch(&many), &by(feed)).await.unwrap();
    let (who, claims): (String, i64) = sqlx::query_as("SELECT actor, claims FROM bulk_writes")
        .fetch_one(&mut raw_feed)
        .await
        .unwrap();
    assert_eq!((who.as_str(), claims), (feed, 120));
    let forged_bulk = format!(
        "INSERT INTO bulk_writes (last_id, first_id, at, actor, claims) \
         VALUES (999999, 999990, now(), '{lead}', 10)"
    );
    assert_eq!(
        code(sqlx::raw_sql(&forged_bulk).execute(&mut raw_feed).await),
        "P0001"
    );
    assert_eq!(
        code(
            sqlx::raw_sql("DELETE FROM bulk_writes")
                .execute(&mut raw_feed)
                .await
        ),
        "42501",
        "append-only for its writer too"
    );

    // C-2's partner disputes the reviewer's approval through the feed; the lead, logged in as
    // themselves, overturns it, and its association ends (migration 0015's grant).
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let dispute = claimdesk::interchange::parse_str(&format!(
        r#"{{"type":"dispute","claim_id":"C-2","dispute_id":"D-1","at":"{at}","body":"No"}}"#
    ))
    .unwrap();
    feeds.import(&dispute, &by(feed)).await.unwrap();
    let overturning = Store::open(&as_login(&admin.url, lead)).await.unwrap();
    let me = overturning.prove_identity().await.unwrap();
    let overturning = overturning.acting_as(me);
    let reject = DecisionRequest {
        seen: Seen {
            claim_id: "C-2".into(),
            version: overturning.claim("C-2").await.unwrap().unwrap().version,
        },
        outcome: DecisionOutcome::Rejected,
        reason: "The PoE is not countersigned".into(),
    };
    overturning.decide(&[reject], lead).await.unwrap();
    let ended = overturning.claim("C-2").await.unwrap().unwrap();
    assert_eq!(
        (ended.claim.status, ended.association),
        (Status::Rejected, None)
    );
    // The dashboard's counters followed every login's writes (their triggers run as the store's
    // owner): per queue state, contested flag and day, they hold what the claims say.
    let differing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (
             SELECT queue_state, open_contested,
                    (submitted_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day,
                    COUNT(*) AS n
             FROM claims GROUP BY 1, 2, 3) c
         FULL JOIN (SELECT * FROM claim_day_counts WHERE n <> 0) k
           USING (queue_state, open_contested, day)
         WHERE c.n IS DISTINCT FROM k.n",
    )
    .fetch_one(&mut raw_feed)
    .await
    .unwrap();
    assert_eq!(differing, 0, "claim_day_counts differs from the claims");

    // A lead who is not the administrator registers carol, and gets the SQL to hand over.
    let leads = Store::open(&as_login(&admin.url, lead)).await.unwrap();
    assert!(!leads.prove_identity().await.unwrap().administrator);
    // A large `generate` by a lead's own login loads with the indexes in place (only their
    // owner may drop them) instead of failing.
    let indexes = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()";
    let before: i64 = sqlx::query_scalar(indexes)
        .fetch_one(&mut raw_feed)
        .await
        .unwrap();
    leads.suspend_indexes().await.unwrap();
    let after: i64 = sqlx::query_scalar(indexes)
        .fetch_one(&mut raw_feed)
        .await
        .unwrap();
    assert_eq!(before, after);
    leads
        .add_reviewer(&reviewer(carol, Role::Reviewer), lead)
        .await
        .unwrap();
    let LoginGrant::ForAdministrator(sql) = leads.grant_login(carol).await.unwrap() else {
        panic!("a lead without CREATEROLE cannot make logins");
    };
    assert_eq!(sql.len(), 2, "{sql:?}");
    assert!(
        sql[0].contains(&format!("CREATE ROLE \"{carol}\" LOGIN")),
        "{sql:?}"
    );

    // Deactivating rev takes the database's privileges away too. The table is named with its
    // schema: once rev loses the schema, a search path PostgreSQL recomputes (any other schema
    // created meanwhile makes it) would skip it and say "no such table" instead of "denied".
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&mut raw)
        .await
        .unwrap();
    a.deactivate_reviewer(rev, lead).await.unwrap();
    let LoginGrant::Done(done) = a.grant_login(rev).await.unwrap() else {
        panic!("the administrator manages logins");
    };
    assert!(done[0].starts_with("REVOKE"), "{done:?}");
    let read = sqlx::raw_sql(&format!("SELECT COUNT(*) FROM \"{schema}\".claims"))
        .execute(&mut raw)
        .await;
    assert_eq!(code(read), "42501");

    // Every act above is in an intact chain.
    assert_eq!(a.verify_audit(None).await.unwrap().broken, None);

    // What a login may still do around claimdesk, append an event under its own name, the
    // chain shows: the event carries no hash that fits.
    let forged = format!(
        "INSERT INTO events (at, actor, kind, after) VALUES (now(), '{feed}', 'generated', '{{}}')"
    );
    sqlx::raw_sql(&forged).execute(&mut raw_feed).await.unwrap();
    let last: i64 = sqlx::query_scalar("SELECT MAX(id) FROM events")
        .fetch_one(&mut raw_feed)
        .await
        .unwrap();
    let broken = a.verify_audit(None).await.unwrap().broken;
    assert_eq!(broken.map(|(id, _)| id), Some(last));
}
