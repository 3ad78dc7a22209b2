//! Deliveries (one event for one endpoint) and their attempt logs: claimed by
//! dispatchers with `FOR UPDATE SKIP LOCKED` and a lease, so replicas share
//! the work and a crashed dispatcher's claims come back after the lease.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::ids::{DeliveryId, EventId, TenantId, WebhookId};
use crate::domain::webhook::{DeliveryStatus, EventType};

/// A delivery a dispatcher now owns, with what it needs to send it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    /// Number of this attempt (1-based).
    pub attempts: i32,
    pub started_at: DateTime<Utc>,
    /// Start of a previous attempt whose dispatcher never reported back.
    pub abandoned_at: Option<DateTime<Utc>>,
    pub url: String,
    pub secret_enc: Vec<u8>,
    /// The previous secret while its grace period runs.
    pub previous_secret_enc: Option<Vec<u8>>,
    pub event_type: String,
    pub body: String,
}

/// Claims up to `limit` due deliveries of enabled endpoints for `lease_secs`,
/// never more than `per_endpoint` in flight for one endpoint (across every
/// replica), so one slow receiver cannot hold every sending slot while other
/// merchants' webhooks wait.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    token: Uuid,
    limit: i64,
    per_endpoint: i64,
    lease_secs: f64,
) -> Result<Vec<ClaimedDelivery>, sqlx::Error> {
    sqlx::query_as(
        "WITH busy AS (
            SELECT endpoint_id, count(*) AS in_flight FROM webhook_deliveries
            WHERE lock_token IS NOT NULL AND locked_until > now()
            GROUP BY endpoint_id
         ), candidates AS (
            SELECT d.id, d.endpoint_id, d.next_attempt_at, COALESCE(b.in_flight, 0) AS in_flight,
                   CASE WHEN d.lock_token IS NOT NULL THEN d.last_attempt_at END AS abandoned_at
            FROM webhook_deliveries d
            JOIN webhook_endpoints e ON e.id = d.endpoint_id
            LEFT JOIN busy b ON b.endpoint_id = d.endpoint_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.enabled
              AND (d.locked_until IS NULL OR d.locked_until <= now())
              AND COALESCE(b.in_flight, 0) < $4
            ORDER BY d.next_attempt_at
            LIMIT $1 * 4
            FOR UPDATE OF d SKIP LOCKED
         ), ranked AS (
            SELECT c.*, row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at) AS rank
            FROM candidates c
         ), due AS (
            SELECT id, abandoned_at FROM ranked WHERE rank + in_flight <= $4 ORDER BY next_attempt_at LIMIT $1
         )
         UPDATE webhook_deliveries d SET
            attempts = d.attempts + 1,
            locked_until = now() + make_interval(secs => $2),
            lock_token = $3,
            last_attempt_at = now()
         FROM due, webhook_endpoints e, webhook_events ev
         WHERE d.id = due.id AND e.id = d.endpoint_id AND ev.id = d.event_id
         RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.attempts, d.last_attempt_at AS started_at,
            due.abandoned_at, e.url, e.secret_enc,
            CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_enc END AS previous_secret_enc,
            ev.type AS event_type, ev.body",
    )
    .bind(limit)
    .bind(lease_secs)
    .bind(token)
    .bind(per_endpoint)
    .fetch_all(db)
    .await
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Succeeded,
    RetryInSecs(f64),
    /// Every attempt is spent.
    Failed,
}

/// One attempt as logged.
pub struct AttemptLog<'a> {
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub succeeded: bool,
    pub response_status: Option<i32>,
    pub latency_ms: Option<i64>,
    pub error: Option<&'a str>,
    pub response_body: Option<&'a str>,
    pub response_truncated: bool,
}

pub async fn log_attempt(conn: &mut PgConnection, delivery: Uuid, log: &AttemptLog<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, succeeded, response_status, latency_ms,
            error, response_body, response_truncated)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (delivery_id, attempt) DO NOTHING",
    )
    .bind(delivery)
    .bind(log.attempt)
    .bind(log.started_at)
    .bind(log.succeeded)
    .bind(log.response_status)
    .bind(log.latency_ms)
    .bind(log.error)
    // Postgres text cannot hold NUL bytes.
    .bind(log.response_body.map(|b| b.replace('\0', "\u{FFFD}")))
    .bind(log.response_truncated)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the outcome of the attempt this dispatcher owns. `false` when the
/// claim was lost (lease expired and taken over, or the endpoint deleted):
/// the caller then records nothing else.
pub async fn finish(
    conn: &mut PgConnection,
    delivery: Uuid,
    token: Uuid,
    log: &AttemptLog<'_>,
    next: Next,
) -> Result<bool, sqlx::Error> {
    let (status, retry_in) = match next {
        Next::Succeeded => (DeliveryStatus::Succeeded, None),
        Next::RetryInSecs(secs) => (DeliveryStatus::Pending, Some(secs)),
        Next::Failed => (DeliveryStatus::Failed, None),
    };
    let updated = sqlx::query(
        "UPDATE webhook_deliveries SET
            status = $3,
            next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4) END,
            locked_until = NULL, lock_token = NULL,
            last_status = $5, last_latency_ms = $6, last_error = $7,
            completed_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1 AND lock_token = $2",
    )
    .bind(delivery)
    .bind(token)
    .bind(status.as_str())
    .bind(retry_in)
    .bind(log.response_status)
    .bind(log.latency_ms)
    .bind(log.error)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    log_attempt(conn, delivery, log).await?;
    Ok(true)
}

/// Parks the pending deliveries of a disabled endpoint (no due time) so the
/// dispatchers never scan them; `retry_now` makes them due again.
pub async fn park(conn: &mut PgConnection, endpoint: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = NULL
         WHERE endpoint_id = $1 AND status = 'pending' AND lock_token IS NULL",
    )
    .bind(endpoint)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Makes every waiting delivery of an endpoint due now: after it is enabled
/// again (parked ones) or pointed at a new URL (ones waiting for a retry).
pub async fn retry_now(conn: &mut PgConnection, endpoint: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = now()
         WHERE endpoint_id = $1 AND status = 'pending' AND lock_token IS NULL
           AND (next_attempt_at IS NULL OR next_attempt_at > now())",
    )
    .bind(endpoint)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        super::outbox::notify(conn).await?;
    }
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub endpoint_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    pub replay_of: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

const DELIVERY_COLUMNS: &str = "d.id, d.endpoint_id, d.event_id, ev.type AS event_type, d.status, d.attempts, \
    d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_latency_ms, d.last_error, d.replay_of, \
    d.created_at, d.completed_at";

/// Filters of the delivery log.
#[derive(Default)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub event_type: Option<EventType>,
    pub event: Option<EventId>,
}

/// An endpoint's deliveries, newest first.
pub async fn list(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    endpoint: WebhookId,
    filter: &DeliveryFilter,
    after: Option<DeliveryId>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
         WHERE d.tenant_id = $1 AND d.endpoint_id = $2
           AND ($3::text IS NULL OR d.status = $3)
           AND ($4::text IS NULL OR ev.type = $4)
           AND ($5::uuid IS NULL OR d.event_id = $5)
           AND ($6::uuid IS NULL OR d.id < $6)
         ORDER BY d.id DESC LIMIT $7"
    )))
    .bind(tenant.uuid())
    .bind(endpoint.uuid())
    .bind(filter.status.map(|s| s.as_str()))
    .bind(filter.event_type.map(|t| t.as_str()))
    .bind(filter.event.map(|e| e.uuid()))
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    id: DeliveryId,
) -> Result<Option<DeliveryRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
         WHERE d.tenant_id = $1 AND d.id = $2"
    )))
    .bind(tenant.uuid())
    .bind(id.uuid())
    .fetch_optional(db)
    .await
}

/// Deliveries of several ids (after they were created), in the given order.
pub async fn get_many(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    ids: &[DeliveryId],
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let uuids: Vec<Uuid> = ids.iter().map(|d| d.uuid()).collect();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
         WHERE d.tenant_id = $1 AND d.id = ANY($2) ORDER BY d.id"
    )))
    .bind(tenant.uuid())
    .bind(&uuids)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub succeeded: bool,
    pub response_status: Option<i32>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub response_body: Option<String>,
    pub response_truncated: bool,
}

pub async fn attempts(db: impl PgExecutor<'_>, delivery: DeliveryId) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT attempt, started_at, succeeded, response_status, latency_ms, error, response_body, response_truncated
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt",
    )
    .bind(delivery.uuid())
    .fetch_all(db)
    .await
}

/// Events of the window the endpoint is subscribed to and has neither
/// received nor still waits for: what a recovery must send again.
pub async fn missed_events(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    endpoint: WebhookId,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<EventId>, sqlx::Error> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT ev.id FROM webhook_events ev JOIN webhook_endpoints e ON e.id = $2 AND e.tenant_id = ev.tenant_id
         WHERE ev.tenant_id = $1 AND ev.created_at >= $3 AND ev.created_at < $4
           -- Business events only: pings and notices about endpoints are of the moment.
           AND ev.type NOT LIKE 'webhook.%'
           AND (e.event_types IS NULL OR ev.type = ANY(e.event_types))
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.endpoint_id = e.id
                           AND d.status IN ('pending', 'succeeded'))
         ORDER BY ev.id LIMIT $5",
    )
    .bind(tenant.uuid())
    .bind(endpoint.uuid())
    .bind(since)
    .bind(until)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(ids.into_iter().map(EventId::from).collect())
}

/// Adds one pending delivery per event to one endpoint.
pub async fn insert_for_events(
    conn: &mut PgConnection,
    tenant: TenantId,
    endpoint: WebhookId,
    events: &[EventId],
) -> Result<u64, sqlx::Error> {
    if events.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = events.iter().map(|_| DeliveryId::new().uuid()).collect();
    let event_ids: Vec<Uuid> = events.iter().map(|e| e.uuid()).collect();
    let done = sqlx::query(
        "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at)
         SELECT d, $1, $2, ev, 'pending', now() FROM UNNEST($3::uuid[], $4::uuid[]) AS t(d, ev)",
    )
    .bind(tenant.uuid())
    .bind(endpoint.uuid())
    .bind(&ids)
    .bind(&event_ids)
    .execute(&mut *conn)
    .await?;
    super::outbox::notify(conn).await?;
    Ok(done.rows_affected())
}
