//! Associations, the approval guard and assignment from a shell, on every backend: an approval
//! makes the incumbent the export shows from both sides of the contest; a reviewer's approval
//! over error findings is refused naming them, a lead's is an override; `assign` is a lead's.
//! Reviewers with fixed names are added with `--no-db-login` (no cluster-wide PostgreSQL login).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{claimdesk, urls, FIXTURE};

fn by_id(jsonl: &str) -> BTreeMap<String, Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("export line is JSON"))
        .map(|v| (v["claim_id"].as_str().unwrap().to_string(), v))
        .collect()
}

/// (contested, competing claim ids, incumbent MPN) of `id` in an export.
fn contest(export: &BTreeMap<String, Value>, id: &str) -> (bool, Vec<String>, Option<String>) {
    let c = &export[id];
    (
        c["contested"].as_bool().unwrap(),
        c["competing_claim_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        c["incumbent_mpn_id"].as_str().map(str::to_string),
    )
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn approvals_make_incumbents_the_guard_holds_and_leads_assign() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        let as_ = |who: &str, args: &[&str]| {
            let mut all = vec!["--reviewer", who];
            all.extend_from_slice(args);
            claimdesk(url, &all, None)
        };
        claimdesk(url, &["import", FIXTURE], None).expect_code(0);
        as_(
            "tester",
            &[
                "reviewer",
                "add",
                "alice",
                "--role",
                "lead",
                "--no-db-login",
            ],
        )
        .expect_code(0);
        for login in ["bob", "carol"] {
            as_("alice", &["reviewer", "add", login, "--no-db-login"]).expect_code(0);
        }

        // The fixture's approved DEMO-0014 is Fourth Coffee's association: DEMO-0015 competes
        // with it, and both claims say so. A rejected claim is out of its contest.
        let export = by_id(&claimdesk(url, &["export"], None).expect_code(0).stdout);
        assert_eq!(
            contest(&export, "DEMO-0015"),
            (true, strings(&["DEMO-0014"]), Some("5100016".into())),
            "{backend}"
        );
        assert_eq!(
            contest(&export, "DEMO-0014"),
            (true, strings(&["DEMO-0015"]), None),
            "{backend}"
        );
        assert_eq!(
            contest(&export, "DEMO-0022"),
            (false, vec![], None),
            "{backend}"
        );
        assert_eq!(
            contest(&export, "DEMO-0024"),
            (false, vec![], None),
            "{backend}"
        );
        // Müller's two MPNs are one partner: DEMO-0026 is no rival of DEMO-0002.
        assert_eq!(
            contest(&export, "DEMO-0002").1,
            strings(&["DEMO-0001", "DEMO-0003"]),
            "{backend}"
        );
        assert_eq!(
            contest(&export, "DEMO-0026").1,
            strings(&["DEMO-0001", "DEMO-0003"]),
            "{backend}"
        );

        // An approval from the shell: the other partner's claim now has that incumbent.
        as_(
            "bob",
            &[
                "decide",
                "DEMO-0004",
                "--approve",
                "--reason",
                "Most recent PoE",
            ],
        )
        .expect_code(0);
        let export = by_id(&claimdesk(url, &["export"], None).expect_code(0).stdout);
        assert_eq!(
            contest(&export, "DEMO-0005"),
            (true, strings(&["DEMO-0004"]), Some("5100004".into())),
            "{backend}"
        );
        assert_eq!(
            contest(&export, "DEMO-0004"),
            (true, strings(&["DEMO-0005"]), None),
            "{backend}"
        );
        // A second approval is refused with the reason.
        let run = as_(
            "bob",
            &["decide", "DEMO-0005", "--approve", "--reason", "Better PoE"],
        )
        .expect_code(1);
        assert!(
            run.stderr.contains("DEMO-0004 is already approved"),
            "{backend}: {}",
            run.stderr
        );

        // The guard: DEMO-0008 has two error findings.
        let run = as_(
            "bob",
            &["decide", "DEMO-0008", "--approve", "--reason", "Looks fine"],
        )
        .expect_code(1);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("product_not_on_tenant")
                && run.stderr.contains("not_a_subscription_id")
                && run.stderr.contains("only a lead"),
            "{backend}: {}",
            run.stderr
        );
        let run = as_(
            "bob",
            &[
                "decide",
                "DEMO-0008",
                "--approve",
                "--reason",
                "Looks fine",
                "--over-findings",
            ],
        )
        .expect_code(1);
        assert!(run.stderr.contains("only a lead"), "{}", run.stderr);
        as_(
            "alice",
            &[
                "decide",
                "DEMO-0008",
                "--approve",
                "--reason",
                "Customer confirmed the Field Service subscription by phone",
                "--over-findings",
            ],
        )
        .expect_code(0);
        let audit = as_("alice", &["audit", "--claim", "DEMO-0008"])
            .expect_code(0)
            .stdout;
        assert!(
            audit.contains("overridden") && audit.contains("product_not_on_tenant"),
            "{backend}: {audit}"
        );

        // Assignment: a lead's, the whole contest, into the reviewer's Mine.
        let run = as_("bob", &["assign", "DEMO-0001", "carol"]).expect_code(2);
        assert!(run.stderr.contains("only a lead"), "{}", run.stderr);
        let run = as_("alice", &["assign", "DEMO-0001", "carol"]).expect_code(0);
        assert_eq!(
            run.stdout.trim(),
            "assigned DEMO-0001, DEMO-0002, DEMO-0003, DEMO-0026 to carol",
            "{backend}"
        );
        let mine = as_("carol", &["queue", "--tab", "mine", "--sort", "claim-id"])
            .expect_code(0)
            .stdout;
        for id in ["DEMO-0001", "DEMO-0002", "DEMO-0003", "DEMO-0026"] {
            assert!(mine.contains(id), "{backend}: {mine}");
        }
        let audit = as_("alice", &["audit", "--claim", "DEMO-0002"])
            .expect_code(0)
            .stdout;
        assert!(audit.contains("assigned"), "{backend}: {audit}");
        as_("alice", &["audit", "--verify"]).expect_code(0);
    }
}
