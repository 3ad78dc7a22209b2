//! The booking state machine, in one place: one function per transition,
//! each run on a connection the caller holds inside a transaction (webhook
//! outbox events will be written in the same transactions).
//!
//! ```text
//! booking ──booked──▶ booked ──dispatched──▶ dispatched
//!    │  ╲                 │                      │
//!    │   ╲needs_attention  └──────cancelled◀──────┘
//!    ▼    ╲
//! failed ◀─┘ (retryable failures go back to booking on a retry)
//! ```

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{CarrierAccountId, OfferId, ShipmentId, TenantId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShipmentRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub carrier_account_id: Uuid,
    pub carrier: String,
    pub status: String,
    pub reference: Option<String>,
    pub carrier_reference: String,
    pub carrier_order_id: Option<String>,
    pub service_code: String,
    pub service_name: Option<String>,
    pub offer_id: Option<Uuid>,
    pub request: serde_json::Value,
    pub price: Option<serde_json::Value>,
    pub carrier_details: serde_json::Value,
    pub idempotency_key: Option<String>,
    pub attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<serde_json::Value>,
    pub attention_reason: Option<String>,
    pub return_requested_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub booked_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

pub const COLUMNS: &str = "id, tenant_id, carrier_account_id, carrier, status, reference, carrier_reference, \
    carrier_order_id, service_code, service_name, offer_id, request, price, carrier_details, idempotency_key, \
    attempts, locked_until, last_error, attention_reason, return_requested_at, created_at, updated_at, booked_at, \
    dispatched_at, cancelled_at";

/// The intent recorded before the first billed carrier call.
pub struct NewIntent<'a> {
    pub id: ShipmentId,
    pub tenant: TenantId,
    pub account: CarrierAccountId,
    pub carrier: &'a str,
    pub reference: Option<&'a str>,
    pub carrier_reference: &'a str,
    pub service_code: &'a str,
    pub offer: Option<OfferId>,
    pub request: &'a serde_json::Value,
    pub price: Option<&'a serde_json::Value>,
    pub idempotency_key: Option<&'a str>,
    pub parcels: &'a [serde_json::Value],
    /// How long the caller holds the booking before recovery may take it.
    pub lease: Duration,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// → booking. Fails with a unique violation if the idempotency key was used.
pub async fn insert_intent(conn: &mut PgConnection, new: NewIntent<'_>) -> Result<ShipmentRow, sqlx::Error> {
    let row: ShipmentRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO shipments (id, tenant_id, carrier_account_id, carrier, status, reference, carrier_reference,
            service_code, offer_id, request, price, idempotency_key, attempts, locked_until)
         VALUES ($1, $2, $3, $4, 'booking', $5, $6, $7, $8, $9, $10, $11, 1, now() + make_interval(secs => $12))
         RETURNING {COLUMNS}"
    )))
    .bind(new.id.uuid())
    .bind(new.tenant.uuid())
    .bind(new.account.uuid())
    .bind(new.carrier)
    .bind(new.reference)
    .bind(new.carrier_reference)
    .bind(new.service_code)
    .bind(new.offer.map(|o| o.uuid()))
    .bind(new.request)
    .bind(new.price)
    .bind(new.idempotency_key)
    .bind(secs(new.lease))
    .fetch_one(&mut *conn)
    .await?;
    for (index, parcel) in new.parcels.iter().enumerate() {
        sqlx::query("INSERT INTO shipment_parcels (shipment_id, parcel_index, parcel) VALUES ($1, $2, $3)")
            .bind(new.id.uuid())
            .bind(index as i16)
            .bind(parcel)
            .execute(&mut *conn)
            .await?;
    }
    Ok(row)
}

/// What the carrier confirmed.
pub struct BookedFacts<'a> {
    pub carrier_order_id: &'a str,
    pub service_code: Option<&'a str>,
    pub service_name: Option<&'a str>,
    pub price: Option<&'a serde_json::Value>,
    pub details: &'a serde_json::Value,
    pub tracking_numbers: &'a [Option<String>],
}

/// booking | needs_attention → booked. `None` when the shipment was not in such a state.
pub async fn mark_booked(
    conn: &mut PgConnection,
    id: ShipmentId,
    facts: BookedFacts<'_>,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    let row: Option<ShipmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET status = 'booked', carrier_order_id = $2,
            service_code = COALESCE($3, service_code), service_name = COALESCE($4, service_name),
            price = COALESCE($5, price), carrier_details = carrier_details || $6,
            locked_until = NULL, last_error = NULL, attention_reason = NULL,
            booked_at = now(), updated_at = now()
         WHERE id = $1 AND status IN ('booking', 'needs_attention')
         RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(facts.carrier_order_id)
    .bind(facts.service_code)
    .bind(facts.service_name)
    .bind(facts.price)
    .bind(facts.details)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        for (index, number) in facts.tracking_numbers.iter().enumerate() {
            sqlx::query(
                "UPDATE shipment_parcels SET tracking_number = $3 WHERE shipment_id = $1 AND parcel_index = $2",
            )
            .bind(id.uuid())
            .bind(index as i16)
            .bind(number.as_deref())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(row)
}

/// booking → failed: nothing was booked. `error` says why and whether a retry may book.
pub async fn mark_failed(
    conn: &mut PgConnection,
    id: ShipmentId,
    error: &serde_json::Value,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET status = 'failed', last_error = $2, locked_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'booking' RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(error)
    .fetch_optional(&mut *conn)
    .await
}

/// booking stays booking: the outcome is unknown and recovery decides, after `retry_in`.
pub async fn mark_outcome_unknown(
    conn: &mut PgConnection,
    id: ShipmentId,
    error: &serde_json::Value,
    retry_in: Duration,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET last_error = $2, locked_until = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 AND status = 'booking' RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(error)
    .bind(secs(retry_in))
    .fetch_optional(&mut *conn)
    .await
}

/// booking → needs_attention: shipgate cannot tell whether the carrier has the order.
pub async fn mark_needs_attention(
    conn: &mut PgConnection,
    id: ShipmentId,
    reason: &str,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET status = 'needs_attention', attention_reason = $2, locked_until = NULL, updated_at = now()
         WHERE id = $1 AND status = 'booking' RETURNING {COLUMNS}"
    )))
    .bind(id.uuid())
    .bind(reason)
    .fetch_optional(&mut *conn)
    .await
}

/// needs_attention → failed, when the merchant says the carrier has no order.
pub async fn resolve_not_booked(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
    error: &serde_json::Value,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET status = 'failed', last_error = $3, attention_reason = NULL, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = 'needs_attention' RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(error)
    .fetch_optional(&mut *conn)
    .await
}

/// Takes the booking for a retry or a recovery: an unlocked (or expired)
/// `booking`, or a `failed` one whose failure says a retry may book.
pub async fn claim(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
    lease: Duration,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET status = 'booking', locked_until = now() + make_interval(secs => $3),
            attempts = attempts + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2
           AND ((status = 'booking' AND (locked_until IS NULL OR locked_until < now()))
             OR (status = 'failed' AND (last_error ->> 'retryable')::boolean))
         RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(secs(lease))
    .fetch_optional(&mut *conn)
    .await
}

/// Claims stale intents for the recovery worker: bookings nobody holds,
/// skipping rows another replica is already working on.
pub async fn claim_stale(
    conn: &mut PgConnection,
    lease: Duration,
    limit: i64,
) -> Result<Vec<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET locked_until = now() + make_interval(secs => $1), updated_at = now()
         WHERE id IN (
            SELECT id FROM shipments
            WHERE status = 'booking' AND (locked_until IS NULL OR locked_until < now())
            ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING {COLUMNS}"
    )))
    .bind(secs(lease))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

async fn transition(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
    sql: &'static str,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} RETURNING {COLUMNS}")))
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(&mut *conn)
        .await
}

/// booked | dispatched → cancelled.
pub async fn mark_cancelled(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    transition(
        conn,
        tenant,
        id,
        "UPDATE shipments SET status = 'cancelled', cancelled_at = now(), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status IN ('booked', 'dispatched')",
    )
    .await
}

/// booked → dispatched.
pub async fn mark_dispatched(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    transition(
        conn,
        tenant,
        id,
        "UPDATE shipments SET status = 'dispatched', dispatched_at = now(), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = 'booked'",
    )
    .await
}

pub async fn mark_return_requested(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    transition(
        conn,
        tenant,
        id,
        "UPDATE shipments SET return_requested_at = COALESCE(return_requested_at, now()), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status IN ('booked', 'dispatched')",
    )
    .await
}

/// A booked shipment's request after the carrier accepted changes.
pub async fn record_changes(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: ShipmentId,
    request: &serde_json::Value,
) -> Result<Option<ShipmentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE shipments SET request = $3, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status IN ('booked', 'dispatched') RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(request)
    .fetch_optional(&mut *conn)
    .await
}
