//! Budgets in Postgres (`upstream_budgets`, migration 0002): one row per
//! budget key; a write is a single conditional statement on the version, so
//! concurrent replicas never both spend the same unit.

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::types::Json;

use super::budget::BudgetState;
use super::store::{BudgetStore, StoreError, Versioned, decode};

pub struct PgBudgetStore {
    db: PgPool,
}

impl PgBudgetStore {
    pub fn new(db: PgPool) -> Self {
        PgBudgetStore { db }
    }
}

#[async_trait]
impl BudgetStore for PgBudgetStore {
    fn name(&self) -> &'static str {
        "postgres"
    }

    async fn load(&self, key: &str) -> Result<Option<Versioned>, StoreError> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT version, state::text FROM upstream_budgets WHERE budget_key = $1")
                .bind(key)
                .fetch_optional(&self.db)
                .await?;
        Ok(row.map(|(version, text)| decode(key, version, &text)))
    }

    async fn swap(&self, key: &str, expected: Option<i64>, state: &BudgetState) -> Result<Option<i64>, StoreError> {
        let version: Option<i64> = match expected {
            None => {
                sqlx::query_scalar(
                    "INSERT INTO upstream_budgets (budget_key, version, state) VALUES ($1, 1, $2)
                     ON CONFLICT (budget_key) DO NOTHING RETURNING version",
                )
                .bind(key)
                .bind(Json(state))
                .fetch_optional(&self.db)
                .await?
            }
            Some(expected) => {
                sqlx::query_scalar(
                    "UPDATE upstream_budgets SET version = version + 1, state = $3, updated_at = now()
                     WHERE budget_key = $1 AND version = $2 RETURNING version",
                )
                .bind(key)
                .bind(expected)
                .bind(Json(state))
                .fetch_optional(&self.db)
                .await?
            }
        };
        Ok(version)
    }
}
