//! `POST /_sandbox/coursier_fr/missions` (the API has no creation endpoint),
//! plus the scenario and listing hooks.

use std::sync::Arc;

use axum::Json;
use axum::extract::{State, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::lifecycle::SUPPORTED;
use super::store::Mission;
use super::{default_pickup_delay, integer};
use crate::sandbox::core::fields::text;
use crate::sandbox::core::gate::json_response;
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::core::tz::paris_to_utc;
use crate::sandbox::credentials::COURSIER_CLIENT_ID;
use crate::sandbox::state::SandboxState;

fn refuse(message: String) -> Response {
    json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({"error": message}))
}

/// "YYYY-MM-DD HH:MM:SS" in Paris time, or RFC 3339.
fn parse_time(body: &Value, name: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(raw) = text(body.get(name)) else {
        return Ok(None);
    };
    let invalid = || format!("{name} must be 'YYYY-MM-DD HH:MM:SS' (Paris time) or RFC 3339, years 1900-2200");
    let at = match DateTime::parse_from_rfc3339(&raw) {
        Ok(at) => at.with_timezone(&Utc),
        Err(_) => NaiveDateTime::parse_from_str(&raw, "%Y-%m-%d %H:%M:%S").map(paris_to_utc).map_err(|_| invalid())?,
    };
    // Far-off years would overflow date arithmetic later on.
    if (1900..=2200).contains(&at.year()) { Ok(Some(at)) } else { Err(invalid()) }
}

fn build(state: &SandboxState, body: &Value) -> Result<Mission, String> {
    let client_id = match body.get("client_id") {
        None | Some(Value::Null) => COURSIER_CLIENT_ID,
        some => integer(some).ok_or("client_id must be an integer")?,
    };
    let scenario = match text(body.get("scenario")) {
        Some(name) => Scenario::parse(&name).filter(|s| SUPPORTED.contains(s)).ok_or_else(|| {
            let names: Vec<&str> = SUPPORTED.iter().map(|s| s.name()).collect();
            format!("scenario '{name}' is not available; use one of {}", names.join(", "))
        })?,
        None => text(body.get("reference"))
            .and_then(|r| Scenario::from_reference(&r))
            .filter(|s| SUPPORTED.contains(s))
            .unwrap_or_default(),
    };
    let now = state.clock.now();
    let pickup_start = parse_time(body, "pickup_start")?.unwrap_or(now + default_pickup_delay());
    let pickup_end = parse_time(body, "pickup_end")?.unwrap_or(pickup_start + Duration::hours(1));
    let delivery_start = parse_time(body, "delivery_start")?.unwrap_or(pickup_end);
    let delivery_end = parse_time(body, "delivery_end")?.unwrap_or(delivery_start + Duration::hours(1));
    if !(pickup_start <= pickup_end && pickup_end <= delivery_start && delivery_start <= delivery_end) {
        return Err("windows must be ordered: pickup_start <= pickup_end <= delivery_start <= delivery_end".into());
    }
    Ok(Mission {
        account: client_id.to_string(),
        number: 0,
        mission_id: 0,
        scenario,
        created_at: now,
        from: text(body.get("from")).unwrap_or_else(|| "Boutique Sandbox".into()),
        to: text(body.get("to")).unwrap_or_else(|| "Client Sandbox".into()),
        pickup_start,
        pickup_end,
        delivery_start,
        delivery_end,
        frozen: false,
    })
}

pub async fn create_mission(
    State(state): State<Arc<SandboxState>>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    let body = match body {
        Ok(Json(body)) => body,
        Err(e) => return refuse(e.body_text()),
    };
    let mut mission = match build(&state, &body) {
        Ok(m) => m,
        Err(message) => return refuse(message),
    };
    let requested_number = match body.get("mission_number") {
        None | Some(Value::Null) => None,
        some => match integer(some) {
            Some(n) => Some(n),
            None => return refuse("mission_number must be an integer".into()),
        },
    };
    let mut data = state.coursier.lock();
    let number = match requested_number {
        Some(n) if data.missions.iter().any(|m| m.number == n) => {
            return refuse(format!("mission {n} already exists"));
        }
        Some(n) => n,
        None => {
            while data.missions.iter().any(|m| m.number == data.next_number) {
                data.next_number += 1;
            }
            data.next_number
        }
    };
    data.next_number = data.next_number.max(number + 1);
    mission.number = number;
    // Two ids per mission: a re-planned leg takes the next one.
    mission.mission_id = data.next_mission_id;
    data.next_mission_id += 2;
    let answer = json!({
        "MissionNumber": mission.number.to_string(),
        "MissionId": mission.mission_id.to_string(),
        "client_id": mission.account,
        "scenario": mission.scenario.name(),
    });
    data.missions.push(mission);
    json_response(StatusCode::CREATED, &answer)
}

pub fn set_scenario(state: &SandboxState, id: &str, account: Option<&str>, scenario: Scenario) -> usize {
    let mut data = state.coursier.lock();
    let mut changed = 0;
    for mission in data.missions.iter_mut() {
        if mission.number.to_string() == id && !mission.frozen && account.is_none_or(|a| a == mission.account) {
            mission.scenario = scenario;
            changed += 1;
        }
    }
    changed
}

pub fn list(state: &SandboxState) -> Vec<Value> {
    let data = state.coursier.lock();
    data.missions
        .iter()
        .map(|m| {
            json!({
                "id": m.number.to_string(),
                "mission_id": m.mission_id.to_string(),
                "account": m.account,
                "scenario": m.scenario.name(),
                "created_at": m.created_at.to_rfc3339(),
            })
        })
        .collect()
}
