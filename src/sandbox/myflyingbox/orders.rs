//! Orders: create from an offer or automatically, read, cancel.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::catalogue::offer_json;
use super::envelope::{SelfUrl, failure, not_created, not_found, success};
use super::lifecycle::order_state;
use super::order_input::build_order;
use super::quotes::{create_quote, parse_quote};
use super::request::root_object;
use super::store::{MfbData, Order};
use crate::sandbox::core::fields::{Errors, text};
use crate::sandbox::core::gate::{AccountKey, CreatedResource};
use crate::sandbox::core::tz::paris_iso;
use crate::sandbox::state::SandboxState;

pub fn order_json(data: &MfbData, order: &Order, now: DateTime<Utc>) -> Value {
    let mut value = json!({
        "id": order.id,
        "created_at": paris_iso(order.created_at),
        "state": order_state(order, now),
        "shipper": order.shipper,
        "recipient": order.recipient,
        "parcels": order.parcels,
        "delay_pickup_order": order.delay_pickup_order,
    });
    if let Some(offer) = data.offers.get(&order.offer_id) {
        value["vat_scheme_code"] = json!(offer.vat_scheme_code);
        value["offer"] = offer_json(offer);
    }
    if let Some(date) = &order.collection_date {
        value["collection_date"] = json!(date);
    }
    if let Some(pickup) = order.pickup_id {
        value["pickup_id"] = json!(pickup);
    }
    for (key, extra) in &order.extras {
        value[key] = extra.clone();
    }
    value
}

fn with_created_marker(mut response: Response) -> Response {
    response.extensions_mut().insert(CreatedResource);
    response
}

pub async fn post_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |errors: Errors| not_created(&self_url, "Order could not be created", errors.to_json());
    let root = match root_object(&headers, &body, "order") {
        Ok(root) => root,
        Err(errors) => return refuse(errors),
    };
    let now = state.clock.now();
    let mut data = state.mfb.lock();
    let mut errors = Errors::default();
    let offer = text(root.get("offer_id"))
        .and_then(|id| Uuid::parse_str(&id).ok())
        .and_then(|id| data.offers.get(&id))
        .filter(|o| o.account == account)
        .cloned();
    let Some(offer) = offer else {
        errors.add("offer_id", "does not match any offer of this account");
        return refuse(errors);
    };
    if offer.expires_at <= now {
        errors.add("offer_id", "has expired, request a new quote");
        return refuse(errors);
    }
    let Some(quote) = data.quotes.get(&offer.quote_id).cloned() else {
        errors.add("offer_id", "does not match any offer of this account");
        return refuse(errors);
    };
    match build_order(&root, &offer, &quote, &account, now) {
        Ok(order) => {
            let view = order_json(&data, &order, now);
            data.orders.insert(order.id, order);
            drop(data);
            with_created_marker(success(StatusCode::CREATED, &self_url, view))
        }
        Err(errors) => refuse(errors),
    }
}

pub async fn post_automatic(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |errors: Errors| not_created(&self_url, "Order could not be created", errors.to_json());
    let root = match root_object(&headers, &body, "order") {
        Ok(root) => root,
        Err(errors) => return refuse(errors),
    };
    let request = match parse_quote(&root) {
        Ok(request) => request,
        Err(errors) => return refuse(errors),
    };
    let now = state.clock.now();
    let mut data = state.mfb.lock();
    let (quote, offers) = create_quote(&mut data, &request, &account, now);
    let Some(offer) = offers.first() else {
        let mut errors = Errors::default();
        errors.add("offers_filters", "no offer matches the shipment and the filters");
        return refuse(errors);
    };
    match build_order(&root, offer, &quote, &account, now) {
        Ok(order) => {
            let view = order_json(&data, &order, now);
            data.orders.insert(order.id, order);
            drop(data);
            with_created_marker(success(StatusCode::CREATED, &self_url, view))
        }
        Err(errors) => refuse(errors),
    }
}

/// Looks up an order of the caller's account by the id in the path.
pub fn find_order<'a>(data: &'a MfbData, account: &str, id: &str) -> Option<&'a Order> {
    Uuid::parse_str(id).ok().and_then(|id| data.orders.get(&id)).filter(|o| o.account == account)
}

pub async fn get_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let now = state.clock.now();
    let data = state.mfb.lock();
    match find_order(&data, &account, &id) {
        Some(order) => success(StatusCode::OK, &self_url, order_json(&data, order, now)),
        None => not_found(&self_url, "Order"),
    }
}

/// Only a `created` order can be cancelled; refusals are HTTP 200 with status failure.
pub async fn cancel_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let now = state.clock.now();
    let mut data = state.mfb.lock();
    let Some(order) = find_order(&data, &account, &id).cloned() else {
        return not_found(&self_url, "Order");
    };
    let current = order_state(&order, now);
    if current != "created" {
        return failure(
            StatusCode::OK,
            &self_url,
            "order_not_cancellable",
            &format!("Order cannot be cancelled: its state is '{current}', not 'created'"),
        );
    }
    let mut cancelled = order;
    cancelled.cancelled_at = Some(now);
    let view = order_json(&data, &cancelled, now);
    data.orders.insert(cancelled.id, cancelled);
    drop(data);
    success(StatusCode::OK, &self_url, view)
}
