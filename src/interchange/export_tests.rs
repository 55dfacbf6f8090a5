use chrono::TimeZone;

use super::*;
use crate::domain::{ClaimFacts, Decision, DecisionOutcome, Mpn};
use crate::interchange::parse_str;

const LINE: &str = r#"{"type":"claim","claim_id":"C-1","partner":{"name":"Müller IT GmbH","mpn_id":"1000001"},"customer":{"tenant_id":"6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60","domain":"fabrikam.onmicrosoft.com"},"solution_area":"microsoft_365","activity":"usage","product":"Exchange Online","subscription_id":null,"purchase_channel":"csp","submitted_at":"2026-11-02T09:00:00.5+00:00","status":"approved","poe":[{"kind":"deployment","date":"2026-10-20","summary":"Mailbox migration, \"wave 1\"","by":"K. Müller","attachment":"poe/1.pdf"}],"comments":[{"author":"rev1","visibility":"partner","body":"Thanks","at":"2026-11-03T08:00:00+01:00"}]}"#;

fn view() -> ClaimView {
    let claim = parse_str(LINE).unwrap().claims.remove(0).1;
    ClaimView {
        claim,
        version: 3,
        competing_claim_ids: vec!["C-2".into(), "C-3".into()],
        incumbent_mpn_id: Some("2000002".into()),
        association: None,
        facts: ClaimFacts {
            mpn: Some(Mpn {
                mpn_id: "1000001".into(),
                partner: "Müller IT GmbH".into(),
                enrolled: false,
                partner_type: None,
                partner_id: None,
            }),
            ..ClaimFacts::default()
        },
        decision: Some(Decision {
            outcome: DecisionOutcome::Approved,
            by: "rev1".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 4, 12, 0, 0).unwrap(),
            reason: "best PoE".into(),
        }),
        assigned_to: None,
        held_until: None,
        assignee: None,
        clock: Default::default(),
    }
}

fn export(format: ExportFormat, views: &[ClaimView]) -> String {
    let mut out = Vec::new();
    let mut w = ExportWriter::new(&mut out, format, Config::default()).unwrap();
    w.write_page(views).unwrap();
    assert_eq!(w.finish().unwrap(), views.len() as u64);
    String::from_utf8(out).unwrap()
}

#[test]
fn jsonl_has_stored_then_computed_fields_in_a_fixed_order() {
    let text = export(ExportFormat::Jsonl, &[view()]);
    assert_eq!(
        text,
        concat!(
            r#"{"claim_id":"C-1","partner":{"name":"Müller IT GmbH","mpn_id":"1000001"},"#,
            r#""customer":{"tenant_id":"6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60","domain":"fabrikam.onmicrosoft.com"},"#,
            r#""solution_area":"microsoft_365","activity":"usage","product":"Exchange Online","#,
            r#""subscription_id":null,"purchase_channel":"csp","submitted_at":"2026-11-02T09:00:00.500Z","#,
            r#""status":"approved","poe":[{"kind":"deployment","date":"2026-10-20","#,
            r#""summary":"Mailbox migration, \"wave 1\"","by":"K. Müller","attachment":"poe/1.pdf"}],"#,
            r#""comments":[{"author":"rev1","visibility":"partner","body":"Thanks","at":"2026-11-03T07:00:00Z"}],"#,
            r#""sla_due_at":"2026-11-10T00:00:00Z","reply_due_at":null,"contested":true,"competing_claim_ids":["C-2","C-3"],"#,
            r#""incumbent_mpn_id":"2000002","findings":["mpn_not_enrolled"],"unknown_checks":["domain_tenant"],"#,
            r#""decision":{"outcome":"approved","by":"rev1","at":"2026-11-04T12:00:00Z","reason":"best PoE"}}"#,
            "\n"
        )
    );
}

#[test]
fn an_uncontested_undecided_claim_exports_nulls_and_empty_lists() {
    let mut v = view();
    v.competing_claim_ids.clear();
    v.incumbent_mpn_id = None;
    v.decision = None;
    let text = export(ExportFormat::Jsonl, &[v]);
    assert!(text.contains(r#""contested":false,"competing_claim_ids":[],"incumbent_mpn_id":null,"#));
    assert!(text.ends_with("\"decision\":null}\n"));
}

#[test]
fn csv_header_matches_the_row_fields() {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.serialize(CsvRow::new(&view(), &Config::default()))
            .unwrap();
    }
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().next().unwrap(), CSV_HEADER.join(","));
}

#[test]
fn csv_is_one_flat_row_per_claim() {
    let text = export(ExportFormat::Csv, &[view()]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], CSV_HEADER.join(","));
    assert_eq!(
        lines[1],
        "C-1,Müller IT GmbH,1000001,6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60,fabrikam.onmicrosoft.com,\
         microsoft_365,usage,Exchange Online,,csp,2026-11-02T09:00:00.500Z,approved,1,1,\
         2026-11-10T00:00:00Z,,true,C-2;C-3,2000002,mpn_not_enrolled,domain_tenant,approved,rev1,\
         2026-11-04T12:00:00Z,best PoE"
    );
}

#[test]
fn an_empty_csv_export_still_has_its_header() {
    assert_eq!(export(ExportFormat::Csv, &[]), CSV_HEADER.join(",") + "\n");
}
