//! Delayed pickups: only for orders created with `delay_pickup_order` on a
//! product that supports it. The carrier's reference arrives later.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::catalogue::price_json;
use super::envelope::{SelfUrl, not_created, not_created_with_status, not_found, success};
use super::lifecycle::order_state;
use super::request::root_object;
use super::store::Pickup;
use crate::sandbox::core::fields::{Errors, text};
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::core::tz::{paris, paris_iso};
use crate::sandbox::state::SandboxState;

const PICKUP_PRICE_CENTS: i64 = 1200;

fn pickup_json(pickup: &Pickup, now: DateTime<Utc>, confirm_after: chrono::Duration) -> Value {
    let confirmed = now >= pickup.created_at + confirm_after;
    json!({
        "id": pickup.id,
        "order_id": pickup.order_id,
        "reference": pickup.reference,
        "supplier_reference": if confirmed { pickup.supplier_reference.as_str() } else { "" },
        "collection_date": pickup.collection_date,
        "collection_instructions": pickup.collection_instructions,
        "created_at": paris_iso(pickup.created_at),
        "total_price": price_json(pickup.price_cents),
        "address": pickup.address,
    })
}

fn address(root: &Value, errors: &mut Errors) -> Value {
    let block = root.get("address");
    let mut out = Map::new();
    for name in ["name", "company", "street", "city", "postal_code", "state", "country", "phone", "email"] {
        let value = text(block.and_then(|b| b.get(name)));
        let required = matches!(name, "name" | "street" | "city" | "postal_code" | "country" | "phone");
        match value {
            Some(v) => {
                out.insert(name.into(), json!(v));
            }
            None if required => errors.add(format!("address.{name}"), "can't be blank"),
            None => {}
        }
    }
    Value::Object(out)
}

pub async fn post_pickup(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |errors: Errors| not_created(&self_url, "Pickup could not be created", errors.to_json());
    let root = match root_object(&headers, &body, "pickup") {
        Ok(root) => root,
        Err(errors) => return refuse(errors),
    };
    let mut errors = Errors::default();
    let order_id = text(root.get("order_id")).and_then(|id| Uuid::parse_str(&id).ok());
    let collection_date = text(root.get("collection_date"));
    match collection_date.as_deref() {
        None => errors.add("collection_date", "can't be blank"),
        Some(d) if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() && DateTime::parse_from_rfc3339(d).is_err() => {
            errors.add("collection_date", format!("'{d}' is not an ISO 8601 date"))
        }
        Some(_) => {}
    }
    let address = address(&root, &mut errors);
    let now = state.clock.now();
    let mut data = state.mfb.lock();
    let order = order_id.and_then(|id| data.orders.get(&id)).filter(|o| o.account == account).cloned();
    if order.is_none() {
        errors.add("order_id", "does not match any order of this account");
    }
    let (Some(order), true) = (order, errors.is_empty()) else {
        return refuse(errors);
    };
    // Business refusals: HTTP 200 with status failure.
    let supports = data.offers.get(&order.offer_id).is_some_and(|o| o.product.support_delayed_pickup);
    let refusal = if !order.delay_pickup_order || !supports {
        Some("the order was not created with delay_pickup_order on a product that supports delayed pickups")
    } else if order.pickup_id.is_some() {
        Some("a pickup was already requested for this order")
    } else if order_state(&order, now) == "cancelled" {
        Some("the order is cancelled")
    } else {
        None
    };
    if let Some(reason) = refusal {
        let mut errors = Errors::default();
        errors.add("order_id", reason);
        return not_created_with_status(StatusCode::OK, &self_url, "Pickup could not be created", errors.to_json());
    }
    let id = Uuid::new_v4();
    let seed = stable_hash(&id.to_string());
    let letters: String = (0..3).map(|i| char::from(b'A' + ((seed >> (i * 5)) % 26) as u8)).collect();
    let pickup = Pickup {
        id,
        account: account.clone(),
        order_id: order.id,
        reference: format!("MFB-PU-{}-{letters}", paris(now).format("%y%m%d")),
        supplier_reference: format!("{:09}", seed % 1_000_000_000),
        collection_date: collection_date.unwrap_or_default(),
        collection_instructions: text(root.get("collection_instructions")),
        created_at: now,
        price_cents: PICKUP_PRICE_CENTS,
        address,
    };
    if let Some(stored) = data.orders.get_mut(&order.id) {
        stored.pickup_id = Some(id);
        stored.journey_start = Some(now);
    }
    let view = pickup_json(&pickup, now, state.mfb_pickup_confirm_delay);
    data.pickups.insert(id, pickup);
    drop(data);
    success(StatusCode::CREATED, &self_url, view)
}

pub async fn get_pickup(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let now = state.clock.now();
    let data = state.mfb.lock();
    let pickup = Uuid::parse_str(&id).ok().and_then(|id| data.pickups.get(&id));
    match pickup.filter(|p| p.account == account) {
        Some(p) => success(StatusCode::OK, &self_url, pickup_json(p, now, state.mfb_pickup_confirm_delay)),
        None => not_found(&self_url, "Pickup"),
    }
}
