//! `/v1/quotes`: prices from every carrier at once.

use std::time::Duration;

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath};
use crate::domain::address::Address;
use crate::domain::ids::{CarrierAccountId, QuoteId};
use crate::domain::money::Money;
use crate::domain::offer::{OfferFilters, OfferSort};
use crate::domain::parcel::Parcel;
use crate::domain::quote::QuoteRequest;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::quotes::{self as service, DEFAULT_DEADLINE, MAX_DEADLINE, Quote, QuoteAsk};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQuote {
    /// Where from: country, postal code and city are enough to price.
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<Parcel>,
    /// Cash for the carrier to collect on delivery.
    pub cash_on_delivery: Option<Money>,
    /// Value to insure; offers then show the insurance price apart.
    pub declared_value: Option<Money>,
    /// Accounts to ask; default: every account of yours that quotes.
    #[serde(default)]
    pub carrier_accounts: Vec<CarrierAccountId>,
    #[serde(default)]
    pub filters: OfferFilters,
    /// Default: by price, cheapest first.
    pub sort: Option<OfferSort>,
    /// How long each carrier gets to answer, in milliseconds (100–25000, default 8000).
    pub deadline_ms: Option<u64>,
}

/// Ask every carrier for offers.
///
/// Carriers are asked concurrently, each within the deadline. A carrier that
/// fails or is too slow is listed in `errors`; the others' offers are answered.
#[utoipa::path(post, path = "/v1/quotes", tag = "quotes",
    request_body(content = CreateQuote, examples(
        ("domestic" = (summary = "France, two parcels, sorted by price", value = json!({
            "shipper": {"country": "FR", "postal_code": "31300", "city": "Toulouse"},
            "recipient": {"country": "FR", "postal_code": "06000", "city": "Nice"},
            "parcels": [{"weight": "2.5", "length": 30, "width": 20, "height": 15}, {"weight": "1", "length": 20, "width": 20, "height": 10}],
            "declared_value": {"amount": "150.00", "currency": "EUR"},
            "sort": {"by": "price", "order": "asc"}}))),
        ("algeria" = (summary = "Ecotrack: wilaya in state, commune in city", value = json!({
            "shipper": {"country": "DZ", "state": "16", "city": "Bab Ezzouar"},
            "recipient": {"country": "DZ", "state": "31", "city": "Oran"},
            "parcels": [{"weight": "1.2", "length": 30, "width": 20, "height": 10}],
            "cash_on_delivery": {"amount": "3500.00", "currency": "DZD"},
            "filters": {"carriers": ["ecotrack"]}}))),
    )),
    responses(
        (status = 200, body = Quote, description = "Offers, plus the carriers that failed"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiJson(body): ApiJson<CreateQuote>,
) -> ApiResult<ApiJson<Quote>> {
    let deadline = match body.deadline_ms {
        None => DEFAULT_DEADLINE,
        Some(ms) if (100..=MAX_DEADLINE.as_millis() as u64).contains(&ms) => Duration::from_millis(ms),
        Some(_) => return Err(ApiError::invalid_field("deadline_ms", "must be 100 to 25000")),
    };
    let request = QuoteRequest {
        shipper: body.shipper,
        recipient: body.recipient,
        parcels: body.parcels,
        cash_on_delivery: body.cash_on_delivery,
        declared_value: body.declared_value,
        filters: body.filters,
        sort: body.sort,
    };
    let quote =
        service::quote(&state, auth.tenant, QuoteAsk { request, accounts: body.carrier_accounts, deadline }).await?;
    Ok(ApiJson(quote))
}

/// A stored quote with its offers, in their ranked order.
#[utoipa::path(get, path = "/v1/quotes/{id}", tag = "quotes",
    params(("id" = QuoteId, Path)),
    responses((status = 200, body = Quote), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<QuoteId>,
) -> ApiResult<ApiJson<Quote>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create)).routes(routes!(get_one))
}
