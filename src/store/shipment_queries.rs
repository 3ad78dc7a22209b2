//! Reads of shipments and their parcels (no transitions here).

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::shipments::{COLUMNS, ShipmentRow};
use crate::domain::ids::{ShipmentId, TenantId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParcelRow {
    pub parcel_index: i16,
    pub tracking_number: Option<String>,
    pub parcel: serde_json::Value,
}

pub async fn get(db: &PgPool, tenant: TenantId, id: ShipmentId) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM shipments WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

/// The shipment(s) a key started. Keys older than `retention` are forgotten
/// first (the idempotency layer forgets them then, and the key may be reused).
pub async fn by_idempotency_key(db: &PgPool, tenant: TenantId, key: &str) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM shipments WHERE tenant_id = $1 AND idempotency_key = $2"
    )))
    .bind(tenant.uuid())
    .bind(key)
    .fetch_optional(db)
    .await
}

/// Releases a tenant's idempotency keys (`key` and batch items `key#…`) older than `retention`.
pub async fn forget_old_key(
    db: &PgPool,
    tenant: TenantId,
    key: &str,
    retention: std::time::Duration,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE shipments SET idempotency_key = NULL
         WHERE tenant_id = $1 AND (idempotency_key = $2 OR starts_with(idempotency_key, $2 || '#'))
           AND created_at < now() - make_interval(secs => $3)",
    )
    .bind(tenant.uuid())
    .bind(key)
    .bind(retention.as_secs_f64())
    .execute(db)
    .await?;
    sqlx::query(
        "UPDATE pickups SET idempotency_key = NULL
         WHERE tenant_id = $1 AND idempotency_key = $2 AND created_at < now() - make_interval(secs => $3)",
    )
    .bind(tenant.uuid())
    .bind(key)
    .bind(retention.as_secs_f64())
    .execute(db)
    .await?;
    Ok(())
}

/// Whether any shipment was created under keys `{prefix}#…` (a batch's items).
pub async fn any_with_key_prefix(db: &PgPool, tenant: TenantId, prefix: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM shipments WHERE tenant_id = $1 AND starts_with(idempotency_key, $2 || '#'))",
    )
    .bind(tenant.uuid())
    .bind(prefix)
    .fetch_one(db)
    .await
}

pub async fn parcels<'c>(db: impl PgExecutor<'c>, ids: &[Uuid]) -> Result<Vec<(Uuid, ParcelRow)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        shipment_id: Uuid,
        #[sqlx(flatten)]
        parcel: ParcelRow,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT shipment_id, parcel_index, tracking_number, parcel FROM shipment_parcels
         WHERE shipment_id = ANY($1) ORDER BY shipment_id, parcel_index",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.shipment_id, r.parcel)).collect())
}

#[derive(Debug, Default)]
pub struct ShipmentFilter<'a> {
    pub status: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub account: Option<Uuid>,
    pub reference: Option<&'a str>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// Newest first; `after` is the id of the last row of the previous page.
pub async fn list(
    db: &PgPool,
    tenant: TenantId,
    filter: &ShipmentFilter<'_>,
    after: Option<ShipmentId>,
    limit: i64,
) -> Result<Vec<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM shipments
         WHERE tenant_id = $1
           AND ($2::text IS NULL OR status = $2)
           AND ($3::text IS NULL OR carrier = $3)
           AND ($4::uuid IS NULL OR carrier_account_id = $4)
           AND ($5::text IS NULL OR reference = $5)
           AND ($6::timestamptz IS NULL OR created_at >= $6)
           AND ($7::timestamptz IS NULL OR created_at < $7)
           AND ($8::uuid IS NULL OR id < $8)
         ORDER BY id DESC LIMIT $9"
    )))
    .bind(tenant.uuid())
    .bind(filter.status)
    .bind(filter.carrier)
    .bind(filter.account)
    .bind(filter.reference)
    .bind(filter.created_from)
    .bind(filter.created_to)
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}
