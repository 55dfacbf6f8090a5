//! Trust, on every backend: who may write what once a team is registered, reference data
//! audited with before and after, and (see `tamper.rs`) an audit log that shows any rewrite.

mod common;

use claimdesk::domain::*;
use claimdesk::store::*;
use common::{by, reviewer};
use uuid::Uuid;

fn tenant(n: u128, subscriptions: &[u128]) -> Tenant {
    Tenant {
        tenant_id: Uuid::from_u128(n),
        domains: vec![format!("tenant{n}.onmicrosoft.com")],
        subscriptions: subscriptions
            .iter()
            .map(|s| Subscription {
                subscription_id: Uuid::from_u128(1000 + s),
                product: "Dynamics 365 Sales".into(),
                dynamics: true,
                channel: PurchaseChannel::VolumeLicensing,
                state: SubscriptionState::Active,
            })
            .collect(),
    }
}

fn mpn(id: &str, enrolled: bool) -> Mpn {
    Mpn {
        mpn_id: id.into(),
        partner: "Fabrikam".into(),
        enrolled,
        partner_type: None,
        partner_id: None,
    }
}

/// The reference-data events of the audit log, oldest first.
async fn reference_events(store: &Store) -> Vec<AuditEvent> {
    store
        .audit(None, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.code().ends_with("_changed"))
        .collect()
}

#[tokio::test]
async fn reference_data_changes_are_audited_with_before_and_after() {
    for t in common::stores().await {
        let s = &t.store;
        let first = ImportBatch {
            tenants: vec![tenant(1, &[1]), tenant(2, &[2])],
            mpns: vec![mpn("100", true)],
            associations: vec![Association {
                tenant_id: Uuid::from_u128(1),
                product: "Dynamics 365 Sales".into(),
                mpn_id: "100".into(),
                claim_id: None,
            }],
            ..ImportBatch::default()
        };
        s.import(&first, &by("alice")).await.unwrap();
        let events = reference_events(s).await;
        let codes: Vec<&str> = events.iter().map(|e| e.kind.code()).collect();
        assert_eq!(
            codes,
            [
                "tenant_changed",
                "tenant_changed",
                "mpn_changed",
                "association_changed"
            ],
            "{}",
            t.backend
        );
        assert!(events.iter().all(|e| e.actor == "alice"));

        // The same lines again change nothing, and say nothing.
        s.import(&first, &by("alice")).await.unwrap();
        assert_eq!(reference_events(s).await.len(), 4, "{}", t.backend);

        // Tenant 3 takes tenant 2's subscription; MPN 100 leaves the program; the incumbent
        // of tenant 1 changes. Each change is told with what it replaced.
        let second = ImportBatch {
            tenants: vec![tenant(3, &[2])],
            mpns: vec![mpn("100", false)],
            associations: vec![Association {
                tenant_id: Uuid::from_u128(1),
                product: "dynamics 365 SALES".into(),
                mpn_id: "200".into(),
                claim_id: None,
            }],
            ..ImportBatch::default()
        };
        s.import(&second, &by("bob")).await.unwrap();
        let events = reference_events(s).await;
        let new: Vec<&EventKind> = events[4..].iter().map(|e| &e.kind).collect();
        assert_eq!(new.len(), 4, "{}: {new:#?}", t.backend);
        assert_eq!(
            new[0],
            &EventKind::TenantChanged {
                before: Some(tenant(2, &[2])),
                after: tenant(2, &[]),
            },
            "{}: the tenant that lost its subscription",
            t.backend
        );
        assert_eq!(
            new[1],
            &EventKind::TenantChanged {
                before: None,
                after: tenant(3, &[2]),
            }
        );
        assert_eq!(
            new[2],
            &EventKind::MpnChanged {
                before: Some(mpn("100", true)),
                after: mpn("100", false),
            }
        );
        let EventKind::AssociationChanged { before, after } = new[3] else {
            panic!("{}: {:?}", t.backend, new[3]);
        };
        assert_eq!(before.as_ref().map(|a| a.mpn_id.as_str()), Some("100"));
        assert_eq!(after.mpn_id, "200");
    }
}

#[tokio::test]
async fn with_a_team_only_the_right_roles_write_in_bulk() {
    for t in common::stores().await {
        let s = &t.store;
        s.add_reviewer(&reviewer("lead", Role::Lead), "lead")
            .await
            .unwrap();
        s.add_reviewer(&reviewer("bob", Role::Reviewer), "lead")
            .await
            .unwrap();
        s.add_reviewer(&reviewer("feed", Role::Integration), "lead")
            .await
            .unwrap();
        let batch = ImportBatch {
            mpns: vec![mpn("100", true)],
            ..ImportBatch::default()
        };
        let generated = |actor: &str| Audit {
            actor: actor.into(),
            mode: AuditMode::Summary("generated 0 claims".into()),
        };
        for (audit, allowed) in [
            (by("mallory"), false),
            (by("bob"), false),
            (generated("feed"), false),
            (generated("bob"), false),
            (by("feed"), true),
            (generated("lead"), true),
        ] {
            let result = s.import(&batch, &audit).await;
            assert_eq!(
                result.is_ok(),
                allowed,
                "{}: {audit:?}: {result:?}",
                t.backend
            );
            if let Err(e) = result {
                assert!(matches!(e, StoreError::NotAllowed(_)), "{e}");
            }
        }
        let events = reference_events(s).await;
        assert_eq!(events.len(), 1, "{}: only feed's import wrote", t.backend);
        assert_eq!(events[0].actor, "feed");

        // The integration login decides nothing, even through the store directly.
        let err = s.take_next("feed", DEFAULT_LEASE).await.unwrap_err();
        assert!(err.to_string().contains("integration login"), "{err}");
    }
}

#[tokio::test]
async fn a_store_bound_to_an_identity_writes_only_as_it_and_records_the_administrator() {
    for t in common::stores().await {
        let s = &t.store;
        s.add_reviewer(&reviewer("alice", Role::Lead), "alice")
            .await
            .unwrap();
        let admin = Identity {
            login: "root".into(),
            proven: "root".into(),
            proof: Proof::OsLogin,
            administrator: true,
        };
        let acting = s.acting_as(admin.clone().acting_as("alice"));
        acting
            .add_reviewer(&reviewer("bob", Role::Reviewer), "alice")
            .await
            .unwrap();
        let err = acting
            .add_reviewer(&reviewer("carol", Role::Reviewer), "bob")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("acts as alice"), "{err}");
        let last = s.audit(None, None, 10).await.unwrap().pop().unwrap();
        assert_eq!(
            (last.actor.as_str(), last.via.as_deref()),
            ("alice", Some("root"))
        );

        // Someone proven as bob, naming alice, is refused before and while writing.
        let bob = Identity {
            administrator: false,
            ..admin
        };
        let bob = Identity {
            login: "bob".into(),
            proven: "bob".into(),
            ..bob
        }
        .acting_as("alice");
        assert!(s.check_identity(&bob).await.is_err());
        let err = s
            .acting_as(bob)
            .add_reviewer(&reviewer("carol", Role::Reviewer), "alice")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("you are bob"), "{err}");
    }
}
