//! Trackers: one per (tenant, carrier account, tracking number), and the
//! refresh queue on them.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::ids::{CarrierAccountId, ShipmentId, TenantId, TrackerId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackerRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub carrier_account_id: Uuid,
    pub carrier: String,
    pub tracking_number: String,
    pub shipment_id: Option<Uuid>,
    pub reference: Option<String>,
    pub origin: String,
    pub status: String,
    pub raw_status: Option<String>,
    pub raw_status_text: Option<String>,
    pub estimated_delivery: Option<serde_json::Value>,
    pub proof_of_delivery: Option<serde_json::Value>,
    pub courier: Option<serde_json::Value>,
    pub cash_on_delivery: Option<serde_json::Value>,
    pub legs: serde_json::Value,
    pub relay_point: Option<serde_json::Value>,
    pub not_found_since: Option<DateTime<Utc>>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub status_changed_at: Option<DateTime<Utc>>,
    pub next_check_at: Option<DateTime<Utc>>,
    pub check_failures: i32,
    pub last_error: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub public_token: Option<String>,
}

pub const COLUMNS: &str = "id, tenant_id, carrier_account_id, carrier, tracking_number, shipment_id, reference, origin, \
    status, raw_status, raw_status_text, estimated_delivery, proof_of_delivery, courier, cash_on_delivery, legs, \
    relay_point, not_found_since, last_checked_at, status_changed_at, next_check_at, check_failures, last_error, \
    created_at, updated_at, public_token";

pub struct NewTracker<'a> {
    pub tenant: TenantId,
    pub account: CarrierAccountId,
    pub carrier: &'a str,
    pub tracking_number: &'a str,
    pub shipment: Option<ShipmentId>,
    pub reference: Option<&'a str>,
    pub origin: &'a str,
}

/// Creates the tracker, or returns the existing one for the same parcel;
/// `true` when it was created. Due at once.
pub async fn create_or_get(conn: &mut PgConnection, new: NewTracker<'_>) -> Result<(TrackerRow, bool), sqlx::Error> {
    let inserted: Option<TrackerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO trackers (id, tenant_id, carrier_account_id, carrier, tracking_number, shipment_id, reference,
                               origin, status, next_check_at, public_token)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unknown', now(), $9)
         ON CONFLICT (tenant_id, carrier_account_id, tracking_number) DO NOTHING RETURNING {COLUMNS}"
    )))
    .bind(TrackerId::new().uuid())
    .bind(new.tenant.uuid())
    .bind(new.account.uuid())
    .bind(new.carrier)
    .bind(new.tracking_number)
    .bind(new.shipment.map(|s| s.uuid()))
    .bind(new.reference)
    .bind(new.origin)
    .bind(crate::domain::public_page::new_token())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = inserted {
        return Ok((row, true));
    }
    // Someone tracked it first; a booking through shipgate adopts it.
    let existing: TrackerRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE trackers SET shipment_id = COALESCE(shipment_id, $4), reference = COALESCE(reference, $5)
         WHERE tenant_id = $1 AND carrier_account_id = $2 AND tracking_number = $3 RETURNING {COLUMNS}"
    )))
    .bind(new.tenant.uuid())
    .bind(new.account.uuid())
    .bind(new.tracking_number)
    .bind(new.shipment.map(|s| s.uuid()))
    .bind(new.reference)
    .fetch_one(&mut *conn)
    .await?;
    Ok((existing, false))
}

pub async fn get<'c>(
    db: impl PgExecutor<'c>,
    tenant: TenantId,
    id: TrackerId,
) -> Result<Option<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM trackers WHERE tenant_id = $1 AND id = $2")))
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

/// Locks one tracker for the rest of the transaction.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM trackers WHERE id = $1 FOR UPDATE")))
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn for_shipment(db: &PgPool, shipment: ShipmentId) -> Result<Vec<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM trackers WHERE shipment_id = $1 ORDER BY tracking_number"
    )))
    .bind(shipment.uuid())
    .fetch_all(db)
    .await
}

#[derive(Debug, Default)]
pub struct TrackerFilter<'a> {
    pub status: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub updated_since: Option<DateTime<Utc>>,
    pub shipment: Option<Uuid>,
}

/// Newest first; `after` is the last id of the previous page.
pub async fn list(
    db: &PgPool,
    tenant: TenantId,
    filter: &TrackerFilter<'_>,
    after: Option<TrackerId>,
    limit: i64,
) -> Result<Vec<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM trackers WHERE tenant_id = $1
           AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR carrier = $3)
           AND ($4::timestamptz IS NULL OR updated_at >= $4) AND ($5::uuid IS NULL OR shipment_id = $5)
           AND ($6::uuid IS NULL OR id < $6)
         ORDER BY id DESC LIMIT $7"
    )))
    .bind(tenant.uuid())
    .bind(filter.status)
    .bind(filter.carrier)
    .bind(filter.updated_since)
    .bind(filter.shipment)
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn delete(db: &PgPool, tenant: TenantId, id: TrackerId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM trackers WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.uuid())
        .bind(id.uuid())
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims up to `limit` due trackers for `lease_secs`: no other worker sees
/// them until then, and a crashed worker's claim comes back by itself.
/// Trackers of `sweep_carriers` are left to `claim_sweeps`.
pub async fn claim_due(
    conn: &mut PgConnection,
    limit: i64,
    lease_secs: i64,
    sweep_carriers: &[&str],
) -> Result<Vec<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE trackers SET next_check_at = now() + make_interval(secs => $2)
         WHERE id IN (SELECT id FROM trackers WHERE next_check_at <= now() AND carrier <> ALL($3)
                      ORDER BY next_check_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING {COLUMNS}"
    )))
    .bind(limit)
    .bind(lease_secs as f64)
    .bind(sweep_carriers)
    .fetch_all(conn)
    .await
}

/// For carriers answering every ongoing parcel of an account in one call:
/// claims all due trackers of each account at once, one replica per account
/// (an advisory lock), so one call serves them all.
pub async fn claim_sweeps(
    db: &PgPool,
    lease_secs: i64,
    sweep_carriers: &[&str],
) -> Result<Vec<TrackerRow>, sqlx::Error> {
    if sweep_carriers.is_empty() {
        return Ok(Vec::new());
    }
    let accounts: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT carrier_account_id FROM trackers WHERE next_check_at <= now() AND carrier = ANY($1)",
    )
    .bind(sweep_carriers)
    .fetch_all(db)
    .await?;
    let mut claimed = Vec::new();
    for account in accounts {
        let mut tx = db.begin().await?;
        let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 7))")
            .bind(account)
            .fetch_one(&mut *tx)
            .await?;
        if !mine {
            continue;
        }
        let rows: Vec<TrackerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE trackers SET next_check_at = now() + make_interval(secs => $2)
             WHERE id IN (SELECT id FROM trackers WHERE carrier_account_id = $1 AND next_check_at <= now()
                          FOR UPDATE SKIP LOCKED)
             RETURNING {COLUMNS}"
        )))
        .bind(account)
        .bind(lease_secs as f64)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        claimed.extend(rows);
    }
    Ok(claimed)
}

/// What a successful check learned, as stored.
pub struct CheckFacts<'a> {
    pub status: &'a str,
    pub raw_status: Option<&'a str>,
    pub raw_status_text: Option<&'a str>,
    pub estimated_delivery: Option<&'a serde_json::Value>,
    pub proof_of_delivery: Option<&'a serde_json::Value>,
    pub courier: Option<&'a serde_json::Value>,
    pub cash_on_delivery: Option<&'a serde_json::Value>,
    pub legs: &'a serde_json::Value,
    pub relay_point: Option<&'a serde_json::Value>,
    pub status_changed: bool,
    pub next_check_at: Option<DateTime<Utc>>,
}

pub async fn record_check(conn: &mut PgConnection, id: Uuid, f: CheckFacts<'_>) -> Result<TrackerRow, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE trackers SET status = $2, raw_status = $3, raw_status_text = $4,
            estimated_delivery = COALESCE($5, estimated_delivery), proof_of_delivery = COALESCE($6, proof_of_delivery),
            courier = COALESCE($7, courier), cash_on_delivery = COALESCE($8, cash_on_delivery),
            legs = CASE WHEN jsonb_array_length($9) > 0 THEN $9 ELSE legs END,
            relay_point = COALESCE($10, relay_point),
            status_changed_at = CASE WHEN $11 THEN now() ELSE status_changed_at END,
            next_check_at = $12, last_checked_at = now(), check_failures = 0, last_error = NULL,
            not_found_since = NULL, updated_at = now()
         WHERE id = $1 RETURNING {COLUMNS}"
    )))
    .bind(id)
    .bind(f.status)
    .bind(f.raw_status)
    .bind(f.raw_status_text)
    .bind(f.estimated_delivery)
    .bind(f.proof_of_delivery)
    .bind(f.courier)
    .bind(f.cash_on_delivery)
    .bind(f.legs)
    .bind(f.relay_point)
    .bind(f.status_changed)
    .bind(f.next_check_at)
    .fetch_one(conn)
    .await
}

/// A check that learned nothing: the carrier failed, or does not know the number.
pub async fn record_miss<'c>(
    db: impl PgExecutor<'c>,
    id: Uuid,
    not_found: bool,
    error: Option<&serde_json::Value>,
    next_check_at: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE trackers SET last_checked_at = now(), check_failures = check_failures + 1, last_error = $3,
            not_found_since = CASE WHEN $2 THEN COALESCE(not_found_since, now()) ELSE not_found_since END,
            next_check_at = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(not_found)
    .bind(error)
    .bind(next_check_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Makes a tracker due now (a forced refresh or a new shipment).
pub async fn make_due<'c>(db: impl PgExecutor<'c>, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE trackers SET next_check_at = now() WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// The tracker a public link points to (whatever its tenant).
pub async fn by_public_token(db: &PgPool, token: &str) -> Result<Option<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM trackers WHERE public_token = $1")))
        .bind(token)
        .fetch_optional(db)
        .await
}

/// Replaces (`Some`) or revokes (`None`) a tracker's public link.
pub async fn set_public_token(
    db: &PgPool,
    tenant: TenantId,
    id: TrackerId,
    token: Option<&str>,
) -> Result<Option<TrackerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE trackers SET public_token = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .bind(token)
    .fetch_optional(db)
    .await
}
