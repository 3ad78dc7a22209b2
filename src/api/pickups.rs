//! `/v1/pickups`: a truck for a shipment booked with delayed pickup.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::idempotency::IdempotencyKey;
use super::pagination::{Page, PageParams};
use crate::domain::address::Address;
use crate::domain::ids::{PickupId, ShipmentId};
use crate::error::{ApiResult, Problem};
use crate::service::pickups::{self as service, NewPickup, Pickup};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePickup {
    pub shipment_id: ShipmentId,
    /// `2024-05-14` or an RFC 3339 time.
    pub collection_date: String,
    /// For the driver.
    pub instructions: Option<String>,
    /// Where to collect; default: the shipment's shipper.
    pub address: Option<Address>,
}

/// Order the pickup of a shipment booked with `options.delayed_pickup` (My Flying Box).
#[utoipa::path(post, path = "/v1/pickups", tag = "pickups",
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body: the same pickup.")),
    request_body(content = CreatePickup, example = json!({"shipment_id": "shp_01jd8x5g2k3m4n5p6q7r8s9t0v", "collection_date": "2024-05-14", "instructions": "Ring twice, loading bay B"})),
    responses(
        (status = 201, body = Pickup, description = "Requested; `supplier_reference` comes when the carrier confirms"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`pickup_exists`, `pickup_not_delayed`, `carrier_refused`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`, `validation_failed`"),
    ))]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(body): ApiJson<CreatePickup>,
) -> ApiResult<(StatusCode, ApiJson<Pickup>)> {
    let new = NewPickup {
        shipment: body.shipment_id,
        collection_date: body.collection_date,
        instructions: body.instructions,
        address: body.address,
    };
    let key = key.map(|Extension(IdempotencyKey(k))| k);
    let (status, pickup) = service::create(&state, auth.tenant, new, key.as_deref()).await?;
    Ok((status, ApiJson(pickup)))
}

/// A pickup; until the carrier confirms it, reading it asks the carrier again.
#[utoipa::path(get, path = "/v1/pickups/{id}", tag = "pickups",
    params(("id" = PickupId, Path)),
    responses((status = 200, body = Pickup), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<PickupId>,
) -> ApiResult<ApiJson<Pickup>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickupFilter {
    pub shipment_id: Option<ShipmentId>,
}

/// List pickups, newest first.
#[utoipa::path(get, path = "/v1/pickups", tag = "pickups",
    params(PageParams, PickupFilter),
    responses((status = 200, body = Page<Pickup>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<PickupFilter>,
) -> ApiResult<ApiJson<Page<Pickup>>> {
    let limit = page.limit()?;
    let items = service::list(&state, auth.tenant, filter.shipment_id, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(items, limit, |p: &Pickup| p.id.to_string())))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create, list)).routes(routes!(get_one))
}
