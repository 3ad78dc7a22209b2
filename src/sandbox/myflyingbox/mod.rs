//! My Flying Box v2 (`/myflyingbox/v2`): HTTP Basic auth, the `{status, self,
//! data, count, error}` envelope, quotes, offers, orders, labels, tracking, pickups.

pub mod admin;
mod catalogue;
mod envelope;
pub use envelope::SelfUrl;
mod filters;
pub mod lifecycle;
mod locations;
mod order_input;
mod orders;
mod parcels;
mod pickups;
mod quotes;
mod request;
pub mod store;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Extension, Router, middleware};
use base64::Engine;
use serde_json::json;

use self::envelope::{failure, self_url_of, success};
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::gate::{AccountKey, CarrierApi, gate};
use crate::sandbox::state::SandboxState;

pub struct MyFlyingBox;

fn basic_credentials(parts: &Parts) -> Option<(String, String)> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, password) = text.split_once(':')?;
    Some((login.to_owned(), password.to_owned()))
}

impl CarrierApi for MyFlyingBox {
    const CARRIER: Carrier = Carrier::Myflyingbox;
    const PREFIX: &'static str = BASE;

    fn authenticate(state: &SandboxState, _: &str, parts: &Parts, _: &Bytes) -> Result<String, Response> {
        basic_credentials(parts)
            .and_then(|(login, password)| state.accounts.check_mfb(&login, &password))
            .ok_or_else(|| failure(StatusCode::UNAUTHORIZED, &self_url_of(parts), "access_denied", "Unauthorized"))
    }

    fn too_many_requests(parts: &Parts, _: u64) -> Response {
        failure(
            StatusCode::TOO_MANY_REQUESTS,
            &self_url_of(parts),
            "too_many_requests",
            "Rate limit exceeded, retry later",
        )
    }

    fn injected_error(_: &SandboxState, parts: &Parts) -> Response {
        failure(StatusCode::INTERNAL_SERVER_ERROR, &self_url_of(parts), "internal", "Internal server error")
    }

    fn malformed_body() -> &'static str {
        "{\"status\":\"success\",\"self\":\"https://test.myflyingbox.com/v2\",\"data\":{\"id\":\"4d6cc11f-85"
    }
}

async fn basic_info(Extension(AccountKey(account)): Extension<AccountKey>, SelfUrl(self_url): SelfUrl) -> Response {
    let info = json!({
        "name": "My Flying Box webservice (sandbox)",
        "version": "2",
        "environment": "sandbox",
        "login": account,
    });
    success(StatusCode::OK, &self_url, info)
}

pub async fn route_not_found(SelfUrl(self_url): SelfUrl) -> Response {
    failure(StatusCode::NOT_FOUND, &self_url, "not_found", "Route not found")
}

/// Mount point of the My Flying Box API.
pub const BASE: &str = "/myflyingbox/v2";

/// Routes carry their full path (merged, not nested) so that both `/v2` and `/v2/` answer.
pub fn router(state: Arc<SandboxState>) -> Router {
    let at = |path: &str| format!("{BASE}{path}");
    Router::new()
        .route(BASE, get(basic_info))
        .route(&at("/"), get(basic_info))
        .route(&at("/quotes"), post(quotes::post_quote).get(quotes::list_quotes))
        .route(&at("/quotes/{id}"), get(quotes::get_quote))
        .route(&at("/offers/{id}"), get(quotes::get_offer))
        .route(&at("/offers/{id}/available_delivery_locations"), get(locations::delivery_locations))
        .route(&at("/offers/{id}/available_drop_off_locations"), get(locations::drop_off_locations))
        .route(&at("/orders"), post(orders::post_order))
        .route(&at("/orders/automatic"), post(orders::post_automatic))
        .route(&at("/orders/{id}"), get(orders::get_order))
        .route(&at("/orders/{id}/labels"), get(parcels::labels))
        .route(&at("/orders/{id}/tracking"), get(parcels::tracking))
        .route(&at("/orders/{id}/cancel"), put(orders::cancel_order))
        .route(&at("/pickups"), post(pickups::post_pickup))
        .route(&at("/pickups/{id}"), get(pickups::get_pickup))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate::<MyFlyingBox>))
        .with_state(state)
}
