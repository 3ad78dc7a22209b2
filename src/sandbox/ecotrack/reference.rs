//! Reference data: wilayas, communes (with stop-desk flag), delivery fees.

use axum::http::Uri;
use axum::response::Response;
use serde_json::{Value, json};

use super::geo::{WILAYAS, fees, has_stop_desk, postal_code, wilaya};
use super::params::{Validation, ok};
use crate::sandbox::core::form::parse_pairs;

pub async fn wilayas() -> Response {
    let list: Vec<Value> = WILAYAS.iter().map(|(id, name, _)| json!({"wilaya_id": id, "wilaya_name": name})).collect();
    ok(Value::Array(list))
}

pub async fn communes(uri: Uri) -> Response {
    let pairs = parse_pairs(uri.query().unwrap_or(""));
    let requested = pairs.iter().find(|(k, v)| k == "wilaya_id" && !v.is_empty()).map(|(_, v)| v.clone());
    let selected: Vec<_> = match requested {
        None => WILAYAS.iter().collect(),
        Some(raw) => match raw.trim().parse::<u32>().ok().and_then(wilaya) {
            Some(w) => vec![w],
            None => {
                let mut v = Validation::default();
                v.add("wilaya_id", "Le champ wilaya id doit être entre 1 et 58.");
                return v.response();
            }
        },
    };
    let list: Vec<Value> = selected
        .iter()
        .flat_map(|(id, _, communes)| {
            communes.iter().enumerate().map(move |(i, name)| {
                json!({
                    "nom": name,
                    "wilaya_id": id,
                    "code_postal": postal_code(*id, i),
                    "has_stop_desk": u8::from(has_stop_desk(*id, i)),
                })
            })
        })
        .collect();
    ok(Value::Array(list))
}

pub async fn delivery_fees() -> Response {
    let list: Vec<Value> = WILAYAS
        .iter()
        .map(|(id, _, _)| {
            let (home, desk) = fees(*id);
            json!({"wilaya_id": id, "tarif": home.to_string(), "tarif_stopdesk": desk.to_string()})
        })
        .collect();
    ok(json!({"livraison": list}))
}
