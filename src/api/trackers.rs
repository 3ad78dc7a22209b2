//! `/v1/trackers`: parcels followed across carriers, booked through
//! shipgate or elsewhere. Reads answer from Postgres; `?refresh=true` asks
//! the carrier first (within the rate limits).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::{Page, PageParams};
use crate::domain::CarrierKind;
use crate::domain::ids::{CarrierAccountId, ShipmentId, TrackerId};
use crate::domain::tracking::TrackingStatus;
use crate::error::{ApiResult, Problem};
use crate::service::tracking::discovery::{self, Discovery};
use crate::service::tracking::{self as service, BatchItem, NewTrackerRequest, StatusRow, Tracker};
use crate::state::AppState;
use crate::store::trackers::TrackerFilter;

/// Track a parcel (booked anywhere) by carrier account and tracking number.
#[utoipa::path(post, path = "/v1/trackers", tag = "trackers",
    request_body(content = NewTrackerRequest, example = json!({"carrier_account_id": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "tracking_number": "ECLWIT2505052286", "reference": "order-1042"})),
    responses(
        (status = 201, body = Tracker, description = "Created; checked at once by the refresh worker"),
        (status = 200, body = Tracker, description = "This parcel was already tracked: the existing tracker"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "Unknown carrier account"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`, `unsupported_by_carrier`"),
    ))]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<NewTrackerRequest>,
) -> ApiResult<(StatusCode, ApiJson<Tracker>)> {
    let (status, tracker) = service::create(&state, auth.tenant, body).await?;
    Ok((status, ApiJson(tracker)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackerBatch {
    /// 1 to 1,000 parcels.
    pub trackers: Vec<NewTrackerRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackerBatchResult {
    /// One result per item, in order.
    pub data: Vec<BatchItem>,
}

/// Track up to 1,000 parcels at once; each item succeeds or fails alone.
#[utoipa::path(post, path = "/v1/trackers/batch", tag = "trackers",
    request_body(content = TrackerBatch, example = json!({"trackers": [{"carrier_account_id": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "tracking_number": "ECLWIT2505052286"}]})),
    responses(
        (status = 200, body = TrackerBatchResult),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "Empty or more than 1,000 items"),
    ))]
async fn create_batch(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<TrackerBatch>,
) -> ApiResult<ApiJson<TrackerBatchResult>> {
    Ok(ApiJson(TrackerBatchResult { data: service::create_batch(&state, auth.tenant, body.trackers).await? }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackerListFilter {
    pub status: Option<TrackingStatus>,
    pub carrier: Option<CarrierKind>,
    /// Trackers changed at or after this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    pub shipment_id: Option<ShipmentId>,
}

/// List trackers, newest first (without their events).
#[utoipa::path(get, path = "/v1/trackers", tag = "trackers",
    params(PageParams, TrackerListFilter),
    responses((status = 200, body = Page<Tracker>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<TrackerListFilter>,
) -> ApiResult<ApiJson<Page<Tracker>>> {
    let limit = page.limit()?;
    let filter = TrackerFilter {
        status: filter.status.map(TrackingStatus::as_str),
        carrier: filter.carrier.map(CarrierKind::as_str),
        updated_since: filter.updated_since,
        shipment: filter.shipment_id.map(|s| s.uuid()),
    };
    let items = service::list(&state, auth.tenant, &filter, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(items, limit, |t: &Tracker| t.id.to_string())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefreshParam {
    /// Ask the carrier now (interactive priority, within its rate limits).
    pub refresh: Option<bool>,
}

/// A tracker with its full history, oldest event first.
#[utoipa::path(get, path = "/v1/trackers/{id}", tag = "trackers",
    params(("id" = TrackerId, Path), RefreshParam),
    responses(
        (status = 200, body = Tracker),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "With `refresh`: the carrier is down or its rate limit is reached"),
    ))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<TrackerId>,
    ApiQuery(params): ApiQuery<RefreshParam>,
) -> ApiResult<ApiJson<Tracker>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id, params.refresh.unwrap_or(false)).await?))
}

/// Stop tracking a parcel; its history goes with it.
#[utoipa::path(delete, path = "/v1/trackers/{id}", tag = "trackers",
    params(("id" = TrackerId, Path)),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<TrackerId>,
) -> ApiResult<StatusCode> {
    service::delete(&state, auth.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscoverRequest {
    /// Look at parcels created since then (default: 30 days ago).
    pub since: Option<DateTime<Utc>>,
}

/// Find the account's parcels booked outside shipgate and track them (Ecotrack, Coursier.fr).
#[utoipa::path(post, path = "/v1/carrier-accounts/{id}/discover", tag = "trackers",
    params(("id" = CarrierAccountId, Path)),
    request_body(content = DiscoverRequest, example = json!({"since": "2026-11-01T00:00:00Z"})),
    responses(
        (status = 200, body = Discovery),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn discover(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<CarrierAccountId>,
    ApiJson(body): ApiJson<DiscoverRequest>,
) -> ApiResult<ApiJson<Discovery>> {
    Ok(ApiJson(discovery::discover(&state, auth.tenant, id, body.since).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusTable {
    pub data: Vec<StatusRow>,
}

/// Every carrier's raw status → normalized status mapping.
#[utoipa::path(get, path = "/v1/tracking-statuses", tag = "trackers",
    responses((status = 200, body = StatusTable)))]
async fn statuses(_auth: AuthContext) -> ApiJson<StatusTable> {
    ApiJson(StatusTable { data: service::status_tables() })
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(create_batch))
        .routes(routes!(get_one, delete))
        .routes(routes!(discover))
        .routes(routes!(statuses))
}
