//! The port through which connectors keep carrier-issued session tokens
//! (e-Courier's UserGUID) in the database, encrypted and shared by every
//! replica, without touching SQL themselves.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::CarrierError;
use crate::domain::ids::CarrierAccountId;

#[derive(Debug, Clone)]
pub struct StoredSession {
    pub token: String,
    pub issued_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn load(&self, account: CarrierAccountId) -> Result<Option<StoredSession>, CarrierError>;

    /// Takes the account's session lock, exclusive across replicas, until the
    /// returned guard saves a new token or is dropped.
    async fn lock(&self, account: CarrierAccountId) -> Result<Box<dyn SessionLock>, CarrierError>;

    /// Records that the token was just used (carriers expire unused tokens).
    async fn mark_used(&self, account: CarrierAccountId) -> Result<(), CarrierError>;
}

#[async_trait]
pub trait SessionLock: Send {
    /// The session as stored now, read under the lock.
    async fn current(&mut self) -> Result<Option<StoredSession>, CarrierError>;

    /// Stores a new (or refreshed) token and releases the lock.
    async fn save(self: Box<Self>, token: &str, issued: bool) -> Result<StoredSession, CarrierError>;
}
