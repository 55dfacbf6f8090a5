//! (in progress) The sqlite data-access module.
#![allow(dead_code, unused_variables)]
use super::*;

/// A sqlite-backed store.
#[derive(Clone, Debug)]
pub struct SqliteStore;

fn todo_err() -> StoreError {
    StoreError::Database("the sqlite store is being built".into())
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Err(todo_err())
    }
    pub async fn import(
        &self,
        batch: &ImportBatch,
        audit: &Audit,
    ) -> Result<ImportSummary, StoreError> {
        Err(todo_err())
    }
    pub async fn claim(&self, claim_id: &str) -> Result<Option<ClaimView>, StoreError> {
        Err(todo_err())
    }
    pub async fn claims_after(
        &self,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ClaimView>, StoreError> {
        Err(todo_err())
    }
    pub async fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>, StoreError> {
        Err(todo_err())
    }
    pub async fn tab_counts(&self, reviewer: &str, filter: &str) -> Result<TabCounts, StoreError> {
        Err(todo_err())
    }
    pub async fn events(&self, claim_id: &str) -> Result<Vec<AuditEvent>, StoreError> {
        Err(todo_err())
    }
    pub async fn claim_count(&self) -> Result<u64, StoreError> {
        Err(todo_err())
    }
}
