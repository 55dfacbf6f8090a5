//! Bad import files are refused whole: every problem named by line and field, exit status 1,
//! and the store exactly as it was.

use serde_json::{json, Value};

use super::{claimdesk, urls, FIXTURE};

/// A valid claim that is not in the fixture; each bad file carries it too, to show that a good
/// line is not written when another line is bad.
fn good_claim() -> Value {
    json!({
        "type": "claim", "claim_id": "NEW-1",
        "partner": {"name": "Müller IT GmbH", "mpn_id": "5100002"},
        "customer": {"tenant_id": "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60",
                     "domain": "fabrikam.onmicrosoft.com"},
        "solution_area": "microsoft_365", "activity": "usage", "product": "Exchange Online",
        "subscription_id": null, "purchase_channel": "web_direct",
        "submitted_at": "2026-11-16T09:00:00Z"
    })
}

fn changed(field: &str, value: Value) -> String {
    let mut v = good_claim();
    v["claim_id"] = json!("NEW-2");
    if value.is_null() && field != "subscription_id" {
        v.as_object_mut().unwrap().remove(field);
    } else {
        v[field] = value;
    }
    v.to_string()
}

/// A PoE list of one item with this date and summary.
fn poe(date: &str, summary: &str) -> Value {
    json!([{"kind": "SOW", "date": date, "summary": summary, "by": "b", "attachment": "a"}])
}

/// (what is wrong, the bad line, the problem printed for it on line 2)
fn bad_lines() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "bad JSON",
            "{\"type\": \"claim\"".into(),
            "2:json: not valid JSON:",
        ),
        (
            "missing field",
            changed("product", Value::Null),
            "2:product: missing field",
        ),
        (
            "unknown field",
            changed("colour", json!("red")),
            "2:colour: unknown field",
        ),
        (
            "wrong JSON type",
            changed("submitted_at", json!(20261116)),
            "2:submitted_at: expected a string, found a number",
        ),
        (
            "bad GUID",
            changed(
                "customer",
                json!({"tenant_id": "fabrikam", "domain": "f.com"}),
            ),
            "2:customer.tenant_id: not a GUID: \"fabrikam\"",
        ),
        (
            "bad enum",
            changed("purchase_channel", json!("reseller")),
            "2:purchase_channel: unknown value \"reseller\"",
        ),
        (
            "bad timestamp",
            changed("submitted_at", json!("yesterday")),
            "2:submitted_at: not an RFC 3339 timestamp: \"yesterday\"",
        ),
        (
            "bad date",
            changed("poe", poe("2026-11-31", "s")),
            "2:poe[0].date: not a date: \"2026-11-31\"",
        ),
        (
            "claim id repeated in the file",
            good_claim().to_string(),
            "2:claim_id: claim id \"NEW-1\" repeated (first on line 1)",
        ),
        (
            "empty claim id",
            changed("claim_id", json!("")),
            "2:claim_id: must not be empty",
        ),
        (
            "NUL in a summary (PostgreSQL cannot store it; SQLite could)",
            changed("poe", poe("2026-11-01", "a\u{0}b")),
            "2:poe[0].summary: contains a NUL character",
        ),
        (
            "a megabyte claim id",
            changed("claim_id", json!("C".repeat(1_000_000))),
            "2:claim_id: too long: 1000000 characters (at most 64)",
        ),
        (
            "a newline in a claim id",
            changed("claim_id", json!("C-9\nforged")),
            "2:claim_id: contains the control character \\u{a} at character 4",
        ),
        (
            "whitespace in an MPN id",
            changed("partner", json!({"name": "P", "mpn_id": "51 00"})),
            "2:partner.mpn_id: contains whitespace at character 3",
        ),
        (
            "a partner name past the limit",
            changed(
                "partner",
                json!({"name": "é".repeat(257), "mpn_id": "5100002"}),
            ),
            "2:partner.name: too long: 257 characters (at most 256)",
        ),
        (
            "a repeated key",
            format!(
                "{{\"product\":\"Teams\",{}",
                &changed("claim_id", json!("NEW-2"))[1..]
            ),
            "2:product: key repeated in its object (keys must be unique)",
        ),
        (
            "a leap second",
            changed("submitted_at", json!("2026-12-31T23:59:60Z")),
            "2:submitted_at: \"2026-12-31T23:59:60Z\" is a leap second",
        ),
        (
            "a year past the range",
            changed("submitted_at", json!("9999-01-01T00:00:00Z")),
            "2:submitted_at: \"9999-01-01T00:00:00Z\" is outside 2000-01-01 .. 2100-01-01",
        ),
        (
            "a PoE date before the range",
            changed("poe", poe("1999-12-31", "s")),
            "2:poe[0].date: 1999-12-31 is outside 2000-01-01 .. 2100-01-01",
        ),
        (
            "unknown type",
            json!({"type": "partner", "name": "x"}).to_string(),
            "2:type: unknown type \"partner\"",
        ),
        (
            "claim id already stored",
            {
                let mut v = good_claim();
                v["claim_id"] = json!("DEMO-0001");
                v.to_string()
            },
            "2:claim_id: claim id already stored",
        ),
    ]
}

#[tokio::test]
async fn every_bad_input_class_is_refused_and_nothing_is_written() {
    let (dir, urls) = urls().await;
    for (backend, url) in &urls {
        claimdesk(url, &["import", FIXTURE], None).expect_code(0);
        let before = claimdesk(url, &["export"], None).expect_code(0).stdout;
        for (what, line, problem) in bad_lines() {
            let path = dir.path().join("bad.jsonl");
            std::fs::write(&path, format!("{}\n{line}\n", good_claim())).unwrap();
            let run = claimdesk(url, &["import", &path.display().to_string()], None);
            let run = run.expect_code(1);
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 2, "{backend} {what}:\n{}", run.stderr);
            assert!(
                lines[0].starts_with(problem),
                "{backend} {what}: got {:?}, want {problem:?}",
                lines[0]
            );
            assert_eq!(
                lines[1],
                "claimdesk: import refused: 1 problem(s) on 1 line(s); nothing was written"
            );
            assert!(run.stdout.is_empty(), "{backend} {what}: {}", run.stdout);
            let after = claimdesk(url, &["export"], None).expect_code(0).stdout;
            assert!(after == before, "{backend} {what}: the store changed");
        }
    }
}

#[tokio::test]
async fn a_file_with_many_problems_names_them_all() {
    let (_dir, urls) = urls().await;
    let url = &urls[0].1;
    let text = format!(
        "{}\n\nnot json\n{}\n",
        changed("activity", json!("selling")),
        json!({"type": "mpn", "mpn_id": "1", "partner": "P", "enrolled": "yes"})
    );
    let run = claimdesk(url, &["import", "-"], Some(text.as_bytes())).expect_code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "1:activity: unknown value \"selling\" (expected one of presales, usage, revenue_association)",
            "3:json: not valid JSON: expected ident at column 2",
            "4:enrolled: expected true or false, found a string",
            "4:partner_type: missing field",
            "claimdesk: import refused: 4 problem(s) on 3 line(s); nothing was written",
        ]
    );
    let export = claimdesk(url, &["export"], None).expect_code(0).stdout;
    assert!(export.is_empty());
}

#[tokio::test]
async fn at_most_50_problems_are_listed_then_the_rest_counted() {
    let (_dir, urls) = urls().await;
    let url = &urls[0].1;
    let text: String = (0..120)
        .map(|i| format!("{}\n", changed("claim_id", json!(format!("BAD {i}")))))
        .collect();
    let run = claimdesk(url, &["import", "-"], Some(text.as_bytes())).expect_code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 52, "{}", run.stderr);
    assert!(
        lines[49].starts_with("50:claim_id: contains whitespace"),
        "{}",
        lines[49]
    );
    assert_eq!(lines[50], "and 70 more problem(s)");
    assert_eq!(
        lines[51],
        "claimdesk: import refused: 120 problem(s) on 120 line(s); nothing was written"
    );
}
