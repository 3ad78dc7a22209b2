//! `/v1/shipments`: book, list, read and change shipments.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::idempotency::IdempotencyKey;
use super::pagination::{Page, PageParams};
use crate::domain::CarrierKind;
use crate::domain::address::Address;
use crate::domain::ids::{CarrierAccountId, OfferId, ShipmentId};
use crate::domain::offer::OfferFilters;
use crate::domain::parcel::Parcel;
use crate::domain::shipment::{BookingOptions, ShipmentChanges, ShipmentStatus};
use crate::error::{ApiResult, Problem};
use crate::service::shipments::batch::{self, BatchItem, BatchResult};
use crate::service::shipments::create::{self, NewShipment};
use crate::service::shipments::{self as service, Shipment, actions};
use crate::state::AppState;
use crate::store::shipment_queries::ShipmentFilter;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateShipment {
    /// Book this offer (from `POST /v1/quotes`).
    pub offer_id: Option<OfferId>,
    /// With `service`, when not booking an offer.
    pub carrier_account: Option<CarrierAccountId>,
    /// A service code of the carrier, `cheapest` or `fastest`.
    pub service: Option<String>,
    pub shipper: Address,
    pub recipient: Address,
    /// Required unless booking an offer (then they default to the quoted ones).
    pub parcels: Option<Vec<Parcel>>,
    /// Your order reference (filterable).
    pub reference: Option<String>,
    #[serde(default)]
    pub options: BookingOptions,
    /// Narrow what `cheapest` / `fastest` choose from.
    #[serde(default)]
    pub filters: OfferFilters,
}

fn created(shipment: Shipment) -> Response {
    let location = format!("/v1/shipments/{}", shipment.id);
    let mut response = (StatusCode::CREATED, ApiJson(shipment)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Book a shipment.
///
/// Never books twice: the shipment is recorded before the carrier is called.
/// If the carrier's answer is lost (503 `carrier_outcome_unknown`), retry
/// with the same `Idempotency-Key`: shipgate finds the order again by its
/// reference instead of booking a second one.
#[utoipa::path(post, path = "/v1/shipments", tag = "shipments",
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body: the same shipment, never a second booking.")),
    request_body(content = CreateShipment, examples(
        ("offer" = (summary = "Book an offer of a quote", value = json!({
            "offer_id": "ofr_01jd8x5g2k3m4n5p6q7r8s9t0v",
            "shipper": {"name": "Atelier Martin", "street": "15 route de France", "city": "Toulouse", "postal_code": "31300", "country": "FR", "phone": "+33622123613", "email": "shop@example.com"},
            "recipient": {"name": "Jeanne Martin", "street": "2 rue Pastorelli", "city": "Nice", "postal_code": "06000", "country": "FR", "phone": "+33611223344"},
            "reference": "ORDER-1042",
            "options": {"thermal_labels": true, "collection_date": "2024-05-14"}}))),
        ("cheapest" = (summary = "The carrier picks its cheapest service (My Flying Box orders/automatic)", value = json!({
            "carrier_account": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "service": "cheapest",
            "shipper": {"name": "Atelier Martin", "street": "15 route de France", "city": "Toulouse", "postal_code": "31300", "country": "FR", "phone": "+33622123613"},
            "recipient": {"name": "John Smith", "street": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA", "country": "GB", "phone": "+447700900123"},
            "parcels": [{"weight": "1.5", "length": 30, "width": 20, "height": 10, "customs": {"value": {"amount": "45.00", "currency": "EUR"}, "description": "Books", "country_of_origin": "FR"}}]}))),
        ("ecotrack" = (summary = "Ecotrack stop desk with cash on delivery", value = json!({
            "carrier_account": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v", "service": "stop_desk",
            "shipper": {"name": "Boutique Alger", "street": "Rue Larbi Ben M'hidi", "city": "Alger Centre", "state": "16", "country": "DZ", "phone": "0550000001"},
            "recipient": {"name": "Karim B.", "city": "Oran", "state": "31", "country": "DZ", "phone": "0661234567"},
            "parcels": [{"weight": "1", "length": 20, "width": 15, "height": 10, "description": "Chaussures"}],
            "options": {"delivery": {"type": "relay", "location_id": "31-oran"}, "cash_on_delivery": {"amount": "4200.00", "currency": "DZD"}}}))),
    )),
    responses(
        (status = 201, body = Shipment, description = "Booked (also when a retry found the lost booking)"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`booking_needs_attention`, `booking_in_progress`, `carrier_refused`, `idempotency_request_in_progress`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`validation_failed`, `offer_expired`, `offer_mismatch`, `carrier_rejected`, `unsupported_by_carrier`"),
        (status = 424, body = Problem, content_type = "application/problem+json", description = "`carrier_auth_failed`"),
        (status = 502, body = Problem, content_type = "application/problem+json", description = "`carrier_bad_response` (the booking is reconciled like a lost answer)"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "`carrier_outcome_unknown`, `carrier_unavailable`: retry with the same Idempotency-Key"),
    ))]
async fn create_one(
    State(state): State<AppState>,
    auth: AuthContext,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(body): ApiJson<CreateShipment>,
) -> ApiResult<Response> {
    let input = NewShipment {
        offer: body.offer_id,
        carrier_account: body.carrier_account,
        service: body.service,
        shipper: body.shipper,
        recipient: body.recipient,
        parcels: body.parcels,
        reference: body.reference,
        options: body.options,
        filters: body.filters,
    };
    let key = key.map(|Extension(IdempotencyKey(k))| k);
    let (_, shipment) = create::create(&state, auth.tenant, input, key.as_deref()).await?;
    Ok(created(shipment))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchShipment {
    /// Service code (Ecotrack: `home` or `stop_desk`).
    pub service: String,
    pub shipper: Address,
    pub recipient: Address,
    pub parcels: Vec<Parcel>,
    pub reference: Option<String>,
    #[serde(default)]
    pub options: BookingOptions,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBatch {
    pub carrier_account: CarrierAccountId,
    /// 1 to 100 shipments.
    pub shipments: Vec<BatchShipment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResults {
    /// One per shipment sent, in order.
    pub results: Vec<BatchResult>,
}

/// Book up to 100 shipments in one carrier call (Ecotrack bulk); results per item.
#[utoipa::path(post, path = "/v1/shipments/batch", tag = "shipments",
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key and body: the same shipments.")),
    request_body(content = CreateBatch, example = json!({
        "carrier_account": "ca_01jd8x5g2k3m4n5p6q7r8s9t0v",
        "shipments": [
            {"service": "home", "shipper": {"name": "Boutique Alger", "street": "Rue Larbi Ben M'hidi", "city": "Alger Centre", "state": "16", "country": "DZ", "phone": "0550000001"},
             "recipient": {"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Hydra", "state": "16", "country": "DZ", "phone": "0661234567"},
             "parcels": [{"weight": "1", "length": 20, "width": 15, "height": 10}], "reference": "CMD-1",
             "options": {"cash_on_delivery": {"amount": "2500.00", "currency": "DZD"}}}]})),
    responses(
        (status = 200, body = BatchResults),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier` when the carrier has no bulk creation"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "The bulk answer was lost: retry with the same Idempotency-Key"),
    ))]
async fn create_batch(
    State(state): State<AppState>,
    auth: AuthContext,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(body): ApiJson<CreateBatch>,
) -> ApiResult<ApiJson<BatchResults>> {
    let items = body
        .shipments
        .into_iter()
        .map(|s| BatchItem {
            service: s.service,
            shipper: s.shipper,
            recipient: s.recipient,
            parcels: s.parcels,
            reference: s.reference,
            options: s.options,
        })
        .collect();
    let key = key.map(|Extension(IdempotencyKey(k))| k);
    let results = batch::create_batch(&state, auth.tenant, body.carrier_account, items, key.as_deref()).await?;
    Ok(ApiJson(BatchResults { results }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShipmentListFilter {
    pub status: Option<ShipmentStatus>,
    pub carrier: Option<CarrierKind>,
    pub carrier_account: Option<CarrierAccountId>,
    /// Your order reference, exactly.
    pub reference: Option<String>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
}

/// List shipments, newest first.
#[utoipa::path(get, path = "/v1/shipments", tag = "shipments",
    params(PageParams, ShipmentListFilter),
    responses((status = 200, body = Page<Shipment>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiQuery(page): ApiQuery<PageParams>,
    ApiQuery(filter): ApiQuery<ShipmentListFilter>,
) -> ApiResult<ApiJson<Page<Shipment>>> {
    let limit = page.limit()?;
    let store_filter = ShipmentFilter {
        status: filter.status.map(|s| s.as_str()),
        carrier: filter.carrier.map(|c| c.as_str()),
        account: filter.carrier_account.map(|a| a.uuid()),
        reference: filter.reference.as_deref(),
        created_from: filter.created_from,
        created_to: filter.created_to,
    };
    let items = service::list(&state, auth.tenant, &store_filter, page.cursor()?, limit).await?;
    Ok(ApiJson(Page::from_overfetch(items, limit, |s: &Shipment| s.id.to_string())))
}

/// One shipment, with its parcels' tracking numbers.
#[utoipa::path(get, path = "/v1/shipments/{id}", tag = "shipments",
    params(("id" = ShipmentId, Path)),
    responses((status = 200, body = Shipment), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_one(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<ApiJson<Shipment>> {
    Ok(ApiJson(service::get(&state, auth.tenant, id).await?))
}

/// Change a booked shipment where the carrier allows it (e-Courier, Ecotrack before pickup).
#[utoipa::path(patch, path = "/v1/shipments/{id}", tag = "shipments",
    params(("id" = ShipmentId, Path)),
    request_body(content = ShipmentChanges, example = json!({"recipient": {"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Hydra", "state": "16", "country": "DZ", "phone": "0550123456"}, "instructions": "Appeler avant de livrer"})),
    responses(
        (status = 200, body = Shipment),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`carrier_refused` (too late), `shipment_not_live`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`, `validation_failed`, `carrier_rejected`"),
    ))]
async fn update(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
    ApiJson(changes): ApiJson<ShipmentChanges>,
) -> ApiResult<ApiJson<Shipment>> {
    Ok(ApiJson(actions::update(&state, auth.tenant, id, changes).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_one, list))
        .routes(routes!(create_batch))
        .routes(routes!(get_one, update))
        .merge(super::shipment_actions::routes())
}
