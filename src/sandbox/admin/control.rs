//! Clock, faults, rate limits and counters.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin_error;
use crate::sandbox::config::{EcotrackHeaderStyle, EcotrackLimits};
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::faults::FaultSettings;
use crate::sandbox::core::gate::json_response;
use crate::sandbox::state::SandboxState;

/// Bounds that keep every date computation far from chrono's limits.
const MAX_ADVANCE_SECONDS: i64 = 10 * 366 * 86_400;
const MAX_OFFSET_SECONDS: i64 = 100 * 366 * 86_400;

fn clock_json(state: &SandboxState) -> Value {
    json!({
        "now": state.clock.now().to_rfc3339(),
        "offset_seconds": state.clock.offset().num_seconds(),
    })
}

pub async fn get_clock(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &clock_json(&state))
}

#[derive(Deserialize)]
pub struct Advance {
    seconds: i64,
}

pub async fn advance_clock(
    State(state): State<Arc<SandboxState>>,
    body: Result<Json<Advance>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(Advance { seconds })) if (0..=MAX_ADVANCE_SECONDS).contains(&seconds) => {
            if state.clock.offset().num_seconds() + seconds > MAX_OFFSET_SECONDS {
                return admin_error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the clock cannot move more than 100 years ahead",
                );
            }
            state.clock.advance(chrono::Duration::seconds(seconds));
            json_response(StatusCode::OK, &clock_json(&state))
        }
        Ok(_) => admin_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the clock only moves forward: seconds must be between 0 and 10 years",
        ),
        Err(e) => admin_error(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()),
    }
}

fn carrier_of(name: &str) -> Result<Carrier, Response> {
    Carrier::parse(name).ok_or_else(|| {
        admin_error(
            StatusCode::NOT_FOUND,
            format!("unknown carrier '{name}' (myflyingbox, ecourier, ecotrack, coursier_fr)"),
        )
    })
}

pub async fn get_faults(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &state.faults.describe())
}

pub async fn put_faults(
    State(state): State<Arc<SandboxState>>,
    Path(carrier): Path<String>,
    body: Result<Json<FaultSettings>, JsonRejection>,
) -> Response {
    let carrier = match carrier_of(&carrier) {
        Ok(c) => c,
        Err(response) => return response,
    };
    let settings = match body {
        Ok(Json(settings)) => settings,
        Err(e) => return admin_error(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()),
    };
    match state.faults.set(carrier, settings) {
        Ok(()) => json_response(StatusCode::OK, &state.faults.describe()[carrier.name()]),
        Err(message) => admin_error(StatusCode::UNPROCESSABLE_ENTITY, message),
    }
}

pub async fn delete_faults(State(state): State<Arc<SandboxState>>, Path(carrier): Path<String>) -> Response {
    match carrier_of(&carrier) {
        Ok(carrier) => {
            state.faults.reset(carrier);
            json_response(StatusCode::OK, &state.faults.describe()[carrier.name()])
        }
        Err(response) => response,
    }
}

/// Every field optional: only the given ones change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitChange {
    ecotrack: Option<EcotrackLimitsChange>,
    ecotrack_header_style: Option<EcotrackHeaderStyle>,
    #[serde(default, with = "double_option")]
    other_limit_per_minute: Option<Option<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcotrackLimitsChange {
    per_minute: Option<u32>,
    per_hour: Option<u32>,
    per_day: Option<u32>,
}

/// Distinguishes an absent field (keep) from `null` (unlimited).
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u32>>, D::Error> {
        Option::<u32>::deserialize(d).map(Some)
    }
}

pub async fn get_ratelimits(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &json!(state.limits.settings()))
}

pub async fn put_ratelimits(
    State(state): State<Arc<SandboxState>>,
    body: Result<Json<RateLimitChange>, JsonRejection>,
) -> Response {
    let change = match body {
        Ok(Json(change)) => change,
        Err(e) => return admin_error(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()),
    };
    let mut settings = state.limits.settings();
    if let Some(limits) = change.ecotrack {
        let EcotrackLimits { per_minute, per_hour, per_day } = settings.ecotrack;
        settings.ecotrack = EcotrackLimits {
            per_minute: limits.per_minute.unwrap_or(per_minute),
            per_hour: limits.per_hour.unwrap_or(per_hour),
            per_day: limits.per_day.unwrap_or(per_day),
        };
    }
    if let Some(style) = change.ecotrack_header_style {
        settings.ecotrack_header_style = style;
    }
    if let Some(other) = change.other_limit_per_minute {
        settings.other_limit_per_minute = other;
    }
    state.limits.set_settings(settings);
    json_response(StatusCode::OK, &json!(settings))
}

pub async fn get_stats(State(state): State<Arc<SandboxState>>) -> Response {
    json_response(StatusCode::OK, &state.stats.snapshot())
}

pub async fn reset_stats(State(state): State<Arc<SandboxState>>) -> Response {
    state.stats.reset();
    json_response(StatusCode::OK, &state.stats.snapshot())
}
