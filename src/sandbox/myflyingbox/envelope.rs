//! The My Flying Box envelope `{status, self, data, count, error}`.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::sandbox::core::gate::json_response;

/// The full URL of the current request, as MFB echoes it in `self`.
#[derive(Clone, Debug)]
pub struct SelfUrl(pub String);

pub fn self_url_of(parts: &Parts) -> String {
    let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let uri = parts.extensions.get::<OriginalUri>().map(|u| u.0.clone()).unwrap_or_else(|| parts.uri.clone());
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("http://{host}{path}")
}

impl<S: Send + Sync> FromRequestParts<S> for SelfUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SelfUrl(self_url_of(parts)))
    }
}

/// `count` is added only when `data` is an array.
pub fn success(status: StatusCode, self_url: &str, data: Value) -> Response {
    let mut body = json!({"status": "success", "self": self_url});
    if let Value::Array(items) = &data {
        body["count"] = json!(items.len());
    }
    body["data"] = data;
    json_response(status, &body)
}

pub fn failure(status: StatusCode, self_url: &str, kind: &str, message: &str) -> Response {
    let body = json!({
        "status": "failure",
        "error": {"type": kind, "message": message},
        "self": self_url,
    });
    json_response(status, &body)
}

/// HTTP 422 `resource_not_created` with `details` (attribute path -> messages).
pub fn not_created(self_url: &str, message: &str, details: Value) -> Response {
    not_created_with_status(StatusCode::UNPROCESSABLE_ENTITY, self_url, message, details)
}

/// Same shape, other status: refusals by business rules come with HTTP 200.
pub fn not_created_with_status(status: StatusCode, self_url: &str, message: &str, details: Value) -> Response {
    let body = json!({
        "status": "failure",
        "error": {"type": "resource_not_created", "message": message, "details": details},
        "self": self_url,
    });
    json_response(status, &body)
}

pub fn not_found(self_url: &str, what: &str) -> Response {
    failure(StatusCode::NOT_FOUND, self_url, "resource_not_found", &format!("{what} not found"))
}
