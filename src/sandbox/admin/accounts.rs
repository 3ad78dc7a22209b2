//! `POST /_sandbox/accounts`: more accounts, with the carriers' own field names.

use std::sync::Arc;

use axum::Json;
use axum::extract::{State, rejection::JsonRejection};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::admin_error;
use crate::sandbox::core::carrier::Carrier;
use crate::sandbox::core::gate::json_response;
use crate::sandbox::state::SandboxState;

fn field<'a>(credentials: &'a Value, name: &str) -> Result<&'a str, String> {
    credentials
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("credentials.{name} is required"))
}

fn register_one(state: &SandboxState, carrier: Carrier, c: &Value) -> Result<String, String> {
    Ok(match carrier {
        Carrier::Myflyingbox => state.accounts.add_mfb(field(c, "login")?, field(c, "password")?),
        Carrier::Ecourier => {
            state.accounts.add_ecourier(field(c, "website")?, field(c, "username")?, field(c, "password")?)
        }
        Carrier::Ecotrack => {
            let shop = c.get("shop_name").and_then(Value::as_str).unwrap_or("Sandbox Shop");
            state.accounts.add_ecotrack(field(c, "token")?, shop)
        }
        Carrier::CoursierFr => {
            let client_id = match c.get("ClientId") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            }
            .ok_or("credentials.ClientId must be a positive integer")?;
            state.accounts.add_coursier(client_id, field(c, "User")?, field(c, "Apikey")?)
        }
    })
}

pub async fn register(State(state): State<Arc<SandboxState>>, body: Result<Json<Value>, JsonRejection>) -> Response {
    let body = match body {
        Ok(Json(body)) => body,
        Err(e) => return admin_error(StatusCode::UNPROCESSABLE_ENTITY, e.body_text()),
    };
    let Some(carrier) = body.get("carrier").and_then(Value::as_str).and_then(Carrier::parse) else {
        return admin_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "carrier must be one of myflyingbox, ecourier, ecotrack, coursier_fr",
        );
    };
    let credentials = body.get("credentials").cloned().unwrap_or(Value::Null);
    match register_one(&state, carrier, &credentials) {
        Ok(account) => json_response(StatusCode::CREATED, &json!({"carrier": carrier.name(), "account": account})),
        Err(message) => admin_error(StatusCode::UNPROCESSABLE_ENTITY, message),
    }
}
