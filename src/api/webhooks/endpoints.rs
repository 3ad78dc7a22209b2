//! `/v1/webhooks`: the merchant's endpoints, their secrets and the test ping.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{OptionalJson, double_option};
use crate::api::auth::AuthContext;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::pagination::{Page, PageParams};
use crate::domain::ids::WebhookId;
use crate::domain::webhook::{EventType, WebhookDelivery, WebhookEndpoint};
use crate::error::{ApiResult, Problem};
use crate::service::webhooks::{self as service, EndpointChanges, NewEndpoint, Rotation, WithSecret};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where events are POSTed: https (or http), reaching a public address.
    #[schema(example = "https://shop.example.com/hooks/shipgate")]
    pub url: String,
    #[schema(example = "Order system")]
    pub description: Option<String>,
    /// Event types to receive; omit (or `null`) for every type, including future ones.
    pub event_types: Option<Vec<EventType>>,
    /// Start disabled with `false` (default `true`).
    pub enabled: Option<bool>,
    /// Bring your own `whsec_…` secret (24 to 64 bytes of base64); one is generated otherwise.
    pub secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    /// `null` removes the description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// `null` subscribes to every event type.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<EventType>>)]
    pub event_types: Option<Option<Vec<EventType>>>,
    /// `false` stops deliveries (they wait); `true` resumes them at once and
    /// clears a disabled state set by shipgate (410 Gone, failing too long).
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecret {
    /// Your own `whsec_…` secret; one is generated otherwise.
    pub secret: Option<String>,
    /// Seconds the current secret keeps signing next to the new one (default
    /// 86400, at most 604800; 0 stops it at once, e.g. after a leak).
    pub grace_period_secs: Option<u64>,
}

/// An endpoint with its signing secret: only in the answers of creation and rotation.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_` + base64 of the HMAC key. Shown this once: store it now.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

impl From<WithSecret> for WebhookWithSecret {
    fn from(w: WithSecret) -> Self {
        WebhookWithSecret { endpoint: w.endpoint, secret: w.secret }
    }
}

/// Add an endpoint. The answer carries its signing secret, shown this once.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: same key and body replay the first answer.")),
    request_body(content = CreateWebhook, examples(
        ("all events" = (value = json!({"url": "https://shop.example.com/hooks/shipgate", "description": "Order system"}))),
        ("tracking only" = (value = json!({"url": "https://shop.example.com/hooks/tracking", "event_types": ["tracker.updated", "tracker.delivered", "tracker.exception"]}))),
    )),
    responses(
        (status = 201, body = WebhookWithSecret),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "`webhook_url_invalid`, `webhook_url_forbidden` (private, loopback, link-local... address), `webhook_url_unresolvable`, `webhook_limit_reached`, `validation_failed`"),
    ))]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<CreateWebhook>,
) -> ApiResult<(StatusCode, ApiJson<WebhookWithSecret>)> {
    let new = NewEndpoint {
        url: body.url,
        description: body.description,
        event_types: body.event_types,
        enabled: body.enabled.unwrap_or(true),
        secret: body.secret,
    };
    let created = service::create(&state, auth.tenant, new).await?;
    Ok((StatusCode::CREATED, ApiJson(created.into())))
}

/// List endpoints, newest first.
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", params(PageParams),
    responses((status = 200, body = Page<WebhookEndpoint>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
) -> ApiResult<ApiJson<Page<WebhookEndpoint>>> {
    let limit = page.limit()?;
    let endpoints = service::list(&state, auth.tenant, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(endpoints, limit, |e: &WebhookEndpoint| e.id.to_string())))
}

/// One endpoint, with its health (failing since, disabled why).
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses((status = 200, body = WebhookEndpoint), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<ApiJson<WebhookEndpoint>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id).await?))
}

/// Change the URL, description or event types; enable or disable.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = WebhookId, Path)),
    request_body(content = UpdateWebhook, examples(
        ("re-enable" = (value = json!({"enabled": true}))),
        ("narrow" = (value = json!({"event_types": ["shipment.created", "shipment.cancelled"]}))),
    )),
    responses(
        (status = 200, body = WebhookEndpoint),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn update(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
    ApiJson(body): ApiJson<UpdateWebhook>,
) -> ApiResult<ApiJson<WebhookEndpoint>> {
    let changes = EndpointChanges {
        url: body.url,
        description: body.description,
        event_types: body.event_types,
        enabled: body.enabled,
    };
    Ok(ApiJson(service::update(&state, auth.tenant, id, changes).await?))
}

/// Delete an endpoint with its delivery log. Pending deliveries are dropped.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<StatusCode> {
    service::delete(&state, auth.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the signing secret. Deliveries carry a signature with each of the
/// new and the previous secret until the grace period ends. The body is optional.
#[utoipa::path(post, path = "/v1/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = WebhookId, Path)),
    request_body(content = RotateSecret, description = "Optional", examples(
        ("default" = (value = json!({}))),
        ("after a leak" = (value = json!({"grace_period_secs": 0}))),
    )),
    responses(
        (status = 200, body = WebhookWithSecret),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn rotate_secret(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
    OptionalJson(body): OptionalJson<RotateSecret>,
) -> ApiResult<ApiJson<WebhookWithSecret>> {
    let body = body.unwrap_or_default();
    let rotation = Rotation { secret: body.secret, grace: body.grace_period_secs.map(Duration::from_secs) };
    Ok(ApiJson(service::rotate_secret(&state, auth.tenant, id, rotation).await?.into()))
}

/// Send a `webhook.ping` event to this endpoint now. The answer is the queued
/// delivery; follow it in the delivery log.
#[utoipa::path(post, path = "/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses(
        (status = 202, body = WebhookDelivery),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`webhook_disabled`"),
    ))]
async fn test(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<(StatusCode, ApiJson<WebhookDelivery>)> {
    Ok((StatusCode::ACCEPTED, ApiJson(service::send_test(&state, auth.tenant, id).await?)))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(rotate_secret))
        .routes(routes!(test))
}
