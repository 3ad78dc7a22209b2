//! The HTTP API: one module per resource, thin handlers, `#[utoipa::path]`
//! on each; this module assembles the router and the OpenAPI document.

pub mod auth;
pub mod carrier_accounts;
pub mod extract;
pub mod fallback;
pub mod health;
pub mod idempotency;
pub mod locations;
pub mod offers;
pub mod openapi;
pub mod pagination;
pub mod pickups;
pub mod public_page;
pub mod quotes;
pub mod ratelimit;
pub mod shipment_actions;
pub mod shipments;
pub mod trackers;
pub mod webhooks;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware::from_fn_with_state;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::state::AppState;
use crate::telemetry::request_metrics;

/// Largest request body accepted (1 MiB).
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;
pub const REQUEST_ID: &str = "x-request-id";

/// Routes under `/v1`, every one behind an API key.
pub fn v1_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(carrier_accounts::routes())
        .merge(webhooks::routes())
        .merge(quotes::routes())
        .merge(offers::routes())
        .merge(locations::routes())
        .merge(shipments::routes())
        .merge(pickups::routes())
        .merge(trackers::routes())
        .merge(public_page::routes())
}

/// Routes anyone may call (health, readiness, metrics).
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(health::routes())
}

pub fn router(state: AppState) -> Router {
    let (v1, _) = v1_routes().split_for_parts();
    // route_layer order: the last added runs first: auth, then the inbound
    // rate limit (per key), then idempotency.
    let v1 = v1
        .route_layer(from_fn_with_state(state.clone(), idempotency::idempotency))
        .route_layer(from_fn_with_state(state.clone(), ratelimit::limit_inbound))
        .route_layer(from_fn_with_state(state.clone(), auth::require_api_key));
    let (public, _) = public_routes().split_for_parts();
    let request_id = HeaderName::from_static(REQUEST_ID);
    request_metrics::describe(&state.metrics);
    Router::new()
        .merge(public)
        .merge(public_page::page_routes().with_state(state.clone()))
        .merge(v1)
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi::document()))
        .fallback(fallback::route_not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(from_fn_with_state(state.metrics.clone(), request_metrics::record))
        .layer(CatchPanicLayer::custom(fallback::panic_to_problem))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path(), tenant = tracing::field::Empty)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// How long in-flight requests may take after shutdown starts.
pub fn shutdown_grace(state: &AppState) -> Duration {
    Duration::from_secs(state.config.shutdown_grace_secs)
}
