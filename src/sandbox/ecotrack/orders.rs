//! Creating, updating, deleting, validating parcels, and their label.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::input::read;
use super::lifecycle::{SUPPORTED, picked};
use super::params::{Validation, not_found_parcel, ok, params, refused, tracking_param};
use super::store::{EcotrackData, OrderFields, Parcel};
use crate::sandbox::core::gate::{AccountKey, CreatedResource};
use crate::sandbox::core::hash::stable_hash;
use crate::sandbox::core::pdf::text_pdf;
use crate::sandbox::core::scenario::Scenario;
use crate::sandbox::core::tz::algiers;
use crate::sandbox::state::SandboxState;

/// At most this many orders per bulk call.
pub const BULK_LIMIT: usize = 100;

fn new_tracking(data: &mut EcotrackData, account: &str, now: DateTime<Utc>) -> String {
    let seed = stable_hash(account);
    let letters: String = (0..4).map(|i| char::from(b'A' + ((seed >> (i * 8)) % 26) as u8)).collect();
    let day = algiers(now).format("%y%m%d");
    loop {
        data.counter += 1;
        let n = stable_hash(&format!("{account}#{}", data.counter)) % 10_000;
        let tracking = format!("EC{letters}{day}{n:04}");
        if !data.parcels.contains_key(&tracking) {
            return tracking;
        }
    }
}

fn store_parcel(data: &mut EcotrackData, account: &str, fields: OrderFields, now: DateTime<Utc>) -> String {
    let tracking = new_tracking(data, account, now);
    data.next_order_id += 1;
    let scenario = fields
        .reference
        .as_deref()
        .and_then(Scenario::from_reference)
        .filter(|s| SUPPORTED.contains(s))
        .unwrap_or_default();
    let parcel = Parcel {
        account: account.to_owned(),
        tracking: tracking.clone(),
        order_id: 1236 + data.next_order_id,
        created_at: now,
        updated_at: now,
        fields,
        scenario,
        validated_at: None,
        return_asked_at: None,
    };
    data.parcels.insert(tracking.clone(), parcel);
    tracking
}

fn created(body: Value) -> Response {
    let mut response = ok(body);
    response.extensions_mut().insert(CreatedResource);
    response
}

pub async fn create_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let fields = match read(&params, None) {
        Ok(fields) => fields,
        Err(validation) => return validation.response(),
    };
    let now = state.clock.now();
    let tracking = store_parcel(&mut state.ecotrack.lock(), &account, fields, now);
    created(json!({"success": true, "message": "Commande créée avec succès", "tracking": tracking}))
}

/// `{"orders": {"0": {...}, "1": {...}}}` (an array is accepted too); results keyed the same way.
pub async fn create_orders(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    body: Bytes,
) -> Response {
    let orders: Vec<(String, Value)> =
        match serde_json::from_slice::<Value>(&body).ok().and_then(|b| b.get("orders").cloned()) {
            Some(Value::Object(map)) => map.into_iter().collect(),
            Some(Value::Array(list)) => list.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => {
                let mut v = Validation::default();
                v.required("orders");
                return v.response();
            }
        };
    if orders.len() > BULK_LIMIT {
        let mut v = Validation::default();
        v.add("orders", format!("Le champ orders ne peut pas avoir plus de {BULK_LIMIT} éléments."));
        return v.response();
    }
    let now = state.clock.now();
    let mut data = state.ecotrack.lock();
    let mut results = Map::new();
    let mut all_ok = true;
    let mut any_created = false;
    for (key, order) in orders {
        let fields = match &order {
            Value::Object(map) => read(map, None),
            _ => {
                let mut v = Validation::default();
                v.add("order", "La commande doit être un objet.");
                Err(v)
            }
        };
        let result = match fields {
            Ok(fields) => {
                any_created = true;
                json!({"success": true, "tracking": store_parcel(&mut data, &account, fields, now)})
            }
            Err(validation) => {
                all_ok = false;
                let mut body = validation.body();
                body["success"] = json!(false);
                body
            }
        };
        results.insert(key, result);
    }
    drop(data);
    let body = json!({"success": all_ok, "results": results});
    if any_created { created(body) } else { ok(body) }
}

pub async fn update_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let tracking = match tracking_param(&params) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let now = state.clock.now();
    let mut data = state.ecotrack.lock();
    let Some(parcel) = data.parcel(&account, &tracking).cloned() else {
        return not_found_parcel();
    };
    if picked(&parcel, now) {
        return refused("La commande a déjà été récupérée par le livreur et ne peut plus être modifiée");
    }
    let fields = match read(&params, Some(&parcel.fields)) {
        Ok(fields) => fields,
        Err(validation) => return validation.response(),
    };
    if let Some(stored) = data.parcels.get_mut(&parcel.tracking) {
        stored.fields = fields;
        stored.updated_at = now;
    }
    ok(json!({"success": true, "message": "Commande modifiée avec succès"}))
}

pub async fn delete_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let tracking = match tracking_param(&params) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let now = state.clock.now();
    let mut data = state.ecotrack.lock();
    let Some(parcel) = data.parcel(&account, &tracking).cloned() else {
        return not_found_parcel();
    };
    if picked(&parcel, now) {
        return refused("La commande a déjà été récupérée par le livreur et ne peut plus être supprimée");
    }
    data.parcels.remove(&parcel.tracking);
    ok(json!({"success": true, "message": "Commande supprimée avec succès"}))
}

/// Ships the parcel: its journey starts now.
pub async fn valid_order(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let tracking = match tracking_param(&params) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let now = state.clock.now();
    let mut data = state.ecotrack.lock();
    let Some(parcel) = data.parcels.get_mut(tracking.trim()).filter(|p| p.account == account) else {
        return not_found_parcel();
    };
    if parcel.validated_at.is_some() {
        return refused("Commande déjà validée");
    }
    parcel.validated_at = Some(now);
    parcel.updated_at = now;
    ok(json!({"success": true, "message": "Commande validée avec succès"}))
}

pub async fn label(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let tracking = match tracking_param(&params) {
        Ok(t) => t,
        Err(response) => return response,
    };
    let data = state.ecotrack.lock();
    let Some(parcel) = data.parcel(&account, &tracking) else {
        return not_found_parcel();
    };
    let f = &parcel.fields;
    let page = vec![
        "ECOTRACK".to_owned(),
        format!("Tracking {}", parcel.tracking),
        format!("Client: {} {}", f.nom_client, f.telephone),
        format!("{} - {} ({})", f.adresse, f.commune, f.code_wilaya),
        format!("Montant: {:.2} DA", f.montant),
        if f.stop_desk { "STOP DESK".to_owned() } else { "A DOMICILE".to_owned() },
        "SANDBOX - NOT A REAL LABEL".to_owned(),
    ];
    drop(data);
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/pdf")], text_pdf(&[page])).into_response()
}
