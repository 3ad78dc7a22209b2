//! The five documented web methods.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::errors::{conflict, not_performed, unparsable};
use super::input::{OrderInput, amount_cents, read, validate};
use super::lifecycle::{SUPPORTED, picked_up, reached};
use super::store::{EcOrder, Guid, normalize_guid};
use super::view::{order_json, quote_json};
use super::xmlish::parse;
use crate::sandbox::core::fields::text;
use crate::sandbox::core::gate::{AccountKey, CreatedResource, json_response};
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::state::SandboxState;

fn ok(body: Value) -> Response {
    json_response(StatusCode::OK, &body)
}

/// The caller's UserGUID in canonical `{UPPER-CASE}` form.
fn header_guid(headers: &HeaderMap) -> String {
    let raw = headers.get("UserGUID").and_then(|v| v.to_str().ok()).unwrap_or("");
    format!("{{{}}}", normalize_guid(raw))
}

pub async fn login(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
) -> Response {
    let guid = uuid::Uuid::new_v4().to_string().to_ascii_uppercase();
    let now = state.clock.now();
    state.ecourier.lock().guids.insert(guid.clone(), Guid { account, last_used: now });
    ok(json!({"status": "0", "UserGUID": format!("{{{guid}}}")}))
}

/// The GUID comes from the `UserGUID` header; the body is ignored.
pub async fn refresh_guid(headers: HeaderMap) -> Response {
    ok(json!({"status": "0", "UserGUID": header_guid(&headers)}))
}

fn received() -> Response {
    ok(json!({"status": "0", "UserGUID": "JSON Post Recieved"}))
}

fn scenario_of(input: &OrderInput) -> Scenario {
    let mut references: Vec<String> = ["Auth", "OtherReference"].iter().filter_map(|k| input.get(k)).collect();
    references.extend(input.pieces.iter().filter_map(|p| text(p.get("Reference"))));
    Scenario::from_references(references.iter().map(String::as_str))
        .filter(|s| SUPPORTED.contains(s))
        .unwrap_or_default()
}

fn stored_fields(input: &OrderInput) -> Map<String, Value> {
    let mut fields = input.fields.clone();
    fields.remove("OrderNumber");
    fields.remove("OrderStatus");
    fields
}

pub async fn save_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    body: Bytes,
) -> Response {
    let Some(body) = parse(&body) else {
        return unparsable();
    };
    let input = match read(&body) {
        Ok(input) => input,
        Err(message) => return not_performed(&message),
    };
    let number = input.get("OrderNumber");
    let cancelling = input.get("OrderStatus").as_deref() == Some("X");
    let now = state.clock.now();
    let mut data = state.ecourier.lock();
    let key = number.clone().map(|n| (account.clone(), n));
    if let Some(existing) = key.as_ref().and_then(|k| data.orders.get_mut(k)) {
        let steps = reached(existing, now);
        if cancelling {
            if existing.cancelled_at.is_some() {
                return received();
            }
            if picked_up(&steps) {
                return conflict("Order Unable to Cancel");
            }
            existing.cancelled_at = Some(now);
            return received();
        }
        if existing.cancelled_at.is_some() || picked_up(&steps) {
            return conflict("Order Unable to Modify");
        }
        let mut merged = OrderInput {
            fields: existing.fields.clone(),
            pieces: if input.pieces.is_empty() { existing.pieces.clone() } else { input.pieces.clone() },
            stops: if input.stops.is_empty() { existing.stops.clone() } else { input.stops.clone() },
        };
        merged.fields.extend(stored_fields(&input));
        if let Err(message) = validate(&merged) {
            return not_performed(&message);
        }
        existing.amount_charged_cents = amount_cents(&merged);
        existing.fields = merged.fields;
        existing.pieces = merged.pieces;
        existing.stops = merged.stops;
        return received();
    }
    if cancelling {
        return not_performed("Order Not Found");
    }
    if let Err(message) = validate(&input) {
        return not_performed(&message);
    }
    let number = match number {
        Some(n) => n,
        None => loop {
            let candidate = data.next_number.to_string();
            data.next_number += 1;
            if !data.orders.contains_key(&(account.clone(), candidate.clone())) {
                break candidate;
            }
        },
    };
    let order_id = data.next_order_id;
    data.next_order_id += 1;
    let order = EcOrder {
        account: account.clone(),
        order_id,
        number: number.clone(),
        created_at: now,
        scenario: scenario_of(&input),
        fields: stored_fields(&input),
        pieces: input.pieces.clone(),
        stops: input.stops.clone(),
        cancelled_at: None,
        amount_charged_cents: amount_cents(&input),
    };
    data.orders.insert((account, number), order);
    drop(data);
    let mut response = received();
    response.extensions_mut().insert(CreatedResource);
    response
}

pub async fn get_json_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(body) = parse(&body) else {
        return unparsable();
    };
    let Some(number) = text(body.get("OrderNumber")) else {
        return not_performed("OrderNumber is required");
    };
    let now = state.clock.now();
    let data = state.ecourier.lock();
    match data.orders.get(&(account, number)) {
        Some(order) => ok(order_json(order, &header_guid(&headers), now)),
        None => not_performed("Order Not Found"),
    }
}

pub async fn quote_order(State(state): State<Arc<SandboxState>>, body: Bytes) -> Response {
    let Some(body) = parse(&body) else {
        return unparsable();
    };
    let input = match read(&body) {
        Ok(input) => input,
        Err(message) => return not_performed(&message),
    };
    if let Err(message) = validate(&input) {
        return not_performed(&message);
    }
    ok(quote_json(&input, amount_cents(&input), state.clock.now()))
}
