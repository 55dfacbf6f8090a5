use std::collections::HashSet;

use super::*;

fn fixture_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(FIXTURE_NOW)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn the_demo_set_is_valid_interchange_with_every_status_and_non_ascii_names() {
    let batch = batch(&Config::default(), fixture_now()).unwrap();
    assert_eq!(batch.claims.len(), 26);
    let statuses: HashSet<Status> = batch.claims.iter().map(|(_, c)| c.status).collect();
    // Every status a claim is filed in: `disputed` comes from the partner feed on loading.
    assert_eq!(statuses.len(), Status::ALL.len() - 1, "{statuses:?}");
    assert!(!statuses.contains(&Status::Disputed));
    let names: HashSet<&str> = batch
        .claims
        .iter()
        .map(|(_, c)| c.partner.name.as_str())
        .collect();
    for name in ["Société Générale Conseil", "Müller IT GmbH", "株式会社フジ"] {
        assert!(names.contains(name), "{name}");
    }
    assert_eq!(batch.associations.len(), 1);
}

#[test]
fn clocks_show_ok_warning_and_breached_on_a_weekday() {
    let config = Config::default();
    let now = fixture_now();
    let batch = batch(&config, now).unwrap();
    let states: HashSet<_> = batch
        .claims
        .iter()
        .filter(|(_, c)| c.status.is_open())
        .map(|(_, c)| {
            let due = config
                .sla
                .due_at(&config.calendar, c.submitted_at, TimeDelta::zero());
            config.sla.countdown(&config.calendar, due, now).state
        })
        .collect();
    assert_eq!(states.len(), 3, "{states:?}");
    assert!(batch
        .claims
        .iter()
        .all(|(_, c)| c.submitted_at < now && c.comments.iter().all(|m| m.at <= now)));
}

/// The shipped fixture is the demo set at `FIXTURE_NOW`; `CLAIMDESK_BLESS=1` rewrites it.
#[test]
fn the_fixture_file_is_the_demo_set() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/realistic.jsonl"
    );
    let fresh = jsonl(&Config::default(), fixture_now());
    if std::env::var("CLAIMDESK_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &fresh).unwrap();
    }
    let shipped = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        shipped == fresh,
        "tests/fixtures/realistic.jsonl is out of date: rerun with CLAIMDESK_BLESS=1"
    );
}
