//! Stored text never reaches a terminal raw: `queue`, `audit`, `reviewer list` and error lines
//! show control characters (C0, C1, DEL) and bidi overrides escaped as `\u{1b}`; CSV cells a
//! spreadsheet would run as a formula start with `'`; JSON Lines stay JSON, byte for byte.

use serde_json::json;

use super::{claimdesk, urls};

/// Clears the screen, retitles the window, writes the clipboard (OSC 52), a C1 CSI, a bidi
/// override and a newline: everything a hostile partner name could try.
const HOSTILE: &str =
    "Evil\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{9b}31m\u{202e}gpj.exe\nLine2";

fn claim(id: &str, partner: &str, product: &str, domain: &str) -> String {
    json!({
        "type": "claim", "claim_id": id,
        "partner": {"name": partner, "mpn_id": "5100002"},
        "customer": {"tenant_id": "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60", "domain": domain},
        "solution_area": "microsoft_365", "activity": "usage", "product": product,
        "subscription_id": null, "purchase_channel": "web_direct",
        "submitted_at": "2026-11-16T09:00:00Z"
    })
    .to_string()
}

/// Whether `text` holds anything a terminal would act on (a newline ends a line, as intended).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c))
        .collect()
}

#[tokio::test]
async fn queue_audit_reviewer_list_and_errors_show_control_characters_escaped() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        let file = claim("EVIL-1", HOSTILE, "Exchange Online", "evil.onmicrosoft.com");
        claimdesk(url, &["import", "-"], Some(file.as_bytes())).expect_code(0);
        let queue = claimdesk(url, &["queue", "--tab", "all"], None).expect_code(0);
        claimdesk(
            url,
            &[
                "reviewer",
                "add",
                "lead",
                "--role",
                "lead",
                "--name",
                HOSTILE,
                // No cluster-wide PostgreSQL login for a fixed name (tests/roles.rs makes those).
                "--no-db-login",
            ],
            None,
        )
        .expect_code(0);
        let audit = claimdesk(url, &["audit"], None).expect_code(0);
        let list = claimdesk(url, &["--reviewer", "lead", "reviewer", "list"], None);
        let list = list.expect_code(0);
        let ghost = format!("ghost{HOSTILE}");
        let refused = claimdesk(
            url,
            &["--reviewer", "lead", "reviewer", "deactivate", &ghost],
            None,
        );
        let refused = refused.expect_code(1);
        for (what, out) in [
            ("queue", &queue.stdout),
            ("audit", &audit.stdout),
            ("reviewer list", &list.stdout),
            ("error", &refused.stderr),
        ] {
            assert_eq!(
                raw_controls(out),
                Vec::<char>::new(),
                "{backend} {what}:\n{out}"
            );
            // The queue cuts wide cells; audit values and error lines join lines with a space.
            let shown = match what {
                "queue" => r"Evil\u{1b}[2J\u{1b}]0;pwned\u{7}",
                "audit" | "error" => {
                    r"Evil\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{9b}31m\u{202e}gpj.exe Line2"
                }
                _ => {
                    r"Evil\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{9b}31m\u{202e}gpj.exe\u{a}Line2"
                }
            };
            assert!(out.contains(shown), "{backend} {what}:\n{out}");
        }
        // The hostile row is one line of the queue, not two.
        assert_eq!(queue.stdout.lines().count(), 2, "{}", queue.stdout);
        // An actor is an id: a name that could forge an audit line is refused before any work.
        let forged = claimdesk(
            url,
            &["--reviewer", "mallory\n2026-11-30 lead", "queue"],
            None,
        );
        let forged = forged.expect_code(2);
        assert!(forged.stderr.contains("--reviewer"), "{}", forged.stderr);
    }
}

#[tokio::test]
async fn csv_cells_that_would_run_as_formulas_are_neutralised_and_jsonl_is_unchanged() {
    let (_dir, urls) = urls().await;
    for (_, url) in &urls {
        let lines = [
            claim(
                "C-1",
                "=HYPERLINK(\"http://x\",\"y\")",
                "@SUM(1+1)",
                "a.onmicrosoft.com",
            ),
            claim("C-2", "+cmd|' /C calc'!A0", "-2+3", "\tb.onmicrosoft.com"),
            claim("C-3", "\rCR", "Exchange Online", "c.onmicrosoft.com"),
            claim("C-4", "Contoso = Fabrikam", "Teams", "d.onmicrosoft.com"),
        ]
        .join("\n");
        claimdesk(url, &["import", "-"], Some(lines.as_bytes())).expect_code(0);
        let csv = claimdesk(url, &["export", "--format", "csv"], None)
            .expect_code(0)
            .stdout;
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let cell = |row: usize, col: usize| rows[row].get(col).unwrap().to_string();
        assert_eq!(cell(0, 1), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(cell(0, 7), "'@SUM(1+1)");
        assert_eq!(cell(1, 1), "'+cmd|' /C calc'!A0");
        assert_eq!(cell(1, 7), "'-2+3");
        assert_eq!(cell(1, 4), "'\tb.onmicrosoft.com");
        assert_eq!(cell(2, 1), "'\rCR");
        assert_eq!(cell(3, 1), "Contoso = Fabrikam");
        // JSON Lines carry the text as it was filed.
        let jsonl = claimdesk(url, &["export"], None).expect_code(0).stdout;
        assert!(
            jsonl.contains(r#""name":"=HYPERLINK(\"http://x\",\"y\")""#),
            "{jsonl}"
        );
        assert!(jsonl.contains(r#""product":"@SUM(1+1)""#), "{jsonl}");
    }
}
