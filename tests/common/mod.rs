//! Test support: a fresh store on every backend available. SQLite always (a file in a temp dir);
//! PostgreSQL when `CLAIMDESK_TEST_PG_URL` is set, in a fresh schema of its own so tests run in
//! parallel. In CI (`CI=true`) a missing PostgreSQL URL is a failure, not a skip.
#![allow(dead_code)]

pub mod story;

use claimdesk::store::Store;
use sqlx::Connection;

/// A store under test, with what keeps it alive.
pub struct TestStore {
    pub backend: &'static str,
    pub store: Store,
    /// The URL the store was opened with (for a second connection or the binary).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// One fresh, migrated store per available backend.
pub async fn stores() -> Vec<TestStore> {
    let mut out = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        out.push(pg);
    }
    out
}

/// A fresh SQLite store in a temp dir.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("claims.db").display());
    let store = Store::open(&url).await.expect("open sqlite store");
    TestStore {
        backend: "sqlite",
        store,
        url,
        _dir: Some(dir),
    }
}

/// The PostgreSQL URL for tests, if any; panics in CI when it is missing.
pub fn pg_base_url() -> Option<String> {
    match std::env::var("CLAIMDESK_TEST_PG_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "CI=true but CLAIMDESK_TEST_PG_URL is not set: PostgreSQL must be tested in CI"
            );
            None
        }
    }
}

/// A URL for a fresh, empty schema on the test PostgreSQL server.
pub async fn fresh_pg_url() -> Option<String> {
    let base = pg_base_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .expect("CLAIMDESK_TEST_PG_URL is set but PostgreSQL is unreachable");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// A fresh PostgreSQL store, if PostgreSQL is configured for tests.
pub async fn postgres() -> Option<TestStore> {
    let url = fresh_pg_url().await?;
    let store = Store::open(&url).await.expect("open postgres store");
    Some(TestStore {
        backend: "postgres",
        store,
        url,
        _dir: None,
    })
}

/// A plain Microsoft 365 claim on tenant 1 (for stories where the claim's details do not matter).
pub fn plain_claim(id: &str) -> claimdesk::domain::Claim {
    use claimdesk::domain::*;
    Claim {
        claim_id: id.into(),
        partner: Partner {
            name: format!("Partner {id}"),
            mpn_id: "100".into(),
        },
        customer: Customer {
            tenant_id: uuid::Uuid::from_u128(1),
            domain: "t.onmicrosoft.com".into(),
        },
        solution_area: SolutionArea::Microsoft365,
        activity: Activity::Usage,
        product: "Exchange Online".into(),
        subscription_id: None,
        purchase_channel: PurchaseChannel::Csp,
        submitted_at: chrono::Utc::now(),
        status: Status::UnderReview,
        poe: Vec::new(),
        comments: Vec::new(),
    }
}

/// An import of plain claims.
pub fn plain_batch(ids: &[&str]) -> claimdesk::store::ImportBatch {
    claimdesk::store::ImportBatch {
        claims: ids
            .iter()
            .enumerate()
            .map(|(i, id)| (i + 1, plain_claim(id)))
            .collect(),
        ..Default::default()
    }
}

/// An import by `actor`, audited claim by claim.
pub fn by(actor: &str) -> claimdesk::store::Audit {
    claimdesk::store::Audit {
        actor: actor.into(),
        mode: claimdesk::store::AuditMode::PerClaim,
    }
}

/// An active reviewer.
pub fn reviewer(login: &str, role: claimdesk::store::Role) -> claimdesk::store::Reviewer {
    claimdesk::store::Reviewer {
        login: login.into(),
        display_name: login.into(),
        role,
        active: true,
    }
}
