//! The `/_sandbox` admin API (no auth): clock, accounts, scenarios, faults,
//! rate limits, counters and Coursier.fr missions.

mod accounts;
mod control;
mod scenarios;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde_json::json;

use crate::sandbox::core::gate::json_response;
use crate::sandbox::state::SandboxState;

pub fn admin_error(status: StatusCode, message: impl Into<String>) -> Response {
    json_response(status, &json!({"error": message.into()}))
}

pub fn router(state: Arc<SandboxState>) -> Router {
    Router::new()
        .route("/clock", get(control::get_clock))
        .route("/clock/advance", post(control::advance_clock))
        .route("/accounts", post(accounts::register))
        .route("/scenario", post(scenarios::set_scenario))
        .route("/orders", get(scenarios::list_orders))
        .route("/faults", get(control::get_faults))
        .route("/faults/{carrier}", put(control::put_faults).delete(control::delete_faults))
        .route("/ratelimits", put(control::put_ratelimits).get(control::get_ratelimits))
        .route("/stats", get(control::get_stats))
        .route("/stats/reset", post(control::reset_stats))
        .route("/coursier_fr/missions", post(crate::sandbox::coursier_fr::admin::create_mission))
        .with_state(state)
}
