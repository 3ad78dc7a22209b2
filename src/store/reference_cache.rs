//! Carrier reference data kept in Postgres, shared by every replica.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgPool;

use crate::carriers::reference_cache::ReferenceCache;
use crate::domain::ids::CarrierAccountId;

pub struct PgReferenceCache {
    db: PgPool,
}

impl PgReferenceCache {
    pub fn new(db: PgPool) -> Self {
        PgReferenceCache { db }
    }
}

#[async_trait]
impl ReferenceCache for PgReferenceCache {
    async fn get(&self, account: CarrierAccountId, kind: &str, max_age: Duration) -> Option<serde_json::Value> {
        let found = sqlx::query_scalar(
            "SELECT payload FROM carrier_reference_data
             WHERE carrier_account_id = $1 AND kind = $2 AND fetched_at > now() - make_interval(secs => $3)",
        )
        .bind(account.uuid())
        .bind(kind)
        .bind(max_age.as_secs_f64())
        .fetch_optional(&self.db)
        .await;
        match found {
            Ok(payload) => payload,
            Err(e) => {
                tracing::warn!(error = %e, kind, "reference data cache unreadable");
                None
            }
        }
    }

    async fn put(&self, account: CarrierAccountId, kind: &str, payload: &serde_json::Value) {
        let stored = sqlx::query(
            "INSERT INTO carrier_reference_data (carrier_account_id, kind, payload, fetched_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (carrier_account_id, kind) DO UPDATE SET payload = EXCLUDED.payload, fetched_at = now()",
        )
        .bind(account.uuid())
        .bind(kind)
        .bind(payload)
        .execute(&self.db)
        .await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, kind, "reference data not cached");
        }
    }
}
