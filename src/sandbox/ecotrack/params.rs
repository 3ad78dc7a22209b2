//! Request parameters from the query string and the body (form or JSON),
//! the body winning; and Laravel's answer shapes.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::sandbox::core::fields::text;
use crate::sandbox::core::form::parse_pairs;
use crate::sandbox::core::gate::json_response;

pub fn params(uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Map<String, Value> {
    let mut out: Map<String, Value> =
        parse_pairs(uri.query().unwrap_or("")).into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    let json_body = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("json"));
    if json_body {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            out.extend(map);
        }
    } else if !body.is_empty() {
        let text = String::from_utf8_lossy(body);
        out.extend(parse_pairs(&text).into_iter().map(|(k, v)| (k, Value::String(v))));
    }
    out
}

pub fn param(params: &Map<String, Value>, name: &str) -> Option<String> {
    text(params.get(name))
}

/// Laravel validation messages (French locale), by field.
#[derive(Default)]
pub struct Validation(pub BTreeMap<String, Vec<String>>);

impl Validation {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_default().push(message.into());
    }

    pub fn required(&mut self, field: &str) {
        self.add(field, format!("Le champ {} est obligatoire.", field.replace('_', " ")));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `{"message": first error (and N more), "errors": {...}}`.
    pub fn body(&self) -> Value {
        let total: usize = self.0.values().map(Vec::len).sum();
        let first = self.0.values().flatten().next().cloned().unwrap_or_default();
        let message = match total {
            0 | 1 => first,
            n => format!("{first} (et {} erreur{} en plus)", n - 1, if n > 2 { "s" } else { "" }),
        };
        json!({"message": message, "errors": self.0})
    }

    pub fn response(&self) -> Response {
        json_response(StatusCode::UNPROCESSABLE_ENTITY, &self.body())
    }
}

/// The tracking parameter, or the 422 when it is missing.
pub fn tracking_param(params: &Map<String, Value>) -> Result<String, Response> {
    param(params, "tracking").ok_or_else(|| {
        let mut v = Validation::default();
        v.required("tracking");
        v.response()
    })
}

/// HTTP 200 `{"success": false, "message": ...}`: how Ecotrack refuses.
pub fn refused(message: &str) -> Response {
    json_response(StatusCode::OK, &json!({"success": false, "message": message}))
}

pub fn not_found_parcel() -> Response {
    refused("Commande introuvable")
}

pub fn ok(body: Value) -> Response {
    json_response(StatusCode::OK, &body)
}

/// PHP encodes an empty associative array as `[]`.
pub fn php_object(map: Map<String, Value>) -> Value {
    if map.is_empty() { Value::Array(vec![]) } else { Value::Object(map) }
}
