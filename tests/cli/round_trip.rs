//! Import then export: the same claims come back with the right computed fields, and both
//! backends write the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{claimdesk, urls, FIXTURE};
use claimdesk::domain::FindingCode;

const COMPUTED: [&str; 8] = [
    "sla_due_at",
    "reply_due_at",
    "contested",
    "competing_claim_ids",
    "incumbent_mpn_id",
    "findings",
    "unknown_checks",
    "decision",
];

fn by_id(jsonl: &str) -> BTreeMap<String, Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("export line is JSON"))
        .filter(|v| v.get("type").is_none_or(|t| t == "claim"))
        .map(|v| (v["claim_id"].as_str().unwrap().to_string(), v))
        .collect()
}

#[tokio::test]
async fn the_fixture_round_trips_with_computed_fields_and_identical_bytes() {
    let (_dir, urls) = urls().await;
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let mut exports = Vec::new();
    for (backend, url) in &urls {
        let run = claimdesk(url, &["import", FIXTURE], None).expect_code(0);
        assert_eq!(
            run.stdout.trim(),
            "imported 26 claims, 6 tenants, 24 MPNs, 1 associations",
            "{backend}"
        );
        let jsonl = claimdesk(url, &["export"], None).expect_code(0).stdout;
        let csv = claimdesk(url, &["export", "--format", "csv"], None)
            .expect_code(0)
            .stdout;
        check_claims(backend, &fixture, &jsonl);
        assert_eq!(csv.lines().count(), 27, "{backend}: header + 26 rows");
        exports.push((backend, jsonl, csv));
    }
    if let [(_, sqlite_jsonl, sqlite_csv), (_, pg_jsonl, pg_csv)] = &exports[..] {
        assert!(
            sqlite_jsonl == pg_jsonl,
            "JSONL exports differ between backends"
        );
        assert!(sqlite_csv == pg_csv, "CSV exports differ between backends");
    }
}

fn check_claims(backend: &str, fixture: &str, jsonl: &str) {
    let input = by_id(fixture);
    let output = by_id(jsonl);
    assert_eq!(
        output.keys().collect::<Vec<_>>(),
        input.keys().collect::<Vec<_>>(),
        "{backend}: claim ids in order"
    );
    for (id, filed) in &input {
        let mut stored = output[id].clone();
        let map = stored.as_object_mut().unwrap();
        for field in COMPUTED {
            assert!(map.remove(field).is_some(), "{backend}: {id} lacks {field}");
        }
        let mut filed = filed.clone();
        filed.as_object_mut().unwrap().remove("type");
        assert_eq!(stored, filed, "{backend}: {id} came back changed");
    }

    let claim = |id: &str| &output[id];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    // The three-party and two-party contests, and the incumbent.
    assert_eq!(claim("DEMO-0001")["contested"], true);
    assert_eq!(
        strings(&claim("DEMO-0001")["competing_claim_ids"]),
        ["DEMO-0002", "DEMO-0003", "DEMO-0026"]
    );
    assert_eq!(
        strings(&claim("DEMO-0005")["competing_claim_ids"]),
        ["DEMO-0004"]
    );
    assert_eq!(claim("DEMO-0006")["incumbent_mpn_id"], "5100010");
    assert_eq!(claim("DEMO-0006")["contested"], true);
    assert_eq!(claim("DEMO-0024")["contested"], false);
    assert_eq!(claim("DEMO-0024")["incumbent_mpn_id"], Value::Null);
    // The deadline: submitted Wed 2026-11-11 23:00 UTC → end of the 5th business day after.
    assert_eq!(claim("DEMO-0001")["submitted_at"], "2026-11-11T23:00:00Z");
    assert_eq!(claim("DEMO-0001")["sla_due_at"], "2026-11-19T00:00:00Z");
    // Every finding code shows up somewhere; missing reference data is unknown, not passed.
    let seen: BTreeSet<String> = output
        .values()
        .flat_map(|c| strings(&c["findings"]))
        .collect();
    for code in FindingCode::ALL {
        assert!(
            seen.contains(code.code()),
            "{backend}: no claim shows {code}"
        );
    }
    assert_eq!(
        strings(&claim("DEMO-0015")["findings"]),
        ["subscription_already_claimed"]
    );
    assert!(strings(&claim("DEMO-0001")["findings"]).is_empty());
    assert!(strings(&claim("DEMO-0020")["unknown_checks"]).contains(&"domain_tenant".to_string()));
    assert_eq!(
        strings(&claim("DEMO-0021")["unknown_checks"]),
        ["mpn_enrollment"]
    );
}

#[tokio::test]
async fn import_reads_stdin_and_export_writes_a_file() {
    let (dir, urls) = urls().await;
    let url = &urls[0].1;
    let fixture = std::fs::read(FIXTURE).unwrap();
    claimdesk(url, &["import", "-"], Some(&fixture)).expect_code(0);
    let path = dir.path().join("out.csv");
    let shown = path.display().to_string();
    let run = claimdesk(
        url,
        &["export", "--format", "csv", "--output", &shown],
        None,
    )
    .expect_code(0);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("exported 26 claims"), "{}", run.stderr);
    let csv = std::fs::read_to_string(path).unwrap();
    assert!(csv.starts_with("claim_id,partner_name,mpn_id,"));
    assert!(csv.contains("DEMO-0003,株式会社フジ,5100003,"));
}
