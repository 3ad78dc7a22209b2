//! e-Courier JSON (`/ecourier/{website}/software/xml/ecJsonPost.asmx`): Login
//! gives a UserGUID read from the `UserGUID` header by every other method;
//! errors are HTTP 500 with status -1..-6, refusals HTTP 409.

pub mod admin;
mod dates;
mod errors;
mod handlers;
mod input;
pub mod lifecycle;
pub mod store;
mod view;
mod xmlish;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::OriginalUri;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::post;
use axum::{Router, middleware};
use serde_json::Value;

use self::errors::{database_unavailable, no_config, no_guid, not_performed, status, undefined, unparsable};
use self::store::normalize_guid;
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::gate::{CarrierApi, gate};
use crate::sandbox::state::SandboxState;

/// Mount point; `{site}` is the customer's website name ("example" for the demo account).
pub const MOUNT: &str = "/ecourier/{site}/software/xml/ecJsonPost.asmx";

pub struct Ecourier;

fn site_of(parts: &Parts) -> String {
    let path = parts.extensions.get::<OriginalUri>().map(|u| u.0.path().to_owned()).unwrap_or_default();
    path.split('/').nth(2).unwrap_or("").to_owned()
}

fn login_account(state: &SandboxState, parts: &Parts, body: &Bytes) -> Result<String, Response> {
    let body = xmlish::parse(body).ok_or_else(unparsable)?;
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    let (website, username, password) = (field("website"), field("username"), field("password"));
    if website.is_empty() || username.is_empty() || password.is_empty() {
        return Err(not_performed("website, username and password are required"));
    }
    if website != site_of(parts) {
        return Err(not_performed(&format!("Website '{website}' is not served by this endpoint")));
    }
    state
        .accounts
        .check_ecourier(&website, &username, &password)
        .ok_or_else(|| not_performed("Invalid username or password"))
}

fn guid_account(state: &SandboxState, parts: &Parts) -> Result<String, Response> {
    let raw = parts.headers.get("UserGUID").and_then(|v| v.to_str().ok()).unwrap_or("").trim();
    if raw.is_empty() {
        return Err(no_guid());
    }
    let guid = normalize_guid(raw);
    let now = state.clock.now();
    let mut data = state.ecourier.lock();
    match data.guids.get_mut(&guid) {
        Some(entry) if now - entry.last_used <= state.ecourier_guid_ttl => {
            // Every use keeps the token alive for another TTL.
            entry.last_used = now;
            Ok(entry.account.clone())
        }
        _ => Err(no_config(&format!("{{{guid}}}"))),
    }
}

impl CarrierApi for Ecourier {
    const CARRIER: Carrier = Carrier::Ecourier;
    const PREFIX: &'static str = MOUNT;

    fn authenticate(state: &SandboxState, endpoint: &str, parts: &Parts, body: &Bytes) -> Result<String, Response> {
        if endpoint == "POST /Login" { login_account(state, parts, body) } else { guid_account(state, parts) }
    }

    fn too_many_requests(_: &Parts, _: u64) -> Response {
        status(StatusCode::TOO_MANY_REQUESTS, "-1", "Too Many Requests")
    }

    fn injected_error(_: &SandboxState, _: &Parts) -> Response {
        database_unavailable()
    }

    fn malformed_body() -> &'static str {
        "{\"Order\":{\"@UserGUID\":\"{4D46E5B7-7866-4B17-98C4-9A7A33856981}\",\"@OrderID\":\"20"
    }
}

async fn unknown_method(OriginalUri(uri): OriginalUri) -> Response {
    let method = uri.path().rsplit('/').next().unwrap_or("");
    undefined(&format!("Unknown web method {method}"))
}

pub fn router(state: Arc<SandboxState>) -> Router {
    Router::new()
        .route("/Login", post(handlers::login))
        .route("/RefreshGUID", post(handlers::refresh_guid))
        .route("/SaveOrder", post(handlers::save_order))
        .route("/GetJsonOrder", post(handlers::get_json_order))
        .route("/QuoteOrder", post(handlers::quote_order))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate::<Ecourier>))
        .fallback(unknown_method)
        .method_not_allowed_fallback(unknown_method)
        .with_state(state)
}
