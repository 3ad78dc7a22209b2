//! Extractors whose rejections are problem documents instead of axum's plain text.

use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// JSON body. Syntax errors are 400, type and enum errors 422, wrong content
/// type 415, bodies over the limit 413.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "Invalid request body",
                clean_serde_message(&e.body_text()),
            ),
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::bad_request("invalid_json", clean_serde_message(&e.body_text()))
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
            other => ApiError::bad_request("invalid_body", other.body_text()),
        }
    }
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
        .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        .trim_start_matches("Failed to parse the request body as JSON: ")
        .trim_start_matches("Failed to deserialize query string: ")
        .trim_start_matches("Failed to deserialize path parameters: ");
    // Bound what we echo back: a hostile body must not be reflected in full.
    trimmed.chars().take(500).collect()
}
