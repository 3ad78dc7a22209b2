//! Per-parcel documents of an order: the labels PDF and the tracking events.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::envelope::{SelfUrl, failure, not_found, success};
use super::lifecycle::visible_events;
use super::orders::find_order;
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::core::pdf::text_pdf;
use crate::sandbox::state::SandboxState;

fn line(block: &Value, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|k| block.get(*k).and_then(Value::as_str))
        .map(|s| s.replace('\n', ", "))
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn labels(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let now = state.clock.now();
    let data = state.mfb.lock();
    let Some(order) = find_order(&data, &account, &id) else {
        return not_found(&self_url, "Order");
    };
    if now < order.created_at + state.mfb_label_delay {
        return failure(
            StatusCode::NOT_FOUND,
            &self_url,
            "labels_not_ready",
            "Labels are not available yet, please try again later",
        );
    }
    let product = data.offers.get(&order.offer_id).map(|o| o.product.name).unwrap_or("My Flying Box");
    let count = order.parcels.len();
    let pages: Vec<Vec<String>> = order
        .parcels
        .iter()
        .enumerate()
        .map(|(i, parcel)| {
            let tracking = stable_hash(&format!("{}{i}", order.id)) % 10_000_000_000;
            vec![
                format!("MY FLYING BOX - {product}"),
                format!("Order {}", order.id),
                format!("Parcel {}/{count}  Tracking {tracking:010}", i + 1),
                format!("From: {}", line(&order.shipper, &["name", "street", "postal_code", "city", "country"])),
                format!("To: {}", line(&order.recipient, &["name", "street", "postal_code", "city", "country"])),
                format!("Ref: {}", line(parcel, &["shipper_reference"])),
                "SANDBOX - NOT A REAL LABEL".into(),
            ]
        })
        .collect();
    drop(data);
    ([(header::CONTENT_TYPE, "application/pdf")], text_pdf(&pages)).into_response()
}

pub async fn tracking(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    SelfUrl(self_url): SelfUrl,
    Path(id): Path<String>,
) -> Response {
    let now = state.clock.now();
    let data = state.mfb.lock();
    let Some(order) = find_order(&data, &account, &id) else {
        return not_found(&self_url, "Order");
    };
    let events = visible_events(order, now);
    let per_parcel: Vec<Value> =
        (0..order.parcels.len()).map(|index| json!({"parcel_index": index, "events": events})).collect();
    drop(data);
    success(StatusCode::OK, &self_url, Value::Array(per_parcel))
}
