//! `/v1/offers`: one offer, and the relay / drop-off points it can use.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::carriers::shipping::LocationQuery;
use crate::domain::ids::OfferId;
use crate::domain::location::Location;
use crate::domain::offer::Offer;
use crate::error::{ApiResult, Problem};
use crate::service::locations::{self, Which};
use crate::service::quotes;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationList {
    pub data: Vec<Location>,
}

/// Near where to look; each defaults to the quoted address.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Near {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// Region; for Ecotrack the wilaya code.
    pub state: Option<String>,
    pub country: Option<String>,
}

impl Near {
    fn query(self) -> LocationQuery {
        let clean =
            |v: Option<String>| v.map(|s| s.trim().chars().take(200).collect::<String>()).filter(|s| !s.is_empty());
        LocationQuery {
            street: clean(self.street),
            postal_code: clean(self.postal_code),
            city: clean(self.city),
            state: clean(self.state),
            country: clean(self.country),
        }
    }
}

/// One offer of a quote.
#[utoipa::path(get, path = "/v1/offers/{id}", tag = "quotes",
    params(("id" = OfferId, Path)),
    responses((status = 200, body = Offer), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<OfferId>,
) -> ApiResult<ApiJson<Offer>> {
    Ok(ApiJson(quotes::offer(&state, auth.tenant, id).await?.offer))
}

/// Relay points (or Ecotrack stop desks) an offer can deliver to; book one with `options.delivery.location_id`.
#[utoipa::path(get, path = "/v1/offers/{id}/delivery-locations", tag = "locations",
    params(("id" = OfferId, Path), Near),
    responses(
        (status = 200, body = LocationList, description = "Empty for an offer that delivers to the door"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn delivery_locations(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<OfferId>,
    ApiQuery(near): ApiQuery<Near>,
) -> ApiResult<ApiJson<LocationList>> {
    let data = locations::for_offer(&state, auth.tenant, id, Which::Delivery, near.query()).await?;
    Ok(ApiJson(LocationList { data }))
}

/// Points where the shipper can drop the parcel for an offer.
#[utoipa::path(get, path = "/v1/offers/{id}/drop-off-locations", tag = "locations",
    params(("id" = OfferId, Path), Near),
    responses(
        (status = 200, body = LocationList, description = "Empty for an offer without drop-off"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn drop_off_locations(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<OfferId>,
    ApiQuery(near): ApiQuery<Near>,
) -> ApiResult<ApiJson<LocationList>> {
    let data = locations::for_offer(&state, auth.tenant, id, Which::DropOff, near.query()).await?;
    Ok(ApiJson(LocationList { data }))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_one))
        .routes(routes!(delivery_locations))
        .routes(routes!(drop_off_locations))
}
