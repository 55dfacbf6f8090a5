//! What the story tests (life, associations) read and write again and again: a claim as seen, a
//! decision request, a queue page, a contest and its party counts, an import of claims.

use claimdesk::domain::{Claim, DecisionOutcome, Status};
use claimdesk::model::ClaimView;
use claimdesk::store::{
    Anchor, DecisionRequest, ImportBatch, QueueQuery, QueueRow, QueueSort, QueueTab, Seen, Store,
};

/// The claim as the store reads it now.
pub async fn view(store: &Store, id: &str) -> ClaimView {
    store.claim(id).await.unwrap().expect("claim")
}

/// The claim at the version a reviewer sees now, and its status.
pub async fn seen(store: &Store, id: &str) -> (Seen, Status) {
    let v = view(store, id).await;
    (
        Seen {
            claim_id: id.into(),
            version: v.version,
        },
        v.claim.status,
    )
}

/// A decision on the claim at `seen`.
pub fn decision(seen: Seen, outcome: DecisionOutcome, reason: &str) -> DecisionRequest {
    DecisionRequest {
        seen,
        outcome,
        reason: reason.into(),
    }
}

/// The first ten rows of `tab` for `reviewer` under `filter`, by claim id.
pub async fn queue(store: &Store, tab: QueueTab, reviewer: &str, filter: &str) -> Vec<QueueRow> {
    store
        .queue_page(&QueueQuery {
            tab,
            sort: QueueSort::ClaimId,
            reverse: false,
            behind: None,
            filter: filter.into(),
            reviewer: reviewer.into(),
            anchor: Anchor::First,
            limit: 10,
        })
        .await
        .unwrap()
}

/// The claim ids of the contest read from `id`, and the party count each of them shows in
/// the queue.
pub async fn contest_from(store: &Store, id: &str) -> (Vec<String>, Vec<u32>) {
    let views = store.contest(&[id.to_string()]).await.unwrap();
    let ids: Vec<String> = views.iter().map(|v| v.claim.claim_id.clone()).collect();
    let mut counts = Vec::new();
    for id in &ids {
        let rows = queue(store, QueueTab::All, "lee", &id.to_lowercase()).await;
        counts.extend(rows.iter().filter(|r| &r.claim_id == id).map(|r| r.parties));
    }
    (ids, counts)
}

/// An import of `claims`, numbered from line 1.
pub fn batch(claims: Vec<Claim>) -> ImportBatch {
    ImportBatch {
        claims: claims
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i + 1, c))
            .collect(),
        ..ImportBatch::default()
    }
}
