//! A port through which connectors keep slow-changing carrier reference data
//! (Ecotrack wilayas, communes, fees) without touching the database.

use std::time::Duration;

use async_trait::async_trait;

use crate::domain::ids::CarrierAccountId;

#[async_trait]
pub trait ReferenceCache: Send + Sync {
    /// The cached payload if younger than `max_age`.
    async fn get(&self, account: CarrierAccountId, kind: &str, max_age: Duration) -> Option<serde_json::Value>;

    /// Stores a fresh payload; failures are logged, never fatal (the data can be fetched again).
    async fn put(&self, account: CarrierAccountId, kind: &str, payload: &serde_json::Value);
}

/// No cache: every call fetches (tests of connectors, tools).
pub struct NoCache;

#[async_trait]
impl ReferenceCache for NoCache {
    async fn get(&self, _: CarrierAccountId, _: &str, _: Duration) -> Option<serde_json::Value> {
        None
    }

    async fn put(&self, _: CarrierAccountId, _: &str, _: &serde_json::Value) {}
}
