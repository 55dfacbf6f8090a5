use serde_json::{json, Value};

use super::*;

const TENANT: &str = "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60";
const SUB: &str = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

fn claim_line() -> Value {
    json!({
        "type": "claim",
        "claim_id": "C-1",
        "partner": {"name": "Société Générale Conseil", "mpn_id": "1000001"},
        "customer": {"tenant_id": TENANT, "domain": "fabrikam.onmicrosoft.com"},
        "solution_area": "business_applications",
        "activity": "presales",
        "product": "Dynamics 365 Sales",
        "subscription_id": SUB,
        "purchase_channel": "volume_licensing",
        "submitted_at": "2026-11-02T10:00:00.1234567+01:00",
        "poe": [{"kind": "workshop", "date": "2026-10-20", "summary": "Envisioning workshop",
                 "by": "A. Dupont", "attachment": "poe/c-1-1.pdf"}],
        "comments": [{"author": "rev1", "visibility": "internal", "body": "checked",
                      "at": "2026-11-03T08:00:00Z"}]
    })
}

/// `v` with the field at JSON pointer `ptr` replaced, or removed when `new` is `None`.
fn with(mut v: Value, ptr: &str, new: Option<Value>) -> Value {
    let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
    let target = v.pointer_mut(parent).unwrap();
    match (target, new) {
        (Value::Object(m), Some(n)) => {
            m.insert(key.to_string(), n);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(n)) => a[key.parse::<usize>().unwrap()] = n,
        _ => panic!("bad pointer {ptr}"),
    }
    v
}

/// The problems of a file made of these lines, as printed.
fn problems(lines: &[String]) -> Vec<String> {
    match parse_str(&lines.join("\n")) {
        Ok(_) => vec![],
        Err(ps) => ps.iter().map(ToString::to_string).collect(),
    }
}

fn one(line: Value) -> Vec<String> {
    problems(&[line.to_string()])
}

#[test]
fn a_valid_file_of_every_line_type_parses() {
    let text = [
        claim_line().to_string(),
        String::new(),
        json!({"type": "tenant", "tenant_id": TENANT, "domains": ["fabrikam.onmicrosoft.com"],
               "subscriptions": [{"subscription_id": SUB, "product": "Dynamics 365 Sales",
                                  "dynamics": true, "channel": "web_direct", "state": "grace"}]})
        .to_string(),
        json!({"type": "mpn", "mpn_id": "1000001", "partner": "Contoso", "enrolled": true,
               "partner_type": null})
        .to_string(),
        json!({"type": "association", "tenant_id": TENANT, "product": "Dynamics 365 Sales",
               "mpn_id": "2000002"})
        .to_string(),
        with(
            with(claim_line(), "/claim_id", Some(json!("C-2"))),
            "/subscription_id",
            Some(Value::Null),
        )
        .to_string(),
    ]
    .join("\r\n");
    let batch = parse_str(&text).unwrap();
    assert_eq!(batch.claims.len(), 2);
    let (line, c) = &batch.claims[0];
    assert_eq!(*line, 1);
    assert_eq!(c.partner.name, "Société Générale Conseil");
    assert_eq!(c.status, Status::UnderReview);
    // Normalised to UTC and truncated to whole microseconds.
    assert_eq!(
        crate::interchange::export::rfc3339(c.submitted_at),
        "2026-11-02T09:00:00.123456Z"
    );
    assert_eq!(c.poe.len(), 1);
    assert_eq!(c.comments[0].visibility, Visibility::Internal);
    assert_eq!(batch.claims[1].0, 6);
    assert_eq!(batch.claims[1].1.subscription_id, None);
    assert_eq!(
        batch.tenants[0].subscriptions[0].state,
        SubscriptionState::Grace
    );
    assert_eq!(batch.mpns[0].partner_type, None);
    assert_eq!(batch.associations[0].mpn_id, "2000002");
}

#[test]
fn optional_claim_fields_default() {
    let mut line = claim_line();
    for f in ["poe", "comments"] {
        line = with(line, &format!("/{f}"), None);
    }
    let line = with(line, "/status", Some(json!("info_requested")));
    let batch = parse_str(&line.to_string()).unwrap();
    let c = &batch.claims[0].1;
    assert!(c.poe.is_empty() && c.comments.is_empty());
    assert_eq!(c.status, Status::InfoRequested);
}

#[test]
fn bad_json_and_non_objects() {
    assert_eq!(
        problems(&["{\"type\": \"claim\",".into()]),
        ["1:json: not valid JSON: EOF while parsing a value at column 17"]
    );
    assert_eq!(
        problems(&["[1, 2]".into()]),
        ["1:json: expected a JSON object, found an array"]
    );
}

#[test]
fn missing_and_unknown_types() {
    assert_eq!(
        one(with(claim_line(), "/type", None)),
        ["1:type: missing field (expected one of claim, tenant, mpn, association, reply, withdrawal, dispute)"]
    );
    assert_eq!(
        one(with(claim_line(), "/type", Some(json!("claims")))),
        ["1:type: unknown type \"claims\" (expected one of claim, tenant, mpn, association, reply, withdrawal, dispute)"]
    );
    assert_eq!(
        one(with(claim_line(), "/type", Some(json!(1)))),
        ["1:type: expected a string, found a number"]
    );
}

#[test]
fn missing_and_unknown_fields_name_their_path() {
    assert_eq!(
        one(with(claim_line(), "/partner/mpn_id", None)),
        ["1:partner.mpn_id: missing field"]
    );
    assert_eq!(
        one(with(claim_line(), "/poe/0/by", None)),
        ["1:poe[0].by: missing field"]
    );
    assert_eq!(
        one(with(claim_line(), "/submited_at", Some(json!("x")))),
        ["1:submited_at: unknown field"]
    );
    assert_eq!(
        one(with(
            claim_line(),
            "/customer/name",
            Some(json!("Fabrikam"))
        )),
        ["1:customer.name: unknown field"]
    );
}

#[test]
fn wrong_json_types() {
    assert_eq!(
        one(with(claim_line(), "/product", Some(json!(42)))),
        ["1:product: expected a string, found a number"]
    );
    assert_eq!(
        one(with(claim_line(), "/partner", Some(json!("Contoso")))),
        ["1:partner: expected an object, found a string"]
    );
    assert_eq!(
        one(with(claim_line(), "/poe", Some(json!({})))),
        ["1:poe: expected an array, found an object"]
    );
    assert_eq!(
        one(with(claim_line(), "/poe/0", Some(json!("scan.pdf")))),
        ["1:poe[0]: expected an object, found a string"]
    );
    assert_eq!(
        one(with(claim_line(), "/subscription_id", Some(json!(7)))),
        ["1:subscription_id: expected a string or null, found a number"]
    );
    let mpn = json!({"type": "mpn", "mpn_id": "1", "partner": "P", "enrolled": "yes",
                     "partner_type": null});
    assert_eq!(
        one(mpn),
        ["1:enrolled: expected true or false, found a string"]
    );
}

#[test]
fn bad_guids_everywhere_they_are_checked() {
    assert_eq!(
        one(with(
            claim_line(),
            "/customer/tenant_id",
            Some(json!("contoso"))
        )),
        ["1:customer.tenant_id: not a GUID: \"contoso\""]
    );
    let tenant = json!({"type": "tenant", "tenant_id": "t-1", "domains": [],
        "subscriptions": [{"subscription_id": "s-1", "product": "Exchange Online",
                           "dynamics": false, "channel": "csp", "state": "active"}]});
    assert_eq!(
        one(tenant),
        [
            "1:tenant_id: not a GUID: \"t-1\"",
            "1:subscriptions[0].subscription_id: not a GUID: \"s-1\""
        ]
    );
    let assoc = json!({"type": "association", "tenant_id": "", "product": "X", "mpn_id": "1"});
    assert_eq!(one(assoc), ["1:tenant_id: not a GUID: \"\""]);
}

#[test]
fn a_typed_subscription_id_is_not_judged_at_import() {
    let line = with(
        claim_line(),
        "/subscription_id",
        Some(json!("ABC-123 (see PO)")),
    );
    assert!(parse_str(&line.to_string()).is_ok());
}

#[test]
fn bad_enums_list_the_accepted_codes() {
    assert_eq!(
        one(with(claim_line(), "/solution_area", Some(json!("Business Applications")))),
        ["1:solution_area: unknown value \"Business Applications\" (expected one of business_applications, microsoft_365)"]
    );
    assert_eq!(
        one(with(claim_line(), "/status", Some(json!("open")))),
        ["1:status: unknown value \"open\" (expected one of submitted, under_review, info_requested, approved, rejected, withdrawn, disputed)"]
    );
    assert_eq!(
        one(with(claim_line(), "/comments/0/visibility", Some(json!("public")))),
        ["1:comments[0].visibility: unknown value \"public\" (expected one of partner, internal)"]
    );
}

#[test]
fn bad_timestamps_and_dates() {
    assert_eq!(
        one(with(claim_line(), "/submitted_at", Some(json!("2026-11-02 10:00")))),
        ["1:submitted_at: not an RFC 3339 timestamp: \"2026-11-02 10:00\" (e.g. 2026-11-02T09:30:00Z)"]
    );
    assert_eq!(
        one(with(claim_line(), "/comments/0/at", Some(json!("2026-11-02T10:00:00")))),
        ["1:comments[0].at: not an RFC 3339 timestamp: \"2026-11-02T10:00:00\" (e.g. 2026-11-02T09:30:00Z)"]
    );
    assert_eq!(
        one(with(claim_line(), "/poe/0/date", Some(json!("20/10/2026")))),
        ["1:poe[0].date: not a date: \"20/10/2026\" (use YYYY-MM-DD)"]
    );
    assert_eq!(
        one(with(claim_line(), "/poe/0/date", Some(json!("2026-2-30")))),
        ["1:poe[0].date: not a date: \"2026-2-30\" (use YYYY-MM-DD)"]
    );
}

#[test]
fn empty_required_strings() {
    assert_eq!(
        one(with(claim_line(), "/claim_id", Some(json!("  ")))),
        ["1:claim_id: must not be empty"]
    );
    assert_eq!(
        one(with(claim_line(), "/partner/name", Some(json!("")))),
        ["1:partner.name: must not be empty"]
    );
    assert_eq!(
        one(with(claim_line(), "/customer/domain", Some(json!("")))),
        ["1:customer.domain: must not be empty"]
    );
}

#[test]
fn a_claim_id_repeated_in_the_file() {
    let line = claim_line().to_string();
    assert_eq!(
        problems(&[line.clone(), String::new(), line]),
        ["3:claim_id: claim id \"C-1\" repeated (first on line 1)"]
    );
}

#[test]
fn every_problem_of_every_line_is_reported_in_order() {
    let bad = with(
        with(claim_line(), "/activity", Some(json!("sales"))),
        "/customer/tenant_id",
        Some(json!("x")),
    );
    let lines = [
        claim_line().to_string(),
        "not json".to_string(),
        bad.to_string(),
        json!({"type": "mpn"}).to_string(),
    ];
    assert_eq!(
        problems(&lines),
        [
            "2:json: not valid JSON: expected ident at column 2",
            "3:customer.tenant_id: not a GUID: \"x\"",
            "3:activity: unknown value \"sales\" (expected one of presales, usage, revenue_association)",
            "4:mpn_id: missing field",
            "4:partner: missing field",
            "4:enrolled: missing field",
            "4:partner_type: missing field",
        ]
    );
}

#[test]
fn the_reader_counts_lines_and_refuses_non_utf8() {
    let mut bytes = claim_line().to_string().into_bytes();
    bytes.extend_from_slice(b"\n\xff\xfe\n");
    let problems = parse_reader(&bytes[..]).unwrap().unwrap_err();
    assert_eq!(
        problems[0].to_string(),
        "2:json: not UTF-8 text (save the file as UTF-8)"
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", claim_line());
    assert!(parse_str(&text).is_ok());
}

#[test]
fn huge_values_are_quoted_short_and_repeated_keys_named_by_path() {
    let huge = "z".repeat(1_000_000);
    let mut line = with(claim_line(), "/activity", Some(json!(huge)));
    line = with(line, "/type", Some(json!("claim")));
    let found = one(line);
    assert_eq!(found.len(), 1);
    assert!(found[0].len() < 200, "{}", found[0]);
    assert!(
        found[0].starts_with("1:activity: unknown value \"zzz"),
        "{}",
        found[0]
    );
    let found = one(json!({"type": huge}));
    assert!(
        found[0].len() < 200 && found[0].contains('…'),
        "{}",
        found[0]
    );
    let found = one(
        json!({huge.clone(): 1, "type": "mpn", "mpn_id": "1", "partner": "P",
                           "enrolled": true, "partner_type": null}),
    );
    assert!(
        found[0].len() < 200 && found[0].ends_with(": unknown field"),
        "{}",
        found[0]
    );

    let text =
        claim_line()
            .to_string()
            .replacen("\"partner\":{", "\"partner\":{\"name\":\"Contoso\",", 1);
    assert_eq!(
        problems(&[text]),
        ["1:partner.name: key repeated in its object (keys must be unique)"]
    );
}

#[test]
fn leap_seconds_and_far_dates_are_refused_by_field() {
    let found = one(with(
        claim_line(),
        "/submitted_at",
        Some(json!("2026-06-30T23:59:60Z")),
    ));
    assert_eq!(
        found,
        ["1:submitted_at: \"2026-06-30T23:59:60Z\" is a leap second (write :59.999999 or the next second)"]
    );
    let found = one(with(
        claim_line(),
        "/comments/0/at",
        Some(json!("1970-01-01T00:00:00Z")),
    ));
    assert_eq!(
        found,
        ["1:comments[0].at: \"1970-01-01T00:00:00Z\" is outside 2000-01-01 .. 2100-01-01 (exclusive)"]
    );
}

#[test]
fn feed_lines_parse_and_one_id_with_two_contents_is_refused() {
    let reply = json!({"type": "reply", "claim_id": "C-1", "reply_id": "R-1",
        "at": "2026-11-20T10:00:00Z", "body": "SOW attached",
        "poe": [{"kind": "SOW", "date": "2026-11-19", "summary": "signed", "by": "Fabrikam",
                 "attachment": "sow.pdf"}]});
    let withdrawal = json!({"type": "withdrawal", "claim_id": "C-2", "at": "2026-11-20T11:00:00Z"});
    let dispute = json!({"type": "dispute", "claim_id": "C-3", "dispute_id": "D-1",
        "at": "2026-11-21T09:00:00Z", "body": "We did the work"});
    let text = [&reply, &withdrawal, &dispute, &reply]
        .map(|v| v.to_string())
        .join("\n");
    let batch = parse_str(&text).unwrap();
    // The same line twice is one line.
    assert_eq!(batch.feed.len(), 3);
    assert_eq!(
        batch
            .feed
            .iter()
            .map(|(n, l)| (*n, l.kind()))
            .collect::<Vec<_>>(),
        [(1, "reply"), (2, "withdrawal"), (3, "dispute")]
    );
    let mut other = reply.clone();
    other["body"] = json!("another answer");
    assert_eq!(
        problems(&[reply.to_string(), other.to_string()]),
        ["2:reply_id: reply \"R-1\" repeated with other content (first on line 1)"]
    );
    assert_eq!(
        one(json!({"type": "dispute", "claim_id": "C-3", "at": "yesterday", "body": ""})),
        [
            "1:dispute_id: missing field",
            "1:at: not an RFC 3339 timestamp: \"yesterday\" (e.g. 2026-11-02T09:30:00Z)",
            "1:body: must not be empty",
        ]
    );
    assert_eq!(
        one(with(claim_line(), "/status", Some(json!("disputed")))),
        ["1:status: a claim is not filed disputed: its partner disputes a decision with a \"dispute\" line"]
    );
}

#[test]
fn a_tenant_guid_in_braces_and_capitals_is_the_same_tenant() {
    let braced = with(
        claim_line(),
        "/customer/tenant_id",
        Some(json!(format!("{{{}}}", TENANT.to_uppercase()))),
    );
    let batch = parse_str(&braced.to_string()).unwrap();
    assert_eq!(
        batch.claims[0].1.customer.tenant_id,
        Uuid::parse_str(TENANT).unwrap()
    );
}

#[test]
fn an_mpn_line_may_name_its_partner_id() {
    let line = json!({"type": "mpn", "mpn_id": "1", "partner": "Müller IT GmbH",
                      "enrolled": true, "partner_type": null, "partner_id": "P-MULLER"});
    let batch = parse_str(&line.to_string()).unwrap();
    assert_eq!(batch.mpns[0].partner_id.as_deref(), Some("P-MULLER"));
    let without = with(line.clone(), "/partner_id", None);
    assert_eq!(
        parse_str(&without.to_string()).unwrap().mpns[0].partner_id,
        None
    );
    let bad = with(line, "/partner_id", Some(json!(7)));
    assert_eq!(
        one(bad),
        vec!["1:partner_id: expected a string or null, found a number"]
    );
}
