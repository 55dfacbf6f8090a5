//! A claim's whole life from the command line, on every backend: `import` → a request (a
//! reviewer's act, through the library as the workbench makes it) → `outbox` shows it once →
//! the partner's reply `import`ed → back under review with the paused time in `export`'s
//! `sla_due_at` → approved → `outbox` shows the decision → a dispute inside the window →
//! `queue --tab disputed` → decided again by another reviewer (the same one refused) → `outbox`
//! and `audit` say overturned. Replaying the feed file changes nothing; the same id with other
//! content is refused; `audit --verify` stays clean; `outbox` is refused to a plain reviewer.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::{claimdesk, urls};
use claimdesk::domain::{BusinessCalendar, DecisionOutcome, SlaPolicy};
use claimdesk::store::{DecisionRequest, InfoRequest, Seen, Store};

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn rfc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn seen(store: &Store, id: &str) -> Seen {
    Seen {
        claim_id: id.into(),
        version: store.claim(id).await.unwrap().unwrap().version,
    }
}

#[tokio::test]
async fn request_reply_approve_dispute_and_decide_again_from_the_command_line() {
    let (dir, urls) = urls().await;
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[sla]\npause_while_info_requested = true\n").unwrap();
    let config = config.display().to_string();
    let submitted = Utc::now() - TimeDelta::hours(2);
    let claim = format!(
        r#"{{"type":"claim","claim_id":"C-1","partner":{{"name":"Fabrikam","mpn_id":"100"}},"customer":{{"tenant_id":"6f1c2a4e-0000-0000-0000-000000000001","domain":"contoso.onmicrosoft.com"}},"solution_area":"microsoft_365","activity":"usage","product":"Exchange Online","subscription_id":null,"purchase_channel":"csp","submitted_at":"{}"}}"#,
        rfc(submitted)
    );
    for (backend, url) in &urls {
        let run = |args: &[&str]| {
            let mut all = vec!["--config", config.as_str()];
            all.extend_from_slice(args);
            claimdesk(url, &all, None)
        };
        let import = |text: &str| {
            claimdesk(
                url,
                &["--config", config.as_str(), "import", "-"],
                Some(text.as_bytes()),
            )
        };
        import(&claim).expect_code(0);
        let store = Store::open(url).await.unwrap();

        // A request for information: the outbox has it once, with its reply deadline.
        store
            .request_info(
                &[InfoRequest {
                    seen: seen(&store, "C-1").await,
                    body: "Please attach the signed SOW".into(),
                }],
                "alice",
            )
            .await
            .unwrap();
        let out = lines(&run(&["outbox"]).expect_code(0).stdout);
        assert_eq!(out.len(), 1, "{backend}: {out:?}");
        assert_eq!(out[0]["kind"], "info_request");
        assert_eq!(out[0]["status"], "info_requested");
        assert_eq!(out[0]["mpn_id"], "100");
        assert!(out[0]["reply_due_at"].is_string(), "{backend}: {out:?}");
        let seq = out[0]["seq"].as_i64().unwrap().to_string();
        assert!(run(&["outbox", "--after", &seq])
            .expect_code(0)
            .stdout
            .is_empty());
        let requested_at: DateTime<Utc> = out[0]["at"].as_str().unwrap().parse().unwrap();
        let export = lines(&run(&["export"]).expect_code(0).stdout);
        assert_eq!(
            export[0]["reply_due_at"], out[0]["reply_due_at"],
            "{backend}"
        );

        // The partner's reply, three days later: back under review, the wait in sla_due_at.
        let replied_at = requested_at + TimeDelta::days(3);
        let reply = format!(
            r#"{{"type":"reply","claim_id":"C-1","reply_id":"R-1","at":"{}","body":"SOW attached"}}"#,
            rfc(replied_at)
        );
        let done = import(&reply).expect_code(0);
        assert!(
            done.stdout
                .contains("applied 1 partner feed line(s); 0 already applied"),
            "{backend}: {}",
            done.stdout
        );
        let export = lines(&run(&["export"]).expect_code(0).stdout);
        assert_eq!(export[0]["status"], "under_review", "{backend}");
        assert_eq!(export[0]["reply_due_at"], Value::Null);
        let calendar = BusinessCalendar::default();
        let policy = SlaPolicy {
            pause_while_info_requested: true,
            ..SlaPolicy::default()
        };
        let paused = calendar.business_time_between(requested_at, replied_at);
        let want = policy.due_at(&calendar, submitted, paused);
        let plain = policy.due_at(&calendar, submitted, TimeDelta::zero());
        assert!(want > plain, "{backend}: three days hold business time");
        let got: DateTime<Utc> = export[0]["sla_due_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            got, want,
            "{backend}: sla_due_at moved by the paused business time"
        );

        // Approved by alice: the outbox says so, once.
        store
            .decide(
                &[DecisionRequest {
                    seen: seen(&store, "C-1").await,
                    outcome: DecisionOutcome::Approved,
                    reason: "Signed SOW verified".into(),
                }],
                "alice",
            )
            .await
            .unwrap();
        let out = lines(&run(&["outbox", "--after", &seq]).expect_code(0).stdout);
        assert_eq!(
            out.len(),
            1,
            "{backend}: the partner's own reply is no message: {out:?}"
        );
        assert_eq!(
            (&out[0]["kind"], &out[0]["status"], &out[0]["body"]),
            (
                &Value::from("decision"),
                &Value::from("approved"),
                &Value::from("Signed SOW verified")
            )
        );
        let seq = out[0]["seq"].as_i64().unwrap().to_string();

        // A dispute inside the window: the claim is in the Disputed tab.
        let dispute = format!(
            r#"{{"type":"dispute","claim_id":"C-1","dispute_id":"D-1","at":"{}","body":"We never agreed"}}"#,
            rfc(Utc::now())
        );
        let feed = format!("{reply}\n{dispute}\n");
        let done = import(&feed).expect_code(0);
        assert!(
            done.stdout
                .contains("applied 1 partner feed line(s); 1 already applied"),
            "{backend}: {}",
            done.stdout
        );
        let queue = run(&["queue", "--tab", "disputed"]).expect_code(0).stdout;
        assert!(
            queue.contains("C-1") && queue.contains("dispute:"),
            "{backend}: {queue}"
        );

        // alice made the decision: she may not decide it again; bob may.
        let err = store
            .decide(
                &[DecisionRequest {
                    seen: seen(&store, "C-1").await,
                    outcome: DecisionOutcome::Approved,
                    reason: "Still fine".into(),
                }],
                "alice",
            )
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("another reviewer"),
            "{backend}: {err}"
        );
        store
            .decide(
                &[DecisionRequest {
                    seen: seen(&store, "C-1").await,
                    outcome: DecisionOutcome::Rejected,
                    reason: "The SOW is not countersigned".into(),
                }],
                "bob",
            )
            .await
            .unwrap();
        let out = lines(&run(&["outbox", "--after", &seq]).expect_code(0).stdout);
        assert_eq!(out.len(), 1, "{backend}: {out:?}");
        assert_eq!(out[0]["kind"], "dispute_outcome");
        assert_eq!(out[0]["outcome"], "overturned");
        assert_eq!(out[0]["status"], "rejected");
        let audit = run(&["audit", "--claim", "C-1"]).expect_code(0).stdout;
        assert!(
            audit.contains("dispute_resolved") && audit.contains("overturned"),
            "{backend}: {audit}"
        );
        assert!(audit.contains("partner:100"), "{backend}: {audit}");

        // The whole feed again changes nothing; the same id with other content is refused.
        let before = run(&["export"]).expect_code(0).stdout;
        let done = import(&feed).expect_code(0);
        assert!(
            done.stdout
                .contains("applied 0 partner feed line(s); 2 already applied"),
            "{backend}: {}",
            done.stdout
        );
        let changed = feed.replace("We never agreed", "Something else");
        let refused = import(&changed).expect_code(1);
        assert!(
            refused
                .stderr
                .contains("2:dispute_id: dispute D-1 was already imported with other content"),
            "{backend}: {}",
            refused.stderr
        );
        assert_eq!(run(&["export"]).expect_code(0).stdout, before, "{backend}");
        run(&["audit", "--verify"]).expect_code(0);

        // Stored text reaches the terminal escaped, and stays the same JSON.
        store
            .comment(
                &seen(&store, "C-1").await,
                "bob",
                claimdesk::domain::Visibility::Partner,
                "See \u{9b}2J\u{202e}page 2",
            )
            .await
            .unwrap();
        let shown = run(&["outbox", "--after", &seq]).expect_code(0).stdout;
        assert!(
            !shown.contains('\u{9b}') && !shown.contains('\u{202e}'),
            "{backend}"
        );
        let last = lines(&shown).pop().unwrap();
        assert_eq!(last["kind"], "comment");
        assert_eq!(last["body"], "See \u{9b}2J\u{202e}page 2");
        assert_eq!(
            last["status"], "rejected",
            "{backend}: the status the comment left"
        );

        // The outbox is for the integration login and leads, not a plain reviewer.
        let as_ = |who: &str, args: &[&str]| {
            let mut all = vec!["--reviewer", who];
            all.extend_from_slice(args);
            claimdesk(url, &all, None)
        };
        as_(
            "lena",
            &["reviewer", "add", "lena", "--role", "lead", "--no-db-login"],
        )
        .expect_code(0);
        as_("lena", &["reviewer", "add", "rita", "--no-db-login"]).expect_code(0);
        as_("lena", &["outbox"]).expect_code(0);
        let refused = as_("rita", &["outbox"]).expect_code(2);
        assert!(
            refused
                .stderr
                .contains("only an integration login or a lead may read the outbox"),
            "{backend}: {}",
            refused.stderr
        );
    }
}
