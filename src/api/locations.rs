//! `/v1/stop-desks`: Ecotrack delivery companies' desks, per wilaya.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiQuery};
use super::offers::LocationList;
use crate::domain::ids::CarrierAccountId;
use crate::error::{ApiResult, Problem};
use crate::service::locations;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StopDeskQuery {
    /// The Ecotrack account whose delivery company's desks to list.
    pub carrier_account: CarrierAccountId,
    /// Only this wilaya (1–58).
    pub state: Option<String>,
}

/// Stop desks where recipients collect parcels; book one with a relay delivery and its `id`.
#[utoipa::path(get, path = "/v1/stop-desks", tag = "locations",
    params(StopDeskQuery),
    responses(
        (status = 200, body = LocationList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier` for carriers without stop desks"),
    ))]
async fn stop_desks(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(query): ApiQuery<StopDeskQuery>,
) -> ApiResult<ApiJson<LocationList>> {
    let data = locations::stop_desks(&state, auth.tenant, query.carrier_account, query.state.as_deref()).await?;
    Ok(ApiJson(LocationList { data }))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stop_desks))
}
