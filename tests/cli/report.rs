//! `claimdesk report`: the dashboard's figures as text, JSON and CSV, the same on both backends.

use serde_json::Value;

use super::{claimdesk, urls, FIXTURE};

#[tokio::test]
async fn report_prints_the_same_figures_in_every_format_and_from_either_backend() {
    let (_dir, urls) = urls().await;
    let fixture = std::fs::read(FIXTURE).unwrap();
    let mut seen: Vec<Value> = Vec::new();
    for (backend, url) in &urls {
        claimdesk(url, &["import", "-"], Some(&fixture)).expect_code(0);
        let text = claimdesk(url, &["report"], None).expect_code(0).stdout;
        let json = claimdesk(url, &["report", "--format", "json"], None)
            .expect_code(0)
            .stdout;
        let csv = claimdesk(url, &["report", "--format", "csv"], None)
            .expect_code(0)
            .stdout;
        let mut json: Value = serde_json::from_str(&json).expect("report --format json is JSON");
        let review = json["sla"]
            .as_array()
            .and_then(|tabs| tabs.iter().find(|t| t["tab"] == "Under review"))
            .cloned()
            .expect("an Under review row");
        let breached = review["breached"].as_u64().unwrap();
        // The text table and the CSV say the same.
        let text_row = text
            .lines()
            .find(|l| l.trim_start().starts_with("Under review"))
            .expect("a text row");
        let numbers: Vec<u64> = text_row
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert_eq!(numbers.get(2), Some(&breached), "{backend}: {text_row}");
        assert!(
            csv.starts_with("section,row,column,value\n"),
            "{backend}: {csv}"
        );
        assert!(
            csv.contains(&format!("sla,Under review,breached,{breached}\n")),
            "{backend}: {csv}"
        );
        let open: u64 = ["on_time", "warning", "breached"]
            .iter()
            .map(|k| review[*k].as_u64().unwrap())
            .sum();
        assert!(open > 0, "{backend}: the fixture has open claims");
        assert_eq!(
            json["weeks"].as_array().map(Vec::len),
            Some(12),
            "{backend}"
        );
        // Taken a moment apart, the instants differ; the figures must not.
        json["until"] = Value::Null;
        json["outcomes"]["before"] = Value::Null;
        seen.push(json);
    }
    if let [a, b] = &seen[..] {
        assert_eq!(a, b, "SQLite and PostgreSQL report different figures");
    }
    // A bad day is refused before the store is read.
    let (_, url) = &urls[0];
    let run = claimdesk(url, &["report", "--since", "2026-02-30"], None).expect_code(2);
    assert!(
        run.stderr.contains("not a YYYY-MM-DD day"),
        "{}",
        run.stderr
    );
}
