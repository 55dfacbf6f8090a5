//! The store conformance story: every store operation, run on SQLite and on PostgreSQL alike.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use claimdesk::domain::*;
use claimdesk::store::*;
use sqlx::Connection;
use uuid::Uuid;

fn tenant_id(n: u8) -> Uuid {
    Uuid::parse_str(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
}

fn sub_id(n: u8) -> Uuid {
    Uuid::parse_str(&format!("5ub00000-0000-4000-8000-0000000000{n:02x}").replace("5ub", "abc"))
        .unwrap()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn claim(id: &str, partner: &str, mpn: &str, tenant: u8, product: &str, day: u32) -> Claim {
    Claim {
        claim_id: id.into(),
        partner: Partner {
            name: partner.into(),
            mpn_id: mpn.into(),
        },
        customer: Customer {
            tenant_id: tenant_id(tenant),
            domain: format!("tenant{tenant}.onmicrosoft.com"),
        },
        solution_area: SolutionArea::BusinessApplications,
        activity: Activity::Presales,
        product: product.into(),
        subscription_id: Some(sub_id(tenant).to_string()),
        purchase_channel: PurchaseChannel::VolumeLicensing,
        submitted_at: at(day, 9),
        status: Status::UnderReview,
        poe: vec![PoeItem {
            kind: "Statement of work".into(),
            date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            summary: format!("{partner} ran the {product} workshop"),
            by: "Jane Doe".into(),
            attachment: format!("poe/{id}.pdf"),
        }],
        comments: vec![Comment {
            author: "rev".into(),
            visibility: Visibility::Internal,
            body: "looks fine".into(),
            at: at(day, 12),
        }],
    }
}

fn tenant(n: u8, product: &str) -> Tenant {
    Tenant {
        tenant_id: tenant_id(n),
        domains: vec![format!("tenant{n}.onmicrosoft.com")],
        subscriptions: vec![Subscription {
            subscription_id: sub_id(n),
            product: product.into(),
            dynamics: true,
            channel: PurchaseChannel::VolumeLicensing,
            state: SubscriptionState::Active,
        }],
    }
}

fn audit() -> Audit {
    Audit {
        actor: "tester".into(),
        mode: AuditMode::PerClaim,
    }
}

/// Three parties on tenant 1 / Sales (one spelled with other case and spaces), two on tenant 2 /
/// Field Service with an incumbent on tenant 3, and a lone claim.
fn contest_batch() -> ImportBatch {
    let sales = "Dynamics 365 Sales";
    let mut lone = claim(
        "C-09",
        "Lone Partner",
        "9000009",
        4,
        "Dynamics 365 Finance",
        9,
    );
    lone.status = Status::InfoRequested;
    ImportBatch {
        claims: vec![
            (
                1,
                claim("C-01", "Contoso Consulting", "1000001", 1, sales, 2),
            ),
            (
                2,
                claim("C-02", "Fabrikam Partners", "2000002", 1, sales, 3),
            ),
            (
                3,
                claim(
                    "C-03",
                    "Müller IT GmbH",
                    "3000003",
                    1,
                    "dynamics 365 sales ",
                    4,
                ),
            ),
            (
                4,
                claim("C-04", "  contoso consulting ", "1000009", 1, sales, 5),
            ),
            (
                5,
                claim(
                    "C-05",
                    "Northwind",
                    "5000005",
                    2,
                    "Dynamics 365 Field Service",
                    6,
                ),
            ),
            (
                6,
                claim(
                    "C-06",
                    "Tailspin",
                    "6000006",
                    2,
                    "Dynamics 365 Field Service",
                    7,
                ),
            ),
            (
                7,
                claim("C-07", "Société Générale Conseil", "7000007", 3, sales, 8),
            ),
            (8, lone),
        ],
        tenants: vec![
            tenant(1, sales),
            tenant(2, "Dynamics 365 Field Service"),
            tenant(3, sales),
        ],
        mpns: vec![
            Mpn {
                mpn_id: "1000001".into(),
                partner: "Contoso Consulting".into(),
                enrolled: true,
                partner_type: Some("FRP FastTrack".into()),
                partner_id: None,
            },
            Mpn {
                mpn_id: "2000002".into(),
                partner: "Fabrikam Partners".into(),
                enrolled: false,
                partner_type: None,
                partner_id: None,
            },
        ],
        associations: vec![Association {
            tenant_id: tenant_id(3),
            product: sales.into(),
            mpn_id: "8888888".into(),
            claim_id: None,
        }],
        ..Default::default()
    }
}

async fn view(store: &Store, id: &str) -> ClaimView {
    store
        .claim(id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("claim {id} missing"))
}

#[tokio::test]
async fn a_new_store_is_empty_and_migrated() {
    for t in common::stores().await {
        assert_eq!(t.store.claim_count().await.unwrap(), 0, "{}", t.backend);
        assert_eq!(
            t.store.tab_counts("alice", "").await.unwrap(),
            TabCounts::default()
        );
        assert!(t.store.claim("nope").await.unwrap().is_none());
        // Opening again (a second process) is fine: migrations are idempotent.
        Store::open(&t.url).await.unwrap();
    }
}

#[tokio::test]
async fn imported_claims_read_back_as_filed_with_an_audit_event_each() {
    for t in common::stores().await {
        let batch = contest_batch();
        let summary = t.store.import(&batch, &audit()).await.unwrap();
        assert_eq!(
            summary,
            ImportSummary {
                claims: 8,
                tenants: 3,
                mpns: 2,
                associations: 1,
                ..ImportSummary::default()
            }
        );
        for (_, c) in &batch.claims {
            let v = view(&t.store, &c.claim_id).await;
            assert_eq!(&v.claim, c, "{} {}", t.backend, c.claim_id);
            assert_eq!(v.version, 1);
            let events = t.store.events(&c.claim_id).await.unwrap();
            assert_eq!(events.len(), 1);
            assert_eq!(
                (events[0].kind.code(), events[0].actor.as_str()),
                ("imported", "tester")
            );
        }
    }
}

#[tokio::test]
async fn competing_claims_and_incumbents_are_computed() {
    for t in common::stores().await {
        t.store.import(&contest_batch(), &audit()).await.unwrap();
        let s = &t.store;
        // C-04 is Contoso again (case and spaces differ): it competes with Fabrikam and Müller,
        // not with C-01.
        assert_eq!(
            view(s, "C-01").await.competing_claim_ids,
            vec!["C-02", "C-03"]
        );
        assert_eq!(
            view(s, "C-02").await.competing_claim_ids,
            vec!["C-01", "C-03", "C-04"]
        );
        assert_eq!(
            view(s, "C-03").await.competing_claim_ids,
            vec!["C-01", "C-02", "C-04"]
        );
        assert_eq!(view(s, "C-05").await.competing_claim_ids, vec!["C-06"]);
        let incumbent = view(s, "C-07").await;
        assert!(incumbent.competing_claim_ids.is_empty());
        assert_eq!(incumbent.incumbent_mpn_id.as_deref(), Some("8888888"));
        assert!(incumbent.contested());
        assert!(!view(s, "C-09").await.contested());

        let counts = s.tab_counts("alice", "").await.unwrap();
        assert_eq!(
            (
                counts.under_review,
                counts.contested,
                counts.info_requested,
                counts.all
            ),
            (7, 7, 1, 8),
            "{}",
            t.backend
        );
        let rows = page(
            s,
            QueueTab::Contested,
            QueueSort::ClaimId,
            "",
            Anchor::First,
            50,
        )
        .await;
        let parties: Vec<(String, u32)> = rows
            .iter()
            .map(|r| (r.claim_id.clone(), r.parties))
            .collect();
        assert_eq!(
            parties,
            vec![
                ("C-01".into(), 3),
                ("C-02".into(), 3),
                ("C-03".into(), 3),
                ("C-04".into(), 3),
                ("C-05".into(), 2),
                ("C-06".into(), 2),
                ("C-07".into(), 2)
            ]
        );
    }
}

#[tokio::test]
async fn an_import_naming_a_stored_claim_writes_nothing() {
    for t in common::stores().await {
        t.store.import(&contest_batch(), &audit()).await.unwrap();
        let before = t.store.claim("C-01").await.unwrap();
        let mut again = ImportBatch {
            claims: vec![
                (1, claim("C-50", "New", "1", 9, "X", 2)),
                (2, claim("C-01", "Other", "2", 9, "X", 2)),
            ],
            mpns: vec![Mpn {
                mpn_id: "1000001".into(),
                partner: "Contoso Consulting".into(),
                enrolled: false,
                partner_type: None,
                partner_id: None,
            }],
            ..ImportBatch::default()
        };
        again.tenants.push(tenant(9, "X"));
        match t.store.import(&again, &audit()).await {
            Err(StoreError::ClaimsExist(ids)) => assert_eq!(ids, vec![(2, "C-01".to_string())]),
            other => panic!("{}: expected ClaimsExist, got {other:?}", t.backend),
        }
        assert_eq!(t.store.claim_count().await.unwrap(), 8);
        assert!(t.store.claim("C-50").await.unwrap().is_none());
        // The MPN refresh in the refused batch did not land either.
        assert_eq!(t.store.claim("C-01").await.unwrap(), before);
    }
}

#[tokio::test]
async fn reference_data_drives_findings_and_is_refreshed_on_reimport() {
    for t in common::stores().await {
        let s = &t.store;
        s.import(&contest_batch(), &audit()).await.unwrap();
        // C-02's MPN is known and not enrolled; C-05's MPN is unknown.
        let a = view(s, "C-02").await.assessment();
        assert_eq!(
            a.codes(),
            vec![FindingCode::MpnNotEnrolled],
            "{}",
            t.backend
        );
        assert!(view(s, "C-05")
            .await
            .assessment()
            .unknown
            .contains(&Check::MpnEnrollment));
        // C-09's tenant is unknown: its tenant checks are unknown, not passed.
        let lone = view(s, "C-09").await.assessment();
        assert!(
            lone.unknown.contains(&Check::DomainTenant)
                && lone.unknown.contains(&Check::Subscription)
        );

        // Tenant 1 now says its domain is another one, and its subscription ended.
        let mut t1 = tenant(1, "Dynamics 365 Sales");
        t1.domains = vec!["renamed.onmicrosoft.com".into()];
        t1.subscriptions[0].state = SubscriptionState::Ended;
        // The incumbent of tenant 3 / Sales moves to Société Générale's own MPN.
        let refresh = ImportBatch {
            tenants: vec![t1],
            associations: vec![Association {
                tenant_id: tenant_id(3),
                product: "dynamics 365 SALES".into(),
                mpn_id: "7000007".into(),
                claim_id: None,
            }],
            ..ImportBatch::default()
        };
        s.import(&refresh, &audit()).await.unwrap();
        let a = view(s, "C-01").await.assessment();
        assert_eq!(
            a.codes(),
            vec![
                FindingCode::DomainTenantMismatch,
                FindingCode::SubscriptionEnded
            ]
        );
        let c7 = view(s, "C-07").await;
        assert_eq!(
            c7.incumbent_mpn_id, None,
            "{}: own MPN is no incumbent",
            t.backend
        );
        assert!(!c7.contested());
    }
}

#[tokio::test]
async fn subscription_findings_that_need_other_claims_and_tenants() {
    for t in common::stores().await {
        let s = &t.store;
        let mut approved = claim("A-1", "Winner", "1", 1, "Dynamics 365 Sales", 2);
        approved.status = Status::Approved;
        let mut same_sub = claim("A-2", "Latecomer", "2", 1, "Dynamics 365 Sales", 3);
        same_sub.customer.tenant_id = tenant_id(1);
        let mut other_tenant_sub = claim("A-3", "Confused", "3", 2, "Dynamics 365 Sales", 3);
        other_tenant_sub.subscription_id = Some(sub_id(1).to_string());
        let batch = ImportBatch {
            claims: vec![(1, approved), (2, same_sub), (3, other_tenant_sub)],
            tenants: vec![
                tenant(1, "Dynamics 365 Sales"),
                tenant(2, "Dynamics 365 Sales"),
            ],
            ..ImportBatch::default()
        };
        s.import(&batch, &audit()).await.unwrap();
        assert!(view(s, "A-2")
            .await
            .assessment()
            .has(FindingCode::SubscriptionAlreadyClaimed));
        assert!(!view(s, "A-1")
            .await
            .assessment()
            .has(FindingCode::SubscriptionAlreadyClaimed));
        let a3 = view(s, "A-3").await.assessment();
        assert!(
            a3.has(FindingCode::SubscriptionNotOnTenant),
            "{}: {a3:?}",
            t.backend
        );
        assert!(a3.has(FindingCode::SubscriptionAlreadyClaimed));
    }
}

async fn page(
    s: &Store,
    tab: QueueTab,
    sort: QueueSort,
    filter: &str,
    anchor: Anchor,
    limit: u32,
) -> Vec<QueueRow> {
    s.queue_page(&QueueQuery {
        tab,
        sort,
        reverse: false,
        filter: filter.into(),
        reviewer: "alice".into(),
        anchor,
        limit,
        behind: None,
    })
    .await
    .unwrap()
}

fn ids(rows: &[QueueRow]) -> Vec<String> {
    rows.iter().map(|r| r.claim_id.clone()).collect()
}

#[tokio::test]
async fn the_queue_pages_through_every_sort_both_ways_without_gaps() {
    for t in common::stores().await {
        let s = &t.store;
        let partners = ["Zeta", "alpha", "Émile", "beta", "Gamma"];
        let claims: Vec<(usize, Claim)> = (0..23u32)
            .map(|i| {
                let mut c = claim(
                    &format!("Q-{i}"),
                    partners[i as usize % 5],
                    &format!("{i}"),
                    (i % 7) as u8 + 10,
                    ["Exchange Online", "Dynamics 365 Sales", "Teams"][i as usize % 3],
                    1 + (i % 4) * 2,
                );
                c.submitted_at += chrono::TimeDelta::minutes(i64::from(i % 3));
                (i as usize + 1, c)
            })
            .collect();
        s.import(
            &ImportBatch {
                claims,
                ..ImportBatch::default()
            },
            &audit(),
        )
        .await
        .unwrap();
        for sort in QueueSort::ALL {
            let everything = page(s, QueueTab::All, sort, "", Anchor::First, 100).await;
            assert_eq!(everything.len(), 23);
            // The order is the sort's.
            let keys: Vec<SortKey> = everything.iter().map(|r| r.sort_key(sort)).collect();
            for w in keys.windows(2) {
                let ordered = match (&w[0].value, &w[1].value) {
                    (SortValue::Time(a), SortValue::Time(b)) if sort == QueueSort::Newest => {
                        (b, &w[1].claim_id) <= (a, &w[0].claim_id)
                    }
                    (SortValue::Time(a), SortValue::Time(b)) => {
                        (a, &w[0].claim_id) <= (b, &w[1].claim_id)
                    }
                    (SortValue::Text(a), SortValue::Text(b)) => {
                        (a, &w[0].claim_id) <= (b, &w[1].claim_id)
                    }
                    _ => false,
                };
                assert!(
                    ordered,
                    "{} {sort:?}: {:?} then {:?}",
                    t.backend, w[0], w[1]
                );
            }
            // Forward in windows of 5 gives the same rows.
            let mut walked = page(s, QueueTab::All, sort, "", Anchor::First, 5).await;
            loop {
                let last = walked.last().unwrap().sort_key(sort);
                let next = page(s, QueueTab::All, sort, "", Anchor::After(last), 5).await;
                if next.is_empty() {
                    break;
                }
                walked.extend(next);
            }
            assert_eq!(
                ids(&walked),
                ids(&everything),
                "{} {sort:?} forward",
                t.backend
            );
            // Backward from the end gives them too.
            let mut back = page(s, QueueTab::All, sort, "", Anchor::Last, 5).await;
            assert_eq!(ids(&back), ids(&everything[18..]));
            loop {
                let first = back.first().unwrap().sort_key(sort);
                let prev = page(s, QueueTab::All, sort, "", Anchor::Before(first), 5).await;
                if prev.is_empty() {
                    break;
                }
                back.splice(0..0, prev);
            }
            assert_eq!(
                ids(&back),
                ids(&everything),
                "{} {sort:?} backward",
                t.backend
            );
            // Filtered windows (the probe in queue order, or the trigram index) walk the same
            // rows in the same order, both ways.
            let sales: Vec<QueueRow> = everything
                .iter()
                .filter(|r| r.product == "Dynamics 365 Sales")
                .cloned()
                .collect();
            let mut walked = page(s, QueueTab::All, sort, "365 sal", Anchor::First, 2).await;
            loop {
                let last = walked.last().unwrap().sort_key(sort);
                let next = page(s, QueueTab::All, sort, "365 sal", Anchor::After(last), 2).await;
                if next.is_empty() {
                    break;
                }
                walked.extend(next);
            }
            assert_eq!(ids(&walked), ids(&sales), "{} {sort:?} filtered", t.backend);
            let mut back = page(s, QueueTab::All, sort, "365 sal", Anchor::Last, 2).await;
            loop {
                let first = back.first().unwrap().sort_key(sort);
                let prev = page(s, QueueTab::All, sort, "365 sal", Anchor::Before(first), 2).await;
                if prev.is_empty() {
                    break;
                }
                back.splice(0..0, prev);
            }
            assert_eq!(
                ids(&back),
                ids(&sales),
                "{} {sort:?} filtered back",
                t.backend
            );
        }
        // The filter matches partner, MPN, id, domain and product, ignoring case.
        let emile = page(
            s,
            QueueTab::All,
            QueueSort::ClaimId,
            "ÉMILE",
            Anchor::First,
            100,
        )
        .await;
        assert!(emile.iter().all(|r| r.partner_name == "Émile") && emile.len() == 5);
        assert_eq!(
            ids(&page(
                s,
                QueueTab::All,
                QueueSort::ClaimId,
                "q-17",
                Anchor::First,
                9
            )
            .await),
            vec!["Q-17"]
        );
        let teams = page(
            s,
            QueueTab::All,
            QueueSort::ClaimId,
            "teams",
            Anchor::First,
            100,
        )
        .await;
        assert_eq!(teams.len(), 7);
        let none = page(
            s,
            QueueTab::All,
            QueueSort::ClaimId,
            "100%_",
            Anchor::First,
            9,
        )
        .await;
        assert!(none.is_empty(), "LIKE wildcards are taken literally");
        assert_eq!(s.tab_counts("alice", "teams").await.unwrap().all, 7);
    }
}

#[tokio::test]
async fn export_pages_walk_every_claim_in_byte_order() {
    for t in common::stores().await {
        let s = &t.store;
        let claims = ["b-2", "B-1", "a-10", "a-9", "Ä-1"]
            .iter()
            .enumerate()
            .map(|(i, id)| (i + 1, claim(id, "P", "1", 1, "X", 2)))
            .collect();
        s.import(
            &ImportBatch {
                claims,
                ..ImportBatch::default()
            },
            &audit(),
        )
        .await
        .unwrap();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let views = s.claims_after(after.as_deref(), 2).await.unwrap();
            if views.is_empty() {
                break;
            }
            after = views.last().map(|v| v.claim.claim_id.clone());
            seen.extend(views.into_iter().map(|v| v.claim.claim_id));
        }
        assert_eq!(
            seen,
            vec!["B-1", "a-10", "a-9", "b-2", "Ä-1"],
            "{}",
            t.backend
        );
    }
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    for t in common::stores().await {
        t.store.import(&contest_batch(), &audit()).await.unwrap();
        let (update, delete) = ("UPDATE events SET actor = 'mallory'", "DELETE FROM events");
        if t.backend == "sqlite" {
            let mut c = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
            assert!(sqlx::query(update).execute(&mut c).await.is_err());
            assert!(sqlx::query(delete).execute(&mut c).await.is_err());
        } else {
            let mut c = sqlx::PgConnection::connect(&t.url).await.unwrap();
            assert!(sqlx::query(update).execute(&mut c).await.is_err());
            assert!(sqlx::query(delete).execute(&mut c).await.is_err());
        }
        assert_eq!(t.store.events("C-01").await.unwrap()[0].actor, "tester");
    }
}

#[tokio::test]
async fn bad_urls_and_unreachable_servers_are_one_clear_error() {
    let err = Store::open("mysql://root@localhost/x").await.unwrap_err();
    assert!(matches!(err, StoreError::BadUrl(_)), "{err}");
    let err = Store::open("postgres://bob:hunter2@127.0.0.1:1/claims")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("cannot open the claims store at postgres://bob:***@127.0.0.1:1/claims"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2") && !msg.contains('\n'), "{msg}");
    let err = Store::open("sqlite:/nonexistent-dir/x/claims.db")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err}");
}

/// Runs one raw statement on the test store's own database (to stage an older store's rows).
async fn raw(t: &common::TestStore, statement: &str) {
    if t.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
        sqlx::query(statement).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::PgConnection::connect(&t.url).await.unwrap();
        sqlx::query(statement).execute(&mut c).await.unwrap();
    }
}

#[tokio::test]
async fn the_filter_folds_case_and_diacritics_and_finds_names_inside_text() {
    for t in common::stores().await {
        let s = &t.store;
        let names = [
            "Müller IT",
            "Çelik Danışmanlık",
            "Société Générale Conseil",
            "株式会社フジ",
            "Plain Partner",
        ];
        let mut batch = common::plain_batch(&["F-1", "F-2", "F-3", "F-4", "F-5"]);
        for ((_, claim), name) in batch.claims.iter_mut().zip(names) {
            claim.partner.name = name.into();
        }
        s.import(&batch, &common::by("test")).await.unwrap();
        let found = |filter: &'static str| async move {
            ids(&page(
                s,
                QueueTab::All,
                QueueSort::ClaimId,
                filter,
                Anchor::First,
                9,
            )
            .await)
        };
        for (filter, want) in [
            ("mul", "F-1"),
            ("MULLER it", "F-1"),
            ("celik", "F-2"),
            ("danismanlik", "F-2"),
            ("societe generale", "F-3"),
            ("フジ", "F-4"),
            ("会社ﾌｼﾞ", "F-4"),
        ] {
            assert_eq!(found(filter).await, vec![want], "{} {filter}", t.backend);
            assert_eq!(
                s.tab_counts("alice", filter).await.unwrap().all,
                1,
                "{} {filter}",
                t.backend
            );
        }

        // A store written before the search text was folded is brought up to date on upgrade.
        raw(
            &t,
            "UPDATE claims SET search = 'f-1 müller it' WHERE claim_id = 'F-1'",
        )
        .await;
        raw(&t, "DROP TABLE preferences").await;
        raw(&t, "DELETE FROM _sqlx_migrations WHERE version = 12").await;
        assert!(found("muller").await.is_empty(), "{} staged", t.backend);
        let reopened = Store::open(&t.url).await.unwrap();
        let rows = reopened
            .queue_page(&QueueQuery {
                tab: QueueTab::All,
                sort: QueueSort::ClaimId,
                reverse: false,
                behind: None,
                filter: "muller".into(),
                reviewer: "alice".into(),
                anchor: Anchor::First,
                limit: 9,
            })
            .await
            .unwrap();
        assert_eq!(ids(&rows), vec!["F-1"], "{} refolded", t.backend);
    }
}

#[tokio::test]
async fn each_reviewer_s_theme_sort_and_tab_are_remembered() {
    for t in common::stores().await {
        let s = &t.store;
        assert_eq!(
            s.preferences("alice").await.unwrap(),
            Preferences::default()
        );
        let alice = Preferences {
            theme: Some("light".into()),
            sort: Some(QueueSort::Partner),
            reverse: true,
            tab: Some(QueueTab::Contested),
        };
        s.save_preferences("alice", &alice).await.unwrap();
        let bob = Preferences {
            sort: Some(QueueSort::Newest),
            ..Preferences::default()
        };
        s.save_preferences("bob", &bob).await.unwrap();
        // Another connection (the next session) reads them back; each reviewer their own.
        let next = Store::open(&t.url).await.unwrap();
        assert_eq!(
            next.preferences("alice").await.unwrap(),
            alice,
            "{}",
            t.backend
        );
        assert_eq!(next.preferences("bob").await.unwrap(), bob, "{}", t.backend);
        // Changed again: the newest wins.
        let changed = Preferences {
            reverse: false,
            tab: Some(QueueTab::All),
            ..alice.clone()
        };
        next.save_preferences("alice", &changed).await.unwrap();
        assert_eq!(
            s.preferences("alice").await.unwrap(),
            changed,
            "{}",
            t.backend
        );
    }
}

#[tokio::test]
async fn a_draft_changed_in_another_session_is_never_overwritten_silently() {
    for t in common::stores().await {
        let (a, b) = (&t.store, Store::open(&t.url).await.unwrap());
        let save = |s: &Store, body: &'static str, known: Option<i64>| {
            let s = s.clone();
            async move {
                s.save_draft_unless_changed(
                    "alice",
                    "comment:C-1",
                    Visibility::Internal,
                    body,
                    known,
                )
                .await
                .unwrap()
            }
        };
        let changed = |r: DraftSave| match r {
            DraftSave::Changed { theirs } => (theirs.body, theirs.version),
            saved => panic!("{}: expected a conflict, got {saved:?}", t.backend),
        };
        let saved = |r: DraftSave| match r {
            DraftSave::Saved { version } => version,
            other => panic!("{}: expected a save, got {other:?}", t.backend),
        };
        let v1 = saved(save(a, "one", None).await);
        // Both sessions read it.
        let read = b.draft("alice", "comment:C-1").await.unwrap().unwrap();
        assert_eq!((read.body.as_str(), read.version), ("one", v1));
        // The second session never read it: its text does not replace the first's.
        assert_eq!(changed(save(&b, "two", None).await), ("one".into(), v1));
        // The first changes it, then writes the very text it had back.
        let v2 = saved(save(a, "one more", Some(v1)).await);
        let v3 = saved(save(a, "one", Some(v2)).await);
        assert!(v1 < v2 && v2 < v3, "{}: {v1} {v2} {v3}", t.backend);
        // The second, still at the first version, is told even though the text reads the same.
        assert_eq!(changed(save(&b, "two", Some(v1)).await), ("one".into(), v3));
        assert_eq!(
            a.draft("alice", "comment:C-1").await.unwrap().unwrap().body,
            "one",
            "{}",
            t.backend
        );
        // Having chosen to keep its text, it writes over the version it was shown.
        let v4 = saved(save(&b, "two", Some(v3)).await);
        let stored = a.draft("alice", "comment:C-1").await.unwrap().unwrap();
        assert_eq!((stored.body.as_str(), stored.version), ("two", v4));
        // The first is now behind; saving the text that is already there is no conflict.
        assert_eq!(saved(save(a, "two", Some(v3)).await), v4);
        // A draft sent and forgotten elsewhere is made again from this session's text.
        a.discard_draft("alice", "comment:C-1").await.unwrap();
        saved(save(&b, "three", Some(v4)).await);
        assert_eq!(
            a.draft("alice", "comment:C-1").await.unwrap().unwrap().body,
            "three"
        );
    }
}

/// Two sessions saving over the same version at the same moment: exactly one wins.
#[tokio::test]
async fn two_saves_over_one_draft_version_at_once_let_exactly_one_win() {
    for t in common::stores().await {
        let (a, b) = (t.store.clone(), Store::open(&t.url).await.unwrap());
        let DraftSave::Saved { version } = a
            .save_draft_unless_changed("alice", "reason:C-2", Visibility::Partner, "x", None)
            .await
            .unwrap()
        else {
            panic!("the first save")
        };
        let (ra, rb) = tokio::join!(
            a.save_draft_unless_changed(
                "alice",
                "reason:C-2",
                Visibility::Partner,
                "A",
                Some(version)
            ),
            b.save_draft_unless_changed(
                "alice",
                "reason:C-2",
                Visibility::Partner,
                "B",
                Some(version)
            ),
        );
        let wins = [ra.unwrap(), rb.unwrap()]
            .iter()
            .filter(|r| matches!(r, DraftSave::Saved { .. }))
            .count();
        assert_eq!(wins, 1, "{}", t.backend);
    }
}
