//! `POST /_sandbox/scenario` and `GET /_sandbox/orders`: pick a stored
//! shipment's scenario, list what each carrier holds.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin_error;
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::gate::json_response;
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::state::SandboxState;
use crate::sandbox::{coursier_fr, ecotrack, ecourier, myflyingbox};

#[derive(Deserialize)]
pub struct ScenarioChange {
    carrier: String,
    id: Value,
    scenario: String,
    account: Option<String>,
}

fn supported(carrier: Carrier) -> &'static [Scenario] {
    match carrier {
        Carrier::Myflyingbox => &myflyingbox::lifecycle::SUPPORTED,
        Carrier::Ecourier => &ecourier::lifecycle::SUPPORTED,
        Carrier::Ecotrack => &ecotrack::lifecycle::SUPPORTED,
        Carrier::CoursierFr => &coursier_fr::lifecycle::SUPPORTED,
    }
}

pub async fn set_scenario(
    State(state): State<Arc<SandboxState>>,
    body: Result<Json<ScenarioChange>, JsonRejection>,
) -> Response {
    let change = match body {
        Ok(Json(change)) => change,
        Err(e) => return admin_error(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()),
    };
    let Some(carrier) = Carrier::parse(&change.carrier) else {
        return admin_error(StatusCode::UNPROCESSABLE_ENTITY, format!("unknown carrier '{}'", change.carrier));
    };
    let allowed = supported(carrier);
    let Some(scenario) = Scenario::parse(&change.scenario).filter(|s| allowed.contains(s)) else {
        let names: Vec<&str> = allowed.iter().map(|s| s.name()).collect();
        return admin_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "scenario '{}' is not available for {}; use one of {}",
                change.scenario,
                carrier.name(),
                names.join(", ")
            ),
        );
    };
    let id = match &change.id {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => {
            return admin_error(StatusCode::UNPROCESSABLE_ENTITY, "id must be a string or a number");
        }
    };
    let account = change.account.as_deref();
    let changed = match carrier {
        Carrier::Myflyingbox => myflyingbox::admin::set_scenario(&state, &id, account, scenario),
        Carrier::Ecourier => ecourier::admin::set_scenario(&state, &id, account, scenario),
        Carrier::Ecotrack => ecotrack::admin::set_scenario(&state, &id, account, scenario),
        Carrier::CoursierFr => coursier_fr::admin::set_scenario(&state, &id, account, scenario),
    };
    if changed == 0 {
        return admin_error(StatusCode::NOT_FOUND, format!("no {} shipment with id '{id}'", carrier.name()));
    }
    json_response(
        StatusCode::OK,
        &json!({"carrier": carrier.name(), "id": id, "scenario": scenario.name(), "changed": changed}),
    )
}

#[derive(Deserialize)]
pub struct OrdersQuery {
    carrier: Option<String>,
}

pub async fn list_orders(State(state): State<Arc<SandboxState>>, Query(query): Query<OrdersQuery>) -> Response {
    let mut out = serde_json::Map::new();
    for carrier in Carrier::ALL {
        if query.carrier.as_deref().is_some_and(|c| c != carrier.name()) {
            continue;
        }
        let list = match carrier {
            Carrier::Myflyingbox => myflyingbox::admin::list(&state),
            Carrier::Ecourier => ecourier::admin::list(&state),
            Carrier::Ecotrack => ecotrack::admin::list(&state),
            Carrier::CoursierFr => coursier_fr::admin::list(&state),
        };
        out.insert(carrier.name().into(), Value::Array(list));
    }
    json_response(StatusCode::OK, &Value::Object(out))
}
