//! `/v1/webhooks/{id}/deliveries`: the delivery log, replays and recovery.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::auth::AuthContext;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::pagination::{Page, PageParams};
use crate::domain::ids::{DeliveryId, EventId, WebhookId};
use crate::domain::webhook::{DeliveryAttempt, DeliveryStatus, Event, EventType, WebhookDelivery};
use crate::error::{ApiResult, Problem};
use crate::service::webhook_deliveries as service;
use crate::state::AppState;
use crate::store::webhook_deliveries::DeliveryFilter;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListFilter {
    /// Only deliveries in this state.
    pub status: Option<DeliveryStatus>,
    /// Only deliveries of events of this type.
    pub event_type: Option<EventType>,
    /// Only deliveries of this event.
    #[param(value_type = Option<String>)]
    pub event_id: Option<EventId>,
}

/// A delivery with every attempt and the event it carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// Every attempt, oldest first, with the start of each answer.
    pub attempt_log: Vec<DeliveryAttempt>,
    /// The body sent (the same bytes on every attempt).
    pub event: Event,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverRequest {
    /// Send again what the endpoint missed from this time on.
    pub since: DateTime<Utc>,
    /// Up to this time (default now).
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoverResult {
    /// Deliveries queued: events of the window the endpoint is subscribed to
    /// and had not received (failed, or sent while it was disabled).
    /// `webhook.*` events are not recovered.
    pub queued: u64,
}

/// The delivery log of an endpoint, newest first: status, response code,
/// latency, attempt number, error and next attempt of each delivery.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = WebhookId, Path), PageParams, DeliveryListFilter),
    responses(
        (status = 200, body = Page<WebhookDelivery>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<DeliveryListFilter>,
) -> ApiResult<ApiJson<Page<WebhookDelivery>>> {
    let limit = page.limit()?;
    let filter = DeliveryFilter { status: filter.status, event_type: filter.event_type, event: filter.event_id };
    let deliveries = service::list(&state, auth.tenant, id, filter, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(deliveries, limit, |d: &WebhookDelivery| d.id.to_string())))
}

/// One delivery with all its attempts (response codes, latencies, errors and
/// the start of each answer's body) and the event sent.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries/{delivery_id}", tag = "webhooks",
    params(("id" = WebhookId, Path), ("delivery_id" = DeliveryId, Path)),
    responses((status = 200, body = DeliveryDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath((id, delivery_id)): ApiPath<(WebhookId, DeliveryId)>,
) -> ApiResult<ApiJson<DeliveryDetail>> {
    let detail = service::detail(&state, auth.tenant, id, delivery_id).await?;
    Ok(ApiJson(DeliveryDetail { delivery: detail.delivery, attempt_log: detail.attempts, event: detail.event }))
}

/// Send this delivery's event again, as a new delivery with a fresh retry
/// schedule (same `webhook-id`, so a receiver that already has it can tell).
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", tag = "webhooks",
    params(("id" = WebhookId, Path), ("delivery_id" = DeliveryId, Path)),
    responses(
        (status = 202, body = WebhookDelivery),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`webhook_disabled`"),
    ))]
async fn replay(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath((id, delivery_id)): ApiPath<(WebhookId, DeliveryId)>,
) -> ApiResult<(StatusCode, ApiJson<WebhookDelivery>)> {
    Ok((StatusCode::ACCEPTED, ApiJson(service::replay(&state, auth.tenant, id, delivery_id).await?)))
}

/// After an outage: send again every event of a time window that this
/// endpoint is subscribed to and did not receive.
#[utoipa::path(post, path = "/v1/webhooks/{id}/recover", tag = "webhooks",
    params(("id" = WebhookId, Path)),
    request_body(content = RecoverRequest, example = json!({"since": "2025-11-20T00:00:00Z"})),
    responses(
        (status = 202, body = RecoverResult),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`webhook_disabled`"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn recover(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
    ApiJson(body): ApiJson<RecoverRequest>,
) -> ApiResult<(StatusCode, ApiJson<RecoverResult>)> {
    let queued = service::recover(&state, auth.tenant, id, body.since, body.until).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(RecoverResult { queued })))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(get_one)).routes(routes!(replay)).routes(routes!(recover))
}
