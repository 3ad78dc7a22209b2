//! Ecotrack (`/ecotrack/api/v1/...`): Bearer token (query `api_token` on
//! get/orders/status only), Laravel answers, French statuses with unstable
//! spellings, and per-account minute/hour/day rate limits on every call.

pub mod admin;
mod geo;
mod input;
pub mod lifecycle;
mod listing;
mod orders;
mod params;
mod reference;
mod statuses;
pub mod store;
mod tracking;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::OriginalUri;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Router, middleware};
use serde_json::json;

use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::form::parse_pairs;
use crate::sandbox::core::gate::{CarrierApi, gate, json_response};
use crate::sandbox::state::SandboxState;

pub struct Ecotrack;

/// The one endpoint authenticated by `api_token` in the query string.
const QUERY_TOKEN_ENDPOINT: &str = "GET /api/v1/get/orders/status";

fn token(endpoint: &str, parts: &Parts) -> Option<String> {
    if endpoint == QUERY_TOKEN_ENDPOINT {
        return parse_pairs(parts.uri.query().unwrap_or(""))
            .into_iter()
            .find(|(k, _)| k == "api_token")
            .map(|(_, v)| v);
    }
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

impl CarrierApi for Ecotrack {
    const CARRIER: Carrier = Carrier::Ecotrack;
    const PREFIX: &'static str = "/ecotrack";

    fn authenticate(state: &SandboxState, endpoint: &str, parts: &Parts, _: &Bytes) -> Result<String, Response> {
        token(endpoint, parts)
            .filter(|t| state.accounts.ecotrack_shop(t).is_some())
            .ok_or_else(|| json_response(StatusCode::UNAUTHORIZED, &json!({"message": "Unauthenticated."})))
    }

    fn too_many_requests(_: &Parts, _: u64) -> Response {
        json_response(StatusCode::TOO_MANY_REQUESTS, &json!({"message": "Too Many Attempts."}))
    }

    fn injected_error(state: &SandboxState, _: &Parts) -> Response {
        if state.faults.coin(Carrier::Ecotrack) {
            json_response(StatusCode::SERVICE_UNAVAILABLE, &json!({"message": "Service Unavailable"}))
        } else {
            json_response(StatusCode::INTERNAL_SERVER_ERROR, &json!({"message": "Server Error"}))
        }
    }

    fn malformed_body() -> &'static str {
        "{\"data\":{\"ECLWIT2505052286\":{\"status\":\"en_preparation\",\"order_id\":\"12"
    }
}

async fn route_not_found(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    let route = uri.path().trim_start_matches("/ecotrack/");
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"message": format!("The route {route} could not be found."), "method": method.as_str()}),
    )
}

async fn method_not_allowed(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    let route = uri.path().trim_start_matches("/ecotrack/");
    json_response(
        StatusCode::METHOD_NOT_ALLOWED,
        &json!({"message": format!("The {method} method is not supported for route {route}.")}),
    )
}

pub fn router(state: Arc<SandboxState>) -> Router {
    Router::new()
        .route("/api/v1/add/maj", post(tracking::add_note))
        // The document's example calls get/maj with POST: both work.
        .route("/api/v1/get/maj", get(tracking::get_notes).post(tracking::get_notes))
        .route("/api/v1/ask/for/order/return", post(tracking::ask_return))
        .route("/api/v1/get/tracking/info", get(tracking::get_tracking_info))
        .route("/api/v1/get/trackings/info", get(tracking::get_trackings_info))
        .route("/api/v1/get/orders", get(listing::list_orders))
        .route("/api/v1/get/orders/status", get(tracking::get_orders_status))
        .route("/api/v1/create/order", post(orders::create_order))
        .route("/api/v1/create/orders", post(orders::create_orders))
        .route("/api/v1/update/order", post(orders::update_order))
        .route("/api/v1/delete/order", delete(orders::delete_order))
        .route("/api/v1/valid/order", post(orders::valid_order))
        .route("/api/v1/get/order/label", get(orders::label))
        .route("/api/v1/get/wilayas", get(reference::wilayas))
        .route("/api/v1/get/communes", get(reference::communes))
        .route("/api/v1/get/fees", get(reference::delivery_fees))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate::<Ecotrack>))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}
