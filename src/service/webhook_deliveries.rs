//! The delivery log and manual replays: per endpoint, per delivery, per
//! event, and recovery of everything an endpoint missed in a time window.

use std::str::FromStr;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::webhooks::{refuse_disabled, row as endpoint_row};
use crate::domain::ids::{DeliveryId, EventId, TenantId, WebhookId};
use crate::domain::webhook::{DeliveryAttempt, DeliveryStatus, Event, EventType, WebhookDelivery};
use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use crate::store::outbox::{self, EventRow};
use crate::store::webhook_deliveries::{self as rows, AttemptRow, DeliveryFilter, DeliveryRow};

/// Most events one recovery call queues again.
pub const MAX_RECOVER: i64 = 10_000;

fn to_u32(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub fn delivery_view(row: DeliveryRow) -> Result<WebhookDelivery, ApiError> {
    Ok(WebhookDelivery {
        id: row.id.into(),
        webhook_id: row.endpoint_id.into(),
        event_id: row.event_id.into(),
        event_type: EventType::from_str(&row.event_type).map_err(ApiError::internal)?,
        status: DeliveryStatus::from_str(&row.status).map_err(ApiError::internal)?,
        attempts: to_u32(row.attempts),
        next_attempt_at: row.next_attempt_at,
        last_attempt_at: row.last_attempt_at,
        response_status: row.last_status.and_then(|s| u16::try_from(s).ok()),
        latency_ms: row.last_latency_ms.and_then(|l| u64::try_from(l).ok()),
        error: row.last_error,
        replay_of: row.replay_of.map(Into::into),
        created_at: row.created_at,
        completed_at: row.completed_at,
    })
}

fn attempt_view(row: AttemptRow) -> DeliveryAttempt {
    DeliveryAttempt {
        attempt: to_u32(row.attempt),
        started_at: row.started_at,
        succeeded: row.succeeded,
        response_status: row.response_status.and_then(|s| u16::try_from(s).ok()),
        latency_ms: row.latency_ms.and_then(|l| u64::try_from(l).ok()),
        error: row.error,
        response_body: row.response_body,
        response_truncated: row.response_truncated,
    }
}

/// The event exactly as it was sent.
pub fn event_view(row: &EventRow) -> Result<Event, ApiError> {
    serde_json::from_str(&row.body).map_err(ApiError::internal)
}

pub async fn list(
    state: &AppState,
    tenant: TenantId,
    endpoint: WebhookId,
    filter: DeliveryFilter,
    after: Option<DeliveryId>,
    limit: u32,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    endpoint_row(state, tenant, endpoint).await?;
    let rows = rows::list(&state.db, tenant, endpoint, &filter, after, i64::from(limit) + 1).await?;
    rows.into_iter().map(delivery_view).collect()
}

pub async fn get_delivery(state: &AppState, tenant: TenantId, id: DeliveryId) -> Result<WebhookDelivery, ApiError> {
    let row = rows::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("webhook delivery", id))?;
    delivery_view(row)
}

/// A delivery of this endpoint (404 when it belongs to another).
async fn owned_row(
    state: &AppState,
    tenant: TenantId,
    endpoint: WebhookId,
    id: DeliveryId,
) -> Result<DeliveryRow, ApiError> {
    rows::get(&state.db, tenant, id)
        .await?
        .filter(|d| d.endpoint_id == endpoint.uuid())
        .ok_or_else(|| ApiError::not_found("webhook delivery", id))
}

pub struct DeliveryDetail {
    pub delivery: WebhookDelivery,
    pub attempts: Vec<DeliveryAttempt>,
    pub event: Event,
}

pub async fn detail(
    state: &AppState,
    tenant: TenantId,
    endpoint: WebhookId,
    id: DeliveryId,
) -> Result<DeliveryDetail, ApiError> {
    let row = owned_row(state, tenant, endpoint, id).await?;
    let event = outbox::get(&state.db, tenant, row.event_id.into())
        .await?
        .ok_or_else(|| ApiError::not_found("event", EventId::from(row.event_id)))?;
    let attempts = rows::attempts(&state.db, id).await?.into_iter().map(attempt_view).collect();
    Ok(DeliveryDetail { delivery: delivery_view(row)?, attempts, event: event_view(&event)? })
}

/// Sends a delivery's event to its endpoint again, as a new delivery with a
/// fresh schedule. The `webhook-id` stays the event id.
pub async fn replay(
    state: &AppState,
    tenant: TenantId,
    endpoint: WebhookId,
    id: DeliveryId,
) -> Result<WebhookDelivery, ApiError> {
    let original = owned_row(state, tenant, endpoint, id).await?;
    refuse_disabled(&endpoint_row(state, tenant, endpoint).await?)?;
    let mut tx = state.db.begin().await?;
    let ids =
        outbox::insert_deliveries(&mut tx, tenant, original.event_id.into(), &[original.endpoint_id], Some(id)).await?;
    tx.commit().await?;
    get_delivery(state, tenant, ids[0]).await
}

pub async fn list_events(
    state: &AppState,
    tenant: TenantId,
    event_type: Option<EventType>,
    after: Option<EventId>,
    limit: u32,
) -> Result<Vec<Event>, ApiError> {
    let rows = outbox::list(&state.db, tenant, event_type, after, i64::from(limit) + 1).await?;
    rows.iter().map(event_view).collect()
}

pub async fn get_event(state: &AppState, tenant: TenantId, id: EventId) -> Result<Event, ApiError> {
    let row = outbox::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("event", id))?;
    event_view(&row)
}

/// Sends an event again: to one endpoint (whatever its subscriptions), or to
/// every enabled endpoint subscribed to its type today.
pub async fn replay_event(
    state: &AppState,
    tenant: TenantId,
    id: EventId,
    to: Option<WebhookId>,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    let row = outbox::get(&state.db, tenant, id).await?.ok_or_else(|| ApiError::not_found("event", id))?;
    let event_type = EventType::from_str(&row.event_type).map_err(ApiError::internal)?;
    let endpoints = match to {
        Some(endpoint) => {
            let target = endpoint_row(state, tenant, endpoint).await?;
            refuse_disabled(&target)?;
            vec![target.id]
        }
        None => crate::store::webhooks::list(&state.db, tenant, None, super::webhooks::MAX_ENDPOINTS)
            .await?
            .into_iter()
            .filter(|e| e.enabled && e.event_types.as_ref().is_none_or(|t| t.iter().any(|n| n == event_type.as_str())))
            .map(|e| e.id)
            .collect(),
    };
    let mut tx = state.db.begin().await?;
    let ids = outbox::insert_deliveries(&mut tx, tenant, id, &endpoints, None).await?;
    tx.commit().await?;
    let rows = rows::get_many(&state.db, tenant, &ids).await?;
    rows.into_iter().map(delivery_view).collect()
}

/// Queues again every event of `[since, until)` the endpoint is subscribed
/// to and has not received (failed, or created while it was disabled);
/// `webhook.*` events (pings, notices) are of their moment and left out.
pub async fn recover(
    state: &AppState,
    tenant: TenantId,
    endpoint: WebhookId,
    since: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> Result<u64, ApiError> {
    let until = until.unwrap_or_else(Utc::now);
    let oldest = Utc::now() - chrono::Duration::days(i64::from(state.config.webhook_retention_days));
    let mut errors = Vec::new();
    if since >= until {
        errors.push(FieldError::new("since", "must be before `until`"));
    }
    if since < oldest {
        errors.push(FieldError::new(
            "since",
            format!("events are kept {} days; the earliest possible is {oldest}", state.config.webhook_retention_days),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    refuse_disabled(&endpoint_row(state, tenant, endpoint).await?)?;
    let mut tx = state.db.begin().await?;
    let missed = rows::missed_events(&mut *tx, tenant, endpoint, since, until, MAX_RECOVER + 1).await?;
    if missed.len() as i64 > MAX_RECOVER {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "recover_window_too_large",
            "Too many events to recover at once",
            format!("more than {MAX_RECOVER} events to send again; recover a shorter window first"),
        ));
    }
    let queued = rows::insert_for_events(&mut tx, tenant, endpoint, &missed).await?;
    tx.commit().await?;
    Ok(queued)
}
