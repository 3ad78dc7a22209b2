//! Extractors whose rejections are problem documents instead of axum's plain text.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// JSON body. Text that is not JSON is 400 `invalid_json`; JSON of the wrong
/// shape (types, unknown enum values, missing fields) is 422 `invalid_body`
/// with the path of the offending field; wrong content type 415; bodies over
/// the limit 413.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(request.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                payload_too_large()
            } else {
                ApiError::bad_request("invalid_body", e.body_text())
            }
        })?;
        // Two steps so that "not JSON" and "JSON of the wrong shape" are told
        // apart: serde_json reports some type errors (a number where an enum
        // is expected) as syntax errors when parsing straight into `T`.
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request("invalid_json", bounded(&format!("not valid JSON: {e}"))))?;
        let parsed = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let message = if path == "." { e.inner().to_string() } else { format!("{path}: {}", e.inner()) };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "Invalid request body", bounded(&message))
        })?;
        Ok(ApiJson(parsed))
    }
}

/// Bounds what we echo back: a hostile body must not be reflected in full.
fn bounded(text: &str) -> String {
    text.chars().take(500).collect()
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Payload too large",
        format!("request bodies are limited to {} bytes", crate::api::BODY_LIMIT_BYTES),
    )
}

/// Path parameters. Every path parameter of the API is an id, so a value that
/// cannot be one names nothing: 404, like an id of another tenant.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "Not found", clean_serde_message(&e.body_text())))
            }
            Err(other) => Err(ApiError::bad_request("invalid_path", other.body_text())),
        }
    }
}

/// Query string, 400 `invalid_query` when it does not parse.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| ApiError::bad_request("invalid_query", clean_serde_message(&e.body_text())))
    }
}

/// axum prefixes serde's message with its own sentence; keep the useful part.
fn clean_serde_message(text: &str) -> String {
    let trimmed = text
        .trim_start_matches("Failed to deserialize query string: ")
        .trim_start_matches("Failed to deserialize path parameters: ");
    bounded(trimmed)
}
