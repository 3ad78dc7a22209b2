//! `/v1/shipments/{id}/…`: cancel, ship, label, notes, return, resolve.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::AuthContext;
use super::extract::{ApiJson, ApiPath};
use crate::domain::ids::ShipmentId;
use crate::error::{ApiError, ApiResult, Problem};
use crate::service::labels;
use crate::service::notes::{self, Note};
use crate::service::shipments::Shipment;
use crate::service::shipments::actions::{self, Resolution};
use crate::state::AppState;

/// Cancel at the carrier (My Flying Box while `created`, e-Courier unless its
/// rules refuse, Ecotrack before pickup). Cancelling twice is harmless.
#[utoipa::path(post, path = "/v1/shipments/{id}/cancel", tag = "shipments",
    params(("id" = ShipmentId, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, body = Shipment),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`carrier_refused`: too late to cancel; `shipment_not_live`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn cancel(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<ApiJson<Shipment>> {
    Ok(ApiJson(actions::cancel(&state, auth.tenant, id).await?))
}

/// Hand the shipment over for delivery, where the carrier has such a step (Ecotrack "valid").
#[utoipa::path(post, path = "/v1/shipments/{id}/ship", tag = "shipments",
    params(("id" = ShipmentId, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, body = Shipment),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn ship(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<ApiJson<Shipment>> {
    Ok(ApiJson(actions::dispatch(&state, auth.tenant, id).await?))
}

/// The label PDF, stored once fetched.
#[utoipa::path(get, path = "/v1/shipments/{id}/label", tag = "shipments",
    params(("id" = ShipmentId, Path)),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, description = "The label(s), one PDF"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`label_not_ready` (see Retry-After), `shipment_not_live`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn label(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<Response> {
    let document = labels::label(&state, auth.tenant, id).await?;
    let mut response = (StatusCode::OK, document.content).into_response();
    let content_type =
        HeaderValue::from_str(&document.content_type).unwrap_or(HeaderValue::from_static("application/pdf"));
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename=\"{id}.pdf\"")) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// At most 255 characters.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteList {
    pub data: Vec<Note>,
}

/// Add a note for the delivery company (Ecotrack "maj").
#[utoipa::path(post, path = "/v1/shipments/{id}/notes", tag = "shipments",
    params(("id" = ShipmentId, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = NewNote, example = json!({"text": "Livraison avant 17:00 h"})),
    responses(
        (status = 201, body = Note),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`, `validation_failed`"),
    ))]
async fn add_note(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
    ApiJson(body): ApiJson<NewNote>,
) -> ApiResult<(StatusCode, ApiJson<Note>)> {
    Ok((StatusCode::CREATED, ApiJson(notes::add(&state, auth.tenant, id, &body.text).await?)))
}

/// Notes on the parcel, from the shipper and the delivery company, oldest first.
#[utoipa::path(get, path = "/v1/shipments/{id}/notes", tag = "shipments",
    params(("id" = ShipmentId, Path)),
    responses(
        (status = 200, body = NoteList),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn list_notes(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<ApiJson<NoteList>> {
    Ok(ApiJson(NoteList { data: notes::list(&state, auth.tenant, id).await? }))
}

/// Ask for the parcel to come back (Ecotrack, while out for delivery).
#[utoipa::path(post, path = "/v1/shipments/{id}/return", tag = "shipments",
    params(("id" = ShipmentId, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 200, body = Shipment),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`carrier_refused`: not out for delivery"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`unsupported_by_carrier`"),
    ))]
async fn request_return(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
) -> ApiResult<ApiJson<Shipment>> {
    Ok(ApiJson(notes::request_return(&state, auth.tenant, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedOutcome {
    Booked,
    NotBooked,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub outcome: ResolvedOutcome,
    /// The carrier's order id, when booked.
    pub carrier_order_id: Option<String>,
}

/// Settle a booking that needs attention, after checking with the carrier.
#[utoipa::path(post, path = "/v1/shipments/{id}/resolve", tag = "shipments",
    params(("id" = ShipmentId, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = Resolve, example = json!({"outcome": "booked", "carrier_order_id": "1471b700-1c14-4076-ade5-861798844129"})),
    responses(
        (status = 200, body = Shipment),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`shipment_not_in_attention`"),
    ))]
async fn resolve(
    State(state): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ShipmentId>,
    ApiJson(body): ApiJson<Resolve>,
) -> ApiResult<ApiJson<Shipment>> {
    let resolution = match (body.outcome, body.carrier_order_id.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()))
    {
        (ResolvedOutcome::Booked, Some(id)) if id.len() <= 100 => Resolution::Booked { carrier_order_id: id },
        (ResolvedOutcome::Booked, _) => {
            return Err(ApiError::invalid_field("carrier_order_id", "is required (1 to 100 characters) when booked"));
        }
        (ResolvedOutcome::NotBooked, None) => Resolution::NotBooked,
        (ResolvedOutcome::NotBooked, Some(_)) => {
            return Err(ApiError::invalid_field("carrier_order_id", "is only for a booked outcome"));
        }
    };
    Ok(ApiJson(actions::resolve(&state, auth.tenant, id, resolution).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cancel))
        .routes(routes!(ship))
        .routes(routes!(label))
        .routes(routes!(add_note, list_notes))
        .routes(routes!(request_return))
        .routes(routes!(resolve))
}
