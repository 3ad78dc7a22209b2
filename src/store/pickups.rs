//! Pickups: the intent ('requesting') before the billed carrier call, then
//! what the carrier answered, then its later confirmation.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::domain::ids::{CarrierAccountId, PickupId, ShipmentId, TenantId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PickupRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub shipment_id: Uuid,
    pub carrier_account_id: Uuid,
    pub carrier: String,
    pub status: String,
    pub carrier_pickup_id: Option<String>,
    pub reference: Option<String>,
    pub supplier_reference: Option<String>,
    pub collection_date: String,
    pub instructions: Option<String>,
    pub address: serde_json::Value,
    pub price: Option<serde_json::Value>,
    pub idempotency_key: Option<String>,
    pub last_error: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, tenant_id, shipment_id, carrier_account_id, carrier, status, carrier_pickup_id, reference, \
    supplier_reference, collection_date, instructions, address, price, idempotency_key, last_error, created_at, updated_at";

pub struct NewPickup<'a> {
    pub id: PickupId,
    pub tenant: TenantId,
    pub shipment: ShipmentId,
    pub account: CarrierAccountId,
    pub carrier: &'a str,
    pub collection_date: &'a str,
    pub instructions: Option<&'a str>,
    pub address: &'a serde_json::Value,
    pub idempotency_key: Option<&'a str>,
}

/// → requesting. A unique violation means the shipment already has a live pickup.
pub async fn insert_intent(conn: &mut PgConnection, new: NewPickup<'_>) -> Result<PickupRow, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO pickups (id, tenant_id, shipment_id, carrier_account_id, carrier, status, collection_date,
            instructions, address, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, 'requesting', $6, $7, $8, $9) RETURNING {COLUMNS}"
    )))
    .bind(new.id.uuid())
    .bind(new.tenant.uuid())
    .bind(new.shipment.uuid())
    .bind(new.account.uuid())
    .bind(new.carrier)
    .bind(new.collection_date)
    .bind(new.instructions)
    .bind(new.address)
    .bind(new.idempotency_key)
    .fetch_one(conn)
    .await
}

pub struct PickupFacts<'a> {
    pub carrier_pickup_id: &'a str,
    pub reference: Option<&'a str>,
    pub supplier_reference: Option<&'a str>,
    pub price: Option<&'a serde_json::Value>,
}

/// requesting | requested → requested or confirmed (once the supplier reference is known).
pub async fn record(
    conn: &mut PgConnection,
    id: PickupId,
    facts: PickupFacts<'_>,
) -> Result<Option<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE pickups SET carrier_pickup_id = $2, reference = COALESCE($3, reference),
            supplier_reference = COALESCE($4, supplier_reference), price = COALESCE($5, price),
            status = CASE WHEN COALESCE($4, supplier_reference) IS NULL THEN 'requested' ELSE 'confirmed' END,
            last_error = NULL, updated_at = now()
         WHERE id = $1 AND status IN ('requesting', 'requested', 'confirmed') RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(facts.carrier_pickup_id)
    .bind(facts.reference)
    .bind(facts.supplier_reference)
    .bind(facts.price)
    .fetch_optional(conn)
    .await
}

/// Locks the pickup for this transaction; its status before any change.
pub async fn lock_status(conn: &mut PgConnection, id: PickupId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM pickups WHERE id = $1 FOR UPDATE").bind(id.uuid()).fetch_optional(conn).await
}

/// requesting → failed or needs_attention.
pub async fn mark(
    conn: &mut PgConnection,
    id: PickupId,
    status: &str,
    error: &serde_json::Value,
) -> Result<Option<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE pickups SET status = $2, last_error = $3, updated_at = now()
         WHERE id = $1 AND status = 'requesting' RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(status)
    .bind(error)
    .fetch_optional(conn)
    .await
}

pub async fn get(db: &PgPool, tenant: TenantId, id: PickupId) -> Result<Option<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM pickups WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

pub async fn by_idempotency_key(db: &PgPool, tenant: TenantId, key: &str) -> Result<Option<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pickups WHERE tenant_id = $1 AND idempotency_key = $2"
    )))
    .bind(tenant.uuid())
    .bind(key)
    .fetch_optional(db)
    .await
}

pub async fn live_for_shipment(db: &PgPool, shipment: ShipmentId) -> Result<Option<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pickups WHERE shipment_id = $1 AND status <> 'failed'"
    )))
    .bind(shipment.uuid())
    .fetch_optional(db)
    .await
}

/// Newest first, optionally of one shipment.
pub async fn list(
    db: &PgPool,
    tenant: TenantId,
    shipment: Option<ShipmentId>,
    after: Option<PickupId>,
    limit: i64,
) -> Result<Vec<PickupRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM pickups WHERE tenant_id = $1
           AND ($2::uuid IS NULL OR shipment_id = $2) AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4"
    )))
    .bind(tenant.uuid())
    .bind(shipment.map(|s| s.uuid()))
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}
