//! Associations on both backends (issue 11): an approval makes the association and the incumbent
//! every later claim there competes with; a partner's MPNs are one party; a contest is the same
//! set of parties from any of its claims; GUIDs compare by value; the approval guard; assignment.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use claimdesk::domain::*;
use claimdesk::store::*;
use uuid::Uuid;

const SALES: &str = "Dynamics 365 Sales";
const SERVICE: &str = "Dynamics 365 Customer Service";
const TENANT: &str = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const SALES_SUB: &str = "5653ea1f-0b7c-4d2e-9f10-a1b2c3d4e5f6";
const SERVICE_SUB: &str = "77aa88bb-0b7c-4d2e-9f10-a1b2c3d4e5f6";
const OTHER_TENANT: &str = "1c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

fn tenant_id() -> Uuid {
    Uuid::parse_str(TENANT).unwrap()
}

fn claim(id: &str, partner: &str, mpn: &str, product: &str, sub: &str, day: u32) -> Claim {
    Claim {
        claim_id: id.into(),
        partner: Partner {
            name: partner.into(),
            mpn_id: mpn.into(),
        },
        customer: Customer {
            tenant_id: tenant_id(),
            domain: "contoso.onmicrosoft.com".into(),
        },
        solution_area: SolutionArea::BusinessApplications,
        activity: Activity::Presales,
        product: product.into(),
        subscription_id: Some(sub.into()),
        purchase_channel: PurchaseChannel::VolumeLicensing,
        submitted_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
        status: Status::UnderReview,
        poe: vec![PoeItem {
            kind: "Statement of work".into(),
            date: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
            summary: format!("{partner} deployed {product}"),
            by: "Jane Doe".into(),
            attachment: format!("poe/{id}.pdf"),
        }],
        comments: vec![],
    }
}

fn mpn(id: &str, partner: &str, partner_id: Option<&str>) -> Mpn {
    Mpn {
        mpn_id: id.into(),
        partner: partner.into(),
        enrolled: true,
        partner_type: None,
        partner_id: partner_id.map(str::to_string),
    }
}

fn subscription(id: &str, product: &str) -> Subscription {
    Subscription {
        subscription_id: Uuid::parse_str(id).unwrap(),
        product: product.into(),
        dynamics: true,
        channel: PurchaseChannel::VolumeLicensing,
        state: SubscriptionState::Active,
    }
}

fn batch(claims: Vec<Claim>) -> ImportBatch {
    ImportBatch {
        claims: claims
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i + 1, c))
            .collect(),
        ..ImportBatch::default()
    }
}

/// The reference data and the first two claims: Contoso (two MPNs, one partner_id, two names)
/// and Fabrikam on the tenant's Sales; the subscription GUID spelled two ways.
async fn seed(store: &Store) {
    let mut first = batch(vec![
        claim(
            "A-1",
            "Contoso",
            "1000001",
            SALES,
            &format!("{{{}}}", SALES_SUB.to_uppercase()),
            2,
        ),
        claim("A-2", "Fabrikam", "2000002", SALES, SALES_SUB, 3),
    ]);
    first.tenants = vec![Tenant {
        tenant_id: tenant_id(),
        domains: vec!["contoso.onmicrosoft.com".into()],
        subscriptions: vec![
            subscription(SALES_SUB, SALES),
            subscription(SERVICE_SUB, SERVICE),
        ],
    }];
    first.mpns = vec![
        mpn("1000001", "Contoso", Some("P-CONTOSO")),
        mpn("1000002", "Contoso Ltd", Some("P-CONTOSO")),
        mpn("2000002", "Fabrikam", None),
        mpn("4000004", "Northwind", None),
    ];
    first.associations = vec![Association {
        tenant_id: Uuid::parse_str(OTHER_TENANT).unwrap(),
        product: SALES.into(),
        mpn_id: "9000009".into(),
        claim_id: None,
    }];
    store.import(&first, &common::by("lee")).await.unwrap();
    for (login, role) in [
        ("lee", Role::Lead),
        ("bob", Role::Reviewer),
        ("carol", Role::Reviewer),
    ] {
        store
            .add_reviewer(&common::reviewer(login, role), "lee")
            .await
            .unwrap();
    }
}

async fn view(store: &Store, id: &str) -> ClaimView {
    store.claim(id).await.unwrap().unwrap()
}

async fn decide(
    store: &Store,
    id: &str,
    outcome: DecisionOutcome,
    by: &str,
    guard: Guard,
) -> Result<(), StoreError> {
    let v = view(store, id).await;
    let request = DecisionRequest {
        seen: Seen {
            claim_id: id.into(),
            version: v.version,
        },
        outcome,
        reason: "PoE weighed".into(),
    };
    store.decide_guarded(&[request], by, guard).await
}

/// (contested, competing claim ids, incumbent MPN) as exported.
async fn contest_fields(store: &Store, id: &str) -> (bool, Vec<String>, Option<String>) {
    let v = view(store, id).await;
    (v.contested(), v.competing_claim_ids, v.incumbent_mpn_id)
}

/// The claim ids of the contest read from `id`, and its party count from each of them.
async fn contest_from(store: &Store, id: &str) -> (Vec<String>, Vec<u32>) {
    let views = store.contest(&[id.to_string()]).await.unwrap();
    let ids: Vec<String> = views.iter().map(|v| v.claim.claim_id.clone()).collect();
    let mut parties = Vec::new();
    for v in &views {
        let rows = store
            .queue_page(&QueueQuery {
                tab: QueueTab::All,
                sort: QueueSort::ClaimId,
                reverse: false,
                filter: v.claim.claim_id.to_lowercase(),
                reviewer: "lee".into(),
                anchor: Anchor::First,
                limit: 10,
                behind: None,
            })
            .await
            .unwrap();
        let row = rows
            .iter()
            .find(|r| r.claim_id == v.claim.claim_id)
            .unwrap();
        parties.push(row.parties);
    }
    (ids, parties)
}

#[tokio::test]
async fn an_approval_makes_the_incumbent_every_later_claim_competes_with() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s).await;
        // Two partners, one contest, seen alike from both claims.
        assert_eq!(
            contest_fields(s, "A-1").await,
            (true, vec!["A-2".to_string()], None),
            "{b}"
        );
        assert_eq!(
            contest_fields(s, "A-2").await,
            (true, vec!["A-1".to_string()], None),
            "{b}"
        );

        decide(s, "A-1", DecisionOutcome::Approved, "bob", Guard::Enforce)
            .await
            .unwrap();
        // The association, audited on the approved claim.
        let events = s.events("A-1").await.unwrap();
        let made = events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::AssociationChanged { before, after } => Some((before, after)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{b}: no association event"));
        assert_eq!(made.0, &None, "{b}");
        let made = made.1.as_ref().expect("an association after");
        assert_eq!(made.mpn_id, "1000001", "{b}");
        assert_eq!(made.claim_id.as_deref(), Some("A-1"), "{b}");
        // Fabrikam's open claim now competes with the incumbent, whose approved claim stays in
        // the contest; both sides say so. The subscription, spelled two ways, is one.
        assert_eq!(
            contest_fields(s, "A-2").await,
            (true, vec!["A-1".to_string()], Some("1000001".to_string())),
            "{b}"
        );
        assert_eq!(
            contest_fields(s, "A-1").await,
            (true, vec!["A-2".to_string()], None),
            "{b}"
        );
        assert!(
            view(s, "A-2")
                .await
                .assessment()
                .has(FindingCode::SubscriptionAlreadyClaimed),
            "{b}"
        );
        let a2 = view(s, "A-2").await;
        assert!(
            !a2.is_incumbent() && view(s, "A-1").await.is_incumbent(),
            "{b}"
        );
        // A second approval is refused, naming the approved claim.
        let err = decide(s, "A-2", DecisionOutcome::Approved, "bob", Guard::Enforce)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("A-1 is already approved"),
            "{b}: {err}"
        );
        decide(s, "A-2", DecisionOutcome::Rejected, "bob", Guard::Enforce)
            .await
            .unwrap();
        // Decided, Fabrikam's claim is out of the contest, and the incumbent is alone again.
        assert_eq!(contest_fields(s, "A-2").await, (false, vec![], None), "{b}");
        assert_eq!(contest_fields(s, "A-1").await, (false, vec![], None), "{b}");

        // Later claims: Contoso under its other MPN (same partner_id, another name) is no rival
        // of its own association; Northwind's is, with both Contoso claims.
        s.import(
            &batch(vec![claim(
                "A-3",
                "Contoso Ltd",
                "1000002",
                SALES,
                SALES_SUB,
                9,
            )]),
            &common::by("lee"),
        )
        .await
        .unwrap();
        assert_eq!(contest_fields(s, "A-3").await, (false, vec![], None), "{b}");
        s.import(
            &batch(vec![claim(
                "A-4",
                "Northwind",
                "4000004",
                SALES,
                SALES_SUB,
                10,
            )]),
            &common::by("lee"),
        )
        .await
        .unwrap();
        assert_eq!(
            contest_fields(s, "A-4").await,
            (
                true,
                vec!["A-1".to_string(), "A-3".to_string()],
                Some("1000001".to_string())
            ),
            "{b}"
        );
        assert_eq!(
            contest_fields(s, "A-3").await,
            (true, vec!["A-4".to_string()], None),
            "{b}"
        );
        // The same contest, two parties (the incumbent once), from each of its claims.
        for id in ["A-1", "A-3", "A-4"] {
            let (ids, parties) = contest_from(s, id).await;
            assert_eq!(ids, vec!["A-1", "A-3", "A-4"], "{b} from {id}");
            assert_eq!(parties, vec![2, 2, 2], "{b} from {id}");
        }
        // The Contested tab holds the open ones.
        let contested = s
            .queue_page(&QueueQuery {
                tab: QueueTab::Contested,
                sort: QueueSort::ClaimId,
                reverse: false,
                filter: String::new(),
                reviewer: "lee".into(),
                anchor: Anchor::First,
                limit: 10,
                behind: None,
            })
            .await
            .unwrap();
        let ids: Vec<&str> = contested.iter().map(|r| r.claim_id.as_str()).collect();
        assert_eq!(ids, vec!["A-3", "A-4"], "{b}");
        assert!(s.verify_audit(None).await.unwrap().broken.is_none(), "{b}");
    }
}

#[tokio::test]
async fn an_approval_ends_an_imported_association_and_partner_ids_can_move_later() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s).await;
        let mut elsewhere = claim("B-1", "Fabrikam", "2000002", SALES, SALES_SUB, 4);
        elsewhere.customer.tenant_id = Uuid::parse_str(OTHER_TENANT).unwrap();
        elsewhere.subscription_id = None;
        s.import(&batch(vec![elsewhere]), &common::by("lee"))
            .await
            .unwrap();
        assert_eq!(
            contest_fields(s, "B-1").await.2.as_deref(),
            Some("9000009"),
            "{b}"
        );
        // B-1 has an error finding (no subscription): a lead approves over it.
        decide(
            s,
            "B-1",
            DecisionOutcome::Approved,
            "lee",
            Guard::LeadOverride,
        )
        .await
        .unwrap();
        let changed: Vec<(Option<Association>, Option<Association>)> = s
            .events("B-1")
            .await
            .unwrap()
            .into_iter()
            .filter_map(|e| match e.kind {
                EventKind::AssociationChanged { before, after } => Some((before, after)),
                _ => None,
            })
            .collect();
        assert_eq!(changed.len(), 1, "{b}");
        assert_eq!(
            changed[0].0.as_ref().map(|a| a.mpn_id.as_str()),
            Some("9000009"),
            "{b}"
        );
        assert_eq!(
            changed[0].1.as_ref().map(|a| a.mpn_id.as_str()),
            Some("2000002"),
            "{b}"
        );
        assert_eq!(contest_fields(s, "B-1").await, (false, vec![], None), "{b}");

        // Fabrikam's MPN joins Contoso's partner: its claims stop competing with Contoso's.
        let moved = ImportBatch {
            mpns: vec![mpn("2000002", "Fabrikam", Some("P-CONTOSO"))],
            ..ImportBatch::default()
        };
        s.import(&moved, &common::by("lee")).await.unwrap();
        assert_eq!(contest_fields(s, "A-1").await, (false, vec![], None), "{b}");
        assert_eq!(contest_fields(s, "A-2").await, (false, vec![], None), "{b}");
        assert!(s.verify_audit(None).await.unwrap().broken.is_none(), "{b}");
    }
}

#[tokio::test]
async fn the_guard_refuses_a_reviewer_and_records_a_leads_override() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s).await;
        // A Customer Service claim giving the tenant's Sales subscription (spelled with braces).
        s.import(
            &batch(vec![claim(
                "M-1",
                "Fabrikam",
                "2000002",
                SERVICE,
                &format!("{{{SALES_SUB}}}"),
                5,
            )]),
            &common::by("lee"),
        )
        .await
        .unwrap();
        let found = view(s, "M-1").await.assessment();
        assert_eq!(
            found.codes(),
            vec![FindingCode::SubscriptionProductMismatch],
            "{b}"
        );
        let err = decide(s, "M-1", DecisionOutcome::Approved, "bob", Guard::Enforce)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("subscription_product_mismatch") && text.contains("only a lead"),
            "{b}: {text}"
        );
        // Asking to override changes nothing for a reviewer.
        assert!(decide(
            s,
            "M-1",
            DecisionOutcome::Approved,
            "bob",
            Guard::LeadOverride
        )
        .await
        .is_err());
        assert_eq!(
            view(s, "M-1").await.claim.status,
            Status::UnderReview,
            "{b}"
        );
        // A lead must say so; then it is recorded as an override naming the finding.
        assert!(
            decide(s, "M-1", DecisionOutcome::Approved, "lee", Guard::Enforce)
                .await
                .is_err()
        );
        decide(
            s,
            "M-1",
            DecisionOutcome::Approved,
            "lee",
            Guard::LeadOverride,
        )
        .await
        .unwrap();
        let kinds: Vec<EventKind> = s
            .events("M-1")
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert!(
            kinds.contains(&EventKind::Overridden {
                from: Status::UnderReview,
                outcome: DecisionOutcome::Approved,
                reason: "PoE weighed".into(),
                findings: vec![FindingCode::SubscriptionProductMismatch],
            }),
            "{b}: {kinds:?}"
        );
        assert!(s.verify_audit(None).await.unwrap().broken.is_none(), "{b}");
    }
}

#[tokio::test]
async fn a_lead_assigns_a_contest_to_a_reviewer_and_it_shows_in_their_mine() {
    for t in common::stores().await {
        let s = &t.store;
        let b = t.backend;
        seed(s).await;
        let err = s.assign("A-1", "carol", "bob").await.unwrap_err();
        assert!(matches!(err, StoreError::NotAllowed(_)), "{b}: {err}");
        assert!(s.assign("A-1", "nobody", "lee").await.is_err(), "{b}");
        let assigned = s.assign("A-1", "carol", "lee").await.unwrap();
        assert_eq!(assigned, vec!["A-1", "A-2"], "{b}");
        let mine = s
            .queue_page(&QueueQuery {
                tab: QueueTab::Mine,
                sort: QueueSort::ClaimId,
                reverse: false,
                filter: String::new(),
                reviewer: "carol".into(),
                anchor: Anchor::First,
                limit: 10,
                behind: None,
            })
            .await
            .unwrap();
        let ids: Vec<&str> = mine.iter().map(|r| r.claim_id.as_str()).collect();
        assert_eq!(ids, vec!["A-1", "A-2"], "{b}");
        let events = s.events("A-2").await.unwrap();
        let last = events.last().unwrap();
        assert_eq!(last.actor, "lee", "{b}");
        assert_eq!(
            last.kind,
            EventKind::Assigned {
                from: None,
                to: "carol".into()
            },
            "{b}"
        );
        // Assigning again changes nothing; carol can take what she was given.
        assert!(
            s.assign("A-2", "carol", "lee").await.unwrap().is_empty(),
            "{b}"
        );
        s.take(&["A-1".to_string()], "carol", chrono::TimeDelta::minutes(5))
            .await
            .unwrap();
        assert!(s.verify_audit(None).await.unwrap().broken.is_none(), "{b}");
    }
}
