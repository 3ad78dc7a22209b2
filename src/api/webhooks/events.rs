//! `/v1/events`: every event of the account (what webhooks carry), for
//! catching up without an endpoint and for replaying one.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::OptionalJson;
use crate::api::auth::AuthContext;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::pagination::{Page, PageParams};
use crate::domain::ids::{EventId, WebhookId};
use crate::domain::webhook::{Event, EventType, WebhookDelivery};
use crate::error::{ApiResult, Problem};
use crate::service::webhook_deliveries as service;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListFilter {
    /// Only events of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub event_type: Option<EventType>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayEvent {
    /// Send to this endpoint only (whatever its event types); by default to
    /// every enabled endpoint subscribed to the event's type.
    pub webhook_id: Option<WebhookId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    /// One new delivery per endpoint.
    pub data: Vec<WebhookDelivery>,
}

/// Events, newest first. Kept for the configured retention (30 days by default).
#[utoipa::path(get, path = "/v1/events", tag = "events", params(PageParams, EventListFilter),
    responses((status = 200, body = Page<Event>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<EventListFilter>,
) -> ApiResult<ApiJson<Page<Event>>> {
    let limit = page.limit()?;
    let events = service::list_events(&state, auth.tenant, filter.event_type, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(events, limit, |e: &Event| e.id.to_string())))
}

/// One event, exactly as webhooks carry it.
#[utoipa::path(get, path = "/v1/events/{id}", tag = "events", params(("id" = EventId, Path)),
    responses((status = 200, body = Event), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<EventId>,
) -> ApiResult<ApiJson<Event>> {
    Ok(ApiJson(service::get_event(&state, auth.tenant, id).await?))
}

/// Send an event again. The body is optional.
#[utoipa::path(post, path = "/v1/events/{id}/replay", tag = "events", params(("id" = EventId, Path)),
    request_body(content = ReplayEvent, description = "Optional", example = json!({"webhook_id": "wh_01jd8x5g2k3m4n5p6q7r8s9t0v"})),
    responses(
        (status = 202, body = Replayed),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`webhook_disabled`"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn replay(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<EventId>,
    OptionalJson(body): OptionalJson<ReplayEvent>,
) -> ApiResult<(StatusCode, ApiJson<Replayed>)> {
    let to = body.unwrap_or_default().webhook_id;
    let deliveries = service::replay_event(&state, auth.tenant, id, to).await?;
    Ok((StatusCode::ACCEPTED, ApiJson(Replayed { data: deliveries })))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(get_one)).routes(routes!(replay))
}
