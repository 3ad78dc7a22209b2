//! Coursier.fr tracking v3 (`/coursier/v3/tracking.php`): credentials in the
//! JSON body, an array of legs in the answer, errors as `{"Message": ...}`
//! with HTTP 200.

pub mod admin;
pub mod lifecycle;
mod states;
pub mod store;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router, middleware};
use chrono::Duration;
use serde_json::{Value, json};

use self::lifecycle::{Leg, legs};
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::fields::text;
use crate::sandbox::core::gate::{AccountKey, CarrierApi, gate, json_response};
use crate::sandbox::core::tz::{paris, paris_to_utc};
use crate::sandbox::state::SandboxState;

pub struct CoursierFr;

pub fn message(status: StatusCode, text: &str) -> Response {
    json_response(status, &json!({"Message": text}))
}

fn body_json(body: &Bytes) -> Option<Value> {
    serde_json::from_slice::<Value>(body).ok().filter(Value::is_object)
}

/// Integers may arrive as JSON numbers or strings (the PHP example sends strings).
pub fn integer(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl CarrierApi for CoursierFr {
    const CARRIER: Carrier = Carrier::CoursierFr;
    const PREFIX: &'static str = "/coursier";

    fn authenticate(state: &SandboxState, _: &str, _: &Parts, body: &Bytes) -> Result<String, Response> {
        let body = body_json(body).ok_or_else(|| message(StatusCode::OK, "Invalid JSON body"))?;
        let user = text(body.get("User")).unwrap_or_default();
        let apikey = text(body.get("Apikey")).unwrap_or_default();
        let client_id = integer(body.get("ClientId"));
        match client_id {
            _ if user.is_empty() || apikey.is_empty() => Err(message(StatusCode::OK, "User and Apikey are required")),
            None => Err(message(StatusCode::OK, "ClientId is required")),
            Some(id) => state
                .accounts
                .check_coursier(id, &user, &apikey)
                .ok_or_else(|| message(StatusCode::OK, "Authentication failed")),
        }
    }

    fn too_many_requests(_: &Parts, _: u64) -> Response {
        message(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
    }

    fn injected_error(_: &SandboxState, _: &Parts) -> Response {
        message(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    fn malformed_body() -> &'static str {
        "[{\"MissionId\":\"10009999\",\"MissionNumber\":\"9005657\",\"From\":\"Boutique Geo"
    }
}

/// PHP's json_encode escapes slashes; so do we, to answer byte for byte like the example.
fn legs_response(legs: &[Leg]) -> Response {
    let body = serde_json::to_string(legs).unwrap_or_else(|_| "[]".into()).replace('/', "\\/");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn tracking(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    body: Bytes,
) -> Response {
    let body = body_json(&body).unwrap_or(Value::Null);
    let english = text(body.get("Lang")).is_some_and(|l| l.eq_ignore_ascii_case("EN"));
    let now = state.clock.now();
    let data = state.coursier.lock();
    let mine = data.missions.iter().filter(|m| m.account == account);
    let requested = body.get("MissionNumber").filter(|v| !v.is_null() && text(Some(v)).is_some());
    let Some(requested) = requested else {
        // Every ongoing mission: planned from today 00:00 (Paris, sandbox clock).
        let local_midnight = paris(now).date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        let midnight = paris_to_utc(local_midnight);
        let all: Vec<Leg> = mine.filter(|m| m.pickup_start >= midnight).flat_map(|m| legs(m, now, english)).collect();
        return legs_response(&all);
    };
    let Some(number) = integer(Some(requested)) else {
        return message(StatusCode::OK, "MissionNumber must be an integer");
    };
    let found: Vec<Leg> = mine.filter(|m| m.number == number).flat_map(|m| legs(m, now, english)).collect();
    if found.is_empty() {
        return message(StatusCode::OK, &format!("Mission {number} not found"));
    }
    legs_response(&found)
}

async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not found")
}

/// Missions are planned an hour ahead by default.
pub fn default_pickup_delay() -> Duration {
    Duration::hours(1)
}

pub fn router(state: Arc<SandboxState>) -> Router {
    Router::new()
        .route("/v3/tracking.php", post(tracking))
        .route_layer(middleware::from_fn_with_state(state.clone(), gate::<CoursierFr>))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
}
