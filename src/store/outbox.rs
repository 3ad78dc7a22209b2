//! The event outbox. `enqueue` is called inside the transaction that makes
//! a change, so the event (and its deliveries) commit or roll back with it.
//!
//! Fan-out happens right here, in the same transaction: the endpoints that
//! receive an event are the ones subscribed when the change committed, one
//! statement adds a delivery for each, and the dispatcher has a single kind
//! of work (due deliveries) instead of a second stage to poll and recover.
//! The `pg_notify` is delivered at commit only, waking dispatchers at once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::domain::ids::{DeliveryId, EventId, TenantId, WebhookId};
use crate::domain::webhook::{Event, EventData, EventType};

/// Dispatchers `LISTEN` here; a notification means new due deliveries.
pub const DELIVERIES_CHANNEL: &str = "shipgate_webhook_deliveries";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    #[sqlx(rename = "type")]
    pub event_type: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Records an event about `object` (the full object as the API returns it)
/// and one pending delivery per enabled endpoint subscribed to its type.
pub async fn enqueue<T: Serialize + ?Sized>(
    conn: &mut PgConnection,
    tenant: TenantId,
    event_type: EventType,
    object: &T,
) -> Result<EventId, sqlx::Error> {
    let id = insert_event(&mut *conn, tenant, event_type, object).await?;
    // Pings go to the tested endpoint only (`enqueue_to`).
    if event_type == EventType::WebhookPing {
        return Ok(id);
    }
    let endpoints: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM webhook_endpoints
         WHERE tenant_id = $1 AND enabled AND (event_types IS NULL OR $2 = ANY(event_types))
         ORDER BY id
         -- Keeps a concurrent DELETE of the endpoint from breaking this transaction.
         FOR KEY SHARE",
    )
    .bind(tenant.uuid())
    .bind(event_type.as_str())
    .fetch_all(&mut *conn)
    .await?;
    insert_deliveries(conn, tenant, id, &endpoints, None).await?;
    Ok(id)
}

/// Records an event for one endpoint only, whatever its subscriptions.
pub async fn enqueue_to<T: Serialize + ?Sized>(
    conn: &mut PgConnection,
    tenant: TenantId,
    endpoint: WebhookId,
    event_type: EventType,
    object: &T,
) -> Result<(EventId, DeliveryId), sqlx::Error> {
    let event = insert_event(&mut *conn, tenant, event_type, object).await?;
    let delivery = insert_deliveries(conn, tenant, event, &[endpoint.uuid()], None).await?;
    Ok((event, delivery[0]))
}

async fn insert_event<T: Serialize + ?Sized>(
    conn: &mut PgConnection,
    tenant: TenantId,
    event_type: EventType,
    object: &T,
) -> Result<EventId, sqlx::Error> {
    let id = EventId::new();
    let now = Utc::now();
    // Postgres keeps microseconds: the body and the column must agree.
    let created_at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let object = serde_json::to_value(object).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let event = Event { id, event_type, created_at, data: EventData { object } };
    let body = serde_json::to_string(&event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("INSERT INTO webhook_events (id, tenant_id, type, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.uuid())
        .bind(tenant.uuid())
        .bind(event_type.as_str())
        .bind(&body)
        .bind(created_at)
        .execute(conn)
        .await?;
    Ok(id)
}

/// Adds one pending delivery of `event` per endpoint, due now, and wakes the
/// dispatchers (at commit).
pub async fn insert_deliveries(
    conn: &mut PgConnection,
    tenant: TenantId,
    event: EventId,
    endpoints: &[Uuid],
    replay_of: Option<DeliveryId>,
) -> Result<Vec<DeliveryId>, sqlx::Error> {
    if endpoints.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<DeliveryId> = endpoints.iter().map(|_| DeliveryId::new()).collect();
    let uuids: Vec<Uuid> = ids.iter().map(|d| d.uuid()).collect();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at, replay_of)
         SELECT d, $1, e, $2, 'pending', now(), $5 FROM UNNEST($3::uuid[], $4::uuid[]) AS t(d, e)",
    )
    .bind(tenant.uuid())
    .bind(event.uuid())
    .bind(&uuids)
    .bind(endpoints)
    .bind(replay_of.map(|r| r.uuid()))
    .execute(&mut *conn)
    .await?;
    notify(conn).await?;
    Ok(ids)
}

pub async fn notify(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, '')").bind(DELIVERIES_CHANNEL).execute(conn).await?;
    Ok(())
}

pub async fn get(db: impl PgExecutor<'_>, tenant: TenantId, id: EventId) -> Result<Option<EventRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, tenant_id, type, body, created_at FROM webhook_events WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.uuid())
        .bind(id.uuid())
        .fetch_optional(db)
        .await
}

/// Newest first, optionally of one type.
pub async fn list(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    event_type: Option<EventType>,
    after: Option<EventId>,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, type, body, created_at FROM webhook_events
         WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4",
    )
    .bind(tenant.uuid())
    .bind(event_type.map(|t| t.as_str()))
    .bind(after.map(|a| a.uuid()))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Deletes up to `batch` events older than the retention, with their
/// deliveries and attempt logs; returns how many went.
pub async fn purge_older_than(db: impl PgExecutor<'_>, days: u32, batch: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM webhook_events WHERE id IN (
            SELECT id FROM webhook_events WHERE created_at < now() - make_interval(days => $1) LIMIT $2)",
    )
    .bind(days as i32)
    .bind(batch)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
