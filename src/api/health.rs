//! Liveness, readiness and metrics: unauthenticated, for orchestrators.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::store;

use super::extract::ApiJson;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, body = Health)))]
async fn healthz() -> ApiJson<Health> {
    ApiJson(Health { status: "ok" })
}

/// The service can take traffic: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses(
        (status = 200, body = Health),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "Database unreachable"),
    ))]
async fn readyz(State(state): State<AppState>) -> ApiResult<ApiJson<Health>> {
    if store::ping(&state.db).await {
        Ok(ApiJson(Health { status: "ready" }))
    } else {
        Err(ApiError::service_unavailable("not_ready", "the database is unreachable", 5))
    }
}

/// Prometheus text exposition of request, upstream and worker metrics.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, content_type = "text/plain", body = String)))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz)).routes(routes!(metrics))
}
