//! Follow-up endpoints of ecotrack-order-tracking.txt: notes (maj), return
//! requests, activity history and bulk status.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::lifecycle::{at_desk, progress};
use super::params::{Validation, not_found_parcel, ok, param, params, php_object, refused, tracking_param};
use super::statuses::{Endpoint, is_known, spelled};
use super::store::{EcotrackData, Note, Parcel};
use crate::sandbox::core::gate::AccountKey;
use crate::sandbox::core::tz::algiers;
use crate::sandbox::state::SandboxState;

pub const MAX_TRACKINGS: usize = 100;
const MAX_NOTE: usize = 255;
/// The demo shop ships from Alger.
const ORIGIN_WILAYA: u32 = 16;

fn local(at: DateTime<Utc>) -> String {
    algiers(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn activity(parcel: &Parcel, now: DateTime<Utc>) -> Vec<Value> {
    progress(parcel, now)
        .1
        .iter()
        .map(|(at, code)| {
            let t = algiers(*at);
            json!({"date": t.format("%Y-%m-%d").to_string(), "time": t.format("%H:%M:%S").to_string(), "status": code})
        })
        .collect()
}

fn tracking_info(parcel: &Parcel, shop: &str, now: DateTime<Utc>) -> Value {
    json!({
        "recipientName": parcel.fields.nom_client,
        "shippedBy": shop,
        "originCity": ORIGIN_WILAYA,
        "destLocationCity": parcel.fields.code_wilaya,
        "activity": activity(parcel, now),
    })
}

pub async fn add_note(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let mut v = Validation::default();
    let tracking = param(&params, "tracking");
    let content = param(&params, "content");
    if tracking.is_none() {
        v.required("tracking");
    }
    match &content {
        None => v.required("content"),
        Some(c) if c.chars().count() > MAX_NOTE => {
            v.add("content", format!("Le texte de content ne peut contenir plus de {MAX_NOTE} caractères."))
        }
        Some(_) => {}
    }
    let (Some(tracking), Some(content), true) = (tracking, content, v.is_empty()) else {
        return v.response();
    };
    let shop = state.accounts.ecotrack_shop(&account).unwrap_or_default();
    let now = state.clock.now();
    let mut data = state.ecotrack.lock();
    let Some(parcel) = data.parcel(&account, &tracking) else {
        return not_found_parcel();
    };
    let note = Note { tracking: parcel.tracking.clone(), remarque: format!("{shop} : {content}"), created_at: now };
    data.notes.push(note);
    ok(json!({"success": true, "message": "Mise a jour avec success"}))
}

/// Notes from the shipper plus the driver's remarks on failed attempts, oldest first.
fn notes_of(data: &EcotrackData, parcel: &Parcel, now: DateTime<Utc>) -> Vec<Value> {
    let mut notes: Vec<(DateTime<Utc>, Value)> = data
        .notes
        .iter()
        .filter(|n| n.tracking == parcel.tracking)
        .map(|n| {
            (n.created_at, json!({"remarque": n.remarque, "station": "", "livreur": "", "created_at": local(n.created_at), "tracking": n.tracking}))
        })
        .collect();
    for (at, code) in progress(parcel, now).1 {
        if code == "attempt_delivery" {
            notes.push((
                at,
                json!({
                    "remarque": "Client injoignable",
                    "station": format!("Station {}", parcel.fields.code_wilaya),
                    "livreur": "Livreur Sandbox",
                    "created_at": local(at),
                    "tracking": parcel.tracking,
                }),
            ));
        }
    }
    notes.sort_by_key(|(at, _)| *at);
    notes.into_iter().map(|(_, n)| n).collect()
}

pub async fn get_notes(
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
    let data = state.ecotrack.lock();
    match data.parcel(&account, &tracking) {
        Some(parcel) => ok(Value::Array(notes_of(&data, parcel, now))),
        None => not_found_parcel(),
    }
}

/// Only while the parcel is out for delivery (en_livraison).
pub async fn ask_return(
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
    if progress(parcel, now).0 != "en_livraison" {
        return refused("Le retour ne peut être demandé que pour un colis en livraison");
    }
    parcel.return_asked_at = Some(now);
    ok(json!({"success": true, "message": "Retour demandé avec succès"}))
}

pub async fn get_tracking_info(
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
    let shop = state.accounts.ecotrack_shop(&account).unwrap_or_default();
    let now = state.clock.now();
    let data = state.ecotrack.lock();
    match data.parcel(&account, &tracking) {
        Some(parcel) => ok(tracking_info(parcel, &shop, now)),
        None => not_found_parcel(),
    }
}

/// The `trackings` list (comma separated, at most 100), or the 422.
fn tracking_list(params: &Map<String, Value>) -> Result<Vec<String>, Response> {
    let mut v = Validation::default();
    let list: Vec<String> = param(params, "trackings")
        .map(|t| t.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if list.is_empty() {
        v.required("trackings");
    } else if list.len() > MAX_TRACKINGS {
        v.add("trackings", format!("Le nombre maximum de trackings est de {MAX_TRACKINGS} par requête."));
    }
    if v.is_empty() { Ok(list) } else { Err(v.response()) }
}

pub async fn get_trackings_info(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let list = match tracking_list(&params) {
        Ok(list) => list,
        Err(response) => return response,
    };
    let shop = state.accounts.ecotrack_shop(&account).unwrap_or_default();
    let now = state.clock.now();
    let data = state.ecotrack.lock();
    let found: Map<String, Value> = list
        .iter()
        .filter_map(|t| data.parcel(&account, t))
        .map(|p| (p.tracking.clone(), tracking_info(p, &shop, now)))
        .collect();
    ok(json!({"data": php_object(found)}))
}

fn desk(parcel: &Parcel) -> Value {
    if !at_desk(parcel) {
        return json!({"desk_phone": "", "desk_commune": "", "desk_map_link": "", "desk_address": ""});
    }
    let f = &parcel.fields;
    json!({
        "desk_phone": format!("0550{:06}", f.code_wilaya * 1111),
        "desk_commune": f.commune,
        "desk_map_link": format!("https://maps.google.com/?q=Stop+desk+{}", f.commune.replace(' ', "+")),
        "desk_address": format!("Stop desk Ecotrack, centre-ville, {}", f.commune),
    })
}

/// `api_token` authenticates this endpoint (checked by the gate).
pub async fn get_orders_status(
    State(state): State<Arc<SandboxState>>,
    Extension(AccountKey(account)): Extension<AccountKey>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = params(&uri, &headers, &body);
    let list = match tracking_list(&params) {
        Ok(list) => list,
        Err(response) => return response,
    };
    let wanted: Vec<String> = param(&params, "status")
        .map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let mut v = Validation::default();
    if wanted.is_empty() {
        v.required("status");
    }
    for unknown in wanted.iter().filter(|s| *s != "all" && !is_known(s)) {
        v.add("status", format!("Le statut {unknown} est invalide."));
    }
    if !v.is_empty() {
        return v.response();
    }
    let now = state.clock.now();
    let data = state.ecotrack.lock();
    let mut found = Map::new();
    for parcel in list.iter().filter_map(|t| data.parcel(&account, t)) {
        let status = progress(parcel, now).0;
        if !wanted.iter().any(|w| w == "all" || w == status) {
            continue;
        }
        let mut entry = json!({
            "status": spelled(status, &parcel.tracking, Endpoint::OrdersStatus),
            "order_id": parcel.order_id.to_string(),
            "activity": activity(parcel, now),
        });
        if let (Value::Object(e), Value::Object(d)) = (&mut entry, desk(parcel)) {
            e.extend(d);
        }
        found.insert(parcel.tracking.clone(), entry);
    }
    ok(json!({"data": php_object(found)}))
}
