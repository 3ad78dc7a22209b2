//! Where budget state lives so every replica sees the same count: a
//! versioned document per budget key, replaced only by compare-and-swap.
//! The arithmetic stays in `budget.rs`, identical for every backend; a
//! backend only has to make "write if still at version N" atomic.

use async_trait::async_trait;

use super::budget::BudgetState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    pub version: i64,
    pub state: BudgetState,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("stored budget is unreadable: {0}")]
    Corrupt(String),
    #[error("budget `{0}` kept changing under us; gave up after many attempts")]
    Contention(String),
}

#[async_trait]
pub trait BudgetStore: Send + Sync {
    /// For logs and metrics: `postgres`, `redis`, `memory`.
    fn name(&self) -> &'static str;

    async fn load(&self, key: &str) -> Result<Option<Versioned>, StoreError>;

    /// Stores `state` if the stored version is still `expected` (`None`: no
    /// document yet). Returns the new version, or `None` when another writer
    /// came first.
    async fn swap(&self, key: &str, expected: Option<i64>, state: &BudgetState) -> Result<Option<i64>, StoreError>;
}

/// Reads a stored document; an unreadable one (older format) starts afresh
/// rather than blocking the budget forever.
pub fn decode(key: &str, version: i64, text: &str) -> Versioned {
    let state = serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::warn!(budget = key, error = %e, "unreadable upstream budget state; starting from the defaults");
        BudgetState::default()
    });
    Versioned { version, state }
}
